import TensorCore

/// Adam with decoupled weight decay (Loshchilov & Hutter, 2019), PyTorch's
/// `torch.optim.AdamW`.
///
///     p = p − lr · weightDecay · p     (shrink the weights directly)
///     then the Adam update, with no decay in the gradient
///
/// In plain Adam an L2 penalty is divided by `√v` like the rest of the gradient, so
/// parameters with large gradients are barely regularised. Shrinking the weights outside
/// the adaptive step decays every parameter at the same rate.
public final class AdamW: Adam {
  public override init(
    groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0.01
  ) {
    super.init(
      groups: groups, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
  }

  public convenience init(
    _ parameters: [Tensor], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0.01
  ) {
    self.init(
      groups: [ParameterGroup(parameters, learningRate: learningRate)], beta1: beta1,
      beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
  }

  override var coupledDecay: Float { 0 }

  public override func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: ParameterState, learningRate: Float
  ) {
    let shrink = 1 - learningRate * weightDecay
    Parallelism.forEachRange(values.count) { range in
      for i in range { values[i] *= shrink }
    }
    super.update(values, gradient: gradient, state: state, learningRate: learningRate)
  }
}
