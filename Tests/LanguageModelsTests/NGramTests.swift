import Foundation
import Testing

@testable import LanguageModels
@testable import TensorCore
@testable import TextData

/// The n-gram definitions, checked against perplexities worked out by hand.
struct NGramTests {
  // Training text "a b" and "a a": V = {<unk>, </s>, a, b} = 4 predictable tokens.
  // Padded for bigrams: <s> a b </s> and <s> a a </s>.
  // Bigram counts: <s>→a 2; a→b 1, a→a 1, a→</s> 1; b→</s> 1.
  let vocabulary = Vocabulary([["a", "b"], ["a", "a"]])
  var train: [[Int]] { [vocabulary.encode(["a", "b"]), vocabulary.encode(["a", "a"])] }
  var heldOut: [[Int]] { [vocabulary.encode(["b", "a"])] }

  @Test func addOneBigramByHand() {
    let model = NGramModel(order: 2, smoothing: .addK(1), sentences: train, vocabulary: vocabulary)
    #expect(model.vocabularySize == 4)
    // P(b|<s>) = (0+1)/(2+4), P(a|b) = (0+1)/(1+4), P(</s>|a) = (1+1)/(3+4).
    let expected = Foundation.exp(
      -(Foundation.log(1.0 / 6) + Foundation.log(1.0 / 5) + Foundation.log(2.0 / 7)) / 3)
    let got = model.perplexity(heldOut, endID: vocabulary.endID)
    #expect(Swift.abs(got / expected - 1) < 1e-6)
  }

  @Test func wittenBellBigramByHand() {
    let model = NGramModel(
      order: 2, smoothing: .wittenBell, sentences: train, vocabulary: vocabulary)
    // Unigrams of predicted tokens: a 3, b 1, </s> 2 (c = 6, T = 3), over P₀ = 1/4:
    // P₁(w) = (c(w) + 3/4) / 9.
    func p1(_ c: Double) -> Double { (c + 0.75) / 9 }
    // P(b|<s>): c(<s>) = 2, T = 1, c(<s>, b) = 0 → (0 + 1·P₁(b)) / 3.
    let pb = (0 + 1 * p1(1)) / 3
    // P(a|b): c(b) = 1, T = 1, c(b, a) = 0 → (0 + P₁(a)) / 2.
    let pa = (0 + 1 * p1(3)) / 2
    // P(</s>|a): c(a) = 3, T = 3, c(a, </s>) = 1 → (1 + 3·P₁(</s>)) / 6.
    let pe = (1 + 3 * p1(2)) / 6
    let expected = Foundation.exp(
      -(Foundation.log(pb) + Foundation.log(pa) + Foundation.log(pe)) / 3)
    let got = model.perplexity(heldOut, endID: vocabulary.endID)
    #expect(Swift.abs(got / expected - 1) < 1e-6)
  }

  @Test func unigramMaximumLikelihoodWithTinyK() {
    // With k → 0, add-k unigrams are the relative frequencies a 3/6, b 1/6, </s> 2/6.
    let model = NGramModel(
      order: 1, smoothing: .addK(1e-9), sentences: train, vocabulary: vocabulary)
    #expect(Swift.abs(model.probability(vocabulary.id("a"), context: []) - 0.5) < 1e-6)
    #expect(Swift.abs(model.probability(vocabulary.endID, context: []) - 1.0 / 3) < 1e-6)
  }

  @Test(arguments: [Smoothing.addK(0.5), .wittenBell])
  func everyDistributionSumsToOne(_ smoothing: Smoothing) {
    var g = SplitMix64(seed: 1)
    let sentences = SentenceCorpus.generate(count: 50, using: &g).map { Tokenizer.words($0.text) }
    let vocabulary = Vocabulary(sentences)
    let ids = sentences.map(vocabulary.encode)
    let model = NGramModel(order: 3, smoothing: smoothing, sentences: ids, vocabulary: vocabulary)
    for context in [[2, 2], [2, ids[0][0]], [ids[0][0], ids[0][1]], [9999, 9998]] {
      let total = model.distribution(context: context).reduce(0, +)
      #expect(Swift.abs(total - 1) < 1e-9, "context \(context)")
    }
  }

  /// Held-out text with words training never saw, so every back-off level is used.
  static func grammarText(seed: UInt64, count: Int) -> (
    train: [[Int]], heldOut: [[Int]], Vocabulary
  ) {
    var g = SplitMix64(seed: seed)
    let sentences = SentenceCorpus.generate(count: count, using: &g).map {
      Tokenizer.words($0.text)
    }
    let vocabulary = Vocabulary(Array(sentences.prefix(count / 2)))
    let ids = sentences.map(vocabulary.encode)
    return (Array(ids.prefix(count / 2)), Array(ids.suffix(count / 2)), vocabulary)
  }

  @Test(arguments: [Smoothing.addK(0.5), .wittenBell])
  func perplexityByOrderIsEachOrdersPerplexityBitForBit(_ smoothing: Smoothing) {
    let (train, heldOut, vocabulary) = Self.grammarText(seed: 3, count: 200)
    let model = NGramModel(order: 6, smoothing: smoothing, sentences: train, vocabulary: vocabulary)
    let byOrder = model.perplexityByOrder(heldOut, endID: vocabulary.endID)
    #expect(byOrder.count == 6)
    for n in 1...6 {
      let alone = model.with(order: n).perplexity(heldOut, endID: vocabulary.endID)
      #expect(byOrder[n - 1].bitPattern == alone.bitPattern, "n = \(n)")
    }
    // The orders differ, so a mix-up of two of them would show.
    #expect(Set(byOrder).count == 6)
  }

  @Test func countsAreTheSameOnOneThreadAndOnTwo() {
    let (train, heldOut, vocabulary) = Self.grammarText(seed: 4, count: 300)
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = 1
    let one = NGramModel(order: 5, smoothing: .wittenBell, sentences: train, vocabulary: vocabulary)
    Parallelism.threads = 2
    let two = NGramModel(order: 5, smoothing: .wittenBell, sentences: train, vocabulary: vocabulary)
    #expect(one.counts == two.counts)
    // Table j holds contexts of j − 1 tokens, in order.
    #expect(
      two.counts.enumerated().allSatisfy { j, table in table.keys.allSatisfy { $0.count == j } })
    let endID = vocabulary.endID
    #expect(one.perplexity(heldOut, endID: endID) == two.perplexity(heldOut, endID: endID))
  }

  @Test func samplesEndAndUseOnlyKnownTokens() {
    let model = NGramModel(
      order: 2, smoothing: .wittenBell, sentences: train, vocabulary: vocabulary)
    var g = SplitMix64(seed: 2)
    let sample = model.sample(endID: vocabulary.endID, maximumLength: 50, using: &g)
    #expect(sample.count <= 50)
    #expect(sample.allSatisfy { model.predictable.contains($0) && $0 != vocabulary.endID })
  }
}

struct MetricTests {
  @Test func metricsByHand() {
    // TP 2, FP 1, TN 3, FN 2.
    let m = BinaryMetrics(predicted: [1, 1, 1, 0, 0, 0, 0, 0], actual: [1, 1, 0, 1, 1, 0, 0, 0])
    #expect(m.confusion == [[3, 1], [2, 2]])
    #expect(m.accuracy == 5.0 / 8)
    #expect(m.precision == 2.0 / 3)
    #expect(m.recall == 0.5)
    #expect(Swift.abs(m.f1 - 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5)) < 1e-12)
    #expect(BinaryMetrics(predicted: [0, 0], actual: [1, 0]).precision == 0)
    #expect(majorityBaseline(trainLabels: [1, 1, 0], labels: [1, 0, 0, 0]) == 0.25)
    // A tie of two labels goes to the larger, as it always did for 0 and 1.
    #expect(majorityBaseline(trainLabels: [1, 0], labels: [1, 0, 0, 0]) == 0.25)
    #expect(majorityBaseline(trainLabels: [2, 2, 0, 1], labels: [2, 0, 1]) == 1.0 / 3)
  }

  @Test func multiclassMetricsByHand() {
    // Three classes; the binary case must agree with BinaryMetrics for class 1.
    let m = MulticlassMetrics(
      predicted: [0, 1, 2, 2, 1, 0, 2], actual: [0, 1, 2, 1, 1, 2, 0], classes: 3)
    #expect(m.confusion == [[1, 0, 1], [0, 2, 1], [1, 0, 1]])
    #expect(m.accuracy == 4.0 / 7)
    #expect(m.precision(2) == 1.0 / 3 && m.recall(2) == 0.5 && m.recall(1) == 2.0 / 3)
    #expect(Swift.abs(m.f1(2) - 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5)) < 1e-12)
    let predicted = [1, 1, 1, 0, 0, 0, 0, 0]
    let actual = [1, 1, 0, 1, 1, 0, 0, 0]
    let two = MulticlassMetrics(predicted: predicted, actual: actual, classes: 2)
    let binary = BinaryMetrics(predicted: predicted, actual: actual)
    #expect(two.confusion == binary.confusion)
    #expect(two.precision(1) == binary.precision && two.recall(1) == binary.recall)
  }
}

struct RecurrentLanguageModelTests {
  @Test(arguments: RecurrentCell.allCases)
  func gradientsOfTheWholeModel(_ cell: RecurrentCell) {
    let vocabulary = Vocabulary([["a", "b", "c"]])
    var g = SplitMix64(seed: 3)
    let model = RecurrentLanguageModel(
      vocabularySize: vocabulary.count, embeddingSize: 3, hiddenSize: 4, cell: cell, using: &g)
    let sentences = [vocabulary.encode(["a", "b"]), vocabulary.encode(["c"])]
    let check = GradientCheck.check(model.parameters()) {
      model.loss(sentences, vocabulary: vocabulary)
    }
    #expect(check.passed(tolerance: 5e-3), "\(cell): \(check)")
  }

  @Test func perplexityIsTheExponentOfTheTokenMeanLoss() {
    let vocabulary = Vocabulary([["a", "b", "c"]])
    var g = SplitMix64(seed: 4)
    let model = RecurrentLanguageModel(
      vocabularySize: vocabulary.count, embeddingSize: 3, hiddenSize: 4, cell: .gru, using: &g)
    let sentences = [vocabulary.encode(["a", "b", "c"]), vocabulary.encode(["c"])]
    // One batch holding both sentences: the loss is the mean over all 4 + 2 predictions.
    let loss = withNoGrad { model.loss(sentences, vocabulary: vocabulary).item }
    let perplexity = model.perplexity(sentences, vocabulary: vocabulary, batchSize: 1)
    #expect(Swift.abs(perplexity - Foundation.exp(Double(loss))) < 1e-4)
  }

  @Test func aPlainRNNsGradientFadesBackThroughTime() {
    let vocabulary = Vocabulary([["a", "b"]])
    var g = SplitMix64(seed: 5)
    let model = RecurrentLanguageModel(
      vocabularySize: vocabulary.count, embeddingSize: 4, hiddenSize: 8, cell: .rnn, using: &g)
    let sentence = Array(repeating: vocabulary.id("a"), count: 30)
    let norms = model.gradientNormsThroughTime([sentence], vocabulary: vocabulary)
    #expect(norms.count == 31)
    #expect(norms[0] < norms[30] * 1e-3)
  }
}
