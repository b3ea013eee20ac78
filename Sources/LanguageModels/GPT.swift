import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// The sizes of a GPT.
public struct GPTConfiguration: Sendable, Equatable {
  public var vocabularySize: Int
  /// The longest input, in tokens: the rows of the position table.
  public var contextLength: Int
  /// The width `D` of the residual stream.
  public var dimension: Int
  public var layers: Int
  public var heads: Int
  /// Dropout on the embeddings, attention weights and sub-layer outputs while training.
  public var dropout: Float

  public init(
    vocabularySize: Int, contextLength: Int, dimension: Int, layers: Int, heads: Int,
    dropout: Float = 0
  ) {
    self.vocabularySize = vocabularySize
    self.contextLength = contextLength
    self.dimension = dimension
    self.layers = layers
    self.heads = heads
    self.dropout = dropout
  }

  /// The feed-forward block's inner width, `4D` as in GPT-2.
  public var feedForwardSize: Int { 4 * dimension }
}

/// A decoder-only transformer language model, laid out as GPT-2 (Radford et al., 2019).
///
///     x₀ = tokenEmbedding[w_t] + positionEmbedding[t]          (then dropout)
///     x_{l+1} = block_l(x_l)   pre-LN, causal self-attention then feed-forward
///     logits_t = finalNorm(x_L)_t · tokenEmbedding.weightᵀ      (tied output layer)
///
/// The causal mask lets position `t` attend to positions `0…t` only, so every position is
/// trained to predict its next token at once. The output layer reuses the token embedding
/// (*weight tying*, Press & Wolf 2017): a token's input vector is also the direction its
/// score is read from, which saves `V × D` parameters and helps small models.
public final class GPTLanguageModel: Module, SentenceLanguageModel {
  public let tokenEmbedding: Embedding
  public let positionEmbedding: Embedding
  public let blocks: [TransformerEncoderLayer]
  public let finalNorm: LayerNorm
  let dropout: Dropout?
  public let configuration: GPTConfiguration

  /// Weights drawn as GPT-2 draws them: normal with standard deviation 0.02 for the
  /// embeddings, the layers' own defaults elsewhere.
  public init(_ configuration: GPTConfiguration, using generator: inout SplitMix64) {
    let c = configuration
    precondition(
      c.heads > 0 && c.dimension % c.heads == 0,
      "GPTLanguageModel: dimension \(c.dimension) does not split into \(c.heads) heads")
    self.configuration = c
    tokenEmbedding = Embedding(c.vocabularySize, c.dimension, std: 0.02, using: &generator)
    positionEmbedding = Embedding(c.contextLength, c.dimension, std: 0.02, using: &generator)
    blocks = (0..<c.layers).map { _ in
      TransformerEncoderLayer(
        dimension: c.dimension, heads: c.heads, feedForwardSize: c.feedForwardSize,
        dropout: c.dropout, normFirst: true, using: &generator)
    }
    finalNorm = LayerNorm(c.dimension)
    dropout = c.dropout > 0 ? Dropout(c.dropout, using: &generator) : nil
    super.init()
  }

  /// The next-token logits `[batch, time, vocabulary]`.
  public func logits(_ inputs: PaddedBatch) -> Tensor { logits(inputs, causal: true) }

  /// The logits with or without the causal mask; without it every position sees the
  /// tokens it should predict (a broken language model, shown in the lesson).
  public func logits(_ inputs: PaddedBatch, causal: Bool) -> Tensor {
    precondition(
      inputs.length <= configuration.contextLength,
      "GPTLanguageModel: input of \(inputs.length) tokens is longer than the context "
        + "(\(configuration.contextLength))")
    let positions = (0..<inputs.batch).flatMap { _ in Array(0..<inputs.length) }
    var x =
      tokenEmbedding(inputs.ids, shape: inputs.shape)
      + positionEmbedding(positions, shape: inputs.shape)
    if let dropout { x = dropout(x) }
    // Padding sits after each sentence's end, so the causal mask already hides it from
    // every real position; padded positions' outputs are never scored.
    for block in blocks { x = block(x, causal: causal) }
    return matmul(finalNorm(x), tokenEmbedding.weight, transposeB: true)
  }

  /// The attention weights `[batch, heads, time, time]` of every block in the latest call.
  public var lastAttentionWeights: [Tensor] { blocks.compactMap(\.lastAttentionWeights) }

  /// How many parameters tying saves: the `V × D` of a separate output layer.
  public var parametersSavedByTying: Int {
    configuration.vocabularySize * configuration.dimension
  }
}
