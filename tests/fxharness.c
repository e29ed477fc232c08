/*
 * fxharness: one effect unit under test (see fxharness.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
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
	u->lat = u->ops->latency ? u->ops->latency(u->st) : 0;
	assert_true(u->lat >= 0);
}

void fxh_run(fxh_unit_t *u, float *l, float *r, size_t n, size_t block)
{
	if (block == 0)
		block = n;
	fx_ctx_t c = u->ctx;
	for (size_t i = 0; i < n; i += block) {
		size_t k = n - i < block ? n - i : block;
		c.sc_l = u->ctx.sc_l ? u->ctx.sc_l + i : NULL;
		c.sc_r = u->ctx.sc_r ? u->ctx.sc_r + i : NULL;
		u->ops->process(u->st, l + i, r + i, (int)k, &c);
	}
}

void fxh_close(fxh_unit_t *u)
{
	free(u->st);
	u->st = NULL;
}

void fxh_keep_or_match(float **ref_l, float **ref_r, float *l, float *r, size_t n)
{
	if (!*ref_l) {
		*ref_l = l;
		*ref_r = r;
		return;
	}
	assert_memory_equal(l, *ref_l, n * sizeof(float));
	assert_memory_equal(r, *ref_r, n * sizeof(float));
	free(l);
	free(r);
}

double fxh_db(double ratio)
{
	return 20.0 * log10(ratio + 1e-30);
}

float *fxh_zeros(size_t n)
{
	float *x = calloc(n ? n : 1, sizeof(float));
	assert_non_null(x);
	return x;
}

float *fxh_sine(size_t n, double f, double amp, int rate)
{
	float *x = malloc((n ? n : 1) * sizeof(float));
	assert_non_null(x);
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(amp * sin(2 * M_PI * f * (double)i / rate));
	return x;
}

float *fxh_noise(size_t n, uint32_t seed, float amp)
{
	float *x = malloc((n ? n : 1) * sizeof(float));
	assert_non_null(x);
	for (size_t i = 0; i < n; i++)
		x[i] = amp * dsp_randf(&seed);
	return x;
}

double fxh_max_step(const float *x, size_t n)
{
	double m = 0;
	for (size_t i = 1; i < n; i++)
		m = fmax(m, fabs((double)x[i] - x[i - 1]));
	return m;
}

long fxh_first_subnormal(const float *l, const float *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fpclassify(l[i]) == FP_SUBNORMAL || fpclassify(r[i]) == FP_SUBNORMAL)
			return (long)i;
	return -1;
}
