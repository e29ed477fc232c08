/*
 * songfile_common: what the .bty reader and writer share, private to
 * them: the instrument key table (one table both directions walk, so
 * they cannot disagree about names, order or ranges), the names of
 * song, channel, bus and master keys, the line limits, number text and
 * error filling.
 */
#ifndef BEATTY_SONGFILE_COMMON_H
#define BEATTY_SONGFILE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include "fx.h"
#include "inifile.h"
#include "songfile.h"

#define GROUP        8                    /* channels on one pattern line */
#define LINE_TEXT    INIFILE_STRICT_LINE_MAX
#define MAX_FILE     ((size_t)128 << 20)  /* the largest song writes ~69 MB */
#define MAX_EXTRAS   4096                 /* duplicate checks are linear */
#define DEFAULT_ROWS 64
#define SECT_TEXT    (LINE_TEXT + 1)

/* ---- instrument keys (the table lives in the model: instkeys.h) ---- */

#include "instkeys.h"
#define inst_key_t instkey_t
#define inst_keys instkeys
#define N_INST_KEYS instkeys_count
#define key_offset instkeys_offset
#define inst_key_find instkeys_find

/* ---- sections and keys ------------------------------------------------ */

static const char *const song_keys[] = {
	"format", "title", "artist", "bpm", "lpb", "tpl", "swing", "channels", "restart", "timing",
	"slides", "scale", "rules", "reference", "vol_slides"
};
enum {
	SK_FORMAT, SK_TITLE, SK_ARTIST, SK_BPM, SK_LPB, SK_TPL, SK_SWING, SK_CHANNELS, SK_RESTART,
	SK_TIMING, SK_SLIDES, SK_SCALE, SK_RULES, SK_REFERENCE, SK_VSLIDES, SK_COUNT
};
static const char *const channel_keys[] = {
	"name", "volume", "pan", "mute", "solo", "send_reverb", "send_delay",
	"macro_x", "macro_y", "macro_z"
};
enum {
	CK_NAME, CK_VOLUME, CK_PAN, CK_MUTE, CK_SOLO, CK_SEND, CK_MACRO = CK_SEND + SONG_SENDS,
	CK_COUNT = CK_MACRO + SONG_MACROS
};
_Static_assert(sizeof channel_keys / sizeof channel_keys[0] == CK_COUNT, "channel keys");

/* The buses in song->bus order (the send keys above follow it), and the
 * master's units in signal order. */
static const char *const bus_names[SONG_SENDS] = { "reverb", "delay" };
static const fx_type_t bus_types[SONG_SENDS] = { FX_REVERB, FX_DELAY };
#define MASTER_UNITS 3
static const char *const master_names[MASTER_UNITS] = { "eq", "comp", "limiter" };
static const fx_type_t master_types[MASTER_UNITS] = { FX_EQ, FX_COMP, FX_LIMITER };
static const size_t master_unit_at[MASTER_UNITS] = {
	offsetof(master_t, eq), offsetof(master_t, comp), offsetof(master_t, limiter)
};
static const size_t master_on_at[MASTER_UNITS] = {
	offsetof(master_t, eq_on), offsetof(master_t, comp_on), offsetof(master_t, limiter_on)
};
enum { MK_VOLUME, MK_ON };   /* [master] keys: volume, then one switch per unit */

/* Keys of a unit section besides the parameters; bit numbers for once(). */
enum { UK_TYPE, UK_BYPASS, UK_VOLUME, UK_SIDECHAIN, UK_PARAM };
_Static_assert(UK_PARAM + FX_MAX_PARAMS <= 64, "keys_seen is 64 bits");

#define LEVEL_MIN   SONG_LEVEL_MIN   /* channel, bus and master levels, sends */
#define LEVEL_MAX   SONG_LEVEL_MAX
#define MACRO_NAME  48      /* longer than any parameter name */

/* Where a unit section's values go. */
typedef enum { HOME_CHAIN, HOME_BUS, HOME_MASTER } home_t;

/* Shortest "%.6g" text of v, never "-0" (see songfile_common.c). */
void songfile_fmt_float(char *buf, size_t n, double v);
#define fmt_float songfile_fmt_float

/* Whether a section name is one the reader knows (the reader owns the
 * section grammar). */
bool songfile_known_section(const char *name);
#define known_section songfile_known_section

/* Fills err with file, line (0: none) and message. */
void songfile_set_error(songfile_error_t *err, const char *file, int line, const char *msg);
#define set_error songfile_set_error

#endif
