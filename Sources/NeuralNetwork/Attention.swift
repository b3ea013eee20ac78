import TensorCore

/// Scaled dot-product attention: `softmax(q·kᵀ / √d + mask) · v`.
///
/// Each query row scores every key row by their dot product; dividing by `√d` keeps the
/// scores' spread independent of the vector length `d` (a dot product of `d` terms of unit
/// variance has variance `d`, and large scores would push the softmax into a corner
/// where its gradient vanishes). The softmax turns each row of scores into weights that
/// sum to 1, and the output is the weighted average of the value rows.
///
/// - Parameters:
///   - query: `[…, Tq, d]`.
///   - key: `[…, Tk, d]`.
///   - value: `[…, Tk, dv]`.
///   - mask: broadcastable to `[…, Tq, Tk]`; non-zero entries are hidden (their score
///     becomes −∞, their weight 0).
///   - dropout: applied to the weights before they average the values (training only).
/// - Returns: the output `[…, Tq, dv]` and the weights `[…, Tq, Tk]`.
public func scaledDotProductAttention(
  query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil,
  dropout: ((Tensor) -> Tensor)? = nil
) -> (output: Tensor, weights: Tensor) {
  let d = query.shape[query.rank - 1]
  let scores = matmul(query, key, transposeB: true)
  // The scaling, the mask (−∞ where hidden) and the softmax in one pass over the scores.
  let weights = scores.maskedSoftmax(scale: 1 / Float(d).squareRoot(), mask: mask)
  return (matmul(dropout.map { $0(weights) } ?? weights, value), weights)
}

extension Tensor {
  /// The causal mask `[size, size]`: 1 above the diagonal, where a query would see a
  /// later position, 0 elsewhere. Use it with `scaledDotProductAttention` or
  /// `MultiHeadAttention(causal: true)`.
  public static func causalMask(_ size: Int) -> Tensor {
    var values = [Float](repeating: 0, count: size * size)
    for r in 0..<size { for c in (r + 1)..<Swift.max(r + 1, size) { values[r * size + c] = 1 } }
    return Tensor(values, shape: [size, size])
  }
}

/// Multi-head attention (Vaswani et al., 2017), for self-attention and cross-attention.
///
/// The model dimension `D` is split into `heads` heads of `D / heads` each. Every head
/// projects the inputs to its own queries, keys and values, attends independently (so
/// different heads can look for different things), and the heads' outputs are joined and
/// projected back to `D`.
///
/// - Parameters: `query`, `key`, `value` and `output`, each a `Linear(D, D)`.
/// - Shape: queries `[B, Tq, D]`, keys and values `[B, Tk, D]`; output `[B, Tq, D]`,
///   weights `[B, heads, Tq, Tk]`.
public final class MultiHeadAttention: Module {
  public let query: Linear
  public let key: Linear
  public let value: Linear
  public let output: Linear
  public let heads: Int
  let dropout: Dropout?

  /// - Parameters:
  ///   - dimension: the model dimension `D`; must divide by `heads`.
  ///   - heads: the number of heads.
  ///   - dropout: dropout on the attention weights during training.
  ///   - bias: whether the projections have biases.
  public init(
    _ dimension: Int, heads: Int, dropout: Float = 0, bias: Bool = true,
    using generator: inout SplitMix64
  ) {
    precondition(
      heads > 0 && dimension % heads == 0,
      "MultiHeadAttention: dimension \(dimension) does not split into \(heads) heads")
    query = Linear(dimension, dimension, bias: bias, using: &generator)
    key = Linear(dimension, dimension, bias: bias, using: &generator)
    value = Linear(dimension, dimension, bias: bias, using: &generator)
    output = Linear(dimension, dimension, bias: bias, using: &generator)
    self.heads = heads
    self.dropout = dropout > 0 ? Dropout(dropout, using: &generator) : nil
    super.init()
  }

  /// Attends from `queries` to `keysValues` (itself, for self-attention).
  /// - Parameters:
  ///   - causal: hide later positions (needs `Tq == Tk`).
  ///   - keyPaddingMask: `[B, Tk]`, 1 at padding positions no query may look at.
  public func callAsFunction(
    _ queries: Tensor, _ keysValues: Tensor? = nil, causal: Bool = false,
    keyPaddingMask: Tensor? = nil
  ) -> (output: Tensor, weights: Tensor) {
    let source = keysValues ?? queries
    precondition(
      queries.rank == 3 && source.rank == 3,
      "MultiHeadAttention: inputs must be [batch, time, dimension], got "
        + "\(Shape.describe(queries.shape)) and \(Shape.describe(source.shape))")
    let (batch, tq, d) = (queries.shape[0], queries.shape[1], queries.shape[2])
    let tk = source.shape[1]
    let headSize = d / heads
    func split(_ x: Tensor, _ t: Int) -> Tensor {
      x.reshaped([batch, t, heads, headSize]).permuted([0, 2, 1, 3])
    }
    let q = split(query(queries), tq)
    let k = split(key(source), tk)
    let v = split(value(source), tk)
    var mask: Tensor? = nil
    if causal {
      precondition(tq == tk, "MultiHeadAttention: a causal mask needs Tq == Tk, got \(tq), \(tk)")
      mask = Tensor.causalMask(tq)
    }
    if let keyPaddingMask {
      precondition(
        keyPaddingMask.shape == [batch, tk],
        "MultiHeadAttention: key padding mask \(Shape.describe(keyPaddingMask.shape)) is not "
          + "[\(batch), \(tk)]")
      let padding = keyPaddingMask.reshaped([batch, 1, 1, tk])
      if let causalMask = mask {
        mask = withNoGrad { (causalMask + padding).clamped(max: 1) }
      } else {
        mask = padding
      }
    }
    let (attended, weights) = scaledDotProductAttention(
      query: q, key: k, value: v, mask: mask, dropout: dropout.map { layer in { layer($0) } })
    let joined = attended.permuted([0, 2, 1, 3]).reshaped([batch, tq, d])
    return (output(joined), weights)
  }
}
