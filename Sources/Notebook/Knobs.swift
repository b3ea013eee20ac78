/// A setting a lesson declares so students can experiment: a learning rate, a model
/// size, a corpus level. Shown by `--help`, set with `--set name=value` (or
/// `--name value`) or, while stepping, with `set name=value`, and checked against its
/// range (and the lesson's constraints) before anything runs and at every `set`.
public struct Knob {
  public let name: String
  /// What kind of value, for `--help`: `number`, `integer`, `yes/no` or the choices.
  public let kind: String
  public let defaultText: String
  /// The default under `--quick`, when it differs.
  public let quickText: String?
  /// The allowed values, for `--help` and error messages.
  public let allowed: String
  public let help: String
  /// Sets the knob from text; returns the error message, or `nil` when the value is taken.
  let assign: (String) -> String?
  /// The knob's value in this run, as text.
  let currentText: () -> String
  /// The default in this run's mode (`--quick` or not), as text.
  var startText: String = ""
  /// Returns what puts the knob back as it is now: its value, and whether the learner set it.
  var saved: () -> () -> Void = { {} }
}

/// The value of a knob in this run.
///
/// Read it with `.value` inside a cell, or in a cell's title or prose. The runtime notes
/// which cells read which knob, so that a `set name=value` typed while stepping re-runs
/// exactly the cells that depend on it. A knob read outside any cell (in top-level code)
/// cannot be changed live; the runtime says so and suggests `--set` instead.
public final class KnobValue<Value> {
  public let name: String
  unowned let lesson: Lesson
  var current: Value
  /// Whether the learner chose this value (`--set`, or `set` while stepping) rather than
  /// leaving the default: a lesson may adapt a default to the data, never a choice.
  public internal(set) var isSet = false

  init(name: String, lesson: Lesson, value: Value) {
    self.name = name
    self.lesson = lesson
    self.current = value
  }

  /// The knob's value, noted as read by the cell that is running.
  public var value: Value {
    lesson.noteRead(of: name)
    return current
  }
}

/// Writes a knob value as it is typed: `0.01`, not `0.009999999776482582`; a choice by its
/// raw value.
func knobText<T>(_ value: T) -> String {
  if let v = value as? Double { return v.rounded() == v && abs(v) < 1e15 ? "\(Int(v))" : "\(v)" }
  if let v = value as? Float { return v.rounded() == v && abs(v) < 1e15 ? "\(Int(v))" : "\(v)" }
  if let v = value as? Bool { return v ? "yes" : "no" }
  if let v = value as? any RawRepresentable<String> { return v.rawValue }
  return "\(value)"
}

extension Lesson {
  /// Declares a real-valued knob.
  /// - Parameters:
  ///   - quick: the default under `--quick`, if different.
  ///   - range: the allowed values, edges included; anything else is refused before the
  ///     lesson runs.
  public func knob(
    _ name: String, default value: Double, quick: Double? = nil, range: ClosedRange<Double>,
    help: String
  ) -> KnobValue<Double> {
    numericKnob(name, value, quick, range, kind: "number", help: help) { Double($0) }
  }

  /// Declares a `Float` knob. The text is read as a `Float`, so the range's edges, written
  /// as `Float` literals, are accepted exactly (`0.1` is in `0.1...1`).
  public func knob(
    _ name: String, default value: Float, quick: Float? = nil, range: ClosedRange<Float>,
    help: String
  ) -> KnobValue<Float> {
    numericKnob(name, value, quick, range, kind: "number", help: help) { Float($0) }
  }

  /// Declares an integer knob.
  public func knob(
    _ name: String, default value: Int, quick: Int? = nil, range: ClosedRange<Int>, help: String
  ) -> KnobValue<Int> {
    numericKnob(name, value, quick, range, kind: "integer", help: help) { Int($0) }
  }

  /// Declares a knob with a fixed set of values.
  public func knob(
    _ name: String, default value: String, choices: [String], help: String
  ) -> KnobValue<String> {
    precondition(choices.contains(value), "knob \(name): the default must be one of the choices")
    return declare(
      name, value, quickDefault: nil, kind: choices.joined(separator: "|"),
      allowed: "one of " + choices.joined(separator: ", "), help: help
    ) { choices.contains($0) ? $0 : nil }
  }

  /// Declares a knob whose values are the cases of an enumeration, typed by their raw
  /// values (`--set cell=lstm` for `RecurrentCell.lstm`), offered in the order of `allCases`.
  public func knob<Choice: CaseIterable & RawRepresentable<String>>(
    _ name: String, default value: Choice, help: String
  ) -> KnobValue<Choice> {
    let choices = Choice.allCases.map(\.rawValue)
    return declare(
      name, value, quickDefault: nil, kind: choices.joined(separator: "|"),
      allowed: "one of " + choices.joined(separator: ", "), help: help
    ) { Choice(rawValue: $0) }
  }

  /// Declares a yes/no knob (`--set name=yes` or `no`, also `true`/`false`, `1`/`0`).
  public func knob(_ name: String, default value: Bool, help: String) -> KnobValue<Bool> {
    declare(name, value, quickDefault: nil, kind: "yes/no", allowed: "yes or no", help: help) {
      switch $0.lowercased() {
      case "yes", "true", "1": return true
      case "no", "false", "0": return false
      default: return nil
      }
    }
  }

  /// Declares an option that names something, such as `--corpus FILE`; `nil` when not
  /// given. The lesson checks the value itself (does the file exist?). Options are read
  /// when the lesson starts and cannot be changed while stepping.
  public func option(_ name: String, valueName: String, help: String) -> String? {
    let given = arguments.claim(name)?.value
    register(
      Knob(
        name: name, kind: valueName, defaultText: "none", quickText: nil, allowed: valueName,
        help: help, assign: { _ in "\(name) is an option; run again with --\(name)" },
        currentText: { given ?? "" }), isOption: true)
    return given
  }

  func numericKnob<T: Comparable>(
    _ name: String, _ value: T, _ quick: T?, _ range: ClosedRange<T>, kind: String,
    help: String, parse: @escaping (String) -> T?
  ) -> KnobValue<T> {
    let article = kind == "integer" ? "a whole number" : "a number"
    return declare(
      name, value, quickDefault: quick, kind: kind,
      allowed: "\(article) from \(knobText(range.lowerBound)) to \(knobText(range.upperBound))",
      help: help
    ) { text in
      guard let parsed = parse(text), range.contains(parsed) else { return nil }
      if let real = parsed as? Double, !real.isFinite { return nil }
      if let real = parsed as? Float, !real.isFinite { return nil }
      return parsed
    }
  }

  /// Registers a knob, takes its value from the command line if given, and returns it.
  func declare<T>(
    _ name: String, _ value: T, quickDefault: T?, kind: String, allowed: String, help: String,
    parse: @escaping (String) -> T?
  ) -> KnobValue<T> {
    let start = isQuick ? (quickDefault ?? value) : value
    let handle = KnobValue(name: name, lesson: self, value: start)
    register(
      Knob(
        name: name, kind: kind, defaultText: knobText(value), quickText: quickDefault.map(knobText),
        allowed: allowed, help: help,
        assign: { text in
          guard let parsed = parse(text) else { return "\(name) must be \(allowed)" }
          handle.current = parsed
          handle.isSet = true
          return nil
        },
        currentText: { knobText(handle.current) }, startText: knobText(start),
        saved: {
          let (value, isSet) = (handle.current, handle.isSet)
          return {
            handle.current = value
            handle.isSet = isSet
          }
        }))
    if let (text, spelling) = arguments.claim(name) {
      if let parsed = parse(text) {
        handle.current = parsed
        handle.isSet = true
      } else {
        errors.append("\(spelling): \(name) must be \(allowed)")
      }
    }
    return handle
  }

  func register(_ knob: Knob, isOption: Bool = false) {
    precondition(
      !knobs.contains { $0.name == knob.name } && !options.contains { $0.name == knob.name },
      "knob \(knob.name) is declared twice")
    if isOption { options.append(knob) } else { knobs.append(knob) }
  }
}
