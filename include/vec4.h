/*
 * vec4: four-lane float vectors for the engine's hot loops, in GCC and
 * Clang vector extensions (SSE on x86, NEON on ARM, plain code
 * elsewhere).  GCC's -O2 leaves a loop of unknown count scalar; these
 * let a loop run four frames at a time on purpose.  Each lane does what
 * the scalar code would (no reassociation, no fused multiply-add that
 * the scalar code would not get), so a loop written with them gives the
 * scalar loop's bits.
 */
#ifndef BEATTY_VEC4_H
#define BEATTY_VEC4_H

#include <stdint.h>
#include <string.h>

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* Unaligned load and store. */
static inline v4f v4f_load(const float *p)
{
	v4f v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void v4f_store(float *p, v4f v)
{
	memcpy(p, &v, sizeof(v));
}

static inline v4f v4f_splat(float x)
{
	return (v4f){ x, x, x, x };
}

/* Lanes picked from two vectors: 0..3 the first's, 4..7 the second's. */
#if defined(__clang__)
#define V4_SHUFFLE(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
#define V4_SHUFFLE(a, b, i, j, k, l) __builtin_shuffle(a, b, (v4i){ i, j, k, l })
#endif

#endif
