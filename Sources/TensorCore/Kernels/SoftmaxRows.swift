import CKernels

// The loops behind Ops/Softmax.swift.
extension Kernels {
  /// Softmax (or log-softmax) of each `[o, :, i]` slice.
  static func softmax(
    _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int, log: Bool,
    into out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      // Rows are independent: threads share them (an exponential costs about 8 additions).
      Parallelism.forEachRange(outer, cost: n &* 8, granule: 1) { rows in
        for o in rows { softmaxRow(x + o &* n, n: n, log: log, into: out + o &* n) }
      }
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
  /// One contiguous row: the maximum, then `e^{x − max}` stored and summed in one pass,
  /// then the scaling (`lm_softmax_row`, a vector kernel). Attention makes many short rows
  /// (one per query and head), so the per-element work, not the loop overhead, has to be
  /// small.
  @inline(__always)
  static func softmaxRow(
    _ x: UnsafePointer<Float>, n: Int, log: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    lm_softmax_row(FastMath.level, x, n, log, out)
  }

  /// The pullback of `softmax` (from its output `y`) or of `logSoftmax`.
  static func softmaxBackward(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
    log: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      Parallelism.forEachRange(outer, cost: n &* (log ? 8 : 3), granule: 1) { rows in
        for o in rows {
          softmaxBackwardRow(g + o &* n, y + o &* n, n: n, log: log, into: out + o &* n)
        }
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

  /// The pullback of one contiguous row (`lm_softmax_backward_row`, a vector kernel).
  @inline(__always)
  static func softmaxBackwardRow(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, n: Int, log: Bool,
    into out: UnsafeMutablePointer<Float>
  ) {
    lm_softmax_backward_row(FastMath.level, g, y, n, log, out)
  }
}

extension Kernels {
  /// `out[k] = hidden[k] != 0 ? −∞ : x[k] · scale`: the scaled, masked scores of one row of
  /// attention, with the mask row contiguous (every causal and padding mask). Eight at a
  /// time with a select, instead of a branch per score that the compiler left scalar; the
  /// same values as the two loops of the general case, which stay for a mask broadcast
  /// along the row.
  @inline(__always)
  static func scaleAndMask(
    _ x: UnsafePointer<Float>, scale: Float, hidden: UnsafePointer<Float>, n: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    typealias V = SIMD8<Float>
    let (xRaw, hRaw, outRaw) = (
      UnsafeRawPointer(x), UnsafeRawPointer(hidden), UnsafeMutableRawPointer(out)
    )
    var k = 0
    while k &+ 8 <= n {
      let scaled = xRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self) * scale
      let masked = hRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self) .!= 0
      outRaw.storeBytes(
        of: scaled.replacing(with: -.infinity, where: masked), toByteOffset: k &* 4, as: V.self)
      k &+= 8
    }
    while k < n {
      out[k] = hidden[k] != 0 ? -.infinity : x[k] * scale
      k &+= 1
    }
  }

  /// The pullback of `scaleAndMask`, in place: `dx[k] = (hidden[k] != 0 ? 0 : dx[k]) · scale`
  /// (a masked position gets 0 · scale, as from the masked fill's pullback and then the
  /// scaling's).
  @inline(__always)
  static func maskAndScaleGradient(
    _ dx: UnsafeMutablePointer<Float>, hidden: UnsafePointer<Float>, scale: Float, n: Int
  ) {
    typealias V = SIMD8<Float>
    let (dRaw, hRaw) = (UnsafeMutableRawPointer(dx), UnsafeRawPointer(hidden))
    var k = 0
    while k &+ 8 <= n {
      let masked = hRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self) .!= 0
      let kept = dRaw.loadUnaligned(fromByteOffset: k &* 4, as: V.self).replacing(
        with: 0, where: masked)
      dRaw.storeBytes(of: kept * scale, toByteOffset: k &* 4, as: V.self)
      k &+= 8
    }
    while k < n {
      dx[k] = (hidden[k] != 0 ? 0 : dx[k]) * scale
      k &+= 1
    }
  }
}
