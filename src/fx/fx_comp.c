/*
 * fx_comp: the feed-forward compressor of channels and the master.
 *
 *   detector input (the signal, or the sidechain when the engine keys it)
 *      |
 *      v
 *   peak: max(|l|, |r|)  (stereo-linked: both sides get the same gain)
 *      |
 *   level follower: rises at once, falls with release / 20
 *      |
 *   gain computer, dB: threshold, ratio, quadratic soft knee  -> target GR
 *      |
 *   GR smoother, dB: one pole, attack while GR grows, release while it falls
 *      |
 *   gain = makeup - GR (dB)  --> out = in * ((1 - mix) + mix * gain)
 *
 * The detector is a peak detector, not RMS: a sine of peak P is seen at
 * P, so a "-10 dBFS sine" means one of peak amplitude 10^(-10/20).  The
 * level follower only bridges the gaps between a waveform's peaks (its
 * fall, a twentieth of the release time, is short next to the release);
 * without it a steady tone would ask for no reduction at every zero
 * crossing and the smoother would sag below the static curve.
 *
 * Static curve (Giannoulis, Massberg and Reiss, JAES 2012), with level x
 * and overshoot o = x - threshold in dB, knee width W:
 *   2o < -W        GR = 0
 *   |2o| <= W      GR = (1 - 1/ratio) (o + W/2)^2 / (2W)
 *   2o > W         GR = (1 - 1/ratio) o
 * so at the threshold itself a knee of W takes (1 - 1/ratio) W/8 dB.
 *
 * Times: the GR smoother is gr += (target - gr) (1 - e^(-1/(t rate))), with
 * t the attack while the target is above gr and the release while it is
 * below.  After a step in level the gain reduction in dB has therefore
 * made 1 - 1/e (63.2 %) of its change after exactly `attack` ms (the
 * follower rises at once), and after a step down after `release` ms plus
 * the follower's fall through the knee, a few per cent of the release.
 *
 * Makeup and mix glide per sample (COMP_GLIDE_S); threshold, ratio and
 * knee move the target, which the smoother already follows smoothly.
 * The state is plain memory (comp_t); process() never allocates.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"

#define COMP_GLIDE_S     0.005   /* makeup and mix glide, seconds */
#define COMP_FOLLOW_DIV  20.0    /* level follower falls in release / this */
#define DB_PER_OCTAVE    6.02059991f  /* 20 log10(2): dB = this * log2 */

enum { P_THRESHOLD, P_RATIO, P_KNEE, P_ATTACK, P_RELEASE, P_MAKEUP, P_MIX, P_COUNT };

static const fx_param_desc_t comp_params[P_COUNT] = {
	[P_THRESHOLD] = { "threshold", -60.0f, 0.0f,    -18.0f, "dB", false, NULL },
	[P_RATIO]     = { "ratio",     1.0f,   20.0f,   4.0f,   "",   true,  NULL },
	[P_KNEE]      = { "knee",      0.0f,   24.0f,   6.0f,   "dB", false, NULL },
	[P_ATTACK]    = { "attack",    0.1f,   200.0f,  10.0f,  "ms", true,  NULL },
	[P_RELEASE]   = { "release",   5.0f,   2000.0f, 150.0f, "ms", true,  NULL },
	[P_MAKEUP]    = { "makeup",    -12.0f, 24.0f,   0.0f,   "dB", false, NULL },
	[P_MIX]       = { "mix",       0.0f,   100.0f,  100.0f, "%",  false, NULL },
};

typedef struct comp {
	float rate;
	/* From the parameters. */
	float thr, knee, amount;   /* amount = 1 - 1/ratio */
	float knee_lo;             /* linear level where reduction starts */
	float k_att, k_rel;        /* smoother steps */
	float follow;              /* follower's fall per sample */
	float makeup_t, mix_t;     /* linear targets */
	float glide;
	/* Running. */
	float makeup, mix;
	float env;                 /* follower, linear */
	float gr;                  /* gain reduction, dB, >= 0 */
} comp_t;

static float clampf(float x, float lo, float hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static float step_for(double seconds, double rate)
{
	return (float)(1.0 - exp(-1.0 / (seconds * rate)));
}

static void take_params(comp_t *c, const float *p)
{
	float ratio = clampf(p[P_RATIO], 1.0f, 20.0f);
	float rel = clampf(p[P_RELEASE], 5.0f, 2000.0f) * 0.001f;
	c->thr = clampf(p[P_THRESHOLD], -60.0f, 0.0f);
	c->knee = clampf(p[P_KNEE], 0.0f, 24.0f);
	c->amount = 1.0f - 1.0f / ratio;
	c->knee_lo = powf(10.0f, (c->thr - 0.5f * c->knee) / 20.0f);
	c->k_att = step_for(clampf(p[P_ATTACK], 0.1f, 200.0f) * 0.001, c->rate);
	c->k_rel = step_for(rel, c->rate);
	c->follow = (float)exp(-COMP_FOLLOW_DIV / (rel * c->rate));
	c->makeup_t = db_to_gain(clampf(p[P_MAKEUP], -12.0f, 24.0f));
	c->mix_t = clampf(p[P_MIX], 0.0f, 100.0f) * 0.01f;
}

/* The static curve: gain reduction in dB for a level in dB. */
static float curve(const comp_t *c, float level)
{
	float o = level - c->thr;
	if (2.0f * o <= -c->knee)
		return 0.0f;
	if (2.0f * o < c->knee) {
		float k = o + 0.5f * c->knee;
		return c->amount * k * k / (2.0f * c->knee);
	}
	return c->amount * o;
}

/*
 * Processing runs in chunks of up to COMP_CHUNK frames, in passes: the
 * level follower, the gain computer, the smoother, the glides, and the
 * gain itself.  Apart, the log2f() and exp2f() calls do not wait on each
 * other, the two chains from sample to sample (follower, smoother) stay
 * in registers, and settled glides cost nothing; the arithmetic per
 * sample is the same as in one pass.
 */
#define COMP_CHUNK 64

/* Four floats as one value, for the peaks (GCC's -O2 leaves such loops
 * scalar unless told in these words); comparisons give masks. */
typedef float cv4 __attribute__((vector_size(16)));
typedef int32_t cv4i __attribute__((vector_size(16)));
static const cv4i cv4_mag = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };

/*
 * The level follower over a whole chunk, x[j] = e = max(x[j], e f), in
 * place; returns the last e.  One sample after another that is a chain
 * of a multiply and a comparison per sample.  Rounding a product by
 * f > 0 keeps order, so F(max(a, b)) = max(F(a), F(b)) exactly, with
 * F(e) = e f rounded, and by induction
 *   e[s + i] = max(Q[s + i], F^(i+1)(e[s - 1]))
 * where Q is the follower run from 0 over the block starting at s.  The
 * eight blocks of eight run their Q side by side, then the blocks follow
 * one another with only the chain of F for the carried level: the same
 * values, with a multiply per sample on the chain instead of a multiply
 * and a comparison.  (No NaN reaches here: the peaks have none.)
 */
#define FB 8
_Static_assert(COMP_CHUNK == FB * FB, "eight blocks of eight");
typedef float cv8 __attribute__((vector_size(4 * FB)));
typedef int32_t cv8i __attribute__((vector_size(4 * FB)));

static float follow_chunk(float *x, float env, float f)
{
	float q[COMP_CHUNK];
	cv8 vf = { f, f, f, f, f, f, f, f }, acc = { 0 };
	for (int i = 0; i < FB; i++) {
		cv8 pk;
		for (int b = 0; b < FB; b++)
			pk[b] = x[b * FB + i];
		cv8 fall = acc * vf;
		cv8i bigger = pk > fall;
		acc = (cv8)((bigger & (cv8i)pk) | (~bigger & (cv8i)fall));
		for (int b = 0; b < FB; b++)
			q[b * FB + i] = acc[b];
	}
	for (int b = 0; b < FB; b++) {
		float carried = env;
		for (int i = 0; i < FB; i++) {
			carried *= f;
			float v = q[b * FB + i];
			x[b * FB + i] = v > carried ? v : carried;
		}
		env = x[b * FB + FB - 1];
	}
	return env;
}

static void comp_chunk(comp_t *c, float *l, float *r, const float *dl, const float *dr, int n)
{
	float tgs[COMP_CHUNK], grs[COMP_CHUNK], mks[COMP_CHUNK], mxs[COMP_CHUNK];
	float env = c->env, gr = c->gr, makeup = c->makeup, mix = c->mix;
	/* The peaks, max(|l|, |r|), without branches (a branch on the music
	 * is a guess that often fails) and without fmaxf() (GCC calls the
	 * library for it): a NaN side yields to the other; where both are
	 * NaN the peak reads 0, which the follower passes over as it would
	 * pass over a NaN. */
	uint32_t any = 0;
	int j0 = 0;
	for (; j0 + 4 <= n; j0 += 4) {
		/* four at a time, lane by lane the same as the loop below */
		cv4 a, b;
		memcpy(&a, dl + j0, sizeof(a));
		memcpy(&b, dr + j0, sizeof(b));
		a = (cv4)((cv4i)a & cv4_mag);
		b = (cv4)((cv4i)b & cv4_mag);
		a = (cv4)((cv4i)a & (a == a));
		cv4i bigger = b > a;
		cv4 pk = (cv4)((bigger & (cv4i)b) | (~bigger & (cv4i)a));
		memcpy(tgs + j0, &pk, sizeof(pk));
		cv4i bits = (cv4i)pk;
		any |= (uint32_t)(bits[0] | bits[1] | bits[2] | bits[3]);
	}
	for (int j = j0; j < n; j++) {
		float a = fabsf(dl[j]), b = fabsf(dr[j]);
		a = a == a ? a : 0.0f;
		tgs[j] = b > a ? b : a;
		uint32_t u;
		memcpy(&u, &tgs[j], sizeof(u));
		any |= u;
	}
	/* A silent key with the follower at 0 leaves it there and every
	 * target at 0 (the passes below would give exactly that), so they
	 * are skipped.  Else: env is never NaN (it starts at 0 and a NaN
	 * peak is passed over), so neither is the fall, and the larger of the
	 * two is a plain comparison. */
	if (any || env != 0.0f) {
		if (n == COMP_CHUNK)
			env = follow_chunk(tgs, env, c->follow);
		else
			for (int j = 0; j < n; j++) {
				float fall = env * c->follow, pk = tgs[j];
				tgs[j] = env = pk > fall ? pk : fall;
			}
		for (int j = 0; j < n; j++)
			tgs[j] = tgs[j] > c->knee_lo ? curve(c, DB_PER_OCTAVE * log2f(tgs[j])) : 0.0f;
	}
	/* Nothing to reduce and nothing releasing: every step below would
	 * leave gr at 0 (0 + (0 - 0) k), so the serial loop is skipped. */
	bool rest = gr == 0.0f;
	for (int j = 0; rest && j < n; j++)
		rest = tgs[j] == 0.0f;
	if (rest) {
		memset(grs, 0, (size_t)n * sizeof(float));
	} else {
		for (int j = 0; j < n; j++) {
			float target = tgs[j];
			gr += (target - gr) * (target > gr ? c->k_att : c->k_rel);
			if (target == 0.0f && gr < 1e-6f)
				gr = 0.0f;    /* done releasing; keeps denormals away too */
			grs[j] = gr;
		}
	}
	bool settled = makeup == c->makeup_t && mix == c->mix_t;
	if (settled) {
		/* settled: the glides below would leave both as they are */
		for (int j = 0; j < n; j++) {
			mks[j] = makeup;
			mxs[j] = mix;
		}
	} else {
		for (int j = 0; j < n; j++) {
			makeup += (c->makeup_t - makeup) * c->glide;
			mix += (c->mix_t - mix) * c->glide;
			/* glides end exactly, so mix 0 and makeup 0 dB become exact;
			 * per sample, so the result does not depend on the block size */
			if (fabsf(makeup - c->makeup_t) < 1e-6f)
				makeup = c->makeup_t;
			if (fabsf(mix - c->mix_t) < 1e-6f)
				mix = c->mix_t;
			mks[j] = makeup;
			mxs[j] = mix;
		}
	}
	if (rest && settled) {
		/* no reduction, settled glides: the same factor every frame */
		float k = 1.0f - mix + mix * makeup;
		for (int j = 0; j < n; j++) {
			l[j] *= k;
			r[j] *= k;
		}
	} else {
		for (int j = 0; j < n; j++) {
			float g = grs[j] > 0.0f ? mks[j] * exp2f(-grs[j] * (1.0f / DB_PER_OCTAVE)) : mks[j];
			float k = 1.0f - mxs[j] + mxs[j] * g;
			l[j] *= k;
			r[j] *= k;
		}
	}
	c->makeup = makeup;
	c->mix = mix;
	c->env = env;
	c->gr = gr;
}

static void comp_process(void *st, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	comp_t *c = st;
	const float *dl = l, *dr = r;
	if (ctx && (ctx->sc_l || ctx->sc_r)) {
		dl = ctx->sc_l ? ctx->sc_l : ctx->sc_r;
		dr = ctx->sc_r ? ctx->sc_r : ctx->sc_l;
	}
	for (int at = 0; at < n; at += COMP_CHUNK)
		comp_chunk(c, l + at, r + at, dl + at, dr + at, n - at < COMP_CHUNK ? n - at : COMP_CHUNK);
	c->env = c->env < 1e-12f ? 0.0f : c->env;
}

static float comp_reduction(const void *st)
{
	return ((const comp_t *)st)->gr;
}

static size_t comp_state_size(int rate)
{
	(void)rate;
	return sizeof(comp_t);
}

static void comp_init(void *st, int rate, const float *params)
{
	comp_t *c = st;
	memset(c, 0, sizeof(*c));
	c->rate = (float)rate;
	c->glide = step_for(COMP_GLIDE_S, rate);
	take_params(c, params);
	c->makeup = c->makeup_t;
	c->mix = c->mix_t;
}

static void comp_set(void *st, const float *params)
{
	take_params(st, params);
}

const fx_ops_t fx_comp = {
	.name = "comp",
	.nparams = P_COUNT,
	.params = comp_params,
	.state_size = comp_state_size,
	.init = comp_init,
	.set = comp_set,
	.process = comp_process,
	.reduction = comp_reduction,
};
