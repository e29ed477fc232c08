/*
 * test_sampler: the sample loader and the sample-playback voice, checked
 * by measurement.  Files are written into a fresh temporary folder per
 * test (removed by the teardown even when a check fails); sine samples
 * for the voice tests are built in memory so their ideal output is known
 * exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sndfile.h>
#include "dsp.h"
#include "note.h"
#include "sample.h"
#include "sampler.h"
#include "song.h"
#include "testutil.h"

#define RATE 44100
#define PERIOD 100   /* frames per cycle of the loop-test sine: 441 Hz at RATE */

/* --- temporary files --------------------------------------------------- */

typedef struct tmpdir {
	char dir[512];
	char file[16][640];
	int n;
} tmpdir_t;

static int tmp_setup(void **state)
{
	tmpdir_t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	const char *base = getenv("TMPDIR");
	snprintf(t->dir, sizeof(t->dir), "%s/beatty-sampler-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	tmpdir_t *t = *state;
	for (int i = 0; i < t->n; i++)
		unlink(t->file[i]);
	rmdir(t->dir);
	free(t);
	return 0;
}

static const char *tmp_path(tmpdir_t *t, const char *name)
{
	assert_true(t->n < 16);
	char *dst = t->file[t->n++];
	size_t dl = strlen(t->dir);
	memcpy(dst, t->dir, dl);
	snprintf(dst + dl, sizeof(t->file[0]) - dl, "/%s", name);
	return dst;
}

/* --- signals ------------------------------------------------------------- */

/* Interleaved test signal: channel c is a sine of f0 * (1 + c / 2) at
 * amplitude amp * (1 - c / 8), so every channel is different. */
static float *signal_new(long long frames, int ch, double rate, double f0, double amp)
{
	float *x = malloc((size_t)(frames * ch) * sizeof(float));
	assert_non_null(x);
	for (long long i = 0; i < frames; i++)
		for (int c = 0; c < ch; c++)
			x[i * ch + c] = (float)(amp * (1.0 - c / 8.0) *
			                        sin(2.0 * M_PI * f0 * (1.0 + c / 2.0) * (double)i / rate));
	return x;
}

static void write_sf(const char *path, int format, int ch, int rate, const float *x, long long n)
{
	SF_INFO info = { .samplerate = rate, .channels = ch, .format = format };
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	if (!sf)
		fail_msg("cannot write %s: %s", path, sf_strerror(NULL));
	assert_int_equal(sf_writef_float(sf, x, n), n);
	assert_int_equal(sf_close(sf), 0);
}

static double max_diff(const float *a, const float *b, size_t n)
{
	double m = 0.0;
	for (size_t i = 0; i < n; i++)
		if (fabs((double)a[i] - b[i]) > m)
			m = fabs((double)a[i] - b[i]);
	return m;
}

static long long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long long n = ftell(f);
	fclose(f);
	return n;
}

/* --- sampler helpers ------------------------------------------------------ */

/* A mono sine sample at RATE: frames long, period PERIOD frames unless
 * freq is given, root A-4, envelope straight to full level. */
static void sine_params(sampler_params_t *p, double freq, int64_t frames, double amp, double phase)
{
	sampler_params_default(p);
	p->root = NOTE_A4;
	p->amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.05f };
	p->sample.channels = 1;
	p->sample.rate = RATE;
	p->sample.frames = frames;
	p->sample.data = malloc((size_t)frames * sizeof(float));
	assert_non_null(p->sample.data);
	for (int64_t i = 0; i < frames; i++)
		p->sample.data[i] = (float)(amp * sin(2.0 * M_PI * freq * (double)i / RATE + phase));
}

/* The note frequency that plays p's sample with a step of `step` at
 * output rate `rate`. */
static double hz_for_step(const sampler_params_t *p, double step, double rate)
{
	return step * note_to_hz(p->root) * rate / p->sample.rate;
}

/* Renders `frames` frames in blocks of `block`.  Returns the number of
 * frames rendered when render first returned false, or -1 if it never did. */
static long play(sampler_voice_t *v, const sampler_params_t *p, double hz, float *l, float *r,
                 long frames, int block)
{
	long done_at = -1;
	for (long k = 0; k < frames; k += block) {
		int m = frames - k < block ? (int)(frames - k) : block;
		if (!sampler_voice_render(v, p, hz, l + k, r + k, m) && done_at < 0)
			done_at = k + m;
	}
	return done_at;
}

static double max_jump(const float *x, long from, long to)
{
	double m = 0.0;
	for (long i = from + 1; i < to; i++)
		if (fabs((double)x[i] - x[i - 1]) > m)
			m = fabs((double)x[i] - x[i - 1]);
	return m;
}

/* --- loading ------------------------------------------------------------- */

static void roundtrip_wav(tmpdir_t *t, const char *name, int ch, int bits, double tol)
{
	const long long n = 3000;
	const int rate = 32000;
	float *x = signal_new(n, ch, rate, 997.0, 0.9);
	x[5 * ch] = -1.0f;   /* full scale negative is exact in every format */
	x[6 * ch] = 0.0f;
	char err[256] = "";
	const char *path = tmp_path(t, name);
	if (sample_write_wav(path, x, ch, n, rate, bits, err, sizeof(err)) != 0)
		fail_msg("write %s: %s", name, err);
	sample_t s;
	if (sample_load(&s, path, err, sizeof(err)) != 0)
		fail_msg("load %s: %s", name, err);
	assert_int_equal(s.channels, ch);
	assert_int_equal(s.frames, n);
	assert_int_equal(s.rate, rate);
	double d = max_diff(x, s.data, (size_t)(n * ch));
	if (d > tol)
		fail_msg("%s: error %g beyond %g", name, d, tol);
	sample_free(&s);
	assert_null(s.data);
	free(x);
}

static void test_load_wav_written(void **state)
{
	tmpdir_t *t = *state;
	/* sample_write_wav rounds to the nearest step: half a step at most. */
	roundtrip_wav(t, "m16.wav", 1, 16, 0.5 / 32768 + 1e-7);
	roundtrip_wav(t, "s16.wav", 2, 16, 0.5 / 32768 + 1e-7);
	roundtrip_wav(t, "m24.wav", 1, 24, 0.5 / 8388608 + 1e-7);
	roundtrip_wav(t, "s24.wav", 2, 24, 0.5 / 8388608 + 1e-7);
	roundtrip_wav(t, "m32.wav", 1, 32, 0.0);
	roundtrip_wav(t, "s32.wav", 2, 32, 0.0);
}

/* A float file may hold any value: huge finite ones are clamped to
 * full scale, non-finite ones become silence, and both are counted. */
static void test_load_clamps_float(void **state)
{
	tmpdir_t *t = *state;
	const float x[6] = { 1e30f, -1e30f, 0.5f, INFINITY, 1.0f, -1.0f };
	char err[256] = "";
	const char *path = tmp_path(t, "huge.wav");
	assert_int_equal(sample_write_wav(path, x, 1, 6, 8000, 32, err, sizeof(err)), 0);
	sample_t s;
	assert_int_equal(sample_load(&s, path, err, sizeof(err)), 0);
	assert_float_equal(s.data[0], 1.0, 0.0);
	assert_float_equal(s.data[1], -1.0, 0.0);
	assert_float_equal(s.data[2], 0.5, 0.0);
	assert_float_equal(s.data[3], 0.0, 0.0);
	assert_float_equal(s.data[4], 1.0, 0.0);
	assert_float_equal(s.data[5], -1.0, 0.0);
	assert_int_equal(s.clamped, 3);
	assert_true(tu_peak(s.data, 6) <= 1.0);
	sample_free(&s);
}

static void test_write_wav_clips_and_refuses(void **state)
{
	tmpdir_t *t = *state;
	const float x[4] = { 1.5f, -1.5f, 0.25f, NAN };
	char err[256] = "";
	const char *path = tmp_path(t, "clip.wav");
	assert_int_equal(sample_write_wav(path, x, 1, 4, 8000, 16, err, sizeof(err)), 0);
	sample_t s;
	assert_int_equal(sample_load(&s, path, err, sizeof(err)), 0);
	assert_float_equal(s.data[0], 32767.0 / 32768.0, 1e-9);
	assert_float_equal(s.data[1], -1.0, 1e-9);
	assert_float_equal(s.data[2], 0.25, 1e-9);
	assert_float_equal(s.data[3], 0.0, 1e-9);
	sample_free(&s);

	err[0] = 0;
	assert_int_equal(sample_write_wav(tmp_path(t, "bad.wav"), x, 1, 4, 8000, 12, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "12 bits"));
	err[0] = 0;
	assert_int_equal(sample_write_wav(tmp_path(t, "nodir/x.wav"), x, 1, 4, 8000, 16, err, sizeof(err)), -1);
	assert_true(strlen(err) > 10);
}

static void roundtrip_sf(tmpdir_t *t, const char *name, int format, int ch, double tol)
{
	const long long n = 4000;
	const int rate = 22050;
	float *x = signal_new(n, ch, rate, 531.0, 0.8);
	const char *path = tmp_path(t, name);
	write_sf(path, format, ch, rate, x, n);
	char err[256] = "";
	sample_t s;
	if (sample_load(&s, path, err, sizeof(err)) != 0)
		fail_msg("load %s: %s", name, err);
	assert_int_equal(s.channels, ch);
	assert_int_equal(s.frames, n);
	assert_int_equal(s.rate, rate);
	double d = max_diff(x, s.data, (size_t)(n * ch));
	if (d > tol)
		fail_msg("%s: error %g beyond %g", name, d, tol);
	sample_free(&s);
	free(x);
}

static void test_load_formats(void **state)
{
	tmpdir_t *t = *state;
	/* Written by libsndfile's own float conversion, which scales by
	 * 2^(b-1) - 1: allow a step and a half. */
	roundtrip_sf(t, "u8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 1, 1.5 / 128);
	roundtrip_sf(t, "u8s.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 2, 1.5 / 128);
	roundtrip_sf(t, "i32.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 1, 1e-6);
	roundtrip_sf(t, "i32s.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 2, 1e-6);
	roundtrip_sf(t, "d64.wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 2, 1e-7);
	roundtrip_sf(t, "m16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1, 1.5 / 32768);
	roundtrip_sf(t, "s24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 2, 1.5 / 8388608);
	roundtrip_sf(t, "m16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 1, 1.5 / 32768);
	roundtrip_sf(t, "s24.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 2, 1.5 / 8388608);
}

static void test_load_ogg(void **state)
{
	tmpdir_t *t = *state;
	const long long n = RATE;
	float *x = signal_new(n, 2, RATE, 1000.0, 0.5);
	const char *path = tmp_path(t, "tone.ogg");
	write_sf(path, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 2, RATE, x, n);
	char err[256] = "";
	sample_t s;
	if (sample_load(&s, path, err, sizeof(err)) != 0)
		fail_msg("load ogg: %s", err);
	assert_int_equal(s.channels, 2);
	assert_int_equal(s.rate, RATE);
	assert_true(llabs((long long)s.frames - n) <= 64);
	for (int c = 0; c < 2; c++) {
		float *m = tu_channel(s.data + 2 * 2000, (size_t)s.frames - 4000, c);
		size_t len = (size_t)s.frames - 4000;
		double want_hz = 1000.0 * (1.0 + c / 2.0), want_rms = 0.5 * (1.0 - c / 8.0) / sqrt(2.0);
		assert_float_equal(tu_peak_hz(m, len, RATE), want_hz, 1.0);
		assert_float_equal(tu_rms(m, len), want_rms, 0.03 * want_rms);
		free(m);
	}
	sample_free(&s);
	free(x);
}

static void test_load_folds_channels(void **state)
{
	tmpdir_t *t = *state;
	const long long n = 1000;
	for (int ch = 3; ch <= 6; ch++) {
		float *x = signal_new(n, ch, RATE, 300.0, 0.9);
		char name[32];
		snprintf(name, sizeof(name), "ch%d.wav", ch);
		const char *path = tmp_path(t, name);
		write_sf(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, ch, RATE, x, n);
		char err[256] = "";
		sample_t s;
		if (sample_load(&s, path, err, sizeof(err)) != 0)
			fail_msg("load %s: %s", name, err);
		assert_int_equal(s.channels, 2);
		assert_int_equal(s.frames, n);
		for (long long i = 0; i < n; i++) {
			double even = 0, odd = 0;
			for (int c = 0; c < ch; c += 2)
				even += x[i * ch + c];
			for (int c = 1; c < ch; c += 2)
				odd += x[i * ch + c];
			assert_float_equal(s.data[2 * i], even / ((ch + 1) / 2), 1e-6);
			assert_float_equal(s.data[2 * i + 1], odd / (ch / 2), 1e-6);
		}
		sample_free(&s);
		free(x);
	}
}

static void expect_load_error(const char *path, const char *needle)
{
	char err[256] = "";
	sample_t s = { .data = (float *)&s, .frames = 7 };
	assert_int_equal(sample_load(&s, path, err, sizeof(err)), -1);
	assert_null(s.data);
	assert_int_equal(s.frames, 0);
	if (!strstr(err, needle))
		fail_msg("error for %s is \"%s\", expected it to mention \"%s\"", path, err, needle);
	assert_null(strchr(err, '\n'));
	/* The message names the file. */
	assert_non_null(strstr(err, strrchr(path, '/') + 1));
}

static void test_load_errors(void **state)
{
	tmpdir_t *t = *state;
	expect_load_error(tmp_path(t, "missing/none.wav"), "No such file");

	const char *text = tmp_path(t, "text.wav");
	FILE *f = fopen(text, "w");
	assert_non_null(f);
	fputs("this is not a sound\nbut it has a .wav name\n", f);
	fclose(f);
	/* The message carries libsndfile's own words. */
	SF_INFO info;
	memset(&info, 0, sizeof(info));
	assert_null(sf_open(text, SFM_READ, &info));
	char sfmsg[256];
	snprintf(sfmsg, sizeof(sfmsg), "%s", sf_strerror(NULL));
	expect_load_error(text, sfmsg);

	const char *empty = tmp_path(t, "empty.wav");
	f = fopen(empty, "w");
	assert_non_null(f);
	fclose(f);
	expect_load_error(empty, "empty");

	char err[256] = "";
	const char *zero = tmp_path(t, "zero.wav");
	assert_int_equal(sample_write_wav(zero, NULL, 1, 0, RATE, 16, err, sizeof(err)), 0);
	expect_load_error(zero, "no audio frames");

	expect_load_error(t->dir, "a folder");
	/* Files that are not files are refused before a read could block:
	 * a FIFO with no writer, a device that never ends. */
	const char *fifo = tmp_path(t, "fifo.wav");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_load_error(fifo, "FIFO");
	unlink(fifo);
	char zerr[256] = "";
	sample_t zs;
	assert_int_equal(sample_load(&zs, "/dev/zero", zerr, sizeof(zerr)), -1);
	assert_string_equal(zerr, "/dev/zero: it is a character device, not a file");

	/* A tiny error buffer truncates, never overflows. */
	char tiny[8];
	sample_t s;
	assert_int_equal(sample_load(&s, zero, tiny, sizeof(tiny)), -1);
	assert_int_equal(strlen(tiny), 7);
	assert_int_equal(sample_load(&s, zero, NULL, 0), -1);
}

/* Offset of the data chunk's size field in a WAV file. */
static long data_size_offset(const char *path)
{
	unsigned char buf[512];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t i = 12; i + 8 <= n; i++)
		if (!memcmp(buf + i, "data", 4))
			return (long)i + 4;
	fail_msg("no data chunk in %s", path);
	return -1;
}

static void test_load_truncated(void **state)
{
	tmpdir_t *t = *state;
	const long long n = 1000;
	float *x = signal_new(n, 1, RATE, 440.0, 0.7);
	char err[256] = "";
	const char *path = tmp_path(t, "cut.wav");
	assert_int_equal(sample_write_wav(path, x, 1, n, RATE, 16, err, sizeof(err)), 0);
	long long size = file_size(path);
	/* Cut inside the data chunk, in the middle of a 16-bit frame. */
	assert_int_equal(truncate(path, size - 999), 0);
	sample_t s;
	if (sample_load(&s, path, err, sizeof(err)) != 0)
		fail_msg("truncated file: %s", err);
	assert_int_equal(s.frames, 500);
	assert_true(max_diff(x, s.data, 500) <= 0.5 / 32768 + 1e-7);
	sample_free(&s);

	/* A header that promises two billion bytes of data is not believed. */
	const char *liar = tmp_path(t, "liar.wav");
	assert_int_equal(sample_write_wav(liar, x, 1, n, RATE, 16, err, sizeof(err)), 0);
	long off = data_size_offset(liar);
	FILE *f = fopen(liar, "r+b");
	assert_non_null(f);
	fseek(f, off, SEEK_SET);
	const unsigned char big[4] = { 0xf0, 0xff, 0xff, 0x7f };
	assert_int_equal(fwrite(big, 1, 4, f), 4);
	fclose(f);
	if (sample_load(&s, liar, err, sizeof(err)) != 0)
		fail_msg("lying header: %s", err);
	assert_int_equal(s.frames, n);
	assert_true(max_diff(x, s.data, (size_t)n) <= 0.5 / 32768 + 1e-7);
	sample_free(&s);
	free(x);
}

/* --- pitch --------------------------------------------------------------- */

static double played_hz(const sampler_params_t *p, double note_hz, float rate)
{
	const long frames = 40000;
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, p, rate, 0);
	assert_int_equal(play(&v, p, note_hz, l, r, frames, 64), -1);
	double hz = tu_peak_hz(l + 2000, 32768, rate);
	free(l);
	free(r);
	return hz;
}

static void test_pitch(void **state)
{
	(void)state;
	sampler_params_t p;
	sine_params(&p, 440.0, 3 * RATE, 0.8, 0.0);
	double a5 = played_hz(&p, note_to_hz(NOTE_A4 + 12), RATE);
	assert_float_equal(a5, 880.0, 1.0);
	double a4_48k = played_hz(&p, note_to_hz(NOTE_A4), 48000.0f);
	assert_float_equal(a4_48k, 440.0, 1.0);
	p.finetune = 100;
	double fine = played_hz(&p, note_to_hz(NOTE_A4), RATE);
	assert_float_equal(fine, note_to_hz(NOTE_A4 + 1), 1.0);
	p.finetune = -50;
	fine = played_hz(&p, note_to_hz(NOTE_A4), RATE);
	assert_float_equal(fine, 440.0 * pow(2.0, -50.0 / 1200.0), 1.0);
	print_message("# A-5 %.3f Hz, A-4 at 48 kHz %.3f Hz, -50 cents %.3f Hz\n", a5, a4_48k, fine);
	sample_free(&p.sample);
}

static void test_step(void **state)
{
	(void)state;
	sampler_params_t p;
	sampler_params_default(&p);
	p.root = NOTE_MIN + 4 * 12;      /* C-4 */
	p.sample.rate = 22050;
	assert_float_equal(sampler_step(&p, note_to_hz(p.root + 12), 44100.0f), 1.0, 1e-12);
	assert_float_equal(sampler_step(&p, note_to_hz(p.root), 22050.0f), 1.0, 1e-12);
	p.finetune = 100;
	assert_float_equal(sampler_step(&p, note_to_hz(p.root), 22050.0f), pow(2.0, 1.0 / 12.0), 1e-12);
	p.sample.rate = 0;
	assert_float_equal(sampler_step(&p, 440.0, 44100.0f), 0.0, 0.0);
}

/* --- loops --------------------------------------------------------------- */

static void test_loop_forward_seamless(void **state)
{
	(void)state;
	const double amp = 0.8, step = 1.2345;
	const long frames = 3 * RATE;
	sampler_params_t p;
	sine_params(&p, (double)RATE / PERIOD, 8000, amp, 0.0);
	p.loop = LOOP_FORWARD;
	p.loop_start = 1000;
	p.loop_end = 1000 + 50 * PERIOD;
	/* Starting at the loop, frames outside it are never heard: poison
	 * them so a tap that reads them shows. */
	for (int64_t i = 0; i < p.sample.frames; i++)
		if (i < p.loop_start || i >= p.loop_end)
			p.sample.data[i] = 0.95f;
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, p.loop_start);
	assert_int_equal(play(&v, &p, hz_for_step(&p, step, RATE), l, r, frames, 64), -1);
	assert_true(v.looped);
	assert_true(v.pos >= p.loop_start && v.pos < p.loop_end);

	/* The largest step a sine of this pitch can take between frames. */
	double slope = amp * 2.0 * M_PI * step / PERIOD;
	double jump = max_jump(l, 100, frames);
	/* Whole cycles loop into one endless sine: compare with it. */
	double err = 0.0;
	for (long k = 100; k < frames; k++) {
		double want = amp * sin(2.0 * M_PI * step * (double)k / PERIOD);
		if (fabs(l[k] - want) > err)
			err = fabs(l[k] - want);
	}
	print_message("# forward loop: max jump %.5f (sine's max %.5f), max error %.2e\n",
	              jump, slope, err);
	assert_true(jump <= 1.1 * slope);
	assert_true(err < 2e-4);
	assert_memory_equal(l, r, frames * sizeof(float));

	/* The measurement does catch a seam: a loop a third of a cycle
	 * short jumps. */
	p.loop_end -= PERIOD / 3;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, p.loop_start);
	play(&v, &p, hz_for_step(&p, step, RATE), l, r, frames, 64);
	assert_true(max_jump(l, 100, frames) > 1.5 * slope);
	free(l);
	free(r);
	sample_free(&p.sample);
}

/* Advances a ping-pong position one step by plain reflection: the
 * voice's bookkeeping, done the obvious way. */
static void pingpong_step(double *pos, int *dir, double step, double lo, double hi)
{
	*pos += *dir * step;
	if (*dir > 0 && *pos > hi) { *pos = 2 * hi - *pos; *dir = -1; }
	if (*dir < 0 && *pos < lo) { *pos = 2 * lo - *pos; *dir = 1; }
}

static void test_loop_pingpong(void **state)
{
	(void)state;
	const double amp = 0.8, step = 1.37;
	const long frames = RATE;
	sampler_params_t p;
	sine_params(&p, (double)RATE / PERIOD, 3000, amp, 0.0);
	p.loop = LOOP_PINGPONG;
	p.loop_start = 1000;
	p.loop_end = 1737;
	for (int64_t i = 0; i < p.sample.frames; i++)
		if (i < p.loop_start || i >= p.loop_end)
			p.sample.data[i] = 0.95f;
	const double lo = (double)p.loop_start, hi = (double)(p.loop_end - 1);
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, p.loop_start);
	double hz = hz_for_step(&p, step, RATE), prev = lo, pos = lo;
	double err_turn = 0.0, err_run = 0.0;
	int turns = 0, lastdir = 1, idir = 1;
	for (long k = 0; k < frames; k++) {
		/* One frame at a time to watch the position. */
		assert_true(sampler_voice_render(&v, &p, hz, l + k, r + k, 1));
		/* The heard signal is the sample mirrored at each end: a sine
		 * at the mirrored position, with a kink at the turn that the
		 * interpolation rounds off within two frames of it. */
		double want = amp * sin(2.0 * M_PI * pos / PERIOD), e = fabs(l[k] - want);
		bool near_turn = v.looped && (pos < lo + 2.0 || pos > hi - 2.0);
		if (k > 100 && near_turn && e > err_turn)
			err_turn = e;
		if (k > 100 && !near_turn && e > err_run)
			err_run = e;
		pingpong_step(&pos, &idir, step, lo, hi);
		if (fabs(v.pos - pos) > 1e-6)
			fail_msg("frame %ld: position %.6f, expected %.6f", k, v.pos, pos);
		if (v.looped && (v.pos < lo || v.pos > hi))
			fail_msg("frame %ld: position %.6f outside the loop", k, v.pos);
		int dir = v.pos > prev ? 1 : -1;
		if (dir != lastdir)
			turns++;
		lastdir = dir;
		prev = v.pos;
	}
	double slope = amp * 2.0 * M_PI * step / PERIOD;
	double jump = max_jump(l, 100, frames);
	print_message("# ping-pong: %d turns, max jump %.5f (sine's max %.5f), "
	              "max error %.2e (%.2e at the turns)\n", turns, jump, slope, err_run, err_turn);
	/* 44100 frames at 1.37 over a 736-frame span: about 80 turns. */
	assert_true(turns >= 70);
	assert_true(err_run < 2e-4);
	/* Measured 7.4e-3: the size of the kink (0.1 of slope change) times
	 * the cubic's overshoot; a tap reading past the loop would be ~0.9. */
	assert_true(err_turn < 1.5e-2);
	assert_true(jump <= 1.1 * slope + 2 * err_turn);
	free(l);
	free(r);
	sample_free(&p.sample);
}

static void test_unlooped_end(void **state)
{
	(void)state;
	const double amp = 0.8;
	/* Cut a quarter cycle in: the last frame is near the crest. */
	const int64_t len = 25 * PERIOD + PERIOD / 4;
	sampler_params_t p;
	sine_params(&p, (double)RATE / PERIOD, len, amp, 0.0);
	assert_true(fabsf(p.sample.data[len - 1]) > 0.79f);
	const long frames = 4000;
	float l[4000], r[4000];
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	long done = play(&v, &p, note_to_hz(p.root), l, r, frames, 64);
	/* Step 1: the sample lasts exactly len frames. */
	assert_int_equal(done, (len + 63) / 64 * 64);
	assert_false(sampler_voice_active(&v));
	assert_true(v.ended);
	long last = frames - 1;
	while (last > 0 && l[last] == 0.0f)
		last--;
	assert_true(last >= len - 2 && last < len);
	for (long k = len; k < frames; k++)
		assert_true(l[k] == 0.0f && r[k] == 0.0f);
	double slope = amp * 2.0 * M_PI / PERIOD;
	double jump = max_jump(l, 100, frames);
	print_message("# unlooped end: last sound at %ld (|%.4f|), max jump %.4f\n", last,
	              fabs(l[last]), jump);
	/* The end fade keeps the cut from clicking. */
	assert_true(fabs(l[last]) < 0.02);
	assert_true(jump < 1.1 * slope + amp / (0.002 * RATE));
	/* An ended voice stays silent. */
	float l2[64], r2[64];
	memset(l2, 0x55, sizeof(l2));
	assert_false(sampler_voice_render(&v, &p, note_to_hz(p.root), l2, r2, 64));
	assert_true(tu_peak(l2, 64) == 0.0 && tu_peak(r2, 64) == 0.0);
	sample_free(&p.sample);
}

static void test_release_then_silence(void **state)
{
	(void)state;
	const double amp = 0.8;
	const long frames = RATE;
	sampler_params_t p;
	sine_params(&p, (double)RATE / PERIOD, 10 * PERIOD, amp, 0.0);
	p.loop = LOOP_FORWARD;
	p.amp.release = 0.1f;
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	const long rel = RATE / 4;
	double hz = note_to_hz(p.root);
	assert_int_equal(play(&v, &p, hz, l, r, rel, 64), -1);
	/* The sustain holds: still at full level just before the release. */
	assert_float_equal(tu_rms(l + rel - 2000, 2000), amp / sqrt(2.0), 0.01);
	sampler_voice_release(&v, &p);
	long done = play(&v, &p, hz, l + rel, r + rel, frames - rel, 64);
	assert_true(done > 0);
	long last = frames - 1;
	while (last > rel && l[last] == 0.0f)
		last--;
	print_message("# release 0.1 s: silent %.4f s after note off\n", (double)(last + 1 - rel) / RATE);
	assert_true(last + 1 - rel <= (long)(0.1 * RATE) + 1);
	assert_true(last + 1 - rel >= (long)(0.09 * RATE));
	assert_true(rel + done <= last + 1 + 64 && rel + done >= last + 1);
	assert_true(max_jump(l, 100, frames) <= 1.1 * amp * 2.0 * M_PI / PERIOD);
	assert_false(sampler_voice_active(&v));
	free(l);
	free(r);
	sample_free(&p.sample);
}

/* --- interpolation --------------------------------------------------------- */

static void test_cubic_beats_linear(void **state)
{
	(void)state;
	const double f0 = 3000.0, amp = 0.9;
	const double step = pow(2.0, 0.37 / 12.0);
	const long from = 2000, frames = from + 16384;
	sampler_params_t p;
	sine_params(&p, f0, 2 * RATE, amp, 0.0);
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	assert_int_equal(play(&v, &p, hz_for_step(&p, step, RATE), l, r, frames, 64), -1);

	/* Error against the ideal sine for the voice and for linear
	 * interpolation of the same sample at the same positions. */
	double ecub = 0.0, elin = 0.0, sig = 0.0;
	for (long k = from; k < frames; k++) {
		double pos = step * (double)k, want = amp * sin(2.0 * M_PI * f0 * pos / RATE);
		long i = (long)pos;
		double t = pos - (double)i;
		double lin = p.sample.data[i] * (1.0 - t) + p.sample.data[i + 1] * t;
		ecub += (l[k] - want) * (l[k] - want);
		elin += (lin - want) * (lin - want);
		sig += want * want;
	}
	double cub_db = 10.0 * log10(ecub / sig), lin_db = 10.0 * log10(elin / sig);
	print_message("# 3 kHz sine at +0.37 semitone: error cubic %.1f dB, linear %.1f dB\n",
	              cub_db, lin_db);
	/* Measured -59.7 dB for the cubic and -35.6 dB for linear. */
	const double bound = -50.0;
	assert_true(cub_db < bound);
	assert_true(lin_db > bound);
	free(l);
	free(r);
	sample_free(&p.sample);
}

/* --- declicking ------------------------------------------------------------ */

static void test_offset_fades_in(void **state)
{
	(void)state;
	const double amp = 1.0;
	sampler_params_t p;
	sine_params(&p, (double)RATE / PERIOD, 20 * PERIOD, amp, 0.0);
	float l[1000], r[1000];
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	/* A quarter cycle in: the sample is at its crest. */
	sampler_voice_start(&v, &p, RATE, PERIOD / 4);
	assert_float_equal(p.sample.data[PERIOD / 4], 1.0, 1e-6);
	play(&v, &p, note_to_hz(p.root), l, r, 1000, 64);
	long full = tu_first_above(l, 1000, 0.9f);
	print_message("# offset start: first frame %.4f, above 0.9 after %ld frames\n", l[0], full);
	assert_true(fabsf(l[0]) < 0.01f);
	/* Faded in within 2 ms, smoothly. */
	assert_true(full > 0 && full < (long)(0.002 * RATE) + PERIOD / 2);
	assert_true(max_jump(l, 0, 1000) < 2.0 * M_PI / PERIOD + 1.0 / (0.001 * RATE));

	/* A sample that itself starts loud (a cosine) fades in when asked
	 * to: the engine does so for steals and retriggers. */
	sample_free(&p.sample);
	sine_params(&p, (double)RATE / PERIOD, 20 * PERIOD, amp, M_PI / 2);
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	sampler_voice_declick(&v);
	play(&v, &p, note_to_hz(p.root), l, r, 1000, 64);
	assert_true(fabsf(l[0]) < 0.01f);
	assert_true(max_jump(l, 0, 1000) < 2.0 * M_PI / PERIOD + 1.0 / (0.001 * RATE));

	/* An offset past the end plays nothing. */
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, p.sample.frames);
	assert_false(sampler_voice_active(&v));
	assert_false(sampler_voice_render(&v, &p, note_to_hz(p.root), l, r, 64));
	assert_true(tu_peak(l, 64) == 0.0);
	sample_free(&p.sample);
}

static void test_kill(void **state)
{
	(void)state;
	const double amp = 0.8;
	sampler_params_t p;
	sine_params(&p, (double)RATE / PERIOD, 10 * PERIOD, amp, 0.0);
	p.loop = LOOP_FORWARD;
	p.amp.release = 2.0f;
	float l[8192], r[8192];
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	double hz = note_to_hz(p.root);
	assert_int_equal(play(&v, &p, hz, l, r, 4096, 64), -1);
	const float kill_s = 0.005f;
	sampler_voice_kill(&v, kill_s);
	long done = play(&v, &p, hz, l + 4096, r + 4096, 4096, 1);
	long within = (long)(kill_s * RATE);
	print_message("# kill %.0f ms: silent after %ld frames (%ld allowed)\n", kill_s * 1000.0, done,
	              within);
	assert_true(done > 0 && done <= within + 1);
	assert_true(tu_peak(l + 4096 + done, 4096 - done) == 0.0);
	assert_true(max_jump(l, 100, 8192) < 1.1 * amp * 2.0 * M_PI / PERIOD + amp / (kill_s * RATE));
	sample_free(&p.sample);
}

/* --- transients -------------------------------------------------------------- */

/* A drum-like sample: a noise burst whose loudest frame is `at`, decaying
 * by `db_per_s`, `frames` long at `rate`. */
static float *hit_new(int64_t frames, int rate, int64_t at, float peak, double db_per_s)
{
	float *d = malloc((size_t)frames * sizeof(float));
	assert_non_null(d);
	uint32_t rng = 12345;
	for (int64_t i = 0; i < frames; i++) {
		double env = pow(10.0, -db_per_s * (double)i / rate / 20.0);
		d[i] = (float)(0.6 * env * dsp_randf(&rng)) * peak;
	}
	d[at] = peak;
	return d;
}

static double db(double x)
{
	return 20.0 * log10(x);
}

static void test_start_keeps_transient(void **state)
{
	(void)state;
	sampler_params_t p;
	sampler_params_default(&p);
	p.root = NOTE_A4;
	p.sample = (sample_t){ .channels = 1, .frames = 2000, .rate = RATE };
	p.sample.data = calloc(2000, sizeof(float));
	assert_non_null(p.sample.data);
	p.sample.data[0] = 1.0f;   /* a one-sample click at frame 0 */
	float l[4096], r[4096];
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	play(&v, &p, note_to_hz(p.root), l, r, 4096, 64);
	print_message("# one-sample click: rendered %.2f dB of the sample's peak\n", db(tu_peak(l, 4096)));
	assert_true(fabs(db(tu_peak(l, 4096))) < 0.1);
	sample_free(&p.sample);

	/* A crash-like hit, loudest on its third frame. */
	p.sample = (sample_t){ hit_new(RATE, RATE, 2, 0.52f, 30.0), 1, RATE, RATE, 0 };
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	play(&v, &p, note_to_hz(p.root), l, r, 4096, 64);
	double loss = db(tu_peak(l, 4096) / tu_peak(p.sample.data, (size_t)p.sample.frames));
	print_message("# drum hit: rendered peak %.3f dB from the sample's\n", loss);
	assert_true(fabs(loss) < 0.1);
	sample_free(&p.sample);
}

/* One channel, sampler instrument 01 with `data` (mono, 48 kHz); the
 * pattern's rows as given. */
static void sampler_song(song_t *s, float *data, int64_t frames, loop_mode_t loop, const char *rows)
{
	char text[2048];
	snprintf(text, sizeof(text),
	         "[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 1\n"
	         "[instrument 01]\ntype = sampler\nroot = C-4\n"
	         "[pattern 00]\n%s\n[order]\n00 = 00\n", rows);
	tu_song_parse(s, text);
	sampler_params_t *p = &s->inst[1]->sampler;
	p->sample = (sample_t){ data, 1, frames, 48000, 0 };
	p->loop = loop;
	p->loop_start = 0;
	p->loop_end = frames;
}

/* The channel's gain (fader, pan law) as measured: a held constant. */
static double channel_gain(void)
{
	song_t s;
	float *dc = malloc(4800 * sizeof(float));
	assert_non_null(dc);
	for (int i = 0; i < 4800; i++)
		dc[i] = 0.5f;
	sampler_song(&s, dc, 4800, LOOP_FORWARD, "rows = 8\n00 = C-4 01 .. ...");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	assert_true(n > 24000);
	double g = buf[2 * 12000] / 0.5;
	free(buf);
	song_deinit(&s);
	return g;
}

static void test_engine_start_keeps_transient(void **state)
{
	(void)state;
	double g = channel_gain();
	song_t s;
	float *hit = hit_new(48000, 48000, 2, 0.52f, 30.0);
	sampler_song(&s, hit, 48000, LOOP_OFF, "rows = 4\n00 = C-4 01 .. ...");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	float *l = tu_channel(buf, (size_t)n, 0);
	double loss = db(tu_peak(l, (size_t)n) / (0.52 * g));
	print_message("# drum hit through the engine: peak %.3f dB from the sample's x gain\n", loss);
	assert_true(fabs(loss) < 0.1);
	free(l);
	free(buf);
	song_deinit(&s);

	/* An offset start (9xx) still fades in: it cuts into a loud frame. */
	hit = hit_new(48000, 48000, 256, 0.52f, 0.0);
	for (int i = 0; i < 48000; i++)
		hit[i] = 0.5f;
	sampler_song(&s, hit, 48000, LOOP_OFF, "rows = 4\n00 = C-4 01 .. 901");
	n = tu_render(&s, 48000, &buf);
	l = tu_channel(buf, (size_t)n, 0);
	print_message("# offset start: first frame %.4f of %.4f\n", l[0], 0.5 * g);
	assert_true(fabsf(l[0]) < 0.01f * (float)g);
	assert_true(max_jump(l, 0, 2000) < 0.5 * g / (0.001 * 48000));
	free(l);
	free(buf);
	song_deinit(&s);

	/* A retrigger (E9x) of a loud held frame does not click either: the
	 * old voice releases as the new one fades in. */
	hit = malloc(48000 * sizeof(float));
	assert_non_null(hit);
	for (int i = 0; i < 48000; i++)
		hit[i] = 0.5f;
	sampler_song(&s, hit, 48000, LOOP_FORWARD, "rows = 4\n00 = C-4 01 .. E93");
	n = tu_render(&s, 48000, &buf);
	l = tu_channel(buf, (size_t)n, 0);
	double jump = max_jump(l, 1, 6000);
	print_message("# retrigger: largest step %.4f (level %.3f)\n", jump, 0.5 * g);
	assert_true(jump < 0.5 * g * 0.1);
	free(l);
	free(buf);
	song_deinit(&s);
}

static void test_oneshot_plays_out(void **state)
{
	(void)state;
	/* A 1.78 s open hi-hat on a song of one row (0.125 s). */
	double g = channel_gain();
	const int64_t len = (int64_t)(1.78 * 48000);
	song_t s;
	float *hat = hit_new(len, 48000, 0, 0.5f, 20.0);
	sampler_song(&s, hat, len, LOOP_OFF, "rows = 1\n00 = C-4 01 .. ...");
	float *buf;
	int64_t n = tu_render(&s, 48000, &buf);
	float *l = tu_channel(buf, (size_t)n, 0);
	print_message("# one-shot of %.2f s on a one-row song renders %.2f s\n", (double)len / 48000,
	              (double)n / 48000);
	assert_true(n >= len);
	/* Its last quarter second is there at full level, not faded. */
	int64_t from = len - 12000;
	double want = tu_rms(s.inst[1]->sampler.sample.data + from, 9600) * g;
	double got = tu_rms(l + from, 9600);
	print_message("# last quarter second: %.2f dB from the sample's level\n", db(got / want));
	assert_true(fabs(db(got / want)) < 0.5);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* --- band-limited interpolation --------------------------------------------- */

/* THD+N of x against a sine of known frequency (cycles per frame): the
 * least-squares fit of that sine (and DC) is taken out, and what is left
 * (harmonics, images, noise) is compared with it, in dB. */
static double thdn_db(const float *x, long n, double f)
{
	double a[3][3] = { { 0 } }, b[3] = { 0 };
	for (long i = 0; i < n; i++) {
		double u[3] = { cos(2 * M_PI * f * i), sin(2 * M_PI * f * i), 1.0 };
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 3; c++)
				a[r][c] += u[r] * u[c];
			b[r] += u[r] * x[i];
		}
	}
	/* Gauss-Jordan on the 3x3 normal equations. */
	for (int r = 0; r < 3; r++) {
		for (int q = 0; q < 3; q++) {
			if (q == r)
				continue;
			double m = a[q][r] / a[r][r];
			for (int c = 0; c < 3; c++)
				a[q][c] -= m * a[r][c];
			b[q] -= m * b[r];
		}
	}
	double cc = b[0] / a[0][0], ss = b[1] / a[1][1], dc = b[2] / a[2][2];
	double sig = 0.0, res = 0.0;
	for (long i = 0; i < n; i++) {
		double y = cc * cos(2 * M_PI * f * i) + ss * sin(2 * M_PI * f * i) + dc;
		sig += y * y;
		res += (x[i] - y) * (x[i] - y);
	}
	return 10.0 * log10(res / sig);
}

/* A 1 kHz sine sampled at 22.05 to 96 kHz, played -24 to +24 semitones
 * and rendered at 48 kHz: the sinc keeps everything but the tone 96 dB
 * down; cubic does not, which is why it is not the renders' default. */
static void test_sinc_resampling(void **state)
{
	(void)state;
	const int out_rate = 48000;
	const int rates[] = { 22050, 44100, 48000, 96000 };
	const int semis[] = { -24, -12, -7, -1, 0, 7, 12, 24 };
	const long n = 16384, skip = 4096;
	float *l = malloc((size_t)(n + skip) * sizeof(float)), *r = malloc((size_t)(n + skip) * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	double worst = -400.0, worst_cubic = -400.0;
	for (size_t ri = 0; ri < sizeof(rates) / sizeof(rates[0]); ri++) {
		for (size_t si = 0; si < sizeof(semis) / sizeof(semis[0]); si++) {
			double ratio = pow(2.0, semis[si] / 12.0);
			double step = ratio * rates[ri] / out_rate;
			int64_t frames = (int64_t)(step * (double)(n + skip)) + 4096;
			sampler_params_t p;
			sampler_params_default(&p);
			p.root = NOTE_A4;
			p.sample = (sample_t){ malloc((size_t)frames * sizeof(float)), 1, frames, rates[ri], 0 };
			assert_non_null(p.sample.data);
			for (int64_t i = 0; i < frames; i++)
				p.sample.data[i] = (float)(0.5 * sin(2 * M_PI * 1000.0 * (double)i / rates[ri]));
			double f = 1000.0 * ratio / out_rate;
			for (int mode = 0; mode < 2; mode++) {
				sampler_voice_t v;
				memset(&v, 0, sizeof(v));
				sampler_voice_start(&v, &p, out_rate, 0);
				v.interp = mode == 0 ? INTERP_SINC : INTERP_CUBIC;
				play(&v, &p, note_to_hz(NOTE_A4) * ratio, l, r, n + skip, 64);
				double d = thdn_db(l + skip, n, f);
				if (mode == 0 && d > worst)
					worst = d;
				if (mode == 1 && d > worst_cubic)
					worst_cubic = d;
				if (mode == 0 && d > -96.0)
					print_message("# sinc: %d Hz source %+d semitones: THD+N %.1f dB\n", rates[ri],
					              semis[si], d);
			}
			sample_free(&p.sample);
		}
	}
	/* "none" holds each frame: a ramp played an octave down repeats
	 * every frame twice. */
	sampler_params_t p;
	sampler_params_default(&p);
	p.root = NOTE_A4;
	p.sample = (sample_t){ malloc(256 * sizeof(float)), 1, 256, out_rate, 0 };
	assert_non_null(p.sample.data);
	for (int i = 0; i < 256; i++)
		p.sample.data[i] = (float)i / 256.0f;
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, out_rate, 0);
	v.interp = INTERP_NONE;
	play(&v, &p, note_to_hz(NOTE_A4 - 12), l, r, 200, 64);
	for (int i = 0; i < 200; i++)
		assert_float_equal(l[i], p.sample.data[i / 2], 1e-7);
	sample_free(&p.sample);
	print_message("# 1 kHz sine, 22.05-96 kHz sources, -24..+24 semitones, at 48 kHz: worst THD+N "
	              "sinc %.1f dB, cubic %.1f dB\n", worst, worst_cubic);
	assert_true(worst <= -96.0);
	free(l);
	free(r);
}

/* --- stereo, bad input, determinism --------------------------------------- */

static void test_stereo(void **state)
{
	(void)state;
	sampler_params_t p;
	sampler_params_default(&p);
	p.root = NOTE_A4;
	p.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.05f };
	p.sample.channels = 2;
	p.sample.rate = RATE;
	p.sample.frames = RATE;
	p.sample.data = signal_new(RATE, 2, RATE, 440.0, 0.8);
	const long frames = 20000;
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	play(&v, &p, note_to_hz(NOTE_A4 + 7), l, r, frames, 64);
	double fifth = pow(2.0, 7.0 / 12.0);
	assert_float_equal(tu_peak_hz(l + 1000, 16384, RATE), 440.0 * fifth, 1.0);
	assert_float_equal(tu_peak_hz(r + 1000, 16384, RATE), 660.0 * fifth, 1.5);
	assert_float_equal(tu_rms(r + 1000, 16384), 0.7 / sqrt(2.0), 0.01);
	free(l);
	free(r);
	sample_free(&p.sample);
}

static void test_bad_loops_and_pitches(void **state)
{
	(void)state;
	sampler_params_t p;
	sine_params(&p, 441.0, 500, 0.8, 0.0);
	float l[256], r[256];
	const struct { loop_mode_t mode; int64_t s, e; bool ends; } cases[] = {
		{ LOOP_FORWARD, -50, 1000000000, false },   /* whole sample */
		{ LOOP_FORWARD, 100, 0, false },            /* 0: to the end */
		{ LOOP_FORWARD, 600, 700, true },           /* beyond: no loop */
		{ LOOP_PINGPONG, 300, 200, true },          /* reversed: no loop */
		{ LOOP_PINGPONG, 10, 12, false },           /* tiny */
		{ LOOP_FORWARD, 10, 12, false },
		{ LOOP_PINGPONG, 498, 500, false },
		{ (loop_mode_t)7, 0, 0, true },             /* unknown mode */
	};
	const double hz[] = { 440.0, 1e9, 1e-3, 0.0, -440.0, NAN, INFINITY };
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		p.loop = cases[c].mode;
		p.loop_start = cases[c].s;
		p.loop_end = cases[c].e;
		for (size_t h = 0; h < sizeof(hz) / sizeof(hz[0]); h++) {
			sampler_voice_t v;
			memset(&v, 0, sizeof(v));
			sampler_voice_start(&v, &p, RATE, 0);
			long done = -1;
			for (int b = 0; b < 40 && done < 0; b++)
				if (!sampler_voice_render(&v, &p, hz[h], l, r, 256))
					done = b;
			for (int k = 0; k < 256; k++)
				assert_true(isfinite(l[k]) && fabsf(l[k]) <= 1.0f);
			assert_true(isfinite(v.pos) && v.pos >= 0.0);
			if (h == 0 && cases[c].ends != (done >= 0))
				fail_msg("case %zu: ended %d, expected %d", c, done >= 0, cases[c].ends);
			if (!cases[c].ends && hz[h] > 0.0 && isfinite(hz[h]))
				assert_true(v.pos >= 0.0 && v.pos < (double)p.sample.frames);
		}
	}
	/* No sample at all: nothing to play, nothing to crash on. */
	sample_free(&p.sample);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, RATE, 0);
	assert_false(sampler_voice_active(&v));
	assert_false(sampler_voice_render(&v, &p, 440.0, l, r, 256));
	assert_true(tu_peak(l, 256) == 0.0);
}

/* Renders a busy note (ping-pong loop, pitch change, release) with the
 * frames split into blocks of `block`. */
static void busy_note(const sampler_params_t *p, float *l, float *r, long frames, int block)
{
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, p, 48000.0f, 321);
	long third = frames / 3;
	play(&v, p, 523.25, l, r, third, block);
	play(&v, p, 611.0, l + third, r + third, third, block);
	sampler_voice_release(&v, p);
	play(&v, p, 611.0, l + 2 * third, r + 2 * third, frames - 2 * third, block);
}

static void test_deterministic(void **state)
{
	(void)state;
	sampler_params_t p;
	sampler_params_default(&p);
	p.root = NOTE_MIN + 4 * 12;
	p.finetune = 13;
	p.loop = LOOP_PINGPONG;
	p.loop_start = 777;
	p.loop_end = 5555;
	p.amp = (adsr_params_t){ 0.01f, 0.1f, 0.6f, 0.05f };
	p.sample.channels = 2;
	p.sample.rate = 32000;
	p.sample.frames = 6000;
	p.sample.data = signal_new(6000, 2, 32000, 263.0, 0.9);
	const long frames = 30000;
	float *l[3], *r[3];
	const int blocks[3] = { 64, 1, 1000 };
	for (int i = 0; i < 3; i++) {
		l[i] = malloc(frames * sizeof(float));
		r[i] = malloc(frames * sizeof(float));
		assert_non_null(l[i]);
		assert_non_null(r[i]);
		busy_note(&p, l[i], r[i], frames, blocks[i]);
	}
	assert_true(tu_rms(l[0], frames) > 0.1);
	for (int i = 1; i < 3; i++) {
		assert_memory_equal(l[0], l[i], frames * sizeof(float));
		assert_memory_equal(r[0], r[i], frames * sizeof(float));
	}
	/* And again with the first block size: the same once more. */
	busy_note(&p, l[1], r[1], frames, 64);
	assert_memory_equal(l[0], l[1], frames * sizeof(float));
	for (int i = 0; i < 3; i++) {
		free(l[i]);
		free(r[i]);
	}
	sample_free(&p.sample);
}


/* A mono sample rendered one-sided: l holds what the two-sided render
 * gives on both sides, and r is not touched; a stereo one writes both,
 * as the two-sided render does.  Over every interpolation and loop kind,
 * with a release, the voice's end and the zeros after it. */
static void test_one_sided(void **state)
{
	(void)state;
	const interp_t interps[3] = { INTERP_CUBIC, INTERP_SINC, INTERP_NONE };
	const loop_mode_t loops[3] = { LOOP_FORWARD, LOOP_PINGPONG, LOOP_OFF };
	const long frames = 9000;
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	float *l1 = malloc(frames * sizeof(float)), *r1 = malloc(frames * sizeof(float));
	assert_non_null(l);
	assert_non_null(r);
	assert_non_null(l1);
	assert_non_null(r1);
	for (int ch = 1; ch <= 2; ch++)
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++) {
				sampler_params_t p;
				sampler_params_default(&p);
				p.root = NOTE_A4;
				p.loop = loops[b];
				p.loop_start = 300;
				p.loop_end = 2100;
				p.amp = (adsr_params_t){ 0.0f, 0.02f, 0.7f, 0.01f };
				p.sample.channels = ch;
				p.sample.rate = 44100;
				p.sample.frames = 2500;
				p.sample.data = signal_new(2500, ch, 44100, 331.0, 0.8);
				sampler_voice_t v, w;
				memset(&v, 0, sizeof(v));
				memset(&w, 0, sizeof(w));
				sampler_voice_start(&v, &p, 48000.0f, 17);
				sampler_voice_start(&w, &p, 48000.0f, 17);
				v.interp = w.interp = interps[a];
				for (long i = 0; i < frames; i++)
					r1[i] = 123.0f;
				for (long k = 0; k < frames; k += 50) {
					double hz = 440.0 * (k < frames / 2 ? 1.13 : 0.71);
					if (k == frames / 2) {
						sampler_voice_release(&v, &p);
						sampler_voice_release(&w, &p);
					}
					bool wrote_r = !(ch == 2);
					bool on1 = sampler_voice_render_lr(&v, &p, hz, l1 + k, r1 + k, 50, &wrote_r);
					bool on = sampler_voice_render(&w, &p, hz, l + k, r + k, 50);
					assert_true(on1 == on);
					assert_true(wrote_r == (ch == 2));
				}
				assert_true(tu_rms(l, frames / 2) > 0.05);
				assert_memory_equal(l, l1, frames * sizeof(float));
				if (ch == 2) {
					assert_memory_equal(r, r1, frames * sizeof(float));
				} else {
					assert_memory_equal(l, r, frames * sizeof(float));
					for (long i = 0; i < frames; i++)
						assert_true(r1[i] == 123.0f);
				}
				sample_free(&p.sample);
			}
	free(l);
	free(r);
	free(l1);
	free(r1);
}

/* The step is kept between blocks: a change of finetune, root note or
 * the sample's rate between two blocks still moves the next block at the
 * new step. */
static void test_step_follows_params(void **state)
{
	(void)state;
	sampler_params_t p;
	sine_params(&p, 440.0, 400000, 0.5, 0.0);
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, 48000.0f, 0);
	float l[64], r[64];
	const double hz = 523.25;
	for (int round = 0; round < 4; round++) {
		if (round == 1)
			p.finetune = 37;
		if (round == 2)
			p.root = NOTE_A4 - 5;
		if (round == 3)
			p.sample.rate = 22050;
		double before = v.pos;
		assert_true(sampler_voice_render(&v, &p, hz, l, r, 64));
		double want = 64.0 * sampler_step(&p, hz, 48000.0f);
		if (fabs((v.pos - before) - want) > 1e-6)
			fail_msg("round %d: moved %.9f, the step says %.9f", round, v.pos - before, want);
	}
	sample_free(&p.sample);
}


/* A mono sample's runs go four frames at a time; a stereo sample's go
 * frame by frame.  Played from the same values on both sides, the stereo
 * sample must give the mono one's frames bit for bit, at any step, over
 * a forward loop's many turns, in blocks of any size. */
static void test_mono_runs_match_stereo(void **state)
{
	(void)state;
	const double steps[5] = { 0.37, 1.0, 1.93, 5.1, 0.0 };
	const int blocks[3] = { 64, 7, 1000 };
	const long frames = 20000;
	const int64_t len = 3000;
	float *m = signal_new(len, 1, 44100, 523.0, 0.9);
	float *st = malloc((size_t)len * 2 * sizeof(float));
	float *l1 = malloc(frames * sizeof(float)), *r1 = malloc(frames * sizeof(float));
	float *l2 = malloc(frames * sizeof(float)), *r2 = malloc(frames * sizeof(float));
	assert_non_null(st);
	assert_non_null(l1);
	assert_non_null(r1);
	assert_non_null(l2);
	assert_non_null(r2);
	for (int64_t i = 0; i < len; i++)
		st[2 * i] = st[2 * i + 1] = m[i];
	for (int a = 0; a < 5; a++)
		for (int b = 0; b < 3; b++) {
			sampler_params_t pm, ps;
			sampler_params_default(&pm);
			pm.root = NOTE_A4;
			pm.loop = LOOP_FORWARD;
			pm.loop_start = 1234;
			pm.loop_end = 2987;
			pm.amp = (adsr_params_t){ 0.003f, 0.05f, 0.5f, 0.02f };
			pm.sample.channels = 1;
			pm.sample.rate = 44100;
			pm.sample.frames = len;
			pm.sample.data = m;
			ps = pm;
			ps.sample.channels = 2;
			ps.sample.data = st;
			double hz = hz_for_step(&pm, steps[a], 48000.0);
			sampler_voice_t vm, vs;
			memset(&vm, 0, sizeof(vm));
			memset(&vs, 0, sizeof(vs));
			sampler_voice_start(&vm, &pm, 48000.0f, 5);
			sampler_voice_start(&vs, &ps, 48000.0f, 5);
			play(&vm, &pm, hz, l1, r1, frames, blocks[b]);
			play(&vs, &ps, hz, l2, r2, frames, blocks[b]);
			if (steps[a] > 0.0)
				assert_true(tu_rms(l1, frames) > 0.1);
			assert_memory_equal(l1, l2, frames * sizeof(float));
			assert_memory_equal(l1, r2, frames * sizeof(float));
			assert_memory_equal(r1, r2, frames * sizeof(float));
		}
	free(m);
	free(st);
	free(l1);
	free(r1);
	free(l2);
	free(r2);
}


/* Catmull-Rom as the sampler states it, for a reference computed here. */
static float ref_cubic(float xm1, float x0, float x1, float x2, float t)
{
	float c1 = 0.5f * (x1 - xm1);
	float c2 = xm1 - 2.5f * x0 + 2.0f * x1 - 0.5f * x2;
	float c3 = 0.5f * (x2 - xm1) + 1.5f * (x0 - x1);
	return ((c3 * t + c2) * t + c1) * t + x0;
}

/* The runs (four frames at a time, mono and stereo) against the cubic
 * computed here frame by frame from the positions' own sums: a held note
 * at full level, bit for bit, on a stereo sample whose sides differ and
 * on its left side alone. */
static void test_runs_match_reference(void **state)
{
	(void)state;
	const double steps[4] = { 0.37, 1.0, 1.93, 0.8123456789 };
	const int64_t len = 30000;
	const long frames = 12000;
	float *st = signal_new(len, 2, 44100, 419.0, 0.8);
	float *m = malloc((size_t)len * sizeof(float));
	float *l = malloc(frames * sizeof(float)), *r = malloc(frames * sizeof(float));
	assert_non_null(m);
	assert_non_null(l);
	assert_non_null(r);
	for (int64_t i = 0; i < len; i++) {
		st[2 * i + 1] = (float)(0.3 * sin(0.0137 * (double)i)) - 0.5f * st[2 * i + 1];
		m[i] = st[2 * i];
	}
	for (int ch = 1; ch <= 2; ch++)
		for (int a = 0; a < 4; a++) {
			sampler_params_t p;
			sampler_params_default(&p);
			p.root = NOTE_A4;
			p.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.05f };
			p.sample.channels = ch;
			p.sample.rate = 48000;
			p.sample.frames = len;
			p.sample.data = ch == 2 ? st : m;
			sampler_voice_t v;
			memset(&v, 0, sizeof(v));
			sampler_voice_start(&v, &p, 48000.0f, 0);
			double hz = hz_for_step(&p, steps[a], 48000.0);
			double step = sampler_step(&p, hz, 48000.0f);
			play(&v, &p, hz, l, r, frames, 64);
			double pos = 0.0;
			for (long j = 0; j < frames; j++, pos += step) {
				int64_t i = (int64_t)pos;
				float t = (float)(pos - (double)i);
				for (int c = 0; c < 2; c++) {
					int cc = ch == 2 ? c : 0;
					float x[4];
					for (int k = 0; k < 4; k++) {
						int64_t f = i - 1 + k;
						x[k] = f < 0 ? 0.0f : p.sample.data[f * ch + cc];
					}
					float want = ref_cubic(x[0], x[1], x[2], x[3], t) * 1.0f;
					float got = c ? r[j] : l[j];
					if (memcmp(&want, &got, sizeof(want)) != 0)
						fail_msg("%d channel(s), step %g, frame %ld side %d: %.9g, want %.9g",
						         ch, steps[a], j, c, got, want);
				}
			}
		}
	free(st);
	free(m);
	free(l);
	free(r);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(test_load_wav_written, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_clamps_float, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_write_wav_clips_and_refuses, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_formats, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_ogg, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_folds_channels, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_truncated, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_pitch),
		cmocka_unit_test(test_loop_forward_seamless),
		cmocka_unit_test(test_loop_pingpong),
		cmocka_unit_test(test_unlooped_end),
		cmocka_unit_test(test_release_then_silence),
		cmocka_unit_test(test_cubic_beats_linear),
		cmocka_unit_test(test_offset_fades_in),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_start_keeps_transient),
		cmocka_unit_test(test_engine_start_keeps_transient),
		cmocka_unit_test(test_oneshot_plays_out),
		cmocka_unit_test(test_sinc_resampling),
		cmocka_unit_test(test_stereo),
		cmocka_unit_test(test_bad_loops_and_pitches),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_one_sided),
		cmocka_unit_test(test_step_follows_params),
		cmocka_unit_test(test_mono_runs_match_stereo),
		cmocka_unit_test(test_runs_match_reference),
	};
	return TU_RUN(t);
}
