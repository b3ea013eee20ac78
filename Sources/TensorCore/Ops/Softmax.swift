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

  /// `softmax(maskedFill(self · scale, mask, −∞))` along the last axis, as one op:
  /// attention's weights from its raw scores, in one pass over them instead of three (a
  /// scaled copy, a masked copy, then the softmax), forward and backward. The arithmetic is
  /// that of the three ops, element by element, so the result is the same bits.
  ///
  /// - Parameters:
  ///   - scale: multiplies every score first (attention's `1/√d`).
  ///   - mask: broadcastable to this shape, its last axis whole or of size 1; where it is
  ///     non-zero the score is hidden (weight 0, gradient 0).
  ///
  /// Gradient: with `y` the weights, `dx = scale · y ⊙ (g − Σ g ⊙ y)` where not masked, 0
  /// where masked.
  public func maskedSoftmax(scale: Float, mask: Tensor?) -> Tensor {
    precondition(rank >= 1, "maskedSoftmax: the scores need at least one axis")
    let n = shape[rank - 1]
    let rows = n == 0 ? 0 : count / n
    var maskStrides: [Int] = []
    if let mask {
      check(
        Shape.broadcast(shape, mask.shape) == shape
          ? nil
          : "maskedSoftmax: mask \(Shape.describe(mask.shape)) does not broadcast to the scores "
            + "\(Shape.describe(shape))")
      maskStrides = Shape.broadcastStrides(mask.shape, to: shape)
    }
    let out = Tensor(uninitializedShape: shape)
    let maskPointer = mask.map { UnsafePointer($0.pointer) }
    let (outerShape, step) = (Array(shape.dropLast()), maskStrides.last ?? 0)
    /// Where row `r`'s mask values start (their stride is `step`).
    func maskRow(_ r: Int) -> UnsafePointer<Float>? {
      guard let maskPointer else { return nil }
      var (rest, offset) = (r, 0)
      for axis in outerShape.indices.reversed() {
        offset += rest % outerShape[axis] * maskStrides[axis]
        rest /= outerShape[axis]
      }
      return maskPointer + offset
    }
    let x = pointer
    // Rows are independent: threads take a range of them each.
    Parallelism.forEachRange(rows, cost: n &* 10, granule: 1) { range in
      for r in range {
        // The scaled, masked scores go straight into the output row, and the softmax runs
        // in place (it reads each value before it writes it).
        let row = out.pointer + r &* n
        let scores = x + r &* n
        let hidden = maskRow(r)
        if let hidden, step == 1 {
          Kernels.scaleAndMask(scores, scale: scale, hidden: hidden, n: n, into: row)
        } else {
          for k in 0..<n { row[k] = scores[k] * scale }
          if let hidden {
            for k in 0..<n { row[k] = hidden[k &* step] != 0 ? -.infinity : row[k] }
          }
        }
        Kernels.softmaxRow(row, n: n, log: false, into: row)
      }
    }
    return out.recorded("maskedSoftmax", [self]) { g, y in
      let gx = Tensor(uninitializedShape: self.shape)
      // The mask is read through a pointer: the pullback holds the tensor, so its memory
      // cannot be freed (and reused) between the forward pass and this one.
      withExtendedLifetime(mask) {
        Parallelism.forEachRange(rows, cost: n &* 4, granule: 1) { range in
          for r in range {
            let dx = gx.pointer + r &* n
            Kernels.softmaxBackwardRow(
              g.pointer + r &* n, y.pointer + r &* n, n: n, log: false, into: dx)
            // The masked fill's pullback, then the scaling's, in that order (a masked
            // position gets 0 · scale, as from the three ops).
            let hidden = maskRow(r)
            if let hidden, step == 1 {
              Kernels.maskAndScaleGradient(dx, hidden: hidden, scale: scale, n: n)
            } else {
              if let hidden {
                for k in 0..<n { dx[k] = hidden[k &* step] != 0 ? 0 : dx[k] }
              }
              for k in 0..<n { dx[k] *= scale }
            }
          }
        }
      }
      return [gx]
    }
  }
}
