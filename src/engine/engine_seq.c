/*
 * engine_seq: the sequencer: ticks, rows, the order list, cells and effect commands.
 */
#include "engine_internal.h"

/* ------------------------------------------------------------------ */
/* the sequencer                                                        */




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
int64_t eng_tick_frames(engine_t *e)
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

void eng_song_ends(engine_t *e)
{
	e->ended = true;
	e->end_frame = e->frame;
	e->tail_window = 0;
	const song_t *s = e->song;
	for (int ch = 0; ch < s->channels; ch++)
		for (int k = 0; k < s->channel[ch].nfx; k++)
			eng_slot_tail(e, &e->chan[ch].unit[k], &s->channel[ch].fx[k], &e->tail_window);
	/* a bus counts only if something is sent to it */
	for (int b = 0; b < SONG_SENDS; b++)
		for (int ch = 0; ch < s->channels; ch++)
			if (s->channel[ch].send[b] > SONG_SEND_OFF ||
			    (e->chan[ch].send[b].set && e->chan[ch].send[b].cur > 0.0f)) {
				eng_slot_tail(e, &e->busfx[b], &s->bus[b].fx, &e->tail_window);
				break;
			}
	for (int ch = 0; ch < e->song->channels; ch++) {
		chan_t *c = &e->chan[ch];
		/* a tracker stops its sound with the song */
		if (s->rules != RULES_BEATTY && c->voice)
			voice_kill(c->voice);
		chan_detach(c, !voice_ends_by_itself(c->voice));
	}
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

/* Channels whose E6x loop is still counting. */
static int loops_counting(const engine_t *e)
{
	int n = 0;
	for (int ch = 0; ch < e->song->channels; ch++)
		n += e->chan[ch].loop_count > 0;
	return n;
}

/* Whether row lies past the playing pattern's end; if so, order moves
 * on, or, while the pattern loops, the pattern's rows count as unplayed
 * again. */
static bool past_pattern(engine_t *e, int *order, int row)
{
	const pattern_t *p = cur_pattern(e);
	if (p && row < p->rows)
		return false;
	if (!e->loop_pattern)
		(*order)++;
	else
		memset(e->visited[e->order], 0, sizeof(e->visited[0]));
	return true;
}

/* eng_next_row under a tracker's rules (rules != beatty), as libxmp
 * decides where a module ends: a loop's state lives on across patterns;
 * the end of the order list goes on at the restart position like a jump
 * past it; and a row already played ends the song unless a loop is still
 * counting (within a pattern) or, arriving at a new position, unless one
 * is counting inside a loop an E60 opened and no Bxx has left since. */
static bool next_row_tracker(engine_t *e)
{
	const song_t *s = e->song;
	int order = e->order, row = e->row + 1;
	bool enter = false;
	if (e->jump_order == SONG_MAX_ORDERS && !e->loop)
		return false;   /* F00 */
	if (e->jump_order >= 0 || e->jump_row >= 0) {
		order = e->jump_order >= 0 && e->jump_order < SONG_MAX_ORDERS ? e->jump_order : e->order + 1;
		row = e->jump_row >= 0 ? e->jump_row : 0;
		enter = true;
	} else if (e->loop_jump_row >= 0) {
		row = e->loop_jump_row;
	} else if (past_pattern(e, &order, row)) {
		row = e->start_row;
		enter = true;
	}
	if (enter)
		e->start_row = 0;
	e->jump_order = e->jump_row = e->loop_jump_row = -1;
	if (order >= s->norders || order < 0)
		order = s->restart < s->norders ? s->restart : 0;
	e->order = order;
	const pattern_t *p = cur_pattern(e);
	if (!p)
		return false;
	if (row >= p->rows)
		row = 0;
	e->row = row;
	int counting = loops_counting(e);
	if (visited(e, order, row) && (!counting || (enter && !e->in_loop))) {
		if (!e->loop)
			return false;
		memset(e->visited, 0, sizeof(e->visited));
	}
	return true;
}

/* Moves to the next row, honouring jumps, breaks and loops.  Returns
 * false when the song is over. */
bool eng_next_row(engine_t *e)
{
	const song_t *s = e->song;
	if (e->row_delay > 0) {
		e->row_delay--;
		e->row_repeat = true;
		return true;
	}
	e->row_repeat = false;
	if (s->rules != RULES_BEATTY)
		return next_row_tracker(e);
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
	} else if (past_pattern(e, &order, row)) {
		row = 0;
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
	c->tremor_mute = false;   /* (FT2: a tremor's silence lasts until the volume moves) */
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

/* The semitones an arpeggio step adds.  ProTracker looks the note up in
 * its table of 36 periods (C-1..B-3, beatty's C-4..B-6) and reads past
 * the end: one step past B-3 finds the table's end marker and keeps the
 * note, further ones land back at its start, three octaves down. */
int eng_arp(const engine_t *e, const chan_t *c, int semis)
{
	if (!semis || e->song->rules != RULES_PROTRACKER)
		return semis;
	/* the first table note at or above the pitch, as ProTracker's search
	 * for the first period not above the channel's */
	int idx = (int)ceil((c->pitch - (NOTE_MIN + 48) * PITCH_PER_SEMITONE) / PITCH_PER_SEMITONE - 1e-6);
	if (idx < 0 || idx > 35 || idx + semis < 36)
		return semis;
	return idx + semis == 36 ? 0 : semis - 36;
}

/* ST3 slides its own periods, the Amiga's scaled by the sample's C-4
 * rate (a sample at twice 8363 Hz has half the period); without its
 * Amiga-limits flag (slides = periods) libxmp stops them only at a period
 * of 16.24 (in Amiga units), the highest pitch it plays. */
#define ST3_RATE        8363.0
#define ST3_MIN         (66516.0 / 4096.0)

/* What one period step is worth on this channel: 1 on the Amiga, the
 * sample's rate against 8363 Hz under ST3's rules. */
static double period_scale(const engine_t *e, const chan_t *c)
{
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
	if (e->song->rules != RULES_ST3 || !in || in->type != INST_SAMPLER || in->sampler.sample.rate <= 0)
		return 1.0;
	return ST3_RATE / in->sampler.sample.rate;
}

/* The highest pitch slides = periods plays on this channel: a note above
 * it plays there. */
static double periods_top(const engine_t *e, const chan_t *c)
{
	double ft = chan_cents(e, c) * PITCH_PER_SEMITONE / 100.0;
	return amiga_pitch(ST3_MIN / period_scale(e, c)) - ft;
}

/* ProTracker's notes are its table's whole periods: one at the table's
 * end (B-3's 113, which an even-tempered B-6 puts at 113.27) is at the
 * limit already, and a slide past it leaves the note as it is instead
 * of moving it onto the limit. */
static bool pt_at_limit(const engine_t *e, double from, double to)
{
	if (e->song->rules != RULES_PROTRACKER)
		return false;
	return (to < AMIGA_MIN && round(from) <= AMIGA_MIN) || (to > AMIGA_MAX && round(from) >= AMIGA_MAX);
}

/* Moves the channel's pitch by steps: 1/16 semitone each, or one period
 * step each on the Amiga (positive is up).  True when ST3's highest
 * pitch stopped it. */
static bool slide_by(engine_t *e, chan_t *c, int steps)
{
	if (e->song->slides == SLIDES_LINEAR) {
		pitch_slide(c, steps * 4.0);
		return false;
	}
	double ft = chan_cents(e, c) * PITCH_PER_SEMITONE / 100.0;
	double k = period_scale(e, c);
	double from = amiga_period(c->pitch + ft) * k, per = from - steps;
	bool top = false;
	if (e->song->slides == SLIDES_PERIODS) {
		top = per < ST3_MIN;
		per = fmax(per, ST3_MIN);
	} else if (pt_at_limit(e, from, per)) {
		return false;
	} else {
		per = fmin(fmax(per, AMIGA_MIN), AMIGA_MAX);
	}
	c->pitch = fmin(fmax(amiga_pitch(per / k) - ft, PITCH_LO), PITCH_HI);
	return top;
}

/* As slide_by, on the period the sample plays at: its finetune
 * included (ST3's C-4 rate holds it), so a step is the same period step
 * as a 1xx's. */
static double st3_fine(const engine_t *e, const chan_t *c)
{
	return e->song->rules == RULES_ST3 ? chan_cents(e, c) * PITCH_PER_SEMITONE / 100.0 : 0.0;
}

static void amiga_tone_porta(const engine_t *e, chan_t *c)
{
	double ft = st3_fine(e, c);
	double k = period_scale(e, c);
	double per = amiga_period(c->pitch + ft) * k, goal = amiga_period(c->target + ft) * k;
	if (per > goal)
		per = fmax(per - c->mem_tone, goal);
	else
		per = fmin(per + c->mem_tone, goal);
	c->pitch = per == goal ? c->target : amiga_pitch(per / k) - ft;
}

static void tone_porta(engine_t *e, chan_t *c)
{
	bool tracker = e->song->rules != RULES_BEATTY;
	if (tracker && !c->glide_set)
		return;
	if (e->song->slides != SLIDES_LINEAR) {
		amiga_tone_porta(e, c);
		if (e->song->rules == RULES_PROTRACKER && c->pitch == c->target)
			c->glide_set = false;
		return;
	}
	double step = c->mem_tone * 4.0;
	if (c->pitch < c->target)
		c->pitch = fmin(c->pitch + step, c->target);
	else
		c->pitch = fmax(c->pitch - step, c->target);
	if (e->song->rules == RULES_PROTRACKER && c->pitch == c->target)
		c->glide_set = false;
}

/* FT2 adds the wave to the period, so its vibrato goes down first. */
static void vibrato(const engine_t *e, chan_t *c)
{
	double sign = e->song->rules == RULES_FT2 ? -1.0 : 1.0;
	c->vib_offset = sign * sin(2.0 * M_PI * c->vib_pos / 64.0) * c->vib_depth * 8.0;
	c->vib_pos = (c->vib_pos + c->vib_speed) & 63;
}

static void tremolo(chan_t *c)
{
	c->trem_offset = (int)lrint(sin(2.0 * M_PI * c->trem_pos / 64.0) * c->trem_depth * 4.0);
	c->trem_pos = (c->trem_pos + c->trem_speed) & 63;
}

/* A pan as FT2 holds it, 0..255, and back. */
static int pan_255(float pan)
{
	return clampi((int)lrintf(pan < 0.0f ? pan * 128.0f + 128.0f : pan * 127.0f + 128.0f), 0, 255);
}

static float pan_of_255(int p)
{
	return p < 128 ? (p - 128) / 128.0f : (p - 128) / 127.0f;
}

/* Pxy: FT2 slides its 256 pan steps right by x, or (x = 0) left by y. */
static void pan_slide(chan_t *c)
{
	int p = c->mem_pslide, x = p >> 4, y = p & 15;
	c->pan = pan_of_255(clampi(pan_255(c->pan) + (x ? x : -y), 0, 255));
}

/* Txy: x + 1 ticks sounding, y + 1 silent, counted on the ticks after
 * the first and carried from row to row, as FT2 counts them (a fresh
 * channel starts with the sounding phase). */
static void tremor(chan_t *c)
{
	if (--c->tremor_left < 0) {
		c->tremor_on = !c->tremor_on;
		c->tremor_left = c->tremor_on ? c->mem_tremor >> 4 : c->mem_tremor & 15;
	}
	c->tremor_mute = !c->tremor_on;
}

/* FT2's volume-column commands (written by the XM import): the part on
 * the tick the cell's note sounds.  They run before the effect column's,
 * as in FT2, and have no memory of their own but the glide speed 3xx
 * shares and the vibrato's speed and depth. */
static void vol_col_first(chan_t *c, int v)
{
	int x = v & 15;
	switch (vol_cmd(v)) {
	case VC_FINE_DOWN:  c->vol = clampi(c->vol - x, 0, 64); break;
	case VC_FINE_UP:    c->vol = clampi(c->vol + x, 0, 64); break;
	case VC_VIB_SPEED:  if (x) c->vib_speed = x; break;
	case VC_VIB_DEPTH:  if (x) c->vib_depth = x; break;
	case VC_PAN:        c->pan = pan_of_255(x * 16); break;
	case VC_TONE_PORTA: if (x) c->mem_tone = x * 16; break;
	}
}

/* And on the ticks after it.  Beside a vibrato or glide of the effect
 * column, the column's own one adds nothing: one vibrato, one glide a
 * tick (as libxmp, the reference XMs are measured against, plays it). */
static void vol_col_tick(engine_t *e, chan_t *c)
{
	int v = c->cell.vol, x = v & 15;
	if (vol_cmd(v) < 0 || (c->delay_tick >= 0 && e->tick <= c->delay_tick))
		return;   /* (a delayed note's column waits for it) */
	switch (vol_cmd(v)) {
	case VC_SLIDE_DOWN: c->vol = clampi(c->vol - x, 0, 64); break;
	case VC_SLIDE_UP:   c->vol = clampi(c->vol + x, 0, 64); break;
	case VC_VIB_DEPTH:
		if (c->fx != FX_VIBRATO && c->fx != FX_VIBRATO_VOL)
			vibrato(e, c);
		break;
	case VC_PAN_LEFT:   c->pan = pan_of_255(clampi(pan_255(c->pan) - x, 0, 255)); break;
	case VC_PAN_RIGHT:  c->pan = pan_of_255(clampi(pan_255(c->pan) + x, 0, 255)); break;
	case VC_TONE_PORTA:
		if (c->fx != FX_TONE_PORTA && c->fx != FX_PORTA_VOL)
			tone_porta(e, c);
		break;
	}
}

/* ProTracker's sample offset moves the channel's sample start, which an
 * instrument number alone resets: a 9xx without a note moves it on by
 * xx; a note plays from it, and a 9xx with the note plays xx past it and
 * (ProTracker adds it twice) leaves it 2 * xx further on. */
static void pt_advance(chan_t *c, int64_t by)
{
	const int64_t max = (int64_t)1 << 40;   /* far past any sample */
	c->note_start = by >= max || c->note_start >= max - by ? max : c->note_start + by;
}

static int64_t pt_offset(chan_t *c, int64_t offset)
{
	int64_t from = c->note_start;
	pt_advance(c, offset);
	from = c->note_start;   /* from + offset, saturated */
	pt_advance(c, offset);
	return from;
}

/* ST3 (as libxmp plays it) starts a looped sample at its loop start when
 * the offset is at or past the loop's end, where beatty would wrap into
 * the loop; */
static int64_t st3_offset(const engine_t *e, chan_t *c, int64_t offset)
{
	/* and (libxmp) a note without an effect starts where the last 9xx
	 * did, until a note retriggered or delayed starts from 0 again */
	int x = c->param >> 4;
	if (c->fx == FX_OFFSET)
		c->note_start = offset;
	else if (c->fx == FX_EXTENDED && (x == 0x9 || x == 0xD))
		c->note_start = 0;
	else if (c->fx == FX_NONE)
		offset = c->note_start;
	const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
	if (!offset || !in || in->type != INST_SAMPLER || in->sampler.loop == LOOP_OFF)
		return offset;
	const sampler_params_t *p = &in->sampler;
	int64_t end = p->loop_end > 0 && p->loop_end <= p->sample.frames ? p->loop_end : p->sample.frames;
	return offset >= end ? p->loop_start : offset;
}

/* A note-off: the voice's release, or an FT2 envelope let past its
 * sustain to fade out. */
static void note_off(chan_t *c)
{
	c->penv_released = true;
	if (c->voice && has_env(c->voice->inst))
		c->env_released = true;
	else if (c->voice)
		voice_release(c->voice);
}

/* Lxx: the sounding note's volume envelope goes on from tick xx (this
 * tick's level is read there); without an envelope nothing happens.  The
 * panning envelope moves too, but only when the volume envelope has its
 * sustain on (FT2's quirk, which xmp follows). */
static void env_set_pos(chan_t *c, int pos)
{
	if (!c->voice || !has_env(c->voice->inst))
		return;
	c->env_pos = pos;
	if (has_penv(c->voice->inst) && c->voice->inst->sampler.env.sus_on)
		c->penv_pos = pos;
}

/* FT2 (as xmp plays it): an off in the note column beside an instrument
 * number fades the note out without letting its envelope go (and the
 * number changes nothing else); beside a volume it fades a note without
 * an envelope instead of cutting it. */
static bool ft2_off_fades(const engine_t *e, const chan_t *c)
{
	const cell_t *cell = &c->cell;
	if (e->song->rules != RULES_FT2 || !c->voice || cell->note != NOTE_OFF)
		return false;
	return cell->inst || (!has_env(c->voice->inst) && (cell->vol <= VOL_MAX || c->fx == FX_SET_VOL));
}

/* The note, instrument and volume columns, on the tick the note sounds
 * (tick 0, or x for EDx). */
void eng_play_cell(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	const cell_t *cell = &c->cell;
	bool porta = c->fx == FX_TONE_PORTA || c->fx == FX_PORTA_VOL ||
	             vol_cmd(cell->vol) == VC_TONE_PORTA;

	if (cell->inst && !(cell->note == NOTE_OFF && ft2_off_fades(e, c))) {
		c->inst = cell->inst;
		c->vol = 64;   /* a new instrument number resets the volume, as in FT2 */
		c->fine = 0.0;   /* and its own finetune */
		const instrument_t *in = e->song->inst[c->inst];
		if (e->song->rules == RULES_FT2 && in && in->type == INST_SAMPLER && in->sampler.has_pan)
			c->pan = in->sampler.pan;   /* and FT2 its sample's panning */
		if (in && has_env(in))
			eng_env_reset(c, in);   /* and its envelope, note or not */
		eng_fade_stop(c, in);   /* and ends a fadeout */
		if (has_penv(in))
			eng_penv_reset(c);   /* and restarts its panning envelope */
		if (e->song->rules == RULES_PROTRACKER)
			c->note_start = 0;
	}
	if (c->fx == FX_EXTENDED && (c->param >> 4) == 0x5) {
		/* E5x: a signed nibble in eighths of a semitone, as ProTracker's
		 * finetune; in place of the instrument's, for this row's note
		 * and the ones after it */
		int x = c->param & 15;
		double cents = (x < 8 ? x : x - 16) * 12.5;
		c->fine = (cents - chan_cents(e, c)) * PITCH_PER_SEMITONE / 100.0;
	}
	/* The row's volume is set before the note starts, so the note starts
	 * at it instead of gliding down from the old volume.  (row_effect
	 * sets Cxx again; that changes nothing.) */
	if (cell->inst || cell->vol != VOL_NONE || c->fx == FX_SET_VOL)
		c->tremor_mute = false;
	if (cell->inst && e->song->rules == RULES_FT2)
		c->tremor_left = 0, c->tremor_on = false;   /* FT2: and counts its tremor afresh */
	if (vol_cmd(cell->vol) >= 0)
		vol_col_first(c, cell->vol);
	else if (cell->vol != VOL_NONE)
		c->vol = clampi(cell->vol, 0, 64);
	if (c->fx == FX_SET_VOL)
		c->vol = clampi(c->param, 0, 64);
	if (cell->note >= NOTE_MIN && cell->note <= NOTE_MAX) {
		double pitch = cell->note * PITCH_PER_SEMITONE + c->fine;
		if (e->song->slides == SLIDES_PERIODS)
			pitch = fmin(pitch, periods_top(e, c));
		bool nothing_to_glide = !c->voice && (e->song->rules == RULES_PROTRACKER ||
		                                      e->song->rules == RULES_FT2);
		if (porta && ((c->voice && !c->voice->live) || nothing_to_glide)) {
			/* (in ProTracker and FT2 a glide to a note on a silent
			 * channel starts nothing: there is no note to glide) */
			c->target = pitch;
			c->glide_set = true;
		} else {
			/* beatty glides a later 3xx to the last note; trackers only
			 * to a note given with a glide (and ProTracker, once there,
			 * not again) */
			if (e->song->rules == RULES_BEATTY || porta)
				c->target = pitch, c->glide_set = false;
			c->pitch = pitch;
			c->vib_pos = c->trem_pos = 0;
			c->vib_offset = 0;
			c->trem_offset = 0;
			int64_t offset = 0;
			if (c->fx == FX_OFFSET)
				offset = slice_offset(e, c, remember(&c->mem_offset, c->param));
			if (e->song->rules == RULES_PROTRACKER)
				offset = pt_offset(c, offset);
			else if (e->song->rules == RULES_ST3)
				offset = st3_offset(e, c, offset);
			/* FT2 starts the envelope afresh with an instrument number
			 * (above) and with a delayed note, not with a plain one */
			const instrument_t *in = c->inst ? e->song->inst[c->inst] : NULL;
			if (in && has_env(in) && c->delay_tick >= 0)
				eng_env_reset(c, in);
			if (has_penv(in) && c->delay_tick >= 0)
				eng_penv_reset(c);
			if (e->song->rules == RULES_FT2)
				eng_fade_note(c, in);
			eng_chan_trigger(e, ch, offset);
		}
	} else if (c->fx == FX_OFFSET && cell->note == NOTE_NONE &&
	           e->song->rules == RULES_PROTRACKER) {
		pt_advance(c, slice_offset(e, c, remember(&c->mem_offset, c->param)));
	} else if (cell->note == NOTE_OFF && ft2_off_fades(e, c)) {
		eng_fade_start(c);
	} else if (cell->note == NOTE_OFF && e->song->rules == RULES_FT2 && c->voice &&
	           !has_env(c->voice->inst)) {
		/* FT2 (as xmp plays it) silences a note without an envelope at
		 * once, and a retrigger does not bring it back: its fadeout is
		 * spent, until a note or an instrument number */
		eng_fade_start(c);
		c->env_fade = 0;
		c->env_gain = 0.0f;
	} else if (cell->note == NOTE_OFF) {
		note_off(c);
	} else if (cell->note == NOTE_CUT) {
		if (c->voice)
			voice_kill(c->voice);
		chan_detach(c, false);
	}
}

/* Whether the channel's note still sounds under ST3's rules (as libxmp
 * plays them): a sample that ran out, a cut note and one let go by an
 * off are over, and a retrigger does not restart them. */
static bool st3_sounding(const chan_t *c)
{
	const voice_t *v = c->voice;
	if (!v || !v->active)
		return false;
	const env_t *amp = v->inst->type == INST_SAMPLER ? &v->u.smp.amp : &v->u.syn.amp;
	return amp->stage != ENV_RELEASE && amp->stage != ENV_KILL;
}

/* ST3's retrigger (as libxmp plays it) counts ticks on from row to row,
 * the row's first tick included, and starts afresh with a note: the
 * note restarts every y ticks of a count that a row without a note
 * carries on. */
static void st3_retrig(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	int y = c->param & 15;
	if (!y)
		return;
	bool note = c->cell.note >= NOTE_MIN && c->cell.note <= NOTE_MAX;
	if (e->tick == 0 && note)
		c->retrig_left = y + 1;
	if (--c->retrig_left > 0)
		return;
	c->retrig_left = y;
	if (c->pitch >= PITCH_LO && c->cell.note != NOTE_OFF && c->cell.note != NOTE_CUT &&
	    st3_sounding(c))
		eng_chan_trigger(e, ch, 0);
}

/* ST3's note cut (SCx, as libxmp plays it) ends the note: the channel is
 * free, so neither a volume nor a retrigger brings it back before the
 * next note. */
static void st3_cut(chan_t *c)
{
	c->vol = 0;
	if (c->voice) {
		voice_kill(c->voice);
		chan_detach(c, false);
	}
}

/* ST3 (and libxmp) slide a volume by a whole F, up or down (x0F,
 * xF0), on the row's first tick too: one step more than other slides. */
static void st3_full_slide(chan_t *c)
{
	if (c->mem_vslide == 0x0F || c->mem_vslide == 0xF0)
		vol_slide(c, c->mem_vslide);
}

void eng_row_effect(engine_t *e, int ch)
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
		if (e->song->rules == RULES_FT2)
			c->mem_porta_down = c->mem_porta_up;   /* one memory for both (libxmp's FT2) */
		break;
	case FX_PORTA_DOWN:
		remember(&c->mem_porta_down, p);
		if (e->song->rules == RULES_FT2)
			c->mem_porta_up = c->mem_porta_down;
		break;
	case FX_TONE_PORTA:
		remember(&c->mem_tone, p);
		break;
	case FX_VOL_SLIDE:
	case FX_PORTA_VOL:
	case FX_VIBRATO_VOL:
		remember(&c->mem_vslide, p);
		if (e->song->vol_slides == VSLIDES_FAST)
			vol_slide(c, c->mem_vslide);   /* on the first tick too */
		if (e->song->rules == RULES_ST3)
			st3_full_slide(c);
		break;
	case FX_PAN:
		c->pan = p < 128 ? (p - 128) / 128.0f : (p - 128) / 127.0f;
		break;
	case FX_PAN_SLIDE:
		remember(&c->mem_pslide, p);
		break;
	case FX_TREMOR:
		remember(&c->mem_tremor, p);
		break;
	case FX_GLOBAL_VOL:
		e->gvol = clampi(p, 0, 64);
		break;
	case FX_NOTE_OFF:
		if (p == 0)
			note_off(c);
		break;
	case FX_ENV_POS:
		env_set_pos(c, p);
		break;
	case FX_XFINE_PORTA:
		/* a quarter of E1x's step each; linear slides move the pitch
		 * exactly, period slides by the nearest whole step */
		if (x == 1 || x == 2) {
			int n = x == 1 ? remember(&c->mem_xfine_up, y) : -remember(&c->mem_xfine_down, y);
			if (e->song->slides == SLIDES_LINEAR)
				pitch_slide(c, n);
			else
				slide_by(e, c, (n + (n < 0 ? -2 : 2)) / 4);
		}
		break;
	case FX_GLOBAL_SLIDE:
		remember(&c->mem_gslide, p);
		break;
	case FX_JUMP:
		/* as in ProTracker and FT2, it cancels the row a Dxx to its
		 * left named: only a Dxx to its right picks the row */
		e->jump_order = p;
		e->jump_row = -1;
		e->in_loop = false;
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
		case 0xA:
			c->vol = clampi(c->vol + remember(&c->mem_fvol_up, y), 0, 64);
			c->tremor_mute = false;
			break;
		case 0xB:
			c->vol = clampi(c->vol - remember(&c->mem_fvol_down, y), 0, 64);
			c->tremor_mute = false;
			break;
		case 0x6:
			if (y == 0) {
				c->loop_row = e->row;
				e->in_loop = true;
				if (e->song->rules == RULES_FT2)
					e->start_row = e->row;   /* FT2 starts the next pattern there */
			} else if (c->loop_count == 0) {
				c->loop_count = y;
				e->loop_jump_row = c->loop_row;
			} else if (--c->loop_count > 0) {
				e->loop_jump_row = c->loop_row;
			} else {
				e->in_loop = false;
				if (e->song->rules == RULES_ST3)
					c->loop_row = e->row + 1;   /* ST3's next loop starts after this one */
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
		case 0x9:
			if (e->song->rules == RULES_ST3)
				st3_retrig(e, ch);
			break;
		}
		break;
	}
}

/* The first tick of an EEx repeat of the row: its notes played once, so
 * a delayed one does not come again; ProTracker (and libxmp) slide the
 * volume of an EAx or EBx again on each repeat, and ST3 (as libxmp plays
 * it) every fine slide, of the pitch too (E1x, E2x). */
void eng_row_repeat(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	int x = c->param >> 4;
	c->delay_tick = -1;
	if (c->fx != FX_EXTENDED)
		return;
	bool vol = x == 0xA || x == 0xB, pitch = x == 0x1 || x == 0x2;
	if ((e->song->rules == RULES_PROTRACKER && vol) || (e->song->rules == RULES_ST3 && (vol || pitch)))
		eng_row_effect(e, ch);
}

/* Effects that run on every tick after the first. */
void eng_tick_effect(engine_t *e, int ch)
{
	chan_t *c = &e->chan[ch];
	int p = c->param, x = p >> 4, y = p & 15;
	vol_col_tick(e, c);
	switch (c->fx) {
	case FX_PORTA_UP:
		/* ST3 (as libxmp plays it) stops a note that slides past its
		 * highest pitch; a fine slide only stops there */
		if (slide_by(e, c, c->mem_porta_up) && c->voice) {
			voice_kill(c->voice);
			chan_detach(c, false);
		}
		break;
	case FX_PORTA_DOWN:  slide_by(e, c, -c->mem_porta_down); break;
	case FX_TONE_PORTA:  tone_porta(e, c); break;
	case FX_VIBRATO:     vibrato(e, c); break;
	case FX_TREMOLO:     tremolo(c); break;
	case FX_VOL_SLIDE:   vol_slide(c, c->mem_vslide); break;
	case FX_PORTA_VOL:   tone_porta(e, c); vol_slide(c, c->mem_vslide); break;
	case FX_VIBRATO_VOL: vibrato(e, c); vol_slide(c, c->mem_vslide); break;
	case FX_PAN_SLIDE:   pan_slide(c); break;
	case FX_TREMOR:      tremor(c); break;
	case FX_NOTE_OFF:
		if (e->tick == p)
			note_off(c);
		break;
	case FX_GLOBAL_SLIDE:
		e->gvol = clampi(e->gvol + (c->mem_gslide >> 4 ? c->mem_gslide >> 4 : -(c->mem_gslide & 15)),
		                 0, 64);
		break;
	case FX_EXTENDED:
		/* E9x restarts the channel's note, whether or not this row
		 * names one (as in ProTracker and FT2); not after an off or cut
		 * on this row, nor before the channel has played a note. */
		if (x == 0x9 && e->song->rules == RULES_ST3)
			st3_retrig(e, ch);
		else if (x == 0x9 && y && e->tick % y == 0 && c->pitch >= PITCH_LO &&
		         c->cell.note != NOTE_OFF && c->cell.note != NOTE_CUT)
			eng_chan_trigger(e, ch, 0);
		else if (x == 0xC && e->tick == y && e->song->rules == RULES_ST3)
			st3_cut(c);
		else if (x == 0xC && e->tick == y)
			c->vol = 0;
		break;
	}
	(void)x;
}
