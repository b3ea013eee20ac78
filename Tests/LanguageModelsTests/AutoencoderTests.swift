import Foundation
import Optimizers
import Testing

@testable import LanguageModels
@testable import TensorCore
@testable import TextData

struct AutoencoderTests {
  let vocabulary = Vocabulary([["a", "b", "c", "."]])

  @Test func sentenceAutoencoderGradients() {
    var g = SplitMix64(seed: 1)
    let model = SentenceAutoencoder(
      vocabularySize: vocabulary.count, embeddingSize: 3, hiddenSize: 4, latentSize: 2, using: &g)
    let sentences = [vocabulary.encode(["a", "b", "."]), vocabulary.encode(["c"])]
    let check = GradientCheck.check(model.parameters()) {
      model.loss(sentences, vocabulary: vocabulary)
    }
    #expect(check.passed(tolerance: 5e-3), "\(check)")
    #expect(model.encode(sentences, vocabulary: vocabulary).shape == [2, 2])
  }

  @Test func theCodeIgnoresPadding() {
    // A sentence's code must not change when a longer sentence shares its batch.
    var g = SplitMix64(seed: 2)
    let model = SentenceAutoencoder(
      vocabularySize: vocabulary.count, embeddingSize: 3, hiddenSize: 4, latentSize: 2, using: &g)
    let short = vocabulary.encode(["a", "b"])
    let alone = withNoGrad { model.encode([short], vocabulary: vocabulary).scalars }
    let batched = withNoGrad {
      model.encode([short, vocabulary.encode(["c", "c", "c", "c"])], vocabulary: vocabulary).scalars
    }
    for (x, y) in zip(alone, batched.prefix(2)) { #expect(Swift.abs(x - y) < 1e-6) }
  }

  @Test func denoisingTransformerGradients() {
    var g = SplitMix64(seed: 3)
    let model = DenoisingTransformer(
      vocabularySize: vocabulary.count, dimension: 4, heads: 2, layers: 1, maxLength: 8, using: &g)
    let original = [vocabulary.encode(["a", "b", "."]), vocabulary.encode(["c", "a"])]
    let corrupted = [
      [vocabulary.id("a"), vocabulary.maskID, vocabulary.id(".")], [vocabulary.id("c")],
    ]
    let check = GradientCheck.check(model.parameters()) {
      model.loss(corrupted: corrupted, original: original, vocabulary: vocabulary)
    }
    #expect(check.passed(tolerance: 5e-3), "\(check)")
  }

  @Test func sequenceLossIsTheSumOfTokenLosses() {
    var g = SplitMix64(seed: 4)
    let model = DenoisingTransformer(
      vocabularySize: vocabulary.count, dimension: 4, heads: 2, layers: 1, maxLength: 8, using: &g)
    let original = [vocabulary.encode(["a", "b"])]
    let loss = withNoGrad {
      model.loss(corrupted: original, original: original, vocabulary: vocabulary).item
    }
    let source = PaddedBatch(original, padID: vocabulary.padID)
    let inputs = PaddedBatch([[vocabulary.startID] + original[0]], padID: vocabulary.padID)
    let perToken = withNoGrad {
      Tensor.crossEntropy(
        model(source: source, targetInputs: inputs), targets: original[0] + [vocabulary.endID],
        reduction: .none
      ).scalars
    }
    #expect(perToken.count == 3)
    #expect(Swift.abs(loss - perToken.reduce(0, +)) < 1e-5)
  }

  @Test func batchedRestorationMatchesOneAtATime() throws {
    var g = SplitMix64(seed: 5)
    let model = DenoisingTransformer(
      vocabularySize: vocabulary.count, dimension: 8, heads: 2, layers: 2, maxLength: 16,
      using: &g)
    // Train briefly so that some restorations end early and others run to the limit.
    let original = [vocabulary.encode(["a", "b", "."]), vocabulary.encode(["c", "a", "b", "."])]
    let corrupted = [
      [vocabulary.id("a"), vocabulary.maskID, vocabulary.id(".")],
      [vocabulary.id("c"), vocabulary.maskID, vocabulary.id("b"), vocabulary.id(".")],
    ]
    try TrainingLoop(steps: 30).run(
      optimizer: Adam(model.parameters(), learningRate: 0.05),
      loss: { _ in model.loss(corrupted: corrupted, original: original, vocabulary: vocabulary) })
    let inputs = corrupted + [[vocabulary.id("b")], [vocabulary.maskID, vocabulary.maskID]]
    let batched = model.restore(batch: inputs, vocabulary: vocabulary, maximumLength: 6)
    let single = inputs.map { model.restore($0, vocabulary: vocabulary, maximumLength: 6) }
    #expect(batched == single)
    // Free-running accuracy, recomputed by hand from the restorations.
    let (right, total) = model.freeRunningMaskedAccuracy(
      corrupted: corrupted, original: original, vocabulary: vocabulary)
    let restored = corrupted.map { model.restore($0, vocabulary: vocabulary, maximumLength: 8) }
    var expected = 0
    for (guess, clean) in zip(restored, original) where guess.count > 1 {
      if guess[1] == clean[1] { expected += 1 }
    }
    #expect(total == 2)
    #expect(right == expected)
  }

  @Test func pcaFindsTheDirectionOfMostVariance() {
    // Points spread along (1, 1) with a little noise along (1, −1).
    var g = SplitMix64(seed: 5)
    let points = (0..<200).map { _ -> [Double] in
      let t = Double(g.uniform(-3, 3))
      let e = Double(g.uniform(-0.1, 0.1))
      return [t + e, t - e]
    }
    let projected = PCA.project(points, components: 2)
    let first = projected.map { $0[0] }
    let second = projected.map { $0[1] }
    func variance(_ v: [Double]) -> Double {
      let m = v.reduce(0, +) / Double(v.count)
      return v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)
    }
    // The first axis must be (1, 1)/√2 (up to sign): the variance along it, computed
    // directly from the points, must equal the first component's; across, 2 · Var(e) ≈ 0.0067.
    let along = variance(points.map { ($0[0] + $0[1]) / 2.0.squareRoot() })
    #expect(Swift.abs(variance(first) - along) < 1e-6 * along)
    #expect(variance(second) < 0.01)
  }
}
