/*
 * engine_auto: automation: the effect commands that move mixer and unit parameters.
 */
#include "engine_internal.h"

/* ------------------------------------------------------------------ */
/* automation (Gxx, Jxx, Kxx, Mxx, Rxx, Sxx, Xxx-Zxx)                   */

static void glide_to(glide_t *g, float target, int ticks, float from)
{
	if (!g->set)
		g->cur = from;
	g->set = true;
	g->target = target;
	if (ticks > 0) {
		g->step = (target - g->cur) / (float)ticks;
		g->left = ticks;
	} else {
		g->cur = target;
		g->left = 0;
	}
}

static void glide_tick(glide_t *g)
{
	if (g->left > 0 && --g->left == 0)
		g->cur = g->target;
	else if (g->left > 0)
		g->cur += g->step;
}

/* Tracker levels: xx/C0 as a linear gain, so C0 is 0 dB. */
static float level_of(int param)
{
	return (float)param / 192.0f;
}

/* The value a 00..FF position gives a parameter (log where it says so,
 * whole steps for choices). */
static float param_at(const fx_param_desc_t *d, float pos)
{
	if (d->choices)
		return floorf(pos * d->max + 0.5f);
	if (d->log && d->min > 0.0f)
		return d->min * powf(d->max / d->min, pos);
	return d->min + (d->max - d->min) * pos;
}

static float param_pos(const fx_param_desc_t *d, float v)
{
	if (d->max <= d->min)
		return 0.0f;
	if (d->log && d->min > 0.0f && v > 0.0f)
		return logf(v / d->min) / logf(d->max / d->min);
	return (v - d->min) / (d->max - d->min);
}

static fx_slot_t *macro_slot(engine_t *e, int ch, int m, const fx_param_desc_t **desc)
{
	const fx_macro_t *mc = &e->song->channel[ch].macro[m];
	if (mc->unit < 0 || mc->unit >= e->song->channel[ch].nfx)
		return NULL;
	fx_slot_t *slot = &e->chan[ch].unit[mc->unit];
	if (!slot->ops || mc->param < 0 || mc->param >= slot->ops->nparams)
		return NULL;
	*desc = &slot->ops->params[mc->param];
	return slot;
}

static void auto_row(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	const channel_t *sc = &e->song->channel[ch];
	int p = c->param, t = c->glide_ticks;
	const fx_param_desc_t *d;
	fx_slot_t *slot;
	switch (c->fx) {
	case FX_GLIDE:
		c->glide_ticks = p;
		break;
	case FX_CUTOFF:
		glide_to(&c->cutoff, log2f(20.0f) + (float)p / 255.0f * log2f(1000.0f), t,
		         c->voice && c->voice->inst->type == INST_SYNTH ?
		         log2f(c->voice->inst->synth.cutoff) : log2f(20.0f) + log2f(1000.0f));
		break;
	case FX_RESONANCE:
		glide_to(&c->reso, (float)p / 255.0f, t,
		         c->voice && c->voice->inst->type == INST_SYNTH ? c->voice->inst->synth.resonance : 0.0f);
		break;
	case FX_FADER:
		glide_to(&c->fader, level_of(p), t, db_to_gain(sc->volume));
		break;
	case FX_SEND_REVERB:
	case FX_SEND_DELAY: {
		int k = c->fx == FX_SEND_REVERB ? 0 : 1;
		glide_to(&c->send[k], level_of(p), t, db_to_gain(sc->send[k]));
		break;
	}
	case FX_MACRO_X:
	case FX_MACRO_Y:
	case FX_MACRO_Z: {
		int m = c->fx - FX_MACRO_X;
		slot = macro_slot(e, ch, m, &d);
		if (slot)
			glide_to(&c->macro[m], (float)p / 255.0f, t,
			         param_pos(d, slot->param[e->song->channel[ch].macro[m].param]));
		break;
	}
	}
}

/* Advances glides and hands the values to voices and units. */
void eng_auto_apply(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	if (e->tick > 0) {
		glide_tick(&c->fader);
		glide_tick(&c->cutoff);
		glide_tick(&c->reso);
		for (int k = 0; k < SONG_SENDS; k++)
			glide_tick(&c->send[k]);
		for (int m = 0; m < SONG_MACROS; m++)
			glide_tick(&c->macro[m]);
	}
	for (int m = 0; m < SONG_MACROS; m++) {
		const fx_param_desc_t *d;
		fx_slot_t *slot;
		if (!c->macro[m].set || !(slot = macro_slot(e, ch, m, &d)))
			continue;
		float v = param_at(d, c->macro[m].cur);
		float *pv = &slot->param[e->song->channel[ch].macro[m].param];
		if (*pv != v) {
			*pv = v;
			slot->ops->set(slot->st, slot->param);
			chan_wake(c);
		}
	}
	voice_t *v = c->voice;
	if (v && v->inst->type == INST_SYNTH) {
		v->u.syn.cutoff_mod = c->cutoff.set ? c->cutoff.cur - log2f(v->inst->synth.cutoff) : 0.0f;
		v->u.syn.reso_set = c->reso.set;
		v->u.syn.reso = c->reso.cur;
	}
}

static void row_start(engine_t *e)
{
	const pattern_t *pat = cur_pattern(e);
	mark_visited(e, e->order, e->row);
	for (int ch = 0; ch < e->song->channels; ch++) {
		chan_t *c = &e->chan[ch];
		const cell_t *cell = song_cell(e->song, pat, e->row, ch);
		c->cell = *cell;
		c->fx = cell->fx ? fxcmd_from_letter(cell->fx) : FX_NONE;
		c->param = cell->param;
		c->delay_tick = -1;
		if (c->fx != FX_VIBRATO && c->fx != FX_VIBRATO_VOL)
			c->vib_offset = 0;
		if (c->fx != FX_TREMOLO)
			c->trem_offset = 0;
		/* (FT2 keeps a tremor's silence until the volume is set) */
		if (c->fx != FX_TREMOR && e->song->rules != RULES_FT2)
			c->tremor_mute = false;
		if (c->fx == FX_EXTENDED && (c->param >> 4) == 0xD && (c->param & 15))
			c->delay_tick = c->param & 15;
		else
			eng_play_cell(e, ch);
		eng_row_effect(e, ch);
		auto_row(e, ch);
	}
}

/* Sets up the tick that starts now: row effects on tick 0, slides on
 * later ticks, then the voices' pitch and volume. */
void eng_tick_start(engine_t *e)
{
	const song_t *s = e->song;
	if (e->started && ++e->tick >= e->tpl) {
		e->tick = 0;
		if (!eng_next_row(e)) {
			eng_song_ends(e);
			return;
		}
	}
	if (!e->started) {
		/* The song may have changed since engine_start() checked the
		 * position (a live edit applied right after the play command):
		 * an order now past the list or without its pattern ends the
		 * song, a row past a shortened pattern starts it from the top. */
		const pattern_t *pat = cur_pattern(e);
		if (!pat) {
			eng_song_ends(e);
			return;
		}
		if (e->row >= pat->rows)
			e->row = 0;
	}
	e->started = true;
	if (e->tick == 0 && !e->row_repeat)
		row_start(e);
	else if (e->tick == 0)
		for (int ch = 0; ch < s->channels; ch++)
			eng_row_repeat(e, ch);
	for (int ch = 0; ch < s->channels; ch++) {
		chan_t *c = &e->chan[ch];
		c->arp = 0;
		if (c->fx == FX_ARPEGGIO && c->param) {
			int t = e->tick % 3;
			/* FT2 counts a row's ticks down from its speed: the steps
			 * follow (speed - tick) mod 3 after the first tick */
			if (s->rules == RULES_FT2 && e->tick > 0)
				t = (e->tpl - e->tick) % 3;
			c->arp = eng_arp(e, c, t == 1 ? c->param >> 4 : t == 2 ? c->param & 15 : 0);
		}
		if (e->tick > 0)
			eng_tick_effect(e, ch);
		if (c->delay_tick == e->tick)
			eng_play_cell(e, ch);
		eng_auto_apply(e, ch);
		if (c->voice && !c->voice->live) {
			c->voice->freq = chan_freq(c);
			if (has_env(c->voice->inst))
				eng_env_step(c, c->voice->inst);
			else if (c->fade_only)
				eng_fade_step(c, c->voice->inst);
			if (has_penv(c->voice->inst))
				eng_penv_step(c, c->voice->inst);
			else
				c->pan_env = 0.0f;
			c->voice->gain_target = voice_level(e, c, c->voice->inst);
		}
	}
	e->tick_left = eng_tick_frames(e);
	if (e->frame + e->tick_left > (int64_t)MAX_SONG_SECONDS * e->rate)
		eng_song_ends(e);
}
