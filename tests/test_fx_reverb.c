/*
 * test_fx_reverb: the reverb unit, measured as a room acoustician would.
 *
 * Decay times come from Schroeder's backward-integrated energy decay
 * curve of the impulse response, fitted between -5 and -35 dB and
 * extrapolated to -60 dB (the T30 of ISO 3382); band decay times use the
 * same fit after a band-pass filter.  The references are the settings
 * themselves: the decay is an RT60 in seconds, the predelay a time, width
 * 0 a mono image.  The density check uses the normalised echo density of
 * Abel and Huang: the fraction of samples beyond one standard deviation
 * in a short window, over the 0.3173 a Gaussian noise has, which reaches
 * 1 once the tail is as dense as noise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dsp.h"
#include "fx.h"
#include "fxharness.h"
#include "testutil.h"

#define BLOCK 64
#define RATE  48000

enum { SIZE, DECAY, DAMPING, PREDELAY, WIDTH, MIX };

/* The wet impulse response (mix 100) of a unit set up by the caller: a
 * unit impulse at frame 0 on both sides. */
static void impulse_response(fxh_unit_t *u, float **l, float **r, size_t n)
{
	*l = fxh_zeros(n);
	*r = fxh_zeros(n);
	(*l)[0] = (*r)[0] = 1.0f;
	fxh_start(u);
	fxh_run(u, *l, *r, n, BLOCK);
}

/* ------------------------------------------------------------------ */
/* measuring                                                            */

/* T30: the Schroeder decay curve of x[0..n), least-squares slope between
 * -5 and -35 dB, extrapolated to -60 dB.  Seconds. */
static double rt60(const float *x, size_t n, double rate)
{
	double *edc = malloc(n * sizeof(double));
	assert_non_null(edc);
	double acc = 0;
	for (size_t i = n; i-- > 0;) {
		acc += (double)x[i] * x[i];
		edc[i] = acc;
	}
	assert_true(acc > 0);
	double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
	for (size_t i = 0; i < n; i++) {
		double lv = 10.0 * log10(edc[i] / acc + 1e-300);
		if (lv > -5.0)
			continue;
		if (lv < -35.0)
			break;
		double t = (double)i / rate;
		sx += t;
		sy += lv;
		sxx += t * t;
		sxy += t * lv;
		m++;
	}
	free(edc);
	assert_true(m > 10);
	double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
	return -60.0 / slope;
}

/* Two passes of an RBJ constant-peak band-pass at f (Q 4), in place. */
static void bandpass(float *x, size_t n, double f, double rate)
{
	double w = 2.0 * M_PI * f / rate, al = sin(w) / 8.0, a0 = 1.0 + al;
	double b0 = al / a0, b2 = -al / a0, a1 = -2.0 * cos(w) / a0, a2 = (1.0 - al) / a0;
	for (int pass = 0; pass < 2; pass++) {
		double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
		for (size_t i = 0; i < n; i++) {
			double y = b0 * x[i] + b2 * x2 - a1 * y1 - a2 * y2;
			x2 = x1;
			x1 = x[i];
			y2 = y1;
			y1 = y;
			x[i] = (float)y;
		}
	}
}

static double band_rt60(const float *x, size_t n, double f, double rate)
{
	float *b = malloc(n * sizeof(float));
	assert_non_null(b);
	memcpy(b, x, n * sizeof(float));
	bandpass(b, n, f, rate);
	double t = rt60(b, n, rate);
	free(b);
	return t;
}

static double correlation(const float *a, const float *b, size_t n)
{
	double ab = 0, aa = 0, bb = 0;
	for (size_t i = 0; i < n; i++) {
		ab += (double)a[i] * b[i];
		aa += (double)a[i] * a[i];
		bb += (double)b[i] * b[i];
	}
	return ab / sqrt(aa * bb + 1e-300);
}

/* Normalised echo density of x[from, from + len). */
static double echo_density(const float *x, size_t from, size_t len)
{
	double s = tu_rms(x + from, len);
	size_t k = 0;
	for (size_t i = from; i < from + len; i++)
		k += fabs(x[i]) > s;
	return (double)k / (double)len / erfc(1.0 / sqrt(2.0));
}

/* ------------------------------------------------------------------ */

static void test_param_table(void **state)
{
	(void)state;
	static const char *const names[] = { "size", "decay", "damping", "predelay", "width", "mix" };
	static const float lim[][3] = {
		{ 0, 100, 50 }, { 0.1f, 20, 1.8f }, { 0, 100, 40 },
		{ 0, 250, 20 }, { 0, 100, 100 }, { 0, 100, 30 },
	};
	const fx_ops_t *o = fx_ops(FX_REVERB);
	assert_ptr_equal(o, &fx_reverb);
	assert_int_equal(fx_type_by_name("reverb"), FX_REVERB);
	assert_string_equal(o->name, "reverb");
	assert_int_equal(o->nparams, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(o->params[i].name, names[i]);
		assert_int_equal(fx_param_index(o, names[i]), i);
		assert_true(o->params[i].min == lim[i][0] && o->params[i].max == lim[i][1] &&
		            o->params[i].def == lim[i][2]);
		assert_null(o->params[i].choices);
	}
	assert_null(o->reduction);
	assert_null(o->latency);
}

/* The broadband decay time is the decay setting, at several settings,
 * sizes and rates. */
static void test_rt60(void **state)
{
	(void)state;
	static const struct { float decay, size; int rate; } cases[] = {
		{ 0.5f, 50, 48000 }, { 1.8f, 50, 48000 }, { 5.0f, 50, 48000 },
		{ 1.8f, 0, 44100 }, { 1.8f, 100, 96000 }, { 0.5f, 100, 22050 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, cases[k].rate);
		u.p[DECAY] = cases[k].decay;
		u.p[SIZE] = cases[k].size;
		u.p[DAMPING] = 0;
		u.p[PREDELAY] = 0;
		u.p[MIX] = 100;
		/* Long enough for the curve to fall 90 dB: the tail cut off at
		 * the end must not bend the fitted range. */
		size_t n = (size_t)(1.5 * cases[k].decay * cases[k].rate) + (size_t)cases[k].rate / 4;
		float *l, *r;
		impulse_response(&u, &l, &r, n);
		double tl = rt60(l, n, u.rate), tr = rt60(r, n, u.rate);
		double el = tl / cases[k].decay - 1.0, er = tr / cases[k].decay - 1.0;
		printf("# rt60: decay %.1f s size %.0f at %d Hz: L %.3f s (%+.1f%%), R %.3f s (%+.1f%%)\n",
		       cases[k].decay, cases[k].size, cases[k].rate, tl, 100 * el, tr, 100 * er);
		assert_true(fabs(el) < 0.25);
		assert_true(fabs(er) < 0.25);
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* Damping: the highs decay sooner than the lows, more with more damping;
 * without it the bands decay together. */
static void test_damping(void **state)
{
	(void)state;
	static const float damp[] = { 0, 40, 80 };
	double ratio[3];
	for (int k = 0; k < 3; k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[DECAY] = 2.0f;
		u.p[DAMPING] = damp[k];
		u.p[PREDELAY] = 0;
		u.p[MIX] = 100;
		size_t n = 4 * RATE;
		float *l, *r;
		impulse_response(&u, &l, &r, n);
		double lo = band_rt60(l, n, 500, RATE), hi = band_rt60(l, n, 5000, RATE);
		ratio[k] = hi / lo;
		printf("# damping %.0f%%: T60 %.2f s at 500 Hz, %.2f s at 5 kHz\n", damp[k], lo, hi);
		/* The lows keep the decay setting. */
		assert_true(fabs(lo / 2.0 - 1.0) < 0.25);
		free(l);
		free(r);
		fxh_close(&u);
	}
	/* The contract: T60 at 5 kHz is T60 * (1 - 0.9 damping).  A band
	 * mixes the decay times of its neighbourhood, the slower ones
	 * weighing more in the tail, hence the margin. */
	for (int k = 0; k < 3; k++) {
		double want = 1.0 - 0.9 * damp[k] * 0.01;
		if (fabs(ratio[k] / want - 1.0) > 0.25)
			fail_msg("damping %.0f%%: highs decay %.2f times as long, expected %.2f",
			         damp[k], ratio[k], want);
	}
	assert_true(ratio[2] < ratio[1] && ratio[1] < ratio[0]);
}

/* Nothing comes out before the predelay, and the reverb starts then. */
static void test_predelay(void **state)
{
	(void)state;
	static const float ms[] = { 0, 1, 20, 77, 250 };
	for (size_t k = 0; k < sizeof(ms) / sizeof(ms[0]); k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[PREDELAY] = ms[k];
		u.p[MIX] = 100;
		size_t n = RATE / 2;
		float *l, *r;
		impulse_response(&u, &l, &r, n);
		double pk = fmax(tu_peak(l, n), tu_peak(r, n));
		long fl = tu_first_above(l, n, (float)(1e-4 * pk));
		long fr = tu_first_above(r, n, (float)(1e-4 * pk));
		long want = lround(ms[k] * 0.001 * RATE), tol = RATE / 1000;
		if (labs(fl - want) > tol || labs(fr - want) > tol)
			fail_msg("predelay %.0f ms: first sound at %ld / %ld frames, expected %ld",
			         ms[k], fl, fr, want);
		/* Before it, true silence. */
		long quiet = want - tol;
		for (long i = 0; i < quiet; i++)
			assert_true(l[i] == 0.0f && r[i] == 0.0f);
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* Width 0: one mono image, L == R.  Width 100: sides uncorrelated.  The
 * level stays put in between. */
static void test_width(void **state)
{
	(void)state;
	static const float widths[] = { 0, 50, 100 };
	double power[3];
	size_t n = 3 * RATE;
	for (int k = 0; k < 3; k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[WIDTH] = widths[k];
		u.p[MIX] = 100;
		float *l, *r;
		impulse_response(&u, &l, &r, n);
		double c = correlation(l, r, n);
		power[k] = tu_rms(l, n) * tu_rms(l, n) + tu_rms(r, n) * tu_rms(r, n);
		printf("# width %.0f%%: interchannel correlation %.3f\n", widths[k], c);
		if (k == 0)
			assert_memory_equal(l, r, n * sizeof(float));
		if (k == 2)
			assert_true(fabs(c) < 0.5);
		free(l);
		free(r);
		fxh_close(&u);
	}
	assert_true(fabs(10 * log10(power[0] / power[2])) < 1.5);
	assert_true(fabs(10 * log10(power[1] / power[2])) < 1.5);

	/* Stereo noise in, width 100: the tail decorrelates what comes in
	 * correlated, too. */
	fxh_unit_t u;
	fxh_open(&u, &fx_reverb, RATE);
	u.p[MIX] = 100;
	fxh_start(&u);
	float *l = fxh_zeros(n), *r = fxh_zeros(n);
	uint32_t seed = 11;
	for (size_t i = 0; i < n; i++)
		l[i] = r[i] = 0.3f * dsp_randf(&seed);
	fxh_run(&u, l, r, n, BLOCK);
	double c = correlation(l + RATE, r + RATE, n - RATE);
	printf("# width 100%%, mono noise in: correlation %.3f\n", c);
	assert_true(fabs(c) < 0.5);
	free(l);
	free(r);
	fxh_close(&u);
}

/* Mix 0 is the input bit for bit; mix 100 has no dry signal in it. */
static void test_mix(void **state)
{
	(void)state;
	size_t n = RATE;
	float *l = fxh_zeros(n), *r = fxh_zeros(n), *l0 = fxh_zeros(n), *r0 = fxh_zeros(n);
	uint32_t seed = 5;
	for (size_t i = 0; i < n; i++) {
		l0[i] = dsp_randf(&seed);
		r0[i] = dsp_randf(&seed);
	}
	l0[9] = -0.0f;
	fxh_unit_t u;
	fxh_open(&u, &fx_reverb, RATE);
	u.p[MIX] = 0;
	fxh_start(&u);
	memcpy(l, l0, n * sizeof(float));
	memcpy(r, r0, n * sizeof(float));
	fxh_run(&u, l, r, n, BLOCK);
	assert_memory_equal(l, l0, n * sizeof(float));
	assert_memory_equal(r, r0, n * sizeof(float));
	/* After gliding out and back, untouched again once landed. */
	u.p[MIX] = 70;
	u.ops->set(u.st, u.p);
	fxh_run(&u, l, r, n / 2, BLOCK);
	u.p[MIX] = 0;
	u.ops->set(u.st, u.p);
	fxh_run(&u, l, r, n / 2, BLOCK);
	memcpy(l, l0, n * sizeof(float));
	memcpy(r, r0, n * sizeof(float));
	fxh_run(&u, l, r, n, BLOCK);
	assert_memory_equal(l, l0, n * sizeof(float));
	assert_memory_equal(r, r0, n * sizeof(float));
	fxh_close(&u);

	/* Mix 100 with 20 ms of predelay: the impulse itself is gone. */
	fxh_open(&u, &fx_reverb, RATE);
	u.p[MIX] = 100;
	fxh_start(&u);
	memset(l, 0, n * sizeof(float));
	memset(r, 0, n * sizeof(float));
	l[0] = r[0] = 1.0f;
	fxh_run(&u, l, r, n, BLOCK);
	assert_true(tu_peak(l, 950) == 0.0 && tu_peak(r, 950) == 0.0);
	assert_true(tu_peak(l, n) > 0.01);
	fxh_close(&u);
	free(l);
	free(r);
	free(l0);
	free(r0);
}

/* At the longest decay a loud noise stays finite; at the default the
 * tail falls below -120 dB, to true zeros, and never through denormals. */
static void test_tail(void **state)
{
	(void)state;
	fxh_unit_t u;
	fxh_open(&u, &fx_reverb, RATE);
	u.p[DECAY] = 20;
	u.p[DAMPING] = 0;
	u.p[SIZE] = 100;
	u.p[MIX] = 100;
	fxh_start(&u);
	size_t n = 10 * RATE;
	float *l = fxh_zeros(n), *r = fxh_zeros(n);
	uint32_t seed = 21;
	for (size_t i = 0; i < n; i++) {
		l[i] = dsp_randf(&seed);
		r[i] = dsp_randf(&seed);
	}
	fxh_run(&u, l, r, n, BLOCK);
	for (size_t i = 0; i < n; i++)
		assert_true(isfinite(l[i]) && isfinite(r[i]));
	printf("# decay 20 s, full-scale noise for 10 s: peak %.1f dBFS\n",
	       20 * log10(fmax(tu_peak(l, n), tu_peak(r, n))));
	free(l);
	free(r);
	fxh_close(&u);

	fxh_open(&u, &fx_reverb, RATE);
	u.p[MIX] = 100;
	n = 20 * RATE;
	impulse_response(&u, &l, &r, n);
	double pk = fmax(tu_peak(l, n), tu_peak(r, n));
	/* 1.8 s per 60 dB: -120 dB well within 5 s. */
	size_t at = 5 * RATE;
	assert_true(fmax(tu_peak(l + at, n - at), tu_peak(r + at, n - at)) < 1e-6 * pk);
	assert_int_equal(fxh_first_subnormal(l, r, n), -1);
	assert_true(tu_peak(l + n - RATE, RATE) == 0.0 && tu_peak(r + n - RATE, RATE) == 0.0);
	free(l);
	free(r);
	fxh_close(&u);
}

/* At the defaults the tail is as dense as noise soon after the onset. */
static void test_density(void **state)
{
	(void)state;
	fxh_unit_t u;
	fxh_open(&u, &fx_reverb, RATE);
	u.p[MIX] = 100;
	u.p[PREDELAY] = 0;
	size_t n = RATE, win = RATE / 50;   /* 20 ms windows */
	float *l, *r;
	impulse_response(&u, &l, &r, n);
	double worst = 10, sum = 0;
	int count = 0;
	for (size_t at = RATE / 10; at + win <= n; at += win) {
		double d = fmin(echo_density(l, at, win), echo_density(r, at, win));
		worst = fmin(worst, d);
		sum += d;
		count++;
	}
	printf("# echo density after 100 ms: mean %.2f, lowest %.2f (noise: 1)\n", sum / count, worst);
	assert_true(sum / count > 0.85);
	assert_true(worst > 0.7);
	free(l);
	free(r);
	fxh_close(&u);
}

/* The late tail does not repeat itself: with the decay taken out, its
 * normalised autocorrelation stays low at every lag from 1 to 100 ms.
 * A network whose lines keep handing their content back to themselves
 * shows peaks at the line lengths (a flutter, a metallic colour); noise
 * shows none. */
static void test_no_flutter(void **state)
{
	(void)state;
	static const float sizes[] = { 0, 50, 100 };
	for (size_t k = 0; k < 3; k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[SIZE] = sizes[k];
		u.p[DAMPING] = 0;
		u.p[PREDELAY] = 0;
		u.p[MIX] = 100;
		size_t n = 2 * RATE, from = RATE / 2, to = 3 * RATE / 2, step = 2;
		float *l, *r;
		impulse_response(&u, &l, &r, n);
		double worst = 0;
		long at = 0;
		for (int side = 0; side < 2; side++) {
			const float *x = side ? r : l;
			double *y = malloc(n * sizeof(double));
			assert_non_null(y);
			for (size_t i = 0; i < n; i++)
				y[i] = x[i] * pow(10.0, 3.0 * (double)i / RATE / u.p[DECAY]);
			double e0 = 0;
			for (size_t i = from; i < to; i += step)
				e0 += y[i] * y[i];
			for (size_t lag = RATE / 1000; lag <= RATE / 10; lag++) {
				double c = 0, e1 = 0;
				for (size_t i = from; i < to; i += step) {
					c += y[i] * y[i + lag];
					e1 += y[i + lag] * y[i + lag];
				}
				c = fabs(c) / sqrt(e0 * e1);
				if (c > worst) {
					worst = c;
					at = (long)lag;
				}
			}
			free(y);
		}
		printf("# size %.0f: late-tail autocorrelation at most %.3f (at %.2f ms)\n",
		       sizes[k], worst, at * 1000.0 / RATE);
		assert_true(worst < 0.25);
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* Moving every parameter while a tone rings through: the output has no
 * step larger than those of the steady sound before the move. */
static void test_automation_smooth(void **state)
{
	(void)state;
	static const float moves[][6] = {
		{ 80, 3, 70, 100, 30, 100 },
		{ 0, 0.3f, 0, 0, 100, 100 },
		{ 100, 20, 100, 250, 0, 60 },
	};
	double f = 330, a = 0.5;
	for (size_t k = 0; k < sizeof(moves) / sizeof(moves[0]); k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[MIX] = 100;
		fxh_start(&u);
		size_t n = 4 * RATE, at = 3 * RATE;
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		for (size_t i = 0; i < n; i++)
			l[i] = r[i] = (float)(a * sin(2.0 * M_PI * f * (double)i / RATE));
		fxh_run(&u, l, r, at, BLOCK);
		memcpy(u.p, moves[k], sizeof(moves[k]));
		u.ops->set(u.st, u.p);
		fxh_run(&u, l + at, r + at, n - at, BLOCK);
		/* The reverberated tone is still a 330 Hz tone, swelling or
		 * fading with the new settings; in any short window its largest
		 * step is about w = 2 pi f / rate times its peak.  A click would
		 * stand far above that. */
		double tone = 2.0 * M_PI * f / RATE, worst = 0;
		size_t win = RATE / 40;
		for (size_t w0 = at - RATE / 2; w0 + win <= n; w0 += win / 2)
			for (int side = 0; side < 2; side++) {
				const float *x = side ? r : l;
				double step = 0;
				for (size_t i = w0; i < w0 + win; i++)
					step = fmax(step, fabs((double)x[i] - x[i - 1]));
				worst = fmax(worst, step / tu_peak(x + w0, win));
			}
		printf("# move %zu: largest step %.2f times a steady tone's\n", k, worst / tone);
		assert_true(worst < 1.5 * tone);
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* The output does not depend on how the engine slices its blocks. */
static void test_block_independent(void **state)
{
	(void)state;
	size_t n = RATE;
	static const int blocks[] = { 64, 1, 37, 1000 };
	float *ref_l = NULL, *ref_r = NULL;
	for (size_t b = 0; b < 4; b++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[SIZE] = 30;
		u.p[PREDELAY] = 3;
		fxh_start(&u);
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		uint32_t seed = 17;
		for (size_t i = 0; i < n / 4; i++) {
			l[i] = dsp_randf(&seed);
			r[i] = dsp_randf(&seed);
		}
		fxh_run(&u, l, r, n, (size_t)blocks[b]);
		fxh_keep_or_match(&ref_l, &ref_r, l, r, n);
		fxh_close(&u);
	}
	free(ref_l);
	free(ref_r);
}

/* The same with the predelay, size and mix moving mid-run (read heads
 * crossfading, gains gliding): one frame at a time against 1000-frame
 * calls, which the reverb works through in chunks, stage by stage. */
static void test_block_independent_moving(void **state)
{
	(void)state;
	size_t n = RATE;
	static const size_t at[] = { 0, 3000, 9000, 20000, 30000 };
	static const float size[] = { 30, 80, 80, 10, 10 }, pre[] = { 3, 3, 120, 0, 40 },
		mix[] = { 30, 30, 60, 100, 0 };
	float *out[2][2];
	for (int b = 0; b < 2; b++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		fxh_start(&u);
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		uint32_t seed = 23;
		for (size_t i = 0; i < n / 2; i++) {
			l[i] = dsp_randf(&seed);
			r[i] = dsp_randf(&seed);
		}
		for (size_t k = 0; k < 5; k++) {
			size_t end = k + 1 < 5 ? at[k + 1] : n;
			u.p[SIZE] = size[k];
			u.p[PREDELAY] = pre[k];
			u.p[MIX] = mix[k];
			fx_reverb.set(u.st, u.p);
			for (size_t i = at[k]; i < end;) {
				size_t m = b ? 1000 : 1;
				if (m > end - i)
					m = end - i;
				fx_reverb.process(u.st, l + i, r + i, (int)m, &u.ctx);
				i += m;
			}
		}
		out[b][0] = l;
		out[b][1] = r;
		fxh_close(&u);
	}
	assert_memory_equal(out[0][0], out[1][0], n * sizeof(float));
	assert_memory_equal(out[0][1], out[1][1], n * sizeof(float));
	free(out[0][0]); free(out[0][1]); free(out[1][0]); free(out[1][1]);
}

/* A rest moves the turning pairs as processing silence would: a fresh
 * reverb that rests through 100,001 frames (the count odd, in calls of
 * odd sizes) then takes a burst gives the same bits as one that
 * processes the silence first.  The turn shows in the tail's fine
 * structure, so a phase off by one rounding would show here. */
static void test_rest_turns_as_silence(void **state)
{
	(void)state;
	const size_t quiet = 100001, n = RATE;
	float *out[2][2];
	for (int k = 0; k < 2; k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_reverb, RATE);
		u.p[SIZE] = 60;
		fxh_start(&u);
		if (k == 0) {
			for (size_t done = 0; done < quiet;) {
				size_t m = quiet - done < 777 ? quiet - done : 777;
				u.ops->rest(u.st, (int)m);
				done += m;
			}
		} else {
			float *zl = fxh_zeros(quiet), *zr = fxh_zeros(quiet);
			fxh_run(&u, zl, zr, quiet, 64);
			free(zl);
			free(zr);
		}
		out[k][0] = fxh_noise(n, 5, 0.5f);
		out[k][1] = fxh_noise(n, 6, 0.5f);
		for (size_t i = n / 10; i < n; i++)
			out[k][0][i] = out[k][1][i] = 0.0f;
		fxh_run(&u, out[k][0], out[k][1], n, 64);
		fxh_close(&u);
	}
	assert_memory_equal(out[0][0], out[1][0], n * sizeof(float));
	assert_memory_equal(out[0][1], out[1][1], n * sizeof(float));
	for (int k = 0; k < 2; k++) {
		free(out[k][0]);
		free(out[k][1]);
	}
}

/* A figure, not a check: the cost of the reverb per frame. */
static void test_cpu(void **state)
{
	(void)state;
	size_t n = 5 * RATE;
	fxh_unit_t u;
	fxh_open(&u, &fx_reverb, RATE);
	fxh_start(&u);
	float *l = fxh_zeros(n), *r = fxh_zeros(n);
	uint32_t seed = 3;
	for (size_t i = 0; i < n; i++) {
		l[i] = 0.1f * dsp_randf(&seed);
		r[i] = 0.1f * dsp_randf(&seed);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fxh_run(&u, l, r, n, BLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)n;
	printf("# reverb: %.1f ns per stereo frame at %d Hz (%.2f%% of one core), state %zu KiB\n",
	       ns, RATE, ns * RATE * 1e-7, u.ops->state_size(RATE) / 1024);
	free(l);
	free(r);
	fxh_close(&u);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_param_table),
		cmocka_unit_test(test_rt60),
		cmocka_unit_test(test_damping),
		cmocka_unit_test(test_predelay),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_mix),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_density),
		cmocka_unit_test(test_no_flutter),
		cmocka_unit_test(test_automation_smooth),
		cmocka_unit_test(test_block_independent),
		cmocka_unit_test(test_block_independent_moving),
		cmocka_unit_test(test_rest_turns_as_silence),
		cmocka_unit_test(test_cpu),
	};
	return TU_RUN(t);
}
