/*
 * fx_delay: a stereo echo with tempo sync, ping-pong and a darkening
 * feedback loop.
 *
 *            +-------------- x feedback <--------------+
 *            v                                         |
 *   in --->  + --> [highcut] --> line ==> read head ---+---> wet
 *
 * In ping-pong the loop crosses over: the input, summed to mono, enters
 * the left line only; the left line's echo feeds the right line and the
 * right's feeds back into the left, so the repeats alternate sides.
 *
 * The highcut sits where the signal enters the line, so each repeat has
 * been through it once more than the one before: echo k of a tone at f
 * comes back at feedback^(k-1) * |H(f)|^k.  It is a one-pole lowpass from
 * the bilinear transform (-3 dB exactly at the setting, nothing left at
 * Nyquist), in topology-preserving form so a moving cutoff stays tame.
 * Its gain never exceeds 1, so any feedback below 100% is stable.
 *
 * Delay times are whole frames, so echoes land exactly on the grid a
 * sequencer expects.  A new time neither moves the read head (which bends
 * pitch) nor jumps it (which clicks): a second head starts at the new
 * time and the two are crossfaded linearly over XFADE_MS (weights that
 * sum to one, so the loop gain never exceeds the feedback).  A change that
 * arrives during a crossfade waits for it to end.  Synced times follow
 * the tempo in the context of every block, through the same crossfade.
 *
 * Wet and dry are mixed with a constant-power law (dry cos, wet sin of
 * mix * 90 degrees): echoes are uncorrelated with the dry signal, so
 * their powers add and the loudness holds as the knob turns.  Mix 0 is
 * the dry signal untouched and mix 100 the echoes alone.
 *
 * The state is one block: this header, then the left and the right line.
 * Like every unit it belongs to the audio thread; set() and process() are
 * called from there, never concurrently.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "dsp.h"
#include "fx.h"
#include "song.h"

#define XFADE_MS    25.0   /* read-head crossfade on a time change */
#define RAMP_MS     10.0   /* glide of feedback, mix, routing and highcut */
#define HIGHCUT_TOP 0.45   /* highest cutoff, fraction of the rate */
#define TINY        1e-20f /* below this a recirculating value is flushed */

/* The line holds the longest echo a song can ask for: a whole note at the
 * slowest tempo (12 s), longer than the free-running maximum, so a synced
 * echo is never cut short.  That is 4.6 MB of state at 48 kHz. */
#define LONGEST_S   (4.0 * 60.0 / SONG_BPM_MIN)
/* In integers: C11 asks an integer constant expression of _Static_assert. */
_Static_assert(4 * 60 >= 2 * SONG_BPM_MIN, "the line must hold the longest free time");

enum { P_TIME, P_SYNC, P_FEEDBACK, P_PINGPONG, P_HIGHCUT, P_MIX, P_COUNT };

#define SYNC_LIST(X) \
	X("off", 0.0) X("1/1", 4.0) X("1/2", 2.0) X("1/2.", 3.0) X("1/2t", 4.0 / 3.0) \
	X("1/4", 1.0) X("1/4.", 1.5) X("1/4t", 2.0 / 3.0) X("1/8", 0.5) X("1/8.", 0.75) \
	X("1/8t", 1.0 / 3.0) X("1/16", 0.25) X("1/16.", 0.375) X("1/16t", 1.0 / 6.0) \
	X("1/32", 0.125)

#define SYNC_NAME(name, beats) name,
#define SYNC_BEATS(name, beats) beats,
static const char *const sync_names[] = { SYNC_LIST(SYNC_NAME) };
/* A note value's length in beats (quarter notes). */
static const double sync_beats[] = { SYNC_LIST(SYNC_BEATS) };
#undef SYNC_NAME
#undef SYNC_BEATS
#define NSYNC ((int)(sizeof(sync_names) / sizeof(sync_names[0])))

static const char *const onoff_names[] = { "off", "on" };

static const fx_param_desc_t delay_params[P_COUNT] = {
	[P_TIME] = { .name = "time", .min = 1.0f, .max = 2000.0f, .def = 375.0f,
	             .unit = "ms", .log = true },
	[P_SYNC] = { .name = "sync", .min = 0.0f, .max = (float)(NSYNC - 1), .def = 0.0f,
	             .unit = "", .choices = sync_names },
	[P_FEEDBACK] = { .name = "feedback", .min = 0.0f, .max = 95.0f, .def = 35.0f, .unit = "%" },
	[P_PINGPONG] = { .name = "pingpong", .min = 0.0f, .max = 1.0f, .def = 0.0f,
	                 .unit = "", .choices = onoff_names },
	[P_HIGHCUT] = { .name = "highcut", .min = 500.0f, .max = 20000.0f, .def = 6000.0f,
	                .unit = "Hz", .log = true },
	[P_MIX] = { .name = "mix", .min = 0.0f, .max = 100.0f, .def = 30.0f, .unit = "%" },
};

/* The values that glide, each a linear ramp of ramp_len frames that
 * lands exactly on its target. */
enum { G_FB, G_PP, G_CUT, G_DRY, G_WET, G_COUNT };

typedef struct delay {
	int rate;
	int cap;                  /* frames in each line */
	int xfade_len, ramp_len;  /* frames */
	int w;                    /* write position, shared by both lines */
	int written;              /* frames written since init, up to cap: older
	                           * slots hold a previous run's audio and read
	                           * as silence, so init need not clear 9 MB */
	int tap;                  /* delay of the read head, frames */
	int next;                 /* the head faded to while fading */
	int xf_pos;               /* frames into the crossfade */
	bool fading;
	bool primed;              /* the first block places the head directly */
	float time_ms;
	int sync;
	float cur[G_COUNT], tgt[G_COUNT], step[G_COUNT];
	int left;                 /* frames of glide to go */
	float zl, zr;             /* highcut states */
	float line[];             /* cap frames left, then cap frames right */
} delay_t;

static inline float clampf(float x, float lo, float hi)
{
	return x >= lo ? (x <= hi ? x : hi) : lo;   /* NaN gives lo */
}

static inline float flush(float x)
{
	return fabsf(x) < TINY ? 0.0f : x;
}

static int line_cap(int rate)
{
	return (int)ceil(LONGEST_S * rate) + 1;
}

static size_t delay_state_size(int rate)
{
	return sizeof(delay_t) + 2 * (size_t)line_cap(rate) * sizeof(float);
}

/* Constant power, exact at both ends. */
static void mix_gains(float pct, float *dry, float *wet)
{
	float m = clampf(pct, 0.0f, 100.0f) * 0.01f;
	*dry = m <= 0.0f ? 1.0f : m >= 1.0f ? 0.0f : cosf(m * (float)M_PI * 0.5f);
	*wet = m <= 0.0f ? 0.0f : m >= 1.0f ? 1.0f : sinf(m * (float)M_PI * 0.5f);
}

/* The one-pole's g / (1 + g), g = tan(pi fc / rate). */
static float highcut_coef(float hz, int rate)
{
	double fc = fmin(clampf(hz, 500.0f, 20000.0f), HIGHCUT_TOP * rate);
	double g = tan(M_PI * fc / rate);
	return (float)(g / (1.0 + g));
}

static void take_params(delay_t *d, const float *p)
{
	d->time_ms = clampf(p[P_TIME], 1.0f, 2000.0f);
	d->sync = (int)lrintf(clampf(p[P_SYNC], 0.0f, (float)(NSYNC - 1)));
	d->tgt[G_FB] = clampf(p[P_FEEDBACK], 0.0f, 95.0f) * 0.01f;
	d->tgt[G_PP] = clampf(p[P_PINGPONG], 0.0f, 1.0f) >= 0.5f ? 1.0f : 0.0f;
	d->tgt[G_CUT] = highcut_coef(p[P_HIGHCUT], d->rate);
	mix_gains(p[P_MIX], &d->tgt[G_DRY], &d->tgt[G_WET]);
}

/* The delay the parameters ask for at this tempo, in whole frames. */
static int target_frames(const delay_t *d, double bpm)
{
	double f = d->sync > 0 && bpm > 0.0
	           ? sync_beats[d->sync] * 60.0 * d->rate / bpm
	           : d->time_ms * 0.001 * d->rate;
	if (!(f >= 1.0))
		return 1;
	if (f > d->cap - 1)
		return d->cap - 1;
	return (int)lround(f);
}

static void delay_init(void *st, int rate, const float *params)
{
	delay_t *d = st;
	/* The header only: the lines are as long as the slowest tempo's
	 * longest note and clearing them on every play would cost the audio
	 * thread milliseconds; `written` keeps what they hold unheard. */
	memset(d, 0, sizeof(*d));
	d->rate = rate;
	d->cap = line_cap(rate);
	d->xfade_len = (int)lround(XFADE_MS * 0.001 * rate);
	d->ramp_len = (int)lround(RAMP_MS * 0.001 * rate);
	take_params(d, params);
	memcpy(d->cur, d->tgt, sizeof(d->cur));
	d->tap = d->next = target_frames(d, 0.0);
}

static void delay_set(void *st, const float *params)
{
	delay_t *d = st;
	take_params(d, params);
	d->left = d->ramp_len;
	for (int k = 0; k < G_COUNT; k++)
		d->step[k] = (d->tgt[k] - d->cur[k]) / (float)d->ramp_len;
}

/* What goes into the lines for one frame: input plus feedback (crossed
 * over by ping-pong), through the feedback path's one-pole low-pass.
 * Shared by the steady run and the general frame so both stay the same
 * arithmetic, bit for bit. */
static inline void feed(float xl, float xr, float yl, float yr, float fb, float pp, float cut,
                        float *zl, float *zr, float *outl, float *outr)
{
	float il = xl + fb * yl, ir = xr + fb * yr;
	if (pp != 0.0f) {
		float pl = 0.5f * (xl + xr) + fb * yr, pr = fb * yl;
		il += (pl - il) * pp;
		ir += (pr - ir) * pp;
	}
	float v = (il - *zl) * cut, lo = v + *zl;
	*zl = lo + v;
	*outl = flush(lo);
	v = (ir - *zr) * cut;
	lo = v + *zr;
	*zr = lo + v;
	*outr = flush(lo);
}

static void delay_process(void *st, float *l, float *r, int n, const fx_ctx_t *ctx)
{
	delay_t *d = st;
	int target = target_frames(d, ctx ? ctx->bpm : 0.0);
	if (!d->primed) {
		/* The lines are silent: the head can jump without a sound. */
		d->tap = target;
		d->primed = true;
	}
	float *ll = d->line, *lr = d->line + d->cap;
	const int cap = d->cap;
	const float inv_xf = 1.0f / (float)d->xfade_len;
	float fb = d->cur[G_FB], pp = d->cur[G_PP], cut = d->cur[G_CUT];
	float dry = d->cur[G_DRY], wet = d->cur[G_WET];
	float zl = d->zl, zr = d->zr;
	int w = d->w, left = d->left, written = d->written;
	/* Mix 0 leaves the block untouched, bit for bit. */
	bool touch = left > 0 || wet != 0.0f;

	for (int i = 0; i < n; i++) {
		if (!d->fading && target == d->tap && left == 0 && d->tap <= written) {
			/* Steady: one head, no glide.  Up to the next wrap of either
			 * position the tests below are all settled, so the frames run
			 * without them; the arithmetic is the same. */
			int ri = w - d->tap;
			if (ri < 0)
				ri += cap;
			int m = n - i;
			if (m > cap - w)
				m = cap - w;
			if (m > cap - ri)
				m = cap - ri;
			const float *rl = ll + ri, *rr = lr + ri;
			float *wl = ll + w, *wr = lr + w;
			for (int k = 0; k < m; k++) {
				float yl = rl[k], yr = rr[k];
				float xl = l[i + k], xr = r[i + k];
				feed(xl, xr, yl, yr, fb, pp, cut, &zl, &zr, &wl[k], &wr[k]);
				if (touch) {
					l[i + k] = dry * xl + wet * yl;
					r[i + k] = dry * xr + wet * yr;
				}
			}
			w += m;
			if (w == cap)
				w = 0;
			written = written > cap - m ? cap : written + m;
			i += m - 1;
			continue;
		}
		if (!d->fading && target != d->tap) {
			d->next = target;
			d->xf_pos = 0;
			d->fading = true;
		}
		int ri = w - d->tap;
		if (ri < 0)
			ri += cap;
		float yl = 0.0f, yr = 0.0f;
		if (d->tap <= written) {
			yl = ll[ri];
			yr = lr[ri];
		}
		if (d->fading) {
			int rj = w - d->next;
			if (rj < 0)
				rj += cap;
			float a = (float)d->xf_pos * inv_xf;
			float nl = 0.0f, nr = 0.0f;
			if (d->next <= written) {
				nl = ll[rj];
				nr = lr[rj];
			}
			yl += (nl - yl) * a;
			yr += (nr - yr) * a;
			if (++d->xf_pos == d->xfade_len) {
				d->tap = d->next;
				d->fading = false;
			}
		}
		if (left > 0) {
			fb += d->step[G_FB];
			pp += d->step[G_PP];
			cut += d->step[G_CUT];
			dry += d->step[G_DRY];
			wet += d->step[G_WET];
			if (--left == 0) {
				fb = d->tgt[G_FB];
				pp = d->tgt[G_PP];
				cut = d->tgt[G_CUT];
				dry = d->tgt[G_DRY];
				wet = d->tgt[G_WET];
			}
		}
		float xl = l[i], xr = r[i];
		feed(xl, xr, yl, yr, fb, pp, cut, &zl, &zr, &ll[w], &lr[w]);
		if (++w == cap)
			w = 0;
		if (written < cap)
			written++;
		if (touch) {
			l[i] = dry * xl + wet * yl;
			r[i] = dry * xr + wet * yr;
		}
	}
	d->cur[G_FB] = fb;
	d->cur[G_PP] = pp;
	d->cur[G_CUT] = cut;
	d->cur[G_DRY] = dry;
	d->cur[G_WET] = wet;
	d->left = left;
	d->zl = flush(zl);
	d->zr = flush(zr);
	d->w = w;
	d->written = written;
}

static int delay_gap(const void *st, double bpm)
{
	return target_frames(st, bpm);
}

const fx_ops_t fx_delay = {
	.name = "delay",
	.nparams = P_COUNT,
	.params = delay_params,
	.state_size = delay_state_size,
	.init = delay_init,
	.set = delay_set,
	.process = delay_process,
	.gap = delay_gap,
};
