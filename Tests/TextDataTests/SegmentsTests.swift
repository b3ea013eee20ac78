import Testing

@testable import TextData

struct SegmentsTests {
  /// `n` words "w1 w2 …", with a comma after the words whose numbers are in `commas`.
  static func sentence(_ n: Int, commas: Set<Int> = []) -> String {
    (1...n).map { "w\($0)" + (commas.contains($0) ? "," : "") }.joined(separator: " ")
  }

  @Test func aShortSentenceIsLeftWhole() {
    #expect(ReadText.segments(of: "a short one.", limit: 10) == ["a short one."])
  }

  @Test func withoutClauseBreaksSegmentsAreFullAndKeepEveryWordInOrder() {
    let text = Self.sentence(25)
    let pieces = ReadText.segments(of: text, limit: 10)
    #expect(pieces.map { Tokenizer.words($0).count } == [10, 10, 5])
    #expect(pieces.joined(separator: " ") == text)
  }

  @Test func aSegmentEndsAtTheLastCommaThatLeavesItAThirdOfTheLimit() {
    // Commas after words 2 (too early: under a third of 12 tokens) and 8; each comma is a
    // token of its own, so "w1 … w8," is 10 tokens.
    let text = Self.sentence(20, commas: [2, 8])
    let pieces = ReadText.segments(of: text, limit: 12)
    #expect(pieces.first == "w1 w2, w3 w4 w5 w6 w7 w8,")
    #expect(pieces.joined(separator: " ") == text)
    #expect(pieces.allSatisfy { Tokenizer.words($0).count <= 12 })
  }

  @Test func punctuationCountsAsTokens() {
    // "a-b" is three tokens, so ten of them are 30 tokens: three segments of at most 12.
    let text = Array(repeating: "a-b", count: 10).joined(separator: " ")
    let pieces = ReadText.segments(of: text, limit: 12)
    #expect(pieces.map { Tokenizer.words($0).count } == [12, 12, 6])
  }

  @Test func oneWordLongerThanTheLimitIsASegmentOfItsOwn() {
    let address = "http://example.org/a/b/c/d/e/f"
    let pieces = ReadText.segments(of: "see \(address) now", limit: 5)
    #expect(pieces == ["see", address, "now"])
  }

  @Test func cuttingKeepsParagraphsAndCountsWhatItCut() {
    let long = Self.sentence(25)
    let text = ReadText(
      layout: .wrappedProse, paragraphs: [["short one.", long], ["another short one."]],
      lineCount: 3, skippedLines: 0)
    let (cut, sentencesCut, segments) = text.cuttingSentences(longerThan: 10)
    #expect(sentencesCut == 1)
    #expect(segments == 3)
    #expect(cut.paragraphs.map(\.count) == [4, 1])
    #expect(cut.paragraphs[0][0] == "short one.")
    #expect(cut.layout == .wrappedProse && cut.lineCount == 3)
    // The pairs now reach the segments.
    #expect(cut.neighbouringPairs(words: 3...10).count == 2)
    #expect(text.neighbouringPairs(words: 3...10).count == 0)
  }
}
