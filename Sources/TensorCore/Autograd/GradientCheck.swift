/// Checks autograd against finite differences: the test every op's backward must pass.
///
/// For a function `f` of some input tensors, we reduce its output to one number with a
/// fixed random projection, `L = Σᵢ rᵢ · f(x)ᵢ`, and compare two gradients of `L`:
/// - *analytic*: what `backward()` computes;
/// - *numeric*: central differences, `(L(x + ε·eⱼ) − L(x − ε·eⱼ)) / 2ε` per element `j`.
///
/// Why these choices: the random projection makes every output element matter (a plain
/// sum would hide, say, a gradient that is right in total but wrong per element). The
/// projection is summed in `Double`, so the only rounding left is `Float`'s in the ops
/// themselves. Central differences have error `O(ε²)`, against `O(ε)` for one-sided
/// ones; with `Float` arithmetic, `ε = 1e-3` balances that against rounding, which grows
/// like `1/ε`.
public enum GradientCheck {
  /// The outcome of a check: the worst disagreement found.
  public struct Result: CustomStringConvertible, Sendable {
    /// The largest `|analytic − numeric| / max(1, |analytic|, |numeric|)`: a relative
    /// error for gradients above 1 and an absolute one below, where `Float` rounding
    /// makes relative errors meaningless.
    public let maxError: Double
    /// Which input (by position) and element (row-major) had `maxError`.
    public let input: Int
    public let element: Int
    public let analytic: Double
    public let numeric: Double

    public func passed(tolerance: Double) -> Bool { maxError <= tolerance }

    public var description: String {
      "largest error \(maxError) at input \(input), element \(element): "
        + "autograd \(analytic), finite differences \(numeric)"
    }
  }

  /// Compares autograd's gradient of `function` with central finite differences.
  /// - Parameters:
  ///   - inputs: the tensors to differentiate with respect to; their `requiresGrad` is
  ///     set, their `grad` is reset, and their values are restored after probing.
  ///   - epsilon: the finite-difference step.
  ///   - seed: the seed of the random projection.
  ///   - function: recomputes the output from the inputs' current values.
  public static func check(
    _ inputs: [Tensor], epsilon: Float = 1e-3, seed: UInt64 = 0,
    _ function: () -> Tensor
  ) -> Result {
    for input in inputs {
      input.requiresGrad = true
      input.grad = nil
    }
    let probe = function()
    var generator = SplitMix64(seed: seed)
    let weights = Tensor.uniform(probe.shape, low: -1, high: 1, using: &generator)
    let weightValues = weights.scalars.map(Double.init)
    func projected() -> Double {
      let y = withNoGrad { function() }.scalars
      var total = 0.0
      for (w, v) in zip(weightValues, y) { total += w * Double(v) }
      return total
    }
    (probe * weights).sum().backward()
    var worst = Result(maxError: 0, input: 0, element: 0, analytic: 0, numeric: 0)
    for (index, input) in inputs.enumerated() {
      let analytic = input.grad?.scalars ?? [Float](repeating: 0, count: input.count)
      for j in 0..<input.count {
        let saved = input.pointer[j]
        input.pointer[j] = saved + epsilon
        let plus = projected()
        input.pointer[j] = saved - epsilon
        let minus = projected()
        input.pointer[j] = saved
        // The step actually taken, after rounding x ± ε to Float.
        let step = Double(saved + epsilon) - Double(saved - epsilon)
        let numeric = (plus - minus) / step
        let a = Double(analytic[j])
        let error = Swift.abs(a - numeric) / Swift.max(1, Swift.abs(a), Swift.abs(numeric))
        if error > worst.maxError || !error.isFinite {
          worst = Result(maxError: error, input: index, element: j, analytic: a, numeric: numeric)
          if !error.isFinite { return worst }
        }
      }
    }
    return worst
  }
}
