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

  /// The flags the runner itself knows, for `--help` and "did you mean".
  static let runnerFlags = [
    "help", "list", "step", "quick", "no-color", "ascii", "quiz", "answers", "from", "only",
    "width", "seed", "export", "set", "checks", "control",
  ]

  public static func == (a: Arguments, b: Arguments) -> Bool {
    a.help == b.help && a.list == b.list && a.step == b.step && a.quick == b.quick
      && a.from == b.from && a.only == b.only && a.seed == b.seed && a.color == b.color
      && a.ascii == b.ascii && a.width == b.width && a.export == b.export
      && a.quiz == b.quiz && a.answers == b.answers && a.checks == b.checks
      && a.control == b.control
      && a.pending.map { "\($0)" } == b.pending.map { "\($0)" }
  }

  public init() {}

  /// Parses `arguments` (without the program name).
  /// - Throws: `UsageError` for a malformed or unknown runner flag.
  public static func parse(_ arguments: [String]) throws -> Arguments {
    var result = Arguments()
    var i = 0
    func value(_ flag: String) throws -> String {
      i += 1
      guard i < arguments.count, !arguments[i].hasPrefix("--") else {
        throw UsageError("\(flag) needs a value")
      }
      return arguments[i]
    }
    func integer(_ flag: String, _ text: String, _ range: ClosedRange<Int>) throws -> Int {
      guard let n = Int(text), range.contains(n) else {
        throw UsageError(
          "\(flag) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"
        )
      }
      return n
    }
    while i < arguments.count {
      let argument = arguments[i]
      var flag = argument
      var inline: String? = nil
      if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "="),
        !argument.hasPrefix("--set")
      {
        flag = String(argument[..<equals])
        inline = String(argument[argument.index(after: equals)...])
      }
      func takeValue() throws -> String {
        if let inline { return inline }
        return try value(flag)
      }
      func noValue() throws {
        if inline != nil { throw UsageError("\(flag) takes no value, got '\(argument)'") }
      }
      switch flag {
      case "--help", "-h", "--list", "--step", "--quick", "--no-color", "--ascii", "--quiz",
        "--answers", "--checks":
        try noValue()
      default: break
      }
      switch flag {
      case "--help", "-h": result.help = true
      case "--list": result.list = true
      case "--step": result.step = true
      case "--quick": result.quick = true
      case "--no-color": result.color = false
      case "--ascii": result.ascii = true
      case "--quiz": result.quiz = true
      case "--answers": result.answers = true
      case "--checks": result.checks = true
      case "--control": result.control = try takeValue()
      case "--from": result.from = try integer(flag, takeValue(), 1...10_000)
      case "--only": result.only = try integer(flag, takeValue(), 1...10_000)
      case "--width": result.width = try integer(flag, takeValue(), 20...1_000)
      case "--seed":
        let text = try takeValue()
        guard let seed = UInt64(text) else {
          throw UsageError("--seed must be a whole number from 0 to \(UInt64.max), got '\(text)'")
        }
        result.seed = seed
      case "--export":
        let path = try takeValue()
        guard path.hasSuffix(".md") || path.hasSuffix(".ipynb") || path.hasSuffix(".html") else {
          throw UsageError("--export writes a .md, .ipynb or .html file, got '\(path)'")
        }
        result.export = path
      case "--set":
        let pair = try value(flag)
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
          throw UsageError("--set needs name=value, got '\(pair)'")
        }
        result.pending.append(
          (String(pair[..<equals]), String(pair[pair.index(after: equals)...]), "--set \(pair)"))
      default:
        guard flag.hasPrefix("--"), flag.count > 2 else {
          throw UsageError("unexpected argument '\(argument)'")
        }
        let name = String(flag.dropFirst(2))
        if let inline {
          result.pending.append((name, inline, argument))
        } else if i + 1 < arguments.count, !arguments[i + 1].hasPrefix("--") {
          i += 1
          result.pending.append((name, arguments[i], "\(flag) \(arguments[i])"))
        } else {
          result.pending.append((name, nil, flag))
        }
      }
      i += 1
    }
    // A setting given twice is refused rather than the last one silently winning: two
    // exports would write one file, two corpora train on one.
    var given: [String: String] = [:]
    let valued: Set<String> = ["--control", "--from", "--only", "--width", "--seed", "--export"]
    var j = 0
    while j < arguments.count {
      let argument = arguments[j]
      let flag = argument.hasPrefix("--set") ? "--set" : String(argument.prefix { $0 != "=" })
      if valued.contains(flag) {
        let spelled =
          argument.contains("=") || j + 1 >= arguments.count
          ? argument : "\(argument) \(arguments[j + 1])"
        if let first = given[flag] {
          throw UsageError("\(flag) is given twice ('\(first)' and '\(spelled)'); give it once")
        }
        given[flag] = spelled
      }
      j += 1
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

  /// The Levenshtein distance between two words.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...Swift.max(a.count, 1) where !a.isEmpty {
      var row = [i] + Array(repeating: 0, count: b.count)
      for j in 1...Swift.max(b.count, 1) where !b.isEmpty {
        row[j] = Swift.min(
          previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = row
    }
    return a.isEmpty ? b.count : previous[b.count]
  }
}

/// A command-line mistake: printed with a pointer to `--help`, exit code 2. A cell may
/// throw one too, for input it can only check when it runs (a checkpoint file).
public struct UsageError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
