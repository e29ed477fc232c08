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
	int delay_tick;             /* tick the row's note waits for, or -1 */
	int loop_row, loop_count;   /* E6x */
	voice_t *voice;
	float gain_l, gain_r;       /* smoothed fader x pan x mute */
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
	int row_delay;              /* EEx repeats left for this row */
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

/* ------------------------------------------------------------------ */
/* voices                                                               */

static bool voice_render(worker_scratch_t *w, voice_t *v, int n)
{
	const instrument_t *in = v->inst;
	if (in->type == INST_SYNTH) {
		bool on = synth_voice_render(&v->u.syn, &in->synth, v->freq, w->tmp_l, n);
		memcpy(w->tmp_r, w->tmp_l, (size_t)n * sizeof(float));
		return on;
	}
	return sampler_voice_render(&v->u.smp, &in->sampler, v->freq, w->tmp_l, w->tmp_r, n);
}

static void voice_release(voice_t *v)
{
	if (v->inst->type == INST_SYNTH)
		synth_voice_release(&v->u.syn, &v->inst->synth);
	else
		sampler_voice_release(&v->u.smp, &v->inst->sampler);
}

static void voice_kill(voice_t *v)
{
	if (v->inst->type == INST_SYNTH)
		synth_voice_kill(&v->u.syn, CUT_SECONDS);
	else
		sampler_voice_kill(&v->u.smp, CUT_SECONDS);
}

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

/* Lets the channel's voice ring out on its own: its release finishes
 * instead of being cut off by the next note. */
static void chan_detach(chan_t *c, bool release)
{
	if (!c->voice)
		return;
	if (release)
		voice_release(c->voice);
	c->voice->attached = false;
	c->voice = NULL;
}

static float inst_gain(const instrument_t *in)
{
	return db_to_gain(in->type == INST_SYNTH ? in->synth.volume : in->sampler.volume);
}

/* A unit of the chain took new parameters: it glides to them, so the
 * chain runs (and counts its silence afresh) until they have landed. */
static void chan_wake(chan_t *c)
{
	c->quiet = 0;
	c->idle = false;
}

static int clampi(int x, int lo, int hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static float note_gain(const chan_t *c)
{
	return (float)clampi(c->vol + c->trem_offset, 0, 64) / 64.0f;
}

static double chan_freq(const chan_t *c)
{
	double p = c->pitch + c->arp * PITCH_PER_SEMITONE + c->vib_offset;
	return pitch_to_hz(p);
}

/* An E9x restart after the row's first tick: the note starts again over
 * itself, so its sample's first frame would click in. */
static bool chan_retriggers(const engine_t *e, const chan_t *c)
{
	return e->tick > 0 && c->fx == FX_EXTENDED && (c->param >> 4) == 0x9;
}

/* Where 9xx starts the sample: xx * 256 frames, or slice xx of a sampler
 * whose slices are offsets (past the last slice: nothing plays). */
static int64_t slice_offset(const engine_t *e, const chan_t *c, int x)
{
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
	if (!in || in->type != INST_SAMPLER || !in->sampler.slice_offsets || in->sampler.nslices < 1)
		return (int64_t)x * 256;
	return x < in->sampler.nslices ? in->sampler.slice[x] : INT64_MAX;
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

static void chan_trigger(engine_t *e, int ch, int64_t offset)
{
	chan_t *c = &e->chan[ch];
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
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
	v->gain = v->gain_target = note_gain(c) * inst_gain(in);
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
		if (stolen || chan_retriggers(e, c))
			sampler_voice_declick(&v->u.smp);
		v->u.smp.interp = in->sampler.interp != INTERP_AUTO ? in->sampler.interp : e->interp;
	}
	c->voice = v;
}

/* ------------------------------------------------------------------ */
/* the sequencer                                                        */

static const pattern_t *cur_pattern(const engine_t *e)
{
	if (e->order < 0 || e->order >= e->song->norders)
		return NULL;
	int p = e->song->order[e->order].pattern;
	return p >= 0 && p < SONG_MAX_PATTERNS ? e->song->pattern[p] : NULL;
}

static bool visited(const engine_t *e, int order, int row)
{
	return e->visited[order][row >> 3] & (1u << (row & 7));
}

static void mark_visited(engine_t *e, int order, int row)
{
	e->visited[order][row >> 3] |= (uint8_t)(1u << (row & 7));
}

/* The denominator of a tick's length.  In tick timing a tick lasts
 * 2.5 / bpm s, as in ProTracker: the line formula with lpb * tpl = 24
 * (4 lines of 6 ticks a beat), whatever the song's lpb and tpl are;
 * and, as trackers count them, each tick is a whole number of frames,
 * the fraction dropped rather than carried. */
static uint64_t tick_den(const engine_t *e)
{
	const song_t *s = e->song;
	if (s->timing == TIMING_TICKS)
		return (uint64_t)e->bpm * 24u * 100u;
	return (uint64_t)e->bpm * (uint64_t)s->lpb * (uint64_t)e->tpl * 100u;
}

/* Tick length in frames; see the comment at the top of the file. */
static int64_t tick_frames(engine_t *e)
{
	const song_t *s = e->song;
	int swing = s->swing;
	int pct = 100 + ((e->row & 1) ? -swing : swing);
	uint64_t num = (uint64_t)e->rate * 60u * (uint64_t)pct;
	uint64_t den = tick_den(e);
	if (s->timing == TIMING_TICKS)
		return (int64_t)(num / den);   /* whole frames a tick, the rest dropped (FT2, libxmp) */
	if (den != e->den) {
		/* Tempo changed: carry the same fraction of a frame over. */
		e->acc = e->den ? e->acc * den / e->den : 0;
		e->den = den;
	}
	e->acc += num;
	int64_t n = (int64_t)(e->acc / den);
	e->acc -= (uint64_t)n * den;
	return n;
}

static void slot_tail(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg);

/* A one-shot sample, or a synth note whose envelope decays to silence:
 * when the song ends, it plays out in the tail (up to ENGINE_MAX_TAIL)
 * instead of being released. */
static bool voice_ends_by_itself(const voice_t *v)
{
	if (!v)
		return false;
	const instrument_t *in = v->inst;
	if (in->type == INST_SYNTH)
		return !(in->synth.amp.sustain > 0.0f);
	const sampler_params_t *p = &in->sampler;
	int64_t end = p->loop_end > 0 && p->loop_end <= p->sample.frames ? p->loop_end : p->sample.frames;
	return (p->loop != LOOP_FORWARD && p->loop != LOOP_PINGPONG) || end - p->loop_start < 2;
}

static void song_ends(engine_t *e)
{
	e->ended = true;
	e->end_frame = e->frame;
	e->tail_window = 0;
	const song_t *s = e->song;
	for (int ch = 0; ch < s->channels; ch++)
		for (int k = 0; k < s->channel[ch].nfx; k++)
			slot_tail(e, &e->chan[ch].unit[k], &s->channel[ch].fx[k], &e->tail_window);
	/* a bus counts only if something is sent to it */
	for (int b = 0; b < SONG_SENDS; b++)
		for (int ch = 0; ch < s->channels; ch++)
			if (s->channel[ch].send[b] > SONG_SEND_OFF ||
			    (e->chan[ch].send[b].set && e->chan[ch].send[b].cur > 0.0f)) {
				slot_tail(e, &e->busfx[b], &s->bus[b].fx, &e->tail_window);
				break;
			}
	for (int ch = 0; ch < e->song->channels; ch++)
		chan_detach(&e->chan[ch], !voice_ends_by_itself(e->chan[ch].voice));
}

/* A Bxx or Dxx that leaves the order list goes on at the restart
 * position (the target row of a break kept), as trackers play it: the
 * song is over only once that row has already been played.  True when
 * it goes on; then the position is set. */
static bool jump_wraps(engine_t *e, int *order, int row)
{
	const song_t *s = e->song;
	int o = s->restart < s->norders ? s->restart : 0;
	int p = s->order[o].pattern;
	const pattern_t *pat = p >= 0 && p < SONG_MAX_PATTERNS ? s->pattern[p] : NULL;
	if (!pat)
		return false;
	if (row >= pat->rows)
		row = 0;
	if (visited(e, o, row))
		return false;
	if (o != e->order)
		for (int ch = 0; ch < s->channels; ch++)
			e->chan[ch].loop_row = 0, e->chan[ch].loop_count = 0;
	*order = o;
	e->order = o;
	e->row = row;
	return true;
}

/* Moves to the next row, honouring jumps, breaks and loops.  Returns
 * false when the song is over. */
static bool next_row(engine_t *e)
{
	const song_t *s = e->song;
	if (e->row_delay > 0) {
		e->row_delay--;
		e->row_repeat = true;
		return true;
	}
	e->row_repeat = false;
	int order = e->order, row = e->row + 1;
	bool loop_jump = false;
	if (e->jump_order >= 0 || e->jump_row >= 0) {
		order = e->jump_order >= 0 ? e->jump_order : e->order + 1;
		row = e->jump_row >= 0 ? e->jump_row : 0;
	} else if (e->loop_jump_row >= 0) {
		/* The rows replayed by a pattern loop are not a song loop. */
		for (int r = e->loop_jump_row; r <= e->row; r++)
			e->visited[e->order][r >> 3] &= (uint8_t)~(1u << (r & 7));
		row = e->loop_jump_row;
		loop_jump = true;
	} else {
		const pattern_t *p = cur_pattern(e);
		if (!p || row >= p->rows) {
			if (!e->loop_pattern)
				order++;
			else
				memset(e->visited[e->order], 0, sizeof(e->visited[0]));
			row = 0;
		}
	}
	bool jumped = (e->jump_order >= 0 && e->jump_order < SONG_MAX_ORDERS) || e->jump_row >= 0;
	e->jump_order = e->jump_row = e->loop_jump_row = -1;
	if (order >= s->norders || order < 0) {
		if (jumped && !e->loop && jump_wraps(e, &order, row))
			return true;
		if (!e->loop)
			return false;
		order = s->restart < s->norders ? s->restart : 0;
		row = 0;
		memset(e->visited, 0, sizeof(e->visited));
	}
	if (order != e->order)
		for (int ch = 0; ch < s->channels; ch++)
			e->chan[ch].loop_row = 0, e->chan[ch].loop_count = 0;
	e->order = order;
	const pattern_t *p = cur_pattern(e);
	if (!p)
		return false;
	if (row >= p->rows)
		row = 0;
	e->row = row;
	if (!loop_jump && visited(e, order, row)) {
		/* A jump back into what already played: the song has looped. */
		if (!e->loop)
			return false;
		memset(e->visited, 0, sizeof(e->visited));
	}
	return true;
}

/* Effect parameter memory: a zero parameter reuses the last one. */
static int remember(int *mem, int param)
{
	if (param)
		*mem = param;
	return *mem;
}

static void vol_slide(chan_t *c, int param)
{
	int up = param >> 4, down = param & 15;
	c->vol = clampi(c->vol + (up ? up : -down), 0, 64);
}

static void pitch_slide(chan_t *c, double amount)
{
	c->pitch = fmin(fmax(c->pitch + amount, PITCH_LO), PITCH_HI);
}

/* Amiga slides (slides = amiga).  ProTracker slides the period the
 * Paula chip divides its clock by, not the pitch: a step is a larger
 * interval the higher the note, and the period stays within 113..856
 * (B-3..C-1 there; beatty's C-5 is its C-2, period 428).  The limits
 * apply to the period the sample really plays at, finetune included. */
#define AMIGA_C5_PERIOD 428.0
#define AMIGA_C5_PITCH  ((NOTE_MIN + 60) * PITCH_PER_SEMITONE)
#define AMIGA_MIN       113.0
#define AMIGA_MAX       856.0

static double chan_cents(const engine_t *e, const chan_t *c)
{
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
	return in && in->type == INST_SAMPLER ? in->sampler.finetune : 0.0;
}

static double amiga_period(double pitch)
{
	return AMIGA_C5_PERIOD * exp2(-(pitch - AMIGA_C5_PITCH) / (12.0 * PITCH_PER_SEMITONE));
}

static double amiga_pitch(double period)
{
	return AMIGA_C5_PITCH - 12.0 * PITCH_PER_SEMITONE * log2(period / AMIGA_C5_PERIOD);
}

/* Moves the channel's pitch by steps: 1/16 semitone each, or one period
 * step each on the Amiga (positive is up). */
static void slide_by(engine_t *e, chan_t *c, int steps)
{
	if (e->song->slides != SLIDES_AMIGA) {
		pitch_slide(c, steps * 4.0);
		return;
	}
	double ft = chan_cents(e, c) * PITCH_PER_SEMITONE / 100.0;
	double per = amiga_period(c->pitch + ft) - steps;
	per = fmin(fmax(per, AMIGA_MIN), AMIGA_MAX);
	c->pitch = fmin(fmax(amiga_pitch(per) - ft, PITCH_LO), PITCH_HI);
}

static void amiga_tone_porta(chan_t *c)
{
	double per = amiga_period(c->pitch), goal = amiga_period(c->target);
	if (per > goal)
		per = fmax(per - c->mem_tone, goal);
	else
		per = fmin(per + c->mem_tone, goal);
	c->pitch = per == goal ? c->target : amiga_pitch(per);
}

static void tone_porta(engine_t *e, chan_t *c)
{
	if (e->song->slides == SLIDES_AMIGA) {
		amiga_tone_porta(c);
		return;
	}
	double step = c->mem_tone * 4.0;
	if (c->pitch < c->target)
		c->pitch = fmin(c->pitch + step, c->target);
	else
		c->pitch = fmax(c->pitch - step, c->target);
}

static void vibrato(chan_t *c)
{
	c->vib_offset = sin(2.0 * M_PI * c->vib_pos / 64.0) * c->vib_depth * 8.0;
	c->vib_pos = (c->vib_pos + c->vib_speed) & 63;
}

static void tremolo(chan_t *c)
{
	c->trem_offset = (int)lrint(sin(2.0 * M_PI * c->trem_pos / 64.0) * c->trem_depth * 4.0);
	c->trem_pos = (c->trem_pos + c->trem_speed) & 63;
}

/* The note, instrument and volume columns, on the tick the note sounds
 * (tick 0, or x for EDx). */
static void play_cell(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	const cell_t *cell = &c->cell;
	bool porta = c->fx == FX_TONE_PORTA || c->fx == FX_PORTA_VOL;

	if (cell->inst) {
		c->inst = cell->inst;
		c->vol = 64;   /* a new instrument number resets the volume, as in FT2 */
	}
	/* The row's volume is set before the note starts, so the note starts
	 * at it instead of gliding down from the old volume.  (row_effect
	 * sets Cxx again; that changes nothing.) */
	if (cell->vol != VOL_NONE)
		c->vol = clampi(cell->vol, 0, 64);
	if (c->fx == FX_SET_VOL)
		c->vol = clampi(c->param, 0, 64);
	if (cell->note >= NOTE_MIN && cell->note <= NOTE_MAX) {
		double pitch = cell->note * PITCH_PER_SEMITONE;
		if (porta && c->voice && !c->voice->live) {
			c->target = pitch;
		} else {
			c->pitch = c->target = pitch;
			c->vib_pos = c->trem_pos = 0;
			c->vib_offset = 0;
			c->trem_offset = 0;
			int64_t offset = 0;
			if (c->fx == FX_OFFSET)
				offset = slice_offset(e, c, remember(&c->mem_offset, c->param));
			chan_trigger(e, ch, offset);
		}
	} else if (cell->note == NOTE_OFF) {
		if (c->voice)
			voice_release(c->voice);
	} else if (cell->note == NOTE_CUT) {
		if (c->voice)
			voice_kill(c->voice);
		chan_detach(c, false);
	}
}

static void row_effect(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	int p = c->param, x = p >> 4, y = p & 15;
	switch (c->fx) {
	case FX_VIBRATO:
		if (x) c->vib_speed = x;
		if (y) c->vib_depth = y;
		break;
	case FX_TREMOLO:
		if (x) c->trem_speed = x;
		if (y) c->trem_depth = y;
		break;
	case FX_PORTA_UP:
		remember(&c->mem_porta_up, p);
		break;
	case FX_PORTA_DOWN:
		remember(&c->mem_porta_down, p);
		break;
	case FX_TONE_PORTA:
		remember(&c->mem_tone, p);
		break;
	case FX_VOL_SLIDE:
	case FX_PORTA_VOL:
	case FX_VIBRATO_VOL:
		remember(&c->mem_vslide, p);
		break;
	case FX_PAN:
		c->pan = p < 128 ? (p - 128) / 128.0f : (p - 128) / 127.0f;
		break;
	case FX_JUMP:
		e->jump_order = p;
		break;
	case FX_SET_VOL:
		c->vol = clampi(p, 0, 64);
		break;
	case FX_BREAK:
		e->jump_row = p;
		break;
	case FX_SPEED:
		if (p == 0)
			e->jump_order = SONG_MAX_ORDERS;   /* F00: the end */
		else if (p < 0x20)
			e->tpl = p;
		else
			e->bpm = p;
		break;
	case FX_EXTENDED:
		switch (x) {
		case 0x1: slide_by(e, c, remember(&c->mem_fine_up, y)); break;
		case 0x2: slide_by(e, c, -remember(&c->mem_fine_down, y)); break;
		case 0xA: c->vol = clampi(c->vol + remember(&c->mem_fvol_up, y), 0, 64); break;
		case 0xB: c->vol = clampi(c->vol - remember(&c->mem_fvol_down, y), 0, 64); break;
		case 0x6:
			if (y == 0) {
				c->loop_row = e->row;
			} else if (c->loop_count == 0) {
				c->loop_count = y;
				e->loop_jump_row = c->loop_row;
			} else if (--c->loop_count > 0) {
				e->loop_jump_row = c->loop_row;
			}
			break;
		case 0xC:
			if (y == 0)   /* EC0 cuts at once (later ticks: tick_effect) */
				c->vol = 0;
			break;
		case 0xE:
			if (!e->row_repeat)
				e->row_delay = y;
			break;
		}
		break;
	}
}

/* Effects that run on every tick after the first. */
static void tick_effect(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	int p = c->param, x = p >> 4, y = p & 15;
	switch (c->fx) {
	case FX_PORTA_UP:    slide_by(e, c, c->mem_porta_up); break;
	case FX_PORTA_DOWN:  slide_by(e, c, -c->mem_porta_down); break;
	case FX_TONE_PORTA:  tone_porta(e, c); break;
	case FX_VIBRATO:     vibrato(c); break;
	case FX_TREMOLO:     tremolo(c); break;
	case FX_VOL_SLIDE:   vol_slide(c, c->mem_vslide); break;
	case FX_PORTA_VOL:   tone_porta(e, c); vol_slide(c, c->mem_vslide); break;
	case FX_VIBRATO_VOL: vibrato(c); vol_slide(c, c->mem_vslide); break;
	case FX_EXTENDED:
		/* E9x restarts the channel's note, whether or not this row
		 * names one (as in ProTracker and FT2); not after an off or cut
		 * on this row, nor before the channel has played a note. */
		if (x == 0x9 && y && e->tick % y == 0 && c->pitch >= PITCH_LO &&
		    c->cell.note != NOTE_OFF && c->cell.note != NOTE_CUT)
			chan_trigger(e, ch, 0);
		else if (x == 0xC && e->tick == y)
			c->vol = 0;
		break;
	}
	(void)x;
}


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
static void auto_apply(engine_t *e, int ch)
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
		if (c->fx == FX_EXTENDED && (c->param >> 4) == 0xD && (c->param & 15))
			c->delay_tick = c->param & 15;
		else
			play_cell(e, ch);
		row_effect(e, ch);
		auto_row(e, ch);
	}
}

/* Sets up the tick that starts now: row effects on tick 0, slides on
 * later ticks, then the voices' pitch and volume. */
static void tick_start(engine_t *e)
{
	const song_t *s = e->song;
	if (e->started && ++e->tick >= e->tpl) {
		e->tick = 0;
		if (!next_row(e)) {
			song_ends(e);
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
			song_ends(e);
			return;
		}
		if (e->row >= pat->rows)
			e->row = 0;
	}
	e->started = true;
	if (e->tick == 0 && !e->row_repeat) {
		row_start(e);
	}
	for (int ch = 0; ch < s->channels; ch++) {
		chan_t *c = &e->chan[ch];
		c->arp = 0;
		if (c->fx == FX_ARPEGGIO && c->param) {
			int t = e->tick % 3;
			c->arp = t == 1 ? c->param >> 4 : t == 2 ? c->param & 15 : 0;
		}
		if (e->tick > 0)
			tick_effect(e, ch);
		if (c->delay_tick == e->tick)
			play_cell(e, ch);
		auto_apply(e, ch);
		if (c->voice && !c->voice->live) {
			c->voice->freq = chan_freq(c);
			c->voice->gain_target = note_gain(c) * inst_gain(c->voice->inst);
		}
	}
	e->tick_left = tick_frames(e);
	if (e->frame + e->tick_left > (int64_t)MAX_SONG_SECONDS * e->rate)
		song_ends(e);
}

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

static float pub_load(const _Atomic uint32_t *a)
{
	uint32_t u = atomic_load_explicit(a, memory_order_relaxed);
	float v;
	memcpy(&v, &u, sizeof(v));
	return v;
}

/* Peak with a falling hold and a 300 ms RMS, published for the UI.  The
 * RMS integrates per block (the block's mean square into the running
 * one), which reads the same to the eye and keeps the loop free of a
 * serial dependency.  Each meter runs once per block, and only while
 * someone reads the meters (engine_set_meters). */
static void meter_run(const engine_t *e, meter_t *m, meter_pub_t *pub, const float *l, const float *r, int n)
{
	float pk = 0.0f, sq = 0.0f;
	for (int j = 0; j < n; j++) {
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

static void run_slot(fx_slot_t *slot, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	if (slot->ops && slot->ops->process)
		slot->ops->process(slot->st, l, r, n, ctx);
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
		for (int j = 0; j < n; j++) {
			w->sc_l[j] += bl[j];
			w->sc_r[j] += br[j];
		}
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
	for (; j < n; j++) {
		dl[j] += sl[j] * g;
		dr[j] += sr[j] * g;
	}
	return g;
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
	for (int j = n - 1; j >= from; j--)
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
	memset(bl, 0, 2 * ENGINE_BLOCK * sizeof(float));
	for (int i = jb->vstart[ch]; i < jb->vstart[ch + 1]; i++) {
		voice_t *v = &e->voices[e->vorder[i]];
		bool on = voice_render(w, v, n);
		v->gain = add_gained(bl, br, w->tmp_l, w->tmp_r, v->gain, v->gain_target, e->smooth, n);
		if (!on) {
			v->active = false;
			if (v->attached) {
				e->chan[v->channel].voice = NULL;
				v->attached = false;
			}
		}
	}
	if (jb->src & (1ull << ch))
		memcpy(e->raw + (size_t)ch * 2 * ENGINE_BLOCK, bl, 2 * ENGINE_BLOCK * sizeof(float));
	atomic_store_explicit(&e->voices_done[ch], jb->stamp, memory_order_release);
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
	float fader = (c->fader.set ? c->fader.cur : db_to_gain(sc->volume)) * audible, pl, pr;
	pan_gains(c->pan, &pl, &pr);
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
static void block_prepare(engine_t *e, int n, bool emit)
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
static void render_block(engine_t *e, float *out, int n, bool emit)
{
	const song_t *s = e->song;
	int nch = s->channels;
	block_prepare(e, n, emit);
	/* A light block is not worth handing out: the items' hand-over and
	 * the caches they cross cost more than the work (the bits are the
	 * same either way). */
	int work = e->job.vstart[nch];
	for (int ch = 0; ch < nch; ch++)
		work += e->chan[ch].idle ? 0 : s->channel[ch].nfx;
	workpool_run(work >= e->share_min ? e->pool : NULL, block_item, e, e->job.nsrc + nch);
	fx_ctx_t ctx = e->job.ctx;

	memset(e->mix_l, 0, sizeof(e->mix_l));
	memset(e->mix_r, 0, sizeof(e->mix_r));
	memset(e->send_l, 0, sizeof(e->send_l));
	memset(e->send_r, 0, sizeof(e->send_r));
	bool fed[SONG_SENDS] = { false };
	for (int ch = 0; ch < nch; ch++) {
		const channel_t *sc = &s->channel[ch];
		chan_t *c = &e->chan[ch];
		const float *bl = chan_bus(e, ch), *br = bl + ENGINE_BLOCK;
		if (!c->idle)
			for (int j = 0; j < n; j++) {
				e->mix_l[j] += bl[j];
				e->mix_r[j] += br[j];
			}
		/* Sends are post-fader: a muted channel sends nothing. */
		for (int b = 0; b < SONG_SENDS; b++) {
			float st = c->send[b].set ? c->send[b].cur : db_to_gain(sc->send[b]);
			if (st == 0.0f && c->sg[b] == 0.0f)
				continue;
			if (c->idle) {
				c->sg[b] = glide_skip(c->sg[b], st, e->smooth, n);
				continue;
			}
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
			for (int j = 0; j < n; j++) {
				l[j] *= g;
				r[j] *= g;
				e->mix_l[j] += l[j];
				e->mix_r[j] += r[j];
			}
		}
		if (e->nstems)
			stem_emit(e, nch + b, l, r, n, emit);
	}

	/* Counted frame by frame, so where a tail ends does not depend on
	 * how the caller splits its requests. */
	int64_t quiet = e->quiet;
	for (int j = 0; j < n; j++)
		quiet = fmaxf(fabsf(e->mix_l[j]), fabsf(e->mix_r[j])) < QUIET ? quiet + 1 : 0;
	e->quiet = quiet;

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
	for (int j = 0; j < n; j++) {
		out[2 * j] = e->mix_l[j];
		out[2 * j + 1] = e->mix_r[j];
	}
}

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

static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
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
static void slot_tail(engine_t *e, fx_slot_t *slot, const fx_unit_t *u, void *arg)
{
	int64_t *w = arg;
	if (!u->bypass && slot->ops && slot->ops->gap) {
		int64_t f = slot->ops->gap(slot->st, e->bpm);
		if (f > *w)
			*w = f;
	}
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
	sampler_init();   /* its tables, before any audio thread needs them */
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
	e->row_delay = 0;
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
	chan_trigger(e, ch, 0);
	if (c->voice)
		c->voice->live = true;
	c->inst = inst0;
	c->pitch = pitch0;
	c->target = target0;
	c->vol = vol0;
	c->arp = arp0;
	c->vib_offset = vib0;
	c->trem_offset = trem0;
	auto_apply(e, ch);
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

static size_t render(engine_t *e, float *out, float *const *stems, size_t frames)
{
	unsigned long fpmode = dsp_denormals_off();
	size_t done = 0;
	e->stem_out = stems;
	while (done < frames && !e->done) {
		bool seq = !e->ended && !e->stopped;
		if (seq && e->tick_left == 0) {
			tick_start(e);
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
		render_block(e, emit ? out + 2 * done : e->scratch, (int)n, emit);
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
	return render(e, out, NULL, frames);
}

size_t engine_render_stems(engine_t *e, float *out, float *const *stems, size_t frames)
{
	return render(e, out, stems, frames);
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
			tick_start(e);
		} else {
			e->frame += e->tick_left;
			e->tick_left = 0;
		}
	}
	int64_t n = e->end_frame;
	engine_destroy(e);
	return n;
}

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
