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
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "engine.h"
#include "fxcmd.h"
#include "note.h"
#include "sampler.h"
#include "synth.h"

#define VOICES_PER_CHANNEL 4
#define CUT_SECONDS     0.003f   /* note cut and voice steal fade */
#define SMOOTH_SECONDS  0.002f   /* gain smoothing time constant */
#define PITCH_LO        (NOTE_MIN * PITCH_PER_SEMITONE)
#define PITCH_HI        (NOTE_MAX * PITCH_PER_SEMITONE)
#define MAX_SONG_SECONDS (24 * 3600)

typedef struct voice {
	bool active;
	bool attached;              /* still its channel's current voice */
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
} chan_t;

struct engine {
	const song_t *song;
	int rate;
	float smooth;               /* one-pole coefficient per sample */
	bool loop;

	/* sequencer */
	int order, row, tick;
	int bpm, tpl;
	bool started;               /* a tick has been set up */
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
	float tmp_l[ENGINE_BLOCK], tmp_r[ENGINE_BLOCK];
};

/* ------------------------------------------------------------------ */
/* voices                                                               */

static bool voice_render(engine_t *e, voice_t *v, int n)
{
	const instrument_t *in = v->inst;
	if (in->type == INST_SYNTH) {
		bool on = synth_voice_render(&v->u.syn, &in->synth, v->freq, e->tmp_l, n);
		memcpy(e->tmp_r, e->tmp_l, (size_t)n * sizeof(float));
		return on;
	}
	return sampler_voice_render(&v->u.smp, &in->sampler, v->freq, e->tmp_l, e->tmp_r, n);
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
	if (v->active)   /* stolen: it was the oldest releasing voice */
		v->active = false;
	v->active = true;
	v->attached = true;
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
		sampler_voice_start(&v->u.smp, &in->sampler, (float)e->rate, offset);
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

/* Tick length in frames; see the comment at the top of the file. */
static int64_t tick_frames(engine_t *e)
{
	const song_t *s = e->song;
	int swing = s->swing;
	int pct = 100 + ((e->row & 1) ? -swing : swing);
	uint64_t num = (uint64_t)e->rate * 60u * (uint64_t)pct;
	uint64_t den = (uint64_t)e->bpm * (uint64_t)s->lpb * (uint64_t)e->tpl * 100u;
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

static void song_ends(engine_t *e)
{
	e->ended = true;
	e->end_frame = e->frame;
	for (int ch = 0; ch < e->song->channels; ch++)
		chan_detach(&e->chan[ch], true);
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
			order++;
			row = 0;
		}
	}
	e->jump_order = e->jump_row = e->loop_jump_row = -1;
	if (order >= s->norders || order < 0) {
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

static void tone_porta(chan_t *c)
{
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
	if (cell->note >= NOTE_MIN && cell->note <= NOTE_MAX) {
		double pitch = cell->note * PITCH_PER_SEMITONE;
		if (porta && c->voice) {
			c->target = pitch;
		} else {
			c->pitch = c->target = pitch;
			c->vib_pos = c->trem_pos = 0;
			c->vib_offset = 0;
			c->trem_offset = 0;
			int64_t offset = 0;
			if (c->fx == FX_OFFSET)
				offset = (int64_t)remember(&c->mem_offset, c->param) * 256;
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
	if (cell->vol != VOL_NONE)
		c->vol = clampi(cell->vol, 0, 64);
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
		case 0x1: pitch_slide(c, remember(&c->mem_fine_up, y) * 4.0); break;
		case 0x2: pitch_slide(c, -remember(&c->mem_fine_down, y) * 4.0); break;
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
	case FX_PORTA_UP:    pitch_slide(c, c->mem_porta_up * 4.0); break;
	case FX_PORTA_DOWN:  pitch_slide(c, -c->mem_porta_down * 4.0); break;
	case FX_TONE_PORTA:  tone_porta(c); break;
	case FX_VIBRATO:     vibrato(c); break;
	case FX_TREMOLO:     tremolo(c); break;
	case FX_VOL_SLIDE:   vol_slide(c, c->mem_vslide); break;
	case FX_PORTA_VOL:   tone_porta(c); vol_slide(c, c->mem_vslide); break;
	case FX_VIBRATO_VOL: vibrato(c); vol_slide(c, c->mem_vslide); break;
	case FX_EXTENDED:
		if (x == 0x9 && y && e->tick % y == 0 && c->cell.note >= NOTE_MIN && c->cell.note <= NOTE_MAX)
			chan_trigger(e, ch, 0);
		else if (x == 0xC && e->tick == y)
			c->vol = 0;
		break;
	}
	(void)x;
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
		if (c->voice) {
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

static void render_block(engine_t *e, float *out, int n)
{
	const song_t *s = e->song;
	int nch = s->channels;
	memset(e->bus, 0, (size_t)nch * 2 * ENGINE_BLOCK * sizeof(float));

	for (int i = 0; i < e->nvoices; i++) {
		voice_t *v = &e->voices[i];
		if (!v->active)
			continue;
		bool on = voice_render(e, v, n);
		float *bl = e->bus + (size_t)v->channel * 2 * ENGINE_BLOCK, *br = bl + ENGINE_BLOCK;
		float g = v->gain, gt = v->gain_target, k = e->smooth;
		for (int j = 0; j < n; j++) {
			g += (gt - g) * k;
			bl[j] += e->tmp_l[j] * g;
			br[j] += e->tmp_r[j] * g;
		}
		v->gain = fabsf(g - gt) < 1e-6f ? gt : g;
		if (!on) {
			v->active = false;
			if (v->attached) {
				e->chan[v->channel].voice = NULL;
				v->attached = false;
			}
		}
	}

	memset(out, 0, (size_t)n * 2 * sizeof(float));
	bool solo = any_solo(s);
	for (int ch = 0; ch < nch; ch++) {
		const channel_t *sc = &s->channel[ch];
		chan_t *c = &e->chan[ch];
		/* Per-channel FX will process the bus here, before the fader. */
		float audible = sc->mute || (solo && !sc->solo) ? 0.0f : 1.0f;
		float fader = db_to_gain(sc->volume) * audible, pl, pr;
		pan_gains(c->pan, &pl, &pr);
		float tl = fader * pl, tr = fader * pr, gl = c->gain_l, gr = c->gain_r, k = e->smooth;
		const float *bl = e->bus + (size_t)ch * 2 * ENGINE_BLOCK, *br = bl + ENGINE_BLOCK;
		for (int j = 0; j < n; j++) {
			gl += (tl - gl) * k;
			gr += (tr - gr) * k;
			out[2 * j] += bl[j] * gl;
			out[2 * j + 1] += br[j] * gr;
		}
		c->gain_l = fabsf(gl - tl) < 1e-6f ? tl : gl;
		c->gain_r = fabsf(gr - tr) < 1e-6f ? tr : gr;
	}
	/* The master chain (limiter, meters) will process out here. */
}

static bool voices_active(const engine_t *e)
{
	for (int i = 0; i < e->nvoices; i++)
		if (e->voices[i].active)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* public API                                                           */

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
	e->nvoices = song->channels * VOICES_PER_CHANNEL;
	e->voices = calloc((size_t)e->nvoices, sizeof(voice_t));
	e->bus = calloc((size_t)song->channels * 2 * ENGINE_BLOCK, sizeof(float));
	if (!e->voices || !e->bus) {
		engine_destroy(e);
		return NULL;
	}
	engine_start(e, 0, 0);
	return e;
}

void engine_destroy(engine_t *e)
{
	if (!e)
		return;
	free(e->voices);
	free(e->bus);
	free(e);
}

void engine_start(engine_t *e, int order, int row)
{
	const song_t *s = e->song;
	memset(e->voices, 0, (size_t)e->nvoices * sizeof(voice_t));
	memset(e->visited, 0, sizeof(e->visited));
	memset(e->chan, 0, sizeof(e->chan));
	for (int ch = 0; ch < s->channels; ch++) {
		chan_t *c = &e->chan[ch];
		c->vol = 64;
		c->pan = s->channel[ch].pan;
		c->delay_tick = -1;
		c->fx = FX_NONE;
		float pl, pr, g = s->channel[ch].mute ? 0.0f : db_to_gain(s->channel[ch].volume);
		pan_gains(c->pan, &pl, &pr);
		c->gain_l = g * pl;
		c->gain_r = g * pr;
	}
	e->bpm = s->bpm;
	e->tpl = s->tpl;
	e->order = order >= 0 && order < s->norders ? order : 0;
	const pattern_t *p = cur_pattern(e);
	e->row = p && row >= 0 && row < p->rows ? row : 0;
	e->tick = 0;
	e->started = false;
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

size_t engine_render(engine_t *e, float *out, size_t frames)
{
	unsigned long fpmode = dsp_denormals_off();
	size_t done = 0;
	while (done < frames && !e->done) {
		if (!e->ended && e->tick_left == 0) {
			tick_start(e);
			continue;
		}
		size_t n = frames - done;
		if (n > ENGINE_BLOCK)
			n = ENGINE_BLOCK;
		if (!e->ended && (int64_t)n > e->tick_left)
			n = (size_t)e->tick_left;
		render_block(e, out + 2 * done, (int)n);
		e->frame += (int64_t)n;
		done += n;
		if (!e->ended) {
			e->tick_left -= (int64_t)n;
		} else {
			e->tail_frames += (int64_t)n;
			if (!voices_active(e) || e->tail_frames >= (int64_t)ENGINE_MAX_TAIL * e->rate)
				e->done = true;
		}
	}
	if (!e->done && e->ended && !voices_active(e))
		e->done = true;
	memset(out + 2 * done, 0, (frames - done) * 2 * sizeof(float));
	dsp_denormals_restore(fpmode);
	return done;
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
