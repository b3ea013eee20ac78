/// Changing how elements are arranged: reshape, transpose and permute, expand, squeeze.
extension Tensor {
  /// The same elements under a new shape with the same count; one size may be `-1`
  /// and is then inferred. Shares memory with `self` (row-major order is unchanged).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    let resolved: [Int]
    switch Shape.resolve(newShape, count: count) {
    case .success(let s): resolved = s
    case .failure(let e):
      preconditionFailure(
        "reshape: cannot view \(Shape.describe(shape)) as \(Shape.describe(newShape)): "
          + e.reason)
    }
    if resolved == shape { return self }
    let out = Tensor(shape: resolved, storage: storage)
    return out.recorded("reshape", [self]) { g, _ in [g.reshaped(self.shape)] }
  }

  /// Flattens all axes into one.
  public func flattened() -> Tensor { reshaped([count]) }

  /// Inserts an axis of size 1 at `axis`.
  public func unsqueezed(axis: Int) -> Tensor {
    let a = axis < 0 ? axis + rank + 1 : axis
    precondition(a >= 0 && a <= rank, "unsqueeze: axis \(axis) is out of range for rank \(rank)")
    var s = shape
    s.insert(1, at: a)
    return reshaped(s)
  }

  /// Removes the axis `axis`, which must have size 1.
  public func squeezed(axis: Int) -> Tensor {
    let a = Shape.axis(axis, rank: rank, op: "squeeze")
    precondition(
      shape[a] == 1, "squeeze: axis \(axis) of \(Shape.describe(shape)) has size \(shape[a]), not 1"
    )
    var s = shape
    s.remove(at: a)
    return reshaped(s)
  }

  /// Reorders the axes: axis `i` of the result is axis `axes[i]` of `self`
  /// (PyTorch's `permute`). Copies the elements into the new order.
  public func permuted(_ axes: [Int]) -> Tensor {
    let axes = axes.map { Shape.axis($0, rank: rank, op: "permute") }
    precondition(
      axes.sorted() == Array(0..<rank),
      "permute: \(axes) is not a permutation of the \(rank) axes of \(Shape.describe(shape))")
    if axes == Array(0..<rank) { return self }
    let out = Tensor(uninitializedShape: axes.map { shape[$0] })
    Kernels.permute(pointer, shape: shape, axes: axes, into: out.pointer)
    var inverse = [Int](repeating: 0, count: rank)
    for (i, a) in axes.enumerated() { inverse[a] = i }
    return out.recorded("permute", [self]) { g, _ in [g.permuted(inverse)] }
  }

  /// Swaps two axes (PyTorch's `transpose(dim0, dim1)`).
  public func transposed(_ axis0: Int, _ axis1: Int) -> Tensor {
    var axes = Array(0..<rank)
    axes.swapAt(
      Shape.axis(axis0, rank: rank, op: "transpose"), Shape.axis(axis1, rank: rank, op: "transpose")
    )
    return permuted(axes)
  }

  /// The transpose of a matrix, or of the last two axes of a batch of matrices.
  public func transposed() -> Tensor {
    precondition(rank >= 2, "transpose: a tensor of shape \(Shape.describe(shape)) has no two axes")
    return transposed(-2, -1)
  }

  /// Repeats the tensor along axes of size 1 (and new leading axes) to reach `newShape`,
  /// by broadcasting rules. The gradient sums over the repeats.
  public func expanded(to newShape: [Int]) -> Tensor {
    precondition(
      Shape.broadcast(shape, newShape) == newShape,
      "expand: \(Shape.describe(shape)) cannot be expanded to \(Shape.describe(newShape))")
    if newShape == shape { return self }
    let out = Tensor(uninitializedShape: newShape)
    Kernels.broadcast(pointer, shape, pointer, shape, into: out.pointer, newShape) { a, _ in a }
    return out.recorded("expand", [self]) { g, _ in [g.reduced(toShape: self.shape)] }
  }
}
