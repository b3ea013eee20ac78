import TensorCore
import TextData

/// Sentences prepared for language modelling: tokenized at one level, a vocabulary from
/// the training split, and every split as token ids.
///
/// The n-gram lesson and the recurrent-network lesson build this the same way from the
/// same seed, so their perplexities are measured on the same text and the same split.
public struct LanguageModelCorpus: Sendable {
  public let level: TokenLevel
  public let vocabulary: Vocabulary
  public let train: [[Int]]
  public let validation: [[Int]]
  public let test: [[Int]]
  /// The raw sentences of each split, for display.
  public let trainText: [String]
  public let validationText: [String]

  /// Splits `lines` 80/10/10 after a seeded shuffle, tokenizes them at `level`, and
  /// builds the vocabulary from the training split (tokens seen fewer than
  /// `minimumCount` times become `<unk>`).
  public init(lines: [String], level: TokenLevel, minimumCount: Int = 1, seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    let splits = Splits(lines, using: &generator)
    self.level = level
    let tokenized = splits.train.map(level.tokenize)
    let vocabulary = Vocabulary(tokenized, minimumCount: minimumCount)
    self.vocabulary = vocabulary
    train = tokenized.map(vocabulary.encode)
    validation = splits.validation.map { vocabulary.encode(level.tokenize($0)) }
    test = splits.test.map { vocabulary.encode(level.tokenize($0)) }
    trainText = splits.train
    validationText = splits.validation
  }

  /// The built-in sentence corpus: `count` sentences from `SentenceCorpus`, seeded.
  public static func builtIn(count: Int, level: TokenLevel, seed: UInt64) -> LanguageModelCorpus {
    var generator = SplitMix64(seed: seed)
    let sentences = SentenceCorpus.generate(count: count, using: &generator).map { $0.text }
    return LanguageModelCorpus(lines: sentences, level: level, seed: seed &+ 1)
  }

  /// The number of predicted tokens in the training split (`m + 1` per sentence).
  public var trainTokens: Int { train.reduce(0) { $0 + $1.count + 1 } }

  /// Checks that a corpus is big enough for models of order `order`.
  /// - Throws: `CorpusError` naming what is too small.
  public func requireSize(order: Int, path: String) throws {
    if validation.isEmpty || train.count < 8 {
      throw CorpusError(
        "\(path) has too few lines: the 80/10/10 split needs at least 10 non-empty lines "
          + "(one sentence per line)")
    }
    if trainTokens < 20 * order {
      throw CorpusError(
        "\(path) is too small for n = \(order): its training split has \(trainTokens) tokens, "
          + "and an n-gram model needs at least \(20 * order); use more text or a smaller n")
    }
  }
}
