import Foundation
import Testing

@testable import LanguageModels
@testable import NeuralNetwork
@testable import TensorCore
@testable import TextData

/// A recurrent language model's checkpoint uses the names and layouts of the PyTorch modules
/// `nn.Embedding` + batch-first `nn.RNN`/`nn.GRU`/`nn.LSTM` + `nn.Linear`, so that
/// `load_state_dict(strict=True)` takes it as it is.
struct RecurrentCheckpointTests {
  /// PyTorch's gates per cell: one for `nn.RNN`, three for `nn.GRU`, four for `nn.LSTM`.
  static let gates: [RecurrentCell: Int] = [.rnn: 1, .gru: 3, .lstm: 4]

  @Test(arguments: RecurrentCell.allCases)
  func namesAndShapesArePyTorchs(_ cell: RecurrentCell) {
    var g = SplitMix64(seed: 1)
    let model = RecurrentLanguageModel(
      vocabularySize: 11, embeddingSize: 4, hiddenSize: 5, cell: cell, using: &g)
    let gates = Self.gates[cell]! * 5
    let expected: [(String, [Int])] = [
      ("embedding.weight", [11, 4]), ("recurrent.weight_ih_l0", [gates, 4]),
      ("recurrent.weight_hh_l0", [gates, 5]), ("recurrent.bias_ih_l0", [gates]),
      ("recurrent.bias_hh_l0", [gates]), ("head.weight", [11, 5]), ("head.bias", [11]),
    ]
    let named = model.namedParameters()
    #expect(named.map(\.name) == expected.map(\.0))
    #expect(named.map(\.tensor.shape) == expected.map(\.1))
  }

  /// A checkpoint read back gives the same logits; with `LM_INTEROP_DIR` set (as `.ci/run`
  /// does when PyTorch is installed), the checkpoint and the logits of a fixed input are also
  /// written there for PyTorch to compare against.
  @Test(arguments: RecurrentCell.allCases)
  func checkpointRoundTripsAndCanBeHandedToPyTorch(_ cell: RecurrentCell) throws {
    var g = SplitMix64(seed: 2)
    let model = RecurrentLanguageModel(
      vocabularySize: 11, embeddingSize: 4, hiddenSize: 5, cell: cell, using: &g)
    let ids = [[2, 7, 8, 9, 10, 3], [2, 5, 6, 0, 0, 0]]
    let batch = PaddedBatch(ids, padID: 0)
    let logits = model(batch).logits
    let folder =
      ProcessInfo.processInfo.environment["LM_INTEROP_DIR"]
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("rnn-interop-\(getpid())")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = "\(folder)/\(cell.rawValue).safetensors"
    try model.save(to: path, metadata: ["cell": cell.rawValue])
    let expected = SafeTensors.encode([
      "ids": Tensor(ids.flatMap { $0.map(Float.init) }, shape: [2, 6]), "logits": logits,
    ])
    try expected.write(to: URL(fileURLWithPath: "\(folder)/\(cell.rawValue).expected.safetensors"))
    var h = SplitMix64(seed: 3)
    let other = RecurrentLanguageModel(
      vocabularySize: 11, embeddingSize: 4, hiddenSize: 5, cell: cell, using: &h)
    _ = try other.load(from: path)
    #expect(other(batch).logits.scalars == logits.scalars)
  }
}
