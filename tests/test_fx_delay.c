/*
 * test_fx_delay: the delay unit, measured.  Echo times come from the note
 * values and the tempo, echo levels from the feedback and the textbook
 * response of a bilinear one-pole lowpass; the unit's own output is never
 * the reference.
 *
 * Level checks that need the highcut out of the way set it to its top and
 * use a band-limited pulse (a 1 ms raised cosine: nearly all its energy
 * lies below 2 kHz, where that lowpass is flat to a few thousandths of a
 * dB), so each echo keeps its shape and energies compare directly.
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

enum { TIME, SYNC, FEEDBACK, PINGPONG, HIGHCUT, MIX };

static double energy(const float *x, size_t from, size_t to)
{
	double e = 0;
	for (size_t i = from; i < to; i++)
		e += (double)x[i] * x[i];
	return e;
}

/* A 1 ms raised-cosine pulse of peak 1 written at x[at]; returns its
 * length in frames. */
static size_t pulse(float *x, size_t at, int rate)
{
	size_t len = (size_t)lround(0.001 * rate);
	for (size_t i = 0; i < len; i++)
		x[at + i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (double)(i + 1) / (double)(len + 1)));
	return len;
}

/* Index of the largest |x| in [from, to). */
static size_t argmax_abs(const float *x, size_t from, size_t to)
{
	size_t best = from;
	for (size_t i = from; i < to; i++)
		if (fabsf(x[i]) > fabsf(x[best]))
			best = i;
	return best;
}

/* |H(f)| of the bilinear one-pole lowpass with its -3 dB point at fc. */
static double onepole_mag(double f, double fc, double rate)
{
	double t = tan(M_PI * f / rate) / tan(M_PI * fc / rate);
	return 1.0 / sqrt(1.0 + t * t);
}

/* ------------------------------------------------------------------ */

static void test_param_table(void **state)
{
	(void)state;
	static const char *const names[] = { "time", "sync", "feedback", "pingpong", "highcut", "mix" };
	static const char *const sync[] = { "off", "1/1", "1/2", "1/2.", "1/2t", "1/4", "1/4.",
	                                    "1/4t", "1/8", "1/8.", "1/8t", "1/16", "1/16.",
	                                    "1/16t", "1/32" };
	const fx_ops_t *o = fx_ops(FX_DELAY);
	assert_ptr_equal(o, &fx_delay);
	assert_int_equal(fx_type_by_name("delay"), FX_DELAY);
	assert_string_equal(o->name, "delay");
	assert_int_equal(o->nparams, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(o->params[i].name, names[i]);
		assert_int_equal(fx_param_index(o, names[i]), i);
		assert_true(o->params[i].min <= o->params[i].def && o->params[i].def <= o->params[i].max);
	}
	const fx_param_desc_t *p = o->params;
	assert_true(p[TIME].min == 1.0f && p[TIME].max == 2000.0f && p[TIME].def == 375.0f);
	assert_true(p[SYNC].max == 14.0f && p[SYNC].def == 0.0f);
	for (int i = 0; i < 15; i++)
		assert_string_equal(p[SYNC].choices[i], sync[i]);
	assert_true(p[FEEDBACK].max == 95.0f && p[FEEDBACK].def == 35.0f);
	assert_true(p[PINGPONG].max == 1.0f && p[PINGPONG].def == 0.0f);
	assert_string_equal(p[PINGPONG].choices[0], "off");
	assert_string_equal(p[PINGPONG].choices[1], "on");
	assert_true(p[HIGHCUT].min == 500.0f && p[HIGHCUT].max == 20000.0f && p[HIGHCUT].def == 6000.0f);
	assert_true(p[MIX].max == 100.0f && p[MIX].def == 30.0f);
	assert_null(o->reduction);
	assert_null(o->latency);
}

/* 1/8. at 120 BPM: three quarters of a 0.5 s beat, every echo a whole
 * number of those from the impulse, at several rates. */
static void test_sync_echo_times(void **state)
{
	(void)state;
	static const int rates[] = { 22050, 44100, 48000, 96000 };
	for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		int rate = rates[k];
		long d = lround(0.75 * 0.5 * rate);
		size_t at = 100, n = at + (size_t)(6 * d);
		fxh_unit_t u;
		fxh_open(&u, &fx_delay, rate);
		u.p[SYNC] = 9;                  /* "1/8." */
		u.p[TIME] = 40;                 /* must be ignored */
		u.p[FEEDBACK] = 50;
		u.p[HIGHCUT] = 20000;
		u.p[MIX] = 100;
		fxh_start(&u);
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		l[at] = r[at] = 1.0f;
		fxh_run(&u, l, r, n, BLOCK);
		/* Wet only: nothing at all before the first echo. */
		assert_true(tu_peak(l, at + (size_t)d - 2) == 0.0);
		/* The highcut smears each echo forward (at 96 kHz its impulse
		 * response peaks a sample late, and more so after each pass), but
		 * it is causal: an echo starts where its delay says. */
		for (long e = 1; e <= 5; e++) {
			size_t c = at + (size_t)(e * d), from = c - (size_t)d / 2;
			size_t pk = argmax_abs(l, from, c + (size_t)d / 2);
			long on = tu_first_above(l + from, (size_t)d, 1e-3f * fabsf(l[pk]));
			assert_true(on >= 0);
			if (labs((long)from + on - (long)c) > 1)
				fail_msg("%d Hz echo %ld at %zu, expected %zu +- 1",
				         rate, e, from + (size_t)on - at, c - at);
			assert_int_equal(tu_first_above(r + from, (size_t)d, 1e-3f * fabsf(l[pk])), on);
		}
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* Echo n comes back at feedback^(n-1) times the first, at any feedback. */
static void test_echo_levels(void **state)
{
	(void)state;
	static const int rates[] = { 44100, 48000 };
	static const float fbs[] = { 35, 60, 95 };
	for (size_t k = 0; k < 2; k++)
		for (size_t f = 0; f < 3; f++) {
			int rate = rates[k];
			long d = lround(0.250 * rate);
			size_t n = (size_t)(8 * d), at = 10;
			fxh_unit_t u;
			fxh_open(&u, &fx_delay, rate);
			u.p[TIME] = 250;
			u.p[FEEDBACK] = fbs[f];
			u.p[HIGHCUT] = 20000;
			u.p[MIX] = 100;
			fxh_start(&u);
			float *l = fxh_zeros(n), *r = fxh_zeros(n);
			size_t len = pulse(l, at, rate);
			pulse(r, at, rate);
			double e0 = energy(l, at, at + len);
			fxh_run(&u, l, r, n, BLOCK);
			size_t pad = (size_t)rate / 500;   /* 2 ms either side */
			double e1 = energy(l, at + (size_t)d - pad, at + (size_t)d + len + pad);
			/* The first echo is the pulse itself. */
			assert_true(fabs(fxh_db(sqrt(e1 / e0))) < 0.1);
			for (int e = 2; e <= 7; e++) {
				size_t c = at + (size_t)(e * d);
				double en = energy(l, c - pad, c + len + pad);
				double got = fxh_db(sqrt(en / e1)), want = fxh_db(pow(fbs[f] * 0.01, e - 1));
				if (fabs(got - want) > 0.5)
					fail_msg("%d Hz feedback %.0f%%: echo %d at %.2f dB, expected %.2f",
					         rate, fbs[f], e, got, want);
			}
			free(l);
			free(r);
			fxh_close(&u);
		}
}

/* Ping-pong: the mono sum enters on the left, and the repeats alternate. */
static void test_pingpong(void **state)
{
	(void)state;
	int rate = 48000;
	long d = lround(0.200 * rate);
	size_t n = (size_t)(7 * d), at = 10, pad = 96;
	for (int side = 0; side < 2; side++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_delay, rate);
		u.p[TIME] = 200;
		u.p[FEEDBACK] = 70;
		u.p[PINGPONG] = 1;
		u.p[HIGHCUT] = 20000;
		u.p[MIX] = 100;
		fxh_start(&u);
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		/* The pulse on one side only: the mono sum carries half of it. */
		size_t len = pulse(side ? r : l, at, rate);
		double e0 = energy(side ? r : l, at, at + len);
		fxh_run(&u, l, r, n, BLOCK);
		double first = 0;
		for (int e = 1; e <= 6; e++) {
			size_t c = at + (size_t)(e * d);
			double el = energy(l, c - pad, c + len + pad), er = energy(r, c - pad, c + len + pad);
			double on = e % 2 ? el : er, off = e % 2 ? er : el;
			if (!(off <= on * 1e-12))
				fail_msg("echo %d: %.1f dB on the wrong side", e, 10 * log10(off / on + 1e-300));
			if (e == 1) {
				first = on;
				assert_true(fabs(fxh_db(sqrt(on / e0)) - fxh_db(0.5)) < 0.1);
			} else {
				double got = fxh_db(sqrt(on / first)), want = fxh_db(pow(0.7, e - 1));
				if (fabs(got - want) > 0.5)
					fail_msg("echo %d at %.2f dB, expected %.2f", e, got, want);
			}
		}
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* The highcut: each pass through the loop takes |H(f)| off a tone, so a
 * high tone loses more in every repeat than a low one. */
static void test_highcut(void **state)
{
	(void)state;
	int rate = 48000;
	double fc = 2000, fb = 0.5;
	static const double freqs[] = { 200, 8000 };
	double loss[2];
	size_t d = 4800, burst = 2880, win = 1920, skip = 480, n = 4 * d;  /* 100, 60, 40, 10 ms */
	for (int k = 0; k < 2; k++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_delay, rate);
		u.p[TIME] = 100;
		u.p[FEEDBACK] = (float)(fb * 100);
		u.p[HIGHCUT] = (float)fc;
		u.p[MIX] = 100;
		fxh_start(&u);
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		for (size_t i = 0; i < burst; i++)
			l[i] = r[i] = (float)(0.5 * sin(2.0 * M_PI * freqs[k] * (double)i / rate));
		double a0 = tu_goertzel(l + skip, win, rate, freqs[k]);
		fxh_run(&u, l, r, n, BLOCK);
		double a1 = tu_goertzel(l + d + skip, win, rate, freqs[k]);
		double a2 = tu_goertzel(l + 2 * d + skip, win, rate, freqs[k]);
		double h = onepole_mag(freqs[k], fc, rate);
		if (fabs(fxh_db(a1 / a0) - fxh_db(h)) > 0.5)
			fail_msg("%.0f Hz first echo %.2f dB, expected %.2f", freqs[k], fxh_db(a1 / a0), fxh_db(h));
		if (fabs(fxh_db(a2 / a1) - fxh_db(fb * h)) > 0.5)
			fail_msg("%.0f Hz repeat %.2f dB, expected %.2f", freqs[k], fxh_db(a2 / a1), fxh_db(fb * h));
		loss[k] = fxh_db(a2 / a1);
		free(l);
		free(r);
		fxh_close(&u);
	}
	assert_true(loss[1] < loss[0] - 10.0);
}

/* Moving the time while a tone plays: no step in the output larger than
 * the tone's own steepest one, give or take a quarter. */
static void test_time_change_smooth(void **state)
{
	(void)state;
	int rate = 48000;
	double f = 220, a = 0.5, slope = a * 2.0 * M_PI * f / rate;
	size_t half = (size_t)rate, n = 2 * half;
	static const float times[][2] = { { 300, 123 }, { 123, 300 }, { 7, 1900 }, { 500, 499 } };
	for (size_t t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_delay, rate);
		u.p[TIME] = times[t][0];
		u.p[FEEDBACK] = 0;
		u.p[HIGHCUT] = 20000;
		u.p[MIX] = 100;
		fxh_start(&u);
		float *l = fxh_zeros(n), *r = fxh_zeros(n);
		for (size_t i = 0; i < n; i++)
			l[i] = r[i] = (float)(a * sin(2.0 * M_PI * f * (double)i / rate));
		fxh_run(&u, l, r, half, BLOCK);
		u.p[TIME] = times[t][1];
		u.ops->set(u.st, u.p);
		fxh_run(&u, l + half, r + half, half, BLOCK);
		/* From the first echo on, and over the change. */
		size_t from = (size_t)(times[t][0] * 0.001 * rate) + 2;
		double step = 0;
		for (size_t i = from; i < n; i++)
			step = fmax(step, fabs((double)l[i] - l[i - 1]));
		if (step > 1.25 * slope)
			fail_msg("time %.0f -> %.0f ms: a step of %.4f, the tone's own is %.4f",
			         times[t][0], times[t][1], step, slope);
		/* The new time has taken over: an exact copy of the input, as far
		 * as the highcut at its top lets a 220 Hz tone through. */
		size_t dn = (size_t)lround(times[t][1] * 0.001 * rate), i0 = n - (size_t)rate / 10;
		double err = 0;
		for (size_t i = i0; i < n; i++)
			err = fmax(err, fabs(l[i] - a * sin(2.0 * M_PI * f * (double)(i - dn) / rate)));
		assert_true(err < 0.005);
		free(l);
		free(r);
		fxh_close(&u);
	}
}

/* Synced times follow the tempo the engine passes with every block. */
static void test_tempo_follows(void **state)
{
	(void)state;
	int rate = 44100;
	fxh_unit_t u;
	fxh_open(&u, &fx_delay, rate);
	u.p[SYNC] = 5;    /* "1/4" */
	u.p[FEEDBACK] = 0;
	u.p[HIGHCUT] = 20000;
	u.p[MIX] = 100;
	fxh_start(&u);
	size_t n = 2 * (size_t)rate;
	float *l = fxh_zeros(n), *r = fxh_zeros(n);
	l[0] = r[0] = 1.0f;
	u.ctx.bpm = 120;
	fxh_run(&u, l, r, n, BLOCK);
	long on = tu_first_above(l + 1, n - 1, 1e-3f);
	assert_true(labs(on + 1 - lround(0.5 * rate)) <= 1);

	/* The tempo drops to 90: once the heads have crossed over, a beat
	 * is 2/3 s, and a new impulse echoes whole after that long. */
	memset(l, 0, n * sizeof(float));
	memset(r, 0, n * sizeof(float));
	u.ctx.bpm = 90;
	fxh_run(&u, l, r, (size_t)rate / 2, BLOCK);
	size_t at = (size_t)rate / 2;
	l[at] = r[at] = 1.0f;
	fxh_run(&u, l + at, r + at, n - at, BLOCK);
	on = tu_first_above(l + at + 1, n - at - 1, 1e-3f);
	assert_true(labs(on + 1 - lround(60.0 / 90.0 * rate)) <= 1);
	/* Whole: the highcut passes DC at unity, so the echo sums to 1. */
	double sum = 0;
	for (size_t i = at + 1 + (size_t)on; i < at + 1 + (size_t)on + 200; i++)
		sum += l[i];
	assert_true(fabs(sum - 1.0) < 0.01);
	free(l);
	free(r);
	fxh_close(&u);
}

/* Feedback 95% with a noise burst: bounded, finite, and it dies out to
 * true silence once the input stops. */
static void test_feedback_stable(void **state)
{
	(void)state;
	int rate = 48000;
	for (int pp = 0; pp < 2; pp++)
		for (int hc = 0; hc < 2; hc++) {
			fxh_unit_t u;
			fxh_open(&u, &fx_delay, rate);
			u.p[TIME] = 10;
			u.p[FEEDBACK] = 95;
			u.p[PINGPONG] = (float)pp;
			u.p[HIGHCUT] = hc ? 20000 : 6000;
			u.p[MIX] = 100;
			fxh_start(&u);
			size_t n = 25 * (size_t)rate, burst = (size_t)rate / 2;
			float *l = fxh_zeros(n), *r = fxh_zeros(n);
			uint32_t seed = 99;
			for (size_t i = 0; i < burst; i++) {
				l[i] = 0.5f * dsp_randf(&seed);
				r[i] = 0.5f * dsp_randf(&seed);
			}
			fxh_run(&u, l, r, n, BLOCK);
			/* Loop gain 0.95 at most: no more than 1 / (1 - 0.95) times
			 * the input's peak, whatever the input. */
			double pk = fmax(tu_peak(l, n), tu_peak(r, n));
			for (size_t i = 0; i < n; i++)
				assert_true(isfinite(l[i]) && isfinite(r[i]));
			assert_true(pk <= 0.5 / (1 - 0.95));
			double tail = fmax(tu_peak(l + n - (size_t)rate, (size_t)rate),
			                   tu_peak(r + n - (size_t)rate, (size_t)rate));
			if (tail > 1e-6)
				fail_msg("pingpong %d highcut %d: tail at %.1f dB", pp, hc, fxh_db(tail));
			/* 95% per 10 ms reaches the denormals after some 17 s: the
			 * loop must flush them, not carry them on forever. */
			assert_true(fxh_first_subnormal(l, r, n) < 0);
			assert_true(tu_peak(l + n - (size_t)rate, (size_t)rate) == 0.0);
			assert_true(tu_peak(r + n - (size_t)rate, (size_t)rate) == 0.0);
			free(l);
			free(r);
			fxh_close(&u);
		}
}

/* Mix: 0 is the input bit for bit, 100 the echoes alone, and between
 * them constant power: dry cos, wet sin of mix * 90 degrees. */
static void test_mix_law(void **state)
{
	(void)state;
	int rate = 48000;
	size_t n = (size_t)rate;
	float *l = fxh_zeros(n), *r = fxh_zeros(n), *l0 = fxh_zeros(n), *r0 = fxh_zeros(n);
	uint32_t seed = 5;
	for (size_t i = 0; i < n; i++) {
		l0[i] = dsp_randf(&seed);
		r0[i] = dsp_randf(&seed);
	}
	l0[7] = -0.0f;   /* even the sign of a zero survives */

	fxh_unit_t u;
	fxh_open(&u, &fx_delay, rate);
	u.p[MIX] = 0;
	u.p[FEEDBACK] = 80;
	fxh_start(&u);
	memcpy(l, l0, n * sizeof(float));
	memcpy(r, r0, n * sizeof(float));
	fxh_run(&u, l, r, n, BLOCK);
	assert_memory_equal(l, l0, n * sizeof(float));
	assert_memory_equal(r, r0, n * sizeof(float));
	/* Back to 0 after a glide: untouched again once it has landed. */
	u.p[MIX] = 40;
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

	/* Mix 50: a pulse and its echo, each at -3 dB. */
	fxh_open(&u, &fx_delay, rate);
	u.p[MIX] = 50;
	u.p[TIME] = 100;
	u.p[FEEDBACK] = 0;
	u.p[HIGHCUT] = 20000;
	fxh_start(&u);
	memset(l, 0, n * sizeof(float));
	memset(r, 0, n * sizeof(float));
	size_t len = pulse(l, 0, rate);
	pulse(r, 0, rate);
	double e0 = energy(l, 0, len);
	fxh_run(&u, l, r, n, BLOCK);
	assert_true(fabs(fxh_db(sqrt(energy(l, 0, len) / e0)) - fxh_db(sqrt(0.5))) < 0.01);
	double e = energy(l, 4800 - 96, 4800 + len + 96);
	assert_true(fabs(fxh_db(sqrt(e / e0)) - fxh_db(sqrt(0.5))) < 0.1);
	fxh_close(&u);

	free(l);
	free(r);
	free(l0);
	free(r0);
}

/* The output does not depend on how the engine slices its blocks. */
static void test_block_independent(void **state)
{
	(void)state;
	int rate = 48000;
	size_t n = (size_t)rate;
	static const int blocks[] = { 64, 1, 37, 1000 };
	float *ref_l = NULL, *ref_r = NULL;
	for (size_t b = 0; b < 4; b++) {
		fxh_unit_t u;
		fxh_open(&u, &fx_delay, rate);
		u.p[TIME] = 13;
		u.p[FEEDBACK] = 80;
		u.p[PINGPONG] = 1;
		u.p[HIGHCUT] = 3000;
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

/* A figure, not a check: the cost of one delay per frame. */
static void test_cpu(void **state)
{
	(void)state;
	int rate = 48000;
	size_t n = 5 * (size_t)rate;
	fxh_unit_t u;
	fxh_open(&u, &fx_delay, rate);
	u.p[PINGPONG] = 1;
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
	printf("# delay: %.1f ns per stereo frame at %d Hz (%.2f%% of one core), state %zu KiB\n",
	       ns, rate, ns * rate * 1e-7, u.ops->state_size(rate) / 1024);
	free(l);
	free(r);
	fxh_close(&u);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_param_table),
		cmocka_unit_test(test_sync_echo_times),
		cmocka_unit_test(test_echo_levels),
		cmocka_unit_test(test_pingpong),
		cmocka_unit_test(test_highcut),
		cmocka_unit_test(test_time_change_smooth),
		cmocka_unit_test(test_tempo_follows),
		cmocka_unit_test(test_feedback_stable),
		cmocka_unit_test(test_mix_law),
		cmocka_unit_test(test_block_independent),
		cmocka_unit_test(test_cpu),
	};
	return TU_RUN(t);
}
