/*
 * engine_voice: starting and stopping voices (see engine.c for the whole).
 */
#include "engine_internal.h"

/* ------------------------------------------------------------------ */
/* voices                                                               */




/* A free voice, or the oldest voice that no channel owns any more. */
static voice_t *voice_alloc(engine_t *e)
{
	voice_t *oldest = NULL;
	for (int i = 0; i < e->nvoices; i++) {
		voice_t *v = &e->voices[i];
		if (!v->active)
			return v;
		if (!v->attached && (!oldest || v->serial < oldest->serial))
			oldest = v;
	}
	return oldest;
}







/* An E9x restart after the row's first tick: the note starts again over
 * itself, so its sample's first frame would click in. */
static bool chan_retriggers(const engine_t *e, const chan_t *c)
{
	return e->tick > 0 && c->fx == FX_EXTENDED && (c->param >> 4) == 0x9;
}


/* The slice a note plays on a sampler with slices on notes (-1: none, the
 * whole sample plays as before). */
static int note_slice(const chan_t *c, const sampler_params_t *p)
{
	if (p->nslices < 1 || p->slice_offsets)
		return -1;
	int k = (int)lround(c->pitch / PITCH_PER_SEMITONE) - p->root;
	return k >= 0 && k < p->nslices ? k : -1;
}

/* ProTracker's and ST3's notes as libxmp mixes them: every sample note
 * fades in over 1/400 s (120 frames at 48 kHz, measured on xmp's
 * renders), from silence or over the note it replaces, where beatty's
 * own start plays the sample's first frame at once. */
#define TRACKER_FADE_IN_S (1.0 / 400.0)

static bool tracker_fades_in(const engine_t *e)
{
	return e->song->rules == RULES_PROTRACKER || e->song->rules == RULES_ST3;
}

/* FT2's volume envelope at tick pos: straight lines between its points,
 * the first level before them and the last after them. */
static float env_level(const ft2_env_t *env, int pos)
{
	if (pos <= env->tick[0])
		return env->level[0];
	for (int k = 0; k + 1 < env->n; k++)
		if (pos < env->tick[k + 1]) {
			int t0 = env->tick[k], t1 = env->tick[k + 1];
			return env->level[k] + (float)(env->level[k + 1] - env->level[k]) * (float)(pos - t0) /
			       (float)(t1 - t0);
		}
	return env->level[env->n - 1];
}

/* A new note or instrument number starts the envelope afresh. */
void eng_env_reset(chan_t *c, const instrument_t *in)
{
	c->env_pos = 0;
	c->env_released = false;
	c->env_fade = 65536;
	c->env_gain = in && has_env(in) ? env_level(&in->sampler.env, 0) / 64.0f : 1.0f;
}

/* The tick after pos: held at the sustain point until the note is let
 * go, back to the loop's start at its end. */
static int ft2_env_next(const ft2_env_t *env, int pos, bool released)
{
	bool hold = env->sus_on && !released && env->sustain < env->n &&
	            pos == env->tick[env->sustain];
	if (hold || pos > ENV_MAX_TICK)
		return pos;
	pos++;
	if (env->loop_on && env->loop_end < env->n && pos >= env->tick[env->loop_end])
		pos = env->tick[env->loop_start];
	return pos;
}

/* One tick of the envelope: this tick's level, then on to the next
 * tick, unless held at the sustain point until a note-off; the loop
 * goes back to its start at its end.  Released, the note loses the
 * fadeout each tick. */
void eng_env_step(chan_t *c, const instrument_t *in)
{
	const ft2_env_t *env = &in->sampler.env;
	if (c->env_released || c->fade_only)
		c->env_fade = c->env_fade > env->fadeout ? c->env_fade - env->fadeout : 0;
	c->env_gain = env_level(env, c->env_pos) / 64.0f * (float)c->env_fade / 65536.0f;
	c->env_pos = ft2_env_next(env, c->env_pos, c->env_released);
}

/* FT2's fadeout of a note without a volume envelope (as xmp plays it):
 * an off with an instrument number or a volume beside it lets the note
 * fade by the instrument's fadeout a tick instead of cutting it; a
 * retrigger goes on fading, a new note or instrument number ends it. */
void eng_fade_start(chan_t *c)
{
	c->fade_only = true;
}

/* A note or an instrument number: a note without an envelope no longer
 * fades (one with an envelope starts its own afresh where FT2 does). */
void eng_fade_stop(chan_t *c, const instrument_t *in)
{
	c->fade_only = false;
	if (!in || !has_env(in)) {
		c->env_fade = 65536;
		c->env_gain = 1.0f;
	}
}

/* A note (without an instrument number, or with one after it has done
 * its part) under FT2's rules, as xmp plays them: the fadeout starts
 * again from full; a note with an envelope that was fading or let go
 * goes on fading from there, one without stops. */
void eng_fade_note(chan_t *c, const instrument_t *in)
{
	c->env_fade = 65536;
	if (!in || !has_env(in)) {
		c->fade_only = false;
		c->env_gain = 1.0f;
	}
}

void eng_fade_step(chan_t *c, const instrument_t *in)
{
	int f = in->type == INST_SAMPLER ? in->sampler.env.fadeout : 0;
	c->env_gain = (float)c->env_fade / 65536.0f;
	c->env_fade = c->env_fade > f ? c->env_fade - f : 0;
}

/* FT2's panning envelope: restarted where the volume envelope is, let
 * go by the same note-off, stepped a tick at a time as it is (held at
 * the sustain point until the off, looping), with no fadeout. */
void eng_penv_reset(chan_t *c)
{
	c->penv_pos = 0;
	c->penv_released = false;
}

void eng_penv_step(chan_t *c, const instrument_t *in)
{
	const ft2_env_t *env = &in->sampler.penv;
	c->pan_env = (env_level(env, c->penv_pos) - 32.0f) / 32.0f;
	c->penv_pos = ft2_env_next(env, c->penv_pos, c->penv_released);
}

void eng_chan_trigger(engine_t *e, int ch, int64_t offset)
{
	chan_t *c = &e->chan[ch];
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
	bool fade_in = tracker_fades_in(e);
	chan_detach(c, true);
	if (!in)
		return;
	if (in->type == INST_SAMPLER && !in->sampler.sample.data)
		return;
	voice_t *v = voice_alloc(e);
	if (!v)
		return;
	bool stolen = v->active;   /* it was the oldest releasing voice */
	if (stolen)
		v->active = false;
	v->active = true;
	v->attached = true;
	v->live = false;
	v->channel = ch;
	v->inst = in;
	v->serial = ++e->serial;
	v->freq = chan_freq(c);
	v->gain = v->gain_target = voice_level(e, c, in);
	if (in->type == INST_SYNTH) {
		memset(&v->u.syn, 0, sizeof(v->u.syn));
		/* Noise seeded from where the note falls: deterministic, yet
		 * two hits of a hat are not bit-identical. */
		uint32_t seed = (uint32_t)(e->frame * 2654435761u) ^ (uint32_t)(ch * 40503u + 1u);
		synth_voice_start(&v->u.syn, &in->synth, (float)e->rate, seed);
	} else {
		memset(&v->u.smp, 0, sizeof(v->u.smp));
		int k = note_slice(c, &in->sampler);
		if (k >= 0) {
			/* each note up from the root is the next slice, at the
			 * root's pitch */
			double ratio = exp2((in->sampler.root * PITCH_PER_SEMITONE - c->pitch) /
			                    (12.0 * PITCH_PER_SEMITONE));
			sampler_voice_start_slice(&v->u.smp, &in->sampler, (float)e->rate, k, ratio);
		} else {
			sampler_voice_start(&v->u.smp, &in->sampler, (float)e->rate, offset);
		}
		if (fade_in)
			sampler_voice_fade_in(&v->u.smp, TRACKER_FADE_IN_S);
		if (stolen || chan_retriggers(e, c))
			sampler_voice_declick(&v->u.smp);
		v->u.smp.interp = in->sampler.interp != INTERP_AUTO ? in->sampler.interp : e->interp;
	}
	c->voice = v;
}
