/*
 * slice: equal and transient slicing (see slice.h).
 *
 * Transients: the sample is cut into short hops; each hop's level (the
 * mean square of the mono mix, in dB) is compared with the loudest of
 * the few hops before it.  A jump by more than the threshold is an
 * attack; the slice starts at the first frame of that hop region whose
 * magnitude reaches a quarter of the attack's peak (and clearly passes
 * the ringing before it), so it begins at the hit, not mid-way into it.
 */
#include <math.h>
#include <stdlib.h>
#include "slice.h"

#define HOP_S      0.005    /* 5 ms hops: fine enough to place a hit */
#define LOOKBACK   4        /* hops of "before" */
#define GATE_DB    (-50.0)  /* quieter hops are never attacks */
#define MIN_GAP_S  0.050    /* two slices at least this far apart */

int slice_equal(int64_t frames, int n, int64_t *out)
{
	if (n < 1 || n > SONG_MAX_SLICES || frames < n)
		return -1;
	for (int k = 0; k < n; k++)
		out[k] = frames * k / n;   /* at most 2^28 * 64: no overflow */
	return n;
}

static float mono_at(const sample_t *s, int64_t f)
{
	const float *x = s->data + f * s->channels;
	return s->channels >= 2 ? 0.5f * (x[0] + x[1]) : x[0];
}

int slice_transients(const sample_t *s, int sensitivity, int64_t *out, int max)
{
	if (!s->data || s->frames < 1 || s->channels < 1 || s->rate <= 0 || max < 1)
		return -1;
	if (max > SONG_MAX_SLICES)
		max = SONG_MAX_SLICES;
	sensitivity = sensitivity < 0 ? 0 : sensitivity > 100 ? 100 : sensitivity;
	double thresh = 18.0 - 15.0 * sensitivity / 100.0;
	int64_t hop = (int64_t)(HOP_S * s->rate);
	if (hop < 1)
		hop = 1;
	int64_t nhops = (s->frames + hop - 1) / hop;
	double *db = malloc((size_t)nhops * sizeof(*db));
	if (!db)
		return -1;
	for (int64_t h = 0; h < nhops; h++) {
		double sum = 0;
		int64_t a = h * hop, b = a + hop < s->frames ? a + hop : s->frames;
		for (int64_t f = a; f < b; f++) {
			double v = mono_at(s, f);
			sum += v * v;
		}
		double ms = sum / (double)(b - a);
		db[h] = ms > 1e-12 ? 10.0 * log10(ms) : -120.0;
	}
	int n = 0;
	out[n++] = 0;
	int64_t gap = (int64_t)(MIN_GAP_S * s->rate);
	for (int64_t h = 1; h < nhops && n < max; h++) {
		double before = -120.0;
		for (int64_t j = h - LOOKBACK; j < h; j++)
			if (j >= 0 && db[j] > before)
				before = db[j];
		/* the attack may straddle two hops: take the louder */
		double now = db[h];
		if (h + 1 < nhops && db[h + 1] > now)
			now = db[h + 1];
		if (now < GATE_DB || now - before < thresh)
			continue;
		/* place it on the first loud frame of the attack */
		int64_t a = h * hop, b = (h + 2) * hop < s->frames ? (h + 2) * hop : s->frames;
		float peak = 0.0f;
		for (int64_t f = a; f < b; f++)
			peak = fmaxf(peak, fabsf(mono_at(s, f)));
		/* the ringing of what came before must not count as the attack */
		float prev = 0.0f;
		for (int64_t f = a - hop; f < a; f++)
			prev = fmaxf(prev, fabsf(mono_at(s, f)));
		float level = fmaxf(0.25f * peak, 1.4f * prev);
		int64_t at = a;
		for (int64_t f = a; f < b; f++)
			if (fabsf(mono_at(s, f)) >= level) {
				at = f;
				break;
			}
		if (at - out[n - 1] >= gap)
			out[n++] = at;
		/* one attack, one slice: skip the hops it spans */
		h += 1;
	}
	free(db);
	return n;
}
