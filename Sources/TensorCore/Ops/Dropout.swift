/// Dropout: during training, zero each element with probability `p` and scale the rest
/// by `1/(1 − p)`, so the expected value of every element is unchanged and evaluation
/// (no dropout) needs no rescaling ("inverted dropout").
extension Tensor {
  /// Applies dropout when `training` is true; returns `self` otherwise or when `p == 0`.
  /// - Parameters:
  ///   - p: the probability of zeroing an element, in `[0, 1)`.
  ///   - training: whether the model is training.
  ///   - generator: the source of the mask, so runs are reproducible for a seed.
  public func dropout(p: Float, training: Bool, using generator: inout SplitMix64) -> Tensor {
    precondition(p >= 0 && p < 1, "dropout: p must be in [0, 1), got \(p)")
    if !training || p == 0 { return self }
    let keepScale = 1 / (1 - p)
    let mask = Tensor(uninitializedShape: shape)
    for i in 0..<count {
      mask.pointer[i] = Float(generator.nextUnit()) < p ? 0 : keepScale
    }
    let out = Tensor(uninitializedShape: shape)
    Kernels.zip(pointer, mask.pointer, into: out.pointer, count: count, *)
    return out.recorded("dropout", [self]) { g, _ in
      let gx = Tensor(uninitializedShape: self.shape)
      Kernels.zip(g.pointer, mask.pointer, into: gx.pointer, count: self.count, *)
      return [gx]
    }
  }
}
