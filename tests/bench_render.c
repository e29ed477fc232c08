/*
 * bench_render: how fast the engine renders (no file I/O).  Figures to
 * watch, never a pass/fail test.  Every time is CPU time (all threads of
 * the process), the best of several runs: a loaded machine slows the wall
 * clock down, not the work.
 *
 * For each song named: the whole song with its tails, as times faster
 * than real time and as microseconds of CPU per second of audio per
 * channel (the cost of one channel with its chain, whatever the song's
 * length or width).
 *
 * Then one voice alone, through the voices' public interface, in
 * nanoseconds per frame: a looped sampler voice (cubic interpolation,
 * playing a 4096-frame mono loop a sixth up, as a note above the root
 * does) and a synth voice (a saw through the resonant low-pass).
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
 *
 * Last, "with worker threads": the last song named rendered with 1 and 2
 * workers (and one per core), wall and CPU time; --no-threads skips it.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dsp.h"
#include "engine.h"
#include "note.h"
#include "sampler.h"
#include "songfile.h"
#include "synth.h"
#include "workpool.h"

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
	if (e)
		engine_set_meters(e, false);   /* as a render: nobody watches */
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
	printf("%s: %d channels, %.1f s (song %.1f s + tails) at %d Hz: %.1fx real time (CPU; "
	       "%.1fx by the wall clock), %.1f µs CPU per second of audio per channel (best of %d)\n",
	       base_name(path), s.channels, audio, song_s, rate, audio / cpu, audio / wall,
	       cpu * 1e6 / audio / s.channels, RUNS);
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
	return 0;
}

#define VOICE_SECS  10
#define VOICE_BLOCK 256

/* One looped sampler voice: nanoseconds of CPU per frame. */
static double bench_sampler_voice(int rate)
{
	enum { LOOP = 4096 };
	sampler_params_t p;
	sampler_params_default(&p);
	float *data = malloc(LOOP * sizeof(float));
	if (!data)
		return -1;
	uint32_t seed = 1;
	for (int i = 0; i < LOOP; i++) {   /* a few partials and a little noise */
		double t = (double)i / LOOP;
		seed = seed * 1664525u + 1013904223u;
		data[i] = (float)(0.5 * sin(2 * M_PI * 8 * t) + 0.2 * sin(2 * M_PI * 29 * t) +
		                  0.05 * ((double)(seed >> 8) / (1 << 24) - 0.5));
	}
	p.sample = (sample_t){ .data = data, .channels = 1, .frames = LOOP, .rate = rate };
	p.loop = LOOP_FORWARD;
	p.loop_start = 0;
	p.loop_end = LOOP;
	p.amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.05f };
	double freq = note_to_hz(p.root + 9);    /* A above the root */
	float l[VOICE_BLOCK], r[VOICE_BLOCK];
	double best = 1e30, sink = 0;
	long frames = (long)VOICE_SECS * rate / VOICE_BLOCK * VOICE_BLOCK;
	for (int run = 0; run < RUNS; run++) {
		sampler_voice_t v;
		memset(&v, 0, sizeof(v));
		sampler_voice_start(&v, &p, (float)rate, 0);
		double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		for (long i = 0; i < frames; i += VOICE_BLOCK) {
			sampler_voice_render(&v, &p, freq, l, r, VOICE_BLOCK);
			sink += l[0];
		}
		double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (c < best)
			best = c;
	}
	free(data);
	if (!isfinite(sink))
		return -1;
	return best * 1e9 / (double)frames;
}

/* One synth voice, a saw through the resonant low-pass: ns per frame. */
static double bench_synth_voice(int rate)
{
	synth_params_t p;
	synth_params_default(&p);
	p.filter = FILTER_LP;
	p.cutoff = 2000.0f;
	p.resonance = 0.3f;
	p.amp = (adsr_params_t){ 0.002f, 0.3f, 0.8f, 0.2f };
	double freq = note_to_hz(NOTE_A4 - 12);
	float out[VOICE_BLOCK];
	double best = 1e30, sink = 0;
	long frames = (long)VOICE_SECS * rate / VOICE_BLOCK * VOICE_BLOCK;
	for (int run = 0; run < RUNS; run++) {
		synth_voice_t v;
		memset(&v, 0, sizeof(v));
		synth_voice_start(&v, &p, (float)rate, 12345u);
		double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		for (long i = 0; i < frames; i += VOICE_BLOCK) {
			synth_voice_render(&v, &p, freq, out, VOICE_BLOCK);
			sink += out[0];
		}
		double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (c < best)
			best = c;
	}
	if (!isfinite(sink))
		return -1;
	return best * 1e9 / (double)frames;
}

static void bench_voices(int rate)
{
	double ns = bench_sampler_voice(rate);
	printf("one looped sampler voice (cubic, a 4096-frame loop a sixth up): %.1f ns per frame, "
	       "%.0fx real time (best of %d, %d s at %d Hz)\n",
	       ns, 1e9 / (ns * rate), RUNS, VOICE_SECS, rate);
	ns = bench_synth_voice(rate);
	printf("one synth voice (saw through the resonant low-pass at 2 kHz): %.1f ns per frame, "
	       "%.0fx real time (best of %d, %d s at %d Hz)\n",
	       ns, 1e9 / (ns * rate), RUNS, VOICE_SECS, rate);
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

/* Thread scaling: the song rendered with a pool of 1 worker, then of 2
 * (and of every core, when there are more), best of 3 runs each, as wall
 * time and CPU time.  The wall ratio is the figure; on a loaded machine it
 * reads low, and the CPU time shows what the workers spent (spinning
 * included). */
static int bench_threads(const char *path, int rate)
{
	song_t s;
	songfile_error_t err;
	if (songfile_load(&s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		print_error(&err);
		return -1;
	}
	float *buf = malloc(CHUNK * 2 * sizeof(float));
	int counts[3] = { 1, 2, workpool_cores() }, ncounts = counts[2] > 2 ? 3 : 2;
	double wall[3], cpu[3];
	int rc = buf ? 0 : -1;
	for (int t = 0; t < ncounts && rc == 0; t++) {
		engine_t *e = engine_create(&s, rate);
		workpool_t *p = workpool_create(counts[t], 0, NULL, 0);
		if (!e || !p || engine_set_pool(e, p) != 0) {
			rc = -1;
		} else {
			engine_set_meters(e, false);
			wall[t] = cpu[t] = 1e30;
			for (int run = 0; run < 3; run++) {
				engine_start(e, 0, 0);
				double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
				while (engine_render(e, buf, CHUNK) == CHUNK)
					;
				double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0, w = now(CLOCK_MONOTONIC) - w0;
				wall[t] = w < wall[t] ? w : wall[t];
				cpu[t] = c < cpu[t] ? c : cpu[t];
			}
		}
		engine_destroy(e);
		workpool_destroy(p);
	}
	if (rc == 0) {
		printf("%s with worker threads (best of 3):", base_name(path));
		for (int t = 0; t < ncounts; t++)
			printf(" %d: %.2f s wall, %.2f s CPU;", counts[t], wall[t], cpu[t]);
		printf(" 2 workers %.2fx faster than 1\n", wall[0] / wall[1]);
	} else {
		fprintf(stderr, "bench_render: out of memory\n");
	}
	free(buf);
	song_deinit(&s);
	return rc;
}

/* One voice on its own, as the engine drives it (ENGINE_BLOCK frames a
 * call): ns of CPU per output frame, best of RUNS.  The sampler voice
 * loops a mono 44.1 kHz sample played a sixth up (a fractional step
 * every frame); the synth voice mixes a saw and a detuned square into a
 * resonant low-pass with its envelope. */
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

/* The sampler voice with each interpolator: cubic (live) and the sinc of
 * renders, and a synth voice with two oscillators. */
static int bench_voice_interp(int rate)
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
	bool tail = true, voices = true, threads = true;
	const char *songs[64];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = atoi(argv[++i]);
		else if (strcmp(argv[i], "--no-tail") == 0)
			tail = false;
		else if (strcmp(argv[i], "--no-voices") == 0)
			voices = false;
		else if (strcmp(argv[i], "--no-threads") == 0)
			threads = false;
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
	if (voices) {
		bench_voices(rate);
		if (bench_voice_interp(rate) != 0)
			status = 1;
	}
	if (tail && bench_tail(rate) != 0)
		status = 1;
	if (threads && nsongs > 0 && bench_threads(songs[nsongs - 1], rate) != 0)
		status = 1;
	return status;
usage:
	fprintf(stderr, "usage: bench_render [--rate HZ] [--no-tail] [--no-voices] [--no-threads] [SONG...]\n");
	return 2;
}
