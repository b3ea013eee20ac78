// The loops behind Ops/Shaping.swift.
extension Kernels {
  /// Copies `x` of `shape` into `out` with its axes reordered by `axes`.
  static func permute(
    _ x: UnsafePointer<Float>, shape: [Int], axes: [Int], into out: UnsafeMutablePointer<Float>
  ) {
    let inStrides = Shape.strides(shape)
    let outShape = axes.map { shape[$0] }
    let strides = axes.map { inStrides[$0] }
    let n = outShape.last ?? 1
    let s = strides.last ?? 1
    // Rows shared between threads: each output element is written by one of them.
    Parallelism.forEachRange(n == 0 ? 0 : Shape.count(outShape) / n, cost: n, granule: 1) { rows in
      forEachRow(outShape, rows: rows) { offset, index in
        var src = 0
        for axis in 0..<(outShape.count - 1) { src += index[axis] * strides[axis] }
        if s == 1 {
          (out + offset).update(from: x + src, count: n)
        } else {
          for j in 0..<n { out[offset + j] = x[src + j * s] }
        }
      }
    }
  }
}
