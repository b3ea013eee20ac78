import Foundation
import Testing

@testable import TensorCore

@Test func splitMix64MatchesTheSpecification() {
  // The first outputs for seed 0, as listed in shared/bench/WORKLOADS.md §0.1.
  var generator = SplitMix64(seed: 0)
  #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
  #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
  #expect(generator.next() == 0x06C4_5D18_8009_454F)
}

@Test func uniformFollowsTheDocumentedConversion() {
  var a = SplitMix64(seed: 7)
  var b = SplitMix64(seed: 7)
  let t = Tensor.uniform([5], low: -2, high: 3, using: &a)
  for i in 0..<5 {
    let u = Double(b.next() >> 40) * 0x1p-24
    #expect(t[i] == Float(-2 + 5 * u))
  }
}

@Test func normalUsesBoxMullerPairsAndDropsTheLastSine() {
  var a = SplitMix64(seed: 11)
  var b = SplitMix64(seed: 11)
  let t = Tensor.normal([3], std: 2, using: &a)
  var expected: [Float] = []
  for _ in 0..<2 {
    let u1 = (Double(b.next() >> 11) + 1) * 0x1p-53
    let u2 = Double(b.next() >> 11) * 0x1p-53
    let r = (-2 * Foundation.log(u1)).squareRoot()
    expected.append(Float(2 * r * Foundation.cos(2 * Double.pi * u2)))
    expected.append(Float(2 * r * Foundation.sin(2 * Double.pi * u2)))
  }
  #expect(t.scalars == [expected[0], expected[1], expected[2]])
  // Both generators consumed exactly four outputs.
  #expect(a.state == b.state)
}

@Test func sameSeedSameTensorsDifferentSeedDifferentTensors() {
  var a = SplitMix64(seed: 5)
  var b = SplitMix64(seed: 5)
  var c = SplitMix64(seed: 6)
  let x = Tensor.normal([50], using: &a).scalars
  #expect(x == Tensor.normal([50], using: &b).scalars)
  #expect(x != Tensor.normal([50], using: &c).scalars)
}

@Test func normalSamplesHaveTheRequestedMoments() {
  var g = SplitMix64(seed: 1)
  let values = Tensor.normal([20_000], mean: 1, std: 3, using: &g).scalars.map(Double.init)
  let mean = values.reduce(0, +) / Double(values.count)
  let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
  // Standard errors: 3/√20000 ≈ 0.021 for the mean, about 9·√(2/20000) ≈ 0.09 for the
  // variance; the bounds are about five standard errors.
  #expect(Swift.abs(mean - 1) < 0.1)
  #expect(Swift.abs(variance - 9) < 0.45)
}

@Test func initialisersUseTheirFanBounds() {
  var g = SplitMix64(seed: 2)
  let xavier = Tensor.xavierUniform([30, 20], using: &g).scalars
  let bound = Float((6.0 / 50.0).squareRoot())
  #expect(xavier.allSatisfy { Swift.abs($0) <= bound })
  #expect(xavier.map { Swift.abs($0) }.max()! > bound * 0.9)
  let kaiming = Tensor.kaimingUniform([30, 20], using: &g).scalars
  let kBound = Float((6.0 / 20.0).squareRoot())
  #expect(kaiming.allSatisfy { Swift.abs($0) <= kBound })
  #expect(kaiming.map { Swift.abs($0) }.max()! > kBound * 0.9)
}

@Test func shuffleIsAPermutationAndReproducible() {
  var a = SplitMix64(seed: 9)
  var b = SplitMix64(seed: 9)
  var x = Array(0..<20)
  var y = Array(0..<20)
  a.shuffle(&x)
  b.shuffle(&y)
  #expect(x == y)
  #expect(x.sorted() == Array(0..<20))
  #expect(x != Array(0..<20))
}

@Test func categoricalFollowsTheWeights() {
  var g = SplitMix64(seed: 4)
  var counts = [0, 0, 0]
  for _ in 0..<30_000 { counts[g.categorical([1, 0, 3])] += 1 }
  #expect(counts[1] == 0)
  // Expected 7500 and 22500; the standard deviation is about 75.
  #expect(Swift.abs(counts[0] - 7500) < 400)
}

struct BadDistributionTests {
  @Test func categoricalNeverTrapsOnABadDistribution() {
    var generator = SplitMix64(seed: 1)
    #expect(generator.categorical([.nan, 1, .nan]) == 1)
    #expect(generator.categorical([0, .infinity, 2]) == 1)
    #expect((0..<3).contains(generator.categorical([0, 0, 0])))
    #expect((0..<3).contains(generator.categorical([.nan, .nan, .nan])))
    #expect(generator.categorical([-1, 0, 5]) == 2)
    let huge = generator.categorical([Float.greatestFiniteMagnitude, .greatestFiniteMagnitude, 0])
    #expect(huge == 0 || huge == 1)
  }
}
