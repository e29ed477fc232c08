/*
 * loudness: EBU R128 / ITU-R BS.1770 metering of a stereo signal through
 * libebur128 (momentary, short-term, integrated loudness, loudness range,
 * true peak) plus a stereo correlation figure for mono compatibility.
 *
 * Create, reset and destroy off the audio thread; loudness_add() allocates
 * nothing (libebur128 runs in histogram mode), so the engine may feed the
 * master through it while playing.  Readings are plain numbers the caller
 * publishes to other threads as it sees fit.
 */
#ifndef BEATTY_LOUDNESS_H
#define BEATTY_LOUDNESS_H

#include <stddef.h>

typedef struct loudness loudness_t;

typedef struct loudness_reading {
	double momentary;    /* LUFS, 400 ms window; -HUGE_VAL when silent */
	double shortterm;    /* LUFS, 3 s window */
	double integrated;   /* LUFS, gated, since the last reset */
	double range;        /* LU (LRA) */
	double true_peak;    /* dBTP, max over both channels since the reset */
	double correlation;  /* -1..1 over the last ~400 ms; 1 = mono-safe */
	double correlation_all;  /* over everything since the reset */
} loudness_reading_t;

loudness_t *loudness_create(int rate);
void loudness_destroy(loudness_t *m);
void loudness_reset(loudness_t *m);
/* Feeds interleaved stereo float frames. */
void loudness_add(loudness_t *m, const float *frames, size_t n);
void loudness_read(loudness_t *m, loudness_reading_t *r);

#endif
