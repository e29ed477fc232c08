/*
 * ui_channels: channels added, removed, renamed and moved from the
 * pattern editor and the mixer.  Each is one undo step that saves the
 * whole layout (every pattern and strip), since every pattern's grid is
 * as wide as the channel count.
 *
 * The audio side cannot take a new channel count by message: the
 * engine sizes its voices and buffers by it when it is made.  So a
 * layout change makes the audio side anew from the edited song (ui.c,
 * app_relayout), stopping the audio thread first, and playing goes on
 * from the row it was at.
 */
#include <stdio.h>
#include "ui_app.h"
#include "ui_mix.h"

/* The cursor's channel on the page asking. */
static int *cursor_of(ui_app_t *app)
{
	if (app->page == PAGE_MIXER && app->mix)
		return &app->mix->ch;
	return &app->ch;
}

static void name_done(ui_app_t *app, const char *text)
{
	if (!text)
		return;
	int ch = *cursor_of(app);
	app_edit_begin(app, "rename channel", -1, false);
	undo_save_layout(app->undo, &app->song);
	app_edit_end(app, edit_channel_name(&app->song, ch, text));
}

static void layout_edit(ui_app_t *app, int rc, int *cur, int to)
{
	app_edit_end(app, rc);
	if (rc == EDIT_OK)
		*cur = to;
}

bool app_channel_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	song_t *s = &app->song;
	int *cur = cursor_of(app);
	int ch = *cur < s->channels ? *cur : s->channels - 1;
	char label[SONG_NAME_MAX + 32];
	switch (cmd) {
	case CMD_CH_ADD:
		if (s->channels >= SONG_MAX_CHANNELS) {
			app_msg(app, true, "%d channels: a song has no more", SONG_MAX_CHANNELS);
			return true;
		}
		app_edit_begin(app, "add channel", -1, false);
		undo_save_layout(app->undo, s);
		layout_edit(app, edit_channel_insert(s, ch + 1), cur, ch + 1);
		if (*cur == ch + 1)
			app_msg(app, false, "channel %d added (%d channels)", ch + 2, s->channels);
		return true;
	case CMD_CH_REMOVE:
		if (s->channels <= 1) {
			app_msg(app, true, "the last channel stays: a song has at least one");
			return true;
		}
		snprintf(label, sizeof(label), "channel %d%s%s", ch + 1, s->channel[ch].name[0] ? " " : "",
		         s->channel[ch].name);
		app_edit_begin(app, "remove channel", -1, false);
		undo_save_layout(app->undo, s);
		layout_edit(app, edit_channel_delete(s, ch), cur,
		            ch < s->channels - 1 ? ch : s->channels - 2);
		app_msg(app, false, "%s removed (undo brings it back)", label);
		return true;
	case CMD_CH_MOVE:
		if (ch + arg < 0 || ch + arg >= s->channels)
			return true;   /* at the edge already */
		app_edit_begin(app, "move channel", -1, false);
		undo_save_layout(app->undo, s);
		layout_edit(app, edit_channel_move(s, ch, arg), cur, ch + arg);
		return true;
	case CMD_CH_RENAME:
		snprintf(label, sizeof(label), "channel %d name: ", ch + 1);
		app_prompt(app, label, s->channel[ch].name, name_done);
		return true;
	default:
		return false;
	}
}
