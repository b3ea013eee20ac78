import Foundation
import TensorCore

/// Adam (Kingma & Ba, 2015), PyTorch's `torch.optim.Adam`.
///
///     g = ∂L/∂p + weightDecay · p               (L2 penalty, folded into the gradient)
///     m = β₁ · m + (1 − β₁) · g                 running mean of gradients
///     v = β₂ · v + (1 − β₂) · g²                running mean of squared gradients
///     p = p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// Dividing by `√v` gives every parameter a step of about `lr` whatever the scale of its
/// gradient. `m` and `v` start at zero, which biases them towards zero in the first
/// steps; dividing by `1 − βᵗ` (t counts steps from 1) removes that bias.
public class Adam: Optimizer {
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  public let weightDecay: Float

  public init(
    groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0
  ) {
    precondition(
      (0..<1).contains(beta1) && (0..<1).contains(beta2),
      "Adam: betas must be in [0, 1), got \(beta1) and \(beta2)")
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    super.init(groups: groups)
  }

  public convenience init(
    _ parameters: [Tensor], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0
  ) {
    self.init(
      groups: [ParameterGroup(parameters, learningRate: learningRate)], beta1: beta1,
      beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
  }

  /// The weight decay added to the gradient (Adam's L2 penalty; AdamW returns 0).
  var coupledDecay: Float { weightDecay }

  public override func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: ParameterState, learningRate: Float
  ) {
    let t = Double(stepCount)
    let correction1 = Float(1 - Foundation.pow(Double(beta1), t))
    let correction2 = Float(1 - Foundation.pow(Double(beta2), t))
    let (b1, b2, eps, decay) = (beta1, beta2, epsilon, coupledDecay)
    state.first.withUnsafeMutableBufferPointer { m in
      state.second.withUnsafeMutableBufferPointer { v in
        // Eight lanes at a time, then one at a time; every lane does the same arithmetic
        // in the same order, so the result does not depend on where a value falls.
        typealias V = SIMD8<Float>
        let (x, gr, mm, vv) = (
          UnsafeMutableRawPointer(values.baseAddress!), UnsafeRawPointer(gradient.baseAddress!),
          UnsafeMutableRawPointer(m.baseAddress!), UnsafeMutableRawPointer(v.baseAddress!)
        )
        // Each element on its own, so threads can take a range each.
        Parallelism.forEachRange(values.count, cost: 12) { range in
          let full = range.lowerBound + (range.count & ~7)
          var i = range.lowerBound
          while i < full {
            let offset = i &* 4
            let value = x.loadUnaligned(fromByteOffset: offset, as: V.self)
            let g: V = gr.loadUnaligned(fromByteOffset: offset, as: V.self) + decay * value
            let first: V =
              b1 * mm.loadUnaligned(fromByteOffset: offset, as: V.self) + (1 - b1) * g
            let second: V =
              b2 * vv.loadUnaligned(fromByteOffset: offset, as: V.self) + (1 - b2) * g * g
            mm.storeBytes(of: first, toByteOffset: offset, as: V.self)
            vv.storeBytes(of: second, toByteOffset: offset, as: V.self)
            let mHat: V = first / correction1
            let vHat: V = second / correction2
            let step: V = learningRate * mHat / (vHat.squareRoot() + eps)
            x.storeBytes(of: value - step, toByteOffset: offset, as: V.self)
            i &+= 8
          }
          while i < range.upperBound {
            let g = gradient[i] + decay * values[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            let mHat = m[i] / correction1
            let vHat = v[i] / correction2
            values[i] -= learningRate * mHat / (vHat.squareRoot() + eps)
            i &+= 1
          }
        }
      }
    }
  }
}
