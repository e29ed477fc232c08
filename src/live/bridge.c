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
 * Memory: messages carry values, except a whole new pattern or
 * instrument, which the UI allocates and the audio side swaps in.  What
 * it replaces is handed back through a second ring (audio -> UI) and
 * freed on the UI thread.  The UI counts what it has sent and not yet collected and
 * never lets that exceed the return ring, so the audio side's push back
 * cannot fail.
 *
 * The song copy: patterns and instruments are duplicated; the sample
 * data (large, immutable once loaded, and possibly shared by several
 * instruments) is shared with the UI's song, which keeps owning it:
 * bridge_destroy() clears the copy's sample pointers before freeing the
 * copy, so only the UI's song frees them.  The UI counts data as busy
 * by pointer, so data another slot still holds stays busy when one
 * instrument moves to new data.
 * The round-trip extras (unknown keys) are not copied: nothing plays
 * them.
 *
 * The reference track (reftrack.h) is mixed into the output after the
 * engine and after the master tap, so the engine never has it and the
 * UI's meters go on measuring the mix; like sample data it is the UI's,
 * borrowed here, and a replaced one goes back through the trash ring
 * before the UI may free it.
 */
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "reftrack.h"
#include "sampler.h"
#include "spscq.h"

#define QUEUE_MSGS  1024   /* UI -> audio: many periods' worth of fast editing */
#define TRASH_MSGS  64     /* audio -> UI: replaced patterns in flight */

typedef enum {
	MSG_PLAY, MSG_STOP, MSG_JUMP, MSG_LOOP, MSG_PATTERN_LOOP,
	MSG_MUTE, MSG_SOLO, MSG_VOLUME, MSG_PAN, MSG_NOTE,
	MSG_CELL, MSG_PATTERN, MSG_ORDER, MSG_TEMPO, MSG_SPEED,
	MSG_SEND, MSG_BUS_VOLUME, MSG_MASTER, MSG_FX_PARAM, MSG_FX_BYPASS, MSG_SIDECHAIN,
	MSG_CHAIN, MSG_TAP,
	MSG_INST, MSG_REF, MSG_REF_CHOOSE,
} msg_type_t;

/* One message: its type and the named fields of that type alone. */
typedef struct msg {
	msg_type_t type;
	union {
		struct { int order, row; } play;                      /* MSG_PLAY */
		struct { int order; } jump;                           /* MSG_JUMP */
		struct { bool on; } flag;                             /* MSG_LOOP, MSG_PATTERN_LOOP, MSG_TAP */
		struct { int ch; bool on; } mute;                     /* MSG_MUTE, MSG_SOLO */
		struct { int ch; float value; } level;                /* MSG_VOLUME, MSG_PAN */
		struct { int ch, inst, note, vol; } note;             /* MSG_NOTE */
		struct { int pattern, row, ch; cell_t cell; } cell;   /* MSG_CELL */
		struct { int idx; pattern_t *pat; } pattern;          /* MSG_PATTERN */
		struct { int idx; instrument_t *inst; } inst;         /* MSG_INST */
		struct { int order, pattern, norders; } order;        /* MSG_ORDER */
		struct { int bpm, lpb, swing; } tempo;                /* MSG_TEMPO */
		struct { int tpl; } speed;                            /* MSG_SPEED */
		struct { int ch, bus; float db; } send;               /* MSG_SEND */
		struct { int bus; float db; } bus;                    /* MSG_BUS_VOLUME */
		struct { float db; bool eq, comp, limiter; } master;  /* MSG_MASTER */
		struct { int ch, k, param; float value; } param;      /* MSG_FX_PARAM */
		struct { int ch, k; bool on; } bypass;                /* MSG_FX_BYPASS */
		struct { int ch, k; uint64_t mask; } side;            /* MSG_SIDECHAIN */
		struct chain_swap *chain;                             /* MSG_CHAIN */
		const reftrack_t *ref;                                /* MSG_REF */
		struct { bool ref; float db; } choose;                /* MSG_REF_CHOOSE */
	} u;
} msg_t;

/* A channel's new FX chain, made on the UI thread: the units, states
 * for the units that are new, and (filled in by the audio side) the
 * states that left; it all comes back through fxtrash to be freed. */
typedef struct chain_swap {
	int ch, nfx;
	fx_unit_t fx[SONG_FX_CHAIN_MAX];
	fx_macro_t macro[SONG_MACROS];
	int from[SONG_FX_CHAIN_MAX];
	void *fresh[SONG_FX_CHAIN_MAX];
	void *dead[ENGINE_FX_DEAD_MAX];
} chain_swap_t;

/* The master tap: the output in chunks, audio -> UI. */
typedef struct tap_chunk {
	int n;
	float f[2 * BRIDGE_TAP_CHUNK];
} tap_chunk_t;

#define TAP_CHUNKS   64     /* 16384 frames: a third of a second at 48 kHz */
#define FXTRASH_MSGS 64

/* What the audio side hands back to be freed on the UI thread. */
typedef enum {
	TRASH_NONE,        /* nothing (a slot that was empty): keeps the count exact */
	TRASH_PATTERN,     /* a replaced pattern */
	TRASH_INST_COPY,   /* an instrument message copied in place: the struct only */
	TRASH_INST_OLD,    /* a replaced instrument: no voice reads it or its sample now */
	TRASH_REF,         /* a replaced reference track: the UI's, no longer read here */
} trash_kind_t;

typedef struct trash {
	int kind;
	void *p;
	/* TRASH_INST_OLD: the replacement brought other sample data, so the
	 * old instrument's data is let go (the rule bridge_set_inst() used
	 * when it counted the data as in flight) */
	bool released;
} trash_t;

struct bridge {
	spscq_t cmd;                /* UI -> audio */
	spscq_t trash;              /* audio -> UI: trash_t, what to free */

	/* fixed at creation */
	engine_t *engine;
	int rate, channels;

	/* UI thread only */
	uint64_t sent;
	int trash_pending;          /* patterns sent whose swap has not come back */
	/* The sample data the audio copy may read: what each instrument
	 * slot holds as of the last message sent, and data of replaced
	 * instruments whose swap has not come back yet. */
	const float *inst_data[SONG_MAX_INSTRUMENTS + 1];
	const float *inflight[TRASH_MSGS];
	int ninflight;
	/* The reference tracks the audio side may read: the last one sent
	 * and those replaced whose swap has not come back. */
	const reftrack_t *ref_sent;
	const reftrack_t *ref_inflight[TRASH_MSGS];
	int nref_inflight;

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

	/* live mixing: chain swaps coming back, the master tap */
	spscq_t fxtrash;            /* audio -> UI: chain_swap_t * to free */
	spscq_t tap;                /* audio -> UI: tap_chunk_t */
	int fx_pending;             /* UI: chain swaps not come back yet */
	bool tap_on;                /* audio side */
	_Atomic uint64_t tap_dropped;   /* frames the full tap ring lost */

	/* the reference track, mixed after the engine (audio side) */
	refplay_t ref;
	_Atomic int64_t pub_ref_pos;
	atomic_bool pub_ref_heard;
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
static void chain_free(chain_swap_t *c);
static void apply_mix(bridge_t *b, const msg_t *m);
static void tap_push(bridge_t *b, const float *out, int frames);

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
	bool trash_ok = spscq_init(&b->trash, sizeof(trash_t), TRASH_MSGS) == 0;
	bool mix_ok = spscq_init(&b->fxtrash, sizeof(chain_swap_t *), FXTRASH_MSGS) == 0 &&
	              spscq_init(&b->tap, sizeof(tap_chunk_t), TAP_CHUNKS) == 0;
	atomic_init(&b->tap_dropped, 0);
	if (!cmd_ok || !trash_ok || !mix_ok || song_clone(&b->song, song) != 0) {
		spscq_deinit(&b->fxtrash);
		spscq_deinit(&b->tap);
		spscq_deinit(&b->cmd);
		spscq_deinit(&b->trash);
		free(b);
		return NULL;
	}
	b->rate = rate;
	b->channels = song->channels;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		b->inst_data[i] = song->inst[i] ? song->inst[i]->sampler.sample.data : NULL;
	/* An edit may switch an instrument to the sinc while it plays: its
	 * tables are built here, never on the audio thread. */
	sampler_init();
	b->engine = engine_create(&b->song, rate);
	if (!b->engine) {
		song_clone_free(&b->song);
		spscq_deinit(&b->fxtrash);
		spscq_deinit(&b->tap);
		spscq_deinit(&b->cmd);
		spscq_deinit(&b->trash);
		free(b);
		return NULL;
	}
	engine_stop(b->engine);
	refplay_init(&b->ref, rate);
	atomic_init(&b->pub_ref_pos, 0);
	atomic_init(&b->pub_ref_heard, false);
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

int bridge_set_pool(bridge_t *b, workpool_t *pool)
{
	return engine_set_pool(b->engine, pool);
}

void bridge_set_meters(bridge_t *b, bool on)
{
	engine_set_meters(b->engine, on);
}

void bridge_destroy(bridge_t *b)
{
	if (!b)
		return;
	/* Messages never applied may still own a pattern. */
	msg_t m;
	while (spscq_pop(&b->cmd, &m))
		if (m.type == MSG_PATTERN)
			pattern_free(m.u.pattern.pat);
		else if (m.type == MSG_CHAIN)
			chain_free(m.u.chain);
		else if (m.type == MSG_INST)
			free(m.u.inst.inst);   /* the struct; its sample data is the UI's */
	bridge_collect(b);
	spscq_deinit(&b->fxtrash);
	spscq_deinit(&b->tap);
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
	switch (m->type) {
	case MSG_PLAY:
		/* the song from its top: the reference from its start too */
		if (m->u.play.order == 0 && m->u.play.row == 0)
			refplay_rewind(&b->ref);
		engine_start(e, m->u.play.order, m->u.play.row);
		b->playing = true;
		b->frames = 0;
		break;
	case MSG_STOP:
		engine_stop(e);
		b->playing = false;
		break;
	case MSG_JUMP:
		if (b->playing) {
			engine_start(e, m->u.jump.order, 0);
			b->frames = 0;
		}
		break;
	case MSG_LOOP:
		engine_set_loop(e, m->u.flag.on);
		break;
	case MSG_PATTERN_LOOP:
		engine_set_pattern_loop(e, m->u.flag.on);
		break;
	case MSG_MUTE:
		if (channel_ok(b, m->u.mute.ch))
			s->channel[m->u.mute.ch].mute = m->u.mute.on;
		break;
	case MSG_SOLO:
		if (channel_ok(b, m->u.mute.ch))
			s->channel[m->u.mute.ch].solo = m->u.mute.on;
		break;
	case MSG_VOLUME:
		if (channel_ok(b, m->u.level.ch))
			s->channel[m->u.level.ch].volume = m->u.level.value;
		break;
	case MSG_PAN:
		if (channel_ok(b, m->u.level.ch))
			s->channel[m->u.level.ch].pan = m->u.level.value;
		break;
	case MSG_NOTE:
		engine_live_note(e, m->u.note.ch, m->u.note.inst, m->u.note.note, m->u.note.vol);
		break;
	case MSG_CELL: {
		const int pi = m->u.cell.pattern, row = m->u.cell.row, ch = m->u.cell.ch;
		const pattern_t *p = pi >= 0 && pi < SONG_MAX_PATTERNS ? s->pattern[pi] : NULL;
		if (p && row >= 0 && row < p->rows && channel_ok(b, ch))
			*song_cell(s, p, row, ch) = m->u.cell.cell;
		break;
	}
	case MSG_PATTERN: {
		/* The engine looks its pattern up afresh at every row, so a swap
		 * between renders is seen whole; the old one goes back to the UI
		 * (always an entry, even NULL, so the UI's count stays exact). */
		pattern_t *old = s->pattern[m->u.pattern.idx];
		s->pattern[m->u.pattern.idx] = m->u.pattern.pat;
		spscq_push(&b->trash, &(trash_t){ TRASH_PATTERN, old, false });
		break;
	}
	case MSG_INST: {
		/* Voices point at their instrument.  The same kind of voice on
		 * the same sample: copy over it in place, and sounding notes
		 * hear the change.  Otherwise a voice's state would no longer
		 * fit (a sampler position past a shorter sample, a synth's state
		 * read as a sampler's): silence the old one's voices first. */
		instrument_t *old = s->inst[m->u.inst.idx], *in = m->u.inst.inst;
		trash_t t = { TRASH_NONE, NULL, false };
		if (old && in && old->type == in->type &&
		    old->sampler.sample.data == in->sampler.sample.data) {
			*old = *in;
			t = (trash_t){ TRASH_INST_COPY, in, false };
		} else {
			if (old) {
				engine_forget_inst(e, old);
				const float *now = in ? in->sampler.sample.data : NULL;
				t = (trash_t){ TRASH_INST_OLD, old, old->sampler.sample.data != now };
			}
			s->inst[m->u.inst.idx] = in;
		}
		spscq_push(&b->trash, &t);
		break;
	}
	case MSG_ORDER:
		s->order[m->u.order.order].pattern = m->u.order.pattern;
		s->norders = m->u.order.norders;
		break;
	case MSG_TEMPO:
		/* a new song tempo is heard from the next tick, as in any
		 * tracker; an unchanged one leaves an Fxx tempo alone */
		if (m->u.tempo.bpm != s->bpm)
			engine_set_bpm(b->engine, m->u.tempo.bpm);
		s->bpm = m->u.tempo.bpm;
		s->lpb = m->u.tempo.lpb;
		s->swing = m->u.tempo.swing;
		break;
	case MSG_SPEED:
		s->tpl = m->u.speed.tpl;
		break;
	case MSG_SEND: case MSG_BUS_VOLUME: case MSG_MASTER: case MSG_FX_PARAM:
	case MSG_FX_BYPASS: case MSG_SIDECHAIN: case MSG_CHAIN: case MSG_TAP:
		apply_mix(b, m);
		break;
	case MSG_REF: {
		const reftrack_t *old = b->ref.ref;
		refplay_set(&b->ref, m->u.ref);
		spscq_push(&b->trash, &(trash_t){ TRASH_REF, (void *)old, false });
		break;
	}
	case MSG_REF_CHOOSE:
		refplay_choose(&b->ref, m->u.choose.ref, m->u.choose.db);
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
	atomic_store_explicit(&b->pub_ref_pos, b->ref.pos, memory_order_relaxed);
	atomic_store_explicit(&b->pub_ref_heard, refplay_heard(&b->ref), memory_order_relaxed);
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
	/* The tap takes the mix alone: its loudness is measured while the
	 * reference is heard too. */
	if (b->tap_on)
		tap_push(b, out, frames);
	refplay_process(&b->ref, out, frames, b->playing);
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
	return push_msg(b, &(msg_t){ .type = MSG_PLAY, .u.play = { order, row } });
}

bool bridge_stop(bridge_t *b)
{
	return push_msg(b, &(msg_t){ .type = MSG_STOP });
}

bool bridge_jump(bridge_t *b, int order)
{
	return push_msg(b, &(msg_t){ .type = MSG_JUMP, .u.jump = { order } });
}

bool bridge_set_loop(bridge_t *b, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_LOOP, .u.flag = { on } });
}

bool bridge_set_pattern_loop(bridge_t *b, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_PATTERN_LOOP, .u.flag = { on } });
}

bool bridge_set_mute(bridge_t *b, int ch, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_MUTE, .u.mute = { ch, on } });
}

bool bridge_set_solo(bridge_t *b, int ch, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_SOLO, .u.mute = { ch, on } });
}

bool bridge_set_volume(bridge_t *b, int ch, float db)
{
	if (!(db >= SONG_LEVEL_MIN && db <= SONG_LEVEL_MAX))
		db = db > SONG_LEVEL_MAX ? SONG_LEVEL_MAX : SONG_LEVEL_MIN;
	return push_msg(b, &(msg_t){ .type = MSG_VOLUME, .u.level = { ch, db } });
}

bool bridge_set_pan(bridge_t *b, int ch, float pan)
{
	if (!(pan >= -1.0f && pan <= 1.0f))
		pan = pan > 1.0f ? 1.0f : pan < -1.0f ? -1.0f : 0.0f;
	return push_msg(b, &(msg_t){ .type = MSG_PAN, .u.level = { ch, pan } });
}

bool bridge_live_note(bridge_t *b, int ch, int inst, int note, int vol)
{
	return push_msg(b, &(msg_t){ .type = MSG_NOTE, .u.note = { ch, inst, note, vol } });
}

bool bridge_set_cell(bridge_t *b, int pattern, int row, int ch, cell_t cell)
{
	return push_msg(b, &(msg_t){ .type = MSG_CELL, .u.cell = { pattern, row, ch, cell } });
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
	if (!push_msg(b, &(msg_t){ .type = MSG_PATTERN, .u.pattern = { idx, copy } })) {
		pattern_free(copy);
		return false;
	}
	b->trash_pending++;
	return true;
}

bool bridge_set_inst(bridge_t *b, int idx, const instrument_t *in)
{
	if (idx < 1 || idx > SONG_MAX_INSTRUMENTS)
		return false;
	bridge_collect(b);
	if (b->trash_pending >= (int)spscq_capacity(&b->trash))
		return false;
	instrument_t *copy = NULL;
	if (in) {
		if (!(copy = malloc(sizeof(*copy))))
			return false;
		*copy = *in;
	}
	if (!push_msg(b, &(msg_t){ .type = MSG_INST, .u.inst = { idx, copy } })) {
		free(copy);
		return false;
	}
	b->trash_pending++;
	const float *old = b->inst_data[idx];
	b->inst_data[idx] = in ? in->sampler.sample.data : NULL;
	if (old && old != b->inst_data[idx])
		b->inflight[b->ninflight++] = old;   /* trash_pending bounds it */
	return true;
}

bool bridge_sample_busy(const bridge_t *b, const float *data)
{
	if (!data)
		return false;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (b->inst_data[i] == data)
			return true;
	for (int i = 0; i < b->ninflight; i++)
		if (b->inflight[i] == data)
			return true;
	return false;
}

bool bridge_set_order(bridge_t *b, int order, int pattern, int norders)
{
	if (order < 0 || order >= SONG_MAX_ORDERS || pattern < 0 || pattern >= SONG_MAX_PATTERNS ||
	    norders < 1 || norders > SONG_MAX_ORDERS)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_ORDER, .u.order = { order, pattern, norders } });
}

bool bridge_set_tempo(bridge_t *b, int bpm, int lpb, int swing)
{
	if (bpm < SONG_BPM_MIN || bpm > SONG_BPM_MAX || lpb < SONG_LPB_MIN || lpb > SONG_LPB_MAX ||
	    swing < 0 || swing > SONG_SWING_MAX)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_TEMPO, .u.tempo = { bpm, lpb, swing } });
}

bool bridge_set_speed(bridge_t *b, int tpl)
{
	if (tpl < SONG_TPL_MIN || tpl > SONG_TPL_MAX)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_SPEED, .u.speed = { tpl } });
}

/* A replaced instrument came back: its sample is no longer in flight. */
static void inflight_done(bridge_t *b, const float *data)
{
	for (int i = 0; i < b->ninflight; i++) {
		if (b->inflight[i] == data) {
			b->inflight[i] = b->inflight[--b->ninflight];
			return;
		}
	}
}

void bridge_collect(bridge_t *b)
{
	trash_t t;
	while (spscq_pop(&b->trash, &t)) {
		switch ((trash_kind_t)t.kind) {
		case TRASH_PATTERN:
			pattern_free(t.p);
			break;
		case TRASH_INST_OLD:
			if (t.released)
				inflight_done(b, ((instrument_t *)t.p)->sampler.sample.data);
			free(t.p);
			break;
		case TRASH_INST_COPY:
			free(t.p);
			break;
		case TRASH_REF:
			for (int i = 0; i < b->nref_inflight; i++)
				if (b->ref_inflight[i] == t.p) {
					b->ref_inflight[i] = b->ref_inflight[--b->nref_inflight];
					break;
				}
			break;
		case TRASH_NONE:
			break;
		}
		b->trash_pending--;
	}
	chain_swap_t *c;
	while (spscq_pop(&b->fxtrash, &c)) {
		chain_free(c);
		b->fx_pending--;
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
		s->ref_frame = atomic_load_explicit(&b->pub_ref_pos, memory_order_relaxed);
		s->ref_heard = atomic_load_explicit(&b->pub_ref_heard, memory_order_relaxed);
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

/* ------------------------------------------------------------------ */
/* live mixing                                                          */

static void chain_free(chain_swap_t *c)
{
	if (!c)
		return;
	for (int k = 0; k < SONG_FX_CHAIN_MAX; k++)
		engine_fx_state_free(c->fresh[k]);
	for (int k = 0; k < ENGINE_FX_DEAD_MAX; k++)
		engine_fx_state_free(c->dead[k]);
	free(c);
}

static fx_unit_t *mix_unit(bridge_t *b, int ch, int k)
{
	song_t *s = &b->song;
	if (ch >= 0)
		return channel_ok(b, ch) && k >= 0 && k < s->channel[ch].nfx ? &s->channel[ch].fx[k] : NULL;
	if (ch == ENGINE_FX_BUS)
		return k >= 0 && k < SONG_SENDS ? &s->bus[k].fx : NULL;
	if (ch == ENGINE_FX_MASTER) {
		fx_unit_t *m[3] = { &s->master.eq, &s->master.comp, &s->master.limiter };
		return k >= 0 && k < 3 ? m[k] : NULL;
	}
	return NULL;
}

static void apply_mix(bridge_t *b, const msg_t *m)
{
	song_t *s = &b->song;
	fx_unit_t *u;
	switch (m->type) {
	case MSG_SEND:
		if (channel_ok(b, m->u.send.ch) && m->u.send.bus >= 0 && m->u.send.bus < SONG_SENDS)
			s->channel[m->u.send.ch].send[m->u.send.bus] = m->u.send.db;
		break;
	case MSG_BUS_VOLUME:
		if (m->u.bus.bus >= 0 && m->u.bus.bus < SONG_SENDS)
			s->bus[m->u.bus.bus].volume = m->u.bus.db;
		break;
	case MSG_MASTER:
		s->master.volume = m->u.master.db;
		s->master.eq_on = m->u.master.eq;
		s->master.comp_on = m->u.master.comp;
		s->master.limiter_on = m->u.master.limiter;
		break;
	case MSG_FX_PARAM: {
		const int ch = m->u.param.ch, k = m->u.param.k, pi = m->u.param.param;
		if ((u = mix_unit(b, ch, k)) && pi >= 0 && pi < FX_MAX_PARAMS) {
			u->param[pi] = m->u.param.value;
			engine_fx_param(b->engine, ch, k, pi, m->u.param.value);
		}
		break;
	}
	case MSG_FX_BYPASS:
		if ((u = mix_unit(b, m->u.bypass.ch, m->u.bypass.k)))
			u->bypass = m->u.bypass.on;
		break;
	case MSG_SIDECHAIN:
		if ((u = mix_unit(b, m->u.side.ch, m->u.side.k)) && m->u.side.ch >= 0) {
			u->sidechain = m->u.side.mask;
			engine_mix_changed(b->engine);
		}
		break;
	case MSG_CHAIN: {
		/* The song copy first: the engine reads the new chain from it. */
		chain_swap_t *c = m->u.chain;
		channel_t *ch = &s->channel[c->ch];
		ch->nfx = c->nfx;
		memcpy(ch->fx, c->fx, sizeof(ch->fx));
		memcpy(ch->macro, c->macro, sizeof(ch->macro));
		engine_fx_chain(b->engine, c->ch, c->from, c->fresh, c->dead);
		/* The engine owns the fresh states now; what left is in dead. */
		memset(c->fresh, 0, sizeof(c->fresh));
		spscq_push(&b->fxtrash, &c);
		break;
	}
	case MSG_TAP:
		b->tap_on = m->u.flag.on;
		break;
	default:
		break;
	}
}

/* Copies the period into the tap ring in whole chunks; a full ring
 * loses the rest of the period (counted), never waits. */
static void tap_push(bridge_t *b, const float *out, int frames)
{
	tap_chunk_t c;
	for (int done = 0; done < frames; done += c.n) {
		c.n = frames - done < BRIDGE_TAP_CHUNK ? frames - done : BRIDGE_TAP_CHUNK;
		memcpy(c.f, out + 2 * done, (size_t)c.n * 2 * sizeof(float));
		if (!spscq_push(&b->tap, &c)) {
			atomic_fetch_add_explicit(&b->tap_dropped, (uint64_t)(frames - done),
			                          memory_order_relaxed);
			return;
		}
	}
}

static bool level_ok(float db)
{
	return db >= SONG_LEVEL_MIN && db <= SONG_LEVEL_MAX;
}

bool bridge_set_send(bridge_t *b, int ch, int bus, float db)
{
	if (!(db == SONG_SEND_OFF || (db >= SONG_LEVEL_MIN && db <= SONG_LEVEL_MAX)) || bus < 0 ||
	    bus >= SONG_SENDS)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_SEND, .u.send = { ch, bus, db } });
}

bool bridge_set_bus_volume(bridge_t *b, int bus, float db)
{
	if (!level_ok(db))
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_BUS_VOLUME, .u.bus = { bus, db } });
}

bool bridge_set_master(bridge_t *b, float volume_db, bool eq_on, bool comp_on, bool limiter_on)
{
	if (!level_ok(volume_db))
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_MASTER,
	                             .u.master = { volume_db, eq_on, comp_on, limiter_on } });
}

bool bridge_set_fx_param(bridge_t *b, int ch, int k, int param, float value)
{
	if (!isfinite(value) || param < 0 || param >= FX_MAX_PARAMS)
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_FX_PARAM, .u.param = { ch, k, param, value } });
}

bool bridge_set_fx_bypass(bridge_t *b, int ch, int k, bool bypass)
{
	return push_msg(b, &(msg_t){ .type = MSG_FX_BYPASS, .u.bypass = { ch, k, bypass } });
}

bool bridge_set_sidechain(bridge_t *b, int ch, int k, uint64_t mask)
{
	return push_msg(b, &(msg_t){ .type = MSG_SIDECHAIN, .u.side = { ch, k, mask } });
}

bool bridge_set_chain(bridge_t *b, int ch, const channel_t *c, const int *from)
{
	if (ch < 0 || ch >= b->channels || c->nfx < 0 || c->nfx > SONG_FX_CHAIN_MAX)
		return false;
	bridge_collect(b);
	if (b->fx_pending >= (int)spscq_capacity(&b->fxtrash))
		return false;
	chain_swap_t *sw = calloc(1, sizeof(*sw));
	if (!sw)
		return false;
	sw->ch = ch;
	sw->nfx = c->nfx;
	memcpy(sw->fx, c->fx, sizeof(sw->fx));
	memcpy(sw->macro, c->macro, sizeof(sw->macro));
	for (int k = 0; k < SONG_FX_CHAIN_MAX; k++) {
		sw->from[k] = k < c->nfx ? from[k] : -1;
		if (k < c->nfx && from[k] < 0 &&
		    !(sw->fresh[k] = engine_fx_state_new(c->fx[k].type, b->rate, c->fx[k].param))) {
			chain_free(sw);
			return false;
		}
	}
	if (!push_msg(b, &(msg_t){ .type = MSG_CHAIN, .u.chain = sw })) {
		chain_free(sw);
		return false;
	}
	b->fx_pending++;
	return true;
}

bool bridge_tap(bridge_t *b, bool on)
{
	return push_msg(b, &(msg_t){ .type = MSG_TAP, .u.flag = { on } });
}

int bridge_tap_read(bridge_t *b, float *out)
{
	tap_chunk_t c;
	if (!spscq_pop(&b->tap, &c))
		return 0;
	memcpy(out, c.f, (size_t)c.n * 2 * sizeof(float));
	return c.n;
}

uint64_t bridge_tap_dropped(const bridge_t *b)
{
	return atomic_load_explicit(&b->tap_dropped, memory_order_relaxed);
}

void bridge_set_interpolation(bridge_t *b, interp_t mode)
{
	engine_set_interpolation(b->engine, mode);
}

/* ------------------------------------------------------------------ */
/* the reference track                                                  */

bool bridge_set_reference(bridge_t *b, const reftrack_t *ref)
{
	bridge_collect(b);
	if (b->trash_pending >= (int)spscq_capacity(&b->trash))
		return false;
	if (!push_msg(b, &(msg_t){ .type = MSG_REF, .u.ref = ref }))
		return false;
	b->trash_pending++;
	/* the one it replaces stays busy until its swap comes back */
	if (b->ref_sent)
		b->ref_inflight[b->nref_inflight++] = b->ref_sent;   /* trash_pending bounds it */
	b->ref_sent = ref;
	return true;
}

bool bridge_choose_reference(bridge_t *b, bool reference, float gain_db)
{
	if (!isfinite(gain_db))
		return false;
	return push_msg(b, &(msg_t){ .type = MSG_REF_CHOOSE, .u.choose = { reference, gain_db } });
}

bool bridge_reference_busy(const bridge_t *b, const reftrack_t *ref)
{
	if (!ref)
		return false;
	if (b->ref_sent == ref)
		return true;
	for (int i = 0; i < b->nref_inflight; i++)
		if (b->ref_inflight[i] == ref)
			return true;
	return false;
}
