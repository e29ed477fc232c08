/*
 * ui_beat: scale lock and the rhythm helpers on the pattern page (see
 * ui_beat.h).
 */
#include <stdio.h>
#include <string.h>
#include "note.h"
#include "scale.h"
#include "ui_beat.h"

int ui_beat_note(const ui_app_t *app, int note)
{
	return scale_snap(app->song.scale_key, app->song.scale, note);
}

bool ui_beat_out_of_scale(const ui_app_t *app, int note)
{
	return !scale_contains(app->song.scale_key, app->song.scale, note);
}

/* The marked block, or the cursor's cell. */
static edit_rect_t block(const ui_app_t *app)
{
	if (app->sel)
		return (edit_rect_t){ app->sel_row, app->sel_ch, app->row, app->ch };
	return (edit_rect_t){ app->row, app->ch, app->row, app->ch };
}

static void scale_done(ui_app_t *app, const char *text)
{
	if (!text)
		return;
	int key, scale;
	if (!scale_parse(text, &key, &scale)) {
		app_msg(app, true, "scale: '%s' is not a key and a scale (e.g. A minor, or chromatic)", text);
		return;
	}
	app_edit_begin(app, "scale", -1, true);
	app->song.scale_key = key;
	app->song.scale = scale;
	app_edit_end(app, EDIT_OK);
	char b[32];
	scale_format(key, scale, b, sizeof(b));
	if (scale == SCALE_CHROMATIC)
		app_msg(app, false, "scale lock off");
	else
		app_msg(app, false, "scale lock: %s (notes snap to it; marked notes are outside it)", b);
}

static void ask_scale(ui_app_t *app)
{
	char cur[32];
	scale_format(app->song.scale_key, app->song.scale, cur, sizeof(cur));
	app_prompt(app, "key and scale (e.g. A minor, F# dorian; chromatic: off): ", cur, scale_done);
}

static void degrees(ui_app_t *app, int d)
{
	if (app->song.scale == SCALE_CHROMATIC) {
		app_msg(app, true, "transpose by degrees: set a key and scale first (^D)");
		return;
	}
	int pat = app_pattern(app);
	app_edit_begin(app, "transpose by degrees", pat, false);
	int rc = scale_transpose(&app->song, pat, block(app), d);
	app_edit_end(app, rc);
}

bool ui_beat_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	switch (cmd) {
	case CMD_SCALE: ask_scale(app); return true;
	case CMD_DEGREES: degrees(app, arg); return true;
	default: return false;
	}
}
