/*
 * test_fx_drive: the saturator, measured.  Harmonics and aliases are read
 * with a rectangular DFT over whole periods (at 48 kHz a 1 kHz or 5 kHz
 * sine repeats every 48 samples, and so does everything a memoryless
 * curve makes of it, aliases included), so every partial sits exactly on
 * a 1 kHz bin and what lies between the harmonics really is aliasing.
 * The curves are written out again here from their definitions in
 * fx_drive.c, to compute what no oversampling would give.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "fxharness.h"
#include "simd.h"
#include "testutil.h"

#define RATE 48000
#define SETTLE RATE      /* the DC blocker (5 Hz) has settled after 1 s */

/* soft: q(x / 1.875), q(u) = (15u - 10u^3 + 3u^5) / 8, clipped at |u| = 1. */
static double soft_curve(double x)
{
	double u = x / 1.875;
	if (fabs(u) >= 1)
		return u > 0 ? 1 : -1;
	return (15 * u - 10 * u * u * u + 3 * pow(u, 5)) / 8;
}

static double tube_curve(double x)
{
	return soft_curve(x + 0.25) - soft_curve(0.25);
}

static void unit_open(fxh_unit_t *u, float drive_db, int curve)
{
	fxh_open(u, &fx_drive, RATE);
	fxh_param(u, "drive", drive_db);
	fxh_param(u, "curve", (float)curve);
}

/* The unit's output for a sine, settled: RATE samples after SETTLE. */
static float *drive_sine(fxh_unit_t *u, double f, double amp)
{
	size_t n = SETTLE + RATE;
	float *l = fxh_sine(n, f, amp, RATE), *r = fxh_sine(n, f, amp, RATE);
	fxh_start(u);
	fxh_run(u, l, r, n, 64);
	assert_memory_equal(l, r, n * sizeof(float));
	float *out = malloc(RATE * sizeof(float));
	memcpy(out, l + SETTLE, RATE * sizeof(float));
	free(l);
	free(r);
	return out;
}

/* Amplitude at k kHz of one second of x (a whole number of periods). */
static double bin(const float *x, int k)
{
	double a = tu_goertzel(x, RATE, RATE, 1000.0 * k);
	return k == 24 ? a / 2 : a;    /* Nyquist: the DFT counts it twice */
}

/* Energy off the harmonics of f_khz, relative to the fundamental, dB. */
static double alias_db(const float *x, int f_khz)
{
	double e = 0;
	for (int k = 1; k <= 24; k++)
		if (k % f_khz)
			e += bin(x, k) * bin(x, k);
	return 10 * log10(e + 1e-300) - fxh_db(bin(x, f_khz));
}

static void test_parameter_table(void **state)
{
	static const char *const names[] = { "drive", "curve", "mix", "output" };
	assert_int_equal(fx_drive.nparams, 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(fx_drive.params[i].name, names[i]);
	assert_string_equal(fx_drive.params[1].choices[2], "fold");
	assert_non_null(fx_drive.latency);
	assert_ptr_equal(fx_ops(FX_DRIVE), &fx_drive);
}

/* An odd curve makes odd harmonics only. */
static void test_soft_odd_harmonics(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 12, 0);
	float *y = drive_sine(&u, 1000, 0.5);
	double f = bin(y, 1);
	double h2 = fxh_db(bin(y, 2) / f), h3 = fxh_db(bin(y, 3) / f), h4 = fxh_db(bin(y, 4) / f);
	if (!(h2 < -60 && h4 < -60 && h3 > -40))
		fail_msg("soft: h2 %.1f h3 %.1f h4 %.1f dB", h2, h3, h4);
	free(y);
	fxh_close(&u);
}

/* The tube curve adds a 2nd harmonic, and its DC offset is gone. */
static void test_tube_even_harmonics_no_dc(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 12, 1);
	float *y = drive_sine(&u, 1000, 0.5);
	double f = bin(y, 1), h2 = fxh_db(bin(y, 2) / f);
	double mean = 0;
	for (int i = 0; i < RATE; i++)
		mean += y[i];
	mean /= RATE;
	/* What the curve itself leaves as DC over one period, for scale. */
	double dc = 0;
	for (int i = 0; i < 48; i++)
		dc += tube_curve(4 * 0.5 * sin(2 * M_PI * i / 48.0)) / 48;
	if (h2 < -40)
		fail_msg("tube: 2nd harmonic only %.1f dB", h2);
	if (fabs(mean) >= 1e-3)
		fail_msg("tube: mean %.2e left (the curve makes %.3f)", mean, dc);
	assert_true(fabs(dc) > 0.05);   /* there was DC to remove */
	free(y);
	fxh_close(&u);
}

/* 5 kHz at 48 kHz, driven by 36 dB: aliases at least 40 dB down. The
 * same curve applied once per sample does not get there. */
static void check_aliasing(int curve, double (*shape)(double))
{
	fxh_unit_t u;
	unit_open(&u, 36, curve);
	float *y = drive_sine(&u, 5000, 0.5);
	double got = alias_db(y, 5);
	float *naive = fxh_sine(RATE, 5000, 0.5, RATE);
	double g = pow(10, 36 / 20.0);
	for (int i = 0; i < RATE; i++)
		naive[i] = (float)shape(g * naive[i]);
	double bad = alias_db(naive, 5);
	if (got > -40)
		fail_msg("curve %d: aliases at %.1f dB", curve, got);
	if (bad <= -40)
		fail_msg("curve %d: even naive shaping aliases only %.1f dB; the test proves nothing", curve, bad);
	free(y);
	free(naive);
	fxh_close(&u);
}

static void test_aliasing(void **state)
{
	check_aliasing(0, soft_curve);
	check_aliasing(1, tube_curve);
}

/* latency() is the delay the output really has: faint (so linear) noise,
 * kept below 10 kHz where the wet path is flat, correlates best with the
 * input shifted by it. */
static void test_latency_is_measured_delay(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 0, 0);
	size_t n = 20000;
	uint32_t seed = 11;
	float *x = malloc(n * sizeof(float)), *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	double s1 = 0, s2 = 0, k = 1 - exp(-2 * M_PI * 5000.0 / RATE);
	for (size_t i = 0; i < n; i++) {
		s1 += (0.001 * dsp_randf(&seed) - s1) * k;   /* two poles at 5 kHz */
		s2 += (s1 - s2) * k;
		x[i] = l[i] = r[i] = (float)s2;
	}
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	int best = -1;
	double bestc = 0, ex = 0, ey = 0;
	for (int lag = 0; lag < 200; lag++) {
		double c = 0;
		for (size_t i = 1000; i < n - 200; i++)
			c += (double)x[i] * l[i + (size_t)lag];
		if (c > bestc) {
			bestc = c;
			best = lag;
		}
	}
	for (size_t i = 1000; i < n - 200; i++) {
		ex += (double)x[i] * x[i];
		ey += (double)l[i + (size_t)best] * l[i + (size_t)best];
	}
	assert_int_equal(best, fx_drive.latency(u.st));
	/* Not just the best of a smear: the output is the input, delayed. */
	double corr = bestc / sqrt(ex * ey);
	if (corr < 0.99)
		fail_msg("correlation %.4f at the best lag", corr);
	free(x); free(l); free(r);
	fxh_close(&u);
}

/* Mix 0: the input exactly, delayed by the latency. */
static void test_mix_zero_is_dry(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 48, 2);
	fxh_param(&u, "mix", 0);
	fxh_param(&u, "output", 12);
	size_t n = 10000;
	float *l = fxh_sine(n, 440, 0.9, RATE), *r = fxh_sine(n, 660, 0.7, RATE);
	float *x = fxh_sine(n, 440, 0.9, RATE), *y = fxh_sine(n, 660, 0.7, RATE);
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	size_t lat = (size_t)fx_drive.latency(u.st);
	for (size_t i = 0; i < lat; i++)
		assert_true(l[i] == 0.0f && r[i] == 0.0f);
	assert_memory_equal(l + lat, x, (n - lat) * sizeof(float));
	assert_memory_equal(r + lat, y, (n - lat) * sizeof(float));
	free(l); free(r); free(x); free(y);
	fxh_close(&u);
}

/* Mix 50 with a clean wet path gives the dry level at every frequency: a
 * dry path out of step by even one sample would cancel towards the top
 * (-8 dB at 18 kHz). */
static void test_mix_aligns_dry_and_wet(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 0, 0);
	fxh_param(&u, "mix", 50);
	static const double freqs[] = { 100, 1000, 10000, 18000 };
	for (size_t k = 0; k < 4; k++) {
		float *y = drive_sine(&u, freqs[k], 0.01);
		double lvl = fxh_db(tu_goertzel(y, RATE, RATE, freqs[k]) / 0.01);
		if (fabs(lvl) > 0.3)
			fail_msg("mix 50 at %.0f Hz: %.2f dB", freqs[k], lvl);
		free(y);
	}
	fxh_close(&u);
}

/* Output scales the driven signal by its gain. */
static void test_output_gain(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 18, 0);
	float *ref = drive_sine(&u, 1000, 0.5);
	double a0 = bin(ref, 1);
	static const float gains[] = { -24, -6, 12 };
	for (int k = 0; k < 3; k++) {
		fxh_param(&u, "output", gains[k]);
		float *y = drive_sine(&u, 1000, 0.5);
		double d = fxh_db(bin(y, 1) / a0);
		if (fabs(d - gains[k]) > 0.01)
			fail_msg("output %+.0f dB: %.3f dB", gains[k], d);
		free(y);
	}
	free(ref);
	fxh_close(&u);
}

/* The folder cannot run away, however hard it is driven: sin() stays
 * within 1, so does its average, and the filters add only their ripple. */
static void test_fold_bounded(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 48, 2);
	size_t n = 4 * RATE;
	uint32_t seed = 5;
	float *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		l[i] = dsp_randf(&seed);
		r[i] = (float)sin(2 * M_PI * 50 * (double)i / RATE);
	}
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	double pk = fmax(tu_peak(l, n), tu_peak(r, n));
	if (!(pk < 1.5) || !isfinite(pk))
		fail_msg("fold peak %.3f", pk);
	assert_true(tu_rms(r, n) > 0.3);   /* it folded, not muted */
	free(l); free(r);
	fxh_close(&u);
}

/* Every parameter jumping every block, over full-scale noise. */
static void test_random_automation_is_stable(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 12, 0);
	fxh_start(&u);
	uint32_t seed = 77;
	float l[64], r[64];
	for (int blk = 0; blk < 10 * RATE / 64; blk++) {
		for (int i = 0; i < fx_drive.nparams; i++) {
			const fx_param_desc_t *d = &fx_drive.params[i];
			float t = 0.5f * (dsp_randf(&seed) + 1.0f);
			u.p[i] = d->choices ? floorf(t * 2.999f) : d->min + t * (d->max - d->min);
		}
		fx_drive.set(u.st, u.p);
		for (int j = 0; j < 64; j++) {
			l[j] = dsp_randf(&seed);
			r[j] = dsp_randf(&seed);
		}
		fx_drive.process(u.st, l, r, 64, NULL);
		/* At most dry 1 plus wet 1.5 at +12 dB. */
		for (int j = 0; j < 64; j++)
			if (!isfinite(l[j]) || fabsf(l[j]) > 7.0f || fabsf(r[j]) > 7.0f)
				fail_msg("block %d: %g %g", blk, l[j], r[j]);
	}
	fxh_close(&u);
}

/* Switching curves crossfades: no step larger than the curves make on
 * their own (a hard switch from soft to fold jumps by up to 2). */
static void test_curve_change_is_smooth(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 12, 0);
	size_t n = RATE, q = n / 4;
	double steady = 0;
	for (int c = 0; c < 3; c++) {
		fxh_param(&u, "curve", (float)c);
		float *y = drive_sine(&u, 100, 0.5);
		steady = fmax(steady, fxh_max_step(y, RATE));
		free(y);
	}
	fxh_param(&u, "curve", 0);
	float *l = fxh_sine(n, 100, 0.5, RATE), *r = fxh_sine(n, 100, 0.5, RATE);
	fxh_start(&u);
	/* Switch at the sine's crests (a quarter period, 120 samples, past
	 * whole periods), where the curves differ most. */
	static const int order[] = { 2, 1, 0 };
	size_t at = 0;
	for (int k = 0; k < 4; k++) {
		size_t end = k < 3 ? (size_t)(k + 1) * q + 120 : n;
		fxh_run(&u, l + at, r + at, end - at, 64);
		at = end;
		if (k < 3) {
			fxh_param(&u, "curve", (float)order[k]);
			fx_drive.set(u.st, u.p);
		}
	}
	double step = fxh_max_step(l + SETTLE / 8, n - SETTLE / 8);
	if (step > 1.2 * steady)
		fail_msg("step %.4f at a curve change; the curves alone step %.4f", step, steady);
	free(l);
	free(r);
	fxh_close(&u);
}

/* The same input gives the same output however the caller splits it. */
static void test_block_split_invariant(void **state)
{
	fxh_unit_t u;
	unit_open(&u, 24, 1);
	fxh_param(&u, "mix", 70);
	size_t n = 12000;
	float *a = fxh_sine(n, 3000, 0.6, RATE), *b = fxh_sine(n, 200, 0.6, RATE);
	float *c = fxh_sine(n, 3000, 0.6, RATE), *d = fxh_sine(n, 200, 0.6, RATE);
	fxh_start(&u);
	fxh_param(&u, "curve", 2);
	fxh_param(&u, "drive", 6);
	fx_drive.set(u.st, u.p);
	fx_drive.process(u.st, a, b, (int)n, NULL);
	fxh_param(&u, "curve", 1);
	fxh_param(&u, "drive", 24);
	fxh_start(&u);
	fxh_param(&u, "curve", 2);
	fxh_param(&u, "drive", 6);
	fx_drive.set(u.st, u.p);
	uint32_t seed = 9;
	for (size_t i = 0; i < n;) {
		size_t m = 1 + dsp_rand(&seed) % 150;
		if (m > n - i)
			m = n - i;
		fx_drive.process(u.st, c + i, d + i, (int)m, NULL);
		i += m;
	}
	assert_memory_equal(a, c, n * sizeof(float));
	assert_memory_equal(b, d, n * sizeof(float));
	free(a); free(b); free(c); free(d);
	fxh_close(&u);
}

/* The eight-lane filters and shaper give the same bits as the four-lane
 * ones: each curve, hot noise, a sweep of drive and changes of curve, in
 * blocks of every size.
 * (Where the processor has no eight-lane path both runs are four-lane.) */
static void test_wide_path_same_bits(void **state)
{
	size_t n = 9000;
	for (int curve = 0; curve < 3; curve++) {
		float *out[2][2];
		for (int narrow = 0; narrow < 2; narrow++) {
			simd_set_narrow(narrow);
			fxh_unit_t u;
			unit_open(&u, 30, curve);
			fxh_param(&u, "mix", 80);
			fxh_start(&u);
			simd_set_narrow(false);
			float *l = fxh_noise(n, 5 + (uint32_t)curve, 0.9f), *r = fxh_noise(n, 77, 0.5f);
			uint32_t seed = 3;
			for (size_t i = 0; i < n;) {
				size_t m = 1 + dsp_rand(&seed) % 130;
				if (m > n - i)
					m = n - i;
				fxh_param(&u, "drive", (float)(dsp_rand(&seed) % 48));
				if (dsp_rand(&seed) % 6 == 0)    /* curve crossfades too */
					fxh_param(&u, "curve", (float)(dsp_rand(&seed) % 3));
				fx_drive.set(u.st, u.p);
				fx_drive.process(u.st, l + i, r + i, (int)m, NULL);
				i += m;
			}
			out[narrow][0] = l;
			out[narrow][1] = r;
			fxh_close(&u);
		}
		assert_memory_equal(out[0][0], out[1][0], n * sizeof(float));
		assert_memory_equal(out[0][1], out[1][1], n * sizeof(float));
		free(out[0][0]); free(out[0][1]); free(out[1][0]); free(out[1][1]);
	}
}

/* Silence through a wet path at rest is skipped; the result must be what
 * working it out gives.  Gaps of +0 (skipped) against the same gaps of
 * -0 (which the skip does not take: every sum is worked out, and comes
 * to the same +0), with bursts of noise between them and a curve change
 * in a gap: the same bits, for each curve. */
static void test_silence_skip_same_bits(void **state)
{
	size_t n = 24000;
	for (int curve = 0; curve < 3; curve++) {
		float *out[2][2];
		for (int neg = 0; neg < 2; neg++) {
			fxh_unit_t u;
			unit_open(&u, 24, curve);
			fxh_param(&u, "mix", 70);
			fxh_start(&u);
			float *l = fxh_noise(n, 11, 0.8f), *r = fxh_noise(n, 12, 0.8f);
			for (size_t i = 0; i < n; i++)
				if ((i / 3000) % 2 == 1)     /* 3000 frames on, 3000 off */
					l[i] = r[i] = neg ? -0.0f : 0.0f;
			for (size_t i = 0; i < n; i += 64) {
				size_t m = n - i < 64 ? n - i : 64;
				if (i == 64 * 70)            /* in the first gap */
					fxh_param(&u, "curve", (float)((curve + 1) % 3));
				fx_drive.set(u.st, u.p);
				fx_drive.process(u.st, l + i, r + i, (int)m, NULL);
			}
			out[neg][0] = l;
			out[neg][1] = r;
			fxh_close(&u);
		}
		assert_memory_equal(out[0][0], out[1][0], n * sizeof(float));
		assert_memory_equal(out[0][1], out[1][1], n * sizeof(float));
		free(out[0][0]); free(out[0][1]); free(out[1][0]); free(out[1][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameter_table),
		cmocka_unit_test(test_soft_odd_harmonics),
		cmocka_unit_test(test_tube_even_harmonics_no_dc),
		cmocka_unit_test(test_aliasing),
		cmocka_unit_test(test_latency_is_measured_delay),
		cmocka_unit_test(test_mix_zero_is_dry),
		cmocka_unit_test(test_mix_aligns_dry_and_wet),
		cmocka_unit_test(test_output_gain),
		cmocka_unit_test(test_fold_bounded),
		cmocka_unit_test(test_random_automation_is_stable),
		cmocka_unit_test(test_curve_change_is_smooth),
		cmocka_unit_test(test_block_split_invariant),
		cmocka_unit_test(test_wide_path_same_bits),
		cmocka_unit_test(test_silence_skip_same_bits),
	};
	return TU_RUN(tests);
}
