/*
 * synth: the subtractive synth voice.
 *
 * Two band-limited oscillators (polyBLEP saw/square, triangle, sine,
 * noise) with detune, a pitch sweep for drums, a resonant state-variable
 * filter (low/high/band pass) with its own envelope and key tracking, an
 * ADSR amplitude envelope and one LFO.  A voice is plain state driven by
 * the engine on the audio thread: nothing here allocates, locks or does
 * I/O, and the same inputs always give the same samples.
 */
#ifndef BEATTY_SYNTH_H
#define BEATTY_SYNTH_H

#include <stdbool.h>
#include <stdint.h>
#include "env.h"
#include "song.h"

typedef struct synth_voice {
	float rate;
	double phase1, phase2;     /* 0..1 */
	double lfo_phase;
	float tri1, tri2;          /* integrator state for the triangle */
	uint32_t noise;            /* xorshift state, seeded at start */
	float noise_hold;          /* sample-and-hold for the LFO's noise */
	float pitch_sweep;         /* current pitch envelope in semitones */
	float pitch_coef;
	float ic1l, ic2l;          /* SVF state (trapezoidal integrators) */
	env_t amp;
	env_t fenv;
	float cutoff_mod;          /* extra octaves from automation (engine) */
} synth_voice_t;

/* Starts a note.  seed makes the noise source reproducible; the engine
 * derives it from the song position so renders are deterministic. */
void synth_voice_start(synth_voice_t *v, const synth_params_t *p, float rate, uint32_t seed);
/* Note off: both envelopes enter their release. */
void synth_voice_release(synth_voice_t *v, const synth_params_t *p);
/* Fast fade to silence over `seconds` (note cut, voice stealing). */
void synth_voice_kill(synth_voice_t *v, float seconds);
/* Renders n samples at base frequency freq_hz into out (mono,
 * overwritten), amplitude envelope applied, instrument volume not.
 * Returns false once the voice has finished (out is then silent). */
bool synth_voice_render(synth_voice_t *v, const synth_params_t *p, double freq_hz, float *out, int n);
bool synth_voice_active(const synth_voice_t *v);

#endif
