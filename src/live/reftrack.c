/*
 * reftrack: loading, measuring and playing a reference track (see
 * reftrack.h).
 *
 * Why resample at load and not while playing: the reference plays for
 * minutes on end beside a full mix, and the audio thread has better
 * uses for its time than a sinc per frame; a copy at the engine's rate
 * costs memory once (a four-minute record at 48 kHz is 88 MB of
 * floats) and makes the player a plain copy with a gain.
 *
 * Why the player keeps the mix untouched when it is heard alone: the
 * sound with no reference chosen must be the sound without this module,
 * bit for bit.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "loudness.h"
#include "note.h"
#include "reftrack.h"
#include "sample.h"
#include "sampler.h"

#define BLOCK 4096
#define SEAM_S 0.005   /* the fade at each end, so the loop does not click */

/* The file's frames at rate, as interleaved stereo: a sampler voice at
 * the root note plays a sample at its own rate, so its output at the
 * engine's rate is the resampled file. */
static float *resample(const sample_t *s, int rate, int64_t *frames_out)
{
	int64_t n = s->rate == rate ? s->frames
	                            : (int64_t)ceil((double)s->frames * rate / (double)s->rate);
	float *out = malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof(float));
	if (!out)
		return NULL;
	*frames_out = n;
	if (s->rate == rate) {
		for (int64_t i = 0; i < n; i++) {
			const float *f = s->data + i * s->channels;
			out[2 * i] = f[0];
			out[2 * i + 1] = s->channels >= 2 ? f[1] : f[0];
		}
		return out;
	}
	sampler_params_t p;
	sampler_params_default(&p);
	p.sample = *s;
	p.loop = LOOP_OFF;
	p.amp.attack = 0.0f;
	p.amp.decay = 0.0f;
	p.amp.sustain = 1.0f;
	p.amp.release = 0.0f;
	sampler_voice_t v;
	memset(&v, 0, sizeof(v));
	sampler_voice_start(&v, &p, (float)rate, 0);
	v.interp = INTERP_SINC;
	float l[BLOCK], r[BLOCK];
	double hz = note_to_hz(p.root);
	for (int64_t done = 0; done < n; done += BLOCK) {
		int m = n - done < BLOCK ? (int)(n - done) : BLOCK;
		sampler_voice_render(&v, &p, hz, l, r, m);
		for (int i = 0; i < m; i++) {
			out[2 * (done + i)] = l[i];
			out[2 * (done + i) + 1] = r[i];
		}
	}
	return out;
}

reftrack_t *reftrack_load(const char *path, int rate, char *err, size_t errlen)
{
	if (rate <= 0) {
		snprintf(err, errlen, "%s: no sample rate to play it at", path);
		return NULL;
	}
	sample_t s;
	char why[600];
	if (sample_load(&s, path, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (s.frames <= 0) {
		snprintf(err, errlen, "%s: no sound in it", path);
		sample_free(&s);
		return NULL;
	}
	reftrack_t *r = calloc(1, sizeof(*r));
	if (!r) {
		sample_free(&s);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->rate = rate;
	r->file_rate = s.rate;
	r->file_channels = s.channels;
	/* the resampler's table is built once per process; a thread of
	 * ours may be the first to want it */
	sampler_init();
	r->data = resample(&s, rate, &r->frames);
	sample_free(&s);
	if (r->data) {
		int64_t fade = (int64_t)(SEAM_S * rate);
		fade = fade > r->frames / 2 ? r->frames / 2 : fade;
		for (int64_t i = 0; i < fade; i++) {
			float g = (float)i / (float)fade;
			float *a = r->data + 2 * i, *z = r->data + 2 * (r->frames - 1 - i);
			a[0] *= g;
			a[1] *= g;
			z[0] *= g;
			z[1] *= g;
		}
	}
	loudness_t *m = r->data ? loudness_create(rate) : NULL;
	if (!m) {
		reftrack_free(r);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	for (int64_t done = 0; done < r->frames; done += BLOCK) {
		int64_t k = r->frames - done < BLOCK ? r->frames - done : BLOCK;
		loudness_add(m, r->data + 2 * done, (size_t)k);
	}
	loudness_reading_t rd;
	loudness_read(m, &rd);
	loudness_destroy(m);
	r->lufs = rd.integrated;
	r->lra = isfinite(rd.range) ? rd.range : 0.0;
	r->true_peak = rd.true_peak;
	if (!isfinite(r->lufs) || r->lufs < -70.0) {
		reftrack_free(r);
		snprintf(err, errlen, "%s: silent, nothing to match", path);
		return NULL;
	}
	return r;
}

void reftrack_free(reftrack_t *r)
{
	if (!r)
		return;
	free(r->data);
	free(r);
}

/* ---- the loader thread ------------------------------------------------ */

struct reftrack_job {
	pthread_t thread;
	char path[1024];
	int rate;
	reftrack_t *ref;
	char err[1200];
	atomic_bool done;
};

static void *job_run(void *arg)
{
	reftrack_job_t *j = arg;
	j->ref = reftrack_load(j->path, j->rate, j->err, sizeof(j->err));
	atomic_store_explicit(&j->done, true, memory_order_release);
	return NULL;
}

reftrack_job_t *reftrack_job_start(const char *path, int rate, char *err, size_t errlen)
{
	reftrack_job_t *j = calloc(1, sizeof(*j));
	if (!j) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	snprintf(j->path, sizeof(j->path), "%s", path);
	j->rate = rate;
	atomic_init(&j->done, false);
	if (pthread_create(&j->thread, NULL, job_run, j) != 0) {
		free(j);
		snprintf(err, errlen, "%s: cannot start a thread to load it", path);
		return NULL;
	}
	return j;
}

bool reftrack_job_done(const reftrack_job_t *j)
{
	return atomic_load_explicit(&j->done, memory_order_acquire);
}

reftrack_t *reftrack_job_finish(reftrack_job_t *j, char *err, size_t errlen)
{
	pthread_join(j->thread, NULL);
	reftrack_t *r = j->ref;
	if (!r)
		snprintf(err, errlen, "%s", j->err);
	free(j);
	return r;
}

double reftrack_match_gain(double ref_lufs, double mix_lufs)
{
	if (!isfinite(ref_lufs) || !isfinite(mix_lufs))
		return 0.0;
	double g = mix_lufs - ref_lufs;
	return g > REFTRACK_GAIN_MAX ? REFTRACK_GAIN_MAX : g < -REFTRACK_GAIN_MAX ? -REFTRACK_GAIN_MAX : g;
}

/* ---- the player -------------------------------------------------------- */

void refplay_init(refplay_t *p, int rate)
{
	memset(p, 0, sizeof(*p));
	p->xf_step = 1.0f / (float)(REFPLAY_XFADE_S * (rate > 0 ? rate : 48000));
	p->gain = p->gain_want = 1.0f;
	/* the gain glides with a 20 ms time constant */
	p->glide = 1.0f - expf(-1.0f / (0.02f * (float)(rate > 0 ? rate : 48000)));
}

void refplay_set(refplay_t *p, const reftrack_t *ref)
{
	p->ref = ref;
	p->pos = 0;
	if (!ref) {
		p->want = false;
		p->xf = 0.0f;
	}
}

void refplay_choose(refplay_t *p, bool reference, float gain_db)
{
	p->want = reference && p->ref;
	p->gain_want = db_to_gain(gain_db);
	if (p->xf == 0.0f)
		p->gain = p->gain_want;   /* not heard: nothing to glide */
}

void refplay_rewind(refplay_t *p)
{
	p->pos = 0;
}

bool refplay_heard(const refplay_t *p)
{
	return p->xf > 0.5f;
}

void refplay_process(refplay_t *p, float *out, int frames, bool advance)
{
	const reftrack_t *r = p->ref;
	if (!r || r->frames <= 0)
		return;
	if (!p->want && p->xf == 0.0f) {
		p->gain = p->gain_want;
		if (advance)
			p->pos = (p->pos + frames) % r->frames;
		return;
	}
	const float target = p->want ? 1.0f : 0.0f;
	int64_t pos = p->pos;
	float xf = p->xf, g = p->gain;
	for (int i = 0; i < frames; i++) {
		if (xf != target) {
			xf += target > xf ? p->xf_step : -p->xf_step;
			if ((target == 1.0f && xf > 1.0f) || (target == 0.0f && xf < 0.0f))
				xf = target;
		}
		g += (p->gain_want - g) * p->glide;
		float rl = 0.0f, rr = 0.0f;
		if (advance) {
			rl = r->data[2 * pos] * g;
			rr = r->data[2 * pos + 1] * g;
			if (++pos == r->frames)
				pos = 0;
		}
		out[2 * i] = out[2 * i] * (1.0f - xf) + rl * xf;
		out[2 * i + 1] = out[2 * i + 1] * (1.0f - xf) + rr * xf;
	}
	p->pos = pos;
	p->xf = xf;
	p->gain = g;
}
