// The loops behind Ops/Reduction.swift.
extension Kernels {
  /// `out[o, i] = Σₖ x[o, k, i]`, summing `k` in order.
  static func sumAxis(
    _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    for o in 0..<outer {
      let dest = out + o * inner
      let src = x + o * n * inner
      if inner == 1 {
        var acc: Float = 0
        for k in 0..<n { acc += src[k] }
        dest[0] = acc
      } else {
        dest.update(repeating: 0, count: inner)
        for k in 0..<n {
          let row = src + k * inner
          for i in 0..<inner { dest[i] += row[i] }
        }
      }
    }
  }

  /// The index along the middle axis of the best element for each `(o, i)`.
  static func argExtremum(
    _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
    _ better: (Float, Float) -> Bool
  ) -> [Int] {
    var result = [Int](repeating: 0, count: outer * inner)
    for o in 0..<outer {
      for i in 0..<inner {
        var best = x[o * n * inner + i]
        var bestIndex = 0
        for k in 1..<Swift.max(n, 1) {
          let v = x[(o * n + k) * inner + i]
          if better(v, best) || (best.isNaN && !v.isNaN) {
            best = v
            bestIndex = k
          }
        }
        result[o * inner + i] = bestIndex
      }
    }
    return result
  }
}
