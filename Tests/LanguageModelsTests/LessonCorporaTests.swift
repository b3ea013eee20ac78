import Foundation
import Testing

@testable import LanguageModels
@testable import TextData

/// A lesson's corpora: built from the built-in grammar or a learner's file, once for each
/// setting.
struct LessonCorporaTests {
  func builtIn() -> LessonCorpora {
    LessonCorpora(path: nil, quick: false, seed: 3, minimumTokens: 400, for: "training")
  }

  @Test func theBuiltInCorpusIsTheGrammarsAndIsKeptForTheSameSettings() throws {
    let corpora = builtIn()
    #expect(corpora.text == nil)
    let corpus = try corpora.corpus(builtInCount: 200, level: .word, merges: 50)
    let expected = LanguageModelCorpus.builtIn(count: 200, level: .word, merges: 50, seed: 3)
    #expect(
      corpus.train == expected.train && corpus.vocabulary.tokens == expected.vocabulary.tokens)
    #expect(corpora.kept?.settings == .init(count: 200, level: .word, merges: 50))
    // Other settings build another corpus, which is kept in its place.
    let letters = try corpora.corpus(builtInCount: 200, level: .char, merges: 50)
    #expect(letters.vocabulary.count < corpus.vocabulary.count)
    #expect(corpora.kept?.settings == .init(count: 200, level: .char, merges: 50))
  }

  @Test func aFileThatCannotBeReadIsRefusedWhenACorpusIsAsked() {
    let path = "/nonexistent/corpus-\(getpid()).txt"
    let corpora = LessonCorpora(
      path: path, quick: true, seed: 0, minimumTokens: 400, for: "training")
    #expect(corpora.text == nil)
    #expect(throws: CorpusError.self) {
      try corpora.corpus(builtInCount: 200, level: .word, merges: 50)
    }
    #expect(corpora.kept == nil)
  }

  @Test func aLearnersTextTooSmallForThePurposeIsRefused() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lesson-corpora-\(UUID().uuidString).txt"
    ).path
    defer { unlink(path) }
    let sentences = (1...30).map { "sentence number \($0) is here ." }
    try sentences.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let small = LessonCorpora(
      path: path, quick: false, seed: 0, minimumTokens: 100_000, for: "training a model")
    #expect(small.text?.sentences.count == 30)
    let error = #expect(throws: CorpusError.self) {
      try small.corpus(builtInCount: 200, level: .word, merges: 50)
    }
    #expect(error?.description.contains("training a model needs at least 100000") == true)
    let enough = LessonCorpora(
      path: path, quick: false, seed: 0, minimumTokens: 10, for: "training a model")
    let corpus = try enough.corpus(builtInCount: 200, level: .word, merges: 50)
    #expect(corpus.train.count + corpus.validation.count + corpus.test.count == 30)
  }
}
