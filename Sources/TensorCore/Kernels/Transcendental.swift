import CKernels

/// `exp`, `tanh`, the logistic sigmoid and GELU over whole buffers.
///
/// The activations of recurrent networks and transformers call these millions of times per
/// training step; the C library computes one value per call, about ten times slower than
/// these vector versions. They are written out in `Sources/CKernels/MathLevel.h` (how each
/// is computed, and why it is accurate), compiled once per instruction-set level and chosen
/// when the program runs, like the matrix product. Every element goes through the same
/// operations at every level, so results are identical on every machine and platform,
/// whatever its C library.
enum FastMath {
  /// A function the vector kernels map over buffers.
  typealias Map = LMMapFunction

  static let exp = LMMapExp
  static let expm1 = LMMapExpm1
  static let tanh = LMMapTanh
  static let sigmoid = LMMapSigmoid
  static let gelu = LMMapGELU
  static let geluDerivative = LMMapGELUDerivative

  /// The active level, as the C kernels take it.
  @inline(__always)
  static var level: LMKernelLevel { lm_kernels_active() }

  /// `f` over `count` floats (`out` may be `x`), at the active level unless told.
  @inline(__always)
  static func map(
    _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, _ f: Map,
    level: VectorLevel? = nil
  ) {
    let level =
      level.map { LMKernelLevel(rawValue: UInt32(Swift.min($0, .supported).rawValue)) }
      ?? self.level
    // Each element is computed alone, so the buffer can be shared out between threads.
    Parallelism.forEachRange(count, cost: 16) { range in
      lm_map(level, f, x + range.lowerBound, out + range.lowerBound, range.count)
    }
  }

  /// One value through the vector version, for scalar code that must agree with it.
  @inline(__always)
  static func scalar(_ x: Float, _ f: Map) -> Float {
    var input = x
    var output: Float = 0
    lm_map(level, f, &input, &output, 1)
    return output
  }
}
