import Foundation

/// The mean of paired differences `a_i − b_i` and its standard error: two models scored
/// on the same items, so that what the items share (some sentences are harder for every
/// model) cancels out.
///
///     mean = Σ d_i / n,   SE = √(Σ (d_i − mean)² / (n − 1) / n)
public struct PairedDifference: Sendable, Equatable {
  public let mean: Double
  public let standardError: Double
  public let count: Int

  public init(_ a: [Double], _ b: [Double]) {
    precondition(
      a.count == b.count && a.count >= 2,
      "PairedDifference: needs two lists of the same length ≥ 2, got \(a.count) and \(b.count)")
    let d = zip(a, b).map { $0 - $1 }
    let n = Double(d.count)
    let mean = d.reduce(0, +) / n
    let squares = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    self.mean = mean
    self.standardError = (squares / (n - 1) / n).squareRoot()
    self.count = d.count
  }

  /// Whether the difference is below zero by more than two standard errors.
  public var isClearlyNegative: Bool { mean < -2 * standardError }
  /// Whether it is above zero by more than two standard errors.
  public var isClearlyPositive: Bool { mean > 2 * standardError }
}
