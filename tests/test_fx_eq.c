/*
 * test_fx_eq: the equaliser, measured.  Sines go through the unit and the
 * level that comes out is compared with |H(e^jw)| of the biquads the RBJ
 * Audio-EQ-Cookbook defines, worked out here from the cookbook's own
 * equations (never from the unit's coefficients).  Then the things a
 * filter must not do: change a neutral signal, click when it moves, blow
 * up under automation, or depend on how its caller splits blocks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "fxharness.h"
#include "testutil.h"

#define RATE 48000
#define SETTLE 24000     /* half a second: every band here has rung out */
#define WIN RATE         /* one second: whole periods of any integer Hz */

/* ------------------------------------------------------------------ */
/* the cookbook, independently                                          */

typedef struct cb { double b0, b1, b2, a0, a1, a2; } cb_t;

static cb_t cb_lpf(double f0, double q, double fs)
{
	double w = 2 * M_PI * f0 / fs, cw = cos(w), al = sin(w) / (2 * q);
	return (cb_t){ (1 - cw) / 2, 1 - cw, (1 - cw) / 2, 1 + al, -2 * cw, 1 - al };
}

static cb_t cb_hpf(double f0, double q, double fs)
{
	double w = 2 * M_PI * f0 / fs, cw = cos(w), al = sin(w) / (2 * q);
	return (cb_t){ (1 + cw) / 2, -(1 + cw), (1 + cw) / 2, 1 + al, -2 * cw, 1 - al };
}

static cb_t cb_peak(double f0, double gain_db, double q, double fs)
{
	double A = pow(10, gain_db / 40), w = 2 * M_PI * f0 / fs, cw = cos(w);
	double al = sin(w) / (2 * q);
	return (cb_t){ 1 + al * A, -2 * cw, 1 - al * A, 1 + al / A, -2 * cw, 1 - al / A };
}

/* Shelf slope S: alpha = sin(w0)/2 * sqrt((A + 1/A)(1/S - 1) + 2). */
static double shelf_alpha(double A, double w, double S)
{
	return sin(w) / 2 * sqrt((A + 1 / A) * (1 / S - 1) + 2);
}

static cb_t cb_lowshelf(double f0, double gain_db, double fs)
{
	double A = pow(10, gain_db / 40), w = 2 * M_PI * f0 / fs, cw = cos(w);
	double t = 2 * sqrt(A) * shelf_alpha(A, w, 1.0);
	return (cb_t){
		A * ((A + 1) - (A - 1) * cw + t), 2 * A * ((A - 1) - (A + 1) * cw),
		A * ((A + 1) - (A - 1) * cw - t),
		(A + 1) + (A - 1) * cw + t, -2 * ((A - 1) + (A + 1) * cw),
		(A + 1) + (A - 1) * cw - t };
}

static cb_t cb_highshelf(double f0, double gain_db, double fs)
{
	double A = pow(10, gain_db / 40), w = 2 * M_PI * f0 / fs, cw = cos(w);
	double t = 2 * sqrt(A) * shelf_alpha(A, w, 1.0);
	return (cb_t){
		A * ((A + 1) + (A - 1) * cw + t), -2 * A * ((A - 1) + (A + 1) * cw),
		A * ((A + 1) + (A - 1) * cw - t),
		(A + 1) - (A - 1) * cw + t, 2 * ((A - 1) - (A + 1) * cw),
		(A + 1) - (A - 1) * cw - t };
}

/* |H(e^jw)| in dB at f. */
static double cb_db(cb_t c, double f, double fs)
{
	double w = 2 * M_PI * f / fs;
	double nr = c.b0 + c.b1 * cos(w) + c.b2 * cos(2 * w), ni = -(c.b1 * sin(w) + c.b2 * sin(2 * w));
	double dr = c.a0 + c.a1 * cos(w) + c.a2 * cos(2 * w), di = -(c.a1 * sin(w) + c.a2 * sin(2 * w));
	return 10 * log10((nr * nr + ni * ni) / (dr * dr + di * di));
}

/* Butterworth pass filters: 12 dB/oct is one section at Q 1/sqrt(2);
 * 24 dB/oct two at Q = 1 / (2 sin((2k - 1) pi / 8)), k = 1, 2. */
static double pass_db(bool high, int slope24, double f0, double f, double fs)
{
	if (!slope24)
		return cb_db(high ? cb_hpf(f0, sqrt(0.5), fs) : cb_lpf(f0, sqrt(0.5), fs), f, fs);
	double s = 0;
	for (int k = 1; k <= 2; k++) {
		double q = 1 / (2 * sin((2 * k - 1) * M_PI / 8));
		s += cb_db(high ? cb_hpf(f0, q, fs) : cb_lpf(f0, q, fs), f, fs);
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* running the unit                                                     */

/* Gain in dB the unit (initialised with u->p) gives a sine of f. */
static double measure_db(fxh_unit_t *u, double f)
{
	size_t n = SETTLE + WIN;
	float *l = fxh_sine(n, f, 0.5, u->rate), *r = fxh_sine(n, f, 0.5, u->rate);
	fxh_start(u);
	fxh_run(u, l, r, n, 64);
	double g = tu_goertzel(l + SETTLE, WIN, u->rate, f) / 0.5;
	assert_memory_equal(l, r, n * sizeof(float));
	free(l);
	free(r);
	return fxh_db(g);
}

static const double probe_hz[] = { 50, 100, 1000, 5000, 10000 };
#define NPROBES (sizeof(probe_hz) / sizeof(probe_hz[0]))

/* ------------------------------------------------------------------ */
/* responses                                                            */

static void test_parameter_table(void **state)
{
	static const char *const names[] = { "hp", "hp_slope", "lp", "lp_slope", "low_freq",
		"low_gain", "high_freq", "high_gain", "freq1", "gain1", "q1", "freq2", "gain2", "q2" };
	assert_int_equal(fx_eq.nparams, 14);
	for (int i = 0; i < 14; i++)
		assert_string_equal(fx_eq.params[i].name, names[i]);
	assert_string_equal(fx_eq.params[1].choices[1], "24");
	assert_ptr_equal(fx_ops(FX_EQ), &fx_eq);
}

static void test_peaking(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	static const struct { double f, g, q; } cases[] = {
		{ 1000, 12, 1 }, { 1000, -18, 4 }, { 100, 6, 0.5 }, { 5000, -24, 10 }, { 10000, 24, 0.1 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		/* Alternate the two peaking bands, so both are checked. */
		const char *fk = c & 1 ? "freq2" : "freq1", *gk = c & 1 ? "gain2" : "gain1", *qk = c & 1 ? "q2" : "q1";
		fx_defaults(&fx_eq, u.p);
		fxh_param(&u, fk, (float)cases[c].f);
		fxh_param(&u, gk, (float)cases[c].g);
		fxh_param(&u, qk, (float)cases[c].q);
		for (size_t i = 0; i < NPROBES; i++) {
			double want = cb_db(cb_peak(cases[c].f, cases[c].g, cases[c].q, RATE), probe_hz[i], RATE);
			double got = measure_db(&u, probe_hz[i]);
			if (fabs(got - want) > 0.5)
				fail_msg("peak %.0f Hz %+.0f dB Q %.1f at %.0f Hz: %.2f dB, cookbook %.2f",
				         cases[c].f, cases[c].g, cases[c].q, probe_hz[i], got, want);
		}
		/* At its own frequency a peaking band gives exactly its gain. */
		assert_true(fabs(measure_db(&u, cases[c].f) - cases[c].g) < 0.5);
	}
	fxh_close(&u);
}

static void test_shelves(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	static const struct { bool high; double f, g; } cases[] = {
		{ false, 100, 12 }, { false, 300, -18 }, { false, 1000, 24 },
		{ true, 8000, -12 }, { true, 2000, 9 }, { true, 15000, -24 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		fx_defaults(&fx_eq, u.p);
		fxh_param(&u, cases[c].high ? "high_freq" : "low_freq", (float)cases[c].f);
		fxh_param(&u, cases[c].high ? "high_gain" : "low_gain", (float)cases[c].g);
		cb_t cb = cases[c].high ? cb_highshelf(cases[c].f, cases[c].g, RATE)
		                        : cb_lowshelf(cases[c].f, cases[c].g, RATE);
		for (size_t i = 0; i < NPROBES; i++) {
			double want = cb_db(cb, probe_hz[i], RATE), got = measure_db(&u, probe_hz[i]);
			if (fabs(got - want) > 0.5)
				fail_msg("%s shelf %.0f Hz %+.0f dB at %.0f Hz: %.2f dB, cookbook %.2f",
				         cases[c].high ? "high" : "low", cases[c].f, cases[c].g,
				         probe_hz[i], got, want);
		}
		/* S = 1 puts the shelf's midpoint, half the gain in dB, at f0. */
		assert_true(fabs(measure_db(&u, cases[c].f) - cases[c].g / 2) < 0.5);
	}
	fxh_close(&u);
}

static void check_pass(bool high, int slope24, double f0)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	fxh_param(&u, high ? "hp" : "lp", (float)f0);
	fxh_param(&u, high ? "hp_slope" : "lp_slope", (float)slope24);
	for (size_t i = 0; i < NPROBES; i++) {
		double want = pass_db(high, slope24, f0, probe_hz[i], RATE), got = measure_db(&u, probe_hz[i]);
		if (fabs(got - want) > 0.5)
			fail_msg("%s %.0f Hz %s dB/oct at %.0f Hz: %.2f dB, cookbook %.2f", high ? "hp" : "lp",
			         f0, slope24 ? "24" : "12", probe_hz[i], got, want);
	}
	/* Butterworth of either order: -3.01 dB at the cutoff. */
	double at = measure_db(&u, f0);
	if (fabs(at - -3.0103) > 0.5)
		fail_msg("%s %.0f Hz: %.2f dB at the cutoff", high ? "hp" : "lp", f0, at);
	/* Two octaves into the stopband the response falls by 6 dB per
	 * octave per pole: 12 or 24 dB per octave.  (Near Nyquist the
	 * bilinear transform's zero makes a low-pass fall faster, so that is
	 * only checked where it still looks like its analogue prototype.) */
	if (!high && f0 * 8 > 4000) {
		fxh_close(&u);
		return;
	}
	double o1 = measure_db(&u, high ? f0 / 4 : f0 * 4), o2 = measure_db(&u, high ? f0 / 8 : f0 * 8);
	double per_oct = o1 - o2, want = slope24 ? 24.0 : 12.0;
	if (fabs(per_oct - want) > 1.0)
		fail_msg("%s %.0f Hz: %.2f dB/oct two octaves out, want %.0f", high ? "hp" : "lp", f0, per_oct, want);
	fxh_close(&u);
}

static void test_highpass(void **state)
{
	check_pass(true, 0, 1000);
	check_pass(true, 1, 1000);
	check_pass(true, 0, 200);
	check_pass(true, 1, 1600);
}

static void test_lowpass(void **state)
{
	check_pass(false, 0, 500);
	check_pass(false, 1, 500);
	check_pass(false, 0, 250);
	check_pass(false, 1, 400);
	check_pass(false, 0, 2000);
	check_pass(false, 1, 2500);
}

/* The bands in series multiply: dB add. */
static void test_all_bands(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	fxh_param(&u, "hp", 40);
	fxh_param(&u, "hp_slope", 1);
	fxh_param(&u, "lp", 16000);
	fxh_param(&u, "low_freq", 150);
	fxh_param(&u, "low_gain", 6);
	fxh_param(&u, "high_freq", 6000);
	fxh_param(&u, "high_gain", -9);
	fxh_param(&u, "freq1", 700);
	fxh_param(&u, "gain1", -6);
	fxh_param(&u, "q1", 2);
	fxh_param(&u, "freq2", 3000);
	fxh_param(&u, "gain2", 4);
	fxh_param(&u, "q2", 0.7f);
	for (size_t i = 0; i < NPROBES; i++) {
		double f = probe_hz[i];
		double want = pass_db(true, 1, 40, f, RATE) + pass_db(false, 0, 16000, f, RATE) +
		              cb_db(cb_lowshelf(150, 6, RATE), f, RATE) +
		              cb_db(cb_highshelf(6000, -9, RATE), f, RATE) +
		              cb_db(cb_peak(700, -6, 2, RATE), f, RATE) +
		              cb_db(cb_peak(3000, 4, 0.7, RATE), f, RATE);
		double got = measure_db(&u, f);
		if (fabs(got - want) > 0.5)
			fail_msg("all bands at %.0f Hz: %.2f dB, cookbook %.2f", f, got, want);
	}
	fxh_close(&u);
}

/* lp 22000 at 44.1 kHz is above 0.49 of the rate: it sits at 21609 Hz. */
static void test_frequency_clamp(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, 44100);
	fxh_param(&u, "lp", 22000);
	fxh_param(&u, "lp_slope", 1);
	double fc = 0.49 * 44100;
	for (double f = 10000; f <= 21000; f += 5500) {
		double want = pass_db(false, 1, fc, f, 44100), got = measure_db(&u, f);
		if (fabs(got - want) > 0.5)
			fail_msg("clamped lp at %.0f Hz: %.2f dB, want %.2f", f, got, want);
	}
	fxh_close(&u);

	/* At 8 kHz every band above 3920 Hz clamps, and stays a filter. */
	fxh_open(&u, &fx_eq, 8000);
	fxh_param(&u, "high_freq", 20000);
	fxh_param(&u, "high_gain", 12);
	fxh_param(&u, "freq1", 20000);
	fxh_param(&u, "gain1", -12);
	fxh_param(&u, "lp", 22000);
	double g = measure_db(&u, 1000);
	assert_true(isfinite(g) && fabs(g) < 24);
	fxh_close(&u);
}

/* ------------------------------------------------------------------ */
/* behaviour                                                            */

static void test_neutral_is_bit_exact(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	size_t n = 48000;
	float *l = fxh_noise(n, 1, 0.9f), *r = fxh_noise(n, 2, 0.9f);
	float *l0 = malloc(n * sizeof(float)), *r0 = malloc(n * sizeof(float));
	memcpy(l0, l, n * sizeof(float));
	memcpy(r0, r, n * sizeof(float));
	/* Defaults: everything neutral. */
	fxh_start(&u);
	fx_eq.process(u.st, l, r, (int)n, NULL);
	assert_memory_equal(l, l0, n * sizeof(float));
	assert_memory_equal(r, r0, n * sizeof(float));

	/* Moved away and back to neutral: once the glide is over, the bands
	 * drop out again and the signal is untouched. */
	fxh_param(&u, "gain1", 6);
	fxh_param(&u, "hp", 300);
	fxh_param(&u, "lp", 5000);
	fxh_param(&u, "low_gain", -3);
	fx_eq.set(u.st, u.p);
	fx_eq.process(u.st, l, r, (int)n, NULL);
	fx_defaults(&fx_eq, u.p);
	fx_eq.set(u.st, u.p);
	fx_eq.process(u.st, l, r, (int)n, NULL);   /* 1 s: 50 time constants */
	memcpy(l, l0, n * sizeof(float));
	memcpy(r, r0, n * sizeof(float));
	fx_eq.process(u.st, l, r, (int)n, NULL);
	assert_memory_equal(l, l0, n * sizeof(float));
	assert_memory_equal(r, r0, n * sizeof(float));
	free(l); free(r); free(l0); free(r0);
	fxh_close(&u);
}

/* Jumps in every parameter, including switching the pass filters on and
 * changing their slope, must not click: on a low sine the output never
 * steps further between samples than the steadiest boosted version of the
 * sine does (a click is a step many times that). */
static void test_changes_glide(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	size_t n = RATE;
	double f = 150, amp = 0.25;
	float *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; i++)
		l[i] = r[i] = (float)(amp * sin(2 * M_PI * f * (double)i / RATE));
	fxh_start(&u);
	int quarter = (int)n / 4;
	fx_eq.process(u.st, l, r, quarter, NULL);
	fxh_param(&u, "hp", 400);
	fxh_param(&u, "hp_slope", 1);
	fxh_param(&u, "low_gain", 12);
	fxh_param(&u, "freq1", 150);
	fxh_param(&u, "gain1", 12);
	fx_eq.set(u.st, u.p);
	fx_eq.process(u.st, l + quarter, r + quarter, quarter, NULL);
	fxh_param(&u, "hp_slope", 0);
	fxh_param(&u, "low_freq", 40);
	fxh_param(&u, "q1", 8);
	fx_eq.set(u.st, u.p);
	fx_eq.process(u.st, l + 2 * quarter, r + 2 * quarter, quarter, NULL);
	fx_defaults(&fx_eq, u.p);
	fx_eq.set(u.st, u.p);
	fx_eq.process(u.st, l + 3 * quarter, r + 3 * quarter, quarter, NULL);
	/* The loudest the output gets, as a sine of f, bounds a smooth step. */
	double peak = tu_peak(l, n), smooth = peak * 2 * M_PI * f / RATE;
	double step = fxh_max_step(l, n);
	if (step > 1.5 * smooth)
		fail_msg("step %.4f between samples, a sine of peak %.3f steps %.4f", step, peak, smooth);
	free(l);
	free(r);
	fxh_close(&u);
}

/* Random parameter jumps every 64 frames for 20 seconds of noise: the
 * filters stay finite and bounded (the most any band can add is 24 dB,
 * four boosting bands 96 dB, so 0.001 in stays below 64 out). */
static void test_random_automation_is_stable(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	uint32_t seed = 99;
	fxh_start(&u);
	float l[64], r[64];
	double peak = 0;
	for (int blk = 0; blk < 20 * RATE / 64; blk++) {
		for (int i = 0; i < fx_eq.nparams; i++) {
			const fx_param_desc_t *d = &fx_eq.params[i];
			float t = 0.5f * (dsp_randf(&seed) + 1.0f);
			if (d->choices)
				u.p[i] = t < 0.5f ? 0.0f : 1.0f;
			else if (d->log && d->min > 0)
				u.p[i] = d->min * powf(d->max / d->min, t);
			else
				u.p[i] = d->min + t * (d->max - d->min);
		}
		fx_eq.set(u.st, u.p);
		for (int j = 0; j < 64; j++) {
			l[j] = 0.001f * dsp_randf(&seed);
			r[j] = 0.001f * dsp_randf(&seed);
		}
		fx_eq.process(u.st, l, r, 64, NULL);
		for (int j = 0; j < 64; j++) {
			if (!isfinite(l[j]) || !isfinite(r[j]))
				fail_msg("not finite at block %d", blk);
			peak = fmax(peak, fmax(fabs(l[j]), fabs(r[j])));
		}
	}
	assert_true(peak < 64.0);
	fxh_close(&u);
}

/* The same input gives the same output however the caller splits it. */
static void test_block_split_invariant(void **state)
{
	fxh_unit_t u;
	fxh_open(&u, &fx_eq, RATE);
	size_t n = 20000;
	float *a = fxh_noise(n, 5, 0.5f), *b = fxh_noise(n, 6, 0.5f);
	float *c = malloc(n * sizeof(float)), *d = malloc(n * sizeof(float));
	memcpy(c, a, n * sizeof(float));
	memcpy(d, b, n * sizeof(float));
	fxh_param(&u, "hp", 80);
	fxh_param(&u, "gain1", 5);
	fxh_start(&u);
	fxh_param(&u, "lp", 3000);
	fxh_param(&u, "freq1", 4000);
	fx_eq.set(u.st, u.p);
	fx_eq.process(u.st, a, b, (int)n, NULL);
	fx_defaults(&fx_eq, u.p);
	fxh_param(&u, "hp", 80);
	fxh_param(&u, "gain1", 5);
	fxh_start(&u);
	fxh_param(&u, "lp", 3000);
	fxh_param(&u, "freq1", 4000);
	fx_eq.set(u.st, u.p);
	uint32_t seed = 7;
	for (size_t i = 0; i < n;) {
		size_t m = 1 + dsp_rand(&seed) % 97;
		if (m > n - i)
			m = n - i;
		fx_eq.process(u.st, c + i, d + i, (int)m, NULL);
		i += m;
	}
	assert_memory_equal(a, c, n * sizeof(float));
	assert_memory_equal(b, d, n * sizeof(float));
	free(a); free(b); free(c); free(d);
	fxh_close(&u);
}

/* Silence through a cascade at rest is skipped; what comes out must be
 * what running it gives.  Gaps of +0 (skipped once the tails have
 * flushed to zero) against the same gaps of -0 (never skipped), with
 * bursts of noise between them and, in a gap, a gain moving and a pass
 * filter switched on (which fades in): the same values (a zero's sign
 * may differ, -0 having gone in). */
static void test_silence_skip_same_values(void **state)
{
	unsigned long fpu = dsp_denormals_off();   /* as the engine runs */
	size_t n = 90000, gap = 30000;
	float *out[2][2];
	for (int neg = 0; neg < 2; neg++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_eq, RATE);
		fxh_param(&u, "hp", 40);
		fxh_param(&u, "low_gain", 6);
		fxh_param(&u, "gain1", -6);
		fxh_start(&u);
		float *l = fxh_noise(n, 3, 0.5f), *r = fxh_noise(n, 4, 0.5f);
		for (size_t i = 0; i < n; i++)
			if ((i / gap) % 2 == 1 || i % 9000 > 3000)
				l[i] = r[i] = neg ? -0.0f : 0.0f;
		for (size_t i = 0; i < n; i += 64) {
			size_t m = n - i < 64 ? n - i : 64;
			if (i == 64 * 600) {          /* in the long gap, after the tails */
				fxh_param(&u, "gain2", 5);
				fx_eq.set(u.st, u.p);
			}
			if (i == 64 * 980) {          /* 280 frames before the next burst */
				fxh_param(&u, "lp", 9000);
				fx_eq.set(u.st, u.p);
			}
			fx_eq.process(u.st, l + i, r + i, (int)m, NULL);
		}
		out[neg][0] = l;
		out[neg][1] = r;
		fxh_close(&u);
	}
	for (size_t i = 0; i < n; i++)
		if (out[0][0][i] != out[1][0][i] || out[0][1][i] != out[1][1][i])
			fail_msg("frame %zu: %g %g against %g %g", i, out[0][0][i], out[0][1][i],
			         out[1][0][i], out[1][1][i]);
	free(out[0][0]); free(out[0][1]); free(out[1][0]); free(out[1][1]);
	dsp_denormals_restore(fpu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameter_table),
		cmocka_unit_test(test_peaking),
		cmocka_unit_test(test_shelves),
		cmocka_unit_test(test_highpass),
		cmocka_unit_test(test_lowpass),
		cmocka_unit_test(test_all_bands),
		cmocka_unit_test(test_frequency_clamp),
		cmocka_unit_test(test_neutral_is_bit_exact),
		cmocka_unit_test(test_changes_glide),
		cmocka_unit_test(test_random_automation_is_stable),
		cmocka_unit_test(test_block_split_invariant),
		cmocka_unit_test(test_silence_skip_same_values),
	};
	return TU_RUN(tests);
}
