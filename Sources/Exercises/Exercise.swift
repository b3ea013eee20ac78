import Foundation
import TensorCore

/// The outcome of checking one exercise.
public enum Verdict: Equatable, Sendable {
  /// The stub still returns `nil`: nothing to check yet.
  case notAttempted
  /// The first case where the attempt differs: its inputs, the expected and the actual
  /// answer, all as text a student can read.
  case wrong(input: String, expected: String, got: String)
  case correct

  public var isCorrect: Bool { self == .correct }
}

/// One exercise: what to write, and how to check it.
public struct Exercise: Sendable {
  /// A short id, unique within its lesson (`bigram-counts`).
  public let id: String
  /// The lesson it belongs to: `bag-of-words`, `ngrams`, `rnn`, `attention`, `gpt`, `denoising`,
  /// `albert`.
  public let lesson: String
  public let title: String
  /// What to implement, in a sentence or two.
  public let task: String
  /// One hint, shown on request (`exercises hint LESSON ID`): the step a student most often
  /// misses, without the answer.
  public let hint: String
  /// Runs the student's attempt on fixed and random cases.
  public let check: @Sendable () -> Verdict

  public init(
    id: String, lesson: String, title: String, task: String, hint: String,
    check: @escaping @Sendable () -> Verdict
  ) {
    self.id = id
    self.lesson = lesson
    self.title = title
    self.task = task
    self.hint = hint
    self.check = check
  }
}

/// Where the checker hears of each case before the attempt runs on it, so that an attempt
/// that traps or never returns can be reported with the input it was given: the
/// `exercises` tool writes each description to a file its parent reads after a crash.
public enum CaseLog {
  /// Called with a case's description just before the attempt runs on it.
  nonisolated(unsafe) public static var started: ((String) -> Void)? = nil
}

/// Compares answers case by case, stopping at the first difference.
///
/// `attempt` returns `nil` while the stub is untouched. Numbers are compared with a
/// relative tolerance (`tolerance · max(1, |expected|)`), because a correct answer may sum
/// in a different order and round differently.
///
/// Give `cases` a declared type and `expected` an explicit signature
/// (`{ (x: [Float], g: [Float]) -> [Float] in … }`), as every checker does: Swift then knows
/// `Input` and `Output` before it reads the other closures, and checks each call in a few
/// milliseconds. Left to inference (`cases: [0, 1, 4]`, `expected: { tokens[$0...] … }`), one
/// call took 0.2 s, and a longer one ends in "unable to type-check this expression in
/// reasonable time".
public func compare<Input, Output>(
  cases: [Input], describe: (Input) -> String, expected: (Input) -> Output,
  attempt: (Input) -> Output?, equal: (Output, Output) -> Bool, show: (Output) -> String
) -> Verdict {
  for input in cases {
    CaseLog.started?(describe(input))
    guard let got = attempt(input) else { return .notAttempted }
    let want = expected(input)
    if !equal(want, got) {
      return .wrong(input: describe(input), expected: show(want), got: show(got))
    }
  }
  return .correct
}

/// Whether two numbers agree to `tolerance`, relative to the larger of 1 and `|a|`.
public func close(_ a: Double, _ b: Double, tolerance: Double = 1e-5) -> Bool {
  a.isFinite && b.isFinite && Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(a))
}

/// Whether two arrays of numbers agree element by element.
public func close(_ a: [Float], _ b: [Float], tolerance: Double = 1e-4) -> Bool {
  a.count == b.count
    && zip(a, b).allSatisfy { (x: Float, y: Float) -> Bool in
      close(Double(x), Double(y), tolerance: tolerance)
    }
}

/// Formats numbers for a verdict: at most eight, four decimals.
public func show(_ values: [Float]) -> String {
  let shown = values.prefix(8).map { String(format: "%.4f", $0) }.joined(separator: ", ")
  return "[" + shown + (values.count > 8 ? ", … (\(values.count) values)" : "") + "]"
}

/// Random test inputs, the same on every run.
func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> [[Float]] {
  var g = SplitMix64(seed: seed)
  return (0..<rows).map { _ in (0..<columns).map { _ in g.uniform(-2, 2) } }
}
