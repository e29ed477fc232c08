/*
 * ui_beat: scale lock and the rhythm helpers on the pattern page (see
 * ui_beat.h).
 */
#include <stdio.h>
#include <string.h>
#include "euclid.h"
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

/* ---- rhythm helpers ---------------------------------------------------- */

/* What the hits play: the note under the cursor with its instrument (the
 * current one when it has none), or C of the current octave. */
static void hit_note(const ui_app_t *app, int *note, int *inst)
{
	const pattern_t *p = app_pat(app);
	const cell_t *c = p ? song_cell(&app->song, p, app->row, app->ch) : NULL;
	*inst = app->inst;
	if (c && c->note >= NOTE_MIN && c->note <= NOTE_MAX) {
		*note = c->note;
		if (c->inst)
			*inst = c->inst;
	} else {
		*note = NOTE_MIN + app->octave * 12;
	}
}

static void rhythm_answer(ui_app_t *app, int answer)
{
	euclid_opts_t o;
	char err[200];
	if (answer != 'y' || !euclid_parse(app->rhythm, &o, err, sizeof(err))) {
		app_msg(app, false, "rhythm: nothing written");
		return;
	}
	int pat = app_pattern(app), note, inst;
	hit_note(app, &note, &inst);
	app_edit_begin(app, "rhythm", pat, false);
	int rc = euclid_apply(&app->song, pat, block(app), note, inst, &o);
	app_edit_end(app, rc);
	if (rc == EDIT_OK) {
		char d[EUCLID_MAX_STEPS + 40];
		euclid_describe(&o, d, sizeof(d));
		app_msg(app, false, "rhythm written: %s (^Z undoes it)", d);
	}
}

/* The rhythm is shown, with what it will play and where, before it is
 * written: a y/n question in the status line. */
static void rhythm_done(ui_app_t *app, const char *text)
{
	if (!text)
		return;
	euclid_opts_t o;
	char err[200];
	if (!euclid_parse(text, &o, err, sizeof(err))) {
		app_msg(app, true, "rhythm: %s", err);
		return;
	}
	app_copy(app->rhythm, sizeof(app->rhythm), text);
	edit_rect_t r = block(app);
	int note, inst;
	hit_note(app, &note, &inst);
	char d[EUCLID_MAX_STEPS + 40], name[4], q[512];
	euclid_describe(&o, d, sizeof(d));
	note_name(note, name);
	int lo = r.row0 < r.row1 ? r.row0 : r.row1, hi = r.row0 < r.row1 ? r.row1 : r.row0;
	int c0 = r.ch0 < r.ch1 ? r.ch0 : r.ch1, c1 = r.ch0 < r.ch1 ? r.ch1 : r.ch0;
	char chans[48];
	if (c0 == c1)
		snprintf(chans, sizeof(chans), "channel %d", c0 + 1);
	else
		snprintf(chans, sizeof(chans), "channels %d-%d", c0 + 1, c1 + 1);
	snprintf(q, sizeof(q), "%s  %s %02X on rows %02X-%02X, %s: write it? (y/n)", d, name, inst,
	         lo, hi, chans);
	app_ask(app, q, rhythm_answer);
}

static void ask_rhythm(ui_app_t *app)
{
	if (!app->sel) {
		app_msg(app, true, "rhythm: mark a block first (Shift+arrows, ^A)");
		return;
	}
	app_prompt(app, "rhythm (3/8 rot 1, every 4; vol V accent V hv V hd T seed S): ",
	           app->rhythm[0] ? app->rhythm : "3/8", rhythm_done);
}

bool ui_beat_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	switch (cmd) {
	case CMD_SCALE: ask_scale(app); return true;
	case CMD_DEGREES: degrees(app, arg); return true;
	case CMD_RHYTHM: ask_rhythm(app); return true;
	default: return false;
	}
}
