/*
 * instkeys: the instrument key table (see instkeys.h).
 */
#include <string.h>
#include "instkeys.h"
#include "note.h"
#include "sample.h"

/* Enum fields are stored through an int; GCC gives these enums int size. */
_Static_assert(sizeof(wave_t) == sizeof(int), "enum size");
_Static_assert(sizeof(filter_mode_t) == sizeof(int), "enum size");
_Static_assert(sizeof(lfo_target_t) == sizeof(int), "enum size");
_Static_assert(sizeof(loop_mode_t) == sizeof(int), "enum size");
_Static_assert(sizeof(inst_type_t) == sizeof(int), "enum size");
_Static_assert(sizeof(interp_t) == sizeof(int), "enum size");

#define IN(f) offsetof(instrument_t, f)
#define SY(f) offsetof(instrument_t, synth.f)
#define SA(f) offsetof(instrument_t, sampler.f)
/* ---- instrument keys ------------------------------------------------- */

#define K_FLOAT(k, sy, sa, lo, hi) { k, V_FLOAT, sy, sa, lo, hi, NULL, 0, 0 }
#define K_ENUM(k, sy, sa, tab, n)  { k, V_ENUM, sy, sa, 0, 0, tab, n, 0 }

const instkey_t instkeys[] = {
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
	K_ENUM("interpolation", NO_OFF, SA(interp), interp_names, INTERP_COUNT),
	K_FLOAT("pan", NO_OFF, SA(pan), -1, 1),
	{ "fenv", V_ADSR, SY(fenv), NO_OFF, 0, 0, NULL, 0, 0 },
	K_ENUM("lfo", SY(lfo_wave), NO_OFF, wave_names, WAVE_COUNT),
	K_FLOAT("lfo_rate", SY(lfo_rate), NO_OFF, 0, 100),
	K_FLOAT("lfo_depth", SY(lfo_depth), NO_OFF, -48, 48),
	K_ENUM("lfo_target", SY(lfo_target), NO_OFF, lfo_target_names, LFO_TARGET_COUNT),
};
const int instkeys_count = (int)(sizeof instkeys / sizeof instkeys[0]);
/* The reader marks the keys it has seen in 64 bits; bit 63 is slice_map's. */
_Static_assert(sizeof instkeys / sizeof instkeys[0] <= 63, "keys_seen is 64 bits");


size_t instkeys_offset(const instkey_t *k, inst_type_t type)
{
	return type == INST_SAMPLER ? k->sampler : k->synth;
}

int instkeys_find(const char *key)
{
	for (int i = 0; i < instkeys_count; i++)
		if (!strcmp(instkeys[i].key, key))
			return i;
	return -1;
}

