/*
 * test_render: the whole chain from a song file with a sample on disk to
 * a WAV file, measured by reading the WAV back.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sndfile.h>
#include "dsp.h"
#include "note.h"
#include "render.h"
#include "sample.h"
#include "songfile.h"
#include "testutil.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/beatty-render-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A 1 s, 44.1 kHz mono sine at freq written to dir/name. */
static void write_tone(const char *name, double freq, float amp)
{
	const int n = 44100;
	float *x = malloc(n * sizeof(float));
	assert_non_null(x);
	for (int i = 0; i < n; i++)
		x[i] = amp * (float)sin(2 * M_PI * freq * i / 44100.0);
	char path[256], err[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(sample_write_wav(path, x, 1, n, 44100, 32, err, sizeof(err)), 0);
	free(x);
}

static void load_song(song_t *s, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/song.bty", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	songfile_error_t err;
	int rc = songfile_load(s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL);
	if (rc) {
		char buf[512];
		songfile_error_format(&err, buf, sizeof(buf));
		fail_msg("%s", buf);
	}
}

static float *read_wav(const char *path, SF_INFO *info)
{
	memset(info, 0, sizeof(*info));
	SNDFILE *sf = sf_open(path, SFM_READ, info);
	assert_non_null(sf);
	float *x = malloc((size_t)info->frames * (size_t)info->channels * sizeof(float));
	assert_non_null(x);
	assert_int_equal(sf_readf_float(sf, x, info->frames), info->frames);
	sf_close(sf);
	return x;
}

/* A 440 Hz tone sampled at 44.1 kHz, root A-4: played at A-5 it measures
 * 880 Hz in a 48 kHz render, and A-4 stays 440 Hz. */
static void test_sampler_octave_from_file(void **state)
{
	(void)state;
	write_tone("tone.wav", 440.0, 0.5f);
	song_t s;
	load_song(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 2\n"
		"[instrument 01]\ntype = sampler\nfile = tone.wav\nroot = A-4\nloop = forward\n"
		"loop_start = 0\nloop_end = 44100\n"
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. ... | ... .. .. ...\n01 = ... .. .. ... | A-5 01 .. ...\n"
		"[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	assert_true(n >= 96000);
	float *l = tu_channel(buf, (size_t)n, 0);
	/* Row 0: only the A-4; row 1: the A-4 sustains and the A-5 joins, so
	 * look for the new peak with the A-4 measured away. */
	assert_true(fabs(tu_peak_hz(l + 4800, 38400, 48000) - 440.0) < 1.0);
	double g880 = tu_goertzel(l + 48000 + 4800, 38400, 48000, 880.0);
	double g440 = tu_goertzel(l + 48000 + 4800, 38400, 48000, 440.0);
	assert_true(fabs(g880 - g440) < 0.02 && g880 > 0.2);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* TPDF dither: a -100 dBFS sine in a 16-bit file (below one LSB, which is
 * -90 dBFS) survives as a tone at its own frequency and level, in noise;
 * without dither it would be silence. */
static void test_dither_keeps_quiet_tone(void **state)
{
	(void)state;
	write_tone("quiet.wav", 1000.0, (float)pow(10, -100 / 20.0));
	song_t s;
	load_song(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n[channel 1]\npan = -100\n"
		"[instrument 01]\ntype = sampler\nfile = quiet.wav\nroot = C-4\n"
		"[pattern 00]\nrows = 1\n00 = C-4 01 .. ...\n[order]\n00 = 00\n");
	char path[256], err[256];
	snprintf(path, sizeof(path), "%s/quiet-out.wav", dir);
	render_opts_t o;
	render_opts_default(&o);
	o.rate = 44100;
	o.bits = 16;
	render_result_t res;
	assert_int_equal(render_to_wav(&s, path, &o, &res, err, sizeof(err)), 0);
	SF_INFO info;
	float *x = read_wav(path, &info);
	assert_int_equal(info.frames, res.frames);
	assert_int_equal(info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_16);
	float *l = tu_channel(x, 40000, 0);
	double tone = tu_goertzel(l + 2000, 36000, 44100, 1000.0);
	double off = tu_goertzel(l + 2000, 36000, 44100, 1370.0);
	double want = pow(10, -100 / 20.0);
	assert_true(fabs(20 * log10(tone / want)) < 3.0);   /* the tone, at its level */
	assert_true(tone > 4 * off);                         /* well above the noise bin */
	/* The noise floor is the dither's: about 1 LSB RMS, not silence. */
	double rms = tu_rms(l + 2000, 36000) * 32768.0;
	assert_true(rms > 0.3 && rms < 1.2);
	free(l);
	free(x);

	/* Undithered, the same tone is quantised to nothing. */
	o.dither = false;
	assert_int_equal(render_to_wav(&s, path, &o, &res, err, sizeof(err)), 0);
	x = read_wav(path, &info);
	l = tu_channel(x, 40000, 0);
	assert_true(tu_peak(l, 40000) == 0.0);
	free(l);
	free(x);
	song_deinit(&s);
}

/* Render results: WAV length equals the frames reported, the peak matches
 * the file, clipping is counted, and a render is byte-identical twice. */
static void test_wav_matches_report(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nchannels = 1\n[channel 1]\nvolume = 6\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.1\n"
		"[pattern 00]\nrows = 8\n00 = A-4 01 .. ...\n[order]\n00 = 00\n");
	char a[256], b[256], err[256];
	snprintf(a, sizeof(a), "%s/a.wav", dir);
	snprintf(b, sizeof(b), "%s/b.wav", dir);
	render_opts_t o;
	render_opts_default(&o);
	o.bits = 32;
	render_result_t res;
	assert_int_equal(render_to_wav(&s, a, &o, &res, err, sizeof(err)), 0);
	SF_INFO info;
	float *x = read_wav(a, &info);
	assert_int_equal(info.frames, res.frames);
	assert_int_equal(info.samplerate, 48000);
	assert_int_equal(res.song_frames, 8 * 6000);
	/* +6 dB fader at centre pan: 2.0 * 0.707 = 1.41 peak, so it clips. */
	assert_true(fabs(tu_peak(x, (size_t)info.frames * 2) - res.peak) < 1e-6);
	assert_true(fabs(res.peak - 2.0 * cos(M_PI / 4)) < 0.01);
	assert_true(res.clipped > 1000);
	free(x);
	o.bits = 24;
	assert_int_equal(render_to_wav(&s, a, &o, &res, err, sizeof(err)), 0);
	assert_int_equal(render_to_wav(&s, b, &o, &res, err, sizeof(err)), 0);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	assert_int_equal(system(cmd), 0);
	song_deinit(&s);
}

static void test_bad_output_path(void **state)
{
	(void)state;
	song_t s;
	song_init(&s);
	render_opts_t o;
	render_opts_default(&o);
	render_result_t res;
	char err[256] = "";
	assert_int_equal(render_to_wav(&s, "/nonexistent-dir/x.wav", &o, &res, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/x.wav"));
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sampler_octave_from_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dither_keeps_quiet_tone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wav_matches_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_output_path, setup, teardown),
	};
	return TU_RUN(tests);
}
