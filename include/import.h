/*
 * import: tracker modules (MOD, XM, S3M, IT and the other formats libxmp
 * reads) turned into ordinary beatty songs.
 *
 * libxmp parses the file; this module translates its patterns, samples,
 * instruments and order list into a song_t that the engine plays like
 * any other.  What a song cannot hold is counted in an import_report_t,
 * one entry per kind, and the import still succeeds.  Samples stay in
 * memory (the song owns them); import_write_samples() puts them on disk
 * as WAV files beside a song about to be saved.  File I/O: call it from
 * the UI or loader thread, never the audio thread.
 */
#ifndef BEATTY_IMPORT_H
#define BEATTY_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "song.h"

#define IMPORT_KINDS_MAX 64

/* What was not translated: each kind once, with how often it occurred. */
typedef struct import_report {
	char format[64];                 /* as libxmp names it, e.g. "Fast Tracker II" */
	int nkinds;
	struct {
		char what[96];
		int count;
	} kind[IMPORT_KINDS_MAX];
	int dropped;                     /* occurrences of kinds past IMPORT_KINDS_MAX */
} import_report_t;

/* Whether path names a file beatty should import rather than read as a
 * song: anything that is not a .bty and that libxmp recognises. */
bool import_is_module(const char *path);

/* Reads the module at path into *s (which it initialises).  Sample paths
 * are set as "<song>-samples/NN-name.wav", relative to the folder of
 * song_path (the .bty the song will be saved as), and s->dir is that
 * folder.  Returns 0, or -1 with a one-line reason naming the file in
 * err and *s left empty.  rep may be NULL. */
int import_module(song_t *s, const char *path, const char *song_path, import_report_t *rep,
                  char *err, size_t errlen);

/* The same from a module in memory (the fuzz target's way in); name is
 * used in messages. */
int import_module_mem(song_t *s, const void *data, size_t size, const char *name,
                      const char *song_path, import_report_t *rep, char *err, size_t errlen);

/* Writes every sampler instrument's sample that is in memory and whose
 * file does not exist yet (or every one, with overwrite), relative to
 * the folder of song_path, as a 16-bit WAV (creating its folder; module
 * samples are 8 or 16 bit, so nothing is lost).  Returns how many it
 * wrote, or -1 with a reason in err. */
int import_write_samples(const song_t *s, const char *song_path, bool overwrite, char *err,
                         size_t errlen);

/* "song.mod" -> "song.bty" (in the same folder) into buf. */
void import_song_path(const char *module_path, char *buf, size_t n);

/* Prints the report's kinds, one line each: "  12  effect E3x (glissando)". */
void import_report_print(const import_report_t *rep, FILE *f);

#endif
