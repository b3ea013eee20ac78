import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// The sizes of a BERT- or ALBERT-style encoder.
public struct EncoderConfiguration: Sendable, Equatable {
  public var name: String
  /// Vocabulary size `V`.
  public var vocabularySize: Int
  /// Embedding size `E`; equal to `hiddenSize` for BERT (no factorization).
  public var embeddingSize: Int
  /// Hidden size `H`.
  public var hiddenSize: Int
  /// Number of layers `L`.
  public var layers: Int
  public var heads: Int
  /// Feed-forward size (4H in every published configuration).
  public var feedForwardSize: Int
  /// Whether all layers share one set of weights (ALBERT).
  public var sharedLayers: Bool
  public var maxLength: Int
  public var segments: Int = 2
  /// Pre-LN layers when true; BERT and ALBERT are post-LN (the default here), normalising
  /// the stream after each sub-layer's residual sum.
  public var normFirst: Bool = false

  public init(
    name: String, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int,
    heads: Int, feedForwardSize: Int, sharedLayers: Bool, maxLength: Int = 512
  ) {
    self.name = name
    self.vocabularySize = vocabularySize
    self.embeddingSize = embeddingSize
    self.hiddenSize = hiddenSize
    self.layers = layers
    self.heads = heads
    self.feedForwardSize = feedForwardSize
    self.sharedLayers = sharedLayers
    self.maxLength = maxLength
  }

  /// BERT's released models have a WordPiece vocabulary of 30,522 tokens.
  static func bert(_ name: String, _ h: Int, _ l: Int, _ heads: Int) -> Self {
    Self(
      name: name, vocabularySize: 30_522, embeddingSize: h, hiddenSize: h, layers: l, heads: heads,
      feedForwardSize: 4 * h, sharedLayers: false)
  }

  /// ALBERT's released models have a SentencePiece vocabulary of 30,000 tokens.
  static func albert(_ name: String, _ h: Int, _ l: Int, _ heads: Int) -> Self {
    Self(
      name: name, vocabularySize: 30_000, embeddingSize: 128, hiddenSize: h, layers: l,
      heads: heads,
      feedForwardSize: 4 * h, sharedLayers: true)
  }

  /// The published configurations (ALBERT paper, Table 1), each with its own vocabulary
  /// (BERT 30,522, ALBERT 30,000). Counted with the pooler and without the pre-training
  /// heads, as the released checkpoints are: BERT-base 109,482,240, BERT-large 335,141,888,
  /// ALBERT-base 11,683,584.
  public static let published: [EncoderConfiguration] = [
    .bert("BERT-base", 768, 12, 12), .bert("BERT-large", 1024, 24, 16),
    .albert("ALBERT-base", 768, 12, 12), .albert("ALBERT-large", 1024, 24, 16),
    .albert("ALBERT-xlarge", 2048, 24, 16), .albert("ALBERT-xxlarge", 4096, 12, 64),
  ]

  /// The rounded parameter counts the ALBERT paper reports for `published`, in millions
  /// (Table 1). Its xlarge and xxlarge figures are above what their configurations give
  /// (58.7M and 222.6M).
  public static let reportedMillions: [String: Int] = [
    "BERT-base": 108, "BERT-large": 334, "ALBERT-base": 12, "ALBERT-large": 18,
    "ALBERT-xlarge": 60, "ALBERT-xxlarge": 235,
  ]
}

/// Token, position and segment embeddings, summed and normalised; with a factorized
/// embedding (`E < H`) a linear map then lifts them from `E` to `H` dimensions.
///
/// Factorizing replaces the `V × H` word table by `V × E + E × H`: with `V = 30,000`,
/// `H = 4096` and `E = 128`, that is 4 million parameters instead of 123 million. The
/// word table holds what a token means out of context, which needs far fewer dimensions
/// than the hidden layers, which hold what it means in context.
public final class EncoderEmbeddings: Module {
  public let word: Embedding
  public let position: Embedding
  public let segment: Embedding
  public let norm: LayerNorm
  public let projection: Linear?

  public init(_ c: EncoderConfiguration, using generator: inout SplitMix64) {
    word = Embedding(c.vocabularySize, c.embeddingSize, std: 0.02, using: &generator)
    position = Embedding(c.maxLength, c.embeddingSize, std: 0.02, using: &generator)
    segment = Embedding(c.segments, c.embeddingSize, std: 0.02, using: &generator)
    norm = LayerNorm(c.embeddingSize)
    projection =
      c.embeddingSize == c.hiddenSize
      ? nil : Linear(c.embeddingSize, c.hiddenSize, using: &generator)
    super.init()
  }

  /// `[batch, length, H]` for token ids and segment ids laid out `[batch, length]`.
  public func callAsFunction(_ ids: [Int], segments: [Int], shape: [Int]) -> Tensor {
    let length = shape[1]
    let positions = (0..<shape[0]).flatMap { _ in Array(0..<length) }
    let summed =
      word(ids, shape: shape) + position(positions, shape: shape) + segment(segments, shape: shape)
    let normalised = norm(summed)
    return projection.map { $0(normalised) } ?? normalised
  }
}

/// A BERT- or ALBERT-style encoder: embeddings, `L` transformer layers (one shared layer
/// applied `L` times for ALBERT), and a pooler over the first (`[CLS]`) position.
public final class TransformerEncoderModel: Module {
  public let embeddings: EncoderEmbeddings
  /// The layers, in order. With cross-layer sharing every entry is the same object: the
  /// parameters are counted once, and their gradient sums the contributions of all uses.
  public let layers: [TransformerEncoderLayer]
  public let pooler: Linear
  public let configuration: EncoderConfiguration

  public init(_ c: EncoderConfiguration, using generator: inout SplitMix64) {
    configuration = c
    embeddings = EncoderEmbeddings(c, using: &generator)
    if c.sharedLayers {
      let layer = TransformerEncoderLayer(
        dimension: c.hiddenSize, heads: c.heads, feedForwardSize: c.feedForwardSize,
        normFirst: c.normFirst, using: &generator)
      layers = Array(repeating: layer, count: c.layers)
    } else {
      layers = (0..<c.layers).map { _ in
        TransformerEncoderLayer(
          dimension: c.hiddenSize, heads: c.heads, feedForwardSize: c.feedForwardSize,
          normFirst: c.normFirst, using: &generator)
      }
    }
    pooler = Linear(c.hiddenSize, c.hiddenSize, using: &generator)
    super.init()
  }

  /// The hidden states `[batch, length, H]` and the pooled `[CLS]` vector `[batch, H]`.
  public func callAsFunction(_ batch: PaddedBatch, segments: [Int]) -> (
    states: Tensor, pooled: Tensor
  ) {
    var h = embeddings(batch.ids, segments: segments, shape: batch.shape)
    let padding = batch.paddingMask
    for layer in layers { h = layer(h, keyPaddingMask: padding) }
    let pooled = pooler(h.selected(axis: 1, index: 0)).tanh()
    return (h, pooled)
  }

  /// The parameters of each depth, bottom (embeddings) to top (pooler), for layer-wise
  /// learning rates. With shared layers the one layer is a single group.
  public func parameterGroupsByDepth() -> [[Tensor]] {
    var seen = Set<ObjectIdentifier>()
    var groups = [embeddings.parameters()]
    for layer in layers where seen.insert(ObjectIdentifier(layer)).inserted {
      groups.append(layer.parameters())
    }
    groups.append(pooler.parameters())
    return groups
  }
}

/// Pre-training: predict masked tokens (MLM) and whether two segments are in their
/// original order (SOP) or, for comparison, whether the second follows the first at all
/// (NSP).
public final class PretrainingModel: Module {
  public let encoder: TransformerEncoderModel
  /// MLM head: `H → E`, GELU, layer norm, then scores against the word embeddings (tied).
  public let transform: Linear
  public let transformNorm: LayerNorm
  public let outputBias: Tensor
  /// The two-way classifier on the pooled `[CLS]` vector.
  public let orderHead: Linear

  public init(_ c: EncoderConfiguration, using generator: inout SplitMix64) {
    encoder = TransformerEncoderModel(c, using: &generator)
    transform = Linear(c.hiddenSize, c.embeddingSize, using: &generator)
    transformNorm = LayerNorm(c.embeddingSize)
    outputBias = Tensor.zeros([c.vocabularySize], requiresGrad: true)
    orderHead = Linear(c.hiddenSize, 2, using: &generator)
    super.init()
  }

  /// MLM logits and order logits `[batch, 2]`. The MLM logits are `[batch, length, V]`,
  /// or, given `positions` (indices into the flattened `batch × length` grid, as
  /// `PretrainingData.Batch.maskedPositions`), `[positions.count, V]` for those alone.
  ///
  /// Only the masked positions enter the MLM loss, and the head's output layer is the
  /// widest product of the model (`V` columns), so training asks for them alone: with
  /// 15 % masked that is about a sixth of the work.
  public func callAsFunction(
    _ batch: PaddedBatch, segments: [Int], predictingAt positions: [Int]? = nil
  )
    -> (tokens: Tensor, order: Tensor)
  {
    let (states, pooled) = encoder(batch, segments: segments)
    let hidden = encoder.configuration.hiddenSize
    let read =
      positions.map { states.reshaped([-1, hidden]).indexSelect(axis: 0, indices: $0) } ?? states
    let transformed = transformNorm(transform(read).gelu())
    let tokens = matmul(transformed, encoder.embeddings.word.weight, transposeB: true) + outputBias
    return (tokens, orderHead(pooled))
  }
}

/// A classifier on a pre-trained (or fresh) encoder's pooled `[CLS]` vector.
public final class SequenceClassifier: Module {
  public let encoder: TransformerEncoderModel
  public let head: Linear

  public init(encoder: TransformerEncoderModel, classes: Int, using generator: inout SplitMix64) {
    self.encoder = encoder
    head = Linear(encoder.configuration.hiddenSize, classes, using: &generator)
    super.init()
  }

  /// The pooled `[CLS]` vectors `[batch, H]` the head reads, all tokens in segment 0.
  public func features(_ batch: PaddedBatch) -> Tensor {
    encoder(batch, segments: Array(repeating: 0, count: batch.ids.count)).pooled
  }

  public func callAsFunction(_ batch: PaddedBatch) -> Tensor {
    head(features(batch))
  }
}

/// Pre-training examples: `[CLS] A [SEP] B [SEP]` with some tokens masked.
public enum PretrainingData {
  /// One batch for MLM and a two-way segment task.
  public struct Batch {
    public let inputs: PaddedBatch
    public let segments: [Int]
    /// The original token at masked positions, −1 elsewhere (ignored by the loss).
    public let maskedTargets: [Int]
    /// 1 when the pair is in its original order (SOP) or is a true continuation (NSP).
    public let labels: [Int]

    /// How each chosen position was hidden, `nil` where nothing was chosen (same grid as
    /// `maskedTargets`).
    public let hidden: [Hidden?]

    /// The chosen positions (the model predicts the original token at every one of them,
    /// whether it was masked, replaced or kept), as indices into the flattened
    /// `batch × length` grid.
    public var maskedPositions: [Int] { maskedTargets.indices.filter { maskedTargets[$0] >= 0 } }

    /// The chosen positions that were hidden in the way given.
    public func positions(hidden kind: Hidden) -> [Int] {
      hidden.indices.filter { hidden[$0] == kind }
    }
  }

  /// What became of a token chosen for prediction.
  public enum Hidden: Sendable, Equatable {
    /// Replaced by `[MASK]`.
    case mask
    /// Replaced by a random ordinary token.
    case random
    /// Left as it was.
    case kept
  }

  /// How chosen tokens are hidden.
  public enum Masking: String, Sendable, CaseIterable {
    /// BERT's and ALBERT's rule: 80 % become `[MASK]`, 10 % a random token, 10 % stay.
    /// The text a model is fine-tuned on has no `[MASK]`; since any visible token may be
    /// one it is asked about, the model must keep a good representation of every token
    /// it sees, not only of the masks.
    case bert = "80-10-10"
    /// Every chosen token becomes `[MASK]`.
    case maskOnly = "mask-only"
  }

  public enum Task: String, Sendable {
    /// Sentence-order prediction: the two halves of one document, in order or swapped.
    case sentenceOrder = "SOP"
    /// Next-sentence prediction: the true second half, or a half from another document.
    case nextSentence = "NSP"
  }

  /// `[CLS] first [SEP] second [SEP]` and its segment ids: 0 through the first `[SEP]`,
  /// 1 after.
  public static func layout(_ first: [String], _ second: [String]) -> (
    tokens: [String], segments: [Int]
  ) {
    let tokens =
      [Vocabulary.classification] + first + [Vocabulary.separator] + second
      + [Vocabulary.separator]
    return (tokens, tokens.indices.map { $0 <= first.count + 1 ? 0 : 1 })
  }

  /// A two-sentence document whose boundary is marked: `first [SEP] second`, so that
  /// `halves` finds it whatever the sentences hold (a `.` inside `node.js` or `3.5`, a
  /// question mark at the end).
  public static func document(_ first: [String], _ second: [String]) -> [String] {
    first + [Vocabulary.separator] + second
  }

  /// The two sentences of a document: the tokens before and after its `[SEP]` when it has
  /// one (see `document`), else its first two sentences as `Corruption.sentences` cuts them,
  /// each ending at a `.` (the generated corpora's documents); a document of one sentence
  /// has an empty second, an empty document two.
  public static func halves(_ document: [String]) -> (first: [String], second: [String]) {
    if let boundary = document.firstIndex(of: Vocabulary.separator) {
      return (Array(document[..<boundary]), Array(document[(boundary + 1)...]))
    }
    let sentences = Corruption.sentences(document)
    return (sentences.first ?? [], sentences.count > 1 ? sentences[1] : [])
  }

  /// Builds a batch from two-sentence documents (split by `halves`).
  public static func batch(
    _ documents: [[String]], task: Task, vocabulary: Vocabulary, maskRate: Double,
    masking: Masking = .bert, using generator: inout SplitMix64
  ) -> Batch {
    var sequences: [[Int]] = []
    var segments: [[Int]] = []
    var targets: [[Int]] = []
    var hiddenKinds: [[Hidden?]] = []
    var labels: [Int] = []
    let ordinary = vocabulary.ordinaryIDs
    for document in documents {
      var (first, second) = halves(document)
      let positive = generator.index(2) == 1
      if !positive {
        switch task {
        case .sentenceOrder: swap(&first, &second)
        case .nextSentence:
          let other = halves(documents[generator.index(documents.count)])
          second = other.second.isEmpty ? other.first : other.second
        }
      }
      labels.append(positive ? 1 : 0)
      let (tokens, pairSegments) = layout(first, second)
      var ids = vocabulary.encode(tokens)
      var target = Array(repeating: -1, count: ids.count)
      var kinds = [Hidden?](repeating: nil, count: ids.count)
      for i in ids.indices
      where tokens[i] != Vocabulary.classification && tokens[i] != Vocabulary.separator {
        if generator.nextUnit() < maskRate {
          target[i] = ids[i]
          let draw = masking == .bert ? generator.nextUnit() : 0
          if draw < 0.8 {
            ids[i] = vocabulary.maskID
            kinds[i] = .mask
          } else if draw < 0.9 {
            ids[i] = ordinary.lowerBound + generator.index(ordinary.count)
            kinds[i] = .random
          } else {
            kinds[i] = .kept
          }
        }
      }
      sequences.append(ids)
      targets.append(target)
      hiddenKinds.append(kinds)
      segments.append(pairSegments)
    }
    let inputs = PaddedBatch(sequences, padID: vocabulary.padID)
    return Batch(
      inputs: inputs, segments: PaddedBatch(segments, padID: 0).ids,
      maskedTargets: PaddedBatch(targets, padID: -1).ids, labels: labels,
      hidden: hiddenKinds.flatMap {
        $0 + [Hidden?](repeating: nil, count: inputs.length - $0.count)
      })
  }
}
