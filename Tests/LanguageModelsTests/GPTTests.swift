import Foundation
import Testing

@testable import LanguageModels
@testable import NeuralNetwork
@testable import TensorCore
@testable import TextData

struct GPTTests {
  static func tiny(seed: UInt64 = 1, dropout: Float = 0) -> GPTLanguageModel {
    var g = SplitMix64(seed: seed)
    return GPTLanguageModel(
      GPTConfiguration(
        vocabularySize: 13, contextLength: 9, dimension: 8, layers: 2, heads: 2, dropout: dropout),
      using: &g)
  }

  /// Float32 forward passes through two blocks, probed with steps of 1e-3: differences
  /// of a few parts in 10⁴ are rounding, not a wrong gradient.
  static let gradientTolerance = 5e-3

  @Test func gradientsMatchFiniteDifferences() {
    let model = Self.tiny()
    let batch = PaddedBatch([[2, 5, 7, 8], [2, 9, 4]], padID: 0)
    let targets = [5, 7, 8, 3, 9, 4, 3, -1]
    let check = GradientCheck.check(model.parameters()) {
      Tensor.crossEntropy(model.logits(batch), targets: targets, ignoreIndex: -1)
    }
    #expect(check.passed(tolerance: Self.gradientTolerance), "\(check)")
  }

  /// The output layer is the token embedding: one tensor, counted once.
  @Test func theOutputLayerIsTiedToTheEmbedding() {
    let model = Self.tiny()
    let perBlock = 4 * (8 * 8 + 8) + 2 * 2 * 8 + (8 * 32 + 32) + (32 * 8 + 8)
    let expected = 13 * 8 + 9 * 8 + 2 * perBlock + 2 * 8
    #expect(model.parameterCount == expected)
    #expect(model.parametersSavedByTying == 13 * 8)
    #expect(!model.namedParameters().map(\.name).contains { $0.contains("head") })
  }

  @Test func laterTokensNeverChangeEarlierLogits() {
    let model = Self.tiny()
    let a = model.logits(PaddedBatch([[2, 5, 7, 8]], padID: 0)).scalars
    let b = model.logits(PaddedBatch([[2, 5, 7, 11]], padID: 0)).scalars
    #expect(Array(a[0..<(3 * 13)]) == Array(b[0..<(3 * 13)]))
    #expect(Array(a[(3 * 13)...]) != Array(b[(3 * 13)...]))
  }

  /// The cache gives the logits of the full run (to rounding) at every step.
  @Test func theKeyValueCacheGivesTheFullRunsLogits() {
    let model = Self.tiny()
    model.eval()
    let tokens = [2, 5, 7, 8, 4, 10]
    let cache = KeyValueCache(layers: 2)
    for t in tokens.indices {
      let cached = model.nextLogits(reading: tokens[t], cache: cache)
      let full = model.nextLogits(Array(tokens[...t]))
      let largest = zip(cached, full).map { Swift.abs($0 - $1) }.max()!
      #expect(largest < 1e-5, "step \(t): \(largest)")
    }
  }

  /// At a size where the whole sequence's products take the packed path and the cache's
  /// one-row products the small path, the logits agree bit for bit, so sampling can never
  /// part the two ways of generating.
  @Test func theKeyValueCacheGivesTheFullRunsLogitsBitForBit() {
    var g = SplitMix64(seed: 11)
    let model = GPTLanguageModel(
      GPTConfiguration(vocabularySize: 40, contextLength: 40, dimension: 32, layers: 2, heads: 4),
      using: &g)
    model.eval()
    let tokens = (0..<36).map { _ in 4 + g.index(36) }
    let cache = KeyValueCache(layers: 2)
    var parted: [Int] = []
    for t in tokens.indices {
      let cached = model.nextLogits(reading: tokens[t], cache: cache)
      let full = model.nextLogits(Array(tokens[...t]))
      if cached.map(\.bitPattern) != full.map(\.bitPattern) { parted.append(t) }
    }
    #expect(parted.isEmpty, "steps whose logits differ: \(parted)")
  }

  @Test func generationIsTheSameWithAndWithoutTheCache() {
    let model = Self.tiny(dropout: 0.1)
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["a", "b", "c", "d", "e", "f"])
    for seed: UInt64 in 0..<5 {
      var g1 = SplitMix64(seed: seed)
      var g2 = SplitMix64(seed: seed)
      let rule = SamplingRule(temperature: 1.3)
      let cached = model.generate(
        prompt: [vocabulary.startID], vocabulary: vocabulary, rule: rule, maximumTokens: 8,
        useCache: true, using: &g1)
      let full = model.generate(
        prompt: [vocabulary.startID], vocabulary: vocabulary, rule: rule, maximumTokens: 8,
        useCache: false, using: &g2)
      #expect(cached == full)
      #expect(cached.count <= 8)
    }
    #expect(model.isTraining)
  }
}

struct SamplingRuleTests {
  let p = [0.05, 0.5, 0.15, 0.3]

  @Test func topKKeepsTheKLikeliest() {
    let kept = SamplingRule.keepTopK(p, 2)
    #expect(Swift.abs(kept[1] - 0.5 / 0.8) < 1e-12 && Swift.abs(kept[3] - 0.3 / 0.8) < 1e-12)
    #expect(kept[0] == 0 && kept[2] == 0)
  }

  /// The smallest set reaching p: 0.5 + 0.3 = 0.8 < 0.9, so 0.15 joins (0.95).
  @Test(arguments: [
    (0.9, [1, 2, 3]), (0.8, [1, 3]), (0.5, [1]), (0.4, [1]), (1.0, [0, 1, 2, 3]),
  ])
  func topPKeepsTheSmallestSetReachingP(_ threshold: Double, _ expected: [Int]) {
    let kept = SamplingRule.keepTopP(p, threshold)
    #expect(kept.indices.filter { kept[$0] > 0 } == expected)
    #expect(Swift.abs(kept.reduce(0, +) - 1) < 1e-12)
  }

  @Test func temperatureSharpensAndForbiddenTokensGetNothing() {
    let logits: [Float] = [1, 2, 3]
    let cold = SamplingRule(temperature: 0.5).probabilities(logits)
    let warm = SamplingRule(temperature: 2).probabilities(logits)
    #expect(cold[2] > warm[2])
    let e = [Foundation.exp(2.0), Foundation.exp(4.0), Foundation.exp(6.0)]
    #expect(Swift.abs(cold[2] - e[2] / e.reduce(0, +)) < 1e-9)
    #expect(SamplingRule().probabilities(logits, forbidden: [2])[2] == 0)
  }
}

struct BitsPerCharacterTests {
  /// At every level the denominator is the text's characters plus one per sentence end,
  /// and bits per character times it gives back the nats in bits.
  @Test(arguments: TextTokenizer.Level.allCases)
  func bitsPerCharacterIsTheSameTotalInOtherUnits(_ level: TextTokenizer.Level) {
    var g = SplitMix64(seed: 4)
    let lines = SentenceCorpus.course.generate(count: 300, using: &g).map(\.text)
    let corpus = LanguageModelCorpus(lines: lines, level: level, merges: 50, seed: 2)
    let characters = corpus.testText.reduce(0) { $0 + $1.count } + corpus.testText.count
    #expect(LanguageModelCorpus.characters(corpus.testText) == characters)
    let bits = LanguageModelCorpus.bitsPerCharacter(nats: 1000, text: corpus.testText)
    #expect(Swift.abs(bits * Double(characters) - 1000 / Foundation.log(2)) < 1e-9)
    // Every test sentence decodes back from its ids at the subword level: nothing unknown.
    if level == .bpe {
      for (text, ids) in zip(corpus.testText, corpus.test) {
        #expect(corpus.tokenizer.join(corpus.vocabulary.decode(ids)) == text)
      }
    }
  }

  @Test func pairedDifferenceByHand() {
    let d = PairedDifference([3, 5, 4, 6], [1, 2, 3, 2])
    // differences 2, 3, 1, 4: mean 2.5, sample variance 5/3, SE √(5/3/4).
    #expect(Swift.abs(d.mean - 2.5) < 1e-12)
    #expect(Swift.abs(d.standardError - (5.0 / 3 / 4).squareRoot()) < 1e-12)
    #expect(d.isClearlyPositive && !d.isClearlyNegative)
  }
}
