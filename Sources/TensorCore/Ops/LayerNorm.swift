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
    // Rows are independent, so threads may take a range of them each.
    Parallelism.forEachRange(rows, cost: 8 * d) { range in
      for r in range {
        let x = input + r * d
        var mean: Float = 0
        for i in 0..<d { mean += x[i] }
        mean /= Float(d)
        var variance: Float = 0
        for i in 0..<d { variance += (x[i] - mean) * (x[i] - mean) }
        variance /= Float(d)
        let inv = 1 / (variance + epsilon).squareRoot()
        inverseStd.pointer[r] = inv
        let xh = normalized.pointer + r * d
        let y = out.pointer + r * d
        for i in 0..<d {
          xh[i] = (x[i] - mean) * inv
          y[i] = xh[i] * w[i] + b[i]
        }
      }
    }
    return out.recorded("layerNorm", [self, weight, bias]) { g, _ in
      let gx = Tensor(uninitializedShape: self.shape)
      let gw = Tensor.zeros([d])
      let gb = Tensor.zeros([d])
      // The input's gradient row by row; the weight's and bias's are sums over rows, each
      // column summed in row order in its own pass so that threads can share the columns.
      Parallelism.forEachRange(rows, cost: 8 * d) { range in
        for r in range {
          let gr = g.pointer + r * d
          let xh = normalized.pointer + r * d
          var meanG: Float = 0
          var meanGX: Float = 0
          for i in 0..<d {
            let gh = gr[i] * w[i]
            meanG += gh
            meanGX += gh * xh[i]
          }
          meanG /= Float(d)
          meanGX /= Float(d)
          let dx = gx.pointer + r * d
          let inv = inverseStd.pointer[r]
          for i in 0..<d {
            dx[i] = inv * (gr[i] * w[i] - meanG - xh[i] * meanGX)
          }
        }
      }
      Parallelism.forEachRange(d, cost: 4 * rows) { columns in
        for r in 0..<rows {
          let gr = g.pointer + r * d
          let xh = normalized.pointer + r * d
          for i in columns {
            gw.pointer[i] += gr[i] * xh[i]
            gb.pointer[i] += gr[i]
          }
        }
      }
      return [gx, gw, gb]
    }
  }
}
