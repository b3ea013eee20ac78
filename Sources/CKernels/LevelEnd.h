// Ends one level's definitions (see Gemm.c and Math.c), so the next level can define its own.
#undef LM_FN
#undef LM_TARGET
#undef LM_WIDE
#undef LM_MR
#undef LM_NV
#undef LM_VEC
#undef LM_UVEC
#undef LM_VL
#undef LM_SPLAT
