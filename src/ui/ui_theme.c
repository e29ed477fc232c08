/*
 * ui_theme: init_pair() for every theme role (see ui_theme.h).
 */
#include <curses.h>
#include "ui_theme.h"

static int curses_attrs(int a)
{
	int r = AT_NORMAL;
	if (a & THEME_A_BOLD)
		r |= AT_BOLD;
	if (a & THEME_A_DIM)
		r |= (int)A_DIM;
	if (a & THEME_A_REVERSE)
		r |= AT_REVERSE;
	if (a & THEME_A_UNDERLINE)
		r |= AT_UNDERLINE;
	if (a & THEME_A_STANDOUT)
		r |= (int)A_STANDOUT;
	return r;
}

static void apply_mono(ui_app_t *app, const theme_t *t)
{
	theme_out_t out[THEME_ROLE_COUNT];
	theme_resolve(t, 0, out);
	app->color = false;
	app->pair_attr[0] = AT_NORMAL;
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		app->pair_attr[i + 1] = curses_attrs(out[i].attrs);
	bkgdset(' ' | (chtype)app->pair_attr[PAIR_NORMAL]);
}

void ui_theme_apply(ui_app_t *app, const theme_t *t, const theme_t *mono)
{
	if (!app->color || !theme_has_color(t)) {
		apply_mono(app, theme_has_color(t) ? mono : t);
		return;
	}
	start_color();
	if (COLOR_PAIRS <= THEME_ROLE_COUNT || COLORS < 8) {
		apply_mono(app, mono);
		return;
	}
	bool dflt = use_default_colors() == OK;
	theme_out_t out[THEME_ROLE_COUNT];
	theme_resolve(t, COLORS, out);
	app->pair_attr[0] = AT_NORMAL;
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		int fg = out[i].fg, bg = out[i].bg;
		if (!dflt) {
			/* No "terminal default": the classic white on black. */
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(i + 1), (short)fg, (short)bg);
		app->pair_attr[i + 1] = (int)COLOR_PAIR(i + 1) | curses_attrs(out[i].attrs);
	}
	bkgdset(' ' | (chtype)app->pair_attr[PAIR_NORMAL]);
	app->color = true;
}
