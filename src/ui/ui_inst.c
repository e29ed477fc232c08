/*
 * ui_inst: the instruments page (see ui_inst.h).
 *
 *   +----------------------+------------------------------------------+
 *   | 01 Kick          smp | 05 Bass  synth                           |
 *   | 02 Snare         smp |   type               synth               |
 *   |>05 Bass          syn |   cutoff             300 Hz   <- cursor  |
 *   |   ...                |   ...  (sampler: file, then the waveform |
 *   |                      |         with its loop marked)            |
 *   +----------------------+------------------------------------------+
 *
 * Every change is made on a copy of the instrument first, so a key that
 * changes nothing (a value at its limit) leaves no undo step.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "collect.h"
#include "edit.h"
#include "instparam.h"
#include "note.h"
#include "presets.h"
#include "sample.h"
#include "ui_beat.h"
#include "songfile.h"
#include "ui_inst.h"

#define LIST_W   22        /* the instrument list's width */
#define PREVIEW_NOTE (NOTE_MIN + 48)   /* C-4: a preview's root, its own rate */

ui_inst_t *ui_inst_state(ui_app_t *app)
{
	if (!app->instui) {
		app->instui = calloc(1, sizeof(ui_inst_t));
		if (app->instui)
			samplekeep_init(&app->instui->keep, &app->song);
	}
	return app->instui;
}

/* ------------------------------------------------------------------ */
/* the audio side and sample lifetimes                                  */

static bool sample_busy(void *user, const float *data)
{
	ui_app_t *app = user;
	ui_inst_t *u = app->instui;
	if (u && u->pv_slot && u->pv.sampler.sample.data == data)
		return true;
	if (undo_uses_sample(app->undo, data))
		return true;
	return app->bridge && bridge_sample_busy(app->bridge, data);
}

void ui_inst_sync(ui_app_t *app)
{
	ui_inst_t *u = ui_inst_state(app);
	if (!u)
		return;
	samplekeep_sync(&u->keep, &app->song);
	if (app->bridge) {
		for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
			if (!app->dirty_inst[i])
				continue;
			if (!bridge_set_inst(app->bridge, i, app->song.inst[i]))
				break;   /* the ring is full: the rest go next time */
			app->dirty_inst[i] = false;
		}
		bridge_collect(app->bridge);
	} else {
		memset(app->dirty_inst, 0, sizeof(app->dirty_inst));
	}
	if (u->keep.nkept)
		samplekeep_gc(&u->keep, sample_busy, app);
}

static void forget_preview(ui_inst_t *u)
{
	sample_free(&u->pv.sampler.sample);   /* the audio side is gone */
	u->pv_slot = 0;
	u->pv_name[0] = 0;
}

void ui_inst_reset(ui_app_t *app)
{
	ui_inst_t *u = ui_inst_state(app);
	memset(app->dirty_inst, 0, sizeof(app->dirty_inst));
	if (!u)
		return;
	forget_preview(u);
	samplekeep_reset(&u->keep, &app->song);
	u->browsing = false;
	u->param = u->param_top = 0;
	u->wave.data = NULL;
}

void ui_inst_deinit(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	if (!u)
		return;
	forget_preview(u);
	samplekeep_deinit(&u->keep);
	filelist_free(&u->files);
	free(u->view);
	sampleinfo_probe_destroy(u->probe);
	free(u);
	app->instui = NULL;
}

/* ------------------------------------------------------------------ */
/* edits                                                                */

static instrument_t *cur_inst(ui_app_t *app)
{
	return app->inst >= 1 && app->inst <= SONG_MAX_INSTRUMENTS ? app->song.inst[app->inst] : NULL;
}

/* Replaces instrument idx with *in (NULL deletes it) as one undo step;
 * nothing happens if that changes nothing.  The sample data the old
 * version held is not freed here: samplekeep takes it. */
static void inst_put(ui_app_t *app, int idx, const instrument_t *in, const char *what)
{
	instrument_t *old = app->song.inst[idx];
	if (!old && !in)
		return;
	if (old && in && !memcmp(old, in, sizeof(*in)))
		return;
	instrument_t *fresh = NULL;
	if (in && !(fresh = malloc(sizeof(*fresh)))) {
		app_msg(app, true, "out of memory");
		return;
	}
	app_edit_begin(app, what, -1, false);
	if (undo_save_inst(app->undo, &app->song, idx) != 0) {
		free(fresh);
		app_edit_end(app, EDIT_ENOMEM);
		return;
	}
	if (fresh)
		*fresh = *in;
	app->song.inst[idx] = fresh;
	free(old);   /* the struct: the history holds its copy, samplekeep its data */
	app_edit_end(app, EDIT_OK);
}

void ui_inst_replace(ui_app_t *app, int idx, const instrument_t *in, const char *what)
{
	inst_put(app, idx, in, what);
}

/* Copies the samples from outside the song's folder into its samples/;
 * each instrument's new path is an undo step of its own (undo puts the
 * old path back; the copies stay, harmless). */
static void collect_cmd(ui_app_t *app)
{
	if (!app->path[0]) {
		app_msg(app, true, "save the song first (^W): its samples go into the folder beside it");
		return;
	}
	char probe[UI_PATH_MAX], dir[UI_PATH_MAX], err[600];
	if (filelist_beside(app->path, "x", probe, sizeof(probe)) != 0) {
		app_msg(app, true, "the song's path is too long");
		return;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(probe, '/') - probe), probe);
	int changed = 0, copied = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		char real[UI_PATH_MAX], rel[SONG_PATH_MAX];
		if (!songfile_sample_outside(&app->song, i, real, sizeof(real)))
			continue;
		int reused;
		if (collect_file(dir[0] ? dir : "/", real, rel, sizeof(rel), &reused, err, sizeof(err)) != 0) {
			app_msg(app, true, "collect: %s", err);
			return;
		}
		instrument_t t = *app->song.inst[i];
		snprintf(t.sampler.path, sizeof(t.sampler.path), "%s", rel);
		inst_put(app, i, &t, "collect sample");
		copied += !reused;
		changed++;
	}
	if (!changed)
		app_msg(app, false, "every sample is in the song's folder already");
	else
		app_msg(app, false, "%d instrument%s now read%s from %s/samples (%d file%s copied); ^S saves",
		        changed, changed == 1 ? "" : "s", changed == 1 ? "s" : "", dir, copied,
		        copied == 1 ? "" : "s");
}

static int free_slot(const song_t *s)
{
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (!s->inst[i])
			return i;
	return -1;
}

static const instparam_t *const *params(const ui_app_t *app, int *n)
{
	const instrument_t *in = app->inst >= 1 ? app->song.inst[app->inst] : NULL;
	return instparam_list(in ? in->type : INST_SYNTH, n);
}

static void jam(ui_app_t *app, int note)
{
	ui_inst_sync(app);   /* the instrument as edited, before the note */
	app_jam(app, note);
}

static void adjust(ui_app_t *app, int arg)
{
	instrument_t *in = cur_inst(app);
	if (!in)
		return;
	int n;
	const instparam_t *p = params(app, &n)[app->instui->param];
	instrument_t t = *in;
	instparam_adjust(&t, p, arg > 0 ? 1 : -1, abs(arg) >= 10);
	inst_put(app, app->inst, &t, p->label);
}

static void value_done(ui_app_t *app, const char *text)
{
	instrument_t *in = cur_inst(app);
	if (!text || !in)
		return;
	int n;
	const instparam_t *p = params(app, &n)[app->instui->param];
	instrument_t t = *in;
	char err[300];
	if (instparam_parse(&t, p, text, err, sizeof(err)) != 0) {
		app_msg(app, true, "%s", err);
		return;
	}
	inst_put(app, app->inst, &t, p->label);
}

static void rename_done(ui_app_t *app, const char *text)
{
	instrument_t *in = cur_inst(app);
	if (!text || !in)
		return;
	instrument_t t = *in;
	snprintf(t.name, sizeof(t.name), "%s", text);
	inst_put(app, app->inst, &t, "rename instrument");
}

static void load_preset(ui_app_t *app, int i);

static void preset_done(ui_app_t *app, const char *text)
{
	if (!text || !*text)
		return;
	int i = preset_find(text);
	if (i < 0) {
		char *end;
		long k = strtol(text, &end, 10);
		i = !*end && k >= 1 && k <= preset_count() ? (int)k - 1 : -1;
	}
	if (i < 0) {
		app_msg(app, true, "no preset '%s'", text);
		return;
	}
	load_preset(app, i);
}

static void load_preset(ui_app_t *app, int i)
{
	instrument_t t;
	char err[300];
	if (preset_load(i, &t, err, sizeof(err)) != 0) {
		app_msg(app, true, "%s", err);
		return;
	}
	if (app->inst < 1)
		app->inst = 1;
	inst_put(app, app->inst, &t, "preset");
	app->instui->param = 0;
	app_msg(app, false, "instrument %02X: preset %s", app->inst, preset_name(i));
	jam(app, preset_note(i));
}

static int uses(const ui_app_t *app, int idx, int *npat)
{
	const song_t *s = &app->song;
	int n = 0;
	*npat = 0;
	for (int p = 0; p < SONG_MAX_PATTERNS; p++) {
		const pattern_t *pt = s->pattern[p];
		if (!pt)
			continue;
		int k = 0;
		for (int r = 0; r < pt->rows; r++)
			for (int c = 0; c < s->channels; c++)
				k += song_cell(s, pt, r, c)->inst == idx;
		n += k;
		*npat += k > 0;
	}
	return n;
}

static void delete_now(ui_app_t *app, int idx)
{
	inst_put(app, idx, NULL, "delete instrument");
	app_msg(app, false, "deleted instrument %02X (^Z brings it back)", idx);
}

static void delete_answer(ui_app_t *app, int a)
{
	if (a == 'y')
		delete_now(app, app->instui->del_idx);
	else
		app_msg(app, false, "not deleted");
}

static void delete_cmd(ui_app_t *app)
{
	instrument_t *in = cur_inst(app);
	if (!in) {
		app_msg(app, true, "instrument %02X is empty", app->inst);
		return;
	}
	int npat, n = uses(app, app->inst, &npat);
	if (!n) {
		delete_now(app, app->inst);
		return;
	}
	char q[300];
	app->instui->del_idx = app->inst;
	snprintf(q, sizeof(q), "instrument %02X %.40s plays %d note%s in %d pattern%s: delete it anyway? (y)es (n)o",
	         app->inst, in->name, n, n == 1 ? "" : "s", npat, npat == 1 ? "" : "s");
	app_ask(app, q, delete_answer);
}

static void new_cmd(ui_app_t *app, bool clone)
{
	instrument_t *in = cur_inst(app);
	if (clone && !in) {
		app_msg(app, true, "instrument %02X is empty: nothing to clone", app->inst);
		return;
	}
	int slot = free_slot(&app->song);
	if (slot < 0) {
		app_msg(app, true, "all %d instruments are in use", SONG_MAX_INSTRUMENTS);
		return;
	}
	instrument_t t;
	if (clone) {
		/* The sample's frames are shared, not copied: no edit writes
		 * into frames, and the song frees shared frames once. */
		t = *in;
	} else {
		memset(&t, 0, sizeof(t));
		t.type = INST_SYNTH;
		synth_params_default(&t.synth);
		sampler_params_default(&t.sampler);
		snprintf(t.name, sizeof(t.name), "Synth %02X", slot);
	}
	inst_put(app, slot, &t, clone ? "clone instrument" : "new instrument");
	if (!app->song.inst[slot])
		return;
	app_msg(app, false, "%s instrument %02X", clone ? "cloned into" : "new", slot);
	app->inst = slot;
	app->instui->param = 0;
}

void ui_inst_load_sample(ui_app_t *app, const char *path)
{
	sample_t s;
	char err[300];
	if (sample_load(&s, path, err, sizeof(err)) != 0) {
		app_msg(app, true, "%s", err);
		return;
	}
	char dir[UI_PATH_MAX], rel[SONG_PATH_MAX];
	app_song_folder(app, dir, sizeof(dir));
	if (filelist_relative(dir, path, rel, sizeof(rel)) != 0) {
		sample_free(&s);
		app_msg(app, true, "the sample's path is too long for a song file");
		return;
	}
	if (app->inst < 1)
		app->inst = 1;
	instrument_t *in = cur_inst(app), t;
	if (in) {
		t = *in;
	} else {
		memset(&t, 0, sizeof(t));
		synth_params_default(&t.synth);
		sampler_params_default(&t.sampler);
	}
	/* A name the user gave stays; an empty one or the old file's becomes the new file's. */
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *oldbase = strrchr(t.sampler.path, '/') ? strrchr(t.sampler.path, '/') + 1 : t.sampler.path;
	bool auto_name = !t.name[0] || (oldbase[0] && !strncmp(t.name, oldbase, strcspn(oldbase, ".")));
	t.type = INST_SAMPLER;
	t.sampler.sample = s;
	snprintf(t.sampler.path, sizeof(t.sampler.path), "%s", rel);
	t.sampler.loop = LOOP_OFF;
	t.sampler.loop_start = t.sampler.loop_end = 0;
	if (auto_name)
		snprintf(t.name, sizeof(t.name), "%.*s", (int)strcspn(base, "."), base);
	inst_put(app, app->inst, &t, "load sample");
	if (!app->song.inst[app->inst] || app->song.inst[app->inst]->sampler.sample.data != s.data) {
		sample_free(&s);
		return;
	}
	app->instui->param = 0;
	app_msg(app, false, "instrument %02X: %s (%lld frames, %d Hz, %s)", app->inst, rel,
	        (long long)s.frames, s.rate, s.channels == 1 ? "mono" : "stereo");
}

/* ------------------------------------------------------------------ */
/* the preview                                                          */

void ui_inst_preview(ui_app_t *app, const char *path)
{
	ui_inst_t *u = app->instui;
	if (!app->bridge) {
		app_msg(app, true, "no sound: %s", app->audio_msg);
		return;
	}
	int slot = u->pv_slot;
	for (int i = SONG_MAX_INSTRUMENTS; !slot && i >= 1; i--)
		if (!app->song.inst[i])
			slot = i;
	if (!slot) {
		app_msg(app, true, "no free instrument slot to preview with");
		return;
	}
	instrument_t t;
	memset(&t, 0, sizeof(t));
	t.type = INST_SAMPLER;
	synth_params_default(&t.synth);
	sampler_params_default(&t.sampler);
	t.sampler.root = PREVIEW_NOTE;
	char err[300];
	if (sample_load(&t.sampler.sample, path, err, sizeof(err)) != 0) {
		app_msg(app, true, "%s", err);
		return;
	}
	if (!bridge_set_inst(app->bridge, slot, &t)) {
		sample_free(&t.sampler.sample);
		app_msg(app, true, "the audio side is busy: try again");
		return;
	}
	/* The last preview's data: free once the audio side lets go. */
	if (u->pv_slot && samplekeep_add(&u->keep, u->pv.sampler.sample.data) != 0)
		u->pv.sampler.sample.data = NULL;   /* leaked rather than freed early */
	u->pv = t;
	u->pv_slot = slot;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(u->pv_name, sizeof(u->pv_name), "%s", base);
	bridge_live_note(app->bridge, app->ch, slot, PREVIEW_NOTE, -1);
	const sample_t *s = &t.sampler.sample;
	app_msg(app, false, "preview %s: %.2f s, %d Hz, %s", base, (double)s->frames / s->rate, s->rate,
	        s->channels == 1 ? "mono" : "stereo");
}

void ui_inst_preview_stop(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	if (!u || !u->pv_slot)
		return;
	if (app->bridge) {
		bridge_live_note(app->bridge, app->ch, u->pv_slot, NOTE_OFF, -1);
		bridge_set_inst(app->bridge, u->pv_slot, NULL);
		if (samplekeep_add(&u->keep, u->pv.sampler.sample.data) != 0)
			u->pv.sampler.sample.data = NULL;   /* leaked rather than freed early */
		u->pv.sampler.sample.data = NULL;
	}
	forget_preview(u);
}

/* ------------------------------------------------------------------ */
/* drawing                                                              */

static void draw_list(ui_app_t *app, int top, int height)
{
	int rows = height - 1;
	int first = app->inst - rows / 2;
	if (first > SONG_MAX_INSTRUMENTS - rows + 1)
		first = SONG_MAX_INSTRUMENTS - rows + 1;
	if (first < 1)
		first = 1;
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(top, 0, " Instruments");
	attrset(AT_NORMAL);
	for (int i = 0; i < rows - 1 && first + i <= SONG_MAX_INSTRUMENTS; i++) {
		int idx = first + i;
		const instrument_t *in = app->song.inst[idx];
		char b[64];
		snprintf(b, sizeof(b), " %02X %-14.14s %s", idx, in ? in->name : "",
		         !in ? "   " : in->type == INST_SYNTH ? "syn" : "smp");
		attrset(idx == app->inst ? app_color(app, PAIR_LIST_CURSOR) | AT_REVERSE : AT_NORMAL);
		mvaddnstr(top + 1 + i, 0, b, LIST_W);
		attrset(AT_NORMAL);
	}
	for (int y = top; y < top + height; y++)
		app_vbar(app, y, LIST_W, AT_NORMAL);
}

static void wave_compute(ui_wave_t *w, const sample_t *s, int cols)
{
	if (w->data == s->data && w->cols == cols)
		return;
	w->data = s->data;
	w->cols = cols;
	w->peak = 0;
	for (int c = 0; c < cols; c++) {
		int64_t a = s->frames * c / cols, b = s->frames * (c + 1) / cols;
		if (b <= a)
			b = a + 1;
		if (b > s->frames)
			b = s->frames;
		float lo = 0, hi = 0;
		/* At most a few thousand reads a column: a long file is drawn
		 * from a stride, which is plenty for a picture. */
		int64_t step = (b - a) / 4096 + 1;
		for (int64_t f = a; f < b; f += step) {
			const float *fr = s->data + f * s->channels;
			float v = s->channels == 1 ? fr[0] : 0.5f * (fr[0] + fr[1]);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		w->lo[c] = lo;
		w->hi[c] = hi;
		w->peak = fmaxf(w->peak, fmaxf(hi, -lo));
	}
}

/* The dot row (0 = top) of level v in a picture dots tall. */
static int dot_row(float v, float peak, int dots)
{
	float x = peak > 0 ? v / peak : 0;
	int r = (int)lroundf((1.0f - x) * 0.5f * (float)(dots - 1));
	return r < 0 ? 0 : r >= dots ? dots - 1 : r;
}

static void draw_wave(ui_app_t *app, const sampler_params_t *sp, int y, int x, int h, int w)
{
	const sample_t *s = &sp->sample;
	if (!s->data || s->frames < 1 || w < 4 || h < 1) {
		mvaddstr(y, x, "(no sample)");
		return;
	}
	int per = app->ascii ? 1 : 2;   /* dot columns per character */
	int cols = w * per > WAVE_MAX ? WAVE_MAX / per * per : w * per;
	w = cols / per;
	ui_wave_t *wv = &app->instui->wave;
	wave_compute(wv, s, cols);
	int dots = app->ascii ? h : h * 4;
	attrset(app_color(app, PAIR_WAVEFORM));
	for (int row = 0; row < h; row++) {
		move(y + row, x);
		for (int cx = 0; cx < w; cx++) {
			if (app->ascii) {
				int top = dot_row(wv->hi[cx], wv->peak, dots), bot = dot_row(wv->lo[cx], wv->peak, dots);
				addch(row >= top && row <= bot ? '#' : row == dots / 2 ? '-' : ' ');
				continue;
			}
			/* Braille: 2 x 4 dots a cell; bits by column, then row. */
			static const int bit[2][4] = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };
			int bits = 0;
			for (int k = 0; k < 2; k++) {
				int c = cx * 2 + k;
				int top = dot_row(wv->hi[c], wv->peak, dots), bot = dot_row(wv->lo[c], wv->peak, dots);
				for (int d = 0; d < 4; d++) {
					int r = row * 4 + d;
					if (r >= top && r <= bot)
						bits |= bit[k][d];
				}
			}
			char u8[4] = { (char)0xe2, (char)(0xa0 | (bits >> 6)), (char)(0x80 | (bits & 0x3f)), 0 };
			addstr(u8);
		}
	}
	ui_beat_slice_marks(app, sp, y, x, h, w);
	/* The loop, under the picture: [ at its start, ] at its end. */
	move(y + h, x);
	attrset(app_color(app, PAIR_MARKER) | AT_BOLD);
	if (sp->loop != LOOP_OFF && sp->loop_end > sp->loop_start) {
		int a = (int)(sp->loop_start * w / s->frames), b = (int)((sp->loop_end - 1) * w / s->frames);
		for (int cx = 0; cx < w; cx++)
			addch(cx == a ? '[' : cx == b ? ']' : cx > a && cx < b ? '=' : ' ');
	} else {
		attrset(AT_NORMAL);
		addstr("(no loop)");
	}
	attrset(AT_NORMAL);
}

static void draw_params(ui_app_t *app, const instrument_t *in, int y, int x, int rows)
{
	ui_inst_t *u = app->instui;
	int n;
	const instparam_t *const *ps = instparam_list(in->type, &n);
	if (u->param >= n)
		u->param = n - 1;
	if (u->param < u->param_top)
		u->param_top = u->param;
	if (u->param >= u->param_top + rows)
		u->param_top = u->param - rows + 1;
	for (int i = 0; i < rows && u->param_top + i < n; i++) {
		int k = u->param_top + i;
		char v[64], b[128];
		instparam_format(in, ps[k], v, sizeof(v));
		snprintf(b, sizeof(b), " %-18s %-16s", ps[k]->label, v);
		attrset(k == u->param ? app_color(app, PAIR_LIST_CURSOR) | AT_REVERSE : AT_NORMAL);
		mvaddnstr(y + i, x, b, app->cols - x);
		attrset(AT_NORMAL);
	}
}

static void draw_inst(ui_app_t *app, int top, int height)
{
	ui_inst_t *u = ui_inst_state(app);
	if (!u)
		return;
	if (u->browsing) {
		ui_browse_draw(app, top, height);
		return;
	}
	draw_list(app, top, height);
	int x = LIST_W + 2, w = app->cols - x;
	const instrument_t *in = cur_inst(app);
	char b[300];
	if (u->picking) {
		attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
		snprintf(b, sizeof(b), "Load a preset into %02X%s%s", app->inst < 1 ? 1 : app->inst,
		         u->pick_typed[0] ? ": " : "", u->pick_typed);
		mvaddnstr(top, x, b, w);
		attrset(AT_NORMAL);
		for (int i = 0; i < preset_count() && i < height - 2; i++) {
			char nn[8];
			note_name(preset_note(i), nn);
			snprintf(b, sizeof(b), " %d  %-10s plays at %s", i + 1, preset_name(i), nn);
			attrset(i == u->pick ? app_color(app, PAIR_LIST_CURSOR) | AT_REVERSE : AT_NORMAL);
			mvaddnstr(top + 1 + i, x, b, w);
			attrset(AT_NORMAL);
		}
		mvaddnstr(top + height - 1, x, "Enter load  Up/Down choose  letters jump  Tab type  Esc leave",
		          w);
		return;
	}
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	snprintf(b, sizeof(b), "%02X %s  %s  Oct %d", app->inst, in ? in->name : "(empty)",
	         in ? inst_type_names[in->type] : "", app->octave);
	mvaddnstr(top, x, b, w);
	attrset(AT_NORMAL);
	mvaddnstr(top + height - 1, x, "^G sample ^P preset Ins new ^D clone Del delete ^E name", w);
	if (!in) {
		mvaddnstr(top + 2, x, "Empty.  Ins: a new synth   ^G: get a sample   ^P: a preset", w);
		return;
	}
	if (in->type == INST_SYNTH) {
		draw_params(app, in, top + 1, x, height - 2);
		return;
	}
	const sampler_params_t *sp = &in->sampler;
	if (sp->sample.data)
		snprintf(b, sizeof(b), "file %s  %d Hz %s %lld frames", sp->path, sp->sample.rate,
		         sp->sample.channels == 1 ? "mono" : "stereo", (long long)sp->sample.frames);
	else
		snprintf(b, sizeof(b), "file %s", sp->path[0] ? sp->path : "(none: ^G gets one)");
	mvaddnstr(top + 1, x, b, w);
	int n;
	instparam_list(INST_SAMPLER, &n);
	int prow = height - 9 < n ? height - 9 : n;
	draw_params(app, in, top + 2, x, prow);
	int wy = top + 2 + prow, wh = top + height - 2 - wy;
	draw_wave(app, sp, wy, x, wh, w - 1);
}

/* ------------------------------------------------------------------ */
/* keys                                                                 */

static bool inst_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	ui_inst_t *u = ui_inst_state(app);
	if (!u)
		return false;
	int n;
	params(app, &n);
	switch (cmd) {
	case CMD_UP: if (u->param > 0) u->param--; break;
	case CMD_DOWN: if (u->param < n - 1) u->param++; break;
	case CMD_PAGE_UP: u->param = u->param > 8 ? u->param - 8 : 0; break;
	case CMD_PAGE_DOWN: u->param = u->param + 8 < n ? u->param + 8 : n - 1; break;
	case CMD_TOP: u->param = 0; break;
	case CMD_BOTTOM: u->param = n - 1; break;
	case CMD_FIELD_ADJUST: adjust(app, arg); break;
	case CMD_FIELD_EDIT: {
		instrument_t *in = cur_inst(app);
		if (!in) {
			app_msg(app, true, "instrument %02X is empty (Ins makes one)", app->inst);
			break;
		}
		const instparam_t *p = params(app, &n)[u->param];
		char v[64], label[64];
		instparam_format(in, p, v, sizeof(v));
		v[strcspn(v, " ")] = 0;   /* the number without its unit */
		snprintf(label, sizeof(label), "%s: ", p->label);
		app_prompt(app, label, v, value_done);
		break;
	}
	case CMD_INST_PREV: if (app->inst > 1) app->inst--; break;
	case CMD_INST_NEXT: if (app->inst < SONG_MAX_INSTRUMENTS) app->inst++; break;
	case CMD_INST_NEW: new_cmd(app, false); break;
	case CMD_INST_CLONE: new_cmd(app, true); break;
	case CMD_INST_DELETE: delete_cmd(app); break;
	case CMD_INST_RENAME:
		if (cur_inst(app))
			app_prompt(app, "name: ", cur_inst(app)->name, rename_done);
		break;
	case CMD_INST_LOAD: ui_browse_open(app); break;
	case CMD_COLLECT: collect_cmd(app); break;
	case CMD_INST_PRESET:
		u->picking = true;
		u->pick = 0;
		u->pick_typed[0] = 0;
		app_msg(app, false, "presets: Up/Down choose, letters jump, Enter loads, Tab types a name, "
		        "Esc leaves");
		break;
	case CMD_OCTAVE_DOWN: if (app->octave > 0) app->octave--; break;
	case CMD_OCTAVE_UP: if (app->octave < 8) app->octave++; break;
	default:
		return ui_beat_cmd(app, cmd, arg);
	}
	return true;
}

/* The preset list: its own keys; any other key closes it and does what
 * it does on the page. */
static bool pick_key(ui_app_t *app, ui_inst_t *u, int key)
{
	int n = preset_count();
	size_t tl = strlen(u->pick_typed);
	if (key == KEY_UP || key == KEY_DOWN) {
		u->pick = (u->pick + (key == KEY_UP ? n - 1 : 1)) % n;
		u->pick_typed[0] = 0;
	} else if (key == KEY_HOME) {
		u->pick = 0;
	} else if (key == KEY_END) {
		u->pick = n - 1;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		u->picking = false;
		load_preset(app, u->pick);
	} else if (key == 27) {
		u->picking = false;
		app_msg(app, false, "no preset loaded");
	} else if (key == '\t') {
		u->picking = false;
		char label[256] = "preset (";
		for (int i = 0; i < n; i++)
			snprintf(label + strlen(label), sizeof(label) - strlen(label), "%s%s", i ? ", " : "",
			         preset_name(i));
		strncat(label, "): ", sizeof(label) - strlen(label) - 1);
		app_prompt(app, label, "", preset_done);
	} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && tl) {
		u->pick_typed[tl - 1] = 0;
	} else if (key >= '1' && key <= '9' && !tl && key - '1' < n) {
		u->pick = key - '1';
	} else if (key >= ' ' && key < 127 && tl + 1 < sizeof(u->pick_typed)) {
		u->pick_typed[tl] = (char)key;
		u->pick_typed[tl + 1] = 0;
		for (int i = 0; i < n; i++)
			if (!strncasecmp(preset_name(i), u->pick_typed, tl + 1)) {
				u->pick = i;
				break;
			}
	} else {
		u->picking = false;
		return false;
	}
	app->redraw = true;
	return true;
}

/* Raw keys: the browser takes everything while it is open; otherwise the
 * pattern editor's piano keys (whatever they are bound to) jam. */
static bool inst_key(ui_app_t *app, int key)
{
	ui_inst_t *u = ui_inst_state(app);
	if (!u)
		return false;
	if (u->browsing)
		return ui_browse_key(app, key);
	if (u->picking)
		return pick_key(app, u, key);
	int arg;
	if (ui_keys_lookup(CTX_INST, key, &arg) != CMD_NONE)
		return false;
	ui_cmd_t cmd = ui_keys_lookup(CTX_PATTERN, key, &arg);
	if (cmd == CMD_NOTE) {
		int note = NOTE_MIN + app->octave * 12 + arg;
		if (note <= NOTE_MAX)
			jam(app, note);
		return true;
	}
	if (cmd == CMD_NOTE_OFF) {
		jam(app, NOTE_OFF);
		return true;
	}
	return false;
}

const ui_page_ops_t ui_page_inst = {
	.name = "Instruments",
	.ctx = CTX_INST,
	.draw = draw_inst,
	.cmd = inst_cmd,
	.key = inst_key,
	.song_changed = ui_inst_reset,
	.sync = ui_inst_sync,
	.poll = ui_browse_poll,
	.free = ui_inst_deinit,
};
