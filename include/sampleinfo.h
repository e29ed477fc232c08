/*
 * sampleinfo: what a sample file is (length, rate, channels, bit
 * depth), from its header alone, for the sample browser.
 *
 * sampleinfo_read() opens the file through infile (a FIFO or a device
 * is refused, never waited on) and asks libsndfile for the header; no
 * sample data is read.  A probe (sampleinfo_probe_*) does that on a
 * thread of its own and keeps the answers, so a folder of thousands of
 * files, or a slow disk, never holds up the screen: the caller asks for
 * the rows it shows and gets "not yet" until the worker has read them.
 * No curses; any thread but the audio thread.
 */
#ifndef BEATTY_SAMPLEINFO_H
#define BEATTY_SAMPLEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sampleinfo {
	bool ok;                 /* false: not a sample beatty reads (why says why) */
	int64_t frames;
	int rate, channels;
	int bits;                /* 8, 16, 24, 32; 0 when compressed (Vorbis, Opus, MP3) */
	bool fp;                 /* floating point samples */
	char why[96];
} sampleinfo_t;

/* Reads path's header into *out.  Returns 0, or -1 with out->why. */
int sampleinfo_read(const char *path, sampleinfo_t *out);

/* "1.25 s  44100 Hz  stereo  16-bit" (or the reason it cannot be read). */
void sampleinfo_format(const sampleinfo_t *in, char *buf, size_t n);

typedef struct sampleinfo_probe sampleinfo_probe_t;

/* A probe with its worker; NULL when no thread or memory. */
sampleinfo_probe_t *sampleinfo_probe_create(void);
/* Ends the worker (after the file it is reading) and frees everything. */
void sampleinfo_probe_destroy(sampleinfo_probe_t *p);
/* The header of path: true with *out when read, false when not yet
 * (the request is queued; the newest requests are served first, so the
 * rows on screen come before the ones scrolled past). */
bool sampleinfo_probe_get(sampleinfo_probe_t *p, const char *path, sampleinfo_t *out);
/* Forgets what was read (files may have changed since). */
void sampleinfo_probe_clear(sampleinfo_probe_t *p);

#endif
