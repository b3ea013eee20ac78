import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// How the next token is drawn from a model's logits.
///
/// The logits are divided by the `temperature` and turned into probabilities by a
/// softmax; then, optionally, only the `topK` likeliest tokens are kept, and/or only the
/// smallest set of likeliest tokens whose probabilities reach `topP` (*nucleus* sampling,
/// Holtzman et al., 2020); what is kept is renormalised and sampled.
public struct SamplingRule: Sendable, Equatable {
  public var temperature: Float
  public var topK: Int?
  public var topP: Double?

  public init(temperature: Float = 1, topK: Int? = nil, topP: Double? = nil) {
    precondition(temperature > 0, "SamplingRule: temperature must be > 0, got \(temperature)")
    precondition(topK.map { $0 >= 1 } ?? true, "SamplingRule: topK must be ≥ 1")
    precondition(topP.map { $0 > 0 && $0 <= 1 } ?? true, "SamplingRule: topP must be in (0, 1]")
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
  }

  /// The probabilities to sample from, after temperature and the filters. Tokens listed in
  /// `forbidden` (padding, the start token) get probability 0 first.
  public func probabilities(_ logits: [Float], forbidden: [Int] = []) -> [Double] {
    var scaled = logits.map { Double($0) / Double(temperature) }
    for id in forbidden { scaled[id] = -.infinity }
    let top = scaled.max()!
    var p = scaled.map { Foundation.exp($0 - top) }
    let total = p.reduce(0, +)
    p = p.map { $0 / total }
    if let topK { p = Self.keepTopK(p, topK) }
    if let topP { p = Self.keepTopP(p, topP) }
    return p
  }

  /// The `k` likeliest tokens (ties: the lower id first), renormalised; the rest 0.
  public static func keepTopK(_ p: [Double], _ k: Int) -> [Double] {
    let kept = Set(ranked(p).prefix(k))
    return renormalised(p.indices.map { kept.contains($0) ? p[$0] : 0 })
  }

  /// The smallest set of likeliest tokens whose probabilities sum to at least `threshold`
  /// (the token that crosses it included), renormalised; the rest 0.
  public static func keepTopP(_ p: [Double], _ threshold: Double) -> [Double] {
    var kept = Set<Int>()
    var sum = 0.0
    for id in ranked(p) {
      kept.insert(id)
      sum += p[id]
      if sum >= threshold { break }
    }
    return renormalised(p.indices.map { kept.contains($0) ? p[$0] : 0 })
  }

  static func ranked(_ p: [Double]) -> [Int] {
    p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
  }

  static func renormalised(_ p: [Double]) -> [Double] {
    let total = p.reduce(0, +)
    return p.map { $0 / total }
  }
}

/// The keys and values every block computed for the tokens so far, so that generating one
/// more token costs one position's work instead of the whole sequence's.
public final class KeyValueCache {
  /// Per block, `[1, tokens, D]`.
  var keys: [Tensor?]
  var values: [Tensor?]
  /// How many tokens have been read.
  public private(set) var count = 0

  public init(layers: Int) {
    keys = Array(repeating: nil, count: layers)
    values = Array(repeating: nil, count: layers)
  }

  func append(layer: Int, key: Tensor, value: Tensor) -> (keys: Tensor, values: Tensor) {
    keys[layer] = keys[layer].map { Tensor.concat([$0, key], axis: 1) } ?? key
    values[layer] = values[layer].map { Tensor.concat([$0, value], axis: 1) } ?? value
    return (keys[layer]!, values[layer]!)
  }

  func advance() { count += 1 }
}

extension GPTLanguageModel {
  /// The logits after reading `tokens` (the whole sequence, run again from the start), in
  /// evaluation mode.
  public func nextLogits(_ tokens: [Int]) -> [Float] {
    evaluating {
      let batch = PaddedBatch([tokens], padID: 0)
      let all = logits(batch)
      return all.selected(axis: 1, index: tokens.count - 1).scalars
    }
  }

  /// Reads one more token with the cache and returns the logits after it: the block's
  /// attention for the new position only, against the cached keys and values (in
  /// evaluation mode, as the uncached run).
  public func nextLogits(reading token: Int, cache: KeyValueCache) -> [Float] {
    evaluating {
      let d = configuration.dimension
      var x =
        tokenEmbedding([token], shape: [1, 1]) + positionEmbedding([cache.count], shape: [1, 1])
      for (l, block) in blocks.enumerated() {
        let attention = block.attention
        let heads = attention.heads
        let h = block.norm1(x)
        let (keys, values) = cache.append(
          layer: l, key: attention.key(h), value: attention.value(h))
        let t = keys.shape[1]
        func split(_ y: Tensor, _ length: Int) -> Tensor {
          y.reshaped([1, length, heads, d / heads]).permuted([0, 2, 1, 3])
        }
        // Every cached position is earlier than the new one: no mask is needed.
        let (attended, _) = scaledDotProductAttention(
          query: split(attention.query(h), 1), key: split(keys, t), value: split(values, t))
        x = x + attention.output(attended.permuted([0, 2, 1, 3]).reshaped([1, 1, d]))
        x = x + block.feedForward(block.norm2(x))
      }
      cache.advance()
      return matmul(finalNorm(x), tokenEmbedding.weight, transposeB: true).scalars
    }
  }

  /// Generates after `prompt` (which starts with `<s>`) until `</s>` or `maximumTokens`
  /// new tokens, drawing each by `rule`. With `useCache` each step reads one token through
  /// the cache; without, it runs the whole sequence again. Both give the same tokens.
  /// - Returns: the new tokens (without `</s>`).
  public func generate(
    prompt: [Int], vocabulary: Vocabulary, rule: SamplingRule, maximumTokens: Int,
    useCache: Bool, using generator: inout SplitMix64
  ) -> [Int] {
    let wasTraining = isTraining
    eval()
    defer { if wasTraining { train() } }
    let limit = Swift.min(maximumTokens, configuration.contextLength - prompt.count)
    let forbidden = [vocabulary.padID, vocabulary.startID, vocabulary.maskID, vocabulary.unknownID]
      .filter { $0 < configuration.vocabularySize }
    var sequence = prompt
    var produced: [Int] = []
    let cache = KeyValueCache(layers: blocks.count)
    var logits: [Float] = []
    if useCache { for token in prompt { logits = nextLogits(reading: token, cache: cache) } }
    while produced.count < limit {
      if !useCache { logits = nextLogits(sequence) }
      let next = generator.categorical(
        rule.probabilities(logits, forbidden: forbidden).map { Float($0) })
      if next == vocabulary.endID { break }
      produced.append(next)
      sequence.append(next)
      if useCache, produced.count < limit { logits = nextLogits(reading: next, cache: cache) }
    }
    return produced
  }
}
