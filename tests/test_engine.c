/*
 * test_engine: timing, pitch, mixing and lifetime of the engine, measured
 * on its output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "engine.h"
#include "note.h"
#include "testutil.h"

/* A one-channel song whose pattern has `rows` rows and one note (cell
 * text) at row `at`; instrument 01 is a sine synth. */
static void one_note_song(song_t *s, int bpm, int lpb, int tpl, int swing, int rows, int at,
                          const char *cell)
{
	char text[8192];
	int n = snprintf(text, sizeof(text),
		"[song]\nformat = 1\nbpm = %d\nlpb = %d\ntpl = %d\nswing = %d\nchannels = 1\n\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.005\n\n"
		"[pattern 00]\nrows = %d\n%02X = %s\n\n[order]\n00 = 00\n",
		bpm, lpb, tpl, swing, rows, at, cell);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	tu_song_parse(s, text);
}

/* Row `at` must start at floor(at * rate * 60 / (bpm * lpb)): the note's
 * output equals the same note on row 0 shifted by exactly that many
 * frames, and by no other shift. */
static void check_onset(int rate, int bpm, int lpb, int at)
{
	song_t s0, sn;
	int rows = at + 2 + 2000 * bpm * lpb / (rate * 60);   /* >= 2000 frames after the note */
	one_note_song(&s0, bpm, lpb, 6, 0, rows, 0, "A-4 01 .. ...");
	one_note_song(&sn, bpm, lpb, 6, 0, rows, at, "A-4 01 .. ...");
	float *a, *b;
	int64_t na = tu_render(&s0, rate, &a), nb = tu_render(&sn, rate, &b);
	int64_t expect = (int64_t)at * rate * 60 / ((int64_t)bpm * lpb);
	assert_true(nb > expect + 1000 && na > 1000);
	for (int64_t i = 0; i < expect; i++)
		assert_true(b[2 * i] == 0.0f);
	for (int64_t i = 0; i < 1000; i++)
		assert_true(a[2 * i] == b[2 * (expect + i)]);
	/* One frame off would not match: the test can tell. */
	int differs = 0;
	for (int64_t i = 0; i < 1000; i++)
		differs += a[2 * i] != b[2 * (expect + 1 + i)];
	assert_true(differs > 900);
	free(a);
	free(b);
	song_deinit(&s0);
	song_deinit(&sn);
}

static void test_onset_exact_sample(void **state)
{
	(void)state;
	check_onset(44100, 123, 4, 13);     /* 5378.05 frames a row: fraction */
	check_onset(48000, 125, 4, 7);      /* exactly 5760 a row */
	check_onset(96000, 97, 3, 11);
	check_onset(44100, 999, 32, 200);   /* very short rows */
}

static void test_song_length(void **state)
{
	(void)state;
	const int rates[] = { 44100, 48000, 96000 };
	for (size_t i = 0; i < 3; i++) {
		song_t s;
		one_note_song(&s, 123, 4, 6, 0, 64, 0, "A-4 01 .. ...");
		int64_t expect = (int64_t)64 * rates[i] * 60 / (123 * 4);
		assert_int_equal(engine_song_frames(&s, rates[i]), expect);
		float *buf;
		int64_t n = tu_render(&s, rates[i], &buf);
		/* The sine sustains to the end, then its 5 ms release rings out,
		 * then the 10 ms of quiet that tell the engine the tail is over. */
		assert_true(n >= expect);
		assert_true(n <= expect + (int64_t)(0.015 * rates[i]) + 1);
		free(buf);
		song_deinit(&s);
	}
}

static void test_no_leading_silence(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nchannels = 1\n[instrument 01]\ntype = synth\nosc1 = noise\n"
		"amp = 0 0 1 0.01\n[pattern 00]\nrows = 4\n00 = C-4 01 .. ...\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	float *l = tu_channel(buf, (size_t)n, 0);
	assert_true(tu_first_above(l, (size_t)n, 0.0f) <= 1);
	free(l);
	free(buf);
	song_deinit(&s);
}

static void test_swing(void **state)
{
	(void)state;
	/* 120 BPM, 4 lpb at 48 kHz: 6000 frames a row; swing 33 makes even
	 * rows 1.33 x and odd rows 0.67 x as long. */
	const int rate = 48000, len = 6000;
	for (int row = 1; row <= 3; row++) {
		song_t s0, s;
		one_note_song(&s0, 120, 4, 6, 33, 8, 0, "A-4 01 .. ...");
		one_note_song(&s, 120, 4, 6, 33, 8, row, "A-4 01 .. ...");
		float *a, *b;
		tu_render(&s0, rate, &a);
		int64_t nb = tu_render(&s, rate, &b);
		int64_t pairs = row / 2, expect = pairs * 2 * len + (row & 1) * (int64_t)(len * 133 / 100);
		assert_true(nb > expect + 500);
		for (int i = 0; i < 500; i++)
			assert_true(a[2 * i] == b[2 * (expect + i)]);
		assert_true(b[2 * (expect - 1)] == 0.0f);
		free(a);
		free(b);
		song_deinit(&s0);
		song_deinit(&s);
	}
}

static void test_tempo_change(void **state)
{
	(void)state;
	/* F8C (140 BPM) on row 4 of 8: rows 0-3 at 120, rows 4-7 at 140. */
	song_t s;
	one_note_song(&s, 120, 4, 6, 0, 8, 4, "... .. .. F8C");
	int64_t expect = 4 * 48000 * 60 / (120 * 4) + 4 * 48000 * 60 / (140 * 4);
	int64_t got = engine_song_frames(&s, 48000);
	assert_true(llabs(got - expect) <= 1);
	song_deinit(&s);
}

static void test_pitch_a4(void **state)
{
	(void)state;
	const int rates[] = { 44100, 48000, 96000 };
	for (size_t i = 0; i < 3; i++) {
		song_t s;
		one_note_song(&s, 60, 1, 6, 0, 2, 0, "A-4 01 .. ...");
		float *buf;
		int64_t n = tu_render(&s, rates[i], &buf);
		assert_true(n >= rates[i]);
		float *l = tu_channel(buf, (size_t)rates[i], 0);
		double hz = tu_peak_hz(l, (size_t)rates[i], rates[i]);
		assert_true(fabs(hz - 440.0) < 1.0);
		free(l);
		free(buf);
		song_deinit(&s);
	}
}

static void test_pan_and_volume(void **state)
{
	(void)state;
	/* Centre pan: both sides at cos(pi/4) of the mono signal; -6 dB fader
	 * halves the amplitude; hard left silences the right. */
	const char *tmpl =
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[channel 1]\nvolume = %s\npan = %s\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 1\n00 = A-4 01 .. ...\n[order]\n00 = 00\n";
	struct { const char *vol, *pan; double l, r; } cases[] = {
		{ "0", "0", cos(M_PI / 4), sin(M_PI / 4) },
		{ "-6", "0", cos(M_PI / 4) * pow(10, -6 / 20.0), sin(M_PI / 4) * pow(10, -6 / 20.0) },
		{ "0", "-100", 1.0, 0.0 },
		{ "0", "100", 0.0, 1.0 },
		{ "0", "50", cos(0.75 * M_PI / 2), sin(0.75 * M_PI / 2) },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), tmpl, cases[i].vol, cases[i].pan);
		song_t s;
		tu_song_parse(&s, text);
		float *buf;
		tu_render(&s, 48000, &buf);
		float *l = tu_channel(buf + 2 * 4800, 24000, 0), *r = tu_channel(buf + 2 * 4800, 24000, 1);
		/* A full-scale sine has RMS 1/sqrt(2). */
		assert_true(fabs(tu_rms(l, 24000) * sqrt(2.0) - cases[i].l) < 0.005);
		assert_true(fabs(tu_rms(r, 24000) * sqrt(2.0) - cases[i].r) < 0.005);
		free(l);
		free(r);
		free(buf);
		song_deinit(&s);
	}
}

static void test_mute_solo(void **state)
{
	(void)state;
	/* Channel 1 plays A-4, channel 2 plays E-5: mute and solo decide which
	 * frequencies reach the mix. */
	const char *tmpl =
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 2\n"
		"[channel 1]\nmute = %s\nsolo = %s\n[channel 2]\nsolo = %s\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 1\n00 = A-4 01 .. ... | E-5 01 .. ...\n[order]\n00 = 00\n";
	struct { const char *m1, *s1, *s2; bool a, e; } cases[] = {
		{ "no", "no", "no", true, true },
		{ "yes", "no", "no", false, true },
		{ "no", "yes", "no", true, false },
		{ "no", "no", "yes", false, true },
		{ "no", "yes", "yes", true, true },
	};
	double ea = note_to_hz(NOTE_A4), ee = note_to_hz(NOTE_A4 + 7);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), tmpl, cases[i].m1, cases[i].s1, cases[i].s2);
		song_t s;
		tu_song_parse(&s, text);
		float *buf;
		tu_render(&s, 48000, &buf);
		float *l = tu_channel(buf + 2 * 4800, 24000, 0);
		double ga = tu_goertzel(l, 24000, 48000, ea), ge = tu_goertzel(l, 24000, 48000, ee);
		/* Absent means below the leakage of the other tone into this
		 * unwindowed bin (~0.002), 37 dB under a present one. */
		assert_true(cases[i].a ? ga > 0.5 : ga < 0.01);
		assert_true(cases[i].e ? ge > 0.5 : ge < 0.01);
		free(l);
		free(buf);
		song_deinit(&s);
	}
}

static void test_release_overlaps_next_note(void **state)
{
	(void)state;
	/* A long release: when the next note starts the previous one rings on
	 * and decays, instead of stopping dead (a click). */
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.5\n"
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n01 = E-5 01 .. ...\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	assert_true(n > 96000);
	float *l = tu_channel(buf, (size_t)n, 0);
	double a4 = note_to_hz(NOTE_A4);
	double before = tu_goertzel(l + 48000 - 4800, 4800, 48000, a4);
	double just_after = tu_goertzel(l + 48000, 4800, 48000, a4);
	double later = tu_goertzel(l + 48000 + 24000, 4800, 48000, a4);
	assert_true(just_after > 0.2 * before);
	assert_true(later < just_after);
	/* And no jump between consecutive samples beyond what two sines allow. */
	double maxstep = 0;
	for (int i = 48000 - 100; i < 48000 + 100; i++)
		maxstep = fmax(maxstep, fabs(l[i + 1] - l[i]));
	assert_true(maxstep < 2 * M_PI * (note_to_hz(NOTE_A4) + note_to_hz(NOTE_A4 + 7)) / 48000 * 1.1);
	free(l);
	free(buf);
	song_deinit(&s);
}

static void test_tail_after_last_row(void **state)
{
	(void)state;
	/* The render goes on past the last row for the 0.5 s release, then
	 * stops after 10 ms of quiet: no cut tail, no endless silence. */
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.5\n"
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	int64_t end = 4 * 6000;
	assert_true(n >= end + 24000);
	assert_true(n <= end + 24000 + 480 + 1);
	float *l = tu_channel(buf, (size_t)n, 0);
	assert_true(tu_peak(l + end, 2400) > 0.3);               /* still sounding */
	assert_true(tu_peak(l + n - ENGINE_BLOCK, ENGINE_BLOCK) < 1e-3); /* died away */
	free(l);
	free(buf);
	song_deinit(&s);
}

static void test_deterministic(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nchannels = 2\n"
		"[instrument 01]\ntype = synth\nosc1 = noise\nfilter = lowpass\ncutoff = 2000\n"
		"amp = 0 0.1 0 0.1\n[instrument 02]\ntype = synth\nosc1 = saw\nosc2 = square\n"
		"osc_mix = 0.5\nosc2_detune = 7\n"
		"[pattern 00]\nrows = 8\n00 = C-4 01 .. ... | C-3 02 .. ...\n04 = C-4 01 .. ... | ... .. .. 104\n"
		"[order]\n00 = 00\n");
	float *a, *b;
	int64_t na = tu_render(&s, 48000, &a), nb = tu_render(&s, 48000, &b);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, (size_t)na * 2 * sizeof(float));
	/* Two hits of noise are not bit-identical copies of each other. */
	assert_true(memcmp(a, a + 2 * 4 * 6000, 2000 * sizeof(float)) != 0);
	free(a);
	free(b);
	song_deinit(&s);
}

static void test_loop_and_end(void **state)
{
	(void)state;
	song_t s;
	one_note_song(&s, 120, 4, 6, 0, 4, 0, "A-4 01 .. ...");
	engine_t *e = engine_create(&s, 48000);
	assert_non_null(e);
	float *buf = malloc(48000 * 2 * sizeof(float));
	/* Without loop: the 4 rows (24000 frames), the 5 ms tail, 10 ms of
	 * quiet. */
	size_t n = engine_render(e, buf, 48000);
	assert_true(n >= 24000 && n <= 24000 + 240 + 480 + 1);
	engine_pos_t pos;
	engine_get_pos(e, &pos);
	assert_true(pos.ended && pos.done);
	assert_int_equal(engine_end_frame(e), 24000);
	/* With loop: a full second comes out and the position wrapped. */
	engine_start(e, 0, 0);
	engine_set_loop(e, true);
	n = engine_render(e, buf, 30001);
	assert_int_equal(n, 30001);
	engine_get_pos(e, &pos);
	assert_false(pos.ended);
	assert_int_equal(pos.row, 1);   /* 30000 = 4 rows + row 0 of the second pass */
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
}

static void test_denormals_flushed(void **state)
{
	(void)state;
	unsigned long saved = dsp_denormals_off();
	volatile float tiny = 1e-30f, scale = 1e-10f;
	float r = tiny * scale;   /* 1e-40: a denormal unless flushed */
	dsp_denormals_restore(saved);
#if defined(__SSE__) || defined(__x86_64__) || defined(__aarch64__)
	assert_true(r == 0.0f);
#else
	(void)r;
#endif
	volatile float again = tiny * scale;
	assert_true(again != 0.0f);   /* restored: the caller's mode is back */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_onset_exact_sample),
		cmocka_unit_test(test_song_length),
		cmocka_unit_test(test_no_leading_silence),
		cmocka_unit_test(test_swing),
		cmocka_unit_test(test_tempo_change),
		cmocka_unit_test(test_pitch_a4),
		cmocka_unit_test(test_pan_and_volume),
		cmocka_unit_test(test_mute_solo),
		cmocka_unit_test(test_release_overlaps_next_note),
		cmocka_unit_test(test_tail_after_last_row),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_loop_and_end),
		cmocka_unit_test(test_denormals_flushed),
	};
	return TU_RUN(tests);
}
