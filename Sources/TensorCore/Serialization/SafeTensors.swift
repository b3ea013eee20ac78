import Foundation

/// Reading and writing the safetensors file format, so our checkpoints open in Python
/// (`safetensors.numpy.load_file`) and theirs open here.
///
/// The layout: an 8-byte little-endian header length `N`; `N` bytes of JSON mapping each
/// tensor name to `{"dtype": "F32", "shape": […], "data_offsets": [begin, end]}` (plus an
/// optional `"__metadata__"` object of strings); then the raw little-endian data, with
/// offsets counted from the end of the header.
///
/// Reading trusts nothing in the file: every size and offset is checked against the file's
/// actual length before anything is allocated, so a corrupt or hostile header produces a
/// `SafeTensorsError`, never a crash or a huge allocation.
public enum SafeTensors {
  /// The largest header we accept. Real headers are a few kilobytes per hundred tensors.
  public static let maximumHeaderBytes = 16 << 20

  /// Encodes named tensors (in name order) and string metadata as a safetensors file.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
    let names = tensors.keys.sorted()
    var entries: [String] = []
    if !metadata.isEmpty {
      let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
      entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
    }
    var offset = 0
    for name in names {
      let t = tensors[name]!
      let bytes = t.count * 4
      let shape = t.shape.map(String.init).joined(separator: ",")
      entries.append(
        "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(offset),\(offset + bytes)]}")
      offset += bytes
    }
    var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
    while header.count % 8 != 0 { header.append(0x20) }
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for name in names {
      tensors[name]!.withUnsafeBufferPointer { values in
        for v in values {
          withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
      }
    }
    return data
  }

  /// The `__metadata__` strings of the safetensors file at `path`, read from its header
  /// alone (a few kilobytes, whatever the file's size): for checking that a checkpoint was
  /// saved with this run's settings before its tensors are read. `nil` when the file is not
  /// a readable safetensors file; loading it then says why.
  public static func metadata(atPath path: String) -> [String: String]? {
    guard let file = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? file.close() }
    guard let prefix = try? file.read(upToCount: 8), prefix.count == 8 else { return nil }
    let length = prefix.enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * UInt64($1.offset))
    }
    guard length <= UInt64(maximumHeaderBytes),
      let header = try? file.read(upToCount: Int(length)), header.count == Int(length),
      let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any]
    else { return nil }
    return json["__metadata__"] as? [String: String] ?? [:]
  }

  /// The tensors and metadata in a safetensors file's bytes.
  /// - Throws: `SafeTensorsError` naming the first problem found.
  public static func decode(_ data: Data) throws -> (
    tensors: [String: Tensor], metadata: [String: String]
  ) {
    guard data.count >= 8 else { throw SafeTensorsError.truncated(bytes: data.count) }
    let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * UInt64($1.offset))
    }
    guard headerLength <= UInt64(maximumHeaderBytes) else {
      throw SafeTensorsError.headerTooLarge(bytes: headerLength)
    }
    let headerEnd = 8 + Int(headerLength)
    guard headerEnd <= data.count else {
      throw SafeTensorsError.headerPastEnd(header: Int(headerLength), file: data.count)
    }
    let headerBytes = data.subdata(in: 8..<headerEnd)
    guard
      let json = try? JSONSerialization.jsonObject(with: headerBytes),
      let header = json as? [String: Any]
    else { throw SafeTensorsError.badHeader("the header is not a JSON object") }
    // JSON readers keep the last of two equal keys; the reference implementation refuses
    // them, and so do we: which tensor a name means must not depend on the reader.
    if let duplicate = duplicateKey(in: Array(headerBytes)) {
      throw SafeTensorsError.badHeader("the name '\(duplicate)' appears twice")
    }
    let dataSize = data.count - headerEnd
    var metadata: [String: String] = [:]
    var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
    for (name, value) in header {
      if name == "__metadata__" {
        guard let fields = value as? [String: String] else {
          throw SafeTensorsError.badHeader("__metadata__ must map strings to strings")
        }
        metadata = fields
        continue
      }
      entries.append(try entry(name, value, dataSize: dataSize))
    }
    // In offset order (empty tensors first at their offset, then by name, so the order is
    // the same on every run), the tensors must tile the data section exactly: no overlap,
    // no gap, nothing after the last one. The reference implementation is as strict.
    entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var covered = 0
    for e in entries {
      if e.begin < covered {
        let other = entries.first { $0.name != e.name && $0.begin < e.end && e.begin < $0.end }
        throw SafeTensorsError.badHeader(
          "tensors '\(other?.name ?? "?")' and '\(e.name)' overlap")
      }
      if e.begin > covered {
        throw SafeTensorsError.badHeader(
          "bytes \(covered)..<\(e.begin) of the data belong to no tensor")
      }
      covered = e.end
    }
    if covered != dataSize {
      throw SafeTensorsError.badHeader(
        "\(dataSize - covered) bytes after the last tensor belong to no tensor")
    }
    var tensors: [String: Tensor] = [:]
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      for e in entries {
        let values = (0..<(e.end - e.begin) / 4).map { i in
          Float(
            bitPattern: UInt32(
              littleEndian: raw.loadUnaligned(
                fromByteOffset: headerEnd + e.begin + 4 * i, as: UInt32.self)))
        }
        tensors[e.name] = Tensor(values, shape: e.shape)
      }
    }
    return (tensors, metadata)
  }

  /// Validates one header entry against the data section's size.
  static func entry(
    _ name: String, _ value: Any, dataSize: Int
  ) throws -> (name: String, shape: [Int], begin: Int, end: Int) {
    guard let fields = value as? [String: Any] else {
      throw SafeTensorsError.badHeader("the entry for '\(name)' is not an object")
    }
    guard let dtype = fields["dtype"] as? String else {
      throw SafeTensorsError.badHeader("'\(name)' has no dtype")
    }
    guard dtype == "F32" else { throw SafeTensorsError.unsupportedDType(name: name, dtype: dtype) }
    guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
      throw SafeTensorsError.badHeader("'\(name)' has no valid shape (whole numbers ≥ 0)")
    }
    guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] >= 0,
      offsets[0] <= offsets[1]
    else { throw SafeTensorsError.badHeader("'\(name)' has no valid data_offsets") }
    guard offsets[1] <= dataSize else {
      throw SafeTensorsError.dataPastEnd(name: name, end: offsets[1], dataSize: dataSize)
    }
    var count = 1
    for size in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow, product <= dataSize else {
        throw SafeTensorsError.sizeMismatch(
          name: name, shape: shape, bytes: offsets[1] - offsets[0])
      }
      count = product
    }
    guard count * 4 == offsets[1] - offsets[0] else {
      throw SafeTensorsError.sizeMismatch(name: name, shape: shape, bytes: offsets[1] - offsets[0])
    }
    return (name, shape, offsets[0], offsets[1])
  }

  /// The whole numbers of a JSON array, or `nil` if any element is not one (`181.5`,
  /// `true` and `"3"` are refused, not rounded or converted).
  static func integers(_ value: Any?) -> [Int]? {
    guard let array = value as? [Any] else { return nil }
    var result: [Int] = []
    for element in array {
      // JSON `true` arrives as a boolean NSNumber, whose type is "c" (a C char).
      guard let number = element as? NSNumber, String(cString: number.objCType) != "c"
      else { return nil }
      let real = number.doubleValue
      guard real.rounded() == real, abs(real) < 9e15 else { return nil }
      result.append(number.intValue)
    }
    return result
  }

  /// The first key that occurs twice in the top-level object of `json`, if any.
  ///
  /// A small scanner: it follows strings (with their escapes) and nesting depth, and
  /// decodes each string that stands at depth 1 before a `:` as a key.
  static func duplicateKey(in json: [UInt8]) -> String? {
    var seen: Set<String> = []
    var depth = 0
    var i = 0
    while i < json.count {
      let byte = json[i]
      if byte == UInt8(ascii: "\"") {
        let start = i
        i += 1
        while i < json.count && json[i] != UInt8(ascii: "\"") {
          i += json[i] == UInt8(ascii: "\\") ? 2 : 1
        }
        let end = Swift.min(i, json.count - 1)
        var next = i + 1
        while next < json.count && [0x20, 0x09, 0x0A, 0x0D].contains(json[next]) { next += 1 }
        if depth == 1 && next < json.count && json[next] == UInt8(ascii: ":"),
          let key = try? JSONSerialization.jsonObject(
            with: Data(json[start...end]), options: .fragmentsAllowed) as? String
        {
          if !seen.insert(key).inserted { return key }
        }
      } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
        depth += 1
      } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
        depth -= 1
      }
      i += 1
    }
    return nil
  }

  /// Writes `data` to `url` safely (see `SafeFile`).
  public static func writeAtomically(_ data: Data, to url: URL) throws {
    do {
      try SafeFile.write(data, to: url.path)
    } catch let error as SafeFileError {
      throw SafeTensorsError.cannotWrite(path: url.path, reason: error.message)
    }
  }

  static func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

/// Why a safetensors file could not be read or written.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
  case truncated(bytes: Int)
  case headerTooLarge(bytes: UInt64)
  case headerPastEnd(header: Int, file: Int)
  case badHeader(String)
  case unsupportedDType(name: String, dtype: String)
  case dataPastEnd(name: String, end: Int, dataSize: Int)
  case sizeMismatch(name: String, shape: [Int], bytes: Int)
  case cannotWrite(path: String, reason: String)

  public var description: String {
    switch self {
    case .truncated(let bytes):
      return "not a safetensors file: it has \(bytes) bytes, fewer than the 8-byte header length"
    case .headerTooLarge(let bytes):
      return "not a safetensors file: the header claims \(bytes) bytes (the limit is "
        + "\(SafeTensors.maximumHeaderBytes))"
    case .headerPastEnd(let header, let file):
      return "truncated safetensors file: its header says it is \(header) bytes long, so the "
        + "file needs at least \(8 + header) bytes (8 for that length, then the header) but has "
        + "only \(file); it was cut short while being written or copied"
    case .badHeader(let reason):
      return "corrupt safetensors header: \(reason)"
    case .unsupportedDType(let name, let dtype):
      return "tensor '\(name)' has dtype \(dtype); only F32 (32-bit float) tensors are supported"
    case .dataPastEnd(let name, let end, let dataSize):
      return "truncated safetensors file: tensor '\(name)' ends at byte \(end) of a data "
        + "section of \(dataSize) bytes"
    case .sizeMismatch(let name, let shape, let bytes):
      return "corrupt safetensors header: tensor '\(name)' has shape \(Shape.describe(shape)) "
        + "but \(bytes) bytes of data"
    case .cannotWrite(_, let reason):
      return reason
    }
  }
}
