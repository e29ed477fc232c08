/*
 * instparam: every editable parameter of an instrument, as a table.
 *
 * One row per value the instruments page shows: its song-file key, a
 * label, where it lives in instrument_t and its fine and coarse steps;
 * its range comes from the song file's key table (instkeys.h).  The page lists, adjusts, parses and prints values only
 * through this table, so a parameter cannot be shown and not saved, or
 * edited past the range the song file accepts.  Pure data and maths: no
 * curses, no sound.
 */
#ifndef BEATTY_INSTPARAM_H
#define BEATTY_INSTPARAM_H

#include <stdbool.h>
#include <stddef.h>
#include "song.h"

typedef enum {
	IP_FLOAT,     /* float, linear steps */
	IP_LOG,       /* float, steps are ratios (frequencies, times) */
	IP_INT,       /* int */
	IP_FRAMES,    /* int64_t sample frames */
	IP_ENUM,      /* an enum from a name list */
	IP_NOTE,      /* int note number */
} ip_kind_t;

typedef enum { IP_BOTH, IP_SYNTH, IP_SAMPLER } ip_for_t;

typedef struct instparam {
	const char *key;        /* as in the song file ("cutoff", "amp" for amp_*) */
	const char *label;
	ip_kind_t kind;
	ip_for_t type;
	size_t off;             /* into instrument_t */
	double fine, coarse;    /* IP_LOG: ratios; IP_FRAMES: fractions of the sample */
	const char *const *names;
	int nnames;
	const char *unit;
} instparam_t;

/* The rows for an instrument of type t, in page order; *n gets the count. */
const instparam_t *const *instparam_list(inst_type_t t, int *n);
/* The row whose label is label (or key), or NULL. */
const instparam_t *instparam_find(inst_type_t t, const char *label);

/* The value's range: the song file's (instkeys.h), the one truth. */
void instparam_range(const instparam_t *p, double *lo, double *hi);

double instparam_get(const instrument_t *in, const instparam_t *p);
/* Sets the value, clamped to the range (and loop points to the sample). */
void instparam_set(instrument_t *in, const instparam_t *p, double v);
/* steps fine (or coarse) steps up (down if negative). */
void instparam_adjust(instrument_t *in, const instparam_t *p, int steps, bool coarse);
/* The value as text ("1200 Hz", "saw", "C-4"). */
void instparam_format(const instrument_t *in, const instparam_t *p, char *buf, size_t n);
/* Reads typed text (a number, an enum name or a note name).  Returns 0,
 * or -1 with a reason in err. */
int instparam_parse(instrument_t *in, const instparam_t *p, const char *text, char *err, size_t errlen);

#endif
