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
/// Parallel runs split the rows (or the columns, whichever is longer) of `C` into
/// contiguous ranges. Every element of `C` is still summed over the same `k`-blocks in the
/// same order, so the result does not depend on the number of threads.
public enum Gemm {
  static let mr = 6
  static let nr = 16
  static let kc = 256
  static let mc = 96
  static let nc = 2048

  /// Computes `C = alpha · op(A) · op(B) + beta · C` for row-major matrices.
  /// - Parameters:
  ///   - transposeA: use `Aᵀ`; `A` is then stored as `[k, m]`.
  ///   - transposeB: use `Bᵀ`; `B` is then stored as `[n, k]`.
  ///   - m, n, k: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`.
  ///   - a, lda: `A` and its row stride.
  ///   - b, ldb: `B` and its row stride.
  ///   - c, ldc: `C` and its row stride.
  public static func multiply(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    scale(c: c, m: m, n: n, ldc: ldc, beta: beta)
    if k == 0 || alpha == 0 { return }
    if m * n * k <= smallProduct || m < mr {
      small(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
        a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
      return
    }
    // Split the longer side of C into chunks that are whole multiples of a register tile.
    let splitRows = m >= n
    let tile = splitRows ? mr : nr
    let extent = splitRows ? m : n
    let tiles = (extent + tile - 1) / tile
    let chunks = min(tiles, max(1, Parallelism.threads))
    Parallelism.forEach(chunks: chunks, work: m * n * k) { chunk in
      let lo = tiles * chunk / chunks * tile
      let hi = min(extent, tiles * (chunk + 1) / chunks * tile)
      if lo >= hi { return }
      if splitRows {
        let aStart = transposeA ? a + lo : a + lo * lda
        serial(
          transposeA: transposeA, transposeB: transposeB, m: hi - lo, n: n, k: k, alpha: alpha,
          a: aStart, lda: lda, b: b, ldb: ldb, c: c + lo * ldc, ldc: ldc)
      } else {
        let bStart = transposeB ? b + lo * ldb : b + lo
        serial(
          transposeA: transposeA, transposeB: transposeB, m: m, n: hi - lo, k: k, alpha: alpha,
          a: a, lda: lda, b: bStart, ldb: ldb, c: c + lo, ldc: ldc)
      }
    }
  }

  /// Below this many multiply-adds, packing costs more than it saves.
  static let smallProduct = 48 * 48 * 48

  /// Small products without packing, as attention makes them (one per batch entry and
  /// head, each a few dozen rows).
  ///
  /// - `op(B)` rows contiguous (`B` not transposed, or transposed into a small buffer
  ///   first when `k` is short): four rows of `C` at a time, eight columns in a SIMD
  ///   register each, so four independent multiply-add chains share every load of `B`.
  ///   (A single chain of `k` dependent multiply-adds would wait on each one.)
  /// - `A · Bᵀ` with a long `k`: each element is a dot product of two contiguous rows,
  ///   summed eight lanes at a time.
  ///
  /// Every element is a sum over `k` in a fixed order, so results do not depend on
  /// threads; they may round differently from the packed path.
  static func small(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if !transposeB {
      rowsTimesPanel(
        transposeA: transposeA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
        c: c, ldc: ldc)
      return
    }
    // Scores of attention are Q · Kᵀ with k the head size (8 to 64): too short for dot
    // products to pay for their horizontal sums. Lay Bᵀ out as k rows of n (padded to
    // whole SIMD registers) and use the row loop.
    let width = (n + 7) & ~7
    if k <= 64 && k * width <= 4096 {
      withUnsafeTemporaryAllocation(of: Float.self, capacity: k * width) { buffer in
        let bt = buffer.baseAddress!
        for p in 0..<k {
          let row = bt + p &* width
          for j in 0..<n { row[j] = b[j &* ldb &+ p] }
          for j in n..<width { row[j] = 0 }
        }
        rowsTimesPanel(
          transposeA: transposeA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: bt,
          ldb: width, c: c, ldc: ldc, paddedB: true)
      }
      return
    }
    typealias V = SIMD8<Float>
    for i in 0..<m {
      let row = c + i &* ldc
      let aStride = transposeA ? lda : 1
      let aStart = transposeA ? a + i : a + i &* lda
      for j in 0..<n {
        let bRow = b + j &* ldb
        var acc = V()
        var p = 0
        if !transposeA {
          let aRaw = UnsafeRawPointer(aStart)
          let bRowRaw = UnsafeRawPointer(bRow)
          while p &+ 8 <= k {
            acc = fma(
              acc, aRaw.loadUnaligned(fromByteOffset: p &* 4, as: V.self),
              bRowRaw.loadUnaligned(fromByteOffset: p &* 4, as: V.self))
            p &+= 8
          }
        }
        var sum = acc.sum()
        while p < k {
          sum += aStart[p &* aStride] * bRow[p]
          p &+= 1
        }
        row[j] += alpha * sum
      }
    }
  }

  /// `C += alpha · op(A) · B` with the rows of `B` contiguous: up to four rows of `C` at
  /// once, eight columns at a time. With `paddedB`, `B`'s rows are zero-padded to a
  /// multiple of eight, so the last columns too are read as a whole register.
  @inline(__always)
  static func rowsTimesPanel(
    transposeA: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, paddedB: Bool = false
  ) {
    typealias V = SIMD8<Float>
    let bRaw = UnsafeRawPointer(b)
    // op(A)[i, p] is at a[i · rowStep + p · depthStep].
    let rowStep = transposeA ? 1 : lda
    let depthStep = transposeA ? lda : 1
    let full = n & ~7
    let blocks = paddedB ? (n + 7) & ~7 : full
    let scale = V(repeating: alpha)
    var i = 0
    while i < m {
      let rows = Swift.min(4, m &- i)
      let a0 = a + i &* rowStep
      // Rows past the end repeat the last one; their results are not stored.
      let a1 = a + Swift.min(i &+ 1, m &- 1) &* rowStep
      let a2 = a + Swift.min(i &+ 2, m &- 1) &* rowStep
      let a3 = a + Swift.min(i &+ 3, m &- 1) &* rowStep
      var j = 0
      while j < blocks {
        var acc0 = V()
        var acc1 = V()
        var acc2 = V()
        var acc3 = V()
        for p in 0..<k {
          let bv = bRaw.loadUnaligned(fromByteOffset: (p &* ldb &+ j) &* 4, as: V.self)
          let offset = p &* depthStep
          acc0 = fma(acc0, V(repeating: a0[offset]), bv)
          acc1 = fma(acc1, V(repeating: a1[offset]), bv)
          acc2 = fma(acc2, V(repeating: a2[offset]), bv)
          acc3 = fma(acc3, V(repeating: a3[offset]), bv)
        }
        let whole = j &+ 8 <= n
        @inline(__always) func add(_ acc: V, row r: Int) {
          let target = c + ((i &+ r) &* ldc &+ j)
          let value = acc * scale
          if whole {
            let raw = UnsafeMutableRawPointer(target)
            raw.storeBytes(of: raw.loadUnaligned(as: V.self) + value, as: V.self)
          } else {
            for lane in 0..<(n &- j) { target[lane] += value[lane] }
          }
        }
        add(acc0, row: 0)
        if rows > 1 { add(acc1, row: 1) }
        if rows > 2 { add(acc2, row: 2) }
        if rows > 3 { add(acc3, row: 3) }
        j &+= 8
      }
      // Columns past the last whole register of an unpadded B, one at a time.
      while j < n {
        for r in 0..<rows {
          let aRow = a + (i &+ r) &* rowStep
          var sum: Float = 0
          for p in 0..<k { sum += aRow[p &* depthStep] * b[p &* ldb &+ j] }
          c[(i &+ r) &* ldc &+ j] += alpha * sum
        }
        j &+= 1
      }
      i &+= 4
    }
  }

  /// `C = beta · C`, with `beta == 0` writing exact zeros (so stale NaNs do not survive).
  static func scale(c: UnsafeMutablePointer<Float>, m: Int, n: Int, ldc: Int, beta: Float) {
    if beta == 1 { return }
    for i in 0..<m {
      let row = c + i * ldc
      if beta == 0 {
        row.update(repeating: 0, count: n)
      } else {
        for j in 0..<n { row[j] *= beta }
      }
    }
  }

  /// One thread's share: the blocked loops around the micro-kernel.
  static func serial(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    // Packing buffers sized to this product, not to the largest block: small products
    // (a recurrent step is [32, 128] · [128, 384]) would otherwise pay for megabytes.
    let kMax = Swift.min(kc, k)
    let packedB = ScratchPool.take(kMax * ((Swift.min(nc, n) + nr - 1) / nr * nr))
    let packedA = ScratchPool.take(kMax * ((Swift.min(mc, m) + mr - 1) / mr * mr))
    defer {
      ScratchPool.give(packedB)
      ScratchPool.give(packedA)
    }
    var jc = 0
    while jc < n {
      let ncb = min(nc, n - jc)
      var pc = 0
      while pc < k {
        let kcb = min(kc, k - pc)
        packB(transposeB, b, ldb, row: pc, col: jc, k: kcb, n: ncb, into: packedB.pointer)
        var ic = 0
        while ic < m {
          let mcb = min(mc, m - ic)
          packA(
            transposeA, a, lda, row: ic, col: pc, m: mcb, k: kcb, alpha: alpha,
            into: packedA.pointer)
          macroKernel(
            m: mcb, n: ncb, k: kcb, packedA: packedA.pointer, packedB: packedB.pointer,
            c: c + ic * ldc + jc, ldc: ldc)
          ic += mcb
        }
        pc += kcb
      }
      jc += ncb
    }
  }

  /// Packs the `k × n` block of `op(B)` at (`row`, `col`) into panels of `nr` columns:
  /// panel `p` holds `k` rows of `nr` floats, zero-padded past `n`.
  ///
  /// Packing runs once per block for every product, so for small products it costs as
  /// much as the arithmetic: the loops use pointer increments (no index overflow checks)
  /// and copy whole 16-float rows where they can.
  static func packB(
    _ transposed: Bool, _ b: UnsafePointer<Float>, _ ldb: Int, row: Int, col: Int,
    k: Int, n: Int, into out: UnsafeMutablePointer<Float>
  ) {
    var dest = out
    var j = 0
    while j < n {
      let width = Swift.min(nr, n &- j)
      if transposed {
        // op(B)[row + p][col + j + q] = B[col + j + q][row + p]: walk each of the `width`
        // source rows once, writing every nr-th float.
        if width < nr { dest.update(repeating: 0, count: k &* nr) }
        for q in 0..<width {
          var src = b + ((col &+ j &+ q) &* ldb &+ row)
          var d = dest + q
          for _ in 0..<k {
            d.pointee = src.pointee
            src += 1
            d += nr
          }
        }
        dest += k &* nr
      } else {
        var src = b + (row &* ldb &+ col &+ j)
        for _ in 0..<k {
          if width == nr {
            UnsafeMutableRawPointer(dest).storeBytes(
              of: UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self),
              as: SIMD16<Float>.self)
          } else {
            dest.update(from: src, count: width)
            (dest + width).update(repeating: 0, count: nr &- width)
          }
          src += ldb
          dest += nr
        }
      }
      j &+= nr
    }
  }

  /// Packs the `m × k` block of `alpha · op(A)` at (`row`, `col`) into panels of `mr` rows:
  /// panel `p` holds, for each `k`, the `mr` values of one column, zero-padded past `m`.
  static func packA(
    _ transposed: Bool, _ a: UnsafePointer<Float>, _ lda: Int, row: Int, col: Int,
    m: Int, k: Int, alpha: Float, into out: UnsafeMutablePointer<Float>
  ) {
    var dest = out
    var i = 0
    while i < m {
      let height = Swift.min(mr, m &- i)
      if height < mr { dest.update(repeating: 0, count: k &* mr) }
      if transposed {
        // op(A)[row + i + r][col + p] = A[col + p][row + i + r]: rows of A are contiguous
        // in r.
        var src = a + (col &* lda &+ row &+ i)
        var d = dest
        for _ in 0..<k {
          for r in 0..<height { d[r] = alpha * src[r] }
          src += lda
          d += mr
        }
      } else {
        for r in 0..<height {
          var src = a + ((row &+ i &+ r) &* lda &+ col)
          var d = dest + r
          for _ in 0..<k {
            d.pointee = alpha * src.pointee
            src += 1
            d += mr
          }
        }
      }
      dest += mr &* k
      i &+= mr
    }
  }

  /// Multiplies a packed `m × k` block of A by a packed `k × n` block of B into C.
  static func macroKernel(
    m: Int, n: Int, k: Int, packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { tile in
      let edge = tile.baseAddress!
      var j = 0
      while j < n {
        let width = min(nr, n - j)
        let bPanel = packedB + j * k
        var i = 0
        while i < m {
          let height = min(mr, m - i)
          let aPanel = packedA + i * k
          if width == nr && height == mr {
            microKernel(k: k, a: aPanel, b: bPanel, c: c + i * ldc + j, ldc: ldc)
          } else {
            // A partial tile: compute the whole 6 × 16 tile on the side, add what fits.
            edge.update(repeating: 0, count: mr * nr)
            microKernel(k: k, a: aPanel, b: bPanel, c: edge, ldc: nr)
            for r in 0..<height {
              for q in 0..<width { c[(i + r) * ldc + j + q] += edge[r * nr + q] }
            }
          }
          i += mr
        }
        j += nr
      }
    }
  }

  /// Adds a packed `mr × k` panel of A times a packed `k × nr` panel of B to a 6 × 16 tile
  /// of C, keeping the tile in twelve 8-lane registers for the whole loop over `k`.
  @inline(__always)
  static func microKernel(
    k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    typealias V = SIMD8<Float>
    var c00 = V()
    var c01 = V()
    var c10 = V()
    var c11 = V()
    var c20 = V()
    var c21 = V()
    var c30 = V()
    var c31 = V()
    var c40 = V()
    var c41 = V()
    var c50 = V()
    var c51 = V()
    let braw = UnsafeRawPointer(b)
    var ap = a
    for p in 0..<k {
      let b0 = braw.loadUnaligned(fromByteOffset: p * 64, as: V.self)
      let b1 = braw.loadUnaligned(fromByteOffset: p * 64 + 32, as: V.self)
      var s = V(repeating: ap[0])
      c00 = fma(c00, s, b0)
      c01 = fma(c01, s, b1)
      s = V(repeating: ap[1])
      c10 = fma(c10, s, b0)
      c11 = fma(c11, s, b1)
      s = V(repeating: ap[2])
      c20 = fma(c20, s, b0)
      c21 = fma(c21, s, b1)
      s = V(repeating: ap[3])
      c30 = fma(c30, s, b0)
      c31 = fma(c31, s, b1)
      s = V(repeating: ap[4])
      c40 = fma(c40, s, b0)
      c41 = fma(c41, s, b1)
      s = V(repeating: ap[5])
      c50 = fma(c50, s, b0)
      c51 = fma(c51, s, b1)
      ap += mr
    }
    addTile(c, 0, ldc, c00, c01)
    addTile(c, 1, ldc, c10, c11)
    addTile(c, 2, ldc, c20, c21)
    addTile(c, 3, ldc, c30, c31)
    addTile(c, 4, ldc, c40, c41)
    addTile(c, 5, ldc, c50, c51)
  }

  @inline(__always)
  static func addTile(
    _ c: UnsafeMutablePointer<Float>, _ row: Int, _ ldc: Int,
    _ left: SIMD8<Float>, _ right: SIMD8<Float>
  ) {
    let raw = UnsafeMutableRawPointer(c + row * ldc)
    let l = raw.loadUnaligned(as: SIMD8<Float>.self) + left
    let r = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + right
    raw.storeBytes(of: l, as: SIMD8<Float>.self)
    raw.storeBytes(of: r, toByteOffset: 32, as: SIMD8<Float>.self)
  }

  /// `acc + x · y`, fused into one instruction where the CPU target has FMA.
  ///
  /// Without FMA hardware, `addingProduct` would call a slow software routine per lane,
  /// so portable builds multiply and add separately.
  @inline(__always)
  static func fma(_ acc: SIMD8<Float>, _ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
    #if FUSED_MULTIPLY_ADD
      return acc.addingProduct(x, y)
    #else
      return acc + x * y
    #endif
  }
}
