/*
 * ui_order: the order list page.  One line per position: position,
 * pattern, its length and the section label; the restart position and
 * the one playing are marked.  Every change is an undoable edit of the
 * song's arrangement (and of the pattern it creates, if any).
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "ui_app.h"

static void draw_order(ui_app_t *app, int top, int height)
{
	song_t *s = &app->song;
	if (app->order_cur >= s->norders)
		app->order_cur = s->norders - 1;
	int h = height - 2;
	if (app->order_cur < app->order_top)
		app->order_top = app->order_cur;
	if (app->order_cur >= app->order_top + h)
		app->order_top = app->order_cur - h + 1;
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(top, 0, " Pos  Pat  Rows  Section");
	attrset(AT_NORMAL);
	bool playing = app_is_playing(app);
	for (int i = 0; i < h; i++) {
		int o = app->order_top + i, y = top + 1 + i;
		if (o >= s->norders)
			break;
		const pattern_t *p = s->pattern[s->order[o].pattern];
		char b[128];
		snprintf(b, sizeof(b), "%c %02X   %02X   %3d  %s%s", playing && app->snap.order == o ? '>' : ' ',
		         o, s->order[o].pattern, p ? p->rows : 0, s->order[o].label,
		         o == s->restart ? "  (restart)" : "");
		attrset(o == app->order_cur ? app_color(app, PAIR_LIST_CURSOR) : AT_NORMAL);
		mvaddnstr(y, 0, b, app->cols);
		attrset(AT_NORMAL);
	}
	char hint[160];
	snprintf(hint, sizeof(hint),
	         " i ins  x del  d dup  c clone  n new  u/m move  +/- pattern  p set  l label  r rows  s restart  Enter edit");
	attrset(app_color(app, PAIR_HEADER));
	mvaddnstr(top + height - 1, 0, hint, app->cols);
	attrset(AT_NORMAL);
}

static int cur_pattern(const ui_app_t *app)
{
	return app->song.order[app->order_cur].pattern;
}

static void set_done(ui_app_t *app, const char *text)
{
	if (!text || !*text)
		return;
	char *end;
	long v = strtol(text, &end, 16);
	if (*end || v < 0 || v >= SONG_MAX_PATTERNS) {
		app_msg(app, true, "not a pattern number: '%s' (hex 00..FF)", text);
		return;
	}
	app_edit_begin(app, "order: set pattern", (int)v, true);
	app_edit_end(app, edit_order_set(&app->song, app->order_cur, (int)v));
}

static void label_done(ui_app_t *app, const char *text)
{
	if (!text)
		return;
	app_edit_begin(app, "order: label", -1, true);
	app_edit_end(app, edit_order_label(&app->song, app->order_cur, text));
}

static void length_done(ui_app_t *app, const char *text)
{
	if (!text || !*text)
		return;
	char *end;
	long v = strtol(text, &end, 10);
	if (*end || v < 1 || v > SONG_MAX_ROWS) {
		app_msg(app, true, "pattern length: '%s' is not 1..%d rows", text, SONG_MAX_ROWS);
		return;
	}
	int pat = cur_pattern(app);
	app_edit_begin(app, "pattern length", pat, false);
	app_edit_end(app, edit_pattern_length(&app->song, pat, (int)v));
	const pattern_t *p = app_pat(app);
	if (p && app->row >= p->rows)
		app->row = p->rows - 1;
}

static bool order_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	song_t *s = &app->song;
	int pos = app->order_cur, rc;
	switch (cmd) {
	case CMD_UP: if (pos > 0) app->order_cur--; break;
	case CMD_DOWN: if (pos < s->norders - 1) app->order_cur++; break;
	case CMD_TOP: app->order_cur = 0; break;
	case CMD_BOTTOM: app->order_cur = s->norders - 1; break;
	case CMD_PAGE_UP: app->order_cur = pos > 16 ? pos - 16 : 0; break;
	case CMD_PAGE_DOWN: app->order_cur = pos + 16 < s->norders ? pos + 16 : s->norders - 1; break;
	case CMD_ORDER_INSERT:
		app_edit_begin(app, "order: insert", -1, true);
		app_edit_end(app, edit_order_insert(s, pos, cur_pattern(app)));
		break;
	case CMD_ORDER_DELETE:
		app_edit_begin(app, "order: delete", -1, true);
		app_edit_end(app, edit_order_delete(s, pos));
		if (app->order_cur >= s->norders)
			app->order_cur = s->norders - 1;
		break;
	case CMD_ORDER_DUPLICATE:
		app_edit_begin(app, "order: duplicate", -1, true);
		rc = edit_order_duplicate(s, pos);
		app_edit_end(app, rc);
		if (rc == EDIT_OK)
			app->order_cur++;
		break;
	case CMD_ORDER_CLONE: {
		int from = cur_pattern(app);
		app_edit_begin(app, "order: clone pattern", edit_pattern_unused(s), true);
		rc = edit_order_clone(s, pos);
		app_edit_end(app, rc < 0 ? rc : EDIT_OK);
		if (rc >= 0) {
			app->order_cur++;
			app_msg(app, false, "pattern %02X cloned to %02X", from, rc);
		}
		break;
	}
	case CMD_ORDER_NEW: {
		const pattern_t *p = s->pattern[cur_pattern(app)];
		int idx = edit_pattern_unused(s);
		app_edit_begin(app, "order: new pattern", idx, true);
		rc = edit_pattern_new(s, p ? p->rows : 64);
		if (rc >= 0)
			rc = edit_order_insert(s, pos + 1, rc);
		app_edit_end(app, rc);
		if (rc == EDIT_OK)
			app->order_cur++;
		break;
	}
	case CMD_ORDER_MOVE:
		app_edit_begin(app, "order: move", -1, true);
		rc = edit_order_move(s, pos, arg);
		app_edit_end(app, rc == EDIT_ERANGE ? EDIT_OK : rc);
		if (rc == EDIT_OK)
			app->order_cur += arg;
		break;
	case CMD_ORDER_PATTERN: {
		int to = cur_pattern(app) + arg;
		if (to < 0 || to >= SONG_MAX_PATTERNS)
			break;
		app_edit_begin(app, "order: pattern", to, true);
		app_edit_end(app, edit_order_set(s, pos, to));
		break;
	}
	case CMD_ORDER_SET: app_prompt(app, "pattern (hex): ", "", set_done); break;
	case CMD_ORDER_LABEL: app_prompt(app, "section label: ", s->order[pos].label, label_done); break;
	case CMD_ORDER_LENGTH: {
		char def[16];
		const pattern_t *p = s->pattern[cur_pattern(app)];
		snprintf(def, sizeof(def), "%d", p ? p->rows : 64);
		app_prompt(app, "pattern length in rows (1-256): ", def, length_done);
		break;
	}
	case CMD_ORDER_RESTART:
		app_edit_begin(app, "restart position", -1, true);
		s->restart = pos;
		app_edit_end(app, EDIT_OK);
		break;
	case CMD_ORDER_EDIT:
		app->order = pos;
		app->sel = false;
		if (app->row >= app_pat(app)->rows)
			app->row = 0;
		app->page = PAGE_PATTERN;
		break;
	default:
		return false;
	}
	return true;
}

const ui_page_ops_t ui_page_order = {
	.name = "Order list",
	.ctx = CTX_ORDER,
	.draw = draw_order,
	.cmd = order_cmd,
	.key = NULL,
};
