import Foundation

/// How the learning rate changes over training, as a factor of each group's rate.
///
/// A warm-up raises the rate from near 0 over the first steps, while Adam's moment
/// estimates are still noisy; a decay lowers it towards the end so the weights settle.
public enum LearningRateSchedule: Sendable, Equatable {
  /// Always 1.
  case constant
  /// Rises linearly over `warmupSteps`, then stays at 1.
  case warmup(steps: Int)
  /// Optional warm-up, then half a cosine from 1 down to `minimumFactor` at `totalSteps`.
  case cosine(totalSteps: Int, warmupSteps: Int = 0, minimumFactor: Float = 0)
  /// Optional warm-up, then a straight line from 1 down to `minimumFactor` at `totalSteps`.
  case linear(totalSteps: Int, warmupSteps: Int = 0, minimumFactor: Float = 0)

  /// The factor for step `step` (0 for the first update).
  ///
  /// During a warm-up of `w` steps the factor is `(step + 1) / w`, so the first update
  /// already moves. After it, `progress = (step − w) / (total − w)`, clamped to [0, 1].
  public func factor(atStep step: Int) -> Float {
    switch self {
    case .constant:
      return 1
    case .warmup(let steps):
      return step < steps ? Float(step + 1) / Float(steps) : 1
    case .cosine(let total, let warmup, let minimum):
      if step < warmup { return Float(step + 1) / Float(warmup) }
      let progress = Self.progress(step, warmup, total)
      return minimum + (1 - minimum) * Float(0.5 * (1 + Foundation.cos(Double.pi * progress)))
    case .linear(let total, let warmup, let minimum):
      if step < warmup { return Float(step + 1) / Float(warmup) }
      return minimum + (1 - minimum) * Float(1 - Self.progress(step, warmup, total))
    }
  }

  static func progress(_ step: Int, _ warmup: Int, _ total: Int) -> Double {
    let span = Swift.max(total - warmup, 1)
    return Swift.min(Swift.max(Double(step - warmup) / Double(span), 0), 1)
  }
}
