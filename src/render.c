/*
 * render: the offline sink.  The engine renders as fast as the CPU
 * allows; this module measures the result (peak, clipping, loudness),
 * reduces it to the file's word length with TPDF dither and writes it,
 * and the stems beside it, through libsndfile.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sndfile.h>
#include "delivery.h"
#include "dsp.h"
#include "engine.h"
#include "loudness.h"
#include "render.h"

#define CHUNK 4096
#define LUFS_TOLERANCE 0.1   /* LU: close enough to stop adjusting */
#define LUFS_MAX_PASSES 8

void render_opts_default(render_opts_t *o)
{
	*o = (render_opts_t){ .rate = 48000, .bits = 24, .dither = true, .master = true, .lufs = NAN };
}

/* One output file. */
typedef struct wav_out {
	SNDFILE *sf;
	int bits;
	bool dither;
	uint32_t rng;
	int fd;              /* the temporary file, renamed to path when done */
	char path[1024];
	char tmp[1040];
} wav_out_t;

/* Quantises to `bits` with triangular (TPDF) dither of +-1 LSB, the
 * standard choice: it turns truncation distortion into a steady noise
 * floor, so a fade or a quiet tone survives as a tone.  Returns the value
 * as a left-justified 32-bit integer for sf_write_int. */
static int32_t quantise(float x, int bits, bool dither, uint32_t *rng)
{
	double scale = (double)(1 << (bits - 1));
	double v = (double)x * scale;
	if (dither)
		v += 0.5 * ((double)dsp_randf(rng) + (double)dsp_randf(rng));
	double q = floor(v + 0.5);
	if (q > scale - 1)
		q = scale - 1;
	if (q < -scale)
		q = -scale;
	return (int32_t)q * (int32_t)(1u << (32 - bits));
}

static int wav_open(wav_out_t *w, const char *path, const render_opts_t *o, char *err, size_t errlen)
{
	SF_INFO info = {
		.samplerate = o->rate,
		.channels = 2,
		.format = delivery_sf_format(path, o->bits),
	};
	const delivery_format_t *fmt = delivery_for_path(path);
	snprintf(w->path, sizeof(w->path), "%s", path);
	/* a lossy encoder takes the float mix: nothing to dither to */
	w->bits = fmt && fmt->lossy ? 32 : o->bits;
	w->dither = o->dither;
	w->rng = 0x5eed1234u;   /* fixed: the same song gives the same bytes */
	/* Written beside the target and renamed over it when complete, so a
	 * failed or interrupted render never leaves half a file by that name
	 * (nor destroys the previous render). */
	snprintf(w->tmp, sizeof(w->tmp), "%s.XXXXXX", path);
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fchmod(w->fd, 0644);   /* mkstemp makes it private; a render is not */
	w->sf = sf_open_fd(w->fd, SFM_WRITE, &info, 0);
	if (!w->sf) {
		snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
		close(w->fd);
		unlink(w->tmp);
		w->fd = -1;
		return -1;
	}
	delivery_tune(path, w->sf);
	return 0;
}

static int wav_write(wav_out_t *w, const float *buf, size_t n, int32_t *ibuf, char *err, size_t errlen)
{
	sf_count_t got;
	if (w->bits == 32) {
		got = sf_writef_float(w->sf, buf, (sf_count_t)n);
	} else {
		for (size_t i = 0; i < n * 2; i++)
			ibuf[i] = quantise(buf[i], w->bits, w->dither, &w->rng);
		got = sf_writef_int(w->sf, ibuf, (sf_count_t)n);
	}
	if (got != (sf_count_t)n) {
		snprintf(err, errlen, "%s: write failed: %s", w->path, sf_strerror(w->sf));
		return -1;
	}
	return 0;
}

/* Finishes the file: on success (ok) makes it durable and puts it in
 * place; otherwise removes it. */
static int wav_close(wav_out_t *w, bool ok, char *err, size_t errlen)
{
	if (!w->sf)
		return 0;
	int rc = sf_close(w->sf);
	w->sf = NULL;
	if (ok && rc == 0 && fsync(w->fd) == 0 && close(w->fd) == 0) {
		w->fd = -1;
		if (rename(w->tmp, w->path) == 0)
			return 0;
	} else if (w->fd >= 0) {
		close(w->fd);
	}
	w->fd = -1;
	unlink(w->tmp);
	if (ok) {
		snprintf(err, errlen, "%s: could not finish the file: %s", w->path,
		         rc ? sf_error_number(rc) : strerror(errno));
		return -1;
	}
	return 0;
}

static void measure(const float *buf, size_t n, render_result_t *res)
{
	for (size_t i = 0; i < n; i++) {
		float a = fabsf(buf[i]);
		if (a > res->peak)
			res->peak = a;
		if (a > 1.0f)
			res->clipped++;
	}
}

/* "Lead Synth" -> "Lead-Synth": names that are safe in any folder. */
static void safe_name(const char *in, char *out, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; in[i] && j + 1 < n; i++) {
		char c = in[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '-' || c == '_';
		out[j++] = ok ? c : '-';
	}
	out[j] = 0;
}

/* One render of the song; writes the master to `path` and the stems when
 * asked (path NULL: measure only). */
static int render_pass(const song_t *song, const char *path, const render_opts_t *o,
                       render_result_t *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	int rc = -1;
	int64_t expect = engine_song_frames(song, o->rate);
	engine_t *e = engine_create(song, o->rate);
	loudness_t *meter = loudness_create(o->rate);
	float *buf = malloc(CHUNK * 2 * sizeof(float));
	int32_t *ibuf = malloc(CHUNK * 2 * sizeof(int32_t));
	int nstems = 0;
	float **stems = NULL;
	wav_out_t master = { 0 }, mstem = { 0 }, *stem_out = NULL;
	if (!e || !meter || !buf || !ibuf || expect < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!o->master)
		engine_set_master(e, false);
	if (path && o->stems) {
		nstems = engine_stem_count(e);
		stems = calloc((size_t)nstems, sizeof(*stems));
		stem_out = calloc((size_t)nstems, sizeof(*stem_out));
		if (!stems || !stem_out || engine_enable_stems(e) != 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (mkdir(o->stems, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", o->stems, strerror(errno));
			goto out;
		}
		for (int k = 0; k < nstems; k++) {
			char name[SONG_NAME_MAX * 2], file[1200];
			if (k < song->channels) {
				char safe[SONG_NAME_MAX];
				safe_name(song->channel[k].name, safe, sizeof(safe));
				snprintf(name, sizeof(name), "%02d%s%s", k + 1, safe[0] ? "-" : "", safe);
			} else {
				snprintf(name, sizeof(name), "%s", k == song->channels ? "reverb" : "delay");
			}
			snprintf(file, sizeof(file), "%s/%s.wav", o->stems, name);
			stems[k] = malloc(CHUNK * 2 * sizeof(float));
			if (!stems[k]) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			if (wav_open(&stem_out[k], file, o, err, errlen) != 0)
				goto out;
		}
		/* the master beside them, so the folder is a complete delivery */
		char file[1200];
		snprintf(file, sizeof(file), "%s/master.wav", o->stems);
		if (wav_open(&mstem, file, o, err, errlen) != 0)
			goto out;
	}
	if (path && wav_open(&master, path, o, err, errlen) != 0)
		goto out;
	for (;;) {
		size_t n = engine_render_stems(e, buf, stems, CHUNK);
		if (n == 0)
			break;
		measure(buf, n * 2, res);
		loudness_add(meter, buf, n);
		if (path && wav_write(&master, buf, n, ibuf, err, errlen) != 0)
			goto out;
		for (int k = 0; k < nstems; k++)
			if (wav_write(&stem_out[k], stems[k], n, ibuf, err, errlen) != 0)
				goto out;
		if (nstems && wav_write(&mstem, buf, n, ibuf, err, errlen) != 0)
			goto out;
		res->frames += (int64_t)n;
		if (o->progress)
			o->progress(o->user, res->frames, res->frames > expect ? res->frames : expect);
		if (n < CHUNK)
			break;
	}
	res->song_frames = engine_end_frame(e);
	loudness_reading_t r;
	loudness_read(meter, &r);
	res->lufs = r.integrated;
	res->true_peak = r.true_peak;
	res->lra = r.range;
	res->correlation = r.correlation_all;
	res->passes = 1;
	rc = 0;
out:
	if (wav_close(&master, rc == 0, err, errlen) != 0)
		rc = -1;
	if (wav_close(&mstem, rc == 0, err, errlen) != 0)
		rc = -1;
	for (int k = 0; stem_out && k < nstems; k++)
		if (wav_close(&stem_out[k], rc == 0, err, errlen) != 0)
			rc = -1;
	for (int k = 0; stems && k < nstems; k++)
		free(stems[k]);
	free(stems);
	free(stem_out);
	loudness_destroy(meter);
	engine_destroy(e);
	free(buf);
	free(ibuf);
	return rc;
}

int render_analyse(const song_t *song, const render_opts_t *o, render_result_t *res,
                   char *err, size_t errlen)
{
	return render_pass(song, NULL, o, res, err, errlen);
}

int render_to_wav(const song_t *song, const char *path, const render_opts_t *o,
                  render_result_t *res, char *err, size_t errlen)
{
	if (o->bits != 16 && o->bits != 24 && o->bits != 32) {
		snprintf(err, errlen, "unsupported bit depth %d (16, 24 or 32)", o->bits);
		return -1;
	}
	if (path && delivery_check(path, o->rate, o->bits, err, errlen) != 0)
		return -1;
	if (isnan(o->lufs))
		return render_pass(song, path, o, res, err, errlen);
	if (!o->master) {
		snprintf(err, errlen, "a loudness target needs the master chain (its limiter keeps the peaks down)");
		return -1;
	}
	/* A copy that shares the song's patterns and samples (the engine
	 * only reads them) with the master gain and limiter of our choosing.
	 * Loudness is nearly linear in gain until the limiter works hard, so
	 * a few passes converge. */
	song_t tmp = *song;
	tmp.master.limiter_on = true;
	render_opts_t quiet = *o;
	quiet.progress = NULL;
	double gain = 0, last_gain = 0, last_lufs = 0;
	int passes = 0;
	for (;;) {
		tmp.master.volume = song->master.volume + (float)gain;
		if (render_pass(&tmp, NULL, &quiet, res, err, errlen) != 0)
			return -1;
		passes++;
		if (!isfinite(res->lufs)) {
			snprintf(err, errlen, "the song is silent: no loudness to adjust");
			return -1;
		}
		double miss = o->lufs - res->lufs;
		if (fabs(miss) <= LUFS_TOLERANCE || passes >= LUFS_MAX_PASSES)
			break;
		/* Once the limiter bites, a dB of gain buys less than a dB of
		 * loudness: step by the slope the last two passes measured
		 * (a secant step), kept sane so one odd pass cannot throw it. */
		double step = miss;
		if (passes >= 2 && fabs(gain - last_gain) > 1e-3) {
			double slope = (res->lufs - last_lufs) / (gain - last_gain);
			slope = slope < 0.1 ? 0.1 : slope > 1.5 ? 1.5 : slope;
			step = miss / slope;
		}
		step = step > 24.0 ? 24.0 : step < -24.0 ? -24.0 : step;
		last_gain = gain;
		last_lufs = res->lufs;
		gain += step;
	}
	tmp.master.volume = song->master.volume + (float)gain;
	int rc = render_pass(&tmp, path, o, res, err, errlen);
	res->gain = gain;
	res->passes = passes + 1;
	return rc;
}

int64_t render_to_buffer(const song_t *song, int rate, float **out)
{
	*out = NULL;
	engine_t *e = engine_create(song, rate);
	if (!e)
		return -1;
	size_t cap = (size_t)rate * 4, len = 0;
	float *buf = malloc(cap * 2 * sizeof(float));
	while (buf) {
		if (len + CHUNK > cap) {
			cap *= 2;
			float *nb = realloc(buf, cap * 2 * sizeof(float));
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		size_t n = engine_render(e, buf + 2 * len, CHUNK);
		len += n;
		if (n < CHUNK)
			break;
	}
	engine_destroy(e);
	if (!buf)
		return -1;
	*out = buf;
	return (int64_t)len;
}
