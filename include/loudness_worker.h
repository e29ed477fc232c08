/*
 * loudness_worker: a loudness meter (loudness.h) fed from one thread and
 * run on another, for offline renders.  The render hands each block over
 * (a copy into a small ring of blocks, waiting only while the ring is
 * full) and goes on rendering while the meter, about a tenth of a render's
 * work with the true-peak reading, runs beside it on another core.  The
 * reading is the same as measuring inline: the blocks reach the meter in
 * order, whole.
 *
 * Not for the audio thread: add() may wait.  One feeding thread.
 */
#ifndef BEATTY_LOUDNESS_WORKER_H
#define BEATTY_LOUDNESS_WORKER_H

#include <stddef.h>
#include "loudness.h"

typedef struct loudness_worker loudness_worker_t;

/* A worker for interleaved stereo blocks of at most max_frames at rate.
 * NULL when out of memory.  If no thread can be started it measures on
 * the caller's thread instead, with the same result. */
loudness_worker_t *loudness_worker_create(int rate, size_t max_frames);
/* Hands over n <= max_frames frames; returns at once unless the ring is
 * full. */
void loudness_worker_add(loudness_worker_t *w, const float *frames, size_t n);
/* Waits until everything handed over is measured, then reads the meter. */
void loudness_worker_read(loudness_worker_t *w, loudness_reading_t *r);
/* Stops the thread and frees everything; NULL is ignored. */
void loudness_worker_destroy(loudness_worker_t *w);

#endif
