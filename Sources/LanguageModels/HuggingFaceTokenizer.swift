import Foundation
import TensorCore
import TextData

/// A lesson's tokenizer written as Hugging Face `tokenizers` and `transformers` read one:
/// `tokenizer.json`, `tokenizer_config.json` and `special_tokens_map.json`, so that
/// `AutoTokenizer.from_pretrained(folder)` cuts text as the lesson did and gives its ids.
///
/// Subwords: byte-level BPE (`BytePairEncoding.huggingFaceJSON`). Words: lower-cased, split
/// at white space, then every character that is not a letter, digit or apostrophe on its
/// own (the rule of `Tokenizer.words`); a word-level model with `<unk>`. Characters: every
/// character on its own. For the encoders of lesson 6 (`sentencePairs`), a template puts
/// `[CLS] A [SEP]` (and `B [SEP]` with segment 1) around the text, as BERT's tokenizer does.
public enum HuggingFaceTokenizer {
  /// The `tokenizer.json` text.
  public static func json(
    _ tokenizer: TextTokenizer, vocabulary: Vocabulary, sentencePairs: Bool
  ) -> String {
    var file: [String: Any]
    if tokenizer.level == .bpe {
      let text = tokenizer.subwords!.huggingFaceJSON(vocabulary: vocabulary)
      file = try! JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    } else {
      var vocab: [String: Int] = [:]
      for (id, token) in vocabulary.tokens.enumerated() where vocab[token] == nil {
        vocab[token] = id
      }
      func split(_ pattern: String) -> [String: Any] {
        ["type": "Split", "pattern": ["Regex": pattern], "behavior": "Isolated", "invert": false]
      }
      let word = tokenizer.level == .word
      file = [
        "version": "1.0", "truncation": NSNull(), "padding": NSNull(),
        "normalizer": word ? ["type": "Lowercase"] : NSNull(),
        "pre_tokenizer": word
          ? [
            "type": "Sequence",
            "pretokenizers": [["type": "WhitespaceSplit"], split("[^\\p{L}\\p{N}']")],
          ] : split("\\X"),
        "post_processor": NSNull(), "decoder": word ? NSNull() : ["type": "Fuse"],
        "model": ["type": "WordLevel", "vocab": vocab, "unk_token": Vocabulary.unknown],
      ]
    }
    // Only the special tokens the vocabulary has are listed, with their own ids.
    file["added_tokens"] = Vocabulary.specials.filter(vocabulary.contains).map {
      token -> [String: Any] in
      [
        "id": vocabulary.id(token), "content": token, "single_word": false, "lstrip": false,
        "rstrip": false, "normalized": false, "special": true,
      ]
    }
    if sentencePairs {
      let cls = Vocabulary.classification
      let sep = Vocabulary.separator
      func special(_ token: String, _ segment: Int) -> [String: Any] {
        ["SpecialToken": ["id": token, "type_id": segment]]
      }
      func sequence(_ name: String, _ segment: Int) -> [String: Any] {
        ["Sequence": ["id": name, "type_id": segment]]
      }
      file["post_processor"] = [
        "type": "TemplateProcessing",
        "single": [special(cls, 0), sequence("A", 0), special(sep, 0)],
        "pair": [
          special(cls, 0), sequence("A", 0), special(sep, 0), sequence("B", 1), special(sep, 1),
        ],
        "special_tokens": [
          cls: ["id": cls, "ids": [vocabulary.id(cls)], "tokens": [cls]],
          sep: ["id": sep, "ids": [vocabulary.id(sep)], "tokens": [sep]],
        ],
      ]
    }
    let data = try! JSONSerialization.data(withJSONObject: file, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Writes the three files into `folder` (which must exist).
  public static func write(
    _ tokenizer: TextTokenizer, vocabulary: Vocabulary, sentencePairs: Bool, maximumLength: Int,
    to folder: URL
  ) throws {
    var specials: [String: Any] = [
      "unk_token": Vocabulary.unknown, "pad_token": Vocabulary.pad,
    ]
    if sentencePairs {
      specials["cls_token"] = Vocabulary.classification
      specials["sep_token"] = Vocabulary.separator
      specials["mask_token"] = Vocabulary.mask
    } else {
      specials["bos_token"] = Vocabulary.start
      specials["eos_token"] = Vocabulary.end
    }
    var config = specials
    // A fast tokenizer from tokenizer.json, whatever the model type would otherwise ask for
    // (ALBERT's own tokenizer needs a SentencePiece model we do not have).
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config["model_max_length"] = maximumLength
    config["clean_up_tokenization_spaces"] = false
    let files: [(String, Data)] = [
      (
        "tokenizer.json",
        Data(json(tokenizer, vocabulary: vocabulary, sentencePairs: sentencePairs).utf8)
      ),
      (
        "tokenizer_config.json",
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
      ),
      (
        "special_tokens_map.json",
        try JSONSerialization.data(withJSONObject: specials, options: [.sortedKeys])
      ),
    ]
    for (name, data) in files {
      try SafeTensors.writeAtomically(data, to: folder.appendingPathComponent(name))
    }
  }
}
