import TensorCore

/// Stochastic gradient descent, with optional momentum and weight decay (PyTorch's
/// `torch.optim.SGD`).
///
///     g = ∂L/∂p + weightDecay · p
///     b = momentum · b + g        (b = g on the first step)
///     p = p − learningRate · b    (b = g without momentum)
///
/// Momentum averages the recent gradients, so steps keep going in directions the
/// gradients agree on and cancel where they oscillate.
public final class SGD: Optimizer {
  public let momentum: Float
  public let weightDecay: Float

  public init(groups: [ParameterGroup], momentum: Float = 0, weightDecay: Float = 0) {
    precondition(momentum >= 0 && momentum < 1, "SGD: momentum must be in [0, 1), got \(momentum)")
    precondition(weightDecay >= 0, "SGD: weight decay must be ≥ 0, got \(weightDecay)")
    self.momentum = momentum
    self.weightDecay = weightDecay
    super.init(groups: groups)
  }

  public convenience init(
    _ parameters: [Tensor], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0
  ) {
    self.init(
      groups: [ParameterGroup(parameters, learningRate: learningRate)], momentum: momentum,
      weightDecay: weightDecay)
  }

  public override func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: ParameterState, learningRate: Float
  ) {
    let first = !state.started
    state.started = true
    let (decay, momentum) = (weightDecay, self.momentum)
    guard let x = values.baseAddress, let gr = gradient.baseAddress else { return }
    if momentum == 0 {
      // Each element on its own, so threads can take a range each; the same arithmetic,
      // element for element, as one loop.
      Parallelism.forEachRange(values.count, cost: 3) { range in
        for i in range { x[i] -= learningRate * (gr[i] + decay * x[i]) }
      }
      return
    }
    state.first.withUnsafeMutableBufferPointer { buffer in
      guard let b = buffer.baseAddress else { return }
      Parallelism.forEachRange(values.count, cost: 5) { range in
        for i in range {
          let g = gr[i] + decay * x[i]
          b[i] = first ? g : momentum * b[i] + g
          x[i] -= learningRate * b[i]
        }
      }
    }
  }
}
