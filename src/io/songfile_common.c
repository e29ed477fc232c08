/*
 * songfile_common: the tables and helpers the .bty reader and writer
 * share (see songfile_common.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "note.h"
#include "sample.h"
#include "songfile_common.h"

/* Enum fields are stored through an int; GCC gives these enums int size. */
_Static_assert(sizeof(wave_t) == sizeof(int), "enum size");
_Static_assert(sizeof(filter_mode_t) == sizeof(int), "enum size");
_Static_assert(sizeof(lfo_target_t) == sizeof(int), "enum size");
_Static_assert(sizeof(loop_mode_t) == sizeof(int), "enum size");
_Static_assert(sizeof(inst_type_t) == sizeof(int), "enum size");

#define IN(f) offsetof(instrument_t, f)
#define SY(f) offsetof(instrument_t, synth.f)
#define SA(f) offsetof(instrument_t, sampler.f)
/* ---- instrument keys ------------------------------------------------- */

#define K_FLOAT(k, sy, sa, lo, hi) { k, V_FLOAT, sy, sa, lo, hi, NULL, 0, 0 }
#define K_ENUM(k, sy, sa, tab, n)  { k, V_ENUM, sy, sa, 0, 0, tab, n, 0 }

const inst_key_t songfile_inst_keys[] = {
	{ "name", V_TEXT, IN(name), IN(name), 0, 0, NULL, 0, SONG_NAME_MAX },
	K_ENUM("type", IN(type), IN(type), inst_type_names, INST_TYPE_COUNT),
	K_FLOAT("volume", SY(volume), SA(volume), -96, 24),
	K_ENUM("osc1", SY(osc1_wave), NO_OFF, wave_names, WAVE_COUNT),
	K_FLOAT("osc1_pw", SY(osc1_pw), NO_OFF, 0.05, 0.95),
	K_ENUM("osc2", SY(osc2_wave), NO_OFF, wave_names, WAVE_COUNT),
	K_FLOAT("osc2_pw", SY(osc2_pw), NO_OFF, 0.05, 0.95),
	K_FLOAT("osc2_semi", SY(osc2_semi), NO_OFF, -48, 48),
	K_FLOAT("osc2_detune", SY(osc2_detune), NO_OFF, -100, 100),
	K_FLOAT("osc_mix", SY(osc_mix), NO_OFF, 0, 1),
	K_FLOAT("pitch_env", SY(pitch_env), NO_OFF, -96, 96),
	K_FLOAT("pitch_decay", SY(pitch_decay), NO_OFF, 0, 10),
	K_ENUM("filter", SY(filter), NO_OFF, filter_names, FILTER_COUNT),
	K_FLOAT("cutoff", SY(cutoff), NO_OFF, 20, 20000),
	K_FLOAT("resonance", SY(resonance), NO_OFF, 0, 1),
	K_FLOAT("filter_env", SY(filter_env), NO_OFF, -8, 8),
	K_FLOAT("keytrack", SY(keytrack), NO_OFF, 0, 1),
	{ "file", V_TEXT, NO_OFF, SA(path), 0, 0, NULL, 0, SONG_PATH_MAX },
	{ "root", V_NOTE, NO_OFF, SA(root), 0, 0, NULL, 0, 0 },
	{ "finetune", V_INT, NO_OFF, SA(finetune), -100, 100, NULL, 0, 0 },
	K_ENUM("loop", NO_OFF, SA(loop), loop_names, LOOP_COUNT),
	{ "loop_start", V_FRAMES, NO_OFF, SA(loop_start), 0, (double)SAMPLE_MAX_FRAMES, NULL, 0, 0 },
	{ "loop_end", V_FRAMES, NO_OFF, SA(loop_end), 0, (double)SAMPLE_MAX_FRAMES, NULL, 0, 0 },
	{ "amp", V_ADSR, SY(amp), SA(amp), 0, 0, NULL, 0, 0 },
	{ "fenv", V_ADSR, SY(fenv), NO_OFF, 0, 0, NULL, 0, 0 },
	K_ENUM("lfo", SY(lfo_wave), NO_OFF, wave_names, WAVE_COUNT),
	K_FLOAT("lfo_rate", SY(lfo_rate), NO_OFF, 0, 100),
	K_FLOAT("lfo_depth", SY(lfo_depth), NO_OFF, -48, 48),
	K_ENUM("lfo_target", SY(lfo_target), NO_OFF, lfo_target_names, LFO_TARGET_COUNT),
};
const int songfile_n_inst_keys = (int)(sizeof songfile_inst_keys / sizeof songfile_inst_keys[0]);
_Static_assert(sizeof songfile_inst_keys / sizeof songfile_inst_keys[0] <= 64, "keys_seen is 64 bits");


size_t songfile_key_offset(const inst_key_t *k, inst_type_t type)
{
	return type == INST_SAMPLER ? k->sampler : k->synth;
}

int songfile_inst_key_find(const char *key)
{
	for (int i = 0; i < songfile_n_inst_keys; i++)
		if (!strcmp(songfile_inst_keys[i].key, key))
			return i;
	return -1;
}

/* Shortest "%.6g" text of v, never "-0".  Six significant digits are
 * what a float keeps through text (FLT_DIG), so reading the text back
 * gives a float that prints the same: the writer stays idempotent. */
void songfile_fmt_float(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		v = 0;
	snprintf(buf, n, "%.6g", v);
	if (!strcmp(buf, "-0"))
		snprintf(buf, n, "0");
}

void songfile_set_error(songfile_error_t *err, const char *file, int line, const char *msg)
{
	snprintf(err->file, sizeof err->file, "%s", file);
	err->line = line;
	snprintf(err->msg, sizeof err->msg, "%s", msg);
}
