// Transcendental functions and softmax rows at each instruction-set level; see MathLevel.h.
#include "CKernels.h"

#include <math.h>

#include "Vectors.h"

// The pragma in Vectors.h applies to this file too.
#pragma STDC FP_CONTRACT OFF

#define LM_FN(name) lm_portable_##name
#define LM_TARGET
#define LM_VEC lm_v8
#define LM_UVEC lm_u8
#define LM_VL 8
#define LM_SPLAT LM_SPLAT8
#include "MathLevel.h"
#include "LevelEnd.h"

#if defined(__x86_64__)
#define LM_FN(name) lm_avx2_##name
#define LM_TARGET __attribute__((target("avx2,fma")))
#define LM_VEC lm_v8
#define LM_UVEC lm_u8
#define LM_VL 8
#define LM_SPLAT LM_SPLAT8
#include "MathLevel.h"
#include "LevelEnd.h"

#define LM_FN(name) lm_avx512_##name
#define LM_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define LM_VEC lm_v16
#define LM_UVEC lm_u16
#define LM_VL 16
#define LM_SPLAT LM_SPLAT16
#include "MathLevel.h"
#include "LevelEnd.h"
#endif

#if defined(__x86_64__)
#define LM_DISPATCH(name, ...)                                                        \
  switch (level) {                                                                 \
  case LMKernelLevelAVX512: lm_avx512_##name(__VA_ARGS__); return;                 \
  case LMKernelLevelAVX2: lm_avx2_##name(__VA_ARGS__); return;                     \
  default: lm_portable_##name(__VA_ARGS__); return;                                \
  }
#else
#define LM_DISPATCH(name, ...) lm_portable_##name(__VA_ARGS__);
#endif

void lm_map(LMKernelLevel level, LMMapFunction function, const float *x, float *out, long count) {
  LM_DISPATCH(map, function, x, out, count)
}
void lm_softmax_row(LMKernelLevel level, const float *x, long n, bool log, float *out) {
  LM_DISPATCH(softmax_row, x, n, log, out)
}
void lm_softmax_backward_row(
  LMKernelLevel level, const float *g, const float *y, long n, bool log, float *out) {
  LM_DISPATCH(softmax_backward_row, g, y, n, log, out)
}
void lm_gelu_keeping_tanh(LMKernelLevel level, const float *x, float *out, float *t, long count) {
  LM_DISPATCH(gelu_keeping_tanh, x, out, t, count)
}
void lm_gelu_backward(
  LMKernelLevel level, const float *x, const float *t, const float *g, float *out, long count) {
  LM_DISPATCH(gelu_backward, x, t, g, out, count)
}
