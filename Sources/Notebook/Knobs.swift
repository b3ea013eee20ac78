/// A setting a lesson declares so students can experiment: a learning rate, a model
/// size, a corpus level. Shown by `--help`, set with `--set name=value` (or
/// `--name value`), and checked against its range before anything runs.
public struct Knob: Sendable {
  public let name: String
  /// What kind of value, for `--help`: `number`, `integer`, `yes/no` or the choices.
  public let kind: String
  public let defaultText: String
  /// The default under `--quick`, when it differs.
  public let quickText: String?
  /// The allowed values, for `--help` and error messages.
  public let allowed: String
  public let help: String
}

extension Lesson {
  /// Declares a real-valued knob and returns its value for this run.
  /// - Parameters:
  ///   - quick: the default under `--quick`, if different.
  ///   - range: the allowed values; anything else is refused before the lesson runs.
  public func knob(
    _ name: String, default value: Double, quick: Double? = nil, range: ClosedRange<Double>,
    help: String
  ) -> Double {
    let allowed = "a number from \(range.lowerBound) to \(range.upperBound)"
    register(
      Knob(
        name: name, kind: "number", defaultText: "\(value)",
        quickText: quick.map { "\($0)" }, allowed: allowed, help: help))
    let fallback = isQuick ? (quick ?? value) : value
    guard let (text, spelling) = arguments.claim(name) else { return fallback }
    guard let parsed = Double(text), parsed.isFinite, range.contains(parsed) else {
      errors.append("\(spelling): \(name) must be \(allowed)")
      return fallback
    }
    return parsed
  }

  /// Declares a `Float` knob (see the `Double` version).
  public func knob(
    _ name: String, default value: Float, quick: Float? = nil, range: ClosedRange<Float>,
    help: String
  ) -> Float {
    Float(
      knob(
        name, default: Double(value), quick: quick.map(Double.init),
        range: Double(range.lowerBound)...Double(range.upperBound), help: help))
  }

  /// Declares an integer knob and returns its value for this run.
  public func knob(
    _ name: String, default value: Int, quick: Int? = nil, range: ClosedRange<Int>, help: String
  ) -> Int {
    let allowed = "a whole number from \(range.lowerBound) to \(range.upperBound)"
    register(
      Knob(
        name: name, kind: "integer", defaultText: String(value), quickText: quick.map(String.init),
        allowed: allowed, help: help))
    let fallback = isQuick ? (quick ?? value) : value
    guard let (text, spelling) = arguments.claim(name) else { return fallback }
    guard let parsed = Int(text), range.contains(parsed) else {
      errors.append("\(spelling): \(name) must be \(allowed)")
      return fallback
    }
    return parsed
  }

  /// Declares a knob with a fixed set of values and returns this run's choice.
  public func knob(
    _ name: String, default value: String, choices: [String], help: String
  ) -> String {
    precondition(choices.contains(value), "knob \(name): the default must be one of the choices")
    let allowed = "one of " + choices.joined(separator: ", ")
    register(
      Knob(
        name: name, kind: choices.joined(separator: "|"), defaultText: value, quickText: nil,
        allowed: allowed, help: help))
    guard let (text, spelling) = arguments.claim(name) else { return value }
    guard choices.contains(text) else {
      errors.append("\(spelling): \(name) must be \(allowed)")
      return value
    }
    return text
  }

  /// Declares a yes/no knob (`--set name=yes` or `no`, also `true`/`false`, `1`/`0`).
  public func knob(_ name: String, default value: Bool, help: String) -> Bool {
    register(
      Knob(
        name: name, kind: "yes/no", defaultText: value ? "yes" : "no", quickText: nil,
        allowed: "yes or no", help: help))
    guard let (text, spelling) = arguments.claim(name) else { return value }
    switch text.lowercased() {
    case "yes", "true", "1": return true
    case "no", "false", "0": return false
    default:
      errors.append("\(spelling): \(name) must be yes or no")
      return value
    }
  }

  /// Declares an option that names something, such as `--corpus FILE`; `nil` when not
  /// given. The lesson checks the value itself (does the file exist?).
  public func option(_ name: String, valueName: String, help: String) -> String? {
    register(
      Knob(
        name: name, kind: valueName, defaultText: "none", quickText: nil, allowed: valueName,
        help: help), isOption: true)
    return arguments.claim(name)?.value
  }

  func register(_ knob: Knob, isOption: Bool = false) {
    precondition(
      !knobs.contains { $0.name == knob.name } && !options.contains { $0.name == knob.name },
      "knob \(knob.name) is declared twice")
    if isOption { options.append(knob) } else { knobs.append(knob) }
  }
}
