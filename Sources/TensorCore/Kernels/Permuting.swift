// The loops behind Ops/Shaping.swift.
extension Kernels {
  /// Copies `x` of `shape` into `out` with its axes reordered by `axes`.
  ///
  /// The output is walked row by row (its last axis); each row's source offset follows the
  /// row's index, one addition per step, since an attention head's rows are only 8 to 64
  /// floats and working the offset out afresh, or calling `memmove`, for each one cost more
  /// than the copy.
  static func permute(
    _ x: UnsafePointer<Float>, shape: [Int], axes: [Int], into out: UnsafeMutablePointer<Float>
  ) {
    let inStrides = Shape.strides(shape)
    let outShape = axes.map { shape[$0] }
    let strides = axes.map { inStrides[$0] }
    let n = outShape.last ?? 1
    let s = strides.last ?? 1
    let outer = Array(outShape.dropLast())
    let outerStrides = Array(strides.dropLast())
    // Rows shared between threads: each output element is written by one of them.
    Parallelism.forEachRange(n == 0 ? 0 : Shape.count(outShape) / n, cost: n, granule: 1) { rows in
      if rows.isEmpty { return }
      outer.withUnsafeBufferPointer { outer in
        outerStrides.withUnsafeBufferPointer { outerStrides in
          let rank = outer.count
          // The index of the range's first row, and its offset in `x`.
          var index = [Int](repeating: 0, count: rank)
          var source = 0
          var rest = rows.lowerBound
          for axis in (0..<rank).reversed() {
            index[axis] = rest % outer[axis]
            rest /= outer[axis]
            source += index[axis] * outerStrides[axis]
          }
          index.withUnsafeMutableBufferPointer { index in
            for row in rows {
              let to = out + row * n
              let from = x + source
              if s == 1 {
                for j in 0..<n { to[j] = from[j] }
              } else {
                for j in 0..<n { to[j] = from[j * s] }
              }
              // The next row: the last outer axis steps, carrying into the ones before it.
              var axis = rank - 1
              while axis >= 0 {
                index[axis] += 1
                source += outerStrides[axis]
                if index[axis] < outer[axis] { break }
                source -= outerStrides[axis] * outer[axis]
                index[axis] = 0
                axis -= 1
              }
            }
          }
        }
      }
    }
  }
}
