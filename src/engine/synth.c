/*
 * synth: the subtractive voice.
 *
 *   osc1 --\     ring: naive waves        +-----+
 *           +--> + band-limited steps --> | SVF | --> x amp env x tremolo --> out
 *   osc2 --/     (written 32 samples ahead) +-----+
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
#define BLEP_DEG    7
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
 * (beta 9.5, cutoff 0.453 of the rate, 2 * SYNTH_BLEP_HALF samples long),
 * minus the ideal step.  blep_poly[q][k] is coefficient q of the residual
 * over [k, k + 1) samples after the jump, as a polynomial in the jump's
 * fractional distance; the residual is odd about the jump, so the samples
 * before it reuse the rows mirrored.  Least-squares fits from
 * tools/blepgen, worst error 3.3e-7 of the step.
 *
 * Every partial above Nyquist folds back, and one just above it lands
 * just below, so the kernel's stopband has to begin at Nyquist itself:
 * it is down 90 dB at 0.5 of the rate and stays there, which holds every
 * alias 80 dB under the fundamental even for the 5% pulse, whose
 * partials near Nyquist are as loud as its fundamental.  The passband is
 * flat to 0.42 of the rate (-0.1 dB there: 18.5 kHz at 44.1 kHz), -5 dB
 * at 0.45.  Such a transition, 0.08 of the rate wide, takes 64 taps at
 * this depth; a 32-tap kernel could only have it by giving up the top
 * of the band.  The fit is of degree 7 because the error of the fit
 * repeats with the jump's fractional position and so comes out as
 * sidebands of the partials: at degree 5 they reached -76 dB for the
 * narrow pulse.  Taps cost per jump, not per sample: a note's few
 * hundred jumps a second keep the longer kernel cheap, and the table is
 * laid out coefficient by coefficient so that all taps are evaluated
 * together in vector registers.
 */
static const float blep_poly[BLEP_DEG + 1][SYNTH_BLEP_HALF] = {
	{
		-5.00000298e-01f, 8.42875764e-02f, -3.85288447e-02f, 1.88139100e-02f,
		-7.42067769e-03f, 1.93292159e-04f, 4.33180714e-03f, -6.89091161e-03f,
		7.94479158e-03f, -7.89292529e-03f, 7.06594391e-03f, -5.78673882e-03f,
		4.30738507e-03f, -2.85369530e-03f, 1.56354054e-03f, -5.41052956e-04f,
		-1.92791005e-04f, 6.34719210e-04f, -8.40578694e-04f, 8.56178289e-04f,
		-7.59310322e-04f, 5.94739628e-04f, -4.22643352e-04f, 2.60852365e-04f,
		-1.40065036e-04f, 5.14151834e-05f, -5.04961190e-06f, -2.09595364e-05f,
		2.23954212e-05f, -2.14969787e-05f, 1.07862188e-05f, -7.69441158e-06f,
	},
	{
		9.06018257e-01f, 9.22216401e-02f, -8.70847106e-02f, 7.89948031e-02f,
		-6.86156079e-02f, 5.67681305e-02f, -4.43370454e-02f, 3.21767665e-02f,
		-2.10280828e-02f, 1.14548318e-02f, -3.80723132e-03f, -1.78578903e-03f,
		5.39733656e-03f, -7.26210605e-03f, 7.72283040e-03f, -7.17262086e-03f,
		6.00154838e-03f, -4.55396436e-03f, 3.10044712e-03f, -1.82541308e-03f,
		8.28895369e-04f, -1.39115102e-04f, -2.68497388e-04f, 4.50247928e-04f,
		-4.74818837e-04f, 4.08158405e-04f, -3.03820212e-04f, 1.98705296e-04f,
		-1.13227950e-04f, 5.44141803e-05f, -2.03475374e-05f, 4.61686705e-06f,
	},
	{
		-3.70195427e-04f, -4.77809072e-01f, 2.07376137e-01f, -1.06128961e-01f,
		5.00289239e-02f, -1.47302756e-02f, -7.83784222e-03f, 2.13771872e-02f,
		-2.81448364e-02f, 2.98612658e-02f, -2.80032940e-02f, 2.38751583e-02f,
		-1.85982604e-02f, 1.30799552e-02f, -7.98976235e-03f, 3.75536340e-03f,
		-5.81106695e-04f, -1.51438662e-03f, 2.64838920e-03f, -3.02021136e-03f,
		2.86099128e-03f, -2.39299494e-03f, 1.80176389e-03f, -1.22181315e-03f,
		7.34339119e-04f, -3.73879768e-04f, 1.40200253e-04f, -1.18164935e-05f,
		-4.16958683e-05f, 5.03972842e-05f, -3.83682345e-05f, 2.15404252e-05f,
	},
	{
		-4.06419784e-01f, 1.95111498e-01f, 4.64400649e-02f, -8.07304606e-02f,
		8.22837502e-02f, -7.33540878e-02f, 6.02240339e-02f, -4.57545146e-02f,
		3.16552855e-02f, -1.90406293e-02f, 8.59365426e-03f, -6.36584766e-04f,
		-4.81223548e-03f, 7.97302742e-03f, -9.23022162e-03f, 9.05551203e-03f,
		-7.93674681e-03f, 6.32002205e-03f, -4.56973072e-03f, 2.94815958e-03f,
		-1.61315280e-03f, 6.30052062e-04f, 7.20530261e-06f, -3.51220282e-04f,
		4.77192632e-04f, -4.63308737e-04f, 3.77266027e-04f, -2.69234850e-04f,
		1.70364307e-04f, -9.52291375e-05f, 4.63888173e-05f, -1.94222666e-05f,
	},
	{
		-9.75666102e-03f, 1.50572523e-01f, -1.43839076e-01f, 8.11845586e-02f,
		-4.06403206e-02f, 1.44049348e-02f, 2.46186880e-03f, -1.26668140e-02f,
		1.79399792e-02f, -1.95812732e-02f, 1.86706316e-02f, -1.61337350e-02f,
		1.27499737e-02f, -9.14215110e-03f, 5.76801132e-03f, -2.92218220e-03f,
		7.50858744e-04f, 7.22509110e-04f, -1.56457513e-03f, 1.89734658e-03f,
		-1.86597649e-03f, 1.61257025e-03f, -1.25802169e-03f, 8.92307784e-04f,
		-5.72304067e-04f, 3.25280707e-04f, -1.55812580e-04f, 5.39221401e-05f,
		-2.68217696e-06f, -1.58543862e-05f, 1.68809656e-05f, -1.11383079e-05f,
	},
	{
		1.19575135e-01f, -7.66751394e-02f, 9.56795178e-03f, 2.77536307e-02f,
		-3.79918627e-02f, 3.75039056e-02f, -3.24182846e-02f, 2.54945103e-02f,
		-1.82152670e-02f, 1.14536658e-02f, -5.71628707e-03f, 1.24981522e-03f,
		1.89481187e-03f, -3.81110376e-03f, 4.68912534e-03f, -4.77077020e-03f,
		4.31044959e-03f, -3.54383071e-03f, 2.66641309e-03f, -1.82231166e-03f,
		1.10238092e-03f, -5.49626537e-04f, 1.69341947e-04f, 5.86865171e-05f,
		-1.68248182e-04f, 1.96730427e-04f, -1.78036193e-04f, 1.38587799e-04f,
		-9.60552352e-05f, 6.00779858e-05f, -3.41372688e-05f, 1.77989787e-05f,
	},
	{
		-2.06591934e-02f, -1.57401636e-02f, 3.46637480e-02f, -3.44965383e-02f,
		2.68521328e-02f, -1.84586085e-02f, 1.10306218e-02f, -5.03820786e-03f,
		5.61919354e-04f, 2.48456351e-03f, -4.27861325e-03f, 5.04975393e-03f,
		-5.04988106e-03f, 4.52804053e-03f, -3.70963267e-03f, 2.78152060e-03f,
		-1.88381039e-03f, 1.10820623e-03f, -5.01992530e-04f, 7.60296971e-05f,
		1.85051438e-04f, -3.12303659e-04f, 3.43039661e-04f, -3.13505414e-04f,
		2.54099839e-04f, -1.87075784e-04f, 1.26301806e-04f, -7.84425429e-05f,
		4.48855062e-05f, -2.38163957e-05f, 1.20200775e-05f, -6.17527348e-06f,
	},
	{
		-4.10018116e-03f, 9.50251985e-03f, -9.78134759e-03f, 7.18821678e-03f,
		-4.30282811e-03f, 2.00429372e-03f, -3.45877081e-04f, -7.53375411e-04f,
		1.39339350e-03f, -1.67362404e-03f, 1.68848981e-03f, -1.52450101e-03f,
		1.25716184e-03f, -9.48403263e-04f, 6.45027496e-04f, -3.78532044e-04f,
		1.66291473e-04f, -1.38320966e-05f, -8.22103393e-05f, 1.30922854e-04f,
		-1.44146863e-04f, 1.34038652e-04f, -1.11337620e-04f, 8.43794332e-05f,
		-5.87797804e-05f, 3.76292082e-05f, -2.20082529e-05f, 1.16329784e-05f,
		-5.48054459e-06f, 2.29338025e-06f, -9.17284183e-07f, 4.73934961e-07f,
	},
};

static inline float clampf(float x, float lo, float hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* 1 / (q + 1), for the integrals of the step's polynomials. */
static const float recip[] = {
	1.0f, 1.0f / 2, 1.0f / 3, 1.0f / 4, 1.0f / 5, 1.0f / 6, 1.0f / 7, 1.0f / 8,
};
_Static_assert(BLEP_DEG + 1 <= sizeof(recip) / sizeof(recip[0]), "recip[] covers the degree of blep_poly");

/* The step's residual on every tap after a jump d samples (0..1) back,
 * and after one e samples back.  Eight taps at a time, each Horner
 * chain of both kept in registers from the first coefficient to the
 * last. */
static inline void residuals(float d, float e, float ra[SYNTH_BLEP_HALF], float rb[SYNTH_BLEP_HALF])
{
	_Static_assert(SYNTH_BLEP_HALF % 8 == 0, "taps go eight at a time");
	for (int k0 = 0; k0 < SYNTH_BLEP_HALF; k0 += 8) {
		float a[8], b[8];
		for (int j = 0; j < 8; j++)
			a[j] = b[j] = blep_poly[BLEP_DEG][k0 + j];
		for (int q = BLEP_DEG - 1; q >= 0; q--)
			for (int j = 0; j < 8; j++) {
				a[j] = a[j] * d + blep_poly[q][k0 + j];
				b[j] = b[j] * e + blep_poly[q][k0 + j];
			}
		for (int j = 0; j < 8; j++) {
			ra[k0 + j] = a[j];
			rb[k0 + j] = b[j];
		}
	}
}

/* Each tap's residual integrated from 0 to d, and from 0 to e, in the
 * same way. */
static inline void integrals(float d, float e, float ra[SYNTH_BLEP_HALF], float rb[SYNTH_BLEP_HALF])
{
	for (int k0 = 0; k0 < SYNTH_BLEP_HALF; k0 += 8) {
		float a[8], b[8];
		for (int j = 0; j < 8; j++)
			a[j] = b[j] = blep_poly[BLEP_DEG][k0 + j] * recip[BLEP_DEG];
		for (int q = BLEP_DEG - 1; q >= 0; q--)
			for (int j = 0; j < 8; j++) {
				a[j] = a[j] * d + blep_poly[q][k0 + j] * recip[q];
				b[j] = b[j] * e + blep_poly[q][k0 + j] * recip[q];
			}
		for (int j = 0; j < 8; j++) {
			ra[k0 + j] = a[j] * d;
			rb[k0 + j] = b[j] * e;
		}
	}
}

/* Adds h * after[k] at pos + k and h * before[k] at pos - 1 - k, for
 * every tap.  About half the jumps leave the taps on both sides in one
 * run of the ring, which the compiler adds with vector instructions; the
 * others wrap and go one index at a time. */
static inline void scatter(float *ring, unsigned pos, float h,
                           const float after[SYNTH_BLEP_HALF], const float before[SYNTH_BLEP_HALF])
{
	unsigned a = (pos - SYNTH_BLEP_HALF) & RING_MASK;
	if (a + 2 * SYNTH_BLEP_HALF <= SYNTH_RING) {
		float *r = ring + a;
		for (int k = 0; k < SYNTH_BLEP_HALF; k++) {
			r[SYNTH_BLEP_HALF + k] += h * after[k];
			r[k] -= h * before[SYNTH_BLEP_HALF - 1 - k];
		}
		return;
	}
	for (int k = 0; k < SYNTH_BLEP_HALF; k++) {
		ring[(pos + (unsigned)k) & RING_MASK] += h * after[k];
		ring[(pos - 1u - (unsigned)k) & RING_MASK] -= h * before[k];
	}
}

/* The naive signal jumped by h, d samples (0..1) before sample pos. */
static void add_step(float *ring, unsigned pos, float d, float h)
{
	float after[SYNTH_BLEP_HALF], before[SYNTH_BLEP_HALF];
	residuals(d, 1.0f - d, after, before);
	scatter(ring, pos, h, after, before);
}

/* The naive signal's slope changed by s per sample, d samples before
 * sample pos.  The correction is the step residual integrated once, which
 * is even about the kink and vanishes SYNTH_BLEP_HALF samples away; it is
 * summed from the far end, where it is known to be zero. */
static void add_kink(float *ring, unsigned pos, float d, float s)
{
	float after[SYNTH_BLEP_HALF], before[SYNTH_BLEP_HALF], whole[SYNTH_BLEP_HALF];
	integrals(d, 1.0f - d, after, before);
	integrals(1.0f, 1.0f, whole, whole);
	float tail = 0.0f;
	for (int k = SYNTH_BLEP_HALF - 1; k >= 0; k--) {
		tail += whole[k];
		after[k] = tail - after[k];
		before[k] -= tail;   /* even about the kink: scatter() mirrors odd */
	}
	scatter(ring, pos, -s, after, before);
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

static void ctl_compute(synth_voice_t *v, const synth_params_t *p, double freq, ctl_t *c)
{
	float lfo = lfo_value(v, p->lfo_wave);
	float mod = lfo * p->lfo_depth;   /* semitones, octaves or pulse width */
	float semis = v->pitch_sweep + (p->lfo_target == LFO_TO_PITCH ? mod : 0.0f);
	float f1 = (float)freq * (semis != 0.0f ? exp2f(semis / 12.0f) : 1.0f);
	float iv = (p->osc2_semi + p->osc2_detune * 0.01f) / 12.0f;
	if (iv != v->iv_x) {
		v->iv_x = iv;
		v->iv_y = exp2f(iv);
	}
	float f2 = f1 * v->iv_y;
	float pwm = p->lfo_target == LFO_TO_PW ? mod : 0.0f;

	c->dt[0] = clampf(f1 / v->rate, 0.0f, MAX_DT);
	c->dt[1] = clampf(f2 / v->rate, 0.0f, MAX_DT);
	c->pw[0] = clampf(p->osc1_pw + pwm, PW_MIN, PW_MAX);
	c->pw[1] = clampf(p->osc2_pw + pwm, PW_MIN, PW_MAX);
	c->g = 0.0f;
	if (p->filter != FILTER_OFF) {
		float oct = v->fenv.level * p->filter_env + v->cutoff_mod;
		if (p->keytrack != 0.0f && freq > 0.0) {
			float kx = (float)freq / C4_HZ;
			if (kx != v->kt_x) {
				v->kt_x = kx;
				v->kt_y = log2f(kx);
			}
			oct += p->keytrack * v->kt_y;
		}
		if (p->lfo_target == LFO_TO_CUTOFF)
			oct += mod;
		if (oct != v->oct_x) {
			v->oct_x = oct;
			v->oct_y = exp2f(oct);
		}
		float fc = clampf(p->cutoff * v->oct_y, MIN_CUTOFF, MAX_CUTOFF * v->rate);
		float x = (float)M_PI * fc / v->rate;
		if (x != v->fc_x) {
			v->fc_x = x;
			v->fc_y = tanf(x);
		}
		c->g = v->fc_y;
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
	v->iv_y = v->oct_y = 1.0f;   /* exp2f(0), for the zeroed arguments */
	v->kt_x = -1.0f;             /* no frequency's ratio */
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
