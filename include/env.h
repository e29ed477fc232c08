/*
 * env: the ADSR envelope shared by synth and sampler voices.
 *
 * Times are in seconds, sustain is a linear level 0..1.  Attack is linear,
 * decay and release are exponential-shaped (what ears expect), and every
 * stage ends exactly, so a released voice reaches true silence and can be
 * freed.  Per-voice state; no allocation.
 */
#ifndef BEATTY_ENV_H
#define BEATTY_ENV_H

#include <stdbool.h>

typedef struct adsr_params {
	float attack, decay, sustain, release;
} adsr_params_t;

typedef enum {
	ENV_IDLE, ENV_ATTACK, ENV_DECAY, ENV_SUSTAIN, ENV_RELEASE, ENV_KILL
} env_stage_t;

typedef struct env {
	env_stage_t stage;
	float level;       /* current output 0..1 */
	float rate;        /* sample rate in Hz */
	float step;        /* attack increment per sample */
	float coef;        /* decay/release multiplier per sample */
	float target;      /* level the current stage heads for */
	float release_from;/* level release started at */
	long remaining;    /* samples left in a timed stage (kill, attack) */
} env_t;

/* Starts the envelope from its current level (so a retrigger of a
 * sounding voice does not click). */
void env_start(env_t *e, const adsr_params_t *p, float rate);
/* As env_start, but a zero attack opens at full level on the first
 * sample, with no minimum ramp: for a sample, whose first frames are its
 * own attack (the caller fades in where a start would click). */
void env_start_open(env_t *e, const adsr_params_t *p, float rate);
/* Enters the release stage from wherever it is. */
void env_release(env_t *e, const adsr_params_t *p);
/* Fades to zero over `seconds` whatever the stage (note cut, stealing). */
void env_kill(env_t *e, float seconds);
/* Advances one sample and returns the level. */
float env_next(env_t *e, const adsr_params_t *p);
/* Fills out[0..n) with successive levels. */
void env_run(env_t *e, const adsr_params_t *p, float *out, int n);
bool env_active(const env_t *e);

#endif
