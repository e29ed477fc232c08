/*
 * euclid: rhythm helpers for a marked block.  Bjorklund's algorithm
 * spreads k hits as evenly as possible over n steps (E(3,8) is the
 * tresillo x..x..x.), rotated by r steps; or a hit every N rows.  The
 * block gets one note and instrument on every hit, a volume (louder on
 * the beat with an accent), and an optional humanize: volume and a
 * note delay (EDx) varied by a seeded generator, so the same settings
 * always write the same pattern.
 *
 * Pure: a song and a block in, cells out; the caller records undo.
 */
#ifndef BEATTY_EUCLID_H
#define BEATTY_EUCLID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "edit.h"
#include "song.h"

#define EUCLID_MAX_STEPS 64

/* Fills hit[0..n) with E(k, n) rotated right by rot steps (the pattern
 * starts rot steps later).  0, or -1 when not 0 <= k <= n <= 64. */
int euclid_bjorklund(int k, int n, int rot, bool *hit);

typedef struct euclid_opts {
	int k, n, rot;       /* E(k, n) rotated; n = 0 with every > 0 instead */
	int every;           /* a hit every so many rows (k, n unused) */
	int vol;             /* volume of a hit, 0..64, or -1 for none written */
	int accent;          /* volume of a hit on a beat row, or -1: as vol */
	int human_vol;       /* +- this much volume at random (0 off) */
	int human_delay;     /* 0..this many ticks of note delay at random (0 off) */
	uint32_t seed;
} euclid_opts_t;

/* Reads "3/8", "3/8 rot 2", "every 4", with "vol V", "accent V",
 * "hv V", "hd T", "seed S" after it.  Defaults: no volume, no accent,
 * no humanize, seed 1.  False with a message in err. */
bool euclid_parse(const char *text, euclid_opts_t *o, char *err, size_t errlen);

/* "E(3,8) rot 2  x..x..x." or "every 4  x...": what the block will get. */
void euclid_describe(const euclid_opts_t *o, char *buf, size_t n);

/* Writes the rhythm over the block: on each channel, rows from the top
 * of the block are steps (the pattern repeats every n rows); a hit gets
 * note, inst and the volume, a miss loses its note, instrument and
 * volume.  A note delay the humanize writes replaces the cell's effect;
 * an old note delay on a cell that gets none is removed.  lpb tells
 * where the beats are (accents), tpl how long a delay may be.
 * 0, or EDIT_ERANGE. */
int euclid_apply(song_t *s, int pat, edit_rect_t r, int note, int inst,
                 const euclid_opts_t *o);

#endif
