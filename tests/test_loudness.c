/*
 * test_loudness: the master's meters, measured.  beatty's loudness figures
 * must agree with the tools a mastering engineer checks against, so the
 * same audio goes through beatty's meter, through libebur128 used
 * directly (not in histogram mode, as beatty uses it) and, where ffmpeg is
 * installed, through ffmpeg's ebur128 filter: integrated loudness within
 * 0.1 LU, loudness range within 1 LU.  Steady sines are also checked
 * against BS.1770 worked out here from the standard's own 48 kHz K-filter
 * coefficients: the loudness of a sine is -0.691 + 10 log10 of its mean
 * square after K-weighting, summed over the channels.  The windows are
 * checked by their arithmetic (200 ms of a tone in the 400 ms momentary
 * window reads 3.01 dB under it), the true peak on the classic
 * inter-sample peak (a rate/4 sine at 45 degrees: samples at -3 dBFS,
 * peak at 0 dBTP), and the correlation on signals whose correlation is
 * known: the same, inverted, unrelated, one-sided and no signal.
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
#include "loudness.h"
#include "loudness_worker.h"
#include "testutil.h"

#define RATE 48000

static double db(double r)
{
	return 20.0 * log10(r + 1e-30);
}

/* ------------------------------------------------------------------ */
/* signals: interleaved stereo                                          */

typedef struct sig {
	size_t n;     /* frames */
	float *x;     /* 2n samples */
} sig_t;

static sig_t sig_new(size_t n)
{
	sig_t s = { n, calloc(2 * n, sizeof(float)) };
	assert_non_null(s.x);
	return s;
}

static void sig_free(sig_t *s)
{
	free(s->x);
	s->x = NULL;
}

/* Fills frames [from, to) with a sine of amplitude al / ar (continuous
 * phase: the phase is that of the absolute frame index). */
static void put_sine(sig_t *s, size_t from, size_t to, double freq, double al, double ar, int rate)
{
	for (size_t i = from; i < to && i < s->n; i++) {
		double v = sin(2 * M_PI * freq * (double)i / rate);
		s->x[2 * i] = (float)(al * v);
		s->x[2 * i + 1] = (float)(ar * v);
	}
}

/* ------------------------------------------------------------------ */
/* references                                                           */

/* |H(f)|^2 of BS.1770's K-weighting at 48 kHz, from the coefficients the
 * standard tabulates (pre-filter shelf, then the RLB high-pass). */
static double k_weight_sq(double f)
{
	static const double b1[3] = { 1.53512485958697, -2.69169618940638, 1.19839281085285 };
	static const double a1[3] = { 1.0, -1.69065929318241, 0.73248077421585 };
	static const double b2[3] = { 1.0, -2.0, 1.0 };
	static const double a2[3] = { 1.0, -1.99004745483398, 0.99007225036621 };
	double w = 2 * M_PI * f / 48000.0, g = 1.0;
	const double *bs[2] = { b1, b2 }, *as[2] = { a1, a2 };
	for (int k = 0; k < 2; k++) {
		const double *b = bs[k], *a = as[k];
		double nr = b[0] + b[1] * cos(w) + b[2] * cos(2 * w), ni = -(b[1] * sin(w) + b[2] * sin(2 * w));
		double dr = a[0] + a[1] * cos(w) + a[2] * cos(2 * w), di = -(a[1] * sin(w) + a[2] * sin(2 * w));
		g *= (nr * nr + ni * ni) / (dr * dr + di * di);
	}
	return g;
}

/* BS.1770 loudness of a steady sine of freq, amplitudes al and ar. */
static double sine_lufs(double freq, double al, double ar)
{
	return -0.691 + 10 * log10((al * al / 2 + ar * ar / 2) * k_weight_sq(freq));
}

typedef struct ref {
	double integrated, range;
} ref_t;

/* libebur128 used directly, in its default (exact) mode. */
static ref_t ref_ebur128(const sig_t *s, int rate)
{
	ebur128_state *st = ebur128_init(2, (unsigned long)rate, EBUR128_MODE_I | EBUR128_MODE_LRA);
	assert_non_null(st);
	assert_int_equal(ebur128_add_frames_float(st, s->x, s->n), EBUR128_SUCCESS);
	ref_t r;
	assert_int_equal(ebur128_loudness_global(st, &r.integrated), EBUR128_SUCCESS);
	assert_int_equal(ebur128_loudness_range(st, &r.range), EBUR128_SUCCESS);
	ebur128_destroy(&st);
	return r;
}

static bool have_ffmpeg(void)
{
	return system("ffmpeg -version >/dev/null 2>&1") == 0;
}

/* What ffmpeg's ebur128 filter says of the audio: the summary's I and LRA
 * (printed to 0.1) and the last per-100 ms lavfi.r128.I / .LRA metadata
 * (3 decimals).  ffmpeg measures at 48 kHz only, so s must be at 48 kHz. */
typedef struct ff {
	double i_sum, lra_sum, i_meta, lra_meta;
} ff_t;

static ff_t ref_ffmpeg(const sig_t *s)
{
	char path[] = "/tmp/beatty-loud-XXXXXX", cmd[256], line[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	SF_INFO info = { .samplerate = RATE, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *f = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
	if (!f)
		fail_msg("libsndfile: %s", sf_strerror(NULL));
	assert_true(sf_writef_float(f, s->x, (sf_count_t)s->n) == (sf_count_t)s->n);
	assert_int_equal(sf_close(f), 0);
	snprintf(cmd, sizeof(cmd),
	         "ffmpeg -nostdin -nostats -hide_banner -i %s "
	         "-af ebur128=metadata=1,ametadata=mode=print -f null - 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	ff_t r = { NAN, NAN, NAN, NAN };
	bool in_summary = false;
	while (fgets(line, sizeof(line), p)) {
		const char *m;
		if ((m = strstr(line, "lavfi.r128.I=")))
			r.i_meta = strtod(m + strlen("lavfi.r128.I="), NULL);
		if ((m = strstr(line, "lavfi.r128.LRA=")))
			r.lra_meta = strtod(m + strlen("lavfi.r128.LRA="), NULL);
		if (strstr(line, "Summary:"))
			in_summary = true;
		double v;
		if (in_summary && sscanf(line, " I: %lf", &v) == 1)
			r.i_sum = v;
		if (in_summary && sscanf(line, " LRA: %lf", &v) == 1)
			r.lra_sum = v;
	}
	int rc = pclose(p);
	unlink(path);
	if (rc != 0 || isnan(r.i_sum) || isnan(r.lra_sum) || isnan(r.i_meta) || isnan(r.lra_meta))
		fail_msg("ffmpeg failed (status %d) or printed no summary", rc);
	/* the two forms must tell the same story */
	assert_true(fabs(r.i_sum - r.i_meta) <= 0.051);
	assert_true(fabs(r.lra_sum - r.lra_meta) <= 0.051);
	return r;
}

/* beatty's meter over the whole signal, fed in blocks of `block`. */
static loudness_reading_t measure(const sig_t *s, int rate, size_t block)
{
	loudness_t *m = loudness_create(rate);
	assert_non_null(m);
	for (size_t i = 0; i < s->n; i += block)
		loudness_add(m, s->x + 2 * i, s->n - i < block ? s->n - i : block);
	loudness_reading_t r;
	loudness_read(m, &r);
	loudness_destroy(m);
	return r;
}

/* ------------------------------------------------------------------ */
/* loudness                                                             */

/* Steady sines at two rates: momentary, short-term and integrated all read
 * what BS.1770 says, and what libebur128 says. */
static void test_steady_sines(void **state)
{
	static const struct { double f, al, ar; int rate; } cases[] = {
		{ 1000, 0.1, 0.1, 48000 },     /* -20 dBFS both sides */
		{ 997, 0.125, 0.125, 48000 },  /* -18 dBFS */
		{ 1000, 0.5, 0.0, 48000 },     /* one side only */
		{ 100, 0.3, 0.2, 48000 },
		{ 5000, 0.05, 0.08, 48000 },
		{ 1000, 0.1, 0.1, 44100 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int rate = cases[c].rate;
		sig_t s = sig_new((size_t)rate * 6);
		put_sine(&s, 0, s.n, cases[c].f, cases[c].al, cases[c].ar, rate);
		loudness_reading_t r = measure(&s, rate, 4096);
		ref_t e = ref_ebur128(&s, rate);
		/* the K-filter at other rates is the same analogue filter, so
		 * the 48 kHz response serves well below Nyquist */
		double want = sine_lufs(cases[c].f, cases[c].al, cases[c].ar);
		print_message("# %5.0f Hz %.3f/%.3f at %d: M %.3f S %.3f I %.3f LUFS; BS.1770 %.3f, "
		              "libebur128 %.3f\n", cases[c].f, cases[c].al, cases[c].ar, rate, r.momentary,
		              r.shortterm, r.integrated, want, e.integrated);
		if (fabs(r.momentary - want) > 0.05 || fabs(r.shortterm - want) > 0.05 ||
		    fabs(r.integrated - want) > 0.06)
			fail_msg("%.0f Hz: M %.3f S %.3f I %.3f, want %.3f", cases[c].f, r.momentary,
			         r.shortterm, r.integrated, want);
		assert_true(fabs(r.integrated - e.integrated) <= 0.1);
		/* a steady tone has no loudness range */
		assert_true(r.range >= 0.0 && r.range < 0.2);
		sig_free(&s);
	}
}

/* The windows: a second of tone, then silence.  0.3 s in, the momentary
 * window holds 0.3 s of tone in 0.4 (-1.25 dB).  0.2 s after the tone the
 * 400 ms momentary window holds half tone (-3.01 dB), the 3 s short-term
 * window a third (-4.77 dB); 0.5 s after, the momentary window is empty.
 * The integrated loudness gates 400 ms blocks every 100 ms: seven lie in
 * the tone, three straddle its end (3/4, 1/2 and 1/4 tone, all within
 * the -10 LU relative gate), the rest are silent and gated out: the tone
 * less 10 log10(10 / 8.5) = 0.71 dB. */
static void test_windows(void **state)
{
	sig_t s = sig_new(RATE * 3 / 2);
	put_sine(&s, 0, RATE, 1000, 0.1, 0.1, RATE);
	double tone = sine_lufs(1000, 0.1, 0.1);
	loudness_t *m = loudness_create(RATE);
	assert_non_null(m);
	loudness_reading_t r;
	/* 0.3 s: not yet a full momentary window; the meter must not read
	 * more than the tone */
	loudness_add(m, s.x, RATE * 3 / 10);
	loudness_read(m, &r);
	print_message("# after 0.3 s of tone: M %.2f (tone %.2f)\n", r.momentary, tone);
	assert_true(fabs(r.momentary - (tone + 10 * log10(0.75))) < 0.1);
	loudness_add(m, s.x + 2 * (RATE * 3 / 10), RATE * 7 / 10);
	loudness_read(m, &r);
	assert_true(fabs(r.momentary - tone) < 0.05);
	loudness_add(m, s.x + 2 * RATE, RATE / 5);
	loudness_read(m, &r);
	print_message("# 0.2 s after 1 s of tone: M %.2f (tone %.2f), S %.2f\n", r.momentary, tone,
	              r.shortterm);
	assert_true(fabs(r.momentary - (tone - 3.0103)) < 0.1);
	assert_true(fabs(r.shortterm - (tone - 4.7712)) < 0.1);
	loudness_add(m, s.x + 2 * (RATE + RATE / 5), RATE * 3 / 10);
	loudness_read(m, &r);
	double want_i = tone + 10 * log10(0.85);
	print_message("# 0.5 s after: M %.1f, I %.3f (gated blocks: %.3f)\n", r.momentary,
	              r.integrated, want_i);
	assert_true(r.momentary < -70.0);
	assert_true(fabs(r.integrated - want_i) < 0.1);
	loudness_destroy(m);
	sig_free(&s);
}

/* A program that changes level: -20 then -30 LUFS, 10 s each.  Integrated
 * is the energy mean of the gated blocks (both levels pass the relative
 * gate): 10 log10((10^-2 + 10^-3) / 2) = -22.60 LUFS; the loudness range
 * is the 10 LU step. */
static void test_program_and_range(void **state)
{
	sig_t s = sig_new(RATE * 20);
	double a20 = 0.1 * pow(10, (-20.0 - sine_lufs(1000, 0.1, 0.1)) / 20);
	put_sine(&s, 0, RATE * 10, 1000, a20, a20, RATE);
	put_sine(&s, RATE * 10, s.n, 1000, a20 / sqrt(10), a20 / sqrt(10), RATE);
	loudness_reading_t r = measure(&s, RATE, 1024);
	ref_t e = ref_ebur128(&s, RATE);
	double want_i = 10 * log10((1e-2 + 1e-3) / 2);
	print_message("# -20 / -30 LUFS program: I %.3f LUFS (energy mean %.3f, libebur128 %.3f), "
	              "LRA %.2f LU (libebur128 %.2f)\n", r.integrated, want_i, e.integrated, r.range,
	              e.range);
	assert_true(fabs(r.integrated - want_i) < 0.1);
	assert_true(fabs(r.integrated - e.integrated) <= 0.1);
	assert_true(fabs(r.range - 10.0) < 0.5);
	assert_true(fabs(r.range - e.range) <= 0.2);
	sig_free(&s);
}

/* A drum-ish program of noise bursts and decaying low sines with a quiet
 * pad under it: loudness of real material, not a test tone. */
static sig_t drum_program(double seconds, uint32_t seed)
{
	sig_t s = sig_new((size_t)(seconds * RATE));
	double ph = 0.0;
	for (size_t i = 0; i < s.n; i++) {
		double t = (double)i / RATE, beat = 0.5;
		long nb = (long)floor(t / beat);
		double tb = t - nb * beat;
		if (tb < 0.5 / RATE)
			ph = 0.0;
		ph += 2 * M_PI * (55.0 + 90.0 * exp(-tb * 25.0)) / RATE;
		double kick = 0.7 * exp(-tb * 6.0) * sin(ph);
		double sn = nb % 2 ? 0.4 * exp(-tb * 15.0) * dsp_randf(&seed) : 0.0;
		/* the second half is quieter: some loudness range */
		double level = t < seconds / 2 ? 1.0 : 0.35;
		double pad = 0.05 * sin(2 * M_PI * 220.0 * t) + 0.03 * sin(2 * M_PI * 331.0 * t);
		s.x[2 * i] = (float)(level * (kick + 0.8 * sn) + pad);
		s.x[2 * i + 1] = (float)(level * (kick + sn) + 0.7 * pad);
	}
	return s;
}

/* beatty's integrated loudness within 0.1 LU of ffmpeg's, its loudness
 * range within 1 LU, on tones and on material. */
static void test_agrees_with_ffmpeg(void **state)
{
	if (!have_ffmpeg()) {
		print_message("# ffmpeg is not on PATH: ffmpeg's meter not consulted\n");
		skip();
	}
	sig_t prog[3];
	const char *names[3] = { "1 kHz sine, -20 dBFS", "-20 then -30 LUFS", "drum program" };
	prog[0] = sig_new(RATE * 8);
	put_sine(&prog[0], 0, prog[0].n, 1000, 0.1, 0.1, RATE);
	prog[1] = sig_new(RATE * 20);
	put_sine(&prog[1], 0, RATE * 10, 1000, 0.1, 0.1, RATE);
	put_sine(&prog[1], RATE * 10, prog[1].n, 1000, 0.1 / sqrt(10), 0.1 / sqrt(10), RATE);
	prog[2] = drum_program(16.0, 5);
	for (int k = 0; k < 3; k++) {
		loudness_reading_t r = measure(&prog[k], RATE, 4800);
		ff_t f = ref_ffmpeg(&prog[k]);
		print_message("# %-22s beatty I %.3f LRA %.2f; ffmpeg I %.3f (%.1f) LRA %.2f (%.1f)\n",
		              names[k], r.integrated, r.range, f.i_meta, f.i_sum, f.lra_meta, f.lra_sum);
		if (fabs(r.integrated - f.i_meta) > 0.1)
			fail_msg("%s: integrated %.3f LUFS, ffmpeg %.3f", names[k], r.integrated, f.i_meta);
		if (fabs(r.range - f.lra_meta) > 1.0)
			fail_msg("%s: LRA %.2f LU, ffmpeg %.2f", names[k], r.range, f.lra_meta);
	}
	for (int k = 0; k < 3; k++)
		sig_free(&prog[k]);
}

/* ------------------------------------------------------------------ */
/* true peak                                                            */

static void test_true_peak(void **state)
{
	/* rate/4 at 45 degrees: every sample at +-0.707, the wave at 1 */
	sig_t s = sig_new(RATE);
	for (size_t i = 0; i < s.n; i++)
		s.x[2 * i] = s.x[2 * i + 1] = (float)(sin(M_PI / 2 * (double)i + M_PI / 4));
	loudness_reading_t r = measure(&s, RATE, 1000);
	print_message("# rate/4 sine at 45 deg, samples at %.2f dBFS: true peak %.3f dBTP\n",
	              db(fabs(s.x[0])), r.true_peak);
	assert_true(fabs(r.true_peak) < 0.2);
	sig_free(&s);

	/* an ordinary tone reads its amplitude; the louder channel counts */
	s = sig_new(RATE);
	put_sine(&s, 0, s.n, 997, 0.25, 0.5, RATE);
	r = measure(&s, RATE, 1000);
	print_message("# 997 Hz at 0.5: true peak %.3f dBTP (want %.3f)\n", r.true_peak, db(0.5));
	assert_true(fabs(r.true_peak - db(0.5)) < 0.1);
	sig_free(&s);

	/* one full-scale sample in silence: at least its own level */
	s = sig_new(RATE);
	s.x[2 * 1000 + 1] = -1.0f;
	r = measure(&s, RATE, 1000);
	assert_true(r.true_peak >= -0.001);
	sig_free(&s);
}

/* ------------------------------------------------------------------ */
/* correlation                                                          */

static double corr_of(const sig_t *s, loudness_reading_t *r)
{
	*r = measure(s, RATE, 512);
	return r->correlation;
}

static void test_correlation(void **state)
{
	size_t n = RATE;
	sig_t s = sig_new(n);
	uint32_t seed = 1;
	loudness_reading_t r;

	for (size_t i = 0; i < n; i++)
		s.x[2 * i] = s.x[2 * i + 1] = 0.3f * dsp_randf(&seed);
	double c = corr_of(&s, &r);
	print_message("# identical: %.6f (all %.6f)\n", c, r.correlation_all);
	assert_true(fabs(c - 1.0) < 1e-6 && fabs(r.correlation_all - 1.0) < 1e-6);

	for (size_t i = 0; i < n; i++)
		s.x[2 * i + 1] = -s.x[2 * i];
	c = corr_of(&s, &r);
	print_message("# inverted: %.6f (all %.6f)\n", c, r.correlation_all);
	assert_true(fabs(c + 1.0) < 1e-6 && fabs(r.correlation_all + 1.0) < 1e-6);

	for (size_t i = 0; i < n; i++)
		s.x[2 * i + 1] = 0.3f * dsp_randf(&seed);
	c = corr_of(&s, &r);
	print_message("# independent noise: %.4f (all %.4f)\n", c, r.correlation_all);
	assert_true(fabs(c) < 0.1 && fabs(r.correlation_all) < 0.1);

	/* a sine and its quadrature: unrelated too */
	for (size_t i = 0; i < n; i++) {
		s.x[2 * i] = (float)(0.5 * sin(2 * M_PI * 440.0 * (double)i / RATE));
		s.x[2 * i + 1] = (float)(0.5 * cos(2 * M_PI * 440.0 * (double)i / RATE));
	}
	c = corr_of(&s, &r);
	print_message("# sine and cosine: %.4f\n", c);
	assert_true(fabs(c) < 0.02);

	/* the same tone at different levels is still mono */
	put_sine(&s, 0, n, 440, 0.5, 0.05, RATE);
	c = corr_of(&s, &r);
	assert_true(fabs(c - 1.0) < 1e-6);

	for (size_t i = 0; i < n; i++)
		s.x[2 * i + 1] = 0.0f;
	c = corr_of(&s, &r);
	print_message("# one side silent: %.4f (all %.4f)\n", c, r.correlation_all);
	assert_true(c == 0.0 && r.correlation_all == 0.0);

	memset(s.x, 0, 2 * n * sizeof(float));
	c = corr_of(&s, &r);
	print_message("# silence: %.4f (all %.4f)\n", c, r.correlation_all);
	assert_true(c == 1.0 && r.correlation_all == 1.0);
	sig_free(&s);
}

/* The short correlation looks at the last ~400 ms; the long one at
 * everything: 2 s in phase then 1 s inverted, equal energy throughout,
 * reads -1 now and (2 - 1) / 3 overall. */
static void test_correlation_windows(void **state)
{
	size_t n = RATE * 3;
	sig_t s = sig_new(n);
	uint32_t seed = 3;
	for (size_t i = 0; i < n; i++) {
		float v = 0.3f * dsp_randf(&seed);
		s.x[2 * i] = v;
		s.x[2 * i + 1] = i < 2 * (size_t)RATE ? v : -v;
	}
	loudness_t *m = loudness_create(RATE);
	assert_non_null(m);
	loudness_reading_t r;
	loudness_add(m, s.x, 2 * RATE);
	loudness_read(m, &r);
	assert_true(fabs(r.correlation - 1.0) < 1e-6);
	/* 0.25 s into the inverted part: the window is split, reading
	 * between the two; 0.6 s in it reads the inverted part alone */
	loudness_add(m, s.x + 2 * 2 * RATE, RATE / 4);
	loudness_read(m, &r);
	print_message("# 0.25 s after the flip: %.3f\n", r.correlation);
	assert_true(r.correlation > -0.95 && r.correlation < 0.95);
	loudness_add(m, s.x + 2 * (2 * RATE + RATE / 4), n - 2 * RATE - RATE / 4);
	loudness_read(m, &r);
	print_message("# 1 s after the flip: %.4f, overall %.4f (want 1/3)\n", r.correlation,
	              r.correlation_all);
	assert_true(fabs(r.correlation + 1.0) < 1e-6);
	assert_true(fabs(r.correlation_all - 1.0 / 3.0) < 0.02);
	loudness_destroy(m);
	sig_free(&s);
}

/* ------------------------------------------------------------------ */
/* state                                                                */

static void check_empty(const loudness_reading_t *r, const char *when)
{
	print_message("# %s: M %g S %g I %g LRA %g TP %g corr %g/%g\n", when, r->momentary,
	              r->shortterm, r->integrated, r->range, r->true_peak, r->correlation,
	              r->correlation_all);
	assert_true(isinf(r->momentary) && r->momentary < 0);
	assert_true(isinf(r->shortterm) && r->shortterm < 0);
	assert_true(isinf(r->integrated) && r->integrated < 0);
	assert_true(r->range == 0.0);
	assert_true(isinf(r->true_peak) && r->true_peak < 0);
	assert_true(r->correlation == 1.0 && r->correlation_all == 1.0);
}

/* A fresh meter, and one fed only silence, read nothing; reset forgets
 * everything, and a reset meter reads exactly as a fresh one. */
static void test_silence_and_reset(void **state)
{
	loudness_t *m = loudness_create(RATE);
	assert_non_null(m);
	loudness_reading_t r;
	loudness_read(m, &r);
	check_empty(&r, "fresh");

	sig_t z = sig_new(RATE * 4);
	loudness_add(m, z.x, z.n);
	loudness_read(m, &r);
	check_empty(&r, "4 s of silence");

	sig_t loud = sig_new(RATE * 5);
	uint32_t seed = 8;
	for (size_t i = 0; i < loud.n; i++) {
		loud.x[2 * i] = 0.9f * dsp_randf(&seed);
		loud.x[2 * i + 1] = -loud.x[2 * i] * (i < loud.n / 2 ? 1.0f : 0.2f);
	}
	loudness_add(m, loud.x, loud.n - 77);  /* a partial correlation block too */
	loudness_read(m, &r);
	assert_true(r.integrated > -20 && r.true_peak > -3 && r.correlation < -0.9);
	loudness_reset(m);
	loudness_read(m, &r);
	check_empty(&r, "after reset");

	/* after a reset the meter measures as a fresh one, bit for bit */
	sig_t s = sig_new(RATE * 4);
	put_sine(&s, 0, s.n, 700, 0.2, 0.15, RATE);
	loudness_add(m, s.x, s.n);
	loudness_read(m, &r);
	loudness_reading_t f = measure(&s, RATE, s.n);
	assert_true(r.momentary == f.momentary && r.shortterm == f.shortterm);
	assert_true(r.integrated == f.integrated && r.range == f.range);
	assert_true(r.true_peak == f.true_peak);
	assert_true(r.correlation == f.correlation && r.correlation_all == f.correlation_all);
	loudness_destroy(m);
	sig_free(&z);
	sig_free(&loud);
	sig_free(&s);
	loudness_destroy(NULL);
}

/* How the caller splits the audio changes nothing. */
static void test_block_split(void **state)
{
	sig_t s = drum_program(5.0, 9);
	loudness_reading_t a = measure(&s, RATE, s.n);
	static const size_t blocks[] = { 1, 7, 480, 4801 };
	for (size_t b = 0; b < 4; b++) {
		loudness_reading_t r = measure(&s, RATE, blocks[b]);
		assert_true(fabs(r.momentary - a.momentary) < 1e-9);
		assert_true(fabs(r.shortterm - a.shortterm) < 1e-9);
		assert_true(fabs(r.integrated - a.integrated) < 1e-9);
		assert_true(fabs(r.range - a.range) < 1e-9);
		assert_true(fabs(r.true_peak - a.true_peak) < 1e-9);
		assert_true(fabs(r.correlation - a.correlation) < 1e-9);
		assert_true(fabs(r.correlation_all - a.correlation_all) < 1e-9);
	}
	sig_free(&s);
}

/* The worker on its own thread reads exactly what the meter reads
 * inline, however the blocks come (more of them than its ring holds, of
 * every size up to its limit), and can be read twice. */
static void test_worker_reads_as_inline(void **state)
{
	sig_t s = drum_program(12.0, 99);
	loudness_reading_t a, r;
	size_t max = 4096;
	loudness_worker_t *w = loudness_worker_create(RATE, max);
	assert_non_null(w);
	uint32_t seed = 3;
	/* blocks of random length, so the inline reference is fed alike */
	loudness_t *m = loudness_create(RATE);
	assert_non_null(m);
	for (size_t i = 0; i < s.n;) {
		size_t n = 1 + (size_t)((dsp_randf(&seed) * 0.5f + 0.5f) * (float)(max - 1));
		if (n > s.n - i)
			n = s.n - i;
		loudness_worker_add(w, s.x + 2 * i, n);
		loudness_add(m, s.x + 2 * i, n);
		i += n;
	}
	loudness_read(m, &a);
	loudness_worker_read(w, &r);
	assert_memory_equal(&r, &a, sizeof(r));
	loudness_worker_read(w, &r);
	assert_memory_equal(&r, &a, sizeof(r));
	assert_true(isfinite(r.integrated) && r.integrated > -30.0);
	loudness_worker_destroy(w);
	loudness_destroy(m);
	/* destroyed with blocks still queued: no reading, no leak, no hang */
	w = loudness_worker_create(RATE, max);
	assert_non_null(w);
	for (size_t i = 0; i + max <= s.n; i += max)
		loudness_worker_add(w, s.x + 2 * i, max);
	loudness_worker_destroy(w);
	sig_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steady_sines),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_program_and_range),
		cmocka_unit_test(test_agrees_with_ffmpeg),
		cmocka_unit_test(test_true_peak),
		cmocka_unit_test(test_correlation),
		cmocka_unit_test(test_correlation_windows),
		cmocka_unit_test(test_silence_and_reset),
		cmocka_unit_test(test_block_split),
		cmocka_unit_test(test_worker_reads_as_inline),
	};
	return TU_RUN(tests);
}
