/*
 * song: constructors and housekeeping for the song model.
 */
#include <stdlib.h>
#include <string.h>
#include "note.h"
#include "sample.h"
#include "song.h"

#define ENUM_NAME(e, s) s,
const char *const wave_names[WAVE_COUNT] = { WAVE_LIST(ENUM_NAME) };
const char *const filter_names[FILTER_COUNT] = { FILTER_LIST(ENUM_NAME) };
const char *const lfo_target_names[LFO_TARGET_COUNT] = { LFO_TARGET_LIST(ENUM_NAME) };
const char *const loop_names[LOOP_COUNT] = { LOOP_LIST(ENUM_NAME) };
const char *const interp_names[INTERP_COUNT] = { INTERP_LIST(ENUM_NAME) };
const char *const inst_type_names[INST_TYPE_COUNT] = { INST_TYPE_LIST(ENUM_NAME) };
const char *const timing_names[TIMING_COUNT] = { TIMING_LIST(ENUM_NAME) };
const char *const slides_names[SLIDES_COUNT] = { SLIDES_LIST(ENUM_NAME) };
const char *const rules_names[RULES_COUNT] = { RULES_LIST(ENUM_NAME) };
const char *const vslides_names[VSLIDES_COUNT] = { VSLIDES_LIST(ENUM_NAME) };
#undef ENUM_NAME

int song_enum_lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

void fx_unit_default(fx_unit_t *u, fx_type_t type)
{
	memset(u, 0, sizeof(*u));
	u->type = type;
	fx_defaults(fx_ops(type), u->param);
}

bool fx_unit_set(fx_unit_t *u, const char *param, float value)
{
	int i = fx_param_index(fx_ops(u->type), param);
	if (i < 0)
		return false;
	u->param[i] = value;
	return true;
}

void song_channel_default(channel_t *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < SONG_SENDS; i++)
		c->send[i] = SONG_SEND_OFF;
	for (int i = 0; i < SONG_MACROS; i++)
		c->macro[i] = (fx_macro_t){ -1, 0 };
}

void song_init(song_t *s)
{
	memset(s, 0, sizeof(*s));
	s->bpm = 120;
	s->lpb = 4;
	s->tpl = 6;
	for (int i = 0; i < SONG_MAX_CHANNELS; i++)
		song_channel_default(&s->channel[i]);
	s->channels = 4;
	fx_unit_default(&s->bus[0].fx, FX_REVERB);
	fx_unit_default(&s->bus[1].fx, FX_DELAY);
	/* A bus returns its effect only: the dry signal is already in the mix. */
	fx_unit_set(&s->bus[0].fx, "mix", 100.0f);
	fx_unit_set(&s->bus[1].fx, "mix", 100.0f);
	fx_unit_default(&s->master.eq, FX_EQ);
	fx_unit_default(&s->master.comp, FX_COMP);
	fx_unit_default(&s->master.limiter, FX_LIMITER);
	/* Off unless the song asks: a song without a [master] section sounds as it did. */
	song_pattern_new(s, 0, 64);
	s->norders = 1;
	s->order[0].pattern = 0;
	strcpy(s->dir, ".");
}

void song_deinit(song_t *s)
{
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		song_pattern_free(s, i);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		song_inst_free(s, i);
	for (int i = 0; i < s->nextra; i++) {
		free(s->extra[i].section);
		free(s->extra[i].key);
		free(s->extra[i].value);
	}
	free(s->extra);
	memset(s, 0, sizeof(*s));
}

static void cells_clear(cell_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		c[i] = (cell_t){ .note = NOTE_NONE, .inst = 0, .vol = VOL_NONE, .fx = 0, .param = 0 };
	}
}

bool song_grids_alloc(const song_t *s, int channels, cell_t *fresh[SONG_MAX_PATTERNS])
{
	for (int i = 0; i < SONG_MAX_PATTERNS; i++) {
		const pattern_t *p = s->pattern[i];
		fresh[i] = NULL;
		if (!p)
			continue;
		fresh[i] = malloc((size_t)p->rows * (size_t)channels * sizeof(cell_t));
		if (!fresh[i]) {
			for (int j = 0; j < i; j++)
				free(fresh[j]);
			return false;
		}
	}
	return true;
}

bool song_set_channels(song_t *s, int channels)
{
	if (channels < 1 || channels > SONG_MAX_CHANNELS)
		return false;
	if (channels == s->channels)
		return true;
	/* Allocate every new grid before touching any, so failure changes nothing. */
	cell_t *fresh[SONG_MAX_PATTERNS];
	if (!song_grids_alloc(s, channels, fresh))
		return false;
	int keep = channels < s->channels ? channels : s->channels;
	for (int i = 0; i < SONG_MAX_PATTERNS; i++) {
		pattern_t *p = s->pattern[i];
		if (!p)
			continue;
		cells_clear(fresh[i], (size_t)p->rows * (size_t)channels);
		for (int r = 0; r < p->rows; r++)
			memcpy(&fresh[i][(size_t)r * channels], &p->cells[(size_t)r * s->channels],
			       (size_t)keep * sizeof(cell_t));
		free(p->cells);
		p->cells = fresh[i];
	}
	for (int c = s->channels; c < channels; c++)
		song_channel_default(&s->channel[c]);
	s->channels = channels;
	return true;
}

pattern_t *song_pattern_new(song_t *s, int idx, int rows)
{
	if (idx < 0 || idx >= SONG_MAX_PATTERNS || rows < 1 || rows > SONG_MAX_ROWS)
		return NULL;
	if (s->pattern[idx])
		return s->pattern[idx];
	pattern_t *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->rows = rows;
	p->cells = malloc((size_t)rows * (size_t)s->channels * sizeof(cell_t));
	if (!p->cells) {
		free(p);
		return NULL;
	}
	cells_clear(p->cells, (size_t)rows * (size_t)s->channels);
	s->pattern[idx] = p;
	return p;
}

void song_pattern_free(song_t *s, int idx)
{
	if (idx < 0 || idx >= SONG_MAX_PATTERNS || !s->pattern[idx])
		return;
	free(s->pattern[idx]->cells);
	free(s->pattern[idx]);
	s->pattern[idx] = NULL;
}

bool song_pattern_resize(song_t *s, int idx, int rows)
{
	pattern_t *p = idx >= 0 && idx < SONG_MAX_PATTERNS ? s->pattern[idx] : NULL;
	if (!p || rows < 1 || rows > SONG_MAX_ROWS)
		return false;
	size_t n = (size_t)rows * (size_t)s->channels;
	cell_t *c = malloc(n * sizeof(cell_t));
	if (!c)
		return false;
	cells_clear(c, n);
	int keep = rows < p->rows ? rows : p->rows;
	memcpy(c, p->cells, (size_t)keep * (size_t)s->channels * sizeof(cell_t));
	free(p->cells);
	p->cells = c;
	p->rows = rows;
	return true;
}

void synth_params_default(synth_params_t *p)
{
	*p = (synth_params_t){
		.osc1_wave = WAVE_SAW, .osc1_pw = 0.5f,
		.osc2_wave = WAVE_SAW, .osc2_pw = 0.5f,
		.osc2_semi = 0, .osc2_detune = 0, .osc_mix = 0,
		.pitch_env = 0, .pitch_decay = 0.05f,
		.filter = FILTER_OFF, .cutoff = 20000.0f, .resonance = 0,
		.filter_env = 0, .keytrack = 0,
		.amp = { 0.002f, 0.3f, 0.8f, 0.2f },
		.fenv = { 0.002f, 0.3f, 0.0f, 0.2f },
		.lfo_wave = WAVE_SINE, .lfo_rate = 5.0f, .lfo_depth = 0,
		.lfo_target = LFO_TO_PITCH,
		.volume = 0,
	};
}

void sampler_params_default(sampler_params_t *p)
{
	memset(p, 0, sizeof(*p));
	p->root = NOTE_MIN + 4 * 12;   /* C-4 */
	p->loop = LOOP_OFF;
	p->amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.05f };
}

instrument_t *song_inst_new(song_t *s, int idx, inst_type_t type)
{
	if (idx < 1 || idx > SONG_MAX_INSTRUMENTS)
		return NULL;
	if (s->inst[idx])
		return s->inst[idx];
	instrument_t *in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->type = type;
	synth_params_default(&in->synth);
	sampler_params_default(&in->sampler);
	s->inst[idx] = in;
	return in;
}

/* Whether an instrument other than idx holds data. */
static bool sample_shared(const song_t *s, const float *data, int idx)
{
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (i != idx && s->inst[i] && s->inst[i]->sampler.sample.data == data)
			return true;
	return false;
}

void song_inst_free(song_t *s, int idx)
{
	if (idx < 1 || idx > SONG_MAX_INSTRUMENTS || !s->inst[idx])
		return;
	sample_t *sm = &s->inst[idx]->sampler.sample;
	/* The last instrument to let go of shared frames frees them. */
	if (sm->data && !sample_shared(s, sm->data, idx))
		sample_free(sm);
	free(s->inst[idx]);
	s->inst[idx] = NULL;
}

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

bool song_extra_add(song_t *s, const char *section, const char *key, const char *value)
{
	song_extra_t *x = realloc(s->extra, (size_t)(s->nextra + 1) * sizeof(*x));
	if (!x)
		return false;
	s->extra = x;
	song_extra_t *e = &x[s->nextra];
	e->section = dupstr(section);
	e->key = dupstr(key);
	e->value = dupstr(value);
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return false;
	}
	s->nextra++;
	return true;
}

int song_copy(song_t *dst, const song_t *src)
{
	*dst = *src;
	dst->extra = NULL;
	dst->nextra = 0;
	memset(dst->pattern, 0, sizeof(dst->pattern));
	memset(dst->inst, 0, sizeof(dst->inst));
	for (int i = 0; i < SONG_MAX_PATTERNS; i++) {
		const pattern_t *p = src->pattern[i];
		if (!p)
			continue;
		pattern_t *d = calloc(1, sizeof(*d));
		size_t n = (size_t)p->rows * (size_t)src->channels;
		if (!d || !(d->cells = malloc(n * sizeof(cell_t)))) {
			free(d);
			goto fail;
		}
		d->rows = p->rows;
		memcpy(d->cells, p->cells, n * sizeof(cell_t));
		dst->pattern[i] = d;
	}
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const instrument_t *in = src->inst[i];
		if (!in)
			continue;
		instrument_t *d = malloc(sizeof(*d));
		if (!d)
			goto fail;
		*d = *in;
		const sample_t *sm = &in->sampler.sample;
		/* Frames shared in src are shared in the copy: one copy each. */
		int j = 1;
		while (j < i && !(src->inst[j] && src->inst[j]->sampler.sample.data == sm->data))
			j++;
		if (sm->data && j < i) {
			d->sampler.sample.data = dst->inst[j]->sampler.sample.data;
		} else if (sm->data) {
			size_t n = (size_t)sm->frames * (size_t)sm->channels;
			if (!(d->sampler.sample.data = malloc(n * sizeof(float)))) {
				free(d);
				goto fail;
			}
			memcpy(d->sampler.sample.data, sm->data, n * sizeof(float));
		}
		dst->inst[i] = d;
	}
	for (int i = 0; i < src->nextra; i++)
		if (!song_extra_add(dst, src->extra[i].section, src->extra[i].key, src->extra[i].value))
			goto fail;
	return 0;
fail:
	song_deinit(dst);
	return -1;
}
