import Foundation

/// How a loss combines its per-element values.
public enum Reduction: Sendable {
  /// The average over the counted elements.
  case mean
  /// The total.
  case sum
  /// No reduction: one loss per element (per row for cross-entropy).
  case none
}

/// Loss functions: cross-entropy, mean squared error, binary cross-entropy.
///
/// Cross-entropy and binary cross-entropy take *logits* (raw scores) and are fused with
/// their softmax or sigmoid. Computed as `log(softmax(x))` in two steps, a logit far below
/// the others underflows to probability 0 and its log to −∞; fused, we work with
/// `x − logsumexp(x)`, which is always finite, and the gradient simplifies to
/// `softmax(x) − onehot(target)`.
extension Tensor {
  /// Cross-entropy between logits and class indices (PyTorch's `cross_entropy`).
  ///
  /// `loss_r = logsumexp(logits[r]) − logits[r, target_r]` for each row `r`.
  /// - Parameters:
  ///   - logits: `[…, C]`; every axis but the last is a position.
  ///   - targets: one class index per position, in row-major order.
  ///   - ignoreIndex: positions whose target equals it add nothing and are not counted
  ///     (padding, or tokens a masked language model does not predict).
  ///   - reduction: `.mean` divides by the number of counted positions.
  /// - Returns: a scalar, or `[positions]` for `.none` (0 at ignored positions).
  public static func crossEntropy(
    _ logits: Tensor, targets: [Int], ignoreIndex: Int? = nil, reduction: Reduction = .mean
  ) -> Tensor {
    precondition(logits.rank >= 1, "crossEntropy: logits need a class axis")
    let classes = logits.shape[logits.rank - 1]
    let rows = logits.count / Swift.max(classes, 1)
    precondition(
      targets.count == rows,
      "crossEntropy: logits \(Shape.describe(logits.shape)) have \(rows) positions but "
        + "\(targets.count) targets were given")
    for t in targets where t != ignoreIndex {
      precondition(
        t >= 0 && t < classes, "crossEntropy: target \(t) is not a class in 0..<\(classes)")
    }
    let logProbs = Tensor(uninitializedShape: logits.shape)
    Kernels.softmax(
      logits.pointer, outer: rows, n: classes, inner: 1, log: true, into: logProbs.pointer)
    var losses = [Float](repeating: 0, count: rows)
    var counted = 0
    for r in 0..<rows where targets[r] != ignoreIndex {
      losses[r] = -logProbs.pointer[r * classes + targets[r]]
      counted += 1
    }
    let out: Tensor
    switch reduction {
    case .none: out = Tensor(losses, shape: [rows])
    case .sum: out = Tensor(losses.reduce(0, +))
    case .mean: out = Tensor(counted == 0 ? 0 : losses.reduce(0, +) / Float(counted))
    }
    return out.recorded("crossEntropy", [logits]) { g, _ in
      // d loss_r / d logits[r] = softmax(logits[r]) − onehot(target_r), times the
      // upstream gradient of loss_r (and 1/counted for the mean).
      let gx = Tensor(uninitializedShape: logits.shape)
      for r in 0..<rows {
        let row = gx.pointer + r * classes
        if targets[r] == ignoreIndex {
          row.update(repeating: 0, count: classes)
          continue
        }
        let scale: Float
        switch reduction {
        case .none: scale = g.pointer[r]
        case .sum: scale = g.pointer[0]
        case .mean: scale = g.pointer[0] / Float(counted)
        }
        let lp = logProbs.pointer + r * classes
        FastMath.map(lp, into: row, count: classes, FastMath.exp)
        for c in 0..<classes { row[c] *= scale }
        row[targets[r]] -= scale
      }
      return [gx]
    }
  }

  /// Mean squared error `mean((prediction − target)²)` (or its sum, or per element).
  /// Composed from other ops, so it needs no backward of its own.
  public static func mseLoss(
    _ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean
  ) -> Tensor {
    check(
      prediction.shape == target.shape
        ? nil
        : "mseLoss: prediction \(Shape.describe(prediction.shape)) and target "
          + "\(Shape.describe(target.shape)) differ")
    let squares = (prediction - target).squared()
    switch reduction {
    case .mean: return squares.mean()
    case .sum: return squares.sum()
    case .none: return squares
    }
  }

  /// Binary cross-entropy between logits `x` and targets `t` in [0, 1] (PyTorch's
  /// `binary_cross_entropy_with_logits`).
  ///
  /// `loss = −t·log σ(x) − (1 − t)·log(1 − σ(x))`, computed as
  /// `max(x, 0) − x·t + log(1 + e^{−|x|})`, which never takes the log of 0 or
  /// exponentiates a large number. Gradient: `σ(x) − t`.
  public static func binaryCrossEntropyWithLogits(
    _ logits: Tensor, _ targets: Tensor, reduction: Reduction = .mean
  ) -> Tensor {
    check(
      logits.shape == targets.shape
        ? nil
        : "binaryCrossEntropyWithLogits: logits \(Shape.describe(logits.shape)) and targets "
          + "\(Shape.describe(targets.shape)) differ")
    let n = logits.count
    let perElement = Tensor(uninitializedShape: logits.shape)
    Kernels.zip(logits.pointer, targets.pointer, into: perElement.pointer, count: n) { x, t in
      Swift.max(x, 0) - x * t + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
    }
    let out: Tensor
    switch reduction {
    case .none: out = perElement
    case .sum: out = Tensor(perElement.scalars.reduce(0, +))
    case .mean: out = Tensor(perElement.scalars.reduce(0, +) / Float(Swift.max(n, 1)))
    }
    return out.recorded("binaryCrossEntropyWithLogits", [logits, targets]) { g, _ in
      let gx = Tensor(uninitializedShape: logits.shape)
      for i in 0..<n {
        let scale: Float
        switch reduction {
        case .none: scale = g.pointer[i]
        case .sum: scale = g.pointer[0]
        case .mean: scale = g.pointer[0] / Float(n)
        }
        gx.pointer[i] = (Tensor.sigmoid(logits.pointer[i]) - targets.pointer[i]) * scale
      }
      // d loss / d t = −x (times the upstream gradient), for soft targets that learn.
      let gt: Tensor? =
        targets.requiresGrad
        ? Tensor(
          (0..<n).map { i in
            -logits.pointer[i]
              * (reduction == .none
                ? g.pointer[i] : g.pointer[0] / (reduction == .mean ? Float(n) : 1))
          }, shape: targets.shape)
        : nil
      return [gx, gt]
    }
  }
}
