import Foundation
import Testing

@testable import Notebook

struct ExportTests {
  func exported(_ name: String, _ more: [String] = []) -> (String, URL) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "notebook-export-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    let (lesson, _, _) = makeLesson(["--export", url.path] + more)
    #expect(lesson.execute() == 0)
    return ((try? String(contentsOf: url, encoding: .utf8)) ?? "", url)
  }

  /// Every export starts with the command that makes the same run again.
  static let provenance =
    "A transcript of one run of this lesson, made by:\n\n```sh\ntest-lesson --seed 0\n```\n\n"
    + "Run the same command (from a clone of the course, with a Swift toolchain) to see it "
    + "happen; the same seed and settings give the same output."

  @Test func markdownTranscript() {
    let (text, _) = exported("run.md")
    #expect(
      text.hasPrefix(
        "# Test lesson\n\n\(Self.provenance)\n\nIntro.\n\n## Part one\n\n### 2. First\n\n"
          + "Look at the rate.\n\n```swift\n"))
    #expect(text.contains("```text\nrate 0.5 size 3 mode a flag false corpus none\n```"))
    #expect(text.contains("```text\nthird\n```"))
    #expect(text.contains("```text\nthird\n```"))
  }

  @Test func jupyterNotebookStructure() throws {
    let (text, _) = exported("run.ipynb")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(json["nbformat"] as? Int == 4)
    #expect(json["nbformat_minor"] as? Int == 5)
    let metadata = try #require(json["metadata"] as? [String: Any])
    #expect((metadata["language_info"] as? [String: String])?["name"] == "swift")
    // A transcript, not a notebook a kernel can run: no kernel is named.
    #expect(metadata["kernelspec"] == nil)
    let cells = try #require(json["cells"] as? [[String: Any]])
    #expect(
      cells.map { $0["cell_type"] as! String } == [
        "markdown", "markdown", "markdown", "code", "markdown", "code", "markdown", "code",
      ])
    let code = cells[3]
    #expect(code["execution_count"] as? Int == 2)
    let outputs = try #require(code["outputs"] as? [[String: Any]])
    #expect(outputs.first?["output_type"] as? String == "stream")
    #expect(
      outputs.first?["text"] as? [String] == ["rate 0.5 size 3 mode a flag false corpus none\n"])
    #expect(Set(cells.map { $0["id"] as! String }).count == cells.count)
    let allOutputs = cells.compactMap { $0["outputs"] as? [[String: Any]] }.flatMap { $0 }
    #expect(!allOutputs.contains { ($0["text"] as? [String])?.joined().contains("took") ?? false })
  }

  /// The command names the mode, the seed, every knob changed and every option given.
  @Test func theCommandReproducesTheRun() {
    let (text, _) = exported(
      "changed.md", ["--quick", "--seed", "7", "--set", "size=5", "--corpus", "my text.txt"])
    #expect(
      text.contains(
        "```sh\ntest-lesson --quick --seed 7 --set size=5 --corpus 'my text.txt'\n```"))
  }

  /// One page, nothing fetched: no scripts, no links out; prose, highlighted code and the
  /// output, with the check's line coloured.
  @Test func htmlPageIsSelfContained() {
    let (text, _) = exported("run.html")
    #expect(text.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    #expect(
      text.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    #expect(!text.contains("<script"))
    #expect(!text.contains("http://") && !text.contains("https://"))
    #expect(text.contains("<h2>Part one</h2>"))
    #expect(
      text.contains("<pre class=\"output\">rate 0.5 size 3 mode a flag false corpus none</pre>"))
    #expect(text.contains("<code>test-lesson --seed 0</code>"))
    #expect(text.hasSuffix("</main>\n</body>\n</html>\n"))
  }

  @Test func swiftIsHighlightedAndEscaped() {
    #expect(
      Transcript.highlighted("let s = \"<a>\" // 2 < 3")
        == "<span class=\"kw\">let</span> s = <span class=\"str\">&quot;&lt;a&gt;&quot;</span> "
        + "<span class=\"com\">// 2 &lt; 3</span>")
    #expect(Transcript.highlighted("x1 = 0.5") == "x1 = <span class=\"num\">0.5</span>")
    #expect(
      Transcript.inline("use `a*b` and **bold** or *it*")
        == "use <code>a*b</code> and <strong>bold</strong> or <em>it</em>")
    #expect(
      Transcript.prose("## Title\n\nOne\ntwo.\n\n- a\n- b `c`")
        == "<h2>Title</h2>\n<p>One two.</p>\n<ul><li>a</li><li>b <code>c</code></li></ul>")
  }

  @Test func exportsAreByteIdenticalForTheSameSeed() {
    let (first, _) = exported("a.ipynb")
    let (second, _) = exported("b.ipynb")
    #expect(first == second)
    #expect(!first.isEmpty)
  }
}

struct CellSourceTests {
  @Test func findsTheTrailingClosureAfterAMultilineString() {
    let lines = [
      "lesson.cell(",
      "  \"Title\",",
      "  \"\"\"",
      "  Prose with { braces } and \"quotes\".",
      "  \"\"\"",
      ") { out in",
      "  let x = \"}\"  // a } in a comment",
      "  if true {",
      "    out.print(x)",
      "  }",
      "}",
      "after",
    ]
    #expect(
      CellSource.body(of: lines, from: 0) == [
        "let x = \"}\"  // a } in a comment", "if true {", "  out.print(x)", "}",
      ])
  }

  @Test func missingFilesGiveNoSource() {
    #expect(CellSource.lines(file: "/nonexistent/main.swift", line: 3).isEmpty)
  }
}
