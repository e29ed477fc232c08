/*
 * test_fx_contract: what every effect unit promises, checked over the
 * whole effect-type list, so a new unit is held to it by adding one
 * line to FX_TYPE_LIST:
 *   - its parameter table is sane (ranges hold their defaults, names are
 *     unique song-file keys, choices and log scales make sense);
 *   - init() clears any garbage state: silence in gives silence out;
 *   - output does not depend on how the caller splits blocks;
 *   - no denormal ever comes out once the engine's flush mode is set,
 *     and a tail decays to exact silence rather than lingering in the
 *     denormal range;
 *   - every parameter at its minimum and its maximum gives finite output.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "fxharness.h"
#include "testutil.h"

#define RATE 48000
#define N (RATE / 2)

/* A test signal with transients, tones and noise, the same every run. */
static void signal(float *l, float *r, size_t n)
{
	uint32_t seed = 12345;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		float noise = ((float)(seed >> 8) / 8388608.0f - 1.0f) * 0.2f;
		float env = (i % 6000) < 3000 ? 1.0f : 0.1f;
		l[i] = env * (0.5f * sinf(2 * 3.14159265f * 220 * (float)i / RATE) + noise);
		r[i] = env * (0.5f * sinf(2 * 3.14159265f * 331 * (float)i / RATE) - noise);
	}
}

static void test_param_tables(void **state)
{
	(void)state;
	for (int t = 0; t < FX_TYPE_COUNT; t++) {
		const fx_ops_t *o = fx_ops((fx_type_t)t);
		assert_non_null(o);
		assert_non_null(o->name);
		assert_int_equal(fx_type_by_name(o->name), t);
		assert_true(o->nparams > 0 && o->nparams <= FX_MAX_PARAMS);
		assert_non_null(o->state_size);
		assert_non_null(o->init);
		assert_non_null(o->set);
		assert_non_null(o->process);
		for (int i = 0; i < o->nparams; i++) {
			const fx_param_desc_t *d = &o->params[i];
			assert_non_null(d->name);
			assert_non_null(d->unit);
			for (const char *c = d->name; *c; c++)
				if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
					fail_msg("%s: parameter '%s' is not a song-file key", o->name, d->name);
			if (!(d->min <= d->def && d->def <= d->max))
				fail_msg("%s.%s: default %g outside %g..%g", o->name, d->name,
				         (double)d->def, (double)d->min, (double)d->max);
			/* A log scale starts above zero, or at 0 meaning "off". */
			if (d->log && !(d->min >= 0 && d->max > 0))
				fail_msg("%s.%s: a log scale on %g..%g", o->name, d->name,
				         (double)d->min, (double)d->max);
			if (d->choices) {
				int k = 0;
				while (k <= (int)d->max && d->choices[k])
					k++;
				if (d->min != 0 || k != (int)d->max + 1 || d->max != floorf(d->max))
					fail_msg("%s.%s: %d choices for 0..%g", o->name, d->name, k, (double)d->max);
			}
			assert_int_equal(fx_param_index(o, d->name), i);
			for (int j = 0; j < i; j++)
				if (strcmp(o->params[j].name, d->name) == 0)
					fail_msg("%s: parameter '%s' twice", o->name, d->name);
		}
	}
}

static void test_garbage_state_init(void **state)
{
	(void)state;
	unsigned long fl = dsp_denormals_off();
	float *l = calloc(N, sizeof(float)), *r = calloc(N, sizeof(float));
	assert_true(l && r);
	for (int t = 0; t < FX_TYPE_COUNT; t++) {
		fxh_unit_t u;
		fxh_open(&u, fx_ops((fx_type_t)t), RATE);
		fxh_start(&u);
		memset(l, 0, N * sizeof(float));
		memset(r, 0, N * sizeof(float));
		fxh_run(&u, l, r, N, 256);
		for (size_t i = 0; i < N; i++)
			if (l[i] != 0 || r[i] != 0)
				fail_msg("%s: silence in, %g out at frame %zu after init on garbage",
				         u.ops->name, (double)(l[i] != 0 ? l[i] : r[i]), i);
		fxh_close(&u);
	}
	free(l);
	free(r);
	dsp_denormals_restore(fl);
}

static void test_block_split(void **state)
{
	(void)state;
	unsigned long fl = dsp_denormals_off();
	float *l1 = malloc(N * sizeof(float)), *r1 = malloc(N * sizeof(float));
	float *l2 = malloc(N * sizeof(float)), *r2 = malloc(N * sizeof(float));
	assert_true(l1 && r1 && l2 && r2);
	for (int t = 0; t < FX_TYPE_COUNT; t++) {
		fxh_unit_t a, b;
		fxh_open(&a, fx_ops((fx_type_t)t), RATE);
		fxh_open(&b, fx_ops((fx_type_t)t), RATE);
		fxh_start(&a);
		fxh_start(&b);
		signal(l1, r1, N);
		signal(l2, r2, N);
		fxh_run(&a, l1, r1, N, 0);
		/* Irregular blocks, 1 to 700 frames. */
		uint32_t seed = 99;
		for (size_t i = 0; i < N;) {
			seed = seed * 1103515245u + 12345u;
			size_t k = 1 + (seed >> 16) % 700;
			if (k > N - i)
				k = N - i;
			b.ops->process(b.st, l2 + i, r2 + i, (int)k, &b.ctx);
			i += k;
		}
		if (memcmp(l1, l2, N * sizeof(float)) || memcmp(r1, r2, N * sizeof(float)))
			fail_msg("%s: output depends on the block split", a.ops->name);
		fxh_close(&a);
		fxh_close(&b);
	}
	free(l1);
	free(r1);
	free(l2);
	free(r2);
	dsp_denormals_restore(fl);
}

static void test_denormals_and_tails(void **state)
{
	(void)state;
	unsigned long fl = dsp_denormals_off();
	const size_t tail = (size_t)RATE * 40;   /* 40 s of silence after the signal */
	float *l = malloc(tail * sizeof(float)), *r = malloc(tail * sizeof(float));
	assert_true(l && r);
	for (int t = 0; t < FX_TYPE_COUNT; t++) {
		fxh_unit_t u;
		fxh_open(&u, fx_ops((fx_type_t)t), RATE);
		fxh_start(&u);
		signal(l, r, N);
		fxh_run(&u, l, r, N, 256);
		memset(l, 0, tail * sizeof(float));
		memset(r, 0, tail * sizeof(float));
		fxh_run(&u, l, r, tail, 256);
		long at = fxh_first_subnormal(l, r, tail);
		if (at >= 0)
			fail_msg("%s: a denormal at frame %ld of the tail", u.ops->name, at);
		/* The last second of 40 s of silence is silent within -200 dBFS. */
		float peak = 0;
		for (size_t i = tail - RATE; i < tail; i++)
			peak = fmaxf(peak, fmaxf(fabsf(l[i]), fabsf(r[i])));
		if (peak > 1e-10f)
			fail_msg("%s: still %g after 40 s of silence", u.ops->name, (double)peak);
		fxh_close(&u);
	}
	free(l);
	free(r);
	dsp_denormals_restore(fl);
}

static void test_extremes_stay_finite(void **state)
{
	(void)state;
	unsigned long fl = dsp_denormals_off();
	float *l = malloc(N * sizeof(float)), *r = malloc(N * sizeof(float));
	assert_true(l && r);
	for (int t = 0; t < FX_TYPE_COUNT; t++) {
		const fx_ops_t *o = fx_ops((fx_type_t)t);
		for (int i = 0; i < o->nparams; i++) {
			for (int end = 0; end < 2; end++) {
				fxh_unit_t u;
				fxh_open(&u, o, RATE);
				u.p[i] = end ? o->params[i].max : o->params[i].min;
				fxh_start(&u);
				signal(l, r, N);
				fxh_run(&u, l, r, N, 128);
				for (size_t k = 0; k < N; k++)
					if (!isfinite(l[k]) || !isfinite(r[k]) || fabsf(l[k]) > 1e4f ||
					    fabsf(r[k]) > 1e4f)
						fail_msg("%s.%s at its %s: %g at frame %zu", o->name,
						         o->params[i].name, end ? "maximum" : "minimum",
						         (double)(isfinite(l[k]) ? r[k] : l[k]), k);
				fxh_close(&u);
			}
		}
	}
	free(l);
	free(r);
	dsp_denormals_restore(fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_tables),
		cmocka_unit_test(test_garbage_state_init),
		cmocka_unit_test(test_block_split),
		cmocka_unit_test(test_denormals_and_tails),
		cmocka_unit_test(test_extremes_stay_finite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
