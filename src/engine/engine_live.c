/*
 * engine_live: live mixing: chain and parameter changes while playing.
 */
#include "engine_internal.h"

/* ------------------------------------------------------------------ */
/* live mixing                                                          */

/* Why chain changes work this way: every unit's state is allocated at
 * engine_create, sized from the song, and the audio thread must never
 * allocate.  A unit added while playing therefore gets its state made
 * (and initialised) by the caller on its own thread; engine_fx_chain()
 * only moves pointers.  Units that stay keep their state, so a reverb
 * moved up the chain keeps its tail.  States that came that way are
 * marked own and handed back when they leave the chain; those inside
 * the creation block (fxmem) simply stop being used. */

static fx_slot_t *live_slot(engine_t *e, int ch, int k)
{
	const song_t *s = e->song;
	if (ch >= 0)
		return ch < s->channels && k >= 0 && k < s->channel[ch].nfx ? &e->chan[ch].unit[k] : NULL;
	if (ch == ENGINE_FX_BUS)
		return k >= 0 && k < SONG_SENDS ? &e->busfx[k] : NULL;
	if (ch == ENGINE_FX_MASTER)
		return k >= 0 && k < 3 ? &e->mfx[k] : NULL;
	return NULL;
}

void engine_fx_param(engine_t *e, int ch, int k, int param, float value)
{
	fx_slot_t *slot = live_slot(e, ch, k);
	if (!slot || !slot->ops || param < 0 || param >= slot->ops->nparams || !isfinite(value))
		return;
	slot->param[param] = value;
	if (slot->ops->set)
		slot->ops->set(slot->st, slot->param);
	if (ch >= 0)
		chan_wake(&e->chan[ch]);
	else if (ch == ENGINE_FX_BUS)
		e->bus_quiet[k] = 0, e->bus_idle[k] = false;
}

void *engine_fx_state_new(fx_type_t type, int rate, const float *params)
{
	const fx_ops_t *ops = fx_ops(type);
	if (!ops || rate < 8000 || rate > 384000)
		return NULL;
	size_t n = ops->state_size ? align16(ops->state_size(rate)) : 16;
	void *st = aligned_alloc(16, n ? n : 16);
	if (st && ops->init)
		ops->init(st, rate, params);
	return st;
}

void engine_fx_state_free(void *st)
{
	free(st);
}

void engine_fx_chain(engine_t *e, int ch, const int *from, void *const *fresh, void **dead)
{
	for (int k = 0; k < ENGINE_FX_DEAD_MAX; k++)
		dead[k] = NULL;
	const song_t *s = e->song;
	if (ch < 0 || ch >= s->channels)
		return;
	const channel_t *sc = &s->channel[ch];
	fx_slot_t *old = e->chan[ch].unit, next[SONG_FX_CHAIN_MAX];
	bool used[SONG_FX_CHAIN_MAX] = { false };
	memset(next, 0, sizeof(next));
	int ndead = 0;
	for (int k = 0; k < sc->nfx && k < SONG_FX_CHAIN_MAX; k++) {
		const fx_ops_t *ops = fx_ops(sc->fx[k].type);
		int f = from[k];
		fx_slot_t *n = &next[k];
		if (f >= 0 && f < SONG_FX_CHAIN_MAX && !used[f] && old[f].st && old[f].ops == ops) {
			used[f] = true;
			*n = old[f];
			memcpy(n->param, sc->fx[k].param, sizeof(n->param));
			if (ops->set)
				ops->set(n->st, n->param);
		} else if (fresh[k]) {
			n->ops = ops;
			n->st = fresh[k];
			n->own = true;
			memcpy(n->param, sc->fx[k].param, sizeof(n->param));
		}
		/* else: no state; the unit stays silent-through (run_slot skips it) */
	}
	for (int k = 0; k < SONG_FX_CHAIN_MAX; k++) {
		if (!used[k] && old[k].own)
			dead[ndead++] = old[k].st;
		/* a fresh state the chain did not take goes back too */
		bool taken = false;
		for (int j = 0; j < SONG_FX_CHAIN_MAX && fresh[k]; j++)
			taken |= next[j].st == fresh[k];
		if (fresh[k] && !taken)
			dead[ndead++] = fresh[k];
	}
	memcpy(old, next, sizeof(next));
	chan_wake(&e->chan[ch]);
	engine_mix_changed(e);
}

void engine_mix_changed(engine_t *e)
{
	/* Each block reads the routing afresh (block_prepare): nothing is
	 * cached here. */
	(void)e;
}

int engine_set_pool(engine_t *e, workpool_t *pool)
{
	int n = workpool_threads(pool);
	if (n != e->nworkers) {
		worker_scratch_t *ws = aligned_alloc(64, (size_t)n * sizeof(worker_scratch_t));
		if (!ws)
			return -1;
		free(e->ws);
		e->ws = ws;
		e->nworkers = n;
	}
	e->pool = pool;
	return 0;
}

void engine_set_share_min(engine_t *e, int work)
{
	e->share_min = work;
}

void engine_set_rest(engine_t *e, bool on)
{
	e->rest = on;
}

int64_t engine_rested(const engine_t *e)
{
	int64_t n = e->bus_rested;
	for (int ch = 0; ch < e->song->channels; ch++)
		n += e->chan[ch].rested;
	return n;
}

void engine_set_meters(engine_t *e, bool on)
{
	atomic_store_explicit(&e->meters_on, on, memory_order_relaxed);
}
