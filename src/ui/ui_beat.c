/*
 * ui_beat: scale lock and the rhythm helpers on the pattern page (see
 * ui_beat.h).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "euclid.h"
#include "note.h"
#include "scale.h"
#include "slice.h"
#include "ui_inst.h"
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

/* ---- slicing (instruments page) --------------------------------------- */

static instrument_t *sliceable(ui_app_t *app)
{
	instrument_t *in = app->inst >= 1 ? app->song.inst[app->inst] : NULL;
	if (!in || in->type != INST_SAMPLER || !in->sampler.sample.data) {
		app_msg(app, true, "slice: instrument %02X has no sample (^G gets one)", app->inst);
		return NULL;
	}
	return in;
}

/* "16", "t 60", "t 60 offsets", "8 notes", "off" */
static void slice_done(ui_app_t *app, const char *text)
{
	instrument_t *in = text ? sliceable(app) : NULL;
	if (!in)
		return;
	instrument_t t = *in;
	sampler_params_t *sp = &t.sampler;
	char w[3][32] = { "", "", "" };
	int nw = sscanf(text, "%31s %31s %31s", w[0], w[1], w[2]);
	const char *map = NULL;
	int n = -1;
	if (nw >= 1 && !strcmp(w[0], "off")) {
		sp->nslices = 0;
		sp->slice_offsets = false;
		ui_inst_replace(app, app->inst, &t, "slices off");
		app_msg(app, false, "slices off: the sample plays whole again");
		return;
	}
	char *end;
	if (nw >= 1 && !strcmp(w[0], "t")) {
		long sens = 50;
		int next = 1;
		if (nw >= 2 && (sens = strtol(w[1], &end, 10), !*end)) {
			next = 2;
			if (sens < 0 || sens > 100)
				n = -2;
		} else {
			sens = 50;
		}
		if (n != -2)
			n = slice_transients(&sp->sample, (int)sens, sp->slice, SONG_MAX_SLICES);
		map = next < nw ? w[next] : NULL;
	} else if (nw >= 1) {
		long k = strtol(w[0], &end, 10);
		if (!*end && k >= 1 && k <= SONG_MAX_SLICES)
			n = slice_equal(sp->sample.frames, (int)k, sp->slice);
		map = nw >= 2 ? w[1] : NULL;
	}
	if (map && strcmp(map, "notes") && strcmp(map, "offsets"))
		n = -1;
	if (n < 1) {
		app_msg(app, true, "slice: N (1..%d equal slices), t SENS (transients, 0..100), or off; "
		        "then notes or offsets", SONG_MAX_SLICES);
		return;
	}
	sp->nslices = n;
	if (map)
		sp->slice_offsets = !strcmp(map, "offsets");
	ui_inst_replace(app, app->inst, &t, "slice");
	if (sp->slice_offsets) {
		app_msg(app, false, "%d slices: 900..9%02X start them", n, n - 1);
	} else {
		char lo[4], hi[4];
		note_name(sp->root, lo);
		note_name(sp->root + n - 1 <= NOTE_MAX ? sp->root + n - 1 : NOTE_MAX, hi);
		app_msg(app, false, "%d slices: notes %s..%s play them", n, lo, hi);
	}
}

static void ask_slice(ui_app_t *app)
{
	const instrument_t *in = sliceable(app);
	if (!in)
		return;
	char cur[16];
	snprintf(cur, sizeof(cur), "%d", in->sampler.nslices ? in->sampler.nslices : 8);
	app_prompt(app, "slice (8: equal, t 50: at transients, off; then notes or offsets): ", cur,
	           slice_done);
}

void ui_beat_slice_marks(ui_app_t *app, const sampler_params_t *sp, int y, int x, int h, int w)
{
	const sample_t *s = &sp->sample;
	if (sp->nslices < 1 || !s->data || s->frames < 1 || w < 1)
		return;
	attrset(app_color(app, PAIR_MARKER) | AT_BOLD);
	for (int k = 0; k < sp->nslices; k++) {
		if (sp->slice[k] >= s->frames)
			break;
		int cx = (int)(sp->slice[k] * w / s->frames);
		for (int row = 0; row < h; row++)
			mvaddch(y + row, x + cx, row == 0 && k < 16 ? (chtype)"0123456789ABCDEF"[k] : '|');
	}
	attrset(AT_NORMAL);
}

bool ui_beat_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	switch (cmd) {
	case CMD_SCALE: ask_scale(app); return true;
	case CMD_DEGREES: degrees(app, arg); return true;
	case CMD_RHYTHM: ask_rhythm(app); return true;
	case CMD_SLICE: ask_slice(app); return true;
	default: return false;
	}
}
