/*
 * euclid: Bjorklund rhythms and step helpers (see euclid.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "euclid.h"
#include "fxcmd.h"
#include "note.h"

/* Bjorklund's algorithm as Toussaint describes it: start with k groups
 * "1" and n-k groups "0"; repeatedly append one remainder group to each
 * leading group until at most one remainder is left.  Groups are kept as
 * strings of bits in a small table. */
int euclid_bjorklund(int k, int n, int rot, bool *hit)
{
	if (n < 1 || n > EUCLID_MAX_STEPS || k < 0 || k > n)
		return -1;
	if (k == 0 || k == n) {
		for (int i = 0; i < n; i++)
			hit[i] = k > 0;
		return 0;
	}
	char group[EUCLID_MAX_STEPS][EUCLID_MAX_STEPS + 1];
	int ng = n;
	for (int i = 0; i < n; i++)
		snprintf(group[i], sizeof(group[i]), "%c", i < k ? '1' : '0');
	int front = k, rest = n - k;   /* leading groups, then remainder groups */
	while (rest > 1) {
		int m = front < rest ? front : rest;
		for (int i = 0; i < m; i++) {
			/* the last remainder groups go onto the first leading ones */
			strcat(group[i], group[ng - m + i]);
		}
		ng -= m;
		if (front <= rest) {
			rest = rest - m;
		} else {
			/* the leading groups that got nothing become the remainder */
			rest = front - m;
			front = m;
		}
	}
	char flat[EUCLID_MAX_STEPS + 1] = "";
	for (int i = 0; i < ng; i++)
		strcat(flat, group[i]);
	rot = ((rot % n) + n) % n;
	for (int i = 0; i < n; i++)
		hit[(i + rot) % n] = flat[i] == '1';
	return 0;
}

static bool take_int(const char **p, long lo, long hi, long *v)
{
	while (**p == ' ')
		(*p)++;
	char *end;
	long x = strtol(*p, &end, 10);
	if (end == *p || x < lo || x > hi)
		return false;
	*p = end;
	*v = x;
	return true;
}

bool euclid_parse(const char *text, euclid_opts_t *o, char *err, size_t errlen)
{
	*o = (euclid_opts_t){ .vol = -1, .accent = -1, .seed = 1 };
	const char *p = text;
	long a, b;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "every", 5)) {
		p += 5;
		if (!take_int(&p, 1, EUCLID_MAX_STEPS, &a)) {
			snprintf(err, errlen, "every: a number of rows, 1..%d", EUCLID_MAX_STEPS);
			return false;
		}
		o->every = (int)a;
	} else {
		if (!take_int(&p, 0, EUCLID_MAX_STEPS, &a) || *p++ != '/' ||
		    !take_int(&p, 1, EUCLID_MAX_STEPS, &b) || a > b) {
			snprintf(err, errlen, "a rhythm is K/N (K hits in N steps, K <= N <= %d) or every N",
			         EUCLID_MAX_STEPS);
			return false;
		}
		o->k = (int)a;
		o->n = (int)b;
	}
	static const struct { const char *word; long lo, hi; } opt[] = {
		{ "rot", -EUCLID_MAX_STEPS, EUCLID_MAX_STEPS }, { "vol", 0, 64 }, { "accent", 0, 64 },
		{ "hv", 0, 32 }, { "hd", 0, 15 }, { "seed", 0, 0x7FFFFFFF },
	};
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t i, len = 0;
		while (isalpha((unsigned char)p[len]))
			len++;
		for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
			if (len == strlen(opt[i].word) && !strncmp(p, opt[i].word, len))
				break;
		if (i == sizeof(opt) / sizeof(opt[0])) {
			snprintf(err, errlen, "unknown word '%.*s' (rot, vol, accent, hv, hd, seed)",
			         (int)(len ? len : 1), p);
			return false;
		}
		p += len;
		if (!take_int(&p, opt[i].lo, opt[i].hi, &a)) {
			snprintf(err, errlen, "%s takes a number, %ld..%ld", opt[i].word, opt[i].lo, opt[i].hi);
			return false;
		}
		switch (i) {
		case 0: o->rot = (int)a; break;
		case 1: o->vol = (int)a; break;
		case 2: o->accent = (int)a; break;
		case 3: o->human_vol = (int)a; break;
		case 4: o->human_delay = (int)a; break;
		default: o->seed = (uint32_t)a; break;
		}
	}
	return true;
}

/* The steps of one cycle: n for E(k, n), every for "every". */
static int steps(const euclid_opts_t *o, bool *hit)
{
	if (o->every > 0) {
		for (int i = 0; i < o->every; i++)
			hit[i] = i == 0;
		return o->every;
	}
	return euclid_bjorklund(o->k, o->n, o->rot, hit) == 0 ? o->n : 0;
}

void euclid_describe(const euclid_opts_t *o, char *buf, size_t n)
{
	bool hit[EUCLID_MAX_STEPS];
	int len = steps(o, hit);
	char cells[EUCLID_MAX_STEPS + 1];
	for (int i = 0; i < len; i++)
		cells[i] = hit[i] ? 'x' : '.';
	cells[len] = 0;
	if (o->every > 0)
		snprintf(buf, n, "every %d  %s", o->every, cells);
	else if (o->rot)
		snprintf(buf, n, "E(%d,%d) rot %d  %s", o->k, o->n, o->rot, cells);
	else
		snprintf(buf, n, "E(%d,%d)  %s", o->k, o->n, cells);
}

/* xorshift32: small, fast, and the same everywhere */
static uint32_t next(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* uniform in lo..hi */
static int between(uint32_t *s, int lo, int hi)
{
	return lo + (int)(next(s) % (uint32_t)(hi - lo + 1));
}

static bool is_delay(const cell_t *c)
{
	return c->fx == 'E' && (c->param & 0xF0) == 0xD0;
}

int euclid_apply(song_t *s, int pat, edit_rect_t r, int note, int inst, const euclid_opts_t *o)
{
	bool hit[EUCLID_MAX_STEPS];
	int len = steps(o, hit);
	if (len <= 0 || note < NOTE_MIN || note > NOTE_MAX || !edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	int lpb = s->lpb > 0 ? s->lpb : 4;
	int max_delay = s->tpl - 1 < o->human_delay ? s->tpl - 1 : o->human_delay;
	/* never 0: xorshift would stay there */
	uint32_t rng = o->seed * 2654435761u + 0x9E3779B9u;
	if (!rng)
		rng = 1;
	for (int c = r.ch0; c <= r.ch1; c++) {
		for (int y = r.row0; y <= r.row1; y++) {
			cell_t *cell = song_cell(s, p, y, c);
			if (is_delay(cell)) {
				cell->fx = 0;
				cell->param = 0;
			}
			if (!hit[(y - r.row0) % len]) {
				cell->note = NOTE_NONE;
				cell->inst = 0;
				cell->vol = VOL_NONE;
				continue;
			}
			cell->note = (uint8_t)note;
			cell->inst = (uint8_t)inst;
			int v = o->accent >= 0 && y % lpb == 0 ? o->accent : o->vol;
			if (o->human_vol > 0) {
				if (v < 0)
					v = 64;
				v += between(&rng, -o->human_vol, o->human_vol);
				v = v < 1 ? 1 : v > 64 ? 64 : v;
			}
			cell->vol = v < 0 ? VOL_NONE : (uint8_t)v;
			if (max_delay > 0) {
				int d = between(&rng, 0, max_delay);
				if (d > 0) {
					cell->fx = 'E';
					cell->param = (uint8_t)(0xD0 | d);
				}
			}
		}
	}
	return EDIT_OK;
}
