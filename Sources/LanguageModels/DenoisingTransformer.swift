import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// An encoder–decoder transformer trained to restore corrupted text (as BART is).
///
/// The encoder reads the corrupted tokens with self-attention; the decoder writes the
/// original text one token at a time, attending causally to what it has written and,
/// through cross-attention, to everything the encoder read. Trained with teacher forcing:
/// the decoder reads the true previous tokens. A sequence's loss is the sum of its
/// tokens' cross-entropies.
public final class DenoisingTransformer: Module {
  public let embedding: Embedding
  public let positions: LearnedPositionalEncoding
  public let encoderLayers: [TransformerEncoderLayer]
  public let encoderNorm: LayerNorm
  public let decoderLayers: [TransformerDecoderLayer]
  public let decoderNorm: LayerNorm
  public let head: Linear

  public init(
    vocabularySize: Int, dimension: Int, heads: Int, layers: Int, maxLength: Int,
    using generator: inout SplitMix64
  ) {
    embedding = Embedding(vocabularySize, dimension, std: 0.1, using: &generator)
    positions = LearnedPositionalEncoding(
      maxLength: maxLength, dimension: dimension, std: 0.1, using: &generator)
    encoderLayers = (0..<layers).map { _ in
      TransformerEncoderLayer(
        dimension: dimension, heads: heads, feedForwardSize: 2 * dimension, using: &generator)
    }
    encoderNorm = LayerNorm(dimension)
    decoderLayers = (0..<layers).map { _ in
      TransformerDecoderLayer(
        dimension: dimension, heads: heads, feedForwardSize: 2 * dimension, using: &generator)
    }
    decoderNorm = LayerNorm(dimension)
    head = Linear(dimension, vocabularySize, using: &generator)
    super.init()
  }

  /// The encoder's output `[batch, source length, dimension]`.
  public func encode(_ source: PaddedBatch) -> Tensor {
    var h = positions(embedding(source.ids, shape: source.shape))
    let padding = source.paddingMask
    for layer in encoderLayers { h = layer(h, keyPaddingMask: padding) }
    return encoderNorm(h)
  }

  /// Logits `[batch, target length, vocabulary]` for the next token at every target
  /// position, given the decoder's inputs (`<s>` and the original tokens).
  public func callAsFunction(source: PaddedBatch, targetInputs: PaddedBatch) -> Tensor {
    decode(targetInputs, memory: encode(source), memoryPaddingMask: source.paddingMask)
  }

  /// The decoder alone: next-token logits `[batch, target length, vocabulary]` given the
  /// encoder's output, so that greedy decoding runs the encoder once.
  public func decode(_ targetInputs: PaddedBatch, memory: Tensor, memoryPaddingMask: Tensor)
    -> Tensor
  {
    var y = positions(embedding(targetInputs.ids, shape: targetInputs.shape))
    for layer in decoderLayers {
      y = layer(y, memory: memory, memoryPaddingMask: memoryPaddingMask)
    }
    return head(decoderNorm(y))
  }

  /// The sequence loss: the sum over target tokens of their cross-entropies, averaged
  /// over the batch.
  public func loss(corrupted: [[Int]], original: [[Int]], vocabulary: Vocabulary) -> Tensor {
    let (source, inputs, targets) = Self.batches(corrupted, original, vocabulary)
    let logits = self(source: source, targetInputs: inputs)
    return Tensor.crossEntropy(logits, targets: targets, ignoreIndex: -1, reduction: .sum)
      / Float(original.count)
  }

  public static func batches(
    _ corrupted: [[Int]], _ original: [[Int]], _ vocabulary: Vocabulary
  ) -> (PaddedBatch, PaddedBatch, [Int]) {
    let source = PaddedBatch(corrupted, padID: vocabulary.padID)
    let inputs = PaddedBatch(original.map { [vocabulary.startID] + $0 }, padID: vocabulary.padID)
    let targets = PaddedBatch(original.map { $0 + [vocabulary.endID] }, padID: -1)
    return (source, inputs, targets.ids)
  }

  /// With teacher forcing, the share of `[MASK]` positions whose original token is the
  /// model's top guess. Needs a length-keeping corruption (token masking), so that the
  /// masked position in the source is the same position in the target.
  public func maskedTokenAccuracy(corrupted: [[Int]], original: [[Int]], vocabulary: Vocabulary)
    -> (right: Int, total: Int)
  {
    withNoGrad {
      let (source, inputs, _) = Self.batches(corrupted, original, vocabulary)
      let guesses = self(source: source, targetInputs: inputs).argmax(axis: -1)
      var right = 0
      var total = 0
      for (b, (noisy, clean)) in zip(corrupted, original).enumerated()
      where noisy.count == clean.count {
        for t in clean.indices where noisy[t] == vocabulary.maskID {
          total += 1
          if guesses[b * inputs.length + t] == clean[t] { right += 1 }
        }
      }
      return (right, total)
    }
  }

  /// Writes the restored text for one corrupted sequence, choosing the likeliest token at
  /// each step (greedy decoding).
  public func restore(_ corrupted: [Int], vocabulary: Vocabulary, maximumLength: Int) -> [Int] {
    restore(batch: [corrupted], vocabulary: vocabulary, maximumLength: maximumLength)[0]
  }
}

extension DenoisingTransformer {
  /// Greedy restoration of many corrupted sequences at once (free-running: the decoder
  /// reads its own guesses, never the original). The encoder runs once; each step runs the
  /// decoder on the sequences not yet ended, with their rows of the encoder's output (the
  /// others are dropped as they end: every row is computed on its own, so the tokens are
  /// those of a batch that keeps them).
  public func restore(batch corrupted: [[Int]], vocabulary: Vocabulary, maximumLength: Int)
    -> [[Int]]
  {
    withNoGrad {
      let source = PaddedBatch(corrupted, padID: vocabulary.padID)
      let everyMemory = encode(source)
      let everyPadding = source.paddingMask
      var (memory, padding) = (everyMemory, everyPadding)
      var outputs = [[Int]](repeating: [], count: corrupted.count)
      var open = Array(corrupted.indices)
      for step in 0..<maximumLength where !open.isEmpty {
        if open.count < memory.shape[0] {
          memory = Tensor.stack(open.map { everyMemory.selected(axis: 0, index: $0) }, axis: 0)
          padding = Tensor.stack(open.map { everyPadding.selected(axis: 0, index: $0) }, axis: 0)
        }
        let inputs = PaddedBatch(
          open.map { [vocabulary.startID] + outputs[$0] }, padID: vocabulary.padID,
          length: step + 1)
        let logits = decode(inputs, memory: memory, memoryPaddingMask: padding)
        let size = logits.shape[2]
        let scores = logits.scalars
        open = open.indices.compactMap { row in
          let b = open[row]
          let best = likeliestToken(
            scores, from: (row * (step + 1) + step) * size, count: size, vocabulary: vocabulary)
          if best == vocabulary.endID { return nil }
          outputs[b].append(best)
          return b
        }
      }
      return outputs
    }
  }

  /// Free-running restoration of masked words: the share of `[MASK]` positions whose
  /// original token the greedy restoration writes in that place. Unlike
  /// ``maskedTokenAccuracy(corrupted:original:vocabulary:)`` the decoder never sees the
  /// true words before the mask, so it cannot copy them from its own input: the answer has
  /// to come through the encoder.
  public func freeRunningMaskedAccuracy(
    corrupted: [[Int]], original: [[Int]], vocabulary: Vocabulary
  ) -> (right: Int, total: Int) {
    let restored = restore(
      batch: corrupted, vocabulary: vocabulary,
      maximumLength: (original.map(\.count).max() ?? 0) + 4)
    var right = 0
    var total = 0
    for ((noisy, clean), guess) in zip(zip(corrupted, original), restored)
    where noisy.count == clean.count {
      for t in clean.indices where noisy[t] == vocabulary.maskID {
        total += 1
        if t < guess.count && guess[t] == clean[t] { right += 1 }
      }
    }
    return (right, total)
  }
}

/// The likeliest token of the `count` scores starting at `from`, never `<pad>`, `<s>` or
/// `[MASK]` (the first of equal scores): the choice of one greedy-decoding step.
func likeliestToken(_ scores: [Float], from start: Int, count: Int, vocabulary: Vocabulary)
  -> Int
{
  let banned = [vocabulary.padID, vocabulary.startID, vocabulary.maskID]
  var best = -1
  for v in 0..<count where !banned.contains(v) {
    if best < 0 || scores[start + v] > scores[start + best] { best = v }
  }
  return best
}
