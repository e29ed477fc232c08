/*
 * theme: the colours and attributes of the tracker screen, read from
 * themes/NAME.ini.
 *
 * A theme gives every role (a kind of thing on screen: the title bar,
 * the cursor row, a meter's clip light) a style written the way a
 * person says it: "black on cyan", "bright-white on red bold",
 * "reverse".  Colours are the eight names, their bright- variants,
 * `default` (the theme's normal colours; in the normal role, the
 * terminal's own), or a 256-colour number with an optional 8-colour
 * fallback ("236/black").  Attributes are bold, dim, reverse,
 * underline, standout, normal.
 *
 * This module only parses and resolves; it knows nothing of curses.
 * theme_resolve() turns a theme into concrete colour numbers for a
 * terminal with a given number of colours, and ui_theme.c hands those
 * to curses.  Roles a file leaves out keep the built-in default
 * theme's style; a bad line gives a message with file and line and
 * keeps that role's default.
 */
#ifndef BEATTY_THEME_H
#define BEATTY_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "cfgfile.h"

/* X(ID, name, default style, mono style, what it colours).  The default
 * column is the built-in dark theme (the screen as it has always
 * looked), the mono column the built-in theme for terminals without
 * colour.  Roles are only ever appended, so colour pair numbers stay. */
#define THEME_ROLE_LIST(X) \
	X(TITLE, "title", "black on cyan", "reverse", "the title bar") \
	X(ROWNUM, "rownum", "yellow", "normal", "row numbers") \
	X(BEAT, "beat", "white on blue", "normal", "rows on a beat") \
	X(BAR, "bar", "yellow on blue", "normal", "rows on a bar") \
	X(NOTE, "note", "white", "normal", "notes in the grid") \
	X(INST, "inst", "cyan", "normal", "instrument numbers in the grid") \
	X(VOL, "vol", "green", "normal", "volumes in the grid") \
	X(FX, "fx", "magenta", "normal", "effect commands in the grid") \
	X(CURSOR, "cursor", "black on white", "bold", "the cursor row, and its channel's name") \
	X(PLAYHEAD, "playhead", "black on yellow", "bold", "the playing row's number") \
	X(SEL, "selection", "white on magenta", "underline", "a marked block") \
	X(HEADER, "header", "cyan", "normal", "headings and key hints") \
	X(ERROR, "error", "red", "bold", "error messages, no sound") \
	X(MUTED, "muted", "red", "normal", "a muted or soloed channel's mark") \
	X(NORMAL, "normal", "default", "normal", "all other text and the background") \
	X(EDIT, "edit", "red bold", "reverse", "the EDIT mark of record mode") \
	X(LIST_CURSOR, "list-cursor", "reverse", "reverse", "the chosen line of a list") \
	X(STATUS, "status", "default", "normal", "messages in the status line") \
	X(PROMPT, "prompt", "bold", "bold", "questions and prompts") \
	X(METER_LOW, "meter-low", "green", "normal", "a meter at low levels") \
	X(METER_MID, "meter-mid", "yellow", "bold", "a meter at middle levels") \
	X(METER_HIGH, "meter-high", "red", "bold", "a meter near full scale") \
	X(METER_CLIP, "meter-clip", "bright-white on red bold", "reverse", "a clip light") \
	X(METER_PEAK, "meter-peak", "bright-white", "bold", "a meter's peak hold") \
	X(WAVEFORM, "waveform", "cyan", "normal", "a sample's waveform") \
	X(MARKER, "marker", "bright-yellow bold", "bold", "loop points and other markers") \
	X(DISABLED, "disabled", "bright-black", "dim", "bypassed or unavailable things")

#define THEME_ROLE_ENUM(id, name, def, mono, what) THEME_##id,
typedef enum { THEME_ROLE_LIST(THEME_ROLE_ENUM) THEME_ROLE_COUNT } theme_role_t;
#undef THEME_ROLE_ENUM

extern const char *const theme_role_names[THEME_ROLE_COUNT];

/* Attributes, as bits. */
enum {
	THEME_A_BOLD = 1, THEME_A_DIM = 2, THEME_A_REVERSE = 4, THEME_A_UNDERLINE = 8,
	THEME_A_STANDOUT = 16
};

/* A colour as written: kind and value; fallback for numbers. */
typedef enum { THEME_C_DEFAULT, THEME_C_BASIC, THEME_C_BRIGHT, THEME_C_NUMBER } theme_ckind_t;
typedef struct theme_color {
	theme_ckind_t kind;
	int value;       /* 0..7 (basic, bright), 0..255 (number) */
	int fallback;    /* number: the 0..7 colour on 8-colour terminals */
} theme_color_t;

typedef struct theme_style {
	theme_color_t fg, bg;
	int attrs;       /* THEME_A_* */
} theme_style_t;

#define THEME_NAME_MAX 64
#define THEME_TEXT_MAX 160

typedef struct theme {
	char name[THEME_NAME_MAX];
	char description[THEME_TEXT_MAX];
	theme_style_t role[THEME_ROLE_COUNT];
} theme_t;

/* A style resolved for one terminal: colour numbers (-1: the terminal's
 * default) and attributes. */
typedef struct theme_out {
	int fg, bg, attrs;
} theme_out_t;

/* The built-in themes: "default" (dark) and "mono". */
void theme_default(theme_t *t);
void theme_mono(theme_t *t);

/* Parses a style ("black on cyan bold").  0, or -1 with a reason in
 * why (e.g. "unknown colour 'purpel'"). */
int theme_parse_style(const char *text, theme_style_t *st, char *why, size_t n);
/* Writes a style back in the same words. */
void theme_format_style(const theme_style_t *st, char *buf, size_t n);

/* Parses theme text over t (start from theme_default()); name is the
 * file name for messages.  Never fails: bad lines are reported in msgs
 * and leave their role as it was. */
void theme_parse(theme_t *t, const char *text, size_t len, const char *name, cfg_msgs_t *msgs);
/* Reads a theme file over t.  -1 (with a message) when it cannot be read. */
int theme_load(theme_t *t, const char *path, cfg_msgs_t *msgs);

/* Finds a theme by name or path.  A name containing '/' or ending in
 * ".ini" is a path; otherwise NAME.ini is looked for, in order, in
 * $XDG_CONFIG_HOME/beatty/themes (~/.config/beatty/themes), in each
 * folder of extra (a ':'-separated list, may be NULL: the installed
 * data folder, then the source tree's), and the built-in themes
 * "default" and "mono" need no file.  Writes the file found into path
 * ("" for a built-in one); -1 when there is none. */
int theme_find(const char *name, const char *extra, char *path, size_t n);

/* Finds and loads a theme by name or path into t (over the default
 * theme).  -1 with a message in msgs when not found or unreadable; t
 * is then the default theme. */
int theme_open(theme_t *t, const char *name, const char *extra, cfg_msgs_t *msgs);

/* Whether any role has a colour (otherwise the theme is monochrome). */
bool theme_has_color(const theme_t *t);

/* Resolves every role for a terminal with ncolors colours (8, 16, 256;
 * 0 or less: no colour).  `default` in a role means the normal role's
 * colour; in the normal role it is -1, the terminal's own. */
void theme_resolve(const theme_t *t, int ncolors, theme_out_t out[THEME_ROLE_COUNT]);

/* Writes the theme as a file theme_parse() reads back to the same. */
void theme_write(const theme_t *t, FILE *f);

#endif
