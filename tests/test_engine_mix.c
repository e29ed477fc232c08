/*
 * test_engine_mix: the mix and master inside the engine, measured on its output:
 * stems that null against the mix, sidechain pumping from a song file,
 * sends and buses, automation commands, meters and the loudness target.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ebur128.h>
#include <sndfile.h>
#include "dsp.h"
#include "engine.h"
#include "fx.h"
#include "note.h"
#include "render.h"
#include "testutil.h"

#define RATE 48000

/* Renders with stems; returns frames.  stems[k] are malloc'd, k <
 * engine_stem_count. */
static int64_t render_stems(const song_t *s, bool master, float **out, float ***stems, int *nstems)
{
	engine_t *e = engine_create(s, RATE);
	assert_non_null(e);
	if (!master)
		engine_set_master(e, false);
	assert_int_equal(engine_enable_stems(e), 0);
	int ns = engine_stem_count(e);
	size_t cap = RATE * 60;
	float *o = malloc(cap * 2 * sizeof(float));
	float **st = calloc((size_t)ns, sizeof(float *));
	float **cur = calloc((size_t)ns, sizeof(float *));
	assert_non_null(o);
	for (int k = 0; k < ns; k++) {
		st[k] = malloc(cap * 2 * sizeof(float));
		assert_non_null(st[k]);
	}
	size_t len = 0;
	for (;;) {
		assert_true(len + 4096 <= cap);
		for (int k = 0; k < ns; k++)
			cur[k] = st[k] + 2 * len;
		size_t n = engine_render_stems(e, o + 2 * len, cur, 4096);
		len += n;
		if (n < 4096)
			break;
	}
	free(cur);
	engine_destroy(e);
	*out = o;
	*stems = st;
	*nstems = ns;
	return (int64_t)len;
}

static void free_stems(float *out, float **stems, int n)
{
	for (int k = 0; k < n; k++)
		free(stems[k]);
	free(stems);
	free(out);
}

static const char *full_song =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 3\n"
	"[channel 1]\nname = Kick\nsend_reverb = -12\n"
	"[channel 1 fx 1]\ntype = drive\ndrive = 12\n"
	"[channel 2]\nname = Pad\nvolume = -3\nsend_reverb = -6\nsend_delay = -10\n"
	"[channel 2 fx 1]\ntype = eq\nhp = 120\ngain1 = 4\n"
	"[channel 2 fx 2]\ntype = comp\nthreshold = -30\nratio = 8\nattack = 1\nrelease = 80\nsidechain = 1\n"
	"[channel 3]\nname = Lead\npan = 30\nsend_delay = -6\n"
	"[channel 3 fx 1]\ntype = delay\nsync = 1/2.\nfeedback = 40\n"
	"[master]\nlimiter = on\ncomp = on\neq = on\n"
	"[instrument 01]\ntype = synth\nosc1 = sine\npitch_env = 24\npitch_decay = 0.03\namp = 0 0.2 0 0.05\n"
	"[instrument 02]\ntype = synth\nosc1 = saw\nosc2 = saw\nosc2_detune = 9\nosc_mix = 0.5\n"
	"amp = 0.01 0.1 0.9 0.3\n"
	"[instrument 03]\ntype = synth\nosc1 = square\namp = 0.002 0.1 0.5 0.1\n"
	"[pattern 00]\nrows = 16\n"
	"00 = C-3 01 .. ... | A-3 02 .. ... | A-5 03 .. ...\n"
	"04 = C-3 01 .. ... | ... .. .. ... | C-6 03 .. ...\n"
	"08 = C-3 01 .. ... | ... .. .. ... | E-5 03 .. ...\n"
	"0C = C-3 01 .. ... | === .. .. ... | === .. .. ...\n"
	"[order]\n00 = 00\n";

/* The stems (channels after FX and fader, bus returns) sum to the mix
 * entering the master: with --no-master that is the output itself, and
 * with the master on the stems still line up with it sample for sample
 * (the limiter's latency is compensated for both). */
static void test_stems_null(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, full_song);
	float *out, **stems;
	int ns;
	int64_t n = render_stems(&s, false, &out, &stems, &ns);
	assert_int_equal(ns, 3 + SONG_SENDS);
	assert_true(n > 2 * RATE);
	double worst = 0;
	for (int64_t i = 0; i < 2 * n; i++) {
		double sum = 0;
		for (int k = 0; k < ns; k++)
			sum += stems[k][i];
		worst = fmax(worst, fabs(sum - out[i]));
	}
	print_message("# stems vs mix without master: worst difference %.1f dBFS\n", 20 * log10(worst + 1e-30));
	assert_true(worst < pow(10, -90 / 20.0));
	/* Every stem carries sound (and the buses ring after the notes). */
	for (int k = 0; k < ns; k++)
		assert_true(tu_peak(stems[k], (size_t)n * 2) > 1e-3);

	float *out_m, **stems_m;
	int ns_m;
	int64_t n_m = render_stems(&s, true, &out_m, &stems_m, &ns_m);
	assert_true(llabs(n_m - n) <= 2 * ENGINE_BLOCK);
	worst = 0;
	int64_t m = n < n_m ? n : n_m;
	for (int64_t i = 0; i < 2 * m; i++) {
		double sum = 0;
		for (int k = 0; k < ns_m; k++)
			sum += stems_m[k][i];
		worst = fmax(worst, fabs(sum - out[i]));
	}
	assert_true(worst < pow(10, -90 / 20.0));
	/* ...and the master did something to the output. */
	double diff = 0;
	for (int64_t i = 0; i < 2 * m; i++)
		diff = fmax(diff, fabs(out_m[i] - out[i]));
	assert_true(diff > 1e-3);
	free_stems(out, stems, ns);
	free_stems(out_m, stems_m, ns_m);
	song_deinit(&s);
}

/* A kick channel keys the pad's compressor: the pad drops at every kick
 * by at least what the static curve promises, and recovers between. */
static void test_sidechain_pumping(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 2\n"
		"[channel 1]\nvolume = -96\n"      /* the kick keys the pad without being heard */
		"[channel 2 fx 1]\ntype = comp\nthreshold = -30\nratio = 10\nknee = 0\nattack = 0.5\n"
		"release = 30\nsidechain = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0.08 0 0.01\n"
		"[instrument 02]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.05\n"
		"[pattern 00]\nrows = 16\n00 = C-4 01 .. ... | A-4 02 .. ...\n04 = C-4 01 .. ... | ... .. .. ...\n"
		"08 = C-4 01 .. ... | ... .. .. ...\n0C = C-4 01 .. ... | ... .. .. ...\n[order]\n00 = 00\n");
	float *out, **stems;
	int ns;
	int64_t n = render_stems(&s, false, &out, &stems, &ns);
	assert_true(n > 4 * 6000 * 4);
	float *pad = tu_channel(stems[1], (size_t)n, 0);
	/* Kick at full scale (centre pan: 0.707, about -3 dBFS) against a -30
	 * threshold at 10:1 asks for ~24 dB of reduction at its peak; measure
	 * 10 ms into each kick against 10 ms before the next. */
	for (int beat = 1; beat < 4; beat++) {
		size_t at = (size_t)beat * 6000 * 4;
		double during = tu_rms(pad + at + 240, 480);
		double before = tu_rms(pad + at - 960, 480);
		double drop = 20 * log10(before / during);
		print_message("# beat %d: pad ducks by %.1f dB\n", beat, drop);
		assert_true(drop > 12.0);
	}
	free(pad);
	free_stems(out, stems, ns);
	song_deinit(&s);
}

/* Mxx sets the fader as a linear gain (C0 = unity): M60 halves the
 * level; with G06 it glides over the row's six ticks instead. */
static void test_fader_automation(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\ntpl = 6\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 5\n00 = A-4 01 .. ...\n01 = ... .. .. M60\n02 = ... .. .. G06\n"
		"03 = ... .. .. MC0\n04 = ... .. .. ...\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	assert_true(n >= 5 * RATE);
	float *l = tu_channel(buf, (size_t)n, 0);
	double full = tu_rms(l + RATE / 2, RATE / 4);
	double half = tu_rms(l + RATE + RATE / 2, RATE / 4);
	assert_true(fabs(20 * log10(half / full) + 6.02) < 0.1);
	/* Row 3 glides from 0.5 back to 1.0 over 6 ticks of 1/6 s: a step
	 * each tick, landing on the target as the next row starts. */
	double t1 = tu_rms(l + 3 * RATE + RATE / 6 + 1000, 4000);    /* tick 1 */
	double t3 = tu_rms(l + 3 * RATE + RATE / 2 + 1000, 4000);    /* tick 3 */
	double t6 = tu_rms(l + 4 * RATE + RATE / 4, RATE / 4);       /* next row */
	print_message("# fader glide: half %.4f t1 %.4f t3 %.4f t6 %.4f of full %.4f\n", half, t1, t3, t6, full);
	assert_true(t1 > half * 1.02 && t1 < t3 && t3 < t6);
	assert_true(fabs(t3 / full - (0.5 + 0.5 * 3 / 6.0)) < 0.03);
	assert_true(fabs(t6 / full - 1.0) < 0.01);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* Rxx opens the reverb send mid-song: the reverb return is silent before
 * and carries sound after. */
static void test_send_automation(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = saw\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 3\n00 = A-3 01 .. ...\n01 = ... .. .. RC0\n02 = === .. .. ...\n[order]\n00 = 00\n");
	float *out, **stems;
	int ns;
	int64_t n = render_stems(&s, false, &out, &stems, &ns);
	assert_true(n > 3 * RATE);
	const float *rev = stems[1];
	assert_true(tu_peak(rev, 2 * RATE - 1000) == 0.0);
	assert_true(tu_rms(rev + 2 * (RATE + RATE / 2), RATE / 2) > 1e-3);
	free_stems(out, stems, ns);
	song_deinit(&s);
}

/* Jxx moves a synth's filter cutoff: J20 leaves little energy at the 10th
 * harmonic of a saw, JF0 much more. */
static void test_cutoff_automation(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = saw\nfilter = lowpass\ncutoff = 5000\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 2\n00 = A-3 01 .. J60\n01 = ... .. .. JF0\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	assert_true(n >= 2 * RATE);
	float *l = tu_channel(buf, (size_t)n, 0);
	/* J60 = 20 Hz * 1000^(0x60/255) = 270 Hz; JF0 = 20 * 1000^(240/255) = 13.3 kHz. */
	double h10 = note_to_hz(NOTE_A4 - 12) * 10;   /* 2200 Hz */
	double low = tu_goertzel(l + RATE / 4, RATE / 2, RATE, h10);
	double high = tu_goertzel(l + RATE + RATE / 4, RATE / 2, RATE, h10);
	assert_true(20 * log10(high / low) > 24.0);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* Xxx drives the parameter macro_x names: here the EQ's first band gain,
 * so a tone at that band's frequency gets louder by the set amount. */
static void test_macro_automation(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[channel 1]\nmacro_x = 1.gain1\n"
		"[channel 1 fx 1]\ntype = eq\nfreq1 = 440\ngain1 = 0\nq1 = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n01 = ... .. .. XFF\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	assert_true(n >= 2 * RATE);
	float *l = tu_channel(buf, (size_t)n, 0);
	double before = tu_rms(l + RATE / 4, RATE / 2), after = tu_rms(l + RATE + RATE / 4, RATE / 2);
	/* XFF is the top of gain1's range: +24 dB at the band's centre. */
	assert_true(fabs(20 * log10(after / before) - 24.0) < 0.5);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* Sxx opens the delay send mid-song: the delay return is silent before
 * and carries sound after. */
static void test_delay_send_automation(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = saw\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 3\n00 = A-3 01 .. ...\n01 = ... .. .. SC0\n02 = === .. .. ...\n[order]\n00 = 00\n");
	float *out, **stems;
	int ns;
	int64_t n = render_stems(&s, false, &out, &stems, &ns);
	assert_true(n > 3 * RATE);
	const float *dly = stems[2];
	assert_true(tu_peak(dly, 2 * RATE - 1000) == 0.0);
	assert_true(tu_rms(dly + 2 * (RATE + RATE / 2), RATE / 2) > 1e-3);
	free_stems(out, stems, ns);
	song_deinit(&s);
}

/* Kxx sets a synth's filter resonance: KFF rings at the cutoff, so the
 * saw's harmonic nearest it stands well above where K00 left it. */
static void test_resonance_automation(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[instrument 01]\ntype = synth\nosc1 = saw\nfilter = lowpass\ncutoff = 880\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 2\n00 = A-2 01 .. K00\n01 = ... .. .. KF0\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	assert_true(n >= 2 * RATE);
	float *l = tu_channel(buf, (size_t)n, 0);
	double h8 = note_to_hz(NOTE_A4 - 24) * 8;   /* 880 Hz, at the cutoff */
	double flat = tu_goertzel(l + RATE / 4, RATE / 2, RATE, h8);
	double ringing = tu_goertzel(l + RATE + RATE / 4, RATE / 2, RATE, h8);
	print_message("# harmonic at the cutoff: K00 %.1f dB, KF0 %.1f dB\n",
	              20 * log10(flat), 20 * log10(ringing));
	assert_true(20 * log10(ringing / flat) > 6.0);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* X, Y and Z each move the parameter their own macro names, over that
 * parameter's range as the unit's table gives it: two EQ bands on the
 * tone and a compressor's makeup, one after the other. */
static void test_three_macros(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n"
		"[channel 1]\nmacro_x = 1.gain1\nmacro_y = 1.gain2\nmacro_z = 2.makeup\n"
		"[channel 1 fx 1]\ntype = eq\nfreq1 = 440\ngain1 = 0\nq1 = 1\nfreq2 = 440\ngain2 = 0\nq2 = 1\n"
		"[channel 1 fx 2]\ntype = comp\nthreshold = 0\nratio = 1\nmakeup = 0\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\nvolume = -40\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n01 = ... .. .. X9F\n02 = ... .. .. Y9F\n"
		"03 = ... .. .. Z80\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	assert_true(n >= 4 * RATE);
	float *l = tu_channel(buf, (size_t)n, 0);
	double lv[4];
	for (int r = 0; r < 4; r++)
		lv[r] = 20 * log10(tu_rms(l + (size_t)r * RATE + RATE / 4, RATE / 2));
	const fx_param_desc_t *g1 = &fx_eq.params[fx_param_index(&fx_eq, "gain1")];
	const fx_param_desc_t *g2 = &fx_eq.params[fx_param_index(&fx_eq, "gain2")];
	const fx_param_desc_t *mk = &fx_comp.params[fx_param_index(&fx_comp, "makeup")];
	double want[3] = {
		g1->min + (g1->max - g1->min) * 0x9F / 255.0,
		g2->min + (g2->max - g2->min) * 0x9F / 255.0,
		mk->min + (mk->max - mk->min) * 0x80 / 255.0,
	};
	/* each step adds its parameter's new value over the old (0 dB) */
	for (int r = 1; r < 4; r++) {
		print_message("# row %d: %+.2f dB, expected %+.2f dB\n", r, lv[r] - lv[r - 1], want[r - 1]);
		assert_true(fabs(lv[r] - lv[r - 1] - want[r - 1]) < 0.5);
	}
	free(l);
	free(buf);
	song_deinit(&s);
}

/* Meters, read as another thread would: pre-fader at the voice's level,
 * post-fader after -6 dB and the centre pan. */
static void test_meters(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 60\nlpb = 1\nchannels = 1\n[channel 1]\nvolume = -6\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0 1 0.01\n"
		"[pattern 00]\nrows = 4\n00 = A-4 01 .. ...\n[order]\n00 = 00\n");
	engine_t *e = engine_create(&s, RATE);
	/* three seconds: the 300 ms RMS has settled to a part in 10^4 */
	float *buf = malloc(3 * RATE * 2 * sizeof(float));
	engine_render(e, buf, 3 * RATE);
	engine_meter_t pre, post, m;
	float red = -1;
	engine_channel_meter(e, 0, &pre, &post);
	engine_master_meter(e, &m, &red);
	print_message("# meters: pre %.4f/%.4f post %.4f/%.4f master %.4f/%.4f\n", pre.peak, pre.rms, post.peak, post.rms, m.peak, m.rms);
	assert_true(fabs(pre.peak - 1.0) < 0.01);
	assert_true(fabs(pre.rms - 1 / sqrt(2.0)) < 0.01);
	double g = pow(10, -6 / 20.0) * cos(M_PI / 4);
	assert_true(fabs(post.peak - g) < 0.01);
	assert_true(fabs(m.peak - g) < 0.01);
	assert_true(red == 0.0f);
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
}

/* An independent true-peak and loudness reading of a WAV, straight from
 * libebur128 (not through beatty's meter). */
static void measure_file(const char *path, double *lufs, double *tp)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	assert_non_null(sf);
	ebur128_state *st = ebur128_init(2, (unsigned long)info.samplerate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	float buf[4096 * 2];
	sf_count_t n;
	while ((n = sf_readf_float(sf, buf, 4096)) > 0)
		ebur128_add_frames_float(st, buf, (size_t)n);
	sf_close(sf);
	double a, b;
	ebur128_loudness_global(st, lufs);
	ebur128_true_peak(st, 0, &a);
	ebur128_true_peak(st, 1, &b);
	*tp = 20 * log10(fmax(a, b));
	ebur128_destroy(&st);
}

/* --lufs -14 and -20: the file lands within 0.5 LU of the target with its
 * true peak under the -1 dBTP ceiling, as an independent meter sees it;
 * -9 is out of reach within the gain cap, and reported so. */
static void test_lufs_target(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, full_song);
	char dir[] = "/tmp/beatty-mix-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/out.wav", dir);
	const double targets[] = { -14.0, -9.0, -20.0 };
	for (size_t i = 0; i < 3; i++) {
		render_opts_t o;
		render_opts_default(&o);
		o.bits = 32;
		o.lufs = targets[i];
		render_result_t res;
		assert_int_equal(render_to_wav(&s, path, &o, &res, err, sizeof(err)), 0);
		double lufs, tp;
		measure_file(path, &lufs, &tp);
		print_message("# target %.0f: %.2f LUFS, %.2f dBTP (%d passes, %+.1f dB)\n",
		              targets[i], lufs, tp, res.passes, res.gain);
		/* -9 needs more than the +30 dB cap (the master compressor and
		 * limiter take most of it): the render says so. */
		if (res.target == RENDER_TARGET_REACHED)
			assert_true(fabs(lufs - targets[i]) < 0.5);
		else
			assert_true(targets[i] == -9.0 && res.target == RENDER_TARGET_GAIN_CAP &&
			            lufs < targets[i] - 0.5);
		assert_true(tp <= -1.0);
		assert_true(fabs(res.lufs - lufs) < 0.1);   /* beatty's own meter agrees */
	}
	unlink(path);
	rmdir(dir);
	song_deinit(&s);
}

/* A delay's echoes keep the render going after the voices stop, and it
 * still ends: no cut echo, no endless silence. */
static void test_tail_follows_echoes(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 1\n"
		"[channel 1 fx 1]\ntype = delay\ntime = 300\nfeedback = 50\nmix = 50\nhighcut = 20000\n"
		"[instrument 01]\ntype = synth\nosc1 = sine\namp = 0 0.05 0 0.01\n"
		"[pattern 00]\nrows = 2\n00 = A-4 01 .. ...\n[order]\n00 = 00\n");
	float *buf;
	int64_t n = tu_render(&s, RATE, &buf);
	/* Echo k is 6 dB down per repeat, so several seconds of them stand
	 * above -90 dBFS (the level under which a tail counts as over).  The
	 * render must hold every one and stop one echo gap (300 ms) after
	 * the last, give or take a block. */
	assert_true(n > RATE * 3);
	assert_true(n < RATE * 12);
	float *l = tu_channel(buf, (size_t)n, 0);
	assert_true(tu_peak(l + (int64_t)(RATE * 3.0), RATE / 2) > 1e-4);
	int64_t last = n - 1;
	while (last > 0 && fabsf(l[last]) < 3.16e-5f)
		last--;
	print_message("# last echo above -90 dBFS ends at %.3f s; render ends at %.3f s\n",
	              (double)last / RATE, (double)n / RATE);
	assert_true(n - last >= RATE * 3 / 10);
	assert_true(n - last <= RATE * 3 / 10 + 2 * ENGINE_BLOCK);
	free(l);
	free(buf);
	song_deinit(&s);
}

/* One engine: the output does not depend on how the caller asks for it.
 * The full chain (FX, sends, buses, master limiter) rendered a frame at
 * a time, in odd chunks and in large ones gives the same bits. */
static void test_block_split_invariance(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, full_song);
	const size_t chunks[] = { 4096, 1, 37, 256, 1000 };
	float *ref = NULL;
	size_t nref = 0;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		engine_t *e = engine_create(&s, RATE);
		assert_non_null(e);
		size_t cap = (size_t)RATE * 40, n = 0;
		float *buf = malloc(cap * 2 * sizeof(float));
		assert_non_null(buf);
		for (;;) {
			size_t want = chunks[c] < cap - n ? chunks[c] : cap - n;
			size_t got = engine_render(e, buf + 2 * n, want);
			n += got;
			if (got < want || n == cap)
				break;
		}
		engine_destroy(e);
		if (!ref) {
			ref = buf;
			nref = n;
			continue;
		}
		size_t diff = 0;
		for (size_t i = 0; i < 2 * n && i < 2 * nref; i++)
			diff += buf[i] != ref[i];
		print_message("# chunks of %zu: %zu frames, %zu samples differ\n", chunks[c], n, diff);
		assert_int_equal(n, nref);
		assert_int_equal(diff, 0);
		free(buf);
	}
	free(ref);
	song_deinit(&s);
}


static int64_t render_meters(const song_t *s, bool meters, float **out)
{
	engine_t *e = engine_create(s, RATE);
	assert_non_null(e);
	engine_set_master(e, false);
	engine_set_meters(e, meters);
	size_t cap = RATE * 20;
	float *o = malloc(cap * 2 * sizeof(float));
	assert_non_null(o);
	size_t len = 0, n;
	while ((n = engine_render(e, o + 2 * len, 1000)) > 0) {
		len += n;
		assert_true(len + 1000 <= cap);
		if (n < 1000)
			break;
	}
	engine_destroy(e);
	*out = o;
	return (int64_t)len;
}

/* With nothing reading a channel after its fader (no sends, stems or
 * meters), a still fader is applied as the channel is added to the mix;
 * while it glides, or when something reads it, it is applied in place
 * first.  The output is the same bits either way: rendered with meters
 * (never folded), without, and with stems. */
static void test_fader_folded_same_bits(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s,
		"[song]\nformat = 1\nbpm = 140\nlpb = 4\ntpl = 6\nchannels = 3\n"
		"[channel 1]\nvolume = -4.5\npan = -40\n[channel 2]\npan = 70\n[channel 3]\nvolume = 2\n"
		"[instrument 01]\ntype = synth\nosc1 = saw\namp = 0.001 0.1 0.7 0.05\n"
		"[pattern 00]\nrows = 16\n00 = A-3 01 .. ... | C-4 01 .. ... | E-5 01 .. ...\n"
		"03 = ... .. .. M60 | ... .. .. ... | ... .. .. ...\n"
		"06 = ... .. .. G04 | ... .. .. M30 | ... .. .. ...\n"
		"07 = ... .. .. MC0 | ... .. .. ... | ... .. .. M00\n"
		"0C = === .. .. ... | === .. .. ... | ... .. .. MA0\n[order]\n00 = 00\n");
	float *a, *b, *c, **stems;
	int ns;
	int64_t na = render_meters(&s, false, &a), nb = render_meters(&s, true, &b);
	int64_t nc = render_stems(&s, false, &c, &stems, &ns);
	assert_true(na > RATE);
	assert_int_equal(na, nb);
	assert_int_equal(na, nc);
	assert_true(tu_peak(a, (size_t)na * 2) > 0.1);
	assert_memory_equal(a, b, (size_t)na * 2 * sizeof(float));
	assert_memory_equal(a, c, (size_t)na * 2 * sizeof(float));
	free(a);
	free(b);
	free_stems(c, stems, ns);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stems_null),
		cmocka_unit_test(test_sidechain_pumping),
		cmocka_unit_test(test_fader_automation),
		cmocka_unit_test(test_send_automation),
		cmocka_unit_test(test_cutoff_automation),
		cmocka_unit_test(test_macro_automation),
		cmocka_unit_test(test_delay_send_automation),
		cmocka_unit_test(test_resonance_automation),
		cmocka_unit_test(test_three_macros),
		cmocka_unit_test(test_meters),
		cmocka_unit_test(test_lufs_target),
		cmocka_unit_test(test_tail_follows_echoes),
		cmocka_unit_test(test_block_split_invariance),
		cmocka_unit_test(test_fader_folded_same_bits),
	};
	return TU_RUN(tests);
}
