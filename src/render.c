/*
 * render: the offline sink.  The engine renders as fast as the CPU
 * allows; this module measures the float mix (peak, clipping), reduces
 * it to the file's word length with TPDF dither and writes it through
 * libsndfile.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include "dsp.h"
#include "engine.h"
#include "render.h"

#define CHUNK 4096

void render_opts_default(render_opts_t *o)
{
	*o = (render_opts_t){ .rate = 48000, .bits = 24, .dither = true };
}

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

int render_to_wav(const song_t *song, const char *path, const render_opts_t *o,
                  render_result_t *res, char *err, size_t errlen)
{
	if (o->bits != 16 && o->bits != 24 && o->bits != 32) {
		snprintf(err, errlen, "unsupported bit depth %d (16, 24 or 32)", o->bits);
		return -1;
	}
	memset(res, 0, sizeof(*res));
	int64_t expect = engine_song_frames(song, o->rate);
	engine_t *e = engine_create(song, o->rate);
	float *buf = malloc(CHUNK * 2 * sizeof(float));
	int32_t *ibuf = malloc(CHUNK * 2 * sizeof(int32_t));
	if (!e || !buf || !ibuf || expect < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	SF_INFO info = {
		.samplerate = o->rate,
		.channels = 2,
		.format = SF_FORMAT_WAV | (o->bits == 16 ? SF_FORMAT_PCM_16 :
		                           o->bits == 24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT),
	};
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	if (!sf) {
		snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
		goto fail;
	}
	uint32_t rng = 0x5eed1234u;   /* fixed: the same song gives the same bytes */
	for (;;) {
		size_t n = engine_render(e, buf, CHUNK);
		if (n == 0)
			break;
		measure(buf, n * 2, res);
		sf_count_t w;
		if (o->bits == 32) {
			w = sf_writef_float(sf, buf, (sf_count_t)n);
		} else {
			for (size_t i = 0; i < n * 2; i++)
				ibuf[i] = quantise(buf[i], o->bits, o->dither, &rng);
			w = sf_writef_int(sf, ibuf, (sf_count_t)n);
		}
		if (w != (sf_count_t)n) {
			snprintf(err, errlen, "%s: write failed: %s", path, sf_strerror(sf));
			sf_close(sf);
			goto fail;
		}
		res->frames += (int64_t)n;
		if (o->progress)
			o->progress(o->user, res->frames, res->frames > expect ? res->frames : expect);
		if (n < CHUNK)
			break;
	}
	res->song_frames = engine_end_frame(e);
	if (sf_close(sf) != 0) {
		snprintf(err, errlen, "%s: could not finish the file", path);
		goto fail;
	}
	engine_destroy(e);
	free(buf);
	free(ibuf);
	return 0;
fail:
	engine_destroy(e);
	free(buf);
	free(ibuf);
	return -1;
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
