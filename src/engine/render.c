/*
 * render: the offline sink.  The engine renders as fast as the CPU
 * allows; this module measures the result (peak, clipping, loudness),
 * reduces it to the file's word length with TPDF dither and writes it,
 * and the stems beside it, through libsndfile.  Loudness is measured on
 * a thread of its own (loudness_worker), beside the render.
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
#include "loudness_worker.h"
#include "outfile.h"
#include "render.h"
#include "workpool.h"

#define CHUNK 4096
#define LUFS_TOLERANCE 0.1   /* LU: close enough to stop adjusting */
#define LUFS_MAX_PASSES 8
#define LUFS_STALL 0.05      /* LU per dB: more gain no longer makes it louder */

void render_opts_default(render_opts_t *o)
{
	*o = (render_opts_t){ .rate = 48000, .bits = 24, .dither = true, .master = true, .lufs = NAN,
	                       .lufs_max_gain = RENDER_LUFS_MAX_GAIN };
}

/* One output file. */
typedef struct wav_out {
	SNDFILE *sf;
	int bits;
	bool dither;
	uint32_t rng;
	bool open;
	bool rf64;
	uint64_t bytes;      /* audio data written so far */
	outfile_t file;      /* the temporary file, renamed over the target when done */
} wav_out_t;

/* Frames a release tail may add after the song's end, for the RF64
 * choice: the estimate errs long, never short. */
#define TAIL_ALLOWANCE_S 600

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

static int wav_open(wav_out_t *w, const char *path, const render_opts_t *o, int64_t frames,
                    char *err, size_t errlen)
{
	int bytes = o->bits / 8;
	/* Past 4 GiB a WAV header cannot hold the sizes: RF64 (the same
	 * data, 64-bit sizes) is what broadcast tools and libsndfile read. */
	w->rf64 = outfile_needs_rf64(frames, (int64_t)TAIL_ALLOWANCE_S * o->rate, 2, bytes);
	SF_INFO info = {
		.samplerate = o->rate,
		.channels = 2,
		/* RF64 only where the format is WAV */
		.format = w->rf64 && (delivery_sf_format(path, o->bits) & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV
		        ? (delivery_sf_format(path, o->bits) & ~SF_FORMAT_TYPEMASK) | SF_FORMAT_RF64
		        : delivery_sf_format(path, o->bits),
	};
	const delivery_format_t *fmt = delivery_for_path(path);
	/* a lossy encoder takes the float mix: nothing to dither to */
	w->bits = fmt && fmt->lossy ? 32 : o->bits;
	w->dither = o->dither;
	w->rng = 0x5eed1234u;   /* fixed: the same song gives the same bytes */
	w->bytes = 0;
	/* Written beside the target and renamed over it when complete, so a
	 * failed or interrupted render never leaves half a file by that name
	 * (nor destroys the previous render). */
	if (outfile_open(&w->file, path, 0666, err, errlen) != 0)
		return -1;
	w->open = true;
	w->sf = sf_open_fd(w->file.fd, SFM_WRITE, &info, 0);
	if (!w->sf) {
		snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
		outfile_cancel(&w->file);
		w->open = false;
		return -1;
	}
	delivery_tune(path, w->sf);
	return 0;
}

static int wav_write(wav_out_t *w, const float *buf, size_t n, int32_t *ibuf, char *err, size_t errlen)
{
	sf_count_t got;
	/* A WAV that would pass 4 GiB gets a wrong header: stop instead.
	 * Only an estimate far off (a tail longer than the allowance) gets
	 * here; the file is then removed, never left broken. */
	w->bytes += (uint64_t)n * 2 * (uint64_t)(w->bits / 8);
	if (!w->rf64 && w->bytes > 0xFFFFFFFFull - (1ull << 20)) {
		snprintf(err, errlen, "%s: longer than a WAV file can hold (4 GiB)", w->file.path);
		return -1;
	}
	if (w->bits == 32) {
		got = sf_writef_float(w->sf, buf, (sf_count_t)n);
	} else {
		for (size_t i = 0; i < n * 2; i++)
			ibuf[i] = quantise(buf[i], w->bits, w->dither, &w->rng);
		got = sf_writef_int(w->sf, ibuf, (sf_count_t)n);
	}
	if (got != (sf_count_t)n) {
		snprintf(err, errlen, "%s: write failed: %s", w->file.path, sf_strerror(w->sf));
		return -1;
	}
	return 0;
}

/* Finishes the file: on success (ok) makes it durable and puts it in
 * place; otherwise removes it. */
static int wav_close(wav_out_t *w, bool ok, char *err, size_t errlen)
{
	if (!w->open)
		return 0;
	w->open = false;
	int rc = sf_close(w->sf);
	w->sf = NULL;
	if (!ok || rc != 0) {
		outfile_cancel(&w->file);
		if (ok)
			snprintf(err, errlen, "%s: could not finish the file: %s", w->file.path,
			         sf_error_number(rc));
		return ok ? -1 : 0;
	}
	return outfile_commit(&w->file, err, errlen);
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

/* Each stem file's own dither seed, fixed by its position: with one seed
 * for all, the stems' dither noise was the same noise, and summed stems
 * carried 8.7 dB more of it than independent dither gives.  A hash
 * (splitmix32's finaliser) spreads neighbouring indices apart; never 0,
 * which would stall the generator. */
static uint32_t stem_seed(int k)
{
	uint32_t x = 0x5eed1234u + 0x9e3779b9u * (uint32_t)(k + 1);
	x = (x ^ (x >> 16)) * 0x85ebca6bu;
	x = (x ^ (x >> 13)) * 0xc2b2ae35u;
	x ^= x >> 16;
	return x ? x : 1u;
}

/* The file of stem k in folder dir (k -1: the master beside them). */
static void stem_file(const song_t *song, const char *dir, int k, char *file, size_t n)
{
	char name[SONG_NAME_MAX * 2];
	if (k < 0) {
		snprintf(name, sizeof(name), "master");
	} else if (k < song->channels) {
		char safe[SONG_NAME_MAX];
		safe_name(song->channel[k].name, safe, sizeof(safe));
		snprintf(name, sizeof(name), "%02d%s%s", k + 1, safe[0] ? "-" : "", safe);
	} else {
		snprintf(name, sizeof(name), "%s", k == song->channels ? "reverb" : "delay");
	}
	snprintf(file, n, "%s/%s.wav", dir, name);
}

/* Before any work: every file this render would write may be written
 * (not the song, not one of its samples, not a folder or a device). */
static int check_outputs(const song_t *song, const char *path, const render_opts_t *o,
                         char *err, size_t errlen)
{
	if (path && outfile_check(o->guard, path, err, errlen) != 0)
		return -1;
	if (!path || !o->stems)
		return 0;
	struct stat st;
	if (stat(o->stems, &st) == 0 && !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a folder, so no stems can go there: refused", o->stems);
		return -1;
	}
	for (int k = -1; k < song->channels + SONG_SENDS; k++) {
		char file[1200];
		stem_file(song, o->stems, k, file, sizeof(file));
		if (outfile_check(o->guard, file, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* One render of the song; writes the master to `path` and the stems when
 * asked (path NULL: measure only). */
static int render_pass(const song_t *song, const char *path, const render_opts_t *o,
                       workpool_t *pool, render_result_t *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	int rc = -1;
	int64_t expect = engine_song_frames(song, o->rate);
	engine_t *e = engine_create(song, o->rate);
	loudness_worker_t *meter = loudness_worker_create(o->rate, CHUNK);
	float *buf = malloc(CHUNK * 2 * sizeof(float));
	int32_t *ibuf = malloc(CHUNK * 2 * sizeof(int32_t));
	int nstems = 0;
	float **stems = NULL;
	wav_out_t master = { 0 }, mstem = { 0 }, *stem_out = NULL;
	if (!e || !meter || !buf || !ibuf || expect < 0 || engine_set_pool(e, pool) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	engine_set_meters(e, false);   /* nobody watches */
	if (!o->master)
		engine_set_master(e, false);
	engine_set_interpolation(e, INTERP_SINC);   /* renders take the time to be clean */
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
			char file[1200];
			stem_file(song, o->stems, k, file, sizeof(file));
			stems[k] = malloc(CHUNK * 2 * sizeof(float));
			if (!stems[k]) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			if (wav_open(&stem_out[k], file, o, expect, err, errlen) != 0)
				goto out;
			stem_out[k].rng = stem_seed(k);
		}
		/* the master beside them, so the folder is a complete delivery */
		char file[1200];
		stem_file(song, o->stems, -1, file, sizeof(file));
		if (wav_open(&mstem, file, o, expect, err, errlen) != 0)
			goto out;
	}
	if (path && wav_open(&master, path, o, expect, err, errlen) != 0)
		goto out;
	for (;;) {
		size_t n = engine_render_stems(e, buf, stems, CHUNK);
		if (n == 0)
			break;
		measure(buf, n * 2, res);
		loudness_worker_add(meter, buf, n);
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
	loudness_worker_read(meter, &r);
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
	loudness_worker_destroy(meter);
	engine_destroy(e);
	free(buf);
	free(ibuf);
	return rc;
}

/* The workers of a render: o->threads of them, or one per core. */
static workpool_t *render_pool(const render_opts_t *o, char *err, size_t errlen)
{
	int n = o->threads > 0 ? o->threads : workpool_cores();
	if (n > WORKPOOL_MAX_THREADS)
		n = WORKPOOL_MAX_THREADS;
	workpool_t *p = workpool_create(n, 0, NULL, 0);
	if (!p)
		snprintf(err, errlen, "cannot start %d worker threads", n);
	return p;
}

int render_analyse(const song_t *song, const render_opts_t *o, render_result_t *res,
                   char *err, size_t errlen)
{
	workpool_t *pool = render_pool(o, err, errlen);
	if (!pool)
		return -1;
	int rc = render_pass(song, NULL, o, pool, res, err, errlen);
	workpool_destroy(pool);
	return rc;
}

static int render_target(const song_t *song, const char *path, const render_opts_t *o,
                         workpool_t *pool, render_result_t *res, char *err, size_t errlen);

int render_to_wav(const song_t *song, const char *path, const render_opts_t *o,
                  render_result_t *res, char *err, size_t errlen)
{
	if (o->bits != 16 && o->bits != 24 && o->bits != 32) {
		snprintf(err, errlen, "unsupported bit depth %d (16, 24 or 32)", o->bits);
		return -1;
	}
	if (check_outputs(song, path, o, err, errlen) != 0)
		return -1;
	if (path && delivery_check(path, o->rate, o->bits, err, errlen) != 0)
		return -1;
	if (!isnan(o->lufs) && !o->master) {
		snprintf(err, errlen, "a loudness target needs the master chain (its limiter keeps the peaks down)");
		return -1;
	}
	workpool_t *pool = render_pool(o, err, errlen);
	if (!pool)
		return -1;
	int rc = render_target(song, path, o, pool, res, err, errlen);
	workpool_destroy(pool);
	return rc;
}

/* With a loudness target: passes that adjust the gain, then the one
 * that writes. */
static int render_target(const song_t *song, const char *path, const render_opts_t *o,
                         workpool_t *pool, render_result_t *res, char *err, size_t errlen)
{
	if (isnan(o->lufs))
		return render_pass(song, path, o, pool, res, err, errlen);
	/* A copy that shares the song's patterns and samples (the engine
	 * only reads them) gets the master gain and limiter of our choosing.
	 * Loudness is nearly linear in gain until the limiter works hard, so
	 * a few passes converge; where they cannot (the gain at its cap, or
	 * the limiter taking every extra dB), the search stops and says so
	 * rather than pushing a click track's reverb or an impulse train's
	 * noise floor up by 60 dB or more. */
	song_t tmp = *song;
	tmp.master.limiter_on = true;
	render_opts_t quiet = *o;
	quiet.progress = NULL;
	double cap = o->lufs_max_gain >= 0.0 ? o->lufs_max_gain : 0.0;
	double gain = 0, last_gain = 0, last_lufs = 0;
	int passes = 0;
	bool silent = false;
	for (;;) {
		tmp.master.volume = song->master.volume + (float)gain;
		if (render_pass(&tmp, NULL, &quiet, pool, res, err, errlen) != 0)
			return -1;
		passes++;
		if (passes == 1 && !(res->lufs >= RENDER_NEAR_SILENT)) {
			silent = true;   /* nothing worth raising: leave it as it is */
			break;
		}
		double miss = o->lufs - res->lufs;
		if (fabs(miss) <= LUFS_TOLERANCE || passes >= LUFS_MAX_PASSES)
			break;
		/* Once the limiter bites, a dB of gain buys less than a dB of
		 * loudness: step by the slope the last two passes measured
		 * (a secant step), kept sane so one odd pass cannot throw it. */
		double step = miss, slope = 1.0;
		if (passes >= 2 && fabs(gain - last_gain) > 1e-3) {
			slope = (res->lufs - last_lufs) / (gain - last_gain);
			if (miss > 0.0 && slope < LUFS_STALL)
				break;   /* the limiter eats what is added */
			slope = slope < 0.1 ? 0.1 : slope > 1.5 ? 1.5 : slope;
			step = miss / slope;
		}
		step = step > 24.0 ? 24.0 : step < -24.0 ? -24.0 : step;
		if (gain + step > cap)
			step = cap - gain;
		if (fabs(step) < 1e-6)
			break;   /* at the cap already */
		last_gain = gain;
		last_lufs = res->lufs;
		gain += step;
	}
	tmp.master.volume = song->master.volume + (float)gain;
	int rc = render_pass(&tmp, path, o, pool, res, err, errlen);
	res->gain = gain;
	res->passes = passes + 1;
	/* The file's own reading decides, not the search's hopes. */
	if (silent)
		res->target = RENDER_TARGET_SILENT;
	else if (fabs(o->lufs - res->lufs) <= RENDER_LUFS_REACHED)
		res->target = RENDER_TARGET_REACHED;
	else if (res->lufs < o->lufs && gain >= cap - 1e-6)
		res->target = RENDER_TARGET_GAIN_CAP;
	else
		res->target = RENDER_TARGET_LIMITER;
	return rc;
}

int64_t render_to_buffer(const song_t *song, int rate, float **out)
{
	*out = NULL;
	engine_t *e = engine_create(song, rate);
	if (!e)
		return -1;
	engine_set_interpolation(e, INTERP_SINC);
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
