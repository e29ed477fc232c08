/*
 * sample: reading audio files into memory through libsndfile.
 *
 * WAV, FLAC, OGG/Vorbis, AIFF and whatever else libsndfile reads; any
 * rate, 8 to 32 bit or float; mono and stereo are kept, more channels are
 * folded to stereo.  This is file I/O: call it from the UI or loader
 * thread, never from the audio thread.
 */
#ifndef BEATTY_SAMPLE_H
#define BEATTY_SAMPLE_H

#include <stddef.h>
#include "song.h"

#define SAMPLE_MAX_FRAMES (1LL << 28)   /* ~93 min at 48 kHz: beyond is a mistake */

/* Loads path into *out, which is overwritten (not freed first) and left
 * empty on failure.  Returns 0, or -1 with a one-line reason in err
 * (libsndfile's own words where it has them).  A file shorter than its
 * header claims loads the frames it really holds.  More than two
 * channels fold to stereo: left is the mean of channels 0, 2, 4...,
 * right the mean of channels 1, 3, 5...  Values beyond +-1 (float files)
 * are clamped, non-finite ones become 0; out->clamped counts both. */
int sample_load(sample_t *out, const char *path, char *err, size_t errlen);
void sample_free(sample_t *s);

/* Writes interleaved float frames to a WAV file (16-bit PCM, 24-bit PCM
 * or 32-bit float by bits = 16, 24, 32).  16 and 24 bit are rounded to
 * the nearest step and clipped, without dither.  The file appears
 * atomically through outfile (a symlink stays a link, an existing
 * file's mode is kept).  Used by module import, tests and tools.
 * Returns 0, or -1 with a one-line reason in err. */
int sample_write_wav(const char *path, const float *data, int channels, long long frames,
                     int rate, int bits, char *err, size_t errlen);

#endif
