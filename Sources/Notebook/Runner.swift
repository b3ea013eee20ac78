import Foundation

/// Runs a lesson's cells: in order, from a cell, one cell, or stepping with the student.
struct Runner {
  let lesson: Lesson
  var transcript: Transcript
  /// How many cells have run so far (the next cell to run has index `ran`).
  var ran = 0
  var failedChecks: [String] = []

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
    header()
    do {
      let start = (arguments.from ?? arguments.only ?? 1) - 1
      let end = arguments.only ?? count
      try runQuietly(upTo: start)
      if arguments.step {
        try stepThrough()
      } else {
        while ran < end { try show(ran, prose: true) }
      }
      try export()
    } catch let failure as CellFailure {
      lesson.errorOutput.write("\(failure.message)\n")
      return failure.status
    } catch {
      lesson.errorOutput.write("error: \(error)\n")
      return 1
    }
    if !failedChecks.isEmpty {
      lesson.errorOutput.write(
        failedChecks.map { "check failed: \($0)\n" }.joined()
          + "the lesson's claims did not hold with these settings (see the ✗ lines)\n")
      return 1
    }
    return 0
  }

  func write(_ text: String) { lesson.console.write(text) }

  func bold(_ text: String) -> String {
    lesson.colorEnabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text
  }

  func dim(_ text: String) -> String {
    lesson.colorEnabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text
  }

  func header() {
    write(bold("# \(lesson.title)") + "\n\n" + lesson.introduction + "\n\n")
  }

  /// Runs the cells before `index` without showing them, so the state is as if they had.
  /// Cells that already ran are run again from the first, in order.
  mutating func runQuietly(upTo index: Int) throws {
    if index < ran { ran = 0 }
    while ran < index {
      let output = CellOutput(sink: nil, style: lesson.style, progressEnabled: false)
      try execute(ran, output)
      ran += 1
    }
  }

  /// Shows cell `index` (its prose unless `prose` is false), runs it, records it.
  mutating func show(_ index: Int, prose: Bool) throws {
    let cell = cells[index]
    let number = index + 1
    let style = lesson.style
    if cell.kind == .markdown {
      if prose { write(cell.prose + "\n\n") }
      transcript.entries.append(.markdown(cell.prose))
      ran = index + 1
      return
    }
    let rule = String(
      repeating: style.horizontal,
      count: Swift.max(3, Swift.min(style.width, 80) - cell.title.count - 8))
    write(bold("\(style.horizontal)\(style.horizontal) \(number). \(cell.title) \(rule)") + "\n")
    if prose && !cell.prose.isEmpty { write(cell.prose + "\n") }
    if !cell.source.isEmpty {
      write(
        "\n" + cell.source.map { dim(style.vertical + " " + $0) }.joined(separator: "\n") + "\n")
    }
    write("\n")
    let output = CellOutput(
      sink: lesson.console, style: style, progressEnabled: lesson.progressEnabled)
    try execute(index, output)
    failedChecks += output.failedChecks
    write("\n")
    transcript.entries.append(
      .code(
        number: number, title: cell.title, prose: cell.prose, source: cell.source,
        output: output.recorded))
    ran = index + 1
  }

  func execute(_ index: Int, _ output: CellOutput) throws {
    guard let body = cells[index].body else { return }
    do {
      try body(output)
    } catch let usage as UsageError {
      throw CellFailure(message: "error: \(usage.message)", status: 2)
    } catch {
      throw CellFailure(message: "error in cell \(index + 1) (\(cells[index].title)): \(error)")
    }
  }

  /// Pauses before each cell and acts on the student's answer.
  mutating func stepThrough() throws {
    while ran < cells.count {
      let cell = cells[ran]
      let name = cell.kind == .code ? cell.title : "prose"
      write(
        dim(
          "[cell \(ran + 1)/\(cells.count): \(name)] Enter runs it, s skips its prose, "
            + "q quits, a number jumps: "))
      guard let answer = lesson.input.readLine()?.trimmingCharacters(in: .whitespaces) else {
        write("\n")
        return
      }
      switch answer.lowercased() {
      case "": try show(ran, prose: true)
      case "s": try show(ran, prose: false)
      case "q": return
      default:
        guard let target = Int(answer), target >= 1, target <= cells.count else {
          write("type Enter, s, q, or a cell number from 1 to \(cells.count)\n")
          continue
        }
        try runQuietly(upTo: target - 1)
      }
    }
  }

  func export() throws {
    guard let path = arguments.export else { return }
    let text = path.hasSuffix(".ipynb") ? transcript.jupyter() : transcript.markdown()
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw CellFailure(message: "error: cannot write \(path): \(error.localizedDescription)")
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
      "  --list             list the cells and exit",
      "  --step             pause before each cell: Enter runs it, s skips its prose,",
      "                     q quits, a number jumps to that cell",
      "  --from N           start at cell N (the cells before it run quietly)",
      "  --only N           run only cell N (the cells before it run quietly)",
      "  --quick            small sizes: a first look in seconds",
      "  --seed N           the random seed (default 0)",
      "  --set NAME=VALUE   set a knob (also --NAME VALUE)",
      "  --export FILE      write the run as Markdown (.md) or a Jupyter notebook (.ipynb)",
      "  --width N          plot width in characters (default: the terminal's, else 80)",
      "  --ascii            draw with ASCII characters only",
      "  --no-color         no colour (also when NO_COLOR is set or output is not a terminal)",
      "  --quiz             take the lesson's quiz (--quiz --answers prints it with answers)",
      "  --help             show this help",
    ]
    if !options.isEmpty {
      lines += ["", "lesson options:"]
      for o in options {
        lines.append("  " + padRight("--\(o.name) \(o.kind)", 19) + o.help)
      }
    }
    if !knobs.isEmpty {
      lines += ["", "knobs (--set NAME=VALUE):"]
      let width = (knobs.map { $0.name.count }.max() ?? 0) + 2
      for k in knobs {
        let quick = k.quickText.map { ", --quick \($0)" } ?? ""
        lines.append(
          "  " + padRight(k.name, width) + "\(k.help) (default \(k.defaultText)\(quick))")
        lines.append("  " + String(repeating: " ", count: width) + k.allowed)
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  func listText() -> String {
    var lines = ["\(title): \(cells.count) cells", ""]
    for (i, cell) in cells.enumerated() {
      let name: String
      if cell.kind == .code {
        name = cell.title
      } else {
        let firstLine = cell.prose.split(separator: "\n").first.map(String.init) ?? ""
        name = "(prose) " + firstLine.trimmingCharacters(in: CharacterSet(charactersIn: "# "))
      }
      lines.append(padLeft("\(i + 1)", 3) + ". " + name)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
