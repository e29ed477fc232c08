/*
 * test_reftrack: the reference track, measured on what is heard.
 *
 * - Loading reads a file at another rate, resamples it (a 1 kHz tone
 *   stays at 1 kHz), fades its ends and measures its loudness; a missing, non-audio or
 *   silent file is refused with its name in the reason.
 * - Matching: a reference at -20 LUFS against a target of -14 LUFS is
 *   heard at -14 LUFS (measured on the output).
 * - Switching crossfades: no sample moves further than the fade's slope
 *   allows, and once back on the mix the output is the mix bit for bit.
 * - The reference keeps its own time while the song plays, loops at its
 *   end, and stands still while the song is stopped.
 * - Through the bridge: the tap still carries the mix while the
 *   reference is heard; the replaced reference is busy until the audio
 *   side hands it back; with a reference loaded but not chosen, the
 *   output is the offline render bit for bit.
 * - The song remembers the reference's path: an optional key, written
 *   only when set, read back the same, rebased with the song, and no
 *   part of what renders.
 * - Two threads: periods filled like an audio callback while this one
 *   loads (on a loader thread), swaps, switches and frees references
 *   (built with -fsanitize=thread, no race is reported).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "bridge.h"
#include "loudness.h"
#include "reftrack.h"
#include "sample.h"
#include "songfile.h"
#include "testutil.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define RATE   48000
#define PERIOD 256

static char dir[256];

static void nap(void)
{
	nanosleep(&(struct timespec){ 0, 200000 }, NULL);
}

static void tmpdir_make(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "%s/reftrack-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* A stereo sine of amp (peak) at hz, seconds long, written as 32-bit
 * float WAV at rate; returns the path (static storage per name). */
static const char *tone_file(const char *name, int rate, double hz, double amp, double seconds)
{
	tmpdir_make();
	static char path[8][512];
	static int k;
	char *p = path[k++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	long long n = (long long)(seconds * rate);
	float *d = malloc((size_t)n * 2 * sizeof(float));
	assert_non_null(d);
	for (long long i = 0; i < n; i++)
		d[2 * i] = d[2 * i + 1] = (float)(amp * sin(2.0 * M_PI * hz * (double)i / rate));
	char err[600];
	assert_int_equal(sample_write_wav(p, d, 2, n, rate, 32, err, sizeof(err)), 0);
	free(d);
	return p;
}

/* Integrated loudness of interleaved stereo frames. */
static double lufs_of(const float *f, size_t n)
{
	loudness_t *m = loudness_create(RATE);
	assert_non_null(m);
	loudness_add(m, f, n);
	loudness_reading_t r;
	loudness_read(m, &r);
	loudness_destroy(m);
	return r.integrated;
}

/* A sine whose peak gives about -20 LUFS at 1 kHz in both channels. */
#define AMP_20 0.1

static void test_load_resamples_and_measures(void **state)
{
	(void)state;
	const char *p = tone_file("tone44.wav", 44100, 1000.0, AMP_20, 6.0);
	char err[1200];
	reftrack_t *r = reftrack_load(p, RATE, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(r->rate, RATE);
	assert_int_equal(r->file_rate, 44100);
	assert_int_equal(r->file_channels, 2);
	assert_true(llabs(r->frames - 6 * RATE) <= 1);
	float *left = tu_channel(r->data, (size_t)r->frames, 0);
	double hz = tu_peak_hz(left + RATE, RATE, RATE);
	print_message("# resampled tone at %.2f Hz, %.2f LUFS, LRA %.2f, TP %.2f\n", hz, r->lufs, r->lra,
	              r->true_peak);
	assert_true(fabs(hz - 1000.0) < 1.0);
	assert_true(fabs(tu_peak(left + RATE, RATE) - AMP_20) < 0.002);
	free(left);
	assert_true(fabs(r->lufs - -20.0) < 0.5);
	assert_true(fabs(r->true_peak - -20.0) < 0.5);
	assert_true(r->lra < 1.0);
	reftrack_free(r);

	/* at the engine's rate: copied as it is */
	p = tone_file("tone48.wav", RATE, 1000.0, AMP_20, 3.0);
	r = reftrack_load(p, RATE, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(r->frames, 3 * RATE);
	assert_true(r->data[2 * 1000] == (float)(AMP_20 * sin(2.0 * M_PI * 1000.0 * 1000 / RATE)));
	/* both ends fade, so the loop does not click */
	assert_true(r->data[0] == 0.0f && r->data[2 * (r->frames - 1)] == 0.0f);
	assert_true(fabsf(r->data[2 * 100 + 1]) < AMP_20 * 100.0 / 240.0 + 1e-6);
	reftrack_free(r);
}

static void test_bad_files_are_named(void **state)
{
	(void)state;
	tmpdir_make();
	char err[1200], p[600];
	snprintf(p, sizeof(p), "%s/missing.wav", dir);
	assert_null(reftrack_load(p, RATE, err, sizeof(err)));
	assert_non_null(strstr(err, "missing.wav"));
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("[song]\nthis is no audio\n", f);
	fclose(f);
	assert_null(reftrack_load(p, RATE, err, sizeof(err)));
	assert_non_null(strstr(err, "notes.txt"));
	const char *s = tone_file("silent.wav", RATE, 1000.0, 0.0, 1.0);
	assert_null(reftrack_load(s, RATE, err, sizeof(err)));
	assert_non_null(strstr(err, "silent.wav"));
	assert_non_null(strstr(err, "silent"));
	/* the loader thread says the same */
	reftrack_job_t *j = reftrack_job_start(p, RATE, err, sizeof(err));
	assert_non_null(j);
	while (!reftrack_job_done(j))
		nap();
	assert_null(reftrack_job_finish(j, err, sizeof(err)));
	assert_non_null(strstr(err, "notes.txt"));
}

static void test_match_gain(void **state)
{
	(void)state;
	assert_true(fabs(reftrack_match_gain(-20.0, -14.0) - 6.0) < 1e-9);
	assert_true(fabs(reftrack_match_gain(-8.0, -14.0) - -6.0) < 1e-9);
	assert_true(reftrack_match_gain(-70.0, 0.0) == REFTRACK_GAIN_MAX);
	assert_true(reftrack_match_gain(-HUGE_VAL, -14.0) == 0.0);
	assert_true(reftrack_match_gain(-20.0, NAN) == 0.0);
}

/* The heard output of a player over a mix of constant mix_value, n
 * frames in periods. */
static float *play(refplay_t *p, int64_t n, float mix_value, bool advance)
{
	float *out = malloc((size_t)n * 2 * sizeof(float));
	assert_non_null(out);
	for (int64_t i = 0; i < 2 * n; i++)
		out[i] = mix_value;
	for (int64_t d = 0; d < n; d += PERIOD)
		refplay_process(p, out + 2 * d, (int)(n - d < PERIOD ? n - d : PERIOD), advance);
	return out;
}

static void test_matched_reference_is_heard_at_the_target(void **state)
{
	(void)state;
	const char *path = tone_file("ref20.wav", 44100, 1000.0, AMP_20, 8.0);
	char err[1200];
	reftrack_t *r = reftrack_load(path, RATE, err, sizeof(err));
	assert_non_null(r);
	refplay_t p;
	refplay_init(&p, RATE);
	refplay_set(&p, r);
	refplay_choose(&p, true, (float)reftrack_match_gain(r->lufs, -14.0));
	int64_t n = 10 * RATE;   /* longer than the reference: it loops */
	float *out = play(&p, n, 0.0f, true);
	double heard = lufs_of(out, (size_t)n);
	print_message("# reference %.2f LUFS, heard at %.2f LUFS (target -14)\n", r->lufs, heard);
	assert_true(fabs(heard - -14.0) <= 0.5);
	/* unmatched (gain 0) it is heard as it is */
	refplay_choose(&p, true, 0.0f);
	free(out);
	out = play(&p, 4 * RATE, 0.0f, true);
	heard = lufs_of(out + RATE, 3 * RATE);   /* after the gain's glide */
	assert_true(fabs(heard - r->lufs) <= 0.2);
	free(out);
	reftrack_free(r);
}

/* A reference of constant value v (both channels), frames long. */
static reftrack_t *constant_ref(float v, int64_t frames)
{
	reftrack_t *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->data = malloc((size_t)frames * 2 * sizeof(float));
	assert_non_null(r->data);
	for (int64_t i = 0; i < 2 * frames; i++)
		r->data[i] = v;
	r->frames = frames;
	r->rate = RATE;
	r->lufs = -10.0;
	return r;
}

static void test_switching_crossfades_without_a_step(void **state)
{
	(void)state;
	reftrack_t *r = constant_ref(0.8f, RATE);
	refplay_t p;
	refplay_init(&p, RATE);
	refplay_set(&p, r);
	const float mix = 0.2f;
	const int64_t n = RATE / 4;
	/* to the reference, mid-period (choose between two calls of 100) */
	float *out = malloc((size_t)n * 2 * sizeof(float));
	for (int64_t i = 0; i < 2 * n; i++)
		out[i] = mix;
	refplay_process(&p, out, 100, true);
	refplay_choose(&p, true, 0.0f);
	refplay_process(&p, out + 200, (int)(n - 100), true);
	const double fade = REFPLAY_XFADE_S * RATE;
	const double slope = (0.8 - 0.2) / fade;
	double worst = 0.0;
	int64_t first = -1, last = -1;
	for (int64_t i = 1; i < n; i++) {
		double d = fabs((double)out[2 * i] - out[2 * i - 2]);
		worst = d > worst ? d : worst;
		if (d > 0 && first < 0)
			first = i;
		if (d > 0)
			last = i;
	}
	print_message("# to the reference: largest step %.6f (fade slope %.6f), over frames %lld..%lld\n",
	              worst, slope, (long long)first, (long long)last);
	for (int64_t i = 0; i < 100; i++)
		assert_true(out[2 * i] == mix);   /* before the switch: the mix untouched */
	assert_true(worst <= slope * 1.01);
	assert_true(last - first + 1 >= (int64_t)fade - 2);
	assert_true(fabsf(out[2 * (n - 1)] - 0.8f) < 1e-6f);
	assert_true(refplay_heard(&p));
	free(out);

	/* back to the mix: the same fade, then the mix bit for bit */
	refplay_choose(&p, false, 0.0f);
	out = play(&p, n, mix, true);
	worst = 0.0;
	for (int64_t i = 1; i < n; i++) {
		double d = fabs((double)out[2 * i] - out[2 * i - 2]);
		worst = d > worst ? d : worst;
	}
	assert_true(worst <= slope * 1.01);
	assert_false(refplay_heard(&p));
	for (int64_t i = (int64_t)fade + 1; i < n; i++)
		assert_true(out[2 * i] == mix && out[2 * i + 1] == mix);
	free(out);

	/* a change of gain while heard glides, never steps */
	refplay_choose(&p, true, 0.0f);
	free(play(&p, n, mix, true));
	refplay_choose(&p, true, -12.0f);
	out = play(&p, n, mix, true);
	worst = 0.0;
	for (int64_t i = 1; i < n; i++) {
		double d = fabs((double)out[2 * i] - out[2 * i - 2]);
		worst = d > worst ? d : worst;
	}
	assert_true(worst < 0.01);
	assert_true(fabsf(out[2 * (n - 1)] - 0.8f * powf(10.0f, -12.0f / 20.0f)) < 1e-3f);
	free(out);
	reftrack_free(r);
}

static void test_own_timeline(void **state)
{
	(void)state;
	/* a ramp: each frame's value is its index */
	reftrack_t *r = constant_ref(0.0f, 1000);
	for (int i = 0; i < 1000; i++)
		r->data[2 * i] = r->data[2 * i + 1] = (float)i / 1000.0f;
	refplay_t p;
	refplay_init(&p, RATE);
	refplay_set(&p, r);
	/* not heard, the song playing: it moves on all the same */
	float *out = play(&p, 700, 0.5f, true);
	for (int i = 0; i < 1400; i++)
		assert_true(out[i] == 0.5f);   /* the mix untouched */
	free(out);
	assert_int_equal(p.pos, 700);
	/* stopped: it stands */
	free(play(&p, 300, 0.0f, false));
	assert_int_equal(p.pos, 700);
	/* heard after the fade: frames 700.. and on through the loop */
	refplay_choose(&p, true, 0.0f);
	free(play(&p, 2000, 0.0f, false));   /* the fade, stopped: no time passes */
	assert_int_equal(p.pos, 700);
	out = play(&p, 600, 0.0f, true);
	assert_true(out[0] == 0.7f);
	assert_true(out[2 * 299] == 0.999f);
	assert_true(out[2 * 300] == 0.0f);    /* looped */
	assert_true(out[2 * 599] == 0.299f);
	free(out);
	refplay_rewind(&p);
	out = play(&p, 1, 0.0f, true);
	assert_true(out[0] == 0.0f && p.pos == 1);
	free(out);
	/* no reference: the output is left as it is */
	refplay_set(&p, NULL);
	out = play(&p, 100, 0.25f, true);
	for (int i = 0; i < 200; i++)
		assert_true(out[i] == 0.25f);
	free(out);
	reftrack_free(r);
}

/* ---- through the bridge ----------------------------------------------- */

static const char tone_song[] =
	"[song]\nformat = 1\nbpm = 120\nchannels = 1\n\n"
	"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0.01 0 1 0.01\n\n"
	"[pattern 00]\nrows = 32\n00 = A-4 01 .. ...\n\n"
	"[order]\n00 = 00\n";

static void test_bridge_mixes_after_the_tap(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, tone_song);
	float *offline;
	int64_t n = tu_render(&s, RATE, &offline);
	assert_true(n > RATE);

	reftrack_t *r = constant_ref(0.5f, RATE);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	bridge_set_interpolation(b, INTERP_SINC);
	assert_true(bridge_set_reference(b, r));
	assert_true(bridge_reference_busy(b, r));
	assert_true(bridge_tap(b, true));
	assert_true(bridge_play(b, 0, 0));
	/* loaded, not chosen: the output is the offline render */
	float buf[PERIOD * 2], tap[BRIDGE_TAP_CHUNK * 2];
	int64_t at = 0;
	for (int k = 0; k < 40; k++, at += PERIOD) {
		bridge_fill(b, buf, PERIOD);
		assert_memory_equal(buf, offline + 2 * at, sizeof(buf));
		while (bridge_tap_read(b, tap) > 0)
			;
	}
	/* chosen: after the fade the output is the reference, the tap the mix */
	assert_true(bridge_choose_reference(b, true, 0.0f));
	for (int k = 0; k < 10; k++, at += PERIOD) {
		bridge_fill(b, buf, PERIOD);
		while (bridge_tap_read(b, tap) > 0)
			;
	}
	bridge_fill(b, buf, PERIOD);
	int got = bridge_tap_read(b, tap);
	assert_int_equal(got, PERIOD);
	assert_memory_equal(tap, offline + 2 * at, sizeof(buf));
	for (int i = 0; i < 2 * PERIOD; i++)
		assert_true(buf[i] == 0.5f);
	bridge_snapshot_t snap;
	bridge_snapshot(b, &snap);
	assert_true(snap.ref_heard);
	assert_int_equal(snap.ref_frame, at + PERIOD);

	/* a new reference: the old one is busy until handed back */
	reftrack_t *r2 = constant_ref(0.25f, RATE);
	assert_true(bridge_set_reference(b, r2));
	assert_true(bridge_reference_busy(b, r));
	assert_true(bridge_reference_busy(b, r2));
	bridge_fill(b, buf, PERIOD);
	bridge_collect(b);
	assert_false(bridge_reference_busy(b, r));
	assert_true(bridge_reference_busy(b, r2));
	bridge_snapshot(b, &snap);
	assert_int_equal(snap.ref_frame, PERIOD);   /* from its start */
	assert_true(buf[2 * (PERIOD - 1)] == 0.25f);
	bridge_destroy(b);
	reftrack_free(r);
	reftrack_free(r2);
	free(offline);
	song_deinit(&s);
}

/* ---- the song's reference key ------------------------------------------ */

static void test_song_remembers_the_path(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, tone_song);
	assert_string_equal(s.reference, "");
	char *plain = songfile_to_string(&s);
	assert_non_null(plain);
	assert_null(strstr(plain, "reference"));   /* not set: not written */

	snprintf(s.reference, sizeof(s.reference), "refs/a record.flac");
	char *with = songfile_to_string(&s);
	assert_non_null(with);
	assert_non_null(strstr(with, "\nreference = refs/a record.flac\n"));
	song_t t;
	tu_song_parse(&t, with);
	assert_string_equal(t.reference, "refs/a record.flac");
	char *again = songfile_to_string(&t);
	assert_string_equal(again, with);   /* round trip, byte for byte */

	/* it is no part of the sound */
	float *a, *b;
	int64_t na = tu_render(&s, RATE, &a), nb = tu_render(&t, RATE, &b);
	song_t u;
	tu_song_parse(&u, plain);
	float *c;
	int64_t nc = tu_render(&u, RATE, &c);
	assert_int_equal(na, nc);
	assert_int_equal(nb, nc);
	assert_memory_equal(a, c, (size_t)nc * 2 * sizeof(float));
	assert_memory_equal(b, c, (size_t)nc * 2 * sizeof(float));
	free(a);
	free(b);
	free(c);

	/* saved one folder down, the path still names the same file */
	tmpdir_make();
	char sub[600], from[700], to[700];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(from, sizeof(from), "%s/song.bty", dir);
	snprintf(to, sizeof(to), "%s/song.bty", sub);
	snprintf(t.reference, sizeof(t.reference), "ref.wav");
	assert_int_equal(songfile_rebase(&t, from, to), 1);
	assert_string_equal(t.reference, "../ref.wav");
	free(plain);
	free(with);
	free(again);
	song_deinit(&s);
	song_deinit(&t);
	song_deinit(&u);
}

/* ---- two threads -------------------------------------------------------- */

typedef struct audio_sim {
	bridge_t *b;
	atomic_bool stop;
	bool finite;
	long periods;
} audio_sim_t;

static void *audio_thread(void *arg)
{
	audio_sim_t *a = arg;
	float buf[PERIOD * 2];
	a->finite = true;
	while (!atomic_load(&a->stop)) {
		bridge_fill(a->b, buf, PERIOD);
		for (int i = 0; i < PERIOD * 2; i++)
			if (!isfinite(buf[i]))
				a->finite = false;
		a->periods++;
	}
	return NULL;
}

static void test_swaps_while_the_audio_thread_runs(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, tone_song);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_set_loop(b, true));
	assert_true(bridge_play(b, 0, 0));
	audio_sim_t a = { .b = b };
	atomic_init(&a.stop, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, audio_thread, &a), 0);

	const char *path = tone_file("swap.wav", 44100, 440.0, 0.3, 0.5);
	reftrack_t *held[64];
	int nheld = 0, swaps = 0, freed = 0;
	for (int round = 0; round < 40; round++) {
		char err[1200];
		reftrack_job_t *j = reftrack_job_start(path, RATE, err, sizeof(err));
		assert_non_null(j);
		while (!reftrack_job_done(j))
			bridge_choose_reference(b, round & 1, -(float)(round % 7));
		reftrack_t *r = reftrack_job_finish(j, err, sizeof(err));
		assert_non_null(r);
		while (!bridge_set_reference(b, round % 5 == 4 ? NULL : r))
			nap();
		swaps++;
		held[nheld++] = r;
		bridge_collect(b);
		for (int i = 0; i < nheld;) {
			if (!bridge_reference_busy(b, held[i])) {
				reftrack_free(held[i]);
				held[i] = held[--nheld];
				freed++;
			} else {
				i++;
			}
		}
	}
	atomic_store(&a.stop, true);
	pthread_join(t, NULL);
	print_message("# %d references swapped in while %ld periods played, %d freed on the way\n",
	              swaps, a.periods, freed);
	assert_true(a.finite);
	assert_true(freed > 0);
	bridge_destroy(b);
	for (int i = 0; i < nheld; i++)
		reftrack_free(held[i]);
	song_deinit(&s);
}

static int cleanup(void **state)
{
	(void)state;
	if (dir[0]) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 0;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_resamples_and_measures),
		cmocka_unit_test(test_bad_files_are_named),
		cmocka_unit_test(test_match_gain),
		cmocka_unit_test(test_matched_reference_is_heard_at_the_target),
		cmocka_unit_test(test_switching_crossfades_without_a_step),
		cmocka_unit_test(test_own_timeline),
		cmocka_unit_test(test_bridge_mixes_after_the_tap),
		cmocka_unit_test(test_song_remembers_the_path),
		cmocka_unit_test_teardown(test_swaps_while_the_audio_thread_runs, cleanup),
	};
	return TU_RUN(tests);
}
