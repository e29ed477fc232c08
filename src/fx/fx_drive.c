/*
 * fx_drive: saturation, oversampled four times.
 *
 *   wet: x drive -> up to 2x -> up to 4x -> shaper (ADAA) -> down to 2x
 *        -> down to 1x -> DC block -> x output
 *   dry: delayed by DRV_LATENCY frames, as much as the wet path
 *   out = dry (1 - mix) + wet mix
 *
 * Curves, for x = input * drive (all with slope 1 at 0):
 *   soft  s(x) = q(x / 1.875), q(u) = (15u - 10u^3 + 3u^5) / 8 for |u| < 1,
 *         sign(u) beyond: smooth like tanh (continuous to the second
 *         derivative where it flattens), odd, so odd harmonics only.
 *   tube  s(x + 0.25) - s(0.25): the soft curve off centre, so the two
 *         half-waves flatten differently: even harmonics, and a DC offset
 *         that the DC blocker (one pole, 5 Hz) takes out again.
 *   fold  sin(x): a smooth wavefolder, bounded by 1.
 *
 * Aliasing is fought twice.  The shaper runs at four times the rate, and
 * there it is first-order antiderivative anti-aliased (ADAA): the output is
 * the mean of the curve over the segment between two input samples,
 * (F(x[n]) - F(x[n-1])) / (x[n] - x[n-1]) with F the curve's integral
 * (polynomial for soft and tube, closed form for fold), which suppresses
 * the partials that would fold back inside the fast rate.  The shaper
 * runs in float, four samples at a time (see "curves" below).  The filters
 * are Kaiser-windowed sincs designed at init (all figures as fractions of
 * the rate, so they hold at any rate; here in kHz at 48 kHz):
 *   up 1    47 taps, half-band at 2x
 *   up 2    23 taps, half-band at 4x
 *   down 2  18 taps at 4x
 *   down 1  79 taps at 2x, centred on 22 kHz
 * The last one is not a half-band on purpose: a half-band would let
 * partials between 24 and 28 kHz fold back into 20..24 kHz nearly whole.
 * Measured, a 5 kHz sine driven by 36 dB leaves aliases 52.6 dB below the
 * fundamental across the whole band (without ADAA: 29 dB; without
 * oversampling: 11 dB); 7, 11, 13, 15 and 19 kHz sines driven by 6 to
 * 24 dB leave them 61 dB down or more.  The wet path, ADAA's averaging
 * included, reads -0.1 dB at 10 kHz, -0.4 dB at 18 kHz and -0.7 dB at 20 kHz.
 * (Up 1 and down 1 were 71 and 103 taps long: the aliasing figures were
 * the same within 0.1 dB on the 5 kHz sine, and 20 kHz was 0.2 dB
 * higher, for 20% more work.)
 *
 * Latency: the linear-phase filters, and ADAA's half sample at 4x, delay
 * the wet signal by exactly DRV_LATENCY frames (lengths chosen so the sum
 * is whole); the dry signal is delayed as much before mixing, and
 * latency() reports it.  The output gain acts on the driven signal only,
 * so it can be matched to the dry one; mix 0 gives the delayed input
 * exactly.
 *
 * Drive, output and mix glide per sample; a change of curve crossfades
 * the two curves over DRV_FADE_S.  The state is plain memory (drive_t);
 * process() never allocates.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "simd.h"

#define DRV_CHUNK     64        /* frames per internal pass */
#define DRV_GLIDE_S   0.005     /* drive, output and mix glide, seconds */
#define DRV_FADE_S    0.01      /* curve crossfade, seconds */
#define DRV_DC_HZ     5.0
#define SOFT_KNEE     1.875     /* where the soft curve reaches 1: 15/8 */
#define TUBE_BIAS     0.25
#define KAISER_BETA   6.755     /* about 70 dB of sidelobe suppression */

/* Filter lengths; UP taps are per polyphase branch. */
#define UP1_LEN   47
#define UP2_LEN   23
#define DN2_LEN   18
#define DN1_LEN   79
#define UP1_TAPS  ((UP1_LEN + 1) / 2)      /* 24: even branch */
#define UP2_TAPS  ((UP2_LEN + 1) / 2)      /* 12 */
/* The wet path's delay in half-samples at 4x, eight to a frame: up 1 23
 * at 2x (92), up 2 11 (22), ADAA 1/2 (1), down 2 8.5 (17), down 1 39 at
 * 2x (156): 288, 36 frames. */
#define DRV_LATENCY ((2 * (UP1_LEN - 1) + (UP2_LEN - 1) + 1 + (DN2_LEN - 1) + 2 * (DN1_LEN - 1)) / 8)
_Static_assert((2 * (UP1_LEN - 1) + (UP2_LEN - 1) + 1 + (DN2_LEN - 1) + 2 * (DN1_LEN - 1)) % 8 == 0,
               "the wet path's delay must be a whole number of frames");
_Static_assert((UP1_LEN - 3) % 4 == 0 && (UP2_LEN - 3) % 4 == 0, "half-bands are 4k + 3 long");

enum { P_DRIVE, P_CURVE, P_MIX, P_OUTPUT, P_COUNT };
enum { CURVE_SOFT, CURVE_TUBE, CURVE_FOLD, NCURVES };

static const char *const curve_names[] = { "soft", "tube", "fold", NULL };

static const fx_param_desc_t drive_params[P_COUNT] = {
	[P_DRIVE]  = { "drive",  0.0f,   48.0f,  12.0f,  "dB", false, NULL },
	[P_CURVE]  = { "curve",  0.0f,   2.0f,   0.0f,   "",   false, curve_names },
	[P_MIX]    = { "mix",    0.0f,   100.0f, 100.0f, "%",  false, NULL },
	[P_OUTPUT] = { "output", -24.0f, 12.0f,  0.0f,   "dB", false, NULL },
};

/* One side's filter memories: each buffer holds the history its filter
 * needs, then the chunk being worked on.  After a chunk the tail moves
 * to the front. */
typedef struct side {
	float up1[UP1_TAPS - 1 + DRV_CHUNK];           /* 1x */
	float up2[UP2_TAPS - 1 + 2 * DRV_CHUNK];       /* 2x */
	float dn2[DN2_LEN - 1 + 4 * DRV_CHUNK];        /* 4x, shaped */
	float dn1[DN1_LEN - 1 + 2 * DRV_CHUNK];        /* 2x */
	float dry[DRV_LATENCY + DRV_CHUNK];            /* history, then the chunk */
	float x1;                                      /* shaper's last input */
	float dc_x1, dc_y1;
} side_t;

/* A decimator's taps by the half of the input they meet. */
typedef struct decim {
	int len, ne, no;              /* taps; of them on even, odd inputs */
	float even[DN1_LEN], odd[DN1_LEN];
} decim_t;

typedef struct drive {
	float up1_h[UP1_TAPS], up2_h[UP2_TAPS];
	decim_t dn2, dn1;
	float glide, fade_step, dc_pole;
	float drive_t, out_t, mix_t;       /* linear targets */
	float drive, out, mix;
	int curve, old_curve;              /* old_curve: fading out while fade < 1 */
	float fade;
	bool wide;                         /* the filters run eight lanes wide */
	side_t side[2];
} drive_t;

/* ------------------------------------------------------------------ */
/* filter design                                                        */

static double bessel_i0(double x)
{
	double s = 1, t = 1;
	for (int k = 1; k < 50 && t > 1e-12 * s; k++) {
		t *= (x / (2 * k)) * (x / (2 * k));
		s += t;
	}
	return s;
}

/* Kaiser-windowed sinc low-pass, cutoff fc (cycles per sample), DC gain 1. */
static void kaiser_lowpass(double *h, int n, double fc)
{
	double c = (n - 1) / 2.0, sum = 0;
	for (int i = 0; i < n; i++) {
		double m = i - c, r = m / c;
		double sinc = fabs(m) < 1e-9 ? 2 * fc : sin(2 * M_PI * fc * m) / (M_PI * m);
		h[i] = sinc * bessel_i0(KAISER_BETA * sqrt(fmax(0.0, 1 - r * r))) / bessel_i0(KAISER_BETA);
		sum += h[i];
	}
	for (int i = 0; i < n; i++)
		h[i] /= sum;
}

/* The even polyphase branch of a half-band interpolator, gain 1 at DC
 * (the odd branch is its centre tap, 1/2, times the stuffing gain 2: a
 * plain delay).  Taps on even offsets from the centre are zero by design
 * and are dropped. */
static void halfband_branch(float *br, int n)
{
	double h[UP1_LEN], sum = 0;
	kaiser_lowpass(h, n, 0.25);
	for (int j = 0; j < (n + 1) / 2; j++)
		sum += h[2 * j];
	for (int j = 0; j < (n + 1) / 2; j++)    /* oldest tap first */
		br[j] = (float)(h[n - 1 - 2 * j] / sum);
}

/* Output i takes input 2i + len - 1 - k through tap k: with p = len - 1 - k,
 * the (p >> 1)th sample after i in the half p & 1. */
static void decim_design(decim_t *d, const double *h, int len)
{
	d->len = len;
	d->ne = d->no = 0;
	for (int p = 0; p < len; p++) {
		if (p & 1)
			d->odd[d->no++] = (float)h[len - 1 - p];
		else
			d->even[d->ne++] = (float)h[len - 1 - p];
	}
}

static void design(drive_t *d)
{
	double h[DN1_LEN];
	halfband_branch(d->up1_h, UP1_LEN);
	halfband_branch(d->up2_h, UP2_LEN);
	kaiser_lowpass(h, DN2_LEN, 0.25);
	decim_design(&d->dn2, h, DN2_LEN);
	/* Pass to 20/96, stop from 24/96 of the doubled rate: centre 22/96. */
	kaiser_lowpass(h, DN1_LEN, 22.0 / 96.0);
	decim_design(&d->dn1, h, DN1_LEN);
}

/* ------------------------------------------------------------------ */
/* curves                                                               */

/*
 * The shaper works in float and without branches, so the compiler runs
 * eight samples at once.  In u = x / SOFT_KNEE the soft curve is
 * q(u) = P'(u), P(u) = (7.5u^2 - 2.5u^4 + 0.5u^6) / 8 inside |u| < 1, and
 * P(c) + |u| - |c| with c = clamp(u, -1, 1) everywhere.  The mean of q
 * between two inputs is (P(ub) - P(ua)) / (ub - ua): inside the knee that
 * is the divided difference of a polynomial, itself a polynomial in ua and
 * ub (dp() below), so no division and no cancellation however close the
 * inputs lie.  Only a segment reaching past the knee divides, and there
 * every difference taken is exact (the operands lie within a factor of two
 * of each other), so float loses nothing that matters; a segment shorter
 * than ADAA_EPS across the knee takes the curve at its midpoint instead
 * (q is flat to the second derivative there: error under 1e-7).
 */
#define ADAA_EPS 1e-3f

/* Four floats as one value: GCC and Clang map it to SSE or NEON registers,
 * and to plain scalar code where there are none (GCC's -O2 leaves loops
 * like these scalar unless told in these words).  Comparisons give masks
 * of all ones or zeros, lane by lane. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef uint32_t v4u __attribute__((vector_size(16)));

static inline v4f v4_set(float x)
{
	return (v4f){ x, x, x, x };
}

static inline v4f v4_load(const float *p)
{
	v4f v;
	memcpy(&v, p, sizeof(v));    /* unaligned */
	return v;
}

static inline void v4_store(float *p, v4f v)
{
	memcpy(p, &v, sizeof(v));
}

/* The shaper's vectors: eight floats, one AVX register, or two SSE or
 * NEON registers (the compiler splits them) where there is no AVX; the
 * shaper is compiled both ways and picks at run time (drive_t's wide).
 * Lane by lane the arithmetic is the same either way.  Its helpers are
 * always inlined, so no such vector crosses a call. */
#define SV_N 8
typedef float sv __attribute__((vector_size(4 * SV_N)));
typedef int32_t svi __attribute__((vector_size(4 * SV_N)));
typedef uint32_t svu __attribute__((vector_size(4 * SV_N)));
#define SV_INLINE static inline __attribute__((always_inline))

/* (GCC's note that such vectors change the calling convention is off in
 * configure: they never cross a call.) */

SV_INLINE sv sv_set(float x)
{
	return (sv){ x, x, x, x, x, x, x, x };
}

SV_INLINE svi sv_int(int32_t x)
{
	return (svi){ x, x, x, x, x, x, x, x };
}

SV_INLINE sv sv_load(const float *p)
{
	sv v;
	memcpy(&v, p, sizeof(v));    /* unaligned */
	return v;
}

SV_INLINE void sv_store(float *p, sv v)
{
	memcpy(p, &v, sizeof(v));
}

/* m ? a : b, lane by lane */
SV_INLINE sv sv_sel(svi m, sv a, sv b)
{
	return (sv)((m & (svi)a) | (~m & (svi)b));
}

/* Whether every lane of a mask is set. */
SV_INLINE bool sv_all(svi m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5] & m[6] & m[7]) != 0;
}

SV_INLINE sv sv_abs(sv x)
{
	return (sv)((svi)x & sv_int(0x7fffffff));
}

SV_INLINE sv sv_clamp1(sv u)
{
	sv one = sv_set(1.0f);
	u = sv_sel(u > one, one, u);
	return sv_sel(u < -one, -one, u);
}

SV_INLINE sv soft_q(sv u)
{
	sv u2 = u * u;
	return u * (sv_set(15.0f) - sv_set(10.0f) * u2 + sv_set(3.0f) * u2 * u2) * sv_set(0.125f);
}

/* (P(b) - P(a)) / (b - a) for |a|, |b| <= 1. */
SV_INLINE sv soft_dp(sv a, sv b)
{
	sv a2 = a * a, b2 = b * b;
	return (a + b) * (sv_set(7.5f) - sv_set(2.5f) * (a2 + b2) +
	                  sv_set(0.5f) * (a2 * a2 + a2 * b2 + b2 * b2)) * sv_set(0.125f);
}

/* The mean of the soft curve, shifted by bias, between a and b. */
SV_INLINE sv soft_mean(sv a, sv b, float bias)
{
	sv inv = sv_set(1.0f / (float)SOFT_KNEE), vb = sv_set(bias);
	sv ua = (a + vb) * inv, ub = (b + vb) * inv;
	sv ca = sv_clamp1(ua), cb = sv_clamp1(ub), d = ub - ua;
	sv dp = soft_dp(ca, cb);
	svi inside = (ca == ua) & (cb == ub);
	if (sv_all(inside))
		return dp;     /* the usual case: no division, no midpoint */
	svi close = sv_abs(d) < sv_set(ADAA_EPS);
	sv num = (cb - ca) * dp + ((sv_abs(ub) - sv_abs(cb)) - (sv_abs(ua) - sv_abs(ca)));
	sv across = num / sv_sel(close, sv_set(1.0f), d);
	sv mid = soft_q(sv_clamp1(sv_set(0.5f) * (ua + ub)));
	return sv_sel(inside, dp, sv_sel(close, mid, across));
}

/* sin(x) for the folder: x = k pi + r with |r| <= pi/2 (pi in three parts,
 * so r is exact for any argument the folder sees), then the Taylor series
 * to r^11 (error below 6e-8).  Arguments are clamped to +-1e5, which also
 * keeps a NaN from reaching the integer conversion. */
SV_INLINE sv fold_sin(sv x)
{
	sv big = sv_set(1e5f);
	x = sv_sel(x == x, x, sv_set(0.0f));
	x = sv_sel(x > big, big, sv_sel(x < -big, -big, x));
	sv kf = x * sv_set((float)(1.0 / M_PI));
	kf += sv_sel(kf >= sv_set(0.0f), sv_set(0.5f), sv_set(-0.5f));
	svi k = __builtin_convertvector(kf, svi);      /* truncates: rounds to nearest */
	sv fk = __builtin_convertvector(k, sv);
	sv r = ((x - fk * sv_set(3.140625f)) - fk * sv_set(9.67502593994140625e-4f)) -
	        fk * sv_set(1.509957990978376432e-7f);
	sv r2 = r * r;
	sv p = r * (sv_set(1.0f) + r2 * (sv_set(-1.0f / 6) + r2 * (sv_set(1.0f / 120) +
	        r2 * (sv_set(-1.0f / 5040) + r2 * (sv_set(1.0f / 362880) +
	        r2 * sv_set(-1.0f / 39916800))))));
	return (sv)((svu)p ^ ((svu)k << 31));          /* odd k: minus */
}

/* The folder's mean between a and b: (cos a - cos b) / (b - a) =
 * sin(mid) sin(h) / h, h half the step: exact, never ill-conditioned. */
SV_INLINE sv fold_mean(sv a, sv b)
{
	sv h = sv_set(0.5f) * (b - a);
	svi tiny = sv_abs(h) < sv_set(1e-6f);
	sv sinc = sv_sel(tiny, sv_set(1.0f), fold_sin(h) / sv_sel(tiny, sv_set(1.0f), h));
	return fold_sin(a + h) * sinc;
}

/* Soft and tube are one formula: s(x + bias) - s(bias), bias 0 for soft;
 * its mean over a segment is that of s, shifted, less s(bias). */
static float curve_bias(int curve)
{
	return curve == CURVE_TUBE ? TUBE_BIAS : 0.0f;
}

/* Shapes n samples at 4x (n a multiple of 4): each output is the curve's
 * mean over the segment from the previous input to this one.  *x1 carries
 * the last input across calls; in and out may be the same array.  With
 * mix, the result is instead faded in over what out already holds:
 * out = out + mix[i] (shaped - out), for the curve crossfade.  A last
 * four samples (n not a multiple of 8) go through in a padded copy. */
SV_INLINE void shape_body(int curve, float *x1, const float *in, float *out, int n, const float *mix)
{
	float prev[4 * DRV_CHUNK];
	prev[0] = *x1;
	memcpy(prev + 1, in, (size_t)(n - 1) * sizeof(float));
	*x1 = in[n - 1];
	float bias = curve_bias(curve);
	sv lin = soft_q(sv_set(bias / (float)SOFT_KNEE));
	for (int i = 0; i < n; i += SV_N) {
		float pa[SV_N] = { 0 }, pb[SV_N] = { 0 }, po[SV_N] = { 0 }, pm[SV_N] = { 0 };
		const float *ta = prev + i, *tb = in + i, *tm = mix ? mix + i : NULL;
		float *to = out + i;
		int m = n - i < SV_N ? n - i : SV_N;
		if (m < SV_N) {
			memcpy(pa, ta, (size_t)m * sizeof(float));
			memcpy(pb, tb, (size_t)m * sizeof(float));
			memcpy(po, to, (size_t)m * sizeof(float));
			if (mix)
				memcpy(pm, tm, (size_t)m * sizeof(float));
			ta = pa, tb = pb, to = po, tm = mix ? pm : NULL;
		}
		sv a = sv_load(ta), b = sv_load(tb);
		sv y = curve == CURVE_FOLD ? fold_mean(a, b) : soft_mean(a, b, bias) - lin;
		if (tm) {
			sv o = sv_load(to);
			y = o + sv_load(tm) * (y - o);
		}
		sv_store(to, y);
		if (m < SV_N)
			memcpy(out + i, po, (size_t)m * sizeof(float));
	}
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
__attribute__((target("avx")))
static void shape_wide(int curve, float *x1, const float *in, float *out, int n, const float *mix)
{
	shape_body(curve, x1, in, out, n, mix);
}
#else
static void shape_wide(int curve, float *x1, const float *in, float *out, int n, const float *mix)
{
	shape_body(curve, x1, in, out, n, mix);
}
#endif

static void shape_narrow(int curve, float *x1, const float *in, float *out, int n, const float *mix)
{
	shape_body(curve, x1, in, out, n, mix);
}

static void shape(bool wide, int curve, float *x1, const float *in, float *out, int n, const float *mix)
{
	if (wide)
		shape_wide(curve, x1, in, out, n, mix);
	else
		shape_narrow(curve, x1, in, out, n, mix);
}

/* ------------------------------------------------------------------ */
/* processing                                                           */

/*
 * The filters work out FIR_BLOCK neighbouring outputs at a time, tap by
 * tap: that many independent sums (each adding its taps in a fixed order),
 * which the compiler turns into a few vector operations in flight at once
 * instead of one long chain of dependent additions.  The decimators split
 * their input into even and odd samples first, so that every tap reads
 * neighbouring values there too.
 */
#define FIR_BLOCK 32
_Static_assert(DRV_CHUNK % FIR_BLOCK == 0, "a full chunk must not read past its buffers");

/* sums[q] = c[0] x[q] + c[1] x[q + 1] + ... for q < FIR_BLOCK, the sums
 * kept in named variables so they stay in registers through the tap loop:
 * eight of them, so that enough additions are in flight to hide their
 * latency. */
static void fir_block(const float *restrict c, int taps, const float *restrict x, float *restrict sums)
{
	v4f s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
	v4f s4 = { 0 }, s5 = { 0 }, s6 = { 0 }, s7 = { 0 };
	for (int t = 0; t < taps; t++) {
		const float *xt = x + t;
		v4f ct = { c[t], c[t], c[t], c[t] };
		s0 += ct * v4_load(xt);
		s1 += ct * v4_load(xt + 4);
		s2 += ct * v4_load(xt + 8);
		s3 += ct * v4_load(xt + 12);
		s4 += ct * v4_load(xt + 16);
		s5 += ct * v4_load(xt + 20);
		s6 += ct * v4_load(xt + 24);
		s7 += ct * v4_load(xt + 28);
	}
	v4_store(sums, s0);
	v4_store(sums + 4, s1);
	v4_store(sums + 8, s2);
	v4_store(sums + 12, s3);
	v4_store(sums + 16, s4);
	v4_store(sums + 20, s5);
	v4_store(sums + 24, s6);
	v4_store(sums + 28, s7);
}

/*
 * The same sums eight lanes wide, for processors with AVX: lanes 0..3 of
 * each register are one of the sums above and lanes 4..7 the next, each
 * still adding its taps in the same order with the same (separate)
 * multiply and add, so the bits are the same; half the instructions.
 * The processor is asked once, at init (drive_t's wide).
 */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
typedef float v8f __attribute__((vector_size(32)));

__attribute__((target("avx")))
static void fir_block8(const float *restrict c, int taps, const float *restrict x, float *restrict sums)
{
	v8f s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
	for (int t = 0; t < taps; t++) {
		const float *xt = x + t;
		v8f ct = { c[t], c[t], c[t], c[t], c[t], c[t], c[t], c[t] }, x0, x1, x2, x3;
		memcpy(&x0, xt, sizeof(x0));
		memcpy(&x1, xt + 8, sizeof(x1));
		memcpy(&x2, xt + 16, sizeof(x2));
		memcpy(&x3, xt + 24, sizeof(x3));
		s0 += ct * x0;
		s1 += ct * x1;
		s2 += ct * x2;
		s3 += ct * x3;
	}
	memcpy(sums, &s0, sizeof(s0));
	memcpy(sums + 8, &s1, sizeof(s1));
	memcpy(sums + 16, &s2, sizeof(s2));
	memcpy(sums + 24, &s3, sizeof(s3));
}

#else
static void fir_block8(const float *restrict c, int taps, const float *restrict x, float *restrict sums)
{
	fir_block(c, taps, x, sums);
}

#endif

static inline void fir_sums(bool wide, const float *restrict c, int taps, const float *restrict x,
                            float *restrict sums)
{
	if (wide)
		fir_block8(c, taps, x, sums);
	else
		fir_block(c, taps, x, sums);
}

/* 1x -> 2x: n new samples at buf + taps - 1 give 2n at out.  c is the
 * even branch, oldest tap first; the odd branch is the centre tap, a
 * plain delay.  Reads up to FIR_BLOCK - 1 samples past the chunk (their
 * sums are dropped): the buffers have room for a whole chunk. */
static void upsample(bool wide, const float *restrict c, int taps, const float *restrict buf, int n,
                     float *restrict out)
{
	const float *mid = buf + taps - 1 - (taps - 1) / 2;
	for (int i = 0; i < n; i += FIR_BLOCK) {
		float s[FIR_BLOCK];
		fir_sums(wide, c, taps, buf + i, s);
		int m = n - i < FIR_BLOCK ? n - i : FIR_BLOCK;
		int q = 0;
		for (; q + 4 <= m; q += 4) {
			/* the two branches interleaved, four frames at a time */
			v4f e = v4_load(s + q), o = v4_load(mid + i + q);
			v4_store(out + 2 * (i + q), (v4f){ e[0], o[0], e[1], o[1] });
			v4_store(out + 2 * (i + q) + 4, (v4f){ e[2], o[2], e[3], o[3] });
		}
		for (; q < m; q++) {
			out[2 * (i + q)] = s[q];
			out[2 * (i + q) + 1] = mid[i + q];
		}
	}
}

/* Room for the longest decimator input (history and chunk), split in two,
 * plus a block's overhang. */
#define SPLIT_MAX (((DN2_LEN - 1 + 4 * DRV_CHUNK) > (DN1_LEN - 1 + 2 * DRV_CHUNK) ? \
                    (DN2_LEN - 1 + 4 * DRV_CHUNK) : (DN1_LEN - 1 + 2 * DRV_CHUNK)) / 2 + FIR_BLOCK + 1)

/* 2n samples at buf + len - 1 (after len - 1 of history) give n at out,
 * keeping the even ones: those the upsampler filtered, so the delays of
 * the stages add up as designed. */
static void downsample(bool wide, const decim_t *restrict d, const float *restrict buf, int n,
                       float *restrict out)
{
	float ev[SPLIT_MAX], od[SPLIT_MAX];
	int total = d->len - 1 + 2 * n, half = (total + 1) / 2;
	int m = 0;
	for (; 2 * m + 8 <= total; m += 4) {
		v4f a = v4_load(buf + 2 * m), b = v4_load(buf + 2 * m + 4);
		v4_store(ev + m, (v4f){ a[0], a[2], b[0], b[2] });
		v4_store(od + m, (v4f){ a[1], a[3], b[1], b[3] });
	}
	for (; m < half; m++) {
		ev[m] = buf[2 * m];
		od[m] = 2 * m + 1 < total ? buf[2 * m + 1] : 0.0f;
	}
	for (m = half; m < half + FIR_BLOCK; m++)
		ev[m] = od[m] = 0.0f;
	for (int i = 0; i < n; i += FIR_BLOCK) {
		float se[FIR_BLOCK], so[FIR_BLOCK];
		fir_sums(wide, d->even, d->ne, ev + i, se);
		fir_sums(wide, d->odd, d->no, od + i, so);
		for (int q = 0; q < FIR_BLOCK && i + q < n; q++)
			out[i + q] = se[q] + so[q];
	}
}

static void keep_history(float *buf, int hist, int n)
{
	memmove(buf, buf + n, (size_t)hist * sizeof(float));
}

/* The wet path of one side for n <= DRV_CHUNK frames of x (already
 * scaled by the drive), into wet, all but the DC blocker.  Returns where the curve crossfade,
 * starting at fade, has got to. */
static float side_run(const drive_t *d, side_t *s, const float *x, int n, float fade, float *wet)
{
	float *in1 = s->up1 + UP1_TAPS - 1, *in2 = s->up2 + UP2_TAPS - 1;
	float *in4 = s->dn2 + DN2_LEN - 1, *in2d = s->dn1 + DN1_LEN - 1;
	memcpy(in1, x, (size_t)n * sizeof(float));
	upsample(d->wide, d->up1_h, UP1_TAPS, s->up1, n, in2);
	upsample(d->wide, d->up2_h, UP2_TAPS, s->up2, 2 * n, in4);

	if (fade < 1.0f) {
		/* Crossfade: the old curve first, the new one faded in over it,
		 * both from the same input and the same previous sample. */
		float raw[4 * DRV_CHUNK], ramp[4 * DRV_CHUNK];
		memcpy(raw, in4, (size_t)(4 * n) * sizeof(float));
		for (int i = 0; i < 4 * n; i++)
			ramp[i] = fade = fminf(fade + d->fade_step, 1.0f);
		float x1 = s->x1;
		shape(d->wide, d->old_curve, &x1, raw, in4, 4 * n, NULL);
		shape(d->wide, d->curve, &s->x1, raw, in4, 4 * n, ramp);
	} else {
		shape(d->wide, d->curve, &s->x1, in4, in4, 4 * n, NULL);
	}

	downsample(d->wide, &d->dn2, s->dn2, 2 * n, in2d);
	downsample(d->wide, &d->dn1, s->dn1, n, wet);

	keep_history(s->up1, UP1_TAPS - 1, n);
	keep_history(s->up2, UP2_TAPS - 1, 2 * n);
	keep_history(s->dn2, DN2_LEN - 1, 4 * n);
	keep_history(s->dn1, DN1_LEN - 1, 2 * n);
	return fade;
}

/*
 * Whether a side's wet path would only turn silence into silence: its
 * input chunk and every history its filters and shaper read are +0, and
 * no curve crossfade is under way.  Then every sum is +0, the odd
 * branches copy +0, each curve's mean over a segment from 0 to 0 is +0
 * (tube's offset included: the same arithmetic on the same operands as
 * its s(bias) gives the same float), so the wet chunk is +0 and the
 * histories stay +0: the work can be skipped.  A channel between notes,
 * before its chain may rest, spends a quarter of bench.bty's chunks so.
 */
static bool side_silent(const side_t *s, const float *x, int n, float fade)
{
	return fade >= 1.0f && dsp_zero_bits(x, n) && dsp_zero_bits(&s->x1, 1) &&
	       dsp_zero_bits(s->up1, UP1_TAPS - 1) && dsp_zero_bits(s->up2, UP2_TAPS - 1) &&
	       dsp_zero_bits(s->dn2, DN2_LEN - 1) && dsp_zero_bits(s->dn1, DN1_LEN - 1);
}

/* The DC blockers of both sides in one loop: each is a chain of
 * dependent operations, and two chains overlap. */
static void dc_block(drive_t *d, float *wl, float *wr, int n)
{
	const float pole = d->dc_pole;
	side_t *sl = &d->side[0], *sr = &d->side[1];
	float lx1 = sl->dc_x1, ly1 = sl->dc_y1, rx1 = sr->dc_x1, ry1 = sr->dc_y1;
	for (int i = 0; i < n; i++) {
		float yl = wl[i] - lx1 + pole * ly1, yr = wr[i] - rx1 + pole * ry1;
		lx1 = wl[i];
		rx1 = wr[i];
		wl[i] = ly1 = yl;
		wr[i] = ry1 = yr;
	}
	sl->dc_x1 = lx1;
	sl->dc_y1 = fabsf(ly1) < 1e-20f ? 0.0f : ly1;
	sr->dc_x1 = rx1;
	sr->dc_y1 = fabsf(ry1) < 1e-20f ? 0.0f : ry1;
}

/* out = dry (1 - mix) + wet output mix, four at a time. */
static void mix_out(float *out, const float *dry, const float *wet, const float *g_out,
                    const float *g_mix, int n)
{
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		v4f m = v4_load(g_mix + i);
		v4_store(out + i, v4_load(dry + i) * (v4_set(1.0f) - m) + v4_load(wet + i) * v4_load(g_out + i) * m);
	}
	for (; i < n; i++)
		out[i] = dry[i] * (1.0f - g_mix[i]) + wet[i] * g_out[i] * g_mix[i];
}

static void drive_chunk(drive_t *d, float *l, float *r, int n)
{
	float g_drive[DRV_CHUNK], g_out[DRV_CHUNK], g_mix[DRV_CHUNK];
	float x[DRV_CHUNK], wet[2][DRV_CHUNK];
	float gd = d->drive, go = d->out, gm = d->mix;
	bool settled = gd == d->drive_t && go == d->out_t && gm == d->mix_t;
	for (int i = 0; settled && i < n; i += 4) {
		/* the common case: the same values, without the glide's tests
		 * (the arrays have room for whole fours) */
		v4_store(g_drive + i, v4_set(gd));
		v4_store(g_out + i, v4_set(go));
		v4_store(g_mix + i, v4_set(gm));
	}
	for (int i = 0; !settled && i < n; i++) {
		gd += (d->drive_t - gd) * d->glide;
		go += (d->out_t - go) * d->glide;
		gm += (d->mix_t - gm) * d->glide;
		if (fabsf(gd - d->drive_t) < 1e-6f * d->drive_t)
			gd = d->drive_t;
		if (fabsf(go - d->out_t) < 1e-6f * d->out_t)
			go = d->out_t;
		if (fabsf(gm - d->mix_t) < 1e-6f)
			gm = d->mix_t;
		g_drive[i] = gd;
		g_out[i] = go;
		g_mix[i] = gm;
	}
	d->drive = gd;
	d->out = go;
	d->mix = gm;
	bool dry_only = d->mix == 0.0f && g_mix[0] == 0.0f;

	float fade = d->fade;
	bool silent[2];
	for (int c = 0; c < 2; c++) {
		const float *in = c ? r : l;
		int i = 0;
		for (; i + 4 <= n; i += 4)
			v4_store(x + i, v4_load(in + i) * v4_load(g_drive + i));
		for (; i < n; i++)
			x[i] = in[i] * g_drive[i];
		if (side_silent(&d->side[c], x, n, d->fade))
			memset(wet[c], 0, (size_t)n * sizeof(float));
		else
			fade = side_run(d, &d->side[c], x, n, d->fade, wet[c]);   /* both sides fade alike */
		silent[c] = dsp_zero_bits(wet[c], n);
	}
	/* +0 through blockers at +0 leaves +0 and their state as it is */
	if (!(silent[0] && silent[1] && dsp_zero_bits(&d->side[0].dc_x1, 1) && dsp_zero_bits(&d->side[0].dc_y1, 1) &&
	      dsp_zero_bits(&d->side[1].dc_x1, 1) && dsp_zero_bits(&d->side[1].dc_y1, 1)))
		dc_block(d, wet[0], wet[1], n);
	for (int c = 0; c < 2; c++) {
		float *io = c ? r : l;
		side_t *s = &d->side[c];
		memcpy(s->dry + DRV_LATENCY, io, (size_t)n * sizeof(float));
		const float *dry = s->dry;
		if (dry_only)
			memcpy(io, dry, (size_t)n * sizeof(float));
		else
			mix_out(io, dry, wet[c], g_out, g_mix, n);
		keep_history(s->dry, DRV_LATENCY, n);
	}
	d->fade = fade;
}

static void drive_process(void *st, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	drive_t *d = st;
	(void)ctx;
	while (n > 0) {
		int m = n < DRV_CHUNK ? n : DRV_CHUNK;
		drive_chunk(d, l, r, m);
		l += m;
		r += m;
		n -= m;
	}
}

/* ------------------------------------------------------------------ */
/* the unit                                                             */

static int curve_of(float v)
{
	int c = (int)lroundf(v);
	return c < 0 ? 0 : c >= NCURVES ? NCURVES - 1 : c;
}

static float clampf(float x, float lo, float hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static void take_params(drive_t *d, const float *p)
{
	d->drive_t = db_to_gain(clampf(p[P_DRIVE], 0.0f, 48.0f));
	d->out_t = db_to_gain(clampf(p[P_OUTPUT], -24.0f, 12.0f));
	d->mix_t = clampf(p[P_MIX], 0.0f, 100.0f) * 0.01f;
	int c = curve_of(p[P_CURVE]);
	if (c != d->curve) {
		/* Fade from what is heard now; a fade cut short restarts. */
		d->old_curve = d->curve;
		d->curve = c;
		d->fade = 0.0f;
	}
}

static size_t drive_state_size(int rate)
{
	(void)rate;
	return sizeof(drive_t);
}

static void drive_init(void *st, int rate, const float *params)
{
	drive_t *d = st;
	memset(d, 0, sizeof(*d));
	design(d);
	d->wide = simd_wide();
	d->glide = (float)(1.0 - exp(-1.0 / (DRV_GLIDE_S * rate)));
	d->fade_step = (float)(1.0 / (DRV_FADE_S * 4.0 * rate));
	d->dc_pole = (float)exp(-2.0 * M_PI * DRV_DC_HZ / rate);
	d->curve = curve_of(params[P_CURVE]);
	take_params(d, params);
	d->old_curve = d->curve;
	d->fade = 1.0f;
	d->drive = d->drive_t;
	d->out = d->out_t;
	d->mix = d->mix_t;
}

static void drive_set(void *st, const float *params)
{
	take_params(st, params);
}

static int drive_latency(const void *st)
{
	(void)st;
	return DRV_LATENCY;
}

const fx_ops_t fx_drive = {
	.name = "drive",
	.nparams = P_COUNT,
	.params = drive_params,
	.state_size = drive_state_size,
	.init = drive_init,
	.set = drive_set,
	.process = drive_process,
	.latency = drive_latency,
};
