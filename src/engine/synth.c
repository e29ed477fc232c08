/*
 * synth: the subtractive voice.
 *
 *   osc1 --\     ring: naive waves        +-----+
 *           +--> + band-limited steps --> | SVF | --> x amp env x tremolo --> out
 *   osc2 --/     (written 16 samples ahead) +-----+
 *                                            ^
 *               cutoff: filter env, keytrack, LFO, automation
 *
 * Each oscillator adds its naive waveform, scaled by its share of the mix,
 * into a small ring, and around every jump (saw, pulse) or kink (triangle)
 * it also adds the difference between a band-limited step and the naive
 * one, spread over SYNTH_BLEP_HALF samples either side.  The ring is read
 * SYNTH_BLEP_HALF samples behind, so the steps can start before the jump.
 *
 * Modulation (pitch sweep, LFO, filter envelope) is worked out every
 * SYNTH_CTL samples; phase steps, pulse widths, the filter's frequency warp
 * and the tremolo gain are ramped linearly in between.  That keeps exp2,
 * tan and log2 out of the per-sample loop without audible steps.  The
 * points fall every SYNTH_CTL samples of the voice's own time, so output
 * does not depend on how the caller splits its render calls.
 */
#include <math.h>
#include <string.h>
#include "dsp.h"
#include "synth.h"

#define RING_MASK   (SYNTH_RING - 1)
#define BLEP_DEG    5
#define C4_HZ       261.6256f  /* keytrack leaves the cutoff alone here */
#define MAX_DT      0.45f      /* oscillator ceiling, fraction of the rate */
#define MAX_CUTOFF  0.48f      /* filter ceiling, fraction of the rate */
#define MIN_CUTOFF  10.0f      /* Hz */
#define K_MIN       0.025f     /* SVF damping at full resonance: Q = 40 */
#define PW_MIN      0.05f
#define PW_MAX      0.95f

_Static_assert((SYNTH_RING & RING_MASK) == 0, "SYNTH_RING must be a power of two");
_Static_assert(SYNTH_RING >= 2 * SYNTH_BLEP_HALF + SYNTH_CTL,
               "the ring must hold a block's steps on both sides");

/*
 * The band-limited step: the running integral of a Kaiser-windowed sinc
 * (beta 9, cutoff 0.46 of the rate, 2 * SYNTH_BLEP_HALF samples long),
 * minus the ideal step.  Row k is that residual over [k, k + 1) samples
 * after the jump, as a polynomial in the jump's fractional distance; the
 * residual is odd about the jump, so the samples before it reuse the rows
 * mirrored.  Least-squares fits, worst error 4.4e-5 of the step.
 *
 * The cutoff sits below Nyquist on purpose.  The response is flat to 0.40
 * of the rate (-0.15 dB there: 17.6 kHz at 44.1 kHz) and -6 dB at 0.46;
 * in exchange a partial at 0.52 of the rate folds back 35 dB down and one
 * at 0.55 or above more than 90 dB down, where a cutoff at Nyquist would
 * let the partials just above it fold back almost whole.
 */
static const float blep_poly[SYNTH_BLEP_HALF][BLEP_DEG + 1] = {
	{ -4.99958045e-01f, 9.18266127e-01f, 1.69381834e-02f, -4.96906953e-01f, 1.11264515e-01f, 3.46499643e-02f },
	{ 8.41877952e-02f, 7.87216477e-02f, -4.86401612e-01f, 2.47470171e-01f, 1.08391774e-01f, -7.09623520e-02f },
	{ -3.85629952e-02f, -7.17928824e-02f, 2.08830321e-01f, 2.62494690e-02f, -1.65244886e-01f, 5.98475161e-02f },
	{ 1.93248315e-02f, 6.21868443e-02f, -1.06262398e-01f, -7.28457846e-02f, 1.26638200e-01f, -3.77920767e-02f },
	{ -8.76087801e-03f, -5.09585377e-02f, 5.29701882e-02f, 7.54517504e-02f, -8.83709996e-02f, 2.23103648e-02f },
	{ 2.65531449e-03f, 3.92702938e-02f, -2.24200911e-02f, -6.47032444e-02f, 5.79894069e-02f, -1.21173085e-02f },
	{ 6.61869550e-04f, -2.82744265e-02f, 5.19713442e-03f, 5.01061949e-02f, -3.55474468e-02f, 5.71692714e-03f },
	{ -2.12962039e-03f, 1.88490563e-02f, 3.49462359e-03f, -3.57641594e-02f, 1.99926908e-02f, -1.99156631e-03f },
	{ 2.44355717e-03f, -1.14768010e-02f, -6.78477123e-03f, 2.36061460e-02f, -9.99172760e-03f, 7.93157395e-05f },
	{ -2.11919110e-03f, 6.23989805e-03f, 6.94508845e-03f, -1.43514222e-02f, 4.14815006e-03f, 6.92202317e-04f },
	{ 1.55150265e-03f, -2.90278569e-03f, -5.61151743e-03f, 7.96560847e-03f, -1.15427060e-03f, -8.27042586e-04f },
	{ -9.76607415e-04f, 1.04214559e-03f, 3.86478679e-03f, -3.98298870e-03f, -8.90244040e-05f, 6.73347025e-04f },
	{ 5.30619866e-04f, -1.81714671e-04f, -2.31086975e-03f, 1.76345704e-03f, 4.04916512e-04f, -4.43465416e-04f },
	{ -2.36526934e-04f, -1.02056062e-04f, 1.19226928e-03f, -6.80726956e-04f, -3.33513498e-04f, 2.43853803e-04f },
	{ 8.30473648e-05f, 1.21061337e-04f, -5.16693554e-04f, 2.33231264e-04f, 1.73746362e-04f, -1.09544433e-04f },
	{ -1.50384556e-05f, -6.33373051e-05f, 1.76952598e-04f, -8.28209191e-05f, -5.19334417e-05f, 3.62116169e-05f },
};

static inline float clampf(float x, float lo, float hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static inline float poly(const float *c, float d)
{
	float y = c[BLEP_DEG];
	for (int q = BLEP_DEG - 1; q >= 0; q--)
		y = y * d + c[q];
	return y;
}

/* 1 / (q + 1): multiplying keeps divisions out of the kink loop. */
static const float recip[BLEP_DEG + 1] = {
	1.0f, 1.0f / 2, 1.0f / 3, 1.0f / 4, 1.0f / 5, 1.0f / 6,
};
_Static_assert(BLEP_DEG == 5, "recip[] follows the degree of blep_poly");

/* Integral of poly(c, .) from 0 to d. */
static inline float poly_integral(const float *c, float d)
{
	float y = c[BLEP_DEG] * recip[BLEP_DEG];
	for (int q = BLEP_DEG - 1; q >= 0; q--)
		y = y * d + c[q] * recip[q];
	return y * d;
}

/* The naive signal jumped by h, d samples (0..1) before sample pos. */
static void add_step(float *ring, unsigned pos, float d, float h)
{
	float e = 1.0f - d;
	for (int k = 0; k < SYNTH_BLEP_HALF; k++) {
		ring[(pos + (unsigned)k) & RING_MASK] += h * poly(blep_poly[k], d);
		ring[(pos - 1u - (unsigned)k) & RING_MASK] -= h * poly(blep_poly[k], e);
	}
}

/* The naive signal's slope changed by s per sample, d samples before
 * sample pos.  The correction is the step residual integrated once, which
 * is even about the kink and vanishes SYNTH_BLEP_HALF samples away; it is
 * summed from the far end, where it is known to be zero. */
static void add_kink(float *ring, unsigned pos, float d, float s)
{
	float e = 1.0f - d, tail = 0.0f;
	for (int k = SYNTH_BLEP_HALF - 1; k >= 0; k--) {
		float whole = poly_integral(blep_poly[k], 1.0f);
		ring[(pos + (unsigned)k) & RING_MASK] -= s * (tail + whole - poly_integral(blep_poly[k], d));
		ring[(pos - 1u - (unsigned)k) & RING_MASK] -= s * (tail + whole - poly_integral(blep_poly[k], e));
		tail += whole;
	}
}

/* Whether a phase moving from p0 by dt (< 1) passed `edge`, and if so how
 * many samples ago (0..1) into *d. */
static inline bool passed(double p0, float dt, double edge, float *d)
{
	double y = p0 + dt - edge;
	if (y >= 1.0)
		y -= 1.0;
	if (y < 0.0 || y >= dt)
		return false;
	*d = (float)(y / dt);
	return true;
}

/* sin(2 pi p) for p in [0, 1): folded onto a quarter wave, where the Taylor
 * series to x^11 is within float rounding.  Cheaper than sinf and exact
 * at the peaks. */
static inline float sin2pi(double p)
{
	float x = (float)(p - 0.5);          /* sin(2 pi p) = -sin(2 pi x) */
	if (x > 0.25f)
		x = 0.5f - x;
	else if (x < -0.25f)
		x = -0.5f - x;
	float a = 2.0f * (float)M_PI * x, a2 = a * a;
	float s = 1.0f + a2 * (-1.0f / 6 + a2 * (1.0f / 120 + a2 * (-1.0f / 5040
	          + a2 * (1.0f / 362880 + a2 * (-1.0f / 39916800)))));
	return -a * s;
}

/* Saw and triangle are shifted so that phase 0 is a rising zero crossing:
 * a note starts from silence without a jump. */
static inline float saw_at(double p)
{
	return (float)(p < 0.5 ? 2.0 * p : 2.0 * p - 2.0);
}

static inline float tri_at(double p)
{
	return (float)(p < 0.25 ? 4.0 * p : p < 0.75 ? 2.0 - 4.0 * p : 4.0 * p - 4.0);
}

/* Adds n samples of one oscillator, weighted by w, into the ring from pos.
 * One loop per waveform, so no sample branches on the wave's kind. */
static void run_osc(synth_osc_t *o, wave_t wave, float w, float *ring, unsigned pos, int n,
                    uint32_t *rng)
{
	double ph = o->phase;
	float dt = o->dt, ddt = o->ddt, pw = o->pw, dpw = o->dpw;
	bool high = o->high;
	float d = 0.0f, dw = 0.0f, df = 0.0f;

	switch (wave) {
	case WAVE_SINE:
		for (int i = 0; i < n; i++, pos++) {
			dt += ddt;
			ph += dt;
			if (ph >= 1.0)
				ph -= 1.0;
			ring[pos & RING_MASK] += w * sin2pi(ph);
		}
		break;
	case WAVE_SAW:
		for (int i = 0; i < n; i++, pos++) {
			double p0 = ph;
			dt += ddt;
			ph += dt;
			if (ph >= 1.0)
				ph -= 1.0;
			if (passed(p0, dt, 0.5, &d))
				add_step(ring, pos, d, -2.0f * w);
			ring[pos & RING_MASK] += w * saw_at(ph);
		}
		break;
	case WAVE_SQUARE:
		for (int i = 0; i < n; i++, pos++) {
			double p0 = ph;
			dt += ddt;
			pw += dpw;
			ph += dt;
			if (ph >= 1.0)
				ph -= 1.0;
			/* A comparator of the phase against pw: rises at the wrap,
			 * falls at pw, and follows pw if modulation moves it across
			 * the phase.  A narrow pulse at a high note can do both in
			 * one sample, so the edges go in time order. */
			bool wrapped = passed(p0, dt, 0.0, &dw);
			bool fell = passed(p0, dt, pw, &df);
			if (fell && (!wrapped || df > dw)) {
				if (high)
					add_step(ring, pos, df, -2.0f * w);
				high = false;
				fell = false;
			}
			if (wrapped && !high) {
				add_step(ring, pos, dw, 2.0f * w);
				high = true;
			}
			if (fell && high) {
				add_step(ring, pos, df, -2.0f * w);
				high = false;
			}
			if ((ph < pw) != high) {
				high = !high;
				add_step(ring, pos, 0.0f, high ? 2.0f * w : -2.0f * w);
			}
			/* Without its DC, so width modulation does not thump. */
			float y = high ? 2.0f - 2.0f * pw : -2.0f * pw;
			ring[pos & RING_MASK] += w * y;
		}
		break;
	case WAVE_TRIANGLE:
		for (int i = 0; i < n; i++, pos++) {
			double p0 = ph;
			dt += ddt;
			ph += dt;
			if (ph >= 1.0)
				ph -= 1.0;
			if (passed(p0, dt, 0.25, &d))
				add_kink(ring, pos, d, -8.0f * dt * w);
			if (passed(p0, dt, 0.75, &d))
				add_kink(ring, pos, d, 8.0f * dt * w);
			ring[pos & RING_MASK] += w * tri_at(ph);
		}
		break;
	case WAVE_NOISE:
		for (int i = 0; i < n; i++, pos++) {
			dt += ddt;
			ph += dt;
			if (ph >= 1.0)
				ph -= 1.0;
			ring[pos & RING_MASK] += w * dsp_randf(rng);
		}
		break;
	default:
		/* Silent, yet the phase moves on as for any wave. */
		for (int i = 0; i < n; i++) {
			dt += ddt;
			ph += dt;
			if (ph >= 1.0)
				ph -= 1.0;
		}
		break;
	}
	/* pw follows its ramp whatever the wave, one sample at a time, so
	 * it ends the same however the caller splits its blocks. */
	if (wave != WAVE_SQUARE)
		for (int i = 0; i < n; i++)
			pw += dpw;
	o->phase = ph;
	o->dt = dt;
	o->pw = pw;
	o->high = high;
}

/* Trapezoidal (zero-delay feedback) state-variable filter: stable for any
 * positive frequency warp g and damping k, however fast they move. */
static void run_filter(synth_voice_t *v, filter_mode_t mode, float *x, int n)
{
	float ic1 = v->ic1eq, ic2 = v->ic2eq, g = v->g, dg = v->dg, k = v->k;

	/* One loop per mode: the recursion is the slow part, and a test per
	 * sample would sit in it. */
#define SVF_STEP(OUT)                                                       \
	for (int i = 0; i < n; i++) {                                           \
		g += dg;                                                            \
		float a1 = 1.0f / (1.0f + g * (g + k)), a2 = g * a1, a3 = g * a2;  \
		float v0 = x[i], v3 = v0 - ic2;                                     \
		float v1 = a1 * ic1 + a2 * v3;                                      \
		float v2 = ic2 + a2 * ic1 + a3 * v3;                                \
		ic1 = 2.0f * v1 - ic1;                                              \
		ic2 = 2.0f * v2 - ic2;                                              \
		x[i] = (OUT);                                                       \
	}
	switch (mode) {
	case FILTER_LP: SVF_STEP(v2) break;
	case FILTER_HP: SVF_STEP(v0 - k * v1 - v2) break;
	case FILTER_BP: SVF_STEP(k * v1) break;    /* 0 dB at the peak */
	default: SVF_STEP(v0) break;
	}
#undef SVF_STEP
	v->ic1eq = ic1;
	v->ic2eq = ic2;
	v->g = g;
}

static float lfo_value(const synth_voice_t *v, wave_t wave)
{
	switch (wave) {
	case WAVE_SINE: return sin2pi(v->lfo_phase);
	case WAVE_SAW: return saw_at(v->lfo_phase);
	case WAVE_SQUARE: return v->lfo_phase < 0.5 ? 1.0f : -1.0f;
	case WAVE_TRIANGLE: return tri_at(v->lfo_phase);
	case WAVE_NOISE: return v->noise_hold;
	default: return 0.0f;
	}
}

/* What the ramped values should be with the modulators where they are. */
typedef struct ctl {
	float dt[2], pw[2];
	float g, gain;
} ctl_t;

static void ctl_compute(const synth_voice_t *v, const synth_params_t *p, double freq, ctl_t *c)
{
	float lfo = lfo_value(v, p->lfo_wave);
	float mod = lfo * p->lfo_depth;   /* semitones, octaves or pulse width */
	float semis = v->pitch_sweep + (p->lfo_target == LFO_TO_PITCH ? mod : 0.0f);
	float f1 = (float)freq * (semis != 0.0f ? exp2f(semis / 12.0f) : 1.0f);
	float f2 = f1 * exp2f((p->osc2_semi + p->osc2_detune * 0.01f) / 12.0f);
	float pwm = p->lfo_target == LFO_TO_PW ? mod : 0.0f;

	c->dt[0] = clampf(f1 / v->rate, 0.0f, MAX_DT);
	c->dt[1] = clampf(f2 / v->rate, 0.0f, MAX_DT);
	c->pw[0] = clampf(p->osc1_pw + pwm, PW_MIN, PW_MAX);
	c->pw[1] = clampf(p->osc2_pw + pwm, PW_MIN, PW_MAX);
	c->g = 0.0f;
	if (p->filter != FILTER_OFF) {
		float oct = v->fenv.level * p->filter_env + v->cutoff_mod;
		if (p->keytrack != 0.0f && freq > 0.0)
			oct += p->keytrack * log2f((float)freq / C4_HZ);
		if (p->lfo_target == LFO_TO_CUTOFF)
			oct += mod;
		float fc = clampf(p->cutoff * exp2f(oct), MIN_CUTOFF, MAX_CUTOFF * v->rate);
		c->g = tanf((float)M_PI * fc / v->rate);
	}
	c->gain = 1.0f;
	if (p->lfo_target == LFO_TO_AMP)
		c->gain = 1.0f - clampf(p->lfo_depth, 0.0f, 1.0f) * 0.5f * (1.0f - lfo);
}

/* Moves the modulators one control period on. */
static void ctl_advance(synth_voice_t *v, const synth_params_t *p)
{
	float scratch[SYNTH_CTL];
	env_run(&v->fenv, &p->fenv, scratch, SYNTH_CTL);

	if (v->pitch_sweep != 0.0f) {
		float n = p->pitch_decay * v->rate;
		v->pitch_sweep = n > 1.0f ? v->pitch_sweep * expf(-(float)SYNTH_CTL / n) : 0.0f;
		if (fabsf(v->pitch_sweep) < 1e-4f)
			v->pitch_sweep = 0.0f;
	}

	double rate = p->lfo_rate > 0.0f ? p->lfo_rate : 0.0;
	v->lfo_phase += rate * SYNTH_CTL / v->rate;
	if (v->lfo_phase >= 1.0) {
		v->lfo_phase -= floor(v->lfo_phase);
		v->noise_hold = dsp_randf(&v->lfo_noise);
	}
}

static void control(synth_voice_t *v, const synth_params_t *p, double freq)
{
	ctl_t c;
	const float inv = 1.0f / SYNTH_CTL;

	if (!v->primed) {
		ctl_compute(v, p, freq, &c);
		for (int i = 0; i < 2; i++) {
			v->osc[i].dt = c.dt[i];
			v->osc[i].pw = c.pw[i];
		}
		v->g = c.g;
		v->gain = c.gain;
		v->primed = true;
		/* Run the oscillators SYNTH_BLEP_HALF samples ahead once, so the
		 * ring's read-behind costs no latency: the note sounds on the
		 * very sample it was triggered on. */
		float w2 = clampf(p->osc_mix, 0.0f, 1.0f), w1 = 1.0f - w2;
		for (int i = 0; i < 2; i++)
			v->osc[i].ddt = v->osc[i].dpw = 0.0f;
		if (w1 > 0.0f)
			run_osc(&v->osc[0], p->osc1_wave, w1, v->ring[0], v->ring_pos, SYNTH_BLEP_HALF, &v->noise);
		if (w2 > 0.0f)
			run_osc(&v->osc[1], p->osc2_wave, w2, v->ring[1], v->ring_pos, SYNTH_BLEP_HALF, &v->noise);
		v->ring_pos += SYNTH_BLEP_HALF;
	}
	ctl_advance(v, p);
	ctl_compute(v, p, freq, &c);
	for (int i = 0; i < 2; i++) {
		v->osc[i].ddt = (c.dt[i] - v->osc[i].dt) * inv;
		v->osc[i].dpw = (c.pw[i] - v->osc[i].pw) * inv;
	}
	v->dg = (c.g - v->g) * inv;
	v->dgain = (c.gain - v->gain) * inv;
	float r = 1.0f - clampf(v->reso_set ? v->reso : p->resonance, 0.0f, 1.0f);
	v->k = K_MIN + (2.0f - K_MIN) * r * r;   /* Q 0.5 .. 40, most of it near the top */
	/* A silent input lets the filter decay into denormals. */
	if (fabsf(v->ic1eq) < 1e-20f)
		v->ic1eq = 0.0f;
	if (fabsf(v->ic2eq) < 1e-20f)
		v->ic2eq = 0.0f;
	v->ctl_left = SYNTH_CTL;
}

static void render_block(synth_voice_t *v, const synth_params_t *p, float *out, int n)
{
	float w2 = clampf(p->osc_mix, 0.0f, 1.0f), w1 = 1.0f - w2;
	unsigned pos = v->ring_pos;
	float env[SYNTH_CTL];

	/* A ring each: its sums then come in the same order however the
	 * samples are split into blocks. */
	if (w1 > 0.0f)
		run_osc(&v->osc[0], p->osc1_wave, w1, v->ring[0], pos, n, &v->noise);
	if (w2 > 0.0f)
		run_osc(&v->osc[1], p->osc2_wave, w2, v->ring[1], pos, n, &v->noise);
	for (int i = 0; i < n; i++) {
		unsigned slot = (pos + (unsigned)i - SYNTH_BLEP_HALF) & RING_MASK;
		out[i] = v->ring[0][slot] + v->ring[1][slot];
		v->ring[0][slot] = v->ring[1][slot] = 0.0f;
	}
	v->ring_pos = pos + (unsigned)n;

	if (p->filter != FILTER_OFF)
		run_filter(v, p->filter, out, n);

	env_run(&v->amp, &p->amp, env, n);
	float gain = v->gain, dgain = v->dgain;
	for (int i = 0; i < n; i++) {
		gain += dgain;
		out[i] *= env[i] * gain;
	}
	v->gain = gain;
}

void synth_voice_start(synth_voice_t *v, const synth_params_t *p, float rate, uint32_t seed)
{
	float cutoff_mod = v->cutoff_mod, reso = v->reso;
	bool reso_set = v->reso_set;
	memset(v, 0, sizeof(*v));
	v->cutoff_mod = cutoff_mod;
	v->reso_set = reso_set;
	v->reso = reso;
	v->rate = rate;
	v->noise = seed;
	v->lfo_noise = seed ^ 0x5851f42du;   /* a second stream from the same seed */
	v->noise_hold = dsp_randf(&v->lfo_noise);
	v->pitch_sweep = p->pitch_decay > 0.0f ? p->pitch_env : 0.0f;
	v->osc[0].high = v->osc[1].high = true;   /* phase 0 is inside the pulse */
	env_start(&v->amp, &p->amp, rate);
	env_start(&v->fenv, &p->fenv, rate);
}

void synth_voice_release(synth_voice_t *v, const synth_params_t *p)
{
	env_release(&v->amp, &p->amp);
	env_release(&v->fenv, &p->fenv);
}

void synth_voice_kill(synth_voice_t *v, float seconds)
{
	env_kill(&v->amp, seconds);
}

bool synth_voice_render(synth_voice_t *v, const synth_params_t *p, double freq_hz, float *out, int n)
{
	int done = 0;
	while (done < n && env_active(&v->amp)) {
		if (v->ctl_left <= 0)
			control(v, p, freq_hz);
		int len = n - done < v->ctl_left ? n - done : v->ctl_left;
		render_block(v, p, out + done, len);
		v->ctl_left -= len;
		done += len;
	}
	if (done < n)
		memset(out + done, 0, (size_t)(n - done) * sizeof(*out));
	return env_active(&v->amp);
}

bool synth_voice_active(const synth_voice_t *v)
{
	return env_active(&v->amp);
}
