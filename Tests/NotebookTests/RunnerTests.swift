import Foundation
import TensorCore
import Testing

@testable import Notebook

struct RunnerTests {
  @Test func aCodeCellShowsProseSourceAndOutput() {
    let (lesson, output, counter) = makeLesson(["--only", "2", "--width", "40", "--ascii"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1])
    #expect(
      output.text == """
        # Test lesson

        Intro.

        -- 2. First ---------------------------
        Look at the rate.

        | counter.runs.append(1)
        | out.print("rate", rate, "size", size, "mode", mode, "flag", flag, "corpus", corpus ?? "none")

        rate 0.5 size 3 mode a flag false corpus none


        """)
  }

  @Test func fromRunsEarlierCellsQuietly() {
    let (lesson, output, counter) = makeLesson(["--from", "4"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1, 2, 3])
    #expect(!output.text.contains("second"))
    #expect(output.text.contains("third"))
  }

  @Test func onlyARunsJustThatCellVisibly() {
    let (lesson, output, counter) = makeLesson(["--only", "3"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1, 2])
    #expect(output.text.contains("second"))
    #expect(!output.text.contains("third"))
  }

  @Test func aCellNumberPastTheEndIsAUsageError() {
    let (lesson, _, counter) = makeLesson(["--only", "9"])
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty)
  }

  @Test func stepThroughFollowsTheScript() {
    // Enter shows the prose cell; s runs "First" without its prose; 4 jumps to "Third"
    // (running "Second" quietly); Enter runs "Third".
    let (lesson, output, counter) = makeLesson(["--step"], input: ["", "s", "4", ""])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1, 2, 3])
    #expect(output.text.contains("## Part one"))
    #expect(!output.text.contains("Look at the rate."))
    #expect(output.text.contains("rate 0.5"))
    #expect(!output.text.contains("second\n"))
    #expect(output.text.contains("third"))
    #expect(output.text.components(separatedBy: "Enter runs it").count - 1 == 4)
  }

  @Test func stepThroughQuitsAndRejectsNonsense() {
    let (lesson, output, counter) = makeLesson(["--step"], input: ["x", "0", "q"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs.isEmpty)
    #expect(
      output.text.components(separatedBy: "type Enter, s, q, or a cell number from 1 to 4").count
        - 1 == 2)
  }

  @Test func jumpingBackRerunsFromTheStart() {
    let (lesson, _, counter) = makeLesson(["--step"], input: ["", "", "", "2", "", "q"])
    #expect(lesson.execute() == 0)
    // Cells 1–3 (runs 1, 2), then a jump back to cell 2: cell 1 re-runs quietly (nothing,
    // it is prose), then Enter runs cell 2 (First) again.
    #expect(counter.runs == [1, 2, 1])
  }

  @Test func endOfInputStopsStepping() {
    let (lesson, _, counter) = makeLesson(["--step"], input: [""])
    #expect(lesson.execute() == 0)
    #expect(counter.runs.isEmpty)
  }

  @Test func aFailingCellNamesItselfAndExitsWithOne() {
    struct Oops: Error, CustomStringConvertible { var description: String { "the loss is nan" } }
    let errors = CollectedText()
    let lesson = Lesson(
      "Failing", summary: "", introduction: "", arguments: [], command: "x",
      output: CollectedText(), errors: errors, input: ScriptedInput([]))
    lesson.cell("Boom") { _ in throw Oops() }
    #expect(lesson.execute() == 1)
    #expect(errors.text == "error in cell 1 (Boom): the loss is nan\n")
  }

  @Test func sameSeedSameRandomStreamsDifferentPurposesDiffer() {
    let (a, _, _) = makeLesson(["--seed", "7"])
    let (b, _, _) = makeLesson(["--seed", "7"])
    let (c, _, _) = makeLesson(["--seed", "8"])
    var x = a.random("data")
    var y = b.random("data")
    var z = c.random("data")
    var w = a.random("init")
    let first = x.next()
    #expect(first == y.next())
    #expect(first != z.next())
    #expect(first != w.next())
  }
}

struct TensorDisplayTests {
  @Test func showPrefixesTheNameAndIndentsFollowingLines() {
    let output = CollectedText()
    let out = CellOutput(sink: output, style: PlotStyle(width: 80), progressEnabled: false)
    out.show(TensorCoreBridge.matrix(), "w")
    #expect(
      output.text == """
        w = tensor([[1.0000, 2.0000],
                    [3.0000, 4.0000]]), shape [2, 2]

        """)
    #expect(
      out.recorded == [
        "w = tensor([[1.0000, 2.0000],", "            [3.0000, 4.0000]]), shape [2, 2]",
      ])
  }

  @Test func printLiveIsNotRecorded() {
    let output = CollectedText()
    let out = CellOutput(sink: output, style: PlotStyle(), progressEnabled: false)
    out.printLive("took 3 s")
    out.print("kept")
    #expect(output.text == "took 3 s\nkept\n")
    #expect(out.recorded == ["kept"])
  }
}

enum TensorCoreBridge {
  static func matrix() -> Tensor { Tensor([[1, 2], [3, 4]]) }
}

struct CheckTests {
  @Test func failedChecksEndTheRunWithStatusOne() {
    let errors = CollectedText()
    let output = CollectedText()
    let lesson = Lesson(
      "Checks", summary: "", introduction: "", arguments: ["--ascii"], command: "x",
      output: output, errors: errors, input: ScriptedInput([]))
    lesson.cell("Claims") { out in
      out.check(1 < 2, "one is less than two")
      out.check(2 < 1, "two is less than one")
    }
    #expect(lesson.execute() == 1)
    #expect(output.text.contains("[ok] one is less than two\n[FAILED] two is less than one\n"))
    #expect(errors.text.hasPrefix("check failed: two is less than one\n"))
  }

  @Test func usageErrorsFromCellsExitWithTwo() {
    let errors = CollectedText()
    let lesson = Lesson(
      "Usage", summary: "", introduction: "", arguments: [], command: "x",
      output: CollectedText(), errors: errors, input: ScriptedInput([]))
    lesson.cell("Load") { _ in throw UsageError("cannot load model.safetensors: not a checkpoint") }
    #expect(lesson.execute() == 2)
    #expect(errors.text == "error: cannot load model.safetensors: not a checkpoint\n")
  }

  @Test func refuseStopsBeforeAnyCell() {
    let errors = CollectedText()
    let (lesson, _, counter) = makeLesson([], errors: errors)
    lesson.refuse("corpus.txt is empty")
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty)
    #expect(errors.text.hasPrefix("error: corpus.txt is empty\n"))
  }
}

struct QuizTests {
  func quizLesson(_ arguments: [String], input: [String]) -> (Lesson, CollectedText) {
    let output = CollectedText()
    let lesson = Lesson(
      "Quiz lesson", summary: "", introduction: "", arguments: arguments, command: "x",
      output: output, errors: CollectedText(), input: ScriptedInput(input))
    lesson.quiz([
      Question("Two plus two", choices: ["three", "four"], answer: 1, explanation: "Count them."),
      Question("Half of one?", number: 0.5, tolerance: 1e-9, explanation: "1 / 2."),
    ])
    return (lesson, output)
  }

  @Test func scoresScriptedAnswersWithFeedback() {
    let (lesson, output) = quizLesson(["--quiz"], input: ["B", "0.25"])
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("right. Count them."))
    #expect(output.text.contains("not quite: the answer is 0.5. 1 / 2."))
    #expect(output.text.hasSuffix("score: 1 of 2\n"))
  }

  @Test func answersForTeachers() {
    let (lesson, output) = quizLesson(["--quiz", "--answers"], input: [])
    #expect(lesson.execute() == 0)
    #expect(
      output.text.contains(
        "1. Two plus two\n  a) three\n  b) four\n   answer: b) four\n   Count them."))
  }

  @Test func choicesAreRotatedByThePromptLength() {
    let q = Question("abc", choices: ["x", "y", "z"], answer: 0, explanation: "")
    // "abc" has 3 bytes, 3 mod 3 = 0: no rotation.
    #expect(q.choices == ["x", "y", "z"] && q.accepts("a"))
    let r = Question("abcd", choices: ["x", "y", "z"], answer: 0, explanation: "")
    // 4 mod 3 = 1: shown y, z, x, so the answer x is now c.
    #expect(r.choices == ["y", "z", "x"] && r.accepts("c") && !r.accepts("a"))
  }

  @Test func answersWithoutQuizIsAUsageError() {
    #expect(throws: UsageError("--answers goes with --quiz (it prints the quiz with its answers)"))
    {
      try Arguments.parse(["--answers"])
    }
  }
}
