/*
 * filelist: one folder's entries for the sample browser.
 *
 * Folders first, then the audio files (by extension: .wav .flac .ogg
 * .aiff .aif, any case), each group sorted by name without regard to
 * case; hidden entries (a leading dot) are left out, and "..", the
 * parent, comes first unless the folder is the root.  No curses: the
 * browser page draws it.
 */
#ifndef BEATTY_FILELIST_H
#define BEATTY_FILELIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct filelist_entry {
	char *name;
	bool dir;
} filelist_entry_t;

typedef struct filelist {
	char path[1024];            /* the folder, absolute */
	filelist_entry_t *e;
	int n;
} filelist_t;

/* Whether name ends in one of the audio extensions. */
bool filelist_is_audio(const char *name);
/* Reads the folder (made absolute) into *l, replacing what it held.
 * Returns 0, or -1 with errno set (then *l is unchanged). */
int filelist_read(filelist_t *l, const char *folder);
void filelist_free(filelist_t *l);
/* Sorts entries in browser order (folders first, case-insensitive). */
void filelist_sort(filelist_entry_t *e, int n);
/* The full path of entry i into buf. */
void filelist_path(const filelist_t *l, int i, char *buf, size_t n);

/* Writes path relative to folder dir into out ("../samples/kick.wav"),
 * both made absolute first; a path with nothing in common but the root
 * stays absolute.  Returns 0 or -1 (out too small). */
int filelist_relative(const char *dir, const char *path, char *out, size_t n);

/* The absolute, tidy path of name as seen from the folder of song_path
 * (a song not yet saved, "" or NULL: the current folder); an absolute
 * name stays itself.  Returns 0 or -1 (too long, no current folder). */
int filelist_beside(const char *song_path, const char *name, char *out, size_t n);

#endif
