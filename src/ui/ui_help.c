/*
 * ui_help: the help page, generated line by line from the key table
 * (ui_keys.c), the same table the editor dispatches from.  On top, the
 * latest errors and long messages whole (ui_app.h's log): the status
 * line has room for two lines of one.
 */
#include <curses.h>
#include <string.h>
#include "ui_app.h"

static const char *const ctx_titles[CTX_COUNT] = {
	[CTX_GLOBAL] = "Everywhere", [CTX_PATTERN] = "Pattern editor",
	[CTX_ORDER] = "Order list", [CTX_SONG] = "Song settings", [CTX_HELP] = "This page",
	[CTX_INST] = "Instruments", [CTX_BROWSE] = "Sample browser", [CTX_MIXER] = "Mixer",
	[CTX_MASTER] = "Master",
};

static const char intro[] =
	"Keys (from the key table; in the hex columns of the pattern editor 0-9 A-F type "
	"digits, and 0-9 A-Z the effect letter). Alt+key is also Esc, then the key: "
	"on a terminal without F-keys, Esc 5 plays and Esc 1 shows this page.";

/* Where a row's help text starts: after "  KEYS(16)  COMMAND(18) ". */
#define HELP_TEXT_COL 39

/* Line `line` of text wrapped at width into buf; false past its end. */
static bool wrapped(const char *text, int width, int line, char *buf, size_t n)
{
	if (width < 20)
		width = 20;
	const char *p = text;
	for (int l = 0; *p; l++) {
		int len = (int)strlen(p);
		int take = len;
		if (len > width) {
			take = width;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = width;
		}
		if (l == line) {
			snprintf(buf, n, "%.*s", take, p);
			return true;
		}
		p += take;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* Whether binding k is the first of its command (and argument) in its
 * context: the help lists each command once, with all its keys. */
static bool first_of_kind(const ui_binding_t *t, int k)
{
	for (int j = 0; j < k; j++)
		if (t[j].ctx == t[k].ctx && t[j].cmd == t[k].cmd && t[j].arg == t[k].arg)
			return false;
	return true;
}

/* The labels of every key of binding k's command in its context. */
static void keys_of(const ui_binding_t *t, int nkeys, int k, char *buf, size_t n)
{
	buf[0] = 0;
	size_t len = 0;
	for (int j = k; j < nkeys; j++) {
		if (t[j].ctx != t[k].ctx || t[j].cmd != t[k].cmd || t[j].arg != t[k].arg)
			continue;
		char label[32], item[36];
		ui_key_label(t[j].key, label, sizeof(label));
		snprintf(item, sizeof(item), ", %s,", label);
		char have[260];
		snprintf(have, sizeof(have), ", %s,", buf);
		if (strstr(have, item))
			continue;   /* ^J, ^M and KEY_ENTER are all Enter */
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? ", " : "", label);
	}
}

/* Line i of the messages on top (the log whole, newest first, then a
 * blank line) into buf; false past them, with *used their lines. */
static bool msg_line(const ui_app_t *app, int i, int cols, char *buf, size_t n, bool *title,
                     int *used)
{
	int shown = app->log_n < UI_LOG_MAX ? app->log_n : UI_LOG_MAX;
	int line = 0;
	*used = 0;
	if (!shown)
		return false;
	if (line++ == i) {
		snprintf(buf, n, "Messages (the newest first)");
		*title = true;
		return true;
	}
	for (int k = 0; k < shown; k++) {
		const char *m = app->log[(app->log_n - 1 - k) % UI_LOG_MAX];
		char part[400];
		for (int w = 0; wrapped(m, cols - 3, w, part, sizeof(part)); w++) {
			if (line++ == i) {
				snprintf(buf, n, "  %s", part);
				return true;
			}
		}
	}
	if (line++ == i) {
		buf[0] = 0;
		return true;
	}
	*used = line;
	return false;
}

/* Line i of the help text into buf; false past the end. */
static bool help_line(const ui_app_t *app, int i, int cols, char *buf, size_t n, bool *title)
{
	int nkeys;
	const ui_binding_t *t = ui_keys_table(&nkeys);
	*title = false;
	int used;
	if (msg_line(app, i, cols, buf, n, title, &used))
		return true;
	i -= used;
	if (wrapped(intro, cols - 1, i, buf, n))
		return true;
	int line = 0;
	while (wrapped(intro, cols - 1, line, buf, n))
		line++;
	for (int c = 0; c < CTX_COUNT; c++) {
		if (line++ == i) {
			buf[0] = 0;
			return true;
		}
		if (line++ == i) {
			snprintf(buf, n, "%s", ctx_titles[c]);
			*title = true;
			return true;
		}
		for (int k = 0; k < nkeys; k++) {
			if (t[k].ctx != (ui_ctx_t)c || !first_of_kind(t, k))
				continue;
			/* The text wraps under itself: cut at the screen's edge, the
			 * end of a line is what a user at 80 columns never sees. */
			char keys[160], head[200], part[200];
			keys_of(t, nkeys, k, keys, sizeof(keys));
			int hl = snprintf(head, sizeof(head), "  %-16s  %-18s ", keys, ui_cmd_names[t[k].cmd]);
			int width = cols - 1 - (hl > HELP_TEXT_COL ? hl : HELP_TEXT_COL);
			for (int w = 0; wrapped(t[k].help, width, w, part, sizeof(part)); w++) {
				if (line++ != i)
					continue;
				if (w == 0)
					snprintf(buf, n, "%s%s", head, part);
				else
					snprintf(buf, n, "%*s%s", HELP_TEXT_COL, "", part);
				return true;
			}
		}
	}
	return false;
}

static int help_lines(const ui_app_t *app, int cols)
{
	char b[512];
	bool t;
	int n = 0;
	while (help_line(app, n, cols, b, sizeof(b), &t))
		n++;
	return n;
}

static void draw_help(ui_app_t *app, int top, int height)
{
	/* The last row is the position's, so it never covers a line of text. */
	height--;
	int total = help_lines(app, app->cols);
	if (app->help_top > total - height)
		app->help_top = total - height;
	if (app->help_top < 0)
		app->help_top = 0;
	for (int i = 0; i < height; i++) {
		char b[512];
		bool title;
		if (!help_line(app, app->help_top + i, app->cols, b, sizeof(b), &title))
			break;
		attrset(title ? app_color(app, PAIR_HEADER) | AT_BOLD : AT_NORMAL);
		mvaddnstr(top + i, 0, b, app->cols);
	}
	attrset(AT_NORMAL);
	char pos[64];
	snprintf(pos, sizeof(pos), " lines %d-%d of %d ", app->help_top + 1,
	         app->help_top + height < total ? app->help_top + height : total, total);
	mvaddstr(top + height, app->cols - (int)strlen(pos), pos);
}

static bool help_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	int page = app->rows - 5;
	switch (cmd) {
	case CMD_UP: app->help_top--; break;
	case CMD_DOWN: app->help_top++; break;
	case CMD_PAGE_UP: app->help_top -= page; break;
	case CMD_PAGE_DOWN: app->help_top += page; break;
	case CMD_TOP: app->help_top = 0; break;
	case CMD_BOTTOM: app->help_top = 1 << 20; break;
	case CMD_BACK: app->page = app->help_from; break;
	default:
		return false;
	}
	if (app->help_top < 0)
		app->help_top = 0;
	return true;
}

const ui_page_ops_t ui_page_help = {
	.name = "Help",
	.ctx = CTX_HELP,
	.draw = draw_help,
	.cmd = help_cmd,
	.key = NULL,
};
