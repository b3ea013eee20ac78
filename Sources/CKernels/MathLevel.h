// `exp`, `expm1`, `tanh`, the logistic sigmoid, GELU and softmax rows at one level. `Math.c`
// includes this file once per level, after defining LM_FN, LM_TARGET, and LM_VEC / LM_UVEC /
// LM_VL / LM_SPLAT (the widest float vector of the level, its unsigned twin, its lanes and a
// broadcast) for the elementwise maps.
//
// Every element goes through the same operations in the same order at every level: the
// maps only change how many lanes go at once, and the softmax sums always run in eight
// lanes. So all levels, portable included, give bit-identical results.
//
// **exp.** Write `x = n·ln 2 + r` with `n` an integer and `|r| ≤ ln 2 / 2`; then
// `eˣ = 2ⁿ · eʳ`. `2ⁿ` is built from the float's exponent bits; `eʳ` is the Taylor
// polynomial of degree 7, whose truncation error `|r|⁸/8! < 6e-9` is below `Float`'s
// rounding. `ln 2` is split into a part with few bits and a correction (Cody and Waite) so
// `x − n·ln 2` loses no precision. Adding 1.5 · 2²³ to a float below 2²² in size rounds it
// to an integer (to nearest, ties to even) and leaves that integer in the low bits.
//
// **expm1** (`eˣ − 1`) is used where `eˣ` is close to 1: subtracting 1 from `exp` would
// cancel most of its digits, so for `|x| < 0.35` the Taylor series of `eˣ − 1` is used
// directly (degree 8, error below 3e-10).
//
// **tanh** is `−u / (u + 2)` with `u = expm1(−2|x|)`, and the sign of `x`: accurate for tiny
// `|x|` (no cancellation) and large `|x|` (no overflow).
//
// **sigmoid** is `1 / (1 + e)` for `x ≥ 0` and `e / (1 + e)` for `x < 0`, with `e = e^{−|x|}`,
// so nothing overflows and tiny results keep their precision.
//
// NaN inputs give NaN, as they must for a training loop to notice a diverged loss.

// The vector functions, for one vector type. (Instantiated for LM_VEC and, for softmax's
// eight-lane sums, lm_v8.)
#define LM_DEFINE_VECTOR_MATH(SUFFIX, VEC, UVEC, SPLAT)                                     \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(select_##SUFFIX)(        \
    UVEC mask, VEC yes, VEC no) {                                                          \
    return (VEC)(((UVEC)yes & mask) | ((UVEC)no & ~mask));                                 \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(exp_##SUFFIX)(VEC x) {  \
    UVEC low = (UVEC)(x < SPLAT(-87.3f));                                                   \
    UVEC high = (UVEC)(x > SPLAT(88.0f));                                                   \
    VEC clamped = LM_FN(select_##SUFFIX)(low, SPLAT(-87.3f), x);                           \
    clamped = LM_FN(select_##SUFFIX)(high, SPLAT(88.0f), clamped);                         \
    VEC shifted = clamped * SPLAT(1.44269504f) + SPLAT(12582912.0f);                       \
    VEC n = shifted - SPLAT(12582912.0f);                                                   \
    VEC r = clamped - n * SPLAT(0.693359375f) - n * SPLAT(-2.1219444e-4f);                 \
    VEC p = SPLAT(1.0f / 5040);                                                             \
    p = p * r + SPLAT(1.0f / 720);                                                          \
    p = p * r + SPLAT(1.0f / 120);                                                          \
    p = p * r + SPLAT(1.0f / 24);                                                           \
    p = p * r + SPLAT(1.0f / 6);                                                            \
    p = p * r + SPLAT(0.5f);                                                                \
    p = p * r + SPLAT(1.0f);                                                                \
    p = p * r + SPLAT(1.0f);                                                                \
    UVEC integer = (UVEC)shifted - 0x4B400000u;                                             \
    UVEC exponent = (integer + 127u) << 23;                                                 \
    VEC result = p * (VEC)exponent;                                                         \
    result = LM_FN(select_##SUFFIX)(low, SPLAT(0.0f), result);                             \
    result = LM_FN(select_##SUFFIX)((UVEC)(x > SPLAT(88.72f)), SPLAT(__builtin_inff()), result); \
    return LM_FN(select_##SUFFIX)((UVEC)(x != x), x, result);                              \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(expm1_##SUFFIX)(VEC x) { \
    VEC p = SPLAT(1.0f / 40320);                                                            \
    p = p * x + SPLAT(1.0f / 5040);                                                         \
    p = p * x + SPLAT(1.0f / 720);                                                          \
    p = p * x + SPLAT(1.0f / 120);                                                          \
    p = p * x + SPLAT(1.0f / 24);                                                           \
    p = p * x + SPLAT(1.0f / 6);                                                            \
    p = p * x + SPLAT(0.5f);                                                                \
    p = p * x + SPLAT(1.0f);                                                                \
    p = p * x;                                                                              \
    VEC result = LM_FN(exp_##SUFFIX)(x) - SPLAT(1.0f);                                     \
    UVEC near = (UVEC)(x > SPLAT(-0.35f)) & (UVEC)(x < SPLAT(0.35f));                      \
    return LM_FN(select_##SUFFIX)(near, p, result);                                         \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(abs_##SUFFIX)(VEC x) {  \
    return (VEC)((UVEC)x & 0x7FFFFFFFu);                                                    \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(tanh_##SUFFIX)(VEC x) { \
    VEC u = LM_FN(expm1_##SUFFIX)(SPLAT(-2.0f) * LM_FN(abs_##SUFFIX)(x));                  \
    VEC t = -u / (u + SPLAT(2.0f));                                                         \
    t = LM_FN(select_##SUFFIX)((UVEC)(x < SPLAT(0.0f)), -t, t);                            \
    return LM_FN(select_##SUFFIX)((UVEC)(x != x), x, t);                                    \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(sigmoid_##SUFFIX)(VEC x) { \
    VEC e = LM_FN(exp_##SUFFIX)(-LM_FN(abs_##SUFFIX)(x));                                   \
    VEC s = SPLAT(1.0f) / (SPLAT(1.0f) + e);                                                \
    VEC result = LM_FN(select_##SUFFIX)((UVEC)(x < SPLAT(0.0f)), e * s, s);                \
    return LM_FN(select_##SUFFIX)((UVEC)(x != x), x, result);                               \
  }                                                                                        \
  /* GELU, tanh form: 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))). */               \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(gelu_tanh_##SUFFIX)(VEC x) { \
    VEC cube = SPLAT(0.044715f) * x * x * x;                                                \
    return LM_FN(tanh_##SUFFIX)(SPLAT(0.7978846f) * (x + cube));                            \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(gelu_from_tanh_##SUFFIX)( \
    VEC x, VEC t) {                                                                        \
    return SPLAT(0.5f) * x * (SPLAT(1.0f) + t);                                              \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(gelu_##SUFFIX)(VEC x) { \
    return LM_FN(gelu_from_tanh_##SUFFIX)(x, LM_FN(gelu_tanh_##SUFFIX)(x));                 \
  }                                                                                        \
  /* Its derivative: 0.5(1 + t) + 0.5 · x · (1 − t²) · √(2/π) · (1 + 3 · 0.044715 · x²). */ \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(                        \
    gelu_derivative_from_tanh_##SUFFIX)(VEC x, VEC t) {                                    \
    VEC slope = SPLAT(0.7978846f) * (SPLAT(1.0f) + SPLAT(3.0f * 0.044715f) * x * x);        \
    VEC left = SPLAT(0.5f) * (SPLAT(1.0f) + t);                                              \
    VEC right = SPLAT(0.5f) * x * (SPLAT(1.0f) - t * t) * slope;                             \
    return left + right;                                                                    \
  }                                                                                        \
  LM_TARGET static inline __attribute__((always_inline)) VEC LM_FN(gelu_derivative_##SUFFIX)( \
    VEC x) {                                                                               \
    return LM_FN(gelu_derivative_from_tanh_##SUFFIX)(x, LM_FN(gelu_tanh_##SUFFIX)(x));      \
  }

LM_DEFINE_VECTOR_MATH(wide, LM_VEC, LM_UVEC, LM_SPLAT)
#if LM_VL != 8
LM_DEFINE_VECTOR_MATH(v8, lm_v8, lm_u8, LM_SPLAT8)
#else
#define lm_v8_math_is_wide 1
#endif

// `out[i] = f(x[i])`, LM_VL at a time; the last few go through a zero-padded vector.
#define LM_DEFINE_MAP(NAME)                                                                 \
  LM_TARGET static void LM_FN(map_##NAME)(const float *x, float *out, long count) {         \
    long i = 0;                                                                            \
    for (; i + LM_VL <= count; i += LM_VL)                                                  \
      *(LM_VEC *)(out + i) = LM_FN(NAME##_wide)(*(const LM_VEC *)(x + i));                 \
    if (i < count) {                                                                       \
      LM_VEC tail = LM_SPLAT(0.0f);                                                         \
      for (long j = 0; j < count - i; j++) tail[j] = x[i + j];                              \
      LM_VEC result = LM_FN(NAME##_wide)(tail);                                             \
      for (long j = 0; j < count - i; j++) out[i + j] = result[j];                          \
    }                                                                                      \
  }
LM_DEFINE_MAP(exp)
LM_DEFINE_MAP(expm1)
LM_DEFINE_MAP(tanh)
LM_DEFINE_MAP(sigmoid)
LM_DEFINE_MAP(gelu)
LM_DEFINE_MAP(gelu_derivative)

LM_TARGET static void LM_FN(map)(LMMapFunction function, const float *x, float *out, long count) {
  switch (function) {
  case LMMapExp: LM_FN(map_exp)(x, out, count); break;
  case LMMapExpm1: LM_FN(map_expm1)(x, out, count); break;
  case LMMapTanh: LM_FN(map_tanh)(x, out, count); break;
  case LMMapSigmoid: LM_FN(map_sigmoid)(x, out, count); break;
  case LMMapGELU: LM_FN(map_gelu)(x, out, count); break;
  case LMMapGELUDerivative: LM_FN(map_gelu_derivative)(x, out, count); break;
  }
}

/// GELU that also keeps each element's tanh, so that the backward pass need not compute it
/// again; the values are those of `map_gelu`, bit for bit.
LM_TARGET static void LM_FN(gelu_keeping_tanh)(const float *x, float *out, float *t, long count) {
  long i = 0;
  for (; i + LM_VL <= count; i += LM_VL) {
    LM_VEC v = *(const LM_VEC *)(x + i);
    LM_VEC th = LM_FN(gelu_tanh_wide)(v);
    *(LM_VEC *)(t + i) = th;
    *(LM_VEC *)(out + i) = LM_FN(gelu_from_tanh_wide)(v, th);
  }
  if (i < count) {
    LM_VEC v = LM_SPLAT(0.0f);
    for (long j = 0; j < count - i; j++) v[j] = x[i + j];
    LM_VEC th = LM_FN(gelu_tanh_wide)(v);
    LM_VEC y = LM_FN(gelu_from_tanh_wide)(v, th);
    for (long j = 0; j < count - i; j++) {
      t[i + j] = th[j];
      out[i + j] = y[j];
    }
  }
}

/// `out = g · GELU′(x)` from the tanh `gelu_keeping_tanh` kept: the derivative of
/// `map_gelu_derivative`, bit for bit, times the incoming gradient.
LM_TARGET static void LM_FN(gelu_backward)(
  const float *x, const float *t, const float *g, float *out, long count)
{
  long i = 0;
  for (; i + LM_VL <= count; i += LM_VL) {
    LM_VEC d = LM_FN(gelu_derivative_from_tanh_wide)(
      *(const LM_VEC *)(x + i), *(const LM_VEC *)(t + i));
    *(LM_VEC *)(out + i) = d * *(const LM_VEC *)(g + i);
  }
  for (; i < count; i++) {
    LM_VEC d = LM_FN(gelu_derivative_from_tanh_wide)(LM_SPLAT(x[i]), LM_SPLAT(t[i]));
    out[i] = d[0] * g[i];
  }
}

#ifdef lm_v8_math_is_wide
#undef lm_v8_math_is_wide
#define LM_EXP8 LM_FN(exp_wide)
#define LM_SELECT8 LM_FN(select_wide)
#else
#define LM_EXP8 LM_FN(exp_v8)
#define LM_SELECT8 LM_FN(select_v8)
#endif

/// Softmax (or log-softmax) of one contiguous row: the maximum, then `e^{x − max}` stored
/// and summed in eight lanes, the lanes summed in order, then the scaling.
LM_TARGET static void LM_FN(softmax_row)(const float *x, long n, bool log, float *out) {
  long full = n & ~7L;
  long rest = n - full;
  // The last `rest` values, padded with −∞ (whose exponential is exactly 0).
  lm_v8 tail = LM_SPLAT8(-__builtin_inff());
  for (long j = 0; j < rest; j++) tail[j] = x[full + j];
  lm_v8 highest = LM_SPLAT8(-__builtin_inff());
  for (long k = 0; k < full; k += 8) {
    lm_v8 v = *(const lm_v8 *)(x + k);
    highest = LM_SELECT8((lm_u8)(v > highest), v, highest);
  }
  if (rest > 0) highest = LM_SELECT8((lm_u8)(tail > highest), tail, highest);
  float top = highest[0];
  for (int lane = 1; lane < 8; lane++)
    if (highest[lane] > top) top = highest[lane];
  if (top == -__builtin_inff()) top = 0;  // a fully masked row: keep it finite
  lm_v8 shift = LM_SPLAT8(top);
  lm_v8 sums = LM_SPLAT8(0.0f);
  for (long k = 0; k < full; k += 8) {
    lm_v8 e = LM_EXP8(*(const lm_v8 *)(x + k) - shift);
    *(lm_v8 *)(out + k) = e;
    sums += e;
  }
  if (rest > 0) {
    lm_v8 e = LM_EXP8(tail - shift);
    for (long j = 0; j < rest; j++) out[full + j] = e[j];
    sums += e;
  }
  float total = sums[0];
  for (int lane = 1; lane < 8; lane++) total += sums[lane];
  if (log) {
    if (total == 0) {
      // Every position was masked out: no distribution exists. −∞ rather than NaN, so a
      // padded row cannot poison the rest of the batch.
      for (long k = 0; k < n; k++) out[k] = -__builtin_inff();
      return;
    }
    // (x − top) − log Σ, not x − (top + log Σ): the latter rounds log Σ to the coarse
    // spacing of floats near `top` when the logits are large.
    float logTotal = logf(total);
    for (long k = 0; k < n; k++) out[k] = (x[k] - top) - logTotal;
  } else {
    float scale = total > 0 ? 1 / total : 0;  // a fully masked row becomes zeros, not NaN
    lm_v8 factor = LM_SPLAT8(scale);
    long k = 0;
    for (; k < full; k += 8) *(lm_v8 *)(out + k) = *(lm_v8 *)(out + k) * factor;
    for (; k < n; k++) out[k] *= scale;
  }
}

/// The pullback of one contiguous row of softmax (from its output `y`) or log-softmax.
LM_TARGET static void LM_FN(softmax_backward_row)(
  const float *g, const float *y, long n, bool log, float *out)
{
  long full = n & ~7L;
  lm_v8 sums = LM_SPLAT8(0.0f);
  float dot = 0;
  long k = 0;
  for (; k < full; k += 8) {
    lm_v8 gv = *(const lm_v8 *)(g + k);
    sums += log ? gv : gv * *(const lm_v8 *)(y + k);
  }
  for (; k < n; k++) dot += log ? g[k] : g[k] * y[k];
  float lanes = sums[0];
  for (int lane = 1; lane < 8; lane++) lanes += sums[lane];
  dot += lanes;
  lm_v8 d = LM_SPLAT8(dot);
  for (k = 0; k < full; k += 8) {
    lm_v8 gv = *(const lm_v8 *)(g + k);
    lm_v8 yv = *(const lm_v8 *)(y + k);
    // log-softmax: y holds log p, so p = e^y.
    *(lm_v8 *)(out + k) = log ? gv - LM_EXP8(yv) * d : yv * (gv - d);
  }
  for (; k < n; k++) {
    if (log) {
      lm_v8 p = LM_EXP8(LM_SPLAT8(y[k]));
      out[k] = g[k] - p[0] * dot;
    } else {
      out[k] = y[k] * (g[k] - dot);
    }
  }
}

#undef LM_EXP8
#undef LM_SELECT8
#undef LM_DEFINE_MAP
#undef LM_DEFINE_VECTOR_MATH
