/*
 * test_fx_comp: the compressor, measured.  Levels that come out are
 * compared with the textbook static curve (threshold, ratio, quadratic
 * soft knee; written out again here), times with the definition in
 * fx_comp.c: after a step in level the gain reduction in dB makes
 * 1 - 1/e of its change after the attack (rising) or release (falling)
 * time.  Steps use a constant (DC) input, whose gain can be read off
 * every single sample as out / in.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "fxharness.h"
#include "testutil.h"

#define RATE 48000

/* The static curve: gain reduction in dB for a peak level in dB. */
static double textbook_gr(double level, double thr, double ratio, double knee)
{
	double o = level - thr, slope = 1 - 1 / ratio;
	if (2 * o <= -knee)
		return 0;
	if (2 * o < knee)
		return slope * (o + knee / 2) * (o + knee / 2) / (2 * knee);
	return slope * o;
}

static void unit_open(fxh_unit_t *u, float thr, float ratio, float knee)
{
	fxh_open(u, &fx_comp, RATE);
	fxh_param(u, "threshold", thr);
	fxh_param(u, "ratio", ratio);
	fxh_param(u, "knee", knee);
}

/* Output level in dBFS (peak-referenced, as the sine's amplitude) of a
 * steady 1 kHz sine of level in_db, measured over the second second. */
static double steady_out_db(fxh_unit_t *u, double in_db)
{
	size_t n = 2 * RATE;
	double amp = pow(10, in_db / 20);
	float *l = fxh_sine(n, 1000, amp, RATE), *r = fxh_sine(n, 1000, amp, RATE);
	fxh_start(u);
	fxh_run(u, l, r, n, 64);
	double out = fxh_db(tu_goertzel(l + RATE, RATE, RATE, 1000));
	assert_memory_equal(l, r, n * sizeof(float));
	free(l);
	free(r);
	return out;
}

static void test_parameter_table(void **state)
{
	static const char *const names[] = { "threshold", "ratio", "knee", "attack",
		"release", "makeup", "mix" };
	assert_int_equal(fx_comp.nparams, 7);
	for (int i = 0; i < 7; i++)
		assert_string_equal(fx_comp.params[i].name, names[i]);
	assert_non_null(fx_comp.reduction);
	assert_ptr_equal(fx_ops(FX_COMP), &fx_comp);
}

/* Threshold -20, ratio 4, hard knee: -10 dBFS in, -17.5 out; the curve
 * elsewhere too; below the threshold nothing changes. */
static void test_static_curve(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 0);
	double out = steady_out_db(&u, -10);
	if (fabs(out - -17.5) > 0.5)
		fail_msg("-10 dBFS sine came out at %.2f dBFS, want -17.5", out);
	for (double in = -40; in <= 0; in += 5) {
		double want = in - textbook_gr(in, -20, 4, 0), got = steady_out_db(&u, in);
		if (fabs(got - want) > 0.5)
			fail_msg("%.0f dBFS in: %.2f out, curve says %.2f", in, got, want);
	}
	/* Ratio 20 at threshold -40: nearly a limiter. */
	fx_defaults(&fx_comp, u.p);
	fxh_param(&u, "threshold", -40);
	fxh_param(&u, "ratio", 20);
	fxh_param(&u, "knee", 0);
	double got = steady_out_db(&u, -6), want = -6 - textbook_gr(-6, -40, 20, 0);
	if (fabs(got - want) > 0.5)
		fail_msg("ratio 20: %.2f out, curve says %.2f", got, want);

	/* Below the threshold the signal is not touched at all. */
	fxh_param(&u, "threshold", -20);
	fxh_param(&u, "ratio", 4);
	size_t n = RATE;
	float *l = fxh_sine(n, 440, 0.05, RATE), *r = fxh_sine(n, 440, 0.05, RATE);
	float *x = fxh_sine(n, 440, 0.05, RATE);
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	assert_memory_equal(l, x, n * sizeof(float));
	assert_true(fx_comp.reduction(u.st) == 0.0f);
	free(l); free(r); free(x);
	fxh_close(&u);
}

/* Quadratic knee: at the threshold, (1 - 1/ratio) W/8 of reduction; inside
 * and at the edges the quadratic and its joins. */
static void test_soft_knee(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 12);
	double got = steady_out_db(&u, -20), want = -20 - 0.75 * 12 / 8;
	if (fabs(got - want) > 0.5)
		fail_msg("at the threshold with a 12 dB knee: %.2f, want %.3f", got, want);
	for (double in = -28; in <= -8; in += 2) {
		want = in - textbook_gr(in, -20, 4, 12);
		got = steady_out_db(&u, in);
		if (fabs(got - want) > 0.5)
			fail_msg("knee 12, %.0f dBFS in: %.2f out, curve says %.2f", in, got, want);
	}
	/* The knee's own shape, not a hard knee: at the threshold a hard knee
	 * would give -20, more than 0.5 dB from the soft one. */
	assert_true(fabs(steady_out_db(&u, -20) - -20) > 0.6);
	fxh_close(&u);
}

/* The gain reduction in dB, read off every sample of a constant input. */
static double *gr_trace(fxh_unit_t *u, const float *x, size_t n, float *red)
{
	float *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	double *gr = malloc(n * sizeof(double));
	assert_non_null(gr);
	memcpy(l, x, n * sizeof(float));
	memcpy(r, x, n * sizeof(float));
	fxh_start(u);
	for (size_t i = 0; i < n; i++) {
		fx_comp.process(u->st, l + i, r + i, 1, NULL);
		gr[i] = fxh_db(x[i] / l[i]);
		red[i] = fx_comp.reduction(u->st);
	}
	free(l);
	free(r);
	return gr;
}

/* Seconds from `from` until the trace has made 1 - 1/e of the way from
 * its value before `from` to its value at `to`. */
static double time_63(const double *gr, size_t from, size_t to)
{
	double a = gr[from - 1], b = gr[to - 1], mark = a + (1 - exp(-1)) * (b - a);
	for (size_t i = from; i < to; i++)
		if ((b > a && gr[i] >= mark) || (b < a && gr[i] <= mark)) {
			/* Interpolate between the samples either side of the mark. */
			double f = (mark - gr[i - 1]) / (gr[i] - gr[i - 1]);
			return ((double)(i - from) + f) / RATE;
		}
	return INFINITY;
}

static void check_times(float attack_ms, float release_ms)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 0);
	fxh_param(&u, "attack", attack_ms);
	fxh_param(&u, "release", release_ms);
	/* -40 dBFS, then -10 (7.5 dB of reduction), then -40 again, each
	 * long enough (ten time constants) to settle. */
	size_t seg = (size_t)(RATE * 10 * fmax(attack_ms, release_ms) / 1000) + RATE / 10;
	size_t n = 3 * seg;
	float *x = malloc(n * sizeof(float)), *red = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(i >= seg && i < 2 * seg ? pow(10, -10 / 20.0) : 0.01);
	double *gr = gr_trace(&u, x, n, red);
	assert_true(fabs(gr[seg - 1]) < 1e-4);
	if (fabs(gr[2 * seg - 1] - 7.5) > 0.05)
		fail_msg("settled at %.3f dB of reduction, want 7.5", gr[2 * seg - 1]);
	double ta = time_63(gr, seg, 2 * seg) * 1000, tr = time_63(gr, 2 * seg, n) * 1000;
	if (fabs(ta - attack_ms) > 0.2 * attack_ms)
		fail_msg("attack %.1f ms set, %.2f ms measured", attack_ms, ta);
	if (fabs(tr - release_ms) > 0.2 * release_ms)
		fail_msg("release %.0f ms set, %.2f ms measured", release_ms, tr);
	/* reduction() says what the output shows, all along. */
	for (size_t i = 0; i < n; i++)
		if (fabs(gr[i] - red[i]) > 0.01)
			fail_msg("reduction() %.3f dB, output shows %.3f at %zu", red[i], gr[i], i);
	free(x);
	free(red);
	free(gr);
	fxh_close(&u);
}

static void test_attack_release_times(void **state)
{
	check_times(10, 150);     /* the defaults */
	check_times(1, 40);
	check_times(0.5f, 5);
	check_times(60, 1000);
	check_times(200, 2000);
}

/* The engine keys the compressor with other channels' signal: a steady
 * pad ducks under kick-like bursts (one a second) by what the curve says
 * for the bursts' level, and comes back between them. */
static void test_sidechain_pumps(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -30, 8, 0);
	fxh_param(&u, "attack", 1);
	fxh_param(&u, "release", 100);
	size_t period = RATE, burst = RATE * 3 / 20, n = 4 * period;
	double pad_amp = 0.2, kick_amp = 0.8;
	float *l = fxh_sine(n, 330, pad_amp, RATE), *r = fxh_sine(n, 330, pad_amp, RATE);
	float *sl = calloc(n, sizeof(float)), *sr = calloc(n, sizeof(float));
	for (size_t i = 0; i < n; i++) {
		size_t t = i % period;
		if (t < burst)   /* 150 ms of 90 Hz, full level from the start */
			sl[i] = sr[i] = (float)(kick_amp * sin(2 * M_PI * 90 * (double)t / RATE));
	}
	fxh_start(&u);
	u.ctx.sc_l = sl;
	u.ctx.sc_r = sr;
	fxh_run(&u, l, r, n, 64);
	double want = textbook_gr(fxh_db(kick_amp), -30, 8, 0);
	/* The pad alone is at -14 dBFS, 16 dB above the threshold: unkeyed it
	 * would be squashed; keyed by silence it passes. */
	for (int k = 0; k < 4; k++) {
		size_t b0 = (size_t)k * period;
		/* Late in the burst: 50 ms .. 150 ms (whole pad periods: 33). */
		double in_burst = fxh_db(tu_goertzel(l + b0 + RATE / 20, RATE / 10, RATE, 330) / pad_amp);
		/* End of the gap: the last 100 ms before the next burst, 750 ms
		 * and more after the burst, where 25 dB released at 100 ms is
		 * down to 25 e^(-7.5) = 0.01 dB. */
		double in_gap = fxh_db(tu_goertzel(l + b0 + period - RATE / 10, RATE / 10, RATE, 330) / pad_amp);
		if (-in_burst < want - 0.5 || -in_burst > want + 0.5)
			fail_msg("burst %d: pad down %.2f dB, curve says %.2f", k, -in_burst, want);
		if (fabs(in_gap) > 0.1)
			fail_msg("gap %d: pad at %.2f dB, should have recovered", k, in_gap);
	}
	/* Keyed by silence (a sidechain of zeros), a loud input passes. */
	float *z = fxh_zeros(RATE), *x = fxh_sine(RATE, 330, 0.9, RATE), *y = fxh_sine(RATE, 330, 0.9, RATE);
	fxh_start(&u);
	u.ctx.sc_l = u.ctx.sc_r = z;
	fxh_run(&u, x, y, RATE, 64);
	assert_true(fabs(fxh_db(tu_peak(x, RATE) / 0.9)) < 1e-5);
	free(l); free(r); free(sl); free(sr); free(z); free(x); free(y);
	fxh_close(&u);
}

/* A NaN in the key is passed over: on one side the other side's peak
 * counts (as if that side were silent), on both the level just falls.
 * Measured against the same key with zeros where the NaNs were. */
static void test_nan_key_passed_over(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -30, 8, 0);
	fxh_param(&u, "attack", 1);
	fxh_param(&u, "release", 50);
	size_t n = RATE / 2;
	float *kl = fxh_sine(n, 90, 0.8, RATE), *kr = fxh_sine(n, 70, 0.6, RATE);
	float *zl = malloc(n * sizeof(float)), *zr = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		zl[i] = kl[i];
		zr[i] = kr[i];
		if (i % 7 == 3 || i % 11 == 5) {   /* left alone, both, right alone */
			zl[i] = 0.0f;
			kl[i] = NAN;
		}
		if (i % 13 == 3 || i % 11 == 5) {
			zr[i] = 0.0f;
			kr[i] = NAN;
		}
	}
	float *al = fxh_sine(n, 330, 0.5, RATE), *ar = fxh_sine(n, 330, 0.5, RATE);
	float *bl = fxh_sine(n, 330, 0.5, RATE), *br = fxh_sine(n, 330, 0.5, RATE);
	fxh_start(&u);
	u.ctx.sc_l = kl;
	u.ctx.sc_r = kr;
	fxh_run(&u, al, ar, n, 64);
	fxh_start(&u);
	u.ctx.sc_l = zl;
	u.ctx.sc_r = zr;
	fxh_run(&u, bl, br, n, 64);
	assert_memory_equal(al, bl, n * sizeof(float));
	assert_memory_equal(ar, br, n * sizeof(float));
	assert_true(fxh_db(tu_peak(al + RATE / 4, RATE / 4) / 0.5) < -10.0);   /* it did compress */
	free(kl); free(kr); free(zl); free(zr); free(al); free(ar); free(bl); free(br);
	fxh_close(&u);
}

/* One gain for both sides: the quiet side drops as much as the loud one. */
static void test_stereo_link(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 0);
	size_t n = 2 * RATE;
	float *l = fxh_sine(n, 1000, pow(10, -10 / 20.0), RATE), *r = fxh_sine(n, 1000, 0.01, RATE);
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	double dl = fxh_db(tu_goertzel(l + RATE, RATE, RATE, 1000) / pow(10, -10 / 20.0));
	double dr = fxh_db(tu_goertzel(r + RATE, RATE, RATE, 1000) / 0.01);
	assert_true(fabs(dl - -7.5) < 0.5);
	assert_true(fabs(dl - dr) < 0.01);
	free(l); free(r);
	fxh_close(&u);
}

static void test_makeup_and_mix(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 0);
	/* Makeup adds to whatever the curve gave: +6 below and above. */
	fxh_param(&u, "makeup", 6);
	double got = steady_out_db(&u, -30);
	assert_true(fabs(got - -24) < 0.05);
	got = steady_out_db(&u, -10);
	assert_true(fabs(got - (-17.5 + 6)) < 0.5);

	/* Mix 50: half the dry plus half the compressed (in phase: there is no
	 * latency), 0.5 + 0.5 * 10^(-7.5/20) of the input. */
	fxh_param(&u, "makeup", 0);
	fxh_param(&u, "mix", 50);
	got = steady_out_db(&u, -10);
	double want = -10 + fxh_db(0.5 + 0.5 * pow(10, -7.5 / 20));
	if (fabs(got - want) > 0.5)
		fail_msg("mix 50: %.2f dBFS, want %.2f", got, want);

	/* Mix 0: the input exactly, however hard it compresses. */
	fxh_param(&u, "mix", 0);
	fxh_param(&u, "makeup", 12);
	size_t n = RATE;
	float *l = fxh_sine(n, 1000, 0.9, RATE), *r = fxh_sine(n, 1000, 0.9, RATE);
	float *x = fxh_sine(n, 1000, 0.9, RATE);
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	assert_memory_equal(l, x, n * sizeof(float));
	assert_true(fx_comp.reduction(u.st) > 10.0f);   /* it did compress, unheard */
	free(l); free(r); free(x);
	fxh_close(&u);
}

/* reduction() against the drop measured on a steady sine. */
static void test_reduction_matches_output(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -30, 3, 6);
	for (double in = -36; in <= 0; in += 6) {
		size_t n = 2 * RATE;
		double amp = pow(10, in / 20);
		float *l = fxh_sine(n, 500, amp, RATE), *r = fxh_sine(n, 500, amp, RATE);
		fxh_start(&u);
		fxh_run(&u, l, r, n, 64);
		double drop = -fxh_db(tu_goertzel(l + n - RATE / 10, RATE / 10, RATE, 500) / amp);
		double red = fx_comp.reduction(u.st);
		if (fabs(drop - red) > 0.3)
			fail_msg("%.0f dBFS: reduction() %.2f dB, measured drop %.2f", in, red, drop);
		free(l);
		free(r);
	}
	fxh_close(&u);
}

/* Parameters jumping every block over loud noise: always finite, never
 * more than the largest makeup (24 dB) above the input. */
static void test_random_automation_is_stable(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 0);
	fxh_start(&u);
	uint32_t seed = 3;
	float l[64], r[64];
	for (int blk = 0; blk < 10 * RATE / 64; blk++) {
		for (int i = 0; i < fx_comp.nparams; i++) {
			const fx_param_desc_t *d = &fx_comp.params[i];
			float t = 0.5f * (dsp_randf(&seed) + 1.0f);
			u.p[i] = d->log ? d->min * powf(d->max / d->min, t) : d->min + t * (d->max - d->min);
		}
		fx_comp.set(u.st, u.p);
		for (int j = 0; j < 64; j++) {
			l[j] = dsp_randf(&seed);
			r[j] = dsp_randf(&seed);
		}
		fx_comp.process(u.st, l, r, 64, NULL);
		for (int j = 0; j < 64; j++)
			if (!isfinite(l[j]) || fabsf(l[j]) > 15.9f || fabsf(r[j]) > 15.9f)
				fail_msg("block %d: %g", blk, l[j]);
		assert_true(fx_comp.reduction(u.st) >= 0.0f);
	}
	fxh_close(&u);
}

/* Under the knee with nothing left to release the signal passes bit for
 * bit: before a loud burst, and again once the release has run out after
 * it (but not while it runs). */
static void test_quiet_passes_exactly(void **state)
{
	fxh_unit_t u;
	unit_open(&u, -20, 4, 6);
	fxh_param(&u, "release", 20);
	size_t n = RATE;
	float *l = fxh_sine(n, 440, 0.01, RATE), *r = fxh_sine(n, 440, 0.01, RATE);
	float *x = fxh_sine(n, 440, 0.01, RATE);
	for (size_t i = RATE / 4; i < RATE / 4 + RATE / 10; i++)
		l[i] = r[i] = x[i] * 80.0f;    /* -2 dBFS for 100 ms */
	fxh_start(&u);
	fxh_run(&u, l, r, n, 64);
	assert_memory_equal(l, x, RATE / 4 * sizeof(float));
	size_t after = RATE / 4 + RATE / 10;
	assert_true(fabsf(l[after] - x[after]) > 0.0f || fabsf(l[after + 1] - x[after + 1]) > 0.0f);
	size_t late = after + RATE / 2;     /* 25 release times on */
	assert_memory_equal(l + late, x + late, (n - late) * sizeof(float));
	assert_memory_equal(r + late, x + late, (n - late) * sizeof(float));
	free(l); free(r); free(x);
	fxh_close(&u);
}

/* A silent key skips the follower; a key far under the knee runs it and
 * asks for nothing either: the same bits, through a burst that leaves
 * a release to run out and a makeup and mix glide. */
static void test_silent_key_same_bits(void **state)
{
	size_t n = RATE / 2;
	float *out[2][2];
	for (int tiny = 0; tiny < 2; tiny++) {
		fxh_unit_t u;
		unit_open(&u, -20, 4, 6);
		fxh_param(&u, "release", 10);
		fxh_start(&u);
		float *l = fxh_sine(n, 330, 0.7, RATE), *r = fxh_sine(n, 330, 0.7, RATE);
		float *kl = fxh_zeros(n), *kr = fxh_zeros(n);
		for (size_t i = 0; i < n; i++) {
			if (i >= RATE / 20 && i < RATE / 10)
				kl[i] = kr[i] = 0.9f;              /* a burst: reduction, then release */
			else if (tiny)
				kl[i] = kr[i] = 1e-9f;
		}
		u.ctx.sc_l = kl;
		u.ctx.sc_r = kr;
		for (size_t i = 0; i < n; i += 64) {
			size_t m = n - i < 64 ? n - i : 64;
			if (i == 64 * 200) {
				fxh_param(&u, "makeup", 6);
				fxh_param(&u, "mix", 50);
				fx_comp.set(u.st, u.p);
			}
			fx_comp.process(u.st, l + i, r + i, (int)m, &u.ctx);
			u.ctx.sc_l += m;
			u.ctx.sc_r += m;
		}
		out[tiny][0] = l;
		out[tiny][1] = r;
		free(kl); free(kr);
		fxh_close(&u);
	}
	assert_memory_equal(out[0][0], out[1][0], n * sizeof(float));
	assert_memory_equal(out[0][1], out[1][1], n * sizeof(float));
	free(out[0][0]); free(out[0][1]); free(out[1][0]); free(out[1][1]);
}

/* The same input gives the same output however the caller splits it:
 * whole 64-frame chunks take the follower block-wise, other sizes one
 * sample after another.  Noise in bursts of random level and length,
 * with silence between, through a fast release. */
static void test_block_split_invariant(void **state)
{
	size_t n = RATE;
	static const size_t blocks[] = { 64, 1, 37, 1000 };
	float *ref_l = NULL, *ref_r = NULL;
	for (size_t k = 0; k < 4; k++) {
		fxh_unit_t u;
		unit_open(&u, -24, 6, 3);
		fxh_param(&u, "attack", 0.5f);
		fxh_param(&u, "release", 30);
		fxh_start(&u);
		float *l = fxh_noise(n, 8, 1.0f), *r = fxh_noise(n, 9, 1.0f);
		uint32_t seed = 21;
		for (size_t i = 0; i < n;) {
			size_t m = 200 + dsp_rand(&seed) % 3000;
			float g = (dsp_rand(&seed) % 4 == 0) ? 0.0f : (float)(dsp_rand(&seed) % 1000) / 1000.0f;
			for (size_t j = i; j < i + m && j < n; j++) {
				l[j] *= g;
				r[j] *= g;
			}
			i += m;
		}
		fxh_run(&u, l, r, n, blocks[k]);
		fxh_keep_or_match(&ref_l, &ref_r, l, r, n);
		fxh_close(&u);
	}
	free(ref_l);
	free(ref_r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameter_table),
		cmocka_unit_test(test_static_curve),
		cmocka_unit_test(test_soft_knee),
		cmocka_unit_test(test_attack_release_times),
		cmocka_unit_test(test_sidechain_pumps),
		cmocka_unit_test(test_stereo_link),
		cmocka_unit_test(test_nan_key_passed_over),
		cmocka_unit_test(test_quiet_passes_exactly),
		cmocka_unit_test(test_silent_key_same_bits),
		cmocka_unit_test(test_block_split_invariant),
		cmocka_unit_test(test_makeup_and_mix),
		cmocka_unit_test(test_reduction_matches_output),
		cmocka_unit_test(test_random_automation_is_stable),
	};
	return TU_RUN(tests);
}
