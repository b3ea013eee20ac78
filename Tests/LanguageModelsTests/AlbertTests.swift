import Testing

@testable import LanguageModels
@testable import NeuralNetwork
@testable import TensorCore
@testable import TextData

struct AlbertTests {
  /// The parameter count of a configuration, by arithmetic alone:
  /// embeddings V·E + 512·E + 2·E + 2·E (layer norm) + E·H + H (projection, when E ≠ H);
  /// one layer 4·(H² + H) + (H·F + F) + (F·H + H) + 2·2·H; L layers, or one when shared;
  /// the pooler H² + H.
  static func expectedCount(v: Int, e: Int, h: Int, l: Int, shared: Bool) -> Int {
    let f = 4 * h
    var embeddings = v * e + 512 * e + 2 * e + 2 * e
    if e != h { embeddings += e * h + h }
    let attention = 4 * (h * h + h)
    let feedForward = (h * f + f) + (f * h + h)
    let layer = attention + feedForward + 4 * h
    let encoder = shared ? layer : l * layer
    return embeddings + encoder + (h * h + h)
  }

  @Test(arguments: [
    // The released bert-base-uncased and bert-large-uncased, pooler included.
    ("BERT-base", 30_522, 768, 768, 12, false, 109_482_240),
    ("BERT-large", 30_522, 1024, 1024, 24, false, 335_141_888),
    ("ALBERT-base", 30_000, 128, 768, 12, true, 11_683_584),
    ("ALBERT-large", 30_000, 128, 1024, 24, true, 17_683_968),
    ("ALBERT-xlarge", 30_000, 128, 2048, 24, true, 58_724_864),
    ("ALBERT-xxlarge", 30_000, 128, 4096, 12, true, 222_595_584),
  ])
  func publishedConfigurationsHaveTheirExactCounts(
    _ name: String, _ v: Int, _ e: Int, _ h: Int, _ l: Int, _ shared: Bool, _ total: Int
  ) {
    #expect(Self.expectedCount(v: v, e: e, h: h, l: l, shared: shared) == total)
    let configuration = EncoderConfiguration.published.first { $0.name == name }!
    let model = withMetaTensors {
      var g = SplitMix64(seed: 0)
      return TransformerEncoderModel(configuration, using: &g)
    }
    #expect(model.parameterCount == total, "\(name)")
    #expect(configuration.vocabularySize == v)
    // The paper's rounded figure is within 10 % of the configuration's count.
    let reported = Double(EncoderConfiguration.reportedMillions[name]!) * 1e6
    #expect(Swift.abs(Double(total) - reported) / reported < 0.1)
  }

  @Test func sharedLayersAreOneObjectWithSummedGradients() {
    var g = SplitMix64(seed: 1)
    let c = EncoderConfiguration(
      name: "tiny", vocabularySize: 12, embeddingSize: 3, hiddenSize: 4, layers: 3, heads: 2,
      feedForwardSize: 8, sharedLayers: true, maxLength: 8)
    let model = PretrainingModel(c, using: &g)
    #expect(model.encoder.layers[0] === model.encoder.layers[2])
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["a", "b", "c", ".", "d"])
    var data = SplitMix64(seed: 2)
    let batch = PretrainingData.batch(
      [["a", "b", ".", "c", "."], ["d", ".", "a", "."]], task: .sentenceOrder,
      vocabulary: vocabulary, maskRate: 0.3, using: &data)
    // Layer norms over only 3 values are strongly curved, so central differences need a
    // smaller step than usual: the error fell from 0.36 to 0.0012 as ε went from 1e-2 to
    // 3e-4, the signature of truncation error rather than a wrong gradient.
    let check = GradientCheck.check(model.parameters(), epsilon: 3e-4) {
      let (tokens, order) = model(batch.inputs, segments: batch.segments)
      return Tensor.crossEntropy(tokens, targets: batch.maskedTargets.map { $0 < 0 ? 0 : $0 })
        + Tensor.crossEntropy(order, targets: batch.labels)
    }
    #expect(check.passed(tolerance: 5e-3), "\(check)")
  }

  @Test func pretrainingBatchesLabelAndMask() {
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["a", "b", "c", "."])
    var g = SplitMix64(seed: 3)
    let batch = PretrainingData.batch(
      [["a", "b", ".", "c", "."]], task: .sentenceOrder, vocabulary: vocabulary, maskRate: 0,
      using: &g)
    let ids = batch.inputs.ids
    #expect(ids.first == vocabulary.classificationID)
    #expect(batch.maskedTargets.allSatisfy { $0 == -1 })
    let expected =
      batch.labels[0] == 1
      ? ["[CLS]", "a", "b", ".", "[SEP]", "c", ".", "[SEP]"]
      : ["[CLS]", "c", ".", "[SEP]", "a", "b", ".", "[SEP]"]
    #expect(vocabulary.decode(ids) == expected)
    #expect(
      batch.segments
        == (batch.labels[0] == 1 ? [0, 0, 0, 0, 0, 1, 1, 1] : [0, 0, 0, 0, 1, 1, 1, 1]))
  }
}

struct SentencePairDocumentTests {
  @Test(
    arguments: [
      (
        "marked: a full stop inside a sentence stays in it", ["node", ".", "js", "exits", "."],
        ["it", "stops", "?"]
      ),
      ("marked: sentences need not end in a full stop", ["see", "below", ":"], ["a", "list"]),
      ("marked: an empty second sentence", ["one", "sentence", "."], []),
    ] as [(String, [String], [String])])
  func halvesFindTheMarkedBoundary(_ name: String, _ first: [String], _ second: [String]) {
    let document = PretrainingData.document(first, second)
    #expect(document == first + ["[SEP]"] + second, "\(name)")
    let halves = PretrainingData.halves(document)
    #expect(halves.first == first && halves.second == second, "\(name)")
  }

  @Test(
    arguments: [
      ("two sentences", ["a", "b", ".", "c", "."], ["a", "b", "."], ["c", "."]),
      ("a third is dropped", ["a", ".", "b", ".", "c", "."], ["a", "."], ["b", "."]),
      ("one sentence", ["a", "b", "."], ["a", "b", "."], []),
      ("empty", [], [], []),
      ("no full stop at the end", ["a", ".", "b"], ["a", "."], ["b"]),
    ] as [(String, [String], [String], [String])])
  func unmarkedDocumentsSplitAtFullStops(
    _ name: String, _ document: [String], _ first: [String], _ second: [String]
  ) {
    let halves = PretrainingData.halves(document)
    #expect(halves.first == first && halves.second == second, "\(name)")
  }

  @Test func sentenceOrderSwapsTheMarkedSentences() {
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["a", "b", ".", "c", "?"])
    let document = PretrainingData.document(["a", ".", "b", "."], ["c", "?"])
    var g = SplitMix64(seed: 3)
    let batch = PretrainingData.batch(
      Array(repeating: document, count: 20), task: .sentenceOrder, vocabulary: vocabulary,
      maskRate: 0, using: &g)
    let inOrder = ["[CLS]", "a", ".", "b", ".", "[SEP]", "c", "?", "[SEP]"]
    let swapped = ["[CLS]", "c", "?", "[SEP]", "a", ".", "b", ".", "[SEP]"]
    for row in 0..<20 {
      let ids = Array(batch.inputs.ids[(row * 9)..<((row + 1) * 9)])
      #expect(vocabulary.decode(ids) == (batch.labels[row] == 1 ? inOrder : swapped))
    }
    // Both orders are drawn: 20 draws of a fair coin all alike has chance 2 in a million.
    #expect(Set(batch.labels) == [0, 1])
  }
}

struct MaskingTests {
  @Test func bertMaskingHidesEightyTenTen() {
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["a", "b", "c", ".", "d"])
    var g = SplitMix64(seed: 6)
    let documents = (0..<400).map { _ in ["a", "b", "c", "d", ".", "d", "c", "b", "a", "."] }
    let batch = PretrainingData.batch(
      documents, task: .sentenceOrder, vocabulary: vocabulary, maskRate: 0.5, using: &g)
    let chosen = batch.maskedPositions
    let masks = batch.positions(hidden: .mask)
    let random = batch.positions(hidden: .random)
    let kept = batch.positions(hidden: .kept)
    #expect(masks.count + random.count + kept.count == chosen.count)
    // About 2,000 chosen tokens: shares within 3 points of 80, 10 and 10 %.
    let n = Double(chosen.count)
    #expect(Swift.abs(Double(masks.count) / n - 0.8) < 0.03)
    #expect(Swift.abs(Double(random.count) / n - 0.1) < 0.03)
    #expect(Swift.abs(Double(kept.count) / n - 0.1) < 0.03)
    let ids = batch.inputs.ids
    #expect(masks.allSatisfy { ids[$0] == vocabulary.maskID })
    #expect(kept.allSatisfy { ids[$0] == batch.maskedTargets[$0] })
    #expect(random.allSatisfy { vocabulary.ordinaryIDs.contains(ids[$0]) })
    // A random replacement is drawn from all ordinary tokens, so some equal the original.
    #expect(random.contains { ids[$0] != batch.maskedTargets[$0] })
    var h = SplitMix64(seed: 6)
    let plain = PretrainingData.batch(
      documents, task: .sentenceOrder, vocabulary: vocabulary, maskRate: 0.5,
      masking: .maskOnly, using: &h)
    #expect(plain.maskedPositions.allSatisfy { plain.inputs.ids[$0] == vocabulary.maskID })
  }
}

struct MaskedPredictionTests {
  @Test func predictingAtMaskedPositionsGivesThoseRowsOfTheFullOutput() {
    var g = SplitMix64(seed: 4)
    let c = EncoderConfiguration(
      name: "tiny", vocabularySize: 12, embeddingSize: 4, hiddenSize: 8, layers: 2, heads: 2,
      feedForwardSize: 16, sharedLayers: false, maxLength: 16)
    let model = PretrainingModel(c, using: &g)
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["a", "b", "c", ".", "d"])
    var data = SplitMix64(seed: 5)
    let batch = PretrainingData.batch(
      [["a", "b", ".", "c", "."], ["d", ".", "a", "b", "c", "."]], task: .sentenceOrder,
      vocabulary: vocabulary, maskRate: 0.4, masking: .maskOnly, using: &data)
    let positions = batch.maskedPositions
    #expect(!positions.isEmpty)
    #expect(positions.allSatisfy { batch.inputs.ids[$0] == vocabulary.maskID })
    #expect(
      batch.maskedTargets.indices.filter { !positions.contains($0) }.allSatisfy {
        batch.maskedTargets[$0] == -1
      })
    let full = model(batch.inputs, segments: batch.segments).tokens.reshaped([-1, 12])
    let picked = model(batch.inputs, segments: batch.segments, predictingAt: positions).tokens
    #expect(picked.shape == [positions.count, 12])
    for (row, position) in positions.enumerated() {
      for v in 0..<12 { #expect(Swift.abs(picked[row, v] - full[position, v]) < 1e-5) }
    }
  }
}
