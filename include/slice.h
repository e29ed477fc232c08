/*
 * slice: chopping a sample into slices, at equal lengths or where its
 * transients (drum hits, note onsets) are.  The slice points go into
 * the sampler instrument (song.h), which plays slice k from the root
 * note plus k, or starts slice xx on 9xx.
 *
 * Pure: a loaded sample in, frame positions out; any thread but the
 * audio one (transient detection walks the whole sample).
 */
#ifndef BEATTY_SLICE_H
#define BEATTY_SLICE_H

#include <stdint.h>
#include "song.h"

/* n slices of equal length over frames: out[k] = k * frames / n.
 * Returns n, or -1 when not 1 <= n <= SONG_MAX_SLICES or frames < n. */
int slice_equal(int64_t frames, int n, int64_t *out);

/* Slices starting at the sample's transients: the first at frame 0, the
 * others where the level jumps (a rise of 18 dB at sensitivity 0 down to
 * 3 dB at 100, over a few milliseconds, against the level just before,
 * above -50 dBFS and at least 50 ms after the last).  Each point sits
 * on the first frame of the attack.  Returns the count (at most max and
 * SONG_MAX_SLICES), or -1 for an empty sample. */
int slice_transients(const sample_t *s, int sensitivity, int64_t *out, int max);

#endif
