/*
 * outfile: writing a file that may replace another, without losing one.
 * Every such write goes through here: renders and stems, song saves and
 * autosaves, sample writes, samples copied beside a song.
 *
 *   outfile_check()   before any work: refuse an output that is the song,
 *                     one of its samples, a folder, a device, a FIFO or a
 *                     socket, naming the path
 *   outfile_open()    a temporary file, TARGET.tmpXXXXXX, in the folder of
 *                     the real target (through any symlinks, so the link
 *                     stays a link)
 *   outfile_commit()  fsync, rename over the target, fsync the folder;
 *   outfile_cancel()  or remove the temporary file.  Call exactly one.
 *
 * Temporary files that are open are listed where a signal handler can
 * reach them: after outfile_cleanup_on_signals(), SIGINT, SIGTERM and
 * SIGHUP remove them and end the process with the signal (exit status
 * 128 + signal).  That list is the one process-wide state here: there is
 * one set of signal handlers per process.
 *
 * Any thread but the audio thread; open and commit do file I/O.
 */
#ifndef BEATTY_OUTFILE_H
#define BEATTY_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "song.h"

#define OUTFILE_PATH_MAX 4096

/* Files an output must never replace (the song being rendered and its
 * samples), by device and inode, so any name for them is caught. */
typedef struct outfile_guard {
	struct outfile_id { dev_t dev; ino_t ino; char path[OUTFILE_PATH_MAX]; } *ids;
	int n, cap;
} outfile_guard_t;

void outfile_guard_init(outfile_guard_t *g);
void outfile_guard_deinit(outfile_guard_t *g);
/* Adds path (a file that does not exist is nothing to protect).
 * Returns 0, or -1 when memory ran out. */
int outfile_guard_add(outfile_guard_t *g, const char *path);
/* Adds the song file and every sample file its samplers name. */
int outfile_guard_song(outfile_guard_t *g, const char *song_path, const song_t *s);

/* Whether path may be written: 0, or -1 with "PATH: reason" in err.
 * g may be NULL (only the kind of file is checked). */
int outfile_check(const outfile_guard_t *g, const char *path, char *err, size_t n);

/* The file a write to path replaces: path with its symlinks followed
 * (a dangling link names the file it will create).  Returns 0, or -1
 * with errno (ELOOP, ENAMETOOLONG). */
int outfile_target(const char *path, char *out, size_t n);

typedef struct outfile {
	int fd;                             /* the temporary file, or -1 */
	int slot;                           /* its place in the signal list */
	char path[OUTFILE_PATH_MAX];        /* as the caller named it */
	char target[OUTFILE_PATH_MAX];      /* what the rename replaces */
	char tmp[OUTFILE_PATH_MAX + 16];
} outfile_t;

/* Creates the temporary file with mode (before the umask; an existing
 * target's mode is kept).  Returns 0, or -1 with errno and "PATH: reason"
 * (PATH as given, so a caller that keeps the file apart can cut it). */
int outfile_open(outfile_t *f, const char *path, mode_t mode, char *err, size_t n);
/* Makes the file durable and puts it in place.  The descriptor must be
 * open (the caller's FILE or SNDFILE must not close it).  Returns 0, or
 * -1 with errno and "PATH: reason"; the temporary file is gone either
 * way (when only syncing the folder failed, the new file is in place). */
int outfile_commit(outfile_t *f, char *err, size_t n);
void outfile_cancel(outfile_t *f);

/* SIGINT, SIGTERM and SIGHUP remove the open temporary files, then end
 * the process with that signal. */
void outfile_cleanup_on_signals(void);

/* WAV keeps sizes in 32 bits: a file of more than 4 GiB needs RF64.
 * Whether `frames` frames of `channels` x `bytes` bytes would pass that
 * limit (with room for the header and a release tail of tail_frames). */
bool outfile_needs_rf64(int64_t frames, int64_t tail_frames, int channels, int bytes);

#endif
