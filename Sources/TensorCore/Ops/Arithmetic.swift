import Foundation

/// Elementwise arithmetic with NumPy broadcasting: `+`, `-`, `*`, `/`, negation, powers.
///
/// Each binary op broadcasts its operands to a common shape; its pullback multiplies the
/// upstream gradient by the local derivative and then sums it back down to each operand's
/// own shape (`reduced(toShape:)`): an operand that was repeated along an axis receives
/// the sum of the gradients of all its copies.
extension Tensor {
  /// Broadcasts `a` and `b` and applies `f` to each pair of elements.
  @inline(__always)
  static func broadcasting(
    _ op: String, _ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float
  ) -> Tensor {
    guard let shape = Shape.broadcast(a.shape, b.shape) else {
      preconditionFailure(Shape.broadcastDiagnosis(op, a.shape, b.shape)!)
    }
    let out = Tensor(uninitializedShape: shape)
    Kernels.broadcast(a.pointer, a.shape, b.pointer, b.shape, into: out.pointer, shape, f)
    return out
  }

  /// Sums a gradient down to `target`, the shape of an operand that was broadcast to
  /// this tensor's shape. Returns `self` when nothing was broadcast.
  func reduced(toShape target: [Int]) -> Tensor {
    if target == shape { return self }
    let out = Tensor(uninitializedShape: target)
    Kernels.sumBroadcast(pointer, from: shape, into: out.pointer, to: target)
    return out
  }

  /// `lhs + rhs`, broadcasting.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    broadcasting("add", lhs, rhs, +).recorded("add", [lhs, rhs]) { g, _ in
      [
        lhs.requiresGrad ? g.reduced(toShape: lhs.shape) : nil,
        rhs.requiresGrad ? g.reduced(toShape: rhs.shape) : nil,
      ]
    }
  }

  /// `lhs - rhs`, broadcasting.
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    broadcasting("sub", lhs, rhs, -).recorded("sub", [lhs, rhs]) { g, _ in
      [
        lhs.requiresGrad ? g.reduced(toShape: lhs.shape) : nil,
        rhs.requiresGrad ? (-g).reduced(toShape: rhs.shape) : nil,
      ]
    }
  }

  /// `lhs * rhs`, elementwise, broadcasting (use `matmul` for the matrix product).
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    broadcasting("mul", lhs, rhs, *).recorded("mul", [lhs, rhs]) { g, _ in
      [
        lhs.requiresGrad ? broadcasting("mul", g, rhs, *).reduced(toShape: lhs.shape) : nil,
        rhs.requiresGrad ? broadcasting("mul", g, lhs, *).reduced(toShape: rhs.shape) : nil,
      ]
    }
  }

  /// `lhs / rhs`, elementwise, broadcasting.
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
    broadcasting("div", lhs, rhs, /).recorded("div", [lhs, rhs]) { g, out in
      // d(a/b)/da = 1/b; d(a/b)/db = -a/b² = -(a/b)/b, reusing the output.
      [
        lhs.requiresGrad ? broadcasting("div", g, rhs, /).reduced(toShape: lhs.shape) : nil,
        rhs.requiresGrad
          ? broadcasting("div", g * out, rhs, { -$0 / $1 }).reduced(toShape: rhs.shape) : nil,
      ]
    }
  }

  /// `-x`.
  public static prefix func - (x: Tensor) -> Tensor {
    x.unary("neg", { -$0 }) { _, _, g in -g }
  }

  public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs + Tensor(rhs) }
  public static func + (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
  public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs - Tensor(rhs) }
  public static func - (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
  public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs * Tensor(rhs) }
  public static func * (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
  public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs / Tensor(rhs) }
  public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }

  /// `x^exponent`, elementwise. Gradient: `exponent · x^(exponent − 1)`.
  public func pow(_ exponent: Float) -> Tensor {
    if exponent == 2 { return unary("pow", { $0 * $0 }) { x, _, g in 2 * x * g } }
    return unary("pow", { Foundation.pow($0, exponent) }) { x, _, g in
      g * exponent * Foundation.pow(x, exponent - 1)
    }
  }

  /// `x²`, elementwise.
  public func squared() -> Tensor { pow(2) }
}
