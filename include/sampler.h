/*
 * sampler: the sample-playback voice.
 *
 * Plays a loaded sample_t at any pitch with a band-limited sinc, 4-point
 * cubic (Catmull-Rom) or no interpolation, forward or ping-pong loops, an
 * ADSR envelope and short ramps so starts from an offset and cuts do not
 * click.  Plain state on the audio thread: no allocation, no locks, no
 * I/O.
 */
#ifndef BEATTY_SAMPLER_H
#define BEATTY_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include "env.h"
#include "song.h"

typedef struct sampler_voice {
	float rate;
	double pos;        /* fractional frame position in the sample */
	int dir;           /* +1 forward, -1 backward (ping-pong) */
	bool ended;        /* ran off the end of an unlooped sample */
	bool looped;       /* has wrapped or bounced at least once */
	bool end_fade;     /* last frame is loud: fade out just before it */
	int ramp;          /* samples left in the start declick ramp */
	int ramp_len;
	interp_t interp;   /* set by the caller after a start; AUTO reads as cubic */
	env_t amp;
	int64_t stop;      /* a slice: ends here (exclusive), unlooped; 0 none */
	double ratio;      /* a slice: pitch ratio applied to freq_hz; 0 none */
	/* the last playback step and what it was computed from */
	bool step_ok;
	double step, step_freq;
	int step_finetune, step_root, step_srate;
} sampler_voice_t;

/* Builds the band-limited interpolator's table once per process.  Call
 * it before the audio thread starts (engine_create does for a song with
 * sinc instruments, engine_set_interpolation for the sinc, bridge_create
 * always); a voice that finds it missing builds it then. */
void sampler_init(void);

/* Starts playback at frame `offset` (sample offset command).  v must be
 * zeroed before its first start.  An offset at or past the end of the
 * sample plays nothing, as in FastTracker 2.  A start at frame 0 plays
 * the sample's first frame whole; a start from an offset, or of a voice
 * still sounding, fades in over 1.5 ms.  Interpolation is cubic unless
 * v->interp is set after the start. */
void sampler_voice_start(sampler_voice_t *v, const sampler_params_t *p, float rate, int64_t offset);
/* Fades the start just made in over 1.5 ms, for a start that would
 * click though it is at offset 0: a stolen voice, a retrigger. */
void sampler_voice_declick(sampler_voice_t *v);
/* The same fade-in over a given time (a tracker's note start). */
void sampler_voice_fade_in(sampler_voice_t *v, double seconds);

/* Starts slice k of the sample (p->slice): from its start to the next
 * slice's, unlooped, with freq_hz multiplied by ratio (a slice played
 * from a note above the root sounds at the root's pitch). */
void sampler_voice_start_slice(sampler_voice_t *v, const sampler_params_t *p, float rate, int k,
                               double ratio);
void sampler_voice_release(sampler_voice_t *v, const sampler_params_t *p);
void sampler_voice_kill(sampler_voice_t *v, float seconds);
/* Renders n frames at freq_hz (the note's frequency; root note and
 * finetune map it to a playback step) into l and r, overwritten; mono
 * samples go to both.  p may change between calls (loop points are
 * checked again each time).  Returns false once the voice has finished; the
 * block that finishes it still holds its last (faded) frames followed by
 * zeros, so mix it before freeing the voice. */
bool sampler_voice_render(sampler_voice_t *v, const sampler_params_t *p, double freq_hz, float *l, float *r, int n);
/* As sampler_voice_render, but a mono sample's frames go to l alone and
 * r is left as it was: *wrote_r says whether r was written.  Saves the
 * copy for a caller that can use one side for both. */
bool sampler_voice_render_lr(sampler_voice_t *v, const sampler_params_t *p, double freq_hz,
                             float *l, float *r, int n, bool *wrote_r);
bool sampler_voice_active(const sampler_voice_t *v);

/* Playback step in sample frames per output frame for freq_hz: the root
 * note plays the sample at its own rate, and a positive finetune raises
 * the pitch (+100 cents = one semitone up), as in FastTracker 2. */
double sampler_step(const sampler_params_t *p, double freq_hz, float rate);

#endif
