import Foundation

/// Softmax and log-softmax along an axis, computed stably.
///
/// `softmax(x)ᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}`. Computed naively, `e^{xᵢ}` overflows to infinity
/// for `x` above about 88 and the result is NaN. Subtracting the row maximum first
/// changes nothing mathematically (the factor `e^{-max}` cancels) and keeps every
/// exponent at most 0. Log-softmax is `x − max − log Σ e^{x − max}` directly, never the
/// log of a softmax that may have underflowed to 0.
extension Tensor {
  /// Softmax along `axis` (default: the last). Each slice along the axis sums to 1.
  ///
  /// Gradient: `dx = y ⊙ (g − Σ g ⊙ y)`, with the sum along the axis.
  public func softmax(axis: Int = -1) -> Tensor {
    let (outer, n, inner, _) = split(around: axis, op: "softmax")
    let out = Tensor(uninitializedShape: shape)
    Kernels.softmax(pointer, outer: outer, n: n, inner: inner, log: false, into: out.pointer)
    return out.recorded("softmax", [self]) { g, y in
      let gx = Tensor(uninitializedShape: self.shape)
      Kernels.softmaxBackward(
        g.pointer, y.pointer, outer: outer, n: n, inner: inner, log: false, into: gx.pointer)
      return [gx]
    }
  }

  /// Log-softmax along `axis` (default: the last).
  ///
  /// Gradient: `dx = g − softmax(x) · Σ g`, with the sum along the axis.
  public func logSoftmax(axis: Int = -1) -> Tensor {
    let (outer, n, inner, _) = split(around: axis, op: "logSoftmax")
    let out = Tensor(uninitializedShape: shape)
    Kernels.softmax(pointer, outer: outer, n: n, inner: inner, log: true, into: out.pointer)
    return out.recorded("logSoftmax", [self]) { g, y in
      let gx = Tensor(uninitializedShape: self.shape)
      Kernels.softmaxBackward(
        g.pointer, y.pointer, outer: outer, n: n, inner: inner, log: true, into: gx.pointer)
      return [gx]
    }
  }
}

extension Kernels {
  /// Softmax (or log-softmax) of each `[o, :, i]` slice.
  static func softmax(
    _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int, log: Bool,
    into out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      for o in 0..<outer { softmaxRow(x + o * n, n: n, log: log, into: out + o * n) }
      return
    }
    let row = UnsafeMutablePointer<Float>.allocate(capacity: n)
    let result = UnsafeMutablePointer<Float>.allocate(capacity: n)
    defer {
      row.deallocate()
      result.deallocate()
    }
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * n * inner + i
        for k in 0..<n { row[k] = x[base + k * inner] }
        softmaxRow(row, n: n, log: log, into: result)
        for k in 0..<n { out[base + k * inner] = result[k] }
      }
    }
  }

  /// Softmax (or log-softmax) of one contiguous row of `n` values.
  @inline(__always)
  static func softmaxRow(
    _ x: UnsafePointer<Float>, n: Int, log: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    var top = -Float.infinity
    for k in 0..<n { top = max(top, x[k]) }
    if top == -.infinity { top = 0 }  // a fully masked row: keep it finite
    for k in 0..<n { out[k] = x[k] - top }
    FastMath.map(out, into: out, count: n, FastMath.exp)
    var total: Float = 0
    for k in 0..<n { total += out[k] }
    if log {
      if total == 0 {
        // Every position was masked out: no distribution exists. Output −∞ rather than
        // NaN, so a padded row cannot poison the rest of the batch.
        for k in 0..<n { out[k] = -.infinity }
        return
      }
      // (x − top) − log Σ, not x − (top + log Σ): the latter rounds log Σ to the coarse
      // spacing of floats near `top` when the logits are large.
      let logTotal = Foundation.log(total)
      for k in 0..<n { out[k] = (x[k] - top) - logTotal }
    } else {
      let scale = total > 0 ? 1 / total : 0  // a fully masked row becomes zeros, not NaN
      for k in 0..<n { out[k] *= scale }
    }
  }

  /// The pullback of `softmax` (from its output `y`) or of `logSoftmax`.
  static func softmaxBackward(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
    log: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * n * inner + i
        var dot: Float = 0
        if log {
          for k in 0..<n { dot += g[base + k * inner] }
          for k in 0..<n {
            let p = FastMath.scalar(y[base + k * inner], FastMath.exp)
            out[base + k * inner] = g[base + k * inner] - p * dot
          }
        } else {
          for k in 0..<n { dot += g[base + k * inner] * y[base + k * inner] }
          for k in 0..<n {
            out[base + k * inner] = y[base + k * inner] * (g[base + k * inner] - dot)
          }
        }
      }
    }
  }
}
