/// The matrix product, for 2-D and batched operands.
///
/// `matmul(a, b)` multiplies the last two axes, `[…, m, k] · […, k, n] → […, m, n]`, and
/// broadcasts the leading (batch) axes by NumPy's rules. Its pullback is two more matrix
/// products, `dA = dC · Bᵀ` and `dB = Aᵀ · dC`, run by the same kernel with transpose
/// flags, so no transposed copy is ever made.
///
/// - Parameters:
///   - a: `[…, m, k]`, or `[…, k, m]` when `transposeA` is set.
///   - b: `[…, k, n]`, or `[…, n, k]` when `transposeB` is set.
///   - transposeA, transposeB: multiply by the transpose of the last two axes without
///     copying it (`matmul(q, k, transposeB: true)` is `q · kᵀ`).
/// - Returns: `[…, m, n]`.
public func matmul(
  _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
) -> Tensor {
  check(MatMul.diagnosis(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB))
  let plan = MatMul(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
  let out = Tensor(uninitializedShape: plan.outShape)
  plan.run(a.pointer, b.pointer, into: out.pointer)
  return out.recorded("matmul", [a, b]) { g, _ in
    [
      a.requiresGrad ? plan.gradientA(g, b, aShape: a.shape) : nil,
      b.requiresGrad ? plan.gradientB(g, a, bShape: b.shape) : nil,
    ]
  }
}

extension Tensor {
  /// `matmul(self, other)`.
  public func matmul(_ other: Tensor) -> Tensor {
    TensorCore.matmul(self, other)
  }
}

/// The shapes and loop of one (batched) matrix product.
struct MatMul {
  let m: Int, n: Int, k: Int
  let transposeA: Bool, transposeB: Bool
  let batchShape: [Int]
  let aBatchStrides: [Int], bBatchStrides: [Int]
  let aBatch: [Int], bBatch: [Int]
  var outShape: [Int] { batchShape + [m, n] }
  var batchCount: Int { Shape.count(batchShape) }

  /// Explains why `a` and `b` cannot be multiplied, or returns `nil`.
  static func diagnosis(
    _ a: [Int], _ b: [Int], transposeA: Bool = false, transposeB: Bool = false
  ) -> String? {
    let written =
      "\(Shape.describe(a))\(transposeA ? "ᵀ" : "") @ "
      + "\(Shape.describe(b))\(transposeB ? "ᵀ" : "")"
    if a.count < 2 || b.count < 2 {
      return "matmul: \(written): both operands need at least 2 axes "
        + "(reshape a vector to [1, n] or [n, 1])"
    }
    let ka = transposeA ? a[a.count - 2] : a[a.count - 1]
    let kb = transposeB ? b[b.count - 1] : b[b.count - 2]
    if ka != kb {
      return "matmul: \(written): inner dimensions \(ka) and \(kb) differ"
    }
    let aBatch = Array(a.dropLast(2))
    let bBatch = Array(b.dropLast(2))
    if Shape.broadcast(aBatch, bBatch) == nil {
      return "matmul: \(written): batch shapes \(Shape.describe(aBatch)) and "
        + "\(Shape.describe(bBatch)) do not broadcast"
    }
    return nil
  }

  init(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) {
    self.transposeA = transposeA
    self.transposeB = transposeB
    m = transposeA ? a[a.count - 1] : a[a.count - 2]
    k = transposeA ? a[a.count - 2] : a[a.count - 1]
    n = transposeB ? b[b.count - 2] : b[b.count - 1]
    aBatch = Array(a.dropLast(2))
    bBatch = Array(b.dropLast(2))
    batchShape = Shape.broadcast(aBatch, bBatch)!
    aBatchStrides = Shape.broadcastStrides(aBatch, to: batchShape)
    bBatchStrides = Shape.broadcastStrides(bBatch, to: batchShape)
  }

  /// Offsets (in matrices) of the operands for batch entry `index`.
  func offsets(_ index: Int) -> (Int, Int) {
    var rest = index
    var ai = 0
    var bi = 0
    for axis in batchShape.indices.reversed() {
      let i = rest % batchShape[axis]
      rest /= batchShape[axis]
      ai += i * aBatchStrides[axis]
      bi += i * bBatchStrides[axis]
    }
    return (ai, bi)
  }

  /// Runs `body(index)` for every batch entry, the entries shared between threads (each
  /// entry's product then runs on the thread that took it). Attention's products are many
  /// small ones, one per sequence and head, each too small to split by rows efficiently.
  func forEachEntry(_ body: (Int) -> Void) {
    Parallelism.forEach(chunks: batchCount, work: batchCount * m * n * k, body)
  }

  /// Whether the product is one GEMM: `b` has no batch axes and `a`'s batch rows can be
  /// stacked into one tall matrix (`[B, T, k] · [k, n]` is `[B·T, k] · [k, n]`).
  var isFlat: Bool { Shape.count(bBatch) == 1 && !transposeA }

  func run(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>
  ) {
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    if isFlat {
      Gemm.multiply(
        transposeA: false, transposeB: transposeB, m: batchCount * m, n: n, k: k,
        a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: n)
      return
    }
    forEachEntry { index in
      let (ai, bi) = offsets(index)
      Gemm.multiply(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        a: a + ai * m * k, lda: lda, b: b + bi * k * n, ldb: ldb,
        c: c + index * m * n, ldc: n)
    }
  }

  /// `dA`: with `C = op(A)·op(B)`, `d op(A) = dC · op(B)ᵀ`; when `A` itself is stored
  /// transposed, `dA = op(B) · dCᵀ`.
  func gradientA(_ g: Tensor, _ b: Tensor, aShape: [Int]) -> Tensor {
    let full = Tensor(uninitializedShape: batchShape + (transposeA ? [k, m] : [m, k]))
    let ldb = transposeB ? k : n
    if isFlat {
      Gemm.multiply(
        transposeA: false, transposeB: !transposeB, m: batchCount * m, n: k, k: n,
        a: g.pointer, lda: n, b: b.pointer, ldb: ldb, c: full.pointer, ldc: k)
      return full.reduced(toShape: aShape)
    }
    forEachEntry { index in
      let (_, bi) = offsets(index)
      let gp = g.pointer + index * m * n
      let bp = b.pointer + bi * k * n
      let out = full.pointer + index * m * k
      if transposeA {
        // dA[k, m] = op(B)[k, n] · dCᵀ[n, m]
        Gemm.multiply(
          transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
          a: bp, lda: ldb, b: gp, ldb: n, c: out, ldc: m)
      } else {
        Gemm.multiply(
          transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
          a: gp, lda: n, b: bp, ldb: ldb, c: out, ldc: k)
      }
    }
    return full.reduced(toShape: aShape)
  }

  /// `dB`: `d op(B) = op(A)ᵀ · dC`; when `B` is stored transposed, `dB = dCᵀ · op(A)`.
  func gradientB(_ g: Tensor, _ a: Tensor, bShape: [Int]) -> Tensor {
    let lda = transposeA ? m : k
    if isFlat {
      let out = Tensor(uninitializedShape: bShape)
      let rows = batchCount * m
      if transposeB {
        Gemm.multiply(
          transposeA: true, transposeB: false, m: n, n: k, k: rows,
          a: g.pointer, lda: n, b: a.pointer, ldb: lda, c: out.pointer, ldc: k)
      } else {
        Gemm.multiply(
          transposeA: true, transposeB: false, m: k, n: n, k: rows,
          a: a.pointer, lda: lda, b: g.pointer, ldb: n, c: out.pointer, ldc: n)
      }
      return out
    }
    let full = Tensor(uninitializedShape: batchShape + (transposeB ? [n, k] : [k, n]))
    forEachEntry { index in
      let (ai, _) = offsets(index)
      let gp = g.pointer + index * m * n
      let ap = a.pointer + ai * m * k
      let out = full.pointer + index * k * n
      if transposeB {
        // dB[n, k] = dCᵀ[n, m] · op(A)[m, k]
        Gemm.multiply(
          transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
          a: gp, lda: n, b: ap, ldb: lda, c: out, ldc: k)
      } else {
        Gemm.multiply(
          transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
          a: ap, lda: lda, b: gp, ldb: n, c: out, ldc: n)
      }
    }
    return full.reduced(toShape: bShape)
  }
}

extension Tensor {
  /// `input · weightᵀ + bias` over the last axis: the affine map of a linear layer, as one
  /// operation.
  ///
  /// Each thread writes the bias into its rows of the output and adds its share of the
  /// product onto them, so the result is made in one pass over memory instead of two (a
  /// product, then a broadcast addition with its own output and its own step in the
  /// backward pass).
  ///
  /// Shapes: `input [..., in]`, `weight [out, in]`, `bias [out]`, result `[..., out]`.
  /// Gradients: `d input = g · W`, `d W = gᵀ · input`, `d bias = Σ_rows g`.
  public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let inputSize = input.shape.last ?? 0
    let outputSize = weight.shape.first ?? 0
    check(
      weight.shape.count == 2 && weight.shape[1] == inputSize && !input.shape.isEmpty
        && (bias == nil || bias!.shape == [outputSize])
        ? nil
        : "linear: input \(Shape.describe(input.shape)), weight \(Shape.describe(weight.shape))"
          + (bias.map { " and bias \(Shape.describe($0.shape))" } ?? "")
          + " do not fit (want input [..., in], weight [out, in], bias [out])")
    let rows = Shape.count(Array(input.shape.dropLast()))
    let outShape = Array(input.shape.dropLast()) + [outputSize]
    let out = Tensor(uninitializedShape: outShape)
    Gemm.multiply(
      transposeA: false, transposeB: true, m: rows, n: outputSize, k: inputSize,
      a: input.pointer, lda: inputSize, b: weight.pointer, ldb: inputSize,
      c: out.pointer, ldc: outputSize, rowBias: bias?.pointer)
    let parents = bias.map { [input, weight, $0] } ?? [input, weight]
    return out.recorded("linear", parents) { g, _ in
      // The gradients are plain products of the rows seen as matrices.
      let rowsOfG = g.reshaped([rows, outputSize])
      return [
        input.requiresGrad
          ? TensorCore.matmul(rowsOfG, weight).reshaped(input.shape) : nil,
        weight.requiresGrad
          ? TensorCore.matmul(rowsOfG, input.reshaped([rows, inputSize]), transposeA: true)
          : nil,
      ] + (bias.map { [$0.requiresGrad ? g.reduced(toShape: $0.shape) : nil] } ?? [])
    }
  }
}
