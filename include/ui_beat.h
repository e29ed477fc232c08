/*
 * ui_beat: the beatmaking commands of the pattern editor: scale lock
 * (the song's key and scale, notes snapped to it, blocks moved by scale
 * degrees), the rhythm helpers on a marked block, and slicing the
 * current sample on the instruments page.
 *
 * UI thread only; edits go through app_edit_begin()/_end() like every
 * other edit, so each is one undo step.
 */
#ifndef BEATTY_UI_BEAT_H
#define BEATTY_UI_BEAT_H

#include <stdbool.h>
#include "ui_app.h"

/* Runs a beatmaking command of the pattern page; false: not one. */
bool ui_beat_cmd(ui_app_t *app, ui_cmd_t cmd, int arg);

/* A note about to be entered (keys or MIDI), snapped to the song's
 * scale when scale lock is on; anything else unchanged. */
int ui_beat_note(const ui_app_t *app, int note);

/* Whether the grid should mark note as outside the song's scale. */
bool ui_beat_out_of_scale(const ui_app_t *app, int note);

/* Draws the slice points of sp over its waveform (h rows of w columns
 * at y, x on the instruments page). */
void ui_beat_slice_marks(ui_app_t *app, const sampler_params_t *sp, int y, int x, int h, int w);

#endif
