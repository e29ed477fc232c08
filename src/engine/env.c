/*
 * env: ADSR.  Decay and release are exponential, with their time defined
 * as the time to fall 80 dB (to ENV_FLOOR of the distance), after which
 * the stage ends exactly: a released voice reaches true zero and frees
 * its slot instead of ringing on at -200 dB.
 */
#include <math.h>
#include "env.h"
#include "vec4.h"

#define ENV_FLOOR 1e-4f             /* -80 dB: where a fall counts as done */
#define ENV_MIN_ATTACK 0.0005f      /* an instant jump to full level clicks */

static float fall_coef(float seconds, float rate)
{
	float n = seconds * rate;
	return n < 1.0f ? 0.0f : expf(logf(ENV_FLOOR) / n);
}

void env_start(env_t *e, const adsr_params_t *p, float rate)
{
	float a = p->attack > ENV_MIN_ATTACK ? p->attack : ENV_MIN_ATTACK;
	if (e->stage == ENV_IDLE)
		e->level = 0.0f;
	e->rate = rate;
	e->stage = ENV_ATTACK;
	e->step = 1.0f / (a * rate);
}

void env_start_open(env_t *e, const adsr_params_t *p, float rate)
{
	if (p->attack > 0.0f) {
		env_start(e, p, rate);
		return;
	}
	/* The attack's last step, taken at once. */
	e->rate = rate;
	e->stage = ENV_ATTACK;
	e->level = 1.0f;
	e->step = 0.0f;
}

void env_release(env_t *e, const adsr_params_t *p)
{
	if (e->stage == ENV_IDLE || e->stage == ENV_KILL)
		return;
	e->stage = ENV_RELEASE;
	e->release_from = e->level;
	e->coef = fall_coef(p->release, e->rate);
}

void env_kill(env_t *e, float seconds)
{
	if (e->stage == ENV_IDLE)
		return;
	long n = (long)(seconds * e->rate);
	if (n < 1)
		n = 1;
	e->stage = ENV_KILL;
	e->remaining = n;
	e->step = e->level / (float)n;
}

float env_next(env_t *e, const adsr_params_t *p)
{
	switch (e->stage) {
	case ENV_IDLE:
		return 0.0f;
	case ENV_ATTACK:
		e->level += e->step;
		if (e->level >= 1.0f) {
			e->level = 1.0f;
			e->stage = ENV_DECAY;
			e->target = p->sustain < 0.0f ? 0.0f : p->sustain > 1.0f ? 1.0f : p->sustain;
			e->coef = fall_coef(p->decay, e->rate);
		}
		return e->level;
	case ENV_DECAY:
		e->level = e->target + (e->level - e->target) * e->coef;
		if (e->level - e->target <= ENV_FLOOR * (1.0f - e->target)) {
			e->level = e->target;
			e->stage = e->target > 0.0f ? ENV_SUSTAIN : ENV_IDLE;
		}
		return e->level;
	case ENV_SUSTAIN:
		return e->level;
	case ENV_RELEASE:
		e->level *= e->coef;
		if (e->level <= ENV_FLOOR * (e->release_from > ENV_FLOOR ? e->release_from : 1.0f)) {
			e->level = 0.0f;
			e->stage = ENV_IDLE;
		}
		return e->level;
	case ENV_KILL:
		e->level -= e->step;
		if (--e->remaining <= 0 || e->level <= 0.0f) {
			e->level = 0.0f;
			e->stage = ENV_IDLE;
		}
		return e->level;
	}
	return 0.0f;
}

void env_run(env_t *e, const adsr_params_t *p, float *out, int n)
{
	/* The steady stages get loops of their own, with the arithmetic of
	 * env_next; the stages that end are stepped one sample at a time
	 * until they do. */
	int i = 0;
	while (i < n) {
		switch (e->stage) {
		case ENV_IDLE:
			for (; i < n; i++)
				out[i] = 0.0f;
			return;
		case ENV_SUSTAIN: {
			/* four at a time, from a local copy (out might alias
			 * e->level as far as the compiler knows) */
			float level = e->level;
			const v4f lv = { level, level, level, level };
			for (; i + 4 <= n; i += 4)
				v4f_store(out + i, lv);
			for (; i < n; i++)
				out[i] = level;
			return;
		}
		case ENV_DECAY: {
			float level = e->level, target = e->target, coef = e->coef;
			float floor_ = ENV_FLOOR * (1.0f - target);
			for (; i < n; i++) {
				level = target + (level - target) * coef;
				if (level - target <= floor_)
					break;
				out[i] = level;
			}
			e->level = level;
			if (i < n) {
				e->level = target;
				e->stage = target > 0.0f ? ENV_SUSTAIN : ENV_IDLE;
				out[i++] = target;
			}
			break;
		}
		case ENV_RELEASE: {
			float level = e->level, coef = e->coef;
			float floor_ = ENV_FLOOR * (e->release_from > ENV_FLOOR ? e->release_from : 1.0f);
			for (; i < n; i++) {
				level *= coef;
				if (level <= floor_)
					break;
				out[i] = level;
			}
			e->level = level;
			if (i < n) {
				e->level = 0.0f;
				e->stage = ENV_IDLE;
				out[i++] = 0.0f;
			}
			break;
		}
		default:
			out[i++] = env_next(e, p);
			break;
		}
	}
}

bool env_active(const env_t *e)
{
	return e->stage != ENV_IDLE;
}
