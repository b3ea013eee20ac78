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
