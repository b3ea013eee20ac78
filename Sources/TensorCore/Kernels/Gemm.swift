import CKernels

/// Single-precision matrix multiply: `C = alpha · op(A) · op(B) + beta · C`.
///
/// This is the kernel under every `matmul`, forward and backward. `op(X)` is `X` or `Xᵀ`,
/// chosen by a flag, so the backward pass (`dA = dC · Bᵀ`, `dB = Aᵀ · dC`) never copies
/// a transpose. The loops follow the layout of high-performance BLAS libraries:
///
/// 1. `K` is cut into blocks of `kc` and `N` into blocks of `nc`; each block of `op(B)`
///    is *packed* into panels `nr` columns wide, so the inner loop reads it contiguously.
/// 2. `M` is cut into blocks of `mc` rows; each block of `op(A)` is packed into panels
///    `mr` rows tall, small enough to stay in the L2 cache.
/// 3. A micro-kernel keeps an `mr × nr` tile of `C` in SIMD registers and adds one
///    outer product per step of `k`.
///
/// Packing also handles the transposes: it reads `A` or `Aᵀ` with the right strides once,
/// and the micro-kernel sees the same layout either way.
///
/// The loops themselves are C (`Sources/CKernels`), compiled once per instruction-set level
/// (portable, AVX2 with FMA, AVX-512); the level is chosen when the program runs, from what
/// the processor supports, so one build runs at full width on the machine it meets. Each
/// element is summed in the same order at the AVX2 and AVX-512 levels, so they agree bit for
/// bit. `LM_KERNELS=portable|avx2|avx512` asks for a narrower level (`VectorLevel` from Swift).
///
/// Parallel runs split the rows (or the columns, whichever is longer) of `C` into
/// contiguous ranges. Every element of `C` is still summed over the same `k`-blocks in the
/// same order, so the result does not depend on the number of threads.
public enum Gemm {
  /// Computes `C = alpha · op(A) · op(B) + beta · C` for row-major matrices.
  /// - Parameters:
  ///   - transposeA: use `Aᵀ`; `A` is then stored as `[k, m]`.
  ///   - transposeB: use `Bᵀ`; `B` is then stored as `[n, k]`.
  ///   - m, n, k: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`.
  ///   - a, lda: `A` and its row stride.
  ///   - b, ldb: `B` and its row stride.
  ///   - c, ldc: `C` and its row stride.
  ///   - rowBias: if given, `n` values every row of `C` starts from instead of `beta · C`
  ///     (a linear layer's bias): `C = alpha · op(A) · op(B) + bias`.
  ///   - packedB: `op(B)` packed once by `PackedMatrix`, for a matrix used in many products;
  ///     used only if it was packed from this `b` (same address and stride) at this level,
  ///     and `b` must not have changed since. Packing only moves floats, so the result is
  ///     the same.
  ///   - level: the instruction-set level to run at (tests compare them); the active one
  ///     unless given. A level the processor lacks is replaced by the widest it has.
  public static func multiply(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
    rowBias: UnsafePointer<Float>? = nil, packedB: PackedMatrix? = nil,
    level: VectorLevel? = nil
  ) {
    if m == 0 || n == 0 { return }
    /// The starting value of rows `rows` and columns `columns` of `C`; each thread sets its
    /// own share, so a second core also shares this pass over memory.
    func start(_ rows: Range<Int>, _ columns: Range<Int>) {
      let first = c + rows.lowerBound * ldc + columns.lowerBound
      if let rowBias {
        for i in 0..<rows.count {
          (first + i * ldc).update(from: rowBias + columns.lowerBound, count: columns.count)
        }
      } else {
        lm_gemm_scale(rows.count, columns.count, beta, first, ldc)
      }
    }
    let level = LMKernelLevel(
      rawValue: UInt32(Swift.min(level ?? .active, VectorLevel.supported).rawValue))
    if k == 0 || alpha == 0 || lm_gemm_is_small(m, n, k) {
      start(0..<m, 0..<n)
      if k == 0 || alpha == 0 { return }
      lm_gemm_small(level, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc)
      return
    }
    // Split the longer side of C into chunks that are whole multiples of a register tile.
    var tileRows = 0
    var tileColumns = 0
    lm_gemm_tile(level, &tileRows, &tileColumns)
    let splitRows = m >= n
    let tile = splitRows ? tileRows : tileColumns
    let extent = splitRows ? m : n
    let tiles = (extent + tile - 1) / tile
    let chunks = min(tiles, max(1, Parallelism.threads))
    // A product that overwrites C (or starts it from a bias) writes its first block of k
    // straight from the registers instead of clearing or filling C in a pass of its own.
    let fresh = rowBias != nil || beta == 0
    let prepacked = packedB.flatMap {
      $0.level == level && $0.transposed == transposeB && $0.k == k && $0.n == n
        && $0.source == b && $0.ldb == ldb ? $0 : nil
    }
    Parallelism.forEach(chunks: chunks, work: m * n * k) { chunk in
      let lo = tiles * chunk / chunks * tile
      let hi = min(extent, tiles * (chunk + 1) / chunks * tile)
      if lo >= hi { return }
      // A share small enough to run faster unpacked, with the same bits (see
      // `lm_gemm_unpacked_pays`).
      let (rows, columns) = splitRows ? (lo..<hi, 0..<n) : (0..<m, lo..<hi)
      if prepacked == nil
        && lm_gemm_unpacked_pays(transposeB, rows.count, columns.count, k, alpha)
      {
        start(rows, columns)
        let aStart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bStart = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        lm_gemm_small(
          level, transposeA, transposeB, rows.count, columns.count, k, alpha, aStart, lda,
          bStart, ldb, c + rows.lowerBound * ldc + columns.lowerBound, ldc)
        return
      }
      if splitRows {
        if !fresh { start(lo..<hi, 0..<n) }
        let aStart = transposeA ? a + lo : a + lo * lda
        packed(
          level, transposeA: transposeA, transposeB: transposeB, m: hi - lo, n: n, k: k,
          alpha: alpha, a: aStart, lda: lda, b: b, ldb: ldb, c: c + lo * ldc, ldc: ldc,
          fresh: fresh, bias: rowBias, prepacked: prepacked, firstPanel: 0)
      } else {
        if !fresh { start(0..<m, lo..<hi) }
        let bStart = transposeB ? b + lo * ldb : b + lo
        packed(
          level, transposeA: transposeA, transposeB: transposeB, m: m, n: hi - lo, k: k,
          alpha: alpha, a: a, lda: lda, b: bStart, ldb: ldb, c: c + lo, ldc: ldc,
          fresh: fresh, bias: rowBias.map { $0 + lo }, prepacked: prepacked,
          firstPanel: lo / tile)
      }
    }
  }

  /// One thread's share through the packed path, with packing buffers sized to this
  /// product (not to the largest block: a recurrent step is `[32, 128] · [128, 384]` and
  /// would otherwise pay for megabytes).
  static func packed(
    _ level: LMKernelLevel, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, fresh: Bool, bias: UnsafePointer<Float>?,
    prepacked: PackedMatrix?, firstPanel: Int
  ) {
    var sizeA = 0
    var sizeB = 0
    lm_gemm_scratch(level, m, n, k, &sizeA, &sizeB)
    if prepacked != nil { sizeB = 1 }
    let packedA = ScratchPool.take(sizeA)
    let packedB = ScratchPool.take(sizeB)
    defer {
      ScratchPool.give(packedB)
      ScratchPool.give(packedA)
    }
    lm_gemm_packed(
      level, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, fresh, bias,
      prepacked?.panels.baseAddress, prepacked?.panelCount ?? 0, firstPanel, packedA.pointer,
      packedB.pointer)
  }
}

extension Gemm {
  /// A matrix packed once into the panels the packed product reads, for a matrix that is
  /// multiplied many times without changing: a recurrent weight, used at every time step
  /// of a sequence. Packing it again for each step cost about a quarter of a recurrent
  /// step's product (`[32, 128] · [128, 128]`: 16,384 floats moved for 524,288 multiply-
  /// adds). Pass it to `multiply(packedB:)` with the same `b`; it must not change meanwhile.
  public final class PackedMatrix {
    let level: LMKernelLevel
    let transposed: Bool
    let k: Int
    let n: Int
    let panelCount: Int
    let panels: UnsafeMutableBufferPointer<Float>
    /// The matrix packed, and its row stride: a product uses the panels only for this `b`.
    let source: UnsafePointer<Float>
    let ldb: Int

    /// Packs `op(B)`, `[k, n]` (`B` stored `[n, k]` when `transposed`); `nil` when the
    /// product would not use it (more columns than one block of the packed product).
    public init?(transposed: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int) {
      let level = LMKernelLevel(
        rawValue: UInt32(Swift.min(VectorLevel.active, VectorLevel.supported).rawValue))
      let size = lm_gemm_prepacked_size(level, k, n)
      if size == 0 || k == 0 { return nil }
      var tileRows = 0
      var tileColumns = 0
      lm_gemm_tile(level, &tileRows, &tileColumns)
      self.level = level
      self.transposed = transposed
      self.k = k
      self.n = n
      source = b
      self.ldb = ldb
      panelCount = (n + tileColumns - 1) / tileColumns
      panels = .allocate(capacity: size)
      lm_gemm_prepack(level, transposed, b, ldb, k, n, panels.baseAddress)
    }

    deinit { panels.deallocate() }
  }
}

/// The instruction-set level the vector kernels run at.
///
/// Chosen once, from the processor, the first time a kernel runs: the widest level it
/// supports. Tests and benchmarks may ask for a narrower one to compare them.
public enum VectorLevel: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
  case portable = 0
  case avx2 = 1
  case avx512 = 2

  /// The widest level this processor supports.
  public static var supported: VectorLevel {
    VectorLevel(rawValue: Int(lm_kernels_supported().rawValue)) ?? .portable
  }

  /// The level in use. Setting a level the processor lacks uses the widest it has.
  public static var active: VectorLevel {
    get { VectorLevel(rawValue: Int(lm_kernels_active().rawValue)) ?? .portable }
    set { _ = lm_kernels_use(LMKernelLevel(rawValue: UInt32(newValue.rawValue))) }
  }

  /// The levels this processor can run, narrowest first.
  public static var available: [VectorLevel] { allCases.filter { $0 <= supported } }

  public static func < (lhs: VectorLevel, rhs: VectorLevel) -> Bool {
    lhs.rawValue < rhs.rawValue
  }

  public var description: String {
    switch self {
    case .portable: "portable"
    case .avx2: "AVX2+FMA"
    case .avx512: "AVX-512"
    }
  }
}
