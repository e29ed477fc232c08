/*
 * bench_live: what one period costs the audio callback.  Drives
 * bridge_fill() the way the ALSA thread does, one period at a time, for
 * the whole song, without a device, and prints the median, 99th
 * percentile and worst time per period as a fraction of the period's
 * duration (100% = the deadline).  A figure to watch, never a pass/fail
 * test: the worst case depends on the machine and what else it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "bridge.h"
#include "songfile.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_live SONG [RATE]\n");
		return 2;
	}
	int rate = argc > 2 ? atoi(argv[2]) : 48000;
	song_t s;
	songfile_error_t err;
	if (songfile_load(&s, argv[1], SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return 1;
	}
	static const int periods[] = { 128, 256 };
	for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		int period = periods[i];
		double *t = NULL;
		if (run(&s, rate, period, &t) < 0)   /* warm-up: caches, page faults */
			return 1;
		free(t);
		long n = run(&s, rate, period, &t);
		if (n < 1)
			return 1;
		qsort(t, (size_t)n, sizeof(double), cmp_double);
		double dur = (double)period / rate;
		printf("live %s: %d-frame periods (%.2f ms at %d Hz), %ld periods: callback median %.1f%%, "
		       "99th percentile %.1f%%, worst %.1f%% of the period\n",
		       argv[1], period, dur * 1e3, rate, n, 100 * t[n / 2] / dur,
		       100 * t[(long)(0.99 * (double)(n - 1))] / dur, 100 * t[n - 1] / dur);
		free(t);
	}
	song_deinit(&s);
	return 0;
}
