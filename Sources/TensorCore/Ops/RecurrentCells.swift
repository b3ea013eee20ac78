import CKernels

/// One step of a gated recurrent unit as a single fused op.
///
/// A GRU step written with separate ops records about seventeen nodes (a product, splits,
/// sums, two sigmoids, a tanh, …), and a sentence of forty tokens multiplies that by
/// forty. Fused, the step is one node: one matrix product forward, two backward, and the
/// gate arithmetic in single passes over memory.
///
/// With `hg = h · W_hhᵀ + b_hh` and the input part `xg` already computed, split into
/// thirds (reset r, update z, candidate n, PyTorch's order):
///
///     r = σ(xg_r + hg_r),  z = σ(xg_z + hg_z),  n = tanh(xg_n + r ⊙ hg_n)
///     h′ = n + z ⊙ (h − n)
///
/// Backward, from `g = ∂L/∂h′`:
///
///     dn = g ⊙ (1 − z),  dz = g ⊙ (h − n),  dh = g ⊙ z + dhg · W_hh
///     da_n = dn ⊙ (1 − n²):  dxg_n = da_n,  dhg_n = da_n ⊙ r,  dr = da_n ⊙ hg_n
///     dxg_z = dhg_z = dz ⊙ z(1 − z),  dxg_r = dhg_r = dr ⊙ r(1 − r)
///     dW_hh = dhgᵀ · h,  db_hh = Σ_batch dhg
extension Tensor {
  /// The next hidden state of a GRU.
  /// - Parameters:
  ///   - inputGates: `x · W_ihᵀ + b_ih`, `[batch, 3·hidden]`.
  ///   - hidden: the previous state `[batch, hidden]`.
  ///   - weight: `W_hh`, `[3·hidden, hidden]`.
  ///   - bias: `b_hh`, `[3·hidden]`.
  ///   - packed: `weight` packed once for a whole sequence (`RecurrentWeightPacks`); the
  ///     weight must not change until this step's backward pass.
  public static func gruCell(
    inputGates: Tensor, hidden: Tensor, weight: Tensor, bias: Tensor,
    packed: RecurrentWeightPacks? = nil
  ) -> Tensor {
    let batch = hidden.shape[0]
    let size = hidden.shape[1]
    check(
      inputGates.shape == [batch, 3 * size] && weight.shape == [3 * size, size]
        && bias.shape == [3 * size]
        ? nil
        : "gruCell: input gates \(Shape.describe(inputGates.shape)), hidden "
          + "\(Shape.describe(hidden.shape)), weight \(Shape.describe(weight.shape)) and bias "
          + "\(Shape.describe(bias.shape)) do not fit a GRU of hidden size \(size)")
    // hg = h · W_hhᵀ + b_hh, kept for the backward pass.
    let hg = Tensor(uninitializedShape: [batch, 3 * size])
    for b in 0..<batch { (hg.pointer + b * 3 * size).update(from: bias.pointer, count: 3 * size) }
    Gemm.multiply(
      transposeA: false, transposeB: true, m: batch, n: 3 * size, k: size,
      a: hidden.pointer, lda: size, b: weight.pointer, ldb: size, beta: 1, c: hg.pointer,
      ldc: 3 * size, packedB: packed?.transposed)
    // Gates r, z and candidate n, stored side by side like hg.
    let gates = Tensor(uninitializedShape: [batch, 3 * size])
    let out = Tensor(uninitializedShape: [batch, size])
    for b in 0..<batch {
      let x = inputGates.pointer + b * 3 * size
      let h = hg.pointer + b * 3 * size
      let gate = gates.pointer + b * 3 * size
      Kernels.zip(x, h, into: gate, count: 2 * size, +)
      FastMath.map(gate, into: gate, count: 2 * size, FastMath.sigmoid)
      let candidate = gate + 2 * size
      for j in 0..<size { candidate[j] = x[2 * size + j] + gate[j] * h[2 * size + j] }
      FastMath.map(candidate, into: candidate, count: size, FastMath.tanh)
      let previous = hidden.pointer + b * size
      let next = out.pointer + b * size
      for j in 0..<size { next[j] = candidate[j] + gate[size + j] * (previous[j] - candidate[j]) }
    }
    return out.recorded("gruCell", [inputGates, hidden, weight, bias]) { g, _ in
      let dGates = Tensor(uninitializedShape: [batch, 3 * size])
      let dHidden = Tensor(uninitializedShape: [batch, size])
      for b in 0..<batch {
        let gate = gates.pointer + b * 3 * size
        let h = hg.pointer + b * 3 * size
        let previous = hidden.pointer + b * size
        let up = g.pointer + b * size
        let d = dGates.pointer + b * 3 * size
        let dh = dHidden.pointer + b * size
        for j in 0..<size {
          let r = gate[j]
          let z = gate[size + j]
          let n = gate[2 * size + j]
          let dn = up[j] * (1 - z)
          let dz = up[j] * (previous[j] - n)
          let dan = dn * (1 - n * n)
          let dr = dan * h[2 * size + j]
          d[j] = dr * r * (1 - r)
          d[size + j] = dz * z * (1 - z)
          d[2 * size + j] = dan
          dh[j] = up[j] * z
        }
      }
      // The input gates get dxg = [da_r, da_z, da_n]; the hidden part differs only in
      // its candidate third, da_n ⊙ r.
      let dInput = dGates.detached()
      for b in 0..<batch {
        let gate = gates.pointer + b * 3 * size
        let d = dGates.pointer + b * 3 * size
        for j in 0..<size { d[2 * size + j] *= gate[j] }
      }
      // dh += dhg · W_hh;  dW_hh = dhgᵀ · h;  db_hh = Σ_batch dhg.
      Gemm.multiply(
        transposeA: false, transposeB: false, m: batch, n: size, k: 3 * size,
        a: dGates.pointer, lda: 3 * size, b: weight.pointer, ldb: size, beta: 1,
        c: dHidden.pointer, ldc: size, packedB: packed?.plain)
      var dWeight: Tensor? = nil
      var dBias: Tensor? = nil
      if weight.requiresGrad {
        let w = Tensor(uninitializedShape: [3 * size, size])
        Gemm.multiply(
          transposeA: true, transposeB: false, m: 3 * size, n: size, k: batch,
          a: dGates.pointer, lda: 3 * size, b: hidden.pointer, ldb: size, c: w.pointer, ldc: size)
        dWeight = w
      }
      if bias.requiresGrad {
        let s = Tensor(uninitializedShape: [3 * size])
        Kernels.sumAxis(dGates.pointer, outer: 1, n: batch, inner: 3 * size, into: s.pointer)
        dBias = s
      }
      return [
        inputGates.requiresGrad ? dInput : nil, hidden.requiresGrad ? dHidden : nil, dWeight, dBias,
      ]
    }
  }
}

/// One step of a plain (Elman) recurrent network as a single fused op.
///
///     h′ = tanh(xh + h · W_hhᵀ + b_hh)
///
/// with the input part `xh = x · W_ihᵀ + b_ih` computed for all steps beforehand.
/// Backward, from `g = ∂L/∂h′`: `da = g ⊙ (1 − h′²)`, then `dxh = da`,
/// `dh = da · W_hh`, `dW_hh = daᵀ · h`, `db_hh = Σ_batch da`.
extension Tensor {
  /// The next hidden state of a tanh RNN.
  /// - Parameters:
  ///   - input: `x · W_ihᵀ + b_ih`, `[batch, hidden]`.
  ///   - hidden: the previous state `[batch, hidden]`.
  ///   - weight: `W_hh`, `[hidden, hidden]`.
  ///   - bias: `b_hh`, `[hidden]`.
  ///   - packed: `weight` packed once for a whole sequence (`RecurrentWeightPacks`); the
  ///     weight must not change until this step's backward pass.
  public static func rnnCell(
    input: Tensor, hidden: Tensor, weight: Tensor, bias: Tensor,
    packed: RecurrentWeightPacks? = nil
  ) -> Tensor {
    let batch = hidden.shape[0]
    let size = hidden.shape[1]
    check(
      input.shape == [batch, size] && weight.shape == [size, size] && bias.shape == [size]
        ? nil
        : "rnnCell: input \(Shape.describe(input.shape)), hidden \(Shape.describe(hidden.shape)), "
          + "weight \(Shape.describe(weight.shape)) and bias \(Shape.describe(bias.shape)) do not "
          + "fit an RNN of hidden size \(size)")
    let out = Tensor(uninitializedShape: [batch, size])
    for b in 0..<batch {
      let row = out.pointer + b * size
      Kernels.add(input.pointer + b * size, bias.pointer, into: row, count: size)
    }
    Gemm.multiply(
      transposeA: false, transposeB: true, m: batch, n: size, k: size,
      a: hidden.pointer, lda: size, b: weight.pointer, ldb: size, beta: 1, c: out.pointer,
      ldc: size,
      packedB: packed?.transposed)
    FastMath.map(out.pointer, into: out.pointer, count: batch * size, FastMath.tanh)
    return out.recorded("rnnCell", [input, hidden, weight, bias]) { g, y in
      let da = Tensor(uninitializedShape: [batch, size])
      Kernels.zip(g.pointer, y.pointer, into: da.pointer, count: batch * size) {
        $0 * (1 - $1 * $1)
      }
      var dHidden: Tensor? = nil
      var dWeight: Tensor? = nil
      var dBias: Tensor? = nil
      if hidden.requiresGrad {
        let dh = Tensor(uninitializedShape: [batch, size])
        Gemm.multiply(
          transposeA: false, transposeB: false, m: batch, n: size, k: size,
          a: da.pointer, lda: size, b: weight.pointer, ldb: size, c: dh.pointer, ldc: size,
          packedB: packed?.plain)
        dHidden = dh
      }
      if weight.requiresGrad {
        let w = Tensor(uninitializedShape: [size, size])
        Gemm.multiply(
          transposeA: true, transposeB: false, m: size, n: size, k: batch,
          a: da.pointer, lda: size, b: hidden.pointer, ldb: size, c: w.pointer, ldc: size)
        dWeight = w
      }
      if bias.requiresGrad {
        let s = Tensor(uninitializedShape: [size])
        Kernels.sumAxis(da.pointer, outer: 1, n: batch, inner: size, into: s.pointer)
        dBias = s
      }
      return [input.requiresGrad ? da : nil, dHidden, dWeight, dBias]
    }
  }
}

/// A recurrent weight `W_hh` (`[gates · hidden, hidden]`) packed once for a whole sequence:
/// `transposed` for the forward product `h · W_hhᵀ`, `plain` for the backward `dgates · W_hh`.
/// The weight does not change between a sequence's forward pass and its backward pass (the
/// optimizer steps after both), so every step can read the same panels instead of packing
/// the weight again; the results are the same bits. A weight changed in place after the
/// forward pass and before its backward pass would not be seen by the backward pass: the
/// layers make a new pack for every sequence, and nothing in the library changes a weight
/// in between.
public struct RecurrentWeightPacks {
  let transposed: Gemm.PackedMatrix?
  let plain: Gemm.PackedMatrix?

  /// Packs `weight` for `steps` steps of `batch` rows; `nil` when that would not pay (a
  /// single step, or products small enough to skip packing altogether).
  public init?(_ weight: Tensor, batch: Int, steps: Int) {
    let (rows, size) = (weight.shape[0], weight.shape[1])
    if steps < 2 || lm_gemm_is_small(batch, rows, size) { return nil }
    transposed = Gemm.PackedMatrix(
      transposed: true, k: size, n: rows, b: weight.pointer, ldb: size)
    // The backward pass's orientation only when there will be one.
    plain =
      GradMode.isEnabled
      ? Gemm.PackedMatrix(transposed: false, k: rows, n: size, b: weight.pointer, ldb: size)
      : nil
  }
}
