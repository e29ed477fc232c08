/*
 * ui_pattern: the pattern editor page, the grid of a tracker.
 *
 * Rows run down, channels across; a channel shows note, instrument,
 * volume and effect ("C-4 01 40 A0F").  The cursor row stays in the
 * middle of the view and the pattern scrolls under it (FastTracker 2),
 * so a following playhead moves the text, not the bar: curses turns
 * that into one scroll, the new line and the playhead's row numbers
 * (the playing row's attributes are on its number only, for that).
 * As many channels as fit are shown, scrolling sideways with the
 * cursor.
 *
 * Entering: piano keys write a note (edit mode) and always sound it;
 * in the hex columns the keys are digits.  While the song plays in edit
 * mode a note lands on the row that is playing.
 */
#include <curses.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "fxcmd.h"
#include "note.h"
#include "ui_app.h"
#include "ui_beat.h"

#define GUTTER 3      /* "1F>" */
#define CH_W   14     /* separator + "C-4 01 40 A0F" */

/* x offset inside a channel of each sub-column, and its width. */
static const int col_x[COL_COUNT] = { 1, 5, 6, 8, 9, 11, 12, 13 };
static const int col_w[COL_COUNT] = { 3, 1, 1, 1, 1, 1, 1, 1 };

static int visible_channels(const ui_app_t *app)
{
	int n = (app->cols - GUTTER) / CH_W;
	if (n > app->song.channels)
		n = app->song.channels;
	return n < 1 ? 1 : n;
}

static void scroll_to_cursor(ui_app_t *app)
{
	int n = visible_channels(app);
	if (app->ch < app->first_ch)
		app->first_ch = app->ch;
	if (app->ch >= app->first_ch + n)
		app->first_ch = app->ch - n + 1;
	if (app->first_ch > app->song.channels - n)
		app->first_ch = app->song.channels - n;
	if (app->first_ch < 0)
		app->first_ch = 0;
}

static bool in_sel(const ui_app_t *app, int row, int ch)
{
	if (!app->sel)
		return false;
	int r0 = app->sel_row < app->row ? app->sel_row : app->row;
	int r1 = app->sel_row < app->row ? app->row : app->sel_row;
	int c0 = app->sel_ch < app->ch ? app->sel_ch : app->ch;
	int c1 = app->sel_ch < app->ch ? app->ch : app->sel_ch;
	return row >= r0 && row <= r1 && ch >= c0 && ch <= c1;
}

static void cell_text(const cell_t *c, char *b)
{
	char n[4];
	note_name(c->note, n);
	memcpy(b, n, 3);
	b[3] = ' ';
	if (c->inst)
		snprintf(b + 4, 3, "%02X", c->inst);
	else
		memcpy(b + 4, "..", 2);
	b[6] = ' ';
	if (vol_cmd(c->vol) >= 0)
		snprintf(b + 7, 3, "%c%X", VOL_CMD_LETTERS[vol_cmd(c->vol)], c->vol & 15);
	else if (c->vol != VOL_NONE)
		snprintf(b + 7, 3, "%02X", c->vol);
	else
		memcpy(b + 7, "..", 2);
	b[9] = ' ';
	if (c->fx || c->param) {
		b[10] = c->fx ? (char)c->fx : '.';
		snprintf(b + 11, 3, "%02X", c->param);
	} else {
		memcpy(b + 10, "...", 3);
	}
	b[13] = 0;
}

static void draw_header(ui_app_t *app, int y, int first, int n)
{
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(y, 0, "Row");
	for (int k = 0; k < n; k++) {
		int ch = first + k, x = GUTTER + k * CH_W;
		const channel_t *c = &app->song.channel[ch];
		char b[32];
		snprintf(b, sizeof(b), "%-2d %-8.8s", ch + 1, c->name);
		/* The cursor's channel is marked here too: while following
		 * playback outside edit mode the grid does not mark its cell. */
		attrset(ch == app->ch ? app_color(app, PAIR_CURSOR) :
		        app_color(app, PAIR_HEADER) | AT_BOLD);
		mvaddstr(y, x + 1, b);
		if (c->mute || c->solo) {
			attrset(app_color(app, PAIR_MUTED) | AT_BOLD);
			mvaddstr(y, x + 12, c->solo ? "S" : "M");
			if (c->mute && c->solo)
				mvaddstr(y, x + 13, "M");
		}
	}
	attrset(AT_NORMAL);
	if (first > 0)
		mvaddstr(y, GUTTER - 1, "<");
	if (first + n < app->song.channels)
		mvaddstr(y, GUTTER + n * CH_W, ">");
}

static void draw_grid(ui_app_t *app, int top, int height)
{
	scroll_to_cursor(app);
	int n = visible_channels(app), first = app->first_ch;
	draw_header(app, top, first, n);
	const pattern_t *p = app_pat(app);
	if (!p)
		return;
	int gh = height - 1, center = gh / 2;
	int lpb = app->song.lpb > 0 ? app->song.lpb : 4, bar = lpb * 4;
	bool show_play = app_is_playing(app) && app->snap.pattern == app_pattern(app);
	for (int i = 0; i < gh; i++) {
		int y = top + 1 + i, r = app->row - center + i;
		if (r < 0 || r >= p->rows)
			continue;
		bool cur = r == app->row, play = show_play && r == app->snap.row;
		/* The playhead marks only the row number: a whole line in its
		 * colour would have to be sent again as it scrolls off the
		 * middle, twice a row.  So the cursor bar too gives way to it
		 * while following, leaving the cursor's cell marked. */
		int base = AT_NORMAL;
		if (cur && !play)
			base = app_color(app, PAIR_CURSOR);
		else if (r % bar == 0)
			base = app_color(app, PAIR_BAR);
		else if (r % lpb == 0)
			base = app_color(app, PAIR_BEAT);
		char num[16];
		snprintf(num, sizeof(num), "%02X%c", r, play ? '>' : ' ');
		int numattr = base;
		if (play)
			numattr = app_color(app, PAIR_PLAYHEAD);
		else if (!app->color && r % lpb == 0)
			numattr |= r % bar == 0 ? AT_BOLD | AT_UNDERLINE : AT_BOLD;
		else if (app->color && base == AT_NORMAL)
			numattr = app_color(app, PAIR_ROWNUM);
		attrset(numattr);
		mvaddstr(y, 0, num);
		for (int k = 0; k < n; k++) {
			int ch = first + k, x = GUTTER + k * CH_W;
			char b[16];
			cell_text(song_cell(&app->song, p, r, ch), b);
			app_vbar(app, y, x, base);
			bool sel = in_sel(app, r, ch);
			int attr = base;
			if (sel)
				attr = app_color(app, PAIR_SEL) | (app->color ? 0 : base & AT_BOLD);
			attrset(attr);
			mvaddstr(y, x + 1, b);
			if (ui_beat_out_of_scale(app, song_cell(&app->song, p, r, ch)->note)) {
				attrset(app_color(app, PAIR_ERROR) | AT_UNDERLINE);
				mvaddnstr(y, x + 1, b, 3);
			}
			/* Following, the cell would move with every row: it shows
			 * where a typed note lands only in edit mode. */
			if (cur && ch == app->ch && (app->edit || !play)) {
				attrset(AT_REVERSE | (app->edit ? AT_BOLD : 0));
				mvaddnstr(y, x + col_x[app->col], b + col_x[app->col] - 1, col_w[app->col]);
			}
		}
		attrset(AT_NORMAL);
	}
}

/* ------------------------------------------------------------------ */
/* editing                                                              */

static edit_rect_t block(const ui_app_t *app)
{
	if (app->sel)
		return (edit_rect_t){ app->sel_row, app->sel_ch, app->row, app->ch };
	return (edit_rect_t){ app->row, app->ch, app->row, app->ch };
}

static int rows_of(const ui_app_t *app)
{
	const pattern_t *p = app_pat(app);
	return p ? p->rows : 1;
}

static void move_row(ui_app_t *app, int d, bool wrap)
{
	int rows = rows_of(app), r = app->row + d;
	if (wrap)
		r = ((r % rows) + rows) % rows;
	else
		r = r < 0 ? 0 : r >= rows ? rows - 1 : r;
	app->row = r;
}

static void advance(ui_app_t *app)
{
	if (app->step > 0)
		move_row(app, app->step, true);
}

/* Where a typed note goes: the playing row while recording over
 * playback, else the cursor. */
static void target(const ui_app_t *app, int *pat, int *row)
{
	if (app_is_playing(app) && app->snap.pattern >= 0 && app->song.pattern[app->snap.pattern] &&
	    app->snap.row < app->song.pattern[app->snap.pattern]->rows) {
		*pat = app->snap.pattern;
		*row = app->snap.row;
	} else {
		*pat = app_pattern(app);
		*row = app->row;
	}
}

static void put_note(ui_app_t *app, int note)
{
	note = ui_beat_note(app, note);   /* scale lock */
	app_jam(app, note);
	if (!app->edit || app->col != COL_NOTE)
		return;
	int pat, row;
	target(app, &pat, &row);
	const pattern_t *p = pat >= 0 ? app->song.pattern[pat] : NULL;
	if (!p)
		return;
	app_edit_begin(app, "note", pat, false);
	cell_t *c = song_cell(&app->song, p, row, app->ch);
	c->note = (uint8_t)note;
	if (note >= NOTE_MIN && note <= NOTE_MAX && app->inst > 0)
		c->inst = (uint8_t)app->inst;
	app_edit_end(app, EDIT_OK);
	if (!app_is_playing(app))
		advance(app);
}

static int hex_digit(int key)
{
	if (key >= '0' && key <= '9')
		return key - '0';
	if (key >= 'a' && key <= 'f')
		return key - 'a' + 10;
	if (key >= 'A' && key <= 'F')
		return key - 'A' + 10;
	return -1;
}

static bool hex_key(ui_app_t *app, int key)
{
	if (app->col == COL_NOTE || !app->edit)
		return false;
	int pat = app_pattern(app);
	const pattern_t *p = app_pat(app);
	if (!p)
		return false;
	cell_t *c = song_cell(&app->song, p, app->row, app->ch);
	cell_t v = *c;
	int d = hex_digit(key);
	switch (app->col) {
	case COL_FX: {
		int letter = key < 256 ? toupper(key) : 0;
		if (!letter || fxcmd_from_letter(letter) == FX_NONE)
			return false;
		v.fx = (uint8_t)letter;
		break;
	}
	case COL_INST_HI: case COL_INST_LO: case COL_VOL_HI: case COL_VOL_LO:
	case COL_PARAM_HI: case COL_PARAM_LO: {
		if (d < 0)
			return false;
		bool hi = app->col == COL_INST_HI || app->col == COL_VOL_HI || app->col == COL_PARAM_HI;
		uint8_t *f = app->col <= COL_INST_LO ? &v.inst : app->col <= COL_VOL_LO ? &v.vol : &v.param;
		int old = f == &v.vol && *f > VOL_MAX ? 0 : *f;   /* empty, or a command typed over */
		int val = hi ? (d << 4) | (old & 0x0F) : (old & 0xF0) | d;
		if (f == &v.vol && val > VOL_MAX)
			val = VOL_MAX;
		*f = (uint8_t)val;
		break;
	}
	default:
		return false;
	}
	app_edit_begin(app, "hex entry", pat, false);
	*c = v;
	app_edit_end(app, EDIT_OK);
	/* Across the digits, then down by the step and back to the first. */
	switch (app->col) {
	case COL_INST_HI: case COL_VOL_HI: case COL_FX: case COL_PARAM_HI:
		app->col++;
		break;
	case COL_INST_LO: case COL_VOL_LO:
		app->col--;
		advance(app);
		break;
	case COL_PARAM_LO:
		app->col = COL_FX;
		advance(app);
		break;
	}
	return true;
}

static int col_fields(int col)
{
	return col == COL_NOTE ? EDIT_NOTE | EDIT_INST : col <= COL_INST_LO ? EDIT_INST :
	       col <= COL_VOL_LO ? EDIT_VOL : EDIT_FX;
}

static void block_op(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	int pat = app_pattern(app);
	edit_rect_t r = block(app);
	int rc = EDIT_OK;
	switch (cmd) {
	case CMD_COPY:
		rc = edit_copy(&app->song, pat, r, &app->clip);
		if (rc == EDIT_OK)
			app_msg(app, false, "copied %d x %d", app->clip.chans, app->clip.rows);
		else
			app_msg(app, true, "%s", edit_strerror(rc));
		return;
	case CMD_CUT:
		app_edit_begin(app, "cut", pat, false);
		rc = edit_cut(&app->song, pat, r, &app->clip);
		break;
	case CMD_PASTE: case CMD_MIX_PASTE:
		app_edit_begin(app, cmd == CMD_PASTE ? "paste" : "mix-paste", pat, false);
		rc = edit_paste(&app->song, pat, app->row, app->ch, &app->clip, cmd == CMD_MIX_PASTE);
		break;
	case CMD_TRANSPOSE:
		app_edit_begin(app, "transpose", pat, false);
		rc = edit_transpose(&app->song, pat, r, arg);
		break;
	case CMD_INTERPOLATE: {
		int f = app->col >= COL_VOL_HI && app->col <= COL_VOL_LO ? EDIT_VOL :
		        app->col >= COL_FX ? EDIT_FX : EDIT_VOL | EDIT_FX;
		if (!app->sel) {
			app_msg(app, true, "interpolate: mark a block first (Shift+arrows)");
			return;
		}
		app_edit_begin(app, "interpolate", pat, false);
		rc = edit_interpolate(&app->song, pat, r, f);
		break;
	}
	case CMD_SET_INST:
		app_edit_begin(app, "set instrument", pat, false);
		rc = edit_set_inst(&app->song, pat, r, app->inst);
		break;
	case CMD_CLEAR:
		app_edit_begin(app, "clear", pat, false);
		rc = edit_clear(&app->song, pat, r, app->sel ? EDIT_ALL : col_fields(app->col));
		break;
	default:
		return;
	}
	app_edit_end(app, rc);
}

static void row_op(ui_app_t *app, bool insert, bool all)
{
	int pat = app_pattern(app);
	int c0 = all ? 0 : app->ch, c1 = all ? app->song.channels - 1 : app->ch;
	app_edit_begin(app, insert ? "insert row" : "delete row", pat, false);
	int rc = insert ? edit_insert_row(&app->song, pat, app->row, c0, c1) :
	                  edit_delete_row(&app->song, pat, app->row, c0, c1);
	app_edit_end(app, rc);
}

static void select_move(ui_app_t *app, int drow, int dch, bool held)
{
	/* A Shift+move after other keys starts a new block at the cursor. */
	if (!app->sel || !held) {
		app->sel = true;
		app->sel_row = app->row;
		app->sel_ch = app->ch;
	}
	app->sel_held = true;
	move_row(app, drow, false);
	app->ch += dch;
	if (app->ch < 0)
		app->ch = 0;
	if (app->ch >= app->song.channels)
		app->ch = app->song.channels - 1;
}

static void goto_done(ui_app_t *app, const char *text)
{
	if (!text || !*text)
		return;
	char *end;
	long v;
	int rows = rows_of(app);
	if (text[0] == 'b' || text[0] == 'B')
		v = (strtol(text + 1, &end, 10) - 1) * app->song.lpb;   /* beats count from 1 */
	else
		v = strtol(text, &end, 16);
	if (*end || v < 0 || v >= rows) {
		app_msg(app, true, "no row '%s' in this pattern (00..%02X, or b1..b%d)", text, rows - 1,
		        (rows + app->song.lpb - 1) / app->song.lpb);
		return;
	}
	app->row = (int)v;
}

static void change_order(ui_app_t *app, int d)
{
	int o = app->order + d;
	if (o < 0 || o >= app->song.norders)
		return;
	app->order = o;
	app->sel = false;
	if (app->row >= rows_of(app))
		app->row = rows_of(app) - 1;
}

static bool pattern_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	int lpb = app->song.lpb > 0 ? app->song.lpb : 4;
	if (cmd != CMD_SEL_ALL)
		app->sel_all = 0;
	bool held = app->sel_held;
	app->sel_held = false;
	switch (cmd) {
	case CMD_UP: move_row(app, -1, true); break;
	case CMD_DOWN: move_row(app, 1, true); break;
	case CMD_LEFT:
		if (app->col > 0)
			app->col--;
		else if (app->ch > 0) {
			app->ch--;
			app->col = COL_COUNT - 1;
		}
		break;
	case CMD_RIGHT:
		if (app->col < COL_COUNT - 1)
			app->col++;
		else if (app->ch < app->song.channels - 1) {
			app->ch++;
			app->col = 0;
		}
		break;
	case CMD_PAGE_UP: move_row(app, -lpb * 4, false); break;
	case CMD_PAGE_DOWN: move_row(app, lpb * 4, false); break;
	case CMD_TOP: app->row = 0; break;
	case CMD_BOTTOM: app->row = rows_of(app) - 1; break;
	case CMD_BEAT_UP: app->row = app->row % lpb ? app->row - app->row % lpb : app->row - lpb;
		move_row(app, 0, false);
		break;
	case CMD_BEAT_DOWN: move_row(app, lpb - app->row % lpb, false); break;
	case CMD_NEXT_CH:
		app->ch = (app->ch + 1) % app->song.channels;
		app->col = COL_NOTE;
		break;
	case CMD_PREV_CH:
		app->ch = (app->ch + app->song.channels - 1) % app->song.channels;
		app->col = COL_NOTE;
		break;
	case CMD_GOTO_ROW: app_prompt(app, "go to row (hex) or beat (b1, b2...): ", "", goto_done); break;
	case CMD_PREV_ORDER: change_order(app, -1); break;
	case CMD_NEXT_ORDER: change_order(app, 1); break;
	case CMD_NOTE: {
		int note = NOTE_MIN + app->octave * 12 + arg;
		if (note <= NOTE_MAX)
			put_note(app, note);
		else
			app_msg(app, true, "no note above B-9: lower the octave (/)");
		break;
	}
	case CMD_NOTE_OFF: put_note(app, NOTE_OFF); break;
	case CMD_NOTE_CUT: put_note(app, NOTE_CUT); break;
	case CMD_OCTAVE_DOWN: if (app->octave > 0) app->octave--; break;
	case CMD_OCTAVE_UP: if (app->octave < 8) app->octave++; break;
	case CMD_STEP_DOWN: if (app->step > 0) app->step--; break;
	case CMD_STEP_UP: if (app->step < 16) app->step++; break;
	case CMD_INST_PREV: if (app->inst > 1) app->inst--; break;
	case CMD_INST_NEXT: if (app->inst < SONG_MAX_INSTRUMENTS) app->inst++; break;
	case CMD_EDIT_MODE:
		app->edit = !app->edit;
		break;
	case CMD_STOP_EDIT:
		/* FastTracker 2's Space: a playing song stops, a stopped one
		 * switches edit mode. */
		if (app_is_playing(app))
			app_stop(app);
		else
			app->edit = !app->edit;
		break;
	case CMD_OCTAVE_SET: if (arg >= 0 && arg <= 8) app->octave = arg; break;
	case CMD_JUMP:
		if (arg >= 0 && arg < 4) {
			app->row = rows_of(app) * arg / 4;
			move_row(app, 0, false);
		}
		break;
	case CMD_CLEAR:
		block_op(app, CMD_CLEAR, 0);
		break;
	case CMD_CLEAR_STAY: {
		bool s = app->sel;
		app->sel = false;
		block_op(app, CMD_CLEAR, 0);
		app->sel = s;
		advance(app);
		break;
	}
	case CMD_INSERT_ROW: row_op(app, true, false); break;
	case CMD_DELETE_ROW: row_op(app, false, false); break;
	case CMD_INSERT_ROW_ALL: row_op(app, true, true); break;
	case CMD_DELETE_ROW_ALL: row_op(app, false, true); break;
	case CMD_SEL_UP: select_move(app, -1, 0, held); break;
	case CMD_SEL_DOWN: select_move(app, 1, 0, held); break;
	case CMD_SEL_LEFT: select_move(app, 0, -1, held); break;
	case CMD_SEL_RIGHT: select_move(app, 0, 1, held); break;
	case CMD_SEL_PAGE_UP: select_move(app, -lpb * 4, 0, held); break;
	case CMD_SEL_PAGE_DOWN: select_move(app, lpb * 4, 0, held); break;
	case CMD_SEL_ALL:
		app->sel = true;
		app->sel_row = 0;
		app->sel_ch = app->sel_all % 2 ? 0 : app->ch;
		if (app->sel_all % 2) {
			app->sel_ch = 0;
			app->ch = app->song.channels - 1;
		}
		app->row = rows_of(app) - 1;
		app->sel_all++;
		break;
	case CMD_SEL_NONE: app->sel = false; break;
	case CMD_COPY: case CMD_CUT: case CMD_PASTE: case CMD_MIX_PASTE: case CMD_TRANSPOSE:
	case CMD_INTERPOLATE: case CMD_SET_INST:
		block_op(app, cmd, arg);
		break;
	case CMD_MUTE: app_set_mute(app, app->ch, !app->song.channel[app->ch].mute, false); break;
	case CMD_SOLO: app_set_mute(app, app->ch, !app->song.channel[app->ch].solo, true); break;
	default:
		if (app_channel_cmd(app, cmd, arg))
			break;
		return ui_beat_cmd(app, cmd, arg);
	}
	return true;
}

static bool pattern_key(ui_app_t *app, int key)
{
	if (key == 27 && app->sel) {   /* Esc unmarks, as everywhere */
		app->sel = false;
		return true;
	}
	return hex_key(app, key);
}

const ui_page_ops_t ui_page_pattern = {
	.name = "Pattern",
	.ctx = CTX_PATTERN,
	.draw = draw_grid,
	.cmd = pattern_cmd,
	.key = pattern_key,
};
