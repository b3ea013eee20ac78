/// Layer normalisation over the last axis, forward and backward fused.
///
/// `y = (x − μ) / √(σ² + ε) · weight + bias`, with the mean `μ` and the biased variance
/// `σ²` (divided by `d`, not `d − 1`) of each row of `d` elements.
///
/// Written as a chain of tensor ops, this would record about ten intermediate tensors per
/// call and lose precision subtracting nearly equal numbers in the backward pass. Fused,
/// the forward keeps the normalised rows `x̂` and `1/√(σ² + ε)` per row, and the backward
/// uses the closed form
/// `dx = (1/σ̃) · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂))` with `ĝ = g ⊙ weight`.
///
/// Each row's sums add its elements one at a time, in order, so that every processor and
/// kernel level gives the same bits. Such a chain waits on each addition before the next
/// (several cycles), so the sums run for several rows at once, one row in each lane of a
/// vector: each lane is still its own row's chain in element order, and the adder has
/// independent additions to overlap. Same bits as one row at a time, about three times as
/// fast forward.
extension Tensor {
  /// Normalises each row along the last axis, then scales by `weight` and shifts by
  /// `bias` (both `[d]`).
  public func layerNorm(weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) -> Tensor {
    precondition(rank >= 1, "layerNorm: the input needs at least one axis")
    let d = shape[rank - 1]
    check(
      weight.shape == [d] && bias.shape == [d]
        ? nil
        : "layerNorm: input \(Shape.describe(shape)) needs weight and bias of shape [\(d)], "
          + "got \(Shape.describe(weight.shape)) and \(Shape.describe(bias.shape))")
    let rows = count / Swift.max(d, 1)
    let normalized = Tensor(uninitializedShape: shape)
    let inverseStd = Tensor(uninitializedShape: [rows])
    let out = Tensor(uninitializedShape: shape)
    let (input, w, b) = (pointer, weight.pointer, bias.pointer)
    let (xHat, inverse, y) = (normalized.pointer, inverseStd.pointer, out.pointer)
    // Rows are independent, so threads may take a range of them each. The loop writes
    // through raw pointers, so the tensors are kept alive until it ends.
    withExtendedLifetime((self, weight, bias, normalized, inverseStd, out)) {
      Parallelism.forEachRange(rows, cost: 8 * d) { range in
        LayerNormRows.forEachGroup(range, size: 8) { first, lanes in
          let x = input + first * d
          let (mean, inv) = LayerNormRows.statistics(x, d: d, lanes: lanes, epsilon: epsilon)
          for lane in 0..<lanes {
            let r = first + lane
            inverse[r] = inv[lane]
            let (xr, xh, yr) = (input + r * d, xHat + r * d, y + r * d)
            let (m, s) = (mean[lane], inv[lane])
            for i in 0..<d {
              xh[i] = (xr[i] - m) * s
              yr[i] = xh[i] * w[i] + b[i]
            }
          }
        }
      }
    }
    return out.recorded("layerNorm", [self, weight, bias]) { g, _ in
      let gx = Tensor(uninitializedShape: self.shape)
      let gw = Tensor.zeros([d])
      let gb = Tensor.zeros([d])
      // The pointers are taken from the tensors here, so the closure holds the tensors it
      // reads (the forward pass's `x̂` and `1/σ̃`, and the weight).
      let (xHat, inverse, w) = (normalized.pointer, inverseStd.pointer, weight.pointer)
      let (gIn, dX, dW, dB) = (g.pointer, gx.pointer, gw.pointer, gb.pointer)
      // The input's gradient row by row; the weight's and bias's are sums over rows, each
      // column summed in row order in its own pass so that threads can share the columns.
      Parallelism.forEachRange(rows, cost: 8 * d) { range in
        LayerNormRows.forEachGroup(range, size: 4) { first, lanes in
          let (meanG, meanGX) = LayerNormRows.gradientMeans(
            gIn + first * d, xHat + first * d, weight: w, d: d, lanes: lanes)
          for lane in 0..<lanes {
            let r = first + lane
            let (gr, xh, dx) = (gIn + r * d, xHat + r * d, dX + r * d)
            let (mg, mgx, inv) = (meanG[lane], meanGX[lane], inverse[r])
            for i in 0..<d {
              dx[i] = inv * (gr[i] * w[i] - mg - xh[i] * mgx)
            }
          }
        }
      }
      Parallelism.forEachRange(d, cost: 4 * rows) { columns in
        for r in 0..<rows {
          let (gr, xh) = (gIn + r * d, xHat + r * d)
          for i in columns {
            dW[i] += gr[i] * xh[i]
            dB[i] += gr[i]
          }
        }
      }
      return [gx, gw, gb]
    }
  }
}

/// The per-row sums of layer norm, several rows at a time (see `Tensor.layerNorm`).
///
/// Eight rows forward, four backward: the backward sums read two arrays, and with eight
/// lanes of each the compiled loop ran out of vector registers and was slower.
enum LayerNormRows {
  /// Calls `body(first, lanes)` for the rows of `range` in groups of `size`, the last group
  /// holding what is left.
  @inline(__always)
  static func forEachGroup(
    _ range: Range<Int>, size: Int, _ body: (_ first: Int, _ lanes: Int) -> Void
  ) {
    var first = range.lowerBound
    while first + size <= range.upperBound {
      body(first, size)
      first += size
    }
    if first < range.upperBound { body(first, range.upperBound - first) }
  }

  /// The mean and `1/√(σ² + ε)` of rows `0..<lanes` (at most eight) of `x` (rows of `d`, one
  /// after another), each row's sums in element order, one row per lane.
  @inline(__always)
  static func statistics(
    _ x: UnsafePointer<Float>, d: Int, lanes: Int, epsilon: Float
  ) -> (mean: SIMD8<Float>, inverseStd: SIMD8<Float>) {
    var sum = SIMD8<Float>()
    for i in 0..<d {
      for lane in 0..<lanes { sum[lane] += x[lane &* d &+ i] }
    }
    let mean = sum / Float(d)
    var variance = SIMD8<Float>()
    for i in 0..<d {
      for lane in 0..<lanes {
        let centred = x[lane &* d &+ i] - mean[lane]
        variance[lane] += centred * centred
      }
    }
    variance /= Float(d)
    return (mean, 1 / (variance + epsilon).squareRoot())
  }

  /// `mean(ĝ)` and `mean(ĝ ⊙ x̂)` of rows `0..<lanes` (at most four), with `ĝ = g ⊙ weight`,
  /// each row's sums in element order, one row per lane.
  @inline(__always)
  static func gradientMeans(
    _ g: UnsafePointer<Float>, _ xHat: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    d: Int, lanes: Int
  ) -> (SIMD4<Float>, SIMD4<Float>) {
    var meanG = SIMD4<Float>()
    var meanGX = SIMD4<Float>()
    for i in 0..<d {
      let w = weight[i]
      for lane in 0..<lanes {
        let at = lane &* d &+ i
        let scaled = g[at] * w
        meanG[lane] += scaled
        meanGX[lane] += scaled * xHat[at]
      }
    }
    return (meanG / Float(d), meanGX / Float(d))
  }
}
