/*
 * ui_midi: MIDI input played and recorded on the tracker screen (see
 * ui_midi.h).
 */
#include <curses.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "midi.h"
#include "midi_in.h"
#include "note.h"
#include "ui_beat.h"
#include "ui_midi.h"

#define MAX_FDS 8

struct ui_midi {
	midi_in_t *in;
	midi_route_t route;
	/* where each channel's sounding note was recorded, for its note-off */
	int rec_pat[SONG_MAX_CHANNELS], rec_row[SONG_MAX_CHANNELS];
	bool step_pending;     /* stopped: move the cursor on when all keys are up */
};

void ui_midi_open(ui_app_t *app)
{
	if ((!app->midi_path[0] || !strcmp(app->midi_path, "none")) && !app->midi_seq)
		return;
	char why[1300];
	midi_in_t *in = midi_in_open(app->midi_path, app->midi_seq, why, sizeof(why));
	/* a missing sequencer is only worth a word when nothing else opened */
	bool asked_raw = app->midi_path[0] && strcmp(app->midi_path, "none");
	if (!in) {
		if (asked_raw)
			app_msg(app, true, "%s", why);
		return;
	}
	struct ui_midi *m = calloc(1, sizeof(*m));
	if (!m) {
		midi_in_close(in);
		return;
	}
	m->in = in;
	midi_route_init(&m->route, app->midi_channel);
	for (int ch = 0; ch < SONG_MAX_CHANNELS; ch++)
		m->rec_pat[ch] = -1;
	app->midi = m;
	char what[1200];
	midi_in_describe(in, what, sizeof(what));
	if (asked_raw && why[0] && strncmp(why, "no MIDI sequencer", 17))
		app_msg(app, true, "%s", why);
	else
		app_msg(app, false, "MIDI in: %s", what);
}

void ui_midi_close(ui_app_t *app)
{
	if (!app->midi)
		return;
	midi_in_close(app->midi->in);
	free(app->midi);
	app->midi = NULL;
}

/* The row a note goes to: the playing one while the song plays, else
 * the cursor's (as typed notes do). */
static bool target(const ui_app_t *app, int *pat, int *row)
{
	const bridge_snapshot_t *s = &app->snap;
	if (app_is_playing(app) && s->pattern >= 0 && app->song.pattern[s->pattern] &&
	    s->row < app->song.pattern[s->pattern]->rows) {
		*pat = s->pattern;
		*row = s->row;
		return true;
	}
	*pat = app_pattern(app);
	*row = app->row;
	return *pat >= 0 && app->song.pattern[*pat] && *row < app->song.pattern[*pat]->rows;
}

static bool recording(const ui_app_t *app)
{
	return app->edit && app->page == PAGE_PATTERN;
}

static void note_on(ui_app_t *app, const midi_action_t *a)
{
	struct ui_midi *m = app->midi;
	int note = ui_beat_note(app, a->note);   /* scale lock */
	if (app->bridge)
		bridge_live_note(app->bridge, a->ch, app->inst, note, a->vol);
	m->rec_pat[a->ch] = -1;
	int pat, row;
	if (!recording(app) || !target(app, &pat, &row))
		return;
	app_edit_begin(app, "MIDI note", pat, false);
	cell_t *c = song_cell(&app->song, app->song.pattern[pat], row, a->ch);
	c->note = (uint8_t)note;
	if (app->inst > 0)
		c->inst = (uint8_t)app->inst;
	c->vol = (uint8_t)a->vol;
	app_edit_end(app, EDIT_OK);
	m->rec_pat[a->ch] = pat;
	m->rec_row[a->ch] = row;
	if (!app_is_playing(app))
		m->step_pending = true;
}

static void note_off(ui_app_t *app, const midi_action_t *a)
{
	struct ui_midi *m = app->midi;
	if (app->bridge)
		bridge_live_note(app->bridge, a->ch, app->inst, NOTE_OFF, -1);
	int pat, row, was = m->rec_pat[a->ch];
	m->rec_pat[a->ch] = -1;
	/* Stopped, notes are entered step by step: lengths are the user's
	 * to write.  Playing, the release lands where it was heard, unless
	 * that cell holds something already (or is the note's own row). */
	if (was < 0 || !recording(app) || !app_is_playing(app) || !target(app, &pat, &row))
		return;
	if (pat == was && row == m->rec_row[a->ch])
		return;
	cell_t *c = song_cell(&app->song, app->song.pattern[pat], row, a->ch);
	if (c->note != NOTE_NONE)
		return;
	app_edit_begin(app, "MIDI note-off", pat, false);
	c = song_cell(&app->song, app->song.pattern[pat], row, a->ch);
	c->note = NOTE_OFF;
	app_edit_end(app, EDIT_OK);
}

static void take_input(ui_app_t *app)
{
	struct ui_midi *m = app->midi;
	midi_msg_t msg[64];
	char why[1200];
	int n = midi_in_read(m->in, msg, 64, why, sizeof(why));
	if (why[0])
		app_msg(app, true, "%s", why);
	int nch = app->song.channels < MIDI_ROUTE_MAX_CHANNELS ? app->song.channels
	                                                       : MIDI_ROUTE_MAX_CHANNELS;
	for (int i = 0; i < n; i++) {
		midi_action_t act[MIDI_ROUTE_MAX_CHANNELS];
		int k = midi_route(&m->route, &msg[i], app->ch, nch, act, MIDI_ROUTE_MAX_CHANNELS);
		for (int j = 0; j < k; j++) {
			if (act[j].ch >= app->song.channels)
				continue;
			if (act[j].kind == MIDI_ROUTE_ON)
				note_on(app, &act[j]);
			else
				note_off(app, &act[j]);
		}
		app->redraw = app->redraw || k > 0;
	}
	if (m->step_pending && !midi_route_busy(&m->route)) {
		m->step_pending = false;
		const pattern_t *p = app_pat(app);
		if (p && app->step > 0 && !app_is_playing(app))
			app->row = (app->row + app->step) % p->rows;
	}
}

bool ui_midi_wait(ui_app_t *app, int ms)
{
	struct ui_midi *m = app->midi;
	struct pollfd fds[MAX_FDS];
	fds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	int n = 1 + midi_in_pollfds(m->in, fds + 1, MAX_FDS - 1);
	if (poll(fds, (nfds_t)n, ms) <= 0)
		return false;
	bool midi = false;
	for (int i = 1; i < n; i++)
		midi = midi || fds[i].revents;
	if (midi)
		take_input(app);
	return fds[0].revents != 0;
}
