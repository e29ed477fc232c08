/*
 * test_fx_limiter: the master's true-peak limiter, measured by meters that
 * are not its own.  The promise is "whatever goes in, what comes out never
 * exceeds the ceiling as an independent true-peak meter reads it", so the
 * output of hostile signals -- a drum loop driven 20 dB into the ceiling,
 * full-scale square waves (naive ones, whose band-limited reconstruction
 * overshoots between the samples by up to +3 dB), DC at +6 dBFS, white
 * noise, garbage -- is read by libebur128's true-peak meter (BS.1770 4x
 * oversampling) and, where ffmpeg is installed, by ffmpeg's ebur128 filter
 * (its own resampler to 192 kHz), and must read at or under the ceiling.
 * Each meter reads everything the unit hands out, its latency tail
 * included.
 *
 * Then what a limiter must not do: touch a signal that is under the
 * ceiling (it must come out bit for bit, only delayed by latency()),
 * squash more than it has to (loud material must come out near the
 * ceiling, not far under it), hold its gain reduction longer or shorter
 * than the release time (measured on the output level of a steady sine,
 * as the time the reduction in dB takes to fall by a factor e), or depend
 * on how its caller splits blocks.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ebur128.h>
#include <sndfile.h>
#include "dsp.h"
#include "fx.h"
#include "fxharness.h"
#include "simd.h"
#include "testutil.h"

#define RATE 48000
#define PAD  (RATE / 10)   /* silence after the latency tail, for the meters' filters */
/* What the meters may read above the ceiling: float rounding, nothing more. */
#define TOL_DB 0.005

/* Worst (highest) reading relative to the ceiling, per meter, over the
 * whole run; printed as each test finishes. */
static double worst_ebur = -HUGE_VAL, worst_ff = -HUGE_VAL;

/* ------------------------------------------------------------------ */
/* running the unit                                                     */

typedef fxh_unit_t lim_t;

/* Opens and initialises a limiter. */
static void lim_open(lim_t *u, int rate, double ceiling, double release, double lookahead,
                     double gain)
{
	fxh_open(u, &fx_limiter, rate);
	fxh_param(u, "ceiling", (float)ceiling);
	fxh_param(u, "release", (float)release);
	fxh_param(u, "lookahead", (float)lookahead);
	fxh_param(u, "gain", (float)gain);
	fxh_start(u);
}

/* A signal and what the unit made of it. */
typedef struct run {
	size_t n;        /* output frames: input, latency tail, PAD of silence */
	float *l, *r;
	int lat;
} run_t;

/* Puts n frames of il/ir through the limiter u (freshly initialised),
 * followed by silence enough to flush it, in blocks of `block`. */
static run_t run_through(lim_t *u, const float *il, const float *ir, size_t n, size_t block)
{
	run_t o;
	o.lat = u->lat;
	o.n = n + (size_t)u->lat + PAD;
	o.l = calloc(o.n, sizeof(float));
	o.r = calloc(o.n, sizeof(float));
	assert_non_null(o.l);
	assert_non_null(o.r);
	memcpy(o.l, il, n * sizeof(float));
	memcpy(o.r, ir, n * sizeof(float));
	fxh_run(u, o.l, o.r, o.n, block);
	return o;
}

static void run_free(run_t *o)
{
	free(o->l);
	free(o->r);
	o->l = o->r = NULL;
}

/* ------------------------------------------------------------------ */
/* the meters                                                           */

/* libebur128's true peak over both channels, dBTP. */
static double tp_ebur128(const float *l, const float *r, size_t n, int rate)
{
	ebur128_state *st = ebur128_init(2, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
	assert_non_null(st);
	enum { CHUNK = 4096 };
	float *buf = malloc(2 * CHUNK * sizeof(float));
	assert_non_null(buf);
	for (size_t i = 0; i < n; i += CHUNK) {
		size_t m = n - i < CHUNK ? n - i : CHUNK;
		for (size_t k = 0; k < m; k++) {
			buf[2 * k] = l[i + k];
			buf[2 * k + 1] = r[i + k];
		}
		assert_int_equal(ebur128_add_frames_float(st, buf, m), EBUR128_SUCCESS);
	}
	double peak = 0.0;
	for (unsigned ch = 0; ch < 2; ch++) {
		double p = 0.0;
		assert_int_equal(ebur128_true_peak(st, ch, &p), EBUR128_SUCCESS);
		peak = fmax(peak, p);
	}
	free(buf);
	ebur128_destroy(&st);
	return fxh_db(peak);
}

static bool have_ffmpeg(void)
{
	return system("ffmpeg -version >/dev/null 2>&1") == 0;
}

/* Writes a float WAV to a fresh temporary file; returns its path in
 * path (size >= 32). */
static void write_wav(char *path, const float *l, const float *r, size_t n, int rate)
{
	strcpy(path, "/tmp/beatty-lim-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	SF_INFO info = { .samplerate = rate, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *f = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
	if (!f)
		fail_msg("libsndfile: %s", sf_strerror(NULL));
	float *buf = malloc(2 * n * sizeof(float));
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = l[i];
		buf[2 * i + 1] = r[i];
	}
	assert_true(sf_writef_float(f, buf, (sf_count_t)n) == (sf_count_t)n);
	free(buf);
	assert_int_equal(sf_close(f), 0);
}

/* ffmpeg's ebur128 filter with peak=true: the summary's "Peak:" (dBFS,
 * printed to 0.1 dB) in *summary, and the highest of the per-100 ms
 * lavfi.r128.true_peak metadata (linear, 3 decimals: finer) in *fine, dB. */
static void tp_ffmpeg(const float *l, const float *r, size_t n, int rate, double *summary,
                      double *fine)
{
	char path[32], cmd[256], line[512];
	write_wav(path, l, r, n, rate);
	snprintf(cmd, sizeof(cmd),
	         "ffmpeg -nostdin -nostats -hide_banner -i %s "
	         "-af ebur128=peak=true:metadata=1,ametadata=mode=print:key=lavfi.r128.true_peak "
	         "-f null - 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	bool in_summary = false, got_summary = false;
	double meta = -1.0;
	*summary = HUGE_VAL;
	while (fgets(line, sizeof(line), p)) {
		const char *m = strstr(line, "lavfi.r128.true_peak=");
		if (m)
			meta = fmax(meta, strtod(m + strlen("lavfi.r128.true_peak="), NULL));
		if (strstr(line, "Summary:"))
			in_summary = true;
		double v;
		if (in_summary && sscanf(line, " Peak: %lf", &v) == 1) {
			*summary = v;
			got_summary = true;
		}
	}
	int rc = pclose(p);
	unlink(path);
	if (rc != 0 || !got_summary || meta < 0.0)
		fail_msg("ffmpeg failed (status %d) or printed no true peak", rc);
	*fine = fxh_db(meta);
}

/* Reads the output with libebur128, asserts it is under the ceiling,
 * returns the reading. */
static double check_ebur(const char *what, const run_t *o, double ceiling)
{
	double tp = tp_ebur128(o->l, o->r, o->n, RATE);
	print_message("# %-34s ceiling %5.1f: libebur128 %+7.3f dBTP (%+.3f dB)\n", what, ceiling,
	              tp, tp - ceiling);
	worst_ebur = fmax(worst_ebur, tp - ceiling);
	if (tp > ceiling + TOL_DB)
		fail_msg("%s: libebur128 reads %.3f dBTP over a %.1f dBTP ceiling", what, tp, ceiling);
	return tp;
}

static void check_ffmpeg(const char *what, const run_t *o, double ceiling)
{
	double sum, fine;
	tp_ffmpeg(o->l, o->r, o->n, RATE, &sum, &fine);
	print_message("# %-34s ceiling %5.1f: ffmpeg %+5.1f dBFS (summary), %+7.3f (metadata, %+.3f dB)\n",
	              what, ceiling, sum, fine, fine - ceiling);
	worst_ff = fmax(worst_ff, fine - ceiling);
	if (sum > ceiling + TOL_DB)
		fail_msg("%s: ffmpeg's summary reads %.1f dBFS over a %.1f dBTP ceiling", what, sum, ceiling);
	/* the metadata has 3 decimals of linear gain: +-0.0005, ~0.005 dB */
	if (fine > ceiling + TOL_DB + 0.006)
		fail_msg("%s: ffmpeg reads %.3f dBTP over a %.1f dBTP ceiling", what, fine, ceiling);
}

/* ------------------------------------------------------------------ */
/* signals                                                              */

typedef struct sig {
	size_t n;
	float *l, *r;
} sig_t;

static sig_t sig_new(size_t n)
{
	sig_t s = { n, calloc(n, sizeof(float)), calloc(n, sizeof(float)) };
	assert_non_null(s.l);
	assert_non_null(s.r);
	return s;
}

static void sig_free(sig_t *s)
{
	free(s->l);
	free(s->r);
}

/* A drum loop at 120 bpm peaking near full scale: a kick (sine gliding
 * from 150 to 50 Hz, decaying), a snare on 2 and 4 (noise burst plus a
 * 180 Hz body), eighth-note hats (differenced noise: mostly highs), the
 * hats and snare panned a little apart. */
static sig_t drum_loop(double seconds, int rate, uint32_t seed)
{
	sig_t s = sig_new((size_t)(seconds * rate));
	double beat = 0.5, ph = 0.0;
	float prev_l = 0.0f, prev_r = 0.0f;
	for (size_t i = 0; i < s.n; i++) {
		double t = (double)i / rate;
		long nb = (long)floor(t / beat);
		double tb = t - nb * beat;
		double th = fmod(t, beat / 2);
		if (tb < 0.5 / rate)
			ph = 0.0;
		double f = 50.0 + 100.0 * exp(-tb * 30.0);
		ph += 2 * M_PI * f / rate;
		double kick = 0.85 * exp(-tb * 7.0) * sin(ph);
		double snare = 0.0;
		if (nb % 2 == 1)
			snare = exp(-tb * 18.0) * (0.5 * dsp_randf(&seed) + 0.3 * sin(2 * M_PI * 180.0 * tb));
		float nl = dsp_randf(&seed), nr = dsp_randf(&seed);
		double hl = 0.3 * exp(-th * 60.0) * (nl - prev_l), hr = 0.3 * exp(-th * 60.0) * (nr - prev_r);
		prev_l = nl;
		prev_r = nr;
		s.l[i] = (float)(kick + 0.9 * snare + 0.7 * hl);
		s.r[i] = (float)(kick + 1.0 * snare + 1.0 * hr);
	}
	return s;
}

/* A naive (not band-limited) full-scale square wave of freq: +-1 by the
 * sign of a sine.  Its reconstruction overshoots between the samples;
 * at rate / 4 (+1 +1 -1 -1) the overshoot is +3.01 dB. */
static sig_t square(double freq, double seconds, int rate)
{
	sig_t s = sig_new((size_t)(seconds * rate));
	for (size_t i = 0; i < s.n; i++) {
		double v = sin(2 * M_PI * freq * (double)i / rate + 0.1);
		s.l[i] = s.r[i] = v >= 0 ? 1.0f : -1.0f;
	}
	return s;
}

static sig_t dc(double level, double seconds, int rate)
{
	sig_t s = sig_new((size_t)(seconds * rate));
	for (size_t i = 0; i < s.n; i++)
		s.l[i] = s.r[i] = (float)level;
	return s;
}

static sig_t white(double amp, double seconds, int rate, uint32_t seed)
{
	sig_t s = sig_new((size_t)(seconds * rate));
	for (size_t i = 0; i < s.n; i++) {
		s.l[i] = (float)(amp * dsp_randf(&seed));
		s.r[i] = (float)(amp * dsp_randf(&seed));
	}
	return s;
}

/* rate / 4 at 45 degrees: samples +-0.707 * amp, true peak amp. */
static sig_t quarter_sine(double amp, double seconds, int rate)
{
	sig_t s = sig_new((size_t)(seconds * rate));
	for (size_t i = 0; i < s.n; i++)
		s.l[i] = s.r[i] = (float)(amp * sin(M_PI / 2 * (double)i + M_PI / 4));
	return s;
}

/* ------------------------------------------------------------------ */
/* never over                                                           */

static const double ceilings[] = { -1.0, -3.0, -0.1 };
#define NCEIL (sizeof(ceilings) / sizeof(ceilings[0]))

static void test_parameter_table(void **state)
{
	assert_ptr_equal(fx_ops(FX_LIMITER), &fx_limiter);
	assert_string_equal(fx_limiter.name, "limiter");
	assert_int_equal(fx_limiter.nparams, 4);
	static const struct { const char *name; float min, max, def; } want[] = {
		{ "ceiling", -12.0f, 0.0f, -1.0f },
		{ "release", 1.0f, 1000.0f, 80.0f },
		{ "lookahead", 0.5f, 10.0f, 2.0f },
		{ "gain", -12.0f, 24.0f, 0.0f },
	};
	for (int i = 0; i < 4; i++) {
		const fx_param_desc_t *d = &fx_limiter.params[fx_param_index(&fx_limiter, want[i].name)];
		assert_string_equal(d->name, want[i].name);
		assert_true(d->min == want[i].min && d->max == want[i].max && d->def == want[i].def);
	}
	assert_non_null(fx_limiter.reduction);
	assert_non_null(fx_limiter.latency);
}

/* The drum loop 20 dB into the ceiling, at each ceiling and at the
 * extremes of look-ahead and release (the fastest gain changes are the
 * hardest case for the peaks between the samples). */
static void test_drums_plus_20db(void **state)
{
	static const struct { double release, lookahead; } set[] = {
		{ 80, 2 }, { 1, 0.5 }, { 1000, 10 },
	};
	sig_t s = drum_loop(2.0, RATE, 11);
	print_message("# drum loop: sample peak %.2f dBFS, +20 dB of gain on top\n",
	              fxh_db(fmax(tu_peak(s.l, s.n), tu_peak(s.r, s.n))));
	for (size_t c = 0; c < NCEIL; c++)
		for (size_t k = 0; k < sizeof(set) / sizeof(set[0]); k++) {
			lim_t u;
			lim_open(&u, RATE, ceilings[c], set[k].release, set[k].lookahead, 20.0);
			run_t o = run_through(&u, s.l, s.r, s.n, 256);
			char what[64];
			snprintf(what, sizeof(what), "drums +20 dB, rel %g la %g", set[k].release,
			         set[k].lookahead);
			double tp = check_ebur(what, &o, ceilings[c]);
			/* 20 dB over, the output must reach up to the ceiling:
			 * a limiter that squashes everything would also pass above */
			if (tp < ceilings[c] - 1.0)
				fail_msg("%s: only reaches %.2f dBTP under a %.1f ceiling", what, tp, ceilings[c]);
			run_free(&o);
			fxh_close(&u);
		}
	sig_free(&s);
	print_message("# worst libebur128 reading so far: %+.3f dB re the ceiling\n", worst_ebur);
}

static const double square_hz[] = { 100, 1000, 4000, 7993, 8000, 11025, 12000, 15997, 16000, 23000 };
#define NSQUARE (sizeof(square_hz) / sizeof(square_hz[0]))

static void test_full_scale_squares(void **state)
{
	for (size_t f = 0; f < NSQUARE; f++) {
		sig_t s = square(square_hz[f], 0.3, RATE);
		double in_tp = tp_ebur128(s.l, s.r, s.n, RATE);
		for (size_t c = 0; c < NCEIL; c++) {
			lim_t u;
			lim_open(&u, RATE, ceilings[c], 80, 2, 0);
			run_t o = run_through(&u, s.l, s.r, s.n, 512);
			char what[64];
			snprintf(what, sizeof(what), "square %g Hz (in %+.2f dBTP)", square_hz[f], in_tp);
			double tp = check_ebur(what, &o, ceilings[c]);
			/* (Near Nyquist the meters' interpolators part ways --
			 * libebur128's short filter rolls off above 20 kHz -- so
			 * how close to the ceiling it reads there says little.) */
			if (square_hz[f] < 20000 && tp < ceilings[c] - 1.0)
				fail_msg("%s: only reaches %.2f dBTP under a %.1f ceiling", what, tp, ceilings[c]);
			run_free(&o);
			fxh_close(&u);
		}
		sig_free(&s);
	}
	print_message("# worst libebur128 reading so far: %+.3f dB re the ceiling\n", worst_ebur);
}

/* The inter-sample peak in its purest form: samples at -3 dBFS, true peak
 * at 0 dBTP, and the same with +24 dB of gain; and full-band noise. */
static void test_intersample_and_noise(void **state)
{
	sig_t q = quarter_sine(1.0, 0.5, RATE);
	double in_tp = tp_ebur128(q.l, q.r, q.n, RATE);
	print_message("# rate/4 sine at 45 deg: sample peak %.2f dBFS, libebur128 %.2f dBTP\n",
	              fxh_db(tu_peak(q.l, q.n)), in_tp);
	/* the meter itself must see the peak between the samples */
	assert_true(fabs(in_tp) < 0.2);
	sig_t w = white(1.0, 1.0, RATE, 5);
	for (size_t c = 0; c < NCEIL; c++) {
		for (int g = 0; g <= 24; g += 24) {
			lim_t u;
			lim_open(&u, RATE, ceilings[c], 80, 2, g);
			run_t o = run_through(&u, q.l, q.r, q.n, 64);
			char what[64];
			snprintf(what, sizeof(what), "rate/4 sine 0 dBTP, gain %+d dB", g);
			check_ebur(what, &o, ceilings[c]);
			run_free(&o);
			fxh_close(&u);
		}
		lim_t u;
		lim_open(&u, RATE, ceilings[c], 20, 1, 20);
		run_t o = run_through(&u, w.l, w.r, w.n, 1000);
		check_ebur("white noise +20 dB, rel 20 la 1", &o, ceilings[c]);
		run_free(&o);
		fxh_close(&u);
	}
	sig_free(&q);
	sig_free(&w);
}

/* White noise in bursts (10 ms of every 50 ms on the left, of every 70 ms
 * on the right, quieter noise between) under settings drawn at random:
 * 44.1 and 48 kHz, ceilings 0..-6 dBTP, releases 1..1000 ms, look-aheads
 * 0.5..10 ms, gains -6..+24 dB.  Broadband noise is where meters'
 * interpolators disagree most, since so much of it lies near Nyquist; a
 * limiter that only measured with its own long filter let libebur128 read
 * over the ceiling on four of these forty (by up to +0.18 dB; +0.58 dB in
 * a longer run of the same kind). */
#define NBURSTS 40
static void test_noise_bursts_random_settings(void **state)
{
	static const double releases[] = { 1, 5, 50, 300, 1000 };
	uint32_t seed = 2024;
	double worst = -HUGE_VAL;
	for (int k = 0; k < NBURSTS; k++) {
		int rate = k % 2 ? 44100 : 48000;
		double ceiling = -0.01 * (dsp_rand(&seed) % 600);
		double release = releases[dsp_rand(&seed) % 5];
		double lookahead = 0.5 + 0.1 * (dsp_rand(&seed) % 96);
		double gain = -6.0 + dsp_rand(&seed) % 31;
		sig_t s = sig_new((size_t)rate / 2);
		for (size_t i = 0; i < s.n; i++) {
			double t = (double)i / rate;
			s.l[i] = dsp_randf(&seed) * (fmod(t, 0.05) < 0.01 ? 1.0f : 0.1f);
			s.r[i] = dsp_randf(&seed) * (fmod(t, 0.07) < 0.01 ? 1.0f : 0.05f);
		}
		lim_t u;
		lim_open(&u, rate, ceiling, release, lookahead, gain);
		run_t o = run_through(&u, s.l, s.r, s.n, 1 + dsp_rand(&seed) % 700);
		double tp = tp_ebur128(o.l, o.r, o.n, rate);
		worst = fmax(worst, tp - ceiling);
		worst_ebur = fmax(worst_ebur, tp - ceiling);
		if (tp > ceiling + TOL_DB)
			fail_msg("noise bursts #%d at %d Hz, ceiling %.2f, release %g, look-ahead %.1f, "
			         "gain %+.0f: libebur128 reads %.3f dBTP", k, rate, ceiling, release,
			         lookahead, gain, tp);
		run_free(&o);
		fxh_close(&u);
		sig_free(&s);
	}
	print_message("# noise bursts, %d random settings: highest libebur128 reading %+.3f dB "
	              "re the ceiling\n", NBURSTS, worst);
}

/* DC at +6 dBFS (both polarities): under the ceiling throughout, the
 * onset and the end included, and settled to a steady level just under
 * it.  (The steady level is read in the middle: a reconstruction filter
 * rings before a step as well as after it, so the gain dips a little
 * ahead of the end.) */
static void test_dc(void **state)
{
	for (size_t c = 0; c < NCEIL; c++)
		for (int sign = -1; sign <= 1; sign += 2) {
			sig_t s = dc(sign * 2.0, 1.0, RATE);
			lim_t u;
			lim_open(&u, RATE, ceilings[c], 80, 2, 0);
			run_t o = run_through(&u, s.l, s.r, s.n, 333);
			check_ebur(sign > 0 ? "DC +6 dBFS" : "DC -6 dBFS (negative)", &o, ceilings[c]);
			/* 0.6 to 0.8 s into the DC as it comes out (the release,
			 * 80 ms, has had over 7 time constants to settle what the
			 * onset took) */
			size_t a = (size_t)o.lat + RATE * 6 / 10, b = a + RATE / 5;
			float lo = o.l[a], hi = o.l[a];
			for (size_t i = a; i < b; i++) {
				lo = fminf(lo, fminf(o.l[i], o.r[i]));
				hi = fmaxf(hi, fmaxf(o.l[i], o.r[i]));
			}
			double level = fxh_db(fabs(lo));
			print_message("# DC settles at %+.3f dBFS (ceiling %.1f), spread %.2g\n", level,
			              ceilings[c], (double)(hi - lo));
			assert_true(hi - lo <= 1e-3f * fabsf(lo));   /* 0.009 dB */
			assert_true(lo * sign > 0);
			if (level > ceilings[c] || level < ceilings[c] - 0.5)
				fail_msg("DC settles at %.3f dBFS, ceiling %.1f", level, ceilings[c]);
			/* the reduction meter shows what was taken off */
			double want = fxh_db(2.0) - level, got = fx_limiter.reduction(u.st);
			/* (read after the tail has flushed: the release has run
			 * for PAD frames since; only check it was in the right
			 * direction and not more than what was taken off) */
			assert_true(got >= 0.0 && got <= want + 0.01);
			run_free(&o);
			fxh_close(&u);
			sig_free(&s);
		}
}

/* Silence in, exact zeros out, at any gain and ceiling. */
static void test_silence(void **state)
{
	for (size_t c = 0; c < NCEIL; c++)
		for (int g = -12; g <= 24; g += 18) {
			sig_t s = sig_new(RATE / 2);
			lim_t u;
			lim_open(&u, RATE, ceilings[c], 80, 2, g);
			run_t o = run_through(&u, s.l, s.r, s.n, 100);
			for (size_t i = 0; i < o.n; i++)
				if (o.l[i] != 0.0f || o.r[i] != 0.0f)
					fail_msg("silence, gain %d: frame %zu is %g / %g", g, i, o.l[i], o.r[i]);
			assert_true(fx_limiter.reduction(u.st) == 0.0f);
			run_free(&o);
			fxh_close(&u);
			sig_free(&s);
		}
}

/* NaN, infinities and absurd levels: the output stays finite and under
 * the ceiling. */
static void test_garbage(void **state)
{
	sig_t s = white(1.0, 0.5, RATE, 9);
	for (size_t i = 0; i < s.n; i += 97) {
		s.l[i] = NAN;
		s.r[(i + 31) % s.n] = i % 2 ? INFINITY : -INFINITY;
		s.l[(i + 50) % s.n] = 1e30f;
	}
	lim_t u;
	lim_open(&u, RATE, -1.0, 80, 2, 24);
	run_t o = run_through(&u, s.l, s.r, s.n, 64);
	for (size_t i = 0; i < o.n; i++)
		if (!isfinite(o.l[i]) || !isfinite(o.r[i]))
			fail_msg("frame %zu is not finite", i);
	check_ebur("NaN, inf, 1e30 in noise", &o, -1.0);
	run_free(&o);
	fxh_close(&u);
	sig_free(&s);
}

/* ffmpeg reads a few of the hardest outputs with its own interpolator. */
static void test_ffmpeg_reads_under(void **state)
{
	if (!have_ffmpeg()) {
		print_message("# ffmpeg is not on PATH: ffmpeg's meter not consulted\n");
		skip();
	}
	sig_t drums = drum_loop(2.0, RATE, 3), sq4 = square(12000, 0.5, RATE),
	      sq6 = square(7993, 0.5, RATE), d = dc(2.0, 0.5, RATE), w = white(1.0, 0.5, RATE, 17);
	static const struct { int sig; double ceiling, release, lookahead, gain; const char *what; } cases[] = {
		{ 0, -1.0, 80, 2, 20, "drums +20 dB" },
		{ 0, -0.1, 1, 0.5, 20, "drums +20 dB, rel 1 la 0.5" },
		{ 1, -0.1, 80, 2, 0, "square 12000 Hz" },
		{ 2, -1.0, 80, 2, 0, "square 7993 Hz" },
		{ 3, -3.0, 80, 2, 0, "DC +6 dBFS" },
		{ 4, -1.0, 20, 1, 20, "white noise +20 dB" },
	};
	const sig_t *sigs[] = { &drums, &sq4, &sq6, &d, &w };
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const sig_t *s = sigs[cases[c].sig];
		lim_t u;
		lim_open(&u, RATE, cases[c].ceiling, cases[c].release, cases[c].lookahead, cases[c].gain);
		run_t o = run_through(&u, s->l, s->r, s->n, 480);
		check_ffmpeg(cases[c].what, &o, cases[c].ceiling);
		run_free(&o);
		fxh_close(&u);
	}
	sig_free(&drums);
	sig_free(&sq4);
	sig_free(&sq6);
	sig_free(&d);
	sig_free(&w);
	print_message("# worst readings re the ceiling: libebur128 %+.3f dB, ffmpeg %+.3f dB\n",
	              worst_ebur, worst_ff);
}

/* Another rate: the limiter and libebur128 both at 44.1 kHz. */
static void test_other_rate(void **state)
{
	sig_t s = drum_loop(2.0, 44100, 21);
	lim_t u;
	lim_open(&u, 44100, -1.0, 50, 1.5, 20);
	run_t o = run_through(&u, s.l, s.r, s.n, 441);
	double tp = tp_ebur128(o.l, o.r, o.n, 44100);
	print_message("# drums +20 dB at 44.1 kHz: libebur128 %+.3f dBTP (ceiling -1)\n", tp);
	worst_ebur = fmax(worst_ebur, tp + 1.0);
	assert_true(tp <= -1.0 + TOL_DB);
	assert_true(tp >= -2.0);
	run_free(&o);
	fxh_close(&u);
	sig_free(&s);
}

/* ------------------------------------------------------------------ */
/* doing no more than needed                                            */

/* Under the ceiling the signal comes out bit for bit, latency() frames
 * late, and the latency is what the look-ahead says. */
static void test_under_ceiling_is_bit_exact(void **state)
{
	size_t n = RATE;
	sig_t s = sig_new(n);
	uint32_t seed = 4;
	for (size_t i = 0; i < n; i++) {
		double lo = 0.35 * sin(2 * M_PI * 90.0 * (double)i / RATE);
		s.l[i] = (float)(lo + 0.1 * dsp_randf(&seed));
		s.r[i] = (float)(0.6 * lo + 0.15 * dsp_randf(&seed));
	}
	print_message("# quiet input: %.2f dBTP\n", tp_ebur128(s.l, s.r, n, RATE));
	int lat_prev = -1;
	static const double la[] = { 0.5, 2, 10 };
	for (size_t k = 0; k < 3; k++) {
		lim_t u;
		lim_open(&u, RATE, -1.0, 80, la[k], 0);
		/* the delay is the look-ahead's and then some, never
		 * wildly more */
		int want_min = (int)lround(la[k] * 0.001 * RATE);
		print_message("# look-ahead %g ms: latency %d frames\n", la[k], u.lat);
		assert_true(u.lat >= want_min && u.lat <= want_min + RATE / 100);
		assert_true(u.lat > lat_prev);
		lat_prev = u.lat;
		run_t o = run_through(&u, s.l, s.r, n, 128);
		for (int i = 0; i < u.lat; i++)
			assert_true(o.l[i] == 0.0f && o.r[i] == 0.0f);
		assert_memory_equal(o.l + u.lat, s.l, n * sizeof(float));
		assert_memory_equal(o.r + u.lat, s.r, n * sizeof(float));
		assert_true(fx_limiter.reduction(u.st) == 0.0f);
		run_free(&o);
		fxh_close(&u);
	}
	sig_free(&s);
}

/* After a loud stretch the gain comes back with the release time: the
 * reduction in dB, read off the output level of a steady sine, falls by
 * a factor e in `release` ms. */
static void test_release_time(void **state)
{
	static const double rel[] = { 30, 100, 400 };
	const double f = 1000.0, quiet = 0.1;   /* -20 dBFS, well under */
	for (size_t k = 0; k < 3; k++) {
		size_t loud = RATE / 2, n = loud + (size_t)(rel[k] * 0.001 * RATE * 8) + RATE / 10;
		sig_t s = sig_new(n);
		for (size_t i = 0; i < n; i++) {
			double a = i < loud ? 4.0 : quiet;   /* +12 dBFS, then -20 */
			s.l[i] = s.r[i] = (float)(a * sin(2 * M_PI * f * (double)i / RATE));
		}
		lim_t u;
		lim_open(&u, RATE, -1.0, rel[k], 2, 0);
		run_t o = run_through(&u, s.l, s.r, n, 48);
		/* each period of the sine (48 frames) holds its peak sample
		 * exactly: reduction = level lost, per period, from the moment
		 * the quiet part comes out */
		const size_t per = RATE / 1000;
		double t_hi = -1, t_lo = -1, r0 = 0;
		const double from = 6.0, to = 6.0 / exp(1.0);
		for (size_t p = 0; (loud + (p + 1) * per) <= n; p++) {
			size_t a = (size_t)o.lat + loud + p * per;
			double red = -fxh_db(tu_peak(o.l + a, per) / quiet);
			if (p == 1)
				r0 = red;
			double t = (double)(p * per) / RATE;
			if (t_hi < 0 && red <= from)
				t_hi = t;
			if (t_lo < 0 && red <= to)
				t_lo = t;
		}
		double tau = (t_lo - t_hi) * 1000.0;
		print_message("# release %g ms: %.1f dB reduction after the loud part, "
		              "%.1f -> %.1f dB in %.1f ms\n", rel[k], r0, from, to, tau);
		assert_true(r0 > from + 3);
		assert_true(t_hi >= 0 && t_lo > t_hi);
		if (fabs(tau - rel[k]) > 0.25 * rel[k])
			fail_msg("release %g ms: the reduction falls by e in %.1f ms", rel[k], tau);
		/* and it has all gone after the tail: the sine is back whole */
		size_t a = (size_t)o.lat + n - RATE / 20;
		double left = -fxh_db(tu_peak(o.l + a, RATE / 20) / quiet);
		if (fabs(left) > 0.02)
			fail_msg("release %g ms: %.3f dB still off %.0f ms after the loud part", rel[k],
			         left, (double)(n - loud) * 1000.0 / RATE);
		run_free(&o);
		fxh_close(&u);
		sig_free(&s);
	}
}

/* Reduction metering: the unit reports what it takes off while it works. */
static void test_reduction_meter(void **state)
{
	size_t n = RATE / 2;
	sig_t s = sig_new(n);
	for (size_t i = 0; i < n; i++)
		s.l[i] = s.r[i] = (float)(2.0 * sin(2 * M_PI * 200.0 * (double)i / RATE));  /* +6 dB */
	lim_t u;
	lim_open(&u, RATE, -1.0, 80, 2, 0);
	fxh_run(&u, s.l, s.r, n, n);
	double out = fxh_db(tu_peak(s.l + n / 2, n / 2)), got = fx_limiter.reduction(u.st);
	print_message("# +6 dBFS sine, ceiling -1: out %.2f dBFS, reduction meter %.2f dB\n", out, got);
	/* 6.02 dB in, `out` out: the meter says the difference */
	assert_true(fabs(got - (fxh_db(2.0) - out)) < 0.1);
	fxh_close(&u);
	sig_free(&s);
}

/* Blocks of 1, 7, 64, 1000 and random sizes: the same bits. */
static void test_block_split_invariant(void **state)
{
	sig_t s = drum_loop(1.0, RATE, 8);
	static const size_t blocks[] = { 1, 7, 64, 1000 };
	run_t ref = { 0 };
	for (size_t b = 0; b < 4; b++) {
		lim_t u;
		lim_open(&u, RATE, -1.0, 30, 1.5, 20);
		run_t o = run_through(&u, s.l, s.r, s.n, blocks[b]);
		if (b == 0) {
			ref = o;
		} else {
			assert_memory_equal(o.l, ref.l, o.n * sizeof(float));
			assert_memory_equal(o.r, ref.r, o.n * sizeof(float));
			run_free(&o);
		}
		fxh_close(&u);
	}
	/* random splits */
	lim_t u;
	lim_open(&u, RATE, -1.0, 30, 1.5, 20);
	run_t o = { ref.n, calloc(ref.n, sizeof(float)), calloc(ref.n, sizeof(float)), u.lat };
	memcpy(o.l, s.l, s.n * sizeof(float));
	memcpy(o.r, s.r, s.n * sizeof(float));
	fx_ctx_t ctx = { .rate = RATE, .bpm = 120.0 };
	uint32_t seed = 99;
	for (size_t i = 0; i < o.n;) {
		size_t m = 1 + dsp_rand(&seed) % 300;
		if (m > o.n - i)
			m = o.n - i;
		fx_limiter.process(u.st, o.l + i, o.r + i, (int)m, &ctx);
		i += m;
	}
	assert_memory_equal(o.l, ref.l, o.n * sizeof(float));
	assert_memory_equal(o.r, ref.r, o.n * sizeof(float));
	run_free(&o);
	run_free(&ref);
	fxh_close(&u);
	sig_free(&s);
}

/* The eight-lane readings give the same bits as the four-lane ones: the
 * drum loop pushed 20 dB into the ceiling (readings everywhere, gain
 * always moving).  (Where the processor has no eight-lane path both runs
 * are four-lane.) */
static void test_wide_path_same_bits(void **state)
{
	sig_t s = drum_loop(4.0, RATE, 4);
	run_t o[2];
	for (int narrow = 0; narrow < 2; narrow++) {
		simd_set_narrow(narrow);
		lim_t u;
		lim_open(&u, RATE, -1.0, 30, 1.5, 20);
		simd_set_narrow(false);
		o[narrow] = run_through(&u, s.l, s.r, s.n, 37);
		fxh_close(&u);
	}
	assert_memory_equal(o[0].l, o[1].l, o[0].n * sizeof(float));
	assert_memory_equal(o[0].r, o[1].r, o[0].n * sizeof(float));
	run_free(&o[0]);
	run_free(&o[1]);
	sig_free(&s);
}

/* The averages' division by a reciprocal is integer division: every
 * length up to 4096, sums at, just under and just over each multiple
 * near the top of the range and random ones. */
static void test_div_recip_exact(void **state)
{
	uint32_t seed = 5;
	for (uint32_t d = 1; d <= 4096; d++) {
		double inv = 1.0 / d;
		uint64_t top = (uint64_t)d << 30;
		for (int k = 0; k < 200; k++) {
			uint64_t n = k < 100 ? top - (uint64_t)d * (uint64_t)(k / 3) + (uint64_t)(k % 3) - 1
			                     : (((uint64_t)dsp_rand(&seed) << 32) | dsp_rand(&seed)) % (top + 1);
			if (n > top)
				continue;
			if (dsp_div_recip(n, d, inv) != n / d)
				fail_msg("%llu / %u: %u, want %llu", (unsigned long long)n, (unsigned)d,
				         (unsigned)dsp_div_recip(n, d, inv), (unsigned long long)(n / d));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameter_table),
		cmocka_unit_test(test_drums_plus_20db),
		cmocka_unit_test(test_full_scale_squares),
		cmocka_unit_test(test_intersample_and_noise),
		cmocka_unit_test(test_noise_bursts_random_settings),
		cmocka_unit_test(test_dc),
		cmocka_unit_test(test_silence),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_other_rate),
		cmocka_unit_test(test_ffmpeg_reads_under),
		cmocka_unit_test(test_under_ceiling_is_bit_exact),
		cmocka_unit_test(test_release_time),
		cmocka_unit_test(test_reduction_meter),
		cmocka_unit_test(test_block_split_invariant),
		cmocka_unit_test(test_wide_path_same_bits),
		cmocka_unit_test(test_div_recip_exact),
	};
	return TU_RUN(tests);
}
