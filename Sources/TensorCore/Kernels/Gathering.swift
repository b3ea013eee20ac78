// The loops behind Ops/Indexing.swift.
extension Kernels {
  /// `out[o, indices[j], :] += g[o, j, :]` for every `j`, in order.
  static func scatterAdd(
    _ g: UnsafePointer<Float>, indices: [Int], outer: Int, n: Int, inner: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    let m = indices.count
    for o in 0..<outer {
      for (j, i) in indices.enumerated() {
        let src = g + (o * m + j) * inner
        let dest = out + (o * n + i) * inner
        for e in 0..<inner { dest[e] += src[e] }
      }
    }
  }
}
