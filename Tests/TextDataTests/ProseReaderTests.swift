import Foundation
import Testing

@testable import TextData

struct ProseReaderTests {
  @Test func wrappedProseIsJoinedAndSplitIntoSentences() {
    let text = """
      The licence lets you copy the program. It does not let
      you remove this notice! Does it cost money? No.

      Dr. Smith wrote version 3.5 of it, e.g. the well-
      known parts... and then stopped.
      """
    let read = ProseReader.read(text, markdown: false)
    #expect(read.layout == .wrappedProse)
    #expect(
      read.paragraphs == [
        [
          "The licence lets you copy the program.", "It does not let you remove this notice!",
          "Does it cost money?", "No.",
        ],
        ["Dr. Smith wrote version 3.5 of it, e.g. the well-known parts... and then stopped."],
      ])
    #expect(read.lineCount == 4)
    #expect(read.summary == "wrapped prose: 4 lines joined into 5 sentences in 2 paragraphs")
  }

  @Test(arguments: [
    ("He said \"Stop.\" Then he left.", ["He said \"Stop.\"", "Then he left."]),
    ("Version 2. It works.", ["Version 2.", "It works."]),
    ("J. R. R. Tolkien wrote it. Yes.", ["J. R. R. Tolkien wrote it.", "Yes."]),
    ("it ends without a stop", ["it ends without a stop"]),
    ("Wait... What? (Really.) Fine.", ["Wait... What?", "(Really.)", "Fine."]),
    ("-- * --", []),
  ])
  func sentenceRules(_ paragraph: String, _ expected: [String]) {
    #expect(ProseReader.split(paragraph) == expected)
  }

  @Test func oneSentencePerLineIsKept() {
    let lines = "the puppies are playing .\nthe kittens are sleeping .\n\nthe rain is falling .\n"
    let read = ProseReader.read(lines, markdown: false)
    #expect(read.layout == .linePerSentence)
    #expect(read.sentences.count == 3)
    // The lines between blank lines are a paragraph, in order.
    #expect(read.paragraphs.map(\.count) == [2, 1])
    // No blank line at all: every line is an item, even without a full stop.
    let names = ProseReader.read("emma\nolivia\nava\n", markdown: false)
    #expect(names.layout == .linePerSentence)
    #expect(names.sentences == ["emma", "olivia", "ava"])
    #expect(names.paragraphs == [["emma", "olivia", "ava"]])
  }

  @Test func markdownStructureIsNotText() {
    let text = """
      # Installing

      Run the script from the folder. Then read the
      [manual](https://example.org/manual) for **more**.

      ```sh
      ./install --prefix /usr/local
      ```

      - First item of a list
      - Second item

      Setup
      -----

      1. Use `make` to build it.
      """
    let read = ProseReader.read(text, markdown: true)
    #expect(read.layout == .markdown)
    #expect(
      read.paragraphs == [
        ["Run the script from the folder.", "Then read the manual for more."],
        ["First item of a list"], ["Second item"], ["Use make to build it."],
      ])
    #expect(read.skippedLines == 6)
  }

  @Test func fileReadingSaysWhatItChose() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "prose-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("A first line that is\nwrapped here.\n\nA second paragraph\nwrapped too.\n".utf8)
      .write(to: url)
    let read = try TextFile.read(at: url.path)
    #expect(
      read.sentences == ["A first line that is wrapped here.", "A second paragraph wrapped too."])
    try Data("```\ncode only\n```\n\n# Title\n".utf8).write(to: url)
    #expect(throws: CorpusError.self) { try TextFile.read(at: url.path) }
  }
}

/// A quick run keeps the beginning of a file, counting a long line as the pieces it will be
/// cut into, so that a file of one huge line is cut short too.
struct FirstSentencesTests {
  @Test func aHugeLineCountsAsItsPieces() {
    let words = (0..<40_000).map { "w\($0 % 97)" }
    let text = words.joined(separator: " ")
    let pieces = LongLines.pieces(text)
    // Linear cutting: 200,000 characters cut in pieces of at most 240, nothing lost.
    #expect(pieces.allSatisfy { $0.count <= LongLines.maximumCharacters })
    #expect(pieces.joined(separator: " ") == text)
    let read = ProseReader.read(text, markdown: false)
    let kept = read.first(100)
    #expect(kept.sentences.count == 100)
    #expect(kept.sentences.allSatisfy { $0.count <= LongLines.maximumCharacters })
    #expect(kept.sentences.joined(separator: " ") == pieces.prefix(100).joined(separator: " "))
    // Short sentences count one each, as before.
    let short = ProseReader.read(
      (0..<50).map { "Line \($0) ends here." }.joined(separator: "\n"), markdown: false)
    #expect(short.first(20).sentences.count == 20)
    #expect(short.first(80).sentences.count == 50)
  }
}
