/*
 * test_bridge: the bridge between a UI and the audio thread, measured on
 * its output.
 *
 * - With no edits, its periods are the engine's offline render, sample
 *   for sample (the demo song: samples, effects, master chain).
 * - An edit sent before a period is heard from that period's first frame
 *   and not a frame earlier: the output equals an engine that had the
 *   same change made directly between the same two renders.
 * - One thread fills periods like an audio callback while this one sends
 *   edits as fast as it can; every message arrives, nothing tears (and,
 *   built with -fsanitize=thread, no race is reported).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "engine.h"
#include "note.h"
#include "songfile.h"
#include "testutil.h"

#define RATE   48000
#define PERIOD 256

/* Two channels of sine: channel 1 holds one long note from row 0,
 * channel 2 plays a short note every 4 rows. 120 BPM, 4 lines per beat:
 * a row is 6000 frames. */
static const char small_song[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 2\n\n"
	"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0.001 0 1 0.01\n\n"
	"[instrument 02]\ntype = synth\nosc1 = saw\namp = 0.001 0.05 0 0.01\n\n"
	"[pattern 00]\nrows = 32\n"
	"00 = A-3 01 .. ... | C-5 02 .. ...\n"
	"04 = ... .. .. ... | E-5 02 .. ...\n"
	"0C = ... .. .. ... | G-5 02 .. ...\n"
	"10 = ... .. .. ... | C-5 02 .. ...\n"
	"1F = === .. .. ... | ... .. .. ...\n\n"
	"[order]\n00 = 00\n";

static void load_demo(song_t *s)
{
	const char *src = getenv("SRCDIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/songs/demo.bty", src ? src : ".");
	songfile_error_t err;
	if (songfile_load(s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char buf[700];
		songfile_error_format(&err, buf, sizeof(buf));
		fail_msg("cannot load the demo song: %s", buf);
	}
}

/* Plays song through a fresh bridge in periods of `period` frames until
 * it is over; returns the frames of sound (the bridge's own count) and
 * the output in *out (whole periods, zero-padded). */
static int64_t bridge_render(const song_t *s, int period, float **out)
{
	bridge_t *b = bridge_create(s, RATE);
	assert_non_null(b);
	/* The interpolation renders use, so live and offline match. */
	bridge_set_interpolation(b, INTERP_SINC);
	assert_true(bridge_play(b, 0, 0));
	size_t cap = (size_t)RATE * 8, len = 0;
	float *buf = malloc(cap * 2 * sizeof(float));
	assert_non_null(buf);
	int64_t sound = 0;
	for (;;) {
		if (len + (size_t)period > cap) {
			cap *= 2;
			buf = realloc(buf, cap * 2 * sizeof(float));
			assert_non_null(buf);
		}
		int got = bridge_fill(b, buf + 2 * len, period);
		len += (size_t)period;
		sound += got;
		if (got < period)
			break;
	}
	bridge_snapshot_t snap;
	bridge_snapshot(b, &snap);
	assert_true(snap.done);
	assert_false(snap.playing);
	assert_int_equal(snap.applied, 1);
	bridge_destroy(b);
	*out = buf;
	return sound;
}

static void check_equals_offline(const song_t *s, const float *ref, int64_t n, int period)
{
	float *live;
	int64_t m = bridge_render(s, period, &live);
	assert_true(n > RATE);
	assert_int_equal(m, n);
	int64_t differ = 0, first = -1;
	for (int64_t i = 0; i < 2 * n; i++)
		if (ref[i] != live[i]) {
			differ++;
			if (first < 0)
				first = i / 2;
		}
	if (differ)
		print_message("# period %d: %lld samples differ, first at frame %lld\n", period,
		              (long long)differ, (long long)first);
	assert_int_equal(differ, 0);
	/* The final partial period is padded with silence. */
	int64_t padded = (n + period - 1) / period * period;
	for (int64_t i = 2 * n; i < 2 * padded; i++)
		assert_true(live[i] == 0.0f);
	free(live);
}

static void test_no_edits_equals_offline_render(void **state)
{
	(void)state;
	song_t s;
	load_demo(&s);
	float *ref;
	int64_t n = tu_render(&s, RATE, &ref);
	assert_true(tu_peak(ref, (size_t)(2 * n)) > 0.1);   /* there is something to compare */
	check_equals_offline(&s, ref, n, 256);
	check_equals_offline(&s, ref, n, 100);    /* not a multiple of the engine's block */
	free(ref);
	song_deinit(&s);
}

/* ---- edits land in the period they were sent before -------------------- */

typedef void (*edit_engine_fn)(engine_t *e, song_t *s);
typedef bool (*edit_bridge_fn)(bridge_t *b);

/* The reference: an engine on its own copy of the song, with the change
 * made directly between render k-1 and render k. */
static float *reference(int periods, int k, edit_engine_fn edit)
{
	song_t s;
	tu_song_parse(&s, small_song);
	engine_t *e = engine_create(&s, RATE);
	assert_non_null(e);
	float *out = calloc((size_t)periods * PERIOD * 2, sizeof(float));
	assert_non_null(out);
	for (int p = 0; p < periods; p++) {
		if (p == k && edit)
			edit(e, &s);
		engine_render(e, out + (size_t)p * PERIOD * 2, PERIOD);
	}
	engine_destroy(e);
	song_deinit(&s);
	return out;
}

static float *through_bridge(int periods, int k, edit_bridge_fn edit)
{
	song_t s;
	tu_song_parse(&s, small_song);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_play(b, 0, 0));
	float *out = calloc((size_t)periods * PERIOD * 2, sizeof(float));
	assert_non_null(out);
	for (int p = 0; p < periods; p++) {
		if (p == k && edit)
			assert_true(edit(b));
		bridge_fill(b, out + (size_t)p * PERIOD * 2, PERIOD);
	}
	bridge_snapshot_t snap;
	bridge_snapshot(b, &snap);
	assert_int_equal(snap.applied, bridge_sent(b));
	bridge_destroy(b);
	song_deinit(&s);
	return out;
}

static int64_t first_difference(const float *a, const float *b, int64_t frames)
{
	for (int64_t i = 0; i < frames; i++)
		if (a[2 * i] != b[2 * i] || a[2 * i + 1] != b[2 * i + 1])
			return i;
	return -1;
}

/* The bridge with the edit equals the reference with it, and differs
 * from the unedited output first at a frame in [k*PERIOD, (k+1)*PERIOD). */
static int64_t check_edit(int periods, int k, edit_engine_fn ref_edit, edit_bridge_fn br_edit)
{
	float *want = reference(periods, k, ref_edit);
	float *got = through_bridge(periods, k, br_edit);
	float *plain = through_bridge(periods, k, NULL);
	int64_t frames = (int64_t)periods * PERIOD;
	int64_t diff = first_difference(want, got, frames);
	if (diff >= 0)
		print_message("# the bridge differs from the reference at frame %lld\n", (long long)diff);
	assert_int_equal(diff, -1);
	int64_t changed = first_difference(plain, got, frames);
	print_message("# edit before period %d (frame %d): output changes at frame %lld\n", k,
	              k * PERIOD, (long long)changed);
	assert_true(changed >= (int64_t)k * PERIOD);
	assert_true(changed < (int64_t)(k + 1) * PERIOD);
	free(want);
	free(got);
	free(plain);
	return changed;
}

static void mute_engine(engine_t *e, song_t *s) { s->channel[0].mute = true; }
static bool mute_bridge(bridge_t *b) { return bridge_set_mute(b, 0, true); }

static void test_mute_lands_in_its_period(void **state)
{
	(void)state;
	/* Channel 1's note sounds at frame 2560: the fade starts right there. */
	assert_int_equal(check_edit(40, 10, mute_engine, mute_bridge), 10 * PERIOD);
}

static void pan_engine(engine_t *e, song_t *s) { s->channel[0].pan = -1.0f; s->channel[0].volume = -6.0f; }
static bool pan_bridge(bridge_t *b) { return bridge_set_pan(b, 0, -1.0f) && bridge_set_volume(b, 0, -6.0f); }

static void test_pan_and_volume_land_in_their_period(void **state)
{
	(void)state;
	assert_int_equal(check_edit(40, 17, pan_engine, pan_bridge), 17 * PERIOD);
}

static void note_engine(engine_t *e, song_t *s) { engine_live_note(e, 1, 1, NOTE_A4 + 7, 48); }
static bool note_bridge(bridge_t *b) { return bridge_live_note(b, 1, 1, NOTE_A4 + 7, 48); }

static void test_live_note_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(60, 23, note_engine, note_bridge);
}

/* A cell edit sent before the period in which its row starts is heard
 * on that row: the output is the offline render of the edited song. */
static void test_cell_edit_heard_on_its_row(void **state)
{
	(void)state;
	const int row = 8, frames_per_row = RATE * 60 / (120 * 4);
	const int k = row * frames_per_row / PERIOD;       /* the period holding the row's start */
	cell_t cell = { .note = NOTE_A4 + 12, .inst = 2, .vol = VOL_NONE };

	song_t s, edited;
	tu_song_parse(&s, small_song);
	tu_song_parse(&edited, small_song);
	*song_cell(&edited, edited.pattern[0], row, 1) = cell;
	float *want, *plain;
	int64_t n = tu_render(&edited, RATE, &want);
	int64_t np = tu_render(&s, RATE, &plain);
	assert_int_equal(n, np);

	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_play(b, 0, 0));
	int periods = (int)((n + PERIOD - 1) / PERIOD);
	float *got = calloc((size_t)periods * PERIOD * 2, sizeof(float));
	assert_non_null(got);
	for (int p = 0; p < periods; p++) {
		if (p == k)
			assert_true(bridge_set_cell(b, 0, row, 1, cell));
		bridge_fill(b, got + (size_t)p * PERIOD * 2, PERIOD);
	}
	/* The UI's song is untouched: the edit went to the audio copy only. */
	assert_int_equal(song_cell(&s, s.pattern[0], row, 1)->note, NOTE_NONE);
	assert_int_equal(first_difference(want, got, n), -1);
	int64_t changed = first_difference(plain, got, n);
	assert_int_equal(changed, (int64_t)row * frames_per_row);
	bridge_destroy(b);
	free(want);
	free(plain);
	free(got);
	song_deinit(&s);
	song_deinit(&edited);
}

/* The copy is the audio side's: changing the UI's song after
 * bridge_create changes nothing heard; destroying the bridge leaves the
 * UI's song (its samples included) whole. */
static void test_copy_is_independent(void **state)
{
	(void)state;
	song_t s;
	load_demo(&s);
	/* The first 20 seconds, where every channel has played, offline. */
	const int64_t n = 20 * RATE;
	float *ref = malloc((size_t)n * 2 * sizeof(float));
	assert_non_null(ref);
	engine_t *e = engine_create(&s, RATE);
	assert_non_null(e);
	assert_int_equal(engine_render(e, ref, (size_t)n), n);
	engine_destroy(e);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	for (int ch = 0; ch < s.channels; ch++)
		s.channel[ch].mute = true;
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (s.pattern[i])
			memset(s.pattern[i]->cells, 0, (size_t)s.pattern[i]->rows * (size_t)s.channels * sizeof(cell_t));
	assert_true(bridge_play(b, 0, 0));
	float *buf = malloc((size_t)n * 2 * sizeof(float) + PERIOD * 2 * sizeof(float));
	assert_non_null(buf);
	for (int64_t f = 0; f < n; f += PERIOD)
		bridge_fill(b, buf + 2 * f, PERIOD);
	assert_int_equal(first_difference(ref, buf, n), -1);
	bridge_destroy(b);
	free(buf);
	free(ref);
	/* The samples are still the UI's and still readable (ASan would
	 * catch a double free or a read after free here). */
	song_t fresh;
	load_demo(&fresh);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		if (!s.inst[i] || s.inst[i]->type != INST_SAMPLER)
			continue;
		const sample_t *a = &s.inst[i]->sampler.sample, *c = &fresh.inst[i]->sampler.sample;
		assert_non_null(a->data);
		assert_int_equal(a->frames, c->frames);
		assert_memory_equal(a->data, c->data, (size_t)a->frames * (size_t)a->channels * sizeof(float));
	}
	song_deinit(&fresh);
	song_deinit(&s);
}

/* Position and playing flag, as a UI sees them. */
static void test_snapshot_follows_the_song(void **state)
{
	(void)state;
	song_t s;
	load_demo(&s);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	bridge_snapshot_t snap;
	float buf[PERIOD * 2];
	bridge_fill(b, buf, PERIOD);
	bridge_snapshot(b, &snap);
	assert_false(snap.playing);                 /* created stopped: silence */
	assert_true(tu_peak(buf, PERIOD * 2) == 0.0);
	assert_int_equal(snap.channels, s.channels);

	assert_true(bridge_play(b, 2, 0));
	bridge_fill(b, buf, PERIOD);
	bridge_snapshot(b, &snap);
	assert_true(snap.playing);
	assert_int_equal(snap.order, 2);
	assert_int_equal(snap.pattern, s.order[2].pattern);
	assert_int_equal(snap.frame, PERIOD);
	int last_order = 2, last_row = 0, fills = 1;
	bool moved = false;
	while (!snap.done) {
		bridge_fill(b, buf, PERIOD);
		fills++;
		bridge_snapshot(b, &snap);
		/* Forward only (the demo has no jumps back). */
		assert_true(snap.order > last_order || (snap.order == last_order && snap.row >= last_row) ||
		            snap.ended);
		moved |= snap.row != last_row;
		last_order = snap.order;
		last_row = snap.row;
		assert_true(fills < 10000);
	}
	assert_true(moved);
	assert_false(snap.playing);
	assert_int_equal(snap.order, s.norders - 1);

	/* Stop, then jump: a jump while stopped changes nothing. */
	assert_true(bridge_play(b, 0, 0));
	assert_true(bridge_stop(b));
	assert_true(bridge_jump(b, 3));
	bridge_fill(b, buf, PERIOD);
	bridge_snapshot(b, &snap);
	assert_false(snap.playing);
	assert_true(bridge_play(b, 0, 0));
	assert_true(bridge_jump(b, 3));
	bridge_fill(b, buf, PERIOD);
	bridge_snapshot(b, &snap);
	assert_true(snap.playing);
	assert_int_equal(snap.order, 3);
	assert_int_equal(snap.row, 0);
	assert_int_equal(snap.applied, bridge_sent(b));
	/* The meters read the engine's atomics. */
	assert_true(snap.master.peak > 0.0f);
	bridge_destroy(b);
	song_deinit(&s);
}

/* A tempo change sent while playing is heard from the next tick: rows
 * of 6000 frames at 120 BPM become rows of 3000 at 240. */
static void test_tempo_change_while_playing(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, small_song);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_play(b, 0, 0));
	enum { STEP = 100 };
	float buf[STEP * 2];
	int64_t row_start[32];
	for (int i = 0; i < 32; i++)
		row_start[i] = -1;
	bridge_snapshot_t snap;
	int64_t frames = 0;
	bool sent = false;
	while (frames < RATE * 4) {
		if (!sent && frames >= 3 * 6000 + 1000) {
			assert_true(bridge_set_tempo(b, 240, s.lpb, s.swing));
			sent = true;
		}
		bridge_fill(b, buf, STEP);
		frames += STEP;
		bridge_snapshot(b, &snap);
		if (snap.row >= 0 && snap.row < 32 && row_start[snap.row] < 0)
			row_start[snap.row] = frames;   /* within a period of it */
	}
	print_message("# rows 0-2: %lld frames; rows 6-10: %lld frames\n",
	              (long long)(row_start[2] - row_start[0]), (long long)(row_start[10] - row_start[6]));
	assert_true(llabs(row_start[2] - row_start[0] - 2 * 6000) <= STEP);
	assert_true(llabs(row_start[10] - row_start[6] - 4 * 3000) <= STEP);
	assert_int_equal(snap.bpm, 240);
	bridge_destroy(b);
	song_deinit(&s);
}

/* A play command and, behind it in the same period, an edit that takes
 * its position away: the pattern deleted, shortened under the start row,
 * or the order entry pointed at a pattern that does not exist.  The
 * audio side must neither crash nor read past the pattern (ASan watches
 * this test): the song ends, or starts from the top of what is left. */
static void test_play_then_structural_edit(void **state)
{
	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		song_t s;
		tu_song_parse(&s, small_song);
		bridge_t *b = bridge_create(&s, RATE);
		assert_non_null(b);
		assert_true(bridge_play(b, 0, 20));
		song_t edited;
		tu_song_parse(&edited, small_song);
		if (kind == 0) {
			assert_true(bridge_set_pattern(b, 0, NULL));
		} else if (kind == 1) {
			assert_true(song_pattern_resize(&edited, 0, 16));
			assert_true(bridge_set_pattern(b, 0, edited.pattern[0]));
		} else {
			assert_true(bridge_set_order(b, 0, 7, 1));
		}
		float buf[PERIOD * 2];
		bridge_snapshot_t snap;
		int fills = 0;
		do {
			bridge_fill(b, buf, PERIOD);
			bridge_snapshot(b, &snap);
		} while (!snap.done && ++fills < 2000);
		print_message("# edit %d: %s after %d periods, at row %d\n", kind,
		              snap.done ? "over" : "still playing", fills, snap.row);
		assert_true(snap.done);
		if (kind == 1)   /* started over at the top: the 16 rows played */
			assert_true(fills * PERIOD >= 15 * 6000);
		else             /* nothing to play: over at once */
			assert_true(fills * PERIOD < RATE);
		bridge_destroy(b);
		song_deinit(&edited);
		song_deinit(&s);
	}
}

/* A full ring refuses, and the refusal loses nothing that was accepted. */
static void test_full_ring_refuses(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, small_song);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	int accepted = 0;
	while (bridge_set_mute(b, 0, accepted & 1) && accepted < 100000)
		accepted++;
	assert_true(accepted >= 1000 && accepted < 100000);
	float buf[PERIOD * 2];
	bridge_fill(b, buf, PERIOD);
	bridge_snapshot_t snap;
	bridge_snapshot(b, &snap);
	assert_int_equal(snap.applied, (uint64_t)accepted);
	assert_true(bridge_set_mute(b, 0, false));
	/* Pattern swaps come back to be freed; their count is bounded too. */
	pattern_t *p = s.pattern[0];
	int swaps = 0;
	while (bridge_set_pattern(b, 1, p) && swaps < 1000)
		swaps++;
	assert_true(swaps > 0 && swaps < 1000);
	bridge_fill(b, buf, PERIOD);
	assert_true(bridge_set_pattern(b, 1, p));   /* collected, so room again */
	bridge_destroy(b);
	song_deinit(&s);
}

/* ---- two threads ------------------------------------------------------- */

typedef struct audio_sim {
	bridge_t *b;
	int periods;
	atomic_bool done;
	bool finite;
	double peak;
} audio_sim_t;

static void *audio_thread(void *arg)
{
	audio_sim_t *a = arg;
	float buf[PERIOD * 2];
	a->finite = true;
	for (int p = 0; p < a->periods; p++) {
		bridge_fill(a->b, buf, PERIOD);
		for (int i = 0; i < PERIOD * 2; i++) {
			if (!isfinite(buf[i]))
				a->finite = false;
			if (fabsf(buf[i]) > a->peak)
				a->peak = fabsf(buf[i]);
		}
	}
	atomic_store(&a->done, true);
	return NULL;
}

static void test_edits_while_the_audio_thread_runs(void **state)
{
	(void)state;
	song_t s;
	load_demo(&s);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_set_loop(b, true));
	assert_true(bridge_play(b, 0, 0));
	audio_sim_t a = { .b = b, .periods = 2000 };   /* 10.7 s of audio */
	atomic_init(&a.done, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, audio_thread, &a), 0);

	uint32_t rng = 12345;
	uint64_t tries = 0, refused = 0, snaps = 0;
	uint64_t torn = 0;
	pattern_t *scratch = song_pattern_new(&s, 200, 48);   /* a pattern to send whole */
	assert_non_null(scratch);
	while (!atomic_load(&a.done)) {
		rng = rng * 1664525u + 1013904223u;
		int ch = (int)(rng >> 8) % s.channels, r = (int)(rng >> 16);
		bool ok;
		switch ((rng >> 24) % 11) {
		case 0: {
			cell_t c = { .note = (uint8_t)(NOTE_MIN + r % 96), .inst = (uint8_t)(1 + r % 8),
			             .vol = VOL_NONE };
			ok = bridge_set_cell(b, s.order[r % s.norders].pattern, r % 64, ch, c);
			break;
		}
		case 1: ok = bridge_set_mute(b, ch, r & 1); break;
		case 2: ok = bridge_set_solo(b, ch, (r & 7) == 0); break;
		case 3: ok = bridge_set_volume(b, ch, -(float)(r % 30)); break;
		case 4: ok = bridge_set_pan(b, ch, (float)(r % 201) / 100.0f - 1.0f); break;
		case 5: ok = bridge_live_note(b, ch, 1 + r % 8, NOTE_MIN + 24 + r % 48, r % 65); break;
		case 6: ok = bridge_live_note(b, ch, 0, NOTE_OFF, -1); break;
		case 7: ok = bridge_set_pattern(b, r & 1 ? 200 : 201, r & 2 ? scratch : NULL); break;
		case 8: ok = bridge_set_tempo(b, 100 + r % 60, 4, r % 20); break;
		case 9: ok = (r & 63) == 0 ? bridge_jump(b, r % s.norders) : bridge_set_pattern_loop(b, r & 1); break;
		default: {
			bridge_snapshot_t snap;
			bridge_snapshot(b, &snap);
			snaps++;
			/* Order and pattern come from the same period (the order
			 * list itself is never edited here). */
			if (snap.order < 0 || snap.order >= s.norders ||
			    snap.pattern != s.order[snap.order].pattern)
				torn++;
			ok = true;
			break;
		}
		}
		tries++;
		refused += !ok;
	}
	pthread_join(t, NULL);
	/* This thread now stands in for the audio thread: one more period
	 * applies whatever was still waiting. */
	float buf[PERIOD * 2];
	bridge_fill(b, buf, PERIOD);
	bridge_snapshot_t snap;
	bridge_snapshot(b, &snap);
	print_message("# %llu edits tried while %d periods played, %llu refused (ring full), "
	              "%llu applied, %llu snapshots\n", (unsigned long long)tries, a.periods,
	              (unsigned long long)refused, (unsigned long long)snap.applied,
	              (unsigned long long)snaps);
	assert_int_equal(snap.applied, bridge_sent(b));
	assert_int_equal(snap.fills, (uint64_t)a.periods + 1);
	assert_true(snap.applied > (uint64_t)a.periods);      /* the edits really overlapped the periods */
	assert_true(a.finite);
	assert_true(a.peak > 0.01);
	assert_int_equal(torn, 0);
	bridge_destroy(b);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_edits_equals_offline_render),
		cmocka_unit_test(test_mute_lands_in_its_period),
		cmocka_unit_test(test_pan_and_volume_land_in_their_period),
		cmocka_unit_test(test_live_note_lands_in_its_period),
		cmocka_unit_test(test_cell_edit_heard_on_its_row),
		cmocka_unit_test(test_copy_is_independent),
		cmocka_unit_test(test_snapshot_follows_the_song),
		cmocka_unit_test(test_tempo_change_while_playing),
		cmocka_unit_test(test_play_then_structural_edit),
		cmocka_unit_test(test_full_ring_refuses),
		cmocka_unit_test(test_edits_while_the_audio_thread_runs),
	};
	return TU_RUN(tests);
}
