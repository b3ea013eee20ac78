import Foundation
import TensorCore

/// A lesson: a title, an introduction, knobs, and an ordered list of cells that share
/// state, run like a notebook.
///
/// A lesson's `main.swift` reads top to bottom:
///
/// ```swift
/// let lesson = Lesson("Bag of words", summary: "…", introduction: "…")
/// let steps = lesson.knob("steps", default: 300, quick: 40, range: 1...10_000, help: "…")
///
/// lesson.markdown("## Counting words\n…")
/// var vocabulary: Vocabulary!
/// lesson.cell("Build the vocabulary", "What to look for: …") { out in
///   vocabulary = …
///   out.print(vocabulary.count, "words")
/// }
/// lesson.run()
/// ```
///
/// Cells are closures, so the runner can list them, skip to one, or pause before each.
/// State lives in variables declared between cells, as in a notebook's namespace.
public final class Lesson {
  public let title: String
  /// One line for the course's list of lessons and `--help`.
  public let summary: String
  /// What the lesson is about, shown first. A lesson that reads a learner's file may say
  /// it in other words once it knows (its options are read before its cells run).
  public var introduction: String
  /// The command that runs this lesson, for `--help` and messages.
  public let command: String
  var arguments: Arguments
  /// The command line as given, for re-running a control under its own setting.
  let rawArguments: [String]
  var cells: [Cell] = []
  var knobs: [Knob] = []
  var options: [Knob] = []
  var errors: [String] = []
  var questions: [Question] = []
  let console: TextSink
  let errorOutput: TextSink
  let input: LineSource
  let colorEnabled: Bool
  let progressEnabled: Bool
  /// The checks made in this run, with their controls.
  let checkLog: CheckLog
  /// What reads knobs now: a cell's code or its text, or the runtime itself.
  enum Reader {
    /// The code of cell `index` (0-based), while it runs.
    case code(Int)
    /// The title and prose of cell `index`, while they are made to be shown.
    case text(Int)
    /// The runtime, checking the constraints or listing the cells: its reads are not noted,
    /// since no cell's output depends on them.
    case runtime
  }
  /// What reads knobs now; `nil` for top-level code.
  var reader: Reader?
  /// The knobs each cell's code read the last time it ran, by cell index.
  var knobReads: [Int: Set<String>] = [:]
  /// The knobs each cell's title and prose read the last time they were shown, by cell index.
  var textReads: [Int: Set<String>] = [:]
  /// Guards the records of reads, which jobs on several threads write.
  let readLock = NSLock()
  /// Knobs read outside any cell (top-level code): they cannot change while stepping.
  var knobsReadOutsideCells: Set<String> = []
  /// The rules the knobs' values must keep together (see `constraint`).
  var constraints: [() throws -> String?] = []

  /// Creates a lesson and parses the command line.
  /// - Parameters:
  ///   - arguments: the command-line arguments (default: this process's).
  ///   - command: how the lesson is run (default: `swift run -c release <executable>`).
  ///   - output, errors, input: the console; tests pass collectors and scripted answers.
  public init(
    _ title: String, summary: String, introduction: String,
    arguments: [String] = Array(CommandLine.arguments.dropFirst()), command: String? = nil,
    output: TextSink = StandardOutput(), errors: TextSink = StandardError(),
    input: LineSource = StandardInput()
  ) {
    self.title = title
    self.summary = summary
    self.introduction = introduction
    self.rawArguments = arguments
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "lesson").lastPathComponent
    self.command = command ?? "swift run -c release \(executable)"
    self.console = output
    self.errorOutput = errors
    self.input = input
    do {
      self.arguments = try Arguments.parse(arguments)
    } catch let error as UsageError {
      self.arguments = Arguments()
      self.errors.append(error.message)
    } catch {
      self.arguments = Arguments()
      self.errors.append("\(error)")
    }
    checkLog = CheckLog(controlID: self.arguments.control)
    let isConsole = output is StandardOutput
    colorEnabled = self.arguments.color && (!isConsole || Terminal.colorAllowed) && isConsole
    progressEnabled = isConsole
  }

  /// The seed of this run (`--seed`, default 0).
  public var seed: UInt64 { arguments.seed }

  /// Whether this is a `--quick` run: small sizes, seconds.
  public var isQuick: Bool { arguments.quick }

  /// The plot style of this run.
  ///
  /// The width is `--width` if given; else 100 when the run is exported, so a transcript
  /// does not depend on the terminal it was made in; else the terminal's width; else
  /// `COLUMNS` when standard output is not a terminal; else 80.
  public var style: PlotStyle {
    PlotStyle(width: resolvedWidth, ascii: arguments.ascii)
  }

  /// The terminal's rows, when a person steps through the lesson in one (standard input
  /// and output both terminals), for showing a tall cell a screenful at a time; `nil`
  /// otherwise, so that a scripted session sees every cell whole.
  var pagerRows: Int? {
    guard console is StandardOutput, input is StandardInput, Terminal.stdinIsTerminal,
      Terminal.stdoutIsTerminal
    else { return nil }
    return Terminal.height
  }

  var resolvedWidth: Int {
    if let width = arguments.width { return width }
    if arguments.export != nil { return 100 }
    if console is StandardOutput {
      if let terminal = Terminal.width { return Swift.max(20, terminal) }
      if !Terminal.stdoutIsTerminal,
        let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text),
        (20...1_000).contains(columns)
      {
        return columns
      }
    }
    return 80
  }

  /// A generator for one purpose, seeded from the run's seed and `purpose`.
  ///
  /// Giving each use its own stream (`"data"`, `"init"`, `"sampling"`) means changing one
  /// part of a lesson does not change the random numbers of every other part, and a cell
  /// re-run after a jump draws the same numbers again.
  public func random(_ purpose: String) -> SplitMix64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a, stable across runs and machines
    for byte in purpose.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01B3
    }
    var mixer = SplitMix64(seed: seed ^ hash)
    return SplitMix64(seed: mixer.next())
  }

  /// Whether the lesson runs on a learner's own data (`--corpus`). The lesson sets it;
  /// checks that depend on the data then report what they observe instead of failing.
  public var runsOnOwnData: Bool {
    get { checkLog.onOwnData }
    set { checkLog.onOwnData = newValue }
  }

  /// Notes that knob `name` was read, by a cell's code or text, or by top-level code.
  func noteRead(of name: String) {
    // Cells read knobs from the jobs they run side by side (`Parallelism.map`), so the
    // record of reads is a shared dictionary written from several threads: without the
    // lock, two inserts at once corrupt it and the run crashes now and then.
    readLock.lock()
    defer { readLock.unlock() }
    switch reader {
    case .code(let cell)?: knobReads[cell, default: []].insert(name)
    case .text(let cell)?: textReads[cell, default: []].insert(name)
    case .runtime?: break
    case nil: knobsReadOutsideCells.insert(name)
    }
  }

  /// Whether cell `index` read knob `name`, in its code, title or prose, when it last ran or
  /// was shown.
  func hasRead(_ name: String, cell index: Int) -> Bool {
    textHasRead(name, cell: index) || readLock.withLock { knobReads[index]?.contains(name) == true }
  }

  /// Whether the title or prose of cell `index` read knob `name` when it was last shown.
  func textHasRead(_ name: String, cell index: Int) -> Bool {
    readLock.withLock { textReads[index]?.contains(name) == true }
  }

  /// `body`'s result, with `reader` set to `new` meanwhile.
  func reading<T>(as new: Reader, _ body: () throws -> T) rethrows -> T {
    let saved = reader
    reader = new
    defer { reader = saved }
    return try body()
  }

  /// The title and prose of cell `index` as they read now, their knob reads noted as the
  /// cell's (in place of those of the last time it was shown).
  func text(ofCell index: Int) -> (title: String, prose: String) {
    readLock.withLock { textReads[index] = [] }
    return reading(as: .text(index)) { (cells[index].title(), cells[index].prose()) }
  }

  /// The message for a knob name this lesson does not have, with the likely one meant.
  func unknownKnob(_ name: String, given spelling: String = "") -> String {
    let names = knobs.map { $0.name }
    let hint = Arguments.suggestion(for: name, among: names).map { " (did you mean \($0)?)" } ?? ""
    return "unknown knob '\(name)'\(spelling)\(hint); "
      + (names.isEmpty
        ? "this lesson has no knobs" : "this lesson's knobs: \(names.joined(separator: ", "))")
  }

  /// Refuses to run, with `message`, before any cell runs (exit status 2): for inputs the
  /// lesson checks itself, such as a corpus file. A refusal that depends on knobs is a
  /// `constraint`, so that it holds while stepping too.
  public func refuse(_ message: String) {
    errors.append(message)
  }

  /// Adds a rule the knobs' values must keep together, which their ranges cannot say: a
  /// width that splits into the heads, a run short enough to wait for.
  ///
  /// `check` returns why the values of now are refused, or `nil`; an error it throws
  /// refuses them with its description. It runs before the first cell, where a refusal
  /// stops the lesson as `refuse` does (once the options and values given are accepted),
  /// and again after every `set` while stepping, where a refusal puts the knob back. It may
  /// build what it needs to judge (a corpus); the knobs it reads are noted as no cell's.
  public func constraint(_ check: @escaping () throws -> String?) {
    constraints.append(check)
  }

  /// Why the knobs' values of now are refused, one message per broken constraint.
  func constraintProblems() -> [String] {
    reading(as: .runtime) {
      constraints.compactMap { check in
        do {
          return try check()
        } catch {
          return "\(error)"
        }
      }
    }
  }

  /// The speed a training estimate assumes: below what a laptop core reaches on the
  /// course's products, so an estimate errs long.
  public static let estimatedOperationsPerSecond = 20e9

  /// Refuses, before any cell runs, a run whose training would take more than half an hour,
  /// so that a knob turned to its end of the range does not leave the learner waiting for
  /// hours with no word.
  /// - Parameters:
  ///   - operations: the floating-point operations training will take (about 6 per
  ///     parameter per token: forward, and twice that backward).
  ///   - settings: the knobs that set the cost, as the learner typed them.
  ///   - shorten: the knobs that shorten the run, as an instruction.
  public func refuseLongTraining(operations: Double, settings: String, shorten: String) {
    if let problem = longTraining(operations: operations, settings: settings, shorten: shorten) {
      refuse(problem)
    }
  }

  /// As `refuseLongTraining`, for work measured in seconds by a lesson's own estimate (the
  /// n-gram lesson's counting, which is not floating-point work).
  public func refuseLongRun(
    seconds: Double, settings: String, shorten: String, what: String = "the run"
  ) {
    if let problem = longRun(seconds: seconds, settings: settings, shorten: shorten, what: what) {
      refuse(problem)
    }
  }

  /// The message of `refuseLongTraining`, or `nil` when the training is short enough: for a
  /// `constraint`.
  public func longTraining(operations: Double, settings: String, shorten: String) -> String? {
    longRun(
      seconds: operations / Self.estimatedOperationsPerSecond,
      settings: "\(settings); estimated at \(Int(Self.estimatedOperationsPerSecond / 1e9)) GFLOP/s",
      shorten: shorten, what: "training")
  }

  /// The message of `refuseLongRun`, or `nil` when the run is short enough.
  public func longRun(
    seconds: Double, settings: String, shorten: String, what: String = "the run"
  ) -> String? {
    guard seconds > 1_800 else { return nil }
    return "\(what) would take about \(Int(seconds / 60)) minutes (\(settings)); \(shorten)"
  }

  /// Adds a prose cell (Markdown). The text is made when the cell is shown, so a knob value
  /// it names (`\(steps.value)`) is the value of now, read by this cell: a `set` of that
  /// knob while stepping shows the cell again.
  public func markdown(_ text: @autoclosure @escaping () -> String) {
    cells.append(Cell(kind: .markdown, title: { "" }, prose: text, source: [], body: nil))
  }

  /// Adds a code cell: a title, the prose that introduces it, and the code.
  ///
  /// The title and prose are made when the cell is shown, as `markdown`'s text is; the
  /// knobs they name are noted as read by this cell.
  /// - Parameters:
  ///   - title: a short heading.
  ///   - prose: Markdown shown before the code: what we do and what to look for.
  ///   - body: the code; it writes what it shows to `out`.
  public func cell(
    _ title: @autoclosure @escaping () -> String, _ prose: @autoclosure @escaping () -> String = "",
    file: String = #filePath, line: Int = #line,
    _ body: @escaping (_ out: CellOutput) throws -> Void
  ) {
    cells.append(
      Cell(
        kind: .code, title: title, prose: prose, source: CellSource.lines(file: file, line: line),
        body: body))
  }

  /// The command that reproduces this run: the lesson, `--quick` if given, the seed, every
  /// knob whose value differs from its default in this mode (a live `set` included), and
  /// every option given. Exports start with it, so a reader can rerun what they read.
  public var reproducingCommand: String { commandLine() }

  /// The one command line that runs this lesson again: the lesson, then `leading`, then the
  /// runner's flags of this run that `flags` selects (by default those that change the
  /// results: `--quick` and the seed), every knob whose value differs from its start (a live
  /// `set` included) and every option given, each value quoted for a shell where it needs
  /// to be (a file named `my text.txt` stays one argument).
  func commandLine(
    leading: [String] = [],
    flags include: (Arguments.RunnerFlag) -> Bool = { $0.changesResults }
  ) -> String {
    var parts = [command] + leading + arguments.words(of: include)
    for knob in knobs where knob.currentText() != knob.startText {
      parts += ["--set", "\(knob.name)=\(shellQuoted(knob.currentText()))"]
    }
    for option in options where !option.currentText().isEmpty {
      parts += ["--\(option.name)", shellQuoted(option.currentText())]
    }
    return parts.joined(separator: " ")
  }

  /// Whether two paths name one file: the same path once made absolute and its symbolic
  /// links followed, or (for files that exist) the same device and inode.
  static func sameFile(_ a: String, _ b: String) -> Bool {
    let resolve = { (path: String) in
      URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
    if resolve(a) == resolve(b) { return true }
    var first = stat()
    var second = stat()
    return stat(a, &first) == 0 && stat(b, &second) == 0 && first.st_dev == second.st_dev
      && first.st_ino == second.st_ino
  }

  /// Runs the lesson as the command line asks and exits with its status.
  public func run() -> Never {
    #if DEBUG
      // Numeric Swift is many times slower unoptimised (rnn --quick: 49.8 s in a debug build
      // against 3.2 s in release on two cores); say so before the student waits.
      errorOutput.write(
        "debug build: lessons run about 15× slower; use "
          + "`\(commandLine(flags: { _ in true }))` instead\n")
    #endif
    exit(execute())
  }

  /// Runs the lesson as the command line asks and returns the exit status: 0 on
  /// success, 1 when a cell fails, 2 for a usage error.
  public func execute() -> Int32 {
    let everything = Arguments.runnerFlags + knobs.map { $0.name } + options.map { $0.name }
    for leftover in arguments.pending {
      if leftover.spelling.hasPrefix("--set ") {
        errors.append(unknownKnob(leftover.name, given: " in '\(leftover.spelling)'"))
      } else if leftover.value == nil && everything.contains(leftover.name) {
        errors.append("--\(leftover.name) needs a value")
      } else {
        let hint =
          Arguments.suggestion(for: leftover.name, among: everything)
          .map { " (did you mean --\($0)?)" } ?? ""
        errors.append("unknown option '--\(leftover.name)'\(hint)")
      }
    }
    if arguments.export != nil
      && (arguments.quiz || arguments.list || arguments.checks || arguments.control != nil)
    {
      errors.append(
        "--export writes a run of the lesson; it does not go with --quiz, --list, --checks "
          + "or --control (a control run prints only its verdict)")
    }
    // No two files a run reads or writes may be the same file: a corpus saved over, an
    // export written onto its own input, a checkpoint and an export in one file.
    var named: [(flag: String, path: String)] = options.compactMap { option in
      let value = option.currentText()
      return value.isEmpty ? nil : ("--\(option.name)", value)
    }
    if let path = arguments.export { named.append(("--export", path)) }
    // Checked here, not where cells run, so that --list and --quiz refuse it too.
    if let first = arguments.from ?? arguments.only, first > cells.count {
      errors.append("this lesson has \(cells.count) cells; there is no cell \(first)")
    }
    for (i, first) in named.enumerated() {
      for second in named[(i + 1)...] where Self.sameFile(first.path, second.path) {
        errors.append(
          "\(first.flag) \(first.path) and \(second.flag) \(second.path) name the same file; "
            + "one would overwrite the other, so give each its own name")
      }
    }
    if let path = arguments.export,
      let problem = SafeFile.problem(writing: path, option: "--export")
    {
      errors.append(problem)
    }
    // The constraints last, once the values they judge are accepted, and only for a run:
    // --help, --list and --quiz need no data built.
    if errors.isEmpty && !(arguments.help || arguments.list || arguments.quiz) {
      errors += constraintProblems()
    }
    if !errors.isEmpty {
      let text = errors.map { "error: \($0)" }.joined(separator: "\n")
      errorOutput.write("\(text)\nrun '\(command) --help' for the options\n")
      return 2
    }
    if arguments.help {
      console.write(helpText())
      return 0
    }
    if arguments.list {
      console.write(listText())
      return 0
    }
    if arguments.quiz { return runQuiz() }
    var runner = Runner(lesson: self)
    return runner.run()
  }
}

/// `text` as a shell word: as it is when it is safe, in single quotes otherwise.
func shellQuoted(_ text: String) -> String {
  let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0) }
  if safe && !text.isEmpty { return text }
  return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
