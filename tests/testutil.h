/*
 * testutil: measuring helpers shared by the unit tests.  Tests assert
 * measured facts (frequency, level, timing), so these helpers are the
 * measuring instruments; they are tested against known signals too.
 */
#ifndef BEATTY_TESTUTIL_H
#define BEATTY_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#ifdef BEATTY_NO_CMOCKA
#error "the unit tests need cmocka: install the Debian package libcmocka-dev, then run configure again"
#endif
#include <cmocka.h>
#include "song.h"

/* Frequency (Hz) of the strongest spectral peak of x[0..n) sampled at
 * rate, refined by parabolic interpolation around the FFT bin (Hann
 * window, zero-padded to a power of two >= 4n for resolution). */
double tu_peak_hz(const float *x, size_t n, double rate);
/* Magnitude of the DFT of x at freq (Goertzel), normalised so a full-scale
 * sine of that frequency gives about 1.0 (0.5 * n scaling undone). */
double tu_goertzel(const float *x, size_t n, double rate, double freq);
/* Power spectrum of x[0..n) (n a power of two) through a 4-term
 * Blackman-Harris window, whose sidelobes stay 92 dB down: bins 0..n/2
 * into pw.  A sine's power lies within 4 bins of its frequency, so ratios
 * of sums over such spans are levels free of the bins' scalloping. */
void tu_power_bh(const float *x, size_t n, double *pw);
double tu_rms(const float *x, size_t n);
double tu_peak(const float *x, size_t n);
/* Takes channel ch (0 left, 1 right) of interleaved stereo into a new
 * malloc'd mono buffer. */
float *tu_channel(const float *stereo, size_t frames, int ch);
/* Index of the first sample with |x| > thresh, or -1. */
long tu_first_above(const float *x, size_t n, float thresh);

/* Parses a song from text (fails the test with the error otherwise). */
void tu_song_parse(song_t *s, const char *text);
/* Renders the whole song at rate into a malloc'd interleaved stereo
 * buffer; returns the frame count. */
int64_t tu_render(const song_t *s, int rate, float **out);

/* Runs a cmocka group with TAP output, whatever the environment says. */
int tu_run(const char *name, const struct CMUnitTest *tests, size_t n);
#define TU_RUN(tests) tu_run(__FILE__, tests, sizeof(tests) / sizeof(tests[0]))

#endif
