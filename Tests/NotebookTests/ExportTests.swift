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

  /// In the web page a plot is an SVG figure between the text around it, and its text form
  /// (braille) is left out; the Markdown keeps the text plot.
  @Test func plotsAreSVGInTheWebPage() {
    let output = CellOutput(sink: nil, style: PlotStyle(width: 40), progressEnabled: false)
    output.print("before")
    output.plot(
      LinePlot(
        [.init("train", [3.0, 2.0, 1.5]), .init("validation", [3.2, 2.5, 2.4])], title: "loss",
        height: 4, references: [.init("best", 1.0)]))
    output.table(["a", "b"], [["1", "2"]])
    output.print("after")
    #expect(output.figures.count == 2)  // the line plot, and the table (no SVG form)
    let figure = output.figures[0]
    #expect(output.recorded[figure.line] == "loss")
    #expect(output.recorded[figure.line + figure.count] == "a  b")
    let html = Transcript.outputHTML(output.recorded, figures: output.figures).joined()
    #expect(html.hasPrefix("<pre class=\"output\">before</pre><figure class=\"plot\"><svg"))
    #expect(html.contains("</svg></figure><pre class=\"output\">a  b"))
    #expect(html.hasSuffix("after\n</pre>") || html.hasSuffix("after</pre>"))
    #expect(!html.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
    // Two series, two paths, each named; the reference is dashed and labelled.
    let svg = figure.plot.svg()!
    #expect(svg.components(separatedBy: "<path ").count == 3)
    #expect(svg.contains("#1f6fb4") && svg.contains("#c8302c"))
    #expect(svg.contains(">validation</text>") && svg.contains(">best 1</text>"))
    #expect(svg.contains("stroke-dasharray"))
  }

  @Test func svgDrawingsOfEveryKind() {
    let heatmap = Heatmap(
      [[0.0, 1.0], [0.5, 0.25]], rowLabels: ["r1", "r2"], columnLabels: ["c1", "c2"],
      showValues: true)
    let svg = heatmap.svg()!
    #expect(svg.components(separatedBy: "<rect ").count - 1 == 4 + 10)  // cells + scale
    #expect(svg.contains("fill=\"#ffffff\"") && svg.contains("fill=\"#123f73\""))
    let bars = BarChart(labels: ["a", "b"], values: [2.0, -1.0]).svg()!
    #expect(bars.contains(">-1</text>") && bars.contains("<line "))
    let scatter = ScatterPlot(
      xs: [0, 1, 2], ys: [1, 0, 2], classes: [0, 1, 1], classNames: ["x", "y"]
    ).svg()!
    #expect(scatter.components(separatedBy: "<circle ").count - 1 == 3)
    #expect(scatter.contains(">y (2)</text>"))
    // A log axis spanning less than a decade gets round ticks of its own units, not a crash.
    #expect(SVG.logTicks(Foundation.log10(2.5), Foundation.log10(8.5)).count >= 2)
    let ticks = SVG.ticks(0, 1)
    #expect(
      ticks.count == 6
        && zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(Table(header: ["a"], rows: [["1"]]).svg() == nil)
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
