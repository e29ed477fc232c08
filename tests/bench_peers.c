/*
 * bench_peers: beatty beside other module players, on the same music.
 * A figure to watch, never a pass/fail test.
 *
 * It writes one song twice, in a temporary folder: a ProTracker module
 * (16CH) and the same song in beatty's format.  Each of the N channels
 * starts one note on the first row with a looped 8-bit sample and holds
 * it to the end: N looped voices at N pitches, no effect commands, no
 * effect units, 8 patterns of 64 lines at 125 BPM (61.44 s).  beatty plays
 * the very same sample values (written to a WAV beside the song) with the
 * notes a whole number of semitones apart, as the module's period table
 * has them to within a few cents.
 *
 * Then it times, as CPU time of the process (children included, for the
 * other players), the best of RUNS runs: beatty's engine with the master
 * chain off and on, and each of `xmp` (cubic spline interpolation) and
 * `openmpt123` (its 4-tap cubic filter) that is installed, each rendering
 * to a WAV file at 48 kHz.  Its own speed and each player's are printed
 * as times faster than real time, and beatty's as a ratio to each.
 * beatty's figure includes no file writing; the players' include writing
 * the file they are asked for, which costs them little at these speeds.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "dsp.h"
#include "engine.h"
#include "sample.h"
#include "songfile.h"

#define RUNS      3
#define RATE      48000
#define VOICES    16
#define ORDERS    8
#define ROWS      64
#define SMP_LEN   512     /* bytes, 8-bit: the whole sample loops */
#define SMP_RATE  8287    /* what the module's C-2 (period 428) plays it at */
#define CHUNK     4096

/* ProTracker periods from C-2 up, a semitone apart. */
static const int periods[VOICES] = {
	428, 404, 381, 360, 340, 321, 303, 286, 270, 254, 240, 226, 214, 202, 190, 180,
};

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The sample both songs play: one cycle of a few partials, repeated. */
static void make_sample(int8_t *smp)
{
	for (int i = 0; i < SMP_LEN; i++) {
		double t = 2 * M_PI * (double)(i % 64) / 64.0;
		smp[i] = (int8_t)lrint(80.0 * sin(t) + 25.0 * sin(3 * t) + 10.0 * sin(5 * t));
	}
}

static void put16(FILE *f, int v)
{
	fputc((v >> 8) & 0xff, f);
	fputc(v & 0xff, f);
}

static int write_mod(const char *path, const int8_t *smp)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	char title[20] = "beatty side by side";
	fwrite(title, 1, 20, f);
	for (int k = 0; k < 31; k++) {
		char name[22] = { 0 };
		if (k == 0)
			memcpy(name, "loop", 4);
		fwrite(name, 1, 22, f);
		put16(f, k == 0 ? SMP_LEN / 2 : 0);   /* length in words */
		fputc(0, f);                          /* finetune */
		fputc(k == 0 ? 64 : 0, f);            /* volume */
		put16(f, 0);                          /* loop start, words */
		put16(f, k == 0 ? SMP_LEN / 2 : 1);   /* loop length, words */
	}
	fputc(ORDERS, f);
	fputc(127, f);
	unsigned char order[128] = { 0 };
	for (int i = 1; i < ORDERS; i++)
		order[i] = 1;
	fwrite(order, 1, 128, f);
	char sig[5];
	snprintf(sig, sizeof(sig), "%02dCH", VOICES);
	fwrite(sig, 1, 4, f);
	for (int pat = 0; pat < 2; pat++)
		for (int row = 0; row < ROWS; row++)
			for (int ch = 0; ch < VOICES; ch++) {
				unsigned char cell[4] = { 0 };
				if (pat == 0 && row == 0) {
					/* instrument 1, the period, no effect */
					cell[0] = (unsigned char)((periods[ch] >> 8) & 0x0f);
					cell[1] = (unsigned char)(periods[ch] & 0xff);
					cell[2] = 0x10;
				}
				fwrite(cell, 1, 4, f);
			}
	fwrite(smp, 1, SMP_LEN, f);
	bool bad = ferror(f);
	return fclose(f) == 0 && !bad ? 0 : -1;
}

static int write_bty(const char *path, bool master)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "[song]\nformat = 1\ntitle = side by side\nbpm = 125\nlpb = 4\ntpl = 6\nchannels = %d\n\n",
	        VOICES);
	fprintf(f, "[master]\neq = %s\ncomp = %s\nlimiter = %s\n\n", master ? "on" : "off",
	        master ? "on" : "off", master ? "on" : "off");
	fprintf(f, "[instrument 01]\nname = loop\ntype = sampler\nvolume = -12\nfile = loop.wav\n"
	        "root = C-4\nloop = forward\nloop_start = 0\nloop_end = %d\namp = 0 0 1 0.05\n\n",
	        SMP_LEN);
	static const char *const names[12] = { "C-", "C#", "D-", "D#", "E-", "F-", "F#", "G-",
	                                       "G#", "A-", "A#", "B-" };
	for (int group = 0; group < VOICES; group += 8) {
		if (group == 0)
			fprintf(f, "[pattern 00]\nrows = %d\n00 =", ROWS);
		else
			fprintf(f, "[pattern 00 %d-%d]\n00 =", group + 1, group + 8 < VOICES ? group + 8 : VOICES);
		for (int ch = group; ch < group + 8 && ch < VOICES; ch++)
			fprintf(f, "%s %s%d 01 40 ...", ch > group ? " |" : "", names[ch % 12], 4 + ch / 12);
		fprintf(f, "\n");
	}
	fprintf(f, "\n[pattern 01]\nrows = %d\n\n[order]\n", ROWS);
	for (int i = 0; i < ORDERS; i++)
		fprintf(f, "%02X = %02X\n", i, i ? 1 : 0);
	return fclose(f) == 0 ? 0 : -1;
}

/* beatty's engine on the song: CPU seconds, best of RUNS; *secs gets the
 * length of audio rendered. */
static double time_beatty(const char *path, bool master, double *secs)
{
	song_t s;
	songfile_error_t err;
	if (songfile_load(&s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return -1;
	}
	engine_t *e = engine_create(&s, RATE);
	float *buf = malloc(CHUNK * 2 * sizeof(float));
	double best = -1;
	if (e && buf) {
		engine_set_master(e, master);
		engine_set_meters(e, false);   /* as a render: nobody watches */
		for (int run = 0; run < RUNS; run++) {
			engine_start(e, 0, 0);
			long long frames = 0;
			double c0 = cpu_now();
			size_t n;
			while ((n = engine_render(e, buf, CHUNK)) > 0) {
				frames += (long long)n;
				if (n < CHUNK)
					break;
			}
			double c = cpu_now() - c0;
			if (best < 0 || c < best)
				best = c;
			*secs = (double)frames / RATE;
		}
	}
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
	return best;
}

static double tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char dir[4096];
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n > 0 && n < sizeof(dir) - strlen(prog) - 2) {
			snprintf(dir, sizeof(dir), "%.*s/%s", (int)n, path, prog);
			if (access(dir, X_OK) == 0)
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Runs argv to completion with its output silenced: its CPU seconds (user
 * and system), or -1 if it failed. */
static double run_child(const char *const argv[])
{
	fflush(stdout);    /* or the child's freopen writes our buffer out again */
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *null = freopen("/dev/null", "w", stdout);
		(void)null;
		null = freopen("/dev/null", "w", stderr);
		(void)null;
		execvp(argv[0], (char *const *)argv);   /* execvp promises not to write */
		_exit(127);
	}
	struct rusage before, after;
	getrusage(RUSAGE_CHILDREN, &before);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	getrusage(RUSAGE_CHILDREN, &after);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return tv_secs(after.ru_utime) - tv_secs(before.ru_utime) +
	       tv_secs(after.ru_stime) - tv_secs(before.ru_stime);
}

static double best_child(const char *const argv[])
{
	double best = -1;
	for (int run = 0; run < RUNS; run++) {
		double c = run_child(argv);
		if (c < 0)
			return -1;
		if (best < 0 || c < best)
			best = c;
	}
	return best;
}

/* The length of a 16-bit or float WAV that a player wrote, in seconds,
 * read through libsndfile's reader in sample.c. */
static double wav_secs(const char *path)
{
	sample_t smp;
	char err[300];
	if (sample_load(&smp, path, err, sizeof(err)) != 0)
		return -1;
	double secs = (double)smp.frames / smp.rate;
	sample_free(&smp);
	return secs;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/beatty-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_peers: mkdtemp");
		return 1;
	}
	char mod[300], bty[300], bty_m[300], wav[300], out[300], xout[300];
	snprintf(mod, sizeof(mod), "%s/lanes.mod", dir);
	snprintf(bty, sizeof(bty), "%s/lanes.bty", dir);
	snprintf(bty_m, sizeof(bty_m), "%s/lanes-master.bty", dir);
	snprintf(wav, sizeof(wav), "%s/loop.wav", dir);
	snprintf(out, sizeof(out), "%s/lanes.mod.wav", dir);
	snprintf(xout, sizeof(xout), "%s/xmp.wav", dir);
	int8_t smp[SMP_LEN];
	float fsmp[SMP_LEN];
	make_sample(smp);
	for (int i = 0; i < SMP_LEN; i++)
		fsmp[i] = (float)smp[i] / 128.0f;
	char err[300];
	int status = 0;
	if (write_mod(mod, smp) != 0 || write_bty(bty, false) != 0 || write_bty(bty_m, true) != 0 ||
	    sample_write_wav(wav, fsmp, 1, SMP_LEN, SMP_RATE, 16, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_peers: cannot write the songs in %s\n", dir);
		status = 1;
		goto out;
	}

	double secs = 0, secs_m = 0;
	double off = time_beatty(bty, false, &secs), on = time_beatty(bty_m, true, &secs_m);
	if (off <= 0 || on <= 0) {
		status = 1;
		goto out;
	}
	double x_off = secs / off, x_on = secs_m / on;
	printf("side by side: %d looped voices, no effects, %.1f s at %d Hz, best of %d (CPU time):\n",
	       VOICES, (double)ORDERS * ROWS * 0.12, RATE, RUNS);
	printf("  beatty %.0fx real time with the master chain off (%.1f ns per voice-frame), "
	       "%.0fx with it on\n", x_off, off * 1e9 / (secs * RATE * VOICES), x_on);

	struct { const char *name; const char *argv[16]; const char *wav; } peers[] = {
		{ "xmp (cubic spline)", { "xmp", "-q", "--nocmd", "-d", "wav", "-f", "48000", "-i", "spline",
		                          "-o", xout, mod, NULL }, xout },
		{ "openmpt123 (4-tap cubic)", { "openmpt123", "-q", "--render", "--force", "--samplerate", "48000",
		                                "--filter", "4", mod, NULL }, out },
	};
	for (size_t k = 0; k < sizeof(peers) / sizeof(peers[0]); k++) {
		if (!on_path(peers[k].argv[0])) {
			printf("  %s: not installed, no figure\n", peers[k].name);
			continue;
		}
		double c = best_child(peers[k].argv);
		double s = c > 0 ? wav_secs(peers[k].wav) : -1;
		if (c <= 0 || s <= 0) {
			printf("  %s: failed to render the module, no figure\n", peers[k].name);
			continue;
		}
		double x = s / c;
		printf("  %s %.0fx real time (%.1f s rendered, %.1f ns per voice-frame): "
		       "beatty %.2fx its speed with the master off, %.2fx with it on\n",
		       peers[k].name, x, s, c * 1e9 / (s * RATE * VOICES), x_off / x, x_on / x);
	}
out:
	unlink(mod);
	unlink(bty);
	unlink(bty_m);
	unlink(wav);
	unlink(out);
	unlink(xout);
	rmdir(dir);
	return status;
}
