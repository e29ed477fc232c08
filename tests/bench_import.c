/*
 * bench_import: an imported module rendered by beatty, side by side with
 * libxmp (xmp's engine, cubic spline interpolation) and openmpt123
 * (cubic, 4 taps), in the same run.  Figures, never pass/fail.
 *
 *   bench_import MODULE
 *
 * beatty and libxmp run in this process (the whole song at 48 kHz,
 * stereo, into memory; beatty with the master off, as xmp has none);
 * openmpt123, when installed, runs as a child writing a WAV, and its CPU
 * time is taken from the children's usage.  Times are CPU seconds.
 */
#define _DEFAULT_SOURCE   /* mkstemps */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xmp.h>
#include "engine.h"
#include "import.h"

#define RATE 48000

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double children_cpu(void)
{
	struct rusage r;
	getrusage(RUSAGE_CHILDREN, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
	       (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-6;
}

/* beatty: import and render; returns CPU seconds, frames in *frames. */
static double run_beatty(const char *path, int64_t *frames, double *import_s)
{
	song_t s;
	char err[600];
	double t0 = cpu_now();
	if (import_module(&s, path, "bench.bty", NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_import: %s\n", err);
		exit(1);
	}
	double t1 = cpu_now();
	engine_t *e = engine_create(&s, RATE);
	if (!e)
		exit(1);
	engine_set_master(e, false);
	engine_set_meters(e, false);   /* as a render: nobody watches */
	static float buf[2 * 4096];
	size_t n;
	*frames = 0;
	while ((n = engine_render(e, buf, 4096)) > 0) {
		*frames += (int64_t)n;
		if (n < 4096)
			break;
	}
	double t2 = cpu_now();
	engine_destroy(e);
	song_deinit(&s);
	*import_s = t1 - t0;
	return t2 - t1;
}

static double run_libxmp(const char *path, int64_t *frames)
{
	xmp_context x = xmp_create_context();
	if (!x || xmp_load_module(x, (char *)(uintptr_t)path) != 0)
		return -1.0;
	double t0 = cpu_now();
	*frames = 0;
	if (xmp_start_player(x, RATE, 0) == 0) {
		xmp_set_player(x, XMP_PLAYER_INTERP, XMP_INTERP_SPLINE);
		struct xmp_frame_info fi;
		while (xmp_play_frame(x) == 0) {
			xmp_get_frame_info(x, &fi);
			if (fi.loop_count > 0)
				break;
			*frames += fi.buffer_size / 4;
		}
		xmp_end_player(x);
	}
	double t = cpu_now() - t0;
	xmp_release_module(x);
	xmp_free_context(x);
	return t;
}

static double run_openmpt(const char *path)
{
	char out[] = "/tmp/bench-import.XXXXXX.wav";   /* openmpt123 goes by the extension */
	int fd = mkstemps(out, 4);
	if (fd < 0)
		return -1.0;
	close(fd);
	double c0 = children_cpu();
	pid_t pid = fork();
	if (pid == 0) {
		execlp("openmpt123", "openmpt123", "--batch", "-q", "--force", "--filter", "4",
		       "--samplerate", "48000", "-o", out, "--", path, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		unlink(out);
		return -1.0;
	}
	unlink(out);
	return children_cpu() - c0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_import MODULE\n");
		return 2;
	}
	const char *path = argv[1];
	int64_t fb = 0, fx = 0;
	double imp;
	double tb = run_beatty(path, &fb, &imp);
	double tx = run_libxmp(path, &fx);
	double to = run_openmpt(path);
	double secs = (double)fb / RATE;
	const char *base = strrchr(path, '/');
	printf("%s: %.1f s of music at %d Hz\n", base ? base + 1 : path, secs, RATE);
	printf("  beatty      %7.3f s CPU  %7.0fx real time  (import %.3f s)\n", tb, secs / tb, imp);
	if (tx >= 0)
		printf("  libxmp      %7.3f s CPU  %7.0fx real time  (spline)\n", tx,
		       (double)fx / RATE / tx);
	if (to >= 0)
		printf("  openmpt123  %7.3f s CPU  %7.0fx real time  (4-tap cubic, writing a WAV)\n", to,
		       secs / to);
	else
		printf("  openmpt123  not run (not installed?)\n");
	if (tx > 0)
		printf("  beatty takes %.2fx the time libxmp takes\n", tb / tx);
	return 0;
}
