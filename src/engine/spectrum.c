/*
 * spectrum: a filter bank rather than an FFT: a third-octave display
 * wants equal resolution per octave, which a bank gives directly, and
 * a biquad per band costs a few multiplies per sample.  Each band is
 * the constant-peak-gain band-pass of the RBJ cookbook with the Q of a
 * third of an octave, so a sine on a band's centre reads 0 dB there
 * and falls off by the filter's slope in the neighbours.
 */
#include <math.h>
#include <string.h>
#include "dsp.h"
#include "spectrum.h"

static const char *const labels[SPECTRUM_BANDS] = {
	"20", "25", "31", "40", "50", "63", "80", "100", "125", "160", "200", "250", "315",
	"400", "500", "630", "800", "1k", "1k2", "1k6", "2k", "2k5", "3k1", "4k", "5k", "6k3",
	"8k", "10k", "12k", "16k", "20k",
};

double spectrum_centre(int k)
{
	return 1000.0 * pow(2.0, (k - SPECTRUM_1K) / 3.0);
}

const char *spectrum_label(int k)
{
	return k >= 0 && k < SPECTRUM_BANDS ? labels[k] : "";
}

void spectrum_init(spectrum_t *sp, int rate, double seconds)
{
	memset(sp, 0, sizeof(*sp));
	sp->rate = rate;
	sp->keep = exp(-1.0 / (seconds * rate));
	/* Q of a third-octave band: sqrt(2^(1/3)) / (2^(1/3) - 1). */
	const double q = sqrt(pow(2.0, 1.0 / 3.0)) / (pow(2.0, 1.0 / 3.0) - 1.0);
	for (int k = 0; k < SPECTRUM_BANDS; k++) {
		spectrum_band_t *b = &sp->band[k];
		double f = spectrum_centre(k);
		if (f >= 0.45 * rate)
			continue;
		double w = 2.0 * M_PI * f / rate, alpha = sin(w) / (2.0 * q), a0 = 1.0 + alpha;
		b->b0 = alpha / a0;
		b->b2 = -alpha / a0;
		b->a1 = -2.0 * cos(w) / a0;
		b->a2 = (1.0 - alpha) / a0;
		b->on = 1;
	}
}

void spectrum_reset(spectrum_t *sp)
{
	for (int k = 0; k < SPECTRUM_BANDS; k++)
		sp->band[k].z1 = sp->band[k].z2 = sp->band[k].ms = 0.0;
}

void spectrum_add(spectrum_t *sp, const float *frames, size_t n)
{
	double keep = sp->keep;
	for (int k = 0; k < SPECTRUM_BANDS; k++) {
		spectrum_band_t *b = &sp->band[k];
		if (!b->on)
			continue;
		double z1 = b->z1, z2 = b->z2, ms = b->ms;
		for (size_t i = 0; i < n; i++) {
			double x = 0.5 * ((double)frames[2 * i] + (double)frames[2 * i + 1]);
			/* transposed direct form II */
			double y = b->b0 * x + z1;
			z1 = -b->a1 * y + z2;
			z2 = b->b2 * x - b->a2 * y;
			ms = keep * ms + (1.0 - keep) * y * y;
		}
		b->z1 = fabs(z1) < 1e-30 ? 0.0 : z1;
		b->z2 = fabs(z2) < 1e-30 ? 0.0 : z2;
		b->ms = ms < 1e-30 ? 0.0 : ms;
	}
}

void spectrum_read(const spectrum_t *sp, float *db)
{
	for (int k = 0; k < SPECTRUM_BANDS; k++) {
		const spectrum_band_t *b = &sp->band[k];
		/* a full-scale sine has a mean square of 1/2: that is 0 dB */
		double v = b->on && b->ms > 1e-20 ? 10.0 * log10(2.0 * b->ms) : -200.0;
		db[k] = (float)(v < -200.0 ? -200.0 : v);
	}
}
