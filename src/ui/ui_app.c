/*
 * ui_app: the services the host offers its pages (ui_app.h): messages,
 * prompts and questions, the pattern under the cursor, edits with undo,
 * transport, mute and solo, and drawing helpers.  The loop, the terminal
 * and the sound device stay in ui.c.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "note.h"
#include "ui_app.h"

void app_copy(char *dst, size_t n, const char *src)
{
	size_t k = strlen(src);
	if (k >= n)
		k = n - 1;
	memcpy(dst, src, k);
	dst[k] = 0;
}

void app_song_folder(const ui_app_t *app, char *buf, size_t n)
{
	app_copy(buf, n, app->path);
	char *slash = strrchr(buf, '/');
	if (!slash)
		app_copy(buf, n, ".");
	else if (slash == buf)
		buf[1] = 0;
	else
		*slash = 0;
}

void app_msg(ui_app_t *app, bool err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
	va_end(ap);
	app->msg_err = err;
	app->redraw = true;
	if (err || (int)strlen(app->msg) > app->cols - 1)
		app_log(app, app->msg);
}

void app_log(ui_app_t *app, const char *text)
{
	if (app->log_n > 0 && !strcmp(app->log[(app->log_n - 1) % UI_LOG_MAX], text))
		return;
	app_copy(app->log[app->log_n % UI_LOG_MAX], sizeof(app->log[0]), text);
	app->log_n++;
}

void app_prompt(ui_app_t *app, const char *label, const char *initial, ui_prompt_fn done)
{
	app->prompt.on = true;
	app_copy(app->prompt.label, sizeof(app->prompt.label), label);
	app_copy(app->prompt.buf, sizeof(app->prompt.buf), initial ? initial : "");
	app->prompt.len = app->prompt.pos = (int)strlen(app->prompt.buf);
	app->prompt.done = done;
	app->prompt.complete = NULL;
	app->redraw = true;
}

void app_ask_keys(ui_app_t *app, const char *question, const char *keys, int esc,
                  ui_ask_fn answer)
{
	app->ask.on = true;
	app_copy(app->ask.question, sizeof(app->ask.question), question);
	app_copy(app->ask.keys, sizeof(app->ask.keys), keys);
	app->ask.esc = esc;
	app->ask.answer = answer;
	app->redraw = true;
}

void app_ask(ui_app_t *app, const char *question, ui_ask_fn answer)
{
	app_ask_keys(app, question, "ync", 'c', answer);
}

int app_pattern(const ui_app_t *app)
{
	if (app->order < 0 || app->order >= app->song.norders)
		return -1;
	return app->song.order[app->order].pattern;
}

const pattern_t *app_pat(const ui_app_t *app)
{
	int p = app_pattern(app);
	return p >= 0 ? app->song.pattern[p] : NULL;
}

void app_edit_begin(ui_app_t *app, const char *what, int pat, bool meta)
{
	undo_begin(app->undo, what);
	if (pat >= 0)
		undo_save_pattern(app->undo, &app->song, pat);
	if (meta)
		undo_save_meta(app->undo, &app->song);
}

void app_edit_also(ui_app_t *app, int pat)
{
	if (pat >= 0)
		undo_save_pattern(app->undo, &app->song, pat);
}

/* Marks everything the open step saved as changed for the audio side:
 * cheap to over-send, so a whole pattern goes even for one cell. */
void app_mark_touched(ui_app_t *app, const undo_touched_t *t)
{
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (t->pattern[i])
			app->dirty_pat[i] = true;
	if (t->meta) {
		app->dirty_order = app->dirty_tempo = true;
	}
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (t->inst[i])
			app->dirty_inst[i] = true;
	if (t->layout)
		app_relayout(app);
}

void app_edit_end(ui_app_t *app, int code)
{
	if (code < 0) {
		undo_cancel(app->undo);
		app_msg(app, true, "%s", edit_strerror(code));
		return;
	}
	/* Swap forth and back to learn what the step saved: undo then redo
	 * is exact and cheap (pointer swaps). */
	undo_end(app->undo);
	undo_touched_t t;
	memset(&t, 0, sizeof(t));
	if (undo_undo(app->undo, &app->song, &t))
		undo_redo(app->undo, &app->song, NULL);
	app_mark_touched(app, &t);
	app->gen++;
	app->redraw = true;
}

bool app_modified(const ui_app_t *app)
{
	return app->touched || !undo_clean(app->undo);
}

bool app_is_playing(const ui_app_t *app)
{
	return app->bridge && app->snap.playing;
}

static bool need_sound(ui_app_t *app)
{
	if (app->bridge)
		return true;
	app_msg(app, true, "no sound: %s", app->audio_msg);
	return false;
}

void app_jam(ui_app_t *app, int note)
{
	if (!app->bridge)
		return;
	bridge_live_note(app->bridge, app->ch, app->inst, note, -1);
	app->jam_ch = note == NOTE_OFF || note == NOTE_CUT ? -1 : app->ch;
	clock_gettime(CLOCK_MONOTONIC, &app->jam_at);
}

void app_play(ui_app_t *app, int order, int row, bool pattern_loop)
{
	if (!need_sound(app))
		return;
	bridge_set_pattern_loop(app->bridge, pattern_loop);
	bridge_play(app->bridge, order, row);
	app->playing_pattern = pattern_loop;
	app->jam_ch = -1;
	/* Until the audio side answers, show what was asked. */
	app->snap.playing = true;
	app->snap.order = order;
	app->snap.row = row;
	app->snap.pattern = order < app->song.norders ? app->song.order[order].pattern : -1;
	app->redraw = true;
}

void app_stop(ui_app_t *app)
{
	if (!app->bridge)
		return;
	bridge_stop(app->bridge);
	app->snap.playing = false;
	app->redraw = true;
}

void app_set_mute(ui_app_t *app, int ch, bool on, bool solo_cmd)
{
	channel_t *c = &app->song.channel[ch];
	if (solo_cmd)
		c->solo = on;
	else
		c->mute = on;
	if (app->bridge) {
		if (solo_cmd)
			bridge_set_solo(app->bridge, ch, on);
		else
			bridge_set_mute(app->bridge, ch, on);
	}
	app->touched = true;
	app->redraw = true;
}

int app_color(const ui_app_t *app, int pair)
{
	return pair >= 0 && pair < PAIR_COUNT ? app->pair_attr[pair] : 0;
}

void app_vbar(ui_app_t *app, int y, int x, int attr)
{
	attrset(attr);
	if (app->ascii)
		mvaddch(y, x, '|');
	else
		mvaddstr(y, x, "\xe2\x94\x82");   /* U+2502 */
	attrset(AT_NORMAL);
}
