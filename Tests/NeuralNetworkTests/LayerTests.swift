import Foundation
import Testing

@testable import NeuralNetwork
@testable import TensorCore

/// See `TensorCoreTests/GradientTests.swift` for the derivation of this tolerance.
let gradientTolerance = 5e-3

func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
  var g = SplitMix64(seed: seed)
  return Tensor.uniform(shape, low: -scale, high: scale, using: &g)
}

struct LinearTests {
  @Test func computesXTimesWeightTransposedPlusBias() {
    let layer = Linear(
      weight: Tensor([[1, 2], [3, 4], [5, 6]]), bias: Tensor([1, 0, -1], shape: [3]))
    let y = layer(Tensor([[1, 1], [2, -1]]))
    // Row [1, 1]: [1+2+1, 3+4, 5+6−1]; row [2, −1]: [2−2+1, 6−4, 10−6−1].
    #expect(y.scalars == [4, 7, 10, 1, 2, 3])
    #expect(layer.namedParameters().map { $0.name } == ["weight", "bias"])
    #expect(layer.parameterCount == 9)
  }

  @Test func initialisationBoundIsOneOverRootOfInputSize() {
    var g = SplitMix64(seed: 0)
    let layer = Linear(16, 8, using: &g)
    #expect(layer.weight.shape == [8, 16])
    #expect(layer.weight.scalars.allSatisfy { Swift.abs($0) <= 0.25 })
    #expect(layer.weight.scalars.map { Swift.abs($0) }.max()! > 0.2)
  }

  @Test func gradientsOfWeightAndBias() {
    var g = SplitMix64(seed: 1)
    let layer = Linear(4, 3, using: &g)
    let x = randomTensor([2, 5, 4], seed: 2)
    let result = GradientCheck.check(layer.parameters() + [x]) { layer(x) }
    #expect(result.passed(tolerance: gradientTolerance), "\(result)")
  }
}

struct EmbeddingTests {
  @Test func looksUpRowsAndSumsGradientsOfRepeatedIds() {
    var g = SplitMix64(seed: 3)
    let embedding = Embedding(4, 2, using: &g)
    let out = embedding([3, 1, 3], shape: [1, 3])
    #expect(out.shape == [1, 3, 2])
    #expect(Array(out.scalars[0..<2]) == Array(embedding.weight.scalars[6..<8]))
    (out * Tensor([1, 1, 10, 10, 100, 100], shape: [1, 3, 2])).sum().backward()
    // Row 3 was used at positions 0 and 2: 1 + 100. Row 1 at position 1: 10. Rows 0, 2: 0.
    #expect(embedding.weight.grad?.scalars == [0, 0, 10, 10, 0, 0, 101, 101])
  }
}

struct SequentialAndModeTests {
  @Test func namesLayersByIndexAndChains() {
    var g = SplitMix64(seed: 4)
    let model = Sequential([Linear(3, 4, using: &g), ReLU(), Linear(4, 2, using: &g)])
    #expect(
      model.namedParameters().map { $0.name }
        == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"])
    #expect(model.parameterCount == 3 * 4 + 4 + 4 * 2 + 2)
    let x = randomTensor([5, 3], seed: 5)
    let expected = (model.layers[2] as! Linear)((model.layers[0] as! Linear)(x).relu())
    #expect(model(x).scalars == expected.scalars)
  }

  @Test func evalSwitchesEveryDescendantAndTurnsDropoutOff() {
    var g = SplitMix64(seed: 6)
    let dropout = Dropout(0.5, using: &g)
    let model = Sequential([Linear(3, 3, using: &g), dropout])
    let x = Tensor.ones([4, 3])
    model.eval()
    #expect(!dropout.isTraining)
    let evaluated = model(x)
    #expect(evaluated.scalars == (model.layers[0] as! Linear)(x).scalars)
    model.train()
    #expect(dropout.isTraining)
    #expect(model(x).scalars.contains(0))
  }
}

struct SharingTests {
  /// A module used at two places: ALBERT's cross-layer sharing in miniature.
  final class TwiceApplied: Module {
    let shared: Linear
    let layers: [Linear]
    init(_ shared: Linear) {
      self.shared = shared
      layers = [shared, shared]
      super.init()
    }
    func callAsFunction(_ x: Tensor) -> Tensor { layers[1](layers[0](x).tanh()) }
  }

  @Test func aSharedModuleIsCountedOnceAndItsGradientSumsBothUses() {
    var g = SplitMix64(seed: 7)
    let shared = Linear(3, 3, using: &g)
    let model = TwiceApplied(shared)
    #expect(model.parameterCount == 12)
    #expect(model.namedParameters().map { $0.name } == ["shared.weight", "shared.bias"])
    let x = randomTensor([2, 3], seed: 8)
    model(x).sum().backward()
    let total = shared.weight.grad!.scalars
    // The same computation with two separate copies of the weights: the shared gradient
    // must be the sum of the two copies' gradients.
    let first = Linear(weight: shared.weight.detached(), bias: shared.bias!.detached())
    let second = Linear(weight: shared.weight.detached(), bias: shared.bias!.detached())
    for p in first.parameters() + second.parameters() { p.requiresGrad = true }
    second(first(x).tanh()).sum().backward()
    let summed = zip(first.weight.grad!.scalars, second.weight.grad!.scalars).map { $0 + $1 }
    for (a, b) in zip(total, summed) { #expect(Swift.abs(a - b) < 1e-6) }
    let check = GradientCheck.check(model.parameters()) { model(x) }
    #expect(check.passed(tolerance: gradientTolerance), "\(check)")
  }

  /// Tied input and output embeddings: the output layer reuses the embedding matrix.
  final class TiedLanguageModel: Module {
    let embedding: Embedding
    init(using g: inout SplitMix64) {
      embedding = Embedding(5, 3, using: &g)
      super.init()
    }
    func callAsFunction(_ ids: [Int]) -> Tensor {
      matmul(embedding(ids).tanh(), embedding.weight, transposeB: true)
    }
  }

  @Test func tiedEmbeddingsGetGradientsFromBothEnds() {
    var g = SplitMix64(seed: 9)
    let model = TiedLanguageModel(using: &g)
    #expect(model.parameterCount == 15)
    let check = GradientCheck.check(model.parameters()) {
      Tensor.crossEntropy(model([0, 3, 3]), targets: [3, 1, 4])
    }
    #expect(check.passed(tolerance: gradientTolerance), "\(check)")
  }
}

/// Layers built without a generator draw from `DefaultRandom`: different weights for each
/// layer, the same sequence for the same seed.
struct DefaultInitialiserTests {
  @Test func layersWithoutAGeneratorAreDistinctAndReproducible() {
    DefaultRandom.seed(5)
    let first = Linear(2, 32)
    let second = Linear(2, 32)
    DefaultRandom.seed(5)
    let again = Linear(2, 32)
    #expect(first.weight.shape == [32, 2])
    #expect(first.weight.scalars != second.weight.scalars)
    #expect(first.weight.scalars == again.weight.scalars)
    let gru = GRU(inputSize: 4, hiddenSize: 3)
    #expect(gru.weightIH.shape == [9, 4])
    #expect(MultiHeadAttention(8, heads: 2).parameterCount == 4 * (8 * 8 + 8))
    #expect(Embedding(10, 4).weight.shape == [10, 4])
  }
}
