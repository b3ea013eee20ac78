import Testing

@testable import Notebook

struct ArgumentTests {
  @Test func everyRunnerFlag() throws {
    let a = try Arguments.parse([
      "--list", "--step", "--quick", "--from", "3", "--seed", "42", "--no-color", "--ascii",
      "--width", "100", "--export", "run.md", "--help",
    ])
    #expect(a.list && a.step && a.quick && a.ascii && a.help)
    #expect(!a.color)
    #expect(a.from == 3)
    #expect(a.seed == 42)
    #expect(a.width == 100)
    #expect(a.export == "run.md")
    #expect(try Arguments.parse(["--only=2"]).only == 2)
    #expect(try Arguments.parse(["--export", "x.ipynb"]).export == "x.ipynb")
  }

  @Test func knobValuesWaitForTheLesson() throws {
    var a = try Arguments.parse(["--set", "lr=0.5", "--n", "3", "--level=char"])
    #expect(a.claim("lr")?.value == "0.5")
    #expect(a.claim("n")?.value == "3")
    #expect(a.claim("level")?.value == "char")
    #expect(a.claim("missing") == nil)
    #expect(a.pending.isEmpty)
  }

  @Test(arguments: [
    (["--from"], "--from needs a value"),
    (["--from", "x"], "--from must be a whole number from 1 to 10000, got 'x'"),
    (["--width", "5"], "--width must be a whole number from 20 to 1000, got '5'"),
    (["--seed", "-1"], "--seed must be a whole number from 0 to 18446744073709551615, got '-1'"),
    (["--seed", "abc"], "--seed must be a whole number from 0 to 18446744073709551615, got 'abc'"),
    (["--export", "run.txt"], "--export writes a .md, .ipynb or .html file, got 'run.txt'"),
    (
      ["--seed", "1", "--seed=2"], "--seed is given twice ('--seed 1' and '--seed=2'); give it once"
    ),
    (
      ["--export", "a.md", "--export", "b.md"],
      "--export is given twice ('--export a.md' and '--export b.md'); give it once"
    ),
    (["--set", "n=3", "--n", "4"], "n is set twice ('--set n=3' and '--n 4'); set it once"),
    (["--set", "lr"], "--set needs name=value, got 'lr'"),
    (["stray"], "unexpected argument 'stray'"),
    (["--from", "2", "--only", "3"], "--from and --only cannot be used together"),
  ])
  func malformedFlagsAreRefused(_ arguments: [String], _ message: String) {
    #expect(throws: UsageError(message)) { try Arguments.parse(arguments) }
  }
}

struct FlagTableTests {
  /// A typing slip in a runner flag or a knob's name is answered with the name meant.
  @Test(arguments: [
    (["--qiuck"], "unknown option '--qiuck' (did you mean --quick?)"),
    (["--sett", "rate=0.1"], "unknown option '--sett' (did you mean --set?)"),
    (["--exprot", "a.md"], "unknown option '--exprot' (did you mean --export?)"),
    (["--set", "RATE=0.1"], "unknown knob 'RATE' in '--set RATE=0.1' (did you mean rate?)"),
    (["--set", "sizee=2"], "unknown knob 'sizee' in '--set sizee=2' (did you mean size?)"),
    (["--corpsu", "a.txt"], "unknown option '--corpsu' (did you mean --corpus?)"),
  ])
  func slipsGetASuggestion(_ arguments: [String], _ start: String) {
    let (lesson, _, counter) = makeLesson(arguments)
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty)
    #expect(lesson.errors.count == 1)
    #expect(lesson.errors.first?.hasPrefix(start) == true, "\(lesson.errors)")
  }

  /// Damerau's distance, with a swap of two neighbours counted once; the values worked by
  /// hand.
  @Test(arguments: [
    ("", "", 0), ("", "abc", 3), ("quick", "quick", 0), ("qiuck", "quick", 1),
    ("sett", "set", 1), ("ste", "set", 1), ("kitten", "sitting", 3), ("ab", "ba", 1),
    ("abc", "ca", 3),
  ])
  func editDistance(_ a: String, _ b: String, _ distance: Int) {
    #expect(Arguments.editDistance(a, b) == distance)
    #expect(Arguments.editDistance(b, a) == distance)
  }

  /// `--help` lists every flag of the table, with its value's name.
  @Test func helpListsEveryFlagOfTheTable() {
    let (lesson, output, _) = makeLesson(["--help"])
    #expect(lesson.execute() == 0)
    for flag in Arguments.flags {
      #expect(output.text.contains("\n  " + padRight(flag.spelling, 19)), "\(flag.name)")
    }
  }

  /// Every flag of the table, given, changes the arguments and is spelled again: what
  /// equality, the reproducing commands and `--help` all rely on.
  @Test func everyFlagIsSpelledAgain() throws {
    let samples = ["from": "2", "only": "2", "seed": "3", "width": "50", "export": "a.md"]
    for flag in Arguments.flags where flag.name != "set" {
      let value = flag.value.map { _ in samples[flag.name] ?? "x" }
      // (--answers goes with --quiz.)
      let extra = flag.name == "answers" ? ["--quiz"] : []
      let parsed = try Arguments.parse(extra + ["--" + flag.name] + (value.map { [$0] } ?? []))
      #expect(parsed != Arguments(), "\(flag.name)")
      #expect(parsed.words { $0.name == flag.name }.first == "--" + flag.name, "\(flag.name)")
    }
  }

  /// What a run's flags spell again parses back to the same arguments.
  @Test(arguments: [
    ["--step", "--quick", "--seed", "7", "--width", "60", "--ascii", "--no-color"],
    ["--only=3", "--export", "my run.md"],
    ["--checks", "--seed=2"],
    ["--quiz", "--answers"],
    ["--control", "a-check", "--from", "2"],
  ])
  func flagsSpellThemselvesAgain(_ arguments: [String]) throws {
    let parsed = try Arguments.parse(arguments)
    let words = parsed.words { _ in true }.map {
      $0.hasPrefix("'") ? String($0.dropFirst().dropLast()) : $0
    }
    #expect(try Arguments.parse(words) == parsed)
  }

  /// Resuming after q, the export's header and the debug build's advice are one command
  /// line, with the settings that change the results (and, for the advice, every other flag
  /// given), values quoted.
  @Test func oneCommandLineRunsTheLessonAgain() {
    let arguments = [
      "--step", "--quick", "--width", "60", "--set", "size=4", "--corpus", "my dir/a.txt",
    ]
    let (lesson, output, _) = makeLesson(arguments, input: ["", "q"])
    let settings = "--quick --seed 0 --set size=4 --corpus 'my dir/a.txt'"
    #expect(lesson.reproducingCommand == "test-lesson \(settings)")
    #expect(
      lesson.commandLine(flags: { _ in true })
        == "test-lesson --step --quick --seed 0 --width 60 --set size=4 --corpus 'my dir/a.txt'")
    #expect(lesson.execute() == 0)
    #expect(
      output.text.contains(
        "to go on from here: test-lesson --step --from 3 --quick --seed 0 --width 60 "
          + "--set size=4 --corpus 'my dir/a.txt'\n"))
  }
}

/// A small lesson for runtime tests, with one knob of each kind.
func makeLesson(
  _ arguments: [String], input: [String] = [], errors: CollectedText = CollectedText()
) -> (Lesson, CollectedText, Counter) {
  let output = CollectedText()
  let counter = Counter()
  let lesson = Lesson(
    "Test lesson", summary: "a lesson for tests", introduction: "Intro.", arguments: arguments,
    command: "test-lesson", output: output, errors: errors, input: ScriptedInput(input))
  let rate = lesson.knob("rate", default: 0.5, quick: 0.25, range: 0...1, help: "a rate")
  let size = lesson.knob("size", default: 3, range: 1...10, help: "a size")
  let mode = lesson.knob("mode", default: "a", choices: ["a", "b"], help: "a mode")
  let flag = lesson.knob("flag", default: false, help: "a flag")
  let corpus = lesson.option("corpus", valueName: "FILE", help: "a file")
  lesson.markdown("## Part one")
  lesson.cell("First", "Look at the rate.") { out in
    counter.runs.append(1)
    out.print(
      "rate", rate.value, "size", size.value, "mode", mode.value, "flag", flag.value, "corpus",
      corpus ?? "none")
  }
  lesson.cell("Second") { out in
    counter.runs.append(2)
    out.print("second")
    out.print("twice the size:", 2 * size.value)
  }
  lesson.cell("Third") { out in
    counter.runs.append(3)
    out.printLive("took 0.1 s")
    out.print("third")
  }
  return (lesson, output, counter)
}

final class Counter {
  var runs: [Int] = []
}

struct KnobTests {
  @Test func defaultsQuickDefaultsAndSetValues() {
    let (plain, out1, _) = makeLesson([])
    #expect(plain.execute() == 0)
    #expect(out1.text.contains("rate 0.5 size 3 mode a flag false corpus none"))
    let (quick, out2, _) = makeLesson(["--quick"])
    #expect(quick.execute() == 0)
    #expect(out2.text.contains("rate 0.25"))
    let (set, out3, _) = makeLesson([
      "--set", "rate=0.75", "--size", "7", "--mode=b", "--set", "flag=yes", "--corpus", "my.txt",
    ])
    #expect(set.execute() == 0)
    #expect(out3.text.contains("rate 0.75 size 7 mode b flag true corpus my.txt"))
  }

  @Test(arguments: [
    (["--set", "rate=2"], "--set rate=2: rate must be a number from 0 to 1"),
    (["--size", "0"], "--size 0: size must be a whole number from 1 to 10"),
    (["--set", "size=2.5"], "--set size=2.5: size must be a whole number from 1 to 10"),
    (["--set", "mode=c"], "--set mode=c: mode must be one of a, b"),
    (["--set", "flag=maybe"], "--set flag=maybe: flag must be yes or no"),
  ])
  func badKnobValuesAreRefusedWithTheAllowedRange(_ arguments: [String], _ message: String) {
    let errors = CollectedText()
    let (lesson, output, counter) = makeLesson(arguments, errors: errors)
    #expect(lesson.errors == [message])
    #expect(lesson.execute() == 2)
    #expect(counter.runs.isEmpty)
    #expect(output.text.isEmpty)
    #expect(errors.text == "error: \(message)\nrun 'test-lesson --help' for the options\n")
  }

  @Test func unknownKnobsAndOptionsAreRefused() {
    let (lesson, _, counter) = makeLesson(["--set", "rat=1", "--frobnicate", "3"])
    #expect(lesson.execute() == 2)
    #expect(
      lesson.errors == [
        "unknown knob 'rat' in '--set rat=1' (did you mean rate?); this lesson's knobs: rate, "
          + "size, mode, flag",
        "unknown option '--frobnicate'",
      ])
    #expect(counter.runs.isEmpty)
    // A knob's name in another case is suggested, however many letters differ.
    let (upper, _, _) = makeLesson(["--set", "RATE=1"])
    #expect(upper.execute() == 2)
    #expect(upper.errors.first?.contains("(did you mean rate?)") == true)
  }

  @Test func helpListsOptionsAndKnobs() {
    let (lesson, output, counter) = makeLesson(["--help"])
    #expect(lesson.execute() == 0)
    #expect(counter.runs.isEmpty)
    #expect(
      output.text.hasPrefix("Test lesson: a lesson for tests\n\nusage: test-lesson [options]"))
    #expect(output.text.contains("  --corpus FILE      a file"))
    #expect(
      output.text.contains("  rate  a rate (default 0.5, --quick 0.25); a number from 0 to 1\n"))
    #expect(output.text.contains("  mode  a mode (default a); one of a, b\n"))
  }

  @Test func listNumbersTheCells() {
    let (lesson, output, _) = makeLesson(["--list"])
    #expect(lesson.execute() == 0)
    #expect(
      output.text
        == "Test lesson: 4 cells\n\n  1. (prose) Part one\n  2. First\n  3. Second\n  4. Third\n")
  }
}
