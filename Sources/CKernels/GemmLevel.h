// One level of the matrix product. `Gemm.c` includes this file once per level, after
// defining:
//   LM_FN(name)  the level's name for `name` (lm_avx2_micro, ...)
//   LM_TARGET    the function attribute that lets the compiler use the level's instructions
//   LM_WIDE      1 to add 16-lane loops (AVX-512) in front of the 8-lane ones
//   LM_MR, LM_NV the micro-kernel's tile: LM_MR rows of C, LM_NV vectors of LM_VL lanes
//   LM_VEC, LM_VL, LM_SPLAT  that vector type, its lanes, and a broadcast of a scalar
//
// Every element of C is computed in the same order at every level: a chain of fused
// multiply-adds (one rounding each) over one block of k (from zero, in increasing k), then
// added to C. Vector width and tile shape decide only which elements are computed together,
// so every level, portable included, gives the same bits.

#define LM_NR (LM_NV * LM_VL)

#define LM_MADD(acc, x, y) __builtin_elementwise_fma((x), (y), (acc))

/// Transposes an 8 × 8 block: `column[t][s] = row[s][t]`. Packing reads rows of the
/// source and writes columns of the panel; eight at a time this is shuffles, not eight
/// single-float stores per vector.
LM_TARGET static inline __attribute__((always_inline)) void LM_FN(transpose8)(
  const lm_v8 row[8], lm_v8 column[8])
{
  lm_v8 t[8], u[8];
  for (int s = 0; s < 8; s += 2) {
    t[s] = __builtin_shufflevector(row[s], row[s + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[s + 1] = __builtin_shufflevector(row[s], row[s + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int s = 0; s < 8; s += 4) {
    u[s] = __builtin_shufflevector(t[s], t[s + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    u[s + 1] = __builtin_shufflevector(t[s], t[s + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    u[s + 2] = __builtin_shufflevector(t[s + 1], t[s + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    u[s + 3] = __builtin_shufflevector(t[s + 1], t[s + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int s = 0; s < 4; s++) {
    column[s] = __builtin_shufflevector(u[s], u[s + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    column[s + 4] = __builtin_shufflevector(u[s], u[s + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

/// Packs the `k × n` block of op(B) at (`row`, `col`) into panels of LM_NR columns: panel
/// `p` holds `k` rows of LM_NR floats, zero past `n`. Packing only moves floats, so how it
/// moves them (eight by eight, or one by one at the edges) never changes a result.
LM_TARGET static void LM_FN(pack_b)(
  bool transposed, const float *b, long ldb, long row, long col, long k, long n, float *out)
{
  for (long j = 0; j < n; j += LM_NR) {
    long width = n - j < LM_NR ? n - j : LM_NR;
    if (transposed) {
      // op(B)[row + p][col + j + q] = B[col + j + q][row + p]: each source row once.
      if (width < LM_NR) memset(out, 0, sizeof(float) * (size_t)(k * LM_NR));
      long q = 0;
      for (; width == LM_NR && q < LM_NR; q += 8) {
        const float *src = b + (col + j + q) * ldb + row;
        long p = 0;
        for (; p + 8 <= k; p += 8) {
          lm_v8 rows[8], columns[8];
          for (int s = 0; s < 8; s++) rows[s] = *(const lm_v8 *)(src + s * ldb + p);
          LM_FN(transpose8)(rows, columns);
          for (int t = 0; t < 8; t++) *(lm_v8 *)(out + (p + t) * LM_NR + q) = columns[t];
        }
        for (; p < k; p++)
          for (int s = 0; s < 8; s++) out[p * LM_NR + q + s] = src[s * ldb + p];
      }
      for (; q < width; q++) {
        const float *src = b + (col + j + q) * ldb + row;
        float *d = out + q;
        for (long p = 0; p < k; p++) d[p * LM_NR] = src[p];
      }
    } else {
      const float *src = b + row * ldb + col + j;
      if (width == LM_NR) {
        for (long p = 0; p < k; p++)
          memcpy(out + p * LM_NR, src + p * ldb, sizeof(float) * LM_NR);
      } else {
        for (long p = 0; p < k; p++) {
          memcpy(out + p * LM_NR, src + p * ldb, sizeof(float) * (size_t)width);
          memset(out + p * LM_NR + width, 0, sizeof(float) * (size_t)(LM_NR - width));
        }
      }
    }
    out += k * LM_NR;
  }
}

/// Packs the `m × k` block of alpha · op(A) at (`row`, `col`) into panels of LM_MR rows:
/// for each k, the LM_MR values of one column, zero past `m`. A whole panel of untransposed
/// A goes eight columns at a time through an 8 × 8 transpose (rows past LM_MR are zero);
/// each column's eight floats are stored whole, and the two past LM_MR (when LM_MR is 6)
/// are overwritten by the next column, or land in the slack `lm_gemm_scratch` leaves.
LM_TARGET static void LM_FN(pack_a)(
  bool transposed, const float *a, long lda, long row, long col, long m, long k, float alpha,
  float *out)
{
  for (long i = 0; i < m; i += LM_MR) {
    long height = m - i < LM_MR ? m - i : LM_MR;
    if (height < LM_MR) memset(out, 0, sizeof(float) * (size_t)(k * LM_MR));
    if (transposed) {
      const float *src = a + col * lda + row + i;
      if (height == LM_MR && alpha == 1) {
        for (long p = 0; p < k; p++) memcpy(out + p * LM_MR, src + p * lda, sizeof(float) * LM_MR);
      } else {
        for (long p = 0; p < k; p++)
          for (long r = 0; r < height; r++) out[p * LM_MR + r] = alpha * src[p * lda + r];
      }
    } else {
      long p = 0;
      if (height == LM_MR && LM_MR <= 8) {
        const float *src = a + (row + i) * lda + col;
        lm_v8 scale = LM_SPLAT8(alpha);
        for (; p + 8 <= k; p += 8) {
          lm_v8 rows[8], columns[8];
          for (int r = 0; r < 8; r++)
            rows[r] = r < LM_MR ? scale * *(const lm_v8 *)(src + r * lda + p) : LM_SPLAT8(0.0f);
          LM_FN(transpose8)(rows, columns);
          for (int t = 0; t < 8; t++) memcpy(out + (p + t) * LM_MR, &columns[t], sizeof(lm_v8));
        }
      }
      for (long r = 0; r < height; r++) {
        const float *src = a + (row + i + r) * lda + col;
        for (long q = p; q < k; q++) out[q * LM_MR + r] = alpha * src[q];
      }
    }
    out += LM_MR * k;
  }
}

/// Adds a packed LM_MR × k panel of A times a packed k × LM_NR panel of B to a tile of C,
/// keeping the tile in registers for the whole loop over k. With `fresh`, the tile's old
/// contents are not read: it starts from `bias` (LM_NR values, the same for every row) or
/// from zero, added to the sum exactly as if they had been stored in C first.
LM_TARGET static inline __attribute__((always_inline)) void LM_FN(micro)(
  long k, const float *a, const float *b, float *c, long ldc, bool fresh, const float *bias)
{
  LM_VEC acc[LM_MR][LM_NV];
  if (!fresh) {
    // The tile's rows of C are read after the loop; asking for them before it lets the
    // loads overlap the multiply-adds. Measured in one process alternating the two
    // versions on separate copies of the data (61 pairs, two runs): W5's products with two
    // or three blocks of k 1.01-1.04x the speed, mlp_bow's forward (eight blocks)
    // 1.04-1.09x. A product that overwrites C does not read it and gained nothing.
#pragma clang loop unroll(full)
    for (int r = 0; r < LM_MR; r++) {
      __builtin_prefetch(c + r * ldc, 1, 3);
      __builtin_prefetch(c + r * ldc + LM_NR - 1, 1, 3);
    }
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < LM_MR; r++)
#pragma clang loop unroll(full)
    for (int v = 0; v < LM_NV; v++) acc[r][v] = LM_SPLAT(0.0f);
  for (long p = 0; p < k; p++) {
    LM_VEC bv[LM_NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < LM_NV; v++) bv[v] = *(const LM_VEC *)(b + p * LM_NR + v * LM_VL);
#pragma clang loop unroll(full)
    for (int r = 0; r < LM_MR; r++) {
      LM_VEC s = LM_SPLAT(a[p * LM_MR + r]);
#pragma clang loop unroll(full)
      for (int v = 0; v < LM_NV; v++) acc[r][v] = LM_MADD(acc[r][v], s, bv[v]);
    }
  }
  if (fresh) {
    LM_VEC start[LM_NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < LM_NV; v++)
      start[v] = bias ? *(const LM_VEC *)(bias + v * LM_VL) : LM_SPLAT(0.0f);
#pragma clang loop unroll(full)
    for (int r = 0; r < LM_MR; r++)
#pragma clang loop unroll(full)
      for (int v = 0; v < LM_NV; v++)
        *(LM_VEC *)(c + r * ldc + v * LM_VL) = start[v] + acc[r][v];
    return;
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < LM_MR; r++)
#pragma clang loop unroll(full)
    for (int v = 0; v < LM_NV; v++) {
      LM_VEC *target = (LM_VEC *)(c + r * ldc + v * LM_VL);
      *target = *target + acc[r][v];
    }
}

/// A packed `m × k` block of A times a packed `k × n` block of B, added to C (or, with
/// `fresh`, written over it from `bias` or zero; see `micro`).
LM_TARGET static void LM_FN(macro)(
  long m, long n, long k, const float *packedA, const float *packedB, float *c, long ldc,
  bool fresh, const float *bias)
{
  float edge[LM_MR * LM_NR];
  for (long j = 0; j < n; j += LM_NR) {
    long width = n - j < LM_NR ? n - j : LM_NR;
    const float *bPanel = packedB + j * k;
    for (long i = 0; i < m; i += LM_MR) {
      long height = m - i < LM_MR ? m - i : LM_MR;
      const float *aPanel = packedA + i * k;
      if (width == LM_NR && height == LM_MR) {
        LM_FN(micro)(k, aPanel, bPanel, c + i * ldc + j, ldc, fresh, bias ? bias + j : NULL);
      } else {
        // A partial tile: the whole tile on the side, then the part that fits. The side
        // tile starts at −0, not +0: −0 + x is x for every x, where +0 would turn a chain's
        // −0 into +0, so an edge element gets `start + chain` exactly as a whole tile's does
        // (and as the unpacked path's, which a thread's share may take instead).
        for (long e = 0; e < LM_MR * LM_NR; e++) edge[e] = -0.0f;
        LM_FN(micro)(k, aPanel, bPanel, edge, LM_NR, false, NULL);
        for (long r = 0; r < height; r++)
          for (long q = 0; q < width; q++) {
            float *target = c + (i + r) * ldc + j + q;
            float start = fresh ? (bias ? bias[j + q] : 0.0f) : *target;
            *target = start + edge[r * LM_NR + q];
          }
      }
    }
  }
}

/// Packs all of op(B), `k × n` with `n` at most LM_NC, for `packed` to use again and again:
/// block after block of LM_KC rows of k, each block `panels` panels of LM_NR columns.
LM_TARGET static void LM_FN(pack_b_all)(
  bool transposed, const float *b, long ldb, long k, long n, float *out)
{
  long panels = (n + LM_NR - 1) / LM_NR;
  for (long pc = 0; pc < k; pc += LM_KC) {
    long kcb = k - pc < LM_KC ? k - pc : LM_KC;
    LM_FN(pack_b)(transposed, b, ldb, pc, 0, kcb, n, out + pc * panels * LM_NR);
  }
}

/// With `prepacked` (from `pack_b_all`, `panels` panels wide), op(B) is not packed again:
/// this share's columns start at panel `firstPanel` of each block. Packing only moves
/// floats, so the result is the same either way.
LM_TARGET static void LM_FN(packed)(
  bool transposeA, bool transposeB, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float *c, long ldc,
  bool fresh, const float *bias, const float *prepacked, long panels, long firstPanel,
  float *packedA, float *packedB)
{
  for (long jc = 0; jc < n; jc += LM_NC) {
    long ncb = n - jc < LM_NC ? n - jc : LM_NC;
    for (long pc = 0; pc < k; pc += LM_KC) {
      long kcb = k - pc < LM_KC ? k - pc : LM_KC;
      // The first block of k writes C from its start (bias or zero); the others add.
      bool first = fresh && pc == 0;
      const float *panelsOfB = packedB;
      if (prepacked) {
        panelsOfB = prepacked + pc * panels * LM_NR + firstPanel * kcb * LM_NR;
      } else {
        LM_FN(pack_b)(transposeB, b, ldb, pc, jc, kcb, ncb, packedB);
      }
      for (long ic = 0; ic < m; ic += LM_MC) {
        long mcb = m - ic < LM_MC ? m - ic : LM_MC;
        LM_FN(pack_a)(transposeA, a, lda, ic, pc, mcb, kcb, alpha, packedA);
        LM_FN(macro)(
          mcb, ncb, kcb, packedA, panelsOfB, c + ic * ldc + jc, ldc, first,
          first && bias ? bias + jc : NULL);
      }
    }
  }
}

/// ROWS rows of C from row `i` (rows past `m` repeat the last; they are not stored), NV
/// vectors of columns from `j`: each element a chain of multiply-adds over k, then
/// C += alpha · chain; only the first `n - j` lanes are stored when fewer remain. Six rows by
/// two vectors keep twelve chains in flight, as the packed micro-kernel's 6 × 16 tile does:
/// enough to cover the latency of a fused multiply-add on both of a core's FMA units, each
/// broadcast of A feeding two of them. The tile decides which elements are computed
/// together, never an element's chain, so every tile gives the same bits.
#define LM_ROWS_BLOCK(VEC, SPLAT, ROWS, NV)                                            \
  {                                                                                        \
    long lanes = (long)(sizeof(VEC) / sizeof(float));                                      \
    VEC acc[ROWS][NV];                                                                     \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++)                      \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[r][v] = SPLAT(0.0f); \
    for (long p = 0; p < k; p++) {                                                         \
      VEC bv[NV];                                                                          \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                      \
        bv[v] = *(const VEC *)(b + p * ldb + j + v * lanes);                               \
      long offset = p * depthStep;                                                         \
      _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                  \
        VEC s = SPLAT(rowsOfA[r][offset]);                                                 \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                    \
          acc[r][v] = LM_MADD(acc[r][v], s, bv[v]);                                        \
      }                                                                                    \
    }                                                                                      \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {                      \
      long column = j + v * lanes;                                                         \
      _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                  \
        if (r < rows) {                                                                    \
          float *target = c + (i + r) * ldc + column;                                      \
          VEC sum = acc[r][v] * scale;                                                     \
          if (column + lanes <= n) *(VEC *)target = *(VEC *)target + sum;                  \
          else for (long lane = 0; lane < n - column; lane++) target[lane] += sum[lane];   \
        }                                                                                  \
      }                                                                                    \
    }                                                                                      \
  }

/// The column loop over a group of ROWS (4 or 6) rows, `rowsOfA` their rows of A: the widest
/// vectors first, then eight lanes, then the columns past the last whole vector one product
/// at a time.
#define LM_ROWS_GROUP(ROWS)                                                                \
  {                                                                                        \
    long j = 0;                                                                            \
    LM_ROWS_WIDE(ROWS)                                                                     \
    lm_v8 scale = LM_SPLAT8(alpha);                                                        \
    for (; j + 16 <= blocks; j += 16) LM_ROWS_BLOCK(lm_v8, LM_SPLAT8, ROWS, 2)             \
    for (; j < blocks; j += 8) LM_ROWS_BLOCK(lm_v8, LM_SPLAT8, ROWS, 1)                     \
    for (; j < n; j++) {                                                                   \
      for (long r = 0; r < rows; r++) {                                                    \
        const float *aRow = rowsOfA[r];                                                    \
        float sum = 0;                                                                     \
        for (long p = 0; p < k; p++) sum += aRow[p * depthStep] * b[p * ldb + j];          \
        c[(i + r) * ldc + j] += alpha * sum;                                               \
      }                                                                                    \
    }                                                                                      \
  }

#if LM_WIDE
#define LM_ROWS_WIDE(ROWS)                                                                 \
  {                                                                                        \
    lm_v16 scale = LM_SPLAT16(alpha);                                                      \
    for (; j + 32 <= blocks; j += 32) LM_ROWS_BLOCK(lm_v16, LM_SPLAT16, ROWS, 2)           \
    for (; j + 16 <= blocks; j += 16) LM_ROWS_BLOCK(lm_v16, LM_SPLAT16, ROWS, 1)            \
  }
#else
#define LM_ROWS_WIDE(ROWS)
#endif

/// C += alpha · op(A) · B with the rows of B contiguous. With `paddedB`, B's rows are
/// zero-padded to a multiple of eight, so the last columns too are read as whole vectors;
/// without it the columns past the last whole vector are summed one product at a time.
LM_TARGET static void LM_FN(rows_times_panel)(
  bool transposeA, long m, long n, long k, float alpha, const float *a, long lda,
  const float *b, long ldb, float *c, long ldc, bool paddedB)
{
  long rowStep = transposeA ? 1 : lda;
  long depthStep = transposeA ? lda : 1;
  long blocks = paddedB ? (n + 7) & ~7L : n & ~7L;
  for (long i = 0; i < m;) {
    // Groups of six rows; the last one to four as a group of four (a key-value cache's
    // product is one row: four chains for it, not six).
    long group = m - i > 4 ? 6 : 4;
    long rows = m - i < group ? m - i : group;
    const float *rowsOfA[6];
    for (long r = 0; r < 6; r++) rowsOfA[r] = a + (i + r < m ? i + r : m - 1) * rowStep;
    if (group == 6) {
      LM_ROWS_GROUP(6)
    } else {
      LM_ROWS_GROUP(4)
    }
    i += rows;
  }
}

LM_TARGET static void LM_FN(small)(
  bool transposeA, bool transposeB, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float *c, long ldc)
{
  if (!transposeB) {
    // One chain per block of LM_KC rows of k, as the packed product starts one.
    for (long pc = 0; pc < k; pc += LM_KC) {
      long depth = k - pc < LM_KC ? k - pc : LM_KC;
      const float *aBlock = transposeA ? a + pc * lda : a + pc;
      LM_FN(rows_times_panel)(
        transposeA, m, n, depth, alpha, aBlock, lda, b + pc * ldb, ldb, c, ldc, false);
    }
    return;
  }
  // A · Bᵀ: lay Bᵀ out, a block of columns and a block of LM_KC rows of k at a time,
  // padded to whole vectors, and use the row loop over each block of k, as the packed
  // product does. Each element is then the packed product's chain of multiply-adds for any
  // k, whichever path a product takes: a key-value cache or a recurrent step reads one row
  // at a time (the small path) and gives the bits of the whole sequence's run (the packed
  // path). (Short k is also where dot products would not repay their horizontal sums:
  // attention's Q · Kᵀ.)
  float bt[4096];
  long deepest = k < LM_KC ? k : LM_KC;
  long width = (n + 7) & ~7L;
  long block = (4096 / deepest) & ~7L;  // at least 16 columns: LM_KC is 256
  if (block > width) block = width;
  for (long j0 = 0; j0 < n; j0 += block) {
    long columns = n - j0 < block ? n - j0 : block;
    long padded = (columns + 7) & ~7L;
    for (long pc = 0; pc < k; pc += LM_KC) {
      long depth = k - pc < LM_KC ? k - pc : LM_KC;
      for (long j = 0; j < columns; j++) {
        const float *source = b + (j0 + j) * ldb + pc;
        for (long p = 0; p < depth; p++) bt[p * padded + j] = source[p];
      }
      for (long p = 0; p < depth; p++)
        for (long j = columns; j < padded; j++) bt[p * padded + j] = 0;
      const float *aBlock = transposeA ? a + pc * lda : a + pc;
      LM_FN(rows_times_panel)(
        transposeA, m, columns, depth, alpha, aBlock, lda, bt, padded, c + j0, ldc, true);
    }
  }
}

#undef LM_NR
#undef LM_MADD
#undef LM_ROWS_BLOCK
#undef LM_ROWS_GROUP
#undef LM_ROWS_WIDE
