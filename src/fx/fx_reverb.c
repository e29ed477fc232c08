/*
 * fx_reverb: an algorithmic reverb, a feedback delay network of eight
 * lines behind a predelay and two chains of input diffusers.
 *
 *   L --> predelay --> 4 allpasses --> (even lines)  --+
 *   R --> predelay --> 4 allpasses --> (odd lines)   --|
 *                                                      v
 *     8 delay lines --> damping x8 --> Hadamard 8x8 --> turn pairs --> (+)
 *          ^                                                            |
 *          +------------------------------------------------------------+
 *                                                                       |
 *                 out <-- mix <-- width <-- two orthogonal sums <-------+
 *
 * Why each part:
 * - The Hadamard matrix (scaled by 1/sqrt 8, done as a fast transform:
 *   24 additions) is orthogonal, so the network itself loses nothing and
 *   every line's loss is set by its own gain alone.  Each line's gain is
 *   g = 10^(-3 len / (rate T60)), the loss that takes exactly T60 to fall
 *   60 dB whatever the line's length, so all the network's modes decay
 *   together at the decay setting: no mode rings on after the others.
 * - After the matrix, four pairs of lines are turned against each other
 *   by slowly swinging rotations, still orthogonal.  A small network
 *   hands part of each line's content straight back to it, so the late
 *   tail repeats itself at the line lengths (a flutter, a metallic
 *   colour); the moving mix keeps those repeats from lining up pass after
 *   pass, without touching the decay.
 * - Damping is a one-pole lowpass per line, b / (1 - b z^-1) scaled to
 *   g at DC, with b solved so the line's gain at DAMP_REF_HZ is the one
 *   that gives T60 * (1 - 0.9 damping) there.  Low frequencies keep the
 *   decay setting; the highs die sooner, as they do in a room with soft
 *   surfaces; and the tone does not change with the sample rate.
 * - The line lengths are distinct primes (so no two lines share echoes),
 *   spread over a ratio of about 2.3 and scaled by size.
 * - The allpasses smear each input event over ~25 ms before it meets the
 *   network, so the echo density is high from the first milliseconds.
 *   Left and right have their own chains of different lengths, which
 *   decorrelates even a mono input.
 * - The output is taken where the lines are written, so the first wet
 *   sound comes out exactly at the predelay.  The left and right outputs
 *   are orthogonal sums of the lines (each hears its own input side
 *   directly and the network's lines with signs the other does not share),
 *   so the tail is uncorrelated between the sides.
 * - Width works in mid/side and keeps the power: at 0 both sides carry the
 *   same mid signal, raised by up to 3 dB to make up for the side signal
 *   taken away.
 * - Mix is the constant-power law of the delay: dry cos, wet sin of
 *   mix * 90 degrees; mix 0 leaves the block untouched.
 *
 * Parameter changes glide: gains and filter coefficients over RAMP_MS;
 * a new size or predelay crossfades the read heads (whole frames) over
 * XFADE_MS, never moving them, so nothing clicks or bends in pitch.
 * Values that recirculate are flushed to zero below TINY, so a dying tail
 * reaches true silence instead of lingering in denormals.
 *
 * The state is one block: this header, then every delay buffer, each a
 * power of two long and indexed by one running write counter.  Like every
 * unit it belongs to the audio thread.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"

#define NLINES       8
#define NDIFF        4       /* allpasses per side */
#define XFADE_MS     40.0
#define RAMP_MS      20.0
#define PREDELAY_MAX_MS 250.0
#define DAMP_REF_HZ  5000.0  /* where damping sets the high-frequency decay */
#define DAMP_REF_TOP 0.4     /* ... or this fraction of the rate, if lower */
#define DAMP_HF_MIN  0.1     /* high-frequency T60 ratio at damping 100% */
#define SIZE_MIN     0.25    /* line-length scale at size 0; 1 at size 100 */
#define OUT_GAIN     0.35f
#define TINY         1e-20f

enum { P_SIZE, P_DECAY, P_DAMPING, P_PREDELAY, P_WIDTH, P_MIX, P_COUNT };

static const fx_param_desc_t reverb_params[P_COUNT] = {
	[P_SIZE] = { .name = "size", .min = 0.0f, .max = 100.0f, .def = 50.0f, .unit = "%" },
	[P_DECAY] = { .name = "decay", .min = 0.1f, .max = 20.0f, .def = 1.8f,
	              .unit = "s", .log = true },
	[P_DAMPING] = { .name = "damping", .min = 0.0f, .max = 100.0f, .def = 40.0f, .unit = "%" },
	[P_PREDELAY] = { .name = "predelay", .min = 0.0f, .max = 250.0f, .def = 20.0f, .unit = "ms" },
	[P_WIDTH] = { .name = "width", .min = 0.0f, .max = 100.0f, .def = 100.0f, .unit = "%" },
	[P_MIX] = { .name = "mix", .min = 0.0f, .max = 100.0f, .def = 30.0f, .unit = "%" },
};

/* Line lengths at size 100, ms: roughly geometric, never a simple ratio. */
static const double line_ms[NLINES] = { 43.1, 48.7, 54.1, 61.9, 68.3, 77.9, 86.9, 98.3 };
/* Diffuser lengths, ms, and their gains (same for both sides). */
static const double diff_ms[2][NDIFF] = {
	{ 3.13, 4.61, 7.19, 10.93 },
	{ 3.37, 4.97, 6.83, 11.41 },
};
static const float diff_gain[NDIFF] = { 0.70f, 0.70f, 0.60f, 0.60f };
/* How fast each pair of lines turns, Hz: slow, and no two in a simple
 * ratio. */
static const double turn_hz[NLINES / 2] = { 0.37, 0.53, 0.71, 0.89 };

/*
 * Signs of the input into each line and of each line in the two outputs.
 * The left input feeds the even lines, the right the odd ones; each side's
 * output hears its own input and cancels the other's, and the two output
 * patterns are orthogonal.  Of the patterns that do all that, these leave
 * the least self-similarity in the late tail (the normalised
 * autocorrelation at the line lengths, the flutter a small network is
 * prone to): about half that of the plain all-plus choice.
 */
static const float in_sign[NLINES] = { 1, 1, -1, -1, -1, 1, -1, 1 };
static const float out_l[NLINES] = { 1, -1, -1, 1, -1, 1, -1, 1 };
static const float out_r[NLINES] = { 1, 1, -1, -1, 1, 1, 1, 1 };

/* Gliding values: each line's filter (a, b), then the output gains. */
enum { G_A = 0, G_B = NLINES, G_DRY = 2 * NLINES, G_WM, G_WS, G_COUNT };

typedef struct ring {
	uint32_t off, mask;   /* into mem[]; length mask + 1, a power of two */
} ring_t;

typedef struct reverb {
	int rate;
	uint32_t w;                     /* frames written, all rings */
	ring_t pre[2], ap[2][NDIFF], line[NLINES];
	int ap_len[2][NDIFF];
	int xfade_len, ramp_len;
	/* predelay read head */
	int pre_tap, pre_next, pre_target, pre_pos;
	bool pre_fading;
	/* network read heads */
	int len[NLINES], next_len[NLINES], target_len[NLINES];
	int fdn_pos;
	bool fdn_fading;
	float turn[NLINES / 2], turn_inc[NLINES / 2];   /* phases in [-1, 1) */
	float size;                     /* the size target_len was made for */
	float z[NLINES];                /* damping filter states */
	float cur[G_COUNT], tgt[G_COUNT], step[G_COUNT];
	int left;                       /* frames of glide to go */
	float mem[];
} reverb_t;

static inline float clampf(float x, float lo, float hi)
{
	return x >= lo ? (x <= hi ? x : hi) : lo;   /* NaN gives lo */
}

static inline float flush(float x)
{
	return fabsf(x) < TINY ? 0.0f : x;
}

static bool is_prime(int n)
{
	if (n < 2)
		return false;
	for (int k = 2; k * k <= n; k++)
		if (n % k == 0)
			return false;
	return true;
}

static int next_prime(int n)
{
	while (!is_prime(n))
		n++;
	return n;
}

static uint32_t pow2_above(int n)
{
	uint32_t p = 1;
	while (p <= (uint32_t)n)
		p <<= 1;
	return p;
}

/* Distinct, increasing primes for a size (0..100). */
static void line_lengths(int rate, float size, int *len)
{
	double s = SIZE_MIN + (1.0 - SIZE_MIN) * clampf(size, 0.0f, 100.0f) * 0.01;
	int prev = 1;
	for (int i = 0; i < NLINES; i++) {
		int n = (int)lround(line_ms[i] * 0.001 * rate * s);
		len[i] = prev = next_prime(n > prev ? n : prev + 1);
	}
}

/* Places every ring; returns the floats they take.  rv may be NULL. */
static size_t layout(int rate, reverb_t *rv)
{
	size_t at = 0;
	ring_t r;
	r.mask = pow2_above((int)ceil(PREDELAY_MAX_MS * 0.001 * rate)) - 1;
	for (int c = 0; c < 2; c++) {
		r.off = (uint32_t)at;
		at += r.mask + 1;
		if (rv)
			rv->pre[c] = r;
	}
	for (int c = 0; c < 2; c++)
		for (int k = 0; k < NDIFF; k++) {
			int n = next_prime((int)lround(diff_ms[c][k] * 0.001 * rate));
			r.mask = pow2_above(n) - 1;
			r.off = (uint32_t)at;
			at += r.mask + 1;
			if (rv) {
				rv->ap[c][k] = r;
				rv->ap_len[c][k] = n;
			}
		}
	int longest[NLINES];
	line_lengths(rate, 100.0f, longest);
	for (int i = 0; i < NLINES; i++) {
		r.mask = pow2_above(longest[i]) - 1;
		r.off = (uint32_t)at;
		at += r.mask + 1;
		if (rv)
			rv->line[i] = r;
	}
	return at;
}

static size_t reverb_state_size(int rate)
{
	return sizeof(reverb_t) + layout(rate, NULL) * sizeof(float);
}

static void mix_gains(float pct, float *dry, float *wet)
{
	float m = clampf(pct, 0.0f, 100.0f) * 0.01f;
	*dry = m <= 0.0f ? 1.0f : m >= 1.0f ? 0.0f : cosf(m * (float)M_PI * 0.5f);
	*wet = m <= 0.0f ? 0.0f : m >= 1.0f ? 1.0f : sinf(m * (float)M_PI * 0.5f);
}

/*
 * One line's loop filter f = a y + b f[-1] for a length, a decay at DC
 * and a damping.  With q the squared gain wanted at w relative to DC,
 * (1 - b)^2 = q (1 - 2 b cos w + b^2) has its smaller root below 1; it is
 * written in the form that stays exact as q goes to 1 (b = 0).  The
 * Hadamard matrix's 1/sqrt 8 is folded into a.
 */
static void line_filter(int rate, int len, double t60, double damping, float *a, float *b)
{
	double sec = (double)len / rate;
	double g = pow(10.0, -3.0 * sec / t60);
	double ratio = 1.0 - (1.0 - DAMP_HF_MIN) * damping;
	double ghf = pow(10.0, -3.0 * sec / (t60 * ratio));
	double q = (ghf / g) * (ghf / g);
	double c = cos(2.0 * M_PI * fmin(DAMP_REF_HZ, DAMP_REF_TOP * rate) / rate);
	double p = 1.0 - q * c, m = 1.0 - q;
	double bb = m / (p + sqrt(fmax(p * p - m * m, 0.0)));
	*a = (float)(g * (1.0 - bb) / sqrt((double)NLINES));
	*b = (float)bb;
}

static void take_params(reverb_t *rv, const float *p)
{
	float size = clampf(p[P_SIZE], 0.0f, 100.0f);
	if (size != rv->size) {
		rv->size = size;
		line_lengths(rv->rate, size, rv->target_len);
	}
	double t60 = clampf(p[P_DECAY], 0.1f, 20.0f);
	double damp = clampf(p[P_DAMPING], 0.0f, 100.0f) * 0.01;
	for (int i = 0; i < NLINES; i++)
		line_filter(rv->rate, rv->target_len[i], t60, damp, &rv->tgt[G_A + i], &rv->tgt[G_B + i]);
	int pre = (int)lround(clampf(p[P_PREDELAY], 0.0f, 250.0f) * 0.001 * rv->rate);
	rv->pre_target = pre < (int)rv->pre[0].mask ? pre : (int)rv->pre[0].mask;

	float dry, wet;
	mix_gains(p[P_MIX], &dry, &wet);
	float wd = clampf(p[P_WIDTH], 0.0f, 100.0f) * 0.01f;
	float km = sqrtf(2.0f / (1.0f + wd * wd));
	rv->tgt[G_DRY] = dry;
	rv->tgt[G_WM] = wet * km * 0.5f * OUT_GAIN;
	rv->tgt[G_WS] = wet * km * wd * 0.5f * OUT_GAIN;
}

static void reverb_init(void *st, int rate, const float *params)
{
	reverb_t *rv = st;
	memset(rv, 0, reverb_state_size(rate));
	rv->rate = rate;
	layout(rate, rv);
	rv->xfade_len = (int)lround(XFADE_MS * 0.001 * rate);
	rv->ramp_len = (int)lround(RAMP_MS * 0.001 * rate);
	rv->size = -1.0f;
	for (int q = 0; q < NLINES / 2; q++) {
		rv->turn[q] = -1.0f + 0.5f * (float)q;
		rv->turn_inc[q] = (float)(2.0 * turn_hz[q] / rate);
	}
	take_params(rv, params);
	memcpy(rv->cur, rv->tgt, sizeof(rv->cur));
	memcpy(rv->len, rv->target_len, sizeof(rv->len));
	rv->pre_tap = rv->pre_target;
}

static void reverb_set(void *st, const float *params)
{
	reverb_t *rv = st;
	take_params(rv, params);
	rv->left = rv->ramp_len;
	for (int k = 0; k < G_COUNT; k++)
		rv->step[k] = (rv->tgt[k] - rv->cur[k]) / (float)rv->ramp_len;
}

/* Starts a crossfade of the network's heads if the size has moved. */
static void fdn_retarget(reverb_t *rv)
{
	if (rv->fdn_fading || !memcmp(rv->len, rv->target_len, sizeof(rv->len)))
		return;
	memcpy(rv->next_len, rv->target_len, sizeof(rv->next_len));
	rv->fdn_pos = 0;
	rv->fdn_fading = true;
}

/* Schroeder allpass: v = x + g v[-M], out = v[-M] - g v. */
static inline float allpass(float *buf, uint32_t mask, int len, float g, uint32_t w, float x)
{
	float d = buf[(w - (uint32_t)len) & mask];
	float v = x + g * d;
	buf[w & mask] = flush(v);
	return d - g * v;
}

/*
 * The network runs in two vectors of four: the even lines in one, the odd
 * in the other, so the first stage of the Hadamard transform, the turned
 * pairs and the inputs (left to the even lines, right to the odd) are
 * plain lane by lane arithmetic.  Every lane does what the scalar code
 * did, in the same order, so the output is the same bits.  GCC and Clang
 * map these to SSE or NEON registers (GCC's -O2 leaves the scalar loops
 * alone).
 */
typedef float rv_v4 __attribute__((vector_size(16)));
typedef int32_t rv_v4i __attribute__((vector_size(16)));

static inline rv_v4 v4_sel(rv_v4i m, rv_v4 a, rv_v4 b)
{
	return (rv_v4)((m & (rv_v4i)a) | (~m & (rv_v4i)b));
}

static inline rv_v4 v4_abs(rv_v4 x)
{
	const rv_v4i mag = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
	return (rv_v4)((rv_v4i)x & mag);
}

static inline rv_v4 v4_flush(rv_v4 x)
{
	const rv_v4 tiny = { TINY, TINY, TINY, TINY }, zero = { 0 };
	return v4_sel(v4_abs(x) < tiny, zero, x);
}

/* Lines 0 2 4 6 and 1 3 5 7 of an array in natural order, and back. */
static inline void v4_split(const float *x, rv_v4 *e, rv_v4 *o)
{
	*e = (rv_v4){ x[0], x[2], x[4], x[6] };
	*o = (rv_v4){ x[1], x[3], x[5], x[7] };
}

static inline void v4_join(rv_v4 e, rv_v4 o, float *x)
{
	for (int q = 0; q < NLINES / 2; q++) {
		x[2 * q] = e[q];
		x[2 * q + 1] = o[q];
	}
}

/* The fast Hadamard transform's three stages, pairs 1, 2 and 4 apart, in
 * that order, on the split lines: x[j] = a + b, x[j + h] = a - b. */
static inline void hadamard_split(rv_v4 *e, rv_v4 *o)
{
	const rv_v4 pm = { 1, -1, 1, -1 }, pp = { 1, 1, -1, -1 };
	rv_v4 a = *e + *o, b = *e - *o;                          /* h = 1 */
	a = (rv_v4){ a[0], a[0], a[2], a[2] } + (rv_v4){ a[1], a[1], a[3], a[3] } * pm;   /* h = 2 */
	b = (rv_v4){ b[0], b[0], b[2], b[2] } + (rv_v4){ b[1], b[1], b[3], b[3] } * pm;
	*e = (rv_v4){ a[0], a[1], a[0], a[1] } + (rv_v4){ a[2], a[3], a[2], a[3] } * pp;   /* h = 4 */
	*o = (rv_v4){ b[0], b[1], b[0], b[1] } + (rv_v4){ b[2], b[3], b[2], b[3] } * pp;
}

/*
 * Turns a pair of lines' signals by an angle that swings slowly through
 * +-90 degrees.  The rotation is built from t = tan(angle / 2) as
 * ((1 - t^2), 2t) / (1 + t^2), orthogonal whatever t is, so the network
 * stays lossless and the decay exact at every frequency (moving the line
 * lengths instead would need interpolation, and every interpolator short
 * of a long one dulls the top octave a little on each pass).  The angle
 * follows a sine-like wave of the phase in [-1, 1): two parabolas.  All
 * four pairs at once.
 */
static inline void turn_split(rv_v4 *e, rv_v4 *o, rv_v4 *phase, rv_v4 inc)
{
	const rv_v4 one = { 1, 1, 1, 1 }, two = { 2, 2, 2, 2 }, four = { 4, 4, 4, 4 };
	rv_v4 p = *phase;
	rv_v4 t = four * p * (one - v4_abs(p));
	p += inc;
	*phase = v4_sel(p >= one, p - two, p);
	rv_v4 k = one / (one + t * t), c = (one - t * t) * k, s = two * t * k;
	rv_v4 x = *e, y = *o;
	*e = c * x - s * y;
	*o = s * x + c * y;
}

/*
 * The input side runs a chunk at a time, stage by stage: the predelay
 * for the chunk's frames, then each allpass over all of them, then the
 * network frame by frame.  An allpass's buffer is touched by that
 * allpass alone, in the same order of frames as one frame at a time, and
 * every sample takes the same arithmetic, so the output is the same bits;
 * but the four allpasses of a side no longer form one long chain of
 * dependent operations inside each frame.
 */
#define RV_CHUNK 64

/* The predelay: writes the frames of l, r and reads the delayed ones
 * into el, er, crossfading to a new tap when one is set. */
static void predelay_chunk(reverb_t *rv, const float *l, const float *r, float *el, float *er, int m)
{
	float *mem = rv->mem;
	float *pl = mem + rv->pre[0].off, *pr = mem + rv->pre[1].off;
	const uint32_t pmask = rv->pre[0].mask;
	const float inv_xf = 1.0f / (float)rv->xfade_len;
	uint32_t w = rv->w;
	for (int i = 0; i < m; i++, w++) {
		uint32_t wp = w & pmask;
		pl[wp] = l[i];
		pr[wp] = r[i];
		if (!rv->pre_fading && rv->pre_target != rv->pre_tap) {
			rv->pre_next = rv->pre_target;
			rv->pre_pos = 0;
			rv->pre_fading = true;
		}
		uint32_t ri = (w - (uint32_t)rv->pre_tap) & pmask;
		float a = pl[ri], b = pr[ri];
		if (rv->pre_fading) {
			uint32_t rj = (w - (uint32_t)rv->pre_next) & pmask;
			float t = (float)rv->pre_pos * inv_xf;
			a += (pl[rj] - a) * t;
			b += (pr[rj] - b) * t;
			if (++rv->pre_pos == rv->xfade_len) {
				rv->pre_tap = rv->pre_next;
				rv->pre_fading = false;
			}
		}
		el[i] = a;
		er[i] = b;
	}
}

/* One allpass over a chunk, in place. */
static void allpass_chunk(reverb_t *rv, int c, int k, float *x, int m)
{
	float *buf = rv->mem + rv->ap[c][k].off;
	uint32_t mask = rv->ap[c][k].mask, w = rv->w;
	int len = rv->ap_len[c][k];
	float g = diff_gain[k];
	for (int i = 0; i < m; i++)
		x[i] = allpass(buf, mask, len, g, w + (uint32_t)i, x[i]);
}

/* touch: whether the output is written (decided once per call). */
static void reverb_chunk(reverb_t *rv, float *l, float *r, int n, bool touch)
{
	float ein[RV_CHUNK], ein_r[RV_CHUNK];
	predelay_chunk(rv, l, r, ein, ein_r, n);
	for (int k = 0; k < NDIFF; k++) {
		allpass_chunk(rv, 0, k, ein, n);
		allpass_chunk(rv, 1, k, ein_r, n);
	}

	float *mem = rv->mem;
	float *line[NLINES];
	for (int j = 0; j < NLINES; j++)
		line[j] = mem + rv->line[j].off;
	const float inv_xf = 1.0f / (float)rv->xfade_len;
	float g[G_COUNT], z[NLINES];
	memcpy(g, rv->cur, sizeof(g));
	rv_v4 ze, zo, gae, gao, gbe, gbo, sign_e, sign_o, turn, turn_inc;
	v4_split(rv->z, &ze, &zo);
	v4_split(g + G_A, &gae, &gao);
	v4_split(g + G_B, &gbe, &gbo);
	v4_split(in_sign, &sign_e, &sign_o);
	memcpy(&turn, rv->turn, sizeof(turn));
	memcpy(&turn_inc, rv->turn_inc, sizeof(turn_inc));
	uint32_t w = rv->w;
	int left = rv->left;
	fdn_retarget(rv);

	for (int i = 0; i < n; i++) {
		if (left > 0) {
			for (int k = 0; k < G_COUNT; k++)
				g[k] += rv->step[k];
			if (--left == 0)
				memcpy(g, rv->tgt, sizeof(g));
			v4_split(g + G_A, &gae, &gao);
			v4_split(g + G_B, &gbe, &gbo);
		}
		float xl = l[i], xr = r[i];
		float el = ein[i] * 0.5f;   /* four lines per side: the input's power is kept */
		float er = ein_r[i] * 0.5f;
		float y[NLINES];
		for (int j = 0; j < NLINES; j++)
			y[j] = line[j][(w - (uint32_t)rv->len[j]) & rv->line[j].mask];
		if (rv->fdn_fading) {
			float a = (float)rv->fdn_pos * inv_xf;
			for (int j = 0; j < NLINES; j++)
				y[j] += (line[j][(w - (uint32_t)rv->next_len[j]) & rv->line[j].mask] - y[j]) * a;
			if (++rv->fdn_pos == rv->xfade_len) {
				memcpy(rv->len, rv->next_len, sizeof(rv->len));
				rv->fdn_fading = false;
				fdn_retarget(rv);
			}
		}
		rv_v4 ye, yo;
		v4_split(y, &ye, &yo);
		rv_v4 ue = gae * ye + gbe * ze, uo = gao * yo + gbo * zo;
		ze = ue;
		zo = uo;
		hadamard_split(&ue, &uo);
		turn_split(&ue, &uo, &turn, turn_inc);
		ue = v4_flush(ue + sign_e * el);
		uo = v4_flush(uo + sign_o * er);
		float u[NLINES];
		v4_join(ue, uo, u);
		for (int j = 0; j < NLINES; j++)
			line[j][w & rv->line[j].mask] = u[j];
		w++;

		if (touch) {
			float ol = 0.0f, or_ = 0.0f;
			for (int j = 0; j < NLINES; j++) {
				ol += out_l[j] * u[j];
				or_ += out_r[j] * u[j];
			}
			float mid = ol + or_, side = ol - or_;
			l[i] = g[G_DRY] * xl + g[G_WM] * mid + g[G_WS] * side;
			r[i] = g[G_DRY] * xr + g[G_WM] * mid - g[G_WS] * side;
		}
	}
	memcpy(rv->cur, g, sizeof(g));
	v4_join(ze, zo, z);
	for (int j = 0; j < NLINES; j++)
		rv->z[j] = flush(z[j]);
	memcpy(rv->turn, &turn, sizeof(turn));
	rv->left = left;
	rv->w = w;
}

static void reverb_process(void *st, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	reverb_t *rv = st;
	(void)ctx;
	const float *g = rv->cur;
	bool touch = rv->left > 0 || g[G_DRY] != 1.0f || g[G_WM] != 0.0f || g[G_WS] != 0.0f;
	for (int at = 0; at < n; at += RV_CHUNK)
		reverb_chunk(rv, l + at, r + at, n - at < RV_CHUNK ? n - at : RV_CHUNK, touch);
}


/* Resting: the turning phases go on as turn_split() moves them, all four
 * at once, so the tail that follows the rest turns as it would have (a
 * module's unfed bus rests through the whole song, and one phase at a
 * time, a dependent add per frame, was a sixth of its render). */
static void reverb_rest(void *st, int n)
{
	reverb_t *rv = st;
	const rv_v4 one = { 1, 1, 1, 1 }, two = { 2, 2, 2, 2 };
	rv_v4 p, inc;
	memcpy(&p, rv->turn, sizeof(p));
	memcpy(&inc, rv->turn_inc, sizeof(inc));
	for (int j = 0; j < n; j++) {
		p += inc;
		p = v4_sel(p >= one, p - two, p);
	}
	memcpy(rv->turn, &p, sizeof(p));
}

const fx_ops_t fx_reverb = {
	.name = "reverb",
	.nparams = P_COUNT,
	.params = reverb_params,
	.state_size = reverb_state_size,
	.init = reverb_init,
	.set = reverb_set,
	.process = reverb_process,
	.rest = reverb_rest,
};
