/*
 * fx_eq: the channel and master equaliser.
 *
 *   in -> high-pass -> low-pass -> low shelf -> high shelf -> peak 1 -> peak 2 -> out
 *         (1 or 2     (1 or 2
 *          sections)   sections)
 *
 * Every band is a biquad after the RBJ Audio-EQ-Cookbook: high- and
 * low-pass with Butterworth Q (12 dB/oct: one section, Q 1/sqrt 2;
 * 24 dB/oct: two sections with Q 0.5412 and 1.3066, the fourth-order
 * Butterworth pair), shelves with slope S = 1, peaking bands with their
 * own Q.  A band at 0 dB (shelf, peak) or switched off (pass filters,
 * frequency 0) is not run at all, so an EQ left neutral passes its input
 * through bit for bit.  Frequencies stop at 0.49 of the rate.
 *
 * Gliding: set() only stores targets.  Every EQ_CTL samples of the unit's
 * own time each band moves its frequency (in octaves), gain (in dB) and Q
 * (log) a step towards them along a one-pole curve of EQ_GLIDE_S, and
 * recomputes its coefficients; steps that small do not zipper, and each
 * set of coefficients is a stable filter.  Switching a pass filter on or
 * off, or changing its slope, cannot glide a frequency from "nothing", so
 * it crossfades between the filtered and the plain signal instead (off:
 * fade out; slope: fade out, switch, fade in).  The control points fall on
 * the unit's own sample count, so the output does not depend on how the
 * caller splits its blocks.
 *
 * The state is plain memory (eq_t); process() runs on the audio thread
 * and never allocates.
 */
#include <math.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"

#define EQ_CTL        16        /* samples between coefficient updates */
#define EQ_GLIDE_S    0.02      /* parameter glide time constant, seconds */
#define EQ_FADE_S     0.02      /* pass filter on/off crossfade, seconds */
#define EQ_MAX_FRAC   0.49      /* highest frequency, fraction of the rate */
#define EQ_MIN_HZ     10.0      /* lowest frequency a band is set to */
#define EQ_MAX_SECT   2

/* Butterworth section Q: one section for 12 dB/oct, the pair for 24. */
#define Q_BW2   0.70710678
#define Q_BW4A  0.54119610
#define Q_BW4B  1.30656296

enum {
	P_HP, P_HP_SLOPE, P_LP, P_LP_SLOPE, P_LOW_FREQ, P_LOW_GAIN,
	P_HIGH_FREQ, P_HIGH_GAIN, P_FREQ1, P_GAIN1, P_Q1, P_FREQ2, P_GAIN2, P_Q2,
	P_COUNT
};

static const char *const slope_names[] = { "12", "24", NULL };

static const fx_param_desc_t eq_params[P_COUNT] = {
	[P_HP]        = { "hp",        0.0f,    2000.0f,  0.0f,    "Hz", true,  NULL },
	[P_HP_SLOPE]  = { "hp_slope",  0.0f,    1.0f,     0.0f,    "",   false, slope_names },
	[P_LP]        = { "lp",        0.0f,    22000.0f, 0.0f,    "Hz", true,  NULL },
	[P_LP_SLOPE]  = { "lp_slope",  0.0f,    1.0f,     0.0f,    "",   false, slope_names },
	[P_LOW_FREQ]  = { "low_freq",  20.0f,   1000.0f,  100.0f,  "Hz", true,  NULL },
	[P_LOW_GAIN]  = { "low_gain",  -24.0f,  24.0f,    0.0f,    "dB", false, NULL },
	[P_HIGH_FREQ] = { "high_freq", 1000.0f, 20000.0f, 8000.0f, "Hz", true,  NULL },
	[P_HIGH_GAIN] = { "high_gain", -24.0f,  24.0f,    0.0f,    "dB", false, NULL },
	[P_FREQ1]     = { "freq1",     20.0f,   20000.0f, 500.0f,  "Hz", true,  NULL },
	[P_GAIN1]     = { "gain1",     -24.0f,  24.0f,    0.0f,    "dB", false, NULL },
	[P_Q1]        = { "q1",        0.1f,    10.0f,    1.0f,    "",   true,  NULL },
	[P_FREQ2]     = { "freq2",     20.0f,   20000.0f, 2500.0f, "Hz", true,  NULL },
	[P_GAIN2]     = { "gain2",     -24.0f,  24.0f,    0.0f,    "dB", false, NULL },
	[P_Q2]        = { "q2",        0.1f,    10.0f,    1.0f,    "",   true,  NULL },
};

typedef enum { BAND_HP, BAND_LP, BAND_LOW, BAND_HIGH, BAND_PEAK1, BAND_PEAK2, NBANDS } band_kind_t;

/* Where each band finds its parameters; -1: it has none of that kind. */
static const struct { int freq, gain, q, slope; } band_param[NBANDS] = {
	[BAND_HP]    = { P_HP,        -1,          -1,   P_HP_SLOPE },
	[BAND_LP]    = { P_LP,        -1,          -1,   P_LP_SLOPE },
	[BAND_LOW]   = { P_LOW_FREQ,  P_LOW_GAIN,  -1,   -1 },
	[BAND_HIGH]  = { P_HIGH_FREQ, P_HIGH_GAIN, -1,   -1 },
	[BAND_PEAK1] = { P_FREQ1,     P_GAIN1,     P_Q1, -1 },
	[BAND_PEAK2] = { P_FREQ2,     P_GAIN2,     P_Q2, -1 },
};

typedef struct biquad {
	float b0, b1, b2, a1, a2;      /* normalised by a0 */
	float s1[2], s2[2];            /* transposed direct form II, per side */
} biquad_t;

typedef struct band {
	/* Targets, as set() left them. */
	double t_oct, t_gain, t_lnq;   /* log2 Hz, dB, ln Q */
	bool t_on;                     /* pass filters: frequency > 0 */
	int t_slope;                   /* pass filters: 0 = 12, 1 = 24 dB/oct */
	/* Where the band is now. */
	double oct, gain, lnq;
	int slope;
	float amount;                  /* pass filters: crossfade 0 (dry) .. 1 */
	bool active;                   /* run at all */
	bool dirty;                    /* coefficients lag the current values */
	int nsect;
	biquad_t sect[EQ_MAX_SECT];
} band_t;

typedef struct eq {
	double rate, max_oct, glide;
	float fade_step;               /* crossfade change per sample */
	int ctl_left;                  /* samples until the next control point */
	band_t band[NBANDS];
} eq_t;

/* ------------------------------------------------------------------ */
/* coefficients                                                         */

static void biquad_set(biquad_t *q, double b0, double b1, double b2,
                       double a0, double a1, double a2)
{
	q->b0 = (float)(b0 / a0);
	q->b1 = (float)(b1 / a0);
	q->b2 = (float)(b2 / a0);
	q->a1 = (float)(a1 / a0);
	q->a2 = (float)(a2 / a0);
}

/* Coefficients are worked out in double: at low frequencies 1 - cos(w0)
 * is far below float's resolution around 1. */
static void band_design(band_t *b, band_kind_t kind, double rate)
{
	double f = exp2(b->oct);
	double w0 = 2.0 * M_PI * f / rate, c = cos(w0), s = sin(w0);
	double A = pow(10.0, b->gain / 40.0);
	switch (kind) {
	case BAND_HP:
	case BAND_LP: {
		static const double qs[2][EQ_MAX_SECT] = { { Q_BW2, 0 }, { Q_BW4A, Q_BW4B } };
		b->nsect = b->slope ? 2 : 1;
		for (int k = 0; k < b->nsect; k++) {
			double alpha = s / (2.0 * qs[b->slope][k]);
			if (kind == BAND_HP)
				biquad_set(&b->sect[k], (1 + c) / 2, -(1 + c), (1 + c) / 2,
				           1 + alpha, -2 * c, 1 - alpha);
			else
				biquad_set(&b->sect[k], (1 - c) / 2, 1 - c, (1 - c) / 2,
				           1 + alpha, -2 * c, 1 - alpha);
		}
		break;
	}
	case BAND_LOW:
	case BAND_HIGH: {
		/* Shelf slope S = 1: alpha = sin(w0)/2 * sqrt(2). */
		double alpha = s / 2.0 * sqrt(2.0), ra = 2.0 * sqrt(A) * alpha;
		double sg = kind == BAND_LOW ? 1.0 : -1.0;   /* the two differ in cos's sign */
		biquad_set(&b->sect[0],
		           A * ((A + 1) - sg * (A - 1) * c + ra),
		           sg * 2 * A * ((A - 1) - sg * (A + 1) * c),
		           A * ((A + 1) - sg * (A - 1) * c - ra),
		           (A + 1) + sg * (A - 1) * c + ra,
		           -sg * 2 * ((A - 1) + sg * (A + 1) * c),
		           (A + 1) + sg * (A - 1) * c - ra);
		b->nsect = 1;
		break;
	}
	default: {
		double alpha = s / (2.0 * exp(b->lnq));
		biquad_set(&b->sect[0], 1 + alpha * A, -2 * c, 1 - alpha * A,
		           1 + alpha / A, -2 * c, 1 - alpha / A);
		b->nsect = 1;
		break;
	}
	}
	b->dirty = false;
}

static void band_clear(band_t *b)
{
	for (int k = 0; k < EQ_MAX_SECT; k++) {
		memset(b->sect[k].s1, 0, sizeof(b->sect[k].s1));
		memset(b->sect[k].s2, 0, sizeof(b->sect[k].s2));
	}
}

/* ------------------------------------------------------------------ */
/* parameters and gliding                                               */

static bool is_pass(band_kind_t kind)
{
	return kind == BAND_HP || kind == BAND_LP;
}

static double clamp_oct(const eq_t *e, double hz)
{
	double o = log2(hz < EQ_MIN_HZ ? EQ_MIN_HZ : hz);
	return o > e->max_oct ? e->max_oct : o;
}

static void take_targets(eq_t *e, const float *p)
{
	for (int i = 0; i < NBANDS; i++) {
		band_t *b = &e->band[i];
		float hz = p[band_param[i].freq];
		b->t_oct = clamp_oct(e, hz);
		b->t_gain = band_param[i].gain >= 0 ? p[band_param[i].gain] : 0.0;
		b->t_lnq = band_param[i].q >= 0 ? log(fmax(p[band_param[i].q], 0.01f)) : 0.0;
		b->t_on = hz >= 1.0f;
		b->t_slope = band_param[i].slope >= 0 && p[band_param[i].slope] >= 0.5f ? 1 : 0;
	}
}

/* Moves x towards target by the glide fraction; true if it moved. */
static bool glide(double *x, double target, double k, double snap)
{
	if (*x == target)
		return false;
	double d = target - *x;
	*x = fabs(d) < snap ? target : *x + d * k;
	return true;
}

/* One control point: every band steps towards its targets. */
static void control(eq_t *e)
{
	for (int i = 0; i < NBANDS; i++) {
		band_t *b = &e->band[i];
		if (is_pass((band_kind_t)i)) {
			if (!b->active) {
				if (!b->t_on)
					continue;
				/* Switching on: start at the target, fade in from dry. */
				b->oct = b->t_oct;
				b->slope = b->t_slope;
				b->amount = 0.0f;
				b->active = true;
				b->dirty = true;
				band_clear(b);
			} else if (b->amount == 0.0f && (!b->t_on || b->slope != b->t_slope)) {
				/* Faded out: now off, or ready to take the new slope. */
				if (!b->t_on) {
					b->active = false;
					continue;
				}
				b->slope = b->t_slope;
				b->dirty = true;
				band_clear(b);
			}
		} else {
			if (!b->active) {
				if (b->t_gain == 0.0)
					continue;
				/* A silent band's frequency and Q do not matter: take them. */
				b->oct = b->t_oct;
				b->lnq = b->t_lnq;
				b->gain = 0.0;
				b->active = true;
				b->dirty = true;
				band_clear(b);
			}
			b->dirty |= glide(&b->gain, b->t_gain, e->glide, 1e-3);
			b->dirty |= glide(&b->lnq, b->t_lnq, e->glide, 1e-4);
			if (b->gain == 0.0 && b->t_gain == 0.0) {
				b->active = false;
				continue;
			}
		}
		/* A pass filter fading out keeps its frequency. */
		if (b->t_on || !is_pass((band_kind_t)i))
			b->dirty |= glide(&b->oct, b->t_oct, e->glide, 1e-4);
		if (b->dirty)
			band_design(b, (band_kind_t)i, e->rate);
	}
}

/* ------------------------------------------------------------------ */
/* processing                                                           */

/* One step of a section (transposed direct form II): the arithmetic
 * every path below shares, so they stay the same bit for bit. */
static inline float df2t(float b0, float b1, float b2, float a1, float a2, float *s1, float *s2,
                         float x)
{
	float y = b0 * x + *s1;
	*s1 = b1 * x - a1 * y + *s2;
	*s2 = b2 * x - a2 * y;
	return y;
}

static inline float biquad_run(biquad_t *q, int ch, float x)
{
	return df2t(q->b0, q->b1, q->b2, q->a1, q->a2, &q->s1[ch], &q->s2[ch], x);
}

/* A section over the block with its state in locals: l and r might alias
 * it as far as the compiler knows, which would otherwise keep every
 * state variable going through memory on every sample. */
static void sect_run(biquad_t *q, float *l, float *r, int n)
{
	const float b0 = q->b0, b1 = q->b1, b2 = q->b2, a1 = q->a1, a2 = q->a2;
	float l1 = q->s1[0], l2 = q->s2[0], r1 = q->s1[1], r2 = q->s2[1];
	for (int j = 0; j < n; j++) {
		float xl = l[j], xr = r[j];
		l[j] = df2t(b0, b1, b2, a1, a2, &l1, &l2, xl);
		r[j] = df2t(b0, b1, b2, a1, a2, &r1, &r2, xr);
	}
	q->s1[0] = l1;
	q->s2[0] = l2;
	q->s1[1] = r1;
	q->s2[1] = r2;
}

/* Two sections in one pass, p then q, with the same arithmetic: each
 * sample's recursion is a chain of dependent operations, and two
 * sections on two sides give the core four chains to overlap instead of
 * two. */
static void sect_pair_run(biquad_t *p, biquad_t *q, float *l, float *r, int n)
{
	const float pb0 = p->b0, pb1 = p->b1, pb2 = p->b2, pa1 = p->a1, pa2 = p->a2;
	const float qb0 = q->b0, qb1 = q->b1, qb2 = q->b2, qa1 = q->a1, qa2 = q->a2;
	float pl1 = p->s1[0], pl2 = p->s2[0], pr1 = p->s1[1], pr2 = p->s2[1];
	float ql1 = q->s1[0], ql2 = q->s2[0], qr1 = q->s1[1], qr2 = q->s2[1];
	for (int j = 0; j < n; j++) {
		float xl = l[j], xr = r[j];
		float yl = df2t(pb0, pb1, pb2, pa1, pa2, &pl1, &pl2, xl);
		float yr = df2t(pb0, pb1, pb2, pa1, pa2, &pr1, &pr2, xr);
		l[j] = df2t(qb0, qb1, qb2, qa1, qa2, &ql1, &ql2, yl);
		r[j] = df2t(qb0, qb1, qb2, qa1, qa2, &qr1, &qr2, yr);
	}
	p->s1[0] = pl1;
	p->s2[0] = pl2;
	p->s1[1] = pr1;
	p->s2[1] = pr2;
	q->s1[0] = ql1;
	q->s2[0] = ql2;
	q->s1[1] = qr1;
	q->s2[1] = qr2;
}

/* A cascade of sections over the block, in order, two at a time. */
static void cascade_run(biquad_t *const *sect, int ns, float *l, float *r, int n)
{
	int k = 0;
	for (; k + 2 <= ns; k += 2)
		sect_pair_run(sect[k], sect[k + 1], l, r, n);
	if (k < ns)
		sect_run(sect[k], l, r, n);
}

/* A pass filter while it fades: dry + amount * (filtered - dry). */
static void band_run_fading(band_t *b, float *l, float *r, int n, float step, float goal)
{
	float a = b->amount;
	for (int j = 0; j < n; j++) {
		float xl = l[j], xr = r[j], yl = xl, yr = xr;
		for (int k = 0; k < b->nsect; k++) {
			yl = biquad_run(&b->sect[k], 0, yl);
			yr = biquad_run(&b->sect[k], 1, yr);
		}
		a = goal > a ? fminf(a + step, goal) : fmaxf(a - step, goal);
		/* Fully faded in means exactly the filter, as band_run gives. */
		l[j] = a == 1.0f ? yl : xl + a * (yl - xl);
		r[j] = a == 1.0f ? yr : xr + a * (yr - xr);
	}
	b->amount = a;
}

static bool same_bits(float a, float b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * Whether +0 in gives +0 out and leaves every state as it is: no pass
 * band fading, and one step of each running section from its present
 * state on +0 gives +0 and the same state, bit for bit (the same df2t()
 * as the block runs).  Then, sample by sample and section by section,
 * a block of +0 is +0 through the whole cascade and may be skipped: a
 * channel between notes, whose tails have long been flushed to zero.
 */
static bool eq_at_rest(const eq_t *e)
{
	for (int i = 0; i < NBANDS; i++) {
		const band_t *b = &e->band[i];
		if (!b->active)
			continue;
		if (is_pass((band_kind_t)i) && (b->amount != 1.0f || !b->t_on || b->slope != b->t_slope))
			return false;
		for (int k = 0; k < b->nsect; k++) {
			const biquad_t *q = &b->sect[k];
			for (int ch = 0; ch < 2; ch++) {
				float s1 = q->s1[ch], s2 = q->s2[ch];
				float y = df2t(q->b0, q->b1, q->b2, q->a1, q->a2, &s1, &s2, 0.0f);
				if (!same_bits(y, 0.0f) || !same_bits(s1, q->s1[ch]) || !same_bits(s2, q->s2[ch]))
					return false;
			}
		}
	}
	return true;
}

static void eq_process(void *st, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	eq_t *e = st;
	(void)ctx;
	while (n > 0) {
		if (e->ctl_left == 0) {
			control(e);
			e->ctl_left = EQ_CTL;
		}
		int m = n < e->ctl_left ? n : e->ctl_left;
		if (dsp_zero_bits(l, m) && dsp_zero_bits(r, m) && eq_at_rest(e)) {
			l += m;
			r += m;
			n -= m;
			e->ctl_left -= m;
			continue;
		}
		/* Steady bands' sections are gathered and run as one cascade;
		 * a fading band runs in its place, after those before it. */
		biquad_t *sect[NBANDS * EQ_MAX_SECT];
		int ns = 0;
		for (int i = 0; i < NBANDS; i++) {
			band_t *b = &e->band[i];
			if (!b->active)
				continue;
			if (is_pass((band_kind_t)i)) {
				float goal = b->t_on && b->slope == b->t_slope ? 1.0f : 0.0f;
				if (b->amount != 1.0f || goal != 1.0f) {
					cascade_run(sect, ns, l, r, m);
					ns = 0;
					band_run_fading(b, l, r, m, e->fade_step, goal);
					continue;
				}
			}
			for (int k = 0; k < b->nsect; k++)
				sect[ns++] = &b->sect[k];
		}
		cascade_run(sect, ns, l, r, m);
		l += m;
		r += m;
		n -= m;
		e->ctl_left -= m;
	}
}

/* ------------------------------------------------------------------ */
/* the unit                                                             */

static size_t eq_state_size(int rate)
{
	(void)rate;
	return sizeof(eq_t);
}

static void eq_init(void *st, int rate, const float *params)
{
	eq_t *e = st;
	memset(e, 0, sizeof(*e));
	e->rate = rate;
	e->max_oct = log2(EQ_MAX_FRAC * rate);
	e->glide = 1.0 - exp(-EQ_CTL / (EQ_GLIDE_S * rate));
	e->fade_step = (float)(1.0 / (EQ_FADE_S * rate));
	take_targets(e, params);
	for (int i = 0; i < NBANDS; i++) {
		band_t *b = &e->band[i];
		b->oct = b->t_oct;
		b->gain = b->t_gain;
		b->lnq = b->t_lnq;
		b->slope = b->t_slope;
		b->active = is_pass((band_kind_t)i) ? b->t_on : b->t_gain != 0.0;
		b->amount = b->active ? 1.0f : 0.0f;
		if (b->active)
			band_design(b, (band_kind_t)i, e->rate);
	}
	e->ctl_left = EQ_CTL;
}

static void eq_set(void *st, const float *params)
{
	take_targets(st, params);
}

const fx_ops_t fx_eq = {
	.name = "eq",
	.nparams = P_COUNT,
	.params = eq_params,
	.state_size = eq_state_size,
	.init = eq_init,
	.set = eq_set,
	.process = eq_process,
};
