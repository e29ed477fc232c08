/*
 * bridge: the UI's handle on a playing engine.
 *
 * Why messages and not shared data: the engine reads its song while it
 * renders (cells at each row, mute, volume and pan at each block).  If
 * the UI edited that song directly, an edit could land in the middle of
 * a read: a torn cell, a pattern freed under the sequencer.  Locks would
 * make the audio thread wait for the UI.  Instead the audio side has its
 * own copy of the song, and only the audio thread ever touches it or the
 * engine.  The UI describes each change as a small fixed-size message
 * and pushes it into a single-producer/single-consumer ring (spscq.h).
 * bridge_fill() pops and applies every waiting message at the start of
 * the period, before engine_render(): between two renders the engine is
 * not reading anything, so no edit can race with it, and an edit sent
 * before a period is heard from that period's first frame.
 *
 * Back the other way, the audio side publishes what the UI shows
 * (position, playing, frame count) in atomics after each period, under a
 * sequence counter so a snapshot is never half old, half new; the
 * engine's meters are atomics of its own.  The audio side never reads
 * anything of the UI's.
 *
 * Memory: messages carry values, except a whole new pattern, which the
 * UI allocates and the audio side swaps in.  The pattern it replaces is
 * handed back through a second ring (audio -> UI) and freed on the UI
 * thread.  The UI counts what it has sent and not yet collected and
 * never lets that exceed the return ring, so the audio side's push back
 * cannot fail.
 *
 * The song copy: patterns and instruments are duplicated; the sample
 * data (large, and immutable once loaded) is shared with the UI's song,
 * which keeps owning it: bridge_destroy() clears the copy's sample
 * pointers before freeing the copy, so only the UI's song frees them.
 * The round-trip extras (unknown keys) are not copied: nothing plays
 * them.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "spscq.h"

#define QUEUE_MSGS  1024   /* UI -> audio: many periods' worth of fast editing */
#define TRASH_MSGS  64     /* audio -> UI: replaced patterns in flight */

typedef enum {
	MSG_PLAY, MSG_STOP, MSG_JUMP, MSG_LOOP, MSG_PATTERN_LOOP,
	MSG_MUTE, MSG_SOLO, MSG_VOLUME, MSG_PAN, MSG_NOTE,
	MSG_CELL, MSG_PATTERN, MSG_ORDER, MSG_TEMPO, MSG_SPEED,
} msg_type_t;

/* One message; which fields mean what depends on the type (see the
 * sending functions). */
typedef struct msg {
	int type;
	int a, b, c, d;
	float f;
	cell_t cell;
	pattern_t *pat;
} msg_t;

struct bridge {
	spscq_t cmd;                /* UI -> audio */
	spscq_t trash;              /* audio -> UI: pattern_t * to free */

	/* fixed at creation */
	engine_t *engine;
	int rate, channels;

	/* UI thread only */
	uint64_t sent;
	int trash_pending;          /* patterns sent whose swap has not come back */

	/* audio thread only (and create/destroy) */
	song_t song;
	bool playing;
	int64_t frames;             /* output since the last play */
	uint64_t fills, applied;

	/* published by the audio thread; seq is odd while it writes */
	_Alignas(SPSCQ_CACHE_LINE) atomic_uint seq;
	atomic_int pub_order, pub_pattern, pub_row, pub_tick, pub_bpm;
	atomic_bool pub_playing, pub_ended, pub_done;
	_Atomic int64_t pub_frame;
	_Atomic uint64_t pub_fills, pub_applied;
};

/* ------------------------------------------------------------------ */
/* the audio side's song                                                */

static pattern_t *pattern_dup(const pattern_t *p, int channels)
{
	if (!p || p->rows < 1 || p->rows > SONG_MAX_ROWS)
		return NULL;
	pattern_t *d = malloc(sizeof(*d));
	size_t n = (size_t)p->rows * (size_t)channels;
	cell_t *cells = malloc(n * sizeof(cell_t));
	if (!d || !cells) {
		free(d);
		free(cells);
		return NULL;
	}
	memcpy(cells, p->cells, n * sizeof(cell_t));
	d->rows = p->rows;
	d->cells = cells;
	return d;
}

static void pattern_free(pattern_t *p)
{
	if (p) {
		free(p->cells);
		free(p);
	}
}

/* Frees a copy made by song_clone(), leaving the shared samples alone. */
static void song_clone_free(song_t *s)
{
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (s->inst[i])
			s->inst[i]->sampler.sample.data = NULL;   /* borrowed from the UI's song */
	song_deinit(s);
}

/* dst becomes a copy of src that owns its patterns and instruments and
 * borrows src's sample data.  Returns 0 or -1 (dst then empty). */
static int song_clone(song_t *dst, const song_t *src)
{
	*dst = *src;
	dst->extra = NULL;
	dst->nextra = 0;
	memset(dst->pattern, 0, sizeof(dst->pattern));
	memset(dst->inst, 0, sizeof(dst->inst));
	for (int i = 0; i < SONG_MAX_PATTERNS; i++) {
		if (!src->pattern[i])
			continue;
		if (!(dst->pattern[i] = pattern_dup(src->pattern[i], src->channels)))
			goto fail;
	}
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		if (!src->inst[i])
			continue;
		if (!(dst->inst[i] = malloc(sizeof(instrument_t))))
			goto fail;
		*dst->inst[i] = *src->inst[i];
	}
	return 0;
fail:
	song_clone_free(dst);
	return -1;
}

static void publish(bridge_t *b);

/* ------------------------------------------------------------------ */
/* create, destroy                                                      */

bridge_t *bridge_create(const song_t *song, int rate)
{
	/* spscq_t's indices are cache-line aligned members. */
	size_t size = (sizeof(bridge_t) + SPSCQ_CACHE_LINE - 1) & ~(size_t)(SPSCQ_CACHE_LINE - 1);
	bridge_t *b = aligned_alloc(SPSCQ_CACHE_LINE, size);
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	bool cmd_ok = spscq_init(&b->cmd, sizeof(msg_t), QUEUE_MSGS) == 0;
	bool trash_ok = spscq_init(&b->trash, sizeof(pattern_t *), TRASH_MSGS) == 0;
	if (!cmd_ok || !trash_ok || song_clone(&b->song, song) != 0) {
		spscq_deinit(&b->cmd);
		spscq_deinit(&b->trash);
		free(b);
		return NULL;
	}
	b->rate = rate;
	b->channels = song->channels;
	b->engine = engine_create(&b->song, rate);
	if (!b->engine) {
		song_clone_free(&b->song);
		spscq_deinit(&b->cmd);
		spscq_deinit(&b->trash);
		free(b);
		return NULL;
	}
	engine_stop(b->engine);
	atomic_init(&b->seq, 0);
	atomic_init(&b->pub_order, 0);
	atomic_init(&b->pub_pattern, -1);
	atomic_init(&b->pub_row, 0);
	atomic_init(&b->pub_tick, 0);
	atomic_init(&b->pub_bpm, 0);
	atomic_init(&b->pub_playing, false);
	atomic_init(&b->pub_ended, false);
	atomic_init(&b->pub_done, false);
	atomic_init(&b->pub_frame, 0);
	atomic_init(&b->pub_fills, 0);
	atomic_init(&b->pub_applied, 0);
	/* A UI may look before the first period: show where play would start. */
	publish(b);
	return b;
}

void bridge_destroy(bridge_t *b)
{
	if (!b)
		return;
	/* Messages never applied may still own a pattern. */
	msg_t m;
	while (spscq_pop(&b->cmd, &m))
		if (m.type == MSG_PATTERN)
			pattern_free(m.pat);
	bridge_collect(b);
	engine_destroy(b->engine);
	song_clone_free(&b->song);
	spscq_deinit(&b->cmd);
	spscq_deinit(&b->trash);
	free(b);
}

/* ------------------------------------------------------------------ */
/* the audio side                                                       */

static bool channel_ok(const bridge_t *b, int ch)
{
	return ch >= 0 && ch < b->channels;
}

static void apply(bridge_t *b, msg_t *m)
{
	song_t *s = &b->song;
	engine_t *e = b->engine;
	switch ((msg_type_t)m->type) {
	case MSG_PLAY:
		engine_start(e, m->a, m->b);
		b->playing = true;
		b->frames = 0;
		break;
	case MSG_STOP:
		engine_stop(e);
		b->playing = false;
		break;
	case MSG_JUMP:
		if (b->playing) {
			engine_start(e, m->a, 0);
			b->frames = 0;
		}
		break;
	case MSG_LOOP:
		engine_set_loop(e, m->a != 0);
		break;
	case MSG_PATTERN_LOOP:
		engine_set_pattern_loop(e, m->a != 0);
		break;
	case MSG_MUTE:
		if (channel_ok(b, m->a))
			s->channel[m->a].mute = m->b != 0;
		break;
	case MSG_SOLO:
		if (channel_ok(b, m->a))
			s->channel[m->a].solo = m->b != 0;
		break;
	case MSG_VOLUME:
		if (channel_ok(b, m->a))
			s->channel[m->a].volume = m->f;
		break;
	case MSG_PAN:
		if (channel_ok(b, m->a))
			s->channel[m->a].pan = m->f;
		break;
	case MSG_NOTE:
		engine_live_note(e, m->a, m->b, m->c, m->d);
		break;
	case MSG_CELL: {
		const pattern_t *p = m->a >= 0 && m->a < SONG_MAX_PATTERNS ? s->pattern[m->a] : NULL;
		if (p && m->b >= 0 && m->b < p->rows && channel_ok(b, m->c))
			*song_cell(s, p, m->b, m->c) = m->cell;
		break;
	}
	case MSG_PATTERN: {
		/* The engine looks its pattern up afresh at every row, so a swap
		 * between renders is seen whole; the old one goes back to the UI
		 * (always an entry, even NULL, so the UI's count stays exact). */
		pattern_t *old = s->pattern[m->a];
		s->pattern[m->a] = m->pat;
		spscq_push(&b->trash, &old);
		break;
	}
	case MSG_ORDER:
		s->order[m->a].pattern = m->b;
		s->norders = m->c;
		break;
	case MSG_TEMPO:
		/* a new song tempo is heard from the next tick, as in any
		 * tracker; an unchanged one leaves an Fxx tempo alone */
		if (m->a != s->bpm)
			engine_set_bpm(b->engine, m->a);
		s->bpm = m->a;
		s->lpb = m->b;
		s->swing = m->c;
		break;
	case MSG_SPEED:
		s->tpl = m->a;
		break;
	}
}

/* Publishes the position under the sequence counter: odd while writing,
 * so a reader that sees it change (or odd) reads again. */
static void publish(bridge_t *b)
{
	engine_pos_t pos;
	engine_get_pos(b->engine, &pos);
	unsigned seq = atomic_load_explicit(&b->seq, memory_order_relaxed);
	atomic_store_explicit(&b->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&b->pub_order, pos.order, memory_order_relaxed);
	atomic_store_explicit(&b->pub_pattern, pos.pattern, memory_order_relaxed);
	atomic_store_explicit(&b->pub_row, pos.row, memory_order_relaxed);
	atomic_store_explicit(&b->pub_tick, pos.tick, memory_order_relaxed);
	atomic_store_explicit(&b->pub_bpm, pos.bpm, memory_order_relaxed);
	atomic_store_explicit(&b->pub_playing, b->playing && !pos.ended, memory_order_relaxed);
	atomic_store_explicit(&b->pub_ended, pos.ended, memory_order_relaxed);
	atomic_store_explicit(&b->pub_done, pos.done, memory_order_relaxed);
	atomic_store_explicit(&b->pub_frame, b->frames, memory_order_relaxed);
	atomic_store_explicit(&b->pub_fills, b->fills, memory_order_relaxed);
	atomic_store_explicit(&b->pub_applied, b->applied, memory_order_relaxed);
	atomic_store_explicit(&b->seq, seq + 2, memory_order_release);
}

int bridge_fill(bridge_t *b, float *out, int frames)
{
	if (frames <= 0)
		return 0;
	/* At most one ring's worth: a UI pushing as fast as it can must not
	 * keep the audio thread here. */
	size_t budget = spscq_capacity(&b->cmd);
	msg_t m;
	while (budget-- > 0 && spscq_pop(&b->cmd, &m)) {
		apply(b, &m);
		b->applied++;
	}
	size_t n = engine_render(b->engine, out, (size_t)frames);
	b->frames += (int64_t)n;
	b->fills++;
	publish(b);
	return (int)n;
}

/* ------------------------------------------------------------------ */
/* the UI side                                                          */

static bool push_msg(bridge_t *b, const msg_t *m)
{
	if (!spscq_push(&b->cmd, m))
		return false;
	b->sent++;
	return true;
}

bool bridge_play(bridge_t *b, int order, int row)
{
	return push_msg(b, &(msg_t){ .type = MSG_PLAY, .a = order, .b = row });
}

bool bridge_stop(bridge_t *b)
{
	return push_msg(b, &(msg_t){ .type = MSG_STOP });
}

bool bridge_jump(bridge_t *b, int order)
{
	return push_msg(b, &(msg_t){ .type = MSG_JUMP, .a = order });
}

bool bridge_set_loop(bridge_t *b, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_LOOP, .a = on });
}

bool bridge_set_pattern_loop(bridge_t *b, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_PATTERN_LOOP, .a = on });
}

bool bridge_set_mute(bridge_t *b, int ch, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_MUTE, .a = ch, .b = on });
}

bool bridge_set_solo(bridge_t *b, int ch, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_SOLO, .a = ch, .b = on });
}

bool bridge_set_volume(bridge_t *b, int ch, float db)
{
	if (!(db >= -144.0f && db <= 24.0f))
		db = db > 24.0f ? 24.0f : -144.0f;
	return push_msg(b, &(msg_t){ .type = MSG_VOLUME, .a = ch, .f = db });
}

bool bridge_set_pan(bridge_t *b, int ch, float pan)
{
	if (!(pan >= -1.0f && pan <= 1.0f))
		pan = pan > 1.0f ? 1.0f : pan < -1.0f ? -1.0f : 0.0f;
	return push_msg(b, &(msg_t){ .type = MSG_PAN, .a = ch, .f = pan });
}

bool bridge_live_note(bridge_t *b, int ch, int inst, int note, int vol)
{
	return push_msg(b, &(msg_t){ .type = MSG_NOTE, .a = ch, .b = inst, .c = note, .d = vol });
}

bool bridge_set_cell(bridge_t *b, int pattern, int row, int ch, cell_t cell)
{
	return push_msg(b, &(msg_t){ .type = MSG_CELL, .a = pattern, .b = row, .c = ch, .cell = cell });
}

bool bridge_set_pattern(bridge_t *b, int idx, const pattern_t *p)
{
	if (idx < 0 || idx >= SONG_MAX_PATTERNS)
		return false;
	bridge_collect(b);
	if (b->trash_pending >= (int)spscq_capacity(&b->trash))
		return false;
	pattern_t *copy = NULL;
	if (p && !(copy = pattern_dup(p, b->channels)))
		return false;
	if (!push_msg(b, &(msg_t){ .type = MSG_PATTERN, .a = idx, .pat = copy })) {
		pattern_free(copy);
		return false;
	}
	b->trash_pending++;
	return true;
}

bool bridge_set_order(bridge_t *b, int order, int pattern, int norders)
{
	if (order < 0 || order >= SONG_MAX_ORDERS || pattern < 0 || pattern >= SONG_MAX_PATTERNS ||
	    norders < 1 || norders > SONG_MAX_ORDERS)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_ORDER, .a = order, .b = pattern, .c = norders });
}

bool bridge_set_tempo(bridge_t *b, int bpm, int lpb, int swing)
{
	if (bpm < SONG_BPM_MIN || bpm > SONG_BPM_MAX || lpb < SONG_LPB_MIN || lpb > SONG_LPB_MAX ||
	    swing < 0 || swing > SONG_SWING_MAX)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_TEMPO, .a = bpm, .b = lpb, .c = swing });
}

bool bridge_set_speed(bridge_t *b, int tpl)
{
	if (tpl < SONG_TPL_MIN || tpl > SONG_TPL_MAX)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_SPEED, .a = tpl });
}

void bridge_collect(bridge_t *b)
{
	pattern_t *p;
	while (spscq_pop(&b->trash, &p)) {
		pattern_free(p);
		b->trash_pending--;
	}
}

void bridge_snapshot(const bridge_t *b, bridge_snapshot_t *s)
{
	for (int spins = 0;; spins++) {
		unsigned seq = atomic_load_explicit(&b->seq, memory_order_acquire);
		if (seq & 1) {
			/* The audio thread is mid-publish (a few stores); if it was
			 * preempted there, let it run. */
			if (spins > 100)
				sched_yield();
			continue;
		}
		s->order = atomic_load_explicit(&b->pub_order, memory_order_relaxed);
		s->pattern = atomic_load_explicit(&b->pub_pattern, memory_order_relaxed);
		s->row = atomic_load_explicit(&b->pub_row, memory_order_relaxed);
		s->tick = atomic_load_explicit(&b->pub_tick, memory_order_relaxed);
		s->bpm = atomic_load_explicit(&b->pub_bpm, memory_order_relaxed);
		s->playing = atomic_load_explicit(&b->pub_playing, memory_order_relaxed);
		s->ended = atomic_load_explicit(&b->pub_ended, memory_order_relaxed);
		s->done = atomic_load_explicit(&b->pub_done, memory_order_relaxed);
		s->frame = atomic_load_explicit(&b->pub_frame, memory_order_relaxed);
		s->fills = atomic_load_explicit(&b->pub_fills, memory_order_relaxed);
		s->applied = atomic_load_explicit(&b->pub_applied, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&b->seq, memory_order_relaxed) == seq)
			break;
	}
	s->channels = b->channels;
	for (int ch = 0; ch < b->channels; ch++)
		engine_channel_meter(b->engine, ch, &s->pre[ch], &s->post[ch]);
	for (int ch = b->channels; ch < SONG_MAX_CHANNELS; ch++)
		s->pre[ch] = s->post[ch] = (engine_meter_t){ 0, 0 };
	engine_master_meter(b->engine, &s->master, &s->reduction_db);
}

uint64_t bridge_sent(const bridge_t *b)
{
	return b->sent;
}
