/*
 * presets: the factory instruments as song-file text (see presets.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "note.h"
#include "presets.h"
#include "songfile.h"

typedef struct preset {
	const char *name;
	int note;          /* semitones above C-0: where it sounds as named (kick G-1) */
	const char *keys;  /* the [instrument] section's lines */
} preset_t;

static const preset_t presets[] = {
	{ "kick", 19,
	  "type = synth\nosc1 = sine\nosc2 = triangle\nosc_mix = 0.1\n"
	  "pitch_env = 36\npitch_decay = 0.02\nfilter = lowpass\ncutoff = 900\n"
	  "amp = 0 0.45 0 0.02\nfenv = 0 0.1 0 0.1\n" },
	{ "snare", 38,
	  "type = synth\nosc1 = triangle\nosc2 = noise\nosc_mix = 0.7\n"
	  "pitch_env = 12\npitch_decay = 0.02\nfilter = highpass\ncutoff = 180\nresonance = 0.1\n"
	  "amp = 0 0.22 0 0.02\nfenv = 0 0.1 0 0.1\n" },
	{ "hat", 60,
	  "type = synth\nvolume = -4\nosc1 = noise\nosc2 = square\nosc2_semi = 31\nosc_mix = 0.2\n"
	  "filter = highpass\ncutoff = 7000\nresonance = 0.2\n"
	  "amp = 0 0.06 0 0.01\nfenv = 0 0.1 0 0.1\n" },
	{ "sub bass", 36,
	  "type = synth\nosc1 = sine\nosc2 = triangle\nosc2_semi = 12\nosc_mix = 0.1\n"
	  "filter = lowpass\ncutoff = 400\n"
	  "amp = 0.005 0.3 0.9 0.08\nfenv = 0 0.1 0 0.1\n" },
	{ "pluck", 60,
	  "type = synth\nvolume = -4\nosc1 = saw\nosc2 = square\nosc2_detune = 7\nosc_mix = 0.3\n"
	  "filter = lowpass\ncutoff = 600\nresonance = 0.3\nfilter_env = 4\nkeytrack = 0.5\n"
	  "amp = 0.001 0.35 0 0.15\nfenv = 0.001 0.15 0 0.1\n" },
	{ "pad", 60,
	  "type = synth\nvolume = -6\nosc1 = saw\nosc2 = saw\nosc2_detune = 9\nosc_mix = 0.5\n"
	  "filter = lowpass\ncutoff = 1400\nresonance = 0.15\nfilter_env = 1\n"
	  "amp = 0.35 1.2 0.7 0.9\nfenv = 0.6 1.5 0.3 1\n"
	  "lfo = triangle\nlfo_rate = 0.25\nlfo_depth = 0.5\nlfo_target = cutoff\n" },
	{ "lead", 72,
	  "type = synth\nvolume = -5\nosc1 = square\nosc1_pw = 0.35\nosc2 = saw\nosc2_detune = 12\n"
	  "osc_mix = 0.4\nfilter = lowpass\ncutoff = 3000\nresonance = 0.25\nfilter_env = 1.5\n"
	  "keytrack = 0.4\namp = 0.005 0.2 0.8 0.25\nfenv = 0.005 0.3 0.2 0.2\n"
	  "lfo = sine\nlfo_rate = 5.5\nlfo_depth = 0.15\nlfo_target = pitch\n" },
};

#define NPRESETS ((int)(sizeof presets / sizeof presets[0]))

int preset_count(void)
{
	return NPRESETS;
}

const char *preset_name(int i)
{
	return i >= 0 && i < NPRESETS ? presets[i].name : NULL;
}

int preset_note(int i)
{
	return NOTE_MIN + (i >= 0 && i < NPRESETS ? presets[i].note : 48);
}

int preset_find(const char *name)
{
	for (int i = 0; i < NPRESETS; i++)
		if (!strcasecmp(presets[i].name, name))
			return i;
	return -1;
}

int preset_load(int i, instrument_t *out, char *err, size_t errlen)
{
	if (i < 0 || i >= NPRESETS) {
		snprintf(err, errlen, "no preset %d", i);
		return -1;
	}
	char text[2048];
	/* A whole song around it: the parser wants a pattern and an order list. */
	int n = snprintf(text, sizeof text,
	                 "[song]\nformat = %d\n\n[instrument 01]\nname = %s\n%s\n"
	                 "[pattern 00]\nrows = 1\n\n[order]\n00 = 00\n",
	                 SONG_FORMAT, presets[i].name, presets[i].keys);
	if (n < 0 || (size_t)n >= sizeof text) {
		snprintf(err, errlen, "preset %s is too long", presets[i].name);
		return -1;
	}
	song_t s;
	songfile_error_t e;
	if (songfile_parse(&s, text, presets[i].name, NULL, 0, &e, NULL, NULL) != 0) {
		snprintf(err, errlen, "preset %s, line %d: %s", presets[i].name, e.line, e.msg);
		return -1;
	}
	if (!s.inst[1]) {
		song_deinit(&s);
		snprintf(err, errlen, "preset %s has no instrument", presets[i].name);
		return -1;
	}
	*out = *s.inst[1];
	song_deinit(&s);
	/* The name: first letter capital, as a user would type it. */
	if (out->name[0] >= 'a' && out->name[0] <= 'z')
		out->name[0] = (char)(out->name[0] - 'a' + 'A');
	return 0;
}
