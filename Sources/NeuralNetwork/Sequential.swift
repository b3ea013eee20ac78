import TensorCore

/// Layers applied one after another: `Sequential([a, b, c])(x) = c(b(a(x)))`.
/// Their parameters are named `layers.0.…`, `layers.1.…`, as in PyTorch.
public final class Sequential: Module, UnaryLayer {
  public let layers: [any UnaryLayer]

  public init(_ layers: [any UnaryLayer]) {
    self.layers = layers
    super.init()
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    layers.reduce(input) { x, layer in layer(x) }
  }
}

/// `max(x, 0)` as a layer.
public final class ReLU: Module, UnaryLayer {
  public override init() { super.init() }
  public func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }
}

/// `tanh(x)` as a layer.
public final class Tanh: Module, UnaryLayer {
  public override init() { super.init() }
  public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// The logistic sigmoid as a layer.
public final class Sigmoid: Module, UnaryLayer {
  public override init() { super.init() }
  public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// GELU (tanh approximation) as a layer.
public final class GELU: Module, UnaryLayer {
  public override init() { super.init() }
  public func callAsFunction(_ input: Tensor) -> Tensor { input.gelu() }
}
