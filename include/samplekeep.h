/*
 * samplekeep: keeps sample data alive after it leaves the song.
 *
 * The song being edited owns the sample data of its instruments.  When
 * an edit takes a sample out of the song (a new sample loaded over it,
 * the instrument deleted, an undo), the data may still be read: the
 * undo history can bring it back (its saved instruments share the data,
 * undo.h) and the audio side may still be playing it (bridge.h).  So it
 * is not freed there: it moves here, and is freed once nobody can use it
 * any more.  A sample that an undo brings back returns to the song.
 * Instruments may share data (song.h): it leaves the song only when the
 * last instrument that held it lets go.
 *
 *   edit / undo -> samplekeep_sync():  data that left the song is kept,
 *                                      data that came back is the song's
 *   now and then -> samplekeep_gc():   kept data nobody uses is freed
 *
 * UI thread only; no curses, no sound.
 */
#ifndef BEATTY_SAMPLEKEEP_H
#define BEATTY_SAMPLEKEEP_H

#include <stdbool.h>
#include "song.h"

typedef struct samplekeep {
	const float *owned[SONG_MAX_INSTRUMENTS + 1];  /* the song's data at the last sync */
	float **kept;
	int nkept, cap;
} samplekeep_t;

/* Starts empty, with s's samples as the song's. */
void samplekeep_init(samplekeep_t *k, const song_t *s);
/* Frees everything kept (call once nothing can read it: the audio side
 * is gone), and starts again from s (NULL: from nothing). */
void samplekeep_reset(samplekeep_t *k, const song_t *s);
void samplekeep_deinit(samplekeep_t *k);

/* After the song's instruments changed.  Returns 0, or -1 if memory ran
 * out (the data is then leaked, never freed early). */
int samplekeep_sync(samplekeep_t *k, const song_t *s);
/* Takes data that was never the song's (a preview). */
int samplekeep_add(samplekeep_t *k, float *data);
/* Frees the kept data for which busy(user, data) is false; returns how
 * many were freed. */
int samplekeep_gc(samplekeep_t *k, bool (*busy)(void *user, const float *data), void *user);
bool samplekeep_has(const samplekeep_t *k, const float *data);

#endif
