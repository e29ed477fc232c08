/*
 * ui_prefs: the user's files applied to the tracker screen.
 *
 *   $XDG_CONFIG_HOME/beatty/config.ini   settings (settings.h)
 *   keymaps/NAME.ini                     another tracker's habits (keymap.h
 *       format), found like themes; "default" is the built-in table
 *   $XDG_CONFIG_HOME/beatty/keys.ini     key bindings (keymap.h), over
 *       the keymap
 *   themes/NAME.ini                      the look (theme.h), found in
 *       $XDG_CONFIG_HOME/beatty/themes, then the installed data folder,
 *       then the source tree's themes/ when beatty runs from its build
 *       folder; "default" and "mono" are built in as well.
 *
 * (~/.config when XDG_CONFIG_HOME is not set.)  Each step collects its
 * messages; the screen shows them in its status line at start, and
 * `beatty --dump-config` / `--dump-keys` print them on stderr.
 * UI thread only.
 */
#ifndef BEATTY_UI_PREFS_H
#define BEATTY_UI_PREFS_H

#include <stdio.h>
#include "cfgfile.h"
#include "ui_app.h"

/* Before the command line and the terminal: config.ini into app (sound
 * device and options, theme, octave, step, autosave). */
void ui_prefs_config(ui_app_t *app, cfg_msgs_t *msgs);

/* Once the terminal is up: keys.ini into the key table, then the theme
 * (app->theme) into curses. */
void ui_prefs_start(ui_app_t *app, cfg_msgs_t *msgs);

/* Back to the built-in key table; frees the keymap. */
void ui_prefs_end(ui_app_t *app);

/* The status-line text for msgs: the first, and how many more (the
 * screen keeps the others for the help page: app_log()). */
void ui_prefs_message(const cfg_msgs_t *msgs, char *buf, size_t n);

/* The theme folders after the user's, ':'-separated, into buf. */
void ui_prefs_theme_dirs(char *buf, size_t n);

/* The file of keymap name (a shipped or user keymap name, or a path)
 * into path: 0 found, 1 for "default" (the built-in table, no file),
 * -1 none such; why into msgs. */
int ui_prefs_keymap_find(const char *name, char *path, size_t n, cfg_msgs_t *msgs);

/* `beatty keys`: the bindings the screen uses (keys.ini over the keymap
 * keys names, NULL: config.ini's) on out, the files' problems on stderr
 * with file and line.  Returns 0, 1 when out could not be written, 2
 * when keys names no keymap. */
int ui_prefs_print_keys(FILE *out, const char *keys);

/* `beatty --dump-config`, `beatty --dump-keys`: the defaults on stdout
 * as a starting file; problems in the user's file on stderr. */
int ui_dump_config_main(int argc, char **argv);
int ui_dump_keys_main(int argc, char **argv);

#endif
