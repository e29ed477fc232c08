/*
 * ui_midi: MIDI keys and pads on the tracker screen.  Notes jam the
 * cursor's instrument as the keyboard does; in edit mode on the pattern
 * page they are recorded: at the playing row with their velocity in the
 * volume column (and a note-off where the key is let go, when that cell
 * is free), or, stopped, at the cursor, which moves on by the edit step
 * once every key is up (so a chord lands on one row).
 *
 * UI thread only: input is polled beside the keyboard in the main loop.
 */
#ifndef BEATTY_UI_MIDI_H
#define BEATTY_UI_MIDI_H

#include <stdbool.h>
#include "ui_app.h"

/* Opens --midi / `midi =` and the sequencer port; says in the status
 * line what opened and what could not. */
void ui_midi_open(ui_app_t *app);
void ui_midi_close(ui_app_t *app);

/* Waits up to ms for a key or MIDI input, playing and recording what
 * MIDI brings.  Returns true when keys are waiting to be read. */
bool ui_midi_wait(ui_app_t *app, int ms);

#endif
