import TensorCore

/// The position-wise feed-forward block of a transformer: `Linear(D, F)`, GELU (or
/// ReLU), dropout, `Linear(F, D)`, applied to every position separately.
public final class FeedForward: Module, UnaryLayer {
  public let linear1: Linear
  public let linear2: Linear
  let dropout: Dropout?
  let useGELU: Bool

  public init(
    _ dimension: Int, _ hiddenSize: Int, dropout: Float = 0, gelu: Bool = true,
    using generator: inout SplitMix64
  ) {
    linear1 = Linear(dimension, hiddenSize, using: &generator)
    linear2 = Linear(hiddenSize, dimension, using: &generator)
    self.dropout = dropout > 0 ? Dropout(dropout, using: &generator) : nil
    useGELU = gelu
    super.init()
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let h = linear1(input)
    let activated = useGELU ? h.gelu() : h.relu()
    return linear2(dropout.map { $0(activated) } ?? activated)
  }
}

/// One encoder block. Pre-LN (`normFirst`, the default here): each sub-layer reads a
/// normalised copy of the stream and adds its result back.
///
///     x = x + dropout(attention(norm1(x)))
///     x = x + dropout(feedForward(norm2(x)))
///
/// Normalising *before* each sub-layer keeps an unnormalised path from input to output,
/// which lets deep stacks train without a learning-rate warm-up (Xiong et al., 2020).
/// Post-LN (`normFirst: false`, PyTorch's default, and the original Transformer's, BERT's
/// and ALBERT's layout) normalises the sum after each sub-layer instead:
///
///     x = norm1(x + dropout(attention(x)))
///     x = norm2(x + dropout(feedForward(x)))
public final class TransformerEncoderLayer: Module {
  public let attention: MultiHeadAttention
  public let norm1: LayerNorm
  public let feedForward: FeedForward
  public let norm2: LayerNorm
  let dropout: Dropout?
  /// Whether each sub-layer reads a normalised stream (pre-LN) or the sum after it is
  /// normalised (post-LN).
  public let normFirst: Bool
  var weights: Buffer?

  /// - Parameters:
  ///   - dimension: the model dimension `H`.
  ///   - heads: attention heads; must divide `dimension`.
  ///   - feedForwardSize: the inner size of the feed-forward block (usually 4H).
  ///   - dropout: dropout probability during training.
  ///   - normFirst: pre-LN (`true`) or post-LN (`false`, as BERT and ALBERT).
  public init(
    dimension: Int, heads: Int, feedForwardSize: Int, dropout: Float = 0, normFirst: Bool = true,
    using generator: inout SplitMix64
  ) {
    self.normFirst = normFirst
    attention = MultiHeadAttention(dimension, heads: heads, dropout: dropout, using: &generator)
    norm1 = LayerNorm(dimension)
    feedForward = FeedForward(dimension, feedForwardSize, dropout: dropout, using: &generator)
    norm2 = LayerNorm(dimension)
    self.dropout = dropout > 0 ? Dropout(dropout, using: &generator) : nil
    super.init()
  }

  /// The attention weights `[B, heads, T, T]` of the latest call, for drawing.
  public var lastAttentionWeights: Tensor? { weights?.tensor }

  public func callAsFunction(
    _ input: Tensor, keyPaddingMask: Tensor? = nil, causal: Bool = false
  ) -> Tensor {
    if !normFirst {
      let (attended, w) = attention(input, causal: causal, keyPaddingMask: keyPaddingMask)
      weights = Buffer(w)
      let x = norm1(input + (dropout.map { $0(attended) } ?? attended))
      let f = feedForward(x)
      return norm2(x + (dropout.map { $0(f) } ?? f))
    }
    let (attended, w) = attention(norm1(input), causal: causal, keyPaddingMask: keyPaddingMask)
    weights = Buffer(w)
    let x = input + (dropout.map { $0(attended) } ?? attended)
    let f = feedForward(norm2(x))
    return x + (dropout.map { $0(f) } ?? f)
  }
}

/// One decoder block, pre-LN: causal self-attention over the output so far, attention to
/// the encoder's output (cross-attention), then the feed-forward block.
///
///     y = y + dropout(selfAttention(norm1(y), causal))
///     y = y + dropout(crossAttention(norm2(y), memory))
///     y = y + dropout(feedForward(norm3(y)))
public final class TransformerDecoderLayer: Module {
  public let selfAttention: MultiHeadAttention
  public let norm1: LayerNorm
  public let crossAttention: MultiHeadAttention
  public let norm2: LayerNorm
  public let feedForward: FeedForward
  public let norm3: LayerNorm
  let dropout: Dropout?
  var selfWeights: Buffer?
  var crossWeights: Buffer?

  public init(
    dimension: Int, heads: Int, feedForwardSize: Int, dropout: Float = 0,
    using generator: inout SplitMix64
  ) {
    selfAttention = MultiHeadAttention(
      dimension, heads: heads, dropout: dropout, using: &generator)
    norm1 = LayerNorm(dimension)
    crossAttention = MultiHeadAttention(
      dimension, heads: heads, dropout: dropout, using: &generator)
    norm2 = LayerNorm(dimension)
    feedForward = FeedForward(dimension, feedForwardSize, dropout: dropout, using: &generator)
    norm3 = LayerNorm(dimension)
    self.dropout = dropout > 0 ? Dropout(dropout, using: &generator) : nil
    super.init()
  }

  /// Self-attention weights `[B, heads, T, T]` of the latest call.
  public var lastSelfAttentionWeights: Tensor? { selfWeights?.tensor }
  /// Cross-attention weights `[B, heads, T, S]` of the latest call.
  public var lastCrossAttentionWeights: Tensor? { crossWeights?.tensor }

  /// - Parameters:
  ///   - input: the target sequence so far, `[B, T, H]`.
  ///   - memory: the encoder's output, `[B, S, H]`.
  ///   - memoryPaddingMask: `[B, S]`, 1 at padded source positions.
  public func callAsFunction(
    _ input: Tensor, memory: Tensor, memoryPaddingMask: Tensor? = nil
  ) -> Tensor {
    let (s, sw) = selfAttention(norm1(input), causal: true)
    selfWeights = Buffer(sw)
    var y = input + (dropout.map { $0(s) } ?? s)
    let (c, cw) = crossAttention(norm2(y), memory, keyPaddingMask: memoryPaddingMask)
    crossWeights = Buffer(cw)
    y = y + (dropout.map { $0(c) } ?? c)
    let f = feedForward(norm3(y))
    return y + (dropout.map { $0(f) } ?? f)
  }
}
