/*
 * fxharness: one effect unit under test.  Every effect-unit test makes
 * a unit the same way (state from garbage, defaults, init), runs it in
 * blocks and reads its output; this is that harness, so each test file
 * says only what it measures.
 */
#ifndef BEATTY_FXHARNESS_H
#define BEATTY_FXHARNESS_H

#include <stddef.h>
#include "fx.h"

typedef struct fxh_unit {
	const fx_ops_t *ops;
	void *st;
	size_t size;
	int rate;
	float p[FX_MAX_PARAMS];
	fx_ctx_t ctx;
} fxh_unit_t;

/* Allocates the unit's state and fills it with garbage (0xff bytes:
 * NaNs), takes the defaults; fxh_start() then initialises it. */
void fxh_open(fxh_unit_t *u, const fx_ops_t *ops, int rate);
/* Sets a parameter by name (the test fails on an unknown name). */
void fxh_param(fxh_unit_t *u, const char *name, float v);
/* init() with the current parameters. */
void fxh_start(fxh_unit_t *u);
/* Processes n frames in place, in blocks of `block` frames (a block of
 * 0 means one block). */
void fxh_run(fxh_unit_t *u, float *l, float *r, size_t n, size_t block);
void fxh_close(fxh_unit_t *u);

#endif
