import Foundation

/// Making tensors: constants, ranges, and random values for initialisation.
extension Tensor {
  /// A tensor of `shape` filled with `value`.
  public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
    let t = Tensor(uninitializedShape: shape)
    if !t.isMeta { t.pointer.update(repeating: value, count: t.count) }
    t.requiresGrad = requiresGrad
    return t
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    full(shape, 0, requiresGrad: requiresGrad)
  }

  /// A tensor of ones.
  public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    full(shape, 1, requiresGrad: requiresGrad)
  }

  /// The values `start, start + step, …` below `end`, as a vector.
  public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
    precondition(step != 0, "arange: step must not be zero")
    let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    return Tensor((0..<n).map { start + Float($0) * step }, shape: [n])
  }

  /// A tensor filled from `generator`, element by element in row-major order.
  static func generated(
    _ shape: [Int], requiresGrad: Bool, _ next: () -> Float
  ) -> Tensor {
    let t = Tensor(uninitializedShape: shape)
    if !t.isMeta {
      for i in 0..<t.count { t.pointer[i] = next() }
    }
    t.requiresGrad = requiresGrad
    return t
  }

  /// Values drawn uniformly from `[low, high)`.
  public static func uniform(
    _ shape: [Int], low: Double = 0, high: Double = 1, requiresGrad: Bool = false,
    using generator: inout SplitMix64
  ) -> Tensor {
    generated(shape, requiresGrad: requiresGrad) { generator.uniform(low, high) }
  }

  /// Values drawn from a normal distribution `N(mean, std²)`.
  ///
  /// Normals are made in pairs (Box–Muller); for an odd count the last pair's second
  /// value is dropped, as `WORKLOADS.md` specifies.
  public static func normal(
    _ shape: [Int], mean: Double = 0, std: Double = 1, requiresGrad: Bool = false,
    using generator: inout SplitMix64
  ) -> Tensor {
    var spare: Double? = nil
    return generated(shape, requiresGrad: requiresGrad) {
      if let value = spare {
        spare = nil
        return Float(mean + std * value)
      }
      let (a, b) = generator.normalPair()
      spare = b
      return Float(mean + std * a)
    }
  }

  /// Xavier/Glorot uniform initialisation for a weight `[fanOut, fanIn]`:
  /// `U(−a, a)` with `a = gain · sqrt(6 / (fanIn + fanOut))`.
  ///
  /// It keeps the variance of activations about the same from layer to layer for
  /// `tanh`-like units, so deep stacks neither blow up nor fade at the start of training.
  public static func xavierUniform(
    _ shape: [Int], gain: Double = 1, requiresGrad: Bool = false,
    using generator: inout SplitMix64
  ) -> Tensor {
    let (fanIn, fanOut) = fans(shape)
    let bound = gain * (6.0 / Double(fanIn + fanOut)).squareRoot()
    return uniform(
      shape, low: -bound, high: bound, requiresGrad: requiresGrad, using: &generator)
  }

  /// Kaiming/He uniform initialisation for a weight `[fanOut, fanIn]` feeding a ReLU:
  /// `U(−a, a)` with `a = sqrt(6 / fanIn)`, so each layer keeps the second moment of its
  /// input although ReLU zeroes half of it.
  public static func kaimingUniform(
    _ shape: [Int], requiresGrad: Bool = false, using generator: inout SplitMix64
  ) -> Tensor {
    let (fanIn, _) = fans(shape)
    let bound = (6.0 / Double(Swift.max(fanIn, 1))).squareRoot()
    return uniform(
      shape, low: -bound, high: bound, requiresGrad: requiresGrad, using: &generator)
  }

  /// Kaiming/He normal initialisation: `N(0, 2 / fanIn)`.
  public static func kaimingNormal(
    _ shape: [Int], requiresGrad: Bool = false, using generator: inout SplitMix64
  ) -> Tensor {
    let (fanIn, _) = fans(shape)
    return normal(
      shape, std: (2.0 / Double(Swift.max(fanIn, 1))).squareRoot(), requiresGrad: requiresGrad,
      using: &generator)
  }

  /// Fan-in and fan-out of a weight stored `[out, in, …]`, as PyTorch computes them.
  static func fans(_ shape: [Int]) -> (Int, Int) {
    precondition(!shape.isEmpty, "init: a weight needs at least one axis")
    if shape.count == 1 { return (shape[0], shape[0]) }
    let receptive = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptive, shape[0] * receptive)
  }
}
