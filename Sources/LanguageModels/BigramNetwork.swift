import NeuralNetwork
import TensorCore

/// The bigram table as a one-layer network: a table of logits, one row per previous token
/// and one column per next token, trained by gradient descent.
///
/// `P(w | h) = softmax(weight[h])[w]`. Trained on the negative log-likelihood of the
/// training bigrams, its probabilities go to the counted ones, `c(h, w) / c(h)`: that is
/// where the log-likelihood is highest. A penalty `λ·Σ weight²` pulls every logit toward 0,
/// that is every row toward the uniform distribution, much as add-k's pseudo-counts do.
///
/// The loss is computed from the table of bigram counts, not bigram by bigram: the sum of
/// `−ln P(w | h)` over the training positions is `−Σ_h Σ_w c(h, w) · ln P(w | h)`, the same
/// number with one term per cell instead of one per position.
public final class BigramNetwork: Module {
  /// `[contexts, V]`: the logits of every next token after each context. Starts at zero,
  /// which is the uniform distribution.
  public let weight: Tensor

  /// - Parameters:
  ///   - contexts: how many previous tokens there are (the vocabulary, `<s>` included).
  ///   - next: how many tokens can be predicted.
  public init(contexts: Int, next: Int) {
    weight = Tensor.zeros([contexts, next], requiresGrad: true)
    super.init()
  }

  /// `−(1/N) Σ_h Σ_w c(h, w) ln P(w | h) + penalty · Σ weight²`, with `N = Σ c(h, w)`.
  /// - Parameter counts: `[contexts, V]` bigram counts.
  public func loss(counts: Tensor, penalty: Float = 0) -> Tensor {
    precondition(
      counts.shape == weight.shape,
      "BigramNetwork.loss: counts \(Shape.describe(counts.shape)) and weights "
        + "\(Shape.describe(weight.shape)) differ")
    let total = Float(counts.scalars.reduce(0, +))
    let nll = -(weight.logSoftmax(axis: 1) * counts).sum() / total
    return penalty == 0 ? nll : nll + (weight * weight).sum() * penalty
  }

  /// `P(· | h)` for every context, `[contexts, V]`.
  public func probabilities() -> [[Double]] {
    let p = weight.softmax(axis: 1).scalars
    let columns = weight.shape[1]
    return (0..<weight.shape[0]).map { row in
      (0..<columns).map { Double(p[row * columns + $0]) }
    }
  }
}
