/*
 * spectrum: third-octave levels of a stereo signal, for the master
 * page's spectrum view.
 *
 * Thirty-one bands on the ISO centres 20 Hz .. 20 kHz (1 kHz is band
 * SPECTRUM_1K), each a band-pass biquad on the mid (L+R)/2 signal
 * followed by a mean-square detector with a short time constant.  It
 * runs on the UI thread from the master tap; a value struct, no
 * allocation.  Bands above 0.45 x the rate read silent.
 */
#ifndef BEATTY_SPECTRUM_H
#define BEATTY_SPECTRUM_H

#include <stddef.h>

#define SPECTRUM_BANDS 31
#define SPECTRUM_1K    17

typedef struct spectrum_band {
	double b0, b2, a1, a2;     /* band-pass (b1 = 0) */
	double z1, z2;
	double ms;                 /* mean square of the band's output */
	int on;
} spectrum_band_t;

typedef struct spectrum {
	int rate;
	double keep;               /* detector coefficient per sample */
	spectrum_band_t band[SPECTRUM_BANDS];
} spectrum_t;

/* Sets up for rate with a detector time constant of seconds. */
void spectrum_init(spectrum_t *sp, int rate, double seconds);
/* Clears the filters and levels. */
void spectrum_reset(spectrum_t *sp);
/* Feeds interleaved stereo frames. */
void spectrum_add(spectrum_t *sp, const float *frames, size_t n);
/* Level of each band in dB (full-scale sine in the band = 0 dB,
 * -200 for silence or a band above the range). */
void spectrum_read(const spectrum_t *sp, float *db);
/* The centre frequency of band k, and its nominal label ("1k", "63"). */
double spectrum_centre(int k);
const char *spectrum_label(int k);

#endif
