/*
 * sampler: the sample-playback voice.
 *
 * A voice walks a fractional position through the sample and reads it
 * with 4-point Catmull-Rom interpolation, the band-limited sinc below, or
 * none.  The taps around a position are taken from the signal the
 * listener will hear, not from the raw
 * array: past the end of a forward loop they wrap to its start, past
 * either end of a ping-pong loop they reflect, and outside an unlooped
 * sample they are silence.  That is what makes a loop seamless at any
 * pitch; reading the raw array there would splice in frames that are
 * never played.
 *
 *   forward:   start |-------------------->| end   then again from start
 *   ping-pong: start |-------------------->| end-1
 *                    |<--------------------|        and back, forever
 *
 * Runs on the audio thread: no allocation, no locks, no I/O, and only a
 * handful of multiplies per frame (no pow/exp in the frame loop), so a
 * small ARM core can play many voices.  The same inputs always give the
 * same output, however the frames are split into blocks.
 */
#include <math.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>
#include "note.h"
#include "sampler.h"
#include "vec4.h"

#define CHUNK        64        /* frames per envelope run */
#define START_RAMP_S 0.0015    /* fade-in when a start would click */
#define END_FADE_S   0.002     /* fade-out before a loud unlooped end */
#define NEAR_ZERO    0.01f     /* -40 dB: a jump this small does not click */
#define MAX_STEP     65536.0   /* keeps positions finite whatever freq_hz is */
#define MIN_LOOP     2         /* ping-pong needs two frames to turn between */

/* The loop as it will be played: validated so that a bad song (or a
 * sample replaced by a shorter one) cannot send a voice outside its data. */
typedef struct region {
	loop_mode_t mode;
	int64_t start, end;        /* end exclusive; LOOP_OFF: 0 and frames */
} region_t;

static void region_get(const sampler_params_t *p, region_t *r)
{
	int64_t n = p->sample.frames;
	int64_t s = p->loop_start, e = p->loop_end;
	r->mode = p->loop;
	if (s < 0)
		s = 0;
	if (e <= 0 || e > n)
		e = n;
	if ((r->mode != LOOP_FORWARD && r->mode != LOOP_PINGPONG) || e - s < MIN_LOOP) {
		r->mode = LOOP_OFF;
		s = 0;
		e = n;
	}
	r->start = s;
	r->end = e;
}

static int64_t wrap(int64_t a, int64_t m)
{
	a %= m;
	return a < 0 ? a + m : a;
}

/* Index of the frame heard at j, or -1 for silence.  Below a loop's start
 * the raw frames are used until the voice has been round once (they are
 * the attack the listener heard on the way in). */
static int64_t tap_index(const region_t *r, bool looped, int64_t n, int64_t j)
{
	switch (r->mode) {
	case LOOP_FORWARD:
		if (j >= r->end || (looped && j < r->start))
			j = r->start + wrap(j - r->start, r->end - r->start);
		break;
	case LOOP_PINGPONG: {
		int64_t span = r->end - 1 - r->start;
		if (j > r->end - 1 || (looped && j < r->start)) {
			int64_t u = wrap(j - r->start, 2 * span);
			j = r->start + (u <= span ? u : 2 * span - u);
		}
		break;
	}
	default:
		if (j >= n)
			return -1;
		break;
	}
	return j < 0 ? -1 : j;
}

/* Brings a position that left the loop back into it.  Ping-pong is
 * treated as one forward cycle of length 2 * span so that a step longer
 * than the loop itself still lands in the right place and direction. */
static void fold(const region_t *r, double *pos, int *dir)
{
	double start = (double)r->start;
	if (r->mode == LOOP_FORWARD) {
		double len = (double)(r->end - r->start);
		double u = fmod(*pos - start, len);
		*pos = start + (u < 0.0 ? u + len : u);
		return;
	}
	double span = (double)(r->end - 1 - r->start), period = 2.0 * span;
	double u = *dir > 0 ? *pos - start : period - (*pos - start);
	u = fmod(u, period);
	if (u < 0.0)
		u += period;
	if (u <= span) {
		*pos = start + u;
		*dir = 1;
	} else {
		*pos = start + period - u;
		*dir = -1;
	}
}

/* Positions at or past hi, or below lo, must be folded (or end the voice). */
static void limits(const region_t *r, int dir, double *lo, double *hi)
{
	*lo = -INFINITY;
	*hi = (double)r->end;
	if (r->mode == LOOP_PINGPONG) {
		if (dir > 0) {
			*hi = nextafter((double)(r->end - 1), INFINITY);
		} else {
			*lo = (double)r->start;
			*hi = INFINITY;
		}
	}
}

/*
 * The band-limited interpolator: a Kaiser-windowed sinc, SINC_HALF zero
 * crossings either side, with a stopband past 100 dB down.  At steps up
 * to 1 it is cut off at the sample's Nyquist frequency, so its zeros fall
 * on whole frames and a frame position returns the frame itself: a drum
 * hit at its own rate keeps every sample.  When a voice plays faster than
 * the output rate the kernel is stretched by the step and cut off at
 * SINC_CUTOFF of the output's Nyquist, so what would fold back is filtered
 * out first (up to SINC_MAX_STRETCH).
 *
 * One table holds the kernel's right half at SINC_RES points per frame;
 * a tap's weight is read between two points linearly (error under
 * -120 dB).  For steps up to 1 a second table holds the same kernel laid
 * out phase by phase, so a frame's 2 * SINC_HALF weights are two rows
 * blended by the fractional position: a loop the compiler vectorizes.
 */
#define SINC_HALF        16
#define SINC_TAPS        (2 * SINC_HALF)
#define SINC_RES         2048
#define SINC_PHASES      1024
#define SINC_BETA        10.5
#define SINC_CUTOFF      0.90
#define SINC_MAX_STRETCH 16.0
#define SINC_MAX_TAPS    (2 * (int)(SINC_HALF * SINC_MAX_STRETCH) + 2)
#define SINC_FRAC_BITS   15    /* 16 * SINC_RES of them fit an int32 */

static float sinc_half[SINC_HALF * SINC_RES + 2];
static float sinc_poly[SINC_PHASES + 1][SINC_TAPS];
static once_flag sinc_once = ONCE_FLAG_INIT;
static atomic_bool sinc_ready;

/* The series to 60 terms.  Past k = x / 2 the terms only shrink, so
 * once one no longer changes the sum none after it can: the loop stops
 * there with the sum all 60 terms give. */
static double bessel_i0(double x)
{
	double s = 1.0, t = 1.0;
	for (int k = 1; k < 60; k++) {
		t *= (x / (2.0 * k)) * (x / (2.0 * k));
		if (2.0 * k > x && s + t == s)
			break;
		s += t;
	}
	return s;
}

static double i0_beta;   /* bessel_i0(SINC_BETA), the window's scale */

/* The kernel at x frames from the centre (unit gain at DC), cut off at
 * `cutoff` of Nyquist. */
static double sinc_kernel(double x, double cutoff)
{
	double u = x / SINC_HALF;
	if (fabs(u) >= 1.0)
		return 0.0;
	double w = bessel_i0(SINC_BETA * sqrt(1.0 - u * u)) / i0_beta;
	double a = 3.14159265358979323846 * cutoff * x;
	return cutoff * (fabs(a) < 1e-12 ? 1.0 : sin(a) / a) * w;
}

static void sinc_build(void)
{
	i0_beta = bessel_i0(SINC_BETA);
	for (int i = 0; i < SINC_HALF * SINC_RES + 2; i++)
		sinc_half[i] = (float)sinc_kernel((double)i / SINC_RES, SINC_CUTOFF);
	/* Row ph: the weights of taps i - SINC_HALF + 1 .. i + SINC_HALF for a
	 * position ph / SINC_PHASES past frame i, each row scaled to sum to
	 * exactly 1 so no phase changes the level. */
	for (int ph = 0; ph <= SINC_PHASES; ph++) {
		double f = (double)ph / SINC_PHASES, sum = 0.0, w[SINC_TAPS];
		for (int k = 0; k < SINC_TAPS; k++) {
			w[k] = sinc_kernel((double)(k - SINC_HALF + 1) - f, 1.0);
			sum += w[k];
		}
		for (int k = 0; k < SINC_TAPS; k++)
			sinc_poly[ph][k] = (float)(w[k] / sum);
	}
	atomic_store(&sinc_ready, true);
}

void sampler_init(void)
{
	if (!atomic_load_explicit(&sinc_ready, memory_order_acquire))
		call_once(&sinc_once, sinc_build);
}

/* The frame heard at j, channel c, through the loop (0 for silence). */
static inline float tap_at(const float *d, const region_t *r, bool looped, int64_t frames,
                           int64_t stride, int c, int64_t lo_ok, int64_t hi_ok, int64_t j)
{
	if (j >= lo_ok && j < hi_ok)
		return d[j * stride + c];
	int64_t f = tap_index(r, looped, frames, j);
	return f < 0 ? 0.0f : d[f * stride + c];
}

/* Sums of products in eight partial sums (two vectors of four), added up
 * in a fixed order at the end, so every build gives the same result.
 * GCC's -O2 leaves such loops scalar unless they are written in vectors;
 * GCC and Clang map these to SSE or NEON registers.  Lanes of even and of
 * odd index come back apart, so one call takes a stereo frame's
 * interleaved taps against its weights written twice. */
typedef float sinc_v4 __attribute__((vector_size(16)));
typedef int32_t sinc_v4i __attribute__((vector_size(16)));

static inline sinc_v4 v4_load(const float *p)
{
	sinc_v4 v;
	memcpy(&v, p, sizeof(v));    /* unaligned */
	return v;
}

static void dot_lanes(const float *x, const float *w, int n, float *even, float *odd)
{
	sinc_v4 a0 = { 0 }, a1 = { 0 };
	int k = 0;
	for (; k + 8 <= n; k += 8) {
		a0 += v4_load(x + k) * v4_load(w + k);
		a1 += v4_load(x + k + 4) * v4_load(w + k + 4);
	}
	float a[8];
	memcpy(a, &a0, sizeof(a0));
	memcpy(a + 4, &a1, sizeof(a1));
	for (int u = 0; k < n; k++, u++)
		a[u] += x[k] * w[k];
	*even = (a[0] + a[4]) + (a[2] + a[6]);
	*odd = (a[1] + a[5]) + (a[3] + a[7]);
}

static float sum_lanes(const float *w, int n)
{
	sinc_v4 a0 = { 0 }, a1 = { 0 };
	int k = 0;
	for (; k + 8 <= n; k += 8) {
		a0 += v4_load(w + k);
		a1 += v4_load(w + k + 4);
	}
	float a[8];
	memcpy(a, &a0, sizeof(a0));
	memcpy(a + 4, &a1, sizeof(a1));
	for (int u = 0; k < n; k++, u++)
		a[u] += w[k];
	return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

/* The row of weights for a position t past a frame, steps up to 1. */
static inline void sinc_weights(float t, float *w)
{
	float fp = t * SINC_PHASES;
	int ph = (int)fp;
	if (ph >= SINC_PHASES)
		ph = SINC_PHASES - 1;
	float f = fp - (float)ph;
	const float *w0 = sinc_poly[ph], *w1 = sinc_poly[ph + 1];
	for (int k = 0; k < SINC_TAPS; k++)
		w[k] = w0[k] + f * (w1[k] - w0[k]);
}

/* One output frame at position i + t by the sinc, both channels (the
 * right one only when stereo), for a playback step `stretch` (1 at or
 * below the sample's own rate).  The weights are shared by both
 * channels.  Up to a step of 1 each sum runs tap by tap in order, as
 * run_sinc's do; stretched, the sums run in vector lanes. */
static void sinc_frame(const float *d, const region_t *r, bool looped, int64_t frames, int64_t stride,
                       bool stereo, int64_t lo_ok, int64_t hi_ok, int64_t i, float t, double stretch,
                       float *yl, float *yr)
{
	if (stretch <= 1.0) {
		float w[SINC_TAPS], al = 0.0f, ar = 0.0f;
		sinc_weights(t, w);
		int64_t first = i - SINC_HALF + 1;
		if (first >= lo_ok && first + SINC_TAPS <= hi_ok) {
			const float *q = d + first * stride;
			for (int k = 0; k < SINC_TAPS; k++)
				al += q[k * stride] * w[k];
			if (stereo)
				for (int k = 0; k < SINC_TAPS; k++)
					ar += q[k * stride + 1] * w[k];
		} else {
			for (int k = 0; k < SINC_TAPS; k++)
				al += tap_at(d, r, looped, frames, stride, 0, lo_ok, hi_ok, first + k) * w[k];
			if (stereo)
				for (int k = 0; k < SINC_TAPS; k++)
					ar += tap_at(d, r, looped, frames, stride, 1, lo_ok, hi_ok, first + k) * w[k];
		}
		*yl = al;
		*yr = stereo ? ar : al;
		return;
	}
	/* Stretched: the kernel's cut-off follows the output's Nyquist.  The
	 * weights step through the table by a constant stride, so they are
	 * read from it directly, left and right of the centre; the position
	 * on the table runs in fixed point (SINC_FRAC_BITS below the point),
	 * so its steps are exact and its fraction is one mask.  Past the
	 * table's end the kernel is zero: the last two entries are. */
	double inv = 1.0 / stretch, reach = SINC_HALF * stretch;
	int64_t first = i - (int64_t)reach, last = i + (int64_t)reach + 1;
	int n = (int)(last - first + 1);
	const double one = (double)(1 << SINC_FRAC_BITS);
	const int32_t umax = (SINC_HALF * SINC_RES) << SINC_FRAC_BITS;
	double du = inv * SINC_RES;
	int32_t u0 = (int32_t)lrint(((double)(first - i) - t) * du * one), us = (int32_t)lrint(du * one);
	float w[SINC_MAX_TAPS + 3];
	sinc_v4i u = { u0, u0 + us, u0 + 2 * us, u0 + 3 * us };
	const sinc_v4i step4 = { 4 * us, 4 * us, 4 * us, 4 * us };
	const sinc_v4i top = { umax, umax, umax, umax };
	const sinc_v4i mask = { (1 << SINC_FRAC_BITS) - 1, (1 << SINC_FRAC_BITS) - 1,
	                        (1 << SINC_FRAC_BITS) - 1, (1 << SINC_FRAC_BITS) - 1 };
	const float scale = (float)(1.0 / one);
	for (int k = 0; k < n; k += 4, u += step4) {
		sinc_v4i sg = u >> 31, a = (u ^ sg) - sg;      /* |u| */
		sinc_v4i over = a > top;
		a = (a & ~over) | (top & over);
		sinc_v4i q = a >> SINC_FRAC_BITS;
		sinc_v4 f = __builtin_convertvector(a & mask, sinc_v4) * scale;
		sinc_v4 v0 = { sinc_half[q[0]], sinc_half[q[1]], sinc_half[q[2]], sinc_half[q[3]] };
		sinc_v4 v1 = { sinc_half[q[0] + 1], sinc_half[q[1] + 1], sinc_half[q[2] + 1], sinc_half[q[3] + 1] };
		sinc_v4 wk = v0 + f * (v1 - v0);
		memcpy(w + k, &wk, sizeof(wk));
	}
	float sum = sum_lanes(w, n);
	if (!(sum > 0.0f)) {
		*yl = *yr = 0.0f;
		return;
	}
	float x[SINC_MAX_TAPS], e, o;
	if (first >= lo_ok && last < hi_ok && stride <= 2) {
		if (stereo) {
			float w2[2 * SINC_MAX_TAPS];
			for (int k = 0; k < n; k++)
				w2[2 * k] = w2[2 * k + 1] = w[k];
			dot_lanes(d + 2 * first, w2, 2 * n, yl, yr);
		} else {
			dot_lanes(d + first, w, n, &e, &o);
			*yl = *yr = e + o;
		}
	} else {
		for (int c = 0; c < (stereo ? 2 : 1); c++) {
			for (int k = 0; k < n; k++)
				x[k] = tap_at(d, r, looped, frames, stride, c, lo_ok, hi_ok, first + k);
			dot_lanes(x, w, n, &e, &o);
			*(c ? yr : yl) = e + o;
		}
		if (!stereo)
			*yr = *yl;
	}
	*yl /= sum;
	*yr /= sum;
}

/* The straight runs of the sinc at steps up to 1: every tap inside the
 * array, no loop point, no fade.  SINC_GROUP frames go at once, their
 * sums interleaved tap by tap: each frame's sum is the same chain of
 * adds, in the same order, as sinc_frame's, but the chains overlap
 * instead of each waiting on its own previous add. */
#define SINC_GROUP 4     /* the four named sums below */

static double run_sinc(const float *d, int64_t stride, bool stereo, double pos, double dstep,
                       const float *gain, float *l, float *r, int n)
{
	int j = 0;
	for (; j + SINC_GROUP <= n; j += SINC_GROUP) {
		float w[SINC_GROUP][SINC_TAPS];
		const float *q[SINC_GROUP];
		for (int g = 0; g < SINC_GROUP; g++) {
			int32_t i = (int32_t)pos;
			sinc_weights((float)(pos - (double)i), w[g]);
			q[g] = d + ((int64_t)i - SINC_HALF + 1) * stride;
			pos += dstep;
		}
		/* named sums, so they stay in registers */
		float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
		float b0 = 0.0f, b1 = 0.0f, b2 = 0.0f, b3 = 0.0f;
		if (stereo) {
			for (int k = 0; k < SINC_TAPS; k++) {
				a0 += q[0][k * stride] * w[0][k];
				a1 += q[1][k * stride] * w[1][k];
				a2 += q[2][k * stride] * w[2][k];
				a3 += q[3][k * stride] * w[3][k];
				b0 += q[0][k * stride + 1] * w[0][k];
				b1 += q[1][k * stride + 1] * w[1][k];
				b2 += q[2][k * stride + 1] * w[2][k];
				b3 += q[3][k * stride + 1] * w[3][k];
			}
		} else {
			for (int k = 0; k < SINC_TAPS; k++) {
				a0 += q[0][k] * w[0][k];
				a1 += q[1][k] * w[1][k];
				a2 += q[2][k] * w[2][k];
				a3 += q[3][k] * w[3][k];
			}
		}
		const float *gn = gain + j;
		l[j] = a0 * gn[0];
		l[j + 1] = a1 * gn[1];
		l[j + 2] = a2 * gn[2];
		l[j + 3] = a3 * gn[3];
		if (stereo) {
			r[j] = b0 * gn[0];
			r[j + 1] = b1 * gn[1];
			r[j + 2] = b2 * gn[2];
			r[j + 3] = b3 * gn[3];
		}
	}
	for (; j < n; j++) {
		int32_t i = (int32_t)pos;
		float w[SINC_TAPS], al = 0.0f, ar = 0.0f;
		sinc_weights((float)(pos - (double)i), w);
		const float *q = d + ((int64_t)i - SINC_HALF + 1) * stride;
		for (int k = 0; k < SINC_TAPS; k++)
			al += q[k * stride] * w[k];
		if (stereo)
			for (int k = 0; k < SINC_TAPS; k++)
				ar += q[k * stride + 1] * w[k];
		l[j] = al * gain[j];
		if (stereo)
			r[j] = ar * gain[j];
		pos += dstep;
	}
	return pos;
}

static inline float cubic(float xm1, float x0, float x1, float x2, float t)
{
	float c1 = 0.5f * (x1 - xm1);
	float c2 = xm1 - 2.5f * x0 + 2.0f * x1 - 0.5f * x2;
	float c3 = 0.5f * (x2 - xm1) + 1.5f * (x0 - x1);
	return ((c3 * t + c2) * t + c1) * t + x0;
}

/* cubic() in four lanes: the same operations in the same order, lane by
 * lane, so each lane gives the scalar result's bits. */
static inline sinc_v4 cubic4(sinc_v4 xm1, sinc_v4 x0, sinc_v4 x1, sinc_v4 x2, sinc_v4 t)
{
	const sinc_v4 half = { 0.5f, 0.5f, 0.5f, 0.5f }, two = { 2.0f, 2.0f, 2.0f, 2.0f };
	const sinc_v4 two5 = { 2.5f, 2.5f, 2.5f, 2.5f }, one5 = { 1.5f, 1.5f, 1.5f, 1.5f };
	sinc_v4 c1 = half * (x1 - xm1);
	sinc_v4 c2 = xm1 - two5 * x0 + two * x1 - half * x2;
	sinc_v4 c3 = half * (x2 - xm1) + one5 * (x0 - x1);
	return ((c3 * t + c2) * t + c1) * t + x0;
}

/* The four taps around a mono position, its fraction in *t; the
 * position moves on by one step. */
static inline sinc_v4 taps4(const float *d, double *pos, double dstep, float *t)
{
	int32_t i = (int32_t)*pos;
	*t = (float)(*pos - (double)i);
	*pos += dstep;
	return v4_load(d + i - 1);
}

/* The straight runs: every tap inside the array, no loop point, no
 * fade.  Kept free of branches so the compiler can schedule them well.
 * A mono run takes four frames at a time: the positions still advance
 * one add per frame (the same sums), each frame's four taps come in one
 * load, and the interpolation runs across the four frames in vector
 * lanes. */
static double run_cubic1(const float *d, double pos, double dstep, const float *gain,
                         float *l, int n)
{
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		float t0, t1, t2, t3;
		sinc_v4 a = taps4(d, &pos, dstep, &t0), b = taps4(d, &pos, dstep, &t1);
		sinc_v4 c = taps4(d, &pos, dstep, &t2), e = taps4(d, &pos, dstep, &t3);
		/* a..e hold each frame's taps: transposed, each vector holds
		 * one tap of the four frames */
		sinc_v4 ab_lo = V4_SHUFFLE(a, b, 0, 4, 1, 5), ce_lo = V4_SHUFFLE(c, e, 0, 4, 1, 5);
		sinc_v4 ab_hi = V4_SHUFFLE(a, b, 2, 6, 3, 7), ce_hi = V4_SHUFFLE(c, e, 2, 6, 3, 7);
		sinc_v4 xm1 = V4_SHUFFLE(ab_lo, ce_lo, 0, 1, 4, 5), x0 = V4_SHUFFLE(ab_lo, ce_lo, 2, 3, 6, 7);
		sinc_v4 x1 = V4_SHUFFLE(ab_hi, ce_hi, 0, 1, 4, 5), x2 = V4_SHUFFLE(ab_hi, ce_hi, 2, 3, 6, 7);
		sinc_v4 tv = { t0, t1, t2, t3 };
		sinc_v4 y = cubic4(xm1, x0, x1, x2, tv) * v4_load(gain + j);
		memcpy(l + j, &y, sizeof(y));
	}
	for (; j < n; j++) {
		int32_t i = (int32_t)pos;
		float t = (float)(pos - (double)i);
		const float *q = d + i - 1;
		l[j] = cubic(q[0], q[1], q[2], q[3], t) * gain[j];
		pos += dstep;
	}
	return pos;
}

/* Both sides of two stereo frames in one vector: lanes left, right of the
 * first frame, then of the second.  A and B are each frame's taps as
 * loaded (frames i - 1, i, then i + 1, i + 2, interleaved). */
static inline sinc_v4 cubic_pair(sinc_v4 a0, sinc_v4 b0, sinc_v4 a1, sinc_v4 b1, float t0, float t1,
                                 float g0, float g1)
{
	sinc_v4 xm1 = V4_SHUFFLE(a0, a1, 0, 1, 4, 5), x0 = V4_SHUFFLE(a0, a1, 2, 3, 6, 7);
	sinc_v4 x1 = V4_SHUFFLE(b0, b1, 0, 1, 4, 5), x2 = V4_SHUFFLE(b0, b1, 2, 3, 6, 7);
	sinc_v4 t = { t0, t0, t1, t1 }, g = { g0, g0, g1, g1 };
	return cubic4(xm1, x0, x1, x2, t) * g;
}

/* The stereo runs, four frames at a time as two pairs, the positions one
 * add per frame as in the mono runs. */
static double run_cubic2(const float *d, double pos, double dstep, const float *gain,
                         float *l, float *r, int n)
{
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		sinc_v4 a[4], b[4];
		float t[4];
		for (int g = 0; g < 4; g++) {
			int32_t i = (int32_t)pos;
			t[g] = (float)(pos - (double)i);
			const float *q = d + 2 * ((ptrdiff_t)i - 1);
			a[g] = v4_load(q);
			b[g] = v4_load(q + 4);
			pos += dstep;
		}
		sinc_v4 y01 = cubic_pair(a[0], b[0], a[1], b[1], t[0], t[1], gain[j], gain[j + 1]);
		sinc_v4 y23 = cubic_pair(a[2], b[2], a[3], b[3], t[2], t[3], gain[j + 2], gain[j + 3]);
		sinc_v4 yl = V4_SHUFFLE(y01, y23, 0, 2, 4, 6), yr = V4_SHUFFLE(y01, y23, 1, 3, 5, 7);
		memcpy(l + j, &yl, sizeof(yl));
		memcpy(r + j, &yr, sizeof(yr));
	}
	for (; j < n; j++) {
		int32_t i = (int32_t)pos;
		float t = (float)(pos - (double)i);
		const float *q = d + 2 * ((ptrdiff_t)i - 1);
		l[j] = cubic(q[0], q[2], q[4], q[6], t) * gain[j];
		r[j] = cubic(q[1], q[3], q[5], q[7], t) * gain[j];
		pos += dstep;
	}
	return pos;
}

/* fmin and fmax as the C library has them (a NaN gives way to the other
 * side), inline: at -O2 they are calls. */
static inline double min_d(double a, double b)
{
	return a < b || b != b ? a : b;
}

static inline double max_d(double a, double b)
{
	return a > b || b != b ? a : b;
}

static float frame_peak(const sample_t *s, int64_t f)
{
	float m = 0.0f;
	for (int c = 0; c < s->channels; c++) {
		float a = fabsf(s->data[f * s->channels + c]);
		if (a > m)
			m = a;
	}
	return m;
}

double sampler_step(const sampler_params_t *p, double freq_hz, float rate)
{
	if (!(rate > 0.0f) || p->sample.rate <= 0)
		return 0.0;
	double root = note_to_hz(p->root);
	return freq_hz * exp2(p->finetune / 1200.0) / root * (double)p->sample.rate / (double)rate;
}

/* A fade-in not yet under way may be lengthened; one that is running
 * is left as it is. */
void sampler_voice_fade_in(sampler_voice_t *v, double seconds)
{
	if (v->ended || v->ramp != v->ramp_len)
		return;
	int len = (int)lrint(seconds * (double)v->rate);
	if (len < 1)
		len = 1;
	if (len > v->ramp_len)
		v->ramp = v->ramp_len = len;
}

void sampler_voice_declick(sampler_voice_t *v)
{
	sampler_voice_fade_in(v, START_RAMP_S);
}

void sampler_voice_start(sampler_voice_t *v, const sampler_params_t *p, float rate, int64_t offset)
{
	const sample_t *s = &p->sample;
	bool sounding = env_active(&v->amp) && v->amp.level > 0.0f;
	v->rate = rate;
	v->step_ok = false;
	v->pos = 0.0;
	v->dir = 1;
	v->ended = false;
	v->looped = false;
	v->end_fade = false;
	v->ramp = v->ramp_len = 0;
	if (offset < 0)
		offset = 0;
	if (!s->data || s->frames <= 0 || s->channels < 1 || s->rate <= 0 || !(rate > 0.0f) ||
	    offset >= s->frames) {
		v->ended = true;
		return;
	}

	region_t r;
	region_get(p, &r);
	v->pos = (double)offset;
	if (r.mode != LOOP_OFF && offset >= r.end) {
		fold(&r, &v->pos, &v->dir);
		v->looped = true;
	}
	env_start_open(&v->amp, &p->amp, rate);

	/* A start at frame 0 is the sample's own attack: it plays whole, its
	 * first frame at full level, however loud.  A start that cuts into
	 * the sample, or into the sound this voice was making, would click:
	 * that one fades in. */
	if (offset > 0 || sounding)
		sampler_voice_declick(v);
	v->end_fade = frame_peak(s, s->frames - 1) > NEAR_ZERO;
}

void sampler_voice_start_slice(sampler_voice_t *v, const sampler_params_t *p, float rate, int k,
                               double ratio)
{
	const sample_t *s = &p->sample;
	if (k < 0 || k >= p->nslices) {
		v->ended = true;
		return;
	}
	int64_t from = p->slice[k];
	int64_t to = k + 1 < p->nslices ? p->slice[k + 1] : s->frames;
	sampler_voice_start(v, p, rate, from);
	if (v->ended || to <= from)
		return;
	v->stop = to < s->frames ? to : 0;
	v->ratio = ratio;
	/* a slice ends mid-waveform: fade it out unless it is quiet there */
	if (v->stop > 0)
		v->end_fade = frame_peak(s, v->stop - 1) > NEAR_ZERO;
}

void sampler_voice_release(sampler_voice_t *v, const sampler_params_t *p)
{
	env_release(&v->amp, &p->amp);
}

void sampler_voice_kill(sampler_voice_t *v, float seconds)
{
	env_kill(&v->amp, seconds);
}

bool sampler_voice_active(const sampler_voice_t *v)
{
	return !v->ended && env_active(&v->amp);
}

/* The playback step, computed again only when one of its inputs has
 * changed since the last block (the same expression, so the same bits). */
static double voice_step(sampler_voice_t *v, const sampler_params_t *p, double freq_hz)
{
	if (!v->step_ok || v->step_freq != freq_hz || v->step_finetune != p->finetune ||
	    v->step_root != p->root || v->step_srate != p->sample.rate) {
		v->step = sampler_step(p, freq_hz, v->rate);
		v->step_freq = freq_hz;
		v->step_finetune = p->finetune;
		v->step_root = p->root;
		v->step_srate = p->sample.rate;
		v->step_ok = true;
	}
	return v->step;
}

/* The voice's frames into l, and into r only when the sample is stereo
 * (r may then be NULL): a mono sample's right side is its left. */
static bool render(sampler_voice_t *v, const sampler_params_t *p, double freq_hz,
                   float *l, float *r, int n)
{
	const sample_t *s = &p->sample;
	if (n <= 0)
		return sampler_voice_active(v);
	if (!s->data || s->frames <= 0 || s->channels < 1)
		v->ended = true;
	if (!sampler_voice_active(v)) {
		memset(l, 0, (size_t)n * sizeof(float));
		if (r)
			memset(r, 0, (size_t)n * sizeof(float));
		return false;
	}

	region_t rg;
	region_get(p, &rg);
	const float *d = s->data;
	int64_t frames = s->frames;
	if (v->stop > 0 && v->stop < frames) {   /* a slice: unlooped, ends early */
		rg.mode = LOOP_OFF;
		rg.start = 0;
		rg.end = frames = v->stop;
	}
	const int64_t stride = s->channels;
	const bool stereo = s->channels >= 2;
	double step = voice_step(v, p, freq_hz);
	if (v->ratio > 0.0)
		step *= v->ratio;
	if (!(step >= 0.0))
		step = 0.0;
	if (step > MAX_STEP)
		step = MAX_STEP;

	double pos = v->pos;
	/* Within a call the position never exceeds the larger of where it
	 * starts and the sample's end.  When both fit an int32 (always, for
	 * loaded samples) the frame index is taken with a 32-bit conversion:
	 * on 32-bit ARM the 64-bit one is a library call, once per frame. */
	const bool narrow = frames < INT32_MAX - 8 && pos < (double)(INT32_MAX - 8);
	int dir = v->dir;
	bool looped = v->looped;
	double dstep = dir * step, lo, hi;
	limits(&rg, dir, &lo, &hi);
	/* Taps inside [lo_ok, hi_ok) are read straight from the array. */
	int64_t lo_ok = looped && rg.mode != LOOP_OFF ? rg.start : 0, hi_ok = rg.end;
	/* The end fade runs over the last END_FADE_S of output time. */
	double fade_from = INFINITY, fade_inv = 0.0;
	if (rg.mode == LOOP_OFF && v->end_fade && step > 0.0) {
		double len = step * END_FADE_S * v->rate;
		fade_from = (double)frames - len;
		fade_inv = 1.0 / len;
	}
	const float ramp_inv = v->ramp_len > 0 ? 1.0f / (float)v->ramp_len : 0.0f;
	const interp_t interp = v->interp == INTERP_SINC || v->interp == INTERP_NONE ? v->interp : INTERP_CUBIC;
	const bool cubic_mode = interp == INTERP_CUBIC;
	const double stretch = step > SINC_MAX_STRETCH ? SINC_MAX_STRETCH : step;
	if (interp == INTERP_SINC)
		sampler_init();
	/* The taps a straight run reads: frames i - before .. i + after. */
	const bool sinc_run = interp == INTERP_SINC && stretch <= 1.0;
	const int before = sinc_run ? SINC_HALF - 1 : 1, after = sinc_run ? SINC_HALF : 2;

	int k = 0;
	float gain[CHUNK];
	bool live = true;
	while (k < n && live && !v->ended) {
		int m = n - k < CHUNK ? n - k : CHUNK;
		env_run(&v->amp, &p->amp, gain, m);
		/* Frames after the envelope ended are left to the zero fill
		 * below, so the silence is the same (+0.0, not a mix of signed
		 * zeros) however the caller splits its blocks. */
		if (!env_active(&v->amp)) {
			live = false;
			while (m > 0 && gain[m - 1] == 0.0f)
				m--;
		}
		/* The start ramp scales the envelope, in the same order of
		 * operations as a per-frame test would. */
		for (int j = 0; j < m && v->ramp > 0; j++, v->ramp--)
			gain[j] *= (float)(v->ramp_len - v->ramp) * ramp_inv;
		for (int j = 0; j < m;) {
			/* Frames that can neither leave the loop, nor read a tap
			 * outside [lo_ok, hi_ok), nor enter the end fade, go
			 * through a loop with no tests at all.  The count keeps a
			 * frame of margin, so the rounding of the position sum
			 * cannot carry it across. */
			int run = 0;
			if (!cubic_mode && !sinc_run) {
				/* none, and the stretched sinc: frame by frame below */
			} else if (narrow && step > 0.0) {
				double room;
				int64_t i0 = (int64_t)(int32_t)pos;
				if (dir > 0) {
					double top = min_d(min_d(hi, (double)(hi_ok - after)), fade_from);
					room = i0 - before >= lo_ok ? top - 1.0 - pos : -1.0;
				} else {
					double bot = max_d(lo, (double)(lo_ok + before));
					room = i0 + after < hi_ok && !(pos > fade_from) ? pos - bot - 1.0 : -1.0;
				}
				if (room > 0.0)
					run = room >= (double)(m - j) * step ? m - j : (int)(room / step);
			} else if (narrow && step == 0.0) {
				int64_t i0 = (int64_t)(int32_t)pos;
				if (i0 - before >= lo_ok && i0 + after < hi_ok && !(pos > fade_from))
					run = m - j;
			}
			if (run > 0) {
				if (sinc_run)
					pos = run_sinc(d, stride, stereo, pos, dstep, gain + j, l + k, r + k, run);
				else
					pos = stereo ? run_cubic2(d, pos, dstep, gain + j, l + k, r + k, run)
					             : run_cubic1(d, pos, dstep, gain + j, l + k, run);
				j += run;
				k += run;
				continue;
			}
			int64_t i = narrow ? (int64_t)(int32_t)pos : (int64_t)pos;
			float t = (float)(pos - (double)i);
			float yl, yr;
			if (interp == INTERP_SINC) {
				sinc_frame(d, &rg, looped, frames, stride, stereo, lo_ok, hi_ok, i, t, stretch, &yl, &yr);
			} else if (interp == INTERP_NONE) {
				yl = tap_at(d, &rg, looped, frames, stride, 0, lo_ok, hi_ok, i);
				yr = stereo ? tap_at(d, &rg, looped, frames, stride, 1, lo_ok, hi_ok, i) : yl;
			} else if (i - 1 >= lo_ok && i + 2 < hi_ok) {
				const float *q = d + (i - 1) * stride;
				yl = cubic(q[0], q[stride], q[2 * stride], q[3 * stride], t);
				yr = stereo ? cubic(q[1], q[stride + 1], q[2 * stride + 1], q[3 * stride + 1], t) : yl;
			} else {
				float x[2][4];
				for (int tp = 0; tp < 4; tp++) {
					int64_t f = tap_index(&rg, looped, frames, i - 1 + tp);
					x[0][tp] = f < 0 ? 0.0f : d[f * stride];
					x[1][tp] = f < 0 ? 0.0f : stereo ? d[f * stride + 1] : x[0][tp];
				}
				yl = cubic(x[0][0], x[0][1], x[0][2], x[0][3], t);
				yr = cubic(x[1][0], x[1][1], x[1][2], x[1][3], t);
			}
			float g = gain[j];
			if (pos > fade_from)
				g *= (float)(((double)frames - pos) * fade_inv);
			l[k] = yl * g;
			if (stereo)
				r[k] = yr * g;
			j++;
			k++;

			pos += dstep;
			if (pos >= hi || pos < lo) {
				if (rg.mode == LOOP_OFF) {
					v->ended = true;
					break;
				}
				fold(&rg, &pos, &dir);
				looped = true;
				dstep = dir * step;
				limits(&rg, dir, &lo, &hi);
				lo_ok = rg.start;
			}
		}
	}
	if (k < n) {
		memset(l + k, 0, (size_t)(n - k) * sizeof(float));
		if (stereo)
			memset(r + k, 0, (size_t)(n - k) * sizeof(float));
	}
	v->pos = pos;
	v->dir = dir;
	v->looped = looped;
	return sampler_voice_active(v);
}

static bool sample_stereo(const sampler_params_t *p)
{
	return p->sample.data && p->sample.channels >= 2;
}

bool sampler_voice_render(sampler_voice_t *v, const sampler_params_t *p, double freq_hz,
                          float *l, float *r, int n)
{
	bool stereo = sample_stereo(p);
	bool on = render(v, p, freq_hz, l, stereo ? r : NULL, n);
	if (!stereo && n > 0)
		memcpy(r, l, (size_t)n * sizeof(float));
	return on;
}

bool sampler_voice_render_lr(sampler_voice_t *v, const sampler_params_t *p, double freq_hz,
                             float *l, float *r, int n, bool *wrote_r)
{
	*wrote_r = sample_stereo(p);
	return render(v, p, freq_hz, l, *wrote_r ? r : NULL, n);
}

