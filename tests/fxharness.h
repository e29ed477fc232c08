/*
 * fxharness: one effect unit under test.  Every effect-unit test makes
 * a unit the same way (state from garbage, defaults, init), runs it in
 * blocks and reads its output with the same few measures; this is that
 * harness, so each test file says only what it measures.
 */
#ifndef BEATTY_FXHARNESS_H
#define BEATTY_FXHARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "fx.h"

typedef struct fxh_unit {
	const fx_ops_t *ops;
	void *st;
	size_t size;
	int rate;
	float p[FX_MAX_PARAMS];
	fx_ctx_t ctx;     /* tests may set bpm and the sidechain */
	int lat;          /* ops->latency() after fxh_start(); 0 without one */
} fxh_unit_t;

/* Allocates the unit's state and fills it with garbage (0xff bytes:
 * NaNs), takes the defaults; fxh_start() then initialises it. */
void fxh_open(fxh_unit_t *u, const fx_ops_t *ops, int rate);
/* Sets a parameter by name (the test fails on an unknown name). */
void fxh_param(fxh_unit_t *u, const char *name, float v);
/* init() with the current parameters, then reads the latency. */
void fxh_start(fxh_unit_t *u);
/* Processes n frames in place, in blocks of `block` frames (a block of
 * 0 means one block).  A sidechain in u->ctx runs alongside: it is read
 * from frame 0 at each call. */
void fxh_run(fxh_unit_t *u, float *l, float *r, size_t n, size_t block);
void fxh_close(fxh_unit_t *u);

/* For runs that must give the same bits: the first run's output (the
 * reference is still NULL) is kept as it; a later one must equal it and
 * is freed. */
void fxh_keep_or_match(float **ref_l, float **ref_r, float *l, float *r, size_t n);

/* ---- signals and measures (the caller frees what is returned) ---- */

/* 20 log10(ratio); silence is -600 dB, not -inf, so it compares. */
double fxh_db(double ratio);
/* n frames of silence (at least one allocated). */
float *fxh_zeros(size_t n);
/* amp sin(2 pi f i / rate), from phase 0. */
float *fxh_sine(size_t n, double f, double amp, int rate);
/* White noise of peak amp, the engine's generator from seed. */
float *fxh_noise(size_t n, uint32_t seed, float amp);
/* The largest step between neighbouring samples: a click shows. */
double fxh_max_step(const float *x, size_t n);
/* The first frame where either side is a denormal, or -1: a unit must
 * flush its tails, not carry them on at many times the cost. */
long fxh_first_subnormal(const float *l, const float *r, size_t n);

#endif
