/*
 * fxharness: one effect unit under test (see fxharness.h).
 */
#include <stdlib.h>
#include <string.h>
#include "fxharness.h"
#include "testutil.h"

void fxh_open(fxh_unit_t *u, const fx_ops_t *ops, int rate)
{
	memset(u, 0, sizeof(*u));
	u->ops = ops;
	u->rate = rate;
	u->size = ops->state_size(rate);
	u->st = malloc(u->size);
	assert_non_null(u->st);
	memset(u->st, 0xff, u->size);
	fx_defaults(ops, u->p);
	u->ctx = (fx_ctx_t){ .rate = rate, .bpm = 120 };
}

void fxh_param(fxh_unit_t *u, const char *name, float v)
{
	int i = fx_param_index(u->ops, name);
	if (i < 0)
		fail_msg("%s has no parameter '%s'", u->ops->name, name);
	u->p[i] = v;
}

void fxh_start(fxh_unit_t *u)
{
	u->ops->init(u->st, u->rate, u->p);
}

void fxh_run(fxh_unit_t *u, float *l, float *r, size_t n, size_t block)
{
	if (block == 0)
		block = n;
	for (size_t i = 0; i < n; i += block) {
		size_t k = n - i < block ? n - i : block;
		u->ops->process(u->st, l + i, r + i, (int)k, &u->ctx);
	}
}

void fxh_close(fxh_unit_t *u)
{
	free(u->st);
	u->st = NULL;
}
