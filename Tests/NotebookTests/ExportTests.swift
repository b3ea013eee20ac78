import Foundation
import Testing

@testable import Notebook

struct ExportTests {
  func exported(_ name: String) -> (String, URL) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "notebook-export-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    let (lesson, _, _) = makeLesson(["--export", url.path])
    #expect(lesson.execute() == 0)
    return ((try? String(contentsOf: url, encoding: .utf8)) ?? "", url)
  }

  @Test func markdownTranscript() {
    let (text, _) = exported("run.md")
    #expect(
      text.hasPrefix(
        "# Test lesson\n\nIntro.\n\n## Part one\n\n### 2. First\n\nLook at the rate.\n\n```swift\n")
    )
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
