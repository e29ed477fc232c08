/*
 * inifile: the one INI front end, over inih, for every text file beatty
 * reads: song files in strict mode, config.ini, keys.ini and themes in
 * lenient mode.
 *
 * inih does not tell a handler which line it is on (Debian builds it
 * without INI_HANDLER_LINENO), silently splits lines longer than its
 * buffer and takes indented lines for continuations.  So lines reach
 * inih through a reader that numbers them, strips the byte-order mark
 * and indentation, and checks each line's shape first; the callbacks
 * get the line they belong to.  '=' and ':' both separate a name from
 * its value, whichever comes first, in both modes.
 *
 * The modes differ in what a bad line does:
 *   strict   the first problem ends the parse (a song is right or not
 *            loaded); a control byte is a problem on its line, and a
 *            line is measured as it is in the file;
 *   lenient  a bad line is reported and skipped, and the parse goes on
 *            (a setting keeps its default); a control byte anywhere
 *            refuses the whole file before anything is called, a line
 *            is measured once trimmed, and a value may start with ';'
 *            ("transpose 1 = ;" binds the ';' key).
 * Problems are reported through ops->problem with the line (the caller
 * adds the file name) in the mode's words.  Any thread; no state
 * outside the call.
 */
#ifndef BEATTY_INIFILE_H
#define BEATTY_INIFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { INIFILE_STRICT, INIFILE_LENIENT } inifile_mode_t;

/* The longest line: strict, as written (indentation and '\r' count);
 * lenient, once trimmed.  Both leave inih room for its line end. */
#define INIFILE_STRICT_LINE_MAX  197
#define INIFILE_LENIENT_LINE_MAX 196

typedef enum {
	INIFILE_BINARY,        /* a NUL or control byte */
	INIFILE_TOO_LONG,
	INIFILE_BAD_SECTION,   /* "[" without its "]" (lenient: or "[]") */
	INIFILE_AFTER_SECTION, /* text after "]" (strict only) */
	INIFILE_NOT_PAIR,      /* not a comment, section or "name = value" */
	INIFILE_SYNTAX,        /* inih refused a line the reader passed */
	INIFILE_NO_MEMORY
} inifile_problem_t;

typedef struct inifile_ops {
	/* At each "[name]" line, the name trimmed (not truncated, as inih's
	 * own copy is).  May be NULL.  False ends the parse. */
	bool (*section)(void *user, const char *name, int line);
	/* At each "name = value", with the section inih has ("" before any).
	 * False ends the parse. */
	bool (*pair)(void *user, const char *section, const char *name, const char *value,
	             int line);
	/* A line the reader refuses, and why (line 0: the whole text). */
	void (*problem)(void *user, int line, inifile_problem_t what, const char *msg);
} inifile_ops_t;

/* What the parse saw, for the caller's own end checks. */
typedef struct inifile_info {
	int nlines;         /* lines read (term.h has a macro "lines") */
	bool any_text;      /* a line that is not blank (comments count) */
	bool last_ended;    /* the last line read had its '\n' */
} inifile_info_t;

/* Parses len bytes of text (need not end in NUL).  0 when it ran to
 * the end; -1 when it stopped: a strict problem, a callback's false,
 * or (lenient) a binary file.  info may be NULL. */
int inifile_parse(const char *text, size_t len, inifile_mode_t mode, const inifile_ops_t *ops,
                  void *user, inifile_info_t *info);

#endif
