import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// A GPT as a Hugging Face model folder: `config.json`, `model.safetensors`,
/// `tokenizer.json`, `tokenizer_config.json` and `special_tokens_map.json`, which
/// `GPT2LMHeadModel.from_pretrained(folder)` and `AutoTokenizer.from_pretrained(folder)` load
/// as they are.
///
/// The architectures are the same (pre-LN blocks, GELU in its tanh form, `gelu_new`, an
/// output layer tied to the token embedding); one layout differs. GPT-2 keeps its
/// projections as `Conv1D` layers whose weight is `[in, out]`, the transpose of a `Linear`'s
/// `[out, in]`, and joins the query, key and value projections into one `c_attn` of
/// `[D, 3D]`. The tensors are transposed and joined on the way out, split and transposed on
/// the way back.
public enum GPT2Folder {
  /// The model's tensors under GPT-2's names and layouts (the tied `lm_head` left out, as
  /// `save_pretrained` leaves it).
  public static func tensors(of model: GPTLanguageModel) -> [String: Tensor] {
    var out: [String: Tensor] = [:]
    let layout = Layout(model)
    for (name, tensor) in layout.tables { out[name] = tensor }
    for (prefix, layers) in layout.projections {
      out[prefix + ".weight"] = Tensor.concat(
        layers.map { $0.weight.detached().transposed() }, axis: 1)
      out[prefix + ".bias"] = Tensor.concat(layers.map { $0.bias!.detached() }, axis: 0)
    }
    for (prefix, layer) in layout.norms {
      out[prefix + ".weight"] = layer.weight
      out[prefix + ".bias"] = layer.bias
    }
    return out
  }

  /// The `config.json` of `GPT2LMHeadModel`.
  public static func configuration(of model: GPTLanguageModel, vocabulary: Vocabulary) -> Data {
    let c = model.configuration
    let config: [String: Any] = [
      "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
      "vocab_size": c.vocabularySize, "n_positions": c.contextLength, "n_embd": c.dimension,
      "n_layer": c.layers, "n_head": c.heads, "n_inner": c.feedForwardSize,
      "activation_function": "gelu_new", "resid_pdrop": 0.0, "embd_pdrop": 0.0,
      "attn_pdrop": 0.0, "layer_norm_epsilon": 1e-5, "initializer_range": 0.02,
      "scale_attn_weights": true, "tie_word_embeddings": true,
      "bos_token_id": vocabulary.startID, "eos_token_id": vocabulary.endID,
      "pad_token_id": vocabulary.padID, "torch_dtype": "float32",
    ]
    return try! JSONSerialization.data(
      withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
  }

  /// Writes the folder (created if needed): the model, its configuration and its tokenizer.
  public static func save(
    _ model: GPTLanguageModel, tokenizer: TextTokenizer, vocabulary: Vocabulary, to folder: String
  ) throws {
    // Written whole into a new folder that then replaces the old (see `writeFolder`).
    try HuggingFaceFolder.writeFolder(folder) { url in
      let files: [(String, Data)] = [
        ("model.safetensors", SafeTensors.encode(tensors(of: model), metadata: ["format": "pt"])),
        ("config.json", configuration(of: model, vocabulary: vocabulary)),
      ]
      for (name, data) in files {
        try SafeTensors.writeAtomically(data, to: url.appendingPathComponent(name))
      }
      try HuggingFaceTokenizer.write(
        tokenizer, vocabulary: vocabulary, sentencePairs: false,
        maximumLength: model.configuration.contextLength, to: url)
    }
  }

  /// Reads a folder written by `save` into `model`, after checking that its configuration
  /// has the model's sizes and its tokenizer the same tokens in the same order; `model` is
  /// unchanged unless everything matches.
  public static func load(_ model: GPTLanguageModel, vocabulary: Vocabulary, from folder: String)
    throws
  {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue
    else {
      throw HuggingFaceError(
        FileManager.default.fileExists(atPath: folder)
          ? "\(folder) is a file; give the folder gpt --save wrote"
          : "\(folder): no such folder; give the folder gpt --save wrote")
    }
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    // The weights may be at most this model's tensors and the largest header; anything
    // larger is another model, refused before a byte is read (a 2 GB file would be read whole).
    let weightLimit =
      model.parameters().reduce(0) { $0 + 4 * $1.count } + 8 + SafeTensors.maximumHeaderBytes
    func read(_ name: String) throws -> Data {
      let path = url.appendingPathComponent(name).path
      let limit = name == "model.safetensors" ? weightLimit : 64 << 20
      do {
        let size = try ReadableFile.size(of: path)
        guard size <= limit else {
          throw HuggingFaceError(
            "\(path) has \(size) bytes, more than this model's files can be (at most \(limit)); "
              + "it holds another, larger model")
        }
      } catch let error as ReadableFileError {
        throw HuggingFaceError("\(error); give a folder written by gpt --save")
      }
      guard let data = FileManager.default.contents(atPath: path) else {
        throw HuggingFaceError("\(path) cannot be read; give a folder written by gpt --save")
      }
      return data
    }
    // Read first, so that a missing or unreadable file is named as such.
    let configData = try read("config.json")
    guard let config = (try? JSONSerialization.jsonObject(with: configData)) as? [String: Any]
    else {
      throw HuggingFaceError(
        "\(folder)/config.json is not a JSON object; give a folder written by gpt --save")
    }
    let c = model.configuration
    let expected: [(String, Int)] = [
      ("vocab_size", c.vocabularySize), ("n_positions", c.contextLength), ("n_embd", c.dimension),
      ("n_layer", c.layers), ("n_head", c.heads),
    ]
    for (key, value) in expected where (config[key] as? Int) != value {
      throw HuggingFaceError(
        "\(folder)/config.json has \(key) = \(config[key].map { "\($0)" } ?? "none"), this run "
          + "\(value); run with the settings the folder was saved with")
    }
    let tokenizer = try JSONSerialization.jsonObject(with: try read("tokenizer.json"))
    let vocab =
      ((tokenizer as? [String: Any])?["model"] as? [String: Any])?["vocab"] as? [String: Int]
    guard let vocab, vocab.count == vocabulary.count,
      vocabulary.tokens.enumerated().allSatisfy({ vocab[$0.element] == $0.offset })
    else {
      throw HuggingFaceError(
        "\(folder)/tokenizer.json holds another vocabulary (another text, level or seed); "
          + "its weights would be read against the wrong tokens")
    }
    let stored: [String: Tensor]
    do {
      stored = try SafeTensors.decode(try read("model.safetensors")).tensors
    } catch let error as SafeTensorsError {
      throw HuggingFaceError("\(folder)/model.safetensors: \(error.description)")
    }
    let wanted = tensors(of: model)
    for (name, tensor) in wanted.sorted(by: { $0.key < $1.key }) {
      guard let value = stored[name], value.shape == tensor.shape,
        value.scalars.allSatisfy({ $0.isFinite })
      else {
        throw HuggingFaceError(
          "\(folder)/model.safetensors: '\(name)' is missing, of another shape or not finite")
      }
    }
    // Every check passed: copy, splitting and transposing the joined projections.
    let layout = Layout(model)
    for (name, tensor) in layout.tables { tensor.assign(stored[name]!) }
    for (prefix, layers) in layout.projections {
      let weights = stored[prefix + ".weight"]!.split(parts: layers.count, axis: 1)
      let biases = stored[prefix + ".bias"]!.split(parts: layers.count, axis: 0)
      for (layer, (w, b)) in zip(layers, zip(weights, biases)) {
        layer.weight.assign(w.transposed())
        layer.bias!.assign(b)
      }
    }
    for (prefix, layer) in layout.norms {
      layer.weight.assign(stored[prefix + ".weight"]!)
      layer.bias.assign(stored[prefix + ".bias"]!)
    }
  }

  /// Where each of the model's tensors goes under GPT-2's names, the one table both
  /// directions read: the embedding tables as they are, the projections GPT-2 keeps as
  /// `Conv1D` (several `Linear`s joined, transposed), and the layer norms.
  struct Layout {
    var tables: [(String, Tensor)] = []
    var projections: [(String, [Linear])] = []
    var norms: [(String, LayerNorm)] = []

    init(_ model: GPTLanguageModel) {
      tables = [
        ("transformer.wte.weight", model.tokenEmbedding.weight),
        ("transformer.wpe.weight", model.positionEmbedding.weight),
      ]
      for (i, block) in model.blocks.enumerated() {
        let p = "transformer.h.\(i)"
        let a = block.attention
        norms += [("\(p).ln_1", block.norm1), ("\(p).ln_2", block.norm2)]
        projections += [
          ("\(p).attn.c_attn", [a.query, a.key, a.value]), ("\(p).attn.c_proj", [a.output]),
          ("\(p).mlp.c_fc", [block.feedForward.linear1]),
          ("\(p).mlp.c_proj", [block.feedForward.linear2]),
        ]
      }
      norms.append(("transformer.ln_f", model.finalNorm))
    }
  }
}
