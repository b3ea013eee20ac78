import Foundation
import TensorCore

/// Fixed sinusoidal position codes (Vaswani et al., 2017), added to token embeddings.
///
/// `PE[p, 2i] = sin(p / 10000^(2i/D))`, `PE[p, 2i+1] = cos(p / 10000^(2i/D))`. Each pair of
/// dimensions is a clock at its own frequency, so every position gets a distinct code and
/// a fixed offset between positions is the same rotation everywhere. Nothing is learned.
public final class SinusoidalPositionalEncoding: Module, UnaryLayer {
  let table: Buffer

  public init(maxLength: Int, dimension: Int) {
    var values = [Float](repeating: 0, count: maxLength * dimension)
    for p in 0..<maxLength {
      for i in stride(from: 0, to: dimension, by: 2) {
        let angle = Double(p) / Foundation.pow(10_000, Double(i) / Double(dimension))
        values[p * dimension + i] = Float(Foundation.sin(angle))
        if i + 1 < dimension { values[p * dimension + i + 1] = Float(Foundation.cos(angle)) }
      }
    }
    table = Buffer(Tensor(values, shape: [maxLength, dimension]))
    super.init()
  }

  /// The codes for positions `0..<length`, `[length, D]`.
  public func codes(_ length: Int) -> Tensor {
    precondition(
      length <= table.tensor.shape[0],
      "SinusoidalPositionalEncoding: length \(length) exceeds the table's \(table.tensor.shape[0])")
    return table.tensor.narrowed(axis: 0, start: 0, length: length)
  }

  /// Adds the codes to `input` `[B, T, D]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    input + codes(input.shape[input.rank - 2])
  }
}

/// Learned position vectors, one per position up to `maxLength`, as BERT uses.
/// Its parameter is `weight` `[maxLength, D]`, initialised from `N(0, std²)`.
public final class LearnedPositionalEncoding: Module, UnaryLayer {
  public let weight: Tensor

  public init(maxLength: Int, dimension: Int, std: Double = 0.02, using generator: inout SplitMix64)
  {
    weight = Tensor.normal(
      [maxLength, dimension], std: std, requiresGrad: true, using: &generator)
    super.init()
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let length = input.shape[input.rank - 2]
    precondition(
      length <= weight.shape[0],
      "LearnedPositionalEncoding: length \(length) exceeds the table's \(weight.shape[0])")
    return input + weight.narrowed(axis: 0, start: 0, length: length)
  }
}
