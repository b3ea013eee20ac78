import Testing

@testable import Notebook

/// Printed lines, claims, legends and code fit the width, broken where a reader expects.
struct WrappingTests {
  @Test(arguments: [
    ("short", 10, 2, ["short"]),
    ("one two three four", 9, 2, ["one two", "  three", "  four"]),
    // The spaces inside a piece are kept: aligned figures stay aligned.
    ("a   b   c   d", 9, 0, ["a   b   c", "d"]),
    // A break outside the brackets, though one inside them would fill the line more.
    ("back to [1, 4, 8]", 15, 2, ["back to", "  [1, 4, 8]"]),
    // Aligned columns break between columns, not inside one.
    ("1: 6.29   2: 4.24   3: 4.31", 24, 2, ["1: 6.29   2: 4.24", "  3: 4.31"]),
    // A trailing space where the width ends.
    ("ab cd ef gh ", 11, 0, ["ab cd ef gh"]),
    // A word longer than the width stays whole.
    ("abcdefghijkl mn", 5, 2, ["abcdefghijkl", "  mn"]),
    ("  indented line of words", 12, 4, ["  indented", "    line of", "    words"]),
  ])
  func fit(_ line: String, _ width: Int, _ hanging: Int, _ pieces: [String]) {
    #expect(TextWrap.fit(line, width: width, hanging: hanging) == pieces)
  }

  @Test func legendsBreakBetweenEntries() {
    #expect(
      TextWrap.join(["a1", "b2", "c3"], prefix: "s: ", width: 10) == ["s: a1  b2", "   c3"])
    #expect(TextWrap.join(["a1", "b2"], prefix: "s: ", width: 80) == ["s: a1  b2"])
    // Colour escapes take no columns.
    let red = "\u{1B}[31m●\u{1B}[0m train"
    #expect(TextWrap.join([red, red], prefix: "", width: 16) == [red + "  " + red])
  }

  @Test func codeBreaksOutsideItsStrings() {
    let line = "let total = f(\"aa bb cc dd ee\", x)"
    #expect(
      TextWrap.code(line, width: 30, gutter: "| ", continuation: ": ")
        == ["| let total = ", ":   f(\"aa bb cc dd ee\", x)"])
  }

  @Test func codeWithNoSpaceToBreakAtBreaksBeforeADot() {
    let line = "[\"embedding\", groupedDigits(model.embedding.parameterCount)],"
    #expect(
      TextWrap.code(line, width: 46, gutter: "| ", continuation: ": ")
        == ["| [\"embedding\", groupedDigits(model.embedding", ":   .parameterCount)],"])
  }

  /// A claim longer than the width continues under its first word; a printed line under
  /// its own indentation plus two.
  @Test func claimsAndPrintedLinesWrapAtTheWidth() {
    let output = CellOutput(
      sink: nil, style: PlotStyle(width: 20, ascii: false), progressEnabled: false)
    output.check(
      "x", true, "a claim that runs past the width", control: .sabotage("none"))
    output.print("  a printed line that runs past it")
    #expect(
      output.recorded == [
        "✓ a claim that runs", "  past the width", "  a printed line", "    that runs past",
        "    it",
      ])
  }
}

/// A run at a narrow width keeps every line of its text within the width: headings, code,
/// printed lines, claims and plot titles.
@Test func aNarrowRunStaysWithinItsWidth() {
  let output = CollectedText()
  let lesson = Lesson(
    "Narrow", summary: "", introduction: "A lesson shown in a narrow terminal.",
    arguments: ["--width", "30"], command: "x", output: output, errors: CollectedText(),
    input: ScriptedInput([]))
  lesson.cell("A title far too long for thirty columns", "Prose that wraps as well.") { out in
    out.print("a printed line that runs well past thirty columns")
    out.check(
      "long", true, "a claim that also runs well past thirty columns",
      control: .sabotage("none"))
    out.table(["a", "b"], [["1", "2"]], title: "a table's title longer than thirty columns")
  }
  #expect(lesson.execute() == 0)
  let lines = output.text.components(separatedBy: "\n")
  #expect(lines.contains("── 1. A title far too long for"))
  #expect(lines.contains("      thirty columns"))
  for line in lines { #expect(line.count <= 30, "\(line)") }
}
