/*
 * note: note numbers, their tracker names ("C-4", "F#3") and pitch maths.
 *
 * Notes are numbered 1 (C-0) to 120 (B-9); A-4 (note 58) is 440 Hz.
 * Pitch inside the engine is linear, in 1/64 semitone steps, as in
 * FastTracker 2's linear frequency mode, so slides are even at every
 * octave.  Pure functions, no state: safe on any thread.
 */
#ifndef BEATTY_NOTE_H
#define BEATTY_NOTE_H

#include <stdbool.h>

enum {
	NOTE_NONE = 0,
	NOTE_MIN = 1,     /* C-0 */
	NOTE_A4 = 58,
	NOTE_MAX = 120,   /* B-9 */
	NOTE_OFF = 254,   /* "===": release the voice */
	NOTE_CUT = 255,   /* "^^^": silence the voice at once (declicked) */
};

#define PITCH_PER_SEMITONE 64

/* Parses "C-4", "C#4", "===", "^^^" or "..." (empty) into *note.
 * Returns false on anything else. */
bool note_parse(const char *s, int *note);

/* Writes the 3-character name of note (as note_parse reads it) into
 * buf, which must hold 4 bytes. */
void note_name(int note, char buf[4]);

/* Frequency of a linear pitch (note * 64 + fraction) in Hz. */
double pitch_to_hz(double pitch);

/* Frequency of a note number in Hz. */
double note_to_hz(int note);

#endif
