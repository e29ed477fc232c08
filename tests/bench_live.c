/*
 * bench_live: what one period costs the audio callback.  Drives
 * bridge_fill() the way the ALSA thread does, one period at a time, for
 * the whole song, without a device, and prints the median, 99th
 * percentile and worst time per period as a fraction of the period's
 * duration (100% = the deadline), at 64-, 128- and 256-frame periods,
 * for each song named.  The time is the calling thread's CPU time, not
 * the wall clock, which a loaded machine inflates with time the thread
 * spent waiting for a core.  A figure to watch, never a pass/fail test:
 * the worst case depends on the machine and what else it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bridge.h"
#include "songfile.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Plays the song through a fresh bridge; fills t[] with each period's
 * time and returns how many there were (or -1). */
static long run(const song_t *s, int rate, int period, double **t)
{
	bridge_t *b = bridge_create(s, rate);
	float *buf = malloc((size_t)period * 2 * sizeof(float));
	long cap = 1024, n = 0;
	*t = malloc((size_t)cap * sizeof(double));
	if (!b || !buf || !*t) {
		bridge_destroy(b);
		free(buf);
		return -1;
	}
	bridge_play(b, 0, 0);
	for (;;) {
		if (n == cap) {
			double *nt = realloc(*t, (size_t)(cap *= 2) * sizeof(double));
			if (!nt)
				break;
			*t = nt;
		}
		double t0 = now();
		int got = bridge_fill(b, buf, period);
		(*t)[n++] = now() - t0;
		if (got < period)
			break;
	}
	bridge_destroy(b);
	free(buf);
	return n;
}

static int bench_song(const char *path, int rate)
{
	song_t s;
	songfile_error_t err;
	if (songfile_load(&s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return 1;
	}
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	static const int periods[] = { 64, 128, 256 };
	for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		int period = periods[i];
		double *t = NULL;
		if (run(&s, rate, period, &t) < 0) {   /* warm-up: caches, page faults */
			song_deinit(&s);
			return 1;
		}
		free(t);
		long n = run(&s, rate, period, &t);
		if (n < 1) {
			free(t);
			song_deinit(&s);
			return 1;
		}
		qsort(t, (size_t)n, sizeof(double), cmp_double);
		double dur = (double)period / rate;
		printf("live %s: %3d-frame periods (%.2f ms at %d Hz), %ld periods: callback CPU median %.1f%%, "
		       "99th percentile %.1f%%, worst %.1f%% of the period\n",
		       name, period, dur * 1e3, rate, n, 100 * t[n / 2] / dur,
		       100 * t[(long)(0.99 * (double)(n - 1))] / dur, 100 * t[n - 1] / dur);
		free(t);
	}
	song_deinit(&s);
	return 0;
}

int main(int argc, char **argv)
{
	int rate = 48000, status = 0, nsongs = 0;
	const char *songs[64];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = atoi(argv[++i]);
		else if (argv[i][0] == '-' || nsongs == 64)
			goto usage;
		else if (strspn(argv[i], "0123456789") == strlen(argv[i]))
			rate = atoi(argv[i]);   /* the old form: bench_live SONG RATE */
		else
			songs[nsongs++] = argv[i];
	}
	if (nsongs == 0 || rate < 8000 || rate > 384000)
		goto usage;
	for (int i = 0; i < nsongs; i++)
		status |= bench_song(songs[i], rate);
	return status;
usage:
	fprintf(stderr, "usage: bench_live [--rate HZ] SONG...\n");
	return 2;
}
