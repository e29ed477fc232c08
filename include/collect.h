/*
 * collect: copying a song's samples into its own folder.
 *
 * A sample read from outside the song's folder (an absolute path, a
 * "../", a link leading out: songfile_sample_outside()) is copied into
 * the folder's samples/ and the instrument's path becomes relative to
 * the song ("samples/kick.wav"), so the folder can be zipped or kept in
 * git as it is.  A name already taken by another file gets a suffix
 * ("kick-2.wav"); a file with the same bytes is used as it is.  Each
 * copy is written atomically (outfile.h).  No curses; any thread but the
 * audio thread.
 */
#ifndef BEATTY_COLLECT_H
#define BEATTY_COLLECT_H

#include <stddef.h>
#include "song.h"

/* Copies the file at src (a real path) into song_dir/samples/ and
 * writes the song-relative path of the copy to rel.  *reused is set when
 * a file with the same bytes was there already.  Returns 0, or -1 with
 * a reason in err. */
int collect_file(const char *song_dir, const char *src, char *rel, size_t n, int *reused,
                 char *err, size_t errlen);

/* Collects every instrument's sample of s (a song whose file is
 * song_path), rewriting their paths in s.  Returns how many instruments
 * changed (copied counts the files written), or -1 with a reason in err
 * (the instruments collected before the failure keep their new path). */
int collect_song(song_t *s, const char *song_path, int *copied, char *err, size_t errlen);

#endif
