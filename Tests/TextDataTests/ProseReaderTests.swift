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
    // No blank line at all: every line is an item, even without a full stop.
    let names = ProseReader.read("emma\nolivia\nava\n", markdown: false)
    #expect(names.layout == .linePerSentence)
    #expect(names.sentences == ["emma", "olivia", "ava"])
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
