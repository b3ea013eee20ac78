import Foundation
import Testing

@testable import Notebook

/// Every knob live while stepping: prose made when it is shown, knobs typed by an
/// enumeration, and constraints checked again at every `set`.
struct LiveKnobTests {
  enum Curve: String, CaseIterable { case sine, square, saw }

  /// A lesson whose knob `n` is named only in prose (a prose cell, and a code cell's title
  /// and prose), with `width` and `heads` kept together by a constraint.
  func proseLesson(
    _ arguments: [String], input: [String] = [], errors: CollectedText = CollectedText()
  ) -> (Lesson, CollectedText, Counter) {
    let output = CollectedText()
    let counter = Counter()
    let lesson = Lesson(
      "Prose", summary: "knobs in prose", introduction: "Intro.", arguments: arguments,
      command: "x", output: output, errors: errors, input: ScriptedInput(input))
    let n = lesson.knob("n", default: 2, range: 1...9, help: "a count named in prose")
    let width = lesson.knob("width", default: 8, range: 1...64, help: "a width")
    let heads = lesson.knob("heads", default: 2, range: 1...8, help: "heads")
    let curve = lesson.knob("curve", default: Curve.sine, help: "a curve")
    lesson.constraint {
      width.value % heads.value == 0
        ? nil : "width \(width.value) does not split into \(heads.value) heads"
    }
    lesson.markdown("We count to \(n.value).")
    lesson.cell("Count to \(n.value)", "Counting to \(n.value) takes \(n.value) steps.") { out in
      counter.runs.append(1)
      out.print("counted")
    }
    lesson.cell("Split") { out in
      counter.runs.append(2)
      out.print("heads of size", width.value / heads.value, "curve", curve.value.rawValue)
    }
    lesson.cell("End") { out in
      counter.runs.append(3)
      out.print("end")
    }
    return (lesson, output, counter)
  }

  /// The exported transcript of a run of `proseLesson`, and what ran.
  func transcript(_ arguments: [String], _ input: [String]) throws -> (String, Counter) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "live-\(UUID().uuidString).md"
    ).path
    defer { unlink(path) }
    let (lesson, _, counter) = proseLesson(arguments + ["--export", path], input: input)
    #expect(lesson.execute() == 0)
    return (try String(contentsOfFile: path, encoding: .utf8), counter)
  }

  @Test func proseIsMadeWhenShownAndItsReadsAreItsCells() {
    let (lesson, output, _) = proseLesson(["--set", "n=5"])
    // Declaring the cells read nothing; showing them reads `n` for the cells that name it.
    #expect(lesson.textReads.isEmpty && lesson.knobsReadOutsideCells.isEmpty)
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("We count to 5.\n"))
    #expect(output.text.contains("── 2. Count to 5 ─"))
    #expect(output.text.contains("Counting to 5 takes 5 steps.\n"))
    #expect(lesson.textReads[0] == ["n"] && lesson.textReads[1] == ["n"])
    #expect(lesson.knobReads[1] == [] && lesson.knobReads[2] == ["width", "heads", "curve"])
    // The constraint's reads are no cell's, and not top-level reads either.
    #expect(lesson.knobsReadOutsideCells.isEmpty && lesson.knobReads[3] == [])
  }

  @Test func aSetOfAKnobNamedOnlyInProseShowsItsCellsAgain() throws {
    // At the end, `set n=3`: the prose cell (1) names n, so it is shown again, and cells 2–4
    // re-run, cell 2 with its prose, which names n too.
    let (lesson, output, counter) = proseLesson(["--step"], input: ["", "", "", "set n=3", "q"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1, 2, 3, 1, 2, 3])
    let afterSet = String(output.text[output.text.range(of: "set n=3")!.upperBound...])
    #expect(afterSet.contains("n = 3 (was 2): cell 1 reads it; re-running cells 1–4"))
    #expect(afterSet.contains("We count to 3.\n"))
    #expect(afterSet.contains("── 2. Count to 3 (re-run)\n\nCounting to 3 takes 3 steps.\n"))
    // The export is the run as it now stands: what a fresh run with --set n=3 shows.
    let (live, _) = try transcript(["--step"], ["", "", "", "set n=3", "q"])
    let (fresh, _) = try transcript(["--step", "--set", "n=3"], ["", "", "", "q"])
    #expect(live == fresh)
    #expect(live.contains("Counting to 3 takes 3 steps.") && !live.contains("to 2"))
  }

  @Test func aSetOfAKnobNamedInTheWaitingCellShowsItAgain() {
    // At cell 2's prompt, before it runs: the prose cell before it is shown again, then
    // cell 2's prose and code with the new value.
    let (lesson, output, counter) = proseLesson(["--step"], input: ["set n=4", "q"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs.isEmpty)
    let afterSet = String(output.text[output.text.range(of: "set n=4")!.upperBound...])
    #expect(afterSet.contains("We count to 4.\n"))
    #expect(afterSet.contains("── 2. Count to 4 ─"))
    #expect(afterSet.contains("Counting to 4 takes 4 steps.\n"))
  }

  @Test func aConstraintIsCheckedBeforeTheFirstCell() {
    let errors = CollectedText()
    let (lesson, output, counter) = proseLesson(["--set", "heads=3"], errors: errors)
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty && output.text.isEmpty)
    #expect(
      errors.text == "error: width 8 does not split into 3 heads\nrun 'x --help' for the options\n")
    // --help and --list build nothing and judge nothing.
    for flag in ["--help", "--list"] {
      let (listing, _, _) = proseLesson([flag, "--set", "heads=3"])
      #expect(listing.execute() == 0)
    }
  }

  @Test func aSetTheConstraintRefusesIsPutBack() {
    let (lesson, output, counter) = proseLesson(
      ["--step"],
      input: ["", "", "", "set heads=3", "knobs", "set width=12", "set heads=3", "q"])
    #expect(lesson.execute() == 0)
    let text = output.text
    #expect(text.contains("width 8 does not split into 3 heads; heads stays 2\n"))
    #expect(text.contains("  heads  2 "))
    #expect(text.contains("width = 12 (was 8): cell 3 reads it"))
    #expect(text.contains("heads of size 6 curve sine"))
    #expect(text.contains("heads = 3 (was 2): cell 3 reads it"))
    #expect(text.contains("heads of size 4 curve sine"))
    // Cells 2–4, then for width and for heads 3–4 again (2 quietly first); nothing ran for
    // the refused value.
    #expect(counter.runs == [1, 2, 3, 1, 2, 3, 1, 2, 3])
  }

  @Test func aRefusedSetKeepsWhetherTheKnobWasChosen() {
    let lesson = Lesson(
      "Kept", summary: "", introduction: "", arguments: ["--step"], command: "x",
      output: CollectedText(), errors: CollectedText(), input: ScriptedInput(["", "set n=3", "q"]))
    let n = lesson.knob("n", default: 2, range: 1...9, help: "n")
    lesson.constraint { n.value == 3 ? "n cannot be 3" : nil }
    lesson.cell("Reads n") { out in out.print(n.value) }
    #expect(lesson.execute() == 0)
    #expect(n.current == 2 && !n.isSet)
    #expect(!lesson.reproducingCommand.contains("--set"))
  }

  @Test func anEnumerationIsAKnobOfItsCases() {
    let (set, output, _) = proseLesson(["--set", "curve=square"])
    #expect(set.execute() == 0)
    #expect(output.text.contains("heads of size 4 curve square"))
    let (bad, _, _) = proseLesson(["--set", "curve=circle"])
    #expect(bad.errors == ["--set curve=circle: curve must be one of sine, square, saw"])
    let (help, helpText, _) = proseLesson(["--help"])
    #expect(help.execute() == 0)
    #expect(helpText.text.contains("  curve  a curve (default sine); one of sine, square, saw\n"))
  }

  @Test func helpSaysWhichKnobsChangeWhileStepping() {
    let (all, output, _) = proseLesson(["--help"])
    #expect(all.execute() == 0)
    // The sentence closes the knobs, wrapped to the width.
    #expect(
      unwrapped(output.text).hasSuffix(
        " while stepping, set NAME=VALUE changes any of these knobs and re-runs the cells that "
          + "read it\n"))
    // A knob top-level code reads is named, in --help and in the knobs list.
    let topLevel = CollectedText()
    let lesson = Lesson(
      "Top level", summary: "", introduction: "", arguments: ["--help"], command: "x",
      output: topLevel, errors: CollectedText(), input: ScriptedInput([]))
    let n = lesson.knob("n", default: 1, range: 1...5, help: "n")
    let m = lesson.knob("m", default: 1, range: 1...5, help: "m")
    let copies = n.value
    lesson.cell("Uses them") { out in out.print(copies, m.value) }
    #expect(lesson.execute() == 0)
    #expect(
      unwrapped(topLevel.text).contains(
        "changes a knob and re-runs the cells that read it, but for n: read before the first "
          + "cell, it changes only with --set (quit and run again)\n"))
  }

  /// `text` with its wrapped lines joined again.
  func unwrapped(_ text: String) -> String {
    text.replacingOccurrences(of: "\n  ", with: " ")
  }
}
