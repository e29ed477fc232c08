/*
 * engine_mix: mixing a block: voices into channels, chains, sends, buses and master, meters, resting chains.
 */
#include "engine_internal.h"
#include "vec4.h"

/* ------------------------------------------------------------------ */
/* mixing                                                               */

static bool any_solo(const song_t *s)
{
	for (int ch = 0; ch < s->channels; ch++)
		if (s->channel[ch].solo)
			return true;
	return false;
}

static void pub_store(_Atomic uint32_t *a, float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof(u));
	atomic_store_explicit(a, u, memory_order_relaxed);
}


/* Peak with a falling hold and a 300 ms RMS, published for the UI.  The
 * RMS integrates per block (the block's mean square into the running
 * one), which reads the same to the eye and keeps the loop free of a
 * serial dependency.  Each meter runs once per block, and only while
 * someone reads the meters (engine_set_meters). */
static void meter_run(const engine_t *e, meter_t *m, meter_pub_t *pub, const float *l, const float *r, int n)
{
	/* Four lanes of peaks and of sums of squares, joined at the end: the
	 * peak is the same as frame by frame, the sum differs from a serial
	 * one only in rounding (the meters are for the eye; the sound never
	 * reads them). */
	const v4i mag = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
	v4f pk4 = { 0.0f, 0.0f, 0.0f, 0.0f }, sq4 = pk4;
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f a = v4f_load(l + j), b = v4f_load(r + j);
		v4f al = (v4f)((v4i)a & mag), ar = (v4f)((v4i)b & mag);
		v4i big = al > ar;
		v4f x = (v4f)((big & (v4i)al) | (~big & (v4i)ar));
		v4i up = x > pk4;
		pk4 = (v4f)((up & (v4i)x) | (~up & (v4i)pk4));
		sq4 += a * a + b * b;
	}
	float pk = 0.0f, sq = (sq4[0] + sq4[1]) + (sq4[2] + sq4[3]);
	for (int k = 0; k < 4; k++)
		pk = pk4[k] > pk ? pk4[k] : pk;
	for (; j < n; j++) {
		float al = l[j] < 0.0f ? -l[j] : l[j], ar = r[j] < 0.0f ? -r[j] : r[j];
		float x = al > ar ? al : ar;
		pk = x > pk ? x : pk;
		sq += l[j] * l[j] + r[j] * r[j];
	}
	float keep = e->meter_keep[n];
	float ms = m->ms * keep + (1.0f - keep) * (0.5f * sq / (float)n);
	m->peak = fmaxf(pk, m->peak * e->meter_drop[n]);
	m->ms = ms < 1e-20f ? 0.0f : ms;
	pub_store(&pub->peak, m->peak);
	pub_store(&pub->rms, sqrtf(m->ms));
}


/* Sums into the master and the buses, four frames at a time: the same
 * additions, element by element, in the same order (GCC's -O2 leaves
 * such loops scalar unless told in these words). */

/* d += s */
static void add_to(float *restrict d, const float *restrict s, int n)
{
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f_store(d + j, v4f_load(d + j) + v4f_load(s + j));
	}
	for (; j < n; j++)
		d[j] += s[j];
}

/* x *= g, then d += x */
static void scale_add(float *restrict x, float *restrict d, float g, int n)
{
	const v4f vg = { g, g, g, g };
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f a = v4f_load(x + j) * vg;
		v4f_store(x + j, a);
		v4f_store(d + j, v4f_load(d + j) + a);
	}
	for (; j < n; j++) {
		x[j] *= g;
		d[j] += x[j];
	}
}

static void rest_slot(fx_slot_t *slot, int n)
{
	if (slot->ops && slot->ops->rest && slot->st)
		slot->ops->rest(slot->st, n);
}

static float *chan_bus(const engine_t *e, int ch)
{
	return e->bus + (size_t)ch * 2 * ENGINE_BLOCK;
}

/* The sum of the sidechain source channels' pre-FX, pre-fader signals,
 * in channel order whichever thread adds them. */
static bool sidechain(engine_t *e, worker_scratch_t *w, uint64_t mask, int n)
{
	if (!mask)
		return false;
	memset(w->sc_l, 0, sizeof(w->sc_l));
	memset(w->sc_r, 0, sizeof(w->sc_r));
	for (int ch = 0; ch < e->song->channels; ch++) {
		if (!(mask & (1ull << ch)))
			continue;
		workpool_wait(&e->voices_done[ch], e->job.stamp);
		const float *bl = e->raw + (size_t)ch * 2 * ENGINE_BLOCK, *br = bl + ENGINE_BLOCK;
		add_to(w->sc_l, bl, n);
		add_to(w->sc_r, br, n);
	}
	return true;
}

/* Hands a stem's block to the caller, delayed by the master's latency so
 * every stem lines up with the master output. */
static void stem_emit(engine_t *e, int k, const float *l, const float *r, int n, bool emit)
{
	float *dst = emit && e->stem_out && e->stem_out[k] ? e->stem_out[k] + 2 * e->stem_off : NULL;
	if (e->latency == 0) {
		for (int j = 0; dst && j < n; j++) {
			dst[2 * j] = l[j];
			dst[2 * j + 1] = r[j];
		}
		return;
	}
	float *ring = e->stem_ring + (size_t)k * 2 * (size_t)e->latency;
	int pos = e->ring_pos;
	for (int j = 0; j < n; j++) {
		if (dst) {
			dst[2 * j] = ring[2 * pos];
			dst[2 * j + 1] = ring[2 * pos + 1];
		}
		ring[2 * pos] = l[j];
		ring[2 * pos + 1] = r[j];
		if (++pos == e->latency)
			pos = 0;
	}
}

/* Smoothed gains.  A gain glides to its target by the one-pole step
 * per frame and lands on it exactly.  Only while it moves does a frame
 * carry that serial recurrence; a settled gain leaves a plain loop the
 * compiler vectorises.  A settled step is g + 0, so both loops give the
 * same bits. */
static float glide_step(float g, float t, float k)
{
	g += (t - g) * k;
	return fabsf(g - t) < 1e-6f ? t : g;
}

/* The settled loops below run four frames at a time (vec4.h): each lane
 * does the very multiply and add a scalar frame would, so the bits are
 * the same. */
/* d += s * g, both sides, from frame j on. */
static void add_still(float *restrict dl, float *restrict dr, const float *restrict sl,
                      const float *restrict sr, float g, int j, int n)
{
	const v4f gv = { g, g, g, g };
	for (; j + 4 <= n; j += 4) {
		v4f_store(dl + j, v4f_load(dl + j) + v4f_load(sl + j) * gv);
		v4f_store(dr + j, v4f_load(dr + j) + v4f_load(sr + j) * gv);
	}
	for (; j < n; j++) {
		dl[j] += sl[j] * g;
		dr[j] += sr[j] * g;
	}
}

/* d += s * gain, both sides; returns the gain reached. */
static float add_gained(float *restrict dl, float *restrict dr, const float *restrict sl,
                        const float *restrict sr, float g, float t, float k, int n)
{
	int j = 0;
	for (; j < n && g != t; j++) {
		g = glide_step(g, t, k);
		dl[j] += sl[j] * g;
		dr[j] += sr[j] * g;
	}
	add_still(dl, dr, sl, sr, g, j, n);
	return g;
}

/* add_gained() for a mono source, heard on both sides.  With set, d is
 * taken as cleared and not read: it gets 0.0f + s * gain, the very sum
 * an add onto a cleared buffer makes (a -0.0f product comes out +0.0f). */
static inline float mono_gained(float *restrict dl, float *restrict dr, const float *restrict s,
                                float g, float t, float k, int n, bool set)
{
	int j = 0;
	for (; j < n && g != t; j++) {
		g = glide_step(g, t, k);
		float y = s[j] * g;
		dl[j] = (set ? 0.0f : dl[j]) + y;
		dr[j] = (set ? 0.0f : dr[j]) + y;
	}
	const v4f gv = { g, g, g, g }, z = { 0.0f, 0.0f, 0.0f, 0.0f };
	for (; j + 4 <= n; j += 4) {
		v4f y = v4f_load(s + j) * gv;
		v4f_store(dl + j, (set ? z : v4f_load(dl + j)) + y);
		v4f_store(dr + j, (set ? z : v4f_load(dr + j)) + y);
	}
	for (; j < n; j++) {
		float y = s[j] * g;
		dl[j] = (set ? 0.0f : dl[j]) + y;
		dr[j] = (set ? 0.0f : dr[j]) + y;
	}
	return g;
}

/* d += s, both sides. */
static void add_plain(float *restrict dl, float *restrict dr, const float *restrict sl,
                      const float *restrict sr, int n)
{
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f_store(dl + j, v4f_load(dl + j) + v4f_load(sl + j));
		v4f_store(dr + j, v4f_load(dr + j) + v4f_load(sr + j));
	}
	for (; j < n; j++) {
		dl[j] += sl[j];
		dr[j] += sr[j];
	}
}

/* d += s * g, a gain for each side. */
static void add_two(float *restrict dl, float *restrict dr, const float *restrict sl,
                    const float *restrict sr, float gl, float gr, int n)
{
	const v4f lv = { gl, gl, gl, gl }, rv = { gr, gr, gr, gr };
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f_store(dl + j, v4f_load(dl + j) + v4f_load(sl + j) * lv);
		v4f_store(dr + j, v4f_load(dr + j) + v4f_load(sr + j) * rv);
	}
	for (; j < n; j++) {
		dl[j] += sl[j] * gl;
		dr[j] += sr[j] * gr;
	}
}

/* Fader and pan, in place. */
static void fader_apply(float *restrict l, float *restrict r, float *gl, float *gr, float tl, float tr,
                        float k, int n)
{
	float a = *gl, b = *gr;
	int j = 0;
	for (; j < n && (a != tl || b != tr); j++) {
		a = glide_step(a, tl, k);
		b = glide_step(b, tr, k);
		l[j] *= a;
		r[j] *= b;
	}
	const v4f av = { a, a, a, a }, bv = { b, b, b, b };
	for (; j + 4 <= n; j += 4) {
		v4f_store(l + j, v4f_load(l + j) * av);
		v4f_store(r + j, v4f_load(r + j) * bv);
	}
	for (; j < n; j++) {
		l[j] *= a;
		r[j] *= b;
	}
	*gl = a;
	*gr = b;
}

/* The gain a glide reaches after n frames, for a signal that is silent
 * anyway: the same steps as add_gained(), without the samples. */
static float glide_skip(float g, float t, float k, int n)
{
	for (int j = 0; j < n && g != t; j++)
		g = glide_step(g, t, k);
	return g;
}

/* Whether a frame is under QUIET: fmaxf(|l|, |r|) < QUIET, with fmaxf's
 * rule that a NaN side gives way to the other, without the call. */
static inline bool frame_quiet(float l, float r)
{
	float a = fabsf(l), b = fabsf(r);
	float m = a > b || b != b ? a : b;
	return m < QUIET;
}

/* n frames of zeros in l and r. */
static void zero2(float *restrict l, float *restrict r, int n)
{
	const v4f z = { 0.0f, 0.0f, 0.0f, 0.0f };
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f_store(l + j, z);
		v4f_store(r + j, z);
	}
	for (; j < n; j++)
		l[j] = r[j] = 0.0f;
}

/* ---- resting chains and buses ----------------------------------------
 *
 * A chain that has had no input and given nothing above IDLE_FLOOR for
 * long enough rests: its units are not run and it gives silence.  What
 * still moves in silence keeps running: voices (envelopes) always render,
 * a compressor keyed by other channels follows its key, fader and send
 * glides advance, and a chain only rests once no unit holds gain
 * reduction and every unit's longest silent gap (a delay's echo time)
 * has passed, so a tail above the floor is never cut.  What a resting
 * chain skips is below the floor: when it wakes, its units go on from
 * where they stopped, and the difference from running them through the
 * silence stays under -130 dBFS.
 *
 * Decisions fall on a fixed grid of ENGINE_BLOCK frames from the start
 * (blocks never cross it), for whole cells in which no tick starts, from
 * silence counted frame by frame; so the output does not depend on how
 * the caller splits its requests, nor on the number of workers.  Offline,
 * a note only starts on a tick; live, a jammed note wakes its channel at
 * once. */

/* Index of the last frame, from n - 1 down to from, where l or r is
 * above lim in magnitude; -1 when none is. */
static int last_above(const float *l, const float *r, int from, int n, float lim)
{
	/* Four frames at a time from the end; the first four with a frame
	 * above are then looked through one by one. */
	const v4i mag = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
	const v4f lv = { lim, lim, lim, lim };
	int j = n - 1;
	for (; j - 3 >= from; j -= 4) {
		v4f a = (v4f)((v4i)v4f_load(l + j - 3) & mag), b = (v4f)((v4i)v4f_load(r + j - 3) & mag);
		v4i over = (a > lv) | (b > lv);
		if (over[0] | over[1] | over[2] | over[3])
			break;
	}
	for (; j >= from; j--)
		if (fabsf(l[j]) > lim || fabsf(r[j]) > lim)
			return j;
	return -1;
}

/* Frames of silence after a block whose last sounding frame is last. */
static int64_t quiet_after(int64_t quiet, int last, int n)
{
	return last < 0 ? quiet + n : n - 1 - last;
}

/* A unit that runs through its chain's rest: a compressor keyed by
 * other channels (its gain follows the key, not its own input). */
static bool unit_keyed(const fx_unit_t *u)
{
	return u->type == FX_COMP && u->sidechain;
}

/* Whether the units of a chain (keyed ones aside) may rest: silent for
 * IDLE_HOLD_S plus their longest gap, and none holding gain reduction
 * (which would still be releasing). */
static bool chain_settled(const engine_t *e, const fx_slot_t *slot, const fx_unit_t *u, int nfx,
                          int64_t quiet)
{
	int64_t base = (int64_t)(IDLE_HOLD_S * (float)e->rate), hold = base;
	for (int k = 0; k < nfx; k++) {
		const fx_ops_t *ops = slot[k].ops;
		if (u[k].bypass || !ops || !slot[k].st || unit_keyed(&u[k]))
			continue;
		if (ops->gap && base + ops->gap(slot[k].st, e->bpm) > hold)
			hold = base + ops->gap(slot[k].st, e->bpm);
		if (ops->reduction && ops->reduction(slot[k].st) != 0.0f)
			return false;
	}
	return quiet >= hold;
}

/* Channel ch's voices into its bus, and the bus kept as a sidechain key
 * when some compressor listens to it. */
static void chan_voices(engine_t *e, int ch, worker_scratch_t *w)
{
	const block_job_t *jb = &e->job;
	int n = jb->n;
	float *bl = chan_bus(e, ch), *br = bl + ENGINE_BLOCK;
	bool cleared = false;   /* the bus holds this block's sum so far */
	for (int i = jb->vstart[ch]; i < jb->vstart[ch + 1]; i++) {
		voice_t *v = &e->voices[e->vorder[i]];
		bool stereo;
		bool on = voice_render(w, v, n, &stereo);
		if (stereo) {
			if (!cleared)
				zero2(bl, br, n);
			v->gain = add_gained(bl, br, w->tmp_l, w->tmp_r, v->gain, v->gain_target, e->smooth, n);
		} else if (!cleared) {
			v->gain = mono_gained(bl, br, w->tmp_l, v->gain, v->gain_target, e->smooth, n, true);
		} else {
			v->gain = mono_gained(bl, br, w->tmp_l, v->gain, v->gain_target, e->smooth, n, false);
		}
		cleared = true;
		if (!on) {
			v->active = false;
			if (v->attached) {
				e->chan[v->channel].voice = NULL;
				v->attached = false;
			}
		}
	}
	if (!cleared)
		zero2(bl, br, n);
	if (jb->src & (1ull << ch)) {
		float *rl = e->raw + (size_t)ch * 2 * ENGINE_BLOCK;
		memcpy(rl, bl, (size_t)n * sizeof(float));
		memcpy(rl + ENGINE_BLOCK, br, (size_t)n * sizeof(float));
	}
	atomic_store_explicit(&e->voices_done[ch], jb->stamp, memory_order_release);
}

/* The fader's gain for volume db and the pan's two gains, computed again
 * only when their setting changes (the same calls, so the same bits). */
static float vol_gain(chan_t *c, float db)
{
	if (!c->vol_ok || c->vol_db != db) {
		c->vol_db = db;
		c->vol_g = db_to_gain(db);
		c->vol_ok = true;
	}
	return c->vol_g;
}

/* linear: FastTracker 2's pan law (rules = ft2), else constant power. */
static void pan_cached(chan_t *c, bool linear, float *pl, float *pr)
{
	/* (FT2's panning envelope moves the linear law's pan; without one
	 * ft2_pan is the channel's pan itself) */
	float pan = linear ? ft2_pan(c) : c->pan;
	if (!c->pan_ok || c->pan_at != pan || c->pan_linear != linear) {
		c->pan_at = pan;
		c->pan_linear = linear;
		if (linear)
			pan_gains_linear(pan, &c->pan_l, &c->pan_r);
		else
			pan_gains(pan, &c->pan_l, &c->pan_r);
		c->pan_ok = true;
	}
	*pl = c->pan_l;
	*pr = c->pan_r;
}

/* The linear gain send b heads for this block, its dB setting turned
 * into a gain again only when it changes. */
static float send_target(chan_t *c, const channel_t *sc, int b)
{
	if (c->send[b].set)
		return c->send[b].cur;
	if (!c->sgain_ok[b] || c->sgain_db[b] != sc->send[b]) {
		c->sgain_db[b] = sc->send[b];
		c->sgain[b] = db_to_gain(sc->send[b]);
		c->sgain_ok[b] = true;
	}
	return c->sgain[b];
}

/* Channel ch's chain, fader and pan, meters and stem.  Touches only the
 * channel's own state, so channels run on any thread in any order. */
static void chan_mix(engine_t *e, int ch, worker_scratch_t *w)
{
	const block_job_t *jb = &e->job;
	const channel_t *sc = &e->song->channel[ch];
	chan_t *c = &e->chan[ch];
	int n = jb->n;
	float *bl = chan_bus(e, ch), *br = bl + ENGINE_BLOCK;
	bool voices = jb->vstart[ch + 1] > jb->vstart[ch];
	if (jb->cell)
		c->idle = e->rest && jb->calm && !voices && chain_settled(e, c->unit, sc->fx, sc->nfx, c->quiet);
	else if (voices)
		c->idle = false;   /* a jammed note in a resting cell */
	c->rested += c->idle ? n : 0;
	int last_in = voices ? last_above(bl, br, 0, n, 0.0f) : -1;
	if (e->meters_ran)
		meter_run(e, &c->pre, &e->pub_pre[ch], bl, br, n);
	fx_ctx_t ctx = jb->ctx;
	for (int k = 0; k < sc->nfx; k++) {
		if (sc->fx[k].bypass)
			continue;
		if (c->idle && !unit_keyed(&sc->fx[k])) {
			rest_slot(&c->unit[k], n);
			continue;
		}
		bool keyed = sc->fx[k].type == FX_COMP && sidechain(e, w, sc->fx[k].sidechain, n);
		ctx.sc_l = keyed ? w->sc_l : NULL;
		ctx.sc_r = keyed ? w->sc_r : NULL;
		run_slot(&c->unit[k], bl, br, n, &ctx);
	}
	int last = c->idle ? -1 : last_above(bl, br, last_in + 1, n, IDLE_FLOOR);
	c->quiet = quiet_after(c->quiet, last > last_in ? last : last_in, n);
	float audible = sc->mute || (jb->solo && !sc->solo) ? 0.0f : 1.0f;
	float fader = (c->fader.set ? c->fader.cur : vol_gain(c, sc->volume)) * audible, pl, pr;
	pan_cached(c, e->song->rules == RULES_FT2, &pl, &pr);
	/* A still fader whose output only goes to the sum is applied as the
	 * bus is added to it (eng_render_block): one pass, the same products. */
	bool post = e->meters_ran || e->nstems;
	for (int b = 0; b < SONG_SENDS; b++) {
		c->send_to[b] = send_target(c, sc, b);
		post |= !(c->send_to[b] == 0.0f && c->sg[b] == 0.0f);
	}
	c->fold = !post && c->gain_l == fader * pl && c->gain_r == fader * pr;
	if (!c->fold)
		fader_apply(bl, br, &c->gain_l, &c->gain_r, fader * pl, fader * pr, e->smooth, n);
	if (e->meters_ran)
		meter_run(e, &c->post, &e->pub_post[ch], bl, br, n);
	if (e->nstems)
		stem_emit(e, ch, bl, br, n, jb->emit);
}

/* One item of a block's job.  The first items render the voices of the
 * channels that key a sidechain; then one item per channel.  Items are
 * claimed in order, so a channel waiting for a key waits for an item
 * already running. */
static void block_item(void *arg, int item, int worker)
{
	engine_t *e = arg;
	worker_scratch_t *w = &e->ws[worker];
	const block_job_t *jb = &e->job;
	if (item < jb->nsrc) {
		chan_voices(e, jb->src_list[item], w);
		return;
	}
	int ch = item - jb->nsrc;
	if (jb->src & (1ull << ch))
		workpool_wait(&e->voices_done[ch], jb->stamp);
	else
		chan_voices(e, ch, w);
	chan_mix(e, ch, w);
}

/* Sets up the block's job: the sidechain sources and the active voices
 * grouped by channel (each group in voice order, so a channel sums its
 * voices in the same order on any thread). */
void eng_block_prepare(engine_t *e, int n, bool emit)
{
	const song_t *s = e->song;
	int nch = s->channels;
	block_job_t *jb = &e->job;
	jb->n = n;
	jb->emit = emit;
	jb->cell = e->frame % ENGINE_BLOCK == 0;
	jb->calm = e->ended || e->stopped || e->tick_left >= ENGINE_BLOCK;
	jb->solo = any_solo(s);
	jb->stamp++;
	jb->ctx = (fx_ctx_t){ .rate = e->rate, .bpm = e->bpm };
	uint64_t src = 0;
	for (int ch = 0; ch < nch; ch++)
		for (int k = 0; k < s->channel[ch].nfx; k++)
			if (s->channel[ch].fx[k].type == FX_COMP && !s->channel[ch].fx[k].bypass)
				src |= s->channel[ch].fx[k].sidechain;
	if (nch < 64)
		src &= (1ull << nch) - 1;
	jb->src = src;
	jb->nsrc = 0;
	for (int ch = 0; ch < nch; ch++)
		if (src & (1ull << ch))
			jb->src_list[jb->nsrc++] = ch;
	int *start = jb->vstart;
	memset(start, 0, (size_t)(nch + 1) * sizeof(int));
	for (int i = 0; i < e->nvoices; i++)
		if (e->voices[i].active)
			start[e->voices[i].channel + 1]++;
	for (int ch = 0; ch < nch; ch++)
		start[ch + 1] += start[ch];
	int fill[SONG_MAX_CHANNELS];
	memcpy(fill, start, (size_t)nch * sizeof(int));
	for (int i = 0; i < e->nvoices; i++)
		if (e->voices[i].active)
			e->vorder[fill[e->voices[i].channel]++] = i;
	bool meters = atomic_load_explicit(&e->meters_on, memory_order_relaxed);
	if (meters && !e->meters_ran) {
		/* back on after a pause: start over rather than show stale holds */
		for (int ch = 0; ch < nch; ch++)
			memset(&e->chan[ch].pre, 0, 2 * sizeof(meter_t));
		memset(&e->master_meter, 0, sizeof(e->master_meter));
	}
	e->meters_ran = meters;
}

/* Renders n frames (within one tick) into out, interleaved.  emit says
 * whether this block reaches the caller (not while the master's latency
 * is being swallowed).
 *
 *   channels (parallel items) --> sum in channel order --> buses --> master
 *
 * The channels' sum and the sends are added in channel order on this
 * thread, so the output has the same bits for any number of workers. */
void eng_render_block(engine_t *e, float *out, int n, bool emit)
{
	const song_t *s = e->song;
	int nch = s->channels;
	eng_block_prepare(e, n, emit);
	/* A light block is not worth handing out: the items' hand-over and
	 * the caches they cross cost more than the work (the bits are the
	 * same either way). */
	int work = e->job.vstart[nch];
	for (int ch = 0; ch < nch; ch++)
		work += e->chan[ch].idle ? 0 : s->channel[ch].nfx;
	workpool_run(work >= e->share_min ? e->pool : NULL, block_item, e, e->job.nsrc + nch);
	fx_ctx_t ctx = e->job.ctx;

	/* Only the block's frames are cleared; a send only once something
	 * is added to it or its bus needs it. */
	zero2(e->mix_l, e->mix_r, n);
	bool fed[SONG_SENDS] = { false };
	for (int ch = 0; ch < nch; ch++) {
		chan_t *c = &e->chan[ch];
		const float *bl = chan_bus(e, ch), *br = bl + ENGINE_BLOCK;
		if (!c->idle && c->fold)
			add_two(e->mix_l, e->mix_r, bl, br, c->gain_l, c->gain_r, n);
		else if (!c->idle)
			add_plain(e->mix_l, e->mix_r, bl, br, n);
		/* Sends are post-fader: a muted channel sends nothing. */
		for (int b = 0; b < SONG_SENDS; b++) {
			float st = c->send_to[b];
			if (st == 0.0f && c->sg[b] == 0.0f)
				continue;
			if (c->idle) {
				c->sg[b] = glide_skip(c->sg[b], st, e->smooth, n);
				continue;
			}
			if (!fed[b])
				zero2(e->send_l[b], e->send_r[b], n);
			c->sg[b] = add_gained(e->send_l[b], e->send_r[b], bl, br, c->sg[b], st, e->smooth, n);
			fed[b] = true;
		}
	}
	for (int b = 0; b < SONG_SENDS; b++) {
		float *l = e->send_l[b], *r = e->send_r[b];
		const fx_unit_t *u = &s->bus[b].fx;
		if (e->job.cell)
			e->bus_idle[b] = e->rest && e->job.calm && !fed[b] &&
			                 chain_settled(e, &e->busfx[b], u, 1, e->bus_quiet[b]);
		else if (fed[b])
			e->bus_idle[b] = false;   /* a live send in a resting cell */
		e->bus_rested += e->bus_idle[b] ? n : 0;
		if (!fed[b] && (!e->bus_idle[b] || e->nstems))
			zero2(l, r, n);   /* what the bus runs on, or its silent stem */
		int last_in = fed[b] ? last_above(l, r, 0, n, 0.0f) : -1, last = -1;
		if (u->bypass) {
			memset(l, 0, (size_t)n * sizeof(float));
			memset(r, 0, (size_t)n * sizeof(float));
		} else if (!e->bus_idle[b]) {
			run_slot(&e->busfx[b], l, r, n, &ctx);
			last = last_above(l, r, last_in + 1, n, IDLE_FLOOR);
		} else {
			rest_slot(&e->busfx[b], n);
		}
		e->bus_quiet[b] = quiet_after(e->bus_quiet[b], last > last_in ? last : last_in, n);
		if (!e->bus_idle[b]) {
			float g = db_to_gain(s->bus[b].volume);
			scale_add(l, e->mix_l, g, n);
			scale_add(r, e->mix_r, g, n);
		}
		if (e->nstems)
			stem_emit(e, nch + b, l, r, n, emit);
	}

	/* Counted frame by frame, so where a tail ends does not depend on
	 * how the caller splits its requests: the quiet frames after the last
	 * loud one, found from the end. */
	int loud = n - 1;
	while (loud >= 0 && frame_quiet(e->mix_l[loud], e->mix_r[loud]))
		loud--;
	e->quiet = loud < 0 ? e->quiet + n : n - 1 - loud;

	if (e->master_on) {
		const master_t *m = &s->master;
		float g = db_to_gain(m->volume);
		if (g != 1.0f)
			for (int j = 0; j < n; j++) {
				e->mix_l[j] *= g;
				e->mix_r[j] *= g;
			}
		bool on[3] = { m->eq_on && !m->eq.bypass, m->comp_on && !m->comp.bypass,
		               m->limiter_on && !m->limiter.bypass };
		for (int i = 0; i < 3; i++)
			if (on[i])
				run_slot(&e->mfx[i], e->mix_l, e->mix_r, n, &ctx);
		const fx_slot_t *lim = &e->mfx[2];
		pub_store(&e->pub_reduction, on[2] && lim->ops->reduction ? lim->ops->reduction(lim->st) : 0.0f);
	}
	if (e->meters_ran)
		meter_run(e, &e->master_meter, &e->pub_master, e->mix_l, e->mix_r, n);
	if (e->nstems && e->latency)
		e->ring_pos = (int)((e->ring_pos + n) % e->latency);
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		v4f a = v4f_load(e->mix_l + j), b = v4f_load(e->mix_r + j);
		v4f_store(out + 2 * j, V4_SHUFFLE(a, b, 0, 4, 1, 5));
		v4f_store(out + 2 * j + 4, V4_SHUFFLE(a, b, 2, 6, 3, 7));
	}
	for (; j < n; j++) {
		out[2 * j] = e->mix_l[j];
		out[2 * j + 1] = e->mix_r[j];
	}
}
