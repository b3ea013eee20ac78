import Testing

@testable import TensorCore

/// `permuted` against the definition, element by element: every permutation of ranks 1
/// to 4, a rank-5 one, attention's head swap at sizes two threads share, and one thread
/// and two (one after the other: they set the thread count every test reads).
@Suite(.serialized)
struct PermuteTests {
  /// `out[i₀, …] = x[i_{axes⁻¹}…]`, index by index.
  func reference(_ x: [Float], _ shape: [Int], _ axes: [Int]) -> [Float] {
    let outShape = axes.map { shape[$0] }
    let strides = Shape.strides(shape)
    let count = shape.reduce(1, *)
    var out = [Float](repeating: .nan, count: count)
    for flat in 0..<count {
      var rest = flat
      var source = 0
      for axis in outShape.indices.reversed() {
        source += (rest % outShape[axis]) * strides[axes[axis]]
        rest /= outShape[axis]
      }
      out[flat] = x[source]
    }
    return out
  }

  func permutations(_ n: Int) -> [[Int]] {
    if n == 0 { return [[]] }
    return permutations(n - 1).flatMap { p in
      (0...p.count).map { i in
        var q = p
        q.insert(n - 1, at: i)
        return q
      }
    }
  }

  @Test(arguments: [1, 2])
  func everyPermutationMatchesTheDefinition(threads: Int) {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = threads
    var g = SplitMix64(seed: 9)
    var cases: [([Int], [Int])] = []
    for shape in [[7], [3, 5], [2, 3, 4], [2, 3, 1, 5], [3, 4, 2, 6]] {
      cases += permutations(shape.count).map { (shape, $0) }
    }
    cases.append(([2, 3, 2, 4, 3], [4, 0, 3, 1, 2]))
    // Attention's head swap, `[batch, time, heads, head size]`, large enough to be shared.
    cases.append(([12, 64, 4, 32], [0, 2, 1, 3]))
    // Shared at a row whose index is not zero past the first axis ([2, 1, 33] of
    // [7, 5, 67]), so a thread's first offset is worked out from a whole index.
    cases.append(([7, 67, 5, 40], [0, 2, 1, 3]))
    var wrong: [String] = []
    for (shape, axes) in cases {
      let x = Tensor.normal(shape, using: &g)
      let y = x.permuted(axes)
      let expected = reference(x.scalars, shape, axes)
      if y.shape != axes.map({ shape[$0] }) || y.scalars != expected {
        wrong.append("\(shape) by \(axes)")
      }
    }
    #expect(wrong.isEmpty, "\(wrong)")
  }
}
