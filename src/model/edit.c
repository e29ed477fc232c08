/*
 * edit: pure song-editing operations (see edit.h).  Each checks first
 * and changes second, so a refused edit leaves the song as it was and
 * the caller's undo record describes exactly what happened.
 */
#include <stdlib.h>
#include <string.h>
#include "edit.h"
#include "note.h"

const char *edit_strerror(int code)
{
	switch (code) {
	case EDIT_OK: return "ok";
	case EDIT_ERANGE: return "out of range";
	case EDIT_ENOMEM: return "out of memory";
	case EDIT_EFULL: return "no room left";
	case EDIT_ELAST: return "the order list needs at least one entry";
	case EDIT_EEMPTY: return "the clipboard is empty";
	}
	return "unknown error";
}

void edit_clip_init(edit_clip_t *c)
{
	memset(c, 0, sizeof(*c));
}

void edit_clip_deinit(edit_clip_t *c)
{
	free(c->cells);
	memset(c, 0, sizeof(*c));
}

cell_t edit_cell_empty(void)
{
	return (cell_t){ .note = NOTE_NONE, .inst = 0, .vol = VOL_NONE, .fx = 0, .param = 0 };
}

bool edit_cell_is_empty(const cell_t *c)
{
	return c->note == NOTE_NONE && c->inst == 0 && c->vol == VOL_NONE && c->fx == 0 &&
	       c->param == 0;
}

static pattern_t *get_pat(const song_t *s, int pat)
{
	return pat >= 0 && pat < SONG_MAX_PATTERNS ? s->pattern[pat] : NULL;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

bool edit_rect_clip(const song_t *s, int pat, edit_rect_t *r)
{
	const pattern_t *p = get_pat(s, pat);
	if (!p)
		return false;
	edit_rect_t n = {
		.row0 = r->row0 < r->row1 ? r->row0 : r->row1,
		.row1 = r->row0 < r->row1 ? r->row1 : r->row0,
		.ch0 = r->ch0 < r->ch1 ? r->ch0 : r->ch1,
		.ch1 = r->ch0 < r->ch1 ? r->ch1 : r->ch0,
	};
	if (n.row1 < 0 || n.row0 >= p->rows || n.ch1 < 0 || n.ch0 >= s->channels)
		return false;
	n.row0 = clampi(n.row0, 0, p->rows - 1);
	n.row1 = clampi(n.row1, 0, p->rows - 1);
	n.ch0 = clampi(n.ch0, 0, s->channels - 1);
	n.ch1 = clampi(n.ch1, 0, s->channels - 1);
	*r = n;
	return true;
}

int edit_copy(const song_t *s, int pat, edit_rect_t r, edit_clip_t *clip)
{
	if (!edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	int rows = r.row1 - r.row0 + 1, chans = r.ch1 - r.ch0 + 1;
	cell_t *cells = malloc((size_t)rows * (size_t)chans * sizeof(cell_t));
	if (!cells)
		return EDIT_ENOMEM;
	for (int y = 0; y < rows; y++)
		memcpy(&cells[(size_t)y * chans], song_cell(s, p, r.row0 + y, r.ch0),
		       (size_t)chans * sizeof(cell_t));
	free(clip->cells);
	clip->cells = cells;
	clip->rows = rows;
	clip->chans = chans;
	return EDIT_OK;
}

static void clear_cell(cell_t *c, int fields)
{
	if (fields & EDIT_NOTE)
		c->note = NOTE_NONE;
	if (fields & EDIT_INST)
		c->inst = 0;
	if (fields & EDIT_VOL)
		c->vol = VOL_NONE;
	if (fields & EDIT_FX)
		c->fx = c->param = 0;
}

int edit_clear(song_t *s, int pat, edit_rect_t r, int fields)
{
	if (!edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	for (int y = r.row0; y <= r.row1; y++)
		for (int c = r.ch0; c <= r.ch1; c++)
			clear_cell(song_cell(s, p, y, c), fields);
	return EDIT_OK;
}

int edit_cut(song_t *s, int pat, edit_rect_t r, edit_clip_t *clip)
{
	int rc = edit_copy(s, pat, r, clip);
	return rc ? rc : edit_clear(s, pat, r, EDIT_ALL);
}

int edit_paste(song_t *s, int pat, int row, int ch, const edit_clip_t *clip, bool mix)
{
	const pattern_t *p = get_pat(s, pat);
	if (!clip->cells || clip->rows < 1 || clip->chans < 1)
		return EDIT_EEMPTY;
	if (!p || row < 0 || row >= p->rows || ch < 0 || ch >= s->channels)
		return EDIT_ERANGE;
	for (int y = 0; y < clip->rows && row + y < p->rows; y++) {
		for (int x = 0; x < clip->chans && ch + x < s->channels; x++) {
			const cell_t *from = &clip->cells[(size_t)y * clip->chans + x];
			cell_t *to = song_cell(s, p, row + y, ch + x);
			if (!mix) {
				*to = *from;
				continue;
			}
			if (to->note == NOTE_NONE)
				to->note = from->note;
			if (to->inst == 0)
				to->inst = from->inst;
			if (to->vol == VOL_NONE)
				to->vol = from->vol;
			if (to->fx == 0 && to->param == 0) {
				to->fx = from->fx;
				to->param = from->param;
			}
		}
	}
	return EDIT_OK;
}

static bool is_note(int n)
{
	return n >= NOTE_MIN && n <= NOTE_MAX;
}

int edit_transpose(song_t *s, int pat, edit_rect_t r, int semis)
{
	if (!edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	for (int y = r.row0; y <= r.row1; y++) {
		for (int c = r.ch0; c <= r.ch1; c++) {
			cell_t *cell = song_cell(s, p, y, c);
			if (is_note(cell->note) && is_note(cell->note + semis))
				cell->note = (uint8_t)(cell->note + semis);
		}
	}
	return EDIT_OK;
}

int edit_set_inst(song_t *s, int pat, edit_rect_t r, int inst)
{
	if (inst < 0 || inst > SONG_MAX_INSTRUMENTS || !edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	for (int y = r.row0; y <= r.row1; y++) {
		for (int c = r.ch0; c <= r.ch1; c++) {
			cell_t *cell = song_cell(s, p, y, c);
			if (is_note(cell->note))
				cell->inst = (uint8_t)inst;
		}
	}
	return EDIT_OK;
}

/* The value a fraction t of the way from a to b, rounded to nearest. */
static int lerp(int a, int b, int num, int den)
{
	int d = (b - a) * num;
	return a + (d >= 0 ? (d + den / 2) / den : -((-d + den / 2) / den));
}

int edit_interpolate(song_t *s, int pat, edit_rect_t r, int fields)
{
	if (!edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	int den = r.row1 - r.row0;
	if (den < 2)
		return EDIT_OK;   /* nothing between the ends */
	for (int c = r.ch0; c <= r.ch1; c++) {
		const cell_t a = *song_cell(s, p, r.row0, c), b = *song_cell(s, p, r.row1, c);
		bool vol = (fields & EDIT_VOL) && a.vol <= VOL_MAX && b.vol <= VOL_MAX;   /* volumes, not commands */
		bool fx = (fields & EDIT_FX) && a.fx && a.fx == b.fx;
		for (int y = r.row0 + 1; y < r.row1; y++) {
			cell_t *cell = song_cell(s, p, y, c);
			if (vol)
				cell->vol = (uint8_t)lerp(a.vol, b.vol, y - r.row0, den);
			if (fx) {
				cell->fx = a.fx;
				cell->param = (uint8_t)lerp(a.param, b.param, y - r.row0, den);
			}
		}
	}
	return EDIT_OK;
}

static int check_rows(const song_t *s, int pat, int row, int *ch0, int *ch1)
{
	const pattern_t *p = get_pat(s, pat);
	if (*ch0 > *ch1) {
		int t = *ch0;
		*ch0 = *ch1;
		*ch1 = t;
	}
	if (!p || row < 0 || row >= p->rows || *ch0 < 0 || *ch1 >= s->channels)
		return EDIT_ERANGE;
	return EDIT_OK;
}

int edit_insert_row(song_t *s, int pat, int row, int ch0, int ch1)
{
	int rc = check_rows(s, pat, row, &ch0, &ch1);
	if (rc)
		return rc;
	const pattern_t *p = s->pattern[pat];
	for (int c = ch0; c <= ch1; c++) {
		for (int y = p->rows - 1; y > row; y--)
			*song_cell(s, p, y, c) = *song_cell(s, p, y - 1, c);
		*song_cell(s, p, row, c) = edit_cell_empty();
	}
	return EDIT_OK;
}

int edit_delete_row(song_t *s, int pat, int row, int ch0, int ch1)
{
	int rc = check_rows(s, pat, row, &ch0, &ch1);
	if (rc)
		return rc;
	const pattern_t *p = s->pattern[pat];
	for (int c = ch0; c <= ch1; c++) {
		for (int y = row; y < p->rows - 1; y++)
			*song_cell(s, p, y, c) = *song_cell(s, p, y + 1, c);
		*song_cell(s, p, p->rows - 1, c) = edit_cell_empty();
	}
	return EDIT_OK;
}

int edit_pattern_length(song_t *s, int pat, int rows)
{
	if (!get_pat(s, pat) || rows < 1 || rows > SONG_MAX_ROWS)
		return EDIT_ERANGE;
	return song_pattern_resize(s, pat, rows) ? EDIT_OK : EDIT_ENOMEM;
}

int edit_pattern_unused(const song_t *s)
{
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (!s->pattern[i])
			return i;
	return EDIT_EFULL;
}

int edit_pattern_new(song_t *s, int rows)
{
	if (rows < 1 || rows > SONG_MAX_ROWS)
		return EDIT_ERANGE;
	int idx = edit_pattern_unused(s);
	if (idx < 0)
		return idx;
	return song_pattern_new(s, idx, rows) ? idx : EDIT_ENOMEM;
}

int edit_order_insert(song_t *s, int pos, int pattern)
{
	if (pos < 0 || pos > s->norders || !get_pat(s, pattern))
		return EDIT_ERANGE;
	if (s->norders >= SONG_MAX_ORDERS)
		return EDIT_EFULL;
	memmove(&s->order[pos + 1], &s->order[pos], (size_t)(s->norders - pos) * sizeof(order_t));
	memset(&s->order[pos], 0, sizeof(order_t));
	s->order[pos].pattern = pattern;
	s->norders++;
	if (pos <= s->restart)
		s->restart++;
	return EDIT_OK;
}

int edit_order_delete(song_t *s, int pos)
{
	if (pos < 0 || pos >= s->norders)
		return EDIT_ERANGE;
	if (s->norders <= 1)
		return EDIT_ELAST;
	memmove(&s->order[pos], &s->order[pos + 1], (size_t)(s->norders - pos - 1) * sizeof(order_t));
	s->norders--;
	memset(&s->order[s->norders], 0, sizeof(order_t));
	if (s->restart > pos)
		s->restart--;
	if (s->restart >= s->norders)
		s->restart = s->norders - 1;
	return EDIT_OK;
}

int edit_order_duplicate(song_t *s, int pos)
{
	if (pos < 0 || pos >= s->norders)
		return EDIT_ERANGE;
	order_t o = s->order[pos];
	int rc = edit_order_insert(s, pos + 1, o.pattern);
	if (rc == EDIT_OK)
		s->order[pos + 1] = o;
	return rc;
}

int edit_order_clone(song_t *s, int pos)
{
	if (pos < 0 || pos >= s->norders)
		return EDIT_ERANGE;
	const pattern_t *src = get_pat(s, s->order[pos].pattern);
	if (!src)
		return EDIT_ERANGE;
	if (s->norders >= SONG_MAX_ORDERS)
		return EDIT_EFULL;
	int idx = edit_pattern_unused(s);
	if (idx < 0)
		return idx;
	pattern_t *d = song_pattern_new(s, idx, src->rows);
	if (!d)
		return EDIT_ENOMEM;
	memcpy(d->cells, src->cells, (size_t)src->rows * (size_t)s->channels * sizeof(cell_t));
	order_t o = s->order[pos];
	edit_order_insert(s, pos + 1, idx);   /* cannot fail: room and pattern checked */
	s->order[pos + 1] = o;
	s->order[pos + 1].pattern = idx;
	return idx;
}

int edit_order_move(song_t *s, int pos, int dir)
{
	int to = pos + dir;
	if ((dir != -1 && dir != 1) || pos < 0 || pos >= s->norders || to < 0 || to >= s->norders)
		return EDIT_ERANGE;
	order_t t = s->order[pos];
	s->order[pos] = s->order[to];
	s->order[to] = t;
	if (s->restart == pos)
		s->restart = to;
	else if (s->restart == to)
		s->restart = pos;
	return EDIT_OK;
}

int edit_order_set(song_t *s, int pos, int pattern)
{
	if (pos < 0 || pos >= s->norders || pattern < 0 || pattern >= SONG_MAX_PATTERNS)
		return EDIT_ERANGE;
	if (!s->pattern[pattern]) {
		const pattern_t *old = get_pat(s, s->order[pos].pattern);
		if (!song_pattern_new(s, pattern, old ? old->rows : 64))
			return EDIT_ENOMEM;
	}
	s->order[pos].pattern = pattern;
	return EDIT_OK;
}

int edit_order_label(song_t *s, int pos, const char *label)
{
	if (pos < 0 || pos >= s->norders)
		return EDIT_ERANGE;
	/* The file keeps a label on one line, without control characters. */
	char *d = s->order[pos].label;
	size_t n = 0;
	while (*label == ' ')
		label++;
	for (; *label && n + 1 < sizeof(s->order[pos].label); label++)
		d[n++] = (unsigned char)*label < 0x20 ? ' ' : *label;
	while (n > 0 && d[n - 1] == ' ')
		n--;
	d[n] = 0;
	return EDIT_OK;
}

/* ---- channels --------------------------------------------------------- */

int edit_channel_remap(song_t *s, int channels, const int *from)
{
	if (channels < 1 || channels > SONG_MAX_CHANNELS)
		return channels < 1 ? EDIT_ELAST : EDIT_EFULL;
	for (int c = 0; c < channels; c++)
		if (from[c] >= s->channels)
			return EDIT_ERANGE;
	/* Every new grid before any is touched: out of memory changes nothing. */
	cell_t *fresh[SONG_MAX_PATTERNS];
	if (!song_grids_alloc(s, channels, fresh))
		return EDIT_ENOMEM;
	cell_t empty = edit_cell_empty();
	for (int i = 0; i < SONG_MAX_PATTERNS; i++) {
		pattern_t *p = s->pattern[i];
		if (!p)
			continue;
		for (int r = 0; r < p->rows; r++)
			for (int c = 0; c < channels; c++)
				fresh[i][(size_t)r * (size_t)channels + (size_t)c] =
					from[c] >= 0 ? *song_cell(s, p, r, from[c]) : empty;
		free(p->cells);
		p->cells = fresh[i];
	}
	/* The strips follow their columns; a compressor keyed by a channel
	 * stays keyed by that channel wherever it went, and by none that went. */
	channel_t old[SONG_MAX_CHANNELS];
	memcpy(old, s->channel, sizeof(old));
	for (int c = 0; c < channels; c++) {
		if (from[c] >= 0)
			s->channel[c] = old[from[c]];
		else
			song_channel_default(&s->channel[c]);
	}
	for (int c = channels; c < SONG_MAX_CHANNELS; c++)
		song_channel_default(&s->channel[c]);
	for (int c = 0; c < channels; c++) {
		for (int k = 0; k < s->channel[c].nfx; k++) {
			fx_unit_t *u = &s->channel[c].fx[k];
			uint64_t mask = 0;
			for (int d = 0; d < channels; d++)
				if (from[d] >= 0 && (u->sidechain >> from[d] & 1))
					mask |= UINT64_C(1) << d;
			u->sidechain = mask;
		}
	}
	s->channels = channels;
	return EDIT_OK;
}

int edit_channel_insert(song_t *s, int at)
{
	if (at < 0 || at > s->channels)
		return EDIT_ERANGE;
	if (s->channels >= SONG_MAX_CHANNELS)
		return EDIT_EFULL;
	int from[SONG_MAX_CHANNELS];
	for (int c = 0; c <= s->channels; c++)
		from[c] = c < at ? c : c == at ? -1 : c - 1;
	return edit_channel_remap(s, s->channels + 1, from);
}

int edit_channel_delete(song_t *s, int ch)
{
	if (ch < 0 || ch >= s->channels)
		return EDIT_ERANGE;
	if (s->channels <= 1)
		return EDIT_ELAST;
	int from[SONG_MAX_CHANNELS];
	for (int c = 0; c < s->channels - 1; c++)
		from[c] = c < ch ? c : c + 1;
	return edit_channel_remap(s, s->channels - 1, from);
}

int edit_channel_move(song_t *s, int ch, int dir)
{
	int to = ch + dir;
	if ((dir != -1 && dir != 1) || ch < 0 || ch >= s->channels || to < 0 || to >= s->channels)
		return EDIT_ERANGE;
	int from[SONG_MAX_CHANNELS];
	for (int c = 0; c < s->channels; c++)
		from[c] = c == ch ? to : c == to ? ch : c;
	return edit_channel_remap(s, s->channels, from);
}

int edit_channel_name(song_t *s, int ch, const char *name)
{
	if (ch < 0 || ch >= s->channels)
		return EDIT_ERANGE;
	/* One line in the song file, like a section label. */
	char *d = s->channel[ch].name;
	size_t n = 0;
	while (*name == ' ')
		name++;
	for (; *name && n + 1 < sizeof(s->channel[ch].name); name++)
		d[n++] = (unsigned char)*name < 0x20 ? ' ' : *name;
	while (n > 0 && d[n - 1] == ' ')
		n--;
	d[n] = 0;
	return EDIT_OK;
}
