/*
 * test_slice: slicing measured on known signals: equal slices, hits
 * found where they were put (and the quiet one only at high
 * sensitivity), the song file's slice lines, and the engine playing
 * slice k from the root note + k at the sample's pitch, or from 9xx.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "note.h"
#include "sample.h"
#include "slice.h"
#include "songfile.h"
#include "testutil.h"

#define RATE 48000
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Decaying 1 kHz bursts of the given levels at the given frames. */
static sample_t hits(const int64_t *at, const float *level, int n, int64_t frames)
{
	sample_t s = { .channels = 1, .frames = frames, .rate = RATE };
	s.data = calloc((size_t)frames, sizeof(float));
	assert_non_null(s.data);
	for (int k = 0; k < n; k++)
		for (int64_t f = at[k]; f < frames && f < at[k] + RATE / 4; f++) {
			double t = (double)(f - at[k]) / RATE;
			s.data[f] += level[k] * (float)(exp(-t * 20.0) * sin(2 * M_PI * 1000.0 * t + 0.3));
		}
	return s;
}

static void equal_slices(void **state)
{
	(void)state;
	int64_t out[SONG_MAX_SLICES];
	assert_int_equal(slice_equal(48000, 8, out), 8);
	for (int k = 0; k < 8; k++)
		assert_int_equal(out[k], 6000 * k);
	assert_int_equal(slice_equal(10, 3, out), 3);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[2], 6);
	assert_int_equal(slice_equal(100, 0, out), -1);
	assert_int_equal(slice_equal(100, 65, out), -1);
	assert_int_equal(slice_equal(3, 4, out), -1);
}

static void transients_found(void **state)
{
	(void)state;
	static const int64_t at[] = { 4800, 20000, 31000, 52000 };
	static const float level[] = { 0.9f, 0.5f, 0.8f, 0.03f };   /* the last at -30 dB */
	sample_t s = hits(at, level, 4, 72000);
	int64_t out[SONG_MAX_SLICES];
	int n = slice_transients(&s, 50, out, SONG_MAX_SLICES);
	/* the start, then the three loud hits, each within 1 ms before or
	 * on the attack; the quiet one is 30 dB down on the first but 30
	 * above silence, so it counts too */
	assert_int_equal(n, 5);
	assert_int_equal(out[0], 0);
	for (int k = 0; k < 4; k++) {
		long d = (long)(out[k + 1] - at[k]);
		if (d < -48 || d > 48)
			fail_msg("hit %d at %lld found at %lld", k, (long long)at[k], (long long)out[k + 1]);
	}
	/* a hit landing on a ringing tail: only a sensitive setting sees it */
	static const int64_t at2[] = { 0, 4800 };
	static const float level2[] = { 0.8f, 0.3f };
	sample_t t = hits(at2, level2, 2, 24000);
	assert_int_equal(slice_transients(&t, 0, out, SONG_MAX_SLICES), 1);
	assert_int_equal(slice_transients(&t, 100, out, SONG_MAX_SLICES), 2);
	assert_true(labs((long)(out[1] - 4800)) <= 48);
	/* max caps the count */
	assert_int_equal(slice_transients(&s, 50, out, 2), 2);
	free(s.data);
	free(t.data);
}

/* A sample whose value tells where it was read: a ramp 0..1. */
static void ramp_wav(const char *path, int64_t frames)
{
	float *x = malloc((size_t)frames * sizeof(float));
	assert_non_null(x);
	for (int64_t f = 0; f < frames; f++)
		x[f] = 0.5f * (float)f / (float)frames;
	char err[256];
	assert_int_equal(sample_write_wav(path, x, 1, frames, RATE, 32, err, sizeof(err)), 0);
	free(x);
}

static void load(song_t *s, const char *text)
{
	songfile_error_t err;
	if (songfile_parse(s, text, "t.bty", ".", SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char b[600];
		songfile_error_format(&err, b, sizeof(b));
		fail_msg("%s", b);
	}
}

static void song_lines(void **state)
{
	(void)state;
	ramp_wav("slice-ramp.wav", 48000);
	char text[2048];
	snprintf(text, sizeof(text),
	         "[song]\nformat = 1\nchannels = 1\n\n[instrument 01]\ntype = sampler\n"
	         "file = slice-ramp.wav\nroot = C-4\n"
	         "slices = 0 100 200 300 400 500 600 700\nslices = 800 900\nslice_map = offsets\n\n"
	         "[pattern 00]\nrows = 4\n\n[order]\n00 = 00\n");
	song_t s;
	load(&s, text);
	assert_int_equal(s.inst[1]->sampler.nslices, 10);
	assert_int_equal(s.inst[1]->sampler.slice[9], 900);
	assert_true(s.inst[1]->sampler.slice_offsets);
	char *a = NULL, *b = NULL;
	size_t al, bl;
	FILE *f = open_memstream(&a, &al);
	songfile_write(&s, f);
	fclose(f);
	assert_non_null(strstr(a, "slices = 0 100 200 300 400 500 600 700\nslices = 800 900\nslice_map = offsets\n"));
	song_deinit(&s);
	load(&s, a);
	f = open_memstream(&b, &bl);
	songfile_write(&s, f);
	fclose(f);
	assert_string_equal(a, b);
	song_deinit(&s);
	free(a);
	free(b);
	/* out of order is an error naming the line */
	songfile_error_t err;
	assert_int_not_equal(songfile_parse(&s, "[song]\nformat = 1\n\n[instrument 01]\ntype = sampler\n"
	                                    "slices = 0 50 40\n", "t.bty", ".", 0, &err, NULL, NULL), 0);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg, "40"));
}

/* Renders one row and returns the first frames of the left channel. */
static float *render_row(const char *cells, const char *inst_extra, int64_t *n)
{
	char text[2048];
	snprintf(text, sizeof(text),
	         "[song]\nformat = 1\nbpm = 125\nchannels = 1\n\n[master]\nlimiter = off\n\n[instrument 01]\ntype = sampler\n"
	         "file = slice-ramp.wav\nroot = C-4\namp = 0 0 1 0\n%s\n\n"
	         "[pattern 00]\nrows = 8\n00 = %s\n\n[order]\n00 = 00\n", inst_extra, cells);
	song_t s;
	load(&s, text);
	float *buf;
	*n = tu_render(&s, RATE, &buf);
	song_deinit(&s);
	float *l = tu_channel(buf, (size_t)*n, 0);
	free(buf);
	return l;
}

static void engine_plays_slices(void **state)
{
	(void)state;
	ramp_wav("slice-ramp.wav", 48000);
	int64_t n;
	/* E-4 is root + 4: slice 4 (frames 24000..30000) at the root's pitch,
	 * so the ramp climbs from 0.25 at one step per frame and stops */
	float *l = render_row("E-4 01 .. ...", "slices = 0 6000 12000 18000 24000 30000 36000 42000", &n);
	float *ref = render_row("C-4 01 .. ...", "", &n);
	/* the whole sample from C-4: the value at frame f is f/96000 times
	 * the channel gain; the slice reads 24000 frames further on */
	double g = ref[1000] / (1000.0 / 96000.0);
	for (int f = 200; f < 5800; f += 400)
		assert_float_equal(l[f], g * (24000.0 + f) / 96000.0, 2e-3 * g);
	/* and it is silent after its 6000 frames (plus the fade) */
	assert_true(tu_peak(l + 6100, 2000) < 1e-6);
	free(l);
	/* above the last slice: nothing from the slice list, the sample
	 * plays pitched as before */
	l = render_row("C-5 01 .. ...", "slices = 0 6000 12000 18000 24000 30000 36000 42000", &n);
	assert_float_equal(l[1000], g * 2000.0 / 96000.0, 2e-3 * g);
	free(l);
	/* offsets: 902 starts slice 2 and plays on */
	l = render_row("C-4 01 .. 902", "slices = 0 6000 12000 18000\nslice_map = offsets", &n);
	assert_float_equal(l[1000], g * 13000.0 / 96000.0, 2e-3 * g);
	assert_float_equal(l[20000], g * 32000.0 / 96000.0, 2e-3 * g);
	free(l);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_slices),
		cmocka_unit_test(transients_found),
		cmocka_unit_test(song_lines),
		cmocka_unit_test(engine_plays_slices),
	};
	return TU_RUN(tests);
}
