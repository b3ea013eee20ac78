import Foundation

/// The one random number generator of the package: SplitMix64.
///
/// Every random choice — initial weights, shuffles, dropout masks, corruption, sampling —
/// draws from a `SplitMix64` seeded explicitly, so the same seed gives bit-identical
/// tensors and training runs on every machine and thread count. The conversions to
/// floats follow `shared/bench/WORKLOADS.md` §0.1 exactly (arithmetic in `Double`,
/// rounded to `Float` once), so other languages can reproduce our numbers.
///
/// SplitMix64 passes the BigCrush statistical tests, has a 64-bit state that is cheap to
/// copy, and is the generator the benchmark specification names.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The whole state of the generator.
  public private(set) var state: UInt64

  /// A generator whose outputs are fixed by `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state = state &+ 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform value in `[0, 1)` with 24 random bits: `Double(next() >> 40) · 2⁻²⁴`.
  public mutating func nextUnit() -> Double {
    Double(next() >> 40) * 0x1p-24
  }

  /// A uniform `Float` in `[low, high)`, computed in `Double` and rounded once.
  public mutating func uniform(_ low: Double, _ high: Double) -> Float {
    Float(low + (high - low) * nextUnit())
  }

  /// A uniform integer in `0..<upperBound`: `(next() >> 32) mod upperBound`.
  ///
  /// The modulo bias is below 2⁻³² · `upperBound`, far too small to matter for picking
  /// tokens or shuffling; we keep it because other implementations can reproduce it.
  public mutating func index(_ upperBound: Int) -> Int {
    precondition(upperBound > 0, "index: the upper bound must be positive, got \(upperBound)")
    return Int((next() >> 32) % UInt64(upperBound))
  }

  /// A pair of independent standard normal values (Box–Muller).
  public mutating func normalPair() -> (Double, Double) {
    let u1 = (Double(next() >> 11) + 1) * 0x1p-53
    let u2 = Double(next() >> 11) * 0x1p-53
    let r = (-2 * Foundation.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return (r * Foundation.cos(angle), r * Foundation.sin(angle))
  }

  /// A new generator for a sub-task, seeded from this one.
  ///
  /// Handing each part of a lesson its own generator keeps their streams independent:
  /// drawing one more number in one place does not change every number after it elsewhere.
  public mutating func split() -> SplitMix64 {
    SplitMix64(seed: next())
  }

  /// Shuffles `values` in place (Fisher–Yates with `index(_:)`), reproducibly for a seed.
  public mutating func shuffle<T>(_ values: inout [T]) {
    if values.count < 2 { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      values.swapAt(i, index(i + 1))
    }
  }

  /// Picks an index with probability proportional to `weights` (which need not sum to 1).
  ///
  /// A bad distribution (from a diverged model) never stops the program: NaN and negative
  /// weights count as 0; if some weights are infinite, one of them is picked uniformly;
  /// if all are 0, any index is; finite weights whose sum overflows are rescaled first.
  public mutating func categorical(_ weights: [Float]) -> Int {
    precondition(!weights.isEmpty, "categorical: there are no weights to choose from")
    var total = weights.reduce(0, +)
    var weights = weights
    if !(total > 0 && total.isFinite) {
      let infinite = weights.indices.filter { weights[$0] == .infinity }
      if !infinite.isEmpty { return infinite[index(infinite.count)] }
      weights = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
      let largest = weights.max()!
      guard largest > 0 else { return index(weights.count) }
      weights = weights.map { $0 / largest }
      total = weights.reduce(0, +)
    }
    let target = Float(nextUnit()) * total
    var running: Float = 0
    for (i, w) in weights.enumerated() {
      running += w
      if target < running { return i }
    }
    return weights.lastIndex(where: { $0 > 0 }) ?? 0
  }
}

/// The generator layers draw from when none is passed, as PyTorch's layers draw from its
/// global generator: `Linear(2, 32)` works in a quick experiment, and the result is still
/// the same on every run. Each call of `next()` splits off a fresh stream, so two layers of
/// the same shape get different weights. Lessons pass their own generators instead, so
/// that adding a layer in one cell cannot change the weights of another.
public enum DefaultRandom {
  nonisolated(unsafe) private static var generator = SplitMix64(seed: 0)
  private static let lock = NSLock()

  /// Starts the sequence again from `seed` (PyTorch's `torch.manual_seed`).
  public static func seed(_ seed: UInt64) {
    lock.withLock { generator = SplitMix64(seed: seed) }
  }

  /// A fresh generator, split off the shared one.
  public static func next() -> SplitMix64 {
    lock.withLock { generator.split() }
  }
}
