/*
 * recovery: the recovery copy of a song's unsaved work.
 *
 * The tracker screen writes unsaved work to SONG.autosave now and then
 * and on SIGTERM/SIGHUP.  A copy found at the next start belongs to the
 * user until they choose: recover it, discard it, or keep it aside.
 * Keeping it aside renames it to a song file of its own that nothing
 * overwrites, so the new session's autosave has the name to itself.
 *
 * File names and renames only; the choice itself is the screen's.  Any
 * thread but the audio thread.
 */
#ifndef BEATTY_RECOVERY_H
#define BEATTY_RECOVERY_H

#include <stddef.h>

/* "songs/a.bty" -> "songs/a.bty.autosave"; an untitled song ("") gets
 * untitled.bty.autosave in the current folder. */
void recovery_path(const char *song_path, char *buf, size_t n);

/* Whether path names a recovery copy; if so (and song is not NULL),
 * the song it belongs to goes to song. */
int recovery_song_of(const char *path, char *song, size_t n);

/* Moves the recovery copy rp aside to a new name beside it,
 * "SONG.recovered-YYYYMMDD-HHMMSS.bty" (from the copy's time; "-2",
 * "-3"... if taken), never replacing a file.  Returns 0 with the name
 * in out, or -1 with errno. */
int recovery_keep_aside(const char *rp, char *out, size_t n);

#endif
