/*
 * test_ft2_inst: FT2's instrument rules as the engine plays them under
 * rules = ft2 (as xmp plays FT2), measured tick by tick on the output:
 * how a note-off treats a note with and without a volume envelope, Lxx,
 * and the panning envelope.  The expected levels and pans follow from the
 * instrument's envelopes and fadeout (what a let-go note loses each
 * tick, of 65536), not from a previous run.
 *
 * 60 BPM, 1 line a beat, 3 ticks a line at 48 kHz: 16000-frame ticks.
 * The instrument plays a looped 480 Hz sine at its own rate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "engine.h"
#include "note.h"
#include "testutil.h"

#define RATE 48000
#define TICK 16000
#define WIN_SKIP 2000      /* past the gain smoothing at a tick's start */
#define WIN_LEN  12000     /* 120 whole periods of the sine */
#define SINE_FRAMES 4800

static void add_sine(instrument_t *in)
{
	assert_non_null(in);
	assert_int_equal(in->type, INST_SAMPLER);
	in->sampler.root = NOTE_MIN + 4 * 12;     /* C-4: the sample's own rate */
	in->sampler.loop = LOOP_FORWARD;
	in->sampler.loop_start = 0;
	in->sampler.loop_end = SINE_FRAMES;
	sample_t *smp = &in->sampler.sample;
	smp->data = malloc(SINE_FRAMES * sizeof(float));
	assert_non_null(smp->data);
	for (int i = 0; i < SINE_FRAMES; i++)
		smp->data[i] = (float)sin(2.0 * M_PI * i / 100.0);
	smp->channels = 1;
	smp->frames = SINE_FRAMES;
	smp->rate = RATE;
}

/* Renders the song (instrument keys, pattern rows) under rules = ft2 and
 * returns each tick's level as a fraction of tick 0's, in lvl[0..n), or
 * with pans set, its pan: (R - L) / (R + L), which FT2's linear pan law
 * makes the pan itself. */
static void tick_measure(const char *inst, const char *rows, double *lvl, int n, bool pans)
{
	char text[1024];
	snprintf(text, sizeof text,
	         "[song]\nformat = 1\nbpm = 60\nlpb = 1\ntpl = 3\nchannels = 1\nrules = ft2\n\n"
	         "[instrument 01]\ntype = sampler\namp = 0 0 1 0.004\n%s\n\n"
	         "[pattern 00]\n%s\n[order]\n00 = 00\n", inst, rows);
	song_t s;
	tu_song_parse(&s, text);
	for (int i = 1; i <= 2; i++)
		if (s.inst[i])
			add_sine(s.inst[i]);
	float *buf = NULL;
	int64_t frames = tu_render(&s, RATE, &buf);
	song_deinit(&s);
	float *l = tu_channel(buf, (size_t)frames, 0);
	float *r = tu_channel(buf, (size_t)frames, 1);
	double ref = 0.0;
	for (int k = 0; k < n; k++) {
		int64_t at = (int64_t)k * TICK + WIN_SKIP;
		if (at + WIN_LEN > frames)
			fail_msg("tick %d is past the render (%lld frames)", k, (long long)frames);
		double rl = tu_rms(l + at, WIN_LEN), rr = tu_rms(r + at, WIN_LEN);
		if (pans) {
			assert_true(rl + rr > 0.01);
			lvl[k] = (rr - rl) / (rr + rl);
			continue;
		}
		if (k == 0)
			ref = rl;
		assert_true(ref > 0.01);
		lvl[k] = rl / ref;
	}
	free(l);
	free(r);
	free(buf);
}

static void tick_levels(const char *inst, const char *rows, double *lvl, int n)
{
	tick_measure(inst, rows, lvl, n, false);
}

static void expect_levels(const char *what, const double *got, const double *want, int n)
{
	for (int k = 0; k < n; k++)
		if (!(fabs(got[k] - want[k]) <= 0.01))
			fail_msg("%s, tick %d: %.4f of the first tick's level, expected %.4f",
			         what, k, got[k], want[k]);
}

/* An off beside an instrument number fades a note without an envelope
 * (fadeout 16384: a quarter a tick) instead of cutting it; the E91
 * retriggers on the next row go on fading. */
static void test_off_with_instrument_fades(void **state)
{
	(void)state;
	double got[8];
	tick_levels("fadeout = 16384", "rows = 4\n00 = C-4 01 .. ...\n01 = === 01 .. ...\n"
	            "02 = ... .. .. E91\n", got, 8);
	const double want[8] = { 1, 1, 1, 1, 0.75, 0.5, 0.25, 0 };
	expect_levels("off beside an instrument number", got, want, 8);
}

/* A plain off silences it at once; a retrigger does not bring it back,
 * an instrument number does. */
static void test_plain_off_stays_silent(void **state)
{
	(void)state;
	double got[10];
	tick_levels("fadeout = 16384", "rows = 4\n00 = C-4 01 .. ...\n01 = === .. .. ...\n"
	            "02 = ... .. .. E91\n03 = ... 01 .. E91\n", got, 10);
	const double want[10] = { 1, 1, 1, 0, 0, 0, 0, 0, 0, 1 };
	expect_levels("plain off", got, want, 10);
}

/* An off beside an instrument number (libxmp's key fade) fades the
 * sounding note without letting its envelope go and without taking the
 * instrument: the plain note after it plays instrument 01 again, its
 * fadeout starting afresh from full and going on.  Instrument 02, 6 dB
 * down and without an envelope, would sound otherwise. */
static void test_off_with_instrument_keeps_envelope(void **state)
{
	(void)state;
	double got[10];
	tick_levels("envelope = 0:64 10:64\nfadeout = 16384\n\n"
	            "[instrument 02]\ntype = sampler\nvolume = -6",
	            "rows = 4\n00 = C-4 01 .. ...\n01 = === 02 .. ...\n02 = C-4 .. .. ...\n", got, 10);
	const double want[10] = { 1, 1, 1, 0.75, 0.5, 0.25, 0.75, 0.5, 0.25, 0 };
	expect_levels("off beside another instrument number", got, want, 10);
}

/* Lxx moves the envelope (0:64 8:0, falling 8 a tick) to tick xx: L02
 * on row 1 (tick 3) reads the level at tick 2 there and goes on. */
static void test_env_pos(void **state)
{
	(void)state;
	double got[6];
	tick_levels("envelope = 0:64 8:0", "rows = 2\n00 = C-4 01 .. ...\n01 = ... .. .. L02\n", got, 6);
	const double want[6] = { 1, 0.875, 0.75, 0.75, 0.625, 0.5 };
	expect_levels("L02", got, want, 6);
}

/* The panning envelope (0:32 2:64 4:0, held at point 1) moves the
 * centred channel right over two ticks, holds there until the off
 * (row 1, tick 3), then swings left; the flat volume envelope keeps the
 * note sounding through the off. */
static void test_pan_envelope(void **state)
{
	(void)state;
	double got[7];
	tick_measure("envelope = 0:64 10:64\npan_envelope = 0:32 2:64 4:0\npan_env_sustain = 1",
	             "rows = 3\n00 = C-4 01 .. ...\n01 = === .. .. ...\n", got, 7, true);
	const double want[7] = { 0, 0.5, 1, 1, 0, -1, -1 };
	expect_levels("pan envelope", got, want, 7);
}

/* Lxx moves the panning envelope (0:32 8:64: the pan goes right by 1/8 a
 * tick) only when the volume envelope has its sustain on. */
static void test_env_pos_pan(void **state)
{
	(void)state;
	const char *rows = "rows = 2\n00 = C-4 01 .. ...\n01 = ... .. .. L06\n";
	double got[6];
	tick_measure("envelope = 0:64 10:64\nenv_sustain = 1\npan_envelope = 0:32 8:64", rows, got, 6, true);
	const double moved[6] = { 0, 0.125, 0.25, 0.75, 0.875, 1 };
	expect_levels("L06, sustain on", got, moved, 6);
	tick_measure("envelope = 0:64 10:64\npan_envelope = 0:32 8:64", rows, got, 6, true);
	const double kept[6] = { 0, 0.125, 0.25, 0.375, 0.5, 0.625 };
	expect_levels("L06, no sustain", got, kept, 6);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_off_with_instrument_fades),
		cmocka_unit_test(test_plain_off_stays_silent),
		cmocka_unit_test(test_off_with_instrument_keeps_envelope),
		cmocka_unit_test(test_env_pos),
		cmocka_unit_test(test_pan_envelope),
		cmocka_unit_test(test_env_pos_pan),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
