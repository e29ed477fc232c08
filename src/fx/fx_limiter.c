/*
 * fx_limiter: the master's true-peak look-ahead limiter.  Whatever comes
 * in, what goes out stays under the ceiling as an independent BS.1770
 * true-peak meter reads it: the peaks between samples included.
 *
 * Two stages of the same design run in series, both stereo-linked:
 *
 *   in x gain --> [ main stage: look-ahead as set, release as set ]
 *             --> [ safety stage: short fixed look-ahead, fast release ]
 *             --> out
 *
 * A stage looks at the signal oversampled 8x (a polyphase windowed-sinc
 * interpolator, each gap between grid points refined by a parabola), so it
 * sees the peaks a reconstruction filter will make between the samples.
 * Near Nyquist, though, what lies between the samples depends on the
 * filter that reconstructs it, and the short 4x filters BS.1770 meters use
 * read broadband material up to a dB away from a long one, either way.  So
 * each gap is also read the way such a meter reads it (libebur128's
 * 49-tap, 4x Hann-windowed sinc), and the higher reading counts.
 * For every frame it works out the gain that would keep that frame and
 * its neighbourhood under the target, and turns that into a smooth gain
 * which is never above it when the frame comes out of the delay line:
 *
 *   needed gain r --> minimum over W frames --> release (log domain)
 *                 --> box average over a --> box average over b --> g
 *   with a + b - 1 = W and the audio delayed to line up: the averages
 *   only ever mix values that are already at or below the frame's r, so
 *   the gain is down in full by the time the peak leaves, having ramped
 *   there along a smooth (piecewise quadratic) curve.
 *
 * The main stage aims a little under the ceiling.  Gain that moves fast
 * while the signal is loud changes what lies between the samples, so the
 * result can still poke above its aim by a hair; the safety stage measures
 * the main stage's output the same way and takes such overs out.  Its
 * corrections are tiny, so it adds no such error of its own that matters.
 * A last clamp to the ceiling, sample by sample, only guards against the
 * arithmetic: it never acts on audio that went through the stages above.
 *
 * Gains in the averages are fixed-point integers, so the running sums are
 * exact and a signal that needs no limiting comes out bit for bit, only
 * delayed.  Everything runs per frame, so the result does not depend on
 * how the caller splits its blocks.  The look-ahead sets the delay line
 * and with it the latency the engine compensates when playback starts, so
 * a new look-ahead takes effect at the next init(); set() glides the input
 * gain and the ceiling and takes the release at once.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "simd.h"

/* Interpolator: OS points per sample, TAPS input samples per point. */
#define OS          8
#define TAPS        32
#define KAISER_BETA 8.0

/* The meters' interpolator: MOS points per sample from a prototype of
 * MTAPS_ALL taps, so MTAPS input samples per point. */
#define MOS         4
#define MTAPS_ALL   49
#define MTAPS       12

/* Input history per channel: the interpolator's window and the frame
 * before it, whose last grid point a reading may need after frames that
 * were not read (see `hot` below). */
#define HLEN (TAPS + 1)

/* Frames a loud sample keeps the stage reading in full: it sits in the
 * window of TAPS frames and in the frame before each of those (the
 * previous gap's last grid point), with room to spare. */
#define HOT_FRAMES (TAPS + 4)

/* How far under the ceiling each stage aims, in dB.  The main stage leaves
 * room for its own gain modulation; the safety stage leaves room for the
 * way meters other than the two readings above differ from both (ffmpeg
 * resamples to 192 kHz with a filter of its own) and for what its own
 * corrections change between the samples. */
#define MAIN_MARGIN_DB   0.20
#define SAFETY_MARGIN_DB 0.12

#define SAFETY_MS         0.5   /* the safety stage's look-ahead */
#define SAFETY_RELEASE_MS 20.0
#define GLIDE_MS          20.0  /* input gain and ceiling changes */
#define LOOKAHEAD_MAX_MS  10.0

/* Gains inside the averages: 1.0 is 1 << GAIN_BITS. */
#define GAIN_BITS 30
#define GAIN_ONE  (1u << GAIN_BITS)

/* Input beyond this (+120 dBFS) is treated as garbage: limited like
 * anything else, just so the arithmetic stays finite. */
#define INPUT_MAX 1e6f

#define LIM_PARAMS(X) \
	X(P_CEILING,   "ceiling",   -12.0f,    0.0f,  -1.0f, "dBTP", false) \
	X(P_RELEASE,   "release",     1.0f, 1000.0f,  80.0f, "ms",   true)  \
	X(P_LOOKAHEAD, "lookahead",   0.5f,   10.0f,   2.0f, "ms",   false) \
	X(P_GAIN,      "gain",      -12.0f,   24.0f,   0.0f, "dB",   false)

#define P_ENUM(e, n, lo, hi, d, u, lg) e,
enum { LIM_PARAMS(P_ENUM) P_COUNT };
#undef P_ENUM

#define P_DESC(e, n, lo, hi, d, u, lg) \
	[e] = { .name = n, .min = lo, .max = hi, .def = d, .unit = u, .log = lg },
static const fx_param_desc_t lim_params[P_COUNT] = { LIM_PARAMS(P_DESC) };
#undef P_DESC

/* Where a stage's arrays sit, as byte offsets from the state's start, so
 * the state stays one relocatable block. */
typedef struct stage_layout {
	size_t hist;    /* float [2][2 * HLEN]: input history, stored twice */
	size_t dq_val;  /* uint32_t [w]: the hold's ascending minima */
	size_t dq_at;   /* int64_t [w]: when each was pushed */
	size_t box1;    /* uint32_t [a] */
	size_t box2;    /* uint32_t [b] */
	size_t ring;    /* float [delay][3]: left, right, ceiling */
	size_t end;
} stage_layout_t;

typedef struct stage {
	stage_layout_t at;
	int w, a, b;          /* hold length; box lengths, a + b - 1 = w */
	double inv_a, inv_b;  /* 1 / a, 1 / b */
	int delay;            /* frames from input to output */
	double aim;           /* target as a fraction of the ceiling */
	double rel;           /* release: log-gain kept per frame */
	int hpos;             /* history write position */
	float last[2];        /* each channel's last grid point of the frame before */
	bool read_last;       /* the frame before was read in full: last[] holds */
	int hot;              /* frames still to read in full */
	float c_in;           /* the ceiling the latest frame came in with */
	float quiet, quiet_c; /* the level no reading can raise past the aim, for quiet_c */
	double m[2];          /* the two latest per-frame peaks */
	int64_t now;          /* frames pushed */
	int dq_head, dq_len;
	double le;            /* release envelope, natural log of the gain */
	uint32_t memo_h;      /* the last hold release() took the log of ... */
	double memo_lh;       /* ... and that log */
	double memo_le;       /* the last envelope release() took exp() of ... */
	double memo_g;        /* ... and the gain it gave (a held gain repeats) */
	uint64_t sum1, sum2;
	int p1, p2;
	int rpos;
	double gain;          /* gain on the frame that left last */
} stage_t;

typedef struct lim {
	int rate;
	/* Tap-major, so one pass over the history feeds every phase at once
	 * (independent sums the compiler turns into vector lanes; each sum
	 * still adds its taps in order, so the result is the same bits). */
	float coef[TAPS][OS];     /* tap j, phase p; phase 0 is the sample itself */
	float mcoef[MTAPS][MOS];  /* the meters' taps k, phases 1..MOS-1 (0 unused) */
	float reach;              /* no reading exceeds reach x the largest |sample| near it */
	bool wide;                /* the readings run eight lanes wide */
	double gin, gin_to;    /* input gain, linear */
	double ceil, ceil_to;  /* ceiling, linear */
	double glide;          /* share of the distance covered per frame */
	stage_t main, safety;
} lim_t;

/* --- layout ----------------------------------------------------------- */

static size_t align_up(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static int detect_delay(void)
{
	/* the point interpolated now lies TAPS / 2 frames back, and a frame's
	 * peak also takes in the frame after it */
	return TAPS / 2 + 1;
}

static void stage_lengths(stage_t *s, int w)
{
	s->w = w < 2 ? 2 : w;
	s->a = (s->w + 1) / 2;
	s->b = s->w + 1 - s->a;
	s->inv_a = 1.0 / s->a;
	s->inv_b = 1.0 / s->b;
	s->delay = detect_delay() + s->w - 1;
}

static size_t stage_place(stage_t *s, size_t off)
{
	stage_layout_t *l = &s->at;
	l->hist = off = align_up(off);
	off += 2 * 2 * HLEN * sizeof(float);
	l->dq_val = off = align_up(off);
	off += (size_t)s->w * sizeof(uint32_t);
	l->dq_at = off = align_up(off);
	off += (size_t)s->w * sizeof(int64_t);
	l->box1 = off = align_up(off);
	off += (size_t)s->a * sizeof(uint32_t);
	l->box2 = off = align_up(off);
	off += (size_t)s->b * sizeof(uint32_t);
	l->ring = off = align_up(off);
	off += (size_t)s->delay * 3 * sizeof(float);
	l->end = off;
	return off;
}

static int ms_frames(double ms, int rate)
{
	return (int)lround(ms * 0.001 * rate);
}

static int safety_frames(int rate)
{
	return ms_frames(SAFETY_MS, rate);
}

/* Lays both stages out after the header; returns the total size. */
static size_t lim_place(lim_t *s, int rate, int main_w)
{
	stage_lengths(&s->main, main_w);
	stage_lengths(&s->safety, safety_frames(rate));
	size_t off = stage_place(&s->main, sizeof(lim_t));
	return stage_place(&s->safety, off);
}

static size_t lim_state_size(int rate)
{
	lim_t probe;
	return lim_place(&probe, rate, ms_frames(LOOKAHEAD_MAX_MS, rate));
}

#define AT(base, off, type) ((type *)(void *)((char *)(base) + (off)))

/* --- the interpolator ------------------------------------------------- */

static double bessel_i0(double x)
{
	double sum = 1.0, term = 1.0, q = x * x / 4.0;
	for (int k = 1; k < 64 && term > 1e-17 * sum; k++) {
		term *= q / ((double)k * k);
		sum += term;
	}
	return sum;
}

/* Windowed sinc with its zeros on the input samples, so phase 0 passes
 * samples through untouched and the grid holds every sample exactly.
 * Each other phase is scaled to unity gain at DC: a constant then reads
 * as itself, not a hair above or below. */
static void make_coefs(lim_t *s)
{
	double i0b = bessel_i0(KAISER_BETA);
	for (int p = 0; p < OS; p++) {
		double sum = 0.0, c[TAPS];
		for (int j = 0; j < TAPS; j++) {
			/* distance from the point to tap j's sample, in samples */
			double t = TAPS / 2 - 1 - j + (double)p / OS;
			double u = t / (TAPS / 2.0);
			double win = fabs(u) < 1.0 ? bessel_i0(KAISER_BETA * sqrt(1.0 - u * u)) / i0b : 0.0;
			double sinc = t == 0.0 ? 1.0 : sin(M_PI * t) / (M_PI * t);
			c[j] = p == 0 ? (t == 0.0 ? 1.0 : 0.0) : sinc * win;
			sum += c[j];
		}
		for (int j = 0; j < TAPS; j++)
			s->coef[j][p] = (float)(c[j] / sum);
	}
	/* The meters' filter as libebur128 builds it: prototype tap j sits
	 * m = j - 24 quarter samples from the point, sinc(m / 4) under a Hann
	 * window, not normalised.  Phase f takes taps j = 4k + f. */
	memset(s->mcoef, 0, sizeof(s->mcoef));
	for (int f = 1; f < MOS; f++)
		for (int k = 0; k < MTAPS && MOS * k + f < MTAPS_ALL; k++) {
			int j = MOS * k + f;
			double m = j - (MTAPS_ALL - 1) / 2.0, x = M_PI * m / MOS;
			double win = 0.5 * (1.0 - cos(2.0 * M_PI * j / (MTAPS_ALL - 1)));
			s->mcoef[k][f] = (float)(sin(x) / x * win);
		}
	/* A grid point is a weighted sum of the window, so it is at most the
	 * sum of its |weights| times the window's largest |sample|; the
	 * parabola through three points of which the middle is the largest
	 * rises above it by at most 1/8 of it.  A hair more covers float
	 * rounding in the sums. */
	double worst = 0.0;
	for (int p = 0; p < OS; p++) {
		double l1 = 0.0;
		for (int j = 0; j < TAPS; j++)
			l1 += fabs(s->coef[j][p]);
		worst = fmax(worst, 1.125 * l1);
	}
	for (int f = 1; f < MOS; f++) {
		double l1 = 0.0;
		for (int k = 0; k < MTAPS; k++)
			l1 += fabs(s->mcoef[k][f]);
		worst = fmax(worst, l1);
	}
	s->reach = (float)(worst * (1.0 + 1e-4));
}

/* The last grid point of a gap alone (the frame before, when it was not
 * read): the same sum, in the same order, as gap_peak() makes of it. */
static float last_point(const lim_t *s, const float *win)
{
	float acc = 0.0f;
	for (int j = 0; j < TAPS; j++)
		acc += s->coef[j][OS - 1] * win[j];
	return acc;
}

/* Four floats as one value: GCC and Clang map it to SSE or NEON
 * registers, and to plain scalar code where there are none. */
typedef float lim_v4 __attribute__((vector_size(16)));

static inline lim_v4 v4_load(const float *p)
{
	lim_v4 v;
	memcpy(&v, p, sizeof(v));    /* unaligned */
	return v;
}

static inline lim_v4 v4_set(float x)
{
	return (lim_v4){ x, x, x, x };
}

/* The grid points of both channels' gaps (acc[ch][p], phase 0 unused)
 * and the meters' points (macc[ch][f], f 1..MOS-1).  Each point is a sum
 * over the taps in order; the two channels' sums go side by side, so
 * neither waits on its own previous add as long. */
static void gap_grid(const lim_t *s, const float *const win[2], float acc[2][OS], float macc[2][MOS])
{
	lim_v4 l0 = { 0 }, l1 = { 0 }, r0 = { 0 }, r1 = { 0 };
	for (int j = 0; j < TAPS; j++) {
		lim_v4 c0 = v4_load(s->coef[j]), c1 = v4_load(s->coef[j] + 4);
		lim_v4 wl = v4_set(win[0][j]), wr = v4_set(win[1][j]);
		l0 += c0 * wl;
		l1 += c1 * wl;
		r0 += c0 * wr;
		r1 += c1 * wr;
	}
	memcpy(acc[0], &l0, sizeof(l0));
	memcpy(acc[0] + 4, &l1, sizeof(l1));
	memcpy(acc[1], &r0, sizeof(r0));
	memcpy(acc[1] + 4, &r1, sizeof(r1));
	/* The meters' reading of the same gap: point f lies f / MOS past the
	 * centre sample, tap k reads the sample (24 - 4k - f) / 4 after the
	 * point, win[TAPS / 2 + 5 - k]. */
	const int x0 = TAPS / 2 + (MTAPS_ALL - 1) / (2 * MOS) - 1;
	lim_v4 ml = { 0 }, mr = { 0 };
	for (int k = 0; k < MTAPS; k++) {
		lim_v4 c = v4_load(s->mcoef[k]);
		ml += c * v4_set(win[0][x0 - k]);
		mr += c * v4_set(win[1][x0 - k]);
	}
	memcpy(macc[0], &ml, sizeof(ml));
	memcpy(macc[1], &mr, sizeof(mr));
}

/*
 * gap_grid() eight lanes wide, for processors with AVX: each register
 * holds what two of the four-lane sums above hold, every lane adding the
 * same products in the same order (a separate multiply and add), so the
 * bits are the same with half the instructions.  The processor is asked
 * once, at init (lim_t's wide).
 */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
typedef float lim_v8 __attribute__((vector_size(32)));
_Static_assert(OS == 8 && MOS == 4, "a register holds one channel's grid, or both channels' meter points");

__attribute__((target("avx")))
static void gap_grid8(const lim_t *s, const float *const win[2], float acc[2][OS], float macc[2][MOS])
{
	lim_v8 l = { 0 }, r = { 0 };
	for (int j = 0; j < TAPS; j++) {
		lim_v8 c;
		memcpy(&c, s->coef[j], sizeof(c));
		float a = win[0][j], b = win[1][j];
		l += c * (lim_v8){ a, a, a, a, a, a, a, a };
		r += c * (lim_v8){ b, b, b, b, b, b, b, b };
	}
	memcpy(acc[0], &l, sizeof(l));
	memcpy(acc[1], &r, sizeof(r));
	const int x0 = TAPS / 2 + (MTAPS_ALL - 1) / (2 * MOS) - 1;
	lim_v8 m = { 0 };
	for (int k = 0; k < MTAPS; k++) {
		const float *c = s->mcoef[k];
		float a = win[0][x0 - k], b = win[1][x0 - k];
		m += (lim_v8){ c[0], c[1], c[2], c[3], c[0], c[1], c[2], c[3] } *
		     (lim_v8){ a, a, a, a, b, b, b, b };
	}
	memcpy(macc[0], &m, sizeof(float) * MOS);
	memcpy(macc[1], (float *)&m + MOS, sizeof(float) * MOS);
}

#else
static void gap_grid8(const lim_t *s, const float *const win[2], float acc[2][OS], float macc[2][MOS])
{
	gap_grid(s, win, acc, macc);
}

#endif

static inline float max_f(float a, float b)
{
	return a > b ? a : b;
}

/* Highest point of |signal| in the gap from the centre sample to the one
 * after it, from the grid points either side refined by a parabola, or
 * the meters' reading where that is higher. */
static double gap_peak(stage_t *st, int ch, const float *win, const float *acc, const float *macc)
{
	float v[OS + 2];
	v[0] = st->last[ch];
	v[1] = win[TAPS / 2 - 1];
	for (int p = 1; p < OS; p++)
		v[p + 1] = acc[p];
	v[OS + 1] = win[TAPS / 2];
	st->last[ch] = v[OS];
	/* The largest |point| (a tree of comparisons: no branch to guess, and
	 * the same value in any order), then the first point that has it. */
	_Static_assert(OS == 8, "the tree below takes nine points");
	float mag[OS + 2];
	for (int i = 1; i <= OS + 1; i++)
		mag[i] = fabsf(v[i]);
	float top = max_f(max_f(max_f(max_f(mag[1], mag[2]), max_f(mag[3], mag[4])),
	                        max_f(max_f(mag[5], mag[6]), max_f(mag[7], mag[8]))), mag[9]);
	int best = 1;
	while (mag[best] != top)
		best++;
	/* Refine only a local maximum of the grid: then the parabola's vertex
	 * lies within half a grid step of it and rises by at most a quarter
	 * of the drop on either side.  (At best == 1 the point before it,
	 * v[0], belongs to the previous gap and may be higher: on a slope a
	 * parabola through three nearly collinear points extrapolates to an
	 * arbitrarily high vertex, which read a plain sine as tens of dB too
	 * loud.  A peak there was refined in the previous gap already.) */
	double peak = top;
	if (best <= OS) {
		double a = fabsf(v[best - 1]), b = top, c = fabsf(v[best + 1]);
		double den = a - 2.0 * b + c;
		if (a <= b && den < 0.0)
			peak = b + (a - c) * (a - c) / (-8.0 * den);
	}
	for (int f = 1; f < MOS; f++)
		if (fabsf(macc[f]) > peak)
			peak = fabsf(macc[f]);
	return peak;
}

/* fmax() and a clamp for values that are never NaN here, written as
 * comparisons: without -ffinite-math-only the library's versions are
 * calls, several a frame. */
static inline double max_of(double a, double b)
{
	return a >= b ? a : b;
}

static inline float to_ceiling(float x, float c)
{
	return x < -c ? -c : x > c ? c : x;
}

/* --- a stage ---------------------------------------------------------- */

/* Starts from silence that came in under the given ceiling. */
static void stage_clear(void *base, stage_t *s, float ceil)
{
	memset((char *)base + s->at.hist, 0, s->at.end - s->at.hist);
	float *ring = AT(base, s->at.ring, float);
	for (int i = 0; i < s->delay; i++)
		ring[3 * i + 2] = ceil;
	s->hpos = 0;
	s->last[0] = s->last[1] = 0.0f;
	s->read_last = true;
	s->hot = 0;
	s->c_in = ceil;
	s->quiet_c = -1.0f;   /* no ceiling: worked out on the first frame */
	s->m[0] = s->m[1] = 0.0;
	s->now = 0;
	s->dq_head = s->dq_len = 0;
	s->le = 0.0;
	s->memo_h = GAIN_ONE;
	s->memo_lh = 0.0;
	s->memo_le = 1.0;     /* the envelope is never above 0: no match */
	s->memo_g = 0.0;
	uint32_t *b1 = AT(base, s->at.box1, uint32_t), *b2 = AT(base, s->at.box2, uint32_t);
	for (int i = 0; i < s->a; i++)
		b1[i] = GAIN_ONE;
	for (int i = 0; i < s->b; i++)
		b2[i] = GAIN_ONE;
	s->sum1 = (uint64_t)s->a * GAIN_ONE;
	s->sum2 = (uint64_t)s->b * GAIN_ONE;
	s->p1 = s->p2 = 0;
	s->rpos = 0;
	s->gain = 1.0;
}

static void stage_release(stage_t *s, double ms, int rate)
{
	s->rel = exp(-1000.0 / (ms * rate));
}

/* The hold: the smallest needed gain of the last w frames. */
static uint32_t hold(void *base, stage_t *s, uint32_t q)
{
	uint32_t *val = AT(base, s->at.dq_val, uint32_t);
	int64_t *at = AT(base, s->at.dq_at, int64_t);
	int w = s->w;
	/* drop the minimum that has left the window */
	if (s->dq_len && at[s->dq_head] <= s->now - w) {
		if (++s->dq_head == w)
			s->dq_head = 0;
		s->dq_len--;
	}
	/* larger values behind the new one can never be the minimum again */
	int tail = s->dq_head + s->dq_len - 1;    /* the newest, unwrapped */
	while (s->dq_len && val[tail >= w ? tail - w : tail] >= q) {
		s->dq_len--;
		tail--;
	}
	int i = s->dq_head + s->dq_len;
	if (i >= w)
		i -= w;
	val[i] = q;
	at[i] = s->now;
	s->dq_len++;
	return val[s->dq_head];
}

/* The release: free to fall at once, rises toward the hold with the
 * release time constant in dB, never above the hold. */
static uint32_t release(stage_t *s, uint32_t h)
{
	if (h == GAIN_ONE && s->le == 0.0)
		return h;
	/* log(1) is 0 exactly: no call for the common case of no hold; and a
	 * hold or an envelope that has not moved since the last frame gives
	 * the same result as then, without the call */
	if (h != s->memo_h) {
		s->memo_h = h;
		s->memo_lh = h == GAIN_ONE ? 0.0 : h ? log((double)h / GAIN_ONE) : -700.0;
	}
	double lh = s->memo_lh;
	if (lh <= s->le)
		s->le = lh;
	else
		s->le = lh + (s->le - lh) * s->rel;
	if (s->le > -1e-10 && h == GAIN_ONE) {
		s->le = 0.0;
		return h;
	}
	if (s->le != s->memo_le) {
		s->memo_le = s->le;
		s->memo_g = floor(exp(s->le) * GAIN_ONE);
	}
	double g = s->memo_g;
	return g < (double)h ? (uint32_t)g : h;
}

/* A box average of len gains; inv is 1.0 / len. */
static inline uint32_t box(uint32_t *ring, int len, double inv, int *pos, uint64_t *sum, uint32_t in)
{
	*sum += in;
	*sum -= ring[*pos];
	ring[*pos] = in;
	if (++*pos == len)
		*pos = 0;
	/* a full box is the common case: no division for it */
	if (*sum == (uint64_t)len * GAIN_ONE)
		return GAIN_ONE;
	return dsp_div_recip(*sum, (uint32_t)len, inv);
}

/* Whether the stage is at rest: no peak near enough to count, nothing
 * held, no release under way, both averages full.  Then a quiet frame
 * that needs no reading leaves every decision at unity gain. */
static bool settled(void *base, const stage_t *st)
{
	const uint32_t *val = AT(base, st->at.dq_val, uint32_t);
	return st->m[0] == 0.0 && st->m[1] == 0.0 && st->le == 0.0 && st->dq_len == 1 &&
	       val[st->dq_head] == GAIN_ONE && st->sum1 == (uint64_t)st->a * GAIN_ONE &&
	       st->sum2 == (uint64_t)st->b * GAIN_ONE;
}

/* The delay line: frame l, r, c (samples and ceiling) goes in, the one
 * `delay` frames older comes out in their place. */
static inline void delay_frame(void *base, stage_t *st, float *l, float *r, float *c)
{
	float *slot = AT(base, st->at.ring, float) + 3 * st->rpos;
	float ol = slot[0], or = slot[1], oc = slot[2];
	slot[0] = *l;
	slot[1] = *r;
	slot[2] = *c;
	if (++st->rpos == st->delay)
		st->rpos = 0;
	*l = ol;
	*r = or;
	*c = oc;
}

/* stage_run() for a quiet frame of a settled stage: the same steps of
 * its state (history, hold, averages, delay line), without the
 * arithmetic that could only confirm a gain of 1. */
static void calm_frame(void *base, stage_t *st, float *l, float *r, float *c)
{
	float *hist = AT(base, st->at.hist, float);
	hist[st->hpos] = hist[st->hpos + HLEN] = *l;
	hist[2 * HLEN + st->hpos] = hist[2 * HLEN + st->hpos + HLEN] = *r;
	if (++st->hpos == HLEN)
		st->hpos = 0;
	st->read_last = false;

	/* hold(GAIN_ONE) on a queue holding one GAIN_ONE */
	uint32_t *val = AT(base, st->at.dq_val, uint32_t);
	int64_t *at = AT(base, st->at.dq_at, int64_t);
	if (at[st->dq_head] <= st->now - st->w && ++st->dq_head == st->w)
		st->dq_head = 0;
	val[st->dq_head] = GAIN_ONE;
	at[st->dq_head] = st->now;
	st->now++;
	/* box(GAIN_ONE) on boxes full of it */
	if (++st->p1 == st->a)
		st->p1 = 0;
	if (++st->p2 == st->b)
		st->p2 = 0;

	delay_frame(base, st, l, r, c);
	st->gain = 1.0;
}

/* Takes one frame in (with the ceiling in force for it) and hands out the
 * frame `delay` frames older, limited, with its ceiling. */
static void stage_run(const lim_t *s, void *base, stage_t *st, float *l, float *r, float *c)
{
	/* the interpolator: each history is stored twice so the last HLEN
	 * samples are always contiguous */
	float *hist = AT(base, st->at.hist, float);
	float in[2] = { *l, *r };

	/* Most frames need no reading at all.  A frame's reading, and its
	 * neighbours', come from the samples of their windows, so while every
	 * sample that entered in the last HOT_FRAMES frames is under the aim
	 * divided by the reach, no reading can exceed the aim and the needed
	 * gain is 1 whatever the readings are.  Those frames skip them (their
	 * peaks count as 0, which changes no decision: a peak under the aim
	 * never sets the gain); the rest read in full, exactly as always.
	 * The bound holds for one ceiling, so a changing ceiling reads in
	 * full until the frames it decides on came in with the new one. */
	if (*c != st->c_in) {
		st->c_in = *c;
		st->hot = HOT_FRAMES + st->delay;
	}
	if (*c != st->quiet_c) {
		st->quiet_c = *c;
		st->quiet = (float)(st->aim * *c) / s->reach;
	}
	float quiet = st->quiet;
	bool loud = !(fabsf(in[0]) <= quiet && fabsf(in[1]) <= quiet);
	if (!loud && st->hot == 0 && settled(base, st)) {
		calm_frame(base, st, l, r, c);
		return;
	}
	if (loud && st->hot < HOT_FRAMES)
		st->hot = HOT_FRAMES;

	double peak = 0.0;
	const float *win[2];
	for (int ch = 0; ch < 2; ch++) {
		float *h = hist + ch * 2 * HLEN;
		h[st->hpos] = h[st->hpos + HLEN] = in[ch];
		win[ch] = h + st->hpos + 1 + (HLEN - TAPS);
	}
	if (st->hot > 0) {
		float acc[2][OS], macc[2][MOS];
		for (int ch = 0; ch < 2; ch++)
			if (!st->read_last)
				st->last[ch] = last_point(s, win[ch] - 1);
		if (s->wide)
			gap_grid8(s, win, acc, macc);
		else
			gap_grid(s, win, acc, macc);
		for (int ch = 0; ch < 2; ch++) {
			double p = gap_peak(st, ch, win[ch], acc[ch], macc[ch]);
			if (p > peak)
				peak = p;
		}
	}
	if (++st->hpos == HLEN)
		st->hpos = 0;
	st->read_last = st->hot > 0;
	if (st->hot > 0)
		st->hot--;

	/* the frame whose gap both neighbouring gaps now have a peak for */
	double around = max_of(max_of(st->m[0], st->m[1]), peak);
	st->m[0] = st->m[1];
	st->m[1] = peak;

	float *ring = AT(base, st->at.ring, float);
	/* the ceiling that frame came in with: slot rpos holds the oldest
	 * frame, the one before it the newest */
	int back = st->rpos - detect_delay();
	if (back < 0)
		back += st->delay;
	double ceil_k = ring[3 * back + 2];
	double lim = st->aim * ceil_k;
	uint32_t q = GAIN_ONE;
	if (around > lim)
		q = (uint32_t)floor(lim / around * GAIN_ONE);

	uint32_t h = hold(base, st, q);
	st->now++;
	uint32_t e = release(st, h);
	uint32_t u = box(AT(base, st->at.box1, uint32_t), st->a, st->inv_a, &st->p1, &st->sum1, e);
	uint32_t g = box(AT(base, st->at.box2, uint32_t), st->b, st->inv_b, &st->p2, &st->sum2, u);

	delay_frame(base, st, l, r, c);
	if (g == GAIN_ONE) {
		st->gain = 1.0;
	} else {
		st->gain = (double)g / GAIN_ONE;
		*l = (float)(*l * st->gain);
		*r = (float)(*r * st->gain);
	}
}

/* --- the unit --------------------------------------------------------- */

static void take_params(lim_t *s, const float *p)
{
	s->ceil_to = pow(10.0, p[P_CEILING] / 20.0);
	s->gin_to = pow(10.0, p[P_GAIN] / 20.0);
	stage_release(&s->main, p[P_RELEASE], s->rate);
}

static void lim_init(void *st, int rate, const float *p)
{
	lim_t *s = st;
	memset(s, 0, sizeof(*s));
	s->rate = rate;
	s->wide = simd_wide();
	make_coefs(s);
	float la = fminf(fmaxf(p[P_LOOKAHEAD], lim_params[P_LOOKAHEAD].min), LOOKAHEAD_MAX_MS);
	lim_place(s, rate, ms_frames(la, rate));
	s->main.aim = pow(10.0, -MAIN_MARGIN_DB / 20.0);
	s->safety.aim = pow(10.0, -SAFETY_MARGIN_DB / 20.0);
	stage_release(&s->safety, SAFETY_RELEASE_MS, rate);
	take_params(s, p);
	s->gin = s->gin_to;
	s->ceil = s->ceil_to;
	stage_clear(s, &s->main, (float)s->ceil);
	stage_clear(s, &s->safety, (float)s->ceil);
	s->glide = 1.0 - exp(-1000.0 / (GLIDE_MS * rate));
}

static void lim_set(void *st, const float *p)
{
	take_params(st, p);
}

/* One step of a glide; lands exactly, so a settled value is the target
 * bit for bit. */
static double glide(double cur, double to, double k)
{
	double next = cur + (to - cur) * k;
	return fabs(to - next) <= 1e-7 * fabs(to) ? to : next;
}

static void lim_process(void *st, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	lim_t *s = st;
	(void)ctx;
	for (int i = 0; i < n; i++) {
		if (s->gin != s->gin_to)
			s->gin = glide(s->gin, s->gin_to, s->glide);
		if (s->ceil != s->ceil_to)
			s->ceil = glide(s->ceil, s->ceil_to, s->glide);
		float x[2] = { l[i], r[i] };
		for (int ch = 0; ch < 2; ch++) {
			float v = s->gin == 1.0 ? x[ch] : (float)(x[ch] * s->gin);
			if (!(fabsf(v) <= INPUT_MAX))   /* also NaN */
				v = isnan(v) ? 0.0f : copysignf(INPUT_MAX, v);
			x[ch] = v;
		}
		float c = (float)s->ceil;
		stage_run(s, s, &s->main, &x[0], &x[1], &c);
		stage_run(s, s, &s->safety, &x[0], &x[1], &c);
		l[i] = to_ceiling(x[0], c);
		r[i] = to_ceiling(x[1], c);
	}
}

static float lim_reduction(const void *st)
{
	const lim_t *s = st;
	double g = s->main.gain * s->safety.gain;
	return g >= 1.0 ? 0.0f : (float)(-20.0 * log10(g));
}

static int lim_latency(const void *st)
{
	const lim_t *s = st;
	return s->main.delay + s->safety.delay;
}

const fx_ops_t fx_limiter = {
	.name = "limiter",
	.nparams = P_COUNT,
	.params = lim_params,
	.state_size = lim_state_size,
	.init = lim_init,
	.set = lim_set,
	.process = lim_process,
	.reduction = lim_reduction,
	.latency = lim_latency,
};
