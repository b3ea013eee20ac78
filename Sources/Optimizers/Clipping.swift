import TensorCore

/// Scales all gradients down together when their combined norm exceeds `maxNorm`
/// (PyTorch's `clip_grad_norm_`).
///
///     norm = √(Σ over every gradient element of g²)
///     if maxNorm / (norm + 1e-6) < 1: every g ← g · maxNorm / (norm + 1e-6)
///
/// Scaling all gradients by one factor keeps the step's direction and only limits its
/// length, which is what stops one exploding gradient in a recurrent network from
/// throwing the weights far away.
/// - Returns: the norm before clipping (watch it: spikes mean trouble).
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
  let norm = gradientNorm(parameters)
  let scale = maxNorm / (norm + 1e-6)
  if scale < 1 {
    for p in parameters {
      p.grad?.withUnsafeMutableBufferPointer { g in
        for i in g.indices { g[i] *= scale }
      }
    }
  }
  return norm
}

/// The combined Euclidean norm of all gradients, summed in `Double`.
public func gradientNorm(_ parameters: [Tensor]) -> Float {
  var total = 0.0
  for p in parameters {
    p.grad?.withUnsafeBufferPointer { g in
      for v in g { total += Double(v) * Double(v) }
    }
  }
  return Float(total.squareRoot())
}
