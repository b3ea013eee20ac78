import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// An autoencoder for sentences: `z = encoder(x)`, `x̂ = decoder(z)`, `L = loss(x, x̂)`.
///
/// The encoder is a GRU; its state after the last real token, mapped to `latentSize`
/// numbers, is the sentence's code `z`. The decoder is another GRU that starts from a
/// state computed from `z` and rebuilds the sentence token by token. Because `z` is much
/// smaller than the sentence, the model must *compress*: similar sentences end up with
/// similar codes.
///
/// Training uses *teacher forcing*: at every step the decoder reads the true previous
/// token, not its own guess. The loss of a sentence is the sum of its tokens' losses.
///
/// The code also enters the decoder at every step (added to each input word's vector).
/// With teacher forcing alone, a decoder can learn to predict the next word from the
/// previous ones and ignore a code it sees only once at the start; a code present at
/// every step is much harder to ignore.
public final class SentenceAutoencoder: Module {
  public let embedding: Embedding
  public let encoder: GRU
  public let toLatent: Linear
  public let fromLatent: Linear
  public let latentToInput: Linear
  public let decoder: GRU
  public let head: Linear

  public init(
    vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, latentSize: Int,
    using generator: inout SplitMix64
  ) {
    embedding = Embedding(vocabularySize, embeddingSize, std: 0.3, using: &generator)
    encoder = GRU(inputSize: embeddingSize, hiddenSize: hiddenSize, using: &generator)
    toLatent = Linear(hiddenSize, latentSize, using: &generator)
    fromLatent = Linear(latentSize, hiddenSize, using: &generator)
    latentToInput = Linear(latentSize, embeddingSize, using: &generator)
    decoder = GRU(inputSize: embeddingSize, hiddenSize: hiddenSize, using: &generator)
    head = Linear(hiddenSize, vocabularySize, using: &generator)
    super.init()
  }

  public var latentSize: Int { toLatent.outputSize }

  /// The codes `[sentences, latentSize]` of token-id sentences.
  public func encode(_ sentences: [[Int]], vocabulary: Vocabulary) -> Tensor {
    let batch = PaddedBatch(sentences, padID: vocabulary.padID)
    let states = encoder(embedding(batch.ids, shape: batch.shape)).outputs
    // The state after each sentence's own last token, not after its padding.
    let hidden = states.shape[2]
    let indices = batch.lengths.flatMap { n in Array(repeating: Swift.max(n - 1, 0), count: hidden)
    }
    let last = states.gather(axis: 1, indices: indices).reshaped([batch.batch, hidden])
    return toLatent(last)
  }

  /// Logits `[batch, length + 1, vocabulary]` for rebuilding `sentences` from `codes`,
  /// reading `<s> w₁ … w_m` (teacher forcing).
  public func decodeLogits(_ codes: Tensor, _ sentences: [[Int]], vocabulary: Vocabulary) -> Tensor
  {
    let inputs = PaddedBatch(sentences.map { [vocabulary.startID] + $0 }, padID: vocabulary.padID)
    let start = fromLatent(codes).tanh()
    let everyStep = latentToInput(codes).reshaped([codes.shape[0], 1, -1])
    let states = decoder(
      embedding(inputs.ids, shape: inputs.shape) + everyStep, initialState: start
    ).outputs
    return head(states)
  }

  /// The reconstruction loss: per sentence, the sum of its tokens' cross-entropies
  /// (including `</s>`), averaged over the batch.
  public func loss(_ sentences: [[Int]], vocabulary: Vocabulary) -> Tensor {
    let targets = PaddedBatch(sentences.map { $0 + [vocabulary.endID] }, padID: -1)
    let logits = decodeLogits(
      encode(sentences, vocabulary: vocabulary), sentences, vocabulary: vocabulary)
    return Tensor.crossEntropy(logits, targets: targets.ids, ignoreIndex: -1, reduction: .sum)
      / Float(sentences.count)
  }

  /// Rebuilds a sentence from one code `[latentSize]`, choosing the likeliest token at
  /// each step (greedy decoding).
  public func decode(_ code: Tensor, vocabulary: Vocabulary, maximumLength: Int) -> [Int] {
    decode(
      codes: code.reshaped([1, latentSize]), vocabulary: vocabulary,
      maximumLength: maximumLength)[0]
  }

  /// Rebuilds one sentence from each code of `codes` (`[sentences, latentSize]`), all at
  /// once, choosing the likeliest token at each step (greedy decoding).
  ///
  /// The decoder's state is carried from step to step, so a sentence of `n` tokens costs
  /// `n` steps of the GRU, not the `n(n + 1)/2` of running `decodeLogits` over every
  /// prefix. The tokens are the same: every op of a step works on each sentence's row on
  /// its own, and a row of a product has the same bits whatever the other rows are.
  public func decode(codes: Tensor, vocabulary: Vocabulary, maximumLength: Int) -> [[Int]] {
    precondition(
      codes.rank == 2 && codes.shape[1] == latentSize,
      "SentenceAutoencoder.decode: codes \(Shape.describe(codes.shape)) are not "
        + "[sentences, \(latentSize)]")
    let count = codes.shape[0]
    if count == 0 { return [] }
    return withNoGrad {
      var state = fromLatent(codes).tanh()
      let everyStep = latentToInput(codes).reshaped([count, 1, -1])
      var previous = Array(repeating: vocabulary.startID, count: count)
      var sentences = Array(repeating: [Int](), count: count)
      var open = Array(0..<count)
      while !open.isEmpty && sentences[open[0]].count < maximumLength {
        let input = embedding(previous, shape: [count, 1]) + everyStep
        state = decoder(input, initialState: state).outputs.reshaped([count, -1])
        let scores = head(state).scalars
        let width = scores.count / count
        open = open.filter { i in
          let next = likeliestToken(scores, from: i * width, count: width, vocabulary: vocabulary)
          if next == vocabulary.endID { return false }
          sentences[i].append(next)
          previous[i] = next
          return true
        }
      }
      return sentences
    }
  }
}

/// Principal component analysis: the directions along which points vary most.
///
/// We centre the points, then find the top eigenvectors of their covariance matrix by
/// power iteration (multiply a vector by the covariance until it stops turning), removing
/// each component found before looking for the next. Enough for the two components of a
/// scatter plot.
public enum PCA {
  /// The coordinates of `points` (`[n, d]`) on their first `components` principal axes.
  public static func project(_ points: [[Double]], components: Int = 2, iterations: Int = 200)
    -> [[Double]]
  {
    guard let d = points.first?.count, !points.isEmpty else { return [] }
    let n = Double(points.count)
    var mean = [Double](repeating: 0, count: d)
    for p in points { for j in 0..<d { mean[j] += p[j] / n } }
    let centred: [[Double]] = points.map { p in (0..<d).map { p[$0] - mean[$0] } }
    var covariance = Array(repeating: Array(repeating: 0.0, count: d), count: d)
    for p in centred { for i in 0..<d { for j in 0..<d { covariance[i][j] += p[i] * p[j] / n } } }
    func dot(_ a: [Double], _ b: [Double]) -> Double {
      var total = 0.0
      for i in a.indices { total += a[i] * b[i] }
      return total
    }
    var axes: [[Double]] = []
    for c in 0..<components {
      var v = [Double](repeating: 0, count: d)
      for i in 0..<d { v[i] = 0.01 * Double(i + 1) }
      v[c % d] += 1
      for _ in 0..<iterations {
        var next = covariance.map { dot($0, v) }
        for axis in axes {
          let projection = dot(next, axis)
          for i in 0..<d { next[i] -= projection * axis[i] }
        }
        let norm = dot(next, next).squareRoot()
        if norm == 0 { break }
        v = next.map { $0 / norm }
      }
      axes.append(v)
    }
    return centred.map { p in axes.map { dot(p, $0) } }
  }
}
