/*
 * delivery: which file format a render is written in.  The extension
 * picks it; libsndfile does the encoding.  What a given libsndfile can
 * write (FLAC, Vorbis, Opus, MP3 are optional parts of its build, and
 * each encoder accepts only some rates) is asked of the library itself by
 * opening the encoder on a sink that throws the bytes away.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sndfile.h>
#include "delivery.h"

static const delivery_format_t formats[] = {
	{ "wav", "WAV", SF_FORMAT_WAV, 0, false, 0 },
	{ "flac", "FLAC", SF_FORMAT_FLAC, 0, false, 0 },
	{ "ogg", "Ogg Vorbis", SF_FORMAT_OGG, SF_FORMAT_VORBIS, true, 0.2 },
	{ "opus", "Ogg Opus", SF_FORMAT_OGG, SF_FORMAT_OPUS, true, 0.6 },
	{ "mp3", "MP3", SF_FORMAT_MPEG, SF_FORMAT_MPEG_LAYER_III, true, 0.0 },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* Lossy encoders get a delivery-grade level (0 best, 1 smallest) rather
 * than libsndfile's middling default.  The levels mean different things
 * to each encoder; on the demo these give about 240 kbit/s Vorbis,
 * 215 kbit/s Opus and 255 kbit/s MP3 (VBR). */
const delivery_format_t *delivery_for_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	/* a name with no extension (or only a leading dot) was always a WAV */
	if (!dot || dot == base)
		return &formats[0];
	for (size_t i = 0; i < NFORMATS; i++)
		if (!strcasecmp(dot + 1, formats[i].ext))
			return &formats[i];
	return NULL;
}

static int word_subtype(const delivery_format_t *f, int bits)
{
	if (f->subtype)
		return f->subtype;
	return bits == 16 ? SF_FORMAT_PCM_16 : bits == 24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;
}

/* A write-only sink for the probe: keeps a length so an encoder that
 * seeks back to patch a header finds a consistent file. */
typedef struct sink {
	sf_count_t pos, len;
} sink_t;

static sf_count_t sink_len(void *u) { return ((sink_t *)u)->len; }
static sf_count_t sink_tell(void *u) { return ((sink_t *)u)->pos; }
static sf_count_t sink_read(void *p, sf_count_t n, void *u) { (void)p; (void)n; (void)u; return 0; }

static sf_count_t sink_seek(sf_count_t off, int whence, void *u)
{
	sink_t *s = u;
	sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? s->pos : s->len;
	if (base + off < 0)
		return -1;
	s->pos = base + off;
	return s->pos;
}

static sf_count_t sink_write(const void *p, sf_count_t n, void *u)
{
	sink_t *s = u;
	(void)p;
	s->pos += n;
	if (s->pos > s->len)
		s->len = s->pos;
	return n;
}

bool delivery_can_write(const delivery_format_t *f, int rate, int bits)
{
	if (!f->lossy && bits != 16 && bits != 24 && bits != 32)
		return false;
	SF_INFO info = { .samplerate = rate, .channels = 2, .format = f->major | word_subtype(f, bits) };
	if (!sf_format_check(&info))
		return false;
	/* sf_format_check knows the format table, not the build or the
	 * encoder's own limits (Opus takes 48 kHz but not 44.1): open it. */
	SF_VIRTUAL_IO io = { sink_len, sink_seek, sink_read, sink_write, sink_tell };
	sink_t sink = { 0 };
	SNDFILE *sf = sf_open_virtual(&io, SFM_WRITE, &info, &sink);
	if (!sf)
		return false;
	sf_close(sf);
	return true;
}

void delivery_supported(char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; i < NFORMATS; i++) {
		if (!delivery_can_write(&formats[i], 48000, 24))
			continue;
		int w = snprintf(buf + len, n - len, "%s.%s", len ? ", " : "", formats[i].ext);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

int delivery_check(const char *path, int rate, int bits, char *err, size_t errlen)
{
	char list[128];
	const delivery_format_t *f = delivery_for_path(path);
	if (!f || !delivery_can_write(f, 48000, 24)) {
		delivery_supported(list, sizeof(list));
		const char *slash = strrchr(path, '/');
		const char *dot = strrchr(slash ? slash + 1 : path, '.');
		snprintf(err, errlen, "cannot write '%s' files (this build writes %s)",
		         dot ? dot : path, list);
		return -1;
	}
	if (!f->lossy && !delivery_can_write(f, rate, bits)) {
		if (delivery_can_write(f, rate, 16))
			snprintf(err, errlen, "%s holds 16 or 24 bit samples, not %d-bit float", f->name, bits);
		else
			snprintf(err, errlen, "%s cannot be written at %d Hz", f->name, rate);
		return -1;
	}
	if (f->lossy && !delivery_can_write(f, rate, bits)) {
		int ok[] = { 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000 };
		size_t len = 0;
		list[0] = 0;
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
			if (!delivery_can_write(f, ok[i], bits))
				continue;
			int w = snprintf(list + len, sizeof(list) - len, "%s%d", len ? ", " : "", ok[i]);
			if (w < 0 || (size_t)w >= sizeof(list) - len)
				break;
			len += (size_t)w;
		}
		snprintf(err, errlen, "%s cannot be written at %d Hz (it takes %s)", f->name, rate, list);
		return -1;
	}
	return 0;
}

int delivery_sf_format(const char *path, int bits)
{
	const delivery_format_t *f = delivery_for_path(path);
	if (!f)
		f = &formats[0];
	return f->major | word_subtype(f, bits);
}

void delivery_tune(const char *path, void *sndfile)
{
	const delivery_format_t *f = delivery_for_path(path);
	if (!f || !f->lossy)
		return;
	double level = f->level;
	sf_command(sndfile, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));
}

void delivery_describe(const char *path, int bits, char *buf, size_t n)
{
	const delivery_format_t *f = delivery_for_path(path);
	const char *word = bits == 32 ? "32-bit float" : bits == 24 ? "24-bit" : "16-bit";
	if (f && f->lossy)
		snprintf(buf, n, "%s", f->name);
	else if (f && f->major == SF_FORMAT_FLAC)
		snprintf(buf, n, "%s %s", f->name, word);
	else
		snprintf(buf, n, "%s", word);
}
