import TensorCore

/// A lookup table from token ids to learned vectors.
///
/// `embedding(ids, shape: [B, T])` returns `[B, T, dimension]`: row `ids[i]` of `weight`
/// for every id. It is the same as multiplying a one-hot vector by `weight`, without
/// building the one-hot vectors. In the backward pass each row's gradient is the sum of
/// the gradients at every position where its id appeared.
///
/// - Parameters: `weight` `[count, dimension]`, initialised from `N(0, 1)` as PyTorch does
///   (pass `std` for the small values transformers use).
public final class Embedding: Module {
  public let weight: Tensor

  /// - Parameters:
  ///   - count: the number of ids (the vocabulary size).
  ///   - dimension: the length of each vector.
  ///   - std: the standard deviation of the initial values.
  ///   - generator: the source of the initial values.
  public init(_ count: Int, _ dimension: Int, std: Double = 1, using generator: inout SplitMix64) {
    weight = Tensor.normal([count, dimension], std: std, requiresGrad: true, using: &generator)
    super.init()
  }

  public var count: Int { weight.shape[0] }
  public var dimension: Int { weight.shape[1] }

  /// Looks up `ids`, laid out as `shape` (default: a flat list).
  /// - Returns: `shape + [dimension]`.
  public func callAsFunction(_ ids: [Int], shape: [Int]? = nil) -> Tensor {
    let shape = shape ?? [ids.count]
    precondition(
      Shape.count(shape) == ids.count,
      "Embedding: \(ids.count) ids cannot be laid out as \(Shape.describe(shape))")
    if let bad = ids.first(where: { $0 < 0 || $0 >= count }) {
      preconditionFailure("Embedding: id \(bad) is outside the table of \(count) rows")
    }
    return weight.indexSelect(axis: 0, indices: ids).reshaped(shape + [dimension])
  }
}

/// Layer normalisation over the last axis: each row is shifted to mean 0 and scaled to
/// variance 1, then scaled by `weight` and shifted by `bias` (both learned, `[size]`,
/// starting at ones and zeros). The op itself is `Tensor.layerNorm`.
public final class LayerNorm: Module, UnaryLayer {
  public let weight: Tensor
  public let bias: Tensor
  public let epsilon: Float

  public init(_ size: Int, epsilon: Float = 1e-5) {
    weight = Tensor.ones([size], requiresGrad: true)
    bias = Tensor.zeros([size], requiresGrad: true)
    self.epsilon = epsilon
    super.init()
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
  }
}

/// Dropout as a layer: active in training mode, the identity in evaluation mode.
///
/// It owns its generator, seeded when the layer is built, so that a training run is
/// reproducible without threading a generator through every forward call.
public final class Dropout: Module, UnaryLayer {
  public let probability: Float
  var generator: SplitMix64

  public init(_ probability: Float, using generator: inout SplitMix64) {
    precondition(
      probability >= 0 && probability < 1,
      "Dropout: the probability must be in [0, 1), got \(probability)")
    self.probability = probability
    self.generator = generator.split()
    super.init()
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.dropout(p: probability, training: isTraining, using: &generator)
  }
}
