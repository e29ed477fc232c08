/*
 * songfile: reading and writing .bty song files.
 *
 * The format is INI text read with inih (grammar in docs/format.md); a
 * pattern row looks like the tracker screen, so a diff of a song reads
 * like the grid.  songfile_write() emits the one canonical form:
 * write(read(write(x))) == write(x) byte for byte.  Saving is atomic
 * (temp file, fsync, rename).  Runs on the UI/loader thread.
 */
#ifndef BEATTY_SONGFILE_H
#define BEATTY_SONGFILE_H

#include <stdio.h>
#include "song.h"

typedef struct songfile_error {
	char file[SONG_PATH_MAX];
	int line;               /* 0 when no line applies */
	char msg[256];
} songfile_error_t;

/* Called for each warning (unknown keys are kept and warned about). */
typedef void (*songfile_warn_fn)(void *user, const char *file, int line, const char *msg);

enum {
	SONGFILE_LOAD_SAMPLES = 1,   /* also read each sampler's audio file */
};

/* Reads path into *s (which it initialises).  On error returns -1, fills
 * *err and leaves *s empty (deinitialised).  warn may be NULL. */
int songfile_load(song_t *s, const char *path, int flags, songfile_error_t *err,
                  songfile_warn_fn warn, void *user);
/* The same from text in memory; name is used in messages and dir for
 * relative sample paths. */
int songfile_parse(song_t *s, const char *text, const char *name, const char *dir, int flags,
                   songfile_error_t *err, songfile_warn_fn warn, void *user);

/* Writes the canonical text.  Returns 0 or -1 (errno set). */
int songfile_write(const song_t *s, FILE *f);
/* Canonical text as a malloc'd string, or NULL. */
char *songfile_to_string(const song_t *s);
/* Sample paths are relative to the song's folder: before saving a song
 * read from from_path under to_path, rewrites each relative sample path
 * (and the reference track's) so it still names the same file from
 * to_path's folder (absolute paths stay).  Paths that cannot be rebased (a folder that does not exist, a
 * result too long) are left as they are; returns how many changed. */
int songfile_rebase(song_t *s, const char *from_path, const char *to_path);
/* Atomic save through outfile (a symlink stays a link, the file keeps
 * its mode).  Returns 0, or -1 with err filled and errno set. */
int songfile_save(const song_t *s, const char *path, songfile_error_t *err);

/* Whether instrument i's sample file lies outside the song's folder
 * (an absolute path, a "../", or a link that leads out); its real path
 * goes to real.  Allowed (kits live in shared folders), but `check`
 * lists them, so a downloaded song cannot quietly read files elsewhere. */
bool songfile_sample_outside(const song_t *s, int i, char *real, size_t n);

/* "file:line: msg" (or "file: msg" without a line) into buf. */
void songfile_error_format(const songfile_error_t *err, char *buf, size_t n);

#endif
