/// Reductions: sums, means, maxima and minima over one axis or all of them.
///
/// A reduction over `axis` views the tensor as `[outer, n, inner]` (the axes before,
/// the axis itself, the axes after) and produces `[outer, inner]`, keeping the reduced
/// axis as size 1 when `keepDims` is true. Gradients flow back by broadcasting the
/// upstream gradient over the reduced axis (sum, mean) or to the position that won
/// (max, min).
extension Tensor {
  /// The sizes `[outer, n, inner]` around `axis`, and the resolved axis.
  func split(around axis: Int, op: String) -> (outer: Int, n: Int, inner: Int, axis: Int) {
    let axis = Shape.axis(axis, rank: rank, op: op)
    if rank == 0 { return (1, 1, 1, 0) }
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    return (outer, shape[axis], inner, axis)
  }

  func reducedShape(_ axis: Int, keepDims: Bool) -> [Int] {
    if rank == 0 { return [] }
    var s = shape
    if keepDims { s[axis] = 1 } else { s.remove(at: axis) }
    return s
  }

  /// The sum of all elements, as a scalar (shape `[]`).
  public func sum() -> Tensor {
    let out = Tensor(uninitializedShape: [])
    var acc: Float = 0
    for i in 0..<count { acc += pointer[i] }
    out.pointer[0] = acc
    return out.recorded("sum", [self]) { g, _ in
      [Tensor.full(self.shape, g.pointer[0])]
    }
  }

  /// Sums along `axis` (negative counts from the end).
  public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
    let (outer, n, inner, axis) = split(around: axis, op: "sum")
    let out = Tensor(uninitializedShape: reducedShape(axis, keepDims: keepDims))
    Kernels.sumAxis(pointer, outer: outer, n: n, inner: inner, into: out.pointer)
    return out.recorded("sum", [self]) { g, _ in
      [g.broadcastAlong(outer: outer, n: n, inner: inner, shape: self.shape)]
    }
  }

  /// Sums along several axes.
  public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
    let resolved = axes.map { Shape.axis($0, rank: rank, op: "sum") }.sorted(by: >)
    var result = self
    for axis in resolved { result = result.sum(axis: axis, keepDims: true) }
    if keepDims { return result }
    return result.reshaped(shape.indices.filter { !resolved.contains($0) }.map { shape[$0] })
  }

  /// The mean of all elements, as a scalar.
  public func mean() -> Tensor {
    sum() / Float(Swift.max(count, 1))
  }

  /// The mean along `axis`.
  public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
    let n = rank == 0 ? 1 : shape[Shape.axis(axis, rank: rank, op: "mean")]
    return sum(axis: axis, keepDims: keepDims) / Float(n)
  }

  /// The mean along several axes.
  public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
    let n = axes.map { shape[Shape.axis($0, rank: rank, op: "mean")] }.reduce(1, *)
    return sum(axes: axes, keepDims: keepDims) / Float(n)
  }

  /// The largest element along `axis`. The gradient goes to the first maximal element.
  public func max(axis: Int, keepDims: Bool = false) -> Tensor {
    extremum("max", axis: axis, keepDims: keepDims, >)
  }

  /// The smallest element along `axis`. The gradient goes to the first minimal element.
  public func min(axis: Int, keepDims: Bool = false) -> Tensor {
    extremum("min", axis: axis, keepDims: keepDims, <)
  }

  /// The largest element of the whole tensor, as a scalar.
  public func max() -> Tensor { reshaped([count]).max(axis: 0) }

  /// The smallest element of the whole tensor, as a scalar.
  public func min() -> Tensor { reshaped([count]).min(axis: 0) }

  /// The index of the largest element along `axis`, for each position of the other axes in
  /// row-major order (ties go to the first). Indices are not differentiable, so this
  /// returns plain integers.
  public func argmax(axis: Int = -1) -> [Int] {
    let (outer, n, inner, _) = split(around: axis, op: "argmax")
    precondition(n > 0, "argmax: the axis is empty")
    return Kernels.argExtremum(pointer, outer: outer, n: n, inner: inner, >)
  }

  func extremum(
    _ op: String, axis: Int, keepDims: Bool, _ better: (Float, Float) -> Bool
  ) -> Tensor {
    let (outer, n, inner, axis) = split(around: axis, op: op)
    precondition(n > 0, "\(op): the axis is empty")
    let winners = Kernels.argExtremum(pointer, outer: outer, n: n, inner: inner, better)
    let out = Tensor(uninitializedShape: reducedShape(axis, keepDims: keepDims))
    for o in 0..<outer {
      for i in 0..<inner {
        out.pointer[o * inner + i] = pointer[(o * n + winners[o * inner + i]) * inner + i]
      }
    }
    return out.recorded(op, [self]) { g, _ in
      let gx = Tensor.zeros(self.shape)
      for o in 0..<outer {
        for i in 0..<inner {
          gx.pointer[(o * n + winners[o * inner + i]) * inner + i] = g.pointer[o * inner + i]
        }
      }
      return [gx]
    }
  }

  /// Repeats a reduced gradient `[outer, inner]` along the reduced axis.
  func broadcastAlong(outer: Int, n: Int, inner: Int, shape: [Int]) -> Tensor {
    let out = Tensor(uninitializedShape: shape)
    for o in 0..<outer {
      for k in 0..<n {
        (out.pointer + (o * n + k) * inner).update(from: pointer + o * inner, count: inner)
      }
    }
    return out
  }
}
