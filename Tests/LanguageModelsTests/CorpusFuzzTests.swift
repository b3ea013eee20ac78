import Foundation
import Testing

@testable import LanguageModels
@testable import TensorCore
@testable import TextData

/// A learner's corpus file, mutated in many seeded ways, goes through everything `--corpus`
/// does with it: reading (`TextFile.lines`), splitting long lines, the vocabulary, encoding
/// and the size checks. Each variant must be refused with a `CorpusError` or read; nothing
/// may trap, and what is read can never be more text than the file holds.
struct CorpusFuzzTests {
  /// A small valid corpus with what real files contain: accents, non-Latin scripts, emoji,
  /// Windows line ends, tabs, blank lines and one long line.
  static let valid: [UInt8] = {
    var generator = SplitMix64(seed: 5)
    var lines = SentenceCorpus.generate(count: 40, using: &generator).map(\.text)
    lines += [
      "Café déjà vu — naïve façade.", "日本語の文です。", "emoji 🐶🐱 in a line\r",
      "\ttabbed\tline  ", "", "   ",
      Array(repeating: "word", count: 130).joined(separator: " "),
    ]
    return Array(lines.joined(separator: "\n").utf8)
  }()

  static func variants() -> [[UInt8]] {
    let valid = Self.valid
    var result: [[UInt8]] = stride(from: 0, to: valid.count, by: 3).map { Array(valid.prefix($0)) }
    var generator = SplitMix64(seed: 11)
    let inserts: [[UInt8]] = [
      [0], [0xFF, 0xFE], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF], [0xC3], [0x1B],
      [0x0D], [0x0A, 0x0A], [0xE2, 0x80, 0xA8], [0xF0, 0x9F],
    ]
    for round in 0..<1_500 {
      var bytes = valid
      if round % 3 == 0 {
        let piece = inserts[generator.index(inserts.count)]
        bytes.insert(contentsOf: piece, at: generator.index(bytes.count + 1))
      } else {
        for _ in 0..<(1 + generator.index(6)) {
          bytes[generator.index(bytes.count)] = UInt8(generator.index(256))
        }
      }
      result.append(bytes)
    }
    return result
  }

  @Test func mutatedCorporaAreReadOrRefusedNeverTrap() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("corpus-fuzz-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("corpus.txt").path
    var read = 0
    var refused = 0
    for bytes in Self.variants() {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let lines: [String]
      do {
        lines = try TextFile.lines(at: path)
      } catch let error as CorpusError {
        #expect(!error.message.isEmpty)
        refused += 1
        continue
      }
      read += 1
      #expect(lines.reduce(0) { $0 + $1.utf8.count } <= bytes.count)
      #expect(lines.allSatisfy { !$0.isEmpty })
      for level in [TokenLevel.word, .char] {
        let corpus = LanguageModelCorpus(lines: lines, level: level, seed: 1)
        let size = corpus.vocabulary.tokens.count
        #expect(size <= LanguageModelCorpus.maximumVocabulary + Vocabulary.specials.count)
        for sentence in corpus.train + corpus.validation + corpus.test {
          #expect(sentence.count <= LanguageModelCorpus.maximumTokens(level))
          #expect(sentence.allSatisfy { (0..<size).contains($0) })
        }
        _ = try? corpus.requireSize(order: 3, path: path)
        _ = try? corpus.requireTokens(400, for: "a recurrent model", path: path)
      }
    }
    // Both outcomes occur, so the mutations reach the reader's refusals and its success path.
    #expect(read > 100)
    #expect(refused > 100)
  }
}

/// Long lines are cut the same way at every token level, so that word, character and
/// subword models of one text are tested on the same sentences.
struct LongLineTests {
  @Test func piecesAreCutAtASpaceBeforeTheLimit() {
    let limit = LanguageModelCorpus.maximumCharacters
    let words = (0..<200).map { "word\($0)" }
    let line = words.joined(separator: " ")
    let pieces = LanguageModelCorpus.pieces(line)
    #expect(pieces.count > 1)
    #expect(pieces.allSatisfy { $0.count <= limit && !$0.hasPrefix(" ") && !$0.hasSuffix(" ") })
    // No word is cut in two, and nothing but the spaces at the cuts is lost.
    #expect(pieces.joined(separator: " ") == line)
    #expect(pieces.flatMap { $0.split(separator: " ").map(String.init) } == words)
    // A run with no space is cut at the limit.
    let run = String(repeating: "x", count: 2 * limit + 7)
    #expect(LanguageModelCorpus.pieces(run).map(\.count) == [limit, limit, 7])
    #expect(LanguageModelCorpus.pieces("short line") == ["short line"])
  }

  @Test func lessTrainingTextKeepsTheHeldOutSplitsAndVocabulary() {
    let corpus = LanguageModelCorpus.builtIn(count: 300, level: .word, seed: 4)
    let part = corpus.keepingTraining(first: 24)
    #expect(part.train == Array(corpus.train.prefix(24)))
    #expect(part.trainText == Array(corpus.trainText.prefix(24)))
    #expect(part.test == corpus.test && part.validation == corpus.validation)
    #expect(part.vocabulary.tokens == corpus.vocabulary.tokens)
    #expect(part.trainTokens < corpus.trainTokens)
  }

  @Test func everyLevelHoldsTheSameSplits() {
    var generator = SplitMix64(seed: 3)
    var lines = SentenceCorpus.generate(count: 200, using: &generator).map(\.text)
    lines += (0..<5).map { n in (0..<90).map { "w\(n)x\($0)" }.joined(separator: " ") }
    let corpora = TextTokenizer.Level.allCases.map {
      LanguageModelCorpus(lines: lines, level: $0, merges: 40, seed: 9)
    }
    #expect(corpora[0].splitLines == 5)
    for corpus in corpora.dropFirst() {
      #expect(corpus.trainText == corpora[0].trainText)
      #expect(corpus.testText == corpora[0].testText)
      #expect(corpus.splitLines == 5)
    }
  }
}
