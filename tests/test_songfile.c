/*
 * test_songfile: the .bty reader and writer.  The canonical form is
 * checked byte for byte, every error message with its line number, and
 * a mutation loop makes sure no input can crash the reader.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "note.h"
#include "sample.h"
#include "songfile.h"
#include "testutil.h"

/* ---- utilities ---------------------------------------------------------- */

#define MAX_WARN 16
typedef struct warnings {
	int n;
	char msg[MAX_WARN][300];
} warnings_t;

static void collect(void *user, const char *file, int line, const char *msg)
{
	warnings_t *w = user;
	if (w->n < MAX_WARN)
		snprintf(w->msg[w->n++], sizeof w->msg[0], "%s:%d: %s", file, line, msg);
}

/* Fails with the first line that differs, which a plain string compare
 * of two long files would bury. */
static void assert_text_equal(const char *got, const char *want)
{
	if (!strcmp(got, want))
		return;
	int line = 1;
	const char *g = got, *w = want;
	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	while (g > got && g[-1] != '\n') {
		g--;
		w--;
	}
	fail_msg("texts differ at line %d:\n  got:  %.80s\n  want: %.80s", line, g, w);
}

static char *fmt_text(const char *text)
{
	song_t s;
	songfile_error_t err;
	if (songfile_parse(&s, text, "t.bty", ".", 0, &err, NULL, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof buf);
		fail_msg("does not parse: %s", buf);
	}
	char *out = songfile_to_string(&s);
	assert_non_null(out);
	song_deinit(&s);
	return out;
}

static void expect_error(const char *text, const char *want)
{
	song_t s;
	songfile_error_t err;
	char buf[600];
	int r = songfile_parse(&s, text, "t.bty", ".", 0, &err, NULL, NULL);
	songfile_error_format(&err, buf, sizeof buf);
	if (r != -1 || strcmp(buf, want))
		fail_msg("input:\n%s\n  want: %s\n  got:  %s (returned %d)", text, want, r ? buf : "success", r);
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		assert_null(s.pattern[i]);
	assert_null(s.extra);
}

static char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[512];
	snprintf(tmpl, sizeof tmpl, "%s/songfile-test.XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void remove_tree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Names in dir other than . and .., as one sorted-by-readdir string. */
static int count_entries(const char *dir, const char *containing)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, containing))
			n++;
	closedir(d);
	return n;
}

/* A unit's parameter by name: the tables, not this test, say where. */
static float param_of(const fx_unit_t *u, const char *name)
{
	int i = fx_param_index(fx_ops(u->type), name);
	if (i < 0)
		fail_msg("%s has no parameter '%s'", fx_ops(u->type)->name, name);
	return u->param[i];
}

/* The index of a choice by name, as the unit stores it. */
static float choice_of(fx_type_t type, const char *param, const char *name)
{
	const fx_ops_t *ops = fx_ops(type);
	int i = fx_param_index(ops, param);
	assert_true(i >= 0);
	const fx_param_desc_t *d = &ops->params[i];
	assert_non_null(d->choices);
	for (int k = 0; k <= (int)d->max; k++)
		if (!strcmp(d->choices[k], name))
			return (float)k;
	fail_msg("%s has no choice '%s'", param, name);
	return -1;
}

static void assert_unit_equal(const fx_unit_t *a, const fx_unit_t *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->bypass, b->bypass);
	assert_true(a->sidechain == b->sidechain);
	for (int i = 0; i < fx_ops(a->type)->nparams; i++)
		assert_float_equal(a->param[i], b->param[i], 0);
}

/* ---- a song that uses every key, in canonical form ------------------- */

#define EMPTY4 "... .. .. ... | ... .. .. ... | ... .. .. ... | ... .. .. ..."
static const char rich[] =
	"[song]\n"
	"format = 1\n"
	"title = Rich Song\n"
	"artist = Someone Else\n"
	"bpm = 133\n"
	"lpb = 8\n"
	"tpl = 3\n"
	"swing = 33\n"
	"channels = 4\n"
	"restart = 01\n"
	"\n"
	"[channel 1]\n"
	"name = Drums\n"
	"volume = -3.5\n"
	"pan = -25\n"
	"mute = no\n"
	"solo = yes\n"
	"send_reverb = -12\n"
	"send_delay = off\n"
	"macro_x = 1.gain1\n"
	"macro_y = 2.curve\n"
	"macro_z = off\n"
	"\n"
	"[channel 1 fx 1]\n"
	"type = eq\n"
	"bypass = no\n"
	"hp = 40\n"
	"hp_slope = 24\n"
	"lp = 16000\n"
	"lp_slope = 12\n"
	"low_freq = 120\n"
	"low_gain = 3\n"
	"high_freq = 8000\n"
	"high_gain = -2.5\n"
	"freq1 = 440\n"
	"gain1 = -4\n"
	"q1 = 1.5\n"
	"freq2 = 2500\n"
	"gain2 = 2\n"
	"q2 = 0.7\n"
	"\n"
	"[channel 1 fx 2]\n"
	"type = drive\n"
	"bypass = yes\n"
	"drive = 12\n"
	"curve = tube\n"
	"mix = 80\n"
	"output = -3\n"
	"\n"
	"[channel 2]\n"
	"name =\n"
	"volume = 0\n"
	"pan = 0\n"
	"mute = yes\n"
	"solo = no\n"
	"send_reverb = off\n"
	"send_delay = off\n"
	"macro_x = off\n"
	"macro_y = off\n"
	"macro_z = off\n"
	"\n"
	"[channel 3]\n"
	"name = Bass\n"
	"volume = 12\n"
	"pan = 100\n"
	"mute = no\n"
	"solo = no\n"
	"send_reverb = off\n"
	"send_delay = -6.5\n"
	"macro_x = 1.threshold\n"
	"macro_y = off\n"
	"macro_z = 3.sync\n"
	"\n"
	"[channel 3 fx 1]\n"
	"type = comp\n"
	"bypass = no\n"
	"threshold = -20\n"
	"ratio = 4\n"
	"knee = 6\n"
	"attack = 5\n"
	"release = 120\n"
	"makeup = 2\n"
	"mix = 100\n"
	"sidechain = 1 2\n"
	"\n"
	"[channel 3 fx 2]\n"
	"type = limiter\n"
	"bypass = no\n"
	"ceiling = -1\n"
	"release = 50\n"
	"lookahead = 1.5\n"
	"gain = 3\n"
	"\n"
	"[channel 3 fx 3]\n"
	"type = delay\n"
	"bypass = no\n"
	"time = 250\n"
	"sync = 1/8.\n"
	"feedback = 45\n"
	"pingpong = on\n"
	"highcut = 8000\n"
	"mix = 25\n"
	"\n"
	"[channel 4]\n"
	"name = Top line\n"
	"volume = -96\n"
	"pan = -100\n"
	"mute = no\n"
	"solo = no\n"
	"send_reverb = 12\n"
	"send_delay = -96\n"
	"macro_x = 2.ratio\n"
	"macro_y = 1.size\n"
	"macro_z = 2.mix\n"
	"\n"
	"[channel 4 fx 1]\n"
	"type = reverb\n"
	"bypass = no\n"
	"size = 70\n"
	"decay = 2.5\n"
	"damping = 30\n"
	"predelay = 12\n"
	"width = 90\n"
	"mix = 35\n"
	"\n"
	"[channel 4 fx 2]\n"
	"type = comp\n"
	"bypass = yes\n"
	"threshold = -30\n"
	"ratio = 10\n"
	"knee = 0\n"
	"attack = 1\n"
	"release = 80\n"
	"makeup = 0\n"
	"mix = 50\n"
	"sidechain = 1-3\n"
	"\n"
	"[bus reverb]\n"
	"volume = -2\n"
	"bypass = no\n"
	"size = 80\n"
	"decay = 3\n"
	"damping = 50\n"
	"predelay = 25\n"
	"width = 100\n"
	"mix = 100\n"
	"\n"
	"[bus delay]\n"
	"volume = -4\n"
	"bypass = yes\n"
	"time = 375\n"
	"sync = 1/4\n"
	"feedback = 30\n"
	"pingpong = off\n"
	"highcut = 5000\n"
	"mix = 100\n"
	"\n"
	"[master]\n"
	"volume = -1\n"
	"eq = on\n"
	"comp = off\n"
	"limiter = on\n"
	"\n"
	"[master eq]\n"
	"bypass = no\n"
	"hp = 30\n"
	"hp_slope = 12\n"
	"lp = 18000\n"
	"lp_slope = 24\n"
	"low_freq = 80\n"
	"low_gain = 1.5\n"
	"high_freq = 10000\n"
	"high_gain = 1\n"
	"freq1 = 300\n"
	"gain1 = -1\n"
	"q1 = 0.8\n"
	"freq2 = 3000\n"
	"gain2 = 0.5\n"
	"q2 = 2\n"
	"\n"
	"[master comp]\n"
	"bypass = yes\n"
	"threshold = -12\n"
	"ratio = 2\n"
	"knee = 3\n"
	"attack = 20\n"
	"release = 200\n"
	"makeup = 1\n"
	"mix = 100\n"
	"\n"
	"[master limiter]\n"
	"bypass = no\n"
	"ceiling = -0.5\n"
	"release = 100\n"
	"lookahead = 5\n"
	"gain = 1\n"
	"\n"
	"[instrument 01]\n"
	"name = Saw Solo\n"
	"type = synth\n"
	"volume = -6\n"
	"osc1 = square\n"
	"osc1_pw = 0.25\n"
	"osc2 = triangle\n"
	"osc2_pw = 0.75\n"
	"osc2_semi = -12\n"
	"osc2_detune = 7.5\n"
	"osc_mix = 0.4\n"
	"pitch_env = 24\n"
	"pitch_decay = 0.08\n"
	"filter = bandpass\n"
	"cutoff = 1200\n"
	"resonance = 0.6\n"
	"filter_env = 2.5\n"
	"keytrack = 0.5\n"
	"amp = 0.01 0.2 0.7 0.3\n"
	"fenv = 0 0.15 0.1 0.25\n"
	"lfo = triangle\n"
	"lfo_rate = 6.5\n"
	"lfo_depth = 0.2\n"
	"lfo_target = cutoff\n"
	"\n"
	"[instrument 02]\n"
	"name = Kick\n"
	"type = sampler\n"
	"volume = 3\n"
	"file = samples/kick.wav\n"
	"root = D#3\n"
	"finetune = -12\n"
	"loop = pingpong\n"
	"loop_start = 100\n"
	"loop_end = 2000\n"
	"amp = 0 0.5 0.9 0.1\n"
	"\n"
	"[instrument 0A]\n"
	"name = Noise\n"
	"type = synth\n"
	"volume = 24\n"
	"osc1 = noise\n"
	"osc1_pw = 0.05\n"
	"osc2 = sine\n"
	"osc2_pw = 0.95\n"
	"osc2_semi = 48\n"
	"osc2_detune = -100\n"
	"osc_mix = 1\n"
	"pitch_env = -96\n"
	"pitch_decay = 10\n"
	"filter = highpass\n"
	"cutoff = 20\n"
	"resonance = 1\n"
	"filter_env = -8\n"
	"keytrack = 1\n"
	"amp = 60 60 1 60\n"
	"fenv = 0 0 0 0\n"
	"lfo = square\n"
	"lfo_rate = 100\n"
	"lfo_depth = -48\n"
	"lfo_target = pw\n"
	"\n"
	"[pattern 00]\n"
	"rows = 8\n"
	"00 = C-4 01 40 A0F | ... .. .. ... | === .. .. ... | ^^^ .. .. F06\n"
	"01 = ... .. .. ... | D#3 02 .. ... | ... .. 20 ... | ... .. .. ...\n"
	"02 = B-9 0A 00 000 | C-0 01 .. E93 | ... .. .. D10 | ... .. .. B01\n"
	"03 = " EMPTY4 "\n"
	"04 = " EMPTY4 "\n"
	"05 = " EMPTY4 "\n"
	"06 = " EMPTY4 "\n"
	"07 = " EMPTY4 "\n"
	"\n"
	"[pattern 03]\n"
	"rows = 2\n"
	"00 = " EMPTY4 "\n"
	"01 = ... .. .. ... | ... .. .. ... | ... .. .. ... | G#5 .. .. 3FF\n"
	"\n"
	"[order]\n"
	"00 = 00 intro\n"
	"01 = 03 verse two\n"
	"02 = 00\n";

static void test_parse_rich(void **state)
{
	(void)state;
	song_t s;
	songfile_error_t err;
	warnings_t w = { 0 };
	assert_int_equal(songfile_parse(&s, rich, "rich.bty", "/songs", 0, &err, collect, &w), 0);
	assert_int_equal(w.n, 0);
	assert_string_equal(s.title, "Rich Song");
	assert_string_equal(s.artist, "Someone Else");
	assert_int_equal(s.bpm, 133);
	assert_int_equal(s.lpb, 8);
	assert_int_equal(s.tpl, 3);
	assert_int_equal(s.swing, 33);
	assert_int_equal(s.channels, 4);
	assert_int_equal(s.restart, 1);
	assert_string_equal(s.dir, "/songs");

	assert_string_equal(s.channel[0].name, "Drums");
	assert_float_equal(s.channel[0].volume, -3.5, 1e-6);
	assert_float_equal(s.channel[0].pan, -0.25, 1e-6);
	assert_false(s.channel[0].mute);
	assert_true(s.channel[0].solo);
	assert_string_equal(s.channel[1].name, "");
	assert_true(s.channel[1].mute);
	assert_float_equal(s.channel[2].volume, 12, 1e-6);
	assert_float_equal(s.channel[2].pan, 1, 1e-6);
	assert_float_equal(s.channel[3].pan, -1, 1e-6);
	assert_string_equal(s.channel[3].name, "Top line");

	/* Sends and macros. */
	const channel_t *ch = s.channel;
	assert_float_equal(ch[0].send[0], -12, 1e-6);
	assert_float_equal(ch[0].send[1], SONG_SEND_OFF, 0);
	assert_float_equal(ch[1].send[0], SONG_SEND_OFF, 0);
	assert_float_equal(ch[2].send[1], -6.5, 1e-6);
	assert_float_equal(ch[3].send[0], 12, 1e-6);
	assert_float_equal(ch[3].send[1], -96, 1e-6);
	assert_int_equal(ch[0].macro[0].unit, 0);
	assert_int_equal(ch[0].macro[0].param, fx_param_index(&fx_eq, "gain1"));
	assert_int_equal(ch[0].macro[1].unit, 1);
	assert_int_equal(ch[0].macro[1].param, fx_param_index(&fx_drive, "curve"));
	assert_int_equal(ch[0].macro[2].unit, -1);
	for (int m = 0; m < SONG_MACROS; m++)
		assert_int_equal(ch[1].macro[m].unit, -1);
	assert_int_equal(ch[2].macro[0].unit, 0);
	assert_int_equal(ch[2].macro[0].param, fx_param_index(&fx_comp, "threshold"));
	assert_int_equal(ch[2].macro[1].unit, -1);
	assert_int_equal(ch[2].macro[2].unit, 2);
	assert_int_equal(ch[2].macro[2].param, fx_param_index(&fx_delay, "sync"));
	assert_int_equal(ch[3].macro[0].unit, 1);
	assert_int_equal(ch[3].macro[0].param, fx_param_index(&fx_comp, "ratio"));
	assert_int_equal(ch[3].macro[1].unit, 0);
	assert_int_equal(ch[3].macro[1].param, fx_param_index(&fx_reverb, "size"));
	assert_int_equal(ch[3].macro[2].param, fx_param_index(&fx_comp, "mix"));

	/* The chains: every type, every parameter. */
	assert_int_equal(ch[0].nfx, 2);
	assert_int_equal(ch[1].nfx, 0);
	assert_int_equal(ch[2].nfx, 3);
	assert_int_equal(ch[3].nfx, 2);
	const fx_unit_t *u = &ch[0].fx[0];
	assert_int_equal(u->type, FX_EQ);
	assert_false(u->bypass);
	assert_float_equal(param_of(u, "hp"), 40, 1e-6);
	assert_float_equal(param_of(u, "hp_slope"), choice_of(FX_EQ, "hp_slope", "24"), 0);
	assert_float_equal(param_of(u, "lp"), 16000, 1e-6);
	assert_float_equal(param_of(u, "lp_slope"), choice_of(FX_EQ, "lp_slope", "12"), 0);
	assert_float_equal(param_of(u, "low_freq"), 120, 1e-6);
	assert_float_equal(param_of(u, "low_gain"), 3, 1e-6);
	assert_float_equal(param_of(u, "high_freq"), 8000, 1e-6);
	assert_float_equal(param_of(u, "high_gain"), -2.5, 1e-6);
	assert_float_equal(param_of(u, "freq1"), 440, 1e-6);
	assert_float_equal(param_of(u, "gain1"), -4, 1e-6);
	assert_float_equal(param_of(u, "q1"), 1.5, 1e-6);
	assert_float_equal(param_of(u, "freq2"), 2500, 1e-6);
	assert_float_equal(param_of(u, "gain2"), 2, 1e-6);
	assert_float_equal(param_of(u, "q2"), 0.7, 1e-6);
	assert_true(u->sidechain == 0);
	u = &ch[0].fx[1];
	assert_int_equal(u->type, FX_DRIVE);
	assert_true(u->bypass);
	assert_float_equal(param_of(u, "drive"), 12, 1e-6);
	assert_float_equal(param_of(u, "curve"), choice_of(FX_DRIVE, "curve", "tube"), 0);
	assert_float_equal(param_of(u, "mix"), 80, 1e-6);
	assert_float_equal(param_of(u, "output"), -3, 1e-6);
	u = &ch[2].fx[0];
	assert_int_equal(u->type, FX_COMP);
	assert_false(u->bypass);
	assert_float_equal(param_of(u, "threshold"), -20, 1e-6);
	assert_float_equal(param_of(u, "ratio"), 4, 1e-6);
	assert_float_equal(param_of(u, "knee"), 6, 1e-6);
	assert_float_equal(param_of(u, "attack"), 5, 1e-6);
	assert_float_equal(param_of(u, "release"), 120, 1e-6);
	assert_float_equal(param_of(u, "makeup"), 2, 1e-6);
	assert_float_equal(param_of(u, "mix"), 100, 1e-6);
	assert_true(u->sidechain == 0x3);
	u = &ch[2].fx[1];
	assert_int_equal(u->type, FX_LIMITER);
	assert_float_equal(param_of(u, "ceiling"), -1, 1e-6);
	assert_float_equal(param_of(u, "release"), 50, 1e-6);
	assert_float_equal(param_of(u, "lookahead"), 1.5, 1e-6);
	assert_float_equal(param_of(u, "gain"), 3, 1e-6);
	u = &ch[2].fx[2];
	assert_int_equal(u->type, FX_DELAY);
	assert_float_equal(param_of(u, "time"), 250, 1e-6);
	assert_float_equal(param_of(u, "sync"), choice_of(FX_DELAY, "sync", "1/8."), 0);
	assert_float_equal(param_of(u, "feedback"), 45, 1e-6);
	assert_float_equal(param_of(u, "pingpong"), choice_of(FX_DELAY, "pingpong", "on"), 0);
	assert_float_equal(param_of(u, "highcut"), 8000, 1e-6);
	assert_float_equal(param_of(u, "mix"), 25, 1e-6);
	u = &ch[3].fx[0];
	assert_int_equal(u->type, FX_REVERB);
	assert_float_equal(param_of(u, "size"), 70, 1e-6);
	assert_float_equal(param_of(u, "decay"), 2.5, 1e-6);
	assert_float_equal(param_of(u, "damping"), 30, 1e-6);
	assert_float_equal(param_of(u, "predelay"), 12, 1e-6);
	assert_float_equal(param_of(u, "width"), 90, 1e-6);
	assert_float_equal(param_of(u, "mix"), 35, 1e-6);
	u = &ch[3].fx[1];
	assert_int_equal(u->type, FX_COMP);
	assert_true(u->bypass);
	assert_float_equal(param_of(u, "threshold"), -30, 1e-6);
	assert_float_equal(param_of(u, "ratio"), 10, 1e-6);
	assert_float_equal(param_of(u, "knee"), 0, 1e-6);
	assert_float_equal(param_of(u, "mix"), 50, 1e-6);
	assert_true(u->sidechain == 0x7);

	/* Buses and master. */
	assert_float_equal(s.bus[0].volume, -2, 1e-6);
	u = &s.bus[0].fx;
	assert_int_equal(u->type, FX_REVERB);
	assert_false(u->bypass);
	assert_float_equal(param_of(u, "size"), 80, 1e-6);
	assert_float_equal(param_of(u, "decay"), 3, 1e-6);
	assert_float_equal(param_of(u, "damping"), 50, 1e-6);
	assert_float_equal(param_of(u, "predelay"), 25, 1e-6);
	assert_float_equal(param_of(u, "width"), 100, 1e-6);
	assert_float_equal(param_of(u, "mix"), 100, 1e-6);
	assert_float_equal(s.bus[1].volume, -4, 1e-6);
	u = &s.bus[1].fx;
	assert_int_equal(u->type, FX_DELAY);
	assert_true(u->bypass);
	assert_float_equal(param_of(u, "time"), 375, 1e-6);
	assert_float_equal(param_of(u, "sync"), choice_of(FX_DELAY, "sync", "1/4"), 0);
	assert_float_equal(param_of(u, "feedback"), 30, 1e-6);
	assert_float_equal(param_of(u, "pingpong"), choice_of(FX_DELAY, "pingpong", "off"), 0);
	assert_float_equal(param_of(u, "highcut"), 5000, 1e-6);
	assert_float_equal(param_of(u, "mix"), 100, 1e-6);
	const master_t *ms = &s.master;
	assert_float_equal(ms->volume, -1, 1e-6);
	assert_true(ms->eq_on);
	assert_false(ms->comp_on);
	assert_true(ms->limiter_on);
	assert_int_equal(ms->eq.type, FX_EQ);
	assert_false(ms->eq.bypass);
	assert_float_equal(param_of(&ms->eq, "hp"), 30, 1e-6);
	assert_float_equal(param_of(&ms->eq, "hp_slope"), choice_of(FX_EQ, "hp_slope", "12"), 0);
	assert_float_equal(param_of(&ms->eq, "lp"), 18000, 1e-6);
	assert_float_equal(param_of(&ms->eq, "lp_slope"), choice_of(FX_EQ, "lp_slope", "24"), 0);
	assert_float_equal(param_of(&ms->eq, "low_gain"), 1.5, 1e-6);
	assert_float_equal(param_of(&ms->eq, "q2"), 2, 1e-6);
	assert_int_equal(ms->comp.type, FX_COMP);
	assert_true(ms->comp.bypass);
	assert_float_equal(param_of(&ms->comp, "threshold"), -12, 1e-6);
	assert_float_equal(param_of(&ms->comp, "ratio"), 2, 1e-6);
	assert_float_equal(param_of(&ms->comp, "release"), 200, 1e-6);
	assert_int_equal(ms->limiter.type, FX_LIMITER);
	assert_false(ms->limiter.bypass);
	assert_float_equal(param_of(&ms->limiter, "ceiling"), -0.5, 1e-6);
	assert_float_equal(param_of(&ms->limiter, "release"), 100, 1e-6);
	assert_float_equal(param_of(&ms->limiter, "lookahead"), 5, 1e-6);
	assert_float_equal(param_of(&ms->limiter, "gain"), 1, 1e-6);

	const instrument_t *a = s.inst[1];
	assert_non_null(a);
	assert_string_equal(a->name, "Saw Solo");
	assert_int_equal(a->type, INST_SYNTH);
	const synth_params_t *sy = &a->synth;
	assert_float_equal(sy->volume, -6, 1e-6);
	assert_int_equal(sy->osc1_wave, WAVE_SQUARE);
	assert_float_equal(sy->osc1_pw, 0.25, 1e-6);
	assert_int_equal(sy->osc2_wave, WAVE_TRIANGLE);
	assert_float_equal(sy->osc2_pw, 0.75, 1e-6);
	assert_float_equal(sy->osc2_semi, -12, 1e-6);
	assert_float_equal(sy->osc2_detune, 7.5, 1e-6);
	assert_float_equal(sy->osc_mix, 0.4, 1e-6);
	assert_float_equal(sy->pitch_env, 24, 1e-6);
	assert_float_equal(sy->pitch_decay, 0.08, 1e-6);
	assert_int_equal(sy->filter, FILTER_BP);
	assert_float_equal(sy->cutoff, 1200, 1e-3);
	assert_float_equal(sy->resonance, 0.6, 1e-6);
	assert_float_equal(sy->filter_env, 2.5, 1e-6);
	assert_float_equal(sy->keytrack, 0.5, 1e-6);
	assert_float_equal(sy->amp.attack, 0.01, 1e-6);
	assert_float_equal(sy->amp.decay, 0.2, 1e-6);
	assert_float_equal(sy->amp.sustain, 0.7, 1e-6);
	assert_float_equal(sy->amp.release, 0.3, 1e-6);
	assert_float_equal(sy->fenv.attack, 0, 1e-6);
	assert_float_equal(sy->fenv.decay, 0.15, 1e-6);
	assert_float_equal(sy->fenv.sustain, 0.1, 1e-6);
	assert_float_equal(sy->fenv.release, 0.25, 1e-6);
	assert_int_equal(sy->lfo_wave, WAVE_TRIANGLE);
	assert_float_equal(sy->lfo_rate, 6.5, 1e-6);
	assert_float_equal(sy->lfo_depth, 0.2, 1e-6);
	assert_int_equal(sy->lfo_target, LFO_TO_CUTOFF);

	const instrument_t *k = s.inst[2];
	assert_non_null(k);
	assert_int_equal(k->type, INST_SAMPLER);
	assert_string_equal(k->name, "Kick");
	const sampler_params_t *sp = &k->sampler;
	assert_float_equal(sp->volume, 3, 1e-6);
	assert_string_equal(sp->path, "samples/kick.wav");
	int n;
	assert_true(note_parse("D#3", &n));
	assert_int_equal(sp->root, n);
	assert_int_equal(sp->finetune, -12);
	assert_int_equal(sp->loop, LOOP_PINGPONG);
	assert_int_equal(sp->loop_start, 100);
	assert_int_equal(sp->loop_end, 2000);
	assert_float_equal(sp->amp.decay, 0.5, 1e-6);
	assert_float_equal(sp->amp.sustain, 0.9, 1e-6);
	assert_null(sp->sample.data);   /* no audio read without the flag */

	const instrument_t *z = s.inst[10];
	assert_non_null(z);
	assert_int_equal(z->synth.osc1_wave, WAVE_NOISE);
	assert_int_equal(z->synth.filter, FILTER_HP);
	assert_int_equal(z->synth.lfo_wave, WAVE_SQUARE);
	assert_int_equal(z->synth.lfo_target, LFO_TO_PW);
	assert_float_equal(z->synth.amp.attack, 60, 1e-6);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (i != 1 && i != 2 && i != 10)
			assert_null(s.inst[i]);

	const pattern_t *p = s.pattern[0];
	assert_non_null(p);
	assert_int_equal(p->rows, 8);
	const cell_t *c = song_cell(&s, p, 0, 0);
	assert_true(note_parse("C-4", &n));
	assert_int_equal(c->note, n);
	assert_int_equal(c->inst, 1);
	assert_int_equal(c->vol, 0x40);
	assert_int_equal(c->fx, 'A');
	assert_int_equal(c->param, 0x0F);
	c = song_cell(&s, p, 0, 1);
	assert_int_equal(c->note, NOTE_NONE);
	assert_int_equal(c->inst, 0);
	assert_int_equal(c->vol, VOL_NONE);
	assert_int_equal(c->fx, 0);
	assert_int_equal(song_cell(&s, p, 0, 2)->note, NOTE_OFF);
	assert_int_equal(song_cell(&s, p, 0, 3)->note, NOTE_CUT);
	assert_int_equal(song_cell(&s, p, 0, 3)->fx, 'F');
	assert_int_equal(song_cell(&s, p, 0, 3)->param, 6);
	assert_int_equal(song_cell(&s, p, 1, 2)->vol, 0x20);
	c = song_cell(&s, p, 2, 0);
	assert_int_equal(c->note, NOTE_MAX);
	assert_int_equal(c->inst, 10);
	assert_int_equal(c->vol, 0);
	assert_int_equal(c->fx, '0');
	assert_int_equal(c->param, 0);
	c = song_cell(&s, p, 2, 1);
	assert_int_equal(c->note, NOTE_MIN);
	assert_int_equal(c->fx, 'E');
	assert_int_equal(c->param, 0x93);
	assert_int_equal(song_cell(&s, p, 2, 2)->param, 0x10);
	assert_int_equal(song_cell(&s, p, 7, 3)->note, NOTE_NONE);
	assert_non_null(s.pattern[3]);
	assert_int_equal(s.pattern[3]->rows, 2);
	assert_int_equal(song_cell(&s, s.pattern[3], 1, 3)->fx, '3');
	assert_int_equal(song_cell(&s, s.pattern[3], 1, 3)->param, 0xFF);
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (i != 0 && i != 3)
			assert_null(s.pattern[i]);

	assert_int_equal(s.norders, 3);
	assert_int_equal(s.order[0].pattern, 0);
	assert_string_equal(s.order[0].label, "intro");
	assert_int_equal(s.order[1].pattern, 3);
	assert_string_equal(s.order[1].label, "verse two");
	assert_string_equal(s.order[2].label, "");
	assert_int_equal(s.nextra, 0);
	song_deinit(&s);
}

static void test_round_trip(void **state)
{
	(void)state;
	char *t1 = fmt_text(rich);
	assert_text_equal(t1, rich);    /* rich is written in canonical form */
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
}

/* vol_slides: read, written back only when not the default, and a bad
 * value refused with its line. */
static void test_vol_slides(void **state)
{
	(void)state;
	const char *fast = "[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nswing = 0\n"
		"channels = 1\nrestart = 00\nrules = st3\nvol_slides = fast\n\n[pattern 00]\nrows = 1\n\n"
		"[order]\n00 = 00\n";
	song_t s;
	tu_song_parse(&s, fast);
	assert_int_equal(s.vol_slides, VSLIDES_FAST);
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	song_deinit(&s);
	assert_non_null(strstr(t1, "\nvol_slides = fast\n"));
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
	tu_song_parse(&s, "[song]\nformat = 1\nvol_slides = normal\n[pattern 00]\n[order]\n00 = 00\n");
	assert_int_equal(s.vol_slides, VSLIDES_NORMAL);
	t1 = songfile_to_string(&s);
	assert_null(strstr(t1, "vol_slides"));
	free(t1);
	song_deinit(&s);
	expect_error("[song]\nformat = 1\nvol_slides = quick\n",
	             "t.bty:3: bad vol_slides 'quick' (normal or fast)");
}

/* Defaults of a fresh instrument must be values the reader accepts. */
static void test_defaults_round_trip(void **state)
{
	(void)state;
	song_t s;
	song_init(&s);
	assert_non_null(song_inst_new(&s, 1, INST_SYNTH));
	assert_non_null(song_inst_new(&s, 2, INST_SAMPLER));
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	song_deinit(&s);
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
}

static const char messy[] =
	"; a song typed by hand\n"
	"   [song]   ; settings\n"
	"# comments of both kinds\n"
	"tpl=3\n"
	"channels =   2\n"
	"\tformat= 1\n"
	"title   =   Messy   Song   ; trailing comment\n"
	"bpm:90\n"
	"\n"
	"\n"
	"[channel 2]\n"
	"  pan = 50\n"
	"name = Right\n"
	"\n"
	"[ instrument   0a ]\n"
	"cutoff = 800\n"
	"filter = lowpass\n"
	"amp = 0.5   0.25 1    0\n"
	"type = synth\n"
	"\n"
	"[pattern 0b]\n"
	"0a=C#4  0a 3f Af0|   ===   .. .. ...\n"
	"rows = 16\n"
	"   01 = D-4 .. .. ...\n"
	"[order]\n"
	"01 = 0b  chorus   part\n"
	"00 = 0B\n";

static void test_messy_canonical(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, messy);
	assert_int_equal(s.tpl, 3);
	assert_int_equal(s.bpm, 90);
	assert_int_equal(s.channels, 2);
	assert_string_equal(s.title, "Messy   Song");
	assert_string_equal(s.channel[1].name, "Right");
	assert_float_equal(s.channel[1].pan, 0.5, 1e-6);
	assert_non_null(s.inst[10]);
	assert_int_equal(s.inst[10]->synth.filter, FILTER_LP);
	assert_float_equal(s.inst[10]->synth.amp.attack, 0.5, 1e-6);
	const pattern_t *p = s.pattern[11];
	assert_non_null(p);
	assert_int_equal(p->rows, 16);
	const cell_t *c = song_cell(&s, p, 10, 0);
	int n;
	assert_true(note_parse("C#4", &n));
	assert_int_equal(c->note, n);
	assert_int_equal(c->inst, 10);
	assert_int_equal(c->vol, 0x3F);
	assert_int_equal(c->fx, 'A');
	assert_int_equal(c->param, 0xF0);
	assert_int_equal(song_cell(&s, p, 10, 1)->note, NOTE_OFF);
	assert_int_equal(song_cell(&s, p, 0, 0)->note, NOTE_NONE);
	assert_int_equal(s.norders, 2);
	assert_int_equal(s.order[1].pattern, 11);
	assert_string_equal(s.order[1].label, "chorus   part");
	song_deinit(&s);

	char *t1 = fmt_text(messy);
	assert_non_null(strstr(t1, "\n0A = C#4 0A 3F AF0 | === .. .. ...\n"));
	assert_non_null(strstr(t1, "\n0F = ... .. .. ... | ... .. .. ...\n\n[order]\n"));
	assert_non_null(strstr(t1, "[order]\n00 = 0B\n01 = 0B chorus   part\n"));
	assert_non_null(strstr(t1, "title = Messy   Song\n"));
	assert_non_null(strstr(t1, "[instrument 0A]\nname =\ntype = synth\n"));
	assert_int_equal(strncmp(t1, "[song]\nformat = 1\n", 18), 0);
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
}

static const char cell_letters[] = "0123456789ABCDEF";

static void many_channels(int channels, int rows)
{
	song_t s;
	song_init(&s);
	assert_true(song_set_channels(&s, channels));
	assert_true(song_pattern_resize(&s, 0, rows));
	for (int i = 1; i <= channels; i++)
		assert_non_null(song_inst_new(&s, i, i % 2 ? INST_SYNTH : INST_SAMPLER));
	for (int c = 0; c < channels; c++)
		snprintf(s.channel[c].name, sizeof s.channel[c].name, "ch %d", c + 1);
	const pattern_t *p = s.pattern[0];
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < channels; c++) {
			cell_t *x = song_cell(&s, p, r, c);
			int k = r * 7 + c;
			x->note = (uint8_t)(k % 5 == 4 ? NOTE_NONE : k % 5 == 3 ? NOTE_OFF : 1 + k % 120);
			x->inst = (uint8_t)(k % 3 ? c + 1 : 0);
			x->vol = (uint8_t)(k % 4 ? k % 0x41 : VOL_NONE);
			x->fx = (uint8_t)(k % 6 ? cell_letters[k % 16] : 0);
			x->param = x->fx ? (uint8_t)(r * c) : 0;
		}
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);

	char want[64];
	for (int first = 1; first <= channels; first += 8) {
		int last = first + 7 < channels ? first + 7 : channels;
		if (first == 1)
			snprintf(want, sizeof want, "\n[pattern 00]\nrows = %d\n", rows);
		else
			snprintf(want, sizeof want, "\n[pattern 00 %d-%d]\n00 = ", first, last);
		if (!strstr(t1, want))
			fail_msg("no '%s' in the text", want);
	}
	/* No line may exceed what inih reads whole. */
	for (const char *l = t1; *l;) {
		const char *nl = strchr(l, '\n');
		assert_non_null(nl);
		assert_true(nl - l <= 197);
		l = nl + 1;
	}

	song_t b;
	tu_song_parse(&b, t1);
	assert_int_equal(b.channels, channels);
	assert_int_equal(b.pattern[0]->rows, rows);
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < channels; c++)
			assert_memory_equal(song_cell(&s, p, r, c), song_cell(&b, b.pattern[0], r, c),
			                    sizeof(cell_t));
	for (int c = 0; c < channels; c++)
		assert_string_equal(b.channel[c].name, s.channel[c].name);
	char *t2 = songfile_to_string(&b);
	assert_non_null(t2);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
	song_deinit(&s);
	song_deinit(&b);
}

static void test_20_channels(void **state) { (void)state; many_channels(20, 16); }
static void test_64_channels(void **state) { (void)state; many_channels(64, 256); }
static void test_9_and_1_channels(void **state)
{
	(void)state;
	many_channels(9, 3);
	many_channels(1, 1);
	many_channels(8, 2);
}

/* Unknown keys stay where they were, in canonical order: at the end of
 * their section, unknown sections at the end of the file. */
static const char with_unknown[] =
	"[song]\n"                              /* 1 */
	"format = 1\n"
	"future_key = 42\n"                     /* 3 */
	"title =\n"
	"artist =\n"
	"bpm = 120\n"
	"lpb = 4\n"
	"tpl = 6\n"
	"swing = 0\n"
	"channels = 1\n"                        /* 10 */
	"restart = 00\n"
	"\n"
	"[channel 1]\n"
	"color = red\n"                         /* 14 */
	"name = One\n"
	"volume = 0\n"
	"pan = 0\n"
	"mute = no\n"
	"solo = no\n"
	"\n"                                    /* 20 */
	"[instrument 01]\n"
	"name = S\n"
	"type = sampler\n"
	"cutoff = 500\n"                        /* 24 */
	"glide = 0.3 fast\n"                    /* 25 */
	"volume = 0\n"
	"file =\n"
	"root = C-4\n"
	"finetune = 0\n"
	"loop = off\n"                          /* 30 */
	"loop_start = 0\n"
	"loop_end = 0\n"
	"amp = 0 0 1 0.05\n"
	"\n"
	"[pattern 00]\n"                        /* 35 */
	"rows = 2\n"
	"00 = C-4 01 .. ...\n"
	"swing_amount = 5\n"                    /* 38 */
	"01 = C-4 07 .. ...\n"                  /* 39 */
	"\n"                                    /* 40 */
	"[future]\n"
	"a = 1\n"                               /* 42 */
	"b = two words\n"
	"\n"
	"[order]\n"                             /* 45 */
	"mode = loop\n"                         /* 46 */
	"00 = 00\n"
	"\n"
	"[plugins]\n"
	"x = y\n"                               /* 50 */
	"empty =\n";

/* Stands for the buses and the master with their defaults: those come
 * from the units' tables, which this test does not repeat. */
#define MIX_DEFAULTS "@mix@"

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The text of section [name] (its lines after the header), or NULL. */
static char *section_text(const char *text, const char *name)
{
	char head[80];
	snprintf(head, sizeof head, "[%s]\n", name);
	const char *at = strstr(text, head);
	while (at && at != text && at[-1] != '\n')
		at = strstr(at + 1, head);
	if (!at)
		return NULL;
	at += strlen(head);
	const char *end = strstr(at, "\n\n[");
	size_t n = end ? (size_t)(end - at) + 1 : strlen(at);
	char *out = malloc(n + 1);
	assert_non_null(out);
	memcpy(out, at, n);
	out[n] = '\0';
	return out;
}

/* want with MIX_DEFAULTS replaced by what a new song's buses and master
 * write. */
static char *with_mix_defaults(const char *want)
{
	song_t s;
	song_init(&s);
	char *t = songfile_to_string(&s);
	assert_non_null(t);
	song_deinit(&s);
	const char *from = strstr(t, "[bus reverb]\n"), *to = strstr(t, "[pattern 00]\n");
	const char *mark = strstr(want, MIX_DEFAULTS);
	assert_non_null(from);
	assert_non_null(to);
	assert_non_null(mark);
	size_t n1 = (size_t)(mark - want), n2 = (size_t)(to - from);
	const char *rest = mark + strlen(MIX_DEFAULTS);
	char *out = malloc(n1 + n2 + strlen(rest) + 1);
	assert_non_null(out);
	memcpy(out, want, n1);
	memcpy(out + n1, from, n2);
	strcpy(out + n1 + n2, rest);
	free(t);
	return out;
}

static const char with_unknown_canon[] =
	"[song]\n"
	"format = 1\n"
	"title =\n"
	"artist =\n"
	"bpm = 120\n"
	"lpb = 4\n"
	"tpl = 6\n"
	"swing = 0\n"
	"channels = 1\n"
	"restart = 00\n"
	"future_key = 42\n"
	"\n"
	"[channel 1]\n"
	"name = One\n"
	"volume = 0\n"
	"pan = 0\n"
	"mute = no\n"
	"solo = no\n"
	"send_reverb = off\n"
	"send_delay = off\n"
	"macro_x = off\n"
	"macro_y = off\n"
	"macro_z = off\n"
	"color = red\n"
	"\n"
	MIX_DEFAULTS
	"[instrument 01]\n"
	"name = S\n"
	"type = sampler\n"
	"volume = 0\n"
	"file =\n"
	"root = C-4\n"
	"finetune = 0\n"
	"loop = off\n"
	"loop_start = 0\n"
	"loop_end = 0\n"
	"amp = 0 0 1 0.05\n"
	"glide = 0.3 fast\n"
	"\n"
	"[pattern 00]\n"
	"rows = 2\n"
	"00 = C-4 01 .. ...\n"
	"01 = C-4 07 .. ...\n"
	"swing_amount = 5\n"
	"\n"
	"[order]\n"
	"00 = 00\n"
	"mode = loop\n"
	"\n"
	"[future]\n"
	"a = 1\n"
	"b = two words\n"
	"\n"
	"[plugins]\n"
	"x = y\n"
	"empty =\n";

static void test_unknown_keys_kept(void **state)
{
	(void)state;
	song_t s;
	songfile_error_t err;
	warnings_t w = { 0 };
	assert_int_equal(songfile_parse(&s, with_unknown, "u.bty", ".", 0, &err, collect, &w), 0);
	static const char *const want[] = {
		"u.bty:3: unknown key 'future_key' in [song], kept",
		"u.bty:14: unknown key 'color' in [channel 1], kept",
		"u.bty:25: unknown key 'glide' in [instrument 01], kept",
		"u.bty:24: cutoff does not apply to sampler instruments, dropped",
		"u.bty:38: unknown key 'swing_amount' in [pattern 00], kept",
		"u.bty:42: unknown section [future], kept",
		"u.bty:46: unknown key 'mode' in [order], kept",
		"u.bty:50: unknown section [plugins], kept",
		"u.bty:39: instrument 07 does not exist",
	};
	int nwant = (int)(sizeof want / sizeof want[0]);
	for (int i = 0; i < w.n && i < nwant; i++)
		assert_string_equal(w.msg[i], want[i]);
	assert_int_equal(w.n, nwant);
	assert_int_equal(s.nextra, 9);
	/* The dropped key still reached the struct. */
	assert_float_equal(s.inst[1]->synth.cutoff, 500, 1e-3);
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	char *want_text = with_mix_defaults(with_unknown_canon);
	assert_text_equal(t1, want_text);
	free(want_text);
	song_deinit(&s);
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
}

/* Kept keys of a section that has since gone are not written into a
 * section the reader would then create. */
static void test_orphan_extras_dropped(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, with_unknown);
	song_inst_free(&s, 1);
	char *t = songfile_to_string(&s);
	assert_non_null(t);
	assert_null(strstr(t, "glide"));
	assert_null(strstr(t, "[instrument"));
	assert_non_null(strstr(t, "[future]\na = 1\n"));
	free(t);
	song_deinit(&s);
}

#define HEAD "[song]\nformat = 1\nchannels = 2\n"                 /* lines 1-3 */
#define TAIL "[pattern 00]\nrows = 4\n[order]\n00 = 00\n"
#define SAMPLER "[instrument 01]\ntype = sampler\n"             /* lines 4-5 */

static void test_errors(void **state)
{
	(void)state;
	static const struct { const char *text, *want; } cases[] = {
		{ "", "t.bty: empty file" },
		{ "  \n\t\n\n", "t.bty: empty file" },
		{ "; only a comment\n", "t.bty:1: not a beatty song: no [song] section" },
		{ "[pattern 00]\n", "t.bty:1: not a beatty song: expected [song] first" },
		{ "title = x\n[song]\n", "t.bty:1: not a beatty song: expected [song] first" },
		{ "hello world\n", "t.bty:1: expected 'key = value', found 'hello world'" },
		{ "[song]\ntitle = x\n[order]\n00 = 00\n", "t.bty:1: missing 'format' in [song]" },
		{ "[song]\ntitle = x\n", "t.bty:1: missing 'format' in [song]" },
		{ "[song]\nformat = 2\n" TAIL, "t.bty:2: written by a newer beatty (format 2)" },
		{ "[song]\nformat = 0\n", "t.bty:2: bad format '0'" },
		{ "[song]\nformat = one\n", "t.bty:2: bad format 'one'" },
		{ HEAD "bpm = 5000\n", "t.bty:4: bpm 5000 out of range (20..999)" },
		{ HEAD "bpm = 19\n", "t.bty:4: bpm 19 out of range (20..999)" },
		{ HEAD "bpm = fast\n", "t.bty:4: bpm 'fast' is not a whole number" },
		{ HEAD "bpm = 120.5\n", "t.bty:4: bpm '120.5' is not a whole number" },
		{ HEAD "lpb = 33\n", "t.bty:4: lpb 33 out of range (1..32)" },
		{ HEAD "tpl = 0\n", "t.bty:4: tpl 0 out of range (1..31)" },
		{ HEAD "swing = 76\n", "t.bty:4: swing 76 out of range (0..75)" },
		{ "[song]\nformat = 1\nchannels = 65\n", "t.bty:3: channels 65 out of range (1..64)" },
		{ "[song]\nformat = 1\nchannels = 99999999999999999999999\n",
		  "t.bty:3: channels 99999999999999999999999 out of range (1..64)" },
		{ HEAD "bpm = 100\nbpm = 110\n", "t.bty:5: duplicate key 'bpm' in [song]" },
		{ HEAD "title = 0123456789012345678901234567890123456789012345678901234567890123"
		  "456789012345678901234567890123456789012345678901234567890123456789\n",
		  "t.bty:4: title longer than 127 characters" },
		{ HEAD "restart = 1\n", "t.bty:4: bad restart '1' (an order position 00..FF)" },
		{ HEAD "restart = 05\n" TAIL, "t.bty:4: restart 05 is beyond the order list (00..00)" },
		{ HEAD "[channel 3]\n", "t.bty:4: bad channel number '3' (1..2)" },
		{ HEAD "[channel 0]\n", "t.bty:4: bad channel number '0' (1..2)" },
		{ HEAD "[channel]\n", "t.bty:4: [channel] needs a number" },
		{ HEAD "[channel 1]\n[channel 1]\n", "t.bty:5: duplicate section [channel 1]" },
		{ HEAD "[channel 1]\npan = 101\n", "t.bty:5: pan 101 out of range (-100..100)" },
		{ HEAD "[channel 1]\npan = left\n", "t.bty:5: pan 'left' is not a number" },
		{ HEAD "[channel 1]\nvolume = 12.5\n", "t.bty:5: volume 12.5 out of range (-96..12)" },
		{ HEAD "[channel 1]\nvolume = nan\n", "t.bty:5: volume 'nan' is not a number" },
		{ HEAD "[channel 1]\nmute = maybe\n", "t.bty:5: mute 'maybe' is not yes or no" },
		/* sends and macros */
		{ HEAD "[channel 1]\nsend_reverb = 13\n", "t.bty:5: send_reverb 13 out of range (-96..12)" },
		{ HEAD "[channel 1]\nsend_delay = -97\n", "t.bty:5: send_delay -97 out of range (-96..12)" },
		{ HEAD "[channel 1]\nsend_delay = loud\n", "t.bty:5: send_delay 'loud' is not a number or off" },
		{ HEAD "[channel 1]\nsend_delay = off\nsend_delay = 0\n",
		  "t.bty:6: duplicate key 'send_delay' in [channel 1]" },
		{ HEAD "[channel 1]\nmacro_x = 1.gain1\n" TAIL, "t.bty:5: macro_x: no [channel 1 fx 1]" },
		{ HEAD "[channel 1]\nmacro_y = 1.nope\n[channel 1 fx 1]\ntype = reverb\n" TAIL,
		  "t.bty:5: macro_y: reverb has no parameter 'nope'" },
		{ HEAD "[channel 2 fx 1]\ntype = reverb\n[channel 1]\nmacro_x = 1.size\n" TAIL,
		  "t.bty:7: macro_x: no [channel 1 fx 1]" },
		{ HEAD "[channel 1]\nmacro_z = cutoff\n",
		  "t.bty:5: bad macro_z 'cutoff' (a unit and its parameter like 2.cutoff, or off)" },
		{ HEAD "[channel 1]\nmacro_z = 1.\n",
		  "t.bty:5: bad macro_z '1.' (a unit and its parameter like 2.cutoff, or off)" },
		{ HEAD "[channel 1]\nmacro_z = .size\n",
		  "t.bty:5: bad macro_z '.size' (a unit and its parameter like 2.cutoff, or off)" },
		{ HEAD "[channel 1]\nmacro_z = -1.size\n",
		  "t.bty:5: bad macro_z '-1.size' (a unit and its parameter like 2.cutoff, or off)" },
		{ HEAD "[channel 1]\nmacro_z = 1.two words\n",
		  "t.bty:5: bad macro_z '1.two words' (a unit and its parameter like 2.cutoff, or off)" },
		{ HEAD "[channel 1]\nmacro_x = 9.size\n", "t.bty:5: macro_x unit 9 out of range (1..8)" },
		{ HEAD "[channel 1]\nmacro_x = 0.size\n", "t.bty:5: macro_x unit 0 out of range (1..8)" },
		/* chain units */
		{ HEAD "[channel 1 fx 1]\ntype = chorus\n",
		  "t.bty:5: unknown fx type 'chorus' (eq, comp, drive, delay, reverb, limiter)" },
		{ HEAD "[channel 1 fx 1]\nbypass = no\n" TAIL, "t.bty:4: missing 'type' in [channel 1 fx 1]" },
		{ HEAD "[channel 1 fx 1]\ntype = eq\ntype = comp\n",
		  "t.bty:6: duplicate key 'type' in [channel 1 fx 1]" },
		{ HEAD "[channel 1 fx 1]\ntype = reverb\nsize = 1\nsize = 2\n",
		  "t.bty:7: duplicate key 'size' in [channel 1 fx 1]" },
		{ HEAD "[channel 1 fx 1]\nsize = 101\ntype = reverb\n", "t.bty:5: size 101 out of range (0..100)" },
		{ HEAD "[channel 1 fx 1]\ntype = reverb\ndecay = 0\n", "t.bty:6: decay 0 out of range (0.1..20)" },
		{ HEAD "[channel 1 fx 1]\ntype = reverb\nbypass = on\n", "t.bty:6: bypass 'on' is not yes or no" },
		{ HEAD "[channel 1 fx 1]\ntype = delay\nfeedback = lots\n", "t.bty:6: feedback 'lots' is not a number" },
		{ HEAD "[channel 1 fx 1]\ntype = delay\nsync = 3\n",
		  "t.bty:6: bad sync '3' (off, 1/1, 1/2, 1/2., 1/2t, 1/4, 1/4., 1/4t, 1/8, 1/8., 1/8t, "
		  "1/16, 1/16., 1/16t, 1/32)" },
		{ HEAD "[channel 1 fx 1]\ntype = delay\npingpong = yes\n", "t.bty:6: bad pingpong 'yes' (off, on)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nratio = 50\n", "t.bty:6: ratio 50 out of range (1..20)" },
		{ HEAD "[channel 1 fx 1]\ntype = drive\ncurve = hard\n", "t.bty:6: bad curve 'hard' (soft, tube, fold)" },
		{ HEAD "[channel 1 fx 1]\ntype = eq\ngain1 = -30\n", "t.bty:6: gain1 -30 out of range (-24..24)" },
		{ HEAD "[channel 1 fx 1]\ntype = eq\nhp_slope = 48\n", "t.bty:6: bad hp_slope '48' (12, 24)" },
		{ HEAD "[channel 1 fx 1]\ntype = eq\nhp_slope = 1\n", "t.bty:6: bad hp_slope '1' (12, 24)" },
		{ HEAD "[channel 1 fx 0]\n", "t.bty:4: bad fx unit number '0' (1..8)" },
		{ HEAD "[channel 1 fx 9]\n", "t.bty:4: bad fx unit number '9' (1..8)" },
		{ HEAD "[channel 1 fx +1]\n", "t.bty:4: bad fx unit number '+1' (1..8)" },
		{ HEAD "[channel 3 fx 1]\n", "t.bty:4: bad channel number '3' (1..2)" },
		{ HEAD "[channel 1 fx]\n", "t.bty:4: bad section [channel 1 fx]" },
		{ HEAD "[channel 1 eq 1]\n", "t.bty:4: bad section [channel 1 eq 1]" },
		{ HEAD "[channel 1 fx 1 2]\n", "t.bty:4: bad section [channel 1 fx 1 2]" },
		{ HEAD "[channel 1 fx 1]\ntype = eq\n[channel 1 fx 01]\n",
		  "t.bty:6: duplicate section [channel 1 fx 1]" },
		{ HEAD "[channel 1 fx 1]\ntype = eq\n[channel 1 fx 3]\ntype = eq\n" TAIL,
		  "t.bty:6: [channel 1 fx 3] without [channel 1 fx 2] (units count up from 1)" },
		{ HEAD "[channel 2 fx 2]\ntype = eq\n" TAIL,
		  "t.bty:4: [channel 2 fx 2] without [channel 2 fx 1] (units count up from 1)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 3\n",
		  "t.bty:6: sidechain channel 3 out of range (1..2)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 0\n",
		  "t.bty:6: sidechain channel 0 out of range (1..2)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 1-3\n",
		  "t.bty:6: sidechain channel 3 out of range (1..2)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 99999999999999999999\n",
		  "t.bty:6: sidechain channel 99999999999999999999 out of range (1..2)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 2-1\n",
		  "t.bty:6: bad sidechain range '2-1' (low to high)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 1,2\n",
		  "t.bty:6: bad sidechain '1,2' (channel numbers like 1 3 or 5-8)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 1 -2\n",
		  "t.bty:6: bad sidechain '1 -2' (channel numbers like 1 3 or 5-8)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 1--2\n",
		  "t.bty:6: bad sidechain '1--2' (channel numbers like 1 3 or 5-8)" },
		{ HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 1-\n",
		  "t.bty:6: bad sidechain '1-' (channel numbers like 1 3 or 5-8)" },
		/* buses and master */
		{ HEAD "[bus reverb]\nvolume = 20\n", "t.bty:5: volume 20 out of range (-96..12)" },
		{ HEAD "[bus reverb]\nsize = 200\n", "t.bty:5: size 200 out of range (0..100)" },
		{ HEAD "[bus delay]\nbypass = no\nbypass = no\n", "t.bty:6: duplicate key 'bypass' in [bus delay]" },
		{ HEAD "[bus reverb]\n[bus reverb]\n", "t.bty:5: duplicate section [bus reverb]" },
		{ HEAD "[master]\neq = yes\n", "t.bty:5: eq 'yes' is not on or off" },
		{ HEAD "[master]\nvolume = -100\n", "t.bty:5: volume -100 out of range (-96..12)" },
		{ HEAD "[master]\n[master]\n", "t.bty:5: duplicate section [master]" },
		{ HEAD "[master]\nlimiter = on\nlimiter = off\n", "t.bty:6: duplicate key 'limiter' in [master]" },
		{ HEAD "[master limiter]\nceiling = 1\n", "t.bty:5: ceiling 1 out of range (-12..0)" },
		{ HEAD "[master limiter]\n[master limiter]\n", "t.bty:5: duplicate section [master limiter]" },
		{ HEAD "[instrument 00]\n", "t.bty:4: bad instrument number '00' (01..FF)" },
		{ HEAD "[instrument 100]\n", "t.bty:4: bad instrument number '100' (01..FF)" },
		{ HEAD "[instrument 1]\n", "t.bty:4: bad instrument number '1' (01..FF)" },
		{ HEAD "[instrument 01]\n[instrument 01]\n", "t.bty:5: duplicate section [instrument 01]" },
		{ HEAD "[instrument 01]\ntype = fm\n", "t.bty:5: bad type 'fm' (synth, sampler)" },
		{ HEAD "[instrument 01]\nosc1 = sawtooth\n",
		  "t.bty:5: bad osc1 'sawtooth' (sine, saw, square, triangle, noise)" },
		{ HEAD "[instrument 01]\nfilter = notch\n",
		  "t.bty:5: bad filter 'notch' (off, lowpass, highpass, bandpass)" },
		{ HEAD "[instrument 01]\nlfo_target = pan\n",
		  "t.bty:5: bad lfo_target 'pan' (pitch, cutoff, amp, pw)" },
		{ HEAD "[instrument 01]\ncutoff = 30000\n", "t.bty:5: cutoff 30000 out of range (20..20000)" },
		{ HEAD "[instrument 01]\nosc1_pw = 0.01\n", "t.bty:5: osc1_pw 0.01 out of range (0.05..0.95)" },
		{ HEAD "[instrument 01]\nvolume = 25\n", "t.bty:5: volume 25 out of range (-96..24)" },
		{ HEAD "[instrument 01]\namp = 1 2 3\n",
		  "t.bty:5: amp needs four numbers: attack decay sustain release" },
		{ HEAD "[instrument 01]\namp = 1 2 3 4 5\n",
		  "t.bty:5: amp needs four numbers: attack decay sustain release" },
		{ HEAD "[instrument 01]\namp = 0 0 2 0\n", "t.bty:5: amp sustain 2 out of range (0..1)" },
		{ HEAD "[instrument 01]\nfenv = 0 -1 1 0\n", "t.bty:5: fenv decay -1 out of range (0..60)" },
		{ HEAD "[instrument 01]\nname = a\nname = b\n", "t.bty:6: duplicate key 'name' in [instrument 01]" },
		{ HEAD SAMPLER "root = H-4\n", "t.bty:6: bad root 'H-4' (a note like C-4)" },
		{ HEAD SAMPLER "root = ===\n", "t.bty:6: bad root '===' (a note like C-4)" },
		{ HEAD SAMPLER "finetune = 101\n", "t.bty:6: finetune 101 out of range (-100..100)" },
		{ HEAD SAMPLER "loop = circle\n", "t.bty:6: bad loop 'circle' (off, forward, pingpong)" },
		{ HEAD SAMPLER "loop_end = -1\n", "t.bty:6: loop_end -1 out of range (0..268435456)" },
		{ HEAD SAMPLER "loop = forward\n", "t.bty:6: loop_end 0 must be after loop_start 0" },
		{ HEAD SAMPLER "loop = forward\nloop_start = 50\nloop_end = 40\n" TAIL,
		  "t.bty:8: loop_end 40 must be after loop_start 50" },
		{ HEAD "[pattern G0]\n", "t.bty:4: bad pattern number 'G0' (00..FF)" },
		{ HEAD "[pattern 100]\n", "t.bty:4: bad pattern number '100' (00..FF)" },
		{ HEAD "[pattern 00 x]\n", "t.bty:4: bad channel group 'x' (like 9-16)" },
		{ HEAD "[pattern 00]\nrows = 300\n", "t.bty:5: rows 300 out of range (1..256)" },
		{ HEAD "[pattern 00]\nrows = 0\n", "t.bty:5: rows 0 out of range (1..256)" },
		{ HEAD "[pattern 00]\n00 = H-4 .. .. ...\n", "t.bty:5: unknown note 'H-4'" },
		{ HEAD "[pattern 00]\n00 = c-4 .. .. ...\n", "t.bty:5: unknown note 'c-4'" },
		{ HEAD "[pattern 00]\n00 = C-4 0G .. ...\n", "t.bty:5: bad instrument '0G' (01..FF or ..)" },
		{ HEAD "[pattern 00]\n00 = C-4 00 .. ...\n", "t.bty:5: bad instrument '00' (01..FF or ..)" },
		{ HEAD "[pattern 00]\n00 = C-4 .. 41 ...\n", "t.bty:5: volume 41 out of range (00..40)" },
		{ HEAD "[pattern 00]\n00 = C-4 .. 4 ...\n", "t.bty:5: bad volume '4' (00..40 or ..)" },
		{ HEAD "[pattern 00]\n00 = C-4 .. .. H10\n", "t.bty:5: unknown effect letter 'H'" },
		{ HEAD "[pattern 00]\n00 = C-4 .. .. a10\n", "t.bty:5: unknown effect letter 'a'" },
		{ HEAD "[pattern 00]\n00 = C-4 .. .. AZZ\n", "t.bty:5: bad effect parameter 'ZZ' (two hex digits)" },
		{ HEAD "[pattern 00]\n00 = C-4 .. .. A1\n",
		  "t.bty:5: bad effect 'A1' (a letter and two hex digits, or ...)" },
		{ HEAD "[pattern 00]\n00 = C-4 01 40\n",
		  "t.bty:5: bad cell 'C-4 01 40' (expected like 'C-4 01 40 A0F')" },
		{ HEAD "[pattern 00]\n00 = C-4 01 40 A0F |\n",
		  "t.bty:5: bad cell '' (expected like 'C-4 01 40 A0F')" },
		{ HEAD "[pattern 00]\n00 = ... .. .. ... | ... .. .. ... | ... .. .. ...\n",
		  "t.bty:5: 3 cells, but [pattern 00] holds 2 channels" },
		{ HEAD "[pattern 00]\n00 = ... .. .. ...\n00 = ... .. .. ...\n",
		  "t.bty:6: duplicate row 00 (first on line 5)" },
		{ HEAD "[pattern 00]\n00 = ... .. .. ...\n0a = ... .. .. ...\n0A = ... .. .. ...\n",
		  "t.bty:7: duplicate row 0A (first on line 6)" },
		{ HEAD "[pattern 00]\nrows = 4\n04 = ... .. .. ...\n",
		  "t.bty:6: row 04 beyond the end of pattern 00 (4 rows)" },
		{ HEAD "[pattern 00]\n3f = ... .. .. ...\n40 = ... .. .. ...\n[order]\n00 = 00\n",
		  "t.bty:6: row 40 beyond the end of pattern 00 (64 rows)" },
		{ HEAD "[pattern 00]\n10 = ... .. .. ...\nrows = 16\n",
		  "t.bty:6: rows 16 leaves out row 10 (line 5)" },
		{ HEAD "[pattern 00]\n100 = ... .. .. ...\n", "t.bty:5: bad row number '100' (00..FF)" },
		{ HEAD "[pattern 00]\n[pattern 00]\n", "t.bty:5: duplicate section [pattern 00]" },
		{ HEAD "[order]\n00 = 07\n", "t.bty:5: order 00 uses pattern 07, which does not exist" },
		{ HEAD TAIL "[pattern 07]\n[order]\n", "t.bty:9: duplicate section [order]" },
		{ HEAD "[pattern 00]\n[order]\n00 = 00\n02 = 00\n",
		  "t.bty:7: order 01 is missing (positions count up from 00)" },
		{ HEAD "[pattern 00]\n[order]\n00 = 00\n00 = 00\n", "t.bty:7: duplicate order 00 (first on line 6)" },
		{ HEAD "[pattern 00]\n[order]\n100 = 00\n", "t.bty:6: bad order position '100' (00..FF)" },
		{ HEAD "[pattern 00]\n[order]\n00 =\n", "t.bty:6: order 00: bad pattern number '' (00..FF)" },
		{ HEAD "[pattern 00]\n[order]\n00 = 0 intro\n", "t.bty:6: order 00: bad pattern number '0' (00..FF)" },
		{ HEAD "[pattern 00]\n[order]\n", "t.bty:5: the order list is empty" },
		{ HEAD "[pattern 00]\n", "t.bty:4: no [order] section" },
		{ HEAD "[pattern 00\n", "t.bty:4: section header without closing ']'" },
		{ HEAD "[pattern 00 ; x]\n", "t.bty:4: section header without closing ']'" },
		{ HEAD "[pattern 00] rows\n", "t.bty:4: unexpected text after ']'" },
		{ HEAD "[]\n", "t.bty:4: empty section name" },
		{ HEAD "[song]\n", "t.bty:4: duplicate section [song]" },
		{ HEAD "[song 2]\n", "t.bty:4: bad section [song 2]" },
		{ HEAD "= 5\n", "t.bty:4: missing key name before '='" },
		{ HEAD "x = 1\nx = 2\n", "t.bty:5: duplicate key 'x' in [song]" },
		{ HEAD "[more]\nx = 1\n[more]\nx = 2\n", "t.bty:7: duplicate key 'x' in [more]" },
		{ HEAD "title = a\x01z\n", "t.bty:4: not a beatty song (binary data)" },
		{ HEAD "title = a\rz\n", "t.bty:4: not a beatty song (binary data)" },
		{ HEAD "\x7f" "ELF\n", "t.bty:4: not a beatty song (binary data)" },
		/* channel groups */
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00 9-10]\n",
		  "t.bty:4: [pattern 00 9-10] comes before [pattern 00]" },
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00]\n[pattern 00 9-16]\n",
		  "t.bty:5: bad channel group '9-16' (expected 9-10)" },
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00]\n[pattern 00 5-12]\n",
		  "t.bty:5: bad channel group '5-12' (groups are 9-16, 17-24, ...)" },
		{ HEAD "[pattern 00]\n[pattern 00 9-16]\n",
		  "t.bty:5: channel group 9-16 is beyond the song's 2 channels" },
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00]\n[pattern 00 9-10]\nrows = 4\n",
		  "t.bty:6: rows belongs in [pattern 00]" },
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00]\n[pattern 00 9-10]\n[pattern 00 9-10]\n",
		  "t.bty:6: duplicate section [pattern 00 9-10]" },
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00]\nrows = 2\n[pattern 00 9-10]\n"
		  "02 = ... .. .. ...\n", "t.bty:7: row 02 beyond the end of pattern 00 (2 rows)" },
		{ "[song]\nformat = 1\nchannels = 10\n[pattern 00]\n[pattern 00 9-10]\n"
		  "00 = ... .. .. ... | ... .. .. ... | ... .. .. ...\n",
		  "t.bty:6: 3 cells, but [pattern 00 9-10] holds 2 channels" },
		/* a file cut off in the middle of its last line */
		{ HEAD "[pattern 00]\n00 = C-4 01 4",
		  "t.bty:5: bad cell 'C-4 01 4' (expected like 'C-4 01 40 A0F') (file truncated?)" },
		{ HEAD "[pattern 00]\n[ord", "t.bty:5: section header without closing ']' (file truncated?)" },
		{ HEAD "[pattern 00]\n[order]", "t.bty:5: the order list is empty (file truncated?)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_error(cases[i].text, cases[i].want);
}

/* A song without chains, sends, buses or master (as every song before
 * them) gets what song_init gives. */
static void test_mix_defaults(void **state)
{
	(void)state;
	song_t s, d;
	tu_song_parse(&s, HEAD "[channel 1]\nname = x\n" TAIL);
	song_init(&d);
	for (int c = 0; c < SONG_MAX_CHANNELS; c++) {
		assert_int_equal(s.channel[c].nfx, 0);
		for (int k = 0; k < SONG_SENDS; k++)
			assert_float_equal(s.channel[c].send[k], d.channel[c].send[k], 0);
		for (int m = 0; m < SONG_MACROS; m++)
			assert_int_equal(s.channel[c].macro[m].unit, -1);
	}
	for (int b = 0; b < SONG_SENDS; b++) {
		assert_float_equal(s.bus[b].volume, d.bus[b].volume, 0);
		assert_unit_equal(&s.bus[b].fx, &d.bus[b].fx);
	}
	assert_int_equal(s.master.eq_on, d.master.eq_on);
	assert_int_equal(s.master.comp_on, d.master.comp_on);
	assert_int_equal(s.master.limiter_on, d.master.limiter_on);
	assert_float_equal(s.master.volume, d.master.volume, 0);
	assert_unit_equal(&s.master.eq, &d.master.eq);
	assert_unit_equal(&s.master.comp, &d.master.comp);
	assert_unit_equal(&s.master.limiter, &d.master.limiter);

	/* The canonical form still says all of it. */
	char *t = songfile_to_string(&s);
	assert_non_null(t);
	static const char *const sections[] = {
		"bus reverb", "bus delay", "master", "master eq", "master comp", "master limiter"
	};
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		char *body = section_text(t, sections[i]);
		if (!body)
			fail_msg("no [%s] in:\n%s", sections[i], t);
		free(body);
	}
	assert_non_null(strstr(t, "[master]\nvolume = 0\neq = off\ncomp = off\nlimiter = off\n"));
	assert_non_null(strstr(t, "solo = no\nsend_reverb = off\nsend_delay = off\n"
	                          "macro_x = off\nmacro_y = off\nmacro_z = off\n"));
	free(t);
	song_deinit(&s);
	song_deinit(&d);
}

/* Unit sections in any order, a chain unit's type after its parameters;
 * unknown keys and units kept like any others. */
static const char mixed_order[] =
	"[song]\n"                              /* 1 */
	"format = 1\n"
	"channels = 2\n"
	"[master limiter]\n"
	"ceiling = -2\n"                        /* 5 */
	"[channel 2 fx 2]\n"
	"size = 60\n"
	"type = reverb\n"
	"sidechain = 1\n"                       /* 9: not a reverb key */
	"[channel 2 fx 1]\n"                    /* 10 */
	"type = comp\n"
	"wobble = 3\n"                          /* 12 */
	"sidechain = 2 1\n"
	"[bus chorus]\n"
	"rate = 2\n"                            /* 15 */
	"[master]\n"
	"limiter = on\n"
	"stereo = wide\n"                       /* 18 */
	"[bus delay]\n"
	"type = reverb\n"                       /* 20: a bus has no type key */
	"pingpong = on\n"
	"[master comp]\n"
	"sidechain = 2\n"                       /* 23: only a chain's comp has one */
	"[channel 2]\n"
	"macro_x = 2.size\n"
	"macro_y = 1.sidechain\n"               /* 26: not a parameter */
	TAIL;

static void test_mix_any_order(void **state)
{
	(void)state;
	song_t s;
	songfile_error_t err;
	warnings_t w = { 0 };
	int r = songfile_parse(&s, mixed_order, "m.bty", ".", 0, &err, collect, &w);
	char buf[600];
	songfile_error_format(&err, buf, sizeof buf);
	assert_int_equal(r, -1);
	assert_string_equal(buf, "m.bty:26: macro_y: comp has no parameter 'sidechain'");

	/* Without that line it loads. */
	char *text = strdup(mixed_order);
	assert_non_null(text);
	char *bad = strstr(text, "macro_y = 1.sidechain\n");
	memmove(bad, bad + 22, strlen(bad + 22) + 1);
	w.n = 0;
	assert_int_equal(songfile_parse(&s, text, "m.bty", ".", 0, &err, collect, &w), 0);
	static const char *const want[] = {
		"m.bty:9: unknown key 'sidechain' in [channel 2 fx 2], kept",
		"m.bty:12: unknown key 'wobble' in [channel 2 fx 1], kept",
		"m.bty:15: unknown section [bus chorus], kept",
		"m.bty:18: unknown key 'stereo' in [master], kept",
		"m.bty:20: unknown key 'type' in [bus delay], kept",
		"m.bty:23: unknown key 'sidechain' in [master comp], kept",
	};
	for (int i = 0; i < w.n && i < (int)(sizeof want / sizeof want[0]); i++)
		assert_string_equal(w.msg[i], want[i]);
	assert_int_equal(w.n, (int)(sizeof want / sizeof want[0]));
	const channel_t *ch = &s.channel[1];
	assert_int_equal(ch->nfx, 2);
	assert_int_equal(ch->fx[0].type, FX_COMP);
	assert_true(ch->fx[0].sidechain == 0x3);
	assert_int_equal(ch->fx[1].type, FX_REVERB);
	assert_float_equal(param_of(&ch->fx[1], "size"), 60, 1e-6);
	assert_int_equal(ch->macro[0].unit, 1);
	assert_int_equal(ch->macro[0].param, fx_param_index(&fx_reverb, "size"));
	assert_int_equal(s.channel[0].nfx, 0);
	assert_true(s.master.limiter_on);
	assert_float_equal(param_of(&s.master.limiter, "ceiling"), -2, 1e-6);
	assert_float_equal(param_of(&s.bus[1].fx, "pingpong"), choice_of(FX_DELAY, "pingpong", "on"), 0);

	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	song_deinit(&s);
	free(text);
	/* Canonical order: channel, its units, buses, master, the rest; the
	 * kept keys last in their sections. */
	const char *order[] = {
		"\n[channel 1]\n", "\n[channel 2]\n", "\n[channel 2 fx 1]\n", "\n[channel 2 fx 2]\n",
		"\n[bus reverb]\n", "\n[bus delay]\n", "\n[master]\n", "\n[master eq]\n",
		"\n[master comp]\n", "\n[master limiter]\n", "\n[pattern 00]\n", "\n[order]\n",
		"\n[bus chorus]\nrate = 2\n",
	};
	const char *at = t1;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *next = strstr(at, order[i]);
		if (!next)
			fail_msg("'%s' missing or out of order in:\n%s", order[i], t1);
		at = next;
	}
	char *body = section_text(t1, "channel 2 fx 1");
	assert_true(starts_with(body, "type = comp\nbypass = no\n"));
	assert_string_equal(strstr(body, "\nsidechain"), "\nsidechain = 1 2\nwobble = 3\n");
	free(body);
	body = section_text(t1, "channel 2 fx 2");
	assert_true(starts_with(body, "type = reverb\nbypass = no\nsize = 60\n"));
	size_t n = strlen(body);
	assert_true(n > 15 && !strcmp(body + n - 15, "\nsidechain = 1\n"));
	free(body);
	body = section_text(t1, "master");
	assert_string_equal(body, "volume = 0\neq = off\ncomp = off\nlimiter = on\nstereo = wide\n");
	free(body);
	body = section_text(t1, "bus delay");
	assert_non_null(strstr(body, "\npingpong = on\n"));
	n = strlen(body);
	assert_true(n > 14 && !strcmp(body + n - 14, "type = reverb\n"));
	free(body);
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
}

/* Eight units fill a chain; each type can come more than once. */
static void test_full_chain(void **state)
{
	(void)state;
	song_t s;
	song_init(&s);
	channel_t *ch = &s.channel[0];
	ch->nfx = SONG_FX_CHAIN_MAX;
	for (int k = 0; k < SONG_FX_CHAIN_MAX; k++) {
		fx_unit_default(&ch->fx[k], (fx_type_t)(k % FX_TYPE_COUNT));
		ch->fx[k].bypass = k % 3 == 0;
	}
	ch->fx[1].sidechain = 0xA;   /* comp: channels 2 and 4 */
	ch->macro[2] = (fx_macro_t){ 7, fx_param_index(fx_ops(ch->fx[7].type), "ratio") };
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	assert_non_null(strstr(t1, "\n[channel 1 fx 8]\ntype = comp\nbypass = no\n"));
	assert_non_null(strstr(t1, "\nmacro_z = 8.ratio\n"));
	assert_non_null(strstr(t1, "\nsidechain = 2 4\n"));
	song_t b;
	tu_song_parse(&b, t1);
	assert_int_equal(b.channel[0].nfx, SONG_FX_CHAIN_MAX);
	for (int k = 0; k < SONG_FX_CHAIN_MAX; k++)
		assert_unit_equal(&b.channel[0].fx[k], &ch->fx[k]);
	assert_int_equal(b.channel[0].macro[2].unit, 7);
	assert_int_equal(b.channel[0].macro[2].param, ch->macro[2].param);
	char *t2 = songfile_to_string(&b);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
	song_deinit(&s);
	song_deinit(&b);
}

/* Sidechain lists over 64 channels stay on one readable line: runs are
 * written as ranges. */
static void test_sidechain_lists(void **state)
{
	(void)state;
	static const struct { uint64_t mask; const char *text; } cases[] = {
		{ ~(uint64_t)0, "1-64" },
		{ 0x5555555555555555ull, NULL },    /* 1 3 5 ... 63: the longest */
		{ 0xB6DB6DB6DB6DB6DBull, NULL },    /* pairs: 1 2 4 5 7 8 ... */
		{ 0x8000000000000001ull, "1 64" },
		{ 0x0F0ull, "5-8" },
		{ 0x1ull, "1" },
		{ 0, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		song_t s;
		song_init(&s);
		assert_true(song_set_channels(&s, SONG_MAX_CHANNELS));
		s.channel[63].nfx = 1;
		fx_unit_default(&s.channel[63].fx[0], FX_COMP);
		s.channel[63].fx[0].sidechain = cases[i].mask;
		char *t1 = songfile_to_string(&s);
		assert_non_null(t1);
		char *body = section_text(t1, "channel 64 fx 1");
		assert_non_null(body);
		const char *line = strstr(body, "sidechain =");
		assert_non_null(line);
		size_t len = strcspn(line, "\n");
		assert_true(len <= 197);
		if (cases[i].text) {
			char want[220];
			snprintf(want, sizeof want, cases[i].text[0] ? "sidechain = %s\n" : "sidechain =%s\n",
			         cases[i].text);
			assert_string_equal(line, want);
		}
		free(body);
		song_t b;
		tu_song_parse(&b, t1);
		assert_true(b.channel[63].fx[0].sidechain == cases[i].mask);
		char *t2 = songfile_to_string(&b);
		assert_text_equal(t2, t1);
		free(t1);
		free(t2);
		song_deinit(&s);
		song_deinit(&b);
	}
	/* Any spelling reads; the canonical one is sorted, ranges for runs. */
	char *t = fmt_text(HEAD "[channel 1 fx 1]\ntype = comp\nsidechain = 2 1-1 2-2\n" TAIL);
	assert_non_null(strstr(t, "\nsidechain = 1 2\n"));
	free(t);
	t = fmt_text("[song]\nformat = 1\nchannels = 9\n[channel 1 fx 1]\ntype = comp\n"
	             "sidechain = 9 3 4 5 1-2\n" TAIL);
	assert_non_null(strstr(t, "\nsidechain = 1-5 9\n"));
	free(t);
}

/* Whatever a song holds, the writer writes what the reader takes. */
static void test_write_mix_edges(void **state)
{
	(void)state;
	song_t s;
	song_init(&s);
	channel_t *ch = &s.channel[0];
	ch->send[0] = -120.0f;                  /* below the range: off */
	ch->send[1] = -96.0f;
	ch->nfx = 1;
	fx_unit_default(&ch->fx[0], FX_DELAY);
	int sync = fx_param_index(&fx_delay, "sync");
	ch->fx[0].param[sync] = 99.0f;          /* past the last choice */
	ch->macro[0] = (fx_macro_t){ 1, 0 };    /* a unit that is not there */
	ch->macro[1] = (fx_macro_t){ 0, 50 };   /* a parameter that is not there */
	ch->macro[2] = (fx_macro_t){ 0, sync };
	s.channel[1].nfx = 1;
	fx_unit_default(&s.channel[1].fx[0], FX_COMP);
	s.channel[1].fx[0].sidechain = 0x31;    /* channels 1, 5, 6: only 1 exists */
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	assert_non_null(strstr(t1, "\nsend_reverb = off\nsend_delay = -96\nmacro_x = off\n"
	                           "macro_y = off\nmacro_z = 1.sync\n"));
	char want[64];
	const fx_param_desc_t *d = &fx_delay.params[sync];
	snprintf(want, sizeof want, "\nsync = %s\n", d->choices[(int)d->max]);
	assert_non_null(strstr(t1, want));
	assert_non_null(strstr(t1, "\nsidechain = 1\n"));
	char *t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
	song_deinit(&s);

	/* A unit that changed type keeps its unknown keys, but not one that
	 * its new type writes itself. */
	tu_song_parse(&s, HEAD "[channel 1 fx 1]\ntype = delay\nratio = 9\nsidechain = 2\nknob = 1\n" TAIL);
	assert_int_equal(s.nextra, 3);
	fx_unit_default(&s.channel[0].fx[0], FX_COMP);
	t1 = songfile_to_string(&s);
	assert_non_null(t1);
	char *body = section_text(t1, "channel 1 fx 1");
	assert_true(starts_with(body, "type = comp\n"));
	assert_non_null(strstr(body, "\nsidechain =\nknob = 1\n"));
	assert_null(strstr(body, "ratio = 9"));
	free(body);
	t2 = fmt_text(t1);
	assert_text_equal(t2, t1);
	free(t1);
	free(t2);
	song_deinit(&s);
}

static void test_line_length(void **state)
{
	(void)state;
	/* 197 characters is the most inih takes whole (INI_MAX_LINE 200
	 * minus \r, \n and \0). */
	char text[600], value[200];
	memset(value, 'v', 193);
	value[193] = '\0';
	snprintf(text, sizeof text, HEAD "x = %s\n" TAIL, value);   /* 4 + 193 = 197 */
	song_t s;
	tu_song_parse(&s, text);
	assert_int_equal(s.nextra, 1);
	assert_int_equal(strlen(s.extra[0].value), 193);
	char *t = songfile_to_string(&s);
	assert_non_null(t);
	song_deinit(&s);
	free(t);

	/* Kept from "x=value", 197 long: spaced it would not fit, so it is
	 * written unspaced. */
	memset(value, 'v', 195);
	value[195] = '\0';
	snprintf(text, sizeof text, HEAD "x=%s\n" TAIL, value);
	tu_song_parse(&s, text);
	t = songfile_to_string(&s);
	assert_non_null(t);
	char want[220];
	snprintf(want, sizeof want, "\nx=%s\n", value);
	assert_non_null(strstr(t, want));
	char *t2 = fmt_text(t);
	assert_text_equal(t2, t);
	free(t);
	free(t2);
	song_deinit(&s);

	value[196] = '\0';
	value[195] = 'v';
	snprintf(text, sizeof text, HEAD "x=%s\n" TAIL, value);     /* 198 */
	expect_error(text, "t.bty:4: line too long");
	/* Indentation counts: the line as it is in the file matters. */
	value[193] = '\0';
	snprintf(text, sizeof text, HEAD " x = %s\n" TAIL, value);
	expect_error(text, "t.bty:4: line too long");
}

/* A sampler path too long for one line cannot be written readably. */
static void test_write_refuses_long_line(void **state)
{
	(void)state;
	song_t s;
	song_init(&s);
	instrument_t *in = song_inst_new(&s, 1, INST_SAMPLER);
	assert_non_null(in);
	memset(in->sampler.path, 'p', 200);
	in->sampler.path[200] = '\0';
	errno = 0;
	assert_null(songfile_to_string(&s));
	FILE *f = tmpfile();
	assert_non_null(f);
	errno = 0;
	assert_int_equal(songfile_write(&s, f), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	fclose(f);
	song_deinit(&s);
}

static void test_numbers(void **state)
{
	(void)state;
	song_t s;
	song_init(&s);
	s.channel[0].volume = -0.0f;
	s.channel[1].volume = 1e-5f;
	s.channel[2].pan = 1.0f / 3.0f;
	s.channel[3].volume = -95.123456789f;
	char *t = songfile_to_string(&s);
	assert_non_null(t);
	assert_non_null(strstr(t, "[channel 1]\nname =\nvolume = 0\n"));
	assert_non_null(strstr(t, "[channel 2]\nname =\nvolume = 1e-05\n"));
	assert_non_null(strstr(t, "[channel 3]\nname =\nvolume = 0\npan = 33.3333\n"));
	assert_non_null(strstr(t, "[channel 4]\nname =\nvolume = -95.1235\n"));
	char *t2 = fmt_text(t);
	assert_text_equal(t2, t);
	free(t);
	free(t2);
	song_deinit(&s);

	/* A value starting with ';' is kept away from the blank that would
	 * make it a comment. */
	t = fmt_text(HEAD "[channel 1]\nname =;semi\n" TAIL);
	assert_non_null(strstr(t, "\nname =;semi\n"));
	free(t);

	/* Control characters a UI might leave in a name are not written. */
	song_init(&s);
	snprintf(s.title, sizeof s.title, "  two\nlines\t ");
	t = songfile_to_string(&s);
	assert_non_null(strstr(t, "\ntitle = two lines\n"));
	free(t);
	song_deinit(&s);
}

static void test_missing_instrument_warns(void **state)
{
	(void)state;
	song_t s;
	songfile_error_t err;
	warnings_t w = { 0 };
	const char *text = HEAD "[instrument 01]\n[pattern 00]\n00 = C-4 02 .. ... | C-4 01 .. ...\n"
	                   "01 = C-4 02 .. ...\n[order]\n00 = 00\n";
	assert_int_equal(songfile_parse(&s, text, "w.bty", ".", 0, &err, collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.msg[0], "w.bty:6: instrument 02 does not exist");
	assert_int_equal(song_cell(&s, s.pattern[0], 1, 0)->inst, 2);
	song_deinit(&s);
}

static void test_load_file(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[600];
	snprintf(path, sizeof path, "%s/song.bty", dir);
	write_file(path, rich);
	song_t s;
	songfile_error_t err;
	char buf[800], want[800];
	assert_int_equal(songfile_load(&s, path, 0, &err, NULL, NULL), 0);
	assert_string_equal(s.dir, dir);
	assert_int_equal(s.bpm, 133);
	song_deinit(&s);

	/* A NUL byte in the file: binary, with its line. */
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("[song]\nformat = 1\nti\0tle = x\n", 1, 29, f);
	fclose(f);
	assert_int_equal(songfile_load(&s, path, 0, &err, NULL, NULL), -1);
	songfile_error_format(&err, buf, sizeof buf);
	snprintf(want, sizeof want, "%s:3: not a beatty song (binary data)", path);
	assert_string_equal(buf, want);

	snprintf(path, sizeof path, "%s/nope.bty", dir);
	assert_int_equal(songfile_load(&s, path, 0, &err, NULL, NULL), -1);
	songfile_error_format(&err, buf, sizeof buf);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(buf, want);
	assert_int_equal(songfile_load(&s, dir, 0, &err, NULL, NULL), -1);
	assert_int_equal(err.line, 0);

	/* A bare file name: its folder is the current one. */
	char cwd[600];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	write_file("here.bty", rich);
	assert_int_equal(songfile_load(&s, "here.bty", 0, &err, NULL, NULL), 0);
	assert_string_equal(s.dir, ".");
	song_deinit(&s);
	assert_int_equal(chdir(cwd), 0);
	remove_tree(dir);
	free(dir);
}

static const char sampler_song[] =
	"[song]\n"
	"format = 1\n"
	"channels = 1\n"
	"[instrument 01]\n"
	"type = sampler\n"
	"file = %s\n"                 /* 6 */
	"loop = forward\n"
	"loop_start = 10\n"
	"loop_end = %d\n"             /* 9 */
	"[pattern 00]\n"
	"rows = 1\n"
	"[order]\n"
	"00 = 00\n";

static int load_sampler_song(const char *dir, const char *file, int loop_end, int flags,
                             song_t *s, char *msg, size_t n)
{
	char path[600], text[1000];
	snprintf(path, sizeof path, "%s/song.bty", dir);
	snprintf(text, sizeof text, sampler_song, file, loop_end);
	write_file(path, text);
	songfile_error_t err;
	int r = songfile_load(s, path, flags, &err, NULL, NULL);
	if (r) {
		char full[800];
		songfile_error_format(&err, full, sizeof full);
		/* Drop the folder so the message compares across runs. */
		snprintf(msg, n, "%s", full + strlen(dir) + 1);
	}
	return r;
}

typedef struct warns {
	int n;
	char last[300];
} warns_t;

static void count_warn(void *user, const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	warns_t *w = user;
	w->n++;
	snprintf(w->last, sizeof w->last, "%s", msg);
}

static void test_load_samples(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[600], msg[800], err[256];
	snprintf(path, sizeof path, "%s/s", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	float data[1000];
	for (int i = 0; i < 1000; i++)
		data[i] = (float)(i % 50) / 100.0f;
	snprintf(path, sizeof path, "%s/s/a.wav", dir);
	if (sample_write_wav(path, data, 1, 1000, 44100, 16, err, sizeof err) != 0)
		fail_msg("%s", err);
	snprintf(path, sizeof path, "%s/s/text.wav", dir);
	write_file(path, "this is not audio\n");

	song_t s;
	assert_int_equal(load_sampler_song(dir, "s/a.wav", 1000, SONGFILE_LOAD_SAMPLES, &s, msg, sizeof msg), 0);
	const sample_t *smp = &s.inst[1]->sampler.sample;
	assert_non_null(smp->data);
	assert_int_equal(smp->frames, 1000);
	assert_int_equal(smp->rate, 44100);
	song_deinit(&s);

	assert_int_equal(load_sampler_song(dir, "s/a.wav", 1001, SONGFILE_LOAD_SAMPLES, &s, msg, sizeof msg), -1);
	assert_string_equal(msg, "song.bty:9: loop_end 1001 is beyond the end of 's/a.wav' (1000 frames)");
	assert_int_equal(load_sampler_song(dir, "s/b.wav", 100, SONGFILE_LOAD_SAMPLES, &s, msg, sizeof msg), -1);
	assert_string_equal(msg, "song.bty:6: cannot load sample 's/b.wav': No such file or directory");
	assert_int_equal(load_sampler_song(dir, "s", 100, SONGFILE_LOAD_SAMPLES, &s, msg, sizeof msg), -1);
	assert_string_equal(msg, "song.bty:6: cannot load sample 's': it is a folder");
	assert_int_equal(load_sampler_song(dir, "s/text.wav", 100, SONGFILE_LOAD_SAMPLES, &s, msg, sizeof msg), -1);
	static const char prefix[] = "song.bty:6: cannot load sample 's/text.wav': ";
	if (strncmp(msg, prefix, strlen(prefix)) || strstr(msg, dir))
		fail_msg("got: %s", msg);

	/* Huge float values are clamped, and the song's reader says so once. */
	float huge[100];
	for (int i = 0; i < 100; i++)
		huge[i] = i % 2 ? 1e30f : 0.25f;
	snprintf(path, sizeof path, "%s/s/huge.wav", dir);
	if (sample_write_wav(path, huge, 1, 100, 44100, 32, err, sizeof err) != 0)
		fail_msg("%s", err);
	char text[1000];
	snprintf(path, sizeof path, "%s/song.bty", dir);
	snprintf(text, sizeof text, sampler_song, "s/huge.wav", 100);
	write_file(path, text);
	warns_t w = { 0 };
	songfile_error_t e;
	assert_int_equal(songfile_load(&s, path, SONGFILE_LOAD_SAMPLES, &e, count_warn, &w), 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "sample 's/huge.wav': 50 values beyond full scale"));
	assert_true(tu_peak(s.inst[1]->sampler.sample.data, 100) <= 1.0);
	song_deinit(&s);

	/* Without the flag no audio is read, so a missing file is no error. */
	assert_int_equal(load_sampler_song(dir, "s/b.wav", 100, 0, &s, msg, sizeof msg), 0);
	assert_null(s.inst[1]->sampler.sample.data);
	song_deinit(&s);
	remove_tree(dir);
	free(dir);
}

static void test_save_atomic(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[600], bad[700];
	songfile_error_t err;
	song_t s;
	tu_song_parse(&s, rich);
	snprintf(path, sizeof path, "%s/song.bty", dir);
	assert_int_equal(songfile_save(&s, path, &err), 0);
	char *text = read_file(path);
	assert_text_equal(text, rich);
	free(text);
	assert_int_equal(count_entries(dir, ""), 1);

	/* A save keeps the file's permissions. */
	assert_int_equal(chmod(path, 0640), 0);
	s.bpm = 140;
	assert_int_equal(songfile_save(&s, path, &err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	text = read_file(path);
	assert_non_null(strstr(text, "\nbpm = 140\n"));
	free(text);

	/* Bad paths fail cleanly and touch nothing. */
	s.bpm = 99;
	snprintf(bad, sizeof bad, "%s/no/such/folder/x.bty", dir);
	assert_int_equal(songfile_save(&s, bad, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.file, bad);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	snprintf(bad, sizeof bad, "%s/song.bty/x.bty", dir);
	assert_int_equal(songfile_save(&s, bad, &err), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(bad, sizeof bad, "%s/sub", dir);
	assert_int_equal(mkdir(bad, 0777), 0);
	assert_int_equal(songfile_save(&s, bad, &err), -1);   /* a folder is in the way */
	assert_string_equal(err.msg, "it is a folder, not a song file: not saved");
	assert_int_equal(count_entries(dir, ".tmp"), 0);
	assert_int_equal(count_entries(dir, ""), 2);

	/* An unwritable folder (root writes anyway, so only as a user). */
	if (geteuid() != 0) {
		assert_int_equal(chmod(dir, 0555), 0);
		assert_int_equal(songfile_save(&s, path, &err), -1);
		assert_int_equal(errno, EACCES);
		assert_int_equal(chmod(dir, 0755), 0);
	}
	text = read_file(path);
	assert_non_null(strstr(text, "\nbpm = 140\n"));
	free(text);
	assert_int_equal(count_entries(dir, ".tmp"), 0);

	char buf[800];
	songfile_error_t e = { .line = 0 };
	snprintf(e.file, sizeof e.file, "a.bty");
	snprintf(e.msg, sizeof e.msg, "oops");
	songfile_error_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "a.bty: oops");
	e.line = 7;
	songfile_error_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "a.bty:7: oops");

	song_deinit(&s);
	remove_tree(dir);
	free(dir);
}

/* ---- mutations: never crash, always a line number, canonical stays so - */

static uint32_t rng_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void check_mutant(const char *text)
{
	song_t s;
	songfile_error_t err;
	if (songfile_parse(&s, text, "m.bty", ".", 0, &err, NULL, NULL) != 0) {
		if (err.line < 1 && strcmp(err.msg, "empty file"))
			fail_msg("no line number for '%s' from:\n%s", err.msg, text);
		if (!err.msg[0])
			fail_msg("empty message from:\n%s", text);
		return;
	}
	char *t1 = songfile_to_string(&s);
	assert_non_null(t1);
	song_deinit(&s);
	if (songfile_parse(&s, t1, "m.bty", ".", 0, &err, NULL, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof buf);
		fail_msg("canonical text does not read back: %s\n%s\nfrom:\n%s", buf, t1, text);
	}
	char *t2 = songfile_to_string(&s);
	assert_non_null(t2);
	assert_text_equal(t2, t1);
	song_deinit(&s);
	free(t1);
	free(t2);
}

static void test_mutations(void **state)
{
	(void)state;
	size_t len = strlen(rich);
	char *buf = malloc(len + 1);
	assert_non_null(buf);

	for (size_t cut = 0; cut <= len; cut++) {
		memcpy(buf, rich, cut);
		buf[cut] = '\0';
		check_mutant(buf);
	}
	static const unsigned char flips[] = { 0x01, 0x20, 0x40, 0x80, 0xFF };
	for (size_t i = 0; i < len; i++)
		for (size_t f = 0; f < sizeof flips; f++) {
			memcpy(buf, rich, len + 1);
			buf[i] = (char)(buf[i] ^ flips[f]);
			check_mutant(buf);
		}
	/* Several edits at once, drawn from the characters the grammar uses. */
	static const char alphabet[] = "[]=:;#|.- \n\t0123456789ABCDEFabcdefGHXxyz^";
	uint32_t seed = 12345;
	for (int n = 0; n < 20000; n++) {
		memcpy(buf, rich, len + 1);
		int edits = 1 + (int)(rng_next(&seed) % 6);
		for (int e = 0; e < edits; e++)
			buf[rng_next(&seed) % len] = alphabet[rng_next(&seed) % (sizeof alphabet - 1)];
		check_mutant(buf);
	}
	free(buf);
}

/* Saved into another folder, a song's relative sample paths are rewritten
 * to reach the same files; absolute ones stay, and a song that stays in
 * its folder is left alone. */
static void test_rebase_sample_paths(void **state)
{
	(void)state;
	char top[] = "/tmp/beatty-rebase-XXXXXX";
	assert_non_null(mkdtemp(top));
	char a[128], b[128], c[128], d[128];
	snprintf(a, sizeof(a), "%s/x", top);
	snprintf(b, sizeof(b), "%s/x/sub", top);
	snprintf(c, sizeof(c), "%s/y", top);
	snprintf(d, sizeof(d), "%s/y/deep", top);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
	assert_int_equal(mkdir(c, 0700), 0);
	assert_int_equal(mkdir(d, 0700), 0);
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nchannels = 1\n"
		"[instrument 01]\ntype = sampler\nfile = samples/kick.wav\n"
		"[instrument 02]\ntype = sampler\nfile = ../shared/snare.wav\n"
		"[instrument 03]\ntype = sampler\nfile = /opt/hat.wav\n"
		"[pattern 00]\nrows = 1\n[order]\n00 = 00\n");
	char from[160], to[160];
	snprintf(from, sizeof(from), "%s/a.bty", a);
	snprintf(to, sizeof(to), "%s/a2.bty", a);
	assert_int_equal(songfile_rebase(&s, from, to), 0);   /* same folder */
	snprintf(to, sizeof(to), "%s/b.bty", b);
	assert_int_equal(songfile_rebase(&s, from, to), 2);
	assert_string_equal(s.inst[1]->sampler.path, "../samples/kick.wav");
	assert_string_equal(s.inst[2]->sampler.path, "../../shared/snare.wav");
	assert_string_equal(s.inst[3]->sampler.path, "/opt/hat.wav");
	/* and on to a sibling tree, then back where it started */
	snprintf(from, sizeof(from), "%s", to);
	snprintf(to, sizeof(to), "%s/c.bty", d);
	assert_int_equal(songfile_rebase(&s, from, to), 1);   /* the snare is as far */
	assert_string_equal(s.inst[1]->sampler.path, "../../x/samples/kick.wav");
	assert_string_equal(s.inst[2]->sampler.path, "../../shared/snare.wav");
	snprintf(from, sizeof(from), "%s", to);
	snprintf(to, sizeof(to), "%s/a.bty", a);
	assert_int_equal(songfile_rebase(&s, from, to), 2);
	assert_string_equal(s.inst[1]->sampler.path, "samples/kick.wav");
	assert_string_equal(s.inst[2]->sampler.path, "../shared/snare.wav");
	/* a folder that does not exist: nothing is touched */
	snprintf(to, sizeof(to), "%s/nowhere/z.bty", top);
	assert_int_equal(songfile_rebase(&s, from, to), 0);
	assert_string_equal(s.inst[1]->sampler.path, "samples/kick.wav");
	song_deinit(&s);
	rmdir(d);
	rmdir(c);
	rmdir(b);
	rmdir(a);
	rmdir(top);
}

/* A sampler's pan (FT2's sample panning) is written only when it has
 * one, reads back to the same value, and is refused out of -1..1. */
static void test_sampler_pan_key(void **state)
{
	(void)state;
	const char *with = "[song]\nformat = 1\n\n[instrument 01]\ntype = sampler\npan = -0.25\n\n"
	                   "[pattern 00]\nrows = 1\n\n[order]\n00 = 00\n";
	song_t s;
	songfile_error_t err;
	assert_int_equal(songfile_parse(&s, with, "t.bty", ".", 0, &err, NULL, NULL), 0);
	assert_true(s.inst[1]->sampler.has_pan);
	assert_true(s.inst[1]->sampler.pan == -0.25f);
	char *out = songfile_to_string(&s);
	assert_non_null(strstr(out, "\npan = -0.25\n"));
	char *again = fmt_text(out);
	assert_text_equal(again, out);
	free(again);
	free(out);
	s.inst[1]->sampler.has_pan = false;
	out = songfile_to_string(&s);
	assert_null(strstr(out, "\npan = -0.25"));   /* (channels have a pan of their own) */
	free(out);
	song_deinit(&s);
	expect_error("[song]\nformat = 1\n\n[instrument 01]\ntype = sampler\npan = 2\n",
	             "t.bty:6: pan 2 out of range (-1..1)");
}

/* FT2's volume-column commands: a letter and a hex digit, either case
 * for the digit, written back in canonical form; other letters are
 * refused with file and line. */
static void test_vol_column_commands(void **state)
{
	(void)state;
	const char *text = "[song]\nformat = 1\n\n[pattern 00]\nrows = 4\n"
		"00 = C-4 .. d4 ...\n01 = ... .. gF ...\n02 = ... .. hc ...\n03 = ... .. p0 ...\n\n"
		"[order]\n00 = 00\n";
	song_t s;
	songfile_error_t err;
	assert_int_equal(songfile_parse(&s, text, "t.bty", ".", 0, &err, NULL, NULL), 0);
	const int want[4][2] = { { VC_SLIDE_DOWN, 4 }, { VC_TONE_PORTA, 15 }, { VC_VIB_DEPTH, 12 },
	                         { VC_PAN, 0 } };
	for (int r = 0; r < 4; r++) {
		int v = song_cell(&s, s.pattern[0], r, 0)->vol;
		assert_int_equal(vol_cmd(v), want[r][0]);
		assert_int_equal(v & 15, want[r][1]);
	}
	char *out = songfile_to_string(&s);
	assert_non_null(strstr(out, "\n00 = C-4 .. d4 ... |"));
	assert_non_null(strstr(out, "\n01 = ... .. gF ... |"));
	assert_non_null(strstr(out, "\n02 = ... .. hC ... |"));   /* the digit as the grid shows it */
	char *again = fmt_text(out);
	assert_text_equal(again, out);
	free(again);
	free(out);
	song_deinit(&s);
	expect_error("[song]\nformat = 1\n[pattern 00]\n00 = C-4 .. x4 ...\n",
	             "t.bty:4: bad volume 'x4' (00..40 or ..)");
	expect_error("[song]\nformat = 1\n[pattern 00]\n00 = C-4 .. dG ...\n",
	             "t.bty:4: bad volume 'dG' (00..40 or ..)");
}

/* FT2's volume envelope of a sampler: written only when it has one,
 * read back the same, refused when out of range or out of order. */
static void test_envelope_keys(void **state)
{
	(void)state;
	const char *text = "[song]\nformat = 1\n\n[instrument 01]\ntype = sampler\n"
		"envelope = 0:64 8:40 20:27 120:0\nenv_sustain = 1\nenv_loop = 1 3\nfadeout = 512\n\n"
		"[pattern 00]\nrows = 1\n\n[order]\n00 = 00\n";
	song_t s;
	songfile_error_t err;
	assert_int_equal(songfile_parse(&s, text, "t.bty", ".", 0, &err, NULL, NULL), 0);
	const ft2_env_t *env = &s.inst[1]->sampler.env;
	assert_int_equal(env->n, 4);
	assert_int_equal(env->tick[2], 20);
	assert_int_equal(env->level[2], 27);
	assert_true(env->sus_on && env->sustain == 1);
	assert_true(env->loop_on && env->loop_start == 1 && env->loop_end == 3);
	assert_int_equal(env->fadeout, 512);
	char *out = songfile_to_string(&s);
	assert_non_null(strstr(out, "\nenvelope = 0:64 8:40 20:27 120:0\nenv_sustain = 1\n"
	                            "env_loop = 1 3\nfadeout = 512\n"));
	char *again = fmt_text(out);
	assert_text_equal(again, out);
	free(again);
	free(out);
	song_deinit(&s);
#define INST "[song]\nformat = 1\n[instrument 01]\ntype = sampler\n"
	expect_error(INST "envelope = 0:65\n", "t.bty:5: bad envelope point '0:65' (tick:level, 0..65535:0..64)");
	expect_error(INST "envelope = 4:10 2:0\n", "t.bty:5: envelope point at tick 2 must come after tick 4");
	expect_error(INST "envelope = 0:10\nenvelope = 0:10\n", "t.bty:6: duplicate key 'envelope' in [instrument 01]");
	expect_error(INST "env_loop = 3 1\n",
	             "t.bty:5: bad env_loop '3 1' (two points, 0..11, the first not after the second)");
	expect_error(INST "fadeout = 70000\n", "t.bty:5: fadeout 70000 out of range (0..65535)");
	expect_error(INST "envelope = 0:10 4:0\nenv_sustain = 2\n[order]\n00 = 00\n",
	             "t.bty:3: env_sustain or env_loop names a point past the envelope's 2");
#undef INST
}

/* FT2's panning envelope: its keys written after the volume envelope's,
 * read back the same; a loop or sustain past its points refused. */
static void test_pan_envelope_keys(void **state)
{
	(void)state;
	const char *text = "[song]\nformat = 1\n\n[instrument 01]\ntype = sampler\n"
		"pan_envelope = 0:32 10:64 20:0\npan_env_sustain = 1\npan_env_loop = 0 2\n\n"
		"[pattern 00]\nrows = 1\n\n[order]\n00 = 00\n";
	song_t s;
	songfile_error_t err;
	assert_int_equal(songfile_parse(&s, text, "t.bty", ".", 0, &err, NULL, NULL), 0);
	const ft2_env_t *env = &s.inst[1]->sampler.penv;
	assert_int_equal(env->n, 3);
	assert_int_equal(env->tick[1], 10);
	assert_int_equal(env->level[1], 64);
	assert_true(env->sus_on && env->sustain == 1);
	assert_true(env->loop_on && env->loop_start == 0 && env->loop_end == 2);
	assert_int_equal(s.inst[1]->sampler.env.n, 0);
	char *out = songfile_to_string(&s);
	assert_non_null(strstr(out, "\npan_envelope = 0:32 10:64 20:0\npan_env_sustain = 1\n"
	                            "pan_env_loop = 0 2\n"));
	char *again = fmt_text(out);
	assert_text_equal(again, out);
	free(again);
	free(out);
	song_deinit(&s);
	expect_error("[song]\nformat = 1\n[instrument 01]\ntype = sampler\npan_env_loop = 2 1\n",
	             "t.bty:5: bad pan_env_loop '2 1' (two points, 0..11, the first not after the second)");
	expect_error("[song]\nformat = 1\n[instrument 01]\ntype = sampler\npan_envelope = 0:10\n"
	             "pan_env_sustain = 1\n[order]\n00 = 00\n",
	             "t.bty:3: pan_env_sustain or pan_env_loop names a point past the pan envelope's 1");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_parse_rich),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_vol_slides),
		cmocka_unit_test(test_defaults_round_trip),
		cmocka_unit_test(test_sampler_pan_key),
		cmocka_unit_test(test_pan_envelope_keys),
		cmocka_unit_test(test_vol_column_commands),
		cmocka_unit_test(test_envelope_keys),
		cmocka_unit_test(test_messy_canonical),
		cmocka_unit_test(test_20_channels),
		cmocka_unit_test(test_64_channels),
		cmocka_unit_test(test_9_and_1_channels),
		cmocka_unit_test(test_unknown_keys_kept),
		cmocka_unit_test(test_orphan_extras_dropped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mix_defaults),
		cmocka_unit_test(test_mix_any_order),
		cmocka_unit_test(test_full_chain),
		cmocka_unit_test(test_sidechain_lists),
		cmocka_unit_test(test_write_mix_edges),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_write_refuses_long_line),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_missing_instrument_warns),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_samples),
		cmocka_unit_test(test_save_atomic),
		cmocka_unit_test(test_rebase_sample_paths),
		cmocka_unit_test(test_mutations),
	};
	return TU_RUN(t);
}
