import Foundation
import NeuralNetwork
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

  /// Decoding codes together, one GRU step per token, gives each code the tokens that
  /// greedy decoding over every prefix with `decodeLogits` gives it alone. The lesson's
  /// sizes (so products large enough for the packed kernel, and 40 rows against one), and
  /// codes that end at different steps.
  @Test func decodingCodesTogetherGivesEachCodeItsOwnTokens() {
    let words = (0..<40).map { ["w\($0)"] }
    let vocabulary = Vocabulary(words + [["."]])
    var g = SplitMix64(seed: 5)
    let model = SentenceAutoencoder(
      vocabularySize: vocabulary.count, embeddingSize: 32, hiddenSize: 64, latentSize: 16,
      using: &g)
    let codes = Tensor.normal([40, 16], using: &g) * 3
    let together = model.decode(codes: codes, vocabulary: vocabulary, maximumLength: 12)
    #expect(
      model.decode(
        codes: Tensor.zeros([0, 16]), vocabulary: vocabulary, maximumLength: 12
      ).isEmpty)
    for i in 0..<40 {
      let code = codes.selected(axis: 0, index: i).reshaped([1, 16])
      var alone: [Int] = []
      while alone.count < 12 {
        let scores = withNoGrad {
          model.decodeLogits(code, [alone], vocabulary: vocabulary)
            .selected(axis: 1, index: alone.count).scalars
        }
        let next = likeliestToken(scores, from: 0, count: scores.count, vocabulary: vocabulary)
        if next == vocabulary.endID { break }
        alone.append(next)
      }
      #expect(together[i] == alone, "code \(i)")
    }
    // Some stop early and some run to the limit: finished rows stay in the batch, unread.
    #expect(Set(together.map(\.count)).count > 1, "\(together.map(\.count))")
  }

  /// What that decoding rests on, bit for bit: a GRU run one step at a time over 40 rows,
  /// its state carried, gives every row the states of running that row alone over the
  /// whole sequence, and the head's logits agree too.
  @Test func aGRUStepByStepOverManyRowsGivesEachRowItsOwnBits() {
    var g = SplitMix64(seed: 6)
    let gru = GRU(inputSize: 32, hiddenSize: 64, using: &g)
    let head = Linear(64, 41, using: &g)
    let inputs = Tensor.normal([40, 7, 32], using: &g)
    let start = Tensor.normal([40, 64], using: &g).tanh()
    var state = start
    var stepwise: [[Float]] = []
    withNoGrad {
      for t in 0..<7 {
        let x = inputs.selected(axis: 1, index: t).reshaped([40, 1, 32])
        state = gru(x, initialState: state).outputs.reshaped([40, 64])
        stepwise.append(head(state).scalars)
      }
    }
    var differing = 0
    for row in [0, 1, 17, 39] {
      let alone = withNoGrad {
        head(
          gru(
            inputs.selected(axis: 0, index: row).reshaped([1, 7, 32]),
            initialState: start.selected(axis: 0, index: row).reshaped([1, 64])
          ).outputs
        ).scalars
      }
      for t in 0..<7 {
        for j in 0..<41 where alone[t * 41 + j].bitPattern != stepwise[t][row * 41 + j].bitPattern {
          differing += 1
        }
      }
    }
    #expect(differing == 0)
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

  /// Restorations that end at different steps: the batch drops a row when its sequence
  /// ends, and every other row's tokens stay those it gets alone.
  @Test func restorationsEndingAtDifferentStepsMatchOneAtATime() throws {
    var g = SplitMix64(seed: 8)
    let model = DenoisingTransformer(
      vocabularySize: vocabulary.count, dimension: 16, heads: 2, layers: 1, maxLength: 16,
      using: &g)
    let original = [
      vocabulary.encode(["a", "."]), vocabulary.encode(["c", "a", "b", "."]),
      vocabulary.encode(["b", "c", "a", "b", "c", "."]),
    ]
    try TrainingLoop(steps: 150).run(
      optimizer: Adam(model.parameters(), learningRate: 0.02),
      loss: { _ in model.loss(corrupted: original, original: original, vocabulary: vocabulary) })
    let inputs = original + [vocabulary.encode(["c", "."]), vocabulary.encode(["a", "b", "."])]
    let batched = model.restore(batch: inputs, vocabulary: vocabulary, maximumLength: 9)
    let single = inputs.map { model.restore($0, vocabulary: vocabulary, maximumLength: 9) }
    #expect(batched == single)
    #expect(Set(batched.map(\.count)).count > 2, "\(batched.map(\.count))")
  }

  @Test func batchedRestorationMatchesOneAtATime() throws {
    var g = SplitMix64(seed: 5)
    let model = DenoisingTransformer(
      vocabularySize: vocabulary.count, dimension: 8, heads: 2, layers: 2, maxLength: 16,
      using: &g)
    // Trained briefly (here every restoration runs to the same length; the test above has
    // restorations that end at different steps).
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
