import Testing

@testable import Optimizers
@testable import TensorCore

/// The elementwise kernels that threads share out by ranges (GELU and its derivative, layer
/// norm's rows and columns, Adam's update) give the same bits on one thread and on two, at
/// sizes large enough to be shared.
struct ThreadCountTests {
  /// A layer norm, a GELU and three AdamW steps on `[600, 64]`: outputs, gradients and
  /// updated weights, as bit patterns.
  func run(threads: Int) -> [[UInt32]] {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = threads
    var g = SplitMix64(seed: 7)
    let x = Tensor.uniform([600, 64], low: -2, high: 2, requiresGrad: true, using: &g)
    let weight = Tensor.uniform([64], low: 0.5, high: 1.5, requiresGrad: true, using: &g)
    let bias = Tensor.uniform([64], low: -0.5, high: 0.5, requiresGrad: true, using: &g)
    let optimizer = AdamW([x, weight, bias], learningRate: 0.01, weightDecay: 0.1)
    var results: [[UInt32]] = []
    for _ in 0..<3 {
      optimizer.zeroGrad()
      let y = x.layerNorm(weight: weight, bias: bias).gelu()
      (y * y).sum().backward()
      results += [y, x.grad!, weight.grad!, bias.grad!].map { $0.scalars.map(\.bitPattern) }
      optimizer.step()
    }
    return results + [x, weight, bias].map { $0.scalars.map(\.bitPattern) }
  }

  @Test func sharedElementwiseKernelsGiveTheSameBitsOnOneThreadAndTwo() {
    // Large enough to be shared: 38,400 GELUs, 600 rows of 64 and AdamW on 38,400 values.
    #expect(600 * 64 * 16 >= Parallelism.minimumParallelWork * 4)
    let one = run(threads: 1)
    let two = run(threads: 2)
    #expect(one.count == two.count)
    for (index, (a, b)) in zip(one, two).enumerated() {
      // Counts, not the arrays: a failure should not print tens of thousands of numbers.
      let differing = a.count == b.count ? zip(a, b).filter { $0 != $1 }.count : -1
      #expect(
        differing == 0, "result \(index): \(differing) elements differ between one thread and two")
    }
  }
}

/// The other loops threads now share: broadcast arithmetic (a bias row, a scalar, a mask
/// over leading axes), masked fill, permutes, softmax rows forward and backward, and the
/// entries of a batched product, one per sequence and head, through causal multi-head
/// attention's forward and backward pass.
struct SharedLoopTests {
  func run(threads: Int) -> [[UInt32]] {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = threads
    var g = SplitMix64(seed: 9)
    let (batch, heads, time, size) = (12, 4, 64, 32)
    let x = Tensor.uniform(
      [batch, time, heads * size], low: -1, high: 1, requiresGrad: true, using: &g)
    let w = Tensor.uniform([heads * size, heads * size], low: -0.3, high: 0.3, using: &g)
    let bias = Tensor.uniform([heads * size], low: -1, high: 1, requiresGrad: true, using: &g)
    let projected = matmul(x, w) + bias
    let q = projected.reshaped([batch, time, heads, size]).permuted([0, 2, 1, 3])
    // A shift per sequence and query row: the general broadcast (no operand a suffix).
    let shift = Tensor.uniform(
      [batch, 1, time, 1], low: -1, high: 1, requiresGrad: true, using: &g)
    let scores = matmul(q, q, transposeB: true) * 0.25 + shift
    let masked = scores.maskedFill(Tensor.causalMask(time), -.infinity)
    let weights = masked.softmax(axis: -1)
    // The fused op attention uses: the same scores, scaled, masked and normalised at once.
    let fused = matmul(q, q, transposeB: true).maskedSoftmax(
      scale: 0.25, mask: Tensor.causalMask(time))
    let out = matmul(weights, q).permuted([0, 2, 1, 3]).reshaped([batch, time, heads * size])
    let loss =
      (out * out).sum() + (weights.logSoftmax(axis: -1) * weights).sum()
      + (matmul(fused, q) * matmul(fused, q)).sum()
    loss.backward()
    return [projected, scores, weights, fused, out, x.grad!, bias.grad!, shift.grad!].map {
      $0.scalars.map(\.bitPattern)
    }
  }

  @Test func sharedLoopsGiveTheSameBitsOnOneThreadAndTwo() {
    // 196,608 scores and 98,304 activations, as in the benchmark's GPT: above the bar.
    #expect(12 * 64 * 128 >= Parallelism.minimumParallelWork * 2)
    let one = run(threads: 1)
    let two = run(threads: 2)
    for (index, (a, b)) in zip(one, two).enumerated() {
      let differing = zip(a, b).filter { $0 != $1 }.count
      #expect(
        differing == 0, "result \(index): \(differing) values differ between one thread and two")
    }
  }
}

/// SGD's update, shared between threads, with and without momentum: the same bits on one
/// thread and two, and the same as the update written out element by element.
struct SharedSGDTests {
  @Test(arguments: [Float(0), 0.9])
  func sgdGivesTheSameBitsOnOneThreadAndTwoAndMatchesTheFormula(momentum: Float) {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    var g = SplitMix64(seed: 5)
    let start = Tensor.uniform([600, 64], low: -1, high: 1, using: &g).scalars
    let gradients = (0..<3).map { _ in
      Tensor.uniform([600, 64], low: -1, high: 1, using: &g).scalars
    }
    let (rate, decay) = (Float(0.1), Float(0.01))
    // The formula, one element at a time.
    var expected = start
    var buffer = [Float](repeating: 0, count: start.count)
    for (step, gradient) in gradients.enumerated() {
      for i in expected.indices {
        let d = gradient[i] + decay * expected[i]
        if momentum > 0 {
          buffer[i] = step == 0 ? d : momentum * buffer[i] + d
          expected[i] -= rate * buffer[i]
        } else {
          expected[i] -= rate * d
        }
      }
    }
    for threads in [1, 2] {
      Parallelism.threads = threads
      let p = Tensor(start, shape: [600, 64], requiresGrad: true)
      let sgd = SGD([p], learningRate: rate, momentum: momentum, weightDecay: decay)
      for gradient in gradients {
        p.grad = Tensor(gradient, shape: [600, 64])
        sgd.step()
      }
      let differing = zip(p.scalars, expected).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "\(threads) threads, momentum \(momentum)")
    }
  }
}

/// A bias's gradient, the rows of the upstream gradient summed per column: each column's sum
/// in row order, as written out here, on one thread and two, with a column count that
/// leaves a partial group of eight.
struct SharedBiasGradientTests {
  @Test func biasGradientSumsEachColumnInRowOrder() {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    let (rows, columns) = (1000, 77)
    #expect(rows * columns >= Parallelism.minimumParallelWork * 2)
    var g = SplitMix64(seed: 21)
    let x = Tensor.uniform([rows, columns], low: -1, high: 1, using: &g)
    let upstream = Tensor.uniform([rows, columns], low: -1, high: 1, using: &g)
    let values = upstream.scalars
    var expected = [Float](repeating: 0, count: columns)
    for r in 0..<rows {
      for c in 0..<columns { expected[c] += values[r * columns + c] }
    }
    for threads in [1, 2] {
      Parallelism.threads = threads
      let bias = Tensor.zeros([columns], requiresGrad: true)
      (x + bias).backward(upstream)
      let differing = zip(bias.grad!.scalars, expected).filter {
        $0.bitPattern != $1.bitPattern
      }.count
      #expect(differing == 0, "\(threads) thread(s): \(differing) columns differ")
    }
  }
}
