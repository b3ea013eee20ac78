/// How a lesson cuts text into tokens: by a fixed rule (words, characters) or by subwords
/// learned from the training text (byte-pair encoding).
///
/// Word tokens make short sequences but a large vocabulary, and a word never seen in
/// training is `<unk>`. Character tokens make a tiny vocabulary and long sequences, and
/// nothing is unknown. Subword tokens sit between: the commonest words are one token,
/// rare words are spelled from pieces, and (over bytes) nothing is unknown either.
public struct TextTokenizer: Sendable, Equatable {
  /// The three levels the language-model lessons compare.
  public enum Level: String, Sendable, CaseIterable {
    case word, char, bpe
  }

  /// A level as a lesson's `level` knob offers it: one of the three, or `auto`.
  public enum LevelSetting: String, Sendable, CaseIterable {
    case auto, word, char, bpe

    /// The level meant: `auto` is words on the built-in grammar (every held-out word was
    /// seen in training) and subwords on a learner's own text, where a word the training
    /// split never had would be `<unk>`.
    public func level(onOwnText: Bool) -> Level {
      switch self {
      case .auto: return onOwnText ? .bpe : .word
      case .word: return .word
      case .char: return .char
      case .bpe: return .bpe
      }
    }
  }

  public let level: Level
  /// The learned merges, at the `bpe` level.
  public let subwords: BytePairEncoding?

  /// The fixed rule of `TokenLevel` (`word` or `char`).
  public init(_ level: TokenLevel) {
    self.level = level == .word ? .word : .char
    self.subwords = nil
  }

  /// Subwords learned from `texts` (the training split only), with `merges` merges.
  public init(learningFrom texts: [String], merges: Int) {
    self.level = .bpe
    self.subwords = BytePairEncoding(learningFrom: texts, merges: merges)
  }

  /// A tokenizer with these learned subwords.
  public init(subwords: BytePairEncoding) {
    self.level = .bpe
    self.subwords = subwords
  }

  /// The tokens of `text`.
  public func tokenize(_ text: String) -> [String] {
    switch level {
    case .word: return Tokenizer.words(text)
    case .char: return Tokenizer.characters(text)
    case .bpe: return subwords!.encode(text)
    }
  }

  /// Text from tokens: words joined with spaces (the original spacing is not kept),
  /// characters and subwords joined exactly.
  public func join(_ tokens: [String]) -> String {
    switch level {
    case .word: return tokens.joined(separator: " ")
    case .char: return tokens.joined()
    case .bpe: return subwords!.decode(tokens)
    }
  }
}
