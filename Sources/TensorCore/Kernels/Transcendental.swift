/// `exp`, `expm1`, `tanh` and the logistic sigmoid on eight floats at a time.
///
/// The activations of recurrent networks and transformers call these millions of times
/// per training step; the C library computes one value per call, about ten times slower
/// than these SIMD versions. Writing them ourselves also makes results identical on every
/// platform, whatever its C library.
///
/// **exp.** Write `x = n·ln 2 + r` with `n` an integer and `|r| ≤ ln 2 / 2`; then
/// `eˣ = 2ⁿ · eʳ`. `2ⁿ` is built from the float's exponent bits; `eʳ` is the Taylor
/// polynomial of degree 7, whose truncation error `|r|⁸/8! < 6e-9` is below `Float`'s
/// rounding. `ln 2` is split into a part with few bits and a correction (Cody and Waite)
/// so `x − n·ln 2` loses no precision.
///
/// **expm1** (`eˣ − 1`) is used where `eˣ` is close to 1: subtracting 1 from `exp` would
/// cancel most of its digits, so for `|x| < 0.35` we use the Taylor series of `eˣ − 1`
/// directly (degree 8, error below 3e-10).
///
/// **tanh** is `−u / (u + 2)` with `u = expm1(−2|x|)`, and the sign of `x`: accurate for
/// tiny `|x|` (no cancellation) and for large `|x|` (no overflow).
///
/// **sigmoid** is `1 / (1 + e)` for `x ≥ 0` and `e / (1 + e)` for `x < 0`, with
/// `e = e^{−|x|} ≤ 1`, so nothing overflows and tiny results keep their precision.
///
/// NaN inputs give NaN, as they must for a training loop to notice a diverged loss.
enum FastMath {
  typealias V = SIMD8<Float>

  static let log2e: Float = 1.442_695_04
  static let ln2High: Float = 0.693_359_375
  static let ln2Low: Float = -2.121_944_4e-4

  /// 1.5 · 2²³: adding it to a float below 2²² in size rounds it to an integer (to
  /// nearest, ties to even) and leaves that integer in the low bits of the result.
  static let roundingMagic: Float = 12_582_912

  @inline(__always)
  static func exp(_ x: V) -> V {
    // Clamp to where 2ⁿ is a normal float; the ends are fixed up below. (Comparisons and
    // bit casts only: the generic SIMD conversions and `rounded` are not specialised by
    // the compiler and cost far more than the arithmetic.)
    var clamped = x
    clamped.replace(with: -87.3, where: x .< -87.3)
    clamped.replace(with: 88, where: x .> 88)
    let shifted = clamped * log2e + roundingMagic
    let n = shifted - roundingMagic
    let r = clamped - n * ln2High - n * ln2Low
    var p = V(repeating: 1.0 / 5040)
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000
    let exponent = (integer &+ 127) &<< 23
    var result = p * unsafeBitCast(exponent, to: V.self)
    result.replace(with: 0, where: x .< -87.3)
    result.replace(with: .infinity, where: x .> 88.72)
    result.replace(with: x, where: x .!= x)
    return result
  }

  @inline(__always)
  static func expm1(_ x: V) -> V {
    var p = V(repeating: 1.0 / 40320)
    p = p * x + 1.0 / 5040
    p = p * x + 1.0 / 720
    p = p * x + 1.0 / 120
    p = p * x + 1.0 / 24
    p = p * x + 1.0 / 6
    p = p * x + 0.5
    p = p * x + 1
    p = p * x
    var result = exp(x) - 1
    result.replace(with: p, where: (x .> -0.35) .& (x .< 0.35))
    return result
  }

  @inline(__always)
  static func tanh(_ x: V) -> V {
    let magnitude = abs(x)
    let u = expm1(-2 * magnitude)
    var t = -u / (u + 2)
    t.replace(with: -t, where: x .< 0)
    t.replace(with: x, where: x .!= x)
    return t
  }

  @inline(__always)
  static func sigmoid(_ x: V) -> V {
    let e = exp(-abs(x))
    let s = 1 / (1 + e)
    var result = s
    result.replace(with: e * s, where: x .< 0)
    result.replace(with: x, where: x .!= x)
    return result
  }

  @inline(__always)
  static func abs(_ x: V) -> V {
    unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: V.self)
  }

  /// Applies `f` to `count` floats, eight at a time; the last few go through a padded
  /// vector, so every element is computed the same way.
  @inline(__always)
  static func map(
    _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
    _ f: (V) -> V
  ) {
    var i = 0
    let raw = UnsafeRawPointer(x)
    let outRaw = UnsafeMutableRawPointer(out)
    while i &+ 8 <= count {
      outRaw.storeBytes(
        of: f(raw.loadUnaligned(fromByteOffset: i &* 4, as: V.self)), toByteOffset: i &* 4,
        as: V.self)
      i &+= 8
    }
    if i < count {
      var tail = V()
      for j in 0..<(count &- i) { tail[j] = x[i &+ j] }
      let result = f(tail)
      for j in 0..<(count &- i) { out[i &+ j] = result[j] }
    }
  }

  /// One value through the vector version, for scalar code that must agree with it.
  @inline(__always)
  static func scalar(_ x: Float, _ f: (V) -> V) -> Float {
    f(V(repeating: x))[0]
  }
}
