// Vector kernels chosen when the program runs, not when it is built.
//
// The matrix product is compiled three times: for any processor (portable C), for AVX2 with
// FMA, and for AVX-512. The first call asks the processor what it has and keeps the widest
// level it supports. Every level multiplies and adds in the same order, element by element,
// with the same fused multiply-adds, so all three give bit-identical results.
#ifndef LM_CKERNELS_H
#define LM_CKERNELS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction-set levels, narrowest first.
typedef enum {
  LMKernelLevelPortable = 0,
  LMKernelLevelAVX2 = 1,
  LMKernelLevelAVX512 = 2,
} LMKernelLevel;

/// The widest level this processor (and its operating system) supports.
LMKernelLevel lm_kernels_supported(void);

/// The level in use: the widest supported, unless `LM_KERNELS` (portable, avx2, avx512) or
/// `lm_kernels_use` asked for a narrower one.
LMKernelLevel lm_kernels_active(void);

/// Uses `level` if the processor supports it; returns the level now in use.
LMKernelLevel lm_kernels_use(LMKernelLevel level);

/// Register tile of the packed product at `level` (one the processor supports): `rows` × `columns` of C.
void lm_gemm_tile(LMKernelLevel level, long *rows, long *columns);

/// Floats of scratch the packed product needs for an `m × n × k` share (A and B panels).
void lm_gemm_scratch(LMKernelLevel level, long m, long n, long k, long *packedA, long *packedB);

/// `C = beta · C`; `beta == 0` writes exact zeros.
void lm_gemm_scale(long m, long n, float beta, float *c, long ldc);

/// True when `C += alpha · op(A) · op(B)` should take the unpacked path (the choice does not
/// depend on the level, so neither do the results).
bool lm_gemm_is_small(long m, long n, long k);

/// True when a product (or one thread's share of it) past `lm_gemm_is_small` still runs faster
/// unpacked *and* gets the packed path's bits there: alpha 1, k within one block, and no
/// column left to the scalar loop. Attention's per-head products at a head size of 32
/// (`[64, 64] · [64, 32]`) ran 1.15–1.40× as fast unpacked. Since the bits are the same
/// either way, a caller may choose by the size of a thread's share.
bool lm_gemm_unpacked_pays(bool transposeB, long m, long n, long k, float alpha);

/// At `level` (one the processor supports): `C += alpha · op(A) · op(B)` without packing: for products too small to repay it.
void lm_gemm_small(
  LMKernelLevel level, bool transposeA, bool transposeB, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float *c, long ldc);

/// At `level`: `C += alpha · op(A) · op(B)` through packed panels and a register-tile micro-kernel.
/// With `prepacked`, op(B) is read from `lm_gemm_prepack`'s panels instead of packed here.
/// With `fresh`, C's old contents are not read: `C = bias + alpha · op(A) · op(B)`, `bias` being
/// `n` values repeated on every row, or zero when NULL (the same bits as storing them first).
/// `packedA` and `packedB` hold at least what `lm_gemm_scratch` asked for.
void lm_gemm_packed(
  LMKernelLevel level, bool transposeA, bool transposeB, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float *c, long ldc,
  bool fresh, const float *bias, const float *prepacked, long panels, long firstPanel,
  float *packedA, float *packedB);

/// Floats `lm_gemm_prepack` writes for a `k × n` op(B) at `level`; 0 when n is too wide to
/// be packed once (more than one block of columns).
long lm_gemm_prepacked_size(LMKernelLevel level, long k, long n);

/// Packs all of op(B) once, for products that use the same B many times (a recurrent weight
/// at every time step): `lm_gemm_packed` then reads it with `prepacked`, `panels` panels wide
/// (n over the tile's columns, rounded up), from panel `firstPanel` for a share of columns.
void lm_gemm_prepack(
  LMKernelLevel level, bool transposeB, const float *b, long ldb, long k, long n, float *out);

/// The elementwise functions of `lm_map`.
typedef enum {
  LMMapExp = 0,
  LMMapExpm1 = 1,
  LMMapTanh = 2,
  LMMapSigmoid = 3,
  LMMapGELU = 4,           // tanh form
  LMMapGELUDerivative = 5,
} LMMapFunction;

/// `out[i] = function(x[i])` for `count` floats at `level` (`out` may be `x`); identical at
/// every level.
void lm_map(LMKernelLevel level, LMMapFunction function, const float *x, float *out, long count);
/// GELU (tanh form) of `count` floats into `out`, keeping each element's tanh in `t`.
void lm_gelu_keeping_tanh(LMKernelLevel level, const float *x, float *out, float *t, long count);
/// `out = g · GELU′(x)`, from the tanh that `lm_gelu_keeping_tanh` kept.
void lm_gelu_backward(
  LMKernelLevel level, const float *x, const float *t, const float *g, float *out, long count);

/// Softmax (`log` false) or log-softmax of one contiguous row of `n` floats.
void lm_softmax_row(LMKernelLevel level, const float *x, long n, bool log, float *out);
/// The pullback of one row: `g` the upstream gradient, `y` the row's output.
void lm_softmax_backward_row(
  LMKernelLevel level, const float *g, const float *y, long n, bool log, float *out);

/// A piece of a parallel loop: `function(context, chunk)`.
typedef void (*lm_chunk_function)(void *context, long chunk);

/// Runs `function(context, chunk)` for every chunk in `0..<chunks` on up to `threads`
/// threads (the caller and helpers kept spinning between loops); returns when all are done.
/// Chunks must write disjoint memory. A call made while another loop runs is run by its
/// caller alone.
void lm_pool_run(long threads, long chunks, lm_chunk_function function, void *context);

/// `true` when a job that runs side by side with others starts, `false` when it ends: while
/// as many jobs run as the loop would use threads, loops run serially (each job already
/// has a core); when fewer remain, their loops use the idle cores again.
void lm_pool_serial(bool serial);

/// The most threads a loop may use (`Parallelism.threads`), or 0 before it is first set.
/// Kept here as an atomic because every kernel reads it, on any thread, while a test or a
/// benchmark may change it.
long lm_thread_limit(void);

/// Sets the limit read by `lm_thread_limit`.
void lm_set_thread_limit(long threads);

/// The processors this process may run on: its affinity mask, lowered to its cgroup's CPU
/// quota (whole processors, at least one) when it has one; 0 where the system does not say
/// (not Linux).
long lm_usable_processors(void);

/// The whole processors a cgroup v2 `cpu.max` line allows ("250000 100000" → 2, rounded
/// down, at least one), or 0 for none ("max 100000") or a line it cannot read.
long lm_cpu_max_processors(const char *line);

#ifdef __cplusplus
}
#endif

#endif
