import Foundation
import TensorCore

/// Runs a lesson's cells: in order, from a cell, one cell, or stepping with the student.
struct Runner {
  let lesson: Lesson
  var transcript: Transcript
  /// How many cells have run so far (the next cell to run has index `ran`).
  var ran = 0
  /// The cells whose output was shown: their failed checks end the run with status 1.
  var shown: Set<Int> = []

  init(lesson: Lesson) {
    self.lesson = lesson
    transcript = Transcript(title: lesson.title, introduction: lesson.introduction)
  }

  var cells: [Cell] { lesson.cells }
  var arguments: Arguments { lesson.arguments }

  mutating func run() -> Int32 {
    let count = cells.count
    if let first = arguments.from ?? arguments.only, first > count {
      lesson.errorOutput.write("error: this lesson has \(count) cells; there is no cell \(first)\n")
      return 2
    }
    if arguments.checks || arguments.control != nil {
      return runForChecks()
    }
    header()
    do {
      let start = (arguments.from ?? arguments.only ?? 1) - 1
      let end = arguments.only ?? count
      try runQuietly(upTo: start, progress: true)
      if arguments.step {
        try stepThrough()
      } else {
        while ran < end { try show(ran, prose: true) }
      }
      try export()
    } catch {
      return report(error)
    }
    let failures = lesson.checkLog.failures.filter { shown.contains($0.cell - 1) }
    if !failures.isEmpty {
      lesson.errorOutput.write(
        failures.map { "check failed: \($0.id): \($0.claim)\n" }.joined()
          + "the lesson's claims did not hold with these settings (see the ✗ lines)\n")
      return 1
    }
    return 0
  }

  /// `--checks` and `--control ID`: runs every cell quietly, then lists the checks with
  /// their controls, or says whether check `ID` failed as its control requires.
  mutating func runForChecks() -> Int32 {
    let started = Date()
    do {
      try runQuietly(upTo: cells.count, progress: true)
    } catch {
      return report(error)
    }
    let results = lesson.checkLog.results
    guard let id = arguments.control else {
      var rows = [["check", "cell", "now", "control", "why the claim is false there"]]
      for r in results {
        let setting =
          r.control.isSabotage ? "(planted mistake)" : r.control.arguments.joined(separator: " ")
        rows.append([r.id, "\(r.cell)", r.passed ? "holds" : "FAILS", setting, r.control.reason])
      }
      // A check with a learned-nothing control has two rows, one per control.
      let checks = results.filter { $0.repeats == nil }.count
      let controls = checks == results.count ? "" : " (\(results.count) controls)"
      lesson.console.write(
        "\(checks) checks\(controls) in \(lesson.title); run a control with "
          + "'\(lesson.command) [--quick] <control> --control <check>'\n"
          + Table(header: rows[0], rows: Array(rows.dropFirst())).render(
            PlotStyle(width: 1_000, ascii: arguments.ascii)
          )
          .joined(separator: "\n") + "\n")
      lesson.console.write(
        "machine-readable:\n"
          + results.map {
            "\($0.id)\t\($0.control.isSabotage ? "" : $0.control.arguments.joined(separator: " "))\n"
          }.joined())
      return 0
    }
    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
    guard let result = results.first(where: { $0.id == id }) else {
      guard !results.isEmpty else {
        lesson.errorOutput.write(
          "error: \(lesson.title) makes no checks with these settings, so there is no control "
            + "'\(id)' to run\n")
        return 2
      }
      let known = results.map { $0.id }
      let hint = Arguments.suggestion(for: id, among: known).map { " (did you mean \($0)?)" } ?? ""
      lesson.errorOutput.write(
        "error: no check '\(id)'\(hint) ran in this lesson with these settings; its checks: "
          + "\(known.joined(separator: ", "))\n")
      return 2
    }
    // A control given as a setting the command line lacks: run again with it, so that
    // `--control ID` alone does what its listing says.
    let given = " " + lesson.rawArguments.joined(separator: " ") + " "
    let setting = result.control.arguments.joined(separator: " ")
    if result.passed && !result.control.isSabotage && !given.contains(" \(setting) ") {
      return rerun(adding: result.control.arguments, for: id)
    }
    if result.passed {
      lesson.errorOutput.write(
        "control FAILED: check \(id) held under its control (\(seconds) s); it cannot catch "
          + "what it claims to: \(result.claim)\n")
      return 1
    }
    lesson.console.write("control confirmed: check \(id) fails here, as it should (\(seconds) s)\n")
    return 0
  }

  /// Runs this program again with `extra` arguments added (a control's setting) and returns
  /// its exit status; its output goes where this run's goes. A lesson built in a test (not
  /// writing to the real console) cannot, and says which setting to add.
  func rerun(adding extra: [String], for id: String) -> Int32 {
    guard lesson.console is StandardOutput, let executable = Bundle.main.executableURL else {
      lesson.errorOutput.write(
        "error: check \(id)'s control is '\(extra.joined(separator: " "))'; run again with it\n")
      return 2
    }
    lesson.console.write(
      "check \(id)'s control is a setting: running again with "
        + "\(extra.joined(separator: " "))\n")
    let child = Process()
    child.executableURL = executable
    // The control's knobs replace the learner's own values of them (a knob set twice is
    // refused).
    let replaced = Set(
      zip(extra, extra.dropFirst()).filter { $0.0 == "--set" }.map {
        String($0.1.prefix { $0 != "=" })
      })
    var kept: [String] = []
    var index = 0
    let raw = lesson.rawArguments
    while index < raw.count {
      if raw[index] == "--set", index + 1 < raw.count,
        replaced.contains(String(raw[index + 1].prefix { $0 != "=" }))
      {
        index += 2
        continue
      }
      kept.append(raw[index])
      index += 1
    }
    child.arguments = kept + extra
    do {
      try child.run()
    } catch {
      lesson.errorOutput.write("error: cannot run \(executable.path) again: \(error)\n")
      return 2
    }
    child.waitUntilExit()
    return child.terminationReason == .exit ? child.terminationStatus : 1
  }

  /// Writes what stopped the run and returns its exit status.
  func report(_ error: Error) -> Int32 {
    if let failure = error as? CellFailure {
      lesson.errorOutput.write("\(failure.message)\n")
      return failure.status
    }
    lesson.errorOutput.write("error: \(error)\n")
    return 1
  }

  func write(_ text: String) { lesson.console.write(text) }

  func bold(_ text: String) -> String {
    lesson.colorEnabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text
  }

  func dim(_ text: String) -> String {
    lesson.colorEnabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text
  }

  func header() {
    let width = lesson.resolvedWidth
    let title = TextWrap.fit("# \(lesson.title)", width: width, hanging: 2).map { bold($0) }
    write(
      title.joined(separator: "\n") + "\n\n" + TextWrap.prose(lesson.introduction, width: width)
        + "\n\n")
  }

  /// Runs the cells before `index` without showing them, so the state is as if they had.
  /// Cells that already ran are run again from the first, in order. With `progress`, a
  /// one-line count of the cells run so far is drawn on standard error.
  mutating func runQuietly(upTo index: Int, progress: Bool = false) throws {
    if index < ran { ran = 0 }
    let first = ran
    let bar = Progress(
      label: "running cells \(first + 1)–\(index) quietly", total: index - first,
      enabled: progress && lesson.progressEnabled && index - first > 1)
    while ran < index {
      let output = CellOutput(
        sink: nil, style: lesson.style, progressEnabled: false, log: lesson.checkLog,
        cell: ran + 1)
      try execute(ran, output)
      ran += 1
      bar.update(ran - first)
    }
  }

  /// Writes the heading, prose and code of cell `index`; while stepping in a terminal, a
  /// screenful at a time if it is taller than the terminal.
  func showSource(_ index: Int, prose: Bool) {
    let text = sourceText(index, prose: prose)
    guard arguments.step, let rows = lesson.pagerRows else {
      write(text)
      return
    }
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    let pages = Pager.pages(lines, rows: rows)
    for (number, page) in pages.enumerated() {
      write(page.joined(separator: "\n") + "\n")
      guard number < pages.count - 1 else { break }
      write(dim(Pager.prompt))
      let answer = lesson.input.readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
      if answer == nil || answer == "q" { break }
    }
  }

  /// The heading, prose and code of cell `index`, as `showSource` writes them.
  func sourceText(_ index: Int, prose: Bool) -> String {
    let cell = cells[index]
    let text = lesson.text(ofCell: index)
    let style = lesson.style
    let width = lesson.resolvedWidth
    var shown = heading(index, text.title, rule: Swift.min(width, 80) - text.title.count - 8) + "\n"
    if prose && !text.prose.isEmpty { shown += TextWrap.prose(text.prose, width: width) + "\n" }
    if !cell.source.isEmpty {
      let gutter = style.vertical + " "
      let continuation = (style.ascii ? ":" : "┆") + " "
      let lines = cell.source.flatMap {
        TextWrap.code($0, width: width, gutter: gutter, continuation: continuation)
      }
      shown += "\n" + lines.map { dim($0) }.joined(separator: "\n") + "\n"
    }
    return shown + "\n"
  }

  /// The heading of cell `index`, bold, followed by a rule of `rule` columns (at least 3)
  /// when it fits the width; a heading too long for the width breaks at spaces, with no rule.
  func heading(_ index: Int, _ title: String, rule: Int? = nil) -> String {
    let style = lesson.style
    let width = lesson.resolvedWidth
    let prefix = "\(style.horizontal)\(style.horizontal) \(index + 1). "
    let head = prefix + title
    if let rule, head.count + 4 <= width {
      let count = Swift.min(Swift.max(3, rule), width - head.count - 1)
      return bold(head + " " + String(repeating: style.horizontal, count: count))
    }
    return TextWrap.fit(head, width: width, hanging: prefix.count).map { bold($0) }
      .joined(separator: "\n")
  }

  /// Runs cell `index` visibly and records what it showed.
  mutating func runShown(_ index: Int) throws {
    let cell = cells[index]
    let text = lesson.text(ofCell: index)
    let output = CellOutput(
      sink: lesson.console, style: lesson.style, progressEnabled: lesson.progressEnabled,
      log: lesson.checkLog, cell: index + 1)
    output.consoleColor = lesson.colorEnabled
    defer { output.clearProgress() }
    try execute(index, output)
    output.clearProgress()
    write("\n")
    transcript.record(
      index,
      .code(
        number: index + 1, title: text.title, prose: text.prose, source: cell.source,
        output: output.recorded), figures: output.figures)
    shown.insert(index)
    ran = index + 1
  }

  /// Shows cell `index` (its prose unless `prose` is false), runs it, records it.
  mutating func show(_ index: Int, prose: Bool) throws {
    if cells[index].kind == .markdown {
      let text = lesson.text(ofCell: index).prose
      if prose { write(TextWrap.prose(text, width: lesson.resolvedWidth) + "\n\n") }
      transcript.record(index, .markdown(text))
      ran = index + 1
      return
    }
    showSource(index, prose: prose)
    try runShown(index)
  }

  /// Runs one cell's code, noting which knobs it reads and which checks it makes.
  func execute(_ index: Int, _ output: CellOutput) throws {
    guard let body = cells[index].body else { return }
    lesson.readLock.withLock { lesson.knobReads[index] = [] }
    do {
      try lesson.reading(as: .code(index)) { try body(output) }
    } catch let usage as UsageError {
      throw CellFailure(message: "error: \(usage.message)", status: 2)
    } catch {
      let title = lesson.reading(as: .runtime) { cells[index].title() }
      throw CellFailure(message: "error in cell \(index + 1) (\(title)): \(error)")
    }
  }

  /// Steps through the cells with the student: prose cells print as they come; a code
  /// cell shows its prose and code, then waits, so the student can predict what it will
  /// show before running it.
  mutating func stepThrough() throws {
    while true {
      try stepToTheEnd()
      if ran < cells.count { return }
      if try !waitAtTheEnd() { return }
    }
  }

  /// After the last cell: the student can still set a knob (its cells re-run), jump back
  /// to a cell, or look at the knobs, until `q` or the end of input.
  /// Returns whether stepping goes on (after a jump back).
  mutating func waitAtTheEnd() throws -> Bool {
    write(dim("end of the lesson") + "\n")
    while true {
      let answer = try ask(
        "[end] q quits · a number goes back to that cell · knobs · set NAME=VALUE re-runs "
          + "what reads it: ")
      switch answer {
      case nil:
        write("\n")
        return false
      case .quit?: return false
      case .jump(let target)?:
        try jump(to: target)
        return true
      case .enter?, .handled?: continue
      case .other?:
        write("type q to quit, a cell number from 1 to \(cells.count), knobs, or set NAME=VALUE\n")
      }
    }
  }

  /// What the student typed at a prompt, once the answers every prompt shares (`knobs`,
  /// `set NAME=VALUE`) are dealt with.
  enum Answer {
    case enter, quit, handled, other
    /// A cell, 0-based.
    case jump(Int)
  }

  /// Shows `prompt`, reads one line (echoing a scripted one, so the session reads as it
  /// went; a terminal echoes typed ones itself), and handles `knobs` and `set`. `nil` at
  /// the end of input.
  mutating func ask(_ prompt: String) throws -> Answer? {
    write(dim(prompt))
    guard let line = lesson.input.readLine() else { return nil }
    if !(lesson.input is StandardInput && Terminal.stdinIsTerminal) { write(line + "\n") }
    let answer = line.trimmingCharacters(in: .whitespaces)
    switch answer.lowercased() {
    case "": return .enter
    case "q", "quit": return .quit
    case "p", "prose":
      // The prose and code of the cell at hand again: a long cell's prose has scrolled
      // away by the time its prompt shows.
      if ran < cells.count { showSource(ran, prose: true) }
      return .handled
    case "b", "back":
      // Back to the code cell before this one (the cells before it run again, quietly).
      let before = (0..<Swift.min(ran, cells.count)).last { cells[$0].kind == .code }
      if let before { return .jump(before) }
      write("this is the first cell\n")
      return .handled
    case "knobs":
      write(knobsText())
      return .handled
    default:
      if answer.lowercased().hasPrefix("set ") || answer.lowercased() == "set" {
        try setLive(String(answer.dropFirst(3)).trimmingCharacters(in: .whitespaces))
        return .handled
      }
      if let target = Int(answer), target >= 1, target <= cells.count { return .jump(target - 1) }
      return .other
    }
  }

  /// Steps from the current cell to the last one, or until the student quits.
  mutating func stepToTheEnd() throws {
    while ran < cells.count {
      if cells[ran].kind == .markdown {
        try show(ran, prose: true)
        continue
      }
      let index = ran
      showSource(index, prose: true)
      prompting: while true {
        let answer = try ask(
          "[cell \(index + 1)/\(cells.count)] Enter runs it · q quits · a number jumps · b back · "
            + "p prose · knobs · set NAME=VALUE: ")
        switch answer {
        case .enter?:
          try runShown(index)
          break prompting
        case nil, .quit?:
          // The end of input (Ctrl-D) quits as q does, with the command to go on.
          write(
            (answer == nil ? "\n" : "") + "to go on from here: \(resumeCommand(at: index + 1))\n")
          return
        case .jump(let target)?:
          try jump(to: target)
          break prompting
        case .handled?: continue
        case .other?:
          write(
            "type Enter to run the cell, q to quit, a cell number from 1 to \(cells.count), b "
              + "for the cell before, p for this cell's prose again, knobs, or set NAME=VALUE\n")
        }
      }
    }
  }

  /// Jumps to cell `target` (0-based), running the cells on the way quietly.
  mutating func jump(to target: Int) throws {
    let from = target < ran ? 0 : ran
    if target > from {
      let started = Date()
      try runQuietly(upTo: target, progress: true)
      let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
      write(dim("ran cells \(from + 1)–\(target) quietly (\(seconds) s)") + "\n\n")
    } else {
      ran = target
    }
  }

  /// The command that resumes this session at cell `number`, with the same settings and
  /// the same look (width, ASCII, colour).
  func resumeCommand(at number: Int) -> String {
    let look: Set = ["width", "ascii", "no-color"]
    return lesson.commandLine(
      leading: ["--step", "--from", "\(number)"],
      flags: { $0.changesResults || look.contains($0.name) })
  }

  /// The knobs with their values and what they allow.
  func knobsText() -> String {
    guard !lesson.knobs.isEmpty else { return "this lesson has no knobs\n" }
    let width = (lesson.knobs.map { $0.name.count }.max() ?? 0) + 2
    // The values column as wide as its longest value (`token-masking`), so no two run together.
    let valueWidth = max(10, (lesson.knobs.map { $0.currentText().count }.max() ?? 0) + 2)
    var lines: [String] = []
    // Each knob's help under its value, as --help gives it, wrapped to the screen.
    let indent = String(repeating: " ", count: 4)
    let room = Swift.max(40, lesson.resolvedWidth - indent.count)
    for knob in lesson.knobs {
      let live = lesson.knobsReadOutsideCells.contains(knob.name) ? " (set it with --set)" : ""
      lines.append(
        "  " + padRight(knob.name, width) + padRight(knob.currentText(), valueWidth)
          + knob.allowed + live)
      lines += TextWrap.wrap(knob.help, width: room, hanging: 0).map { dim(indent + $0) }
    }
    lines += TextWrap.wrap(lesson.liveKnobsText, width: room, hanging: 0).map { "  " + $0 }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `set NAME=VALUE` at the prompt: changes the knob and re-runs, from the first cell
  /// that read it (in its code, title or prose), every cell that has run, so the state is
  /// what a fresh run with `--set NAME=VALUE` would have. The cells before are re-run
  /// quietly (they may hold state the later cells changed); the others are shown again,
  /// with their prose when it names the knob. A value the lesson's constraints refuse is
  /// put back, and nothing runs.
  mutating func setLive(_ pair: String) throws {
    guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
      // The example is one that works: a knob that can change live, at a value it takes.
      let example = lesson.knobs.first {
        !lesson.knobsReadOutsideCells.contains($0.name)
      }
      write(
        "write set NAME=VALUE"
          + (example.map { ", for example set \($0.name)=\($0.currentText())" } ?? "")
          + " (knobs lists them)\n")
      return
    }
    let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
    let value = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
    guard let knob = lesson.knobs.first(where: { $0.name == name }) else {
      write(lesson.unknownKnob(name) + "\n")
      return
    }
    let before = knob.currentText()
    let putBack = knob.saved()
    if let problem = knob.assign(value) {
      write("\(problem); \(name) stays \(before)\n")
      return
    }
    if let problem = lesson.constraintProblems().first {
      putBack()
      write("\(problem); \(name) stays \(before)\n")
      return
    }
    if lesson.knobsReadOutsideCells.contains(name) {
      // The value is checked first, so the command suggested is one that runs; the knob is
      // put back, since the cells that read it ran with the old value.
      putBack()
      write(
        "\(name) is read when the lesson starts, before any cell; to change it, quit and run "
          + "\(resumeCommand(at: ran + 1)) --set \(name)=\(value)\n")
      return
    }
    let after = knob.currentText()
    guard after != before else {
      write("\(name) is already \(after)\n")
      return
    }
    let current = ran
    // The cell waiting at the prompt has not run, but its prose may name the knob.
    let proseAgain = current < cells.count && lesson.textHasRead(name, cell: current)
    guard let first = (0..<current).first(where: { lesson.hasRead(name, cell: $0) }) else {
      write(
        "\(name) = \(after) (was \(before)); no cell has read it yet, so nothing re-runs"
          + (proseAgain ? "; cell \(current + 1) names it:\n\n" : "\n"))
      if proseAgain { showSource(current, prose: true) }
      return
    }
    let visible = (first..<current).filter { cells[$0].kind == .code }
    func span(_ a: Int, _ b: Int) -> String { a == b ? "cell \(a)" : "cells \(a)–\(b)" }
    write(
      dim(
        "\(name) = \(after) (was \(before)): cell \(first + 1) reads it; re-running "
          + span(first + 1, current)
          + (first > 0 ? " (\(span(1, first)) quietly first, for their state)" : "")) + "\n\n")
    ran = 0
    try runQuietly(upTo: first, progress: true)
    for index in first..<current {
      let named = lesson.textHasRead(name, cell: index)
      if cells[index].kind == .markdown {
        // Prose that names the knob is shown again; other prose reads as it did.
        if named { try show(index, prose: true) }
        ran = index + 1
        continue
      }
      let text = lesson.text(ofCell: index)
      write(heading(index, "\(text.title) (re-run)") + "\n\n")
      if named && !text.prose.isEmpty {
        write(TextWrap.prose(text.prose, width: lesson.resolvedWidth) + "\n\n")
      }
      try runShown(index)
    }
    let list = visible.map { "\($0 + 1)" }.joined(separator: ", ")
    write(
      dim("re-ran \(visible.count == 1 ? "cell" : "cells") \(list) with \(name) = \(after)")
        + "\n\n")
    if current < cells.count { showSource(current, prose: proseAgain) }
  }

  func export() throws {
    guard let path = arguments.export else { return }
    var finished = transcript
    finished.command = lesson.reproducingCommand
    // Cells not shown (a quit while stepping, --from, --only) make the export a part.
    let codeCells = cells.indices.filter { cells[$0].kind == .code }
    let shownCode = codeCells.filter { shown.contains($0) }
    if shownCode.count < codeCells.count, let first = shownCode.first, let last = shownCode.last {
      finished.part =
        (first == last ? "cell \(first + 1)" : "cells \(first + 1)–\(last + 1)")
        + " of \(cells.count)"
    } else if shownCode.isEmpty && !codeCells.isEmpty {
      finished.part = "no cell shown"
    }
    let text =
      path.hasSuffix(".ipynb")
      ? finished.jupyter() : path.hasSuffix(".html") ? finished.html() : finished.markdown()
    do {
      try SafeFile.write(Data(text.utf8), to: path)
    } catch {
      throw CellFailure(message: "error: \(error)")
    }
    write("wrote \(path)\n")
  }
}

struct CellFailure: Error {
  let message: String
  var status: Int32 = 1
}

extension Lesson {
  func helpText() -> String {
    var lines = [
      "\(title): \(summary)", "", "usage: \(command) [options]", "", "options:",
    ]
    let room = Swift.max(40, resolvedWidth - 21)
    for flag in Arguments.flags {
      for (i, piece) in TextWrap.wrap(flag.help, width: room, hanging: 0).enumerated() {
        lines.append("  " + padRight(i == 0 ? flag.spelling : "", 19) + piece)
      }
    }
    if !options.isEmpty {
      lines += ["", "lesson options:"]
      for o in options {
        lines.append("  " + padRight("--\(o.name) \(o.kind)", 19) + o.help)
      }
    }
    if !knobs.isEmpty {
      lines += ["", "knobs (--set NAME=VALUE):"]
      let width = (knobs.map { $0.name.count }.max() ?? 0) + 2
      let room = Swift.max(40, resolvedWidth - width - 2)
      for k in knobs {
        let quick = k.quickText.map { ", --quick \($0)" } ?? ""
        let text = "\(k.help) (default \(k.defaultText)\(quick)); \(k.allowed)"
        let wrapped = TextWrap.wrap(text, width: room, hanging: 0)
        for (i, piece) in wrapped.enumerated() {
          lines.append(
            "  " + (i == 0 ? padRight(k.name, width) : String(repeating: " ", count: width)) + piece
          )
        }
      }
      lines += TextWrap.wrap(liveKnobsText, width: Swift.max(40, resolvedWidth - 2), hanging: 0)
        .map { "  " + $0 }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Which knobs a `set` while stepping changes live, for `--help` and `knobs`: all of
  /// them, but for those top-level code read before the first cell.
  var liveKnobsText: String {
    let fixed = knobs.map(\.name).filter { knobsReadOutsideCells.contains($0) }
    guard let last = fixed.last else {
      return "while stepping, set NAME=VALUE changes any of these knobs and re-runs the cells "
        + "that read it"
    }
    let names = fixed.count == 1 ? last : fixed.dropLast().joined(separator: ", ") + " and " + last
    return "while stepping, set NAME=VALUE changes a knob and re-runs the cells that read it, but "
      + "for \(names): read before the first cell, \(fixed.count == 1 ? "it changes" : "they change") "
      + "only with --set (quit and run again)"
  }

  func listText() -> String {
    var lines = ["\(title): \(cells.count) cells", ""]
    for (i, cell) in cells.enumerated() {
      let name: String
      let text = reading(as: .runtime) { (title: cell.title(), prose: cell.prose()) }
      if cell.kind == .code {
        name = text.title
      } else {
        let firstLine = text.prose.split(separator: "\n").first.map(String.init) ?? ""
        name = "(prose) " + firstLine.trimmingCharacters(in: CharacterSet(charactersIn: "# "))
      }
      lines.append(padLeft("\(i + 1)", 3) + ". " + name)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
