/*
 * testutil: the measuring instruments of the test suite.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "render.h"
#include "songfile.h"
#include "testutil.h"

/* In-place iterative radix-2 FFT over n (a power of two) complex values. */
static void fft(double *re, double *im, size_t n)
{
	for (size_t i = 1, j = 0; i < n; i++) {
		size_t bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			double t = re[i]; re[i] = re[j]; re[j] = t;
			t = im[i]; im[i] = im[j]; im[j] = t;
		}
	}
	for (size_t len = 2; len <= n; len <<= 1) {
		double ang = -2.0 * M_PI / (double)len;
		for (size_t i = 0; i < n; i += len) {
			for (size_t k = 0; k < len / 2; k++) {
				double wr = cos(ang * (double)k), wi = sin(ang * (double)k);
				size_t a = i + k, b = i + k + len / 2;
				double xr = re[b] * wr - im[b] * wi;
				double xi = re[b] * wi + im[b] * wr;
				re[b] = re[a] - xr; im[b] = im[a] - xi;
				re[a] += xr; im[a] += xi;
			}
		}
	}
}

double tu_peak_hz(const float *x, size_t n, double rate)
{
	size_t m = 1;
	while (m < 4 * n)
		m <<= 1;
	double *re = calloc(m, sizeof(double)), *im = calloc(m, sizeof(double));
	assert_non_null(re);
	assert_non_null(im);
	for (size_t i = 0; i < n; i++)
		re[i] = x[i] * (0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)(n - 1)));
	fft(re, im, m);
	size_t best = 1;
	double bestv = -1;
	for (size_t k = 1; k < m / 2 - 1; k++) {
		double v = re[k] * re[k] + im[k] * im[k];
		if (v > bestv) { bestv = v; best = k; }
	}
	/* Parabolic interpolation on log magnitude around the peak bin. */
	double a = log(sqrt(re[best - 1] * re[best - 1] + im[best - 1] * im[best - 1]) + 1e-30);
	double b = log(sqrt(bestv) + 1e-30);
	double c = log(sqrt(re[best + 1] * re[best + 1] + im[best + 1] * im[best + 1]) + 1e-30);
	double d = a - 2 * b + c;
	double off = d != 0 ? 0.5 * (a - c) / d : 0;
	free(re);
	free(im);
	return ((double)best + off) * rate / (double)m;
}

void tu_power_bh(const float *x, size_t n, double *pw)
{
	double *re = calloc(n, sizeof(double)), *im = calloc(n, sizeof(double));
	assert_non_null(re);
	assert_non_null(im);
	for (size_t i = 0; i < n; i++) {
		double a = 2.0 * M_PI * (double)i / (double)n;
		re[i] = x[i] * (0.35875 - 0.48829 * cos(a) + 0.14128 * cos(2.0 * a) - 0.01168 * cos(3.0 * a));
	}
	fft(re, im, n);
	for (size_t k = 0; k <= n / 2; k++)
		pw[k] = re[k] * re[k] + im[k] * im[k];
	free(re);
	free(im);
}

double tu_goertzel(const float *x, size_t n, double rate, double freq)
{
	double w = 2.0 * M_PI * freq / rate, cr = cos(w), ci = sin(w);
	/* Direct DFT bin at an arbitrary frequency (numerically steadier than
	 * the Goertzel recurrence over long buffers). */
	double sr = 0, si = 0, pr = 1, pi = 0;
	for (size_t i = 0; i < n; i++) {
		sr += x[i] * pr;
		si += x[i] * pi;
		double t = pr * cr - pi * ci;
		pi = pr * ci + pi * cr;
		pr = t;
		if ((i & 1023) == 1023) {   /* renormalise the rotating phasor */
			double mag = sqrt(pr * pr + pi * pi);
			pr /= mag; pi /= mag;
		}
	}
	return 2.0 * sqrt(sr * sr + si * si) / (double)n;
}

double tu_rms(const float *x, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n ? sqrt(s / (double)n) : 0;
}

double tu_peak(const float *x, size_t n)
{
	double p = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > p)
			p = fabs(x[i]);
	return p;
}

float *tu_channel(const float *stereo, size_t frames, int ch)
{
	float *m = malloc((frames ? frames : 1) * sizeof(float));
	assert_non_null(m);
	for (size_t i = 0; i < frames; i++)
		m[i] = stereo[2 * i + ch];
	return m;
}

long tu_first_above(const float *x, size_t n, float thresh)
{
	for (size_t i = 0; i < n; i++)
		if (fabsf(x[i]) > thresh)
			return (long)i;
	return -1;
}

void tu_song_parse(song_t *s, const char *text)
{
	songfile_error_t err;
	if (songfile_parse(s, text, "test.bty", ".", 0, &err, NULL, NULL) != 0) {
		char buf[512];
		songfile_error_format(&err, buf, sizeof(buf));
		fail_msg("song does not parse: %s", buf);
	}
}

int64_t tu_render(const song_t *s, int rate, float **out)
{
	int64_t n = render_to_buffer(s, rate, out);
	assert_true(n >= 0);
	return n;
}

int tu_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests(name, tests, n, NULL, NULL);
}
