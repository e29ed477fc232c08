/*
 * mixsync: the song's mixer -> the audio side, by difference (see
 * mixsync.h).  `sent` changes only when a message went, so a full ring
 * loses nothing: the next run finds the same difference.
 */
#include <string.h>
#include "mixsync.h"

void mixsync_reset(mixsync_t *m, const song_t *s)
{
	mix_snap_take(&m->sent, s);
	m->offset = 0.0f;
}

void mixsync_match(const channel_t *from, const channel_t *to, int *map)
{
	bool used[SONG_FX_CHAIN_MAX] = { false };
	for (int k = 0; k < to->nfx; k++) {
		map[k] = -1;
		if (k < from->nfx && from->fx[k].type == to->fx[k].type) {
			map[k] = k;
			used[k] = true;
		}
	}
	for (int k = 0; k < to->nfx; k++) {
		if (map[k] >= 0)
			continue;
		for (int j = 0; j < from->nfx; j++)
			if (!used[j] && from->fx[j].type == to->fx[k].type) {
				map[k] = j;
				used[j] = true;
				break;
			}
	}
}

/* Params, bypass and sidechain of one unit in place.  -1: ring full. */
static int sync_unit(bridge_t *b, int ch, int k, fx_unit_t *sent, const fx_unit_t *u)
{
	int n = 0;
	const fx_ops_t *ops = fx_ops(u->type);
	for (int i = 0; ops && i < ops->nparams; i++) {
		if (sent->param[i] == u->param[i])
			continue;
		if (!bridge_set_fx_param(b, ch, k, i, u->param[i]))
			return -1;
		sent->param[i] = u->param[i];
		n++;
	}
	if (sent->bypass != u->bypass) {
		if (!bridge_set_fx_bypass(b, ch, k, u->bypass))
			return -1;
		sent->bypass = u->bypass;
		n++;
	}
	if (ch >= 0 && sent->sidechain != u->sidechain) {
		if (!bridge_set_sidechain(b, ch, k, u->sidechain))
			return -1;
		sent->sidechain = u->sidechain;
		n++;
	}
	return n;
}

static bool chain_shape_same(const channel_t *a, const channel_t *b)
{
	if (a->nfx != b->nfx || memcmp(a->macro, b->macro, sizeof(a->macro)))
		return false;
	for (int k = 0; k < a->nfx; k++)
		if (a->fx[k].type != b->fx[k].type)
			return false;
	return true;
}

#define SENT(call) do { if (!(call)) return -1; n++; } while (0)

static int sync_channel(bridge_t *b, int ch, channel_t *sent, const channel_t *c)
{
	int n = 0;
	if (sent->volume != c->volume) {
		SENT(bridge_set_volume(b, ch, c->volume));
		sent->volume = c->volume;
	}
	if (sent->pan != c->pan) {
		SENT(bridge_set_pan(b, ch, c->pan));
		sent->pan = c->pan;
	}
	if (sent->mute != c->mute) {
		SENT(bridge_set_mute(b, ch, c->mute));
		sent->mute = c->mute;
	}
	if (sent->solo != c->solo) {
		SENT(bridge_set_solo(b, ch, c->solo));
		sent->solo = c->solo;
	}
	for (int k = 0; k < SONG_SENDS; k++) {
		if (sent->send[k] == c->send[k])
			continue;
		SENT(bridge_set_send(b, ch, k, c->send[k] < SONG_SEND_OFF ? SONG_SEND_OFF : c->send[k]));
		sent->send[k] = c->send[k];
	}
	if (!chain_shape_same(sent, c)) {
		int map[SONG_FX_CHAIN_MAX];
		mixsync_match(sent, c, map);
		SENT(bridge_set_chain(b, ch, c, map));
		sent->nfx = c->nfx;
		memcpy(sent->fx, c->fx, sizeof(sent->fx));
		memcpy(sent->macro, c->macro, sizeof(sent->macro));
		return n;
	}
	for (int k = 0; k < c->nfx; k++) {
		int r = sync_unit(b, ch, k, &sent->fx[k], &c->fx[k]);
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}

int mixsync_run(mixsync_t *m, bridge_t *b, const song_t *s, float offset_db)
{
	int n = 0, r;
	for (int ch = 0; ch < s->channels && ch < m->sent.channels; ch++) {
		if ((r = sync_channel(b, ch, &m->sent.channel[ch], &s->channel[ch])) < 0)
			return -1;
		n += r;
	}
	for (int k = 0; k < SONG_SENDS; k++) {
		bus_t *sent = &m->sent.bus[k];
		if (sent->volume != s->bus[k].volume) {
			SENT(bridge_set_bus_volume(b, k, s->bus[k].volume));
			sent->volume = s->bus[k].volume;
		}
		if ((r = sync_unit(b, ENGINE_FX_BUS, k, &sent->fx, &s->bus[k].fx)) < 0)
			return -1;
		n += r;
	}
	master_t *ms = &m->sent.master;
	const master_t *mm = &s->master;
	if (ms->volume != mm->volume || m->offset != offset_db || ms->eq_on != mm->eq_on ||
	    ms->comp_on != mm->comp_on || ms->limiter_on != mm->limiter_on) {
		SENT(bridge_set_master(b, mm->volume + offset_db, mm->eq_on, mm->comp_on, mm->limiter_on));
		ms->volume = mm->volume;
		ms->eq_on = mm->eq_on;
		ms->comp_on = mm->comp_on;
		ms->limiter_on = mm->limiter_on;
		m->offset = offset_db;
	}
	fx_unit_t *su[3] = { &ms->eq, &ms->comp, &ms->limiter };
	const fx_unit_t *u[3] = { &mm->eq, &mm->comp, &mm->limiter };
	for (int k = 0; k < 3; k++) {
		if ((r = sync_unit(b, ENGINE_FX_MASTER, k, su[k], u[k])) < 0)
			return -1;
		n += r;
	}
	return n;
}
