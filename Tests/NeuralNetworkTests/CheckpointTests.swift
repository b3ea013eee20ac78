import Foundation
import Testing

@testable import NeuralNetwork
@testable import TensorCore

struct CheckpointTests {
  final class Small: Module {
    let encoder: Linear
    let rnn: GRU
    init(hidden: Int, seed: UInt64) {
      var g = SplitMix64(seed: seed)
      encoder = Linear(3, hidden, using: &g)
      rnn = GRU(inputSize: hidden, hiddenSize: hidden, using: &g)
      super.init()
    }
  }

  func temporaryPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "checkpoint-tests-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
  }

  @Test func roundTripIsBitForBit() throws {
    let path = temporaryPath("round-trip.safetensors")
    let original = Small(hidden: 4, seed: 1)
    try original.save(to: path, metadata: ["lesson": "test"])
    let copy = Small(hidden: 4, seed: 2)
    #expect(copy.encoder.weight.scalars != original.encoder.weight.scalars)
    let metadata = try copy.load(from: path)
    #expect(metadata == ["lesson": "test"])
    for ((n1, a), (n2, b)) in zip(original.namedParameters(), copy.namedParameters()) {
      #expect(n1 == n2)
      #expect(a.scalars.map { $0.bitPattern } == b.scalars.map { $0.bitPattern })
    }
    // The file is laid out as the format says: header length, JSON, then data.
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let headerLength = Int(data[0]) | Int(data[1]) << 8
    #expect(headerLength % 8 == 0)
    let header = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
    #expect(header.contains("\"encoder.weight\":{\"dtype\":\"F32\",\"shape\":[4,3]"))
    #expect(data.count == 8 + headerLength + 4 * original.parameterCount)
    // The metadata alone, from the header, before any tensor is read.
    #expect(SafeTensors.metadata(atPath: path) == ["lesson": "test"])
    #expect(SafeTensors.metadata(atPath: temporaryPath("absent.safetensors")) == nil)
    // A file cut one byte into its header names both sizes the reader compared.
    let cut = temporaryPath("cut.safetensors")
    try data.prefix(8 + headerLength - 1).write(to: URL(fileURLWithPath: cut))
    #expect(SafeTensors.metadata(atPath: cut) == nil)
    do {
      try copy.load(from: cut)
      Issue.record("a truncated checkpoint loaded")
    } catch let error as CheckpointError {
      #expect(
        error.problem
          == "truncated safetensors file: its header says it is \(headerLength) bytes long, so "
          + "the file needs at least \(8 + headerLength) bytes (8 for that length, then the "
          + "header) but has only \(8 + headerLength - 1); it was cut short while being "
          + "written or copied")
    }
    // A symbolic link to a checkpoint is that checkpoint.
    let link = temporaryPath("link.safetensors")
    unlink(link)
    symlink(path, link)
    #expect(try copy.load(from: link) == ["lesson": "test"])
  }

  @Test func wrongShapeIsRefusedAndNothingChanges() throws {
    let path = temporaryPath("wrong-shape.safetensors")
    try Small(hidden: 4, seed: 1).save(to: path)
    let other = Small(hidden: 5, seed: 3)
    let before = other.encoder.weight.scalars
    #expect(throws: CheckpointError.self) { try other.load(from: path) }
    do {
      try other.load(from: path)
    } catch let error as CheckpointError {
      #expect(
        error.problem
          == "tensor 'encoder.weight' has shape [4, 3] but this model expects [5, 3]; it was "
          + "saved with other sizes")
    }
    #expect(other.encoder.weight.scalars == before)
  }

  @Test func anotherModelIsRefused() throws {
    let path = temporaryPath("other-model.safetensors")
    var g = SplitMix64(seed: 4)
    try Linear(3, 4, using: &g).save(to: path)
    do {
      try Small(hidden: 4, seed: 1).load(from: path)
      Issue.record("loading another model's checkpoint should fail")
    } catch let error as CheckpointError {
      #expect(
        error.problem == "it has no tensor 'encoder.weight'; it was saved from a different model")
    }
  }

  @Test func missingFileIsRefused() {
    #expect(throws: CheckpointError.self) {
      try Small(hidden: 2, seed: 1).load(from: "/nonexistent/model.safetensors")
    }
  }

  @Test(arguments: [
    ("empty", [UInt8](), SafeTensorsError.truncated(bytes: 0)),
    ("short", [1, 2, 3], SafeTensorsError.truncated(bytes: 3)),
    (
      "oversized header", [0, 0, 0, 0, 0, 0, 0, 1] + Array("{}".utf8),
      SafeTensorsError.headerTooLarge(bytes: 1 << 56)
    ),
    (
      "header past the end", [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8),
      SafeTensorsError.headerPastEnd(header: 100, file: 10)
    ),
    (
      "not JSON", [4, 0, 0, 0, 0, 0, 0, 0] + Array("abcd".utf8),
      SafeTensorsError.badHeader("the header is not a JSON object")
    ),
  ])
  func corruptFilesAreRefused(_ name: String, _ bytes: [UInt8], _ expected: SafeTensorsError) {
    #expect(throws: expected) { try SafeTensors.decode(Data(bytes)) }
  }

  func file(header: String, dataBytes: Int) -> Data {
    var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
    bytes += Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes)
    return Data(bytes)
  }

  @Test func hostileHeadersAreRefusedWithoutAllocating() {
    let huge = #"{"w":{"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,8]}}"#
    #expect(
      throws: SafeTensorsError.sizeMismatch(
        name: "w", shape: [1_000_000_000, 1_000_000_000], bytes: 8)
    ) {
      try SafeTensors.decode(file(header: huge, dataBytes: 8))
    }
    let pastEnd = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
    #expect(throws: SafeTensorsError.dataPastEnd(name: "w", end: 16, dataSize: 8)) {
      try SafeTensors.decode(file(header: pastEnd, dataBytes: 8))
    }
    let halfPrecision = #"{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#
    #expect(throws: SafeTensorsError.unsupportedDType(name: "w", dtype: "F16")) {
      try SafeTensors.decode(file(header: halfPrecision, dataBytes: 8))
    }
    let overlap =
      #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
      + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
    #expect(throws: SafeTensorsError.badHeader("tensors 'a' and 'b' overlap")) {
      try SafeTensors.decode(file(header: overlap, dataBytes: 12))
    }
  }

  /// The exact bytes of a small file, assembled by hand from the format's description.
  /// The file is also left in the temporary folder, where CI reads it back with Python's
  /// `safetensors` package.
  @Test func encodingMatchesTheFormatByteForByte() throws {
    let tensors = [
      "layer.weight": Tensor([[1, 2, 3], [4, 5, 6]]),
      "layer.bias": Tensor([0.5, -0.25], shape: [2]),
    ]
    let data = SafeTensors.encode(tensors)
    var header =
      #"{"layer.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
      + #""layer.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}}"#
    while header.utf8.count % 8 != 0 { header += " " }
    var expected = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
    expected += Array(header.utf8)
    for v: Float in [0.5, -0.25, 1, 2, 3, 4, 5, 6] {
      expected += withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
    }
    #expect(Array(data) == expected)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "language-models-course-example.safetensors")
    try SafeTensors.writeAtomically(data, to: path)
    #expect(try Data(contentsOf: path) == data)
  }

  @Test func emptyTensorsAreReadWhereverTheyStand() throws {
    // As Python's safetensors writes them: an empty tensor has equal offsets, which may
    // coincide with the start of the next tensor.
    let header =
      #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
      + #""a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"#
      + #""c":{"dtype":"F32","shape":[0,3],"data_offsets":[8,8]}}"#
    let decoded = try SafeTensors.decode(file(header: header, dataBytes: 8))
    #expect(decoded.tensors["a"]!.shape == [0])
    #expect(decoded.tensors["c"]!.shape == [0, 3])
    #expect(decoded.tensors["b"]!.scalars == [0, 0])
    let written = SafeTensors.encode(["e": Tensor([Float](), shape: [0]), "w": Tensor([1, 2])])
    #expect(try SafeTensors.decode(written).tensors["e"]!.count == 0)
  }

  @Test(arguments: [
    (
      #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
        + #""a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
      "the name 'a' appears twice"
    ),
    (
      #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#,
      "'a' has no valid shape (whole numbers ≥ 0)"
    ),
    (
      #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,8]}}"#,
      "'a' has no valid shape (whole numbers ≥ 0)"
    ),
    (
      #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0001]}}"#,
      "'a' has no valid data_offsets"
    ),
    (
      #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
      "4 bytes after the last tensor belong to no tensor"
    ),
    (
      #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
      "bytes 0..<4 of the data belong to no tensor"
    ),
  ])
  func headersTheReferenceRefusesAreRefused(_ header: String, _ reason: String) {
    #expect(throws: SafeTensorsError.badHeader(reason)) {
      try SafeTensors.decode(file(header: header, dataBytes: 8))
    }
  }

  @Test func nonFiniteWeightsAreRefusedByName() throws {
    let path = temporaryPath("non-finite.safetensors")
    let model = Small(hidden: 2, seed: 1)
    for bad in [Float.nan, .infinity, -.infinity] {
      var tensors = Dictionary(
        uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
      var values = tensors["encoder.bias"]!.scalars
      values[1] = bad
      tensors["encoder.bias"] = Tensor(values, shape: [2])
      try SafeTensors.writeAtomically(SafeTensors.encode(tensors), to: URL(fileURLWithPath: path))
      let target = Small(hidden: 2, seed: 2)
      let before = target.namedParameters().map { $0.tensor.scalars }
      #expect {
        try target.load(from: path)
      } throws: { error in
        "\(error)".contains("tensor 'encoder.bias' holds \(bad) at index 1")
      }
      #expect(target.namedParameters().map { $0.tensor.scalars } == before)
    }
  }

  @Test func anOversizedFileIsRefusedBeforeItIsRead() throws {
    let path = temporaryPath("oversized.safetensors")
    // A sparse file: its size is set, no data is written, so the test costs nothing.
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(SafeTensors.maximumHeaderBytes + 1_000_000))
    try handle.close()
    #expect {
      try Small(hidden: 2, seed: 1).load(from: path)
    } throws: { error in
      "\(error)".contains("more than a checkpoint of this model can be")
    }
    #expect(throws: CheckpointError.self) { try Small(hidden: 2, seed: 1).load(from: "/dev/zero") }
  }

  /// A valid checkpoint mutated in many seeded ways: every truncation, byte flips
  /// anywhere, and edits of the header's numbers. The reader must refuse or read each,
  /// never trap, and never produce more tensor data than the file holds.
  @Test func fuzzedCheckpointsNeverTrap() throws {
    let valid = Array(
      SafeTensors.encode(
        Dictionary(
          uniqueKeysWithValues: Small(hidden: 2, seed: 3).namedParameters().map {
            ($0.name, $0.tensor)
          }), metadata: ["lesson": "test"]))
    var variants: [[UInt8]] = (0..<valid.count).map { Array(valid.prefix($0)) }
    var generator = SplitMix64(seed: 42)
    for _ in 0..<2_000 {
      var bytes = valid
      for _ in 0..<(1 + generator.index(4)) {
        bytes[generator.index(bytes.count)] = UInt8(generator.index(256))
      }
      variants.append(bytes)
    }
    let headerLength = Int(valid[0]) | Int(valid[1]) << 8
    let digits = (8..<(8 + headerLength)).filter { (48...57).contains(valid[$0]) }
    for _ in 0..<1_000 {
      var bytes = valid
      let at = digits[generator.index(digits.count)]
      bytes[at] = UInt8(48 + generator.index(10))
      if generator.index(4) == 0 { bytes.insert(UInt8(48 + generator.index(10)), at: at) }
      variants.append(bytes)
    }
    var read = 0
    for bytes in variants {
      if let decoded = try? SafeTensors.decode(Data(bytes)) {
        read += 1
        #expect(decoded.tensors.values.reduce(0) { $0 + $1.count * 4 } <= bytes.count)
      }
    }
    #expect(read < variants.count)
  }
}
