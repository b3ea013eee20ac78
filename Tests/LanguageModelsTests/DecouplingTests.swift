import Testing

@testable import LanguageModels
@testable import NeuralNetwork
@testable import Optimizers
@testable import TensorCore
@testable import TextData

/// The number of scalars in a list of parameter groups.
private func scalarCount(_ groups: [[Tensor]]) -> Int {
  var total = 0
  for group in groups { for tensor in group { total += tensor.count } }
  return total
}

/// A tiny encoder and its vocabulary, for the zero-shot and training-in-parts tests.
private enum Tiny {
  static let vocabulary = Vocabulary(
    tokens: Vocabulary.specials + ["the", "plot", "was", "good", "bad", ".", "we", "left"]
      + ["smiling", "early"])
  static let configuration = EncoderConfiguration(
    name: "tiny", vocabularySize: vocabulary.count, embeddingSize: 8, hiddenSize: 8, layers: 2,
    heads: 2, feedForwardSize: 16, sharedLayers: false, maxLength: 24)
  static let texts = [
    ["the", "plot", "was", "good", "."], ["bad", "."], ["the", "plot", "was", "bad", "bad", "."],
  ]
}

struct ClozePromptTests {
  let prompt = ClozePrompt(
    "we left [MASK] .", place: .afterText, positive: "smiling", negative: "early")

  @Test func theTemplateGoesAfterOrBeforeTheText() {
    let text = ["the", "plot", "was", "good", "."]
    let after = prompt.layout(text)
    #expect(
      after.tokens == [
        "[CLS]", "the", "plot", "was", "good", ".", "[SEP]", "we", "left", "[MASK]", ".", "[SEP]",
      ])
    #expect(after.segments == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    #expect(after.mask == 9)
    let before = ClozePrompt(
      "we left [MASK] .", place: .beforeText, positive: "smiling", negative: "early"
    ).layout(text)
    #expect(before.tokens.prefix(6) == ["[CLS]", "we", "left", "[MASK]", ".", "[SEP]"])
    #expect(before.segments == [0, 0, 0, 0, 0, 0] + Array(repeating: 1, count: 6))
    #expect(before.mask == 3)
    #expect(prompt.description == "TEXT we left [MASK] .")
  }

  @Test func wordsOutsideTheVocabularyAreNamed() {
    #expect(prompt.missingWords(in: Tiny.vocabulary).isEmpty)
    let other = ClozePrompt(
      "it was [MASK] .", place: .afterText, positive: "great", negative: "early")
    #expect(other.missingWords(in: Tiny.vocabulary) == ["it", "great"])
  }

  /// With the two words' embeddings zeroed, their logits are the output bias alone, so the
  /// score is `bias[positive] − bias[negative]` for every text, whatever the encoder does.
  @Test func aHandMadeModelScoresByItsBias() {
    var g = SplitMix64(seed: 7)
    let model = PretrainingModel(Tiny.configuration, using: &g)
    let v = Tiny.vocabulary
    let (p, n) = (v.id("smiling"), v.id("early"))
    var table = model.encoder.embeddings.word.weight.scalars
    let width = Tiny.configuration.embeddingSize
    for id in [p, n] { for j in 0..<width { table[id * width + j] = 0 } }
    model.encoder.embeddings.word.weight.assign(Tensor(table, shape: [v.count, width]))
    var bias = [Float](repeating: 0, count: v.count)
    (bias[p], bias[n]) = (2, -1)
    model.outputBias.assign(Tensor(bias, shape: [v.count]))
    let scores = prompt.scores(Tiny.texts, model: model, vocabulary: v)
    // Float32 sums of a few dozen terms near 1: far below the 3 being compared.
    let tolerance: Float = 1e-5
    #expect(scores.allSatisfy { Swift.abs($0 - 3) < tolerance }, "\(scores)")
    #expect(prompt.classify(Tiny.texts, model: model, vocabulary: v) == [1, 1, 1])
    (bias[p], bias[n]) = (-1, 2)
    model.outputBias.assign(Tensor(bias, shape: [v.count]))
    #expect(prompt.classify(Tiny.texts, model: model, vocabulary: v) == [0, 0, 0])
  }

  /// Batched texts of different lengths, scored together, give what each text gives alone
  /// from the full output grid and its own softmax: the padding and the mask's position
  /// are handled.
  @Test func batchedScoresMatchEachTextAlone() {
    var g = SplitMix64(seed: 8)
    let model = PretrainingModel(Tiny.configuration, using: &g)
    let v = Tiny.vocabulary
    for place in [ClozePrompt.Place.afterText, .beforeText] {
      let prompt = ClozePrompt(
        "we left [MASK] .", place: place, positive: "smiling", negative: "early")
      let together = prompt.scores(Tiny.texts, model: model, vocabulary: v)
      for (text, score) in zip(Tiny.texts, together) {
        let (tokens, segments, mask) = prompt.layout(text)
        let batch = PaddedBatch([v.encode(tokens)], padID: v.padID)
        let logits = withNoGrad { model(batch, segments: segments).tokens }
        let row = logits.reshaped([-1, v.count]).logSoftmax().selected(axis: 0, index: mask)
        let alone = row[v.id("smiling")] - row[v.id("early")]
        // Different padding changes the order of float sums, not the value beyond 1e-4.
        #expect(Swift.abs(alone - score) < 1e-4, "\(place) \(text): \(alone) vs \(score)")
      }
    }
  }
}

struct TrainingInPartsTests {
  /// A classifier built as the lesson builds one, prepared by `recipe` from `source`, then
  /// trained a few AdamW steps on a fixed batch; returns it and its trained groups.
  func trained(_ recipe: FineTuningRecipe, from source: TransformerEncoderModel) -> (
    SequenceClassifier, [[Tensor]]
  ) {
    var g = SplitMix64(seed: 9)
    let encoder = TransformerEncoderModel(Tiny.configuration, using: &g)
    let classifier = SequenceClassifier(encoder: encoder, classes: 2, using: &g)
    let groups = recipe.prepare(classifier, from: source)
    let v = Tiny.vocabulary
    let batch = PaddedBatch(
      Tiny.texts.map { v.encode([Vocabulary.classification] + $0 + [Vocabulary.separator]) },
      padID: v.padID)
    let optimizer = AdamW(
      groups: ParameterGroup.layerwise(groups, learningRate: 0.01, decay: 1))
    for _ in 0..<3 {
      optimizer.zeroGrad()
      let loss = Tensor.crossEntropy(classifier(batch), targets: [1, 0, 0])
      loss.backward()
      optimizer.step()
    }
    return (classifier, groups)
  }

  func source() -> TransformerEncoderModel {
    var g = SplitMix64(seed: 10)
    return TransformerEncoderModel(Tiny.configuration, using: &g)
  }

  @Test func aLinearProbeLeavesTheEncoderAsPretrained() {
    let pretrained = source()
    let (classifier, groups) = trained(.linearProbe, from: pretrained)
    // Only the head is trained: H · classes + classes numbers.
    let headCount = 8 * 2 + 2
    #expect(scalarCount(groups) == headCount)
    for (p, q) in zip(classifier.encoder.parameters(), pretrained.parameters()) {
      #expect(p.scalars == q.scalars)
      #expect(!p.requiresGrad)
    }
    var g = SplitMix64(seed: 9)
    _ = TransformerEncoderModel(Tiny.configuration, using: &g)
    let untrainedHead = Linear(8, 2, using: &g)
    #expect(classifier.head.weight.scalars != untrainedHead.weight.scalars)
  }

  @Test func embeddingsOnlyKeepsTheWordTableAndTrainsTheRest() {
    let pretrained = source()
    let (classifier, groups) = trained(.wordVectors, from: pretrained)
    let encoder = classifier.encoder
    #expect(encoder.embeddings.word.weight.scalars == pretrained.embeddings.word.weight.scalars)
    #expect(!encoder.embeddings.word.weight.requiresGrad)
    let table = Tiny.vocabulary.count * 8
    #expect(scalarCount(groups) == classifier.parameterCount - table)
    // The rest starts fresh: the position table is not the pre-trained one.
    #expect(
      encoder.embeddings.position.weight.scalars != pretrained.embeddings.position.weight.scalars
    )
  }

  @Test func fullFineTuningStartsFromEveryPretrainedWeightAndTrainsThemAll() {
    let pretrained = source()
    var g = SplitMix64(seed: 9)
    let classifier = SequenceClassifier(
      encoder: TransformerEncoderModel(Tiny.configuration, using: &g), classes: 2, using: &g)
    let groups = FineTuningRecipe.full.prepare(classifier, from: pretrained)
    for (p, q) in zip(classifier.encoder.parameters(), pretrained.parameters()) {
      #expect(p.scalars == q.scalars)
    }
    #expect(scalarCount(groups) == classifier.parameterCount)
    let (trainedClassifier, _) = trained(.full, from: pretrained)
    #expect(
      trainedClassifier.encoder.layers[0].parameters()[0].scalars
        != pretrained.layers[0].parameters()[0].scalars)
  }

  @Test func fromScratchReusesNothing() {
    let pretrained = source()
    var g = SplitMix64(seed: 9)
    let classifier = SequenceClassifier(
      encoder: TransformerEncoderModel(Tiny.configuration, using: &g), classes: 2, using: &g)
    _ = FineTuningRecipe.scratch.prepare(classifier, from: pretrained)
    #expect(
      classifier.encoder.embeddings.word.weight.scalars
        != pretrained.embeddings.word.weight.scalars)
  }
}
