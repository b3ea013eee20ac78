import Foundation
import Testing

@testable import TensorCore

/// Forward values of the ops, against results worked out by hand or by a naive loop.
struct ForwardTests {
  @Test func broadcastingArithmetic() {
    let a = Tensor([[1, 2, 3], [4, 5, 6]])
    let b = Tensor([10, 20, 30], shape: [3])
    #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
    #expect((a - b).scalars == [-9, -18, -27, -6, -15, -24])
    let column = Tensor([2, 4], shape: [2, 1])
    #expect((a * column).scalars == [2, 4, 6, 16, 20, 24])
    #expect((a / column).scalars == [0.5, 1, 1.5, 1, 1.25, 1.5])
    #expect((1 - a).scalars == [0, -1, -2, -3, -4, -5])
    #expect((-a).scalars == [-1, -2, -3, -4, -5, -6])
    let outer = Tensor([1, 2], shape: [2, 1]) * Tensor([1, 10, 100], shape: [1, 3])
    #expect(outer.shape == [2, 3])
    #expect(outer.scalars == [1, 10, 100, 2, 20, 200])
  }

  @Test func generalBroadcastMiddleAxis() {
    // [2, 1, 2] + [3, 1]: the general (strided) path.
    let a = Tensor([1, 2, 3, 4], shape: [2, 1, 2])
    let b = Tensor([10, 20, 30], shape: [3, 1])
    let c = a + b
    #expect(c.shape == [2, 3, 2])
    #expect(c.scalars == [11, 12, 21, 22, 31, 32, 13, 14, 23, 24, 33, 34])
  }

  @Test func unaryValues() {
    let x = Tensor([-2, 0, 0.5], shape: [3])
    #expect(x.relu().scalars == [0, 0, 0.5])
    #expect(x.abs().scalars == [2, 0, 0.5])
    #expect(x.clamped(min: -1, max: 0.25).scalars == [-1, 0, 0.25])
    #expect(x.sigmoid()[1] == 0.5)
    #expect(Swift.abs(x.tanh()[2] - Float(Foundation.tanh(0.5))) < 1e-7)
    // GELU(1) = 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.841192 (tanh approximation).
    #expect(Swift.abs(Tensor([1], shape: [1]).gelu()[0] - 0.841_192) < 1e-5)
    // Sigmoid of large inputs stays finite and exact at the ends.
    let big = Tensor([-200, 200], shape: [2]).sigmoid().scalars
    #expect(big == [0, 1])
  }

  @Test func reductions() {
    let x = Tensor([[1, 5, 3], [4, 2, 6]])
    #expect(x.sum().item == 21)
    #expect(x.sum(axis: 0).scalars == [5, 7, 9])
    #expect(x.sum(axis: 1, keepDims: true).shape == [2, 1])
    #expect(x.sum(axis: -1).scalars == [9, 12])
    #expect(x.mean(axis: 0).scalars == [2.5, 3.5, 4.5])
    #expect(x.max(axis: 1).scalars == [5, 6])
    #expect(x.min(axis: 0).scalars == [1, 2, 3])
    #expect(x.argmax(axis: 1) == [1, 2])
    #expect(x.argmax(axis: 0) == [1, 0, 1])
    #expect(x.max().item == 6)
    #expect(Tensor([[1, 2], [3, 4]]).reshaped([2, 1, 2]).sum(axes: [0, 2]).scalars == [10])
  }

  /// Shapes for every path: the small-product row loop (rows and columns past whole
  /// blocks, `Bᵀ` laid out in a buffer when `k` is short), its dot products (`k` long),
  /// fewer rows than a register tile, and the packed kernel.
  @Test(arguments: [
    (1, 1, 1), (2, 3, 4), (7, 17, 5), (22, 22, 8), (5, 9, 64), (3, 40, 8), (1, 200, 16),
    (2, 300, 100), (6, 16, 256), (13, 33, 300), (100, 70, 65),
  ])
  func matmulAgreesWithANaiveLoop(_ m: Int, _ n: Int, _ k: Int) {
    var g = SplitMix64(seed: UInt64(m * 1000 + n * 10 + k))
    let a = Tensor.uniform([m, k], low: -1, high: 1, using: &g)
    let b = Tensor.uniform([k, n], low: -1, high: 1, using: &g)
    for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
      let left = ta ? a.transposed() : a
      let right = tb ? b.transposed() : b
      let c = matmul(left, right, transposeA: ta, transposeB: tb)
      #expect(c.shape == [m, n])
      var worst: Double = 0
      for i in 0..<m {
        for j in 0..<n {
          var s = 0.0
          for p in 0..<k { s += Double(a[i, p]) * Double(b[p, j]) }
          worst = Swift.max(worst, Swift.abs(s - Double(c[i, j])))
        }
      }
      // Float sums of k products of magnitude ≤ 1 round to about k · 6e-8.
      #expect(worst < Double(k) * 1e-6, "m \(m) n \(n) k \(k) ta \(ta) tb \(tb)")
    }
  }

  /// Products above `Parallelism.minimumParallelWork` (16.8 million multiply-adds), with
  /// more than one block of `k`: rows shared out (more rows than columns) and columns
  /// shared out (the other way round), each against one thread.
  @Test(arguments: [(301, 400, 150), (150, 400, 301)])
  func matmulIsBitIdenticalForAnyThreadCount(_ m: Int, _ k: Int, _ n: Int) {
    #expect(m * n * k >= Parallelism.minimumParallelWork)
    var g = SplitMix64(seed: 3)
    let a = Tensor.uniform([m, k], low: -1, high: 1, using: &g)
    let b = Tensor.uniform([k, n], low: -1, high: 1, using: &g)
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = 1
    let one = matmul(a, b).scalars
    Parallelism.threads = 2
    let two = matmul(a, b).scalars
    Parallelism.threads = 3
    let three = matmul(a, b).scalars
    #expect(one == two)
    #expect(one == three)
    // And right: one entry against a sum in Double.
    let exact = (0..<k).map { Double(a[m - 1, $0]) * Double(b[$0, n - 1]) }.reduce(0, +)
    #expect(Swift.abs(Double(one[m * n - 1]) - exact) < 1e-3)
  }

  @Test func batchedMatmulBroadcastsBatchAxes() {
    let a = Tensor([1, 0, 0, 1, 2, 0, 0, 2], shape: [2, 1, 2, 2])  // I and 2I
    let b = Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], shape: [3, 2, 2])
    let c = matmul(a, b)
    #expect(c.shape == [2, 3, 2, 2])
    #expect(Array(c.scalars[0..<12]) == b.scalars)
    #expect(Array(c.scalars[12..<24]) == b.scalars.map { 2 * $0 })
  }

  @Test func shapingOps() {
    let x = Tensor([[1, 2, 3], [4, 5, 6]])
    #expect(x.transposed().scalars == [1, 4, 2, 5, 3, 6])
    #expect(x.reshaped([3, -1]).shape == [3, 2])
    let y = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
    let p = y.permuted([2, 0, 1])
    #expect(p.shape == [4, 2, 3])
    #expect(p[3, 1, 2] == y[1, 2, 3])
    #expect(Tensor([1, 2], shape: [2, 1]).expanded(to: [2, 3]).scalars == [1, 1, 1, 2, 2, 2])
    #expect(x.unsqueezed(axis: 0).shape == [1, 2, 3])
    #expect(x.unsqueezed(axis: -1).shape == [2, 3, 1])
    #expect(x.unsqueezed(axis: 1).squeezed(axis: 1).shape == [2, 3])
  }

  @Test func joiningOps() {
    let x = Tensor([[1, 2, 3], [4, 5, 6]])
    #expect(x.narrowed(axis: 1, start: 1, length: 2).scalars == [2, 3, 5, 6])
    #expect(x.selected(axis: 0, index: 1).scalars == [4, 5, 6])
    #expect(x.selected(axis: 1, index: 0).scalars == [1, 4])
    let parts = x.split(sizes: [2, 1], axis: 1)
    #expect(parts[0].scalars == [1, 2, 4, 5])
    #expect(parts[1].scalars == [3, 6])
    #expect(Tensor.concat([x, x], axis: 0).shape == [4, 3])
    #expect(Tensor.concat(parts.reversed(), axis: 1).scalars == [3, 1, 2, 6, 4, 5])
    let s = Tensor.stack([Tensor([1, 2], shape: [2]), Tensor([3, 4], shape: [2])], axis: 1)
    #expect(s.shape == [2, 2])
    #expect(s.scalars == [1, 3, 2, 4])
    #expect(x.split(parts: 3, axis: 1).map { $0.scalars } == [[1, 4], [2, 5], [3, 6]])
  }

  @Test func indexingOps() {
    let table = Tensor([[0, 1], [10, 11], [20, 21]])
    #expect(table.indexSelect(axis: 0, indices: [2, 0, 2]).scalars == [20, 21, 0, 1, 20, 21])
    #expect(table.gather(axis: 1, indices: [1, 0, 1]).scalars == [1, 10, 21])
    let added = Tensor.zeros([3, 2]).scatterAddOfOnes()
    #expect(added == [2, 2, 0, 0, 1, 1])
    let masked = table.maskedFill(Tensor([1, 0], shape: [2]), -1)
    #expect(masked.scalars == [-1, 1, -1, 11, -1, 21])
    let chosen = Tensor.where(
      Tensor([1, 0, 0], shape: [3]), Tensor([1, 2, 3], shape: [3]), Tensor(9))
    #expect(chosen.scalars == [1, 9, 9])
  }

  @Test func softmaxIsStableForHugeLogits() {
    let x = Tensor([1000, 1001, 1002], shape: [1, 3])
    let s = x.softmax().scalars
    // e⁰, e¹, e² over their sum: 0.09003, 0.24473, 0.66524.
    #expect(Swift.abs(s[0] - 0.090_030_6) < 1e-6)
    #expect(Swift.abs(s[2] - 0.665_240_9) < 1e-6)
    let l = x.logSoftmax().scalars
    #expect(Swift.abs(l[2] - Float(Foundation.log(0.665_240_955))) < 1e-5)
    #expect(l.allSatisfy { $0.isFinite })
    let masked = Tensor([0, -.infinity, 0], shape: [3]).softmax().scalars
    #expect(masked == [0.5, 0, 0.5])
    let allMasked = Tensor([-.infinity, -.infinity], shape: [2]).softmax().scalars
    #expect(allMasked == [0, 0])
  }

  /// Rows shorter than, equal to and longer than the eight SIMD lanes, with a masked
  /// entry: forward and backward against the formulas in Double.
  @Test(arguments: [1, 7, 8, 9, 23])
  func softmaxRowsOfEveryLengthMatchTheFormulas(_ n: Int) {
    var g = SplitMix64(seed: UInt64(n))
    var values = (0..<(2 * n)).map { _ in Float(g.uniform(-4, 4)) }
    if n > 1 { values[n + 1] = -.infinity }
    let upstream = (0..<(2 * n)).map { _ in Double(g.uniform(-1, 1)) }
    for log in [false, true] {
      let x = Tensor(values, shape: [2, n], requiresGrad: true)
      let y = log ? x.logSoftmax() : x.softmax()
      (y * Tensor(upstream.map { Float($0) }, shape: [2, n])).sum().backward()
      for row in 0..<2 {
        let xs = (0..<n).map { Double(values[row * n + $0]) }
        let top = xs.max()!
        let total = xs.map { Foundation.exp($0 - top) }.reduce(0, +)
        let p = xs.map { Foundation.exp($0 - top) / total }
        let gs = (0..<n).map { upstream[row * n + $0] }
        let dot = log ? gs.reduce(0, +) : zip(gs, p).map { $0 * $1 }.reduce(0, +)
        for k in 0..<n where xs[k].isFinite {
          let expected = log ? (xs[k] - top) - Foundation.log(total) : p[k]
          #expect(Swift.abs(Double(y[row, k]) - expected) < 1e-5, "n \(n) log \(log)")
          let gradient = log ? gs[k] - p[k] * dot : p[k] * (gs[k] - dot)
          #expect(Swift.abs(Double(x.grad![row, k]) - gradient) < 1e-5, "n \(n) log \(log)")
        }
      }
    }
  }

  @Test func crossEntropyValues() {
    // Row 0: logits [0, 0] → −log ½ = 0.693147; row 1: logits [0, ln 3], target 1 →
    // −log(3/4) = 0.287682; row 2 is ignored.
    let logits = Tensor([[0, 0], [0, Float(Foundation.log(3.0))], [5, -5]])
    let none = Tensor.crossEntropy(logits, targets: [0, 1, -1], ignoreIndex: -1, reduction: .none)
    #expect(Swift.abs(none[0] - 0.693_147) < 1e-6)
    #expect(Swift.abs(none[1] - 0.287_682) < 1e-6)
    #expect(none[2] == 0)
    let mean = Tensor.crossEntropy(logits, targets: [0, 1, -1], ignoreIndex: -1)
    #expect(Swift.abs(mean.item - (0.693_147 + 0.287_682) / 2) < 1e-6)
    let sum = Tensor.crossEntropy(logits, targets: [0, 1, -1], ignoreIndex: -1, reduction: .sum)
    #expect(Swift.abs(sum.item - (0.693_147 + 0.287_682)) < 1e-6)
  }

  @Test func binaryCrossEntropyIsStable() {
    let logits = Tensor([0, 100, -100], shape: [3])
    let targets = Tensor([1, 1, 1], shape: [3])
    let losses = Tensor.binaryCrossEntropyWithLogits(logits, targets, reduction: .none).scalars
    #expect(Swift.abs(losses[0] - 0.693_147) < 1e-6)
    #expect(losses[1] < 1e-30)
    #expect(losses[2] == 100)
  }

  @Test func mseValue() {
    let loss = Tensor.mseLoss(Tensor([1, 2, 3], shape: [3]), Tensor([1, 0, 0], shape: [3]))
    #expect(Swift.abs(loss.item - 13.0 / 3.0) < 1e-6)
  }

  @Test func layerNormNormalisesRows() {
    let x = Tensor([[1, 2, 3, 4], [10, 10, 10, 10]])
    let y = x.layerNorm(weight: Tensor.ones([4]), bias: Tensor.zeros([4]))
    // Row 0: mean 2.5, biased variance 1.25; (1 − 2.5)/√(1.25 + 1e-5) = −1.341635.
    #expect(Swift.abs(y[0, 0] + 1.341_635) < 1e-5)
    #expect(Swift.abs(y[0, 3] - 1.341_635) < 1e-5)
    #expect(y.selected(axis: 0, index: 1).scalars == [0, 0, 0, 0])
    let shifted = x.layerNorm(weight: Tensor.full([4], 2), bias: Tensor.full([4], 1))
    #expect(Swift.abs(shifted[0, 0] - (1 - 2 * 1.341_635)) < 1e-5)
  }

  @Test func dropoutKeepsTheExpectationAndIsOffInEvaluation() {
    var g = SplitMix64(seed: 8)
    let x = Tensor.ones([10_000])
    let y = x.dropout(p: 0.25, training: true, using: &g).scalars
    let zeros = y.filter { $0 == 0 }.count
    #expect(y.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3.0) < 1e-6 })
    // 2500 zeros expected; the standard deviation is about 43.
    #expect(Swift.abs(zeros - 2500) < 220)
    #expect(x.dropout(p: 0.25, training: false, using: &g) === x)
  }

  @Test func creation() {
    #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
    #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
    #expect(Tensor.full([2], 7).scalars == [7, 7])
    #expect(Tensor(3).shape == [])
    #expect(Tensor(3).item == 3)
    let t = Tensor([[1, 2], [3, 4]])
    #expect(t[1, 0] == 3)
    t[1, 0] = 9
    #expect(t.scalars == [1, 2, 9, 4])
  }

  @Test func metaTensorsHaveShapesButNoValues() {
    let big = withMetaTensors { Tensor.zeros([100_000, 100_000]) }
    #expect(big.isMeta)
    #expect(big.count == 10_000_000_000)
    #expect(!Tensor.zeros([2]).isMeta)
  }
}

extension Tensor {
  /// Adds rows of ones at indices 0, 2 and 0 again: index 0 must receive both.
  fileprivate func scatterAddOfOnes() -> [Float] {
    scatterAdd(axis: 0, indices: [0, 2, 0], source: Tensor.ones([3, 2])).scalars
  }
}

/// The vectorised transcendental functions against the C library, over a wide range.
struct FastMathTests {
  /// Relative error allowed: a few units in the last place of a `Float` (one unit is
  /// 6e-8 near 1), far below anything a lesson or a gradient check can notice.
  static let tolerance: Double = 4e-7

  func worst(
    _ f: FastMath.Map, _ reference: (Double) -> Double,
    _ range: ClosedRange<Float>
  ) -> Double {
    var worst = 0.0
    let steps = 20_000
    for i in 0...steps {
      let x = range.lowerBound + (range.upperBound - range.lowerBound) * Float(i) / Float(steps)
      let got = Double(FastMath.scalar(x, f))
      let want = reference(Double(x))
      let error = Swift.abs(got - want) / Swift.max(Swift.abs(want), 1e-30)
      worst = Swift.max(worst, error)
    }
    return worst
  }

  @Test func expIsAccurate() {
    #expect(worst(FastMath.exp, Foundation.exp, -80...80) < Self.tolerance)
    #expect(worst(FastMath.exp, Foundation.exp, -1...1) < Self.tolerance)
  }

  @Test func expm1IsAccurateNearZero() {
    #expect(worst(FastMath.expm1, Foundation.expm1, -2...2) < Self.tolerance)
    #expect(worst(FastMath.expm1, Foundation.expm1, -1e-3...1e-3) < Self.tolerance)
  }

  @Test func tanhAndSigmoidAreAccurate() {
    #expect(worst(FastMath.tanh, Foundation.tanh, -10...10) < Self.tolerance)
    #expect(worst(FastMath.tanh, Foundation.tanh, -1e-3...1e-3) < Self.tolerance)
    #expect(worst(FastMath.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }, -30...30) < Self.tolerance)
  }

  @Test func edgeCases() {
    #expect(FastMath.scalar(-.infinity, FastMath.exp) == 0)
    #expect(FastMath.scalar(-100, FastMath.exp) == 0)
    #expect(FastMath.scalar(100, FastMath.exp) == .infinity)
    #expect(FastMath.scalar(.nan, FastMath.exp).isNaN)
    #expect(FastMath.scalar(.nan, FastMath.tanh).isNaN)
    #expect(FastMath.scalar(.nan, FastMath.sigmoid).isNaN)
    #expect(FastMath.scalar(50, FastMath.tanh) == 1)
    #expect(FastMath.scalar(-50, FastMath.sigmoid) > 0)
    #expect(FastMath.scalar(0, FastMath.tanh) == 0)
  }
}

/// Attention's fused `maskedSoftmax` against the three ops it replaces (a scaled copy, a
/// masked fill with −∞, a softmax): the same bits forward and backward, with a causal mask,
/// a padding mask over whole rows of keys, the two together, and a mask of odd values; rows
/// of 19 (two vectors of eight and three more), with a positive and a negative scale.
struct MaskedSoftmaxTests {
  @Test func maskedSoftmaxIsTheScaledMaskedSoftmaxBitForBit() {
    var g = SplitMix64(seed: 21)
    let (batch, heads, time) = (3, 2, 19)
    var later = [Float](repeating: 0, count: time * time)
    for r in 0..<time { for c in (r + 1)..<time { later[r * time + c] = 1 } }
    let causal = Tensor(later, shape: [time, time])
    var padding = [Float](repeating: 0, count: batch * time)
    for t in 14..<time { padding[t] = 1 }  // the first sequence has five padding positions
    let keyPadding = Tensor(padding, shape: [batch, 1, 1, time])
    let both = withNoGrad { (causal + keyPadding).clamped(max: 1) }
    let upstream = Tensor.uniform([batch, heads, time, time], low: -1, high: 1, using: &g)
    let start = Tensor.uniform([batch, heads, time, time], low: -3, high: 3, using: &g)
    // Whole rows of queries hidden: a mask whose last axis is 1 (those rows come out NaN,
    // from the three ops too).
    var rowsHidden = [Float](repeating: 0, count: batch * heads * time)
    for r in stride(from: 3, to: rowsHidden.count, by: 5) { rowsHidden[r] = 1 }
    let wholeRows = Tensor(rowsHidden, shape: [batch, heads, time, 1])
    // Hidden wherever the value is not 0: −0 is not hidden, 2, −1 and NaN are.
    let odd: [Float] = [0, 1, -0.0, 2, -1, .nan, 0.5]
    let oddValues = Tensor((0..<(time * time)).map { odd[$0 % odd.count] }, shape: [time, time])
    for (mask, scale): (Tensor?, Float) in [
      (nil, 0.125), (causal, 0.125), (causal, -0.5), (keyPadding, 0.125), (both, -0.5),
      (wholeRows, 0.125), (oddValues, 0.125),
    ] {
      let x1 = Tensor(start.scalars, shape: start.shape, requiresGrad: true)
      let fused = x1.maskedSoftmax(scale: scale, mask: mask)
      (fused * upstream).sum().backward()
      let x2 = Tensor(start.scalars, shape: start.shape, requiresGrad: true)
      var scores = x2 * scale
      if let mask { scores = scores.maskedFill(mask, -.infinity) }
      let chain = scores.softmax(axis: -1)
      (chain * upstream).sum().backward()
      #expect(fused.scalars.map(\.bitPattern) == chain.scalars.map(\.bitPattern))
      #expect(x1.grad!.scalars.map(\.bitPattern) == x2.grad!.scalars.map(\.bitPattern))
      if mask !== wholeRows { #expect(fused.scalars.allSatisfy { $0.isFinite }) }
    }
  }

  /// A mask made for one call and dropped at once (as attention makes its causal mask) is
  /// still the mask the backward pass reads, however its memory would be reused meanwhile.
  @Test func aTemporaryMaskLivesUntilTheBackwardPass() {
    var g = SplitMix64(seed: 22)
    let width = 1024  // the buffer pool hands freed buffers of this size out again
    let x = Tensor.uniform([3, width], low: -2, high: 2, requiresGrad: true, using: &g)
    let hidden = (0..<width).map { Float($0 % 3 == 1 ? 1 : 0) }
    let fused = x.maskedSoftmax(scale: 1, mask: Tensor(hidden, shape: [width]))
    // Freed buffers of `width` floats are handed out again: fill them with ones.
    let filler = (0..<8).map { _ in Tensor.ones([width]) }
    (fused * fused).sum().backward()
    let x2 = Tensor(x.scalars, shape: [3, width], requiresGrad: true)
    let chain = x2.maskedFill(Tensor(hidden, shape: [width]), -.infinity).softmax(axis: -1)
    (chain * chain).sum().backward()
    #expect(x.grad!.scalars.map(\.bitPattern) == x2.grad!.scalars.map(\.bitPattern))
    #expect(filler.count == 8)
  }
}
