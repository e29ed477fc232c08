/*
 * engine: sequencer, channels and voices; the one renderer behind
 * `beatty render`, live playback and the tests.
 *
 * Time is cut at tick boundaries.  A tick lasts
 *
 *     rate * 60 * (100 +- swing) / (bpm * lpb * tpl * 100)   frames,
 *
 * kept as an exact integer fraction: each tick adds the numerator to an
 * accumulator and takes the whole frames out, so row N of a steady song
 * starts at floor(N * rate * 60 / (bpm * lpb)) exactly and nothing
 * drifts, at any rate.  Inside a tick audio is rendered in blocks of at
 * most ENGINE_BLOCK frames:
 *
 *   voices --(note gain, smoothed)--> channel bus --(fader, pan)--> master
 *
 * Effect commands follow ProTracker/FastTracker 2: row effects on tick 0,
 * slides on the ticks after it.  Pitch is linear (1/64 semitone units).
 *
 * A fixed pool of voices is allocated by engine_create; rendering
 * allocates nothing, takes no lock and does no I/O, and runs with
 * denormals flushed.  An engine reads its song and writes only itself,
 * so an offline render and live playback can run side by side.
 */
#include "engine_internal.h"

/* ------------------------------------------------------------------ */
/* public API                                                           */

/* Every unit the song uses, in a fixed order: channel chains, buses,
 * master.  Calls fn for each with its slot and the song's unit. */
typedef void (*slot_fn)(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg);
static void each_slot(engine_t *e, slot_fn fn, void *arg)
{
	const song_t *s = e->song;
	for (int ch = 0; ch < s->channels; ch++)
		for (int k = 0; k < s->channel[ch].nfx; k++)
			fn(e, &e->chan[ch].unit[k], &s->channel[ch].fx[k], arg);
	for (int b = 0; b < SONG_SENDS; b++)
		fn(e, &e->busfx[b], &s->bus[b].fx, arg);
	fn(e, &e->mfx[0], &s->master.eq, arg);
	fn(e, &e->mfx[1], &s->master.comp, arg);
	fn(e, &e->mfx[2], &s->master.limiter, arg);
}


static void slot_size(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg)
{
	slot->ops = fx_ops(u->type);
	if (slot->ops && slot->ops->state_size)
		*(size_t *)arg += align16(slot->ops->state_size(e->rate));
}

static void slot_place(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg)
{
	char **p = arg;
	slot->st = *p;
	if (slot->ops && slot->ops->state_size)
		*p += align16(slot->ops->state_size(e->rate));
}

static void slot_init(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg)
{
	memcpy(slot->param, u->param, sizeof(slot->param));
	if (slot->ops && slot->ops->init)
		slot->ops->init(slot->st, e->rate, slot->param);
}

/* The longest any unit may stay silent while it still holds sound (a
 * delay between echoes), in frames at the tempo the song ended on. */
void eng_slot_tail(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg)
{
	int64_t *w = arg;
	if (!u->bypass && slot->ops && slot->ops->gap) {
		int64_t f = slot->ops->gap(slot->st, e->bpm);
		if (f > *w)
			*w = f;
	}
}

static bool song_uses_sinc(const song_t *song)
{
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (song->inst[i] && song->inst[i]->type == INST_SAMPLER &&
		    song->inst[i]->sampler.interp == INTERP_SINC)
			return true;
	return false;
}

engine_t *engine_create(const song_t *song, int rate)
{
	if (rate < 8000 || rate > 384000 || song->channels < 1 || song->channels > SONG_MAX_CHANNELS)
		return NULL;
	engine_t *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->song = song;
	e->rate = rate;
	e->smooth = 1.0f - expf(-1.0f / (SMOOTH_SECONDS * (float)rate));
	float rms = -1.0f / (METER_RMS_SECONDS * (float)rate);
	float fall = -METER_FALL_DB_S / 20.0f * logf(10.0f) / (float)rate;
	for (int n = 0; n <= ENGINE_BLOCK; n++) {
		e->meter_keep[n] = expf(rms * (float)n);
		e->meter_drop[n] = expf(fall * (float)n);
	}
	atomic_init(&e->meters_on, true);
	e->rest = true;
	e->share_min = PARALLEL_MIN_WORK;
	e->master_on = true;
	e->interp = INTERP_CUBIC;
	/* The sinc's tables (built once per process, 6 ms) before any audio
	 * thread needs them: now when the song asks for the sinc, else when
	 * engine_set_interpolation does.  A song that only uses cubic never
	 * pays for them. */
	if (song_uses_sinc(song))
		sampler_init();
	e->nvoices = song->channels * VOICES_PER_CHANNEL;
	e->voices = calloc((size_t)e->nvoices, sizeof(voice_t));
	e->bus = calloc((size_t)song->channels * 2 * ENGINE_BLOCK, sizeof(float));
	e->raw = calloc((size_t)song->channels * 2 * ENGINE_BLOCK, sizeof(float));
	e->vorder = calloc((size_t)e->nvoices, sizeof(int));
	e->nworkers = 1;
	e->ws = aligned_alloc(64, sizeof(worker_scratch_t));
	for (int ch = 0; ch < SONG_MAX_CHANNELS; ch++)
		atomic_init(&e->voices_done[ch], 0);
	size_t fxbytes = 0;
	each_slot(e, slot_size, &fxbytes);
	e->fxmem = fxbytes ? aligned_alloc(16, fxbytes) : NULL;
	if (!e->voices || !e->bus || !e->raw || !e->vorder || !e->ws || (fxbytes && !e->fxmem)) {
		engine_destroy(e);
		return NULL;
	}
	char *p = e->fxmem;
	each_slot(e, slot_place, &p);
	engine_start(e, 0, 0);
	return e;
}

void engine_destroy(engine_t *e)
{
	if (!e)
		return;
	for (int ch = 0; ch < SONG_MAX_CHANNELS; ch++)
		for (int k = 0; k < SONG_FX_CHAIN_MAX; k++)
			if (e->chan[ch].unit[k].own)
				engine_fx_state_free(e->chan[ch].unit[k].st);
	free(e->voices);
	free(e->bus);
	free(e->raw);
	free(e->vorder);
	free(e->ws);
	free(e->fxmem);
	free(e->stem_ring);
	free(e);
}

void engine_set_interpolation(engine_t *e, interp_t mode)
{
	e->interp = mode == INTERP_AUTO ? INTERP_CUBIC : mode;
	if (e->interp == INTERP_SINC)
		sampler_init();
}

void engine_set_master(engine_t *e, bool on)
{
	e->master_on = on;
	engine_start(e, 0, 0);
}

int engine_latency(const engine_t *e)
{
	return e->latency;
}

int engine_stem_count(const engine_t *e)
{
	return e->song->channels + SONG_SENDS;
}

int engine_enable_stems(engine_t *e)
{
	free(e->stem_ring);
	e->stem_ring = NULL;
	if (e->latency > 0) {
		e->stem_ring = calloc((size_t)engine_stem_count(e) * 2 * (size_t)e->latency, sizeof(float));
		if (!e->stem_ring)
			return -1;
	}
	e->nstems = engine_stem_count(e);
	engine_start(e, 0, 0);
	return 0;
}

void engine_start(engine_t *e, int order, int row)
{
	const song_t *s = e->song;
	memset(e->voices, 0, (size_t)e->nvoices * sizeof(voice_t));
	memset(e->visited, 0, sizeof(e->visited));
	for (int ch = 0; ch < SONG_MAX_CHANNELS; ch++) {
		chan_t *c = &e->chan[ch];
		fx_slot_t keep[SONG_FX_CHAIN_MAX];
		memcpy(keep, c->unit, sizeof(keep));
		memset(c, 0, sizeof(*c));
		memcpy(c->unit, keep, sizeof(keep));
	}
	for (int ch = 0; ch < s->channels; ch++) {
		chan_t *c = &e->chan[ch];
		const channel_t *sc = &s->channel[ch];
		c->vol = 64;
		c->pan = sc->pan;
		c->delay_tick = -1;
		c->fx = FX_NONE;
		float pl, pr, g = sc->mute ? 0.0f : db_to_gain(sc->volume);
		if (s->rules == RULES_FT2)
			pan_gains_linear(c->pan, &pl, &pr);
		else
			pan_gains(c->pan, &pl, &pr);
		c->gain_l = g * pl;
		c->gain_r = g * pr;
		for (int b = 0; b < SONG_SENDS; b++) {
			c->sg[b] = sc->mute ? 0.0f : db_to_gain(sc->send[b]);
		}
	}
	each_slot(e, slot_init, NULL);
	const fx_slot_t *lim = &e->mfx[2];
	e->latency = e->master_on && s->master.limiter_on && lim->ops && lim->ops->latency ?
	             lim->ops->latency(lim->st) : 0;
	if (e->nstems && e->latency > 0 && !e->stem_ring)
		e->nstems = 0;   /* engine_enable_stems sizes the ring; the latency grew since */
	if (e->stem_ring)
		memset(e->stem_ring, 0, (size_t)e->nstems * 2 * (size_t)e->latency * sizeof(float));
	e->ring_pos = 0;
	e->skip = e->latency;
	e->flush = 0;
	e->flushing = false;
	e->quiet = 0;
	memset(e->bus_quiet, 0, sizeof(e->bus_quiet));
	memset(e->bus_idle, 0, sizeof(e->bus_idle));
	e->bus_rested = 0;
	memset(&e->master_meter, 0, sizeof(e->master_meter));
	e->bpm = s->bpm;
	e->tpl = s->tpl;
	e->order = order >= 0 && order < s->norders ? order : 0;
	const pattern_t *p = cur_pattern(e);
	e->row = p && row >= 0 && row < p->rows ? row : 0;
	e->tick = 0;
	e->started = false;
	e->stopped = false;
	e->ended = e->done = !p || s->norders < 1;
	e->frame = e->tail_frames = 0;
	e->end_frame = e->ended ? 0 : -1;
	e->tick_left = 0;
	e->acc = e->den = 0;
	e->jump_order = e->jump_row = e->loop_jump_row = -1;
	e->in_loop = false;
	e->start_row = 0;
	e->row_delay = 0;
	e->gvol = 64;
	e->row_repeat = false;
	e->serial = 0;
}

void engine_set_loop(engine_t *e, bool loop)
{
	e->loop = loop;
}

void engine_set_pattern_loop(engine_t *e, bool on)
{
	e->loop_pattern = on;
}

void engine_set_bpm(engine_t *e, int bpm)
{
	if (bpm >= SONG_BPM_MIN && bpm <= SONG_BPM_MAX)
		e->bpm = bpm;
}

void engine_stop(engine_t *e)
{
	e->stopped = true;
	for (int ch = 0; ch < e->song->channels; ch++)
		chan_detach(&e->chan[ch], true);
}

void engine_live_note(engine_t *e, int ch, int inst, int note, int vol)
{
	if (ch < 0 || ch >= e->song->channels)
		return;
	chan_t *c = &e->chan[ch];
	if (note == NOTE_OFF) {
		/* Only a jammed note: the song's own note plays on. */
		if (c->voice && c->voice->live)
			voice_release(c->voice);
		return;
	}
	if (note < NOTE_MIN || note > NOTE_MAX || inst < 1 || inst > SONG_MAX_INSTRUMENTS)
		return;
	/* The voice starts from these values; then the channel gets back
	 * what the song left in it (instrument, volume, pitch), so a row's
	 * note without an instrument or volume plays as the song has it,
	 * whatever was jammed or previewed on the channel before. */
	int inst0 = c->inst, vol0 = c->vol, arp0 = c->arp, trem0 = c->trem_offset;
	double pitch0 = c->pitch, target0 = c->target, vib0 = c->vib_offset;
	c->inst = inst;
	c->pitch = c->target = note * PITCH_PER_SEMITONE;
	c->vol = vol >= 0 && vol <= 64 ? vol : 64;
	c->arp = 0;
	c->vib_offset = 0;
	c->trem_offset = 0;
	eng_chan_trigger(e, ch, 0);
	if (c->voice)
		c->voice->live = true;
	c->inst = inst0;
	c->pitch = pitch0;
	c->target = target0;
	c->vol = vol0;
	c->arp = arp0;
	c->vib_offset = vib0;
	c->trem_offset = trem0;
	eng_auto_apply(e, ch);
}

void engine_forget_inst(engine_t *e, const instrument_t *in)
{
	for (int i = 0; i < e->nvoices; i++) {
		voice_t *v = &e->voices[i];
		if (!v->active || v->inst != in)
			continue;
		if (v->attached && e->chan[v->channel].voice == v)
			e->chan[v->channel].voice = NULL;
		v->active = false;
		v->attached = false;
	}
}

/* After the last row the song is over once the mix has stayed under
 * -90 dBFS for longer than any echo can stay away (at least TAIL_MIN_MS,
 * which no audible tone spends near a zero crossing); then the master's
 * latency is flushed out.  The end lands on an exact frame, whatever the
 * block sizes: returns how many frames of the block just rendered lie
 * past it. */
static int64_t tail_check(engine_t *e)
{
	if (!e->flushing) {
		int64_t window = e->tail_window > (int64_t)e->rate * TAIL_MIN_MS / 1000 ?
		                 e->tail_window : (int64_t)e->rate * TAIL_MIN_MS / 1000;
		int64_t past = e->quiet > window ? e->quiet - window - 1 : -1;
		if (past > e->tail_frames)
			past = e->tail_frames;   /* never before the last row ends */
		int64_t cap = (int64_t)ENGINE_MAX_TAIL * e->rate;
		if (e->tail_frames >= cap && e->tail_frames - cap > past)
			past = e->tail_frames - cap;
		if (past < 0)
			return 0;
		e->flushing = true;
		e->flush = e->latency - past;
	}
	if (e->flush > 0)
		return 0;
	e->done = true;
	return -e->flush;
}

size_t eng_render(engine_t *e, float *out, float *const *stems, size_t frames)
{
	unsigned long fpmode = dsp_denormals_off();
	size_t done = 0;
	e->stem_out = stems;
	while (done < frames && !e->done) {
		bool seq = !e->ended && !e->stopped;
		if (seq && e->tick_left == 0) {
			eng_tick_start(e);
			continue;
		}
		/* Blocks never cross the grid of ENGINE_BLOCK frames that resting
		 * chains are decided on. */
		size_t n = frames - done, to_grid = ENGINE_BLOCK - (size_t)(e->frame % ENGINE_BLOCK);
		if (n > to_grid)
			n = to_grid;
		if (seq && (int64_t)n > e->tick_left)
			n = (size_t)e->tick_left;
		bool emit = e->skip == 0;
		if (!emit && (int64_t)n > e->skip)
			n = (size_t)e->skip;
		e->stem_off = done;
		eng_render_block(e, emit ? out + 2 * done : e->scratch, (int)n, emit);
		e->frame += (int64_t)n;
		if (emit)
			done += n;
		else
			e->skip -= (int64_t)n;
		if (e->stopped) {
			/* Stopped live: voices and effects ring out, then silence, for
			 * as long as the device asks. */
		} else if (!e->ended) {
			e->tick_left -= (int64_t)n;
		} else {
			e->tail_frames += (int64_t)n;
			if (e->flushing)
				e->flush -= (int64_t)n;
			int64_t past = tail_check(e);
			if (emit)
				done -= (size_t)past;
		}
	}
	memset(out + 2 * done, 0, (frames - done) * 2 * sizeof(float));
	for (int k = 0; stems && k < e->nstems; k++)
		if (stems[k])
			memset(stems[k] + 2 * done, 0, (frames - done) * 2 * sizeof(float));
	e->stem_out = NULL;
	dsp_denormals_restore(fpmode);
	return done;
}

size_t engine_render(engine_t *e, float *out, size_t frames)
{
	return eng_render(e, out, NULL, frames);
}

size_t engine_render_stems(engine_t *e, float *out, float *const *stems, size_t frames)
{
	return eng_render(e, out, stems, frames);
}

void engine_channel_meter(const engine_t *e, int ch, engine_meter_t *pre, engine_meter_t *post)
{
	if (ch < 0 || ch >= SONG_MAX_CHANNELS)
		return;
	if (pre)
		*pre = (engine_meter_t){ pub_load(&e->pub_pre[ch].peak), pub_load(&e->pub_pre[ch].rms) };
	if (post)
		*post = (engine_meter_t){ pub_load(&e->pub_post[ch].peak), pub_load(&e->pub_post[ch].rms) };
}

void engine_master_meter(const engine_t *e, engine_meter_t *m, float *reduction_db)
{
	if (m)
		*m = (engine_meter_t){ pub_load(&e->pub_master.peak), pub_load(&e->pub_master.rms) };
	if (reduction_db)
		*reduction_db = pub_load(&e->pub_reduction);
}

void engine_get_pos(const engine_t *e, engine_pos_t *pos)
{
	const pattern_t *p = cur_pattern(e);
	*pos = (engine_pos_t){
		.order = e->order,
		.pattern = p ? e->song->order[e->order].pattern : -1,
		.row = e->row,
		.tick = e->tick,
		.bpm = e->bpm,
		.tpl = e->tpl,
		.frame = e->frame,
		.ended = e->ended,
		.done = e->done,
	};
}

int64_t engine_end_frame(const engine_t *e)
{
	return e->end_frame;
}

int64_t engine_song_frames(const song_t *song, int rate)
{
	engine_t *e = engine_create(song, rate);
	if (!e)
		return -1;
	/* Only the sequencer runs: tick lengths are summed, nothing sounds. */
	while (!e->ended) {
		if (e->tick_left == 0) {
			eng_tick_start(e);
		} else {
			e->frame += e->tick_left;
			e->tick_left = 0;
		}
	}
	int64_t n = e->end_frame;
	engine_destroy(e);
	return n;
}
