/*
 * bench_render: how many times faster than real time a song renders
 * (engine only, no file I/O).  A figure to watch, never a pass/fail test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "engine.h"
#include "songfile.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_render SONG [RATE]\n");
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
	engine_t *e = engine_create(&s, rate);
	float *buf = malloc(4096 * 2 * sizeof(float));
	if (!e || !buf)
		return 1;
	/* Best of a few runs: the figure that reflects the code, not the noise. */
	double best = 1e30;
	long long frames = 0;
	for (int run = 0; run < 5; run++) {
		engine_start(e, 0, 0);
		frames = 0;
		double t0 = now();
		size_t n;
		while ((n = engine_render(e, buf, 4096)) > 0) {
			frames += (long long)n;
			if (n < 4096)
				break;
		}
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	double audio = (double)frames / rate;
	printf("render %s: %.2f s of audio at %d Hz in %.1f ms (best of 5): %.0fx real time, "
	       "%.1f us per second of audio per channel\n",
	       argv[1], audio, rate, best * 1e3, audio / best,
	       best * 1e6 / audio / s.channels);
	free(buf);
	engine_destroy(e);
	song_deinit(&s);
	return 0;
}
