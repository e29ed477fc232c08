/*
 * test_mixab: the mixer's pure parts, measured.
 *
 * - spectrum: a sine lands in its third-octave band (1 kHz in the 1 kHz
 *   band) at about 0 dB for full scale, its neighbours two bands away
 *   well below; silence reads silent.
 * - mixsync: whatever the UI does to its song's mixer (faders, pans,
 *   sends, units added, removed, moved, bypassed, parameters, sidechain,
 *   the buses, the master), one sync makes the audio side play exactly
 *   the edited song: the bridge's output equals the offline render of
 *   the edited song, sample for sample; a second sync sends nothing.
 * - undo of a mixer edit brings the mixer back (and the sound with it).
 * - mixab: flip swaps the mixes, keep ends the compare, and level
 *   matching lowers the louder side by the measured difference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "dsp.h"
#include "mixab.h"
#include "mixsync.h"
#include "spectrum.h"
#include "undo.h"
#include "testutil.h"

#define RATE 48000

/* ---- spectrum ------------------------------------------------------------- */

static int loudest_band(const float *db)
{
	int best = 0;
	for (int k = 1; k < SPECTRUM_BANDS; k++)
		if (db[k] > db[best])
			best = k;
	return best;
}

static void sine_bands(double hz, double amp, float *db)
{
	spectrum_t sp;
	spectrum_init(&sp, RATE, 0.3);
	enum { N = RATE };
	float *x = malloc(N * 2 * sizeof(float));
	assert_non_null(x);
	for (int i = 0; i < N; i++)
		x[2 * i] = x[2 * i + 1] = (float)(amp * sin(2.0 * M_PI * hz * i / RATE));
	spectrum_add(&sp, x, N);
	spectrum_read(&sp, db);
	free(x);
}

static void test_spectrum_sine_in_its_band(void **state)
{
	(void)state;
	float db[SPECTRUM_BANDS];
	sine_bands(1000.0, 1.0, db);
	int k = loudest_band(db);
	print_message("# 1 kHz full scale: band %d (%s) %.2f dB; 800 Hz %.1f, 1k25 %.1f, 630 %.1f, 1k6 %.1f\n",
	              k, spectrum_label(k), (double)db[k], (double)db[k - 1], (double)db[k + 1],
	              (double)db[k - 2], (double)db[k + 2]);
	assert_int_equal(k, SPECTRUM_1K);
	assert_string_equal(spectrum_label(k), "1k");
	assert_true(fabs(db[k]) < 0.5);
	assert_true(db[k - 2] < db[k] - 12.0f && db[k + 2] < db[k] - 12.0f);

	/* Other bands, and a level 20 dB down reads 20 dB down. */
	const double hz[] = { 63.0, 250.0, 4000.0, 10000.0 };
	const int want[] = { 5, 11, 23, 27 };
	for (int i = 0; i < 4; i++) {
		sine_bands(hz[i], 0.1, db);
		k = loudest_band(db);
		print_message("# %.0f Hz at -20 dB: band %d (%s) %.2f dB\n", hz[i], k, spectrum_label(k),
		              (double)db[k]);
		assert_true(abs(k - want[i]) <= 1);
		assert_true(fabs(db[k] + 20.0) < 1.0);
	}
	for (int k2 = 0; k2 < SPECTRUM_BANDS; k2++)
		assert_true(fabs(spectrum_centre(k2) / (1000.0 * pow(2.0, (k2 - 17) / 3.0)) - 1.0) < 1e-9);

	spectrum_t sp;
	spectrum_init(&sp, RATE, 0.3);
	float zero[512] = { 0 };
	spectrum_add(&sp, zero, 256);
	spectrum_read(&sp, db);
	for (int k2 = 0; k2 < SPECTRUM_BANDS; k2++)
		assert_true(db[k2] <= -199.0f);
}

/* ---- mixsync --------------------------------------------------------------- */

static const char song_text[] =
	"[song]\nformat = 1\nbpm = 140\nlpb = 4\ntpl = 6\nchannels = 3\n\n"
	"[channel 1]\nvolume = -6\n\n"
	"[channel 1 fx 1]\ntype = eq\nlow_gain = 3\n\n"
	"[channel 1 fx 2]\ntype = drive\ndrive = 6\n\n"
	"[channel 1 fx 3]\ntype = delay\nmix = 30\n\n"
	"[channel 2]\nvolume = -6\nsend_reverb = -6\n\n"
	"[channel 3]\nvolume = -9\nsend_delay = -10\n\n"
	"[master]\nvolume = 0\neq = on\ncomp = on\nlimiter = on\n\n"
	"[instrument 01]\ntype = synth\nosc1 = saw\namp = 0.001 0.1 0.5 0.05\n\n"
	"[instrument 02]\ntype = synth\nosc1 = sine\namp = 0.001 0.05 0 0.01\n\n"
	"[pattern 00]\nrows = 16\n"
	"00 = A-3 01 .. ... | C-5 02 .. ... | E-4 01 .. ...\n"
	"04 = C-4 01 .. ... | E-5 02 .. ... | ... .. .. ...\n"
	"08 = E-4 01 .. ... | G-5 02 .. ... | G-4 01 .. ...\n"
	"0C = === .. .. ... | C-5 02 .. ... | === .. .. ...\n\n"
	"[order]\n00 = 00\n";

/* The UI's edits: a bit of everything the mixer page can do. */
static void edit_mixer(song_t *s)
{
	channel_t *c = &s->channel[0];
	c->volume = -3.5f;
	c->pan = -0.4f;
	/* move the delay to the front, drop the EQ, add a compressor keyed by channel 2 */
	fx_unit_t eq = c->fx[0], drive = c->fx[1], delay = c->fx[2];
	(void)eq;
	c->fx[0] = delay;
	c->fx[1] = drive;
	c->fx[1].param[0] = 18.0f;
	fx_unit_default(&c->fx[2], FX_COMP);
	c->fx[2].sidechain = 2;
	c->fx[2].param[0] = -30.0f;
	c->nfx = 3;
	s->channel[1].send[0] = SONG_SEND_OFF;
	s->channel[1].send[1] = -3.0f;
	fx_unit_default(&s->channel[1].fx[0], FX_DRIVE);
	s->channel[1].nfx = 1;
	s->channel[2].fx[0] = eq;
	s->channel[2].fx[0].bypass = true;
	s->channel[2].nfx = 1;
	s->channel[2].mute = true;
	s->bus[0].volume = -4.0f;
	s->bus[1].fx.param[2] = 70.0f;   /* feedback */
	s->master.volume = -2.0f;
	s->master.comp_on = false;
	s->master.limiter.param[0] = -3.0f;   /* ceiling */
	s->master.eq.bypass = true;
}

/* Plays the bridge from the top to the end; returns frames, output in *out. */
static int64_t play_all(bridge_t *b, float **out)
{
	size_t cap = (size_t)RATE * 30, len = 0;
	float *buf = malloc(cap * 2 * sizeof(float));
	assert_non_null(buf);
	assert_true(bridge_play(b, 0, 0));
	for (;;) {
		assert_true(len + 256 <= cap);
		int got = bridge_fill(b, buf + 2 * len, 256);
		len += (size_t)got;
		bridge_collect(b);
		if (got < 256)
			break;
	}
	*out = buf;
	return (int64_t)len;
}

static void check_plays_as(bridge_t *b, const song_t *want_song)
{
	float *want, *got;
	int64_t n = tu_render(want_song, RATE, &want);
	int64_t m = play_all(b, &got);
	assert_true(n > RATE);
	assert_int_equal(m, n);
	int64_t first = -1;
	for (int64_t i = 0; i < 2 * n && first < 0; i++)
		if (want[i] != got[i])
			first = i / 2;
	if (first >= 0)
		print_message("# differs from the offline render at frame %lld\n", (long long)first);
	assert_int_equal(first, -1);
	free(want);
	free(got);
}

static void test_sync_makes_the_audio_side_play_the_edited_song(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	mixsync_t *ms = malloc(sizeof(*ms));
	assert_non_null(ms);
	mixsync_reset(ms, &s);
	assert_int_equal(mixsync_run(ms, b, &s, 0.0f), 0);   /* nothing changed */

	edit_mixer(&s);
	int n = mixsync_run(ms, b, &s, 0.0f);
	print_message("# the edits took %d messages\n", n);
	assert_true(n >= 12);
	assert_int_equal(mixsync_run(ms, b, &s, 0.0f), 0);   /* all of it went */
	check_plays_as(b, &s);

	/* An A/B-style offset moves only the master level. */
	assert_int_equal(mixsync_run(ms, b, &s, -6.0f), 1);
	s.master.volume -= 6.0f;
	check_plays_as(b, &s);
	s.master.volume += 6.0f;
	bridge_destroy(b);
	free(ms);
	song_deinit(&s);
}

static void test_undo_brings_the_mix_back(void **state)
{
	(void)state;
	song_t s, orig;
	tu_song_parse(&s, song_text);
	tu_song_parse(&orig, song_text);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	mixsync_t *ms = malloc(sizeof(*ms));
	assert_non_null(ms);
	mixsync_reset(ms, &s);
	undo_t *u = undo_create(1 << 20, 100);
	assert_non_null(u);
	undo_begin(u, "mixer");
	assert_int_equal(undo_save_mixer(u, &s), 0);
	s.channel[0].mute = true;   /* not part of the mixer step */
	edit_mixer(&s);
	undo_end(u);
	assert_true(mixsync_run(ms, b, &s, 0.0f) > 0);
	undo_touched_t t;
	memset(&t, 0, sizeof(t));
	assert_non_null(undo_undo(u, &s, &t));
	assert_true(t.mixer);
	assert_true(s.channel[0].mute);   /* mute stays as it is */
	assert_true(s.channel[2].mute);
	s.channel[0].mute = s.channel[2].mute = false;
	mix_snap_t *snap = malloc(sizeof(*snap));
	assert_non_null(snap);
	mix_snap_take(snap, &orig);
	assert_true(mix_snap_same(snap, &s));
	assert_true(mixsync_run(ms, b, &s, 0.0f) > 0);
	check_plays_as(b, &orig);
	/* redo: the edited mix again */
	assert_non_null(undo_redo(u, &s, NULL));
	assert_false(mix_snap_same(snap, &s));
	free(snap);
	undo_destroy(u);
	bridge_destroy(b);
	free(ms);
	song_deinit(&s);
	song_deinit(&orig);
}

/* ---- A/B --------------------------------------------------------------------- */

static void feed_sine(mixab_t *ab, double amp, double seconds, float offset_db)
{
	enum { N = 4800 };
	static float x[N * 2];
	static long t;
	float g = db_to_gain(offset_db);
	for (int block = 0; block < (int)(seconds * RATE / N); block++) {
		for (int i = 0; i < N; i++, t++)
			x[2 * i] = x[2 * i + 1] = (float)(amp * sin(2.0 * M_PI * 997.0 * t / RATE)) * g;
		mixab_feed(ab, x, N, offset_db);
	}
}

static void test_ab_flip_keep_and_level_match(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	mixab_t *ab = malloc(sizeof(*ab));
	assert_non_null(ab);
	assert_int_equal(mixab_init(ab, RATE), 0);
	mixab_start(ab, &s);
	assert_true(ab->on);
	assert_int_equal(ab->cur, 1);   /* B heard: a copy of A */
	s.channel[0].volume = -20.0f;   /* B's edit */
	mixab_changed(ab);
	mixab_flip(ab, &s);
	assert_int_equal(ab->cur, 0);
	assert_true(s.channel[0].volume == -6.0f);   /* A again */
	mixab_flip(ab, &s);
	assert_true(s.channel[0].volume == -20.0f);  /* B again */

	/* Not measured yet: no offset. */
	assert_true(mixab_offset(ab) == 0.0f);
	/* B measures at -0.5 of full scale... A 6 dB louder. */
	feed_sine(ab, 0.25, 4.0, mixab_offset(ab));
	mixab_flip(ab, &s);
	assert_true(mixab_offset(ab) == 0.0f);      /* A not heard long enough yet */
	feed_sine(ab, 0.5, 4.0, mixab_offset(ab));
	float off = mixab_offset(ab);
	print_message("# A %.2f LUFS, B %.2f LUFS: A plays %.2f dB down\n", mixab_loudness(ab, 0),
	              mixab_loudness(ab, 1), (double)off);
	assert_true(fabs(off + 6.02) < 0.1);
	/* Heard with its offset, A still measures as itself. */
	feed_sine(ab, 0.5, 2.0, off);
	assert_true(fabs(mixab_offset(ab) + 6.02) < 0.1);
	mixab_flip(ab, &s);
	assert_true(mixab_offset(ab) == 0.0f);      /* B is the quieter: untouched */
	ab->match = false;
	mixab_flip(ab, &s);
	assert_true(mixab_offset(ab) == 0.0f);      /* matching off */
	ab->match = true;
	/* An edit to A measures A afresh. */
	mixab_changed(ab);
	assert_true(mixab_offset(ab) == 0.0f);

	/* A chain that answers only 60% of a level change (a limiter that
	 * lets go): the offset is corrected from A's measurements until A
	 * measures as B within the dead band. */
	assert_int_equal(ab->cur, 0);
	double la = 0.0, lb = mixab_loudness(ab, 1);
	for (int i = 0; i < 8; i++) {
		float o = mixab_offset(ab);
		/* feed_sine applies o in full; the chain gives back only 60% */
		feed_sine(ab, 0.5 * pow(10.0, -0.4 * o / 20.0), 3.5, o);
		la = mixab_loudness(ab, 0);
		print_message("# step %d: offset %.2f dB, A %.2f LUFS (B %.2f)\n", i, (double)o, la, lb);
	}
	assert_true(fabs(la - lb) < 0.5);

	/* Keep A: the song holds A's mix, the compare is over. */
	mixab_keep(ab);
	assert_false(ab->on);
	assert_true(s.channel[0].volume == -6.0f);
	assert_true(mixab_offset(ab) == 0.0f);
	mixab_deinit(ab);
	free(ab);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spectrum_sine_in_its_band),
		cmocka_unit_test(test_sync_makes_the_audio_side_play_the_edited_song),
		cmocka_unit_test(test_undo_brings_the_mix_back),
		cmocka_unit_test(test_ab_flip_keep_and_level_match),
	};
	return TU_RUN(tests);
}
