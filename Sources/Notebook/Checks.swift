/// A setting under which a lesson's claim is false: the proof that its check can fail.
///
/// A check that cannot fail teaches nothing and hides regressions. Every `check` names its
/// control beside it; `--checks` lists them, and `--control ID` (added to the control's own
/// arguments) runs the lesson expecting that check to fail. The course's CI runs every
/// control, so a claim that would hold for an untrained or broken model is caught.
public struct Control: Sendable, Equatable {
  /// Command-line arguments that make the claim false (`--set steps=1`).
  public let arguments: [String]
  /// Why the claim is false there, in one sentence.
  public let reason: String
  /// Whether the lesson itself breaks the computation when `out.isControl(id)` is true
  /// (for identities, which no knob can make false).
  public let isSabotage: Bool

  /// A control given by knob settings, written as on the command line.
  /// - Parameters:
  ///   - arguments: for example `"--set steps=1 --set hidden=2"`.
  ///   - reason: why the claim is false under them.
  public static func setting(_ arguments: String, _ reason: String) -> Control {
    Control(
      arguments: arguments.split(separator: " ").map(String.init), reason: reason,
      isSabotage: false)
  }

  /// A control the lesson builds itself, when `out.isControl(id)` is true: a planted
  /// mistake (a wrong formula, a mask left out) that the check must catch.
  public static func sabotage(_ reason: String) -> Control {
    Control(arguments: [], reason: reason, isSabotage: true)
  }
}

/// The outcome of one check in a run.
public struct CheckResult: Sendable, Equatable {
  public let id: String
  public let claim: String
  public let passed: Bool
  public let control: Control
  /// The number of the cell that made it.
  public let cell: Int
  /// A claim about data the course did not write, reported without failing the run.
  public let isObservation: Bool
  /// For the entry of a check's second control (its learned-nothing control), the id of
  /// the check it repeats: listed and run as a control of its own, never counted twice as
  /// a failure.
  public var repeats: String? = nil

  /// What the id of a check's learned-nothing control adds to the check's id.
  public static let learnedNothingSuffix = ":learned-nothing"
}

/// The checks made during a run, in order (the latest result for an id that ran twice).
final class CheckLog {
  var results: [CheckResult] = []
  /// The id given with `--control`, if this run is a control run.
  let controlID: String?
  /// Whether the lesson runs on a learner's own data (`--corpus`): data-dependent claims
  /// are then reported as observations.
  var onOwnData = false

  init(controlID: String?) { self.controlID = controlID }

  func record(_ result: CheckResult) {
    results.removeAll { $0.id == result.id }
    results.append(result)
  }

  var failures: [CheckResult] {
    results.filter { !$0.passed && !$0.isObservation && $0.repeats == nil }
  }
}
