import Foundation

/// A subword tokenizer written as Hugging Face `tokenizers` writes one (`tokenizer.json`),
/// so that `Tokenizer.from_file` and `AutoTokenizer.from_pretrained` give our ids.
///
/// The model is a byte-level BPE with GPT-2's pre-tokenizer and decoder, the vocabulary
/// mapping every token to its id in `vocabulary` (special tokens first, then the bytes, then
/// the merges), and the merges in the order they were learned. Special tokens are listed
/// as added tokens, so they are never split.
extension BytePairEncoding {
  /// The `tokenizer.json` text for this tokenizer with the ids of `vocabulary`.
  /// - Precondition: every symbol has an id in `vocabulary`.
  public func huggingFaceJSON(vocabulary: Vocabulary) -> String {
    var vocab: [String: Int] = [:]
    for (id, token) in vocabulary.tokens.enumerated() { vocab[token] = id }
    let added = Vocabulary.specials.map { token -> [String: Any] in
      [
        "id": vocabulary.id(token), "content": token, "single_word": false, "lstrip": false,
        "rstrip": false, "normalized": false, "special": true,
      ]
    }
    let byteLevel: [String: Any] = [
      "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true,
    ]
    let model: [String: Any] = [
      "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(),
      "continuing_subword_prefix": NSNull(), "end_of_word_suffix": NSNull(),
      "fuse_unk": false, "byte_fallback": false, "ignore_merges": false, "vocab": vocab,
      "merges": merges.map { [$0.0, $0.1] },
    ]
    let file: [String: Any] = [
      "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
      "normalizer": NSNull(), "pre_tokenizer": byteLevel, "post_processor": NSNull(),
      "decoder": byteLevel, "model": model,
    ]
    let data = try! JSONSerialization.data(withJSONObject: file, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Reads the merges of a `tokenizer.json` written by `huggingFaceJSON` (or by
  /// `tokenizers` for a byte-level BPE).
  /// - Throws: `CorpusError` naming what is missing.
  public static func fromHuggingFaceJSON(_ data: Data) throws -> BytePairEncoding {
    guard let file = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let model = file["model"] as? [String: Any], model["type"] as? String == "BPE",
      let merges = model["merges"] as? [Any]
    else {
      throw CorpusError("tokenizer.json is not a byte-level BPE tokenizer (no model.merges)")
    }
    let pairs = try merges.map { merge -> (String, String) in
      if let pair = merge as? [String], pair.count == 2 { return (pair[0], pair[1]) }
      if let text = merge as? String {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        if parts.count == 2 { return (String(parts[0]), String(parts[1])) }
      }
      throw CorpusError("tokenizer.json has a merge that is not a pair: \(merge)")
    }
    return BytePairEncoding(merges: pairs)
  }
}
