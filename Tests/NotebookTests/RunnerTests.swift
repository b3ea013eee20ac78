import Foundation
import TensorCore
import Testing

@testable import Notebook

struct RunnerTests {
  @Test func aCodeCellShowsProseSourceAndOutput() {
    let (lesson, output, counter) = makeLesson(["--only", "2", "--width", "100", "--ascii"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1])
    #expect(
      output.text == """
        # Test lesson

        Intro.

        -- 2. First -------------------------------------------------------------------
        Look at the rate.

        | counter.runs.append(1)
        | out.print(
        |   "rate", rate.value, "size", size.value, "mode", mode.value, "flag", flag.value, "corpus",
        |   corpus ?? "none")

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
    // Also where no cell would run: listing the cells, or a quiz.
    for other in [["--list", "--from", "9"], ["--quiz", "--only", "12"]] {
      let (listing, output, _) = makeLesson(other)
      #expect(listing.execute() == 2)
      #expect(!output.text.contains("First"))
    }
  }

  func prompts(_ text: String) -> Int { text.components(separatedBy: "Enter runs it").count - 1 }

  @Test func steppingShowsProseAndCodeBeforeRunningTheCell() {
    // The prose cell prints without a pause; "First" shows its prose and code, waits, and
    // runs on Enter; 4 jumps to "Third" (running "Second" quietly); Enter runs "Third".
    let (lesson, output, counter) = makeLesson(["--step"], input: ["", "4", ""])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1, 2, 3])
    let text = output.text
    #expect(prompts(text) == 3)
    let prose = text.range(of: "Look at the rate.")!.lowerBound
    let code = text.range(of: "counter.runs.append(1)")!.lowerBound
    let prompt = text.range(of: "Enter runs it")!.lowerBound
    let result = text.range(of: "rate 0.5 size 3")!.lowerBound
    #expect(text.range(of: "## Part one")!.lowerBound < prompt)
    #expect(prose < code && code < prompt && prompt < result)
    #expect(!text.contains("second\n"))
    #expect(text.contains("ran cells 3–3 quietly"))
    #expect(text.contains("third"))
  }

  @Test func quittingSaysHowToResume() {
    let (lesson, output, counter) = makeLesson(
      ["--step", "--quick", "--seed", "7", "--set", "size=4"], input: ["", "q"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs == [1])
    #expect(
      output.text.contains(
        "to go on from here: test-lesson --step --from 3 --quick --seed 7 --set size=4\n"))
    // A path with a space stays one argument in the command to copy.
    let (spaced, spacedOutput, _) = makeLesson(
      ["--step", "--corpus", "my dir/text file.txt"], input: ["q"])
    #expect(spaced.execute() == 0)
    #expect(
      spacedOutput.text.contains(
        "to go on from here: test-lesson --step --from 2 --seed 0 --corpus 'my dir/text file.txt'\n"
      ))
  }

  /// An export of a run stopped while stepping says it is a part, and which cells.
  @Test func anExportOfAPartSaysSo() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "part-\(getpid()).md"
    ).path
    defer { unlink(path) }
    let (lesson, _, _) = makeLesson(["--step", "--export", path], input: ["", "q"])
    #expect(lesson.execute() == 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("A transcript of part of one run of this lesson (cell 2 of 4)"))
    let (whole, _, _) = makeLesson(["--export", path])
    #expect(whole.execute() == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("A transcript of one run"))
  }

  @Test func steppingRejectsNonsenseAndGoesOn() {
    let (lesson, output, counter) = makeLesson(["--step"], input: ["x", "0", "q"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs.isEmpty)
    #expect(
      output.text.components(separatedBy: "type Enter to run the cell, q to quit").count - 1 == 2)
  }

  @Test func jumpingBackRerunsFromTheStart() {
    let (lesson, _, counter) = makeLesson(["--step"], input: ["", "", "2", "", "q"])
    #expect(lesson.execute() == 0)
    // "First" and "Second" run, then a jump back to cell 2: cell 1 re-runs quietly (it is
    // prose), then Enter runs cell 2 ("First") again.
    #expect(counter.runs == [1, 2, 1])
  }

  @Test func endOfInputStopsStepping() {
    let (lesson, _, counter) = makeLesson(["--step"], input: [])
    #expect(lesson.execute() == 0)
    #expect(counter.runs.isEmpty)
  }

  /// After the last cell the lesson waits: a knob set there re-runs the cells that read
  /// it, a number goes back to a cell, and only q (or the end of input) ends the run.
  @Test func theLastCellIsNotTheEndOfTheSession() {
    let (lesson, output, counter) = makeLesson(
      ["--step"], input: ["", "", "", "set size=5", "3", "", "", "q"])
    #expect(lesson.execute() == 0)
    let text = output.text
    #expect(text.components(separatedBy: "end of the lesson").count - 1 == 2)
    #expect(text.contains("size = 5 (was 3)"))
    // Three cells, the re-run after the set (cells 2–3 read it: 1, 2, 3 again, the first
    // quietly), then the jump to cell 3 (1 and 2 quietly) and its two cells by Enter.
    #expect(counter.runs.prefix(3) == [1, 2, 3])
    #expect(counter.runs.count > 5)
  }

  /// `p` shows the cell's prose and code again; `b` goes back to the code cell before.
  @Test func proseAgainAndBack() {
    let (lesson, output, counter) = makeLesson(["--step"], input: ["", "p", "b", "", "q"])
    #expect(lesson.execute() == 0)
    #expect(output.text.components(separatedBy: "counter.runs.append(2)").count - 1 >= 3)
    // Cell 2 ran; at cell 3's prompt p showed it again, b went back to cell 2, Enter ran it.
    #expect(counter.runs == [1, 1])
  }

  @Test func endOfInputQuitsAsQDoes() {
    let (lesson, output, _) = makeLesson(["--step"], input: [""])
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("to go on from here: test-lesson --step --from 3"))
  }

  @Test func knobsListsValuesAndWhatTheyAllow() {
    let (lesson, output, _) = makeLesson(["--step", "--set", "rate=0.25"], input: ["knobs", "q"])
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("  rate  0.25      a number from 0 to 1\n"))
    #expect(output.text.contains("  mode  a         one of a, b\n"))
  }

  /// The exported transcript of a stepping session with the given answers.
  func steppedTranscript(_ arguments: [String], _ input: [String]) throws -> (String, Counter) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "step-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("run.md").path
    let (lesson, _, counter) = makeLesson(arguments + ["--export", path], input: input)
    #expect(lesson.execute() == 0)
    return (try String(contentsOfFile: path, encoding: .utf8), counter)
  }

  @Test func aLiveSetRerunsTheCellsThatReadTheKnobAndMatchesAFreshRun() throws {
    // At cell 4, `set size=5`: "First" (cell 2) read size, so cells 2 and 3 re-run.
    let (live, liveCounter) = try steppedTranscript(["--step"], ["", "", "set size=5", "q"])
    #expect(liveCounter.runs == [1, 2, 1, 2])
    let (fresh, _) = try steppedTranscript(["--step", "--set", "size=5"], ["", "", "q"])
    #expect(live == fresh)
    #expect(live.contains("twice the size: 10"))
    #expect(!live.contains("twice the size: 6"))
  }

  @Test func aLiveSetSaysWhatReranAndRefusesBadValues() {
    let (lesson, output, counter) = makeLesson(
      ["--step"],
      input: ["", "", "set size=99", "set sise=5", "set size=3", "set flag=yes", "set size=4", "q"])
    #expect(lesson.execute() == 0)
    let text = output.text
    #expect(text.contains("size must be a whole number from 1 to 10; size stays 3\n"))
    #expect(text.contains("unknown knob 'sise' (did you mean size?)"))
    #expect(text.contains("size is already 3\n"))
    #expect(text.contains("size = 4 (was 3): cell 2 reads it; re-running cells 2–3"))
    #expect(text.contains("re-ran cells 2, 3 with size = 4"))
    #expect(text.contains("flag = yes (was no): cell 2 reads it"))
    #expect(counter.runs == [1, 2, 1, 2, 1, 2])
  }

  /// Jobs a cell runs side by side read knobs from several threads at once; the record of
  /// which cell read which knob must survive it (an unguarded dictionary crashed a run now
  /// and then).
  @Test func knobsReadFromManyThreadsAtOnce() {
    let output = CollectedText()
    let lesson = Lesson(
      "Threads", summary: "", introduction: "", arguments: [], command: "x",
      output: output, errors: CollectedText(), input: ScriptedInput([]))
    // Many knobs, so the record grows while the threads write it.
    let knobs = (0..<200).map { lesson.knob("k\($0)", default: $0, range: 0...1_000, help: "k") }
    lesson.cell("Reads in parallel") { out in
      let total = Atomic()
      DispatchQueue.concurrentPerform(iterations: 20_000) { i in
        total.add(knobs[i % knobs.count].value)
      }
      out.print("sum", total.value)
    }
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("sum 1990000"))
    #expect(lesson.knobReads[0] == Set(knobs.map(\.name)))
  }

  /// A counter safe to add to from several threads.
  final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var sum = 0
    func add(_ x: Int) { lock.withLock { sum += x } }
    var value: Int { lock.withLock { sum } }
  }

  @Test func aKnobReadBeforeAnyCellCannotBeSetLive() {
    let output = CollectedText()
    let lesson = Lesson(
      "Top level", summary: "", introduction: "", arguments: ["--step"], command: "x",
      output: output, errors: CollectedText(),
      input: ScriptedInput(["set n=abc", "set n=2", "knobs", "q"]))
    let n = lesson.knob("n", default: 1, range: 1...5, help: "n")
    let name = lesson.knob(
      "long-name", default: "token-masking", choices: ["token-masking", "a"], help: "a name")
    let copies = n.value
    lesson.cell("Uses it") { out in out.print(copies, name.value) }
    #expect(lesson.execute() == 0)
    // A value the knob refuses is refused here too, not suggested as a command to run.
    #expect(output.text.contains("n must be a whole number from 1 to 5; n stays 1\n"))
    #expect(!output.text.contains("--set n=abc"))
    #expect(output.text.contains("n is read when the lesson starts, before any cell"))
    #expect(output.text.contains("x --step --from 1 --seed 0 --set n=2"))
    // The knobs list keeps a gap after its longest value.
    #expect(output.text.contains("token-masking  one of token-masking, a"))
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
  func checkLesson(_ arguments: [String], ownData: Bool = false) -> (
    Lesson, CollectedText, CollectedText
  ) {
    let errors = CollectedText()
    let output = CollectedText()
    let lesson = Lesson(
      "Checks", summary: "", introduction: "", arguments: ["--ascii"] + arguments, command: "x",
      output: output, errors: errors, input: ScriptedInput([]))
    lesson.runsOnOwnData = ownData
    let bound = lesson.knob("bound", default: 3, range: 0...9, help: "a bound")
    lesson.cell("Claims") { out in
      out.check(
        "less", 1 < bound.value, "one is less than the bound",
        control: .setting("--set bound=0", "nothing is below 0"))
      let two = out.isControl("identity") ? 3 : 2
      out.check("identity", two == 2, "two is two", control: .sabotage("two is set to three"))
      out.check(
        "data", bound.value > 5, "the bound is above five",
        control: .setting("--set bound=1", "it is not"), onOtherData: "it depends on the text")
    }
    return (lesson, output, errors)
  }

  @Test func failedChecksEndTheRunWithStatusOne() {
    let (lesson, output, errors) = checkLesson([])
    #expect(lesson.execute() == 1)
    #expect(output.text.contains("[ok] one is less than the bound\n[ok] two is two\n"))
    #expect(output.text.contains("[FAILED] the bound is above five\n"))
    #expect(errors.text.hasPrefix("check failed: data: the bound is above five\n"))
  }

  @Test func onALearnersDataADataClaimIsAnObservation() {
    let (lesson, output, errors) = checkLesson([], ownData: true)
    #expect(lesson.execute() == 0)
    #expect(
      output.text.contains("[no] the bound is above five\n  (not so on this text: it depends"))
    #expect(errors.text.isEmpty)
    // An identity still fails on any data.
    let (sabotaged, _, _) = checkLesson(["--control", "identity"], ownData: true)
    #expect(sabotaged.execute() == 0)
  }

  @Test func checksListsEveryCheckWithItsControl() {
    let (lesson, output, _) = checkLesson(["--checks"])
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("3 checks in Checks"))
    #expect(output.text.contains("less\t--set bound=0\n"))
    #expect(output.text.contains("identity\t\n"))
    #expect(output.text.contains("(planted mistake)"))
  }

  @Test func aControlRunSucceedsOnlyWhenItsCheckFails() {
    let (byKnob, out1, _) = checkLesson(["--set", "bound=0", "--control", "less"])
    #expect(byKnob.execute() == 0)
    #expect(out1.text.contains("control confirmed: check less fails here"))
    let (planted, _, _) = checkLesson(["--control", "identity"])
    #expect(planted.execute() == 0)
    // Without its setting, a control is run again with it; a lesson built in a test (not
    // on the real console) cannot, and names the setting to add.
    let (withoutSetting, _, errors) = checkLesson(["--control", "less"])
    #expect(withoutSetting.execute() == 2)
    #expect(errors.text.contains("check less's control is '--set bound=0'; run again with it"))
    let (unknown, _, unknownErrors) = checkLesson(["--control", "lesser"])
    #expect(unknown.execute() == 2)
    #expect(unknownErrors.text.contains("no check 'lesser' (did you mean less?) ran"))
    // A control run prints a verdict, not the lesson: there is nothing to export.
    let (exporting, _, exportErrors) = checkLesson(["--control", "less", "--export", "x.md"])
    #expect(exporting.execute() == 2)
    #expect(exportErrors.text.contains("it does not go with --quiz, --list, --checks or --control"))
  }

  @Test func aControlInALessonWithoutChecksSaysThereIsNone() {
    let errors = CollectedText()
    let lesson = Lesson(
      "No checks", summary: "", introduction: "", arguments: ["--control", "bogus"], command: "x",
      output: CollectedText(), errors: errors, input: ScriptedInput([]))
    lesson.cell("Plain") { out in out.print(1) }
    #expect(lesson.execute() == 2)
    #expect(errors.text.contains("No checks makes no checks with these settings"))
  }

  @Test func trainingEstimatedOverHalfAnHourIsRefusedBeforeAnyCell() {
    let errors = CollectedText()
    let lesson = Lesson(
      "Long", summary: "", introduction: "", arguments: [], command: "x",
      output: CollectedText(), errors: errors, input: ScriptedInput([]))
    lesson.refuseLongTraining(
      operations: 1_799 * Lesson.estimatedOperationsPerSecond, settings: "s", shorten: "lower it")
    #expect(lesson.errors.isEmpty)
    lesson.refuseLongTraining(
      operations: 3_600 * Lesson.estimatedOperationsPerSecond, settings: "s", shorten: "lower it")
    #expect(
      lesson.errors == [
        "training would take about 60 minutes (s; estimated at 20 GFLOP/s); lower it"
      ])
    #expect(lesson.execute() == 2)
    // Work a lesson estimates in seconds itself (the n-gram lesson's counting).
    let counting = Lesson(
      "Counting", summary: "", introduction: "", arguments: [], command: "x",
      output: CollectedText(), errors: CollectedText(), input: ScriptedInput([]))
    counting.refuseLongRun(seconds: 1_700, settings: "c", shorten: "use less", what: "counting")
    #expect(counting.errors.isEmpty)
    counting.refuseLongRun(seconds: 2_400, settings: "c", shorten: "use less", what: "counting")
    #expect(counting.errors == ["counting would take about 40 minutes (c); use less"])
  }

  /// A lesson whose one check declares a learned-nothing control beside its ablation.
  func twoControlLesson(_ arguments: [String]) -> (Lesson, CollectedText, CollectedText) {
    let errors = CollectedText()
    let output = CollectedText()
    let lesson = Lesson(
      "Two controls", summary: "", introduction: "", arguments: ["--ascii"] + arguments,
      command: "x", output: output, errors: errors, input: ScriptedInput([]))
    let steps = lesson.knob("steps", default: 5, range: 1...9, help: "training steps")
    lesson.cell("Claim") { out in
      let learned = out.isControl("learned") ? 0 : steps.value
      out.check(
        "learned", learned > 1, "training learned something",
        control: .sabotage("nothing is learned"),
        learnedNothing: .setting("--set steps=1", "one step learns nothing"))
    }
    return (lesson, output, errors)
  }

  @Test func aSecondControlIsListedAndRunAsItsOwnEntry() {
    let (lesson, output, _) = twoControlLesson(["--checks"])
    #expect(lesson.execute() == 0)
    #expect(output.text.contains("1 checks (2 controls) in Two controls"))
    #expect(output.text.contains("learned\t\nlearned:learned-nothing\t--set steps=1\n"))
    let (planted, plantedOutput, _) = twoControlLesson(["--control", "learned"])
    #expect(planted.execute() == 0)
    #expect(plantedOutput.text.contains("control confirmed: check learned fails here"))
    let (oneStep, oneStepOutput, _) = twoControlLesson(
      ["--set", "steps=1", "--control", "learned:learned-nothing"])
    #expect(oneStep.execute() == 0)
    #expect(oneStepOutput.text.contains("control confirmed: check learned:learned-nothing"))
    // A failed check with two controls is reported once.
    let (failing, _, errors) = twoControlLesson(["--set", "steps=1"])
    #expect(failing.execute() == 1)
    #expect(errors.text.components(separatedBy: "check failed:").count == 2)
  }

  /// A planted learned-nothing pass: a check whose condition holds whether or not training
  /// ran is caught by its learned-nothing control, which then exits 1.
  @Test func aCheckThatPassesWithoutTrainingIsCaught() {
    func lesson(_ arguments: [String]) -> (Lesson, CollectedText, CollectedText) {
      let (output, errors) = (CollectedText(), CollectedText())
      let lesson = Lesson(
        "Planted", summary: "", introduction: "", arguments: ["--ascii"] + arguments,
        command: "x", output: output, errors: errors, input: ScriptedInput([]))
      let steps = lesson.knob("steps", default: 5, range: 1...9, help: "training steps")
      lesson.cell("Claim") { out in
        out.check(
          "learned", steps.value >= 1, "training learned something",
          control: .sabotage("nothing is learned"),
          learnedNothing: .setting("--set steps=1", "one step learns nothing"))
      }
      return (lesson, output, errors)
    }
    let (planted, output, errors) = lesson(
      ["--set", "steps=1", "--control", "learned:learned-nothing"])
    #expect(planted.execute() == 1)
    #expect((output.text + errors.text).contains("control FAILED"))
  }

  /// A claim verified at one setting only (here: a mode knob at "a").
  func settingLesson(_ arguments: [String]) -> (Lesson, CollectedText) {
    let output = CollectedText()
    let lesson = Lesson(
      "Settings", summary: "", introduction: "", arguments: ["--ascii"] + arguments,
      command: "x", output: output, errors: CollectedText(), input: ScriptedInput([]))
    let mode = lesson.knob("mode", default: "a", choices: ["a", "b"], help: "a mode")
    lesson.cell("Claim") { out in
      out.check(
        "only-at-a", mode.value == "a", "the claim holds", control: .setting("--set mode=b", "b"),
        notVerifiedHere: mode.value == "a" ? nil : "verified at mode a only")
    }
    return (lesson, output)
  }

  @Test func aClaimNotVerifiedAtThisSettingIsShownNotClaimed() {
    let (verified, verifiedOutput) = settingLesson([])
    #expect(verified.execute() == 0)
    #expect(verifiedOutput.text.contains("[ok] the claim holds"))
    // Elsewhere it neither fails the run nor is listed as a check.
    let (elsewhere, output) = settingLesson(["--set", "mode=b", "--width", "100"])
    #expect(elsewhere.execute() == 0)
    #expect(
      output.text.contains(
        "- the claim holds: does not hold here; shown, not claimed (verified at mode a only)"))
    let (listing, listed) = settingLesson(["--set", "mode=b", "--checks"])
    #expect(listing.execute() == 0)
    #expect(!listed.text.contains("only-at-a\t"))
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

  /// Input that ends, or three replies that are not answers, stop the quiz: nothing
  /// answered gives no score and status 1; a partial run scores what was answered.
  @Test func aQuizWithoutAnswersStopsWithoutAScore() {
    let (empty, emptyOutput) = quizLesson(["--quiz"], input: [])
    #expect(empty.execute() == 1)
    #expect(!emptyOutput.text.contains("score:"))
    let (flood, floodOutput) = quizLesson(["--quiz"], input: Array(repeating: "y", count: 50))
    #expect(flood.execute() == 1)
    #expect(floodOutput.text.components(separatedBy: "please answer").count == 3)
    let (partial, partialOutput) = quizLesson(["--quiz"], input: ["b"])
    #expect(partial.execute() == 0)
    #expect(partialOutput.text.hasSuffix("score: 1 of the 1 answered (2 questions)\n"))
  }

  /// A reply that is not an answer (a letter not offered, a word for a number) is asked
  /// again instead of being marked wrong.
  @Test func slipsAreAskedAgain() {
    let (lesson, output) = quizLesson(["--quiz"], input: ["z", "", "b", "half", "0.5"])
    #expect(lesson.execute() == 0)
    #expect(
      output.text.contains(
        "> please answer with a letter from a to b\n> please answer with a letter from a to b\n> right. Count them."
      ))
    #expect(
      output.text.contains(
        "> please answer with a number (3938304, 3,938,304, 3.94e6, 3.9M, 2/7 and 28.6% are all "
          + "read)\n> right. 1 / 2."))
    #expect(output.text.hasSuffix("score: 2 of 2\n"))
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

  @Test func numbersAreWrittenAsTheLessonsPrintThem() {
    #expect(Question.written(3_938_304) == "3,938,304")
    #expect(Question.written(0.00025) == "0.00025")
    #expect(Question.written(2.5) == "2.5")
    #expect(Question.written(-1234.5678) == "-1234.57")
    let q = Question("How many?", number: 3_938_304, tolerance: 0.5, explanation: "")
    #expect(q.accepts("3,938,304") && q.accepts("3938304") && !q.accepts("3,938,306"))
  }

  @Test func answersWithoutQuizIsAUsageError() {
    #expect(throws: UsageError("--answers goes with --quiz (it prints the quiz with its answers)"))
    {
      try Arguments.parse(["--answers"])
    }
  }
}

struct WrapTests {
  @Test func proseBreaksAtSpacesAndKeepsMarkdownBlocks() {
    let text = """
      A sentence that is far too long for the narrow width it is given here.
      - a list item whose text runs on past the end of the line
      | a | table | row | that | stays | whole | however | long | it | is |
      ```
      let code = "in a fence stays as it is, however long it is"
      ```
      """
    let wrapped = TextWrap.prose(text, width: 30).components(separatedBy: "\n")
    #expect(wrapped.allSatisfy { $0.count <= 30 || $0.hasPrefix("|") || $0.hasPrefix("let") })
    #expect(wrapped[0] == "A sentence that is far too")
    #expect(wrapped.contains("- a list item whose text runs"))
    #expect(wrapped.contains("  on past the end of the line"))
    #expect(
      wrapped.contains("| a | table | row | that | stays | whole | however | long | it | is |"))
    #expect(wrapped.contains("let code = \"in a fence stays as it is, however long it is\""))
    // No word is lost or split.
    #expect(
      wrapped.joined(separator: " ").split(separator: " ")
        == text.replacingOccurrences(
          of: "\n", with: " "
        ).split(separator: " "))
  }

  @Test func longCodeLinesWrapUnderTheirGutter() {
    let line = "    let total = first + second + third + fourth + fifth"
    let pieces = TextWrap.code(line, width: 30, gutter: "| ", continuation: ": ")
    #expect(pieces.allSatisfy { $0.count <= 30 })
    #expect(pieces[0].hasPrefix("|     let total"))
    #expect(pieces.dropFirst().allSatisfy { $0.hasPrefix(":       ") })
    #expect(
      pieces.map { String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) }.joined(
        separator: " "
      ).split(separator: " ") == line.split(separator: " "))
    #expect(TextWrap.code("short", width: 30, gutter: "| ", continuation: ": ") == ["| short"])
  }

  @Test func anExportToAMissingFolderIsRefusedBeforeAnyCellRuns() {
    let errors = CollectedText()
    let (lesson, _, counter) = makeLesson(
      ["--export", "/nonexistent-folder/run.md"], errors: errors)
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty)
    #expect(errors.text.contains("the folder /nonexistent-folder does not exist"))
  }

  @Test func theProgressLineFitsTheWidth() {
    for width in [20, 40, 60, 100] {
      let line = Progress.line(
        label: "train", done: 120, total: 300, detail: " loss 0.5321  3s left", width: width)
      #expect(line.count <= width - 1)
    }
    #expect(
      Progress.line(label: "train", done: 150, total: 300, detail: " x", width: 100).contains(
        "████████████░░░░░░░░░░░░ 150/300 x"))
  }
}

/// A file a run reads is never the file it writes: a corpus exported over is refused
/// before anything runs, under any spelling of the same path.
struct SameFileTests {
  @Test(arguments: ["notes.md", "./notes.md", "sub/../notes.md"])
  func anExportOntoTheCorpusIsRefused(_ spelling: String) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "same-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let corpus = folder.appendingPathComponent("notes.md").path
    try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: corpus))
    let errors = CollectedText()
    let (lesson, _, counter) = makeLesson(
      ["--corpus", corpus, "--export", folder.path + "/" + spelling], errors: errors)
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty)
    #expect(errors.text.contains("name the same file"))
    #expect(try String(contentsOfFile: corpus, encoding: .utf8) == "keep me\n")
  }
}

/// Numbers typed the ways people type them, judged to the digits given.
struct QuizReplyTests {
  /// (typed, answer, right), annotated so the table type-checks quickly.
  static let cases: [(String, Double, Bool)] = [
    ("3938304", 3_938_304, true), ("3,938,304", 3_938_304, true), ("3 938 304", 3_938_304, true),
    ("3.94e6", 3_938_304, true), ("3,94e6", 3_938_304, true), ("3.9M", 3_938_304, true),
    ("3938k", 3_938_304, true), ("4M", 3_938_304, false), ("3.8M", 3_938_304, false),
    ("3,938,306", 3_938_304, false), ("2/7", 2.0 / 7, true), ("0.2857", 2.0 / 7, true),
    ("0.28", 2.0 / 7, false), ("28.6%", 2.0 / 7, true), ("28.6 %", 28.57, true),
    ("0", 0.3, false), ("0.5", 0.5, true), ("-1,5", -1.5, true), ("12e", 12, false),
    ("a", 1, false), ("1/0", 1, false),
  ]

  @Test(arguments: cases)
  func replies(_ text: String, _ answer: Double, _ right: Bool) {
    let q = Question("?", number: answer, tolerance: 1e-6, explanation: "")
    #expect(q.isAnswer(text) == (QuizReply(text) != nil))
    #expect(q.accepts(text) == right, "\(text) for \(answer)")
  }

  @Test func aChoiceCanBeTypedAsShown() {
    let q = Question("pick", choices: ["x", "y"], answer: 0, explanation: "")
    let letter = Question.letters[0]
    #expect(q.accepts("\(letter))") && q.accepts("(\(letter))") && q.accepts(" \(letter) "))
    #expect(q.isAnswer("b)") && !q.isAnswer("c)"))
  }
}
