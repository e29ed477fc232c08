/*
 * sample: audio files in and out through libsndfile.
 *
 * Loading reads in chunks into a buffer that grows as frames arrive, and
 * keeps only the frames that actually arrived: a header's frame count can
 * be wrong (a truncated copy, a stream of unknown length), so it is a hint
 * for the first allocation and for refusing absurd files early, never a
 * promise to read up to.
 *
 * More than two channels are folded to stereo: left is the mean of the
 * even channels (0, 2, 4...), right the mean of the odd ones (1, 3, 5...).
 * That keeps the left and right of the usual layouts (L R C LFE Ls Rs,
 * quad) on their own side, and a mean can never exceed its loudest input.
 * Float files can hold any value: non-finite ones become 0 and finite
 * ones are clamped to +-1 (and counted), so one bad value cannot poison
 * a whole mix (a 1e30 would peak at +577 dBFS and ring every reverb).
 *
 * Writing goes through outfile, like every file that replaces another:
 * a reader never sees half a file, and a failed write leaves the old one.
 *
 * File I/O: the UI or loader thread only, never the audio thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sndfile.h>
#include "infile.h"
#include "outfile.h"
#include "sample.h"

#define READ_CHUNK  4096         /* frames per libsndfile call */
#define FIRST_ALLOC (1 << 16)    /* frames reserved before the file proves longer */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats a one-line message: libsndfile's texts sometimes carry line
 * breaks, and the UI shows err on a single status line. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (char *c = err; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	size_t n = strlen(err);
	while (n > 0 && err[n - 1] == ' ')
		err[--n] = '\0';
}

static float clamp_unit(float x, int64_t *clamped)
{
	if (x >= -1.0f && x <= 1.0f)
		return x;
	(*clamped)++;
	if (!isfinite(x))
		return 0.0f;
	return x > 0.0f ? 1.0f : -1.0f;
}

static void fold_channels(const float *in, sf_count_t frames, int inch, float *out,
                          int64_t *clamped)
{
	if (inch <= 2) {
		for (sf_count_t i = 0; i < frames * inch; i++)
			out[i] = clamp_unit(in[i], clamped);
		return;
	}
	const float ne = 1.0f / (float)((inch + 1) / 2), no = 1.0f / (float)(inch / 2);
	for (sf_count_t f = 0; f < frames; f++, in += inch) {
		float even = 0.0f, odd = 0.0f;
		for (int c = 0; c < inch; c += 2)
			even += clamp_unit(in[c], clamped);
		for (int c = 1; c < inch; c += 2)
			odd += clamp_unit(in[c], clamped);
		out[2 * f] = even * ne;
		out[2 * f + 1] = odd * no;
	}
}

/* Why sf_open refused: libsndfile says "Format not recognised." for a
 * directory and an empty file alike, which sends the user hunting for a
 * codec problem that is not there. */
static void open_error(const char *path, char *err, size_t errlen)
{
	char sfmsg[256];
	int code = sf_error(NULL);
	snprintf(sfmsg, sizeof(sfmsg), "%s", sf_strerror(NULL));
	struct stat st;
	if (code != SF_ERR_SYSTEM && stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			set_err(err, errlen, "%s: is a directory, not an audio file", path);
			return;
		}
		if (st.st_size == 0) {
			set_err(err, errlen, "%s: empty file, not audio (%s)", path, sfmsg);
			return;
		}
	}
	if (code == SF_ERR_SYSTEM)
		set_err(err, errlen, "%s: cannot open: %s", path, sfmsg);
	else
		set_err(err, errlen, "%s: not a readable audio file: %s", path, sfmsg);
}

int sample_load(sample_t *out, const char *path, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	SF_INFO info;
	memset(&info, 0, sizeof(info));
	char why[128];
	int fd = infile_open(path, why, sizeof(why));
	if (fd < 0) {
		set_err(err, errlen, "%s: %s", path, why);
		return -1;
	}
	/* SF_FALSE: the descriptor is ours to close on every path. */
	SNDFILE *sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
	if (!sf) {
		close(fd);
		open_error(path, err, errlen);
		return -1;
	}

	float *chunk = NULL, *data = NULL;
	int inch = info.channels;
	if (inch < 1 || info.samplerate <= 0) {
		set_err(err, errlen, "%s: unusable header (%d channels, %d Hz)", path, inch,
		        info.samplerate);
		goto fail;
	}
	if (info.frames > SAMPLE_MAX_FRAMES && info.frames != SF_COUNT_MAX) {
		set_err(err, errlen, "%s: %lld frames, longer than the limit of %lld", path,
		        (long long)info.frames, (long long)SAMPLE_MAX_FRAMES);
		goto fail;
	}

	int outch = inch >= 2 ? 2 : 1;
	int64_t cap = info.frames > 0 && info.frames < FIRST_ALLOC ? info.frames : FIRST_ALLOC;
	int64_t n = 0, clamped = 0;
	chunk = malloc((size_t)READ_CHUNK * (size_t)inch * sizeof(float));
	data = malloc((size_t)cap * (size_t)outch * sizeof(float));
	if (!chunk || !data) {
		set_err(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (;;) {
		sf_count_t got = sf_readf_float(sf, chunk, READ_CHUNK);
		if (got <= 0)
			break;
		if (n + got > SAMPLE_MAX_FRAMES) {
			set_err(err, errlen, "%s: longer than the limit of %lld frames", path,
			        (long long)SAMPLE_MAX_FRAMES);
			goto fail;
		}
		if (n + got > cap) {
			int64_t ncap = cap * 2 > n + got ? cap * 2 : n + got;
			if (ncap > SAMPLE_MAX_FRAMES)
				ncap = SAMPLE_MAX_FRAMES;
			float *d = realloc(data, (size_t)ncap * (size_t)outch * sizeof(float));
			if (!d) {
				set_err(err, errlen, "%s: out of memory after %lld frames", path,
				        (long long)n);
				goto fail;
			}
			data = d;
			cap = ncap;
		}
		fold_channels(chunk, got, inch, data + n * outch, &clamped);
		n += got;
	}
	if (sf_error(sf) != SF_ERR_NO_ERROR) {
		set_err(err, errlen, "%s: read error after %lld frames: %s", path, (long long)n,
		        sf_strerror(sf));
		goto fail;
	}
	if (n == 0) {
		if (info.frames > 0 && info.frames != SF_COUNT_MAX)
			set_err(err, errlen, "%s: short read: header promises %lld frames, none could be read",
			        path, (long long)info.frames);
		else
			set_err(err, errlen, "%s: no audio frames in the file", path);
		goto fail;
	}
	if (n < cap) {
		float *d = realloc(data, (size_t)n * (size_t)outch * sizeof(float));
		if (d)
			data = d;
	}
	free(chunk);
	sf_close(sf);
	close(fd);
	out->data = data;
	out->channels = outch;
	out->frames = n;
	out->rate = info.samplerate;
	out->clamped = clamped;
	return 0;

fail:
	free(chunk);
	free(data);
	sf_close(sf);
	close(fd);
	return -1;
}

void sample_free(sample_t *s)
{
	free(s->data);
	memset(s, 0, sizeof(*s));
}

/* Plain rounding to the nearest step, clamped to the format's range: the
 * renderer dithers before it gets here, so no noise is added twice. */
static int32_t quantise(float x, double full)
{
	double v = (double)x * full;
	if (!(v == v))
		return 0;
	v = nearbyint(v);
	if (v > full - 1.0)
		v = full - 1.0;
	if (v < -full)
		v = -full;
	return (int32_t)v;
}

/* Writes frames through the subformat's own libsndfile call.  16 and 24
 * bit are converted here rather than by libsndfile so the scale is
 * exactly 2^15 or 2^23 both ways and a written file reads back to within
 * half a step. */
static int write_frames(SNDFILE *sf, const float *data, int channels, long long frames, int bits)
{
	if (bits == 32)
		return sf_writef_float(sf, data, frames) == frames ? 0 : -1;
	enum { CHUNK = 4096 };
	int32_t ibuf[CHUNK];
	short sbuf[CHUNK];
	long long total = frames * channels;
	for (long long i = 0; i < total; i += CHUNK) {
		sf_count_t m = total - i < CHUNK ? (sf_count_t)(total - i) : CHUNK;
		if (bits == 16) {
			for (sf_count_t k = 0; k < m; k++)
				sbuf[k] = (short)quantise(data[i + k], 32768.0);
			if (sf_write_short(sf, sbuf, m) != m)
				return -1;
		} else {
			/* libsndfile's int calls are full-scale 32-bit; a 24-bit
			 * file keeps the top three bytes. */
			for (sf_count_t k = 0; k < m; k++)
				ibuf[k] = quantise(data[i + k], 8388608.0) * 256;
			if (sf_write_int(sf, ibuf, m) != m)
				return -1;
		}
	}
	return 0;
}

int sample_write_wav(const char *path, const float *data, int channels, long long frames,
                     int rate, int bits, char *err, size_t errlen)
{
	int sub = bits == 16 ? SF_FORMAT_PCM_16 : bits == 24 ? SF_FORMAT_PCM_24 :
	          bits == 32 ? SF_FORMAT_FLOAT : 0;
	if (!sub) {
		set_err(err, errlen, "%s: %d bits: only 16, 24 and 32 (float) are written", path, bits);
		return -1;
	}
	if (channels < 1 || rate <= 0 || frames < 0 || (frames > 0 && !data)) {
		set_err(err, errlen, "%s: bad arguments (%d channels, %d Hz, %lld frames)", path,
		        channels, rate, frames);
		return -1;
	}
	SF_INFO info;
	memset(&info, 0, sizeof(info));
	info.samplerate = rate;
	info.channels = channels;
	info.format = SF_FORMAT_WAV | sub;
	if (!sf_format_check(&info)) {
		set_err(err, errlen, "%s: libsndfile cannot write a WAV with %d channels at %d Hz",
		        path, channels, rate);
		return -1;
	}

	outfile_t f;
	if (outfile_open(&f, path, 0666, err, errlen) != 0)
		return -1;
	SNDFILE *sf = sf_open_fd(f.fd, SFM_WRITE, &info, SF_FALSE);
	if (!sf) {
		set_err(err, errlen, "%s: cannot write: %s", path, sf_strerror(NULL));
		outfile_cancel(&f);
		return -1;
	}
	if (write_frames(sf, data, channels, frames, bits) != 0) {
		set_err(err, errlen, "%s: write failed: %s", path, sf_strerror(sf));
		sf_close(sf);
		outfile_cancel(&f);
		return -1;
	}
	int rc = sf_close(sf);
	if (rc != 0) {
		set_err(err, errlen, "%s: write failed: %s", path, sf_error_number(rc));
		outfile_cancel(&f);
		return -1;
	}
	return outfile_commit(&f, err, errlen);
}
