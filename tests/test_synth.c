/*
 * test_synth: the synth voice, measured.  Frequencies, harmonic levels,
 * aliasing, filter responses and envelope timings are read off rendered
 * audio and compared with what theory says they should be.
 *
 * Most analyses use a rectangular DFT over a whole number of periods of
 * every partial involved (tu_goertzel), so a partial lands exactly on its
 * bin and leaks nowhere: what shows up between harmonics is really there.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "note.h"
#include "synth.h"
#include "testutil.h"

#define RATE 48000
#define SKIP 4800      /* past the attack and the oscillators' lookahead */

static double db(double ratio)
{
	return 20.0 * log10(ratio + 1e-30);
}

/* Sustained note, nothing moving: the plain oscillator unless a test
 * changes something. */
static synth_params_t params(wave_t wave)
{
	synth_params_t p;
	synth_params_default(&p);
	p.osc1_wave = p.osc2_wave = wave;
	p.osc_mix = 0.0f;
	p.filter = FILTER_OFF;
	p.lfo_depth = 0.0f;
	p.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.05f };
	return p;
}

static float *render_seed(const synth_params_t *p, int rate, double freq, size_t n, uint32_t seed)
{
	synth_voice_t v;
	float *x = malloc(n * sizeof(float));
	assert_non_null(x);
	memset(&v, 0, sizeof(v));
	synth_voice_start(&v, p, (float)rate, seed);
	synth_voice_render(&v, p, freq, x, (int)n);
	return x;
}

static float *render(const synth_params_t *p, int rate, double freq, size_t n)
{
	return render_seed(p, rate, freq, n, 1234u);
}

/* Level of partial k of freq in x[SKIP .. SKIP + n). */
static double partial(const float *x, size_t n, int rate, double freq, int k)
{
	return tu_goertzel(x + SKIP, n, rate, freq * k);
}

/* Rising zero crossings at interpolated positions; returns how many. */
static size_t rising_crossings(const float *x, size_t n, double *t, size_t max)
{
	size_t c = 0;
	for (size_t i = 1; i < n && c < max; i++)
		if (x[i - 1] < 0.0f && x[i] >= 0.0f)
			t[c++] = (double)(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
	return c;
}

/* Frequency of the period around sample position `at`. */
static double freq_at(const float *x, size_t n, int rate, double at)
{
	static double t[1 << 16];
	size_t c = rising_crossings(x, n, t, sizeof(t) / sizeof(t[0]));
	for (size_t i = 1; i < c; i++)
		if (t[i] >= at)
			return rate / (t[i] - t[i - 1]);
	fail_msg("no period around sample %.0f", at);
	return 0.0;
}

/* Highest and lowest frequency over single periods of x. */
static void freq_range(const float *x, size_t n, int rate, double *lo, double *hi)
{
	static double t[1 << 16];
	size_t c = rising_crossings(x, n, t, sizeof(t) / sizeof(t[0]));
	assert_true(c > 2);
	*lo = 1e30;
	*hi = 0.0;
	for (size_t i = 1; i < c; i++) {
		double f = rate / (t[i] - t[i - 1]);
		if (f < *lo) *lo = f;
		if (f > *hi) *hi = f;
	}
}

/* ------------------------------------------------------------------ */
/* oscillators                                                          */

static void test_sine_frequency_and_level(void **state)
{
	(void)state;
	static const int rates[] = { 44100, 48000, 96000 };
	synth_params_t p = params(WAVE_SINE);
	double f = note_to_hz(NOTE_A4);

	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		size_t n = (size_t)rates[r];
		float *x = render(&p, rates[r], f, n + SKIP);
		double peak_hz = tu_peak_hz(x + SKIP, n / 2, rates[r]);
		assert_true(fabs(peak_hz - 440.0) < 1.0);
		/* Exactly unit amplitude: peak 1, RMS 1/sqrt 2. */
		assert_true(fabs(tu_peak(x + SKIP, n) - 1.0) < 1e-3);
		assert_true(fabs(tu_rms(x + SKIP, n) - sqrt(0.5)) < 1e-3);
		free(x);
	}
}

static void test_saw_harmonics(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	double h1 = partial(x, RATE, RATE, 440.0, 1);

	assert_true(fabs(tu_peak_hz(x + SKIP, RATE / 2, RATE) - 440.0) < 1.0);
	/* A saw's partials fall as 1/k from 2/pi. */
	assert_true(fabs(db(h1 / (2.0 / M_PI))) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 2) / h1) - db(1.0 / 2)) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 3) / h1) - db(1.0 / 3)) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 10) / h1) - db(1.0 / 10)) < 0.2);
	/* Full scale with only the band-limited overshoot on top. */
	double peak = tu_peak(x + SKIP, RATE);
	assert_true(peak > 0.95 && peak < 1.2);
	free(x);
}

static void test_square_odd_harmonics(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SQUARE);
	p.osc1_pw = 0.5f;
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	double h1 = partial(x, RATE, RATE, 440.0, 1);

	assert_true(fabs(tu_peak_hz(x + SKIP, RATE / 2, RATE) - 440.0) < 1.0);
	assert_true(fabs(db(h1 / (4.0 / M_PI))) < 0.2);
	assert_true(db(partial(x, RATE, RATE, 440.0, 2) / h1) < -40.0);
	assert_true(db(partial(x, RATE, RATE, 440.0, 4) / h1) < -40.0);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 3) / h1) - db(1.0 / 3)) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 5) / h1) - db(1.0 / 5)) < 0.2);
	double peak = tu_peak(x + SKIP, RATE);
	assert_true(peak > 0.95 && peak < 1.2);
	free(x);
}

/* Partial k of a pulse of width w has amplitude |sin(pi k w)| / k (times
 * 4/pi): every 1/w-th partial vanishes. */
static void test_pulse_width(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SQUARE);
	p.osc1_pw = 0.25f;
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	double h1 = partial(x, RATE, RATE, 440.0, 1);

	assert_true(fabs(db(h1 / (4.0 / M_PI * sin(M_PI * 0.25)))) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 2) / h1) - db(0.5 / sin(M_PI * 0.25))) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 3) / h1) - db(1.0 / 3)) < 0.2);
	assert_true(db(partial(x, RATE, RATE, 440.0, 4) / h1) < -40.0);
	assert_true(db(partial(x, RATE, RATE, 440.0, 8) / h1) < -40.0);
	/* The pulse carries no DC. */
	double mean = 0.0;
	for (size_t i = 0; i < RATE; i++)
		mean += x[SKIP + i];
	assert_true(fabs(mean / RATE) < 1e-3);
	free(x);

	p.osc1_pw = 0.1f;
	x = render(&p, RATE, 440.0, RATE + SKIP);
	h1 = partial(x, RATE, RATE, 440.0, 1);
	assert_true(db(partial(x, RATE, RATE, 440.0, 10) / h1) < -40.0);
	assert_true(db(partial(x, RATE, RATE, 440.0, 5) / h1) > -20.0);
	free(x);
}

static void test_triangle_harmonics(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_TRIANGLE);
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	double h1 = partial(x, RATE, RATE, 440.0, 1);

	/* Odd partials falling as 1/k^2 from 8/pi^2; level and DC steady. */
	assert_true(fabs(db(h1 / (8.0 / (M_PI * M_PI)))) < 0.2);
	assert_true(db(partial(x, RATE, RATE, 440.0, 2) / h1) < -60.0);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 3) / h1) - db(1.0 / 9)) < 0.2);
	assert_true(fabs(db(partial(x, RATE, RATE, 440.0, 5) / h1) - db(1.0 / 25)) < 0.3);
	assert_true(fabs(tu_peak(x + SKIP, RATE) - 1.0) < 0.01);
	double mean = 0.0;
	for (size_t i = 0; i < RATE; i++)
		mean += x[SKIP + i];
	assert_true(fabs(mean / RATE) < 1e-3);
	free(x);
}

/* Energy between the harmonics of f, relative to the fundamental, in dB.
 * With f a multiple of rate/150 every alias falls on that grid too, and a
 * one-second window holds a whole number of periods of all of them. */
static double alias_db(const float *x, int rate, double f, double below_hz)
{
	double grid = rate / 150.0, fund = tu_goertzel(x, (size_t)rate, rate, f), e = 0.0;
	for (int j = 1; j * grid < rate / 2.0 - 1.0 && j * grid < below_hz; j++) {
		double h = j * grid / f;
		if (fabs(h - floor(h + 0.5)) < 1e-6)
			continue;
		double m = tu_goertzel(x, (size_t)rate, rate, j * grid);
		e += m * m;
	}
	return 10.0 * log10(e + 1e-30) - db(fund);
}

static void test_band_limiting(void **state)
{
	(void)state;
	const double f = 3520.0;   /* its 7th partial is above Nyquist at 48 kHz */
	float *naive = malloc((RATE + SKIP) * sizeof(float));
	assert_non_null(naive);
	double ph = 0.0;
	for (size_t i = 0; i < RATE + SKIP; i++) {
		ph += f / RATE;
		ph -= floor(ph);
		naive[i] = (float)(ph < 0.5 ? 2.0 * ph : 2.0 * ph - 2.0);
	}
	double naive_all = alias_db(naive + SKIP, RATE, f, 1e9);
	print_message("# naive saw at %.0f Hz: aliases %.1f dB below the fundamental\n", f, -naive_all);
	/* The measurement sees aliasing when there is some. */
	assert_true(naive_all > -20.0);
	free(naive);

	static const struct { wave_t wave; const char *name; double all, audible; } w[] = {
		{ WAVE_SAW, "saw", -80.0, -100.0 },
		{ WAVE_SQUARE, "square", -80.0, -100.0 },
		{ WAVE_TRIANGLE, "triangle", -100.0, -110.0 },
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		synth_params_t p = params(w[i].wave);
		float *x = render(&p, RATE, f, RATE + SKIP);
		double all = alias_db(x + SKIP, RATE, f, 1e9);
		double audible = alias_db(x + SKIP, RATE, f, 20000.0);
		print_message("# %s at %.0f Hz, 48 kHz: aliases %.1f dB below the fundamental, "
		              "%.1f dB below 20 kHz\n", w[i].name, f, -all, -audible);
		assert_true(all < w[i].all);
		assert_true(audible < w[i].audible);
		free(x);
	}
}

/* ------------------------------------------------------------------ */
/* spurs up to Nyquist                                                  */

#define SPUR_N 65536   /* about 1.4 s at 48 kHz: bins of 0.7 Hz */

/* SPUR_N samples after the attack, the base frequency gliding linearly
 * from f0 to f1 over them.  The frequency is given every SYNTH_CTL
 * samples, where the voice ramps its phase step linearly to the next
 * value: the glide is then smooth, with no sidebands of its own, and
 * whatever lies off the harmonics comes from the oscillator. */
static float *render_glide(const synth_params_t *p, int rate, double f0, double f1)
{
	const size_t total = SKIP + SPUR_N;
	float *x = malloc(total * sizeof(float));
	assert_non_null(x);
	synth_voice_t v;
	memset(&v, 0, sizeof(v));
	synth_voice_start(&v, p, (float)rate, 1u);
	_Static_assert(SKIP % SYNTH_CTL == 0 && SPUR_N % SYNTH_CTL == 0, "whole control periods");
	for (size_t i = 0; i < total; i += SYNTH_CTL) {
		double t = i < SKIP ? 0.0 : (double)(i - SKIP) / SPUR_N;
		synth_voice_render(&v, p, f0 + (f1 - f0) * t, x + i, SYNTH_CTL);
	}
	return x;
}

/*
 * The loudest spur of x (SPUR_N samples whose fundamental stays within
 * lo..hi Hz, with modulation sidebands reaching `side` Hz beyond that) in
 * dB relative to the fundamental, its frequency into *at.  Everything that
 * is not a harmonic below Nyquist is a spur: the bins each harmonic sweeps,
 * widened by the window's main lobe and by the sidebands, are left out, and the rest is read as sums of power over windows as wide as a
 * spur can smear (a partial k sweeps k times as far as the fundamental;
 * those above the rate fold back from far inside the step's stopband).
 * *covered is the share of the band that windows could be read in, so a
 * test can tell a clean spectrum from one it could not look at.
 */
static double worst_spur_db(const float *x, int rate, double lo, double hi, double side,
                            double *at, double *covered)
{
	enum { NB = SPUR_N / 2 + 1, GUARD = 6 };
	static double pw[NB], sum[NB + 1];
	static int skipped[NB + 1];
	static bool skip[NB], seen[NB];
	const double bin = (double)rate / SPUR_N;

	tu_power_bh(x, SPUR_N, pw);
	memset(skip, 0, sizeof(skip));
	memset(seen, 0, sizeof(seen));
	double fund = 0.0;
	for (int k = 1; k * lo < rate / 2.0; k++) {
		long a = (long)floor((k * lo - side) / bin) - GUARD;
		long b = (long)ceil((k * hi + side) / bin) + GUARD;
		for (long j = a < 0 ? 0 : a; j <= b && j < NB; j++) {
			skip[j] = true;
			if (k == 1)
				fund += pw[j];
		}
	}
	sum[0] = 0.0;
	skipped[0] = 0;
	for (int j = 0; j < NB; j++) {
		sum[j + 1] = sum[j] + pw[j];
		skipped[j + 1] = skipped[j] + skip[j];
	}
	int w = 2 * GUARD + 1 + (int)ceil((rate / lo * (hi - lo) + 2.0 * side) / bin);
	double worst = 0.0;
	*at = 0.0;
	for (int j = 0; j + w <= NB; j++) {
		if (skipped[j + w] != skipped[j])
			continue;
		for (int i = j; i < j + w; i++)
			seen[i] = true;
		double e = sum[j + w] - sum[j];
		if (e > worst) {
			worst = e;
			*at = (j + 0.5 * w) * bin;
		}
	}
	int nseen = 0, nfree = 0;
	for (int j = 0; j < NB; j++) {
		nseen += seen[j];
		nfree += !skip[j];
	}
	*covered = nfree > 0 ? (double)nseen / nfree : 1.0;
	return 10.0 * log10(worst / fund + 1e-30);
}

typedef struct {
	wave_t wave;
	float pw;
	const char *name;
} spur_wave_t;

/* Every periodic wave (noise has no partials to fold), the pulse at its
 * widest and narrowest and in between. */
static const spur_wave_t spur_waves[] = {
	{ WAVE_SAW, 0.5f, "saw" },
	{ WAVE_SQUARE, 0.5f, "square" },
	{ WAVE_SQUARE, 0.3f, "pulse 30%" },
	{ WAVE_SQUARE, 0.05f, "pulse 5%" },
	{ WAVE_TRIANGLE, 0.5f, "triangle" },
	{ WAVE_SINE, 0.5f, "sine" },
};
static const int spur_rates[] = { 44100, 48000, 96000 };

/* Steady notes from A-4 to the top of the range: every spur, up to
 * Nyquist, at least 80 dB under the fundamental. */
static void test_spurs_to_nyquist(void **state)
{
	(void)state;
	static const int notes[] = { NOTE_A4, NOTE_A4 + 15, NOTE_A4 + 36, NOTE_A4 + 50, NOTE_MAX };
	double overall = -1e9;
	for (size_t wi = 0; wi < sizeof(spur_waves) / sizeof(spur_waves[0]); wi++)
		for (size_t r = 0; r < sizeof(spur_rates) / sizeof(spur_rates[0]); r++) {
			double worst = -1e9, worst_at = 0.0, worst_f = 0.0;
			for (size_t ni = 0; ni < sizeof(notes) / sizeof(notes[0]); ni++) {
				synth_params_t p = params(spur_waves[wi].wave);
				p.osc1_pw = spur_waves[wi].pw;
				double f = note_to_hz(notes[ni]), at, cov;
				float *x = render_glide(&p, spur_rates[r], f, f);
				double s = worst_spur_db(x + SKIP, spur_rates[r], f, f, 0.0, &at, &cov);
				assert_true(cov > 0.99);
				if (s > worst) {
					worst = s;
					worst_at = at;
					worst_f = f;
				}
				free(x);
			}
			print_message("# %-10s %6d Hz: worst spur %6.1f dB (at %.0f Hz, note %.0f Hz)\n",
			              spur_waves[wi].name, spur_rates[r], worst, worst_at, worst_f);
			if (worst > overall)
				overall = worst;
		}
	assert_true(overall <= -80.0);
}

/* The same with the pitch moving: vibrato, a slide over the window and
 * pulse-width modulation, high in the range where partials crowd Nyquist. */
static void test_spurs_moving_pitch(void **state)
{
	(void)state;
	static const int notes[] = { NOTE_A4 + 15, NOTE_A4 + 36, NOTE_MAX - 2 };
	double overall = -1e9;
	for (size_t wi = 0; wi < sizeof(spur_waves) / sizeof(spur_waves[0]); wi++)
		for (size_t r = 0; r < sizeof(spur_rates) / sizeof(spur_rates[0]); r++) {
			double worst = -1e9;
			for (size_t ni = 0; ni < sizeof(notes) / sizeof(notes[0]); ni++)
				for (int mod = 0; mod < 3; mod++) {
					synth_params_t p = params(spur_waves[wi].wave);
					p.osc1_pw = spur_waves[wi].pw;
					double f = note_to_hz(notes[ni]), lo = f, hi = f, side = 0.0, at, cov;
					float *x;
					if (mod == 0) {
						/* vibrato: 5 cents either way at 5 Hz */
						p.lfo_target = LFO_TO_PITCH;
						p.lfo_wave = WAVE_SINE;
						p.lfo_rate = 5.0f;
						p.lfo_depth = 0.05f;
						lo = f * exp2(-0.05 / 12.0);
						hi = f * exp2(0.05 / 12.0);
						/* Bessel sidebands a dozen past the sweep
						 * are far below -100 dB. */
						side = 12.0 * p.lfo_rate;
						x = render_glide(&p, spur_rates[r], f, f);
					} else if (mod == 1) {
						/* a slide, as far as the smear of the aliases
						 * still leaves room between harmonics: a
						 * quarter tone at A-7 and 48 kHz */
						hi = f + f * f / (3.0 * spur_rates[r]);
						x = render_glide(&p, spur_rates[r], lo, hi);
					} else {
						if (spur_waves[wi].wave != WAVE_SQUARE)
							continue;
						/* the width swept 0.2 .. 0.8 by a slow sine:
						 * partial k swings with an index of about k,
						 * which its sidebands outrun within 80 */
						p.lfo_target = LFO_TO_PW;
						p.lfo_wave = WAVE_SINE;
						p.lfo_rate = 0.25f;
						p.lfo_depth = 0.3f;
						side = 20.0;
						x = render_glide(&p, spur_rates[r], f, f);
					}
					double s = worst_spur_db(x + SKIP, spur_rates[r], lo, hi, side, &at, &cov);
					assert_true(cov > 0.5);
					if (s > worst)
						worst = s;
					free(x);
				}
			print_message("# %-10s %6d Hz, moving: worst spur %6.1f dB\n",
			              spur_waves[wi].name, spur_rates[r], worst);
			if (worst > overall)
				overall = worst;
		}
	assert_true(overall <= -80.0);
}

/* ------------------------------------------------------------------ */
/* filter                                                               */

/* Gain in dB the filter in p applies to partial k of a saw at f. */
static double filter_gain(const synth_params_t *p, double f, int k)
{
	synth_params_t dry = *p;
	dry.filter = FILTER_OFF;
	float *a = render(p, RATE, f, RATE + SKIP), *b = render(&dry, RATE, f, RATE + SKIP);
	double g = db(partial(a, RATE, RATE, f, k) / partial(b, RATE, RATE, f, k));
	free(a);
	free(b);
	return g;
}

static void test_filter_lowpass(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	p.filter = FILTER_LP;
	p.cutoff = 1000.0f;
	p.resonance = 0.0f;
	/* 250 Hz passes; 8 kHz, three octaves above, loses 12 dB an octave. */
	double pass = filter_gain(&p, 250.0, 1), stop = filter_gain(&p, 250.0, 32);
	print_message("# lowpass 1 kHz: 250 Hz %.2f dB, 8 kHz %.1f dB\n", pass, stop);
	assert_true(fabs(pass) < 1.0);
	assert_true(stop < -24.0);
}

static void test_filter_highpass(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	p.filter = FILTER_HP;
	p.cutoff = 1000.0f;
	double stop = filter_gain(&p, 125.0, 1), pass = filter_gain(&p, 125.0, 64);
	print_message("# highpass 1 kHz: 125 Hz %.1f dB, 8 kHz %.2f dB\n", stop, pass);
	assert_true(stop < -24.0);
	assert_true(fabs(pass) < 1.0);
}

static void test_filter_bandpass(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	p.filter = FILTER_BP;
	p.cutoff = 1000.0f;
	p.resonance = 0.5f;
	double lo = filter_gain(&p, 125.0, 1), mid = filter_gain(&p, 125.0, 8);
	double hi = filter_gain(&p, 125.0, 64);
	print_message("# bandpass 1 kHz: 125 Hz %.1f dB, 1 kHz %.2f dB, 8 kHz %.1f dB\n", lo, mid, hi);
	assert_true(fabs(mid) < 1.0);
	assert_true(lo < -18.0);
	assert_true(hi < -18.0);
}

static void test_filter_resonance(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	p.filter = FILTER_LP;
	p.cutoff = 1000.0f;
	double g[3];
	static const float res[3] = { 0.0f, 0.5f, 0.8f };
	for (int i = 0; i < 3; i++) {
		p.resonance = res[i];
		g[i] = filter_gain(&p, 250.0, 4);   /* the partial at the cutoff */
	}
	print_message("# lowpass 1 kHz at the cutoff: resonance 0 %.1f dB, 0.5 %.1f dB, 0.8 %.1f dB\n",
	              g[0], g[1], g[2]);
	assert_true(g[1] > g[0] + 6.0);
	assert_true(g[2] > g[1] + 6.0);
	/* Far below the cutoff the passband stays put. */
	assert_true(fabs(filter_gain(&p, 250.0, 1) - 0.0) < 1.5);
}

static bool all_finite(const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/* Full resonance, cutoff swept fast over its whole range by envelope,
 * LFO and automation, at two rates: the output stays finite and bounded
 * (the filter's peak gain is 40). */
static void test_filter_stable(void **state)
{
	(void)state;
	static const int rates[] = { 44100, 96000 };
	static const filter_mode_t modes[] = { FILTER_LP, FILTER_HP, FILTER_BP };
	static const wave_t waves[] = { WAVE_SAW, WAVE_NOISE };
	double worst = 0.0;

	for (size_t r = 0; r < 2; r++)
		for (size_t m = 0; m < 3; m++)
			for (size_t w = 0; w < 2; w++) {
				synth_params_t p = params(waves[w]);
				p.filter = modes[m];
				p.cutoff = 20000.0f;
				p.resonance = 1.0f;
				p.filter_env = -8.0f;
				p.fenv = (adsr_params_t){ 0.05f, 0.1f, 0.5f, 0.1f };
				p.lfo_target = LFO_TO_CUTOFF;
				p.lfo_wave = WAVE_SQUARE;
				p.lfo_rate = 30.0f;
				p.lfo_depth = 3.0f;
				p.keytrack = 1.0f;
				size_t n = (size_t)rates[r];
				synth_voice_t v;
				float *x = malloc(2 * n * sizeof(float));
				assert_non_null(x);
				memset(&v, 0, sizeof(v));
				v.cutoff_mod = 2.0f;
				synth_voice_start(&v, &p, (float)rates[r], 7u);
				synth_voice_render(&v, &p, 55.0, x, (int)n);
				v.cutoff_mod = -6.0f;
				synth_voice_render(&v, &p, 3520.0, x + n, (int)n);
				assert_true(all_finite(x, 2 * n));
				double peak = tu_peak(x, 2 * n);
				if (peak > worst)
					worst = peak;
				assert_true(peak < 64.0);
				free(x);
			}
	print_message("# swept filter at full resonance: peak %.1f\n", worst);
}

/* Every wave from the lowest note to far above Nyquist, with the widest
 * pulse modulation and pitch sweeps: finite, and no louder than a pulse's
 * DC-free peak (1.9 at width 0.05) plus its band-limited overshoot. */
static void test_extremes(void **state)
{
	(void)state;
	const int rate = 44100, n = 2048;
	float x[2048];
	double worst = 0.0;
	for (int wave = 0; wave < WAVE_COUNT; wave++)
		for (int note = NOTE_MIN; note <= NOTE_MAX; note += 7)
			for (int var = 0; var < 4; var++) {
				synth_params_t p = params((wave_t)wave);
				p.osc_mix = 0.5f;
				p.osc1_pw = var & 1 ? 0.05f : 0.95f;
				p.osc2_pw = var & 1 ? 0.95f : 0.05f;
				p.osc2_semi = var & 2 ? 48.0f : -48.0f;
				p.osc2_detune = 100.0f;
				p.pitch_env = var & 2 ? 48.0f : -48.0f;
				p.pitch_decay = var & 1 ? 0.01f : 0.0f;
				p.lfo_target = var & 2 ? LFO_TO_PW : LFO_TO_PITCH;
				p.lfo_wave = WAVE_SQUARE;
				p.lfo_rate = var & 1 ? 400.0f : 7.0f;
				p.lfo_depth = var & 2 ? 1.0f : 24.0f;
				synth_voice_t v;
				memset(&v, 0, sizeof(v));
				synth_voice_start(&v, &p, rate, (uint32_t)note);
				synth_voice_render(&v, &p, note_to_hz(note), x, n);
				assert_true(all_finite(x, n));
				double peak = tu_peak(x, n);
				if (peak > worst)
					worst = peak;
			}
	print_message("# extremes: peak %.2f\n", worst);
	assert_true(worst < 2.3);
}

static void test_filter_tracking(void **state)
{
	(void)state;
	const double c5 = note_to_hz(NOTE_MIN + 5 * 12);
	synth_params_t a = params(WAVE_SAW), b;
	a.filter = FILTER_LP;
	a.cutoff = 1000.0f;
	a.keytrack = 1.0f;
	b = a;
	b.keytrack = 0.0f;
	b.cutoff = 2000.0f;
	/* An octave above C-4, full keytrack doubles the cutoff. */
	double ga = filter_gain(&a, c5, 8), gb = filter_gain(&b, c5, 8);
	assert_true(fabs(ga - gb) < 0.2);
	b.cutoff = 1000.0f;
	assert_true(ga > filter_gain(&b, c5, 8) + 6.0);

	/* Automation moves the cutoff by octaves the same way. */
	synth_voice_t v;
	float *x = malloc((RATE + SKIP) * sizeof(float));
	float *y = render(&a, RATE, 261.6256, RATE + SKIP);
	assert_non_null(x);
	memset(&v, 0, sizeof(v));
	b.cutoff = 500.0f;
	v.cutoff_mod = 1.0f;
	synth_voice_start(&v, &b, RATE, 1234u);
	synth_voice_render(&v, &b, 261.6256, x, RATE + SKIP);
	assert_true(fabs(db(partial(x, RATE, RATE, 261.6256, 8) / partial(y, RATE, RATE, 261.6256, 8))) < 0.2);
	free(x);
	free(y);
}

static void test_filter_envelope(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	p.filter = FILTER_LP;
	p.cutoff = 300.0f;
	p.filter_env = 4.0f;
	p.fenv = (adsr_params_t){ 0.0f, 0.5f, 0.0f, 0.1f };
	const double f = 110.0;
	const size_t win = RATE / 10;   /* 11 periods */
	float *x = render(&p, RATE, f, 2 * RATE);
	double early = tu_goertzel(x + RATE / 100, win, RATE, 8 * f);
	double late = tu_goertzel(x + RATE, win, RATE, 8 * f);
	/* The envelope opens the filter four octaves, then closes it. */
	assert_true(db(early / late) > 12.0);
	free(x);
}

/* ------------------------------------------------------------------ */
/* envelopes                                                            */

static long peak_index(const float *x, size_t n)
{
	long best = 0;
	for (size_t i = 0; i < n; i++)
		if (fabsf(x[i]) > fabsf(x[best]))
			best = (long)i;
	return best;
}

static void test_attack_time(void **state)
{
	(void)state;
	static const float attacks[] = { 0.02f, 0.1f, 0.5f };
	synth_params_t p = params(WAVE_SINE);
	for (size_t i = 0; i < 3; i++) {
		p.amp = (adsr_params_t){ attacks[i], 0.3f, 0.3f, 0.1f };
		size_t n = (size_t)(RATE * (attacks[i] + 0.3f));
		float *x = render(&p, RATE, 2000.0, n);   /* a peak every 0.25 ms */
		double t = (double)peak_index(x, n) / RATE;
		assert_true(fabs(t - attacks[i]) < 0.1 * attacks[i]);
		free(x);
	}
}

static void test_release(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	p.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.1f };
	synth_voice_t v;
	float buf[64];
	memset(&v, 0, sizeof(v));
	synth_voice_start(&v, &p, RATE, 1u);
	for (int i = 0; i < RATE / 5 / 64; i++)
		assert_true(synth_voice_render(&v, &p, 220.0, buf, 64));
	double before = tu_peak(buf, 64);
	synth_voice_release(&v, &p);

	long n = 0;
	double at_half = -1.0;
	while (synth_voice_render(&v, &p, 220.0, buf, 64)) {
		n += 64;
		if (at_half < 0.0 && n >= RATE / 20)
			at_half = tu_peak(buf, 64);
		assert_true(n < RATE);
	}
	/* The release lasts its time (to -80 dB, then true silence). */
	assert_true(fabs((double)n / RATE - 0.1) < 0.01);
	assert_true(at_half < 0.1 * before && at_half > 0.001 * before);
	assert_false(synth_voice_active(&v));
	buf[0] = 1.0f;
	assert_false(synth_voice_render(&v, &p, 220.0, buf, 64));
	assert_true(tu_peak(buf, 64) == 0.0);
}

static void test_kill(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SQUARE);
	p.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 2.0f };
	synth_voice_t v;
	const int fade = RATE / 200;   /* 5 ms */
	float *x = malloc((size_t)(RATE + fade + 64) * sizeof(float));
	assert_non_null(x);
	memset(&v, 0, sizeof(v));
	synth_voice_start(&v, &p, RATE, 1u);
	synth_voice_render(&v, &p, 220.0, x, RATE);
	synth_voice_kill(&v, fade / (float)RATE);
	bool on = synth_voice_render(&v, &p, 220.0, x + RATE, fade);
	assert_false(on);
	assert_false(synth_voice_render(&v, &p, 220.0, x + RATE + fade, 64));
	/* Fades from full level to nothing within its time, however long the
	 * release would have been. */
	assert_true(tu_peak(x + RATE, (size_t)fade / 4) > 0.7);
	assert_true(tu_peak(x + RATE + fade - fade / 8, (size_t)fade / 8) < 0.2);
	assert_true(tu_peak(x + RATE + fade, 64) == 0.0);
	free(x);
}

static void test_idle_voice(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SAW);
	synth_voice_t v;
	float buf[32];
	memset(&v, 0, sizeof(v));
	for (int i = 0; i < 32; i++)
		buf[i] = 1.0f;
	assert_false(synth_voice_active(&v));
	assert_false(synth_voice_render(&v, &p, 440.0, buf, 32));
	assert_true(tu_peak(buf, 32) == 0.0);
}

/* ------------------------------------------------------------------ */
/* second oscillator, pitch envelope, LFO                               */

static void test_osc2_pitch(void **state)
{
	(void)state;
	static const struct { float semi, cents; } c[] = {
		{ 0.0f, 50.0f }, { 12.0f, 0.0f }, { -7.0f, -30.0f }, { 24.0f, 0.0f },
	};
	synth_params_t p = params(WAVE_SINE);
	p.osc_mix = 1.0f;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		p.osc2_semi = c[i].semi;
		p.osc2_detune = c[i].cents;
		double want = 440.0 * pow(2.0, (c[i].semi + c[i].cents / 100.0) / 12.0);
		float *x = render(&p, RATE, 440.0, RATE + SKIP);
		assert_true(fabs(tu_peak_hz(x + SKIP, RATE, RATE) - want) < 1.0);
		free(x);
	}

	/* Half and half an octave apart: both partials at half level. */
	p.osc_mix = 0.5f;
	p.osc2_semi = 12.0f;
	p.osc2_detune = 0.0f;
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	assert_true(fabs(partial(x, RATE, RATE, 440.0, 1) - 0.5) < 0.01);
	assert_true(fabs(partial(x, RATE, RATE, 440.0, 2) - 0.5) < 0.01);
	free(x);
}

static void test_osc2_detune_beats(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SINE);
	p.osc_mix = 0.5f;
	p.osc2_detune = 50.0f;   /* 12.9 Hz above 440 */
	const size_t win = RATE / 400;
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	double lo = 1e9, hi = 0.0;
	for (size_t i = SKIP; i + win <= RATE + SKIP; i += win) {
		double r = tu_rms(x + i, win);
		if (r < lo) lo = r;
		if (r > hi) hi = r;
	}
	/* Two equal sines beat from silence to full level. */
	assert_true(hi > 0.6);
	assert_true(lo < 0.1 * hi);
	free(x);
}

static void test_pitch_envelope(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SINE);
	p.pitch_env = 24.0f;
	p.pitch_decay = 0.05f;
	const double f = 110.0;
	float *x = render(&p, RATE, f, RATE);
	double start = freq_at(x, RATE, RATE, 0.01 * RATE);
	double at_tau = freq_at(x, RATE, RATE, 0.05 * RATE);
	double end = tu_peak_hz(x + RATE / 2, RATE / 2, RATE);
	print_message("# pitch sweep: %.0f Hz at 10 ms, %.0f Hz at 50 ms, %.1f Hz at the end\n",
	              start, at_tau, end);
	assert_true(start > 2.5 * end);
	assert_true(fabs(end - f) < 1.0);
	/* After one time constant 1/e of the sweep is left: 24/e semitones. */
	double semis = 12.0 * log2(at_tau / f);
	assert_true(fabs(semis - 24.0 / exp(1.0)) < 1.0);
	free(x);
}

static void test_lfo_pitch(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SINE);
	double lo, hi;
	float *x = render(&p, RATE, 440.0, RATE);
	freq_range(x + SKIP, RATE - SKIP, RATE, &lo, &hi);
	assert_true(hi - lo < 0.5);
	free(x);

	p.lfo_target = LFO_TO_PITCH;
	p.lfo_wave = WAVE_SINE;
	p.lfo_rate = 5.0f;
	p.lfo_depth = 1.0f;   /* semitone */
	x = render(&p, RATE, 440.0, RATE);
	freq_range(x + SKIP, RATE - SKIP, RATE, &lo, &hi);
	print_message("# vibrato 1 semitone: %.1f .. %.1f Hz\n", lo, hi);
	assert_true(fabs(hi - 440.0 * pow(2.0, 1.0 / 12)) < 2.0);
	assert_true(fabs(lo - 440.0 * pow(2.0, -1.0 / 12)) < 2.0);
	free(x);
}

/* The noise LFO holds a random value for each of its periods. */
static void test_lfo_sample_and_hold(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SINE);
	p.lfo_target = LFO_TO_PITCH;
	p.lfo_wave = WAVE_NOISE;
	p.lfo_rate = 10.0f;
	p.lfo_depth = 12.0f;
	const size_t period = RATE / 10;
	float *x = render(&p, RATE, 440.0, 8 * period);
	double held[8];
	for (size_t i = 0; i < 8; i++) {
		double lo, hi;
		freq_range(x + i * period + period / 4, period / 2, RATE, &lo, &hi);
		assert_true(hi / lo < 1.002);
		assert_true(lo > 219.0 && hi < 881.0);
		held[i] = lo;
	}
	int changes = 0;
	for (size_t i = 1; i < 8; i++)
		changes += fabs(held[i] / held[i - 1] - 1.0) > 0.01;
	assert_true(changes >= 5);
	free(x);
}

/* RMS over windows of whole periods of 440 Hz. */
static void rms_range(const float *x, size_t n, double *lo, double *hi)
{
	const size_t win = RATE / 40;   /* 11 periods */
	*lo = 1e9;
	*hi = 0.0;
	for (size_t i = 0; i + win <= n; i += win) {
		double r = tu_rms(x + i, win);
		if (r < *lo) *lo = r;
		if (r > *hi) *hi = r;
	}
}

static void test_lfo_amp(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_SINE);
	p.lfo_target = LFO_TO_AMP;
	p.lfo_wave = WAVE_SINE;
	p.lfo_rate = 2.0f;
	double lo, hi;

	p.lfo_depth = 1.0f;
	float *x = render(&p, RATE, 440.0, RATE + SKIP);
	rms_range(x + SKIP, RATE, &lo, &hi);
	assert_true(fabs(hi - sqrt(0.5)) < 0.02);
	assert_true(lo < 0.05 * hi);
	free(x);

	p.lfo_depth = 0.5f;
	x = render(&p, RATE, 440.0, RATE + SKIP);
	rms_range(x + SKIP, RATE, &lo, &hi);
	assert_true(fabs(lo / hi - 0.5) < 0.05);
	free(x);
}

static void test_lfo_cutoff_and_pw(void **state)
{
	(void)state;
	/* A square LFO holds +depth for the first half period, -depth after. */
	synth_params_t p = params(WAVE_SAW);
	p.filter = FILTER_LP;
	p.cutoff = 500.0f;
	p.lfo_target = LFO_TO_CUTOFF;
	p.lfo_wave = WAVE_SQUARE;
	p.lfo_rate = 2.0f;
	p.lfo_depth = 2.0f;
	const size_t win = RATE / 10;   /* whole periods of 110 Hz */
	float *x = render(&p, RATE, 110.0, RATE / 2);
	double open = tu_goertzel(x + RATE / 20, win, RATE, 880.0);
	double shut = tu_goertzel(x + RATE / 4 + RATE / 20, win, RATE, 880.0);
	assert_true(db(open / shut) > 24.0);
	free(x);

	p = params(WAVE_SQUARE);
	p.osc1_pw = 0.5f;
	p.lfo_target = LFO_TO_PW;
	p.lfo_wave = WAVE_SQUARE;
	p.lfo_rate = 2.0f;
	p.lfo_depth = 0.25f;   /* width 0.75, then 0.25 */
	const size_t win2 = RATE / 40;   /* whole periods of 440 Hz */
	x = render(&p, RATE, 440.0, RATE / 2);
	for (int half = 0; half < 2; half++) {
		const float *y = x + RATE / 20 + half * RATE / 4;
		double h1 = tu_goertzel(y, win2, RATE, 440.0);
		assert_true(fabs(db(tu_goertzel(y, win2, RATE, 880.0) / h1) - db(0.5 / sin(M_PI * 0.25))) < 0.3);
		assert_true(db(tu_goertzel(y, win2, RATE, 1760.0) / h1) < -40.0);
	}
	free(x);
}

/* ------------------------------------------------------------------ */
/* determinism and noise                                                */

static synth_params_t busy_params(void)
{
	synth_params_t p = params(WAVE_SAW);
	p.osc2_wave = WAVE_NOISE;
	p.osc_mix = 0.4f;
	p.pitch_env = 12.0f;
	p.filter = FILTER_LP;
	p.cutoff = 2000.0f;
	p.resonance = 0.6f;
	p.filter_env = 2.0f;
	p.lfo_wave = WAVE_NOISE;
	p.lfo_target = LFO_TO_CUTOFF;
	p.lfo_rate = 8.0f;
	p.lfo_depth = 1.0f;
	return p;
}

static void test_determinism(void **state)
{
	(void)state;
	const size_t n = RATE / 2;
	synth_params_t p = busy_params();
	float *a = render_seed(&p, RATE, 220.0, n, 99u);
	float *b = render_seed(&p, RATE, 220.0, n, 99u);
	float *c = render_seed(&p, RATE, 220.0, n, 100u);
	assert_memory_equal(a, b, n * sizeof(float));
	size_t differ = 0;
	for (size_t i = 0; i < n; i++)
		differ += a[i] != c[i];
	assert_true(differ > n / 2);

	/* However the render calls split the time, the samples are the same. */
	synth_voice_t v;
	memset(&v, 0, sizeof(v));
	synth_voice_start(&v, &p, RATE, 99u);
	size_t done = 0, step = 1;
	while (done < n) {
		size_t len = step < n - done ? step : n - done;
		synth_voice_render(&v, &p, 220.0, b + done, (int)len);
		done += len;
		step = step * 7 % 101 + 1;
	}
	assert_memory_equal(a, b, n * sizeof(float));
	free(a);
	free(b);
	free(c);
}

static double band_power(const float *x, size_t n, double lo, double hi)
{
	double s = 0.0;
	int count = 0;
	for (double f = lo; f < hi; f += (hi - lo) / 256.0, count++) {
		double m = tu_goertzel(x, n, RATE, f);
		s += m * m;
	}
	return s / count;
}

static void test_noise_white(void **state)
{
	(void)state;
	synth_params_t p = params(WAVE_NOISE);
	const size_t n = 1 << 16;
	float *x = render(&p, RATE, 440.0, n + SKIP);
	const float *y = x + SKIP;
	double mean = 0.0, lag1 = 0.0, var = 0.0;
	for (size_t i = 0; i < n; i++) {
		mean += y[i];
		var += (double)y[i] * y[i];
		if (i)
			lag1 += (double)y[i] * y[i - 1];
	}
	mean /= n;
	/* Uniform in [-1, 1): RMS 1/sqrt 3, no DC, no memory. */
	assert_true(fabs(mean) < 0.01);
	assert_true(fabs(tu_rms(y, n) - 1.0 / sqrt(3.0)) < 0.01);
	assert_true(fabs(lag1 / var) < 0.02);
	double low = band_power(y, n, 200.0, 2000.0), high = band_power(y, n, 12000.0, 20000.0);
	print_message("# noise: 200 Hz-2 kHz vs 12-20 kHz %.2f dB\n", 10.0 * log10(low / high));
	assert_true(fabs(10.0 * log10(low / high)) < 1.5);
	free(x);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_sine_frequency_and_level),
		cmocka_unit_test(test_saw_harmonics),
		cmocka_unit_test(test_square_odd_harmonics),
		cmocka_unit_test(test_pulse_width),
		cmocka_unit_test(test_triangle_harmonics),
		cmocka_unit_test(test_band_limiting),
		cmocka_unit_test(test_spurs_to_nyquist),
		cmocka_unit_test(test_spurs_moving_pitch),
		cmocka_unit_test(test_filter_lowpass),
		cmocka_unit_test(test_filter_highpass),
		cmocka_unit_test(test_filter_bandpass),
		cmocka_unit_test(test_filter_resonance),
		cmocka_unit_test(test_filter_stable),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_filter_tracking),
		cmocka_unit_test(test_filter_envelope),
		cmocka_unit_test(test_attack_time),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_idle_voice),
		cmocka_unit_test(test_osc2_pitch),
		cmocka_unit_test(test_osc2_detune_beats),
		cmocka_unit_test(test_pitch_envelope),
		cmocka_unit_test(test_lfo_pitch),
		cmocka_unit_test(test_lfo_sample_and_hold),
		cmocka_unit_test(test_lfo_amp),
		cmocka_unit_test(test_lfo_cutoff_and_pw),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_noise_white),
	};
	return TU_RUN(t);
}
