import CKernels
import Foundation

/// Elementwise functions of one tensor, each with its derivative beside it.
///
/// `unary` runs the forward function over every element and records a pullback that
/// computes `gradient · f′` in one pass, given the input `x`, the output `y` and the
/// upstream gradient `g` of each element. Many derivatives are cheapest in terms of the
/// output (`tanh′ = 1 − y²`, `σ′ = y(1 − y)`, `exp′ = y`), which is why `y` is passed.
extension Tensor {
  @inline(__always)
  func unary(
    _ name: String, _ f: (Float) -> Float,
    derivative: @escaping (_ x: Float, _ y: Float, _ g: Float) -> Float
  ) -> Tensor {
    let out = Tensor(uninitializedShape: shape)
    Kernels.map(pointer, into: out.pointer, count: count, f)
    return recordElementwise(name, out, derivative)
  }

  /// Like `unary`, with the forward computed by a vector kernel (`FastMath`).
  @inline(__always)
  func unaryVector(
    _ name: String, _ f: FastMath.Map,
    derivative: @escaping (_ x: Float, _ y: Float, _ g: Float) -> Float
  ) -> Tensor {
    let out = Tensor(uninitializedShape: shape)
    FastMath.map(pointer, into: out.pointer, count: count, f)
    return recordElementwise(name, out, derivative)
  }

  /// Records the pullback of an elementwise function: `gx = derivative(x, y, g)` in one
  /// pass over the input, the output and the upstream gradient.
  @inline(__always)
  func recordElementwise(
    _ name: String, _ out: Tensor,
    _ derivative: @escaping (_ x: Float, _ y: Float, _ g: Float) -> Float
  ) -> Tensor {
    out.recorded(name, [self]) { g, y in
      let gx = Tensor(uninitializedShape: self.shape)
      Kernels.zip3(self.pointer, y.pointer, g.pointer, into: gx.pointer, count: self.count) {
        derivative($0, $1, $2)
      }
      return [gx]
    }
  }

  /// `eˣ`.
  public func exp() -> Tensor {
    unaryVector("exp", FastMath.exp) { _, y, g in g * y }
  }

  /// The natural logarithm. Gradient `1/x`.
  public func log() -> Tensor {
    unary("log", { Foundation.log($0) }) { x, _, g in g / x }
  }

  /// `√x`. Gradient `1/(2√x)`, written with the output.
  public func sqrt() -> Tensor {
    unary("sqrt", { $0.squareRoot() }) { _, y, g in g * 0.5 / y }
  }

  /// `|x|`. Gradient `sign(x)`, taken as 0 at 0.
  public func abs() -> Tensor {
    unary("abs", { Swift.abs($0) }) { x, _, g in x > 0 ? g : (x < 0 ? -g : 0) }
  }

  /// Limits every element to `[min, max]` (PyTorch's `clamp`). The gradient passes where
  /// the value was inside the range and is 0 where it was cut off.
  public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
    unary("clamp", { Swift.min(Swift.max($0, low), high) }) { x, _, g in
      x >= low && x <= high ? g : 0
    }
  }

  /// The hyperbolic tangent. Gradient `1 − tanh²`, from the output.
  public func tanh() -> Tensor {
    unaryVector("tanh", FastMath.tanh) { _, y, g in g * (1 - y * y) }
  }

  /// The logistic sigmoid `1/(1 + e⁻ˣ)`. Gradient `σ(1 − σ)`, from the output.
  ///
  /// Written as `e^x / (1 + e^x)` for negative `x` so that `e⁻ˣ` never overflows.
  public func sigmoid() -> Tensor {
    unaryVector("sigmoid", FastMath.sigmoid) { _, y, g in g * y * (1 - y) }
  }

  @inline(__always)
  static func sigmoid(_ x: Float) -> Float {
    FastMath.scalar(x, FastMath.sigmoid)
  }

  /// `max(x, 0)`. Gradient 1 where `x > 0`, else 0.
  public func relu() -> Tensor {
    unary("relu", { Swift.max($0, 0) }) { x, _, g in x > 0 ? g : 0 }
  }

  /// GELU with the tanh approximation used by BERT and GPT-2:
  /// `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`.
  public func gelu() -> Tensor {
    let out = Tensor(uninitializedShape: shape)
    let level = FastMath.level
    guard GradMode.isEnabled && requiresGrad else {
      FastMath.map(pointer, into: out.pointer, count: count, FastMath.gelu)
      return out
    }
    // Training: keep each element's tanh, which the derivative needs too.
    let tanh = Tensor(uninitializedShape: shape)
    let (x, y, t) = (pointer, out.pointer, tanh.pointer)
    Parallelism.forEachRange(count, cost: 16) { range in
      let start = range.lowerBound
      lm_gelu_keeping_tanh(level, x + start, y + start, t + start, range.count)
    }
    return out.recorded("gelu", [self]) { g, _ in
      // `tanh` is captured whole: the closure keeps it alive until the backward pass.
      let gx = Tensor(uninitializedShape: self.shape)
      let (x, t, gradient, result) = (self.pointer, tanh.pointer, g.pointer, gx.pointer)
      Parallelism.forEachRange(self.count, cost: 8) { range in
        let start = range.lowerBound
        lm_gelu_backward(
          level, x + start, t + start, gradient + start, result + start, range.count)
      }
      return [gx]
    }
  }
}
