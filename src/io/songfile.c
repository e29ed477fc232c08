/*
 * songfile: the .bty reader (the writer is songfile_write.c, path
 * rebasing songfile_rebase.c).
 *
 * Reading runs inifile's strict mode over the text (see inifile.h): it
 * numbers the lines, refuses binary data and over-long lines, checks
 * each line's shape and announces section starts, and its first
 * complaint ends the parse.  What needs a whole section (a pattern's row
 * count, an instrument's type) is settled at its end.  Values are
 * checked, never clamped, and the first error ends the parse.
 *
 * Instrument keys are one table that both directions walk, so the reader
 * and the writer cannot disagree about names, order or ranges.  Effect
 * units (channel chains, buses, master) are read and written from the
 * parameter tables of fx.h the same way.  A chain unit's keys depend on
 * its type, which may come last, so a unit section's lines are held
 * until the section ends and then applied in file order.  Macros name a
 * unit and a parameter; they are resolved once every chain is known.
 *
 * Runs on the UI/loader thread.  All state is in the song and a parser
 * context on the heap; nothing is shared between calls.
 */
#define _XOPEN_SOURCE 700   /* realpath() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fxcmd.h"
#include "infile.h"
#include "inifile.h"
#include "note.h"
#include "outfile.h"
#include "sample.h"
#include "scale.h"
#include "songfile.h"
#include "songfile_common.h"

/* ---- text basics ---------------------------------------------------- */

static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r'; }

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* Exactly two hex digits, either case: the grid's numbers. */
static bool parse_hex2(const char *t, int *out)
{
	if (!t[0] || !t[1] || t[2] || hex_digit(t[0]) < 0 || hex_digit(t[1]) < 0)
		return false;
	*out = hex_digit(t[0]) * 16 + hex_digit(t[1]);
	return true;
}

static bool all_hex(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (hex_digit((unsigned char)*t) < 0)
			return false;
	return true;
}

static bool parse_decimal(const char *t, long long *out)
{
	const char *d = t + (*t == '-' || *t == '+');
	if (*d < '0' || *d > '9')
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(t, &end, 10);
	if (*end)
		return false;
	*out = errno == ERANGE ? (v < 0 ? LLONG_MIN : LLONG_MAX) : v;
	return true;
}

/* Splits t in place at blanks into at most max words; returns how many
 * there were (max + 1 when there are more). */
static int split_words(char *t, char **w, int max)
{
	int n = 0;
	for (;;) {
		while (is_space((unsigned char)*t))
			t++;
		if (!*t)
			return n;
		if (n == max)
			return max + 1;
		w[n++] = t;
		while (*t && !is_space((unsigned char)*t))
			t++;
		if (*t)
			*t++ = '\0';
	}
}

/* ---- the parser ------------------------------------------------------ */

typedef enum {
	SECT_NONE, SECT_SONG, SECT_CHANNEL, SECT_UNIT, SECT_MASTER, SECT_INSTRUMENT, SECT_PATTERN,
	SECT_ORDER, SECT_UNKNOWN
} sect_t;


/* A line of a unit section, held until the section ends. */
typedef struct held {
	char *key, *value;
	int line;
} held_t;

typedef struct parser {
	song_t *s;
	const char *name;
	songfile_error_t *err;
	songfile_warn_fn warn;
	void *user;

	int line;                 /* of the line being read */
	bool failed;

	/* the current section */
	sect_t kind;
	char sect[SECT_TEXT];     /* canonical name: extras are filed under it */
	int sect_line;
	int idx;                  /* channel (0-based), instrument or pattern */
	int first, width;         /* channels a pattern section holds (0-based first) */
	home_t home;              /* a unit section's: */
	fx_unit_t *unit;
	float *unit_volume;       /* a bus's return level, else NULL */
	int unit_type;            /* fixed, or -1 for a chain unit (its 'type' key) */
	held_t *held;
	int nheld, held_cap;
	uint64_t keys_seen;
	int key_line[64];
	bool unknown_warned;

	bool seen_song, seen_format, seen_order;
	int restart_line;
	bool seen_channel[SONG_MAX_CHANNELS];
	bool seen_bus[SONG_SENDS], seen_master, seen_master_unit[MASTER_UNITS];
	int unit_line[SONG_MAX_CHANNELS][SONG_FX_CHAIN_MAX];
	int macro_line[SONG_MAX_CHANNELS][SONG_MACROS];
	char macro_param[SONG_MAX_CHANNELS][SONG_MACROS][MACRO_NAME];
	bool seen_group[SONG_MAX_PATTERNS][SONG_MAX_CHANNELS / GROUP];

	int rows;                 /* 0 until known */
	int row_line[SONG_MAX_ROWS];
	cell_t cells[SONG_MAX_ROWS][GROUP];

	int order_line[SONG_MAX_ORDERS];
	int order_pat[SONG_MAX_ORDERS];

	int inst_used_line[SONG_MAX_INSTRUMENTS + 1];
	int file_line[SONG_MAX_INSTRUMENTS + 1];
	int loop_line[SONG_MAX_INSTRUMENTS + 1];
} parser_t;

static bool fail(parser_t *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool fail(parser_t *p, int line, const char *fmt, ...)
{
	if (p->failed)
		return false;
	p->failed = true;
	p->err->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
	return false;
}

static void warnf(parser_t *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warnf(parser_t *p, int line, const char *fmt, ...)
{
	if (!p->warn)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->warn(p->user, p->name, line, msg);
}

static bool oom(parser_t *p)
{
	return fail(p, p->line, "out of memory");
}

/* A key seen twice in one section is an error: which one was meant? */
static bool once(parser_t *p, int k, const char *key)
{
	if (p->keys_seen & ((uint64_t)1 << k))
		return fail(p, p->line, "duplicate key '%s' in [%s]", key, p->sect);
	p->keys_seen |= (uint64_t)1 << k;
	p->key_line[k] = p->line;
	return true;
}

static bool get_int(parser_t *p, const char *key, const char *v, long long lo, long long hi,
                    long long *out)
{
	long long x;
	if (!parse_decimal(v, &x))
		return fail(p, p->line, "%s '%.40s' is not a whole number", key, v);
	if (x < lo || x > hi)
		return fail(p, p->line, "%s %.40s out of range (%lld..%lld)", key, v, lo, hi);
	*out = x;
	return true;
}

static bool get_float(parser_t *p, const char *key, const char *v, double lo, double hi,
                      float *out)
{
	char *end;
	float x = strtof(v, &end);
	if (end == v || *end || !isfinite(x) || !*v || is_space((unsigned char)*v))
		return fail(p, p->line, "%s '%.40s' is not a number", key, v);
	if (x < lo || x > hi)
		return fail(p, p->line, "%s %.40s out of range (%g..%g)", key, v, lo, hi);
	*out = x;
	return true;
}

static bool get_bool(parser_t *p, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "yes"))
		*out = true;
	else if (!strcmp(v, "no"))
		*out = false;
	else
		return fail(p, p->line, "%s '%.40s' is not yes or no", key, v);
	return true;
}

static bool get_text(parser_t *p, const char *key, const char *v, char *dst, size_t size)
{
	size_t n = strlen(v);
	if (n >= size)
		return fail(p, p->line, "%s longer than %zu characters", key, size - 1);
	memcpy(dst, v, n + 1);
	return true;
}

static bool get_enum(parser_t *p, const char *key, const char *v, const char *const *names,
                     int n, int *out)
{
	int i = song_enum_lookup(names, n, v);
	if (i >= 0) {
		*out = i;
		return true;
	}
	char list[160] = "";
	size_t len = 0;
	for (int j = 0; j < n && len < sizeof list; j++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", names[j]);
	return fail(p, p->line, "bad %s '%.40s' (%s)", key, v, list);
}

static bool get_adsr(parser_t *p, const char *key, const char *v, adsr_params_t *out)
{
	char tmp[SECT_TEXT], *w[4];
	snprintf(tmp, sizeof tmp, "%s", v);
	if (split_words(tmp, w, 4) != 4)
		return fail(p, p->line, "%s needs four numbers: attack decay sustain release", key);
	static const char *const part[4] = { "attack", "decay", "sustain", "release" };
	float x[4];
	for (int i = 0; i < 4; i++) {
		char what[48];
		snprintf(what, sizeof what, "%s %s", key, part[i]);
		if (!get_float(p, what, w[i], 0, i == 2 ? 1.0 : ADSR_TIME_MAX, &x[i]))
			return false;
	}
	out->attack = x[0];
	out->decay = x[1];
	out->sustain = x[2];
	out->release = x[3];
	return true;
}

static bool get_onoff(parser_t *p, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "off"))
		*out = false;
	else
		return fail(p, p->line, "%s '%.40s' is not on or off", key, v);
	return true;
}

/* A send level: dB, or off. */
static bool get_send(parser_t *p, const char *key, const char *v, float *out)
{
	if (!strcmp(v, "off")) {
		*out = SONG_SEND_OFF;
		return true;
	}
	char *end;
	float x = strtof(v, &end);
	if (end == v || *end || !isfinite(x) || is_space((unsigned char)*v))
		return fail(p, p->line, "%s '%.40s' is not a number or off", key, v);
	return get_float(p, key, v, LEVEL_MIN, LEVEL_MAX, out);
}

/* A unit parameter: a choice by name, else a number in its range. */
static bool get_param(parser_t *p, const fx_param_desc_t *d, const char *v, float *out)
{
	if (d->choices) {
		int x = 0;
		if (!get_enum(p, d->name, v, d->choices, (int)d->max + 1, &x))
			return false;
		*out = (float)x;
		return true;
	}
	return get_float(p, d->name, v, d->min, d->max, out);
}

/* Channels that key a compressor: "1 3 9-16", each 1..channels. */
static bool get_sidechain(parser_t *p, const char *key, const char *v, uint64_t *out)
{
	char tmp[SECT_TEXT], *w[SONG_MAX_CHANNELS + 1];
	snprintf(tmp, sizeof tmp, "%s", v);
	int n = split_words(tmp, w, SONG_MAX_CHANNELS);
	uint64_t mask = 0;
	for (int i = 0; i < n; i++) {
		if (i == SONG_MAX_CHANNELS)
			return fail(p, p->line, "%s lists more than %d channels", key, SONG_MAX_CHANNELS);
		char *dash = strchr(w[i], '-');
		long long a, b;
		if (dash)
			*dash = '\0';
		if (w[i][0] == '+' || !parse_decimal(w[i], &a)
		    || (dash && (dash[1] == '+' || dash[1] == '-' || !parse_decimal(dash + 1, &b))))
			return fail(p, p->line, "bad %s '%.40s' (channel numbers like 1 3 or 5-8)", key, v);
		if (!dash)
			b = a;
		const char *bad = a < 1 || a > p->s->channels ? w[i]
		                : b < 1 || b > p->s->channels ? dash + 1 : NULL;
		if (bad)
			return fail(p, p->line, "%s channel %.20s out of range (1..%d)", key, bad,
			            p->s->channels);
		if (b < a)
			return fail(p, p->line, "bad %s range '%lld-%lld' (low to high)", key, a, b);
		for (long long c = a; c <= b; c++)
			mask |= (uint64_t)1 << (c - 1);
	}
	*out = mask;
	return true;
}

/* An unknown key: kept, so a song from a newer beatty survives. */
static bool keep(parser_t *p, const char *key, const char *value)
{
	song_t *s = p->s;
	for (int i = 0; i < s->nextra; i++)
		if (!strcmp(s->extra[i].section, p->sect) && !strcmp(s->extra[i].key, key))
			return fail(p, p->line, "duplicate key '%s' in [%s]", key, p->sect);
	if (s->nextra >= MAX_EXTRAS)
		return fail(p, p->line, "too many unknown keys (over %d)", MAX_EXTRAS);
	if (!song_extra_add(s, p->sect, key, value))
		return oom(p);
	if (p->kind != SECT_UNKNOWN)
		warnf(p, p->line, "unknown key '%s' in [%s], kept", key, p->sect);
	else if (!p->unknown_warned)
		warnf(p, p->line, "unknown section [%s], kept", p->sect);
	p->unknown_warned = true;
	return true;
}

/* ---- sections -------------------------------------------------------- */

/* What a section name's words make.  [channel N fx K] is a unit; a bus
 * or master unit this beatty does not know is an unknown section, kept,
 * so a newer beatty's [bus chorus] survives. */
static sect_t sect_kind(char *const *w, int nw)
{
	static const struct { const char *name; sect_t kind; } kinds[] = {
		{ "song", SECT_SONG }, { "channel", SECT_CHANNEL }, { "instrument", SECT_INSTRUMENT },
		{ "pattern", SECT_PATTERN }, { "order", SECT_ORDER },
	};
	if (!strcmp(w[0], "channel"))
		return nw == 4 && !strcmp(w[2], "fx") ? SECT_UNIT : SECT_CHANNEL;
	if (!strcmp(w[0], "bus"))
		return nw == 2 && song_enum_lookup(bus_names, SONG_SENDS, w[1]) >= 0
		       ? SECT_UNIT : SECT_UNKNOWN;
	if (!strcmp(w[0], "master"))
		return nw == 1 ? SECT_MASTER
		     : nw == 2 && song_enum_lookup(master_names, MASTER_UNITS, w[1]) >= 0
		       ? SECT_UNIT : SECT_UNKNOWN;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(w[0], kinds[i].name))
			return kinds[i].kind;
	return SECT_UNKNOWN;
}

/* True when an extra's section is one the writer emits in its place
 * (rather than with the unknown sections at the end). */
bool songfile_known_section(const char *name)
{
	char tmp[SECT_TEXT], *w[4];
	snprintf(tmp, sizeof tmp, "%s", name);
	int nw = split_words(tmp, w, 4);
	return nw >= 1 && nw <= 4 && sect_kind(w, nw) != SECT_UNKNOWN;
}

static void clear_cells(parser_t *p)
{
	static const cell_t empty = { NOTE_NONE, 0, VOL_NONE, 0, 0 };
	for (int r = 0; r < SONG_MAX_ROWS; r++) {
		p->row_line[r] = 0;
		for (int c = 0; c < GROUP; c++)
			p->cells[r][c] = empty;
	}
	p->rows = 0;
}

/* FT2's volume envelope of a sampler (see format.md): "envelope" holds
 * tick:level points, "env_sustain" a point, "env_loop" two, "fadeout" a
 * number; the points they name are checked when the section ends. */
static bool env_key(parser_t *p, ft2_env_t *env, const char *key, const char *v)
{
	long long x;
	if (!strcmp(key, "fadeout"))
		return get_int(p, key, v, 0, FADEOUT_MAX, &x) && ((env->fadeout = (int)x), true);
	if (!strcmp(key, "env_sustain") || !strcmp(key, "pan_env_sustain")) {
		if (!get_int(p, key, v, 0, ENV_MAX_POINTS - 1, &x))
			return false;
		env->sustain = (int)x;
		env->sus_on = true;
		return true;
	}
	if (!strcmp(key, "env_loop") || !strcmp(key, "pan_env_loop")) {
		int a, b;
		char extra;
		if (sscanf(v, "%d %d %c", &a, &b, &extra) != 2 || a < 0 || b < a || b >= ENV_MAX_POINTS)
			return fail(p, p->line, "bad %s '%.40s' (two points, 0..%d, the first not after "
			            "the second)", key, v, ENV_MAX_POINTS - 1);
		env->loop_start = a;
		env->loop_end = b;
		env->loop_on = true;
		return true;
	}
	if (env->n)
		return fail(p, p->line, "duplicate key '%s' in [%s]", key, p->sect);
	const char *t = v;
	for (;;) {
		while (*t == ' ' || *t == '\t')
			t++;
		if (!*t)
			break;
		char *end;
		errno = 0;
		long tick = strtol(t, &end, 10), level = -1;
		if (end != t && *end == ':') {
			char *e2;
			level = strtol(end + 1, &e2, 10);
			end = e2 > end + 1 ? e2 : end;
		}
		if (errno || tick < 0 || tick > ENV_MAX_TICK || level < 0 || level > 64 ||
		    (*end && *end != ' ' && *end != '\t'))
			return fail(p, p->line, "bad envelope point '%.20s' (tick:level, 0..%d:0..64)", t,
			            ENV_MAX_TICK);
		if (env->n == ENV_MAX_POINTS)
			return fail(p, p->line, "more than %d envelope points", ENV_MAX_POINTS);
		if (env->n && tick <= env->tick[env->n - 1])
			return fail(p, p->line, "envelope point at tick %ld must come after tick %d", tick,
			            env->tick[env->n - 1]);
		env->tick[env->n] = (uint16_t)tick;
		env->level[env->n++] = (uint8_t)level;
		t = end;
	}
	if (!env->n)
		return fail(p, p->line, "empty envelope");
	return true;
}

static void instrument_end(parser_t *p)
{
	const instrument_t *in = p->s->inst[p->idx];
	for (int k = 0; k < N_INST_KEYS; k++)
		if (p->key_line[k] && key_offset(&inst_keys[k], in->type) == NO_OFF)
			warnf(p, p->key_line[k], "%s does not apply to %s instruments, dropped",
			      inst_keys[k].key, inst_type_names[in->type]);
	int kfile = inst_key_find("file"), kloop = inst_key_find("loop");
	int kend = inst_key_find("loop_end"), kstart = inst_key_find("loop_start");
	p->file_line[p->idx] = p->key_line[kfile];
	int lline = p->key_line[kend] ? p->key_line[kend]
	          : p->key_line[kstart] ? p->key_line[kstart] : p->key_line[kloop];
	p->loop_line[p->idx] = lline ? lline : p->sect_line;
	const sampler_params_t *sp = &in->sampler;
	if (in->type == INST_SAMPLER && sp->loop != LOOP_OFF && sp->loop_end <= sp->loop_start)
		fail(p, p->loop_line[p->idx], "loop_end %lld must be after loop_start %lld",
		     (long long)sp->loop_end, (long long)sp->loop_start);
	const ft2_env_t *env = &sp->env;
	if ((env->sus_on && env->sustain >= env->n) || (env->loop_on && env->loop_end >= env->n))
		fail(p, p->sect_line, "env_sustain or env_loop names a point past the envelope's %d",
		     env->n);
	const ft2_env_t *penv = &sp->penv;
	if ((penv->sus_on && penv->sustain >= penv->n) || (penv->loop_on && penv->loop_end >= penv->n))
		fail(p, p->sect_line, "pan_env_sustain or pan_env_loop names a point past the pan "
		     "envelope's %d", penv->n);
}

static void held_clear(parser_t *p)
{
	for (int i = 0; i < p->nheld; i++) {
		free(p->held[i].key);
		free(p->held[i].value);
	}
	p->nheld = 0;
}

static bool hold(parser_t *p, const char *key, const char *value)
{
	if (p->nheld == p->held_cap) {
		int cap = p->held_cap ? p->held_cap * 2 : 32;
		held_t *h = realloc(p->held, (size_t)cap * sizeof *h);
		if (!h)
			return oom(p);
		p->held = h;
		p->held_cap = cap;
	}
	held_t *h = &p->held[p->nheld];
	h->key = strdup(key);
	h->value = strdup(value);
	h->line = p->line;
	if (!h->key || !h->value) {
		free(h->key);
		free(h->value);
		return oom(p);
	}
	p->nheld++;
	return true;
}

static bool unit_key(parser_t *p, fx_type_t type, const char *key, const char *v)
{
	const fx_ops_t *ops = fx_ops(type);
	fx_unit_t *u = p->unit;
	if (!strcmp(key, "type") && p->home == HOME_CHAIN)
		return once(p, UK_TYPE, key);   /* applied before the others */
	if (!strcmp(key, "bypass"))
		return once(p, UK_BYPASS, key) && get_bool(p, key, v, &u->bypass);
	if (!strcmp(key, "volume") && p->unit_volume)
		return once(p, UK_VOLUME, key) && get_float(p, key, v, LEVEL_MIN, LEVEL_MAX, p->unit_volume);
	if (!strcmp(key, "sidechain") && p->home == HOME_CHAIN && type == FX_COMP)
		return once(p, UK_SIDECHAIN, key) && get_sidechain(p, key, v, &u->sidechain);
	int i = fx_param_index(ops, key);
	if (i < 0 || i >= FX_MAX_PARAMS)
		return keep(p, key, v);
	return once(p, UK_PARAM + i, key) && get_param(p, &ops->params[i], v, &u->param[i]);
}

/* Applies a unit section's lines, each with its own line number: a chain
 * unit's type first, since the other keys depend on it. */
static void unit_end(parser_t *p)
{
	int saved = p->line;
	int type = p->unit_type;
	if (type < 0) {
		int t = 0;
		while (t < p->nheld && strcmp(p->held[t].key, "type"))
			t++;
		if (t == p->nheld) {
			fail(p, p->sect_line, "missing 'type' in [%s]", p->sect);
			return;
		}
		type = fx_type_by_name(p->held[t].value);
		if (type < 0) {
			char list[160] = "";
			size_t len = 0;
			for (int j = 0; j < FX_TYPE_COUNT && len < sizeof list; j++)
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
				                        fx_ops((fx_type_t)j)->name);
			fail(p, p->held[t].line, "unknown fx type '%.40s' (%s)", p->held[t].value, list);
			return;
		}
		fx_unit_default(p->unit, (fx_type_t)type);
	}
	for (int i = 0; i < p->nheld && !p->failed; i++) {
		p->line = p->held[i].line;
		unit_key(p, (fx_type_t)type, p->held[i].key, p->held[i].value);
	}
	p->line = saved;
}

static void pattern_end(parser_t *p)
{
	song_t *s = p->s;
	pattern_t *pat;
	if (p->first == 0) {
		int rows = p->rows ? p->rows : DEFAULT_ROWS;
		for (int r = rows; r < SONG_MAX_ROWS; r++)
			if (p->row_line[r]) {
				fail(p, p->row_line[r], "row %02X beyond the end of pattern %02X (%d rows)",
				     r, p->idx, rows);
				return;
			}
		if (!(pat = song_pattern_new(s, p->idx, rows))) {
			oom(p);
			return;
		}
	} else {
		pat = s->pattern[p->idx];
	}
	for (int r = 0; r < pat->rows; r++)
		for (int c = 0; c < p->width; c++)
			*song_cell(s, pat, r, p->first + c) = p->cells[r][c];
}

static void order_end(parser_t *p)
{
	int n = 0;
	for (int i = 0; i < SONG_MAX_ORDERS; i++)
		if (p->order_line[i])
			n = i + 1;
	if (!n) {
		fail(p, p->sect_line, "the order list is empty");
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!p->order_line[i]) {
			int j = i + 1;
			while (!p->order_line[j])
				j++;
			fail(p, p->order_line[j], "order %02X is missing (positions count up from 00)", i);
			return;
		}
		p->s->order[i].pattern = p->order_pat[i];
	}
	p->s->norders = n;
}

static void section_end(parser_t *p)
{
	if (p->failed)
		return;
	switch (p->kind) {
	case SECT_SONG:
		if (!p->seen_format)
			fail(p, p->sect_line, "missing 'format' in [song]");
		break;
	case SECT_UNIT: unit_end(p); break;
	case SECT_INSTRUMENT: instrument_end(p); break;
	case SECT_PATTERN: pattern_end(p); break;
	case SECT_ORDER: order_end(p); break;
	default: break;
	}
	held_clear(p);
	p->kind = SECT_NONE;
}

static bool channel_group(parser_t *p, const char *t)
{
	song_t *s = p->s;
	long long a, b;
	char tmp[32], *dash;
	if (strlen(t) >= sizeof tmp)
		return fail(p, p->line, "bad channel group '%.40s'", t);
	memcpy(tmp, t, strlen(t) + 1);
	if (!(dash = strchr(tmp, '-')))
		return fail(p, p->line, "bad channel group '%s' (like 9-16)", t);
	*dash = '\0';
	if (!parse_decimal(tmp, &a) || !parse_decimal(dash + 1, &b) || a < GROUP + 1
	    || (a - 1) % GROUP != 0 || a > SONG_MAX_CHANNELS)
		return fail(p, p->line, "bad channel group '%s' (groups are 9-16, 17-24, ...)", t);
	if (a > s->channels)
		return fail(p, p->line, "channel group %s is beyond the song's %d channels", t, s->channels);
	long long want = a + GROUP - 1 < s->channels ? a + GROUP - 1 : s->channels;
	if (b != want)
		return fail(p, p->line, "bad channel group '%s' (expected %lld-%lld)", t, a, want);
	p->first = (int)a - 1;
	p->width = (int)(b - a + 1);
	return true;
}

/* [channel N fx K], [bus NAME] or [master NAME]: where its values go. */
static bool unit_begin(parser_t *p, char *const *w)
{
	song_t *s = p->s;
	p->unit_volume = NULL;
	if (!strcmp(w[0], "channel")) {
		long long c, k;
		if (!parse_decimal(w[1], &c) || w[1][0] == '+' || w[1][0] == '-' || c < 1
		    || c > s->channels)
			return fail(p, p->line, "bad channel number '%.20s' (1..%d)", w[1], s->channels);
		if (!parse_decimal(w[3], &k) || w[3][0] == '+' || w[3][0] == '-' || k < 1
		    || k > SONG_FX_CHAIN_MAX)
			return fail(p, p->line, "bad fx unit number '%.20s' (1..%d)", w[3], SONG_FX_CHAIN_MAX);
		p->idx = (int)c - 1;
		if (p->unit_line[p->idx][k - 1])
			return fail(p, p->line, "duplicate section [channel %d fx %d]", (int)c, (int)k);
		p->unit_line[p->idx][k - 1] = p->line;
		p->home = HOME_CHAIN;
		p->unit = &s->channel[p->idx].fx[k - 1];
		p->unit_type = -1;
		snprintf(p->sect, sizeof p->sect, "channel %d fx %d", (int)c, (int)k);
	} else if (!strcmp(w[0], "bus")) {
		int b = song_enum_lookup(bus_names, SONG_SENDS, w[1]);
		if (p->seen_bus[b])
			return fail(p, p->line, "duplicate section [bus %s]", bus_names[b]);
		p->seen_bus[b] = true;
		p->home = HOME_BUS;
		p->unit = &s->bus[b].fx;
		p->unit_volume = &s->bus[b].volume;
		p->unit_type = bus_types[b];
		snprintf(p->sect, sizeof p->sect, "bus %s", bus_names[b]);
	} else {
		int m = song_enum_lookup(master_names, MASTER_UNITS, w[1]);
		if (p->seen_master_unit[m])
			return fail(p, p->line, "duplicate section [master %s]", master_names[m]);
		p->seen_master_unit[m] = true;
		p->home = HOME_MASTER;
		p->unit = (fx_unit_t *)((char *)&s->master + master_unit_at[m]);
		p->unit_type = master_types[m];
		snprintf(p->sect, sizeof p->sect, "master %s", master_names[m]);
	}
	return true;
}

static bool section_begin(parser_t *p, const char *start, const char *end)
{
	song_t *s = p->s;
	while (start < end && is_space((unsigned char)*start))
		start++;
	while (end > start && is_space((unsigned char)end[-1]))
		end--;
	char raw[SECT_TEXT], tmp[SECT_TEXT], *w[4];
	size_t n = (size_t)(end - start);
	memcpy(raw, start, n);
	raw[n] = '\0';
	memcpy(tmp, raw, n + 1);

	section_end(p);
	if (p->failed)
		return false;

	int nw = split_words(tmp, w, 4);
	if (!nw)
		return fail(p, p->line, "empty section name");
	sect_t kind = sect_kind(w, nw);
	if (!p->seen_song && kind != SECT_SONG)
		return fail(p, p->line, "not a beatty song: expected [song] first");
	int max_words = kind == SECT_PATTERN ? 3 : kind == SECT_UNIT ? 4
	              : kind == SECT_SONG || kind == SECT_ORDER || kind == SECT_MASTER ? 1 : 2;
	if (kind != SECT_UNKNOWN && nw > max_words)
		return fail(p, p->line, "bad section [%s]", raw);
	if ((kind == SECT_CHANNEL || kind == SECT_INSTRUMENT || kind == SECT_PATTERN) && nw < 2)
		return fail(p, p->line, "[%s] needs a number", raw);

	p->kind = kind;
	p->sect_line = p->line;
	p->keys_seen = 0;
	memset(p->key_line, 0, sizeof p->key_line);
	p->unknown_warned = false;

	switch (kind) {
	case SECT_SONG:
		if (p->seen_song)
			return fail(p, p->line, "duplicate section [song]");
		p->seen_song = true;
		snprintf(p->sect, sizeof p->sect, "song");
		break;
	case SECT_ORDER:
		if (p->seen_order)
			return fail(p, p->line, "duplicate section [order]");
		p->seen_order = true;
		snprintf(p->sect, sizeof p->sect, "order");
		break;
	case SECT_CHANNEL: {
		long long c;
		if (!parse_decimal(w[1], &c) || w[1][0] == '+' || w[1][0] == '-' || c < 1 || c > s->channels)
			return fail(p, p->line, "bad channel number '%.20s' (1..%d)", w[1], s->channels);
		p->idx = (int)c - 1;
		if (p->seen_channel[p->idx])
			return fail(p, p->line, "duplicate section [channel %d]", (int)c);
		p->seen_channel[p->idx] = true;
		snprintf(p->sect, sizeof p->sect, "channel %d", (int)c);
		break;
	}
	case SECT_UNIT:
		if (!unit_begin(p, w))
			return false;
		break;
	case SECT_MASTER:
		if (p->seen_master)
			return fail(p, p->line, "duplicate section [master]");
		p->seen_master = true;
		snprintf(p->sect, sizeof p->sect, "master");
		break;
	case SECT_INSTRUMENT: {
		int i;
		if (!parse_hex2(w[1], &i) || i == 0)
			return fail(p, p->line, "bad instrument number '%.20s' (01..FF)", w[1]);
		p->idx = i;
		if (s->inst[i])
			return fail(p, p->line, "duplicate section [instrument %02X]", i);
		instrument_t *in = song_inst_new(s, i, INST_SYNTH);
		if (!in)
			return oom(p);
		/* Both parameter sets are filled: the type may come last. */
		synth_params_default(&in->synth);
		sampler_params_default(&in->sampler);
		snprintf(p->sect, sizeof p->sect, "instrument %02X", i);
		break;
	}
	case SECT_PATTERN: {
		int i;
		if (!parse_hex2(w[1], &i))
			return fail(p, p->line, "bad pattern number '%.20s' (00..FF)", w[1]);
		p->idx = i;
		clear_cells(p);
		if (nw == 2) {
			if (s->pattern[i])
				return fail(p, p->line, "duplicate section [pattern %02X]", i);
			p->first = 0;
			p->width = s->channels < GROUP ? s->channels : GROUP;
			snprintf(p->sect, sizeof p->sect, "pattern %02X", i);
		} else {
			if (!channel_group(p, w[2]))
				return false;
			if (!s->pattern[i])
				return fail(p, p->line, "[pattern %02X %s] comes before [pattern %02X]", i, w[2], i);
			if (p->seen_group[i][p->first / GROUP])
				return fail(p, p->line, "duplicate section [pattern %02X %s]", i, w[2]);
			p->seen_group[i][p->first / GROUP] = true;
			p->rows = s->pattern[i]->rows;
			snprintf(p->sect, sizeof p->sect, "pattern %02X %d-%d", i, p->first + 1,
			         p->first + p->width);
		}
		break;
	}
	default:
		snprintf(p->sect, sizeof p->sect, "%s", raw);
		break;
	}
	return true;
}

/* ---- keys ------------------------------------------------------------ */

static bool song_key(parser_t *p, const char *key, const char *v)
{
	song_t *s = p->s;
	int k = 0;
	while (k < SK_COUNT && strcmp(song_keys[k], key))
		k++;
	if (k == SK_COUNT)
		return keep(p, key, v);
	if (!once(p, k, key))
		return false;
	long long x;
	switch (k) {
	case SK_FORMAT:
		if (!parse_decimal(v, &x) || x < 1)
			return fail(p, p->line, "bad format '%.40s'", v);
		if (x > SONG_FORMAT)
			return fail(p, p->line, "written by a newer beatty (format %.40s)", v);
		p->seen_format = true;
		return true;
	case SK_TITLE: return get_text(p, key, v, s->title, sizeof s->title);
	case SK_REFERENCE: return get_text(p, key, v, s->reference, sizeof s->reference);
	case SK_ARTIST: return get_text(p, key, v, s->artist, sizeof s->artist);
	case SK_BPM:
		if (!get_int(p, key, v, SONG_BPM_MIN, SONG_BPM_MAX, &x))
			return false;
		s->bpm = (int)x;
		return true;
	case SK_LPB:
		if (!get_int(p, key, v, SONG_LPB_MIN, SONG_LPB_MAX, &x))
			return false;
		s->lpb = (int)x;
		return true;
	case SK_TPL:
		if (!get_int(p, key, v, SONG_TPL_MIN, SONG_TPL_MAX, &x))
			return false;
		s->tpl = (int)x;
		return true;
	case SK_SWING:
		if (!get_int(p, key, v, 0, SONG_SWING_MAX, &x))
			return false;
		s->swing = (int)x;
		return true;
	case SK_CHANNELS:
		if (!get_int(p, key, v, 1, SONG_MAX_CHANNELS, &x))
			return false;
		/* No pattern exists yet ([song] comes first), so this only
		 * sets the count and the channels' defaults. */
		if (!song_set_channels(s, (int)x))
			return oom(p);
		return true;
	case SK_RESTART: {
		int r;
		if (!parse_hex2(v, &r))
			return fail(p, p->line, "bad restart '%.40s' (an order position 00..FF)", v);
		s->restart = r;
		p->restart_line = p->line;
		return true;
	}
	case SK_TIMING: {
		int t = song_enum_lookup(timing_names, TIMING_COUNT, v);
		if (t < 0)
			return fail(p, p->line, "bad timing '%.40s' (lines or ticks)", v);
		s->timing = (timing_t)t;
		return true;
	}
	case SK_SLIDES: {
		int t = song_enum_lookup(slides_names, SLIDES_COUNT, v);
		if (t < 0)
			return fail(p, p->line, "bad slides '%.40s' (linear, amiga or periods)", v);
		s->slides = (slides_t)t;
		return true;
	}
	case SK_RULES: {
		int t = song_enum_lookup(rules_names, RULES_COUNT, v);
		if (t < 0)
			return fail(p, p->line, "bad rules '%.40s' (beatty, protracker, ft2 or st3)", v);
		s->rules = (rules_t)t;
		return true;
	}
	case SK_VSLIDES: {
		int t = song_enum_lookup(vslides_names, VSLIDES_COUNT, v);
		if (t < 0)
			return fail(p, p->line, "bad vol_slides '%.40s' (normal or fast)", v);
		s->vol_slides = (vslides_t)t;
		return true;
	}
	case SK_SCALE:
		/* "A minor": the key and scale that scale lock keeps notes in */
		if (!scale_parse(v, &s->scale_key, &s->scale))
			return fail(p, p->line, "bad scale '%.40s' (a key and a scale, e.g. A minor)", v);
		return true;
	}
	return true;
}

/* "2.cutoff": unit 2 of the chain, its parameter cutoff.  Whether they
 * exist is known only at the end of the file (see chains_end). */
static bool macro_key(parser_t *p, const char *key, const char *v, int m)
{
	fx_macro_t *mc = &p->s->channel[p->idx].macro[m];
	if (!strcmp(v, "off")) {
		*mc = (fx_macro_t){ -1, 0 };
		return true;
	}
	const char *dot = strchr(v, '.');
	char num[8];
	long long u;
	size_t n = dot ? (size_t)(dot - v) : 0;
	if (!dot || !n || n >= sizeof num || v[0] == '+' || v[0] == '-' || !dot[1]
	    || strlen(dot + 1) >= MACRO_NAME || strchr(dot + 1, ' ') || strchr(dot + 1, '\t'))
		return fail(p, p->line, "bad %s '%.40s' (a unit and its parameter like 2.cutoff, or off)",
		            key, v);
	memcpy(num, v, n);
	num[n] = '\0';
	if (!parse_decimal(num, &u))
		return fail(p, p->line, "bad %s '%.40s' (a unit and its parameter like 2.cutoff, or off)",
		            key, v);
	if (u < 1 || u > SONG_FX_CHAIN_MAX)
		return fail(p, p->line, "%s unit %s out of range (1..%d)", key, num, SONG_FX_CHAIN_MAX);
	*mc = (fx_macro_t){ (int)u - 1, -1 };
	snprintf(p->macro_param[p->idx][m], MACRO_NAME, "%s", dot + 1);
	p->macro_line[p->idx][m] = p->line;
	return true;
}

static bool channel_key(parser_t *p, const char *key, const char *v)
{
	channel_t *ch = &p->s->channel[p->idx];
	int k = 0;
	while (k < CK_COUNT && strcmp(channel_keys[k], key))
		k++;
	if (k == CK_COUNT)
		return keep(p, key, v);
	if (!once(p, k, key))
		return false;
	float x;
	switch (k) {
	case CK_NAME: return get_text(p, key, v, ch->name, sizeof ch->name);
	case CK_VOLUME: return get_float(p, key, v, LEVEL_MIN, LEVEL_MAX, &ch->volume);
	case CK_PAN:
		if (!get_float(p, key, v, -100, 100, &x))
			return false;
		ch->pan = x / 100.0f;
		return true;
	case CK_MUTE: return get_bool(p, key, v, &ch->mute);
	case CK_SOLO: return get_bool(p, key, v, &ch->solo);
	}
	if (k < CK_MACRO)
		return get_send(p, key, v, &ch->send[k - CK_SEND]);
	return macro_key(p, key, v, k - CK_MACRO);
}

static bool master_key(parser_t *p, const char *key, const char *v)
{
	master_t *m = &p->s->master;
	if (!strcmp(key, "volume"))
		return once(p, MK_VOLUME, key) && get_float(p, key, v, LEVEL_MIN, LEVEL_MAX, &m->volume);
	int i = song_enum_lookup(master_names, MASTER_UNITS, key);
	if (i < 0)
		return keep(p, key, v);
	return once(p, MK_ON + i, key) && get_onoff(p, key, v, (bool *)((char *)m + master_on_at[i]));
}

static void store(instrument_t *in, const inst_key_t *k, const void *val, size_t n)
{
	if (k->synth != NO_OFF)
		memcpy((char *)in + k->synth, val, n);
	if (k->sampler != NO_OFF && k->sampler != k->synth)
		memcpy((char *)in + k->sampler, val, n);
}

/* Sample slices: "slices = 0 5512 11025 ..." in frames, ascending; a
 * long list goes on over more slices lines.  "slice_map = offsets" makes
 * them targets of 9xx instead of notes from the root. */
#define K_SLICE_MAP 63   /* a keys_seen bit the table never reaches */
/* instkeys.c asserts the table stays under 64 keys, so bit 63 is free. */
static bool slice_key(parser_t *p, sampler_params_t *sp, const char *key, const char *v)
{
	if (!strcmp(key, "slice_map")) {
		static const char *const maps[] = { "notes", "offsets" };
		int x = 0;
		if (!once(p, K_SLICE_MAP, key) || !get_enum(p, key, v, maps, 2, &x))
			return false;
		sp->slice_offsets = x == 1;
		return true;
	}
	const char *t = v;
	for (;;) {
		while (*t == ' ' || *t == '\t')
			t++;
		if (!*t)
			return true;
		char *end;
		errno = 0;
		long long x = strtoll(t, &end, 10);
		if (end == t || errno || x < 0 || x > SAMPLE_MAX_FRAMES)
			return fail(p, p->line, "bad slice '%.20s' (a frame number, 0..%lld)", t,
			            (long long)SAMPLE_MAX_FRAMES);
		if (sp->nslices >= SONG_MAX_SLICES)
			return fail(p, p->line, "more than %d slices", SONG_MAX_SLICES);
		if (sp->nslices && x <= sp->slice[sp->nslices - 1])
			return fail(p, p->line, "slice %lld must come after %lld", x,
			            (long long)sp->slice[sp->nslices - 1]);
		sp->slice[sp->nslices++] = x;
		t = end;
	}
}

static bool instrument_key(parser_t *p, const char *key, const char *v)
{
	instrument_t *in = p->s->inst[p->idx];
	if (!strcmp(key, "slices") || !strcmp(key, "slice_map"))
		return slice_key(p, &in->sampler, key, v);
	if (!strcmp(key, "envelope") || !strcmp(key, "env_sustain") || !strcmp(key, "env_loop") ||
	    !strcmp(key, "fadeout"))
		return env_key(p, &in->sampler.env, key, v);
	if (!strcmp(key, "pan_envelope") || !strcmp(key, "pan_env_sustain") ||
	    !strcmp(key, "pan_env_loop"))
		return env_key(p, &in->sampler.penv, key, v);
	int i = inst_key_find(key);
	if (i < 0)
		return keep(p, key, v);
	if (!once(p, i, key))
		return false;
	const inst_key_t *k = &inst_keys[i];
	switch (k->type) {
	case V_TEXT: {
		char tmp[SONG_PATH_MAX];
		if (!get_text(p, key, v, tmp, k->size))
			return false;
		store(in, k, tmp, strlen(tmp) + 1);
		return true;
	}
	case V_ENUM: {
		int x = 0;
		if (!get_enum(p, key, v, k->names, k->nnames, &x))
			return false;
		store(in, k, &x, sizeof x);
		return true;
	}
	case V_FLOAT: {
		float x;
		if (!get_float(p, key, v, k->min, k->max, &x))
			return false;
		store(in, k, &x, sizeof x);
		if (!strcmp(key, "pan"))
			in->sampler.has_pan = true;
		return true;
	}
	case V_INT: {
		long long x;
		if (!get_int(p, key, v, (long long)k->min, (long long)k->max, &x))
			return false;
		int y = (int)x;
		store(in, k, &y, sizeof y);
		return true;
	}
	case V_FRAMES: {
		long long x;
		if (!get_int(p, key, v, (long long)k->min, (long long)k->max, &x))
			return false;
		int64_t y = x;
		store(in, k, &y, sizeof y);
		return true;
	}
	case V_ADSR: {
		adsr_params_t a;
		if (!get_adsr(p, key, v, &a))
			return false;
		store(in, k, &a, sizeof a);
		return true;
	}
	case V_NOTE: {
		int n;
		if (!note_parse(v, &n) || n < NOTE_MIN || n > NOTE_MAX)
			return fail(p, p->line, "bad %s '%.40s' (a note like C-4)", key, v);
		store(in, k, &n, sizeof n);
		return true;
	}
	}
	return true;
}

static bool parse_cell(parser_t *p, const char *t, const char *end, cell_t *c)
{
	while (t < end && is_space((unsigned char)*t))
		t++;
	while (end > t && is_space((unsigned char)end[-1]))
		end--;
	char tmp[40], *w[4];
	size_t n = (size_t)(end - t);
	if (n >= sizeof tmp)
		return fail(p, p->line, "bad cell '%.24s...' (expected like 'C-4 01 40 A0F')", t);
	memcpy(tmp, t, n);
	tmp[n] = '\0';
	char shown[40];
	memcpy(shown, tmp, n + 1);
	if (split_words(tmp, w, 4) != 4)
		return fail(p, p->line, "bad cell '%s' (expected like 'C-4 01 40 A0F')", shown);

	int note, x;
	if (!note_parse(w[0], &note))
		return fail(p, p->line, "unknown note '%s'", w[0]);
	c->note = (uint8_t)note;

	if (!strcmp(w[1], ".."))
		c->inst = 0;
	else if (parse_hex2(w[1], &x) && x > 0)
		c->inst = (uint8_t)x;
	else
		return fail(p, p->line, "bad instrument '%s' (01..FF or ..)", w[1]);

	/* a volume-column command: its letter, then a hex digit */
	const char *vc = w[2][0] ? strchr(VOL_CMD_LETTERS, w[2][0]) : NULL;
	int digit = w[2][0] && w[2][1] && !w[2][2] ? hex_digit(w[2][1]) : -1;
	if (!strcmp(w[2], ".."))
		c->vol = VOL_NONE;
	else if (vc && digit >= 0)
		c->vol = vol_cmd_make((vol_cmd_t)(vc - VOL_CMD_LETTERS), digit);
	else if (!parse_hex2(w[2], &x))
		return fail(p, p->line, "bad volume '%s' (00..40 or ..)", w[2]);
	else if (x > VOL_MAX)
		return fail(p, p->line, "volume %s out of range (00..40)", w[2]);
	else
		c->vol = (uint8_t)x;

	if (!strcmp(w[3], "...")) {
		c->fx = 0;
		c->param = 0;
	} else if (strlen(w[3]) != 3) {
		return fail(p, p->line, "bad effect '%s' (a letter and two hex digits, or ...)", w[3]);
	} else if (fxcmd_from_letter((unsigned char)w[3][0]) == FX_NONE) {
		return fail(p, p->line, "unknown effect letter '%c'", w[3][0]);
	} else if (!parse_hex2(w[3] + 1, &x)) {
		return fail(p, p->line, "bad effect parameter '%s' (two hex digits)", w[3] + 1);
	} else {
		c->fx = (uint8_t)w[3][0];
		c->param = (uint8_t)x;
	}
	if (c->inst && !p->inst_used_line[c->inst])
		p->inst_used_line[c->inst] = p->line;
	return true;
}

static bool row_key(parser_t *p, const char *key, const char *v)
{
	int r;
	if (!parse_hex2(key, &r))
		return fail(p, p->line, "bad row number '%.20s' (00..FF)", key);
	if (p->row_line[r])
		return fail(p, p->line, "duplicate row %02X (first on line %d)", r, p->row_line[r]);
	if (p->rows && r >= p->rows)
		return fail(p, p->line, "row %02X beyond the end of pattern %02X (%d rows)", r, p->idx, p->rows);
	p->row_line[r] = p->line;
	if (!*v)
		return true;
	int ncells = 1;
	for (const char *q = v; *q; q++)
		ncells += *q == '|';
	if (ncells > p->width)
		return fail(p, p->line, "%d cells, but [%s] holds %d channel%s", ncells, p->sect,
		            p->width, p->width == 1 ? "" : "s");
	for (int c = 0; c < ncells; c++) {
		const char *bar = strchr(v, '|');
		const char *end = bar ? bar : v + strlen(v);
		if (!parse_cell(p, v, end, &p->cells[r][c]))
			return false;
		v = end + (bar != NULL);
	}
	return true;
}

static bool pattern_key(parser_t *p, const char *key, const char *v)
{
	if (all_hex(key))
		return row_key(p, key, v);
	if (strcmp(key, "rows"))
		return keep(p, key, v);
	if (p->first)
		return fail(p, p->line, "rows belongs in [pattern %02X]", p->idx);
	if (!once(p, 0, key))
		return false;
	long long x;
	if (!get_int(p, key, v, 1, SONG_MAX_ROWS, &x))
		return false;
	for (int r = (int)x; r < SONG_MAX_ROWS; r++)
		if (p->row_line[r])
			return fail(p, p->line, "rows %d leaves out row %02X (line %d)", (int)x, r, p->row_line[r]);
	p->rows = (int)x;
	return true;
}

static bool order_key(parser_t *p, const char *key, const char *v)
{
	if (!all_hex(key))
		return keep(p, key, v);
	int pos, pat;
	if (!parse_hex2(key, &pos))
		return fail(p, p->line, "bad order position '%.20s' (00..FF)", key);
	if (p->order_line[pos])
		return fail(p, p->line, "duplicate order %02X (first on line %d)", pos, p->order_line[pos]);
	char tmp[SECT_TEXT];
	snprintf(tmp, sizeof tmp, "%s", v);
	char *label = tmp;
	while (*label && !is_space((unsigned char)*label))
		label++;
	if (*label)
		*label++ = '\0';
	while (is_space((unsigned char)*label))
		label++;
	if (!parse_hex2(tmp, &pat))
		return fail(p, p->line, "order %02X: bad pattern number '%.20s' (00..FF)", pos, tmp);
	order_t *o = &p->s->order[pos];
	if (!get_text(p, "label", label, o->label, sizeof o->label))
		return false;
	p->order_line[pos] = p->line;
	p->order_pat[pos] = pat;
	return true;
}

static bool on_pair(void *user, const char *section, const char *key, const char *value,
                    int line)
{
	parser_t *p = user;
	(void)section;   /* ours is p->sect: inih truncates long names */
	p->line = line;
	if (p->failed)
		return false;
	if (p->kind == SECT_NONE)
		return fail(p, p->line, "not a beatty song: expected [song] first");
	if (!*key)
		return fail(p, p->line, "missing key name before '='");
	switch (p->kind) {
	case SECT_SONG: song_key(p, key, value); break;
	case SECT_CHANNEL: channel_key(p, key, value); break;
	case SECT_UNIT: hold(p, key, value); break;
	case SECT_MASTER: master_key(p, key, value); break;
	case SECT_INSTRUMENT: instrument_key(p, key, value); break;
	case SECT_PATTERN: pattern_key(p, key, value); break;
	case SECT_ORDER: order_key(p, key, value); break;
	case SECT_UNKNOWN: keep(p, key, value); break;
	case SECT_NONE: break;
	}
	return !p->failed;
}

static bool on_section(void *user, const char *name, int line)
{
	parser_t *p = user;
	p->line = line;
	return section_begin(p, name, name + strlen(name));
}

/* The front end's refusals are the parse's errors; binary data is in
 * the words songfile_load() uses for a NUL. */
static void on_problem(void *user, int line, inifile_problem_t what, const char *msg)
{
	parser_t *p = user;
	p->line = line;
	fail(p, line, "%s", what == INIFILE_BINARY ? "not a beatty song (binary data)" : msg);
}

/* Chains count up from unit 1 without gaps; then each macro must name a
 * unit that exists and one of its parameters. */
static void chains_end(parser_t *p)
{
	song_t *s = p->s;
	for (int c = 0; c < s->channels; c++) {
		int n = 0;
		for (int k = 0; k < SONG_FX_CHAIN_MAX; k++)
			if (p->unit_line[c][k])
				n = k + 1;
		for (int k = 0; k < n; k++)
			if (!p->unit_line[c][k]) {
				int j = k + 1;
				while (!p->unit_line[c][j])
					j++;
				fail(p, p->unit_line[c][j], "[channel %d fx %d] without [channel %d fx %d] "
				     "(units count up from 1)", c + 1, j + 1, c + 1, k + 1);
				return;
			}
		s->channel[c].nfx = n;
	}
	for (int c = 0; c < s->channels; c++)
		for (int m = 0; m < SONG_MACROS; m++) {
			if (!p->macro_line[c][m])
				continue;
			fx_macro_t *mc = &s->channel[c].macro[m];
			const char *key = channel_keys[CK_MACRO + m];
			const char *name = p->macro_param[c][m];
			if (mc->unit >= s->channel[c].nfx) {
				fail(p, p->macro_line[c][m], "%s: no [channel %d fx %d]", key, c + 1, mc->unit + 1);
				return;
			}
			const fx_ops_t *ops = fx_ops(s->channel[c].fx[mc->unit].type);
			mc->param = fx_param_index(ops, name);
			if (mc->param < 0) {
				fail(p, p->macro_line[c][m], "%s: %s has no parameter '%s'", key, ops->name, name);
				return;
			}
		}
}

static void finish(parser_t *p, bool any_text)
{
	song_t *s = p->s;
	int last = p->line ? p->line : 1;
	section_end(p);
	if (!any_text)
		fail(p, 0, "empty file");
	if (!p->seen_song)
		fail(p, last, "not a beatty song: no [song] section");
	if (!p->seen_order)
		fail(p, last, "no [order] section");
	if (p->failed)
		return;
	chains_end(p);
	if (p->failed)
		return;
	for (int i = 0; i < s->norders; i++)
		if (!s->pattern[s->order[i].pattern]) {
			fail(p, p->order_line[i], "order %02X uses pattern %02X, which does not exist",
			     i, s->order[i].pattern);
			return;
		}
	if (s->restart >= s->norders) {
		fail(p, p->restart_line, "restart %02X is beyond the order list (00..%02X)",
		     s->restart, s->norders - 1);
		return;
	}
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (p->inst_used_line[i] && !s->inst[i])
			warnf(p, p->inst_used_line[i], "instrument %02X does not exist", i);
}

/* Each file is read once and its frames shared by every instrument that
 * names it, however it is spelled (a "./", a "..", a link): 255
 * instruments on one file hold one copy, not 255.  The file is known by
 * its device and inode, which also keeps two files with equal frames
 * apart.  Its warnings come once, with its first instrument. */
static void load_samples(parser_t *p, const char *dir)
{
	song_t *s = p->s;
	struct loaded { dev_t dev; ino_t ino; int inst; } seen[SONG_MAX_INSTRUMENTS];
	int nseen = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS && !p->failed; i++) {
		instrument_t *in = s->inst[i];
		if (!in || in->type != INST_SAMPLER || !in->sampler.path[0])
			continue;
		sampler_params_t *sp = &in->sampler;
		char full[2 * SONG_PATH_MAX + 2], reason[200];
		if (sp->path[0] == '/' || !dir[0])
			snprintf(full, sizeof full, "%s", sp->path);
		else
			snprintf(full, sizeof full, "%s/%s", dir, sp->path);
		int line = p->file_line[i];
		struct stat st;
		/* Our own words for a missing file: the codec library's vary. */
		if (stat(full, &st) < 0) {
			fail(p, line, "cannot load sample '%s': %s", sp->path, strerror(errno));
			return;
		}
		const char *kind = infile_kind(st.st_mode);
		if (kind) {
			fail(p, line, "cannot load sample '%s': it is %s%s", sp->path, kind,
			     S_ISDIR(st.st_mode) ? "" : ", not a file");
			return;
		}
		int k = 0;
		while (k < nseen && !(seen[k].dev == st.st_dev && seen[k].ino == st.st_ino))
			k++;
		if (k < nseen) {
			sp->sample = s->inst[seen[k].inst]->sampler.sample;
		} else {
			if (sample_load(&sp->sample, full, reason, sizeof reason) < 0) {
				/* The reason names the full path; ours names it as written. */
				const char *why = reason;
				size_t fl = strlen(full);
				if (!strncmp(why, full, fl) && !strncmp(why + fl, ": ", 2))
					why += fl + 2;
				fail(p, line, "cannot load sample '%s': %s", sp->path, why);
				return;
			}
			seen[nseen++] = (struct loaded){ st.st_dev, st.st_ino, i };
			if (sp->sample.clamped)
				warnf(p, line, "sample '%s': %lld values beyond full scale (or not numbers) clamped to +-1",
				      sp->path, (long long)sp->sample.clamped);
		}
		if (sp->loop != LOOP_OFF && sp->loop_end > sp->sample.frames)
			fail(p, p->loop_line[i], "loop_end %lld is beyond the end of '%s' (%lld frames)",
			     (long long)sp->loop_end, sp->path, (long long)sp->sample.frames);
	}
}

static int parse_buffer(song_t *s, const char *buf, size_t len, const char *name, const char *dir,
                        int flags, songfile_error_t *err, songfile_warn_fn warn, void *user)
{
	name = name ? name : "song";
	dir = dir ? dir : "";
	set_error(err, name, 0, "");
	memset(s, 0, sizeof *s);
	if (strlen(dir) >= sizeof s->dir) {
		set_error(err, name, 0, "folder name too long");
		return -1;
	}
	parser_t *p = calloc(1, sizeof *p);
	if (!p) {
		set_error(err, name, 0, "out of memory");
		return -1;
	}
	p->s = s;
	p->name = name;
	p->err = err;
	p->warn = warn;
	p->user = user;

	song_init(s);
	/* The file says what exists; the empty song's defaults do not. */
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (s->pattern[i])
			song_pattern_free(s, i);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (s->inst[i])
			song_inst_free(s, i);
	s->norders = 0;
	snprintf(s->dir, sizeof s->dir, "%s", dir);

	static const inifile_ops_t ops = {
		.section = on_section, .pair = on_pair, .problem = on_problem
	};
	inifile_info_t info;
	(void)inifile_parse(buf, len, INIFILE_STRICT, &ops, p, &info);
	p->line = info.nlines;
	finish(p, info.any_text);
	/* An error on an unfinished last line is most likely a cut-off file. */
	if (p->failed && len && !info.last_ended && err->line == p->line) {
		size_t m = strlen(err->msg);
		snprintf(err->msg + m, sizeof err->msg - m, " (file truncated?)");
	}
	if (!p->failed && (flags & SONGFILE_LOAD_SAMPLES))
		load_samples(p, dir);

	held_clear(p);
	free(p->held);
	int ret = 0;
	if (p->failed) {
		song_deinit(s);
		memset(s, 0, sizeof *s);
		ret = -1;
	}
	free(p);
	return ret;
}

int songfile_parse(song_t *s, const char *text, const char *name, const char *dir, int flags,
                   songfile_error_t *err, songfile_warn_fn warn, void *user)
{
	songfile_error_t dummy;
	return parse_buffer(s, text, strlen(text), name, dir, flags, err ? err : &dummy, warn, user);
}

static int read_all(const char *path, char **out, size_t *outlen, songfile_error_t *err)
{
	char reason[128];
	int fd = infile_open(path, reason, sizeof reason);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
	if (!f) {
		if (fd >= 0) {
			snprintf(reason, sizeof reason, "%s", strerror(errno));
			close(fd);
		}
		set_error(err, path, 0, reason);
		return -1;
	}
	size_t cap = 0, len = 0;
	char *buf = NULL;
	const char *why;
	for (;;) {
		if (len == cap) {
			if (len > MAX_FILE) {
				why = "file too large (over 128 MiB)";
				break;
			}
			size_t ncap = cap ? cap * 2 : (size_t)1 << 16;
			if (ncap > MAX_FILE + 1)
				ncap = MAX_FILE + 1;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				why = "out of memory";
				break;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				why = strerror(errno ? errno : EIO);
				break;
			}
			fclose(f);
			*out = buf;
			*outlen = len;
			return 0;
		}
	}
	set_error(err, path, 0, why);
	free(buf);
	fclose(f);
	return -1;
}

int songfile_load(song_t *s, const char *path, int flags, songfile_error_t *err,
                  songfile_warn_fn warn, void *user)
{
	songfile_error_t dummy;
	if (!err)
		err = &dummy;
	memset(s, 0, sizeof *s);
	char dir[SONG_PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
	if (dlen >= sizeof dir) {
		set_error(err, path, 0, "path too long");
		return -1;
	}
	memcpy(dir, slash ? path : ".", dlen);
	dir[dlen] = '\0';

	char *buf;
	size_t len;
	if (read_all(path, &buf, &len, err) < 0)
		return -1;
	/* NUL never reaches the line reader of a C string: catch it here. */
	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		int line = 1;
		for (const char *q = buf; q < nul; q++)
			line += *q == '\n';
		set_error(err, path, line, "not a beatty song (binary data)");
		free(buf);
		return -1;
	}
	int r = parse_buffer(s, buf, len, path, dir, flags, err, warn, user);
	free(buf);
	return r;
}
