/*
 * fx: the audio effect units behind every channel's chain, the shared
 * buses and the master: EQ, compressor, drive, delay, reverb, limiter.
 *
 * Each unit is a `const fx_ops_t` with designated initialisers and a
 * parameter table; the engine, the song file and (later) the mixer page
 * all work from that table, so a parameter exists in one place.  A unit's
 * state is one block of memory whose size the unit states for a sample
 * rate; the engine allocates it when it is created, so processing never
 * allocates.  process() runs on the audio thread: no locks, no I/O.
 * Parameter changes arrive through set() at block boundaries; units
 * smooth them so automation does not zipper.
 */
#ifndef BEATTY_FX_H
#define BEATTY_FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FX_MAX_PARAMS 16

typedef struct fx_param_desc {
	const char *name;     /* key in the song file: "threshold", "freq1" ... */
	float min, max, def;
	const char *unit;     /* "dB", "Hz", "ms", "%", "" ... for display */
	bool log;             /* automation and knobs move on a log scale */
	const char *const *choices;  /* NULL, or names for an integer 0..max */
} fx_param_desc_t;

/* What a unit may read while processing a block. */
typedef struct fx_ctx {
	int rate;
	double bpm;                /* current tempo, for synced times */
	const float *sc_l, *sc_r;  /* sidechain input (compressor) or NULL */
} fx_ctx_t;

typedef struct fx_ops {
	const char *name;          /* "eq", "comp", "drive", "delay", "reverb", "limiter" */
	int nparams;
	const fx_param_desc_t *params;
	/* Bytes of state for this rate (delay lines sized for their maximum). */
	size_t (*state_size)(int rate);
	/* Clears the state and takes the initial parameters (no smoothing). */
	void (*init)(void *st, int rate, const float *params);
	/* New parameter values; the unit glides to them. */
	void (*set)(void *st, const float *params);
	/* Processes n frames in place (planar stereo). */
	void (*process)(void *st, float *l, float *r, int n, const fx_ctx_t *ctx);
	/* Optional: gain reduction in dB (compressor, limiter) for meters. */
	float (*reduction)(const void *st);
	/* Optional: processing delay in frames the engine must compensate. */
	int (*latency)(const void *st);
	/* Optional: the longest the unit's output may fall silent while it
	 * still holds sound (a delay's time between echoes), in frames at
	 * bpm; the engine waits that long before it calls a tail over. */
	int (*gap)(const void *st, double bpm);
	/* Optional: the engine rests the unit for n frames (its chain has
	 * been silent long enough that it is not run; see engine.c): advance
	 * what moves on its own, with the same steps process() takes (a
	 * reverb's turning phases).  Without it the unit simply pauses. */
	void (*rest)(void *st, int n);
} fx_ops_t;

#define FX_TYPE_LIST(X) \
	X(FX_EQ, fx_eq) X(FX_COMP, fx_comp) X(FX_DRIVE, fx_drive) \
	X(FX_DELAY, fx_delay) X(FX_REVERB, fx_reverb) X(FX_LIMITER, fx_limiter)

#define FX_TYPE_ENUM(e, v) e,
typedef enum { FX_TYPE_LIST(FX_TYPE_ENUM) FX_TYPE_COUNT } fx_type_t;
#undef FX_TYPE_ENUM

#define FX_TYPE_DECL(e, v) extern const fx_ops_t v;
FX_TYPE_LIST(FX_TYPE_DECL)
#undef FX_TYPE_DECL

/* The ops of a type, and lookups by name. */
const fx_ops_t *fx_ops(fx_type_t type);
int fx_type_by_name(const char *name);                 /* -1 if unknown */
int fx_param_index(const fx_ops_t *ops, const char *name);   /* -1 if unknown */
/* Fills params with the unit's defaults. */
void fx_defaults(const fx_ops_t *ops, float *params);

#endif
