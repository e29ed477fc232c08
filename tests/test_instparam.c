/*
 * test_instparam: the pure parts of the instruments page, measured.
 *
 * - Every factory preset loads and sounds, with its energy where its
 *   name says: a kick below 150 Hz, a hat above 5 kHz, a sub bass low.
 * - The browser's folder listing: audio files by extension in any case,
 *   folders first, sorted without regard to case, hidden entries left
 *   out; relative sample paths.
 * - The parameter table keeps values in the song file's ranges and
 *   parses what a user types.
 * - Instrument edits through the bridge: a change of a sounding synth is
 *   heard at once (its spectrum moves); a replaced sample stays alive
 *   until the audio side has let go of it, and undo brings it back.
 * - A jammed note or a sample preview on a channel leaves the song's
 *   memory of it alone: a later bare note (no instrument, no volume)
 *   sounds at row 0's level and pitch, the preview slot deleted or not.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bridge.h"
#include "engine.h"
#include "filelist.h"
#include "instkeys.h"
#include "instparam.h"
#include "note.h"
#include "presets.h"
#include "samplekeep.h"
#include "songfile.h"
#include "testutil.h"
#include "undo.h"

#define RATE 48000
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char one_note[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 1\n\n"
	"[instrument 01]\ntype = synth\n\n"
	"[pattern 00]\nrows = 4\n00 = C-4 01 .. ...\n\n"
	"[order]\n00 = 00\n";

/* Fraction of the energy of x[0..n) between lo and hi Hz (plain DFT). */
static double band_fraction(const float *x, size_t n, double lo, double hi)
{
	double in = 0, all = 0;
	for (size_t k = 1; k < n / 2; k++) {
		double re = 0, im = 0, w = 2 * M_PI * (double)k / (double)n;
		for (size_t i = 0; i < n; i++) {
			re += x[i] * cos(w * (double)i);
			im -= x[i] * sin(w * (double)i);
		}
		double e = re * re + im * im, f = (double)k * RATE / (double)n;
		all += e;
		if (f >= lo && f < hi)
			in += e;
	}
	return all > 0 ? in / all : 0;
}

/* Spectral centroid in Hz of x[0..n). */
static double centroid(const float *x, size_t n)
{
	double num = 0, den = 0;
	for (size_t k = 1; k < n / 2; k++) {
		double re = 0, im = 0, w = 2 * M_PI * (double)k / (double)n;
		for (size_t i = 0; i < n; i++) {
			re += x[i] * cos(w * (double)i);
			im -= x[i] * sin(w * (double)i);
		}
		double e = re * re + im * im;
		num += e * (double)k * RATE / (double)n;
		den += e;
	}
	return den > 0 ? num / den : 0;
}

/* Renders preset i playing its own note for 4 rows; the left channel's
 * first n frames go to a new buffer. */
static float *render_preset(int i, size_t n)
{
	song_t s;
	tu_song_parse(&s, one_note);
	char err[300];
	assert_int_equal(preset_load(i, s.inst[1], err, sizeof(err)), 0);
	song_cell(&s, s.pattern[0], 0, 0)->note = (uint8_t)preset_note(i);
	float *out;
	int64_t frames = tu_render(&s, RATE, &out);
	assert_true(frames >= (int64_t)n);
	float *l = tu_channel(out, n, 0);
	free(out);
	song_deinit(&s);
	return l;
}

static void presets_all_sound(void **state)
{
	(void)state;
	assert_true(preset_count() >= 7);
	const char *want[] = { "kick", "snare", "hat", "sub bass", "pluck", "pad", "lead" };
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
		assert_true(preset_find(want[k]) >= 0);
	for (int i = 0; i < preset_count(); i++) {
		float *l = render_preset(i, RATE / 2);
		double peak = tu_peak(l, RATE / 2);
		if (!(peak > 0.02 && peak < 1.5))
			fail_msg("preset %s: peak %g", preset_name(i), peak);
		free(l);
	}
}

static void presets_energy_where_expected(void **state)
{
	(void)state;
	size_t n = 8192;   /* 170 ms: a hit and its body */
	float *k = render_preset(preset_find("kick"), n);
	double low = band_fraction(k, n, 0, 150);
	print_message("# kick: %.2f of the energy below 150 Hz\n", low);
	assert_true(low > 0.5);
	free(k);
	float *h = render_preset(preset_find("hat"), n);
	double high = band_fraction(h, n, 5000, RATE / 2);
	print_message("# hat: %.2f of the energy above 5 kHz\n", high);
	assert_true(high > 0.5);
	free(h);
	float *b = render_preset(preset_find("sub bass"), n);
	double sub = band_fraction(b, n, 0, 150);
	print_message("# sub bass: %.2f of the energy below 150 Hz\n", sub);
	assert_true(sub > 0.8);
	free(b);
}

/* ---- the browser's listing ------------------------------------------ */

static void touch(const char *dir, const char *name)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static void filelist_filters_and_sorts(void **state)
{
	(void)state;
	char dir[] = "/tmp/beatty-filelist.XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *files[] = { "b.WAV", "a.flac", "c.txt", "Z.aif", ".hidden.wav", "d.ogg", "e.aiff",
	                        "wav", "f.mp3" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		touch(dir, files[i]);
	char p[1100];
	snprintf(p, sizeof p, "%s/sub", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/Alpha", dir);
	assert_int_equal(mkdir(p, 0700), 0);

	filelist_t l;
	memset(&l, 0, sizeof l);
	assert_int_equal(filelist_read(&l, dir), 0);
	const char *want[] = { "..", "Alpha", "sub", "a.flac", "b.WAV", "d.ogg", "e.aiff", "Z.aif" };
	assert_int_equal(l.n, (int)(sizeof want / sizeof want[0]));
	for (int i = 0; i < l.n; i++) {
		assert_string_equal(l.e[i].name, want[i]);
		assert_int_equal(l.e[i].dir, i < 3);
	}
	char full[2048];
	filelist_path(&l, 3, full, sizeof full);
	snprintf(p, sizeof p, "%s/a.flac", dir);
	assert_string_equal(full, p);
	filelist_path(&l, 0, full, sizeof full);
	assert_string_equal(full, "/tmp");
	filelist_free(&l);

	assert_true(filelist_is_audio("x.FLAC"));
	assert_false(filelist_is_audio(".wav"));
	assert_false(filelist_is_audio("x.wav.txt"));

	const char *rm[] = { "b.WAV", "a.flac", "c.txt", "Z.aif", ".hidden.wav", "d.ogg", "e.aiff",
	                     "wav", "f.mp3", "sub", "Alpha" };
	for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, rm[i]);
		remove(p);
	}
	rmdir(dir);
}

static void relative_paths(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(filelist_relative("/a/b", "/a/b/s/kick.wav", out, sizeof out), 0);
	assert_string_equal(out, "s/kick.wav");
	assert_int_equal(filelist_relative("/a/b", "/a/x/y.wav", out, sizeof out), 0);
	assert_string_equal(out, "../x/y.wav");
	assert_int_equal(filelist_relative("/a/b/c", "/a/bc/y.wav", out, sizeof out), 0);
	assert_string_equal(out, "../../bc/y.wav");
	assert_int_equal(filelist_relative("/a/./b/../b", "/a/b/k.wav", out, sizeof out), 0);
	assert_string_equal(out, "k.wav");
	assert_int_equal(filelist_relative("/home/u", "/srv/k.wav", out, sizeof out), 0);
	assert_string_equal(out, "/srv/k.wav");
	assert_int_equal(filelist_relative("/a", "/a/very/long/name.wav", out, 8), -1);
}

/* ---- the parameter table -------------------------------------------- */

static void params_stay_in_range(void **state)
{
	(void)state;
	instrument_t in;
	memset(&in, 0, sizeof in);
	in.type = INST_SYNTH;
	synth_params_default(&in.synth);
	sampler_params_default(&in.sampler);
	char err[300];
	const instparam_t *cut = instparam_find(INST_SYNTH, "cutoff");
	assert_non_null(cut);
	assert_int_equal(instparam_parse(&in, cut, "1.2k", err, sizeof err), 0);
	assert_float_equal(in.synth.cutoff, 1200, 0.01);
	instparam_adjust(&in, cut, 1, true);
	assert_true(in.synth.cutoff > 1600 && in.synth.cutoff < 1800);
	for (int i = 0; i < 100; i++)
		instparam_adjust(&in, cut, 1, true);
	assert_float_equal(in.synth.cutoff, 20000, 0.01);
	assert_int_equal(instparam_parse(&in, cut, "30000", err, sizeof err), -1);
	assert_int_equal(instparam_parse(&in, cut, "loud", err, sizeof err), -1);

	const instparam_t *w = instparam_find(INST_SYNTH, "osc1");
	assert_int_equal(instparam_parse(&in, w, "Square", err, sizeof err), 0);
	assert_int_equal(in.synth.osc1_wave, WAVE_SQUARE);
	assert_int_equal(instparam_parse(&in, w, "banjo", err, sizeof err), -1);
	assert_non_null(strstr(err, "triangle"));
	in.synth.osc1_wave = WAVE_NOISE;
	instparam_adjust(&in, w, 1, false);   /* choices wrap */
	assert_int_equal(in.synth.osc1_wave, WAVE_SINE);

	const instparam_t *att = instparam_find(INST_SYNTH, "amp attack");
	in.synth.amp.attack = 0;
	instparam_adjust(&in, att, 1, false);
	assert_true(in.synth.amp.attack > 0);
	instparam_adjust(&in, att, -5, false);
	assert_float_equal(in.synth.amp.attack, 0, 0);

	/* Every synth key of the song file has a row. */
	const char *keys[] = { "osc1", "osc1_pw", "osc2", "osc2_pw", "osc2_semi", "osc2_detune",
	                       "osc_mix", "pitch_env", "pitch_decay", "filter", "cutoff", "resonance",
	                       "filter_env", "keytrack", "lfo", "lfo_rate", "lfo_depth", "lfo_target" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!instparam_find(INST_SYNTH, keys[i]))
			fail_msg("no row for %s", keys[i]);

	/* Loop points stay inside the sample and in order. */
	float data[100] = { 0 };
	in.type = INST_SAMPLER;
	in.sampler.sample = (sample_t){ data, 1, 100, RATE, 0 };
	const instparam_t *mode = instparam_find(INST_SAMPLER, "loop mode");
	const instparam_t *ls = instparam_find(INST_SAMPLER, "loop start");
	const instparam_t *le = instparam_find(INST_SAMPLER, "loop end");
	assert_int_equal(instparam_parse(&in, mode, "pingpong", err, sizeof err), 0);
	assert_int_equal(in.sampler.loop_end, 100);
	instparam_set(&in, ls, 500);
	assert_int_equal(in.sampler.loop_start, 99);
	instparam_set(&in, le, 10);
	assert_int_equal(in.sampler.loop_end, 100);
	instparam_set(&in, ls, 20);
	instparam_set(&in, le, 5);
	assert_int_equal(in.sampler.loop_end, 21);
	const instparam_t *root = instparam_find(INST_SAMPLER, "root note");
	assert_int_equal(instparam_parse(&in, root, "a4", err, sizeof err), 0);
	assert_int_equal(in.sampler.root, NOTE_A4);
}

/* ---- samples leaving the song --------------------------------------- */

static float *buf(size_t n)
{
	float *d = calloc(n, sizeof(float));
	assert_non_null(d);
	return d;
}

static bool busy_undo(void *user, const float *data)
{
	return undo_uses_sample(user, data);
}

static void replaced_sample_kept_while_undo_needs_it(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, one_note);
	s.inst[1]->type = INST_SAMPLER;
	float *a = buf(64), *b = buf(64);
	s.inst[1]->sampler.sample = (sample_t){ a, 1, 64, RATE, 0 };
	samplekeep_t k;
	samplekeep_init(&k, &s);
	undo_t *u = undo_create(1 << 20, 100);

	/* load sample b over a */
	undo_begin(u, "load");
	assert_int_equal(undo_save_inst(u, &s, 1), 0);
	s.inst[1]->sampler.sample.data = b;
	undo_end(u);
	samplekeep_sync(&k, &s);
	assert_true(samplekeep_has(&k, a));
	assert_int_equal(samplekeep_gc(&k, busy_undo, u), 0);   /* undo can bring a back */

	undo_touched_t t;
	memset(&t, 0, sizeof t);
	assert_non_null(undo_undo(u, &s, &t));
	assert_true(t.inst[1]);
	assert_ptr_equal(s.inst[1]->sampler.sample.data, a);
	samplekeep_sync(&k, &s);
	assert_false(samplekeep_has(&k, a));
	assert_true(samplekeep_has(&k, b));
	assert_int_equal(samplekeep_gc(&k, busy_undo, u), 0);   /* redo can bring b back */
	undo_clear(u);
	assert_int_equal(samplekeep_gc(&k, busy_undo, u), 1);   /* now b goes */
	assert_false(samplekeep_has(&k, b));

	undo_destroy(u);
	samplekeep_deinit(&k);
	song_deinit(&s);   /* frees a, the song's */
}

/* ---- through the bridge --------------------------------------------- */

static void fill(bridge_t *b, float *out, int frames)
{
	for (int i = 0; i < frames; i += 256)
		bridge_fill(b, out + 2 * i, frames - i < 256 ? frames - i : 256);
}

static void synth_edit_heard_at_once(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, one_note);
	instrument_t *in = s.inst[1];
	in->synth.osc1_wave = WAVE_SAW;
	in->synth.filter = FILTER_LP;
	in->synth.cutoff = 8000;
	in->synth.amp = (adsr_params_t){ 0.001f, 0, 1, 0.05f };
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	enum { N = 4096 };
	float *out = calloc(2 * N, sizeof(float));
	assert_non_null(bridge_live_note(b, 0, 1, NOTE_MIN + 48, -1) ? out : NULL);
	fill(b, out, N);
	float *l = tu_channel(out, N, 0);
	double bright = centroid(l + N / 2, N / 2);
	free(l);

	/* The same note keeps sounding; only the cutoff moves. */
	in->synth.cutoff = 300;
	assert_true(bridge_set_inst(b, 1, in));
	fill(b, out, N);
	l = tu_channel(out, N, 0);
	double dark = centroid(l + N / 2, N / 2);
	double level = tu_rms(l + N / 2, N / 2);
	free(l);
	print_message("# centroid %.0f Hz at cutoff 8000, %.0f Hz at 300; level %.3f\n", bright, dark, level);
	assert_true(level > 0.01);         /* not restarted, not cut */
	assert_true(dark < bright * 0.5);

	free(out);
	bridge_destroy(b);
	song_deinit(&s);
}

static void replaced_sample_busy_until_handed_back(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, one_note);
	instrument_t *in = s.inst[1];
	in->type = INST_SAMPLER;
	enum { LEN = 48000 };
	float *a = buf(LEN), *b2 = buf(LEN);
	for (int i = 0; i < LEN; i++)
		a[i] = b2[i] = (float)sin(2 * M_PI * 440.0 * i / RATE) * 0.5f;
	in->sampler.sample = (sample_t){ a, 1, LEN, RATE, 0 };
	in->sampler.root = NOTE_MIN + 48;
	bridge_t *br = bridge_create(&s, RATE);
	assert_non_null(br);
	float out[2 * 512];
	assert_true(bridge_live_note(br, 0, 1, NOTE_MIN + 48, -1));
	fill(br, out, 512);
	assert_true(tu_peak(out, 1024) > 0.1);   /* a sounds */
	assert_true(bridge_sample_busy(br, a));

	/* a new sample: the old one is still busy until the audio side has
	 * swapped it and handed the old instrument back */
	instrument_t t = *in;
	t.sampler.sample.data = b2;
	assert_true(bridge_set_inst(br, 1, &t));
	assert_true(bridge_sample_busy(br, a));
	assert_true(bridge_sample_busy(br, b2));
	fill(br, out, 512);
	bridge_collect(br);
	assert_false(bridge_sample_busy(br, a));
	assert_true(bridge_sample_busy(br, b2));
	/* the voice on a was stopped, not left reading it */
	assert_true(tu_peak(out + 2 * 64, 1024 - 128) < 1e-6);
	free(a);   /* what a UI may now do */
	assert_true(bridge_live_note(br, 0, 1, NOTE_MIN + 48, -1));
	fill(br, out, 512);
	assert_true(tu_peak(out, 1024) > 0.1);   /* b2 sounds */

	bridge_destroy(br);
	in->sampler.sample.data = b2;   /* the song owns b2 now */
	song_deinit(&s);
}

/* Jamming and previews leave the song's channel memory alone.  Row 0
 * plays C-4 with instrument 01 at half volume, row 2 releases it, row 4
 * has a bare C-4 (no instrument, no volume): it must sound like row 0
 * whatever was played live on the channel in between. */
static const char bare_note[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 1\n\n"
	"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0.002 0 1 0.02\n\n"
	"[instrument 02]\ntype = synth\nosc1 = sine\nvolume = -30\namp = 0.002 0 1 0.02\n\n"
	"[pattern 00]\nrows = 8\n00 = C-4 01 20 ...\n02 = === .. .. ...\n"
	"04 = C-4 .. .. ...\n\n"
	"[order]\n00 = 00\n";

#define ROW 6000   /* frames: 120 bpm, 4 lines a beat, at RATE */

/* The left channel of rows 0..7, with `live` called at row 2.5 and a
 * note off sent at row 3.5 (both on channel 1). */
static float *play_with_jam(song_t *s, void (*live)(bridge_t *, void *), void *arg)
{
	bridge_t *b = bridge_create(s, RATE);
	assert_non_null(b);
	float *out = buf(2 * 8 * ROW);
	assert_true(bridge_play(b, 0, 0));
	fill(b, out, ROW * 5 / 2);
	live(b, arg);
	fill(b, out + 2 * (ROW * 5 / 2), ROW);
	assert_true(bridge_live_note(b, 0, 2, NOTE_OFF, -1));
	fill(b, out + 2 * (ROW * 7 / 2), ROW * 9 / 2);
	bridge_collect(b);
	bridge_destroy(b);
	float *l = tu_channel(out, 8 * ROW, 0);
	free(out);
	return l;
}

/* Row 4's bare note against row 0's: level (dB apart) and pitch. */
static void assert_row4_as_row0(const float *l)
{
	double r0 = tu_rms(l + 1000, ROW - 2000), r4 = tu_rms(l + 4 * ROW + 1000, ROW - 2000);
	double f0 = tu_peak_hz(l + 1000, ROW - 2000, RATE);
	double f4 = tu_peak_hz(l + 4 * ROW + 1000, ROW - 2000, RATE);
	double db = r0 > 0 && r4 > 0 ? 20 * log10(r4 / r0) : -999;
	print_message("# row 0: %.4f rms %.1f Hz; row 4: %.4f rms %.1f Hz (%+.2f dB)\n", r0, f0, r4,
	              f4, db);
	assert_true(r0 > 0.05);
	assert_true(fabs(db) < 0.5);
	assert_true(fabs(f4 / f0 - 1) < 0.005);
}

static void jam_inst2(bridge_t *b, void *arg)
{
	(void)arg;
	assert_true(bridge_live_note(b, 0, 2, NOTE_MIN + 55, -1));   /* G-4, full volume */
}

static void jam_keeps_song_instrument_and_volume(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, bare_note);
	float *l = play_with_jam(&s, jam_inst2, NULL);
	/* the jam sounded (instrument 02 at G-4) */
	double fj = tu_peak_hz(l + 3 * ROW - 2000, 3000, RATE);
	print_message("# jam: %.4f rms %.1f Hz\n", tu_rms(l + 3 * ROW - 2000, 3000), fj);
	assert_true(tu_rms(l + 3 * ROW - 2000, 3000) > 0.001);
	assert_true(fj > 380 && fj < 400);
	assert_row4_as_row0(l);
	free(l);
	song_deinit(&s);
}

/* What the sample browser does: a temporary instrument in a free slot,
 * played on the cursor's channel, then deleted. */
static void preview_slot(bridge_t *b, void *arg)
{
	instrument_t *t = arg;
	assert_true(bridge_set_inst(b, 2, t));
	assert_true(bridge_live_note(b, 0, 2, NOTE_MIN + 48, -1));
}

static void preview_leaves_song_instrument(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, bare_note);
	song_inst_free(&s, 2);   /* slot 02 is free for the preview */
	enum { LEN = 48000 };
	float *d = buf(LEN);
	for (int i = 0; i < LEN; i++)
		d[i] = (float)sin(2 * M_PI * 1000.0 * i / RATE) * 0.5f;
	instrument_t t;
	memset(&t, 0, sizeof(t));
	t.type = INST_SAMPLER;
	synth_params_default(&t.synth);
	sampler_params_default(&t.sampler);
	t.sampler.root = NOTE_MIN + 48;
	t.sampler.sample = (sample_t){ d, 1, LEN, RATE, 0 };

	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	float *out = buf(2 * 8 * ROW);
	assert_true(bridge_play(b, 0, 0));
	fill(b, out, ROW * 5 / 2);
	preview_slot(b, &t);
	fill(b, out + 2 * (ROW * 5 / 2), ROW);
	/* the preview stops: note off, the slot deleted */
	assert_true(bridge_live_note(b, 0, 2, NOTE_OFF, -1));
	assert_true(bridge_set_inst(b, 2, NULL));
	fill(b, out + 2 * (ROW * 7 / 2), ROW * 9 / 2);
	bridge_collect(b);
	assert_false(bridge_sample_busy(b, d));
	bridge_destroy(b);
	float *l = tu_channel(out, 8 * ROW, 0);
	double fp = tu_peak_hz(l + 3 * ROW - 2000, 3000, RATE);
	print_message("# preview: %.4f rms %.1f Hz\n", tu_rms(l + 3 * ROW - 2000, 3000), fp);
	assert_true(fabs(fp - 1000) < 10);   /* the preview sounded */
	assert_row4_as_row0(l);
	free(l);
	free(out);
	free(d);
	song_deinit(&s);
}

/* The page's ranges are the song file's: every row pushed to its ends
 * stays inside what the file takes, the song text with it reads back,
 * and every key the file knows for a type has a row on the page. */
static void rows_take_the_file_ranges(void **state)
{
	(void)state;
	for (int t = 0; t < INST_TYPE_COUNT; t++) {
		int n;
		const instparam_t *const *rows = instparam_list((inst_type_t)t, &n);
		for (int i = 0; i < n; i++) {
			const instparam_t *p = rows[i];
			if (p->kind == IP_FRAMES || p->kind == IP_ENUM)
				continue;   /* loop points follow the sample; choices wrap */
			int k = instkeys_find(p->key);
			if (k < 0)
				fail_msg("row '%s' has no song-file key '%s'", p->label, p->key);
			for (int end = 0; end < 2; end++) {
				song_t s;
				song_init(&s);
				const int slot = 1;
				instrument_t *in = song_inst_new(&s, slot, (inst_type_t)t);
				assert_non_null(in);
				double lo, hi;
				instparam_range(p, &lo, &hi);
				assert_true(lo <= hi);
				instparam_set(in, p, end ? hi + 1e6 : lo - 1e6);
				double v = instparam_get(in, p);
				assert_true(v >= lo && v <= hi);
				char *text = songfile_to_string(&s);
				assert_non_null(text);
				song_t back;
				songfile_error_t err;
				if (songfile_parse(&back, text, "page.bty", "", 0, &err, NULL, NULL) != 0)
					fail_msg("'%s' at %g: the file refuses it: %s", p->label, v, err.msg);
				assert_float_equal(instparam_get(back.inst[slot], p), v, fabs(v) * 1e-5 + 1e-6);
				song_deinit(&back);
				free(text);
				song_deinit(&s);
			}
		}
		/* Every key of this type in the file has a row. */
		for (int k = 0; k < instkeys_count; k++) {
			if (instkeys_offset(&instkeys[k], (inst_type_t)t) == NO_OFF ||
			    !strcmp(instkeys[k].key, "name") || !strcmp(instkeys[k].key, "file"))
				continue;
			bool found = false;
			for (int i = 0; i < n && !found; i++)
				found = !strcmp(rows[i]->key, instkeys[k].key);
			if (!found)
				fail_msg("song-file key '%s' has no row on the page", instkeys[k].key);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(presets_all_sound),
		cmocka_unit_test(presets_energy_where_expected),
		cmocka_unit_test(filelist_filters_and_sorts),
		cmocka_unit_test(relative_paths),
		cmocka_unit_test(params_stay_in_range),
		cmocka_unit_test(rows_take_the_file_ranges),
		cmocka_unit_test(replaced_sample_kept_while_undo_needs_it),
		cmocka_unit_test(synth_edit_heard_at_once),
		cmocka_unit_test(replaced_sample_busy_until_handed_back),
		cmocka_unit_test(jam_keeps_song_instrument_and_volume),
		cmocka_unit_test(preview_leaves_song_instrument),
	};
	return TU_RUN(tests);
}
