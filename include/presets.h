/*
 * presets: the factory instruments (kick, snare, hat, sub bass, pluck,
 * pad, lead).
 *
 * Each preset is data: the keys of an [instrument] section as a song
 * file writes them, read with the song file parser, so a preset means
 * exactly what the same lines mean in a .bty file.
 */
#ifndef BEATTY_PRESETS_H
#define BEATTY_PRESETS_H

#include "song.h"

int preset_count(void);
const char *preset_name(int i);
/* The note the preset is meant to be played at: drums are tuned by
 * their note as in any tracker (the kick at G-1, the snare at D-3). */
int preset_note(int i);
/* Fills *out with preset i (0..preset_count()-1).  Returns 0, or -1 with
 * a reason in err (a broken table: the unit tests catch that). */
int preset_load(int i, instrument_t *out, char *err, size_t errlen);
/* The index of the preset named name (case-insensitive), or -1. */
int preset_find(const char *name);

#endif
