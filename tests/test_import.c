/*
 * test_import: modules through libxmp into songs.  Each test builds a
 * small ProTracker module in memory (so nothing outside the tree is
 * needed), imports it and checks the song it becomes and how that song
 * plays: timing in frames, sample data, loop points, effect translation,
 * and the bad-input paths.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "engine.h"
#include "import.h"
#include "note.h"
#include "songfile.h"
#include "testutil.h"

#define RATE 48000

/* A 4-channel M.K. module: one pattern, sample 1 of `len` bytes (a ramp),
 * looped over [lps, lps + lpl) when lpl > 1; cells set by the test. */
typedef struct mod {
	uint8_t *data;
	size_t size;
} mod_t;

#define MOD_HEAD  (20 + 31 * 30 + 2 + 128 + 4)
#define MOD_PAT   (64 * 4 * 4)

static void put16be(uint8_t *p, int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void mod_new(mod_t *m, int len, int lps, int lpl, int vol)
{
	m->size = MOD_HEAD + MOD_PAT + (size_t)len;
	m->data = calloc(1, m->size);
	assert_non_null(m->data);
	memcpy(m->data, "test module", 11);
	uint8_t *s1 = m->data + 20;
	memcpy(s1, "ramp", 4);
	put16be(s1 + 22, len / 2);
	s1[24] = 0;                 /* finetune */
	s1[25] = (uint8_t)vol;
	put16be(s1 + 26, lps / 2);
	put16be(s1 + 28, lpl > 1 ? lpl / 2 : 1);
	uint8_t *o = m->data + 20 + 31 * 30;
	o[0] = 1;                   /* song length */
	o[1] = 127;
	memcpy(m->data + MOD_HEAD - 4, "M.K.", 4);
	int8_t *smp = (int8_t *)(m->data + MOD_HEAD + MOD_PAT);
	for (int i = 0; i < len; i++)
		smp[i] = (int8_t)((i % 64) * 2 - 64);
}

/* Sets a cell: Amiga period (0 none), sample number, effect, parameter. */
static void mod_cell(mod_t *m, int row, int ch, int period, int smp, int fx, int param)
{
	uint8_t *c = m->data + MOD_HEAD + (size_t)(row * 4 + ch) * 4;
	c[0] = (uint8_t)((smp & 0xF0) | (period >> 8));
	c[1] = (uint8_t)period;
	c[2] = (uint8_t)(((smp & 15) << 4) | fx);
	c[3] = (uint8_t)param;
}

static void import_ok(song_t *s, const mod_t *m, import_report_t *rep)
{
	char err[512];
	if (import_module_mem(s, m->data, m->size, "test.mod", "out/test.bty", rep, err, sizeof(err)) != 0)
		fail_msg("import failed: %s", err);
}

static void test_structure(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 2000, 1000, 600, 48);
	mod_cell(&m, 0, 0, 428, 1, 0, 0);      /* C-2 in ProTracker */
	song_t s;
	import_report_t rep;
	import_ok(&s, &m, &rep);
	assert_int_equal(s.channels, 4);
	assert_int_equal(s.timing, TIMING_TICKS);
	assert_int_equal(s.tpl, 6);
	assert_int_equal(s.bpm, 125);
	assert_int_equal(s.norders, 1);
	assert_string_equal(s.title, "test module");
	assert_string_equal(s.dir, "out");
	/* Amiga LRRL panning. */
	assert_true(s.channel[0].pan < 0 && s.channel[1].pan > 0 && s.channel[2].pan > 0 &&
	            s.channel[3].pan < 0);
	const instrument_t *in = s.inst[1];
	assert_non_null(in);
	assert_int_equal(in->type, INST_SAMPLER);
	assert_string_equal(in->name, "ramp");
	assert_string_equal(in->sampler.path, "test-samples/01-ramp.wav");
	assert_int_equal(in->sampler.sample.frames, 2000);
	assert_int_equal(in->sampler.loop, LOOP_FORWARD);
	assert_int_equal(in->sampler.loop_start, 1000);
	assert_int_equal(in->sampler.loop_end, 1600);
	/* The data itself, 8-bit steps as floats, up to the loop's end (what
	 * a ProTracker sample holds past it is never heard, and libxmp does
	 * not keep it). */
	for (int i = 0; i < 1600; i++)
		if (in->sampler.sample.data[i] != (float)((i % 64) * 2 - 64) / 128.0f)
			fail_msg("frame %d: %g", i, (double)in->sampler.sample.data[i]);
	/* The note: C-2 in ProTracker is libxmp's C-5; the sample's default
	 * volume goes into the volume column with its instrument. */
	const cell_t *c = song_cell(&s, s.pattern[0], 0, 0);
	assert_int_equal(c->note, NOTE_MIN + 60);
	assert_int_equal(c->inst, 1);
	assert_int_equal(c->vol, 48);
	/* 64 rows of 6 ticks of 2.5 / 125 s. */
	assert_int_equal(engine_song_frames(&s, RATE), 64 * 6 * 960);
	song_deinit(&s);
	free(m.data);
}

/* The note plays the sample at the PAL Amiga's rate for C-2: a looped
 * ramp of 64 steps repeats at 3546895 / 428 / 64 Hz. */
static void test_pitch(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 2048, 0, 2048, 64);
	mod_cell(&m, 0, 0, 428, 1, 0, 0);
	song_t s;
	import_ok(&s, &m, NULL);
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	assert_true(n > 20000);
	float *l = tu_channel(buf, (size_t)n, 0);
	double hz = tu_peak_hz(l + 4000, 16384, RATE);
	double want = 3546895.0 / 428.0 / 64.0;
	if (!(fabs(hz - want) < 0.5))
		fail_msg("%.2f Hz, expected %.2f", hz, want);
	free(l);
	free(buf);
	song_deinit(&s);
	free(m.data);
}

static void test_effects(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 200, 0, 0, 64);
	mod_cell(&m, 0, 0, 428, 1, 0xA, 0x00);   /* A00: nothing in ProTracker */
	mod_cell(&m, 1, 0, 0, 0, 0xE, 0x84);     /* E84: panning */
	mod_cell(&m, 2, 0, 0, 0, 0x5, 0x00);     /* 500: the glide alone */
	mod_cell(&m, 3, 0, 0, 0, 0xC, 0x20);     /* C20 */
	mod_cell(&m, 4, 0, 0, 0, 0xD, 0x12);     /* D12: row 12, decimal */
	mod_cell(&m, 5, 1, 0, 0, 0xE, 0x30);     /* E30: glissando, counted */
	mod_cell(&m, 6, 1, 0, 0, 0xF, 0x03);     /* F03 */
	song_t s;
	import_report_t rep;
	import_ok(&s, &m, &rep);
	const pattern_t *p = s.pattern[0];
	assert_int_equal(song_cell(&s, p, 0, 0)->fx, 0);
	assert_int_equal(song_cell(&s, p, 1, 0)->fx, '8');
	assert_int_equal(song_cell(&s, p, 1, 0)->param, 0x44);
	assert_int_equal(song_cell(&s, p, 2, 0)->fx, '3');
	assert_int_equal(song_cell(&s, p, 2, 0)->param, 0);
	/* Cxx goes into the free volume column. */
	assert_int_equal(song_cell(&s, p, 3, 0)->fx, 0);
	assert_int_equal(song_cell(&s, p, 3, 0)->vol, 0x20);
	assert_int_equal(song_cell(&s, p, 4, 0)->fx, 'D');
	assert_int_equal(song_cell(&s, p, 4, 0)->param, 12);
	assert_int_equal(song_cell(&s, p, 6, 1)->fx, 'F');
	assert_int_equal(song_cell(&s, p, 6, 1)->param, 3);
	bool gliss = false;
	for (int i = 0; i < rep.nkinds; i++)
		gliss |= strstr(rep.kind[i].what, "E3x") && rep.kind[i].count == 1;
	assert_true(gliss);
	/* D12 on row 4 of the only order: on to row 12 past the end (the
	 * restart), so 5 + 52 rows play, all at 6 ticks (the F03 on row 6
	 * is jumped over). */
	assert_int_equal(engine_song_frames(&s, RATE), (5 + 52) * 6 * 960);
	song_deinit(&s);
	free(m.data);
}

/* ProTracker's EEx and Dxx on one row: the break lands a row further
 * on.  Here D00 on the only order goes on at row 1 (the restart), so the
 * delayed row (3 x 6 ticks) and 63 more play. */
static void test_delay_break(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 200, 0, 0, 64);
	mod_cell(&m, 0, 0, 428, 1, 0xE, 0xE2);
	mod_cell(&m, 0, 1, 0, 0, 0xD, 0x00);
	song_t s;
	import_ok(&s, &m, NULL);
	assert_int_equal(song_cell(&s, s.pattern[0], 0, 1)->param, 1);
	assert_int_equal(engine_song_frames(&s, RATE), (3 + 63) * 6 * 960);
	song_deinit(&s);
	free(m.data);
}

/* An instrument number whose sample is empty sets the volume to 0, as
 * ProTracker plays it (the note goes quiet). */
static void test_empty_instrument(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 200, 0, 0, 64);
	mod_cell(&m, 0, 0, 428, 1, 0, 0);
	mod_cell(&m, 1, 0, 0, 2, 0, 0);
	song_t s;
	import_ok(&s, &m, NULL);
	assert_int_equal(song_cell(&s, s.pattern[0], 0, 0)->vol, 64);
	assert_int_equal(song_cell(&s, s.pattern[0], 1, 0)->vol, 0);
	song_deinit(&s);
	free(m.data);
}

/* A small Scream Tracker 3 module: 4 channels, one pattern, nins
 * instruments of which the first is a looped sample of `len` bytes (a
 * ramp) at volume vol and the others are empty; cells set by the test
 * (s3m_cell), packed by s3m_pack. */
typedef struct s3m {
	uint8_t cell[64][4][5];          /* note, instrument, volume, command, info */
	int nins, len, vol;
	int flags;                       /* the header's */
	int c2spd;                       /* the sample's C-4 rate */
} s3m_t;

#define S3M_EMPTY 255

static void s3m_new(s3m_t *t, int nins, int len, int vol)
{
	memset(t, 0, sizeof(*t));
	for (int r = 0; r < 64; r++)
		for (int c = 0; c < 4; c++)
			t->cell[r][c][0] = t->cell[r][c][2] = S3M_EMPTY;
	t->nins = nins;
	t->len = len;
	t->vol = vol;
	t->c2spd = 8363;
}

/* note: ST3's octave << 4 | semitone (S3M_EMPTY none); vol 255 none;
 * cmd a letter ('A'..) or 0. */
static void s3m_cell(s3m_t *t, int row, int ch, int note, int ins, int vol, char cmd, int info)
{
	uint8_t *c = t->cell[row][ch];
	c[0] = (uint8_t)note;
	c[1] = (uint8_t)ins;
	c[2] = (uint8_t)vol;
	c[3] = cmd ? (uint8_t)(cmd - 'A' + 1) : 0;
	c[4] = (uint8_t)info;
}

static void put16le(uint8_t *p, int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* The module bytes: header, order, parapointers, instruments, the
 * packed pattern and the sample, each part on a 16-byte boundary. */
static uint8_t *s3m_pack(const s3m_t *t, size_t *size)
{
	size_t cap = 4096 + 64 * 4 * 6 + (size_t)t->len;
	uint8_t *d = calloc(1, cap);
	assert_non_null(d);
	memcpy(d, "test module", 11);
	d[28] = 0x1A;
	d[29] = 16;
	put16le(d + 32, 2);              /* orders */
	put16le(d + 34, t->nins);
	put16le(d + 36, 1);              /* patterns */
	put16le(d + 38, t->flags);
	put16le(d + 40, 0x1320);         /* ST3.20 */
	put16le(d + 42, 2);              /* unsigned samples */
	memcpy(d + 44, "SCRM", 4);
	d[48] = 64;                      /* global volume */
	d[49] = 6;                       /* speed */
	d[50] = 125;                     /* tempo */
	d[51] = 0x80 | 48;               /* stereo, master volume */
	for (int c = 0; c < 32; c++)
		d[64 + c] = c < 4 ? (uint8_t)(c & 1 ? 8 + c : c) : 255;
	size_t o = 96;
	d[o++] = 0;                      /* the order list: pattern 0, end */
	d[o++] = 255;
	size_t pins = o;
	o += 2 * (size_t)t->nins;
	size_t ppat = o;
	o += 2;
	o = (o + 15) & ~(size_t)15;
	size_t ins0 = o;
	o += 80 * (size_t)t->nins;
	o = (o + 15) & ~(size_t)15;
	size_t pat = o;
	size_t q = pat + 2;
	for (int r = 0; r < 64; r++) {
		for (int c = 0; c < 4; c++) {
			const uint8_t *e = t->cell[r][c];
			uint8_t what = (uint8_t)c;
			if (e[0] != S3M_EMPTY || e[1])
				what |= 32;
			if (e[2] != S3M_EMPTY)
				what |= 64;
			if (e[3])
				what |= 128;
			if (!(what & 0xE0))
				continue;
			d[q++] = what;
			if (what & 32)
				d[q++] = e[0], d[q++] = e[1];
			if (what & 64)
				d[q++] = e[2];
			if (what & 128)
				d[q++] = e[3], d[q++] = e[4];
		}
		d[q++] = 0;
	}
	put16le(d + pat, (int)(q - pat));
	put16le(d + ppat, (int)(pat >> 4));
	o = (q + 15) & ~(size_t)15;
	size_t smp = o;
	for (int i = 0; i < t->nins; i++) {
		uint8_t *in = d + ins0 + 80 * (size_t)i;
		put16le(d + pins + 2 * (size_t)i, (int)((ins0 + 80 * (size_t)i) >> 4));
		in[0] = 1;                   /* a sample */
		memcpy(in + 76, "SCRS", 4);
		put16le(in + 32, t->c2spd);
		if (i > 0)
			continue;            /* empty: length 0 */
		put16le(in + 14, (int)(smp >> 4));
		put16le(in + 16, t->len);
		put16le(in + 24, t->len);    /* looped over the whole sample */
		in[28] = (uint8_t)t->vol;
		in[31] = 1;
	}
	for (int i = 0; i < t->len; i++)
		d[smp + (size_t)i] = (uint8_t)(128 + (i % 64) * 2 - 64);
	*size = smp + (size_t)t->len;
	return d;
}

static void s3m_import(song_t *s, const s3m_t *t)
{
	size_t n;
	uint8_t *d = s3m_pack(t, &n);
	char err[512];
	if (import_module_mem(s, d, n, "test.s3m", "out/test.bty", NULL, err, sizeof(err)) != 0)
		fail_msg("import failed: %s", err);
	free(d);
}

/* RMS of the render's mono sum over frames [a, b). */
static double rms_between(const float *lr, long a, long b)
{
	double sum = 0;
	for (long i = a; i < b; i++) {
		double m = 0.5 * (lr[2 * i] + lr[2 * i + 1]);
		sum += m * m;
	}
	return sqrt(sum / (double)(b - a));
}

/* ST3 (as xmp plays it) passes over the number of an instrument without
 * a sample: a glide to a note with it goes on at the volume the channel
 * had, where an instrument number would reset it. */
static void test_s3m_empty_instrument(void **state)
{
	(void)state;
	s3m_t t;
	s3m_new(&t, 2, 256, 64);
	s3m_cell(&t, 0, 0, 0x40, 1, 16, 0, 0);          /* C-4 at volume 16 */
	s3m_cell(&t, 4, 0, 0x42, 2, S3M_EMPTY, 'G', 2); /* D-4, empty instrument, glide */
	song_t s;
	s3m_import(&s, &t);
	assert_int_equal(s.rules, RULES_ST3);
	const cell_t *c = song_cell(&s, s.pattern[0], 4, 0);
	assert_int_equal(c->inst, 0);
	assert_int_equal(c->vol, VOL_NONE);
	float *lr = NULL;
	int64_t frames = tu_render(&s, RATE, &lr);
	assert_non_null(lr);
	long row = 6 * 960;   /* 6 ticks of 2.5 / 125 s */
	assert_true(frames >= 64 * row);
	double before = rms_between(lr, 2 * row, 4 * row), after = rms_between(lr, 5 * row, 7 * row);
	assert_true(before > 1e-4);
	assert_true(fabs(after / before - 1.0) < 0.2);
	free(lr);
	song_deinit(&s);
}

/* ST3 (as libxmp plays it) passes over a note that the sample's rate
 * puts below the lowest there is: at 1045 Hz (8363 Hz three octaves
 * down) anything under ST3's C-2; a glide keeps its target. */
static void test_s3m_note_too_low(void **state)
{
	(void)state;
	s3m_t t;
	s3m_new(&t, 1, 256, 64);
	t.c2spd = 1045;
	s3m_cell(&t, 0, 0, 0x40, 1, S3M_EMPTY, 0, 0);    /* C-4 */
	s3m_cell(&t, 1, 0, 0x1B, 1, S3M_EMPTY, 0, 0);    /* B-1: below */
	s3m_cell(&t, 2, 0, 0x20, 1, S3M_EMPTY, 0, 0);    /* C-2: the lowest */
	s3m_cell(&t, 3, 0, 0x10, 0, S3M_EMPTY, 'G', 8);  /* C-1, a glide's target */
	s3m_cell(&t, 4, 0, 0x10, 0, S3M_EMPTY, 0, 0);    /* C-1 after instrument 1 */
	song_t s;
	s3m_import(&s, &t);
	const pattern_t *p = s.pattern[0];
	assert_int_equal(song_cell(&s, p, 0, 0)->note, NOTE_MIN + 60);
	assert_int_equal(song_cell(&s, p, 1, 0)->note, NOTE_NONE);
	assert_int_equal(song_cell(&s, p, 1, 0)->inst, 1);
	assert_int_equal(song_cell(&s, p, 2, 0)->note, NOTE_MIN + 36);
	assert_int_equal(song_cell(&s, p, 3, 0)->note, NOTE_MIN + 24);
	assert_int_equal(song_cell(&s, p, 4, 0)->note, NOTE_NONE);
	song_deinit(&s);
}

/* An S3M flagged for fast volume slides (0x40) slides on every tick. */
static void test_s3m_fast_slides(void **state)
{
	(void)state;
	for (int fast = 0; fast < 2; fast++) {
		s3m_t t;
		s3m_new(&t, 1, 256, 64);
		t.flags = fast ? 0x40 : 0;
		s3m_cell(&t, 0, 0, 0x40, 1, S3M_EMPTY, 'D', 0x04);
		song_t s;
		s3m_import(&s, &t);
		assert_int_equal(s.vol_slides, fast ? VSLIDES_FAST : VSLIDES_NORMAL);
		song_deinit(&s);
	}
}

/* Written out and read back, the song plays the same samples. */
static void test_write_round_trip(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 1000, 0, 0, 64);
	mod_cell(&m, 0, 0, 428, 1, 0, 0);
	char dir[] = "/tmp/beatty-import.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], err[512];
	snprintf(path, sizeof(path), "%s/t.bty", dir);
	song_t s;
	assert_int_equal(import_module_mem(&s, m.data, m.size, "t.mod", path, NULL, err, sizeof(err)), 0);
	assert_int_equal(import_write_samples(&s, path, false, err, sizeof(err)), 1);
	/* Already there: not written again. */
	assert_int_equal(import_write_samples(&s, path, false, err, sizeof(err)), 0);
	songfile_error_t se;
	assert_int_equal(songfile_save(&s, path, &se), 0);
	song_t back;
	assert_int_equal(songfile_load(&back, path, SONGFILE_LOAD_SAMPLES, &se, NULL, NULL), 0);
	float *a, *b;
	int64_t na = tu_render(&s, RATE, &a), nb = tu_render(&back, RATE, &b);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, (size_t)na * 2 * sizeof(float));
	free(a);
	free(b);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	song_deinit(&s);
	song_deinit(&back);
	free(m.data);
}

/* Broken modules: an error naming the file, never a crash. */
static void test_bad_input(void **state)
{
	(void)state;
	mod_t m;
	mod_new(&m, 2000, 0, 0, 64);
	mod_cell(&m, 0, 0, 428, 1, 0, 0);
	song_t s;
	char err[512];
	/* Cut inside the header, the pattern and the sample data. */
	const size_t cuts[] = { 0, 100, MOD_HEAD - 1, MOD_HEAD + 10, MOD_HEAD + MOD_PAT + 5 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		err[0] = 0;
		int rc = import_module_mem(&s, m.data, cuts[i], "cut.mod", "cut.bty", NULL, err, sizeof(err));
		if (rc == 0) {
			/* libxmp may keep what a short sample holds; what it gives
			 * must still be a sound song. */
			assert_true(s.inst[1] == NULL || s.inst[1]->sampler.sample.frames <= 2000);
			song_deinit(&s);
		} else {
			assert_non_null(strstr(err, "cut.mod"));
		}
	}
	/* No samples at all. */
	mod_t z;
	mod_new(&z, 0, 0, 0, 64);
	mod_cell(&z, 0, 0, 428, 1, 0, 0);
	assert_int_equal(import_module_mem(&s, z.data, z.size, "empty.mod", "e.bty", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty.mod"));
	/* Not a module. */
	assert_int_equal(import_module_mem(&s, "hello", 5, "hello.mod", "h.bty", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "hello.mod"));
	assert_int_equal(import_module(&s, "/nonexistent/x.mod", "x.bty", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "x.mod"));
	free(m.data);
	free(z.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_pitch),
		cmocka_unit_test(test_effects),
		cmocka_unit_test(test_delay_break),
		cmocka_unit_test(test_empty_instrument),
		cmocka_unit_test(test_s3m_empty_instrument),
		cmocka_unit_test(test_s3m_fast_slides),
		cmocka_unit_test(test_s3m_note_too_low),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_bad_input),
	};
	return TU_RUN(tests);
}
