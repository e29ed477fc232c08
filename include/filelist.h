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

/* The entries whose name holds filter (without regard to case), as
 * indices into l->e in list order; ".." only while filter is empty.
 * idx has room for l->n.  Returns how many. */
int filelist_filter(const filelist_t *l, const char *filter, int *idx);

/* Tab completion of a typed path: a leading "~/" is the home folder;
 * the last component is completed as far as the folders (and audio
 * files) starting with it agree, a folder gaining its "/".  Writes the
 * result to out and returns how many entries matched (0: out is typed,
 * expanded). */
int filelist_complete(const char *typed, char *out, size_t n);

/* "~/x" with the home folder for "~" (HOME); anything else as it is. */
void filelist_expand_home(const char *path, char *out, size_t n);

/* The bookmarks that exist as folders: list is colon-separated, each
 * "~/"-expanded; up to max of them into marks[i].
 * Returns how many. */
int filelist_bookmarks(const char *list, char (*marks)[1024], int max);

#endif
