/*
 * undo: a bounded history of song edits, for undo and redo.
 *
 * A step is one user action (a typed note, a paste, an order move).
 * Before changing the song the caller saves what it is about to touch:
 * whole patterns (undo_save_pattern), instruments (undo_save_inst) and/or
 * the song's arrangement and settings (undo_save_meta: title, artist,
 * tempo, speed, swing, restart, the order list with its labels).  Undoing swaps the saved state with
 * the song's, so the step then holds what redo swaps back: no second
 * copy is ever made.
 *
 *   undo_begin(u, "paste");
 *   undo_save_pattern(u, song, pat);
 *   ...edit the song...
 *   undo_end(u);            (or undo_cancel(u) if the edit was refused)
 *
 * The history keeps at most max_bytes of saved state and max_steps
 * steps, dropping the oldest.  It knows nothing of curses or sound: the
 * caller learns from undo_touched_t which patterns changed and tells
 * the audio side.  One thread (the UI).
 */
#ifndef BEATTY_UNDO_H
#define BEATTY_UNDO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "song.h"

typedef struct undo undo_t;

/* What an undo or redo changed. */
typedef struct undo_touched {
	bool meta;
	bool pattern[SONG_MAX_PATTERNS];
	bool inst[SONG_MAX_INSTRUMENTS + 1];
	bool mixer;
	bool layout;   /* the channel count or order changed: every pattern and strip */
} undo_touched_t;

undo_t *undo_create(size_t max_bytes, int max_steps);
void undo_destroy(undo_t *u);
/* Forgets every step (a new or freshly loaded song). */
void undo_clear(undo_t *u);

/* Opens a step named what (kept as a pointer: pass a string literal).
 * A step still open is ended first. */
void undo_begin(undo_t *u, const char *what);
/* Saves pattern idx as it is now (or its absence).  Saving the same
 * pattern twice in a step keeps the first.  Returns 0 or -1 when out of
 * memory (the step is then marked broken and undo_end drops it). */
int undo_save_pattern(undo_t *u, const song_t *s, int idx);
int undo_save_meta(undo_t *u, const song_t *s);
/* Saves the mixer: every channel's fader, pan, sends, FX chain and
 * macros (not its name, mute or solo), the buses and the master. */
int undo_save_mixer(undo_t *u, const song_t *s);
/* Saves the channel layout: the channel count, every channel's strip
 * (name, mute and solo too) and every pattern, before channels are
 * added, removed or moved. */
int undo_save_layout(undo_t *u, const song_t *s);
/* Saves instrument idx (1..255) as it is now, or its absence.  The saved
 * copy shares the instrument's sample data and never frees it: whoever
 * replaces or drops a sample the history may bring back keeps it alive
 * while undo_uses_sample() says so (samplekeep.h does this). */
int undo_save_inst(undo_t *u, const song_t *s, int idx);
/* Whether any saved instrument (in any step, or the open one) points at
 * the sample data. */
bool undo_uses_sample(const undo_t *u, const float *data);
/* Closes the step: it becomes the newest, and whatever could be redone
 * is forgotten.  An empty step is dropped. */
void undo_end(undo_t *u);
/* Drops the open step without touching the song (the edit did nothing). */
void undo_cancel(undo_t *u);

/* Undoes the newest step / redoes the next one.  Returns the step's
 * name, or NULL when there is nothing to undo / redo.  touched (may be
 * NULL) gets what changed, added to what it already holds. */
const char *undo_undo(undo_t *u, song_t *s, undo_touched_t *touched);
const char *undo_redo(undo_t *u, song_t *s, undo_touched_t *touched);

int undo_depth(const undo_t *u);       /* steps that can be undone */
int undo_redo_depth(const undo_t *u);  /* steps that can be redone */
size_t undo_bytes(const undo_t *u);    /* saved state held */

/* Marks the present as what is on disk; undo_clean() tells whether
 * undo and redo have brought the song back to it. */
void undo_mark_saved(undo_t *u);
bool undo_clean(const undo_t *u);

#endif
