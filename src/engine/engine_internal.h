/*
 * engine_internal: what the engine's files share (engine.c, engine_voice.c,
 * engine_seq.c, engine_auto.c, engine_mix.c, engine_live.c): the engine's
 * state and the calls between its parts.  Private to src/engine; users of
 * the engine include engine.h.
 *
 * The small helpers the render loop calls per voice or per block are
 * static inline here, so splitting the engine into files costs no calls.
 */
#ifndef BEATTY_ENGINE_INTERNAL_H
#define BEATTY_ENGINE_INTERNAL_H

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "engine.h"
#include "fx.h"
#include "fxcmd.h"
#include "note.h"
#include "sampler.h"
#include "synth.h"
#include "workpool.h"

#define VOICES_PER_CHANNEL 4
#define CUT_SECONDS     0.003f   /* note cut and voice steal fade */
#define SMOOTH_SECONDS  0.002f   /* gain smoothing time constant */
#define PITCH_LO        (NOTE_MIN * PITCH_PER_SEMITONE)
#define PITCH_HI        (NOTE_MAX * PITCH_PER_SEMITONE)
#define MAX_SONG_SECONDS (24 * 3600)
#define QUIET           3.16e-5f /* -90 dBFS: under 16-bit dither, so over */
#define TAIL_MIN_MS     10
#define METER_RMS_SECONDS 0.3f
#define METER_FALL_DB_S  13.0f   /* peak hold falls this fast */
#define IDLE_FLOOR      3.16e-7f /* -130 dBFS: under 24-bit dither; see chan_settled() */
#define PARALLEL_MIN_WORK 24      /* voices + running units for a block to be shared */
#define IDLE_HOLD_S     0.3f     /* silence before a chain may rest (> reverb predelay) */

/* An effect unit as the engine runs it: the song's unit gives type and
 * bypass; param holds the live values, automation included. */
typedef struct fx_slot {
	const fx_ops_t *ops;
	void *st;
	float param[FX_MAX_PARAMS];
	bool own;                   /* st is its own allocation (a live chain change) */
} fx_slot_t;

/* An automated value: jumps, or glides linearly over a number of ticks. */
typedef struct glide {
	bool set;        /* automation has taken over from the song's value */
	float cur, target, step;
	int left;
} glide_t;

/* A level published to other threads: float bits in atomics, written by
 * the audio side, read by anyone without a lock. */
typedef struct meter_pub {
	_Atomic uint32_t peak, rms;
} meter_pub_t;

typedef struct meter {
	float peak, ms;  /* audio side: held peak, mean square */
} meter_t;

typedef struct voice {
	bool active;
	bool attached;              /* still its channel's current voice */
	bool live;                  /* a jammed note: the sequencer leaves it alone */
	int channel;
	const instrument_t *inst;
	uint64_t serial;            /* start order, for stealing the oldest */
	double freq;
	float gain, gain_target;    /* note volume x instrument volume */
	union {
		synth_voice_t syn;
		sampler_voice_t smp;
	} u;
} voice_t;

typedef struct chan {
	int inst;                   /* last instrument number used */
	double pitch;               /* base pitch after slides */
	double target;              /* tone portamento goal */
	bool glide_set;             /* tracker rules: a goal is given (ProTracker: not yet reached) */
	int vol;                    /* 0..64 */
	float pan;                  /* -1..1, from the song or 8xx */
	cell_t cell;                /* this row's cell (after EDx, the delayed one) */
	int fx;                     /* fxcmd_t of this row */
	int param;
	int arp;                    /* semitones added this tick */
	int vib_pos, vib_speed, vib_depth;
	double vib_offset;
	int trem_pos, trem_speed, trem_depth;
	int trem_offset;
	int mem_porta_up, mem_porta_down, mem_tone, mem_vslide, mem_offset;
	int mem_fine_up, mem_fine_down, mem_fvol_up, mem_fvol_down;
	int mem_pslide, mem_tremor, mem_gslide;
	int mem_xfine_up, mem_xfine_down;
	int env_pos;                /* FT2 volume envelope: tick reached */
	bool env_released;          /* a note-off let it past its sustain */
	int env_fade;               /* fadeout left, of 65536 */
	float env_gain;             /* its level and fadeout this tick */
	bool fade_only;             /* FT2: a note without an envelope let go to fade */
	int penv_pos;               /* FT2 panning envelope: tick reached */
	bool penv_released;         /* a note-off let it past its sustain */
	float pan_env;              /* its pull this tick, -1..1 (0: none) */
	int tremor_left;            /* Txy: ticks left in the current phase */
	bool tremor_on;             /* Txy: in its sounding phase */
	bool tremor_mute;           /* Txy: this tick is silent */
	int delay_tick;             /* tick the row's note waits for, or -1 */
	double fine;                /* E5x: pitch added to notes (its finetune less the instrument's) */
	int64_t note_start;         /* protracker, st3 rules: where a note without 9xx starts */
	int retrig_left;            /* st3 rules: ticks to the next E9x restart */
	int loop_row, loop_count;   /* E6x */
	voice_t *voice;
	float gain_l, gain_r;       /* smoothed fader x pan x mute */
	bool vol_ok, pan_ok;        /* the gains below are for vol_db, pan_at */
	bool pan_linear;            /* and pan_l, pan_r for this pan law */
	float vol_db, vol_g, pan_at, pan_l, pan_r;
	bool sgain_ok[SONG_SENDS];  /* sgain[b] is the gain of sgain_db[b] */
	float sgain_db[SONG_SENDS], sgain[SONG_SENDS];
	float send_to[SONG_SENDS];  /* this block's send targets (chan_mix) */
	bool fold;                  /* this block's fader is applied as the bus is summed */
	/* mixing and automation */
	int glide_ticks;            /* Gxx */
	glide_t fader;              /* linear gain (Mxx) */
	glide_t send[SONG_SENDS];   /* linear gain (Rxx, Sxx) */
	glide_t cutoff;             /* log2 Hz (Jxx) */
	glide_t reso;               /* 0..1 (Kxx) */
	glide_t macro[SONG_MACROS]; /* 0..1 over the parameter's range */
	float sg[SONG_SENDS];       /* smoothed send gains */
	fx_slot_t unit[SONG_FX_CHAIN_MAX];   /* the channel's FX chain */
	meter_t pre, post;
	/* silence: frames the chain has had no input and given nothing
	 * above IDLE_FLOOR; idle, its units (but keyed compressors) rest */
	int64_t quiet;
	bool idle;
	int64_t rested;             /* blocks it rested since the start */
} chan_t;

/* What each worker thread renders with (index 0: the calling thread). */
typedef struct worker_scratch {
	_Alignas(64) float tmp_l[ENGINE_BLOCK], tmp_r[ENGINE_BLOCK];
	float sc_l[ENGINE_BLOCK], sc_r[ENGINE_BLOCK];
} worker_scratch_t;

/* One block as its parallel items see it: set before the items run,
 * read-only while they do. */
typedef struct block_job {
	int n;
	bool emit;                  /* the block reaches the caller */
	bool cell;                  /* the block starts a cell: idle decisions are made */
	bool calm;                  /* and no tick starts inside that cell */
	bool solo;                  /* some channel is soloed */
	uint64_t stamp;             /* this block's number, for voices_done */
	uint64_t src;               /* channels some keyed compressor listens to */
	int nsrc, src_list[SONG_MAX_CHANNELS];
	int vstart[SONG_MAX_CHANNELS + 1];   /* voices of channel c: vorder[vstart[c] ..] */
	fx_ctx_t ctx;
} block_job_t;

struct engine {
	const song_t *song;
	int rate;
	float smooth;               /* one-pole coefficient per sample */
	bool loop;

	/* sequencer */
	int order, row, tick;
	int bpm, tpl;
	bool started;               /* a tick has been set up */
	bool stopped;               /* transport stopped: voices ring out, no rows */
	bool loop_pattern;          /* play pattern: the order never advances */
	bool ended, done;
	int64_t frame, end_frame, tail_frames;
	int64_t tick_left;
	uint64_t acc;               /* fraction of a frame carried between ticks */
	uint64_t den;               /* denominator acc is counted in */
	int jump_order, jump_row;   /* pending Bxx/Dxx, -1 for none */
	int loop_jump_row;          /* pending E6x jump in this pattern, -1 for none */
	bool in_loop;               /* tracker rules: an E60 marked a loop not yet done */
	int start_row;              /* ft2 rules: where the next pattern starts (E60) */
	int row_delay;              /* EEx repeats left for this row */
	int gvol;                   /* Vxx, Wxy: global volume 0..64 */
	bool row_repeat;            /* the current row is an EEx repeat */
	uint8_t visited[SONG_MAX_ORDERS][SONG_MAX_ROWS / 8];

	chan_t chan[SONG_MAX_CHANNELS];
	voice_t *voices;
	int nvoices;
	uint64_t serial;

	/* scratch, ENGINE_BLOCK frames each */
	float *bus;                 /* channels x 2 x ENGINE_BLOCK */
	float *raw;                 /* pre-FX copy of bus, for sidechain sources */
	worker_scratch_t *ws;       /* one per worker of the pool */
	float send_l[SONG_SENDS][ENGINE_BLOCK], send_r[SONG_SENDS][ENGINE_BLOCK];
	float mix_l[ENGINE_BLOCK], mix_r[ENGINE_BLOCK];
	float scratch[2 * ENGINE_BLOCK];

	/* buses and master */
	fx_slot_t busfx[SONG_SENDS];
	int64_t bus_quiet[SONG_SENDS];   /* as chan_t's quiet, idle and rested */
	bool bus_idle[SONG_SENDS];
	int64_t bus_rested;
	bool rest;                  /* resting is allowed (engine_set_rest) */
	fx_slot_t mfx[3];           /* eq, comp, limiter */
	bool master_on;
	interp_t interp;            /* what a sampler set to auto uses */
	void *fxmem;                /* every unit's state, one allocation */
	int latency;                /* master chain delay, compensated */
	int64_t skip;               /* frames of latency still to swallow */
	int64_t flush;              /* frames still to push out after the end */
	bool flushing;
	int64_t tail_window;        /* quiet frames that prove the tail is over */
	int64_t quiet;

	/* stems: channels, then bus returns; delayed to line up with the
	 * master's latency */
	int nstems;
	float *stem_ring;           /* nstems x 2 x latency */
	int ring_pos;
	float *const *stem_out;     /* during engine_render_stems */
	size_t stem_off;

	/* threads: channel chains run as items of a workpool job; a channel's
	 * voices count as done for block `stamp` once voices_done[ch] says so */
	workpool_t *pool;
	int nworkers;
	int share_min;              /* work a block needs to be shared (PARALLEL_MIN_WORK) */
	int *vorder;                /* active voices grouped by channel, index order */
	block_job_t job;
	_Alignas(64) _Atomic uint64_t voices_done[SONG_MAX_CHANNELS];

	/* meters */
	_Atomic bool meters_on;     /* someone reads them */
	bool meters_ran;            /* they ran last block */
	float meter_keep[ENGINE_BLOCK + 1];   /* what stays of the RMS after n frames */
	float meter_drop[ENGINE_BLOCK + 1];   /* what stays of the peak hold */
	meter_pub_t pub_pre[SONG_MAX_CHANNELS], pub_post[SONG_MAX_CHANNELS];
	meter_pub_t pub_master;
	meter_t master_meter;
	_Atomic uint32_t pub_reduction;
	_Atomic uint32_t pub_bus_reduction;
};

/* ---- helpers (inline) ------------------------------------------- */

/* A voice's block into w->tmp_l, and w->tmp_r when it is stereo
 * (*stereo says): a mono voice is mixed from one side. */
static inline bool voice_render(worker_scratch_t *w, voice_t *v, int n, bool *stereo)
{
	const instrument_t *in = v->inst;
	if (in->type == INST_SYNTH) {
		*stereo = false;
		return synth_voice_render(&v->u.syn, &in->synth, v->freq, w->tmp_l, n);
	}
	return sampler_voice_render_lr(&v->u.smp, &in->sampler, v->freq, w->tmp_l, w->tmp_r, n, stereo);
}

static inline void voice_release(voice_t *v)
{
	if (v->inst->type == INST_SYNTH)
		synth_voice_release(&v->u.syn, &v->inst->synth);
	else
		sampler_voice_release(&v->u.smp, &v->inst->sampler);
}

static inline void voice_kill(voice_t *v)
{
	if (v->inst->type == INST_SYNTH)
		synth_voice_kill(&v->u.syn, CUT_SECONDS);
	else
		sampler_voice_kill(&v->u.smp, CUT_SECONDS);
}

/* Lets the channel's voice ring out on its own: its release finishes
 * instead of being cut off by the next note. */
static inline void chan_detach(chan_t *c, bool release)
{
	if (!c->voice)
		return;
	if (release)
		voice_release(c->voice);
	c->voice->attached = false;
	c->voice = NULL;
}

static inline float inst_gain(const instrument_t *in)
{
	return db_to_gain(in->type == INST_SYNTH ? in->synth.volume : in->sampler.volume);
}

/* A unit of the chain took new parameters: it glides to them, so the
 * chain runs (and counts its silence afresh) until they have landed. */
static inline void chan_wake(chan_t *c)
{
	c->quiet = 0;
	c->idle = false;
}

static inline int clampi(int x, int lo, int hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static inline float note_gain(const chan_t *c)
{
	if (c->tremor_mute)
		return 0.0f;
	return (float)clampi(c->vol + c->trem_offset, 0, 64) / 64.0f;
}

/* A voice's level: the note's, the instrument's and, once a Vxx or Wxy
 * has moved it, the global volume's. */
/* A sampler with FT2's volume envelope (and fadeout). */
static inline bool has_env(const instrument_t *in)
{
	return in->type == INST_SAMPLER && in->sampler.env.n > 0;
}

/* A sampler with FT2's panning envelope. */
static inline bool has_penv(const instrument_t *in)
{
	return in && in->type == INST_SAMPLER && in->sampler.penv.n > 0;
}

/* The channel's pan with FT2's panning envelope: the envelope pulls it
 * towards a side by as much as the room left on that side. */
static inline float ft2_pan(const chan_t *c)
{
	float p = c->pan + c->pan_env * (1.0f - fabsf(c->pan));
	return p < -1.0f ? -1.0f : p > 1.0f ? 1.0f : p;
}

static inline float voice_level(const engine_t *e, const chan_t *c, const instrument_t *in)
{
	float g = note_gain(c) * inst_gain(in);
	if (has_env(in) || c->fade_only)
		g *= c->env_gain;
	return e->gvol == 64 ? g : g * (float)e->gvol / 64.0f;
}

static inline double chan_freq(const chan_t *c)
{
	double p = c->pitch + c->arp * PITCH_PER_SEMITONE + c->vib_offset;
	return pitch_to_hz(p);
}

/* Where 9xx starts the sample: xx * 256 frames, or slice xx of a sampler
 * whose slices are offsets (past the last slice: nothing plays). */
static inline int64_t slice_offset(const engine_t *e, const chan_t *c, int x)
{
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
	if (!in || in->type != INST_SAMPLER || !in->sampler.slice_offsets || in->sampler.nslices < 1)
		return (int64_t)x * 256;
	return x < in->sampler.nslices ? in->sampler.slice[x] : INT64_MAX;
}

static inline const pattern_t *cur_pattern(const engine_t *e)
{
	if (e->order < 0 || e->order >= e->song->norders)
		return NULL;
	int p = e->song->order[e->order].pattern;
	return p >= 0 && p < SONG_MAX_PATTERNS ? e->song->pattern[p] : NULL;
}

static inline bool visited(const engine_t *e, int order, int row)
{
	return e->visited[order][row >> 3] & (1u << (row & 7));
}

static inline void mark_visited(engine_t *e, int order, int row)
{
	e->visited[order][row >> 3] |= (uint8_t)(1u << (row & 7));
}

static inline float pub_load(const _Atomic uint32_t *a)
{
	uint32_t u = atomic_load_explicit(a, memory_order_relaxed);
	float v;
	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline void run_slot(fx_slot_t *slot, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	if (slot->ops && slot->ops->process)
		slot->ops->process(slot->st, l, r, n, ctx);
}

static inline size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* ---- between the parts ------------------------------------------ */

int64_t eng_tick_frames(engine_t *e);
void eng_song_ends(engine_t *e);
bool eng_next_row(engine_t *e);
void eng_play_cell(engine_t *e, int ch);
void eng_row_effect(engine_t *e, int ch);
void eng_row_repeat(engine_t *e, int ch);
int eng_arp(const engine_t *e, const chan_t *c, int semis);
void eng_tick_effect(engine_t *e, int ch);
void eng_auto_apply(engine_t *e, int ch);
void eng_tick_start(engine_t *e);
void eng_block_prepare(engine_t *e, int n, bool emit);
void eng_render_block(engine_t *e, float *out, int n, bool emit);
void eng_slot_tail(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg);
size_t eng_render(engine_t *e, float *out, float *const *stems, size_t frames);
void eng_chan_trigger(engine_t *e, int ch, int64_t offset);
void eng_env_reset(chan_t *c, const instrument_t *in);
void eng_env_step(chan_t *c, const instrument_t *in);
void eng_fade_start(chan_t *c);
void eng_fade_stop(chan_t *c, const instrument_t *in);
void eng_fade_note(chan_t *c, const instrument_t *in);
void eng_penv_reset(chan_t *c);
void eng_penv_step(chan_t *c, const instrument_t *in);
void eng_fade_step(chan_t *c, const instrument_t *in);

#endif
