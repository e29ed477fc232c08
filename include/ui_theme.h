/*
 * ui_theme: a theme (theme.h) handed to curses.
 *
 * One colour pair per role, pair n + 1 for role n; the normal role is
 * also the screen's background, so a light theme paints the whole
 * terminal.  The terminal's palette is never redefined (init_color
 * would outlive beatty on many terminals): themes pick from the colours
 * the terminal has, 256-colour numbers falling back to the eight basic
 * ones.  UI thread only, after the terminal is set up.
 */
#ifndef BEATTY_UI_THEME_H
#define BEATTY_UI_THEME_H

#include "theme.h"
#include "ui_app.h"

/* Applies t, or mono when the terminal has no colour (app->color false
 * on entry) or t has none; fills app->pair_attr and sets app->color to
 * whether colour is in use. */
void ui_theme_apply(ui_app_t *app, const theme_t *t, const theme_t *mono);

#endif
