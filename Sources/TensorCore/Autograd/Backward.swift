import Foundation

/// One recorded operation: its inputs and how to send a gradient back to them.
///
/// The pullback receives the gradient of the loss with respect to the op's output (same
/// shape as the output) and the output itself (so ops like `tanh` can reuse it without
/// the node holding its own output, which would be a reference cycle). It returns one
/// gradient per input, or `nil` for inputs that need none.
final class GradFn {
  let name: String
  var inputs: [Tensor]
  var pullback: (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]
  /// Set by `narrowed`: the pullback returns the gradient of the slice only, and the
  /// engine adds it into that region of the input's gradient. Cutting a sequence into
  /// `T` steps then costs `O(T)` in the backward pass, not `T` full-size zero tensors.
  var slice: SliceRegion?

  init(
    name: String, inputs: [Tensor],
    pullback: @escaping (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]
  ) {
    self.name = name
    self.inputs = inputs
    self.pullback = pullback
  }
}

/// Whether operations record themselves for `backward()`; see `withNoGrad`.
///
/// The setting belongs to the current task (or thread), like PyTorch's grad mode: code
/// that evaluates a model on one thread does not switch recording off for another.
public enum GradMode {
  @TaskLocal static var enabled = true

  /// Whether ops on this thread record themselves for `backward()` now.
  public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording operations: for evaluation, sampling, and optimizer
/// updates (PyTorch's `torch.no_grad()`). Saves the memory and time a graph costs.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
  try GradMode.$enabled.withValue(false, operation: body)
}

extension Tensor {
  /// Wraps a freshly computed result, recording `pullback` when gradients are enabled and
  /// some input requires a gradient. Every differentiable op ends with this call.
  func recorded(
    _ name: String, _ inputs: [Tensor],
    pullback: @escaping (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]
  ) -> Tensor {
    if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
      requiresGrad = true
      gradFn = GradFn(name: name, inputs: inputs, pullback: pullback)
    }
    return self
  }

  /// The name of the operation that made this tensor (`"matmul"`, `"add"`, …), or `nil`
  /// for a leaf.
  public var operationName: String? { gradFn?.name }

  /// Asks `backward()` to keep this intermediate result's gradient in `grad` too
  /// (PyTorch's `retain_grad()`). Lessons use it to show the gradient that reaches each
  /// hidden state of a recurrent network.
  public func retainGrad() {
    retainsGrad = true
  }

  /// Computes the gradient of this tensor with respect to every tensor it was computed
  /// from that has `requiresGrad`, and adds it to their `grad`.
  ///
  /// Reverse-mode differentiation: the graph is sorted so that each tensor comes after
  /// everything computed from it; then, from this tensor back, each op's pullback turns its
  /// output gradient into input gradients. A tensor used by several ops receives the sum
  /// of their contributions. Gradients *accumulate* across calls: call `zeroGrad()`
  /// between steps.
  /// - Parameter gradient: the upstream gradient, shaped like this tensor. It may be
  ///   omitted for a one-element tensor (a loss), which means a gradient of 1.
  public func backward(_ gradient: Tensor? = nil) {
    let seed: Tensor
    if let gradient {
      precondition(
        gradient.shape == shape,
        "backward: the gradient has shape \(Shape.describe(gradient.shape)) but the tensor "
          + "has shape \(Shape.describe(shape))")
      seed = gradient
    } else {
      precondition(
        count == 1,
        "backward: the tensor has shape \(Shape.describe(shape)); pass a gradient of that "
          + "shape, or reduce it to one value first (for example with .sum())")
      seed = Tensor.full(shape, 1)
    }
    precondition(
      requiresGrad,
      "backward: this tensor does not require gradients; set requiresGrad on a parameter "
        + "it was computed from, outside withNoGrad")
    withNoGrad {
      let order = topologicalOrder()
      var gradients = GradientAccumulator(count: order.count)
      gradients.add(seed, at: backwardIndex)
      for node in order.reversed() {
        guard let g = gradients.take(node.backwardIndex) else { continue }
        if node.gradFn == nil || node.retainsGrad {
          node.accumulateGrad(g)
        }
        guard let fn = node.gradFn else { continue }
        let inputGradients = fn.pullback(g, node)
        for (input, inputGradient) in zip(fn.inputs, inputGradients) {
          guard input.requiresGrad, let inputGradient else { continue }
          if let region = fn.slice {
            gradients.add(inputGradient, at: input.backwardIndex, shape: input.shape, in: region)
            continue
          }
          assert(
            inputGradient.shape == input.shape,
            "\(fn.name) backward: gradient shape \(Shape.describe(inputGradient.shape)) "
              + "for an input of shape \(Shape.describe(input.shape))")
          gradients.add(inputGradient, at: input.backwardIndex)
        }
      }
    }
  }

  /// Adds `g` to `grad`, copying on first use so that no two tensors share a gradient.
  func accumulateGrad(_ g: Tensor) {
    if let grad {
      Kernels.add(grad.pointer, g.pointer, into: grad.pointer, count: count)
    } else {
      grad = g.detached()
    }
  }

  /// Every tensor this one depends on through recorded ops, each after its inputs; each
  /// tensor's `backwardIndex` is set to its position.
  ///
  /// Iterative depth-first search: a recurrent network unrolled over many steps makes
  /// graphs deep enough to overflow the stack of a recursive one. Visited tensors are
  /// marked with this pass's number rather than kept in a set, which saves hashing every
  /// node. (So two backward passes through the same tensors must not run at once.)
  func topologicalOrder() -> [Tensor] {
    let pass = BackwardPass.next()
    var order: [Tensor] = []
    var stack: [(Tensor, Int)] = [(self, 0)]
    backwardPass = pass
    while let (node, next) = stack.popLast() {
      let inputs = node.gradFn?.inputs ?? []
      if next < inputs.count {
        stack.append((node, next + 1))
        let input = inputs[next]
        if input.requiresGrad && input.backwardPass != pass {
          input.backwardPass = pass
          stack.append((input, 0))
        }
      } else {
        node.backwardIndex = order.count
        order.append(node)
      }
    }
    return order
  }
}

/// Numbers backward passes, to mark the tensors each one has visited.
enum BackwardPass {
  static let lock = NSLock()
  nonisolated(unsafe) static var counter: UInt64 = 0

  static func next() -> UInt64 {
    lock.lock()
    defer { lock.unlock() }
    counter += 1
    return counter
  }
}

/// Where a slice sits in a tensor viewed as `[outer, n, inner]`: rows `start ..< start +
/// length` of the middle axis.
struct SliceRegion {
  let outer: Int
  let n: Int
  let inner: Int
  let start: Int
  let length: Int
}

/// The gradients collected during one backward pass, by position in the sorted graph.
///
/// The first contribution to a tensor is kept as it is (it may be shared, for example
/// `add` passes the same gradient to both inputs). A second contribution makes an owned
/// sum; later ones are added into it in place, so a tensor used `k` times costs `k`
/// additions, not `k` allocations.
struct GradientAccumulator {
  var gradients: [Tensor?]
  var owned: [Bool]

  init(count: Int) {
    gradients = Array(repeating: nil, count: count)
    owned = Array(repeating: false, count: count)
  }

  mutating func take(_ index: Int) -> Tensor? {
    defer { gradients[index] = nil }
    return gradients[index]
  }

  mutating func add(_ g: Tensor, at index: Int) {
    guard let existing = gradients[index] else {
      gradients[index] = g
      return
    }
    if owned[index] {
      Kernels.add(existing.pointer, g.pointer, into: existing.pointer, count: existing.count)
    } else {
      gradients[index] = existing + g
      owned[index] = true
    }
  }

  mutating func add(_ g: Tensor, at index: Int, shape: [Int], in region: SliceRegion) {
    let target: Tensor
    if let existing = gradients[index], owned[index] {
      target = existing
    } else if let existing = gradients[index] {
      target = existing.detached()
    } else {
      target = Tensor.zeros(shape)
    }
    gradients[index] = target
    owned[index] = true
    let width = region.length * region.inner
    for o in 0..<region.outer {
      let dest = target.pointer + (o * region.n + region.start) * region.inner
      Kernels.add(dest, g.pointer + o * width, into: dest, count: width)
    }
  }
}
