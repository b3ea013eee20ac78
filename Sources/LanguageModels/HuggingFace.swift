import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// Pre-trained encoders as Hugging Face model folders: `config.json`, `model.safetensors` and
/// `vocab.txt`, which `transformers.AlbertForPreTraining.from_pretrained(folder)` (ALBERT:
/// one shared layer) or `BertForPreTraining.from_pretrained(folder)` (BERT: a layer per
/// depth, `E = H`) load with no missing, unexpected or mismatched tensors, and `load` reads
/// back.
///
/// The architectures are the same: post-LN layers, GELU in its tanh form (`gelu_new`),
/// layer norms with ε = 1e-5 (written into the configuration), the MLM head `H → E`, GELU,
/// layer norm, scores against the tied word embeddings plus a bias, and a pooler
/// `tanh(Linear)` on `[CLS]`. One convention differs: Hugging Face's pair heads call label
/// 0 "in order" (SOP) or "is the next sentence" (NSP), where `PretrainingData` calls it 1,
/// so the two rows of the pair classifier are swapped on the way out and back.
public enum HuggingFaceFolder {
  /// Which Hugging Face class a model maps onto.
  public enum Architecture: String, Sendable {
    case albert = "AlbertForPreTraining"
    case bert = "BertForPreTraining"
  }

  /// ALBERT for a shared-layer encoder, BERT for one with a layer per depth and `E = H`;
  /// nil for the mixtures (factorized only, shared with `E = H` still maps to ALBERT).
  public static func architecture(of model: PretrainingModel) -> Architecture? {
    let c = model.encoder.configuration
    if c.sharedLayers { return .albert }
    return c.embeddingSize == c.hiddenSize ? .bert : nil
  }

  /// `architecture(of:)`, or an error saying which models have one.
  static func requiredArchitecture(of model: PretrainingModel) throws -> Architecture {
    guard let architecture = architecture(of: model) else {
      throw HuggingFaceError(
        "a model with a layer per depth and E < H has no Hugging Face class; export BERT "
          + "(E = H) or ALBERT (shared layers)")
    }
    return architecture
  }

  /// The model's tensors under Hugging Face's names, as PyTorch lays them out. Tied
  /// tensors (the decoder's weight and bias) are left out, as `save_pretrained` leaves them.
  public static func tensors(of model: PretrainingModel) throws -> [String: Tensor] {
    let architecture = try requiredArchitecture(of: model)
    let encoder = model.encoder
    let c = encoder.configuration
    let e = encoder.embeddings
    var out: [String: Tensor] = [:]
    func linear(_ prefix: String, _ layer: Linear) {
      out[prefix + ".weight"] = layer.weight
      if let bias = layer.bias { out[prefix + ".bias"] = bias }
    }
    func norm(_ prefix: String, _ layer: LayerNorm) {
      out[prefix + ".weight"] = layer.weight
      out[prefix + ".bias"] = layer.bias
    }
    let base = architecture == .albert ? "albert" : "bert"
    out["\(base).embeddings.word_embeddings.weight"] = e.word.weight
    out["\(base).embeddings.position_embeddings.weight"] = e.position.weight
    out["\(base).embeddings.token_type_embeddings.weight"] = e.segment.weight
    norm("\(base).embeddings.LayerNorm", e.norm)
    switch architecture {
    case .albert:
      // Hugging Face's ALBERT always lifts E to H; with E = H the lift is the identity.
      if let projection = e.projection {
        linear("albert.encoder.embedding_hidden_mapping_in", projection)
      } else {
        out["albert.encoder.embedding_hidden_mapping_in.weight"] = identity(c.hiddenSize)
        out["albert.encoder.embedding_hidden_mapping_in.bias"] = Tensor.zeros([c.hiddenSize])
      }
      let layer = encoder.layers[0]
      let p = "albert.encoder.albert_layer_groups.0.albert_layers.0"
      linear("\(p).attention.query", layer.attention.query)
      linear("\(p).attention.key", layer.attention.key)
      linear("\(p).attention.value", layer.attention.value)
      linear("\(p).attention.dense", layer.attention.output)
      norm("\(p).attention.LayerNorm", layer.norm1)
      linear("\(p).ffn", layer.feedForward.linear1)
      linear("\(p).ffn_output", layer.feedForward.linear2)
      norm("\(p).full_layer_layer_norm", layer.norm2)
      linear("albert.pooler", encoder.pooler)
      linear("predictions.dense", model.transform)
      norm("predictions.LayerNorm", model.transformNorm)
      out["predictions.bias"] = model.outputBias
      out["sop_classifier.classifier.weight"] = swappedRows(model.orderHead.weight)
      out["sop_classifier.classifier.bias"] = swappedRows(model.orderHead.bias!)
    case .bert:
      for (i, layer) in encoder.layers.enumerated() {
        let p = "bert.encoder.layer.\(i)"
        linear("\(p).attention.self.query", layer.attention.query)
        linear("\(p).attention.self.key", layer.attention.key)
        linear("\(p).attention.self.value", layer.attention.value)
        linear("\(p).attention.output.dense", layer.attention.output)
        norm("\(p).attention.output.LayerNorm", layer.norm1)
        linear("\(p).intermediate.dense", layer.feedForward.linear1)
        linear("\(p).output.dense", layer.feedForward.linear2)
        norm("\(p).output.LayerNorm", layer.norm2)
      }
      linear("bert.pooler.dense", encoder.pooler)
      linear("cls.predictions.transform.dense", model.transform)
      norm("cls.predictions.transform.LayerNorm", model.transformNorm)
      out["cls.predictions.bias"] = model.outputBias
      out["cls.seq_relationship.weight"] = swappedRows(model.orderHead.weight)
      out["cls.seq_relationship.bias"] = swappedRows(model.orderHead.bias!)
    }
    return out
  }

  /// The `config.json` Hugging Face builds the model from.
  public static func configuration(of model: PretrainingModel, padID: Int) throws -> Data {
    let architecture = try requiredArchitecture(of: model)
    let c = model.encoder.configuration
    var config: [String: Any] = [
      "architectures": [architecture.rawValue],
      "model_type": architecture == .albert ? "albert" : "bert",
      "vocab_size": c.vocabularySize,
      "hidden_size": c.hiddenSize,
      "num_hidden_layers": c.layers,
      "num_attention_heads": c.heads,
      "intermediate_size": c.feedForwardSize,
      "hidden_act": "gelu_new",
      "hidden_dropout_prob": 0.0,
      "attention_probs_dropout_prob": 0.0,
      "max_position_embeddings": c.maxLength,
      "type_vocab_size": c.segments,
      "layer_norm_eps": 1e-5,
      "initializer_range": 0.02,
      "pad_token_id": padID,
      "position_embedding_type": "absolute",
      "torch_dtype": "float32",
    ]
    if architecture == .albert {
      config["embedding_size"] = c.embeddingSize
      config["num_hidden_groups"] = 1
      config["inner_group_num"] = 1
      config["classifier_dropout_prob"] = 0.0
    }
    return try JSONSerialization.data(
      withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
  }

  /// Writes `folder/config.json`, `folder/model.safetensors` and `folder/vocab.txt` (one
  /// token per line, in id order), creating the folder if needed.
  /// - Parameter scores: how the model scored when it was saved, for the model card (one
  ///   sentence, with the data it was measured on); `nil` to say the lesson prints them.
  public static func save(
    _ model: PretrainingModel, tokens: [String], padID: Int, scores: String? = nil,
    to folder: String
  ) throws {
    try save([(model, scores, folder)], tokens: tokens, padID: padID)
  }

  /// Several models of one vocabulary saved as one (see `writeFolders`): none of the
  /// folders is changed unless every model was written.
  public static func save(
    _ models: [(model: PretrainingModel, scores: String?, folder: String)], tokens: [String],
    padID: Int
  ) throws {
    for (model, _, _) in models where model.encoder.configuration.normFirst {
      throw HuggingFaceError(
        "a pre-LN encoder has no Hugging Face class; BERT and ALBERT are post-LN")
    }
    try writeFolders(
      models.map { model, scores, folder in
        (
          folder,
          { url in try write(model, tokens: tokens, padID: padID, scores: scores, into: url) }
        )
      })
  }

  /// Writes the folder's files into `url` (a new, empty folder).
  static func write(
    _ model: PretrainingModel, tokens: [String], padID: Int, scores: String?, into url: URL
  ) throws {
    let tensors = try tensors(of: model)
    try SafeTensors.writeAtomically(
      SafeTensors.encode(tensors, metadata: ["format": "pt"]),
      to: url.appendingPathComponent("model.safetensors"))
    try SafeTensors.writeAtomically(
      configuration(of: model, padID: padID), to: url.appendingPathComponent("config.json"))
    try SafeTensors.writeAtomically(
      Data((tokens.joined(separator: "\n") + "\n").utf8),
      to: url.appendingPathComponent("vocab.txt"))
    try HuggingFaceTokenizer.write(
      TextTokenizer(.word), vocabulary: Vocabulary(tokens: tokens), sentencePairs: true,
      maximumLength: model.encoder.configuration.maxLength, to: url)
    try SafeTensors.writeAtomically(
      modelCard(model, scores: scores), to: url.appendingPathComponent("README.md"))
  }

  /// Saves the files `body` writes (into the URL it is given, a new empty folder) into the
  /// folder `folder`, created if needed.
  ///
  /// Every file is first written whole beside the target, then renamed into it one by one:
  /// a failed save (a full disk) leaves the files already there as they were, and each
  /// file is either the old one or the new one, never half of either. Only the files the
  /// save writes are replaced; anything else in the folder (a corpus, notes, a repository)
  /// is left alone, so `--save .` is as safe as `--save models`.
  static func writeFolder(_ folder: String, _ body: (URL) throws -> Void) throws {
    try withoutActuallyEscaping(body) { try writeFolders([(folder, $0)]) }
  }

  /// As `writeFolder`, for several folders saved as one: every folder's files are written
  /// whole first, and only then are any renamed into place, so a save interrupted while it
  /// writes (a full disk, Ctrl-C) changes none of the folders, and the models of one run
  /// (lesson 6's BERT-small and ALBERT-small) are not left half old and half new.
  static func writeFolders(_ folders: [(String, (URL) throws -> Void)]) throws {
    let files = FileManager.default
    var staged: [(staging: URL, target: URL)] = []
    defer { for (staging, _) in staged { try? files.removeItem(at: staging) } }
    for (folder, body) in folders {
      guard !folder.isEmpty else {
        throw HuggingFaceError("'' names no folder; give a folder name such as models/bert")
      }
      // A link to a folder is followed: the files go into the folder it names.
      let target = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        .resolvingSymlinksInPath()
      var isFolder: ObjCBool = false
      if files.fileExists(atPath: target.path, isDirectory: &isFolder), !isFolder.boolValue {
        throw HuggingFaceError("\(target.path) is a file; give a folder to save the model in")
      }
      try files.createDirectory(at: target, withIntermediateDirectories: true)
      // A save interrupted by a signal leaves its staging folder; the next save removes it.
      SafeFile.removeLeftovers(in: target.path, prefix: ".saving.")
      let staging = target.appendingPathComponent(
        ".saving.\(getpid()).\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
      try files.createDirectory(at: staging, withIntermediateDirectories: false)
      staged.append((staging, target))
      try body(staging)
    }
    // Checked once the files are written, so against exactly the names this save writes;
    // and every one is checked before any is renamed, so a refusal changes no folder.
    for (staging, target) in staged {
      let names = try files.contentsOfDirectory(atPath: staging.path)
      if let problem = problem(replacingIn: target.path, option: "the save", names: names) {
        throw HuggingFaceError(problem)
      }
      for name in names {
        var isFolder: ObjCBool = false
        let existing = target.appendingPathComponent(name).path
        if files.fileExists(atPath: existing, isDirectory: &isFolder), isFolder.boolValue {
          throw HuggingFaceError(
            "\(existing) is a folder; the save would put a file there: move it or choose "
              + "another folder")
        }
      }
    }
    for (staging, target) in staged {
      for name in try files.contentsOfDirectory(atPath: staging.path).sorted() {
        let from = staging.appendingPathComponent(name).path
        let to = target.appendingPathComponent(name).path
        guard Foundation.rename(from, to) == 0 else {
          throw HuggingFaceError(
            "cannot put \(name) into \(target.path): \(String(cString: strerror(errno)))")
        }
      }
    }
  }

  /// The files a folder save may write: the weights, the configuration, the tokenizer's
  /// files and (BERT, ALBERT) the vocabulary and the model card.
  public static let savedNames = [
    "config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "README.md",
  ]

  /// The files `GPT2Folder.save` writes.
  public static let gptNames = [
    "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json",
  ]

  /// What is wrong with saving a model into `folder`, or `nil`: a file the save would replace
  /// that is not part of a model folder (no `config.json` of a GPT-2, BERT or ALBERT model
  /// beside it) is the learner's own — a corpus named `config.json`, a project's
  /// `README.md` — and is never replaced. Checked before training and again before the save.
  public static func problem(
    replacingIn folder: String, option: String, names: [String] = savedNames
  ) -> String? {
    let files = FileManager.default
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    let present = names.sorted().filter {
      files.fileExists(atPath: url.appendingPathComponent($0).path)
    }
    guard !present.isEmpty else { return nil }
    if let data = files.contents(atPath: url.appendingPathComponent("config.json").path),
      let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let type = config["model_type"] as? String, ["gpt2", "bert", "albert"].contains(type)
    {
      return nil  // a model folder: saving over it replaces the model, as intended
    }
    return "\(option) \(folder): the folder already has "
      + present.joined(separator: ", ")
      + ", not part of a model this course saved (no config.json of a GPT-2, BERT or ALBERT "
      + "model); saving would replace \(present.count == 1 ? "it" : "them"), so choose a new or "
      + "empty folder"
  }

  /// The folder's model card: what the model is, how it was trained, and the head's name.
  static func modelCard(_ model: PretrainingModel, scores: String? = nil) -> Data {
    let scoreText =
      scores ?? "the lesson prints them when it trains this model (masked-word accuracy, "
      + "sentence-order accuracy)"
    let c = model.encoder.configuration
    let architecture = (try? requiredArchitecture(of: model))?.rawValue ?? "encoder"
    let text = """
      # \(architecture) from the course's lesson 6

      A small encoder (\(c.layers) layers\(c.sharedLayers ? ", one set of weights shared" : ""), \
      hidden size \(c.hiddenSize), embedding size \(c.embeddingSize), \(c.heads) heads, \
      vocabulary \(c.vocabularySize)) pre-trained by `swift run -c release albert --save DIR` \
      with masked-language modelling and a sentence-pair task on the course's generated \
      stories: a teaching model, not a model of English.

      - The pair head was trained on **sentence order** (is B the sentence after A, or \
        swapped?); Hugging Face names the BERT head `seq_relationship` (next-sentence \
        prediction), but here its label 0 means "in order".
      - Words are lower-cased and split at spaces and punctuation (`tokenizer.json`); \
        `AutoTokenizer.from_pretrained` gives the ids the lesson used, with `[CLS]` and \
        `[SEP]` around the text.
      - Scores: \(scoreText).

      """
    return Data(text.utf8)
  }

  /// Reads `folder/model.safetensors` into `model`: every tensor present, of the right shape,
  /// and nothing else; `model` is unchanged unless all of it matches. With `tokens`, the
  /// folder's `vocab.txt` must hold exactly those tokens in that order (another seed's
  /// vocabulary would put every weight on the wrong word).
  public static func load(
    _ model: PretrainingModel, tokens: [String]? = nil, from folder: String
  ) throws {
    if let tokens {
      let path = URL(fileURLWithPath: folder).appendingPathComponent("vocab.txt").path
      guard let data = FileManager.default.contents(atPath: path) else {
        throw HuggingFaceError("\(path) cannot be read; give a folder written by --save")
      }
      let stored = String(decoding: data, as: UTF8.self).split(
        omittingEmptySubsequences: false, whereSeparator: \.isNewline
      ).dropLast().map(String.init)
      guard stored == tokens else {
        throw HuggingFaceError(
          "\(path) holds another vocabulary (\(stored.count) tokens, this run \(tokens.count)"
            + (stored.count == tokens.count ? ", in another order" : "") + "); run with the "
            + "seed and settings the folder was saved with")
      }
    }
    try checkConfiguration(in: folder, against: model)
    let path = URL(fileURLWithPath: folder).appendingPathComponent("model.safetensors").path
    // Its size before its bytes: no larger than this model's tensors and the largest header.
    let expectedTensors = try tensors(of: model)
    let limit =
      expectedTensors.values.reduce(0) { $0 + 4 * $1.count } + 8 + SafeTensors.maximumHeaderBytes
    let size: Int
    do {
      size = try ReadableFile.size(of: path)
    } catch {
      throw HuggingFaceError("\(error); give a folder written by --save")
    }
    guard size <= limit else {
      throw HuggingFaceError(
        "\(path) has \(size) bytes, more than this model's weights can take (at most \(limit)); "
          + "it holds another, larger model")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw HuggingFaceError(
        "\(path) cannot be read; give a folder written by --save (config.json and "
          + "model.safetensors)")
    }
    let stored: [String: Tensor]
    do {
      stored = try SafeTensors.decode(data).tensors
    } catch let error as SafeTensorsError {
      throw HuggingFaceError("\(path): \(error.description)")
    }
    let expected = expectedTensors
    for (name, tensor) in expected.sorted(by: { $0.key < $1.key }) {
      guard let value = stored[name] else {
        throw HuggingFaceError("\(path) has no tensor '\(name)'; it holds another model")
      }
      guard value.shape == tensor.shape else {
        throw HuggingFaceError(
          "\(path): '\(name)' has shape \(Shape.describe(value.shape)), this model "
            + "\(Shape.describe(tensor.shape)); it was saved with other sizes")
      }
      guard value.scalars.allSatisfy({ $0.isFinite }) else {
        throw HuggingFaceError("\(path): '\(name)' holds NaN or infinite values")
      }
    }
    if let extra = stored.keys.sorted().first(where: { expected[$0] == nil }) {
      throw HuggingFaceError("\(path) holds a tensor '\(extra)' this model does not have")
    }
    for (name, tensor) in expected {
      let value = stored[name]!
      if name.hasPrefix("sop_classifier.") || name.hasPrefix("cls.seq_relationship.") {
        // Written as copies with their rows swapped: swap back into the classifier.
        let target = name.hasSuffix(".weight") ? model.orderHead.weight : model.orderHead.bias!
        target.assign(swappedRows(value))
      } else if name.hasPrefix("albert.encoder.embedding_hidden_mapping_in.")
        && model.encoder.embeddings.projection == nil
      {
        continue  // the identity lift of an ALBERT with E = H has no tensor of ours
      } else {
        tensor.assign(value)
      }
    }
  }

  /// Refuses a folder whose `config.json` is missing, malformed, or describes another
  /// model than `model` (sizes, activation, architecture): its weights would be read as
  /// if they were this model's, or fail later with a message about a tensor's shape.
  static func checkConfiguration(in folder: String, against model: PretrainingModel) throws {
    let path = URL(fileURLWithPath: folder).appendingPathComponent("config.json").path
    do {
      let size = try ReadableFile.size(of: path)
      guard size <= 1 << 20 else {
        throw HuggingFaceError("\(path) has \(size) bytes; a configuration is a few hundred")
      }
    } catch let error as ReadableFileError {
      throw HuggingFaceError("\(error); give a folder written by --save")
    }
    guard let data = FileManager.default.contents(atPath: path),
      let stored = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else {
      throw HuggingFaceError("\(path) is not a JSON object; give a folder written by --save")
    }
    guard
      let expected = try JSONSerialization.jsonObject(with: configuration(of: model, padID: 0))
        as? [String: Any]
    else { return }
    // The fields that decide the model's shape and arithmetic, in a fixed order.
    let fields = [
      "model_type", "vocab_size", "hidden_size", "embedding_size", "num_hidden_layers",
      "num_attention_heads", "intermediate_size", "hidden_act", "max_position_embeddings",
      "type_vocab_size",
    ]
    for field in fields {
      guard let want = expected[field] else { continue }
      let have = stored[field]
      if "\(have ?? "none")" != "\(want)" {
        throw HuggingFaceError(
          "\(path) says \(field) = \(have.map { "\($0)" } ?? "nothing"), but this model has "
            + "\(field) = \(want); run with the settings the folder was saved with")
      }
    }
  }

  static func identity(_ n: Int) -> Tensor {
    var values = [Float](repeating: 0, count: n * n)
    for i in 0..<n { values[i * n + i] = 1 }
    return Tensor(values, shape: [n, n])
  }

  /// The two rows (or two entries) of a pair classifier, in the other order.
  static func swappedRows(_ x: Tensor) -> Tensor {
    x.detached().indexSelect(axis: 0, indices: [1, 0])
  }
}

/// A model that cannot be written as, or read from, a Hugging Face folder, and why.
public struct HuggingFaceError: Error, CustomStringConvertible, Equatable {
  public let description: String
  init(_ description: String) { self.description = description }
}
