/*
 * undo: swap-based undo history (see undo.h).
 *
 * The steps sit in one array, oldest first; `cur` counts the steps that
 * are applied, so steps[cur..n) can be redone:
 *
 *     steps: [ s0 | s1 | s2 | s3 | s4 ]
 *                          ^cur=3        s3, s4: undone, redoable
 *
 * Each step is a short list of items; an item holds the other version
 * of one pattern (a pattern_t *, NULL for "did not exist"), of one
 * instrument (its struct; the sample data stays shared) or of the
 * song's meta fields.  Undo and redo both swap item and song, so after
 * an undo the item holds the state redo needs.  Every state the song
 * passes through is named by the serial of the step that made it, so
 * "clean" (matches the file) survives trimming and new branches.
 */
#include <stdlib.h>
#include <string.h>
#include "undo.h"

typedef struct undo_meta {
	char title[SONG_TEXT_MAX];
	char artist[SONG_TEXT_MAX];
	int bpm, lpb, tpl, swing, restart, norders;
	order_t order[SONG_MAX_ORDERS];
} undo_meta_t;

#define ITEM_META (-1)
#define ITEM_INST (-2)
#define ITEM_MIXER (-3)
#define ITEM_LAYOUT (-4)

/* The channel layout: the count and every strip with its name. */
typedef struct undo_layout {
	int channels;
	channel_t channel[SONG_MAX_CHANNELS];
} undo_layout_t;

typedef struct undo_item {
	int pattern;            /* pattern number, ITEM_META or ITEM_INST */
	pattern_t *pat;         /* the other version (NULL: absent) */
	int inst;               /* ITEM_INST: the instrument number */
	instrument_t *ins;      /* its other version (NULL: absent); never owns sample data */
	undo_meta_t *meta;
	struct undo_mixer *mixer;   /* ITEM_MIXER */
	undo_layout_t *layout;      /* ITEM_LAYOUT */
	size_t bytes;
} undo_item_t;

typedef struct undo_step {
	const char *what;
	uint64_t serial;
	int nitems;
	undo_item_t *items;
	size_t bytes;
} undo_step_t;

struct undo {
	size_t max_bytes, bytes;
	int max_steps;
	undo_step_t *steps;
	int n, cur, cap;
	bool open, broken;
	undo_step_t pending;
	uint64_t next_serial;
	uint64_t base_serial;   /* names the state with no step applied */
	uint64_t saved_serial;  /* names the state on disk */
};

static void item_free(undo_item_t *it)
{
	if (it->pat) {
		free(it->pat->cells);
		free(it->pat);
	}
	free(it->ins);   /* the struct only: its sample data is the song's or the caller's */
	free(it->meta);
	free(it->mixer);
	free(it->layout);
}

static void step_free(undo_step_t *st)
{
	for (int i = 0; i < st->nitems; i++)
		item_free(&st->items[i]);
	free(st->items);
	memset(st, 0, sizeof(*st));
}

undo_t *undo_create(size_t max_bytes, int max_steps)
{
	undo_t *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->max_bytes = max_bytes;
	u->max_steps = max_steps > 0 ? max_steps : 1;
	u->next_serial = 1;
	return u;
}

void undo_clear(undo_t *u)
{
	undo_cancel(u);
	for (int i = 0; i < u->n; i++)
		step_free(&u->steps[i]);
	u->n = u->cur = 0;
	u->bytes = 0;
	u->base_serial = u->saved_serial = 0;
}

void undo_destroy(undo_t *u)
{
	if (!u)
		return;
	undo_clear(u);
	free(u->steps);
	free(u);
}

void undo_begin(undo_t *u, const char *what)
{
	if (u->open)
		undo_end(u);
	memset(&u->pending, 0, sizeof(u->pending));
	u->pending.what = what;
	u->open = true;
	u->broken = false;
}

static undo_item_t *add_item(undo_t *u)
{
	undo_step_t *st = &u->pending;
	undo_item_t *items = realloc(st->items, (size_t)(st->nitems + 1) * sizeof(*items));
	if (!items)
		return NULL;
	st->items = items;
	undo_item_t *it = &items[st->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

static bool has_item(const undo_step_t *st, int pattern)
{
	for (int i = 0; i < st->nitems; i++)
		if (st->items[i].pattern == pattern)
			return true;
	return false;
}

static bool has_inst(const undo_step_t *st, int idx)
{
	for (int i = 0; i < st->nitems; i++)
		if (st->items[i].pattern == ITEM_INST && st->items[i].inst == idx)
			return true;
	return false;
}

int undo_save_inst(undo_t *u, const song_t *s, int idx)
{
	if (!u->open || u->broken || idx < 1 || idx > SONG_MAX_INSTRUMENTS)
		return u->open && !u->broken ? -1 : 0;
	if (has_inst(&u->pending, idx))
		return 0;
	instrument_t *copy = NULL;
	if (s->inst[idx]) {
		if (!(copy = malloc(sizeof(*copy)))) {
			u->broken = true;
			return -1;
		}
		*copy = *s->inst[idx];   /* shares the sample data: see undo.h */
	}
	undo_item_t *it = add_item(u);
	if (!it) {
		free(copy);
		u->broken = true;
		return -1;
	}
	it->pattern = ITEM_INST;
	it->inst = idx;
	it->ins = copy;
	it->bytes = sizeof(undo_item_t) + (copy ? sizeof(*copy) : 0);
	u->pending.bytes += it->bytes;
	return 0;
}

bool undo_uses_sample(const undo_t *u, const float *data)
{
	if (!data)
		return false;
	const undo_step_t *pend = u->open ? &u->pending : NULL;
	for (int k = -1; k < u->n; k++) {
		const undo_step_t *st = k < 0 ? pend : &u->steps[k];
		if (!st)
			continue;
		for (int i = 0; i < st->nitems; i++) {
			const instrument_t *in = st->items[i].ins;
			if (in && in->sampler.sample.data == data)
				return true;
		}
	}
	return false;
}

int undo_save_pattern(undo_t *u, const song_t *s, int idx)
{
	if (!u->open || u->broken || idx < 0 || idx >= SONG_MAX_PATTERNS)
		return u->open && !u->broken ? -1 : 0;
	if (has_item(&u->pending, idx))
		return 0;
	const pattern_t *p = s->pattern[idx];
	pattern_t *copy = NULL;
	size_t bytes = sizeof(undo_item_t);
	if (p) {
		size_t n = (size_t)p->rows * (size_t)s->channels;
		copy = malloc(sizeof(*copy));
		cell_t *cells = malloc(n * sizeof(cell_t));
		if (!copy || !cells) {
			free(copy);
			free(cells);
			u->broken = true;
			return -1;
		}
		memcpy(cells, p->cells, n * sizeof(cell_t));
		copy->rows = p->rows;
		copy->cells = cells;
		bytes += sizeof(*copy) + n * sizeof(cell_t);
	}
	undo_item_t *it = add_item(u);
	if (!it) {
		if (copy) {
			free(copy->cells);
			free(copy);
		}
		u->broken = true;
		return -1;
	}
	it->pattern = idx;
	it->pat = copy;
	it->bytes = bytes;
	u->pending.bytes += bytes;
	return 0;
}

static void meta_swap(undo_meta_t *m, song_t *s)
{
	undo_meta_t t;
	memcpy(t.title, s->title, sizeof(t.title));
	memcpy(t.artist, s->artist, sizeof(t.artist));
	t.bpm = s->bpm;
	t.lpb = s->lpb;
	t.tpl = s->tpl;
	t.swing = s->swing;
	t.restart = s->restart;
	t.norders = s->norders;
	memcpy(t.order, s->order, sizeof(t.order));
	memcpy(s->title, m->title, sizeof(s->title));
	memcpy(s->artist, m->artist, sizeof(s->artist));
	s->bpm = m->bpm;
	s->lpb = m->lpb;
	s->tpl = m->tpl;
	s->swing = m->swing;
	s->restart = m->restart;
	s->norders = m->norders;
	memcpy(s->order, m->order, sizeof(s->order));
	*m = t;
}

int undo_save_meta(undo_t *u, const song_t *s)
{
	if (!u->open || u->broken)
		return u->open ? -1 : 0;
	if (has_item(&u->pending, ITEM_META))
		return 0;
	undo_meta_t *m = malloc(sizeof(*m));
	undo_item_t *it = m ? add_item(u) : NULL;
	if (!it) {
		free(m);
		u->broken = true;
		return -1;
	}
	memcpy(m->title, s->title, sizeof(m->title));
	memcpy(m->artist, s->artist, sizeof(m->artist));
	m->bpm = s->bpm;
	m->lpb = s->lpb;
	m->tpl = s->tpl;
	m->swing = s->swing;
	m->restart = s->restart;
	m->norders = s->norders;
	memcpy(m->order, s->order, sizeof(m->order));
	it->pattern = ITEM_META;
	it->meta = m;
	it->bytes = sizeof(undo_item_t) + sizeof(*m);
	u->pending.bytes += it->bytes;
	return 0;
}

void undo_cancel(undo_t *u)
{
	if (u->open)
		step_free(&u->pending);
	u->open = false;
	u->broken = false;
}

/* Drops the oldest step. */
static void drop_oldest(undo_t *u)
{
	u->base_serial = u->steps[0].serial;
	u->bytes -= u->steps[0].bytes;
	step_free(&u->steps[0]);
	memmove(&u->steps[0], &u->steps[1], (size_t)(u->n - 1) * sizeof(undo_step_t));
	u->n--;
	u->cur--;
}

void undo_end(undo_t *u)
{
	if (!u->open)
		return;
	u->open = false;
	if (u->broken || u->pending.nitems == 0) {
		step_free(&u->pending);
		return;
	}
	/* A new edit ends the redo branch. */
	while (u->n > u->cur) {
		u->n--;
		u->bytes -= u->steps[u->n].bytes;
		step_free(&u->steps[u->n]);
	}
	if (u->n == u->cap) {
		int cap = u->cap ? u->cap * 2 : 64;
		undo_step_t *st = realloc(u->steps, (size_t)cap * sizeof(*st));
		if (!st) {
			step_free(&u->pending);
			return;
		}
		u->steps = st;
		u->cap = cap;
	}
	u->pending.serial = u->next_serial++;
	u->steps[u->n++] = u->pending;
	u->cur = u->n;
	u->bytes += u->pending.bytes;
	memset(&u->pending, 0, sizeof(u->pending));
	/* Keep the newest step whatever its size. */
	while (u->n > 1 && (u->bytes > u->max_bytes || u->n > u->max_steps))
		drop_oldest(u);
}

/* The mixer: channel strips (but for their names and mute/solo, which
 * are not undo steps), the buses and the master.  Only the song's
 * channels are kept, so a step costs a few kB. */
typedef struct undo_mixer {
	int channels;
	bus_t bus[SONG_SENDS];
	master_t master;
	channel_t channel[];
} undo_mixer_t;

static void mixer_swap(undo_mixer_t *m, song_t *s)
{
	for (int ch = 0; ch < m->channels && ch < s->channels; ch++) {
		channel_t t = s->channel[ch], *saved = &m->channel[ch];
		memcpy(saved->name, t.name, sizeof(saved->name));
		saved->mute = t.mute;
		saved->solo = t.solo;
		s->channel[ch] = *saved;
		*saved = t;
	}
	bus_t b[SONG_SENDS];
	memcpy(b, s->bus, sizeof(b));
	memcpy(s->bus, m->bus, sizeof(b));
	memcpy(m->bus, b, sizeof(b));
	master_t ms = s->master;
	s->master = m->master;
	m->master = ms;
}

int undo_save_mixer(undo_t *u, const song_t *s)
{
	if (!u->open || u->broken)
		return u->open ? -1 : 0;
	if (has_item(&u->pending, ITEM_MIXER))
		return 0;
	size_t bytes = sizeof(undo_mixer_t) + (size_t)s->channels * sizeof(channel_t);
	undo_mixer_t *m = malloc(bytes);
	undo_item_t *it = m ? add_item(u) : NULL;
	if (!it) {
		free(m);
		u->broken = true;
		return -1;
	}
	m->channels = s->channels;
	memcpy(m->channel, s->channel, (size_t)s->channels * sizeof(channel_t));
	memcpy(m->bus, s->bus, sizeof(m->bus));
	m->master = s->master;
	it->pattern = ITEM_MIXER;
	it->mixer = m;
	it->bytes = sizeof(undo_item_t) + bytes;
	u->pending.bytes += it->bytes;
	return 0;
}

int undo_save_layout(undo_t *u, const song_t *s)
{
	if (!u->open || u->broken)
		return u->open ? -1 : 0;
	if (has_item(&u->pending, ITEM_LAYOUT))
		return 0;
	/* Every pattern's grid is as wide as the channel count: all of them
	 * go with it. */
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (s->pattern[i] && undo_save_pattern(u, s, i) != 0)
			return -1;
	undo_layout_t *l = malloc(sizeof(*l));
	undo_item_t *it = l ? add_item(u) : NULL;
	if (!it) {
		free(l);
		u->broken = true;
		return -1;
	}
	l->channels = s->channels;
	memcpy(l->channel, s->channel, sizeof(l->channel));
	it->pattern = ITEM_LAYOUT;
	it->layout = l;
	it->bytes = sizeof(undo_item_t) + sizeof(*l);
	u->pending.bytes += it->bytes;
	return 0;
}

static void layout_swap(undo_layout_t *l, song_t *s)
{
	int n = s->channels;
	s->channels = l->channels;
	l->channels = n;
	for (int ch = 0; ch < SONG_MAX_CHANNELS; ch++) {
		channel_t t = s->channel[ch];
		s->channel[ch] = l->channel[ch];
		l->channel[ch] = t;
	}
}

static void swap_step(undo_step_t *st, song_t *s, undo_touched_t *t, bool backwards)
{
	for (int k = 0; k < st->nitems; k++) {
		undo_item_t *it = &st->items[backwards ? st->nitems - 1 - k : k];
		if (it->pattern == ITEM_LAYOUT) {
			layout_swap(it->layout, s);
			if (t)
				t->layout = true;
		} else if (it->pattern == ITEM_MIXER) {
			mixer_swap(it->mixer, s);
			if (t)
				t->mixer = true;
		} else if (it->pattern == ITEM_META) {
			meta_swap(it->meta, s);
			if (t)
				t->meta = true;
		} else if (it->pattern == ITEM_INST) {
			instrument_t *in = s->inst[it->inst];
			s->inst[it->inst] = it->ins;
			it->ins = in;
			if (t)
				t->inst[it->inst] = true;
		} else {
			pattern_t *p = s->pattern[it->pattern];
			s->pattern[it->pattern] = it->pat;
			it->pat = p;
			if (t)
				t->pattern[it->pattern] = true;
		}
	}
}

const char *undo_undo(undo_t *u, song_t *s, undo_touched_t *touched)
{
	undo_end(u);
	if (u->cur == 0)
		return NULL;
	undo_step_t *st = &u->steps[--u->cur];
	swap_step(st, s, touched, true);
	return st->what;
}

const char *undo_redo(undo_t *u, song_t *s, undo_touched_t *touched)
{
	undo_end(u);
	if (u->cur >= u->n)
		return NULL;
	undo_step_t *st = &u->steps[u->cur++];
	swap_step(st, s, touched, false);
	return st->what;
}

int undo_depth(const undo_t *u)
{
	return u->cur;
}

int undo_redo_depth(const undo_t *u)
{
	return u->n - u->cur;
}

size_t undo_bytes(const undo_t *u)
{
	return u->bytes;
}

static uint64_t applied_serial(const undo_t *u)
{
	return u->cur > 0 ? u->steps[u->cur - 1].serial : u->base_serial;
}

void undo_mark_saved(undo_t *u)
{
	undo_end(u);
	u->saved_serial = applied_serial(u);
}

bool undo_clean(const undo_t *u)
{
	/* Serials are never reused, so a saved state that fell out of the
	 * history (trimmed, or on a forgotten redo branch) never matches. */
	return applied_serial(u) == u->saved_serial;
}
