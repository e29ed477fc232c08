/*
 * instkeys: an instrument's song-file keys, as one table: name, value
 * type, where the value lives in instrument_t (synth, sampler or both),
 * its range and its names.  The one truth for an instrument parameter:
 * the song reader and writer walk it (so they cannot disagree about
 * names, order or ranges) and the instruments page takes its ranges
 * from it (instparam).  Pure data.
 */
#ifndef BEATTY_INSTKEYS_H
#define BEATTY_INSTKEYS_H

#include <stddef.h>
#include "song.h"

typedef enum { V_TEXT, V_ENUM, V_FLOAT, V_INT, V_FRAMES, V_ADSR, V_NOTE } vtype_t;

#define NO_OFF ((size_t)-1)

/* A key lives in the synth parameters, the sampler's or both; its offset
 * for the other type is NO_OFF.  Table order is the written order. */
typedef struct instkey {
	const char *key;
	vtype_t type;
	size_t synth, sampler;
	double min, max;             /* V_FLOAT, V_INT, V_FRAMES */
	const char *const *names;    /* V_ENUM */
	int nnames;
	size_t size;                 /* V_TEXT */
} instkey_t;

extern const instkey_t instkeys[];
extern const int instkeys_count;
#define ADSR_TIME_MAX 60.0   /* seconds for attack, decay, release */

/* The key's offset in an instrument of this type (NO_OFF: not its key). */
size_t instkeys_offset(const instkey_t *k, inst_type_t type);
/* The key's index in the table, or -1. */
int instkeys_find(const char *key);

#endif
