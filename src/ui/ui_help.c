/*
 * ui_help: the help page, generated line by line from the key table
 * (ui_keys.c), the same table the editor dispatches from.
 */
#include <curses.h>
#include <string.h>
#include "ui_app.h"

static const char *const ctx_titles[CTX_COUNT] = {
	[CTX_GLOBAL] = "Everywhere", [CTX_PATTERN] = "Pattern editor",
	[CTX_ORDER] = "Order list", [CTX_SONG] = "Song settings", [CTX_HELP] = "This page",
};

/* Line i of the help text into buf; false past the end. */
static bool help_line(int i, char *buf, size_t n, bool *title)
{
	int nkeys;
	const ui_binding_t *t = ui_keys_table(&nkeys);
	*title = false;
	if (i == 0) {
		snprintf(buf, n, "Keys (from the key table; in the hex columns of the pattern editor "
		                 "0-9 A-F type digits, and 0-9 A-Z the effect letter)");
		return true;
	}
	int line = 1;
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
			if (t[k].ctx != (ui_ctx_t)c)
				continue;
			if (line++ == i) {
				char label[32];
				ui_key_label(t[k].key, label, sizeof(label));
				snprintf(buf, n, "  %-14s %-18s %s", label, ui_cmd_names[t[k].cmd], t[k].help);
				return true;
			}
		}
	}
	return false;
}

static int help_lines(void)
{
	char b[256];
	bool t;
	int n = 0;
	while (help_line(n, b, sizeof(b), &t))
		n++;
	return n;
}

static void draw_help(ui_app_t *app, int top, int height)
{
	int total = help_lines();
	if (app->help_top > total - height)
		app->help_top = total - height;
	if (app->help_top < 0)
		app->help_top = 0;
	for (int i = 0; i < height; i++) {
		char b[256];
		bool title;
		if (!help_line(app->help_top + i, b, sizeof(b), &title))
			break;
		attrset(title ? app_color(app, PAIR_HEADER) | AT_BOLD : AT_NORMAL);
		mvaddnstr(top + i, 0, b, app->cols);
	}
	attrset(AT_NORMAL);
	char pos[64];
	snprintf(pos, sizeof(pos), " lines %d-%d of %d ", app->help_top + 1,
	         app->help_top + height < total ? app->help_top + height : total, total);
	mvaddstr(top + height - 1, app->cols - (int)strlen(pos), pos);
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
