/*
 * infile: opening a file that beatty reads (a song, a sample).
 *
 * Only regular files are read.  A FIFO, a device, a socket or a pipe
 * can block a read forever (or, like /dev/zero, never end), so the file
 * is opened without blocking, checked with fstat on the very descriptor
 * that will be read, and refused with a reason that says what it is.
 * Any thread but the audio thread.
 */
#ifndef BEATTY_INFILE_H
#define BEATTY_INFILE_H

#include <stddef.h>

/* Opens path for reading.  Returns a blocking descriptor of a regular
 * file, or -1 with the reason in why (without the path, e.g. "it is a
 * FIFO (named pipe), not a file") and errno set. */
int infile_open(const char *path, char *why, size_t n);

/* What a stat mode is, in words ("a folder", "a socket"), or NULL for a
 * regular file. */
const char *infile_kind(unsigned mode);

#endif
