import Foundation
import TensorCore
import TextData

/// Sentences prepared for language modelling: tokenized at one level, a vocabulary from
/// the training split, and every split as token ids.
///
/// The n-gram lesson and the recurrent-network lesson build this the same way from the
/// same seed, so their perplexities are measured on the same text and the same split.
public struct LanguageModelCorpus: Sendable {
  public var level: TextTokenizer.Level { tokenizer.level }
  /// How the text is cut into tokens; at the `bpe` level it was learned from the training
  /// split only.
  public let tokenizer: TextTokenizer
  public let vocabulary: Vocabulary
  public let train: [[Int]]
  public let validation: [[Int]]
  public let test: [[Int]]
  /// The raw sentences of each split, for display.
  public let trainText: [String]
  public let validationText: [String]
  public let testText: [String]

  /// How many lines were longer than `maximumTokens` and split into pieces.
  public let splitLines: Int
  /// How many different lines (after splitting) there are; the rest are copies.
  public let distinctLines: Int

  /// The longest line, in characters (`LongLines`): longer lines are cut into pieces at the
  /// last space before the limit, the same cut at every level, so word, character and
  /// subword models of one text are trained and tested on the same pieces.
  public static let maximumCharacters = LongLines.maximumCharacters

  /// The most tokens a piece can have at the word or char level: a word or a character
  /// token is at least one character. (At the bpe level a character outside ASCII can be
  /// two to four byte tokens.)
  public static func maximumTokens(_ level: TokenLevel) -> Int { maximumCharacters }

  /// `line` cut as `LongLines.pieces` cuts it.
  public static func pieces(_ line: String) -> [String] { LongLines.pieces(line) }

  /// The default number of merges at the `bpe` level: a vocabulary of about 512 subwords
  /// (the 256 bytes and 256 merges), small enough for a lesson's output layer.
  public static let defaultMerges = 256

  /// The largest vocabulary: beyond it the rarest tokens become `<unk>`, so that a file
  /// of many distinct words cannot make an output layer of millions of parameters.
  public static let maximumVocabulary = 10_000

  /// Splits `lines` 80/10/10 after a seeded shuffle, tokenizes them at `level`, and
  /// builds the vocabulary from the training split (tokens seen fewer than
  /// `minimumCount` times become `<unk>`, and only the `maximumVocabulary` most frequent
  /// are kept). Lines longer than `maximumCharacters` are cut into pieces first.
  public init(lines: [String], level: TokenLevel, minimumCount: Int = 1, seed: UInt64) {
    let named: TextTokenizer.Level = level == .word ? .word : .char
    self.init(lines: lines, level: named, minimumCount: minimumCount, seed: seed)
  }

  /// As above, at any level; at the `bpe` level the subwords (`merges` of them) are learned
  /// from the training split after it is cut.
  public init(
    lines: [String], level: TextTokenizer.Level, minimumCount: Int = 1,
    merges: Int = LanguageModelCorpus.defaultMerges, seed: UInt64
  ) {
    let rule: TokenLevel = level == .word ? .word : .char
    var pieces: [String] = []
    var split = 0
    for line in lines {
      let cut = LanguageModelCorpus.pieces(line)
      if cut.count > 1 { split += 1 }
      pieces += cut
    }
    splitLines = split
    // Copies of one line stay together in one split, so that no validation or test line is
    // a copy of a training line: held-out means held out.
    distinctLines = Set(pieces).count
    var generator = SplitMix64(seed: seed)
    let splits = Splits(pieces, using: &generator)
    let tokenizer =
      level == .bpe
      ? TextTokenizer(learningFrom: splits.train, merges: merges) : TextTokenizer(rule)
    self.tokenizer = tokenizer
    let tokenized = splits.train.map(tokenizer.tokenize)
    // Subwords: every byte and merge has an id (none is ever unknown), in learned order.
    let vocabulary =
      level == .bpe
      ? Vocabulary(tokens: Vocabulary.specials + tokenizer.subwords!.symbols)
      : Vocabulary(
        tokenized, minimumCount: minimumCount, maximumSize: LanguageModelCorpus.maximumVocabulary)
    self.vocabulary = vocabulary
    train = tokenized.map(vocabulary.encode)
    validation = splits.validation.map { vocabulary.encode(tokenizer.tokenize($0)) }
    test = splits.test.map { vocabulary.encode(tokenizer.tokenize($0)) }
    trainText = splits.train
    validationText = splits.validation
    testText = splits.test
  }

  /// The same corpus with only the first `count` training sentences (the split is already
  /// shuffled, so they are a random sample); the tokenizer, the vocabulary and the held-out
  /// splits stay as they are, so models trained on less text are measured on the same test.
  public func keepingTraining(first count: Int) -> LanguageModelCorpus {
    LanguageModelCorpus(
      tokenizer: tokenizer, vocabulary: vocabulary, train: Array(train.prefix(count)),
      validation: validation, test: test, trainText: Array(trainText.prefix(count)),
      validationText: validationText, testText: testText, splitLines: splitLines,
      distinctLines: distinctLines)
  }

  private init(
    tokenizer: TextTokenizer, vocabulary: Vocabulary, train: [[Int]], validation: [[Int]],
    test: [[Int]], trainText: [String], validationText: [String], testText: [String],
    splitLines: Int, distinctLines: Int
  ) {
    self.tokenizer = tokenizer
    self.vocabulary = vocabulary
    self.train = train
    self.validation = validation
    self.test = test
    self.trainText = trainText
    self.validationText = validationText
    self.testText = testText
    self.splitLines = splitLines
    self.distinctLines = distinctLines
  }

  /// How many lines of `held` (a held-out split's text) occur verbatim in the training text.
  public func seenInTraining(_ held: [String]) -> Int {
    let seen = Set(trainText)
    return held.filter(seen.contains).count
  }

  /// "validation and test sentences also in training: 0 of 160", which every lesson that
  /// evaluates on this corpus prints (0 by construction: the split keeps copies together).
  public var overlapSummary: String {
    "validation and test sentences also in training: "
      + "\(seenInTraining(validationText) + seenInTraining(testText)) of "
      + "\(validationText.count + testText.count)"
  }

  /// The built-in corpus of lessons 2 and 3: `count` sentences from `SentenceCorpus.course`,
  /// seeded.
  public static func builtIn(
    count: Int, level: TokenLevel, minimumCount: Int = 1, seed: UInt64
  ) -> LanguageModelCorpus {
    var generator = SplitMix64(seed: seed)
    let sentences = SentenceCorpus.course.generate(count: count, using: &generator).map(\.text)
    return LanguageModelCorpus(
      lines: sentences, level: level, minimumCount: minimumCount, seed: seed &+ 1)
  }

  /// As above, at any level (`merges` subwords learned at the `bpe` level), so that the
  /// lessons that offer word, char and bpe build their built-in corpus one way.
  public static func builtIn(
    count: Int, level: TextTokenizer.Level, minimumCount: Int = 1,
    merges: Int = LanguageModelCorpus.defaultMerges, seed: UInt64
  ) -> LanguageModelCorpus {
    var generator = SplitMix64(seed: seed)
    let sentences = SentenceCorpus.course.generate(count: count, using: &generator).map(\.text)
    return LanguageModelCorpus(
      lines: sentences, level: level, minimumCount: minimumCount, merges: merges,
      seed: seed &+ 1)
  }

  /// The characters of a split's text, counting one for each sentence's end (`</s>`): the
  /// denominator of bits per character, the same at every token level.
  public static func characters(_ text: [String]) -> Int {
    text.reduce(0) { $0 + $1.count + 1 }
  }

  /// Bits per character of a split: its total surprise `−Σ ln P` (in nats, over every
  /// predicted token including each `</s>`) in bits, divided by its characters. Perplexity
  /// per token is `exp(nats / tokens)`; both are the same cross-entropy in other units, but
  /// only this one can be compared between word, character and subword models.
  public static func bitsPerCharacter(nats: Double, text: [String]) -> Double {
    nats / Foundation.log(2) / Double(characters(text))
  }

  /// The number of predicted tokens in the training split (`m + 1` per sentence).
  public var trainTokens: Int { train.reduce(0) { $0 + $1.count + 1 } }

  /// Checks that a corpus is big enough for n-gram models of order `order`.
  /// - Throws: `CorpusError` naming what is too small.
  public func requireSize(order: Int, path: String) throws {
    try requireLines(path: path)
    if trainTokens < 20 * order {
      throw CorpusError(
        "\(path) is too small for n = \(order): its training split has \(trainTokens) tokens, "
          + "and an n-gram model needs at least \(20 * order); use more text or a smaller n")
    }
  }

  /// Checks that the training split has at least `minimum` tokens, for `purpose`.
  /// - Throws: `CorpusError` with the real minimum.
  public func requireTokens(_ minimum: Int, for purpose: String, path: String) throws {
    try requireLines(path: path)
    if trainTokens < minimum {
      throw CorpusError(
        "\(path) is too small: its training split has \(trainTokens) \(level.rawValue) tokens, "
          + "and \(purpose) needs at least \(minimum); use more text"
          + (level == .word ? " or --set level=char (more tokens from the same text)" : ""))
    }
  }

  func requireLines(path: String) throws {
    if validation.isEmpty || train.count < 8 {
      let all = train.count + validation.count + test.count
      throw CorpusError(
        "\(path) has too few distinct sentences: \(distinctLines)"
          + (all > distinctLines ? " (\(all) in all, the rest copies)" : "")
          + "; the 80/10/10 split needs at least 10 different ones, so that held-out "
          + "sentences are not copies of training ones")
    }
  }
}
