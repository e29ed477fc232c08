/*
 * synth: the subtractive synth voice.
 *
 * Two band-limited oscillators (sine, saw, pulse, triangle, noise) with
 * detune, a pitch sweep for drums, a resonant state-variable filter
 * (low/high/band pass) with its own envelope and key tracking, an ADSR
 * amplitude envelope and one LFO.  A voice is plain state driven by the
 * engine on the audio thread: nothing here allocates, locks or does I/O,
 * and the same inputs always give the same samples, however the caller
 * splits them into render calls.
 *
 * The band-limited steps look SYNTH_BLEP_HALF samples ahead; a voice
 * runs its oscillators that far ahead once at its start, so there is no
 * latency: a note sounds from the sample it is triggered on.
 */
#ifndef BEATTY_SYNTH_H
#define BEATTY_SYNTH_H

#include <stdbool.h>
#include <stdint.h>
#include "env.h"
#include "song.h"

#define SYNTH_BLEP_HALF 32   /* half the length of a band-limited step */
#define SYNTH_CTL       16   /* samples between modulation updates */
/* Holds the pending steps of a whole SYNTH_CTL block: a power of two of at
 * least 2 * SYNTH_BLEP_HALF + SYNTH_CTL. */
#define SYNTH_RING      128

typedef struct synth_osc {
	double phase;              /* 0..1, 0 at note start */
	float dt, ddt;             /* phase step per sample and its ramp */
	float pw, dpw;             /* pulse width and its ramp */
	bool high;                 /* pulse: which half the output is in */
} synth_osc_t;

typedef struct synth_voice {
	float rate;
	synth_osc_t osc[2];
	double lfo_phase;
	uint32_t noise;            /* xorshift state of the noise wave */
	uint32_t lfo_noise;        /* and of the LFO's sample-and-hold */
	float noise_hold;          /* the LFO's held random value */
	float pitch_sweep;         /* current pitch envelope in semitones */
	float ic1eq, ic2eq;        /* SVF state (trapezoidal integrators) */
	float g, dg, k;            /* SVF frequency warp (ramped), damping */
	float gain, dgain;         /* LFO tremolo gain and its ramp */
	int ctl_left;              /* samples until the next modulation update */
	bool primed;               /* the ramps have a starting point */
	unsigned ring_pos;
	float ring[2][SYNTH_RING]; /* each oscillator's output waiting for its steps */
	env_t amp;
	env_t fenv;
	float cutoff_mod;          /* extra octaves from automation (engine) */
	bool reso_set;             /* automation overrides the resonance (engine) */
	float reso;
	/* The last argument and result of the control-rate functions whose
	 * argument seldom moves within a note (the second oscillator's
	 * interval, the cutoff's octaves, its frequency warp): a repeated
	 * argument gives the same bits without the call. */
	float iv_x, iv_y, oct_x, oct_y, fc_x, fc_y;
	float kt_x, kt_y;          /* log2f of the note's frequency over C4 */
} synth_voice_t;

/* Starts a note on a voice, resetting everything but cutoff_mod and reso (which
 * belongs to the engine): phases, filter and LFO start from zero.  seed
 * makes the noise reproducible; the engine derives it from the song
 * position so renders are deterministic.  A sounding voice restarted
 * this way clicks: fade it out with synth_voice_kill and start another. */
void synth_voice_start(synth_voice_t *v, const synth_params_t *p, float rate, uint32_t seed);
/* Note off: both envelopes enter their release. */
void synth_voice_release(synth_voice_t *v, const synth_params_t *p);
/* Fast fade to silence over `seconds` (note cut, voice stealing). */
void synth_voice_kill(synth_voice_t *v, float seconds);
/* Renders n samples at base frequency freq_hz into out (mono,
 * overwritten), amplitude envelope applied, instrument volume not.
 * p may change between calls (live edits); changes take effect within
 * SYNTH_CTL samples.  Returns false once the voice has finished (out is
 * then silent). */
bool synth_voice_render(synth_voice_t *v, const synth_params_t *p, double freq_hz, float *out, int n);
bool synth_voice_active(const synth_voice_t *v);

#endif
