/*
 * Instruments that name the same audio file share one copy of its
 * frames: a song of 255 instruments on one file holds it once, plays as
 * if each had its own, frees it once, and an edit of one instrument's
 * sample leaves the others that shared it as they were.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bridge.h"
#include "note.h"
#include "sample.h"
#include "samplekeep.h"
#include "songfile.h"
#include "testutil.h"
#include "undo.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define RATE   48000
#define FRAMES 12000   /* a quarter second, stereo */

typedef struct fixture {
	char dir[512];
	char song[600];
} fixture_t;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void write_wav(const char *dir, const char *name, double hz, float level, int bits)
{
	float *d = malloc((size_t)FRAMES * 2 * sizeof(float));
	assert_non_null(d);
	for (int i = 0; i < FRAMES; i++) {
		d[2 * i] = level * (float)sin(2 * M_PI * hz * i / RATE);
		d[2 * i + 1] = level * (float)sin(2 * M_PI * hz * 1.5 * i / RATE);
	}
	char path[700], err[300];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (sample_write_wav(path, d, 2, FRAMES, RATE, bits, err, sizeof err) != 0)
		fail_msg("%s", err);
	free(d);
}

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	const char *base = getenv("TMPDIR");
	snprintf(f->dir, sizeof f->dir, "%s/sampleshare.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	char path[700];
	snprintf(path, sizeof path, "%s/s", f->dir);
	if (mkdir(path, 0777) != 0)
		return -1;
	snprintf(f->song, sizeof f->song, "%s/song.bty", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* The ways a song can name s/a.wav: all of them the same file. */
static const char *const spelling[] = { "s/a.wav", "./s/a.wav", "s/../s/a.wav", "link.wav" };
#define NSPELL 4

static const char *spelled(int i)
{
	return spelling[i % NSPELL];
}

/* 255 sampler instruments on s/a.wav, each with its own root, and a
 * pattern that plays a few of them. */
static void write_full_song(const fixture_t *f)
{
	write_wav(f->dir, "s/a.wav", 440.0, 0.5f, 16);
	char path[700];
	snprintf(path, sizeof path, "%s/link.wav", f->dir);
	assert_int_equal(symlink("s/a.wav", path), 0);
	size_t cap = 1 << 16, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "[song]\nformat = 1\nchannels = 4\n\n");
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		char root[4];
		note_name(NOTE_MIN + 36 + i % 24, root);
		n += (size_t)snprintf(text + n, cap - n,
		                      "[instrument %02X]\ntype = sampler\nfile = %s\nroot = %s\n\n",
		                      i, spelled(i), root);
		assert_true(n < cap);
	}
	n += (size_t)snprintf(text + n, cap - n,
	                      "[pattern 00]\nrows = 8\n"
	                      "00 = C-4 01 .. ... | E-4 80 30 ... | G-4 FF .. ... | ... .. .. ...\n"
	                      "04 = ... .. .. ... | ... .. .. ... | ... .. .. ... | C-5 02 .. ...\n"
	                      "\n[order]\n00 = 00\n");
	assert_true(n < cap);
	write_file(f->song, text);
	free(text);
}

static void load(song_t *s, const char *path, songfile_warn_fn warn, void *user)
{
	songfile_error_t e;
	if (songfile_load(s, path, SONGFILE_LOAD_SAMPLES, &e, warn, user) != 0) {
		char msg[800];
		songfile_error_format(&e, msg, sizeof msg);
		fail_msg("%s", msg);
	}
}

/* Bytes of distinct sample frames the song holds. */
static size_t sample_bytes(const song_t *s)
{
	size_t bytes = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const sample_t *a = s->inst[i] ? &s->inst[i]->sampler.sample : NULL;
		if (!a || !a->data)
			continue;
		bool seen = false;
		for (int j = 1; j < i && !seen; j++)
			seen = s->inst[j] && s->inst[j]->sampler.sample.data == a->data;
		if (!seen)
			bytes += (size_t)a->frames * (size_t)a->channels * sizeof(float);
	}
	return bytes;
}

static void one_file_loaded_once(void **state)
{
	fixture_t *f = *state;
	write_full_song(f);
	song_t s;
	load(&s, f->song, NULL, NULL);
	const sample_t *first = &s.inst[1]->sampler.sample;
	assert_non_null(first->data);
	assert_int_equal(first->frames, FRAMES);
	assert_int_equal(first->channels, 2);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const sample_t *a = &s.inst[i]->sampler.sample;
		if (a->data != first->data)
			fail_msg("instrument %02X (%s) holds its own copy", i, s.inst[i]->sampler.path);
		assert_int_equal(a->frames, FRAMES);
		assert_int_equal(a->rate, RATE);
	}
	size_t one = (size_t)FRAMES * 2 * sizeof(float);
	print_message("# %d instruments, %zu bytes of frames (one file: %zu)\n",
	              SONG_MAX_INSTRUMENTS, sample_bytes(&s), one);
	assert_int_equal(sample_bytes(&s), one);

	/* The render is the one of instruments with copies of their own. */
	float *shared = NULL, *own = NULL;
	int64_t n = tu_render(&s, RATE, &shared);
	float *keep[SONG_MAX_INSTRUMENTS + 1];
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		sample_t *a = &s.inst[i]->sampler.sample;
		keep[i] = a->data;
		float *copy = malloc(one);
		assert_non_null(copy);
		memcpy(copy, a->data, one);
		a->data = copy;
	}
	int64_t m = tu_render(&s, RATE, &own);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		free(s.inst[i]->sampler.sample.data);
		s.inst[i]->sampler.sample.data = keep[i];
	}
	assert_int_equal(n, m);
	assert_true(tu_peak(shared, (size_t)n * 2) > 0.1);
	assert_memory_equal(shared, own, (size_t)n * 2 * sizeof(float));
	free(shared);
	free(own);
	song_deinit(&s);   /* once: ASan would see a second free */
}

static void warns(void *user, const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	int *n = user;
	(*n)++;
	print_message("# warning: %s\n", msg);
}

/* Another file is another sample, even with the same frames; a file
 * with values beyond full scale is clamped and warned about once. */
static void files_told_apart_warned_once(void **state)
{
	fixture_t *f = *state;
	write_wav(f->dir, "s/a.wav", 440.0, 0.5f, 16);
	write_wav(f->dir, "s/same.wav", 440.0, 0.5f, 16);
	write_wav(f->dir, "s/loud.wav", 220.0, 4.0f, 32);
	write_file(f->song,
	           "[song]\nformat = 1\n\n"
	           "[instrument 01]\ntype = sampler\nfile = s/loud.wav\n\n"
	           "[instrument 02]\ntype = sampler\nfile = s/a.wav\n\n"
	           "[instrument 03]\ntype = sampler\nfile = ./s/loud.wav\n\n"
	           "[instrument 04]\ntype = sampler\nfile = s/same.wav\n\n"
	           "[instrument 05]\ntype = sampler\nfile = s/loud.wav\nloop = forward\n"
	           "loop_start = 0\nloop_end = 100\n\n"
	           "[pattern 00]\nrows = 1\n\n[order]\n00 = 00\n");
	song_t s;
	int nwarn = 0;
	load(&s, f->song, warns, &nwarn);
	assert_int_equal(nwarn, 1);
	const float *loud = s.inst[1]->sampler.sample.data;
	assert_ptr_equal(s.inst[3]->sampler.sample.data, loud);
	assert_ptr_equal(s.inst[5]->sampler.sample.data, loud);
	assert_true(s.inst[1]->sampler.sample.clamped > 0);
	assert_int_equal(s.inst[5]->sampler.sample.clamped, s.inst[1]->sampler.sample.clamped);
	assert_true(tu_peak(loud, FRAMES * 2) <= 1.0);
	assert_ptr_not_equal(s.inst[2]->sampler.sample.data, loud);
	assert_ptr_not_equal(s.inst[4]->sampler.sample.data, s.inst[2]->sampler.sample.data);
	assert_memory_equal(s.inst[4]->sampler.sample.data, s.inst[2]->sampler.sample.data,
	                    (size_t)FRAMES * 2 * sizeof(float));
	assert_int_equal(sample_bytes(&s), 3 * (size_t)FRAMES * 2 * sizeof(float));
	song_deinit(&s);

	/* Each instrument's loop is still checked against the frames. */
	write_file(f->song,
	           "[song]\nformat = 1\n\n"
	           "[instrument 01]\ntype = sampler\nfile = s/a.wav\n\n"
	           "[instrument 02]\ntype = sampler\nfile = s/a.wav\nloop = forward\n"
	           "loop_start = 0\nloop_end = 12001\n\n"
	           "[pattern 00]\nrows = 1\n\n[order]\n00 = 00\n");
	songfile_error_t e;
	assert_int_equal(songfile_load(&s, f->song, SONGFILE_LOAD_SAMPLES, &e, NULL, NULL), -1);
	assert_int_equal(e.line, 13);
	assert_non_null(strstr(e.msg, "loop_end 12001 is beyond the end of 's/a.wav'"));
}

/* Writing the song keeps every instrument's own spelling of the path. */
static void round_trip_keeps_paths(void **state)
{
	fixture_t *f = *state;
	write_full_song(f);
	song_t s, back;
	load(&s, f->song, NULL, NULL);
	char *text = songfile_to_string(&s);
	assert_non_null(text);
	char out[700];
	snprintf(out, sizeof out, "%s/again.bty", f->dir);
	write_file(out, text);
	load(&back, out, NULL, NULL);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		assert_string_equal(s.inst[i]->sampler.path, spelled(i));
		assert_string_equal(back.inst[i]->sampler.path, spelled(i));
		assert_ptr_equal(back.inst[i]->sampler.sample.data, back.inst[1]->sampler.sample.data);
	}
	char *again = songfile_to_string(&back);
	assert_non_null(again);
	assert_string_equal(text, again);
	free(text);
	free(again);
	song_deinit(&back);
	song_deinit(&s);
}

/* A copy (what a background render works on) shares as the song does,
 * and lives on alone. */
static void copy_keeps_sharing(void **state)
{
	fixture_t *f = *state;
	write_full_song(f);
	song_t s, c;
	load(&s, f->song, NULL, NULL);
	assert_int_equal(song_copy(&c, &s), 0);
	const float *d = c.inst[1]->sampler.sample.data;
	assert_ptr_not_equal(d, s.inst[1]->sampler.sample.data);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		assert_ptr_equal(c.inst[i]->sampler.sample.data, d);
	assert_int_equal(sample_bytes(&c), sample_bytes(&s));
	float *a = NULL, *b = NULL;
	int64_t n = tu_render(&s, RATE, &a);
	song_deinit(&s);
	assert_int_equal(tu_render(&c, RATE, &b), n);
	assert_memory_equal(a, b, (size_t)n * 2 * sizeof(float));
	free(a);
	free(b);
	song_deinit(&c);
}

static bool busy_undo(void *user, const float *data)
{
	return undo_uses_sample(user, data);
}

/* What the instruments page does when it loads another file into one
 * instrument, slices it, deletes another and undoes: the instruments
 * that shared the old file keep it, and every buffer is freed once. */
static void edit_leaves_the_sharers(void **state)
{
	fixture_t *f = *state;
	write_full_song(f);
	write_wav(f->dir, "s/b.wav", 1000.0, 0.25f, 16);
	song_t s;
	load(&s, f->song, NULL, NULL);
	float *a = s.inst[1]->sampler.sample.data;
	assert_ptr_equal(s.inst[2]->sampler.sample.data, a);
	sample_t orig = s.inst[2]->sampler.sample;
	float *want = malloc((size_t)FRAMES * 2 * sizeof(float));
	assert_non_null(want);
	memcpy(want, a, (size_t)FRAMES * 2 * sizeof(float));

	samplekeep_t k;
	samplekeep_init(&k, &s);
	undo_t *u = undo_create(1 << 20, 100);
	bridge_t *br = bridge_create(&s, RATE);
	assert_non_null(br);

	/* another file into 01 */
	char path[700], err[300];
	snprintf(path, sizeof path, "%s/s/b.wav", f->dir);
	undo_begin(u, "load sample");
	assert_int_equal(undo_save_inst(u, &s, 1), 0);
	assert_int_equal(sample_load(&s.inst[1]->sampler.sample, path, err, sizeof err), 0);
	snprintf(s.inst[1]->sampler.path, sizeof s.inst[1]->sampler.path, "s/b.wav");
	undo_end(u);
	float *b = s.inst[1]->sampler.sample.data;
	assert_int_equal(samplekeep_sync(&k, &s), 0);
	assert_true(bridge_set_inst(br, 1, s.inst[1]));
	assert_false(samplekeep_has(&k, a));   /* still the song's: 02..FF play it */
	float out[2 * 256];
	bridge_fill(br, out, 256);
	bridge_collect(br);
	assert_true(bridge_sample_busy(br, a));

	/* slices on 01 */
	undo_begin(u, "slice");
	assert_int_equal(undo_save_inst(u, &s, 1), 0);
	s.inst[1]->sampler.nslices = 4;
	for (int i = 0; i < 4; i++)
		s.inst[1]->sampler.slice[i] = FRAMES / 4 * i;
	undo_end(u);
	assert_int_equal(samplekeep_sync(&k, &s), 0);

	/* delete 03 */
	undo_begin(u, "delete instrument");
	assert_int_equal(undo_save_inst(u, &s, 3), 0);
	free(s.inst[3]);
	s.inst[3] = NULL;
	undo_end(u);
	assert_int_equal(samplekeep_sync(&k, &s), 0);
	assert_true(bridge_set_inst(br, 3, NULL));
	assert_false(samplekeep_has(&k, a));
	assert_int_equal(samplekeep_gc(&k, busy_undo, u), 0);

	for (int i = 2; i <= SONG_MAX_INSTRUMENTS; i++) {
		if (i == 3)
			continue;
		const sampler_params_t *sp = &s.inst[i]->sampler;
		assert_ptr_equal(sp->sample.data, a);
		assert_int_equal(sp->sample.frames, orig.frames);
		assert_int_equal(sp->nslices, 0);
		assert_string_equal(sp->path, spelled(i));
	}
	assert_memory_equal(a, want, (size_t)FRAMES * 2 * sizeof(float));
	assert_int_equal(s.inst[1]->sampler.nslices, 4);
	assert_string_equal(s.inst[1]->sampler.path, "s/b.wav");

	/* 02 plays the old file's sound, 01 the new one's */
	float *mix = NULL;
	int64_t n = tu_render(&s, RATE, &mix);
	assert_true(n > 0);
	free(mix);

	/* undo all three: 01 is back on the shared file, b is kept until the
	 * history forgets it */
	undo_touched_t t;
	for (int step = 0; step < 3; step++) {
		memset(&t, 0, sizeof t);
		assert_non_null(undo_undo(u, &s, &t));
	}
	assert_int_equal(samplekeep_sync(&k, &s), 0);
	assert_ptr_equal(s.inst[1]->sampler.sample.data, a);
	assert_ptr_equal(s.inst[3]->sampler.sample.data, a);
	assert_true(samplekeep_has(&k, b));
	assert_int_equal(samplekeep_gc(&k, busy_undo, u), 0);
	undo_clear(u);
	bridge_destroy(br);
	assert_int_equal(samplekeep_gc(&k, busy_undo, u), 1);
	assert_int_equal(sample_bytes(&s), (size_t)FRAMES * 2 * sizeof(float));

	undo_destroy(u);
	samplekeep_deinit(&k);
	free(want);
	song_deinit(&s);
}

/* Freeing one sharer leaves the frames to the others. */
static void inst_free_leaves_the_sharers(void **state)
{
	fixture_t *f = *state;
	write_full_song(f);
	song_t s;
	load(&s, f->song, NULL, NULL);
	for (int i = 1; i < SONG_MAX_INSTRUMENTS; i++)
		song_inst_free(&s, i);
	const sample_t *last = &s.inst[SONG_MAX_INSTRUMENTS]->sampler.sample;
	assert_true(tu_peak(last->data, (size_t)last->frames * 2) > 0.1);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_file_loaded_once, setup, teardown),
		cmocka_unit_test_setup_teardown(files_told_apart_warned_once, setup, teardown),
		cmocka_unit_test_setup_teardown(round_trip_keeps_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(copy_keeps_sharing, setup, teardown),
		cmocka_unit_test_setup_teardown(edit_leaves_the_sharers, setup, teardown),
		cmocka_unit_test_setup_teardown(inst_free_leaves_the_sharers, setup, teardown),
	};
	return TU_RUN(tests);
}
