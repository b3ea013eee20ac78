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
  ///
  /// Eight lanes at a time: the maximum, then `e^{x − max}` stored and summed in one pass,
  /// then the scaling. Attention makes many short rows (one per query and head), so the
  /// per-element work, not the loop overhead, has to be small.
  @inline(__always)
  static func softmaxRow(
    _ x: UnsafePointer<Float>, n: Int, log: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    typealias V = SIMD8<Float>
    let full = n & ~7
    let rest = n &- full
    // The last `rest` values, padded with −∞ (whose exponential is exactly 0).
    var tail = V(repeating: -.infinity)
    for j in 0..<rest { tail[j] = x[full &+ j] }
    let xRaw = UnsafeRawPointer(x)
    let outRaw = UnsafeMutableRawPointer(out)
    // Lane-wise maxima by comparison and select: the generic `pointwiseMax` and `max()`
    // are not specialised by the compiler and cost more than the rest of the row.
    var highest = V(repeating: -.infinity)
    var k = 0
    while k < full {
      let v = xRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self)
      highest.replace(with: v, where: v .> highest)
      k &+= 8
    }
    if rest > 0 { highest.replace(with: tail, where: tail .> highest) }
    var top = highest[0]
    for lane in 1..<8 where highest[lane] > top { top = highest[lane] }
    if top == -.infinity { top = 0 }  // a fully masked row: keep it finite
    let shift = V(repeating: top)
    var sums = V()
    k = 0
    while k < full {
      let e = FastMath.exp(xRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self) - shift)
      outRaw.storeBytes(of: e, toByteOffset: k &* 4, as: V.self)
      sums += e
      k &+= 8
    }
    if rest > 0 {
      let e = FastMath.exp(tail - shift)
      for j in 0..<rest { out[full &+ j] = e[j] }
      sums += e
    }
    let total = sums.sum()
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
      let factor = V(repeating: scale)
      k = 0
      while k < full {
        let v = outRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self)
        outRaw.storeBytes(of: v * factor, toByteOffset: k &* 4, as: V.self)
        k &+= 8
      }
      while k < n {
        out[k] *= scale
        k &+= 1
      }
    }
  }

  /// The pullback of `softmax` (from its output `y`) or of `logSoftmax`.
  static func softmaxBackward(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
    log: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      for o in 0..<outer {
        softmaxBackwardRow(g + o &* n, y + o &* n, n: n, log: log, into: out + o &* n)
      }
      return
    }
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

  /// The pullback of one contiguous row, eight lanes at a time.
  @inline(__always)
  static func softmaxBackwardRow(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, n: Int, log: Bool,
    into out: UnsafeMutablePointer<Float>
  ) {
    typealias V = SIMD8<Float>
    let full = n & ~7
    let gRaw = UnsafeRawPointer(g)
    let yRaw = UnsafeRawPointer(y)
    let outRaw = UnsafeMutableRawPointer(out)
    var sums = V()
    var dot: Float = 0
    var k = 0
    while k < full {
      let gv = gRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self)
      sums += log ? gv : gv * yRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self)
      k &+= 8
    }
    while k < n {
      dot += log ? g[k] : g[k] * y[k]
      k &+= 1
    }
    dot += sums.sum()
    let d = V(repeating: dot)
    k = 0
    while k < full {
      let gv = gRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self)
      let yv = yRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self)
      // log-softmax: y holds log p, so p = e^y.
      let result = log ? gv - FastMath.exp(yv) * d : yv * (gv - d)
      outRaw.storeBytes(of: result, toByteOffset: k &* 4, as: V.self)
      k &+= 8
    }
    while k < n {
      out[k] = log ? g[k] - FastMath.scalar(y[k], FastMath.exp) * dot : y[k] * (g[k] - dot)
      k &+= 1
    }
  }
}
