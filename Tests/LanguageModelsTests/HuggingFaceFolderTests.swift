import Foundation
import Testing

@testable import LanguageModels
@testable import NeuralNetwork
@testable import TensorCore
@testable import TextData

/// Pre-trained encoders written as Hugging Face folders: the names and shapes of
/// `AlbertForPreTraining` and `BertForPreTraining`, a round trip, and (with `LM_INTEROP_DIR`
/// set, as `.ci/run` does when transformers is installed) the folders and the logits of a
/// fixed batch for Python to compare.
struct HuggingFaceFolderTests {
  static let vocabulary = 23

  /// The ordinary test vocabulary: the special tokens, then `w0`, `w1`, ….
  static let tokens =
    Vocabulary.specials + (0..<(vocabulary - Vocabulary.specials.count)).map { "w\($0)" }

  /// An empty folder of this process's own under the temporary folder.
  static func scratchFolder(_ name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(name)-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  static func model(shared: Bool, seed: UInt64) -> PretrainingModel {
    let c = EncoderConfiguration(
      name: shared ? "albert" : "bert", vocabularySize: vocabulary,
      embeddingSize: shared ? 8 : 16, hiddenSize: 16, layers: 2, heads: 2, feedForwardSize: 32,
      sharedLayers: shared, maxLength: 12)
    var g = SplitMix64(seed: seed)
    let model = PretrainingModel(c, using: &g)
    // Every parameter random, layer norms included, so that a tensor sent to the wrong
    // place changes the logits.
    for p in model.parameters() {
      p.assign(Tensor.uniform(p.shape, low: -0.5, high: 0.5, using: &g))
    }
    return model
  }

  @Test func albertNamesAndShapesAreHuggingFaces() throws {
    let tensors = try HuggingFaceFolder.tensors(of: Self.model(shared: true, seed: 1))
    let p = "albert.encoder.albert_layer_groups.0.albert_layers.0"
    let expected: [String: [Int]] = [
      "albert.embeddings.word_embeddings.weight": [23, 8],
      "albert.embeddings.position_embeddings.weight": [12, 8],
      "albert.embeddings.token_type_embeddings.weight": [2, 8],
      "albert.embeddings.LayerNorm.weight": [8], "albert.embeddings.LayerNorm.bias": [8],
      "albert.encoder.embedding_hidden_mapping_in.weight": [16, 8],
      "albert.encoder.embedding_hidden_mapping_in.bias": [16],
      "\(p).attention.query.weight": [16, 16], "\(p).attention.query.bias": [16],
      "\(p).attention.key.weight": [16, 16], "\(p).attention.key.bias": [16],
      "\(p).attention.value.weight": [16, 16], "\(p).attention.value.bias": [16],
      "\(p).attention.dense.weight": [16, 16], "\(p).attention.dense.bias": [16],
      "\(p).attention.LayerNorm.weight": [16], "\(p).attention.LayerNorm.bias": [16],
      "\(p).ffn.weight": [32, 16], "\(p).ffn.bias": [32],
      "\(p).ffn_output.weight": [16, 32], "\(p).ffn_output.bias": [16],
      "\(p).full_layer_layer_norm.weight": [16], "\(p).full_layer_layer_norm.bias": [16],
      "albert.pooler.weight": [16, 16], "albert.pooler.bias": [16],
      "predictions.dense.weight": [8, 16], "predictions.dense.bias": [8],
      "predictions.LayerNorm.weight": [8], "predictions.LayerNorm.bias": [8],
      "predictions.bias": [23],
      "sop_classifier.classifier.weight": [2, 16], "sop_classifier.classifier.bias": [2],
    ]
    #expect(tensors.mapValues(\.shape) == expected)
  }

  @Test func bertNamesAndShapesAreHuggingFaces() throws {
    let tensors = try HuggingFaceFolder.tensors(of: Self.model(shared: false, seed: 1))
    var expected: [String: [Int]] = [
      "bert.embeddings.word_embeddings.weight": [23, 16],
      "bert.embeddings.position_embeddings.weight": [12, 16],
      "bert.embeddings.token_type_embeddings.weight": [2, 16],
      "bert.embeddings.LayerNorm.weight": [16], "bert.embeddings.LayerNorm.bias": [16],
      "bert.pooler.dense.weight": [16, 16], "bert.pooler.dense.bias": [16],
      "cls.predictions.transform.dense.weight": [16, 16],
      "cls.predictions.transform.dense.bias": [16],
      "cls.predictions.transform.LayerNorm.weight": [16],
      "cls.predictions.transform.LayerNorm.bias": [16], "cls.predictions.bias": [23],
      "cls.seq_relationship.weight": [2, 16], "cls.seq_relationship.bias": [2],
    ]
    for i in 0..<2 {
      let p = "bert.encoder.layer.\(i)"
      for (name, shape) in [
        ("attention.self.query", [16, 16]), ("attention.self.key", [16, 16]),
        ("attention.self.value", [16, 16]), ("attention.output.dense", [16, 16]),
        ("intermediate.dense", [32, 16]), ("output.dense", [16, 32]),
      ] {
        expected["\(p).\(name).weight"] = shape
        expected["\(p).\(name).bias"] = [shape[0]]
      }
      for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
        expected["\(p).\(name).weight"] = [16]
        expected["\(p).\(name).bias"] = [16]
      }
    }
    #expect(tensors.mapValues(\.shape) == expected)
  }

  /// A model with a layer per depth and E < H, or a pre-LN one, has no Hugging Face class.
  @Test func mixturesAreRefused() throws {
    var g = SplitMix64(seed: 4)
    var c = EncoderConfiguration(
      name: "factorized", vocabularySize: 23, embeddingSize: 8, hiddenSize: 16, layers: 2,
      heads: 2, feedForwardSize: 32, sharedLayers: false, maxLength: 12)
    #expect(throws: HuggingFaceError.self) {
      try HuggingFaceFolder.tensors(of: PretrainingModel(c, using: &g))
    }
    c.embeddingSize = 16
    c.normFirst = true
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hf-\(getpid())")
    #expect(throws: HuggingFaceError.self) {
      try HuggingFaceFolder.save(
        PretrainingModel(c, using: &g), tokens: [], padID: 0, to: folder.path)
    }
  }

  /// A folder read back into a model with other weights gives the same logits; with
  /// `LM_INTEROP_DIR` set, the folders, the batch and the logits are left there.
  @Test(arguments: [true, false])
  func foldersRoundTripAndCanBeHandedToTransformers(_ shared: Bool) throws {
    let model = Self.model(shared: shared, seed: 2)
    // The second sequence is two tokens shorter: padded, and masked as padding.
    let batch = PaddedBatch([[2, 7, 8, 9, 3, 10, 11, 3], [2, 5, 6, 3, 12, 3]], padID: 0)
    #expect(batch.lengths == [8, 6])
    let segments = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0]
    model.eval()
    let (tokens, order) = withNoGrad { model(batch, segments: segments) }
    let root =
      ProcessInfo.processInfo.environment["LM_INTEROP_DIR"]
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("hf-interop-\(getpid())")
      .path
    let name = shared ? "albert" : "bert"
    let folder = "\(root)/\(name)"
    let tokenNames = Self.tokens
    try HuggingFaceFolder.save(model, tokens: tokenNames, padID: 0, to: folder)
    // A masked sentence as AutoTokenizer must encode it, and our model's top token there,
    // for the fill-mask pipeline to match.
    let words = Vocabulary(tokens: tokenNames)
    let masked = [
      words.classificationID, words.id("w3"), words.maskID, words.id("w5"), words.separatorID,
    ]
    let fill = withNoGrad {
      model(PaddedBatch([masked], padID: 0), segments: [0, 0, 0, 0, 0]).tokens
    }.scalars
    let row = Array(fill[(2 * Self.vocabulary)..<(3 * Self.vocabulary)])
    let top = row.indices.max { row[$0] < row[$1] }!
    if ProcessInfo.processInfo.environment["LM_INTEROP_DIR"] != nil {
      let fillCase: [String: Any] = [
        "text": "W3 [MASK] w5", "ids": masked, "top": tokenNames[top],
      ]
      try JSONSerialization.data(withJSONObject: fillCase).write(
        to: URL(fileURLWithPath: "\(root)/\(name).fill.json"))
    }
    let expected = SafeTensors.encode([
      "input_ids": Tensor(batch.ids.map(Float.init), shape: [2, 8]),
      "token_type_ids": Tensor(segments.map(Float.init), shape: [2, 8]),
      "attention_mask": 1 - batch.paddingMask,
      "prediction_logits": tokens,
      // Hugging Face's label 0 is "in order": our two columns, swapped.
      "pair_logits": order.indexSelect(axis: 1, indices: [1, 0]),
    ])
    try expected.write(to: URL(fileURLWithPath: "\(root)/\(name).expected.safetensors"))
    let config =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/config.json"))) as? [String: Any]
    #expect(
      config?["architectures"] as? [String] == [
        shared ? "AlbertForPreTraining" : "BertForPreTraining"
      ])
    let other = Self.model(shared: shared, seed: 3)
    try HuggingFaceFolder.load(other, from: folder)
    other.eval()
    let (tokens2, order2) = withNoGrad { other(batch, segments: segments) }
    #expect(tokens2.scalars == tokens.scalars)
    #expect(order2.scalars == order.scalars)
  }
  /// A folder is checked before its weights are read: a configuration of another model, a
  /// missing or malformed one, and weights too large for this model are each refused by
  /// name. A save replaces the model's files only.
  @Test func loadRefusesAnotherModelsFolderAndSaveKeepsOtherFiles() throws {
    let model = Self.model(shared: true, seed: 2)
    let tokens = Self.tokens
    let folder = try Self.scratchFolder("hf-checks")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // A learner's own file in the folder is kept: only the model's files are replaced.
    _ = FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("mine".utf8))
    try HuggingFaceFolder.save(model, tokens: tokens, padID: 0, to: folder)
    try HuggingFaceFolder.save(model, tokens: tokens, padID: 0, to: folder)
    #expect(try String(contentsOfFile: folder + "/notes.txt", encoding: .utf8) == "mine")
    let inside = try FileManager.default.contentsOfDirectory(atPath: folder)
    #expect(!inside.contains { $0.hasPrefix(".saving") })
    #expect(inside.contains("model.safetensors") && inside.contains("config.json"))
    let configPath = folder + "/config.json"
    let original = try Data(contentsOf: URL(fileURLWithPath: configPath))
    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "loaded"
      } catch {
        return "\(error)"
      }
    }
    // Another activation, another width, no configuration, not JSON.
    let text = String(decoding: original, as: UTF8.self)
    try Data(text.replacingOccurrences(of: "gelu_new", with: "relu").utf8).write(
      to: URL(fileURLWithPath: configPath))
    #expect(
      message { try HuggingFaceFolder.load(model, from: folder) }.contains(
        "says hidden_act = relu, but this model has hidden_act = gelu_new"))
    var config = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
    config["hidden_size"] = 64
    try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
    #expect(
      message { try HuggingFaceFolder.load(model, from: folder) }.contains(
        "says hidden_size = 64, but this model has hidden_size = 16"))
    try Data("[1, 2]".utf8).write(to: URL(fileURLWithPath: configPath))
    #expect(
      message { try HuggingFaceFolder.load(model, from: folder) }.contains("is not a JSON object"))
    try FileManager.default.removeItem(atPath: configPath)
    #expect(message { try HuggingFaceFolder.load(model, from: folder) }.contains("no such file"))
    // Weights far larger than the model: refused by their size, before they are read.
    try original.write(to: URL(fileURLWithPath: configPath))
    let weights = folder + "/model.safetensors"
    let handle = try #require(FileHandle(forWritingAtPath: weights))
    try handle.truncate(atOffset: UInt64(64 << 20))
    try handle.close()
    #expect(
      message { try HuggingFaceFolder.load(model, from: folder) }.contains(
        "more than this model's weights can take"))
    #expect(throws: HuggingFaceError.self) {
      try HuggingFaceFolder.save(model, tokens: tokens, padID: 0, to: "")
    }
  }

  /// Two folders saved as one: when the second cannot be written, neither is changed.
  @Test func foldersSavedTogetherChangeTogether() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hf-pair-\(getpid())"
    ).path
    defer { try? FileManager.default.removeItem(atPath: root) }
    struct Stop: Error {}
    func config(_ text: String) -> (URL) throws -> Void {
      { url in
        try Data(#"{"model_type": "bert", "note": "\#(text)"}"#.utf8).write(
          to: url.appendingPathComponent("config.json"))
      }
    }
    try HuggingFaceFolder.writeFolders([(root + "/a", config("old")), (root + "/b", config("old"))])
    #expect(
      throws: Stop.self,
      performing: {
        try HuggingFaceFolder.writeFolders([
          (root + "/a", config("new")), (root + "/b", { _ in throw Stop() }),
        ])
      })
    for name in ["a", "b"] {
      let text = try String(contentsOfFile: root + "/\(name)/config.json", encoding: .utf8)
      #expect(text.contains("old"))
      #expect(
        !(try FileManager.default.contentsOfDirectory(atPath: root + "/\(name)")).contains {
          $0.hasPrefix(".saving")
        })
    }
  }

  /// A folder that holds a learner's own file under a name a save writes (a corpus called
  /// config.json, a project's README.md) is refused before anything is written.
  @Test func aLearnersFileWithAModelsNameIsNeverReplaced() throws {
    let model = Self.model(shared: true, seed: 2)
    let tokens = Self.tokens
    let folder = try Self.scratchFolder("hf-own")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in ["config.json", "README.md"] {
      _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("mine".utf8))
      let problem = try #require(HuggingFaceFolder.problem(replacingIn: folder, option: "--save"))
      #expect(problem.contains("already has \(name)"))
      #expect(throws: HuggingFaceError.self) {
        try HuggingFaceFolder.save(model, tokens: tokens, padID: 0, to: folder)
      }
      #expect(try String(contentsOfFile: folder + "/" + name, encoding: .utf8) == "mine")
      try FileManager.default.removeItem(atPath: folder + "/" + name)
    }
    // A folder this course saved may be saved over.
    try HuggingFaceFolder.save(model, tokens: tokens, padID: 0, to: folder)
    #expect(HuggingFaceFolder.problem(replacingIn: folder, option: "--save") == nil)
    try HuggingFaceFolder.save(model, tokens: tokens, padID: 0, to: folder)
  }
}
