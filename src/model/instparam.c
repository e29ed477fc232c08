/*
 * instparam: the instrument parameter table (see instparam.h).
 *
 * Ranges are the song file's (docs/format.md), so whatever the page
 * sets is saved as is and reads back the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "instkeys.h"
#include "instparam.h"
#include "note.h"

#define IN(f) offsetof(instrument_t, f)
#define SY(f) offsetof(instrument_t, synth.f)
#define SA(f) offsetof(instrument_t, sampler.f)

_Static_assert(sizeof(wave_t) == sizeof(int) && sizeof(filter_mode_t) == sizeof(int) &&
               sizeof(lfo_target_t) == sizeof(int) && sizeof(loop_mode_t) == sizeof(int) &&
               sizeof(inst_type_t) == sizeof(int), "enum fields are read as int");

/* Rows say how the page shows and steps a value; its range is the song
 * file's, from instkeys (instparam_range()). */
#define P_ENUM(k, l, t, o, tab, n) { k, l, IP_ENUM, t, o, 1, 1, tab, n, "" }
#define P_FLT(k, l, t, o, f, c, u) { k, l, IP_FLOAT, t, o, f, c, NULL, 0, u }
#define P_LOG(k, l, t, o, f, c, u) { k, l, IP_LOG, t, o, f, c, NULL, 0, u }

static const instparam_t p_type = P_ENUM("type", "type", IP_BOTH, IN(type), inst_type_names, INST_TYPE_COUNT);
static const instparam_t p_svol = P_FLT("volume", "volume", IP_SYNTH, SY(volume), 0.5, 6, "dB");
static const instparam_t p_osc1 = P_ENUM("osc1", "osc1 wave", IP_SYNTH, SY(osc1_wave), wave_names, WAVE_COUNT);
static const instparam_t p_osc1pw = P_FLT("osc1_pw", "osc1 pulse width", IP_SYNTH, SY(osc1_pw), 0.01, 0.1, "");
static const instparam_t p_osc2 = P_ENUM("osc2", "osc2 wave", IP_SYNTH, SY(osc2_wave), wave_names, WAVE_COUNT);
static const instparam_t p_osc2pw = P_FLT("osc2_pw", "osc2 pulse width", IP_SYNTH, SY(osc2_pw), 0.01, 0.1, "");
static const instparam_t p_semi = P_FLT("osc2_semi", "osc2 semitones", IP_SYNTH, SY(osc2_semi), 1, 12, "st");
static const instparam_t p_detune = P_FLT("osc2_detune", "osc2 detune", IP_SYNTH, SY(osc2_detune), 1, 10, "ct");
static const instparam_t p_mix = P_FLT("osc_mix", "osc mix 1>2", IP_SYNTH, SY(osc_mix), 0.01, 0.1, "");
static const instparam_t p_penv = P_FLT("pitch_env", "pitch env", IP_SYNTH, SY(pitch_env), 1, 12, "st");
static const instparam_t p_pdec = P_LOG("pitch_decay", "pitch decay", IP_SYNTH, SY(pitch_decay), 1.05, 1.5, "s");
static const instparam_t p_filt = P_ENUM("filter", "filter", IP_SYNTH, SY(filter), filter_names, FILTER_COUNT);
static const instparam_t p_cut = P_LOG("cutoff", "cutoff", IP_SYNTH, SY(cutoff), 1.0293, 1.4142, "Hz");
static const instparam_t p_res = P_FLT("resonance", "resonance", IP_SYNTH, SY(resonance), 0.01, 0.1, "");
static const instparam_t p_fenvamt = P_FLT("filter_env", "filter env amount", IP_SYNTH, SY(filter_env), 0.1, 1, "oct");
static const instparam_t p_key = P_FLT("keytrack", "keytrack", IP_SYNTH, SY(keytrack), 0.01, 0.1, "");
static const instparam_t p_sa = P_LOG("amp", "amp attack", IP_SYNTH, SY(amp.attack), 1.1, 2, "s");
static const instparam_t p_sd = P_LOG("amp", "amp decay", IP_SYNTH, SY(amp.decay), 1.1, 2, "s");
static const instparam_t p_ss = P_FLT("amp", "amp sustain", IP_SYNTH, SY(amp.sustain), 0.01, 0.1, "");
static const instparam_t p_sr = P_LOG("amp", "amp release", IP_SYNTH, SY(amp.release), 1.1, 2, "s");
static const instparam_t p_fa = P_LOG("fenv", "filter attack", IP_SYNTH, SY(fenv.attack), 1.1, 2, "s");
static const instparam_t p_fd = P_LOG("fenv", "filter decay", IP_SYNTH, SY(fenv.decay), 1.1, 2, "s");
static const instparam_t p_fs = P_FLT("fenv", "filter sustain", IP_SYNTH, SY(fenv.sustain), 0.01, 0.1, "");
static const instparam_t p_fr = P_LOG("fenv", "filter release", IP_SYNTH, SY(fenv.release), 1.1, 2, "s");
static const instparam_t p_lfo = P_ENUM("lfo", "lfo shape", IP_SYNTH, SY(lfo_wave), wave_names, WAVE_COUNT);
static const instparam_t p_lrate = P_LOG("lfo_rate", "lfo rate", IP_SYNTH, SY(lfo_rate), 1.05, 2, "Hz");
static const instparam_t p_ldepth = P_FLT("lfo_depth", "lfo depth", IP_SYNTH, SY(lfo_depth), 0.05, 1, "");
static const instparam_t p_ltgt = P_ENUM("lfo_target", "lfo target", IP_SYNTH, SY(lfo_target), lfo_target_names, LFO_TARGET_COUNT);

static const instparam_t p_mvol = P_FLT("volume", "volume", IP_SAMPLER, SA(volume), 0.5, 6, "dB");
static const instparam_t p_root = { "root", "root note", IP_NOTE, IP_SAMPLER, SA(root), 1, 12, NULL, 0, "" };
static const instparam_t p_fine = { "finetune", "finetune", IP_INT, IP_SAMPLER, SA(finetune), 1, 10, NULL, 0, "ct" };
static const instparam_t p_loop = P_ENUM("loop", "loop mode", IP_SAMPLER, SA(loop), loop_names, LOOP_COUNT);
static const instparam_t p_interp = P_ENUM("interpolation", "interpolation", IP_SAMPLER, SA(interp), interp_names, INTERP_COUNT);
/* FT2's sample panning (imported XMs play it under rules = ft2). */
static const instparam_t p_span = P_FLT("pan", "sample pan", IP_SAMPLER, SA(pan), 0.01, 0.1, "");
static const instparam_t p_ls = { "loop_start", "loop start", IP_FRAMES, IP_SAMPLER, SA(loop_start), 0.001, 0.02, NULL, 0, "" };
static const instparam_t p_le = { "loop_end", "loop end", IP_FRAMES, IP_SAMPLER, SA(loop_end), 0.001, 0.02, NULL, 0, "" };
static const instparam_t p_ma = P_LOG("amp", "amp attack", IP_SAMPLER, SA(amp.attack), 1.1, 2, "s");
static const instparam_t p_md = P_LOG("amp", "amp decay", IP_SAMPLER, SA(amp.decay), 1.1, 2, "s");
static const instparam_t p_ms = P_FLT("amp", "amp sustain", IP_SAMPLER, SA(amp.sustain), 0.01, 0.1, "");
static const instparam_t p_mr = P_LOG("amp", "amp release", IP_SAMPLER, SA(amp.release), 1.1, 2, "s");

static const instparam_t *const synth_rows[] = {
	&p_type, &p_svol, &p_osc1, &p_osc1pw, &p_osc2, &p_osc2pw, &p_semi, &p_detune, &p_mix,
	&p_penv, &p_pdec, &p_filt, &p_cut, &p_res, &p_fenvamt, &p_key,
	&p_sa, &p_sd, &p_ss, &p_sr, &p_fa, &p_fd, &p_fs, &p_fr,
	&p_lfo, &p_lrate, &p_ldepth, &p_ltgt,
};
static const instparam_t *const sampler_rows[] = {
	&p_type, &p_mvol, &p_root, &p_fine, &p_loop, &p_ls, &p_le, &p_ma, &p_md, &p_ms, &p_mr,
	&p_interp, &p_span,
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const instparam_t *const *instparam_list(inst_type_t t, int *n)
{
	if (t == INST_SAMPLER) {
		*n = COUNT(sampler_rows);
		return sampler_rows;
	}
	*n = COUNT(synth_rows);
	return synth_rows;
}

const instparam_t *instparam_find(inst_type_t t, const char *label)
{
	int n;
	const instparam_t *const *rows = instparam_list(t, &n);
	for (int i = 0; i < n; i++)
		if (!strcasecmp(rows[i]->label, label))
			return rows[i];
	for (int i = 0; i < n; i++)
		if (!strcasecmp(rows[i]->key, label))
			return rows[i];
	return NULL;
}

void instparam_range(const instparam_t *p, double *lo, double *hi)
{
	int i = instkeys_find(p->key);
	*lo = *hi = 0;
	if (i < 0)
		return;
	const instkey_t *k = &instkeys[i];
	size_t base = instkeys_offset(k, p->type == IP_SAMPLER ? INST_SAMPLER : INST_SYNTH);
	switch (k->type) {
	case V_ENUM:
		*hi = k->nnames - 1;
		break;
	case V_NOTE:
		*lo = NOTE_MIN;
		*hi = NOTE_MAX;
		break;
	case V_ADSR:
		/* One key for four values: sustain is a level, the rest times. */
		*hi = p->off - base == offsetof(adsr_params_t, sustain) ? 1.0 : ADSR_TIME_MAX;
		break;
	default:
		*lo = k->min;
		*hi = k->max;
		break;
	}
}

static void *field(instrument_t *in, const instparam_t *p)
{
	return (char *)in + p->off;
}

double instparam_get(const instrument_t *in, const instparam_t *p)
{
	const void *f = (const char *)in + p->off;
	switch (p->kind) {
	case IP_FLOAT:
	case IP_LOG:
		return *(const float *)f;
	case IP_INT:
	case IP_NOTE:
		return *(const int *)f;
	case IP_ENUM:
		return (double)*(const int *)f;   /* the enums are int-sized */
	case IP_FRAMES:
		return (double)*(const int64_t *)f;
	}
	return 0;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void instparam_set(instrument_t *in, const instparam_t *p, double v)
{
	void *f = field(in, p);
	if (!isfinite(v))
		return;
	double lo, hi;
	instparam_range(p, &lo, &hi);
	v = clampd(v, lo, hi);
	switch (p->kind) {
	case IP_FLOAT:
	case IP_LOG:
		*(float *)f = (float)v;
		if (p == &p_span)
			in->sampler.has_pan = true;   /* set by hand, it is the sample's */
		break;
	case IP_INT:
	case IP_NOTE:
		*(int *)f = (int)lround(v);
		break;
	case IP_ENUM:
		*(int *)f = (int)lround(v);
		/* A loop switched on needs an end after its start. */
		if (p->off == SA(loop) && in->sampler.loop != LOOP_OFF &&
		    in->sampler.loop_end <= in->sampler.loop_start && in->sampler.sample.data) {
			in->sampler.loop_start = 0;
			in->sampler.loop_end = in->sampler.sample.frames;
		}
		break;
	case IP_FRAMES: {
		/* Loop points stay inside the sample and in order. */
		sampler_params_t *sp = &in->sampler;
		int64_t frames = sp->sample.data ? sp->sample.frames : INT64_MAX / 2;
		int64_t x = (int64_t)llround(v);
		if (p->off == SA(loop_start)) {
			int64_t last = sp->loop_end > 0 ? sp->loop_end - 1 : frames - 1;
			x = x > last ? last : x;
			sp->loop_start = x < 0 ? 0 : x;
		} else {
			int64_t first = sp->loop_start + 1;
			x = x > frames ? frames : x;
			sp->loop_end = x < first ? first : x;
		}
		break;
	}
	}
}

void instparam_adjust(instrument_t *in, const instparam_t *p, int steps, bool coarse)
{
	double v = instparam_get(in, p);
	double st = coarse ? p->coarse : p->fine;
	double lo, hi;
	instparam_range(p, &lo, &hi);
	switch (p->kind) {
	case IP_LOG: {
		/* Ratios, with a floor so a time of 0 can grow. */
		double floor_v = lo > 0 ? lo : 0.001;
		if (v < floor_v && steps > 0) {
			v = floor_v;
			steps--;
		}
		v *= pow(st, steps);
		if (v < floor_v && steps < 0)
			v = lo;
		break;
	}
	case IP_ENUM: {
		int n = p->nnames, i = (int)v + steps;
		v = ((i % n) + n) % n;   /* choices wrap around */
		break;
	}
	case IP_FRAMES: {
		int64_t frames = in->sampler.sample.data ? in->sampler.sample.frames : 0;
		double d = frames > 0 ? ceil((double)frames * st) : (coarse ? 1000 : 1);
		v += d * steps;
		break;
	}
	default:
		v += st * steps;
		break;
	}
	instparam_set(in, p, v);
}

void instparam_format(const instrument_t *in, const instparam_t *p, char *buf, size_t n)
{
	double v = instparam_get(in, p);
	switch (p->kind) {
	case IP_ENUM: {
		int i = (int)v;
		snprintf(buf, n, "%s", i >= 0 && i < p->nnames ? p->names[i] : "?");
		break;
	}
	case IP_NOTE: {
		char nm[4];
		note_name((int)v, nm);
		snprintf(buf, n, "%s", nm);
		break;
	}
	case IP_INT:
	case IP_FRAMES:
		snprintf(buf, n, "%.0f%s%s", v, p->unit[0] ? " " : "", p->unit);
		break;
	default:
		snprintf(buf, n, fabs(v) >= 1000 ? "%.0f%s%s" : "%.4g%s%s", v, p->unit[0] ? " " : "", p->unit);
		break;
	}
}

int instparam_parse(instrument_t *in, const instparam_t *p, const char *text, char *err, size_t errlen)
{
	while (*text == ' ')
		text++;
	if (p->kind == IP_ENUM) {
		for (int i = 0; i < p->nnames; i++)
			if (!strcasecmp(p->names[i], text)) {
				instparam_set(in, p, i);
				return 0;
			}
		char list[256] = "";
		for (int i = 0; i < p->nnames; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", p->names[i]);
		snprintf(err, errlen, "%s: one of %s", p->label, list);
		return -1;
	}
	if (p->kind == IP_NOTE) {
		char up[8];
		snprintf(up, sizeof up, "%s", text);
		for (char *c = up; *c; c++)
			if (*c >= 'a' && *c <= 'g')
				*c = (char)(*c - 'a' + 'A');
		int note;
		if (strlen(up) == 2)   /* "C4" means "C-4" */
			memmove(up + 2, up + 1, 2), up[1] = '-';
		if (!note_parse(up, &note) || note < NOTE_MIN || note > NOTE_MAX) {
			snprintf(err, errlen, "%s: a note name such as C-4 or F#3", p->label);
			return -1;
		}
		instparam_set(in, p, note);
		return 0;
	}
	char *end;
	double v = strtod(text, &end);
	while (*end == ' ')
		end++;
	if (end == text || !isfinite(v) ||
	    (*end && strcasecmp(end, p->unit) && !(p->kind == IP_LOG && !strcasecmp(end, "k")))) {
		snprintf(err, errlen, "%s: a number%s%s", p->label, p->unit[0] ? " in " : "", p->unit);
		return -1;
	}
	if (!strcasecmp(end, "k"))
		v *= 1000;
	double lo, hi;
	instparam_range(p, &lo, &hi);
	if (p->kind != IP_FRAMES && (v < lo || v > hi)) {
		snprintf(err, errlen, "%s: %g..%g%s%s", p->label, lo, hi, p->unit[0] ? " " : "", p->unit);
		return -1;
	}
	instparam_set(in, p, v);
	return 0;
}
