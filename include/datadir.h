/*
 * datadir: where beatty's shipped data (themes/, keymaps/) is found,
 * without any build path compiled in, so builds are reproducible.
 *
 * In order: the install prefix's data folder ($(pkgdatadir), given by
 * the caller), the same folder relative to the executable (a relocated
 * install: BIN/../share/beatty), and, for a beatty run from its build
 * folder, the source tree that build folder's Makefile names.
 */
#ifndef BEATTY_DATADIR_H
#define BEATTY_DATADIR_H

#include <stddef.h>

/* Writes the candidate folders for SUB ("themes"), separated by ':',
 * into buf; pkgdatadir is the configured install location. */
void datadir_dirs(const char *pkgdatadir, const char *sub, char *buf, size_t n);

/* The same, for an executable at exe (testable without /proc). */
void datadir_dirs_for(const char *pkgdatadir, const char *exe, const char *sub,
                      char *buf, size_t n);

#endif
