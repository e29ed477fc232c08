/*
 * loudness: the master's meters.  libebur128 does the BS.1770 work
 * (K-weighting, gating, LRA, 4x oversampled true peak) because it is the
 * reference other tools agree with; a hand-rolled meter would need its own
 * proof.  The stereo correlation is ours: running sums of L*R, L*L and R*R
 * in 100 ms blocks, the last four of them making the 400 ms window.
 */
#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "loudness.h"

#define CORR_BLOCKS 4

typedef struct corr_sums {
	double lr, ll, rr;
} corr_sums_t;

struct loudness {
	ebur128_state *st;
	int rate;
	int block_len, block_fill;
	corr_sums_t cur;                  /* the block being filled */
	corr_sums_t blocks[CORR_BLOCKS];  /* the last finished blocks */
	int block_pos;
	corr_sums_t all;
};

loudness_t *loudness_create(int rate)
{
	loudness_t *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	/* histogram mode keeps memory fixed however long the song runs, so
	 * adding frames never allocates */
	m->st = ebur128_init(2, (unsigned long)rate,
	                     EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I |
	                     EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK |
	                     EBUR128_MODE_HISTOGRAM);
	if (!m->st) {
		free(m);
		return NULL;
	}
	m->rate = rate;
	m->block_len = rate / 10 > 0 ? rate / 10 : 1;
	return m;
}

void loudness_destroy(loudness_t *m)
{
	if (!m)
		return;
	ebur128_destroy(&m->st);
	free(m);
}

void loudness_reset(loudness_t *m)
{
	ebur128_state *fresh = ebur128_init(2, (unsigned long)m->rate, m->st->mode);
	if (fresh) {
		ebur128_destroy(&m->st);
		m->st = fresh;
	}
	m->block_fill = 0;
	m->block_pos = 0;
	memset(&m->cur, 0, sizeof(m->cur));
	memset(m->blocks, 0, sizeof(m->blocks));
	memset(&m->all, 0, sizeof(m->all));
}

void loudness_add(loudness_t *m, const float *frames, size_t n)
{
	ebur128_add_frames_float(m->st, frames, n);
	for (size_t i = 0; i < n; i++) {
		double l = frames[2 * i], r = frames[2 * i + 1];
		m->cur.lr += l * r;
		m->cur.ll += l * l;
		m->cur.rr += r * r;
		if (++m->block_fill == m->block_len) {
			m->blocks[m->block_pos] = m->cur;
			m->block_pos = (m->block_pos + 1) % CORR_BLOCKS;
			m->all.lr += m->cur.lr;
			m->all.ll += m->cur.ll;
			m->all.rr += m->cur.rr;
			memset(&m->cur, 0, sizeof(m->cur));
			m->block_fill = 0;
		}
	}
}

/* Pearson's correlation about zero, as correlation meters show it:
 * +1 mono, 0 unrelated (or one side silent), -1 out of phase.  Silence
 * reads +1: it cancels nothing when summed to mono. */
static double correlation(corr_sums_t s)
{
	const double quiet = 1e-12;
	if (s.ll < quiet && s.rr < quiet)
		return 1.0;
	if (s.ll < quiet || s.rr < quiet)
		return 0.0;
	double c = s.lr / sqrt(s.ll * s.rr);
	return c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
}

static double or_silent(int err, double v)
{
	return err == EBUR128_SUCCESS && isfinite(v) ? v : -HUGE_VAL;
}

void loudness_read(loudness_t *m, loudness_reading_t *r)
{
	double v = 0.0;
	int err = ebur128_loudness_momentary(m->st, &v);
	r->momentary = or_silent(err, v);
	err = ebur128_loudness_shortterm(m->st, &v);
	r->shortterm = or_silent(err, v);
	err = ebur128_loudness_global(m->st, &v);
	r->integrated = or_silent(err, v);
	err = ebur128_loudness_range(m->st, &v);
	r->range = err == EBUR128_SUCCESS && isfinite(v) ? v : 0.0;

	double peak = 0.0;
	for (unsigned ch = 0; ch < 2; ch++) {
		double p = 0.0;
		if (ebur128_true_peak(m->st, ch, &p) == EBUR128_SUCCESS && p > peak)
			peak = p;
	}
	r->true_peak = peak > 0.0 ? 20.0 * log10(peak) : -HUGE_VAL;

	corr_sums_t w = m->cur;
	for (int i = 0; i < CORR_BLOCKS; i++) {
		w.lr += m->blocks[i].lr;
		w.ll += m->blocks[i].ll;
		w.rr += m->blocks[i].rr;
	}
	r->correlation = correlation(w);
	corr_sums_t a = m->all;
	a.lr += m->cur.lr;
	a.ll += m->cur.ll;
	a.rr += m->cur.rr;
	r->correlation_all = correlation(a);
}
