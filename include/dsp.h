/*
 * dsp: small numeric helpers shared by the engine's modules.
 */
#ifndef BEATTY_DSP_H
#define BEATTY_DSP_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static inline float db_to_gain(float db) { return db <= -144.0f ? 0.0f : powf(10.0f, db / 20.0f); }
static inline float gain_to_db(float g) { return g <= 1e-8f ? -160.0f : 20.0f * log10f(g); }

/* Constant-power pan: pan -1..1 gives gains whose squares sum to 1
 * (-3 dB each at the centre). */
static inline void pan_gains(float pan, float *l, float *r)
{
	float th = (pan + 1.0f) * (float)M_PI * 0.25f;
	*l = cosf(th);
	*r = sinf(th);
}

/* A linear pan law, as FT2 modules are mixed (libxmp, the reference
 * they are measured against): left and right add up to the same level
 * wherever the channel sits, and the centre matches pan_gains(). */
static inline void pan_gains_linear(float pan, float *l, float *r)
{
	*l = (1.0f - pan) * 0.70710678f;
	*r = (1.0f + pan) * 0.70710678f;
}

/* xorshift32: a tiny deterministic noise source. */
static inline uint32_t dsp_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}
/* Uniform in [-1, 1). */
static inline float dsp_randf(uint32_t *s)
{
	return (float)(int32_t)dsp_rand(s) * (1.0f / 2147483648.0f);
}

/* Whether n floats are all +0, bit for bit (-0 is not): the input a
 * unit may skip when its state shows it would only give +0 back. */
static inline bool dsp_zero_bits(const float *p, int n)
{
	uint32_t acc = 0;
	for (int i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, p + i, sizeof(u));
		acc |= u;
	}
	return acc == 0;
}

/* n / d rounded down, for n < 2^53, d > 0 and a quotient under 2^32,
 * given inv = 1.0 / d:
 * n * inv in double is within a hair of the true quotient, so its whole
 * part is the quotient or one off it, which one product each way settles
 * exactly; a multiply where a 64-bit division costs tens of cycles. */
static inline uint32_t dsp_div_recip(uint64_t n, uint32_t d, double inv)
{
	/* through int64_t: under 2^53 either way, and the signed conversions
	 * are single instructions where the unsigned ones branch */
	uint64_t q = (uint64_t)(int64_t)((double)(int64_t)n * inv);
	if ((q + 1) * d <= n)
		q++;
	else if (q * d > n)
		q--;
	return (uint32_t)q;
}

/* Flush-to-zero and denormals-are-zero for the calling thread, so a
 * decaying tail cannot slow the CPU down; returns the previous state for
 * dsp_denormals_restore(). */
unsigned long dsp_denormals_off(void);
void dsp_denormals_restore(unsigned long saved);

#endif
