/// The command line every lesson understands, parsed without any package.
///
/// Flags the runner knows are parsed at once; everything else (`--set name=value`,
/// `--name value` for a knob, options like `--corpus FILE`) waits until the lesson has
/// declared its knobs and options, and whatever is left over is refused.
public struct Arguments: Equatable {
  public var help = false
  public var list = false
  public var step = false
  public var quick = false
  public var from: Int?
  public var only: Int?
  public var seed: UInt64 = 0
  public var color = true
  public var ascii = false
  public var width: Int?
  public var export: String?
  public var quiz = false
  public var answers = false
  /// `--checks`: list every check with its control.
  public var checks = false
  /// `--control ID`: the control run of check `ID` (it must fail).
  public var control: String?
  /// `--set name=value` pairs and `--name value` pairs not yet claimed by a knob or option;
  /// `value` is `nil` for a `--name` with nothing after it.
  var pending: [(name: String, value: String?, spelling: String)] = []

  /// One flag the runner knows: its name, the value it takes, its help, what it does to
  /// the arguments, and how a run that gave it spells it again. Parsing, `--help`, "did you
  /// mean" and the commands that run a lesson again all read `RunnerFlag.all`.
  struct RunnerFlag {
    /// The name without its dashes: `quick` is `--quick`.
    let name: String
    /// What the value is called in `--help` (`N`, `FILE`), or `nil` for a switch.
    let value: String?
    let help: String
    /// Whether the flag changes what the run computes (`--quick`, `--seed`), so that a
    /// command reproducing the run's results must give it; the others change how the run
    /// is shown or what it does with its results.
    var changesResults = false
    /// Sets the flag's value in the arguments; a switch gets the empty string.
    let apply: (inout Arguments, String) throws -> Void
    /// The words that give the flag as `arguments` have it, or `nil` if they do not.
    let given: (Arguments) -> [String]?

    var spelling: String { "--" + name + (value.map { " " + $0 } ?? "") }
  }

  /// The flags the runner itself knows, in the order `--help` lists them.
  static let flags: [RunnerFlag] = [
    RunnerFlag(
      name: "list", value: nil, help: "list the cells and exit",
      apply: { a, _ in a.list = true }, given: { $0.list ? [] : nil }),
    RunnerFlag(
      name: "step", value: nil,
      help: "step through the cells: each shows its prose and code, then Enter runs it; q "
        + "quits, a number jumps, b goes back a cell, p shows the prose again, knobs lists the "
        + "knobs, set NAME=VALUE changes one and re-runs the cells that read it; after the last "
        + "cell it waits until q. A cell taller than the terminal is shown a screen at a time",
      apply: { a, _ in a.step = true }, given: { $0.step ? [] : nil }),
    RunnerFlag(
      name: "from", value: "N", help: "start at cell N (the cells before it run quietly)",
      apply: { a, text in a.from = try wholeNumber("--from", text, 1...10_000) },
      given: { $0.from.map { ["\($0)"] } }),
    RunnerFlag(
      name: "only", value: "N", help: "run only cell N (the cells before it run quietly)",
      apply: { a, text in a.only = try wholeNumber("--only", text, 1...10_000) },
      given: { $0.only.map { ["\($0)"] } }),
    RunnerFlag(
      name: "quick", value: nil, help: "small sizes: a first look in seconds",
      changesResults: true, apply: { a, _ in a.quick = true }, given: { $0.quick ? [] : nil }),
    RunnerFlag(
      name: "seed", value: "N", help: "the random seed (default 0)", changesResults: true,
      apply: { a, text in
        guard let seed = UInt64(text) else {
          throw UsageError("--seed must be a whole number from 0 to \(UInt64.max), got '\(text)'")
        }
        a.seed = seed
      },
      // Always given, so that a reader sees which seed made what they read.
      given: { ["\($0.seed)"] }),
    RunnerFlag(
      name: "set", value: "NAME=VALUE", help: "set a knob (also --NAME VALUE)",
      apply: { a, pair in
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
          throw UsageError("--set needs name=value, got '\(pair)'")
        }
        a.pending.append(
          (String(pair[..<equals]), String(pair[pair.index(after: equals)...]), "--set \(pair)"))
      },
      // Knobs are spelled from their values, not from the command line.
      given: { _ in nil }),
    RunnerFlag(
      name: "export", value: "FILE",
      help: "write the run as Markdown (.md), a Jupyter notebook (.ipynb) or one "
        + "self-contained web page (.html)",
      apply: { a, path in
        guard path.hasSuffix(".md") || path.hasSuffix(".ipynb") || path.hasSuffix(".html") else {
          throw UsageError("--export writes a .md, .ipynb or .html file, got '\(path)'")
        }
        a.export = path
      },
      given: { $0.export.map { [shellQuoted($0)] } }),
    RunnerFlag(
      name: "width", value: "N",
      help: "text and plot width (default: the terminal's, else COLUMNS, else 80; 100 when "
        + "exporting)",
      apply: { a, text in a.width = try wholeNumber("--width", text, 20...1_000) },
      given: { $0.width.map { ["\($0)"] } }),
    RunnerFlag(
      name: "ascii", value: nil, help: "draw with ASCII characters only",
      apply: { a, _ in a.ascii = true }, given: { $0.ascii ? [] : nil }),
    RunnerFlag(
      name: "no-color", value: nil,
      help: "no colour (also when NO_COLOR is set or output is not a terminal)",
      apply: { a, _ in a.color = false }, given: { $0.color ? nil : [] }),
    RunnerFlag(
      name: "quiz", value: nil, help: "take the lesson's quiz",
      apply: { a, _ in a.quiz = true }, given: { $0.quiz ? [] : nil }),
    RunnerFlag(
      name: "answers", value: nil, help: "with --quiz: print the quiz with its answers",
      apply: { a, _ in a.answers = true }, given: { $0.answers ? [] : nil }),
    RunnerFlag(
      name: "checks", value: nil,
      help: "run the lesson quietly and list its checks with their controls",
      apply: { a, _ in a.checks = true }, given: { $0.checks ? [] : nil }),
    RunnerFlag(
      name: "control", value: "ID",
      help: "run check ID's control: succeeds only if the check fails",
      apply: { a, id in a.control = id }, given: { $0.control.map { [shellQuoted($0)] } }),
    RunnerFlag(
      name: "help", value: nil, help: "show this help (also -h)",
      apply: { a, _ in a.help = true }, given: { $0.help ? [] : nil }),
  ]

  /// The flag named `name` (without dashes), if the runner knows it.
  static func flag(_ name: String) -> RunnerFlag? { flags.first { $0.name == name } }

  /// The flags the runner itself knows, for "did you mean".
  static var runnerFlags: [String] { flags.map(\.name) }

  /// The words that give again the flags of this run that `include` selects, in the order
  /// of `flags` (knobs and options are the lesson's to spell).
  func words(of include: (RunnerFlag) -> Bool) -> [String] {
    Self.flags.filter(include).flatMap { flag in
      flag.given(self).map { ["--" + flag.name] + $0 } ?? []
    }
  }

  /// `text` as a whole number in `range`, or a message naming `flag`.
  static func wholeNumber(_ flag: String, _ text: String, _ range: ClosedRange<Int>) throws -> Int {
    guard let n = Int(text), range.contains(n) else {
      throw UsageError(
        "\(flag) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"
      )
    }
    return n
  }

  /// Two parsings are equal when they spell the same flags (every flag of the table says
  /// how it is given) and leave the same settings pending.
  public static func == (a: Arguments, b: Arguments) -> Bool {
    a.words { _ in true } == b.words { _ in true }
      && a.pending.map { "\($0)" } == b.pending.map { "\($0)" }
  }

  public init() {}

  /// Parses `arguments` (without the program name).
  /// - Throws: `UsageError` for a malformed or unknown runner flag.
  public static func parse(_ arguments: [String]) throws -> Arguments {
    var result = Arguments()
    // How each valued flag was given, so that one given twice is refused rather than the
    // last one silently winning: two exports would write one file, two corpora train on one.
    var given: [String: String] = [:]
    var i = 0
    while i < arguments.count {
      let argument = arguments[i] == "-h" ? "--help" : arguments[i]
      guard argument.hasPrefix("--"), argument.count > 2 else {
        throw UsageError("unexpected argument '\(argument)'")
      }
      var flag = argument
      var inline: String? = nil
      if let equals = argument.firstIndex(of: "=") {
        flag = String(argument[..<equals])
        inline = String(argument[argument.index(after: equals)...])
      }
      let name = String(flag.dropFirst(2))
      guard let known = Self.flag(name) else {
        if let inline {
          result.pending.append((name, inline, argument))
        } else if i + 1 < arguments.count, !arguments[i + 1].hasPrefix("--") {
          i += 1
          result.pending.append((name, arguments[i], "\(flag) \(arguments[i])"))
        } else {
          result.pending.append((name, nil, flag))
        }
        i += 1
        continue
      }
      guard known.value != nil else {
        if inline != nil { throw UsageError("\(flag) takes no value, got '\(argument)'") }
        try known.apply(&result, "")
        i += 1
        continue
      }
      let value: String
      if let inline {
        value = inline
      } else {
        i += 1
        guard i < arguments.count, !arguments[i].hasPrefix("--") else {
          throw UsageError("\(flag) needs a value")
        }
        value = arguments[i]
      }
      if name != "set" {
        let spelled = inline == nil ? "\(flag) \(value)" : argument
        if let first = given[name] {
          throw UsageError("\(flag) is given twice ('\(first)' and '\(spelled)'); give it once")
        }
        given[name] = spelled
      }
      try known.apply(&result, value)
      i += 1
    }
    var named: [String: String] = [:]
    for (name, _, spelling) in result.pending {
      if let first = named[name] {
        throw UsageError("\(name) is set twice ('\(first)' and '\(spelling)'); set it once")
      }
      named[name] = spelling
    }
    if result.answers && !result.quiz {
      throw UsageError("--answers goes with --quiz (it prints the quiz with its answers)")
    }
    if result.checks && result.control != nil {
      throw UsageError("--checks lists the checks; --control runs one check's control: choose one")
    }
    if result.from != nil && result.only != nil {
      throw UsageError("--from and --only cannot be used together")
    }
    return result
  }

  /// Removes and returns the value given for `name`, if any.
  ///
  /// A `--name` given without a value stays pending, to be reported as needing one.
  mutating func claim(_ name: String) -> (value: String, spelling: String)? {
    guard let index = pending.lastIndex(where: { $0.name == name && $0.value != nil })
    else { return nil }
    let found = pending[index]
    pending.removeAll { $0.name == name && $0.value != nil }
    return (found.value!, found.spelling)
  }

  /// The closest of `candidates` to `name`, if it is a likely typo (edit distance ≤ 2).
  static func suggestion(for name: String, among candidates: [String]) -> String? {
    // Case first: `LR` is `lr`, however many letters differ in case.
    if let folded = candidates.first(where: { $0.lowercased() == name.lowercased() }) {
      return folded
    }
    let scored = candidates.map { ($0, editDistance(name, $0)) }.filter {
      $0.1 <= Swift.min(2, Swift.max(1, name.count / 3))
    }
    return scored.min { $0.1 < $1.1 }?.0
  }

  /// The edit distance between two words: the fewest insertions, deletions, substitutions
  /// and swaps of two neighbouring letters that turn one into the other (`qiuck` is one swap
  /// from `quick`, as typing slips are; plain Levenshtein counts it as two).
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var distance = Array(
      repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { distance[i][0] = i }
    for j in 0...b.count { distance[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let substitution = a[i - 1] == b[j - 1] ? 0 : 1
        distance[i][j] = Swift.min(
          distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + substitution)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          distance[i][j] = Swift.min(distance[i][j], distance[i - 2][j - 2] + 1)
        }
      }
    }
    return distance[a.count][b.count]
  }
}

/// A command-line mistake: printed with a pointer to `--help`, exit code 2. A cell may
/// throw one too, for input it can only check when it runs (a checkpoint file).
public struct UsageError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
