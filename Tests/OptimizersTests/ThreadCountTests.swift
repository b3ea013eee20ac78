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
      #expect(a == b, "result \(index) differs between one thread and two")
    }
  }
}
