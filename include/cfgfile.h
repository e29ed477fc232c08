/*
 * cfgfile: reading the user's small INI files (config.ini, keys.ini,
 * themes) leniently, and the messages about them.
 *
 * Song files are strict: the first error ends the load.  These files
 * are the opposite: a bad line is reported with file and line, the
 * setting it meant keeps its default, and reading goes on: inifile's
 * lenient mode (see inifile.h), where indented lines are plain lines
 * (not continuations), over-long lines are reported instead of split,
 * and a binary file is refused whole.
 *
 * Messages are kept in a fixed list (no allocation) that the UI shows
 * in its status line and the command line prints on stderr.
 */
#ifndef BEATTY_CFGFILE_H
#define BEATTY_CFGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "inifile.h"

#define CFG_MSGS_MAX 16
#define CFG_MSG_LEN  320

typedef struct cfg_msgs {
	int n;            /* messages kept */
	int dropped;      /* messages beyond CFG_MSGS_MAX */
	char msg[CFG_MSGS_MAX][CFG_MSG_LEN];
} cfg_msgs_t;

void cfg_msgs_init(cfg_msgs_t *m);
/* Adds "FILE:LINE: text" ("FILE: text" when line is 0). */
void cfg_msgs_add(cfg_msgs_t *m, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Total messages, kept or not. */
int cfg_msgs_count(const cfg_msgs_t *m);
/* One a line, as "beatty: MSG". */
void cfg_msgs_print(const cfg_msgs_t *m, FILE *f);

/* Called for each "name = value" with the section it is in ("" before
 * any) and its line number. */
typedef void (*cfgfile_fn)(void *user, const char *section, const char *name,
                           const char *value, int line);
/* Called at each "[section]" line (may be NULL). */
typedef void (*cfgfile_section_fn)(void *user, const char *section, int line);

/* The longest line read (trimmed). */
#define CFGFILE_LINE_MAX INIFILE_LENIENT_LINE_MAX

/* Parses text (len bytes, need not end in NUL) named name in messages.
 * Lines that are not a comment, a [section] or "name = value" are
 * reported and skipped.  Returns -1 without calling anything when the
 * text is binary (a NUL or control byte), with a message. */
int cfgfile_parse(const char *text, size_t len, const char *name, cfgfile_fn fn,
                  cfgfile_section_fn sect, void *user, cfg_msgs_t *msgs);

/* Reads a whole file into a malloc'd buffer (*len bytes, NUL-terminated).
 * A missing file is 1 (nothing said: defaults are the norm); an
 * unreadable one is -1 with "FILE: reason; keeping the defaults" in msgs;
 * 0 when read. */
#define CFGFILE_MAX_BYTES ((size_t)1 << 20)
int cfgfile_read(const char *path, char **text, size_t *len, cfg_msgs_t *msgs);

/* $XDG_CONFIG_HOME/beatty/FILE, or ~/.config/beatty/FILE.  -1 when
 * neither variable is set or the result does not fit. */
int cfgfile_path(const char *file, char *buf, size_t n);

/* Splits words off s in place: the next word (spaces and commas
 * separate them) or NULL at the end. */
char *cfgfile_word(char **s);

/* Parses a whole decimal number in lo..hi. */
bool cfgfile_long(const char *s, long lo, long hi, long *out);

#endif
