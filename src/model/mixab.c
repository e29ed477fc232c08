/*
 * mixab: mixer snapshots and the level-matched A/B compare (see mixab.h).
 */
#include <assert.h>
#include <math.h>
#include <string.h>
#include "mixab.h"

void mix_snap_take(mix_snap_t *m, const song_t *s)
{
	m->channels = s->channels;
	memcpy(m->channel, s->channel, sizeof(m->channel));
	memcpy(m->bus, s->bus, sizeof(m->bus));
	m->master = s->master;
}

void mix_snap_put(const mix_snap_t *m, song_t *s)
{
	for (int ch = 0; ch < m->channels && ch < s->channels; ch++) {
		channel_t c = m->channel[ch];
		memcpy(c.name, s->channel[ch].name, sizeof(c.name));
		c.mute = s->channel[ch].mute;
		c.solo = s->channel[ch].solo;
		s->channel[ch] = c;
	}
	memcpy(s->bus, m->bus, sizeof(s->bus));
	s->master = m->master;
}

static bool units_same(const fx_unit_t *a, const fx_unit_t *b)
{
	return a->type == b->type && a->bypass == b->bypass && a->sidechain == b->sidechain &&
	       !memcmp(a->param, b->param, sizeof(a->param));
}

static bool channel_same(const channel_t *a, const channel_t *b)
{
	if (a->volume != b->volume || a->pan != b->pan || a->nfx != b->nfx ||
	    memcmp(a->send, b->send, sizeof(a->send)) || memcmp(a->macro, b->macro, sizeof(a->macro)))
		return false;
	for (int k = 0; k < a->nfx; k++)
		if (!units_same(&a->fx[k], &b->fx[k]))
			return false;
	return true;
}

bool mix_snap_same(const mix_snap_t *m, const song_t *s)
{
	for (int ch = 0; ch < s->channels; ch++)
		if (!channel_same(&m->channel[ch], &s->channel[ch]))
			return false;
	for (int b = 0; b < SONG_SENDS; b++)
		if (m->bus[b].volume != s->bus[b].volume || !units_same(&m->bus[b].fx, &s->bus[b].fx))
			return false;
	const master_t *x = &m->master, *y = &s->master;
	return x->volume == y->volume && x->eq_on == y->eq_on && x->comp_on == y->comp_on &&
	       x->limiter_on == y->limiter_on && units_same(&x->eq, &y->eq) &&
	       units_same(&x->comp, &y->comp) && units_same(&x->limiter, &y->limiter);
}

int mixab_init(mixab_t *ab, int rate)
{
	memset(ab, 0, sizeof(*ab));
	ab->rate = rate;
	ab->match = true;
	ab->meter[0] = loudness_create(rate);
	ab->meter[1] = loudness_create(rate);
	if (!ab->meter[0] || !ab->meter[1]) {
		mixab_deinit(ab);
		return -1;
	}
	return 0;
}

void mixab_deinit(mixab_t *ab)
{
	loudness_destroy(ab->meter[0]);
	loudness_destroy(ab->meter[1]);
	ab->meter[0] = ab->meter[1] = NULL;
}

static void reset_side(mixab_t *ab, int side)
{
	loudness_reset(ab->meter[side]);
	ab->heard[side] = 0.0;
}

void mixab_start(mixab_t *ab, const song_t *s)
{
	mix_snap_take(&ab->other, s);
	ab->on = true;
	ab->cur = 1;
	for (int i = 0; i < 2; i++) {
		reset_side(ab, i);
		ab->have[i] = false;
		ab->feeding_at[i] = ab->at[i] = 0.0f;
	}
}

void mixab_flip(mixab_t *ab, song_t *s)
{
	if (!ab->on)
		return;
	static_assert(sizeof(mix_snap_t) < 256 * 1024, "a snapshot fits on the stack");
	mix_snap_t tmp;
	mix_snap_take(&tmp, s);
	mix_snap_put(&ab->other, s);
	ab->other = tmp;
	ab->cur ^= 1;
}

void mixab_keep(mixab_t *ab)
{
	ab->on = false;
}

void mixab_changed(mixab_t *ab)
{
	if (!ab->on)
		return;
	reset_side(ab, ab->cur);
	ab->have[ab->cur] = false;
}

void mixab_feed(mixab_t *ab, const float *frames, size_t n, float offset_db)
{
	if (!ab->on || !n)
		return;
	int c = ab->cur;
	if (offset_db != ab->feeding_at[c]) {
		/* A new offset: a new measurement; the last one stands till then. */
		reset_side(ab, c);
		ab->feeding_at[c] = offset_db;
	}
	loudness_add(ab->meter[c], frames, n);
	ab->heard[c] += (double)n / ab->rate;
	if (ab->heard[c] >= MIXAB_MEASURE_S) {
		loudness_reading_t r;
		loudness_read(ab->meter[c], &r);
		if (isfinite(r.integrated)) {
			ab->lufs[c] = r.integrated;
			ab->at[c] = offset_db;
			ab->have[c] = true;
		}
	}
}

double mixab_loudness(mixab_t *ab, int side)
{
	return ab->have[side] ? ab->lufs[side] : -HUGE_VAL;
}

float mixab_offset(mixab_t *ab)
{
	int c = ab->cur, o = c ^ 1;
	if (!ab->on || !ab->match || !ab->have[c] || !ab->have[o])
		return 0.0f;
	/* Each side's own level, as if played without an offset (a first
	 * guess: the chain is not quite linear). */
	double mine = ab->lufs[c] - ab->at[c], theirs = ab->lufs[o] - ab->at[o];
	if (mine <= theirs)
		return 0.0f;   /* the quieter side plays as it is */
	/* The quieter side's loudness, from its measurement without offset. */
	double target = ab->at[o] == 0.0f ? ab->lufs[o] : theirs;
	double next = ab->at[c] + (target - ab->lufs[c]);
	if (fabs(next - ab->at[c]) < MIXAB_DEADBAND_DB)
		next = ab->at[c];
	return next > 0.0 ? 0.0f : (float)next;
}
