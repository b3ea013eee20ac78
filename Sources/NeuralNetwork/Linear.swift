import TensorCore

/// A fully connected layer: `y = x · weightᵀ + bias`.
///
/// - Shape: input `[…, inputSize]`, output `[…, outputSize]`.
/// - Parameters: `weight` `[outputSize, inputSize]` (PyTorch's layout) and `bias`
///   `[outputSize]`, both initialised from `U(−1/√inputSize, 1/√inputSize)` as PyTorch
///   does, which keeps the output's scale near the input's for random inputs.
public final class Linear: Module, UnaryLayer {
  public let weight: Tensor
  public let bias: Tensor?

  /// - Parameters:
  ///   - inputSize: features per input row.
  ///   - outputSize: features per output row.
  ///   - bias: whether to add a learned bias.
  ///   - generator: the source of the initial weights.
  public init(
    _ inputSize: Int, _ outputSize: Int, bias: Bool = true, using generator: inout SplitMix64
  ) {
    let bound = 1 / Double(inputSize).squareRoot()
    weight = Tensor.uniform(
      [outputSize, inputSize], low: -bound, high: bound, requiresGrad: true, using: &generator)
    self.bias =
      bias
      ? Tensor.uniform(
        [outputSize], low: -bound, high: bound, requiresGrad: true, using: &generator)
      : nil
    super.init()
  }

  /// A layer with the given weight `[out, in]` and bias `[out]`.
  public init(weight: Tensor, bias: Tensor?) {
    self.weight = weight
    self.bias = bias
    super.init()
  }

  public var inputSize: Int { weight.shape[1] }
  public var outputSize: Int { weight.shape[0] }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(
      input.shape.last == inputSize,
      "Linear: input \(Shape.describe(input.shape)) does not end in \(inputSize) features "
        + "(the layer maps \(inputSize) → \(outputSize))")
    return Tensor.linear(input, weight: weight, bias: bias)
  }
}
