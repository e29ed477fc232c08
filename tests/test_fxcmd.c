/*
 * test_fxcmd: every pattern effect command, measured on the engine's
 * output.  Each test writes a small song, renders it and checks the
 * frequency, level, timing or length the command must produce, with the
 * expected values worked out from the command's definition (docs/format.md),
 * not taken from a previous run.
 *
 * Most songs run at 60 BPM, 1 line per beat and 3 ticks per line at
 * 48 kHz: 16000-frame ticks, long enough to measure a pitch or a level
 * inside each one, well clear of the 2 ms gain smoothing at its start.
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
#define TICK 16000                  /* 48000 * 60 / (60 * 1 * 3) */
#define ROW  (3 * TICK)

/* Where a tick is measured: past the gain smoothing, before the next
 * tick.  12000 frames hold exactly 110 periods of A-4. */
#define WIN_SKIP 2000
#define WIN_LEN  12000

#define HEAD(bpm, lpb, tpl, ch) \
	"[song]\nformat = 1\nbpm = " #bpm "\nlpb = " #lpb "\ntpl = " #tpl \
	"\nchannels = " #ch "\n\n"
#define SINE(amp) "[instrument 01]\ntype = synth\nosc1 = sine\namp = " amp "\n\n"
#define ORDER0 "[order]\n00 = 00\n"

#define STD HEAD(60, 1, 3, 1) SINE("0 0 1 0.01")

/* ------------------------------------------------------------------ */
/* rendering and measuring                                              */

typedef struct take {
	float *buf;        /* interleaved stereo, as rendered */
	float *l, *r;      /* its two sides */
	int64_t n;         /* frames */
} take_t;

static void take_song(take_t *t, const song_t *s)
{
	t->n = tu_render(s, RATE, &t->buf);
	t->l = tu_channel(t->buf, (size_t)t->n, 0);
	t->r = tu_channel(t->buf, (size_t)t->n, 1);
}

static void take_text(take_t *t, const char *text)
{
	song_t s;
	tu_song_parse(&s, text);
	take_song(t, &s);
	song_deinit(&s);
}

static void take_free(take_t *t)
{
	free(t->buf);
	free(t->l);
	free(t->r);
}

static const float *span(const take_t *t, const float *side, int64_t from, size_t n)
{
	if (from < 0 || from + (int64_t)n > t->n)
		fail_msg("frames %lld..%lld are past the render (%lld frames)",
		         (long long)from, (long long)(from + (int64_t)n), (long long)t->n);
	return side + from;
}

static double hz_at(const take_t *t, int64_t from, size_t n)
{
	return tu_peak_hz(span(t, t->l, from, n), n, RATE);
}

static double rms_at(const take_t *t, const float *side, int64_t from, size_t n)
{
	return tu_rms(span(t, side, from, n), n);
}

static double peak_at(const take_t *t, int64_t from, size_t n)
{
	return tu_peak(span(t, t->l, from, n), n);
}

/* First frame of tick k of a song with `tick`-frame ticks. */
static int64_t tick_at(int k, int64_t tick)
{
	return (int64_t)k * tick;
}

static double tick_hz(const take_t *t, int k)
{
	return hz_at(t, tick_at(k, TICK) + WIN_SKIP, WIN_LEN);
}

static double tick_rms(const take_t *t, int k)
{
	return rms_at(t, t->l, tick_at(k, TICK) + WIN_SKIP, WIN_LEN);
}

/* Frequency of A-4 moved by `units` 1/64 semitones. */
static double a4_hz(double units)
{
	return 440.0 * pow(2.0, units / (12.0 * PITCH_PER_SEMITONE));
}

/* RMS of a full-scale sine at volume vol (of 64), through the centre
 * pan (cos(pi/4) a side). */
static double sine_rms(double vol)
{
	return vol / 64.0 * cos(M_PI / 4) / sqrt(2.0);
}

static void expect_hz(double got, double want, const char *what, int i)
{
	if (!(fabs(got - want) <= 1.0))
		fail_msg("%s %d: %.2f Hz, expected %.2f Hz", what, i, got, want);
}

/* Within 0.5 dB, or silent (below -80 dB) when want is zero. */
static void expect_level(double got, double want, const char *what, int i)
{
	if (want <= 0.0) {
		if (!(got < 1e-4))
			fail_msg("%s %d: level %.6f, expected silence", what, i, got);
		return;
	}
	double db = 20.0 * log10(got / want);
	if (!(fabs(db) <= 0.5))
		fail_msg("%s %d: level %.5f, expected %.5f (%+.2f dB)", what, i, got, want, db);
}

static void expect_frames(int64_t got, int64_t want, const char *what)
{
	if (got != want)
		fail_msg("%s: %lld frames, expected %lld", what, (long long)got, (long long)want);
}

/* Runs the engine over `frames` frames and returns where it is. */
static engine_pos_t pos_after(const song_t *s, int rate, bool loop, size_t frames)
{
	engine_t *e = engine_create(s, rate);
	assert_non_null(e);
	engine_set_loop(e, loop);
	float *buf = malloc(4096 * 2 * sizeof(float));
	assert_non_null(buf);
	while (frames > 0) {
		size_t n = frames < 4096 ? frames : 4096;
		assert_int_equal(engine_render(e, buf, n), n);
		frames -= n;
	}
	engine_pos_t pos;
	engine_get_pos(e, &pos);
	free(buf);
	engine_destroy(e);
	return pos;
}

static int64_t text_frames(const char *text, int rate)
{
	song_t s;
	tu_song_parse(&s, text);
	int64_t n = engine_song_frames(&s, rate);
	song_deinit(&s);
	return n;
}

/* ------------------------------------------------------------------ */
/* pitch                                                                */

static void test_arpeggio(void **state)
{
	(void)state;
	/* 30 BPM, 6 ticks a line: still 16000-frame ticks, and two turns of
	 * the note, +x, +y cycle in each row. */
	take_t t;
	take_text(&t, HEAD(30, 1, 6, 1) SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 3\n"
		"00 = A-4 01 .. 047\n"
		"01 = ... .. .. 0C3\n"
		"02 = ... .. .. ...\n" ORDER0);
	const int steps[3][2] = { { 4, 7 }, { 12, 3 }, { 0, 0 } };
	for (int row = 0; row < 3; row++)
		for (int k = 0; k < 6; k++) {
			int semi = k % 3 == 0 ? 0 : steps[row][k % 3 - 1];
			expect_hz(tick_hz(&t, row * 6 + k), a4_hz(semi * 64.0), "arpeggio tick", row * 6 + k);
		}
	take_free(&t);
}

static void test_porta_up_down(void **state)
{
	(void)state;
	/* 110 raises a semitone (16/16) on ticks 1 and 2; 100 does it again;
	 * 208 lowers half a semitone a tick; 200 again; 100 still means 10
	 * (each command remembers its own).  Tick 0 never moves. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 5\n"
		"00 = A-4 01 .. 110\n"
		"01 = ... .. .. 100\n"
		"02 = ... .. .. 208\n"
		"03 = ... .. .. 200\n"
		"04 = ... .. .. 100\n" ORDER0);
	const int step[5] = { 16, 16, -8, -8, 16 };     /* 1/16 semitones a tick */
	double units = 0;
	for (int row = 0; row < 5; row++)
		for (int k = 0; k < 3; k++) {
			if (k > 0)
				units += step[row] * 4.0;
			expect_hz(tick_hz(&t, row * 3 + k), a4_hz(units), "porta tick", row * 3 + k);
		}
	take_free(&t);
}

static void test_tone_porta(void **state)
{
	(void)state;
	/* 328 glides towards C-5 (+192 units) at 40/16 semitone = 160 units a
	 * tick: A-4, +160, then exactly C-5, not past it.  300 keeps the speed
	 * and the goal; then back down to A-4 (+32, then 0). */
	take_t t;
	take_text(&t, HEAD(60, 1, 3, 1) SINE("0.05 0 1 0.01")
		"[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. ...\n"
		"01 = C-5 .. .. 328\n"
		"02 = ... .. .. 300\n"
		"03 = A-4 .. .. 300\n" ORDER0);
	const double step = 0x28 * 4.0, c5 = 3 * 64.0;
	double units = 0, target = 0;
	for (int row = 0; row < 4; row++) {
		if (row == 1)
			target = c5;
		if (row == 3)
			target = 0;
		for (int k = 0; k < 3; k++) {
			if (row > 0 && k > 0)
				units = units < target ? fmin(units + step, target) : fmax(units - step, target);
			expect_hz(tick_hz(&t, row * 3 + k), a4_hz(units), "tone porta tick", row * 3 + k);
		}
	}
	/* The note is not restarted: no new 50 ms attack at row 1 or row 3,
	 * the level stays full across the row start. */
	for (int row = 1; row <= 3; row += 2) {
		expect_level(rms_at(&t, t.l, (int64_t)row * ROW - 1200, 1200), sine_rms(64), "before row", row);
		expect_level(rms_at(&t, t.l, (int64_t)row * ROW, 1200), sine_rms(64), "row start", row);
	}
	take_free(&t);
}

static void test_tone_porta_volume_slide(void **state)
{
	(void)state;
	/* 308 heads for C-5 at 32 units a tick; 504 carries on gliding while
	 * the volume falls 4 a tick. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. ...\n"
		"01 = C-5 .. .. 308\n"
		"02 = ... .. .. 504\n"
		"03 = ... .. .. 504\n" ORDER0);
	double units = 0;
	int vol = 64;
	for (int row = 0; row < 4; row++)
		for (int k = 0; k < 3; k++) {
			if (row > 0 && k > 0)
				units = fmin(units + 0x08 * 4.0, 192.0);
			if (row >= 2 && k > 0)
				vol -= 4;
			int i = row * 3 + k;
			expect_hz(tick_hz(&t, i), a4_hz(units), "5xy pitch tick", i);
			expect_level(tick_rms(&t, i), sine_rms(vol), "5xy level tick", i);
		}
	take_free(&t);
}

/* Offset (in pitch units, or volume steps) an LFO effect gives on each
 * tick: tick 0 keeps the last one; later ticks take depth * scale *
 * sin(position) and then move the position on by speed (64 a cycle). */
typedef struct lfo_row {
	int speed, depth;   /* after parameter memory; 0 = no effect */
} lfo_row_t;

static void lfo_model(const lfo_row_t *rows, int nrows, double scale, bool round_steps,
                      double *out)
{
	int pos = 0;
	double off = 0;
	for (int row = 0; row < nrows; row++) {
		if (!rows[row].depth)
			off = 0;
		for (int k = 0; k < 3; k++) {
			if (k > 0 && rows[row].depth) {
				off = sin(2.0 * M_PI * pos / 64.0) * rows[row].depth * scale;
				if (round_steps)
					off = (double)lrint(off);
				pos = (pos + rows[row].speed) & 63;
			}
			out[row * 3 + k] = off;
		}
	}
}

static void test_vibrato(void **state)
{
	(void)state;
	/* 488: speed 8 (an eighth of a cycle a tick), depth 8/8 = 1 semitone;
	 * 400 keeps both; 404 keeps the speed and halves the depth; a row
	 * without the command goes back to the plain note. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. 488\n"
		"01 = ... .. .. 400\n"
		"02 = ... .. .. 404\n"
		"03 = ... .. .. ...\n" ORDER0);
	const lfo_row_t rows[4] = { { 8, 8 }, { 8, 8 }, { 8, 4 }, { 0, 0 } };
	double units[12];
	/* depth y/8 semitone = y * 8 units at the peak */
	lfo_model(rows, 4, 8.0, false, units);
	for (int i = 0; i < 12; i++)
		expect_hz(tick_hz(&t, i), a4_hz(units[i]), "vibrato tick", i);
	/* The model must reach the peak and a trough, or it proves little. */
	assert_true(units[4] > 63.9 && units[8] < -22.0);
	take_free(&t);
}

static void test_vibrato_volume_slide(void **state)
{
	(void)state;
	/* 604 continues the 488 vibrato and slides the volume down 4 a tick. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 3\n"
		"00 = A-4 01 .. 488\n"
		"01 = ... .. .. 604\n"
		"02 = ... .. .. 604\n" ORDER0);
	const lfo_row_t rows[3] = { { 8, 8 }, { 8, 8 }, { 8, 8 } };
	double units[9];
	lfo_model(rows, 3, 8.0, false, units);
	int vol = 64;
	for (int i = 0; i < 9; i++) {
		if (i >= 3 && i % 3 > 0)
			vol -= 4;
		expect_hz(tick_hz(&t, i), a4_hz(units[i]), "6xy pitch tick", i);
		expect_level(tick_rms(&t, i), sine_rms(vol), "6xy level tick", i);
	}
	take_free(&t);
}

static void test_fine_porta(void **state)
{
	(void)state;
	/* E1F raises 15/16 semitone (60 units) once, on tick 0: the pitch is
	 * then steady through the row.  E10, E20 reuse their own last values. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 6\n"
		"00 = A-4 01 .. ...\n"
		"01 = ... .. .. E1F\n"
		"02 = ... .. .. E10\n"
		"03 = ... .. .. E28\n"
		"04 = ... .. .. E20\n"
		"05 = ... .. .. E10\n" ORDER0);
	const double move[6] = { 0, 60, 60, -32, -32, 60 };
	double units = 0;
	for (int row = 0; row < 6; row++) {
		units += move[row];
		for (int k = 0; k < 3; k += 2)
			expect_hz(tick_hz(&t, row * 3 + k), a4_hz(units), "fine porta tick", row * 3 + k);
	}
	take_free(&t);
}

/* ------------------------------------------------------------------ */
/* volume and panning                                                   */

static void test_volume_slide(void **state)
{
	(void)state;
	/* Per tick after the first: A04 down 4, A00 the same again, A20 up 2,
	 * A0F down 15, stopping at 0; with both digits set the slide goes up
	 * (as in FT2), A35 +3. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 6\n"
		"00 = A-4 01 .. A04\n"
		"01 = ... .. .. A00\n"
		"02 = ... .. .. A20\n"
		"03 = ... .. .. A0F\n"
		"04 = ... .. .. A0F\n"
		"05 = ... .. .. A35\n" ORDER0);
	const int slide[6] = { -4, -4, 2, -15, -15, 3 };
	int vol = 64;
	for (int row = 0; row < 6; row++)
		for (int k = 0; k < 3; k++) {
			if (k > 0)
				vol = vol + slide[row] < 0 ? 0 : vol + slide[row];
			expect_level(tick_rms(&t, row * 3 + k), sine_rms(vol), "volume slide tick", row * 3 + k);
		}
	take_free(&t);
}

static void test_set_volume(void **state)
{
	(void)state;
	/* Cxx and the volume column both set the volume; an instrument
	 * number alone restores its full volume without a new note. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. C20\n"
		"01 = ... .. 10 ...\n"
		"02 = ... .. .. C30\n"
		"03 = ... 01 .. ...\n" ORDER0);
	const int vol[4] = { 0x20, 0x10, 0x30, 0x40 };
	for (int row = 0; row < 4; row++)
		for (int k = 0; k < 3; k += 2)
			expect_level(tick_rms(&t, row * 3 + k), sine_rms(vol[row]), "set volume tick", row * 3 + k);
	take_free(&t);
}

static void test_note_volume_from_first_sample(void **state)
{
	(void)state;
	/* A note played with a volume starts at that volume: its first
	 * periods are no louder than the rest of it. */
	const char *cells[] = { "A-4 01 08 ...", "A-4 01 .. C08" };
	for (int i = 0; i < 2; i++) {
		char text[1024];
		snprintf(text, sizeof(text), STD "[pattern 00]\nrows = 1\n00 = %s\n" ORDER0, cells[i]);
		take_t t;
		take_text(&t, text);
		double steady = peak_at(&t, 4800, 4800);
		expect_level(steady, 8.0 / 64.0 * cos(M_PI / 4), "steady peak, case", i);
		double first = peak_at(&t, 0, 480);
		if (!(first <= steady * 1.02))
			fail_msg("case %d: first 10 ms peak %.4f above the steady %.4f", i, first, steady);
		take_free(&t);
	}
}

static void test_fine_volume(void **state)
{
	(void)state;
	/* EA8 +8 once, EA0 +8 again, EB4 -4, EB0 -4 again, EA0 still +8:
	 * steady within each row. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 6\n"
		"00 = A-4 01 20 ...\n"
		"01 = ... .. .. EA8\n"
		"02 = ... .. .. EA0\n"
		"03 = ... .. .. EB4\n"
		"04 = ... .. .. EB0\n"
		"05 = ... .. .. EA0\n" ORDER0);
	const int vol[6] = { 32, 40, 48, 44, 40, 48 };
	for (int row = 0; row < 6; row++)
		for (int k = 0; k < 3; k += 2)
			expect_level(tick_rms(&t, row * 3 + k), sine_rms(vol[row]), "fine volume tick", row * 3 + k);
	take_free(&t);
}

static void test_tremolo(void **state)
{
	(void)state;
	/* From volume 32: 784 is speed 8, depth 4 * 4 = 16 steps; 700 keeps
	 * both; 702 keeps the speed with 8 steps; then the plain volume. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 20 784\n"
		"01 = ... .. .. 700\n"
		"02 = ... .. .. 702\n"
		"03 = ... .. .. ...\n" ORDER0);
	const lfo_row_t rows[4] = { { 8, 4 }, { 8, 4 }, { 8, 2 }, { 0, 0 } };
	double steps[12];
	lfo_model(rows, 4, 4.0, true, steps);
	for (int i = 0; i < 12; i++)
		expect_level(tick_rms(&t, i), sine_rms(32 + steps[i]), "tremolo tick", i);
	assert_true(steps[4] == 16 && steps[8] < 0);
	take_free(&t);
}

static void test_pan(void **state)
{
	(void)state;
	/* 00 hard left, 80 centre, FF hard right, 40 half left (pan -0.5);
	 * the pan stays when the next row has no command.  Constant power:
	 * the sides take cos and sin of (pan + 1) * pi / 4. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 5\n"
		"00 = A-4 01 .. 800\n"
		"01 = ... .. .. 880\n"
		"02 = ... .. .. 8FF\n"
		"03 = ... .. .. 840\n"
		"04 = ... .. .. ...\n" ORDER0);
	const double pan[5] = { -1.0, 0.0, 1.0, -0.5, -0.5 };
	for (int row = 0; row < 5; row++) {
		double th = (pan[row] + 1.0) * M_PI / 4;
		int64_t at = (int64_t)row * ROW + 4800;
		double l = rms_at(&t, t.l, at, 36000), r = rms_at(&t, t.r, at, 36000);
		if (!(fabs(l - cos(th) / sqrt(2.0)) < 0.003 && fabs(r - sin(th) / sqrt(2.0)) < 0.003))
			fail_msg("pan row %d: L %.4f R %.4f, expected %.4f %.4f", row, l, r,
			         cos(th) / sqrt(2.0), sin(th) / sqrt(2.0));
	}
	take_free(&t);
}

/* ------------------------------------------------------------------ */
/* sample offset                                                        */

#define RAMP_FRAMES 65536

/* Renders text with instrument 02 a sampler holding a slow ramp (frame
 * i = i / 65536) played at its own rate, so what comes out names the
 * frame being played, and checks where each row's note starts (-1: the
 * row is not checked). */
static void add_ramp(song_t *s)
{
	instrument_t *in = song_inst_new(s, 2, INST_SAMPLER);
	assert_non_null(in);
	in->sampler.root = NOTE_MIN + 4 * 12;     /* C-4 */
	/* No release: a restarted note leaves nothing behind to overlap. */
	in->sampler.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.0f };
	sample_t *smp = &in->sampler.sample;
	smp->data = malloc(RAMP_FRAMES * sizeof(float));
	assert_non_null(smp->data);
	for (int i = 0; i < RAMP_FRAMES; i++)
		smp->data[i] = (float)i / RAMP_FRAMES;
	smp->channels = 1;
	smp->frames = RAMP_FRAMES;
	smp->rate = RATE;
}

static void expect_offsets(const char *text, const int offset[4])
{
	song_t s;
	tu_song_parse(&s, text);
	add_ramp(&s);
	take_t t;
	take_song(&t, &s);
	for (int row = 0; row < 4; row++) {
		if (offset[row] < 0)
			continue;
		/* Past the start's declick ramp (1.5 ms) and the attack. */
		for (int k = 200; k < 20000; k += 100) {
			double want = (double)(offset[row] + k) / RAMP_FRAMES * cos(M_PI / 4);
			double got = t.l[(int64_t)row * ROW + k];
			if (!(fabs(got - want) < 1e-4))
				fail_msg("offset row %d, frame %d: %.6f, expected %.6f (sample frame %.1f)",
				         row, k, got, want, got / cos(M_PI / 4) * RAMP_FRAMES);
		}
	}
	take_free(&t);
	song_deinit(&s);
}

static void test_sample_offset(void **state)
{
	(void)state;
	/* 910 starts at frame 0x10 * 256, 900 remembers it, 920 starts at
	 * 0x20 * 256, no command at 0. */
	const int offset[4] = { 0x10 * 256, 0x10 * 256, 0x20 * 256, 0 };
	expect_offsets(STD "[pattern 00]\nrows = 4\n"
		"00 = C-4 02 .. 910\n"
		"01 = C-4 02 .. 900\n"
		"02 = C-4 02 .. 920\n"
		"03 = C-4 02 .. ...\n" ORDER0, offset);
	/* ProTracker's rules: 910 with a note plays from 0x10 and moves the
	 * start to 0x20, where the next note without an instrument starts; a
	 * 904 alone moves it to 0x24.  beatty's own: 0x10, then 0. */
	const char *pt = "[pattern 00]\nrows = 4\n"
		"00 = C-4 02 .. 910\n"
		"01 = C-4 .. .. ...\n"
		"02 = ... .. .. 904\n"
		"03 = C-4 .. .. ...\n" ORDER0;
	char text[1024];
	snprintf(text, sizeof(text), "%s%s", HEAD(60, 1, 3, 1) "rules = protracker\n"
	         SINE("0 0 1 0.01"), pt);
	expect_offsets(text, (const int[4]){ 0x10 * 256, 0x20 * 256, -1, 0x24 * 256 });
	snprintf(text, sizeof(text), "%s%s", STD, pt);
	expect_offsets(text, (const int[4]){ 0x10 * 256, 0, -1, 0 });
}

/* EEx repeats a row without its notes: an EDx note on it starts once, on
 * the first pass, and plays on through the repeat.  With rules =
 * protracker an EAx or EBx slides again on each repeat. */
static void test_row_delay_note_once(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, HEAD(60, 1, 3, 2) SINE("0 0 1 0.01") "[pattern 00]\nrows = 2\n"
		"00 = C-4 02 .. ED1 | ... .. .. EE1\n" ORDER0);
	add_ramp(&s);
	take_t t;
	take_song(&t, &s);
	for (int k = 200; k < 15000; k += 100) {   /* (the ramp ends at 65536) */
		double want = (double)(ROW + k) / RAMP_FRAMES * cos(M_PI / 4);
		double got = t.l[(int64_t)ROW + TICK + k];
		if (!(fabs(got - want) < 1e-4))
			fail_msg("repeat, frame %d: sample frame %.1f, expected %d", k,
			         got / cos(M_PI / 4) * RAMP_FRAMES, ROW + k);
	}
	take_free(&t);
	song_deinit(&s);

	/* EB8 with EE2: 64 - 3 x 8 under ProTracker's rules, 64 - 8 in beatty's. */
	const char *pat = "[pattern 00]\nrows = 2\n00 = A-4 01 .. EB8 | ... .. .. EE2\n" ORDER0;
	const char *rules[2] = { "protracker", "beatty" };
	const double want[2] = { 40.0 / 64.0, 56.0 / 64.0 };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s%s", HEAD(60, 1, 3, 2), rules[k],
		         SINE("0 0 1 0.01"), pat);
		take_t a, b;
		take_text(&a, text);
		take_text(&b, HEAD(60, 1, 3, 2) SINE("0 0 1 0.01") "[pattern 00]\nrows = 2\n"
		          "00 = A-4 01 .. ... | ... .. .. EE2\n" ORDER0);
		double got = tick_rms(&a, 7) / tick_rms(&b, 7);
		if (!(fabs(got - want[k]) < 0.01))
			fail_msg("%s: EB8 on the last repeat at %.3f, expected %.3f", rules[k], got, want[k]);
		take_free(&a);
		take_free(&b);
	}
}

/* rules = st3: an offset at or past a looped sample's loop end starts at
 * the loop start; beatty's own rules wrap it into the loop.  And a note
 * without an effect starts where the last 9xx did, until a retriggered
 * or delayed note (here ED0) starts from 0 again. */
static void test_st3_offset_past_loop(void **state)
{
	(void)state;
	const char *mem = "[pattern 00]\nrows = 4\n00 = C-4 02 .. 910\n01 = C-4 .. .. ...\n"
		"02 = C-4 .. .. ED0\n03 = C-4 .. .. ...\n" ORDER0;
	char head[512];
	snprintf(head, sizeof(head), "%srules = st3\n%s%s", HEAD(60, 1, 3, 1), SINE("0 0 1 0.01"), mem);
	expect_offsets(head, (const int[4]){ 0x10 * 256, 0x10 * 256, 0, 0 });
	snprintf(head, sizeof(head), "%s%s", STD, mem);
	expect_offsets(head, (const int[4]){ 0x10 * 256, 0, 0, 0 });
	/* ST3's E9x count runs on into the next row, its first tick
	 * included: E93 with the note on row 0 (3 ticks a row) restarts it
	 * on row 1's first tick; beatty's own E93 restarts on ticks 3, 6 ...
	 * of a row only, so the note plays on. */
	const char *retrig = "[pattern 00]\nrows = 2\n00 = C-4 02 .. E93\n01 = ... .. .. E93\n" ORDER0;
	snprintf(head, sizeof(head), "%srules = st3\n%s%s", HEAD(60, 1, 3, 1), SINE("0 0 1 0.01"), retrig);
	expect_offsets(head, (const int[4]){ 0, 0, -1, -1 });
	snprintf(head, sizeof(head), "%s%s", STD, retrig);
	song_t sb;
	tu_song_parse(&sb, head);
	add_ramp(&sb);
	take_t tb;
	take_song(&tb, &sb);
	double got = tb.l[ROW + 1000] / cos(M_PI / 4) * RAMP_FRAMES;
	if (!(fabs(got - (ROW + 1000)) < 8.0))
		fail_msg("beatty's E93: sample frame %.1f on row 1, expected %d", got, ROW + 1000);
	take_free(&tb);
	song_deinit(&sb);

	const char *rules[2] = { "st3", "beatty" };
	const int from[2] = { 4096, 4096 + (0x50 * 256 - 16384) };
	for (int r = 0; r < 2; r++) {
		char text[512];
		snprintf(text, sizeof(text), "%srules = %s\n%s[pattern 00]\nrows = 1\n00 = C-4 02 .. 950\n"
		         ORDER0, HEAD(60, 1, 3, 1), rules[r], SINE("0 0 1 0.01"));
		song_t s;
		tu_song_parse(&s, text);
		add_ramp(&s);
		sampler_params_t *p = &s.inst[2]->sampler;
		p->loop = LOOP_FORWARD;
		p->loop_start = 4096;
		p->loop_end = 16384;
		take_t t;
		take_song(&t, &s);
		for (int k = 200; k < 8000; k += 100) {
			double want = (double)(from[r] + k) / RAMP_FRAMES * cos(M_PI / 4);
			if (!(fabs(t.l[k] - want) < 1e-4))
				fail_msg("%s, frame %d: sample frame %.1f, expected %d", rules[r], k,
				         t.l[k] / cos(M_PI / 4) * RAMP_FRAMES, from[r] + k);
		}
		take_free(&t);
		song_deinit(&s);
	}
}

/* slides = amiga: B-6 is ProTracker's B-3, period 113 in its table (the
 * even-tempered 113.27 here); under ProTracker's rules a 1xx from there
 * is at the limit and leaves the note, under beatty's it moves it onto
 * period 113. */
static void test_pt_slide_at_limit(void **state)
{
	(void)state;
	const char *rules[2] = { "protracker", "beatty" };
	double b6 = a4_hz(26.0 * PITCH_PER_SEMITONE);
	double at113 = b6 * 428.0 * pow(2.0, -23.0 / 12.0) / 113.0;
	for (int r = 0; r < 2; r++) {
		char text[512];
		snprintf(text, sizeof(text), "%sslides = amiga\nrules = %s\n%s[pattern 00]\nrows = 1\n"
		         "00 = B-6 01 .. 101\n" ORDER0, HEAD(60, 1, 3, 1), rules[r], SINE("0 0 1 0.01"));
		take_t t;
		take_text(&t, text);
		expect_hz(tick_hz(&t, 0), b6, rules[r], 0);
		expect_hz(tick_hz(&t, 2), r == 0 ? b6 : at113, rules[r], 2);
		take_free(&t);
	}
}

/* Under ProTracker's and ST3's rules a sample note fades in over 1/400 s
 * (120 frames at 48 kHz), as libxmp mixes them; beatty's own rules and
 * FT2's start it at once.  The ramp sample against itself. */
static void test_tracker_fade_in(void **state)
{
	(void)state;
	const char *rules[4] = { "beatty", "protracker", "st3", "ft2" };
	take_t ref = { 0 };
	for (int r = 0; r < 4; r++) {
		char text[512];
		snprintf(text, sizeof(text), "%srules = %s\n%s[pattern 00]\nrows = 1\n00 = C-4 02 .. ...\n"
		         ORDER0, HEAD(60, 1, 3, 1), rules[r], SINE("0 0 1 0.01"));
		song_t s;
		tu_song_parse(&s, text);
		add_ramp(&s);
		take_t t;
		take_song(&t, &s);
		song_deinit(&s);
		if (r == 0) {
			ref = t;
			continue;
		}
		bool fades = r == 1 || r == 2;
		for (int k = 10; k < 1000; k += 10) {
			double want = fades && k < 120 ? k / 120.0 : 1.0;
			double got = t.l[k] / ref.l[k];
			if (!(fabs(got - want) < 1e-3))
				fail_msg("%s, frame %d: %.4f of beatty's level, expected %.4f", rules[r], k, got, want);
		}
		take_free(&t);
	}
	take_free(&ref);
}

/* rules = st3: a note that was cut (SCx, here EC1) or let go (an off)
 * is over, and neither a volume nor a later retrigger brings it back
 * before the next note; beatty's own rules restart it. */
static void test_st3_retrig_after_cut(void **state)
{
	(void)state;
	const char *pats[2] = {
		"[pattern 00]\nrows = 3\n00 = A-4 01 .. ...\n01 = ... .. .. EC1\n02 = ... .. 40 E91\n" ORDER0,
		"[pattern 00]\nrows = 3\n00 = A-4 01 .. ...\n01 = === .. .. ...\n02 = ... .. 40 E91\n" ORDER0,
	};
	const char *rules[2] = { "st3", "beatty" };
	for (int k = 0; k < 2; k++)
		for (int r = 0; r < 2; r++) {
			char text[1024];
			snprintf(text, sizeof(text), "%srules = %s\n%s%s", HEAD(60, 1, 3, 1), rules[r],
			         SINE("0 0 1 0.01"), pats[k]);
			take_t t;
			take_text(&t, text);
			expect_level(tick_rms(&t, 1), sine_rms(64), rules[r], k);
			for (int i = 7; i < 9; i++)
				expect_level(tick_rms(&t, i), r == 0 ? 0.0 : sine_rms(64), rules[r], 10 * k + i);
			take_free(&t);
		}
}

/* rules = st3 slides a volume by a whole F (A0F, AF0) on the row's
 * first tick too, other slides only after it; vol_slides = fast slides
 * every one on the first tick too.  Levels tick by tick, 3 ticks a row. */
static void test_st3_first_tick_slides(void **state)
{
	(void)state;
	static const struct {
		const char *head, *fx;
		int vol[3];
	} cases[] = {
		{ "rules = st3\n", "A0F", { 49, 34, 19 } },
		{ "rules = st3\n", "A0E", { 64, 50, 36 } },
		{ "", "A0F", { 64, 49, 34 } },
		{ "rules = st3\nvol_slides = fast\n", "A02", { 62, 60, 58 } },
		{ "vol_slides = fast\n", "610", { 30, 31, 32 } },
		{ "", "A02", { 64, 62, 60 } },
	};
	for (int k = 0; k < (int)(sizeof(cases) / sizeof(cases[0])); k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%s%s%s[pattern 00]\nrows = 1\n00 = A-4 01 %s %s\n" ORDER0,
		         HEAD(60, 1, 3, 1), cases[k].head, SINE("0 0 1 0.01"),
		         cases[k].fx[0] == '6' ? "1D" : "..", cases[k].fx);
		take_t t;
		take_text(&t, text);
		for (int i = 0; i < 3; i++)
			expect_level(tick_rms(&t, i), sine_rms(cases[k].vol[i]), cases[k].fx, 10 * k + i);
		take_free(&t);
	}
}

/* rules = st3 slides the pitch by an E1x or E2x again on each EEx
 * repeat of the line, as ST3 (and libxmp) do; beatty's own rules slide
 * once.  E28 (linear slides): half a semitone down each time. */
static void test_st3_fine_slides_repeat(void **state)
{
	(void)state;
	const char *rules[2] = { "st3", "beatty" };
	for (int r = 0; r < 2; r++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s[pattern 00]\nrows = 2\n"
		         "00 = A-4 01 .. E28 | ... .. .. EE2\n" ORDER0, HEAD(60, 1, 3, 2), rules[r],
		         SINE("0 0 1 0.01"));
		take_t t;
		take_text(&t, text);
		for (int k = 0; k < 3; k++)
			expect_hz(tick_hz(&t, 3 * k + 1), a4_hz(-32.0 * (r == 0 ? k + 1 : 1)), rules[r], k);
		take_free(&t);
	}
}

/* ------------------------------------------------------------------ */
/* notes in time                                                        */

static void test_note_delay(void **state)
{
	(void)state;
	/* ED2 starts the note on tick 2, at frame 32000 exactly: the output
	 * is the undelayed note moved by that many frames, silence before. */
	take_t a, b;
	take_text(&a, STD "[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n" ORDER0);
	take_text(&b, STD "[pattern 00]\nrows = 2\n00 = A-4 01 .. ED2\n" ORDER0);
	const int64_t at = 2 * TICK;
	assert_true(b.n > at + 2000);
	for (int64_t i = 0; i < at; i++)
		if (b.l[i] != 0.0f)
			fail_msg("sound at frame %lld before the delayed note", (long long)i);
	for (int64_t i = 0; i < 2000; i++)
		if (!(fabsf(a.l[i] - b.l[at + i]) <= 1e-6f))
			fail_msg("delayed note differs at frame %lld", (long long)(at + i));
	int differs = 0;   /* one frame off would not match */
	for (int64_t i = 0; i < 2000; i++)
		differs += fabsf(a.l[i] - b.l[at + 1 + i]) > 1e-6f;
	assert_true(differs > 1800);
	take_free(&a);
	take_free(&b);

	/* The note sounding before goes on until the delayed one starts. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 2\n"
		"00 = A-4 01 .. ...\n"
		"01 = E-5 01 .. ED1\n" ORDER0);
	const double e5 = a4_hz(7 * 64.0);
	for (int k = 3; k < 6; k++) {
		const float *w = span(&t, t.l, tick_at(k, TICK) + WIN_SKIP, WIN_LEN);
		double ga = tu_goertzel(w, WIN_LEN, RATE, 440.0), ge = tu_goertzel(w, WIN_LEN, RATE, e5);
		bool e5_on = k >= 4;
		if (!(e5_on ? ge > 0.5 && ga < 0.01 : ga > 0.5 && ge < 0.01))
			fail_msg("delay tick %d: A-4 %.3f, E-5 %.3f", k, ga, ge);
	}
	take_free(&t);
}

static void test_note_cut_tick(void **state)
{
	(void)state;
	/* EC2 silences the note at tick 2; EC0 at once, even after a volume
	 * column; a volume afterwards brings the same note back (a cut is
	 * volume 0, the voice goes on). */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 3\n"
		"00 = A-4 01 .. EC2\n"
		"01 = ... .. 40 EC0\n"
		"02 = ... .. 40 ...\n" ORDER0);
	const double want[9] = { 1, 1, 0, 0, 0, 0, 1, 1, 1 };
	for (int i = 0; i < 9; i++)
		expect_level(tick_rms(&t, i), want[i] * sine_rms(64), "cut tick", i);
	/* Silent (-80 dB: nine 2 ms smoothing time constants) from 20 ms
	 * after the cut tick starts. */
	const int64_t cut = 2 * TICK + RATE / 50;
	expect_level(rms_at(&t, t.l, cut, (size_t)(3 * TICK - cut)), 0.0, "after the cut, frame", (int)cut);
	take_free(&t);
}

/* A 50 ms blip: each start of the note is a burst that dies well within
 * a tick, so starts can be counted. */
#define BLIP HEAD(30, 1, 6, 1) SINE("0 0.05 0 0")
#define BLIP_LEN 2400

static void expect_blip(const take_t *t, int64_t at, bool on, const char *what, int i)
{
	const float *w = span(t, t->l, at, BLIP_LEN);
	if (on) {
		for (int j = 0; j < BLIP_LEN; j++)
			if (!(fabsf(w[j] - t->l[j]) <= 1e-5f))
				fail_msg("%s %d: not a fresh start of the note (frame %d: %.6f vs %.6f)",
				         what, i, j, w[j], t->l[j]);
	} else if (!(tu_peak(w, BLIP_LEN) < 1e-5)) {
		fail_msg("%s %d: sound where no note starts", what, i);
	}
}

static void test_retrigger(void **state)
{
	(void)state;
	/* 6 ticks a line.  E92 on the note's row restarts it on ticks 2 and 4;
	 * E93 on a row without a note restarts the sounding note on tick 3. */
	take_t t;
	take_text(&t, BLIP "[pattern 00]\nrows = 2\n"
		"00 = A-4 01 .. E92\n"
		"01 = ... .. .. E93\n" ORDER0);
	/* the first blip: starts at once and dies within a tick */
	assert_true(tu_peak(t.l, BLIP_LEN) > 0.3);
	for (int k = 1; k < 12; k++) {
		bool on = k == 2 || k == 4 || k == 9;
		expect_blip(&t, tick_at(k, TICK), on, "retrigger tick", k);
	}
	take_free(&t);
}

static void test_row_delay(void **state)
{
	(void)state;
	/* EE2 makes row 0 last three rows' time without playing its note
	 * again; row 1's note comes three rows in. */
	const char *text = BLIP "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. EE2\n"
		"01 = A-4 01 .. ...\n" ORDER0;
	const int64_t row = 6 * TICK;
	expect_frames(text_frames(text, RATE), 6 * row, "EE2 song");
	take_t t;
	take_text(&t, text);
	for (int r = 0; r < 6; r++)
		expect_blip(&t, r * row, r == 0 || r == 3, "row delay, row time", r);
	take_free(&t);

	song_t s;
	tu_song_parse(&s, text);
	engine_pos_t pos = pos_after(&s, RATE, false, (size_t)(2 * row + row / 2));
	assert_int_equal(pos.row, 0);
	pos = pos_after(&s, RATE, false, (size_t)(3 * row + row / 2));
	assert_int_equal(pos.row, 1);
	song_deinit(&s);
}

static void test_note_off_and_cut(void **state)
{
	(void)state;
	/* === starts the 0.1 s release (80 dB, exponential: the level is
	 * 10^(-40 t) t seconds in), ^^^ silences within 3 ms despite a long
	 * release. */
	take_t t;
	take_text(&t, HEAD(60, 1, 3, 1) SINE("0 0 1 0.1")
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n01 = === .. .. ...\n" ORDER0);
	const double full = cos(M_PI / 4);
	assert_true(fabs(peak_at(&t, ROW - 2400, 2400) - full) < 0.01);
	double t0 = 0.020, t1 = 0.025;
	double p = peak_at(&t, ROW + (int64_t)(t0 * RATE), (size_t)((t1 - t0) * RATE));
	double hi = full * pow(10.0, -40.0 * t0) * 1.12, lo = full * pow(10.0, -40.0 * t1) * 0.89;
	if (!(p > lo && p < hi))
		fail_msg("release 20..25 ms in: peak %.4f, expected %.4f..%.4f", p, lo, hi);
	assert_true(peak_at(&t, ROW + RATE / 10 + 480, 2400) < 1e-6);
	take_free(&t);

	take_text(&t, HEAD(60, 1, 3, 1) SINE("0 0 1 0.5")
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n01 = ^^^ .. .. ...\n" ORDER0);
	assert_true(fabs(peak_at(&t, ROW - 2400, 2400) - full) < 0.01);
	assert_true(peak_at(&t, ROW + RATE * 5 / 1000, 4800) < 1e-6);
	take_free(&t);
}

/* ------------------------------------------------------------------ */
/* song flow                                                            */

/* 120 BPM, 4 lines a beat, 6 ticks: 6000 frames a row at 48 kHz. */
#define FLOW HEAD(120, 4, 6, 1) SINE("0 0 1 0.01")
#define FROW 6000

static void test_position_jump(void **state)
{
	(void)state;
	/* B02 on row 1 skips order 01 (the only E-5): 2 + 4 rows. */
	const char *fwd = FLOW
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n01 = ... .. .. B02\n"
		"[pattern 01]\nrows = 4\n00 = E-5 01 .. ...\n"
		"[pattern 02]\nrows = 4\n"
		"[order]\n00 = 00\n01 = 01\n02 = 02\n";
	expect_frames(text_frames(fwd, RATE), 6 * FROW, "B02 song");
	take_t t;
	take_text(&t, fwd);
	/* (A-4 leaks about 0.001 into the E-5 bin; 4 rows of E-5 would
	 * give about 0.47.) */
	assert_true(tu_goertzel(t.l, 6 * FROW, RATE, a4_hz(7 * 64.0)) < 0.01);
	assert_true(tu_goertzel(t.l, 6 * FROW, RATE, 440.0) > 0.5);
	take_free(&t);

	/* B00 on row 2 of order 01 goes back to what already played: the
	 * song ends there (4 + 3 rows) instead of running forever... */
	const char *back = FLOW
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n"
		"[pattern 01]\nrows = 4\n02 = ... .. .. B00\n"
		"[order]\n00 = 00\n01 = 01\n";
	expect_frames(text_frames(back, RATE), 7 * FROW, "B00 song");
	/* ...unless it loops: 16 rows in, it is on its third pass, row 2 of
	 * order 00 (passes are 7 rows long). */
	song_t s;
	tu_song_parse(&s, back);
	engine_pos_t pos = pos_after(&s, RATE, true, 16 * FROW + FROW / 2);
	assert_false(pos.ended);
	assert_int_equal(pos.order, 0);
	assert_int_equal(pos.row, 2);
	song_deinit(&s);
}

static void test_pattern_break(void **state)
{
	(void)state;
	/* D02 on row 1: on to row 2 of order 01, so 2 + 2 rows. */
	expect_frames(text_frames(FLOW
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n01 = ... .. .. D02\n"
		"[pattern 01]\nrows = 4\n"
		"[order]\n00 = 00\n01 = 01\n", RATE), 4 * FROW, "D02 song");
	/* The row is hex: D10 is row 16 of 32, so 1 + 16 rows. */
	const char *hex = FLOW
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. D10\n"
		"[pattern 01]\nrows = 32\n"
		"[order]\n00 = 00\n01 = 01\n";
	expect_frames(text_frames(hex, RATE), 17 * FROW, "D10 song");
	song_t s;
	tu_song_parse(&s, hex);
	engine_pos_t pos = pos_after(&s, RATE, false, FROW + FROW / 2);
	assert_int_equal(pos.order, 1);
	assert_int_equal(pos.row, 0x10);
	song_deinit(&s);

	/* Bxx and Dxx on one row: order B, row D. */
	const char *both = HEAD(120, 4, 6, 2) SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 4\n01 = ... .. .. B02 | ... .. .. D03\n"
		"[pattern 01]\nrows = 4\n"
		"[pattern 02]\nrows = 4\n"
		"[order]\n00 = 00\n01 = 01\n02 = 02\n";
	expect_frames(text_frames(both, RATE), 3 * FROW, "B02 + D03 song");
	tu_song_parse(&s, both);
	pos = pos_after(&s, RATE, false, 2 * FROW + FROW / 2);
	assert_int_equal(pos.order, 2);
	assert_int_equal(pos.row, 3);
	song_deinit(&s);

	/* A Dxx to the left of the Bxx is cancelled by it: row 0. */
	const char *left = HEAD(120, 4, 6, 2) SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 4\n01 = ... .. .. D03 | ... .. .. B02\n"
		"[pattern 01]\nrows = 4\n"
		"[pattern 02]\nrows = 4\n"
		"[order]\n00 = 00\n01 = 01\n02 = 02\n";
	expect_frames(text_frames(left, RATE), 6 * FROW, "D03 + B02 song");
	tu_song_parse(&s, left);
	pos = pos_after(&s, RATE, false, 2 * FROW + FROW / 2);
	assert_int_equal(pos.order, 2);
	assert_int_equal(pos.row, 0);
	song_deinit(&s);
}

static void test_pattern_loop(void **state)
{
	(void)state;
	/* E60 on row 2, E62 on row 4: rows 2-4 play three times, 8 + 6 rows. */
	const char *text = FLOW "[pattern 00]\nrows = 8\n"
		"00 = A-4 01 .. ...\n02 = ... .. .. E60\n04 = ... .. .. E62\n" ORDER0;
	expect_frames(text_frames(text, RATE), 14 * FROW, "E60/E62 song");
	/* The sixth row played is row 2 again. */
	song_t s;
	tu_song_parse(&s, text);
	engine_pos_t pos = pos_after(&s, RATE, false, 5 * FROW + FROW / 2);
	assert_int_equal(pos.row, 2);
	song_deinit(&s);

	/* Without E60 the loop starts at row 0: E61 on row 3 gives 8 + 4. */
	expect_frames(text_frames(FLOW "[pattern 00]\nrows = 8\n03 = ... .. .. E61\n" ORDER0, RATE),
	              12 * FROW, "E61 song");
}

static void test_speed_and_tempo(void **state)
{
	(void)state;
	/* F06 on row 0: 6 ticks of 8000 frames a line (the line still lasts
	 * 60 / (bpm * lpb) s), so A08 on row 1 steps down 8 every 8000. */
	const char *tpl6 = STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. F06\n01 = ... .. .. A08\n" ORDER0;
	expect_frames(text_frames(tpl6, RATE), 4 * ROW, "F06 song");
	take_t t;
	take_text(&t, tpl6);
	const int tick6 = RATE * 60 / (60 * 1 * 6);
	for (int k = 0; k < 6; k++)
		expect_level(rms_at(&t, t.l, ROW + (int64_t)k * tick6 + 1500, 6000), sine_rms(64 - 8 * k),
		             "F06 tick", k);
	take_free(&t);

	/* F78 (120 BPM) from row 2: 2 rows of 1 s, 2 of 0.5 s. */
	expect_frames(text_frames(STD "[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n02 = ... .. .. F78\n"
		ORDER0, RATE), 2 * ROW + 2 * (RATE * 60 / 120), "F78 song");
	/* Set on row 0 it applies to row 0 too. */
	expect_frames(text_frames(STD "[pattern 00]\nrows = 4\n00 = A-4 01 .. F78\n" ORDER0, RATE),
	              4 * (RATE * 60 / 120), "F78 on row 0");
	/* F00 ends the song after its row, orders left or not. */
	expect_frames(text_frames(STD "[pattern 00]\nrows = 4\n01 = ... .. .. F00\n"
		"[order]\n00 = 00\n01 = 00\n", RATE), 2 * ROW, "F00 song");
}

/* timing = ticks: a tick lasts 2.5 / bpm s whatever tpl and lpb are, so
 * Fxx speeds make lines longer or shorter, as in ProTracker and FT2. */
static void test_tick_timing(void **state)
{
	(void)state;
	/* 125 BPM: 960-frame ticks at 48 kHz; 4 rows of 6, then 4 of 3. */
	const char *text = "[song]\nformat = 1\nbpm = 125\nlpb = 4\ntpl = 6\nchannels = 1\n"
		"timing = ticks\n\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 8\n00 = A-4 01 .. ...\n04 = ... .. .. F03\n" ORDER0;
	expect_frames(text_frames(text, RATE), 4 * 6 * 960 + 4 * 3 * 960, "ticks song");
	/* A tempo that does not divide the rate: every tick is the same whole
	 * number of frames, the fraction dropped, as FT2 and libxmp count
	 * them (floor(2.5 * 48000 / 131) = 916 a tick, where the exact
	 * fraction would make 64 * 5 ticks 293129 frames). */
	const char *odd = "[song]\nformat = 1\nbpm = 131\nlpb = 3\ntpl = 5\nchannels = 1\n"
		"timing = ticks\n\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 64\n00 = A-4 01 .. ...\n" ORDER0;
	expect_frames(text_frames(odd, RATE), (int64_t)64 * 5 * (120000 / 131), "ticks 131 song");
	/* The default counts lines: the same song without the key keeps
	 * 60 / (bpm * lpb) s a line. */
	const char *lines = "[song]\nformat = 1\nbpm = 131\nlpb = 3\ntpl = 5\nchannels = 1\n\n"
		SINE("0 0 1 0.01") "[pattern 00]\nrows = 64\n00 = A-4 01 .. ...\n" ORDER0;
	expect_frames(text_frames(lines, RATE), (int64_t)64 * RATE * 60 / (131 * 3), "lines song");
}

/* A break or jump past the end of the order list goes on at the restart
 * position, as trackers play it; the song ends on a row already played. */
static void test_jump_past_end(void **state)
{
	(void)state;
	/* D04 on row 0 of the last order: rows 4-7 of order 00 play, then
	 * its row 0 again is the end: 1 + 4 rows. */
	expect_frames(text_frames(FLOW "[pattern 00]\nrows = 8\n00 = A-4 01 .. D04\n" ORDER0, RATE),
	              5 * FROW, "D04 past the end");
	/* B05 past the list: order 00 (restart) row 0, already played: the end. */
	expect_frames(text_frames(FLOW "[pattern 00]\nrows = 8\n02 = A-4 01 .. B05\n" ORDER0, RATE),
	              3 * FROW, "B05 past the end");
	/* With restart 01, a break off the end lands in order 01, on rows
	 * 2-3 it skipped before; then the list ends as usual: 4 + 2 + 2. */
	expect_frames(text_frames(HEAD(120, 4, 6, 1) "restart = 01\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 4\n[pattern 01]\nrows = 4\n01 = ... .. .. D02\n"
		"[order]\n00 = 00\n01 = 01\n", RATE), 8 * FROW, "D02 to the restart");
	/* F00 still ends the song. */
	expect_frames(text_frames(FLOW "[pattern 00]\nrows = 8\n01 = ... .. .. F00\n" ORDER0, RATE),
	              2 * FROW, "F00");
}

/* E5x: a finetune for the row's note and the next ones, until an
 * instrument number brings the instrument's back. */
static void test_finetune(void **state)
{
	(void)state;
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. E54\n"      /* +4/8 semitone */
		"01 = A-4 .. .. ...\n"      /* kept */
		"02 = A-4 .. .. E5C\n"      /* -4/8 */
		"03 = A-4 01 .. ...\n" ORDER0);
	const double units[4] = { 32, 32, -32, 0 };
	for (int row = 0; row < 4; row++)
		expect_hz(tick_hz(&t, row * 3 + 1), a4_hz(units[row]), "E5x row", row);
	take_free(&t);
}

/* Under a tracker's rules 3xx glides only to a note given with a glide:
 * a note without one leaves the goal; ProTracker forgets a goal once
 * reached, FT2 keeps it. */
static void test_tracker_glide_goal(void **state)
{
	(void)state;
	const char *pat = "[pattern 00]\nrows = 7\n"
		"00 = A-4 01 .. ...\n"
		"01 = A#4 .. .. 301\n"     /* +4 units a tick, towards A#4 */
		"02 = A-4 .. .. ...\n"     /* back on A-4, the goal kept */
		"03 = ... .. .. 301\n"     /* on towards A#4 */
		"04 = ... .. .. 3FF\n"     /* there (+64) */
		"05 = ... .. .. 210\n"     /* -64 a tick */
		"06 = ... .. .. 301\n" ORDER0;
	const double pt[7][2] = { { 0, 0 }, { 4, 8 }, { 0, 0 }, { 4, 8 }, { 64, 64 },
	                          { 0, -64 }, { -64, -64 } };
	const double ft2[7][2] = { { 0, 0 }, { 4, 8 }, { 0, 0 }, { 4, 8 }, { 64, 64 },
	                           { 0, -64 }, { -60, -56 } };
	const char *rules[2] = { "protracker", "ft2" };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s%s", HEAD(60, 1, 3, 1), rules[k],
		         SINE("0 0 1 0.01"), pat);
		take_t t;
		take_text(&t, text);
		for (int row = 0; row < 7; row++)
			for (int tk = 1; tk <= 2; tk++)
				expect_hz(tick_hz(&t, row * 3 + tk), a4_hz(k ? ft2[row][tk - 1] : pt[row][tk - 1]),
				          rules[k], row * 3 + tk);
		take_free(&t);
	}
}

/* In ProTracker and FT2 a 3xx note on a channel with nothing playing
 * starts nothing; ST3 and beatty's own rules play the note. */
static void test_tracker_glide_from_silence(void **state)
{
	(void)state;
	const char *pat = "[pattern 00]\nrows = 2\n00 = A-4 01 .. 301\n01 = A-4 01 .. ...\n" ORDER0;
	const char *rules[4] = { "protracker", "ft2", "st3", "beatty" };
	for (int k = 0; k < 4; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s%s", HEAD(60, 1, 3, 1), rules[k],
		         SINE("0 0 1 0.01"), pat);
		take_t t;
		take_text(&t, text);
		double first = tick_rms(&t, 1), second = tick_rms(&t, 4);
		if (k < 2 && !(first < 1e-4))
			fail_msg("%s: the glide from silence sounds (%.4f)", rules[k], first);
		if (k >= 2 && !(first > 0.1))
			fail_msg("%s: the glide's note is silent (%.4f)", rules[k], first);
		if (!(second > 0.1))
			fail_msg("%s: the next note is silent (%.4f)", rules[k], second);
		take_free(&t);
	}
}

/* ProTracker's arpeggio reads past the end of its period table: from
 * B-6 (its B-3) one semitone up keeps the note, two land on C#4. */
static void test_pt_arpeggio_wrap(void **state)
{
	(void)state;
	take_t t;
	take_text(&t, HEAD(60, 1, 3, 1) "rules = protracker\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 1\n00 = B-6 01 .. 012\n" ORDER0);
	expect_hz(tick_hz(&t, 0), a4_hz(26 * 64), "B-6", 0);
	expect_hz(tick_hz(&t, 1), a4_hz(26 * 64), "B-6 + 1", 1);
	expect_hz(tick_hz(&t, 2), a4_hz((26 + 2 - 36) * 64), "B-6 + 2", 2);
	take_free(&t);
	take_text(&t, STD "[pattern 00]\nrows = 1\n00 = B-6 01 .. 012\n" ORDER0);
	expect_hz(tick_hz(&t, 2), a4_hz(28 * 64), "beatty's B-6 + 2", 2);
	take_free(&t);
}

/* slides = periods (ST3 without its Amiga-limits flag): period steps as
 * on the Amiga but no limit until a period of 16.24, where a 1xx stops
 * the note under rules = st3; slides = amiga holds it at 113. */
static void test_st3_period_slides(void **state)
{
	(void)state;
	const char *pat = "[pattern 00]\nrows = 1\n00 = C-5 01 .. 1FF\n" ORDER0;
	const char *slides[2] = { "periods", "amiga" };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%sslides = %s\nrules = st3\n%s%s", HEAD(60, 1, 3, 1),
		         slides[k], SINE("0 0 1 0.01"), pat);
		take_t t;
		take_text(&t, text);
		expect_hz(tick_hz(&t, 1), a4_hz(3 * 64) * 428.0 / (428.0 - 255.0), slides[k], 1);
		double level = tick_rms(&t, 2);
		if (k == 0 && !(level < 1e-4))
			fail_msg("periods: the note sounds past the top (%.4f)", level);
		if (k == 1) {
			expect_hz(tick_hz(&t, 2), a4_hz(3 * 64) * 428.0 / 113.0, slides[k], 2);
			if (!(level > 0.1))
				fail_msg("amiga: the note stopped at the limit (%.4f)", level);
		}
		take_free(&t);
	}
	/* A note above that top plays at it. */
	take_t t;
	take_text(&t, HEAD(60, 1, 3, 1) "slides = periods\nrules = st3\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 1\n00 = B-9 01 .. ...\n" ORDER0);
	expect_hz(tick_hz(&t, 1), a4_hz(3 * 64) * 428.0 / (66516.0 / 4096.0), "B-9 at the top", 1);
	take_free(&t);
}

/* rules = st3: a glide steps the period the sample plays at, its
 * finetune included, as 1xx does: a sample tuned 50 cents down plays C-5
 * at period 428 x 2^(50/1200), and 3FF moves that by 255 on the first
 * tick. */
static void test_st3_glide_finetune(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, HEAD(60, 1, 3, 1) "slides = periods\nrules = st3\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 2\n00 = C-5 02 .. ...\n01 = C-7 .. .. 3FF\n" ORDER0);
	instrument_t *in = song_inst_new(&s, 2, INST_SAMPLER);
	assert_non_null(in);
	in->sampler.root = NOTE_MIN + 60;   /* C-5 */
	in->sampler.finetune = -50;
	in->sampler.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.0f };
	in->sampler.loop = LOOP_FORWARD;
	sample_t *smp = &in->sampler.sample;
	smp->frames = 8363;                 /* 440 whole cycles: a seamless loop */
	smp->data = malloc((size_t)smp->frames * sizeof(float));
	assert_non_null(smp->data);
	for (int i = 0; i < smp->frames; i++)
		smp->data[i] = (float)sin(2.0 * M_PI * 440.0 * i / 8363.0);
	smp->channels = 1;
	smp->rate = 8363;                   /* ST3's C-4 rate: a period step is the Amiga's */
	in->sampler.loop_start = 0;
	in->sampler.loop_end = smp->frames;
	take_t t;
	take_song(&t, &s);
	double f0 = 440.0 * pow(2.0, -50.0 / 1200.0), p0 = 428.0 * pow(2.0, 50.0 / 1200.0);
	expect_hz(tick_hz(&t, 1), f0, "C-5", 1);
	expect_hz(tick_hz(&t, 4), f0 * p0 / (p0 - 255.0), "3FF", 4);
	take_free(&t);
	song_deinit(&s);
}

/* A tracker stops its sound with the song; beatty lets a release ring
 * out after the end. */
static void test_tracker_song_end(void **state)
{
	(void)state;
	const char *pat = "[pattern 00]\nrows = 1\n00 = A-4 01 .. ...\n" ORDER0;
	const char *rules[2] = { "protracker", "beatty" };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s%s", HEAD(60, 1, 3, 1), rules[k],
		         SINE("0 0 1 1"), pat);
		take_t t;
		take_text(&t, text);
		double after = t.n > ROW + 2400 ? rms_at(&t, t.l, ROW + 480, 1920) : 0.0;
		if (k == 0 && !(after < 1e-4))
			fail_msg("protracker: sound after the end (%.4f)", after);
		if (k == 1 && !(after > 0.05))
			fail_msg("beatty: the release does not ring out (%.4f)", after);
		take_free(&t);
	}
}

/* rules = protracker, ft2, st3: pattern loops as trackers keep them. */
#define RULES(r) HEAD(120, 4, 6, 1) "rules = " r "\n" SINE("0 0 1 0.01")

static void test_tracker_loops(void **state)
{
	(void)state;
	/* The loop start lives on into the next pattern: E61 there goes
	 * back to row 1 (beatty's own rules start the loop at row 0 of the
	 * new pattern): 4 + 3 + 2 + 1 rows, then the restart, already
	 * played, ends the song. */
	const char *pats = "[pattern 00]\nrows = 4\n01 = ... .. .. E60\n"
		"[pattern 01]\nrows = 4\n02 = ... .. .. E61\n"
		"[order]\n00 = 00\n01 = 01\n";
	char text[1024];
	snprintf(text, sizeof(text), "%s%s", RULES("protracker"), pats);
	expect_frames(text_frames(text, RATE), 10 * FROW, "loop start kept");
	snprintf(text, sizeof(text), "%s%s", FLOW, pats);
	expect_frames(text_frames(text, RATE), 11 * FROW, "beatty's loop start");
	/* ST3: a finished loop moves the start past its end, so E61 on row
	 * 1 of the next pattern jumps on to row 2: 6 + 4 rows (ProTracker
	 * goes back to row 0 there: 6 + 6). */
	const char *st3 = "[pattern 00]\nrows = 4\n00 = ... .. .. E60\n01 = ... .. .. E61\n"
		"[pattern 01]\nrows = 4\n01 = ... .. .. E61\n"
		"[order]\n00 = 00\n01 = 01\n";
	snprintf(text, sizeof(text), "%s%s", RULES("st3"), st3);
	expect_frames(text_frames(text, RATE), 10 * FROW, "st3 loop start after the loop");
	snprintf(text, sizeof(text), "%s%s", RULES("protracker"), st3);
	expect_frames(text_frames(text, RATE), 12 * FROW, "protracker loop start stays");
	/* FT2: the next pattern starts on the row of an E60: 4 + 3 rows. */
	const char *ft2 = "[pattern 00]\nrows = 4\n01 = ... .. .. E60\n"
		"[pattern 01]\nrows = 4\n"
		"[order]\n00 = 00\n01 = 01\n";
	snprintf(text, sizeof(text), "%s%s", RULES("ft2"), ft2);
	expect_frames(text_frames(text, RATE), 7 * FROW, "ft2 E60 start row");
	snprintf(text, sizeof(text), "%s%s", RULES("protracker"), ft2);
	expect_frames(text_frames(text, RATE), 8 * FROW, "protracker pattern start");
	/* Rows a counting loop plays again do not end the song: E62 in
	 * order 01 goes back to row 0 (where E60 left the start), 2 + 2 x 3
	 * rows; then the restart, already played, ends it. */
	const char *back = "[pattern 00]\nrows = 2\n00 = ... .. .. E60\n"
		"[pattern 01]\nrows = 2\n01 = ... .. .. E62\n"
		"[order]\n00 = 00\n01 = 01\n";
	snprintf(text, sizeof(text), "%s%s", RULES("protracker"), back);
	expect_frames(text_frames(text, RATE), 8 * FROW, "loop across the list's end");
	song_t sg;
	tu_song_parse(&sg, text);
	assert_int_equal(sg.rules, RULES_PROTRACKER);
	song_deinit(&sg);
}

/* slides = amiga: 1xx, 2xx, 3xx and the fine slides move the Amiga period
 * (C-5 = 428, as ProTracker's C-2) by xx a tick, kept within 113..856. */
static double amiga_hz(double period0, double period)
{
	return 440.0 * period0 / period;
}

static void test_amiga_slides(void **state)
{
	(void)state;
	const double p0 = 428.0 * pow(2.0, (61 - 58) / 12.0);   /* */
	take_t t;
	take_text(&t, HEAD(60, 1, 3, 1) "slides = amiga\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. 110\n01 = ... .. .. 210\n" ORDER0);
	for (int k = 0; k < 3; k++)
		expect_hz(tick_hz(&t, k), amiga_hz(p0, p0 - 16 * k), "1xx tick", k);
	/* 210 on the next row: back down by 16 a tick from where it was. */
	for (int k = 0; k < 3; k++)
		expect_hz(tick_hz(&t, 3 + k), amiga_hz(p0, p0 - 32 + 16 * k), "2xx tick", k);
	take_free(&t);
	/* At B-6 (period 113.2) a slide up stops at the Amiga's 113. */
	take_text(&t, HEAD(60, 1, 3, 1) "slides = amiga\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 1\n00 = B-6 01 .. 1FF\n" ORDER0);
	expect_hz(tick_hz(&t, 2), amiga_hz(p0, 113.0), "1FF at the limit", 2);
	take_free(&t);
	/* E11 and 301 move by one period step. */
	take_text(&t, HEAD(60, 1, 3, 1) "slides = amiga\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. E18\n01 = A#4 .. .. 308\n" ORDER0);
	expect_hz(tick_hz(&t, 1), amiga_hz(p0, p0 - 8), "E18", 1);
	expect_hz(tick_hz(&t, 4), amiga_hz(p0, p0 - 16), "308", 1);
	take_free(&t);
}

/* ------------------------------------------------------------------ */
/* FT2's global volume, panning slide, tremor and pan law               */

#define FT2 HEAD(60, 1, 3, 1) "rules = ft2\n" SINE("0 0 1 0.01")

static void test_global_volume(void **state)
{
	(void)state;
	/* V20 halves every note; W02 takes 2 off per tick after the first,
	 * W10 adds 1, W00 adds 1 again (memory). */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. V20\n"
		"01 = ... .. .. W02\n"
		"02 = ... .. .. W10\n"
		"03 = ... .. .. W00\n" ORDER0);
	const int slide[4] = { 0, -2, 1, 1 };
	int gv = 0x20;
	for (int row = 0; row < 4; row++)
		for (int k = 0; k < 3; k++) {
			if (k > 0)
				gv += slide[row];
			expect_level(tick_rms(&t, row * 3 + k), sine_rms(gv), "global volume tick", row * 3 + k);
		}
	take_free(&t);
}

/* The right side's level at FT2 pan p (0..255) under the linear law. */
static double ft2_right(int p)
{
	double pan = p < 128 ? (p - 128) / 128.0 : (p - 128) / 127.0;
	return (1.0 + pan) * sqrt(0.5) / sqrt(2.0);
}

static void test_pan_slide(void **state)
{
	(void)state;
	/* From hard left (0): P40 moves 4 steps right a tick after the
	 * first, P00 again, P02 2 steps left. */
	take_t t;
	take_text(&t, FT2 "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. 800\n"
		"01 = ... .. .. P40\n"
		"02 = ... .. .. P00\n"
		"03 = ... .. .. P02\n" ORDER0);
	const int slide[4] = { 0, 4, 4, -2 };
	int p = 0;
	for (int row = 0; row < 4; row++)
		for (int k = 0; k < 3; k++) {
			if (k > 0)
				p += slide[row];
			if (row == 0)
				continue;   /* hard left: nothing on the right */
			double r = rms_at(&t, t.r, tick_at(row * 3 + k, TICK) + WIN_SKIP, WIN_LEN);
			expect_level(r, ft2_right(p), "pan slide tick", row * 3 + k);
		}
	take_free(&t);
}

static void test_tremor(void **state)
{
	(void)state;
	/* T12: sounds 2 ticks, silent 3, counted on the ticks after each
	 * row's first and carried over rows; a row's first tick keeps the
	 * state before it; the row without T sounds. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 5\n"
		"00 = A-4 01 .. T12\n"
		"01 = ... .. .. T00\n"
		"02 = ... .. .. T12\n"
		"03 = ... .. .. T12\n"
		"04 = ... .. .. ...\n" ORDER0);
	int counted = 0;
	bool on = true;
	for (int row = 0; row < 5; row++)
		for (int k = 0; k < 3; k++) {
			if (row == 4)
				on = true;
			else if (k > 0)
				on = counted++ % 5 < 2;
			expect_level(tick_rms(&t, row * 3 + k), on ? sine_rms(64) : 0.0, "tremor tick",
			             row * 3 + k);
		}
	take_free(&t);
}

static void test_ft2_pan_law(void **state)
{
	(void)state;
	/* Under rules = ft2 the sides are linear in the pan (their sum is
	 * the same wherever the channel sits), the centre as beatty's own. */
	const char *pans[3] = { "840", "880", "8C0" };
	const int p[3] = { 0x40, 0x80, 0xC0 };
	for (int i = 0; i < 3; i++) {
		char text[1024];
		snprintf(text, sizeof(text), FT2 "[pattern 00]\nrows = 1\n00 = A-4 01 .. %s\n" ORDER0,
		         pans[i]);
		take_t t;
		take_text(&t, text);
		double pan = p[i] < 128 ? (p[i] - 128) / 128.0 : (p[i] - 128) / 127.0;
		double l = rms_at(&t, t.l, 4800, 36000), r = rms_at(&t, t.r, 4800, 36000);
		double wl = (1.0 - pan) * 0.5, wr = (1.0 + pan) * 0.5;
		if (!(fabs(l - wl) < 0.003 && fabs(r - wr) < 0.003))
			fail_msg("ft2 pan %02X: L %.4f R %.4f, expected %.4f %.4f", p[i], l, r, wl, wr);
		take_free(&t);
	}
}

static void test_ft2_sample_pan(void **state)
{
	(void)state;
	/* A sampler with pan 0.5: under rules = ft2 its instrument number
	 * moves the channel there (R = 3 L under the linear law), with a
	 * note or alone; 800 then pans hard left; beatty's own rules keep
	 * the channel's pan (the centre, R = L). */
	const char *rules[2] = { "ft2", "beatty" };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s[pattern 00]\nrows = 3\n"
		         "00 = C-4 02 .. ...\n01 = ... .. .. 800\n02 = ... 02 .. ...\n" ORDER0,
		         HEAD(60, 1, 3, 1), rules[k], SINE("0 0 1 0.01"));
		song_t s;
		tu_song_parse(&s, text);
		add_ramp(&s);
		s.inst[2]->sampler.loop = LOOP_FORWARD;   /* still playing on row 2 */
		s.inst[2]->sampler.loop_end = RAMP_FRAMES;
		s.inst[2]->sampler.has_pan = true;
		s.inst[2]->sampler.pan = 0.5f;
		take_t t;
		take_song(&t, &s);
		const double want[3] = { k ? 1.0 : 3.0, 0.0, k ? 0.0 : 3.0 };
		for (int row = 0; row < 3; row++) {
			int64_t at = (int64_t)row * ROW + 4800;
			double l = rms_at(&t, t.l, at, 20000), r = rms_at(&t, t.r, at, 20000);
			double got = row == 1 || (k && row == 2) ? r : r / l;
			if (!(fabs(got - want[row]) < 0.01))
				fail_msg("%s row %d: R %.4f L %.4f (%.3f), expected %.3f", rules[k], row, r, l,
				         got, want[row]);
		}
		take_free(&t);
		song_deinit(&s);
	}
}

/* ------------------------------------------------------------------ */
/* FT2's volume-column commands                                         */

static void test_vol_column_slides(void **state)
{
	(void)state;
	/* d4 slides down 4 a tick after the first, c2 up 2 (no memory of
	 * their own); b8 down 8 once, a4 up 4 once, on the first tick. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 d4 ...\n"
		"01 = ... .. c2 ...\n"
		"02 = ... .. b8 ...\n"
		"03 = ... .. a4 ...\n" ORDER0);
	const int slide[4] = { -4, 2, 0, 0 }, once[4] = { 0, 0, -8, 4 };
	int vol = 64;
	for (int row = 0; row < 4; row++)
		for (int k = 0; k < 3; k++) {
			vol += k ? slide[row] : once[row];
			expect_level(tick_rms(&t, row * 3 + k), sine_rms(vol), "volume column tick", row * 3 + k);
		}
	take_free(&t);
}

static void test_vol_column_pan(void **state)
{
	(void)state;
	/* p0 pans to FT2's 00 (hard left), then r8 moves 8 steps right a
	 * tick after the first, l4 4 left; pC sets C0. */
	take_t t;
	take_text(&t, FT2 "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 p0 ...\n"
		"01 = ... .. r8 ...\n"
		"02 = ... .. l4 ...\n"
		"03 = ... .. pC ...\n" ORDER0);
	const int slide[4] = { 0, 8, -4, 0 };
	int p = 0;
	for (int row = 1; row < 4; row++)
		for (int k = 0; k < 3; k++) {
			p = row == 3 ? 0xC0 : p + (k ? slide[row] : 0);
			double r = rms_at(&t, t.r, tick_at(row * 3 + k, TICK) + WIN_SKIP, WIN_LEN);
			expect_level(r, ft2_right(p), "volume column pan tick", row * 3 + k);
		}
	take_free(&t);
}

static void test_vol_column_glide_vibrato(void **state)
{
	(void)state;
	/* gF glides as 3F0 does: 15 * 16 steps of 1/16 semitone a tick,
	 * so B-4 from A-4 (two semitones) is reached on the first slide
	 * tick; u8 and h4 on two rows vibrate as 484 does on the second. */
	take_t t;
	take_text(&t, FT2 "[pattern 00]\nrows = 2\n"
		"00 = A-4 01 .. ...\n"
		"01 = B-4 .. gF ...\n" ORDER0);
	expect_hz(tick_hz(&t, 3), a4_hz(0), "glide tick", 3);
	expect_hz(tick_hz(&t, 4), a4_hz(128), "glide tick", 4);
	take_free(&t);
	take_t a, b;
	take_text(&a, STD "[pattern 00]\nrows = 2\n00 = A-4 01 u8 ...\n01 = ... .. h4 ...\n" ORDER0);
	take_text(&b, STD "[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n01 = ... .. .. 484\n" ORDER0);
	for (int k = 3; k < 6; k++) {
		double fa = tick_hz(&a, k), fb = tick_hz(&b, k);
		if (!(fabs(fa - fb) < 0.5))
			fail_msg("vibrato tick %d: %.2f Hz from the volume column, %.2f Hz from 484", k, fa, fb);
	}
	if (!(fabs(tick_hz(&a, 5) - 440.0) > 3.0))
		fail_msg("the volume column's vibrato moved nothing (%.2f Hz)", tick_hz(&a, 5));
	take_free(&a);
	take_free(&b);
}

/* ------------------------------------------------------------------ */
/* FT2's volume envelope and fadeout                                    */

/* Instrument 02: a looped sampler of constant 0.5 with envelope env. */
static void add_dc_env(song_t *s, const ft2_env_t *env)
{
	instrument_t *in = song_inst_new(s, 2, INST_SAMPLER);
	assert_non_null(in);
	in->sampler.root = NOTE_MIN + 4 * 12;
	in->sampler.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.004f };
	in->sampler.loop = LOOP_FORWARD;
	in->sampler.loop_end = 4800;
	in->sampler.env = *env;
	sample_t *smp = &in->sampler.sample;
	smp->data = malloc(4800 * sizeof(float));
	assert_non_null(smp->data);
	for (int i = 0; i < 4800; i++)
		smp->data[i] = 0.5f;
	smp->channels = 1;
	smp->frames = 4800;
	smp->rate = RATE;
}

/* The envelope's level (of 64) heard on each of n ticks. */
static void env_levels(const char *pattern, const ft2_env_t *env, double *lv, int n)
{
	char text[1024];
	snprintf(text, sizeof(text), "%s%s" ORDER0, STD, pattern);
	song_t s;
	tu_song_parse(&s, text);
	add_dc_env(&s, env);
	take_t t;
	take_song(&t, &s);
	for (int k = 0; k < n; k++)
		lv[k] = tick_rms(&t, k) / (0.5 * sqrt(0.5)) * 64.0;
	take_free(&t);
	song_deinit(&s);
}

static void expect_env(const double *got, const double *want, int n, const char *what)
{
	for (int k = 0; k < n; k++)
		if (!(fabs(got[k] - want[k]) < 0.3))
			fail_msg("%s, tick %d: level %.2f of 64, expected %.2f", what, k, got[k], want[k]);
}

static void test_ft2_envelope(void **state)
{
	(void)state;
	/* 0:64 4:0, one tick a step: 64 48 32 16 0, then 0. */
	ft2_env_t fall = { .n = 2, .tick = { 0, 4 }, .level = { 64, 0 } };
	double lv[10];
	env_levels("[pattern 00]\nrows = 3\n00 = C-4 02 .. ...\n", &fall, lv, 6);
	const double w1[6] = { 64, 48, 32, 16, 0, 0 };
	expect_env(lv, w1, 6, "falling envelope");

	/* 0:64 2:32 held at its sustain point until the note-off (row 2),
	 * then a fadeout of 16384 a tick: 3/4, 1/2, 1/4 of 32, then none. */
	ft2_env_t sus = { .n = 2, .tick = { 0, 2 }, .level = { 64, 32 }, .sus_on = true, .sustain = 1,
	                  .fadeout = 16384 };
	env_levels("[pattern 00]\nrows = 4\n00 = C-4 02 .. ...\n02 = === .. .. ...\n", &sus, lv, 10);
	const double w2[10] = { 64, 48, 32, 32, 32, 32, 24, 16, 8, 0 };
	expect_env(lv, w2, 10, "sustain and fadeout");

	/* N01 lets it go on tick 1 of its row (tick 4); N00 at once. */
	env_levels("[pattern 00]\nrows = 4\n00 = C-4 02 .. ...\n01 = ... .. .. N01\n", &sus, lv, 9);
	const double w3[9] = { 64, 48, 32, 32, 24, 16, 8, 0, 0 };
	expect_env(lv, w3, 9, "N01");

	/* A loop from point 1 to 2 (ticks 2..4): 64 48 32 48 64 48 32 ... */
	ft2_env_t loop = { .n = 3, .tick = { 0, 2, 4 }, .level = { 64, 32, 64 }, .loop_on = true,
	                   .loop_start = 1, .loop_end = 2 };
	env_levels("[pattern 00]\nrows = 3\n00 = C-4 02 .. ...\n", &loop, lv, 9);
	const double w4[9] = { 64, 48, 32, 48, 32, 48, 32, 48, 32 };
	expect_env(lv, w4, 9, "loop");
}

static void test_ft2_envelope_restart(void **state)
{
	(void)state;
	/* A plain note goes on with the envelope where it is (0 here); an
	 * instrument number starts it afresh, with a note or alone, and so
	 * does a delayed note. */
	ft2_env_t fall = { .n = 2, .tick = { 0, 2 }, .level = { 64, 0 } };
	double lv[12];
	env_levels("[pattern 00]\nrows = 4\n00 = C-4 02 .. ...\n01 = C-4 .. .. ...\n"
	           "02 = ... 02 .. ...\n03 = C-4 .. .. ED1\n", &fall, lv, 12);
	const double want[12] = { 64, 32, 0, 0, 0, 0, 64, 32, 0, 0, 64, 32 };
	expect_env(lv, want, 12, "restart");
}

static void test_ft2_tremor_rules(void **state)
{
	(void)state;
	/* Under rules = ft2 a tremor's silence stays after the T rows until
	 * the volume is set, and an instrument number counts the tremor
	 * afresh (T01: 1 tick sounding, 2 silent; a fresh count sounds on
	 * the row's first two ticks). */
	take_t t;
	take_text(&t, FT2 "[pattern 00]\nrows = 4\n"
		"00 = A-4 01 .. T01\n"
		"01 = ... .. .. ...\n"
		"02 = ... .. 20 ...\n"
		"03 = ... 01 .. T01\n" ORDER0);
	const int vol[12] = { 64, 64, 0, 0, 0, 0, 32, 32, 32, 64, 64, 0 };
	for (int k = 0; k < 12; k++)
		expect_level(tick_rms(&t, k), vol[k] ? 0.5 * vol[k] / 64.0 : 0.0, "ft2 tremor tick", k);
	take_free(&t);
}

static void test_ft2_arpeggio_order(void **state)
{
	(void)state;
	/* FT2 counts a row's ticks down from its speed: with 5 ticks, 037
	 * plays the note, +3, the note, +7, +3 (step (5 - tick) mod 3). */
	take_t t;
	take_text(&t, HEAD(60, 1, 5, 1) "rules = ft2\n" SINE("0 0 1 0.01")
		"[pattern 00]\nrows = 1\n00 = A-4 01 .. 037\n" ORDER0);
	const int semis[5] = { 0, 3, 0, 7, 3 };
	const int64_t len = (int64_t)RATE * 60 / (60 * 5);   /* a tick: 60 / (bpm lpb tpl) s */
	for (int k = 0; k < 5; k++) {
		double hz = hz_at(&t, (int64_t)k * len + 1000, (size_t)(len - 2000));
		expect_hz(hz, a4_hz(semis[k] * PITCH_PER_SEMITONE), "ft2 arpeggio tick", k);
	}
	take_free(&t);
}

static void test_extra_fine_porta(void **state)
{
	(void)state;
	/* O18 raises the pitch 8/64 semitone once, on the row's first tick;
	 * O10 the same again; O24 lowers it 4/64, O20 again. */
	take_t t;
	take_text(&t, STD "[pattern 00]\nrows = 5\n"
		"00 = A-4 01 .. ...\n"
		"01 = ... .. .. O18\n"
		"02 = ... .. .. O10\n"
		"03 = ... .. .. O24\n"
		"04 = ... .. .. O20\n" ORDER0);
	const double units[5] = { 0, 8, 16, 12, 8 };
	for (int row = 0; row < 5; row++)
		for (int k = 0; k < 3; k++)
			expect_hz(tick_hz(&t, row * 3 + k), a4_hz(units[row]), "extra fine tick", row * 3 + k);
	take_free(&t);
}

static void test_ft2_porta_memory(void **state)
{
	(void)state;
	/* Under rules = ft2, 1xx and 2xx share one memory: 104 up 4 units
	 * of 1/16 semitone a tick after the first, then 200 down by the
	 * same 4; beatty's own rules keep 2xx's memory apart (none yet). */
	const char *rules[2] = { "ft2", "beatty" };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s[pattern 00]\nrows = 2\n"
		         "00 = A-4 01 .. 104\n01 = ... .. .. 200\n" ORDER0, HEAD(60, 1, 3, 1), rules[k],
		         SINE("0 0 1 0.01"));
		take_t t;
		take_text(&t, text);
		const double want[6] = { 0, 16, 32, 32, k ? 32 : 16, k ? 32 : 0 };
		for (int i = 0; i < 6; i++)
			expect_hz(tick_hz(&t, i), a4_hz(want[i]), rules[k], i);
		take_free(&t);
	}
}

static void test_ft2_vibrato_down_first(void **state)
{
	(void)state;
	/* 484: on the third tick the wave is at 8/64 of its cycle, sin = 0.71,
	 * times depth 4 x 8 units: 22.6 units of 1/64 semitone; beatty's
	 * rules raise the pitch there, FT2's (the wave added to the period)
	 * lower it. */
	const char *rules[2] = { "beatty", "ft2" };
	for (int k = 0; k < 2; k++) {
		char text[1024];
		snprintf(text, sizeof(text), "%srules = %s\n%s[pattern 00]\nrows = 1\n00 = A-4 01 .. 484\n"
		         ORDER0, HEAD(60, 1, 3, 1), rules[k], SINE("0 0 1 0.01"));
		take_t t;
		take_text(&t, text);
		double units = sin(2.0 * M_PI * 8.0 / 64.0) * 4 * 8.0 * (k ? -1.0 : 1.0);
		expect_hz(tick_hz(&t, 2), a4_hz(units), rules[k], 2);
		take_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arpeggio),
		cmocka_unit_test(test_ft2_arpeggio_order),
		cmocka_unit_test(test_porta_up_down),
		cmocka_unit_test(test_tone_porta),
		cmocka_unit_test(test_tone_porta_volume_slide),
		cmocka_unit_test(test_vibrato),
		cmocka_unit_test(test_ft2_vibrato_down_first),
		cmocka_unit_test(test_vibrato_volume_slide),
		cmocka_unit_test(test_fine_porta),
		cmocka_unit_test(test_extra_fine_porta),
		cmocka_unit_test(test_ft2_porta_memory),
		cmocka_unit_test(test_volume_slide),
		cmocka_unit_test(test_set_volume),
		cmocka_unit_test(test_note_volume_from_first_sample),
		cmocka_unit_test(test_fine_volume),
		cmocka_unit_test(test_tremolo),
		cmocka_unit_test(test_pan),
		cmocka_unit_test(test_global_volume),
		cmocka_unit_test(test_pan_slide),
		cmocka_unit_test(test_tremor),
		cmocka_unit_test(test_ft2_tremor_rules),
		cmocka_unit_test(test_ft2_pan_law),
		cmocka_unit_test(test_ft2_sample_pan),
		cmocka_unit_test(test_vol_column_slides),
		cmocka_unit_test(test_vol_column_pan),
		cmocka_unit_test(test_vol_column_glide_vibrato),
		cmocka_unit_test(test_ft2_envelope),
		cmocka_unit_test(test_ft2_envelope_restart),
		cmocka_unit_test(test_sample_offset),
		cmocka_unit_test(test_note_delay),
		cmocka_unit_test(test_note_cut_tick),
		cmocka_unit_test(test_retrigger),
		cmocka_unit_test(test_row_delay),
		cmocka_unit_test(test_note_off_and_cut),
		cmocka_unit_test(test_position_jump),
		cmocka_unit_test(test_pattern_break),
		cmocka_unit_test(test_pattern_loop),
		cmocka_unit_test(test_speed_and_tempo),
		cmocka_unit_test(test_tick_timing),
		cmocka_unit_test(test_jump_past_end),
		cmocka_unit_test(test_amiga_slides),
		cmocka_unit_test(test_tracker_loops),
		cmocka_unit_test(test_finetune),
		cmocka_unit_test(test_tracker_glide_goal),
		cmocka_unit_test(test_tracker_glide_from_silence),
		cmocka_unit_test(test_row_delay_note_once),
		cmocka_unit_test(test_pt_arpeggio_wrap),
		cmocka_unit_test(test_st3_offset_past_loop),
		cmocka_unit_test(test_pt_slide_at_limit),
		cmocka_unit_test(test_tracker_fade_in),
		cmocka_unit_test(test_st3_retrig_after_cut),
		cmocka_unit_test(test_st3_first_tick_slides),
		cmocka_unit_test(test_st3_fine_slides_repeat),
		cmocka_unit_test(test_st3_period_slides),
		cmocka_unit_test(test_st3_glide_finetune),
		cmocka_unit_test(test_tracker_song_end),
	};
	return TU_RUN(tests);
}
