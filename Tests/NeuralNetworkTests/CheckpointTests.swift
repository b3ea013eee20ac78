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
}
