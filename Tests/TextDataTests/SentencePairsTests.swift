import Testing

@testable import TextData

struct SentencePairsTests {
  /// A text of the given paragraphs, read as one sentence per line would give them.
  static func text(_ paragraphs: [[String]]) -> ReadText {
    ReadText(layout: .wrappedProse, paragraphs: paragraphs, lineCount: 0, skippedLines: 0)
  }

  /// Whether a sentence may be in a pair: here, any sentence but "x".
  static func fits(_ sentence: String) -> Bool { sentence != "x" }

  @Test(
    arguments: [
      ("no paragraph", [], []),
      ("one sentence", [["a"]], []),
      ("two sentences", [["a", "b"]], [["a", "b"]]),
      ("three: the last pairs with nothing", [["a", "b", "c"]], [["a", "b"]]),
      ("four: two pairs, none overlapping", [["a", "b", "c", "d"]], [["a", "b"], ["c", "d"]]),
      ("never across paragraphs", [["a"], ["b", "c"], ["d"]], [["b", "c"]]),
      ("a rejected sentence breaks the run", [["a", "x", "b", "c"]], [["b", "c"]]),
      ("the sentence before a rejected one is alone", [["a", "b", "c", "x", "d"]], [["a", "b"]]),
    ] as [(String, [[String]], [[String]])])
  func neighbouringPairs(_ name: String, _ paragraphs: [[String]], _ expected: [[String]]) {
    let pairs = Self.text(paragraphs).neighbouringPairs(where: Self.fits)
    #expect(pairs.map { [$0.first, $0.second] } == expected, "\(name)")
  }

  @Test func pairsByWordCountAreTokenized() {
    // Five tokens, two, five (the comma counts), five: the two-token one breaks the run.
    let paragraph = ["The cat sat down.", "Hi!", "Well, it ran.", "Then it slept there."]
    let pairs = Self.text([paragraph]).neighbouringPairs(words: 3...5)
    #expect(pairs.count == 1)
    #expect(pairs.first?.first == ["well", ",", "it", "ran", "."])
    #expect(pairs.first?.second == ["then", "it", "slept", "there", "."])
  }

  @Test func noSentenceIsInTwoPairs() {
    let paragraph = (0..<101).map { "sentence \($0)" }
    let pairs = Self.text([paragraph]).neighbouringPairs { _ in true }
    let used = pairs.flatMap { [$0.first, $0.second] }
    #expect(pairs.count == 50)
    #expect(Set(used).count == used.count)
  }
}
