/*
 * delivery: the file formats a render can be delivered in, chosen by the
 * output file's extension (.wav, .flac, .ogg, .opus, .mp3).  Which ones
 * this program can write depends on how libsndfile was built, so the
 * list is found at run time by opening each encoder on a scratch sink.
 * Pure and thread-agnostic: no state, callable from the CLI or a worker.
 */
#ifndef BEATTY_DELIVERY_H
#define BEATTY_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct delivery_format {
	const char *ext;     /* "flac", without the dot */
	const char *name;    /* "FLAC", for messages and reports */
	int major, subtype;  /* libsndfile's SF_FORMAT_* parts (subtype 0: by bits) */
	/* A lossy encoder takes the float mix as it is: there is no word
	 * length to reduce to, so no dither and no --bits. */
	bool lossy;
	double level;        /* the encoder's SFC_SET_COMPRESSION_LEVEL (lossy) */
} delivery_format_t;

/* The format named by path's extension (any case): WAV when the name
 * has none, NULL when the extension is none of the known ones. */
const delivery_format_t *delivery_for_path(const char *path);

/* Whether this libsndfile writes f as stereo at rate Hz (and, for a
 * lossless format, at bits 16, 24 or 32 float). */
bool delivery_can_write(const delivery_format_t *f, int rate, int bits);

/* The extensions this libsndfile can write at 48 kHz, as ".wav, .flac, ...". */
void delivery_supported(char *buf, size_t n);

/* Checks that path can be written at rate and bits; 0, or -1 with a
 * message naming what can be written instead. */
int delivery_check(const char *path, int rate, int bits, char *err, size_t errlen);

/* libsndfile's format word for path at bits (call delivery_check first). */
int delivery_sf_format(const char *path, int bits);

/* Sets the encoder's quality on an open file (lossy formats only). */
void delivery_tune(const char *path, void *sndfile);

/* "FLAC 24-bit", "Ogg Opus", "24-bit" for a plain WAV. */
void delivery_describe(const char *path, int bits, char *buf, size_t n);

#endif
