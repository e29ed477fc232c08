/*
 * test_import_xm: XM instruments through the import, on modules built
 * here byte by byte (one pattern, one instrument with one sample, its
 * volume envelope and fadeout), checking the cells and instrument keys
 * the import writes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"
#include "import.h"
#include "note.h"
#include "testutil.h"

#define ROWS 8
#define CHANS 2
#define SMP_LEN 2000
#define XM_HEAD (60 + 276)
#define XM_PAT  (9 + ROWS * CHANS * 5)
#define XM_INS  (263 + 40)

typedef struct xm {
	uint8_t data[XM_HEAD + XM_PAT + XM_INS + SMP_LEN];
	uint8_t *cells, *ins;
} xm_t;

static void put16(uint8_t *p, int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, long v)
{
	put16(p, (int)(v & 0xFFFF));
	put16(p + 2, (int)((v >> 16) & 0xFFFF));
}

/* A module at speed 6, 125 BPM, linear slides; instrument 1 holds a
 * looped 8-bit square of SMP_LEN frames at full volume, no envelope. */
static void xm_new(xm_t *x)
{
	memset(x->data, 0, sizeof x->data);
	uint8_t *d = x->data;
	memcpy(d, "Extended Module: test", 21);
	d[37] = 0x1A;
	memcpy(d + 38, "beatty test", 11);
	put16(d + 58, 0x0104);
	uint8_t *h = d + 60;
	put32(h, 276);
	put16(h + 4, 1);        /* song length */
	put16(h + 8, CHANS);
	put16(h + 10, 1);       /* patterns */
	put16(h + 12, 1);       /* instruments */
	put16(h + 14, 1);       /* linear frequencies */
	put16(h + 16, 6);
	put16(h + 18, 125);
	uint8_t *p = d + XM_HEAD;
	put32(p, 9);
	put16(p + 5, ROWS);
	put16(p + 7, ROWS * CHANS * 5);
	x->cells = p + 9;
	uint8_t *in = d + XM_HEAD + XM_PAT;
	x->ins = in;
	put32(in, 263);
	memcpy(in + 4, "square", 6);
	put16(in + 27, 1);      /* samples */
	put32(in + 29, 40);
	put16(in + 239, 0);     /* fadeout */
	uint8_t *sh = in + 263;
	put32(sh, SMP_LEN);
	put32(sh + 8, SMP_LEN); /* loop length: the whole sample */
	sh[12] = 64;
	sh[14] = 1;             /* forward loop */
	sh[15] = 128;
	int8_t *smp = (int8_t *)(sh + 40);
	int8_t last = 0;
	for (int i = 0; i < SMP_LEN; i++) {
		int8_t v = (i / 50) % 2 ? -64 : 64;
		smp[i] = (int8_t)(v - last);   /* delta coded */
		last = v;
	}
}

/* Instrument 1's volume envelope: n points (tick, level), sustain point
 * (-1 none), fadeout. */
static void xm_env(xm_t *x, int n, const int *pts, int sus, int fadeout)
{
	uint8_t *in = x->ins;
	for (int i = 0; i < n; i++) {
		put16(in + 129 + 4 * i, pts[2 * i]);
		put16(in + 131 + 4 * i, pts[2 * i + 1]);
	}
	in[225] = (uint8_t)n;
	in[227] = (uint8_t)(sus < 0 ? 0 : sus);
	in[233] = (uint8_t)(1 | (sus >= 0 ? 2 : 0));
	put16(in + 239, fadeout);
}

/* note: 1..96, 97 key off, 0 none */
static void xm_cell(xm_t *x, int row, int ch, int note, int ins, int vol, int fx, int param)
{
	uint8_t *c = x->cells + (size_t)(row * CHANS + ch) * 5;
	c[0] = (uint8_t)note;
	c[1] = (uint8_t)ins;
	c[2] = (uint8_t)vol;
	c[3] = (uint8_t)fx;
	c[4] = (uint8_t)param;
}

static void xm_import(song_t *s, const xm_t *x)
{
	char err[512];
	if (import_module_mem(s, x->data, sizeof x->data, "t.xm", "/tmp/t.bty", NULL, err, sizeof err) != 0)
		fail_msg("import: %s", err);
}

/* FT2's K00 beside a note (as xmp plays it): the note does not start
 * and its instrument number is not taken; the row lets the sounding note
 * go, with the row's volume. */
static void test_k00_beside_note(void **state)
{
	(void)state;
	xm_t x;
	xm_new(&x);
	const int env[4] = { 0, 64, 100, 0 };
	xm_env(&x, 2, env, -1, 0);
	xm_cell(&x, 0, 0, 49, 1, 0, 0, 0);
	xm_cell(&x, 2, 0, 61, 1, 0x10 + 0x20, 0x14, 0x00);   /* C-5 01 v20 K00 */
	song_t s;
	xm_import(&s, &x);
	const cell_t *c = song_cell(&s, s.pattern[s.order[0].pattern], 2, 0);
	assert_int_equal(c->note, NOTE_OFF);
	assert_int_equal(c->inst, 0);
	assert_int_equal(c->vol, 0x20);
	assert_int_equal(c->fx, 0);
	/* K00 alone stays an off of its own */
	song_deinit(&s);
	xm_cell(&x, 2, 0, 0, 0, 0, 0x14, 0x00);
	xm_import(&s, &x);
	c = song_cell(&s, s.pattern[s.order[0].pattern], 2, 0);
	assert_int_equal(c->note, NOTE_OFF);
	song_deinit(&s);
}

/* An XM's Lxx (effect 21) stays Lxx. */
static void test_env_pos_kept(void **state)
{
	(void)state;
	xm_t x;
	xm_new(&x);
	const int env[4] = { 0, 64, 100, 0 };
	xm_env(&x, 2, env, -1, 0);
	xm_cell(&x, 0, 0, 49, 1, 0, 21, 0x10);
	song_t s;
	xm_import(&s, &x);
	const cell_t *c = song_cell(&s, s.pattern[s.order[0].pattern], 0, 0);
	assert_int_equal(c->fx, 'L');
	assert_int_equal(c->param, 0x10);
	assert_int_equal(s.inst[1]->sampler.env.n, 2);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_k00_beside_note),
		cmocka_unit_test(test_env_pos_kept),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
