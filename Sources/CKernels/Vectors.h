// Vector types shared by the kernels, and the rule that keeps their arithmetic fixed.
#ifndef LM_VECTORS_H
#define LM_VECTORS_H

// Products and sums are rounded one at a time unless a kernel asks for a fused multiply-add
// by name: the compiler must not fuse `sum += x * y` on its own, or the levels (and the
// platforms) would disagree.
#pragma STDC FP_CONTRACT OFF

// Functions that take or return vectors are all `static` and inlined into their callers, so
// no vector ever crosses a call between code built for different levels: the warning that
// the portable level passes 256-bit vectors differently does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

// Eight and sixteen floats, loadable from any float address.
typedef float lm_v8 __attribute__((vector_size(32), aligned(4)));
typedef float lm_v16 __attribute__((vector_size(64), aligned(4)));
typedef unsigned lm_u8 __attribute__((vector_size(32)));
typedef unsigned lm_u16 __attribute__((vector_size(64)));

#define LM_SPLAT8(x) ((lm_v8){(x), (x), (x), (x), (x), (x), (x), (x)})
#define LM_SPLAT16(x) \
  ((lm_v16){(x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x)})

#endif
