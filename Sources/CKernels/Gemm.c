// The matrix product at each instruction-set level, and the run-time choice among them.
// The algorithm is described in Sources/TensorCore/Kernels/Gemm.swift, which calls it.
#include "CKernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "Vectors.h"

// Cache blocking, shared by every level: k in blocks of LM_KC (this fixes the order of each
// element's sum), rows of A in blocks of LM_MC, columns of B in blocks of LM_NC.
#define LM_KC 256
#define LM_MC 96
#define LM_NC 2048

// Below this many multiply-adds (or with fewer rows than a tile), packing costs more than
// it saves.
#define LM_SMALL_PRODUCT (48 * 48 * 48)
#define LM_SMALL_ROWS 6

// Portable: any processor. 6 × 16 tile of 8-lane vectors, with the multiply-adds fused as at
// the other levels, so every level gives the same bits. On arm64 the compiler emits NEON
// `fmla`; on x86 the portable level cannot assume FMA hardware, so each lane is a call to the
// C library's correctly rounded `fmaf`: slow, but exact (there the level exists for
// correctness, and for processors without AVX2).
#define LM_FN(name) lm_portable_##name
#define LM_TARGET
#define LM_WIDE 0
#define LM_MR 6
#define LM_NV 2
#define LM_VEC lm_v8
#define LM_VL 8
#define LM_SPLAT LM_SPLAT8
#include "GemmLevel.h"
#include "LevelEnd.h"

#if defined(__x86_64__)
// AVX2 + FMA: sixteen 256-bit registers; a 6 × 16 tile holds twelve of them.
#define LM_FN(name) lm_avx2_##name
#define LM_TARGET __attribute__((target("avx2,fma")))
#define LM_WIDE 0
#define LM_MR 6
#define LM_NV 2
#define LM_VEC lm_v8
#define LM_VL 8
#define LM_SPLAT LM_SPLAT8
#include "GemmLevel.h"
#include "LevelEnd.h"

// AVX-512: thirty-two 512-bit registers; an 8 × 32 tile holds sixteen of them, leaving
// room for the two rows of B and the broadcasts.
#define LM_FN(name) lm_avx512_##name
#define LM_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define LM_WIDE 1
#define LM_MR 8
#define LM_NV 2
#define LM_VEC lm_v16
#define LM_VL 16
#define LM_SPLAT LM_SPLAT16
#include "GemmLevel.h"
#include "LevelEnd.h"
#endif

// MARK: Choosing a level

static LMKernelLevel detect(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
      && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
      && __builtin_cpu_supports("fma"))
    return LMKernelLevelAVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return LMKernelLevelAVX2;
#endif
  return LMKernelLevelPortable;
}

static _Atomic int supportedLevel = -1;
static _Atomic int activeLevel = -1;

LMKernelLevel lm_kernels_supported(void) {
  int level = atomic_load_explicit(&supportedLevel, memory_order_relaxed);
  if (level < 0) {
    level = (int)detect();
    atomic_store_explicit(&supportedLevel, level, memory_order_relaxed);
  }
  return (LMKernelLevel)level;
}

LMKernelLevel lm_kernels_use(LMKernelLevel level) {
  LMKernelLevel supported = lm_kernels_supported();
  LMKernelLevel chosen = level < supported ? level : supported;
  if (chosen < LMKernelLevelPortable) chosen = LMKernelLevelPortable;
  atomic_store_explicit(&activeLevel, (int)chosen, memory_order_relaxed);
  return chosen;
}

LMKernelLevel lm_kernels_active(void) {
  int level = atomic_load_explicit(&activeLevel, memory_order_relaxed);
  if (level >= 0) return (LMKernelLevel)level;
  LMKernelLevel wanted = LMKernelLevelAVX512;
  const char *setting = getenv("LM_KERNELS");
  if (setting != NULL) {
    if (strcmp(setting, "portable") == 0) wanted = LMKernelLevelPortable;
    else if (strcmp(setting, "avx2") == 0) wanted = LMKernelLevelAVX2;
  }
  return lm_kernels_use(wanted);
}

// MARK: The product

void lm_gemm_tile(LMKernelLevel level, long *rows, long *columns) {
  switch (level) {
  case LMKernelLevelAVX512: *rows = 8; *columns = 32; break;
  default: *rows = 6; *columns = 16; break;
  }
}

void lm_gemm_scratch(LMKernelLevel level, long m, long n, long k, long *packedA, long *packedB) {
  long mr, nr;
  lm_gemm_tile(level, &mr, &nr);
  long kMax = k < LM_KC ? k : LM_KC;
  long mBlock = m < LM_MC ? m : LM_MC;
  long nBlock = n < LM_NC ? n : LM_NC;
  // Eight floats of slack: packing A stores whole 8-float columns of a panel (see pack_a).
  *packedA = kMax * ((mBlock + mr - 1) / mr * mr) + 8;
  *packedB = kMax * ((nBlock + nr - 1) / nr * nr);
}

void lm_gemm_scale(long m, long n, float beta, float *c, long ldc) {
  if (beta == 1) return;
  for (long i = 0; i < m; i++) {
    float *row = c + i * ldc;
    if (beta == 0) memset(row, 0, sizeof(float) * (size_t)n);
    else for (long j = 0; j < n; j++) row[j] *= beta;
  }
}

bool lm_gemm_is_small(long m, long n, long k) {
  return m * n * k <= LM_SMALL_PRODUCT || m < LM_SMALL_ROWS;
}

// Both paths start an element's chain at each block of LM_KC rows of k. The unpacked path
// scales a chain by alpha after, where the packed path folds alpha into A, and it sums the
// columns past the last whole vector of untransposed B one product at a time (transposed B
// is laid out padded). Within these bounds the two are the same operations.
// The sizes are where the unpacked path measured faster on this project's shapes (attention
// heads of 16 and 32): B untransposed up to 2,048 elements of C, transposed only for k <= 32.
bool lm_gemm_unpacked_pays(bool transposeB, long m, long n, long k, float alpha) {
  if (alpha != 1 || k > LM_KC) return false;
  if (transposeB) return k <= 32 && m * n <= 4096;
  return n % 8 == 0 && m * n <= 2048;
}

void lm_gemm_small(
  LMKernelLevel level, bool transposeA, bool transposeB, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float *c, long ldc)
{
  switch (level) {
#if defined(__x86_64__)
  case LMKernelLevelAVX512:
    lm_avx512_small(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
    return;
  case LMKernelLevelAVX2:
    lm_avx2_small(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
    return;
#endif
  default:
    lm_portable_small(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
  }
}

void lm_gemm_packed(
  LMKernelLevel level, bool transposeA, bool transposeB, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float *c, long ldc,
  bool fresh, const float *bias, const float *prepacked, long panels, long firstPanel,
  float *packedA, float *packedB)
{
  switch (level) {
#if defined(__x86_64__)
  case LMKernelLevelAVX512:
    lm_avx512_packed(
      transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, fresh, bias, prepacked,
      panels, firstPanel, packedA, packedB);
    return;
  case LMKernelLevelAVX2:
    lm_avx2_packed(
      transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, fresh, bias, prepacked,
      panels, firstPanel, packedA, packedB);
    return;
#endif
  default:
    lm_portable_packed(
      transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, fresh, bias, prepacked,
      panels, firstPanel, packedA, packedB);
  }
}

long lm_gemm_prepacked_size(LMKernelLevel level, long k, long n) {
  long mr, nr;
  lm_gemm_tile(level, &mr, &nr);
  return n > LM_NC ? 0 : k * ((n + nr - 1) / nr * nr);
}

void lm_gemm_prepack(
  LMKernelLevel level, bool transposeB, const float *b, long ldb, long k, long n, float *out)
{
  switch (level) {
#if defined(__x86_64__)
  case LMKernelLevelAVX512: lm_avx512_pack_b_all(transposeB, b, ldb, k, n, out); return;
  case LMKernelLevelAVX2: lm_avx2_pack_b_all(transposeB, b, ldb, k, n, out); return;
#endif
  default: lm_portable_pack_b_all(transposeB, b, ldb, k, n, out);
  }
}
