/*
 * modcmp: one module, imported and played by beatty, measured against a
 * reference render of it (xmp's), for `make conformance` and the module
 * tests.
 *
 *   modcmp MODULE REFERENCE.wav
 *
 * Prints one line: rows played by beatty and by libxmp's own sequencer,
 * the length of the song in frames against the reference's, the
 * correlation of the two renders' RMS envelopes in 20 ms windows (mono
 * sums; a render shorter than the other counts as silence there), and
 * whether the import left anything untranslated.  The line ends in PASS
 * when the length is within 0.5% and the correlation at least 0.95, FAIL
 * otherwise.  Exit status: 0 PASS, 3 FAIL, 1 when something cannot be
 * read.
 */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmp.h>
#include "engine.h"
#include "import.h"

#define RATE        48000
#define WINDOW      (RATE / 50)      /* 20 ms */
#define LEN_TOL     0.005
#define CORR_MIN    0.95
#define MAX_SECONDS 1200

typedef struct envl {
	double *v;
	size_t n, cap;
} envl_t;

static int env_push(envl_t *e, double rms)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 4096;
		double *v = realloc(e->v, cap * sizeof(double));
		if (!v)
			return -1;
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = rms;
	return 0;
}

/* Feeds interleaved stereo frames into 20 ms RMS windows of the mono sum. */
typedef struct acc {
	double sum;
	int fill;
} acc_t;

static int env_feed(envl_t *e, acc_t *a, const float *lr, size_t frames)
{
	for (size_t i = 0; i < frames; i++) {
		double m = 0.5 * ((double)lr[2 * i] + (double)lr[2 * i + 1]);
		a->sum += m * m;
		if (++a->fill == WINDOW) {
			if (env_push(e, sqrt(a->sum / WINDOW)) != 0)
				return -1;
			a->sum = 0.0;
			a->fill = 0;
		}
	}
	return 0;
}

static double correlation(const envl_t *a, const envl_t *b)
{
	size_t n = a->n > b->n ? a->n : b->n;
	if (n < 2)
		return 0.0;
	double ma = 0, mb = 0;
	for (size_t i = 0; i < n; i++) {
		ma += i < a->n ? a->v[i] : 0.0;
		mb += i < b->n ? b->v[i] : 0.0;
	}
	ma /= (double)n;
	mb /= (double)n;
	double sab = 0, saa = 0, sbb = 0;
	for (size_t i = 0; i < n; i++) {
		double x = (i < a->n ? a->v[i] : 0.0) - ma, y = (i < b->n ? b->v[i] : 0.0) - mb;
		sab += x * y;
		saa += x * x;
		sbb += y * y;
	}
	if (saa <= 0.0 || sbb <= 0.0)
		return saa == sbb ? 1.0 : 0.0;   /* both silent agree */
	return sab / sqrt(saa * sbb);
}

/* The reference render's envelope and length. */
static int read_reference(const char *path, envl_t *e, int64_t *frames)
{
	SF_INFO info;
	memset(&info, 0, sizeof(info));
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		fprintf(stderr, "modcmp: %s: %s\n", path, sf_strerror(NULL));
		return -1;
	}
	if (info.channels != 2 || info.samplerate != RATE) {
		fprintf(stderr, "modcmp: %s: need stereo at %d Hz\n", path, RATE);
		sf_close(sf);
		return -1;
	}
	float buf[2 * 4096];
	acc_t a = { 0 };
	sf_count_t n;
	*frames = 0;
	while ((n = sf_readf_float(sf, buf, 4096)) > 0) {
		*frames += n;
		if (env_feed(e, &a, buf, (size_t)n) != 0) {
			sf_close(sf);
			return -1;
		}
	}
	sf_close(sf);
	return 0;
}

/* Rows libxmp's sequencer plays before the module ends or loops. */
static long xmp_rows(const char *path)
{
	xmp_context x = xmp_create_context();
	if (!x || xmp_load_module(x, (char *)(uintptr_t)path) != 0) {
		if (x)
			xmp_free_context(x);
		return -1;
	}
	long rows = 0;
	if (xmp_start_player(x, 8000, XMP_FORMAT_MONO) == 0) {
		xmp_set_player(x, XMP_PLAYER_INTERP, XMP_INTERP_NEAREST);
		struct xmp_frame_info fi;
		int last_row = -1, last_pos = -1;
		long frames = 0;
		while (xmp_play_frame(x) == 0 && frames < (long)MAX_SECONDS * 50 * 4) {
			xmp_get_frame_info(x, &fi);
			if (fi.loop_count > 0)
				break;
			if (fi.row != last_row || fi.pos != last_pos)
				rows++;
			last_row = fi.row;
			last_pos = fi.pos;
			frames++;
		}
		xmp_end_player(x);
	}
	xmp_release_module(x);
	xmp_free_context(x);
	return rows;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: modcmp MODULE REFERENCE.wav\n");
		return 2;
	}
	const char *mod = argv[1], *ref = argv[2];
	song_t s;
	import_report_t rep;
	char err[600];
	if (import_module(&s, mod, "import.bty", &rep, err, sizeof(err)) != 0) {
		fprintf(stderr, "modcmp: %s\n", err);
		return 1;
	}
	envl_t eb = { 0 }, ex = { 0 };
	int64_t ref_frames;
	if (read_reference(ref, &ex, &ref_frames) != 0) {
		song_deinit(&s);
		return 1;
	}
	engine_t *e = engine_create(&s, RATE);
	if (!e) {
		fprintf(stderr, "modcmp: out of memory\n");
		return 1;
	}
	engine_set_master(e, false);
	float buf[2 * 256];
	acc_t a = { 0 };
	long rows = 0;
	int last_row = -1, last_order = -1;
	size_t n;
	/* Blocks short enough that no row (a tick at least) goes unseen. */
	while ((n = engine_render(e, buf, 256)) > 0) {
		engine_pos_t pos;
		engine_get_pos(e, &pos);
		if (!pos.ended && (pos.row != last_row || pos.order != last_order))
			rows++;
		last_row = pos.row;
		last_order = pos.order;
		if (env_feed(&eb, &a, buf, n) != 0 || pos.frame > (int64_t)MAX_SECONDS * RATE)
			break;
		if (n < 256)
			break;
	}
	int64_t song_frames = engine_end_frame(e);
	engine_destroy(e);
	song_deinit(&s);

	double corr = correlation(&eb, &ex);
	double dev = ref_frames > 0 ? (double)(song_frames - ref_frames) / (double)ref_frames : 1.0;
	bool pass = fabs(dev) <= LEN_TOL && corr >= CORR_MIN;
	const char *base = strrchr(mod, '/');
	printf("%-40s rows %5ld/%-5ld frames %9lld/%-9lld (%+6.2f%%) corr %.3f warnings %-3s %s\n",
	       base ? base + 1 : mod, rows, xmp_rows(mod), (long long)song_frames,
	       (long long)ref_frames, 100.0 * dev, corr, rep.nkinds ? "yes" : "no",
	       pass ? "PASS" : "FAIL");
	free(eb.v);
	free(ex.v);
	return pass ? 0 : 3;
}
