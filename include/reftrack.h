/*
 * reftrack: the reference track of the master page, a finished record
 * heard in place of the mix to compare against, loudness-matched.
 *
 * A reference is loaded off the audio thread (reftrack_load(), or a
 * loader thread with reftrack_job_start()): read through libsndfile,
 * resampled to the engine's rate with the sampler's band-limited
 * interpolator, made stereo, faded in and out over 5 ms (its loop
 * point would click otherwise), and measured once (integrated loudness,
 * loudness range, true peak).  It is then immutable: the audio side
 * reads it, the UI draws its spectrum from it, neither writes.
 *
 * The player (refplay_t) is a plain value on the audio side (the
 * bridge's): it never allocates, locks or does I/O.  It runs after the
 * engine's render, on the output alone: the engine and `beatty render`
 * never see a reference.  It keeps its own position, advancing while
 * the song plays and looping at the reference's end, so a switch is
 * heard at once and the reference goes on where it would have been.
 * Switching fades between the two over REFPLAY_XFADE_S, and a change
 * of gain glides, so neither clicks.
 */
#ifndef BEATTY_REFTRACK_H
#define BEATTY_REFTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REFPLAY_XFADE_S   0.02    /* the crossfade between mix and reference */
#define REFTRACK_GAIN_MAX 24.0    /* dB either way: matching never goes further */

typedef struct reftrack {
	float *data;           /* interleaved stereo at rate */
	int64_t frames;
	int rate;
	int file_rate, file_channels;
	char path[1024];
	double lufs;           /* integrated, LUFS (-HUGE_VAL: silent) */
	double lra;            /* loudness range, LU */
	double true_peak;      /* dBTP */
} reftrack_t;

/* Reads, resamples and measures path for an engine at rate.  Returns the
 * reference, or NULL with a one-line reason in err (naming the file).
 * A file with no sound at all is refused: it cannot be matched. */
reftrack_t *reftrack_load(const char *path, int rate, char *err, size_t errlen);
void reftrack_free(reftrack_t *r);

/* Loading on a thread of its own, for a UI that must not stop: start,
 * poll done, then finish exactly once (it joins the thread) to get the
 * reference or the reason.  NULL from start: no memory or no thread
 * (err says). */
typedef struct reftrack_job reftrack_job_t;
reftrack_job_t *reftrack_job_start(const char *path, int rate, char *err, size_t errlen);
bool reftrack_job_done(const reftrack_job_t *j);
reftrack_t *reftrack_job_finish(reftrack_job_t *j, char *err, size_t errlen);

/* The gain (dB) that brings a reference of ref_lufs to mix_lufs,
 * limited to +-REFTRACK_GAIN_MAX; 0 when either is not a number. */
double reftrack_match_gain(double ref_lufs, double mix_lufs);

/* ---- the player: audio side ------------------------------------------- */

typedef struct refplay {
	const reftrack_t *ref;
	int64_t pos;           /* frame of ref heard next */
	bool want;             /* the reference is chosen (else the mix) */
	float xf;              /* 0: the mix heard, 1: the reference */
	float xf_step;         /* per frame */
	float gain, gain_want; /* linear, on the reference */
	float glide;           /* per-frame coefficient of the gain's glide */
} refplay_t;

/* Zeroed, at rate: the mix heard, no reference. */
void refplay_init(refplay_t *p, int rate);
/* A new reference (NULL: none), from its start. */
void refplay_set(refplay_t *p, const reftrack_t *ref);
/* Chooses what is heard and the reference's gain (dB). */
void refplay_choose(refplay_t *p, bool reference, float gain_db);
/* Back to the reference's start (the song starts from its top). */
void refplay_rewind(refplay_t *p);
/* Mixes into out (frames interleaved stereo, the engine's output): the
 * mix, the reference, or a crossfade between them.  The reference moves
 * on only when advance (the song plays).  With no reference, or the
 * mix chosen and faded in, out is left exactly as it is. */
void refplay_process(refplay_t *p, float *out, int frames, bool advance);
/* Whether the reference is what is heard (the fade past half way). */
bool refplay_heard(const refplay_t *p);

#endif
