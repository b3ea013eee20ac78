/// Cutting tensors apart and putting them together: narrow, select, split, concat, stack.
///
/// All of them view the tensor as `[outer, size along axis, inner]` and copy whole runs of
/// `inner` elements, so they cost one pass over memory.
extension Tensor {
  /// The elements `start ..< start + length` along `axis` (PyTorch's `narrow`, NumPy's
  /// slice `x[..., start:start+length, ...]`).
  public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
    let (outer, n, inner, a) = split(around: axis, op: "narrow")
    precondition(
      start >= 0 && length >= 0 && start + length <= n,
      "narrow: \(start)..<\(start + length) is outside axis \(axis) of \(Shape.describe(shape))")
    var s = shape
    s[a] = length
    let out = Tensor(uninitializedShape: s)
    for o in 0..<outer {
      (out.pointer + o * length * inner).update(
        from: pointer + (o * n + start) * inner, count: length * inner)
    }
    let result = out.recorded("narrow", [self]) { g, _ in [g] }
    result.gradFn?.slice = SliceRegion(
      outer: outer, n: n, inner: inner, start: start, length: length)
    return result
  }

  /// The slice at `index` along `axis`, with that axis removed (`x[:, t]` for `axis: 1`).
  public func selected(axis: Int, index: Int) -> Tensor {
    let a = Shape.axis(axis, rank: rank, op: "select")
    precondition(
      index >= 0 && index < shape[a],
      "select: index \(index) is outside axis \(axis) of \(Shape.describe(shape))")
    return narrowed(axis: a, start: index, length: 1).squeezed(axis: a)
  }

  /// Cuts the tensor along `axis` into pieces of the given sizes, which must add up to
  /// the axis' size.
  public func split(sizes: [Int], axis: Int) -> [Tensor] {
    let a = Shape.axis(axis, rank: rank, op: "split")
    precondition(
      sizes.reduce(0, +) == shape[a],
      "split: sizes \(sizes) do not add up to \(shape[a]), the size of axis \(axis)")
    var start = 0
    return sizes.map { size in
      defer { start += size }
      return narrowed(axis: a, start: start, length: size)
    }
  }

  /// Cuts the tensor along `axis` into `parts` equal pieces.
  public func split(parts: Int, axis: Int) -> [Tensor] {
    let a = Shape.axis(axis, rank: rank, op: "split")
    precondition(
      parts > 0 && shape[a] % parts == 0,
      "split: axis \(axis) of size \(shape[a]) does not divide into \(parts) equal parts")
    return split(sizes: Array(repeating: shape[a] / parts, count: parts), axis: a)
  }

  /// Joins tensors along an existing axis; all other sizes must agree.
  public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: no tensors to join")
    let first = tensors[0]
    let a = Shape.axis(axis, rank: first.rank, op: "concat")
    for t in tensors {
      var x = t.shape
      var y = first.shape
      if x.count == y.count {
        x[a] = 0
        y[a] = 0
      }
      precondition(
        x == y,
        "concat: shapes \(Shape.describe(first.shape)) and \(Shape.describe(t.shape)) "
          + "differ outside axis \(axis)")
    }
    let outer = first.shape[..<a].reduce(1, *)
    let inner = first.shape[(a + 1)...].reduce(1, *)
    let sizes = tensors.map { $0.shape[a] }
    let total = sizes.reduce(0, +)
    var s = first.shape
    s[a] = total
    let out = Tensor(uninitializedShape: s)
    var start = 0
    for (t, size) in zip(tensors, sizes) {
      for o in 0..<outer {
        (out.pointer + (o * total + start) * inner).update(
          from: t.pointer + o * size * inner, count: size * inner)
      }
      start += size
    }
    return out.recorded("concat", tensors) { g, _ in
      g.split(sizes: sizes, axis: a).enumerated().map { i, piece in
        tensors[i].requiresGrad ? piece : nil
      }
    }
  }

  /// Joins same-shaped tensors along a new axis.
  public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "stack: no tensors to join")
    for t in tensors {
      precondition(
        t.shape == tensors[0].shape,
        "stack: shapes \(Shape.describe(tensors[0].shape)) and \(Shape.describe(t.shape)) differ")
    }
    return concat(tensors.map { $0.unsqueezed(axis: axis) }, axis: axis)
  }
}
