/*
 * ui_song: the song settings page: title, artist, tempo (BPM), lines
 * per beat, speed (ticks per line) and swing.  Each change is an
 * undoable edit; the audio side gets the new tempo through the bridge
 * (BPM and speed apply from the next play, as the engine reads them at
 * its start).
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "ui_app.h"

typedef struct field {
	const char *label;
	int lo, hi;        /* numeric range; hi == 0: text */
	size_t off;        /* offset in song_t */
	const char *help;
} field_t;

static const field_t fields[] = {
	{ "Title", 0, 0, offsetof(song_t, title), "" },
	{ "Artist", 0, 0, offsetof(song_t, artist), "" },
	{ "BPM", SONG_BPM_MIN, SONG_BPM_MAX, offsetof(song_t, bpm), "beats per minute" },
	{ "Lines per beat", SONG_LPB_MIN, SONG_LPB_MAX, offsetof(song_t, lpb), "rows in a beat (highlight)" },
	{ "Speed", SONG_TPL_MIN, SONG_TPL_MAX, offsetof(song_t, tpl), "ticks per line" },
	{ "Swing", 0, SONG_SWING_MAX, offsetof(song_t, swing), "percent; 33 is a triplet shuffle" },
};
#define NFIELDS ((int)(sizeof(fields) / sizeof(fields[0])))

static int *num(song_t *s, const field_t *f)
{
	return (int *)((char *)s + f->off);
}

static char *text(song_t *s, const field_t *f)
{
	return (char *)s + f->off;
}

static void draw_song(ui_app_t *app, int top, int height)
{
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(top, 0, " Song settings");
	attrset(AT_NORMAL);
	for (int i = 0; i < NFIELDS && i + 2 < height; i++) {
		const field_t *f = &fields[i];
		char b[300];
		if (f->hi)
			snprintf(b, sizeof(b), " %-16s %d", f->label, *num(&app->song, f));
		else
			snprintf(b, sizeof(b), " %-16s %s", f->label, text(&app->song, f));
		attrset(i == app->song_cur ? app_color(app, PAIR_LIST_CURSOR) : AT_NORMAL);
		mvaddnstr(top + 2 + i, 0, b, app->cols);
		attrset(AT_NORMAL);
		if (f->help[0] && 40 + (int)strlen(f->help) < app->cols)
			mvaddstr(top + 2 + i, 40, f->help);
	}
	char info[128];
	int npat = 0;
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		npat += app->song.pattern[i] != NULL;
	snprintf(info, sizeof(info), " %d channels, %d patterns, %d order positions", app->song.channels,
	         npat, app->song.norders);
	if (top + 3 + NFIELDS < top + height)
		mvaddnstr(top + 3 + NFIELDS, 0, info, app->cols);
	mvaddnstr(top + height - 1, 0, " Enter: change   +/-, Left/Right: adjust numbers", app->cols);
}

static void set_value(ui_app_t *app, const field_t *f, int v)
{
	if (v < f->lo)
		v = f->lo;
	if (v > f->hi)
		v = f->hi;
	if (v == *num(&app->song, f))
		return;
	app_edit_begin(app, f->label, -1, true);
	*num(&app->song, f) = v;
	app_edit_end(app, EDIT_OK);
}

static void field_done(ui_app_t *app, const char *t)
{
	if (!t)
		return;
	const field_t *f = &fields[app->song_cur];
	if (f->hi) {
		char *end;
		long v = strtol(t, &end, 10);
		if (!*t || *end || v < f->lo || v > f->hi) {
			app_msg(app, true, "%s: '%s' is not %d..%d", f->label, t, f->lo, f->hi);
			return;
		}
		set_value(app, f, (int)v);
		return;
	}
	app_edit_begin(app, f->label, -1, true);
	snprintf(text(&app->song, f), SONG_TEXT_MAX, "%s", t);
	app_edit_end(app, EDIT_OK);
}

static bool song_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	const field_t *f = &fields[app->song_cur];
	switch (cmd) {
	case CMD_UP: if (app->song_cur > 0) app->song_cur--; break;
	case CMD_DOWN: if (app->song_cur < NFIELDS - 1) app->song_cur++; break;
	case CMD_FIELD_EDIT: {
		char cur[SONG_TEXT_MAX + 8];
		if (f->hi)
			snprintf(cur, sizeof(cur), "%d", *num(&app->song, f));
		else
			snprintf(cur, sizeof(cur), "%s", text(&app->song, f));
		char label[64];
		snprintf(label, sizeof(label), "%s: ", f->label);
		app_prompt(app, label, cur, field_done);
		break;
	}
	case CMD_FIELD_ADJUST:
		if (f->hi)
			set_value(app, f, *num(&app->song, f) + arg);
		break;
	default:
		return false;
	}
	return true;
}

const ui_page_ops_t ui_page_song = {
	.name = "Song",
	.ctx = CTX_SONG,
	.draw = draw_song,
	.cmd = song_cmd,
	.key = NULL,
};
