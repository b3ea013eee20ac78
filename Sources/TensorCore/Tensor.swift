/// An N-dimensional array of `Float`s that remembers how it was computed.
///
/// A tensor has a `shape` and row-major contiguous storage. When gradients are enabled
/// and an input of an operation has `requiresGrad`, the result records the operation and
/// its *pullback* (how to turn the result's gradient into the inputs' gradients), so that
/// `backward()` can walk the recorded graph in reverse.
///
/// `Tensor` is a class: a parameter is one object that layers read, `backward()` fills
/// in `grad` and an optimizer updates in place.
///
/// ```swift
/// let w = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
/// let loss = (w * w).sum()
/// loss.backward()
/// print(w.grad!)   // tensor([2.0000, 4.0000, 6.0000]), shape [3]
/// ```
public final class Tensor {
  /// The size of each axis, outermost first; `[]` for a scalar.
  public let shape: [Int]
  /// The number of elements: the product of `shape`.
  public let count: Int
  let storage: Storage
  /// Whether `backward()` computes a gradient for this tensor.
  ///
  /// Set it on leaves (parameters, inputs you want gradients for); results of operations
  /// get it from their inputs.
  public var requiresGrad: Bool
  /// The accumulated gradient of whatever `backward()` was called on, with respect to
  /// this tensor; `nil` until a backward pass reaches it.
  public var grad: Tensor?
  /// The operation that made this tensor, when it was recorded for autograd.
  var gradFn: GradFn?
  /// Keep `grad` for this intermediate result too (PyTorch's `retain_grad()`).
  var retainsGrad = false
  /// Bookkeeping of the latest backward pass through this tensor: which pass visited it,
  /// and its position in that pass's sorted graph.
  var backwardPass: UInt64 = 0
  var backwardIndex = 0

  init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
    self.shape = shape
    self.count = storage.count
    self.storage = storage
    self.requiresGrad = requiresGrad
  }

  /// Releases the graph behind this tensor without recursion.
  ///
  /// Left to itself, freeing the last tensor of a long chain frees its op, which frees
  /// its input, which frees that input's op, and so on: one stack frame per op, enough to
  /// overflow the stack for a long unrolled recurrence. Here we take apart the ops that
  /// only this tensor keeps alive with an explicit worklist instead.
  deinit {
    guard var fn = gradFn else { return }
    gradFn = nil
    var pending: [GradFn] = []
    if isKnownUniquelyReferenced(&fn) { pending.append(fn) }
    while let next = pending.popLast() {
      var inputs = next.inputs
      next.inputs = []
      next.pullback = { _, _ in [] }  // its captures held the inputs too
      while var input = inputs.popLast() {
        guard isKnownUniquelyReferenced(&input), var inner = input.gradFn else { continue }
        input.gradFn = nil
        if isKnownUniquelyReferenced(&inner) { pending.append(inner) }
      }
    }
  }

  /// A tensor of `shape` with uninitialised contents, for ops that fill every element.
  /// Under `withMetaTensors` it has no memory at all.
  convenience init(uninitializedShape shape: [Int]) {
    let count = Shape.count(shape)
    let storage = MetaMode.isOn ? Storage(metaCount: count) : Storage(count: count)
    self.init(shape: shape, storage: storage)
  }

  /// Makes a tensor from values in row-major order.
  /// - Parameters:
  ///   - values: `Shape.count(shape)` values, last axis fastest.
  ///   - shape: the shape; defaults to a vector of `values.count`.
  ///   - requiresGrad: whether gradients flow to this tensor.
  public convenience init(_ values: [Float], shape: [Int]? = nil, requiresGrad: Bool = false) {
    let shape = shape ?? [values.count]
    precondition(
      Shape.count(shape) == values.count,
      "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape)) "
        + "(\(Shape.count(shape)) elements)")
    self.init(uninitializedShape: shape)
    self.requiresGrad = requiresGrad
    if !storage.isMeta {
      values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: count) }
    }
  }

  /// Makes a tensor from nested rows: `Tensor([[1, 2], [3, 4]])` has shape `[2, 2]`.
  public convenience init(_ rows: [[Float]], requiresGrad: Bool = false) {
    let width = rows.first?.count ?? 0
    precondition(
      rows.allSatisfy { $0.count == width }, "Tensor: rows of different lengths")
    self.init(rows.flatMap { $0 }, shape: [rows.count, width], requiresGrad: requiresGrad)
  }

  /// A scalar tensor (shape `[]`).
  public convenience init(_ value: Float) {
    self.init([value], shape: [])
  }

  /// The number of axes.
  public var rank: Int { shape.count }

  /// Whether this tensor has a shape but no memory (made under `withMetaTensors`).
  public var isMeta: Bool { storage.isMeta }

  /// The values in row-major order.
  public var scalars: [Float] {
    requireData("scalars")
    return Array(UnsafeBufferPointer(start: storage.pointer, count: count))
  }

  /// The value of a one-element tensor.
  public var item: Float {
    precondition(
      count == 1, "item: the tensor has shape \(Shape.describe(shape)), not one element")
    requireData("item")
    return storage.pointer[0]
  }

  /// Reads or writes one element by its index along every axis.
  public subscript(_ indices: Int...) -> Float {
    get {
      requireData("subscript")
      return storage.pointer[offset(of: indices)]
    }
    set {
      requireData("subscript")
      storage.pointer[offset(of: indices)] = newValue
    }
  }

  func offset(of indices: [Int]) -> Int {
    precondition(
      indices.count == rank,
      "subscript: \(indices.count) indices for a tensor of shape \(Shape.describe(shape))")
    var offset = 0
    for (axis, index) in indices.enumerated() {
      precondition(
        index >= 0 && index < shape[axis],
        "subscript: index \(index) is out of range for axis \(axis) of size \(shape[axis])")
      offset = offset * shape[axis] + index
    }
    return offset
  }

  /// Calls `body` with the values, read-only. The fast way to read a whole tensor.
  public func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    requireData("withUnsafeBufferPointer")
    return try body(UnsafeBufferPointer(start: storage.pointer, count: count))
  }

  /// Calls `body` with the values to change in place, as optimizers do to parameters.
  ///
  /// Changing a tensor that an autograd graph has already used makes that graph's
  /// gradients wrong; do it between steps, not during one.
  public func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    requireData("withUnsafeMutableBufferPointer")
    return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
  }

  var pointer: UnsafeMutablePointer<Float> { storage.pointer }

  func requireData(_ op: String) {
    precondition(
      !storage.isMeta,
      "\(op): this tensor of shape \(Shape.describe(shape)) was made under withMetaTensors "
        + "and has no values")
  }

  /// A new tensor with the same values that is not part of any graph (PyTorch's
  /// `detach()`; ours copies, because tensors never share storage).
  public func detached() -> Tensor {
    let copy = Tensor(uninitializedShape: shape)
    if !isMeta { copy.pointer.update(from: pointer, count: count) }
    return copy
  }

  /// Copies `source`'s values into this tensor (same element count), outside autograd.
  public func assign(_ source: Tensor) {
    precondition(
      source.count == count,
      "assign: shapes \(Shape.describe(shape)) and \(Shape.describe(source.shape)) differ")
    requireData("assign")
    pointer.update(from: source.pointer, count: count)
  }

  /// Forgets the accumulated gradient (PyTorch's `zero_grad(set_to_none=True)`).
  public func zeroGrad() {
    grad = nil
  }
}

/// Whether tensors are made without memory; see `withMetaTensors`.
enum MetaMode {
  @TaskLocal static var isOn = false
}

/// Runs `body` with tensor creation recording shapes only, no memory (PyTorch's
/// `torch.device("meta")`).
///
/// Use it to build a huge model just to count its parameters. Reading values of such a
/// tensor stops with a message; ops on them are not supported.
public func withMetaTensors<R>(_ body: () throws -> R) rethrows -> R {
  try MetaMode.$isOn.withValue(true, operation: body)
}
