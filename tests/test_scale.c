/*
 * test_scale: the scales' notes, snapping to the nearest one, moving by
 * degrees, the block transposition, and the song file's scale line
 * (written only when a scale is set, read back the same).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "note.h"
#include "scale.h"
#include "songfile.h"
#include "testutil.h"

static int N(const char *name)
{
	int n = -1;
	assert_true(note_parse(name, &n));
	return n;
}

/* The pitch classes (0 = the key) a scale holds in one octave. */
static int classes(int scale, int *out)
{
	int k = 0;
	for (int i = 0; i < 12; i++)
		if (scale_contains(0, scale, N("C-4") + i))
			out[k++] = i;
	return k;
}

static void scale_notes(void **state)
{
	(void)state;
	static const struct { int scale; int n; int pc[12]; } want[] = {
		{ SCALE_MAJOR, 7, { 0, 2, 4, 5, 7, 9, 11 } },
		{ SCALE_MINOR, 7, { 0, 2, 3, 5, 7, 8, 10 } },
		{ SCALE_HARMONIC_MINOR, 7, { 0, 2, 3, 5, 7, 8, 11 } },
		{ SCALE_DORIAN, 7, { 0, 2, 3, 5, 7, 9, 10 } },
		{ SCALE_MIXOLYDIAN, 7, { 0, 2, 4, 5, 7, 9, 10 } },
		{ SCALE_MAJOR_PENTATONIC, 5, { 0, 2, 4, 7, 9 } },
		{ SCALE_MINOR_PENTATONIC, 5, { 0, 3, 5, 7, 10 } },
		{ SCALE_BLUES, 6, { 0, 3, 5, 6, 7, 10 } },
		{ SCALE_CHROMATIC, 12, { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 } },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int pc[12];
		assert_int_equal(classes(want[i].scale, pc), want[i].n);
		for (int k = 0; k < want[i].n; k++)
			assert_int_equal(pc[k], want[i].pc[k]);
	}
	/* A minor is the white keys; every octave alike */
	int key, scale;
	assert_true(scale_parse("A minor", &key, &scale));
	for (int n = NOTE_MIN; n <= NOTE_MAX; n++) {
		char name[4];
		note_name(n, name);
		assert_int_equal(scale_contains(key, scale, n), name[1] != '#');
	}
	/* what is not a note is never out of scale */
	assert_true(scale_contains(key, scale, NOTE_OFF));
	assert_true(scale_contains(key, scale, NOTE_NONE));
}

static void parsing(void **state)
{
	(void)state;
	int key = -1, scale = -1;
	assert_true(scale_parse("f# dorian", &key, &scale));
	assert_int_equal(key, 6);
	assert_int_equal(scale, SCALE_DORIAN);
	assert_true(scale_parse("  Eb Major ", &key, &scale));
	assert_int_equal(key, 3);
	assert_int_equal(scale, SCALE_MAJOR);
	assert_true(scale_parse("Cb blues", &key, &scale));
	assert_int_equal(key, 11);
	assert_true(scale_parse("off", &key, &scale));
	assert_int_equal(scale, SCALE_CHROMATIC);
	assert_false(scale_parse("H minor", &key, &scale));
	assert_false(scale_parse("C", &key, &scale));
	assert_false(scale_parse("C lydian", &key, &scale));
	assert_false(scale_parse("C chromatic", &key, &scale));
	char buf[32];
	for (int s = 1; s < SCALE_COUNT; s++)
		for (int k = 0; k < 12; k++) {
			scale_format(k, s, buf, sizeof(buf));
			assert_true(scale_parse(buf, &key, &scale));
			assert_int_equal(key, k);
			assert_int_equal(scale, s);
		}
	scale_format(0, SCALE_CHROMATIC, buf, sizeof(buf));
	assert_string_equal(buf, "chromatic");
}

static void snapping(void **state)
{
	(void)state;
	/* C major: C# is as near C as D, the lower wins; F# goes to F */
	assert_int_equal(scale_snap(0, SCALE_MAJOR, N("C#4")), N("C-4"));
	assert_int_equal(scale_snap(0, SCALE_MAJOR, N("F#4")), N("F-4"));
	assert_int_equal(scale_snap(0, SCALE_MAJOR, N("E-4")), N("E-4"));
	/* A minor pentatonic (A C D E G): B is a whole tone from A and a
	 * semitone from C */
	assert_int_equal(scale_snap(9, SCALE_MINOR_PENTATONIC, N("B-4")), N("C-5"));
	assert_int_equal(scale_snap(9, SCALE_MINOR_PENTATONIC, N("F-4")), N("E-4"));
	/* every snapped note is in the scale and at most 2 semitones away */
	for (int s = 0; s < SCALE_COUNT; s++)
		for (int k = 0; k < 12; k++)
			for (int n = NOTE_MIN; n <= NOTE_MAX; n++) {
				int m = scale_snap(k, s, n);
				assert_true(scale_contains(k, s, m));
				assert_true(abs(m - n) <= 2);
			}
	assert_int_equal(scale_snap(0, SCALE_MAJOR, NOTE_OFF), NOTE_OFF);
	assert_int_equal(scale_snap(0, SCALE_CHROMATIC, N("C#4")), N("C#4"));
}

static void degrees(void **state)
{
	(void)state;
	assert_int_equal(scale_shift(0, SCALE_MAJOR, N("C-4"), 2), N("E-4"));
	assert_int_equal(scale_shift(0, SCALE_MAJOR, N("C-4"), 7), N("C-5"));
	assert_int_equal(scale_shift(0, SCALE_MAJOR, N("C-4"), -1), N("B-3"));
	assert_int_equal(scale_shift(0, SCALE_MAJOR, N("E-4"), 1), N("F-4"));
	/* blues: a degree from F is F#, from F# is G */
	assert_int_equal(scale_shift(0, SCALE_BLUES, N("F-4"), 1), N("F#4"));
	assert_int_equal(scale_shift(0, SCALE_BLUES, N("F#4"), 1), N("G-4"));
	/* pentatonic: 5 degrees are an octave */
	assert_int_equal(scale_shift(2, SCALE_MAJOR_PENTATONIC, N("D-3"), 5), N("D-4"));
	/* a note outside snaps first (C# -> C), then moves */
	assert_int_equal(scale_shift(0, SCALE_MAJOR, N("C#4"), 1), N("D-4"));
	/* off the top of the range */
	assert_int_equal(scale_shift(0, SCALE_MAJOR, N("B-9"), 1), 0);
	/* up and back down is where it started, for every note in scale */
	for (int n = NOTE_MIN; n <= NOTE_MAX; n++) {
		if (!scale_contains(4, SCALE_HARMONIC_MINOR, n))
			continue;
		int up = scale_shift(4, SCALE_HARMONIC_MINOR, n, 3);
		if (up)
			assert_int_equal(scale_shift(4, SCALE_HARMONIC_MINOR, up, -3), n);
	}
}

static const char song_text[] =
	"[song]\nformat = 1\nbpm = 120\nchannels = 2\nscale = D dorian\n\n"
	"[instrument 01]\ntype = synth\n\n"
	"[pattern 00]\nrows = 4\n"
	"00 = D-4 01 .. ... | F-4 01 .. ...\n"
	"01 = G-4 01 .. ... | === .. .. ...\n"
	"02 = B-9 01 .. ... | C-0 01 .. ...\n"
	"03 = C#4 01 .. ... | ... .. .. ...\n\n"
	"[order]\n00 = 00\n";

static char *written(const song_t *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(songfile_write(s, f), 0);
	fclose(f);
	return buf;
}

static void block_transpose(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	assert_int_equal(s.scale_key, 2);
	assert_int_equal(s.scale, SCALE_DORIAN);
	edit_rect_t all = { 0, 0, 3, 1 };
	assert_int_equal(scale_transpose(&s, 0, all, 1), EDIT_OK);
	const pattern_t *p = s.pattern[0];
	/* D dorian: D E F G A B C */
	assert_int_equal(song_cell(&s, p, 0, 0)->note, N("E-4"));
	assert_int_equal(song_cell(&s, p, 0, 1)->note, N("G-4"));
	assert_int_equal(song_cell(&s, p, 1, 0)->note, N("A-4"));
	assert_int_equal(song_cell(&s, p, 1, 1)->note, NOTE_OFF);
	assert_int_equal(song_cell(&s, p, 2, 0)->note, N("B-9"));   /* nowhere to go: stays */
	assert_int_equal(song_cell(&s, p, 2, 1)->note, N("D-0"));   /* C-0 is in it: up to D-0 */
	assert_int_equal(song_cell(&s, p, 3, 0)->note, N("D-4"));   /* C#4 -> C-4 -> D-4 */
	assert_int_equal(scale_transpose(&s, 7, all, 1), EDIT_ERANGE);
	song_deinit(&s);
}

static void song_file_round_trip(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	char *a = written(&s);
	assert_non_null(strstr(a, "\nscale = D dorian\n"));
	song_deinit(&s);
	tu_song_parse(&s, a);
	char *b = written(&s);
	assert_string_equal(a, b);
	song_deinit(&s);
	free(a);
	free(b);
	/* a song without a scale gets no scale line */
	tu_song_parse(&s, "[song]\nformat = 1\n\n[pattern 00]\nrows = 4\n\n[order]\n00 = 00\n");
	a = written(&s);
	assert_null(strstr(a, "scale"));
	song_deinit(&s);
	free(a);
	/* a bad scale is an error naming the line */
	songfile_error_t err;
	assert_int_not_equal(songfile_parse(&s, "[song]\nformat = 1\nscale = X minor\n", "t.bty", ".",
	                                    0, &err, NULL, NULL), 0);
	assert_int_equal(err.line, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scale_notes),
		cmocka_unit_test(parsing),
		cmocka_unit_test(snapping),
		cmocka_unit_test(degrees),
		cmocka_unit_test(block_transpose),
		cmocka_unit_test(song_file_round_trip),
	};
	return TU_RUN(tests);
}
