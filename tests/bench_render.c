/*
 * bench_render: how fast the engine renders (no file I/O).  Figures to
 * watch, never a pass/fail test.
 *
 * For each song named: the whole song with its tails, best of 5 runs, as
 * times faster than real time and as microseconds of CPU per second of
 * audio per channel (the cost of one channel with its chain, whatever the
 * song's length or width).
 *
 * Then "no denormal slowdowns": a short note on one channel with a full
 * chain, sends to both buses and the master chain on, played live into a
 * long reverb with the transport stopped, so nothing ends the render while
 * the tail decays through -200 dBFS into the denormal range and on to
 * silence.  Each second is timed on its own (best of 5 runs, second by
 * second); the figure is the slowest tail second once the level is below
 * -200 dBFS, against the first second.  About 1 (or under: the first
 * second also runs the voice) means the fading tail costs no more than
 * sound does; denormals would show as a ratio of 10 or more.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "engine.h"
#include "note.h"
#include "sampler.h"
#include "synth.h"
#include "songfile.h"

#define RUNS        5
#define CHUNK       4096
#define TAIL_SECS   60
#define TAIL_DB     (-200.0)

static double now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static void print_error(const songfile_error_t *err)
{
	char buf[600];
	songfile_error_format(err, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

/* The whole song, RUNS times: the best wall and CPU times. */
static int bench_song(const char *path, int rate)
{
	song_t s;
	songfile_error_t err;
	if (songfile_load(&s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		print_error(&err);
		return -1;
	}
	engine_t *e = engine_create(&s, rate);
	float *buf = malloc(CHUNK * 2 * sizeof(float));
	if (!e || !buf) {
		fprintf(stderr, "bench_render: out of memory\n");
		free(buf);
		engine_destroy(e);
		song_deinit(&s);
		return -1;
	}
	double wall = 1e30, cpu = 1e30;
	long long frames = 0;
	for (int run = 0; run < RUNS; run++) {
		engine_start(e, 0, 0);
		frames = 0;
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		size_t n;
		while ((n = engine_render(e, buf, CHUNK)) > 0) {
			frames += (long long)n;
			if (n < CHUNK)
				break;
		}
		double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0, w = now(CLOCK_MONOTONIC) - w0;
		if (w < wall)
			wall = w;
		if (c < cpu)
			cpu = c;
	}
	double audio = (double)frames / rate;
	double song_s = (double)engine_song_frames(&s, rate) / rate;
	printf("%s: %d channels, %.1f s (song %.1f s + tails) at %d Hz: %.1fx real time, "
	       "%.1f µs CPU per second of audio per channel (best of %d)\n",
	       base_name(path), s.channels, audio, song_s, rate, audio / wall,
	       cpu * 1e6 / audio / s.channels, RUNS);
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
	return 0;
}

/* One channel with the full chain and an in-chain reverb, sent to both
 * buses, into the master chain: every unit that recirculates or smooths
 * has a decaying state. */
static const char tail_song[] =
	"[song]\nformat = 1\nbpm = 120\nchannels = 1\n"
	"[channel 1]\nsend_reverb = 0\nsend_delay = -6\n"
	"[channel 1 fx 1]\ntype = eq\nhp = 80\nlp = 12000\nlow_gain = 3\nhigh_gain = -2\ngain1 = 4\ngain2 = -3\n"
	"[channel 1 fx 2]\ntype = comp\nthreshold = -30\nratio = 4\n"
	"[channel 1 fx 3]\ntype = drive\ndrive = 12\nmix = 50\n"
	"[channel 1 fx 4]\ntype = delay\nsync = 1/8.\nfeedback = 60\npingpong = on\nmix = 40\n"
	"[channel 1 fx 5]\ntype = reverb\ndecay = 3\nmix = 40\n"
	"[bus reverb]\ndecay = 3\nsize = 80\n"
	"[bus delay]\nfeedback = 60\nsync = 1/4\n"
	"[master]\neq = on\ncomp = on\nlimiter = on\n"
	"[master eq]\nhp = 20\nlow_gain = 2\nhigh_gain = 1\n"
	"[instrument 01]\ntype = synth\nfilter = lowpass\ncutoff = 3000\namp = 0.001 0.08 0 0.05\n"
	"[pattern 00]\nrows = 1\n"
	"[order]\n00 = 00\n";

static int bench_tail(int rate)
{
	song_t s;
	songfile_error_t err;
	if (songfile_parse(&s, tail_song, "tail", ".", 0, &err, NULL, NULL) != 0) {
		print_error(&err);
		return -1;
	}
	engine_t *e = engine_create(&s, rate);
	float *buf = malloc((size_t)rate * 2 * sizeof(float));
	double best[TAIL_SECS], peak[TAIL_SECS];
	if (!e || !buf) {
		fprintf(stderr, "bench_render: out of memory\n");
		free(buf);
		engine_destroy(e);
		song_deinit(&s);
		return -1;
	}
	for (int i = 0; i < TAIL_SECS; i++)
		best[i] = 1e30;
	int note_frames = rate / 20;   /* 50 ms */
	for (int run = 0; run < RUNS; run++) {
		engine_start(e, 0, 0);
		engine_stop(e);        /* no sequence to end: the tail rings on */
		for (int sec = 0; sec < TAIL_SECS; sec++) {
			double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
			if (sec == 0) {
				engine_live_note(e, 0, 1, NOTE_A4, 64);
				engine_render(e, buf, (size_t)note_frames);
				engine_live_note(e, 0, 1, NOTE_OFF, 0);
				engine_render(e, buf + 2 * note_frames, (size_t)(rate - note_frames));
			} else {
				engine_render(e, buf, (size_t)rate);
			}
			double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
			if (c < best[sec])
				best[sec] = c;
			float p = 0.0f;
			for (int j = 0; j < 2 * rate; j++)
				p = fmaxf(p, fabsf(buf[j]));
			peak[sec] = p;   /* the same every run: the engine is deterministic */
		}
	}
	int quiet_from = -1, silent_from = -1, nquiet = 0;
	double slowest = 0.0, sum = 0.0;
	for (int sec = 1; sec < TAIL_SECS; sec++) {
		if (peak[sec] > 0.0 && 20.0 * log10(peak[sec]) >= TAIL_DB)
			continue;
		if (quiet_from < 0)
			quiet_from = sec;
		if (silent_from < 0 && peak[sec] == 0.0)
			silent_from = sec;
		nquiet++;
		sum += best[sec];
		if (best[sec] > slowest)
			slowest = best[sec];
	}
	printf("No denormal slowdowns: a short note into a 3 s reverb (full chain, both buses, master on), "
	       "%d s at %d Hz, best of %d:\n", TAIL_SECS, rate, RUNS);
	if (nquiet == 0) {
		printf("  the tail never fell below %.0f dBFS: no figure\n", TAIL_DB);
	} else {
		printf("  first second %.2f ms CPU (peak %.1f dBFS); %d tail seconds below %.0f dBFS "
		       "(from %d s, ",
		       best[0] * 1e3, 20.0 * log10(peak[0]), nquiet, TAIL_DB, quiet_from);
		if (silent_from >= 0)
			printf("digital silence from %d s", silent_from);
		else
			printf("never digital silence: %.0f dBFS at the end", 20.0 * log10(peak[TAIL_SECS - 1]));
		printf("): mean %.2f ms, slowest %.2f ms\n", sum / nquiet * 1e3, slowest * 1e3);
		printf("  slowest tail second / first second: %.2f\n", slowest / best[0]);
	}
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
	return 0;
}

/* One voice on its own, as the engine drives it (ENGINE_BLOCK frames a
 * call): ns of CPU per output frame, best of RUNS.  The sampler voice
 * loops a mono 44.1 kHz sample played a sixth up (a fractional step
 * every frame); the synth voice mixes a saw and a detuned square into a
 * resonant low-pass with its envelope. */
#define VOICE_SECS 4
static double voice_ns(void (*start)(void *, void *, float), bool (*run)(void *, void *, float *, float *, int),
                       void *v, void *p, int rate)
{
	float l[ENGINE_BLOCK], r[ENGINE_BLOCK];
	long long frames = (long long)VOICE_SECS * rate;
	double best = 1e30;
	for (int k = 0; k < RUNS; k++) {
		start(v, p, (float)rate);
		double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		for (long long f = 0; f < frames; f += ENGINE_BLOCK)
			run(v, p, l, r, ENGINE_BLOCK);
		double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (c < best)
			best = c;
	}
	return best * 1e9 / (double)frames;
}

static void smp_start(void *v, void *p, float rate)
{
	memset(v, 0, sizeof(sampler_voice_t));
	sampler_voice_start(v, p, rate, 0);
	((sampler_voice_t *)v)->interp = ((sampler_params_t *)p)->interp;
}

static bool smp_run(void *v, void *p, float *l, float *r, int n)
{
	return sampler_voice_render(v, p, note_to_hz(NOTE_A4), l, r, n);
}

static void syn_start(void *v, void *p, float rate)
{
	memset(v, 0, sizeof(synth_voice_t));
	synth_voice_start(v, p, rate, 1);
}

static bool syn_run(void *v, void *p, float *l, float *r, int n)
{
	(void)r;
	return synth_voice_render(v, p, note_to_hz(NOTE_A4 - 12), l, n);
}

static int bench_voices(int rate)
{
	sampler_params_t sp;
	sampler_params_default(&sp);
	sp.sample = (sample_t){ .channels = 1, .frames = 44100, .rate = 44100 };
	sp.sample.data = malloc((size_t)sp.sample.frames * sizeof(float));
	if (!sp.sample.data) {
		fprintf(stderr, "bench_render: out of memory\n");
		return -1;
	}
	for (int64_t i = 0; i < sp.sample.frames; i++)
		sp.sample.data[i] = 0.5f * sinf(6.2831853f * 441.0f * (float)i / 44100.0f);
	sp.loop = LOOP_FORWARD;
	sp.loop_start = 0;
	sp.loop_end = sp.sample.frames;
	sampler_voice_t smp;
	double ns_smp = voice_ns(smp_start, smp_run, &smp, &sp, rate);
	sp.interp = INTERP_SINC;
	double ns_sinc = voice_ns(smp_start, smp_run, &smp, &sp, rate);

	synth_params_t yp;
	synth_params_default(&yp);
	yp.osc2_wave = WAVE_SQUARE;
	yp.osc2_detune = 7.0f;
	yp.osc_mix = 0.5f;
	yp.filter = FILTER_LP;
	yp.cutoff = 2000.0f;
	yp.resonance = 0.3f;
	yp.filter_env = 2.0f;
	yp.amp.sustain = 1.0f;
	synth_voice_t syn;
	double ns_syn = voice_ns(syn_start, syn_run, &syn, &yp, rate);
	printf("One voice at %d Hz, %d-frame calls, best of %d: looped sampler %.1f ns per frame "
	       "(cubic; %.1f with the sinc of renders), synth (saw + square, low-pass) %.1f ns per frame\n",
	       rate, ENGINE_BLOCK, RUNS, ns_smp, ns_sinc, ns_syn);
	free(sp.sample.data);
	return 0;
}

int main(int argc, char **argv)
{
	int rate = 48000, nsongs = 0, status = 0;
	bool tail = true;
	const char *songs[64];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = atoi(argv[++i]);
		else if (strcmp(argv[i], "--no-tail") == 0)
			tail = false;
		else if (argv[i][0] == '-' || nsongs == 64)
			goto usage;
		else if (strspn(argv[i], "0123456789") == strlen(argv[i]))
			rate = atoi(argv[i]);   /* the old form: bench_render SONG RATE */
		else
			songs[nsongs++] = argv[i];
	}
	if (rate < 8000 || rate > 384000)
		goto usage;
	for (int i = 0; i < nsongs; i++)
		if (bench_song(songs[i], rate) != 0)
			status = 1;
	if (bench_voices(rate) != 0)
		status = 1;
	if (tail && bench_tail(rate) != 0)
		status = 1;
	return status;
usage:
	fprintf(stderr, "usage: bench_render [--rate HZ] [--no-tail] [SONG...]\n");
	return 2;
}
