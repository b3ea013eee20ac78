/// Picking elements by index, and choosing between values by a mask.
///
/// Indices are plain `[Int]`: they are never differentiated, and Swift arrays are what a
/// tokenizer produces. `indexSelect` with a weight matrix is an embedding lookup; its
/// backward is `scatterAdd`, which adds each row of the gradient back to the row it came
/// from, so a token that appears twice gets both contributions.
extension Tensor {
  /// The slices at `indices` along `axis`, in that order (PyTorch's `index_select`).
  ///
  /// `weight.indexSelect(axis: 0, indices: ids)` is an embedding lookup: shape
  /// `[ids.count, …]`.
  public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
    let (outer, n, inner, a) = split(around: axis, op: "indexSelect")
    for i in indices {
      precondition(
        i >= 0 && i < n,
        "indexSelect: index \(i) is out of range for axis \(axis) of size \(n) "
          + "(shape \(Shape.describe(shape)))")
    }
    var s = shape
    s[a] = indices.count
    let out = Tensor(uninitializedShape: s)
    let m = indices.count
    for o in 0..<outer {
      for (j, i) in indices.enumerated() {
        (out.pointer + (o * m + j) * inner).update(
          from: pointer + (o * n + i) * inner, count: inner)
      }
    }
    return out.recorded("indexSelect", [self]) { g, _ in
      let gx = Tensor.zeros(self.shape)
      Kernels.scatterAdd(
        g.pointer, indices: indices, outer: outer, n: n, inner: inner, into: gx.pointer)
      return [gx]
    }
  }

  /// Adds the slices of `source` along `axis` into `self` at `indices` (PyTorch's
  /// `index_add`); repeated indices accumulate. Returns a new tensor.
  public func scatterAdd(axis: Int, indices: [Int], source: Tensor) -> Tensor {
    let (outer, n, inner, a) = split(around: axis, op: "scatterAdd")
    var expected = shape
    expected[a] = indices.count
    precondition(
      source.shape == expected,
      "scatterAdd: source has shape \(Shape.describe(source.shape)); \(indices.count) indices "
        + "into \(Shape.describe(shape)) need \(Shape.describe(expected))")
    for i in indices {
      precondition(i >= 0 && i < n, "scatterAdd: index \(i) is out of range for size \(n)")
    }
    let out = detached()
    Kernels.scatterAdd(
      source.pointer, indices: indices, outer: outer, n: n, inner: inner, into: out.pointer)
    return out.recorded("scatterAdd", [self, source]) { g, _ in
      [g, source.requiresGrad ? g.indexSelect(axis: a, indices: indices) : nil]
    }
  }

  /// For each position, the element at `indices` along `axis` (PyTorch's `gather`).
  ///
  /// `indices` is laid out like the result: the result has this tensor's shape with
  /// axis `axis` of size `indices.count / (count / shape[axis])`.
  public func gather(axis: Int, indices: [Int]) -> Tensor {
    let (outer, n, inner, a) = split(around: axis, op: "gather")
    precondition(
      outer * inner > 0 && indices.count % (outer * inner) == 0,
      "gather: \(indices.count) indices do not fit the other axes of \(Shape.describe(shape))")
    let m = indices.count / (outer * inner)
    var s = shape
    s[a] = m
    let out = Tensor(uninitializedShape: s)
    for o in 0..<outer {
      for j in 0..<m {
        for i in 0..<inner {
          let index = indices[(o * m + j) * inner + i]
          precondition(
            index >= 0 && index < n, "gather: index \(index) is out of range for size \(n)")
          out.pointer[(o * m + j) * inner + i] = pointer[(o * n + index) * inner + i]
        }
      }
    }
    return out.recorded("gather", [self]) { g, _ in
      let gx = Tensor.zeros(self.shape)
      for o in 0..<outer {
        for j in 0..<m {
          for i in 0..<inner {
            let index = indices[(o * m + j) * inner + i]
            gx.pointer[(o * n + index) * inner + i] += g.pointer[(o * m + j) * inner + i]
          }
        }
      }
      return [gx]
    }
  }

  /// Replaces the elements where `mask` is non-zero by `value` (PyTorch's
  /// `masked_fill`); `mask` broadcasts to this tensor's shape. Attention uses it with
  /// `-infinity` to hide positions. No gradient flows to the replaced elements.
  public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
    check(
      Shape.broadcast(shape, mask.shape) == shape
        ? nil
        : "maskedFill: mask \(Shape.describe(mask.shape)) does not broadcast to "
          + "\(Shape.describe(shape))")
    let out = Tensor(uninitializedShape: shape)
    Kernels.broadcast(pointer, shape, mask.pointer, mask.shape, into: out.pointer, shape) {
      $1 != 0 ? value : $0
    }
    return out.recorded("maskedFill", [self]) { g, _ in
      let gx = Tensor(uninitializedShape: self.shape)
      Kernels.broadcast(g.pointer, g.shape, mask.pointer, mask.shape, into: gx.pointer, g.shape) {
        $1 != 0 ? 0 : $0
      }
      return [gx]
    }
  }

  /// Chooses `a` where `condition` is non-zero and `b` elsewhere, broadcasting all three
  /// (`torch.where`). Each gradient flows only to the side that was chosen.
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    guard let ab = Shape.broadcast(a.shape, b.shape),
      let shape = Shape.broadcast(condition.shape, ab)
    else {
      preconditionFailure(
        "where: condition \(Shape.describe(condition.shape)), a \(Shape.describe(a.shape)) "
          + "and b \(Shape.describe(b.shape)) do not broadcast")
    }
    let chosen = withNoGrad { condition.expanded(to: shape).detached() }
    let notChosen = Tensor(uninitializedShape: shape)
    Kernels.map(chosen.pointer, into: notChosen.pointer, count: chosen.count) { $0 == 0 ? 1 : 0 }
    return a.expanded(to: shape).maskedFill(notChosen, 0)
      + b.expanded(to: shape).maskedFill(chosen, 0)
  }
}
