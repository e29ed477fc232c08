/*
 * test_targets: what a render promises beyond the mix itself, measured on
 * the files it writes: a loudness target is reached or the report says
 * why not (read by libebur128, independently of beatty's meter), and
 * stems carry independent dither.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ebur128.h>
#include <sndfile.h>
#include "render.h"
#include "song.h"
#include "testutil.h"

typedef struct tmp {
	char dir[64];
	char path[128];
} tmp_t;

static int setup(void **state)
{
	tmp_t *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/beatty-targets-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/out.wav", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tmp_t *t = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	int rc = system(cmd);
	free(t);
	return rc == 0 ? 0 : -1;
}

/* Integrated loudness of a WAV, straight from libebur128. */
static double file_lufs(const char *path)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	assert_non_null(sf);
	ebur128_state *st = ebur128_init((unsigned)info.channels, (unsigned long)info.samplerate,
	                                 EBUR128_MODE_I);
	float buf[4096 * 2];
	sf_count_t n;
	while ((n = sf_readf_float(sf, buf, 4096)) > 0)
		ebur128_add_frames_float(st, buf, (size_t)n);
	sf_close(sf);
	double l;
	ebur128_loudness_global(st, &l);
	ebur128_destroy(&st);
	return l;
}

/* Renders with a -14 LUFS target; checks that the report's verdict is
 * what an independent meter says of the file, and returns the file's
 * loudness. */
static double render_target(tmp_t *t, song_t *s, double cap, render_result_t *res)
{
	render_opts_t o;
	render_opts_default(&o);
	o.bits = 32;
	o.lufs = -14.0;
	if (!isnan(cap))
		o.lufs_max_gain = cap;
	char err[256];
	assert_int_equal(render_to_wav(s, t->path, &o, res, err, sizeof(err)), 0);
	double lufs = file_lufs(t->path);
	print_message("# %+.1f dB into the master, %.2f LUFS (own meter %.2f), verdict %d\n",
	              res->gain, lufs, res->lufs, (int)res->target);
	assert_true(res->gain <= o.lufs_max_gain + 1e-9);
	if (isfinite(lufs)) {
		assert_true(fabs(res->lufs - lufs) < 0.1);
		assert_int_equal(res->target == RENDER_TARGET_REACHED, fabs(lufs + 14.0) <= 0.5);
	}
	return lufs;
}

/* A click on every beat with a -30 dB send to a long reverb: the gain
 * that would bring it to -14 LUFS would lift the reverb over the click. */
static void test_click_track_is_capped(void **state)
{
	tmp_t *t = *state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 1\n"
		"[channel 1]\nsend_reverb = -30\n"
		"[bus reverb]\ndecay = 3\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0.002 0 0.001\nvolume = -20\n"
		"[pattern 00]\nrows = 16\n00 = A-5 01 .. ...\n04 = A-5 01 .. ...\n"
		"08 = A-5 01 .. ...\n0C = A-5 01 .. ...\n"
		"[order]\n00 = 00\n01 = 00\n02 = 00\n03 = 00\n");
	render_result_t res;
	render_target(t, &s, NAN, &res);
	assert_true(res.gain <= RENDER_LUFS_MAX_GAIN + 1e-9);
	assert_int_not_equal(res.target, RENDER_TARGET_REACHED);
	assert_int_equal(res.target, RENDER_TARGET_GAIN_CAP);
	/* A cap of the user's choosing holds too. */
	render_target(t, &s, 12.0, &res);
	assert_true(res.gain <= 12.0 + 1e-9);
	assert_int_equal(res.target, RENDER_TARGET_GAIN_CAP);
	song_deinit(&s);
}

/* One-frame impulses on every row: their loudness is far below what any
 * gain could lift under a -1 dBTP ceiling. */
static void test_impulse_train_is_honest(void **state)
{
	tmp_t *t = *state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 1\n"
		"[instrument 01]\ntype = sampler\nroot = C-4\n"
		"[pattern 00]\nrows = 16\n"
		"00 = C-4 01 .. ...\n01 = C-4 01 .. ...\n02 = C-4 01 .. ...\n03 = C-4 01 .. ...\n"
		"04 = C-4 01 .. ...\n05 = C-4 01 .. ...\n06 = C-4 01 .. ...\n07 = C-4 01 .. ...\n"
		"08 = C-4 01 .. ...\n09 = C-4 01 .. ...\n0A = C-4 01 .. ...\n0B = C-4 01 .. ...\n"
		"0C = C-4 01 .. ...\n0D = C-4 01 .. ...\n0E = C-4 01 .. ...\n0F = C-4 01 .. ...\n"
		"[order]\n00 = 00\n01 = 00\n02 = 00\n03 = 00\n");
	float *d = calloc(16, sizeof(float));
	assert_non_null(d);
	d[0] = 0.5f;
	s.inst[1]->sampler.sample = (sample_t){ d, 1, 16, 48000, 0 };
	render_result_t res;
	render_target(t, &s, NAN, &res);
	assert_int_not_equal(res.target, RENDER_TARGET_REACHED);
	song_deinit(&s);
}

/* Music reaches its target, and says so. */
static void test_music_reaches(void **state)
{
	tmp_t *t = *state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 2\n"
		"[instrument 01]\ntype = synth\nosc1 = saw\nfilter = lowpass\ncutoff = 2000\n"
		"amp = 0.01 0.2 0.6 0.1\nvolume = -12\n"
		"[pattern 00]\nrows = 16\n00 = C-3 01 .. ... | G-3 01 .. ...\n"
		"08 = D#3 01 .. ... | A#3 01 .. ...\n"
		"[order]\n00 = 00\n01 = 00\n02 = 00\n03 = 00\n");
	render_result_t res;
	double lufs = render_target(t, &s, NAN, &res);
	assert_int_equal(res.target, RENDER_TARGET_REACHED);
	assert_true(fabs(lufs + 14.0) <= 0.5);
	song_deinit(&s);
}

/* Near-silence is said to be so, not raised by the cap. */
static void test_near_silence(void **state)
{
	tmp_t *t = *state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 1\n[channel 1]\nvolume = -40\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\nvolume = -24\n"
		"[pattern 00]\nrows = 16\n00 = C-4 01 .. ...\n"
		"[order]\n00 = 00\n01 = 00\n");
	render_result_t res;
	render_target(t, &s, NAN, &res);
	assert_int_equal(res.target, RENDER_TARGET_SILENT);
	assert_true(res.gain == 0.0);
	song_deinit(&s);
}

/* Reads a stereo WAV into a malloc'd float buffer; returns frames. */
static long read_wav(const char *path, float **out)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	assert_non_null(sf);
	assert_int_equal(info.channels, 2);
	*out = malloc((size_t)info.frames * 2 * sizeof(float));
	assert_non_null(*out);
	assert_int_equal(sf_readf_float(sf, *out, info.frames), info.frames);
	sf_close(sf);
	return (long)info.frames;
}

static void render_stems(tmp_t *t, song_t *s, int bits, const char *dir)
{
	render_opts_t o;
	render_opts_default(&o);
	o.bits = bits;
	o.master = false;
	o.stems = dir;
	render_result_t res;
	char err[256];
	assert_int_equal(render_to_wav(s, t->path, &o, &res, err, sizeof(err)), 0);
}

/* Summed 16-bit stems: their dither noise (the 16-bit files less the
 * float ones) adds up as independent noise does, power by power. */
static void test_stems_dither_independent(void **state)
{
	tmp_t *t = *state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 4\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\nvolume = -30\n"
		"[pattern 00]\nrows = 8\n"
		"00 = C-4 01 .. ... | E-4 01 .. ... | G-4 01 .. ... | C-5 01 .. ...\n"
		"[order]\n00 = 00\n");
	char d16[128], d32[128];
	snprintf(d16, sizeof(d16), "%s/s16", t->dir);
	snprintf(d32, sizeof(d32), "%s/s32", t->dir);
	render_stems(t, &s, 16, d16);
	render_stems(t, &s, 32, d32);
	const char *names[] = { "01", "02", "03", "04", "reverb", "delay" };
	const int nst = 6;
	double *sum = NULL;
	long frames = 0;
	double each = 0.0;
	for (int k = 0; k < nst; k++) {
		char p16[200], p32[200];
		snprintf(p16, sizeof(p16), "%s/%s.wav", d16, names[k]);
		snprintf(p32, sizeof(p32), "%s/%s.wav", d32, names[k]);
		float *a, *b;
		long n = read_wav(p16, &a);
		assert_int_equal(read_wav(p32, &b), n);
		if (!sum) {
			frames = n;
			sum = calloc((size_t)n * 2, sizeof(double));
			assert_non_null(sum);
		}
		double pw = 0.0;
		for (long i = 0; i < 2 * n; i++) {
			double e = (double)a[i] - (double)b[i];
			pw += e * e;
			sum[i] += e;
		}
		each += pw;
		free(a);
		free(b);
	}
	double summed = 0.0;
	for (long i = 0; i < 2 * frames; i++)
		summed += sum[i] * sum[i];
	double excess = 10.0 * log10(summed / each);
	print_message("# %d summed 16-bit stems: dither noise %+.2f dB against independent noise\n",
	              nst, excess);
	assert_true(fabs(excess) < 1.0);
	free(sum);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_click_track_is_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_impulse_train_is_honest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_music_reaches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_near_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stems_dither_independent, setup, teardown),
	};
	return TU_RUN(tests);
}
