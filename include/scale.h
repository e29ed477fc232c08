/*
 * scale: a song's key and scale, and what scale lock does with notes:
 * whether a note belongs, the nearest one that does, and moving notes
 * by scale degrees (a block transposed in the key).
 *
 * The song stores the key (0 = C ... 11 = B) and the scale; chromatic
 * means no lock.  Pure functions on note numbers (note.h); any thread.
 */
#ifndef BEATTY_SCALE_H
#define BEATTY_SCALE_H

#include <stdbool.h>
#include <stddef.h>
#include "edit.h"
#include "song.h"

#define SCALE_LIST(X) \
	X(SCALE_CHROMATIC, "chromatic", 0xFFF) \
	X(SCALE_MAJOR, "major", 0xAB5) \
	X(SCALE_MINOR, "minor", 0x5AD) \
	X(SCALE_HARMONIC_MINOR, "harmonic-minor", 0x9AD) \
	X(SCALE_DORIAN, "dorian", 0x6AD) \
	X(SCALE_MIXOLYDIAN, "mixolydian", 0x6B5) \
	X(SCALE_MAJOR_PENTATONIC, "major-pentatonic", 0x295) \
	X(SCALE_MINOR_PENTATONIC, "minor-pentatonic", 0x4A9) \
	X(SCALE_BLUES, "blues", 0x4E9)

#define SCALE_ENUM(id, name, mask) id,
typedef enum { SCALE_LIST(SCALE_ENUM) SCALE_COUNT } scale_id_t;
#undef SCALE_ENUM

/* "chromatic", "major", ... as the song file and the prompt write them. */
extern const char *const scale_names[SCALE_COUNT];
/* "C", "C#", ... "B" */
extern const char *const scale_key_names[12];

/* Reads "A minor", "f# dorian", "Eb major", "chromatic" (or "off") into
 * key and scale.  False on anything else. */
bool scale_parse(const char *text, int *key, int *scale);
/* "A minor", or "chromatic" */
void scale_format(int key, int scale, char *buf, size_t n);

/* Whether note (1..120) is in the scale; anything not a note is. */
bool scale_contains(int key, int scale, int note);
/* The nearest note in the scale (the lower one on a tie); a note in it,
 * or anything not a note, is returned as it is. */
int scale_snap(int key, int scale, int note);
/* note moved by degrees steps of the scale (a note outside it first
 * snaps); 0 when that leaves the note range. */
int scale_shift(int key, int scale, int note, int degrees);

/* Moves every note of the block by degrees of the song's scale; notes
 * that would leave the range stay.  0 or EDIT_ERANGE. */
int scale_transpose(song_t *s, int pat, edit_rect_t r, int degrees);

#endif
