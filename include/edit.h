/*
 * edit: the song-editing operations of the tracker screen, as pure
 * functions on a song_t: block copy, cut, paste and mix-paste,
 * transpose, interpolate, set instrument, clear, insert and delete rows,
 * pattern length, and the order list (insert, delete, duplicate, clone
 * to a new pattern, move, set).
 *
 * Nothing here knows of curses, the engine or undo: the caller records
 * undo state before calling (see undo.h) and tells the audio side what
 * changed.  Every function checks its arguments and either does the
 * whole edit or changes nothing, returning 0 or a negative EDIT_E*
 * code (edit_strerror() words it).  Single-threaded: the UI thread.
 */
#ifndef BEATTY_EDIT_H
#define BEATTY_EDIT_H

#include <stdbool.h>
#include "song.h"

enum {
	EDIT_OK = 0,
	EDIT_ERANGE = -1,    /* a pattern, row, channel or order out of range */
	EDIT_ENOMEM = -2,
	EDIT_EFULL = -3,     /* no free pattern number or order position */
	EDIT_ELAST = -4,     /* the order list cannot become empty */
	EDIT_EEMPTY = -5,    /* nothing to paste */
};
const char *edit_strerror(int code);

/* A block: rows row0..row1 and channels ch0..ch1, both inclusive, in
 * any order (the functions normalise). */
typedef struct edit_rect {
	int row0, ch0, row1, ch1;
} edit_rect_t;

/* Which fields of a cell an operation touches. */
enum {
	EDIT_NOTE = 1, EDIT_INST = 2, EDIT_VOL = 4, EDIT_FX = 8,
	EDIT_ALL = 15,
};

/* The clipboard: a rows x chans block of cells.  A value struct:
 * edit_clip_init() before use, edit_clip_deinit() to free. */
typedef struct edit_clip {
	int rows, chans;
	cell_t *cells;
} edit_clip_t;

void edit_clip_init(edit_clip_t *c);
void edit_clip_deinit(edit_clip_t *c);

/* An empty cell. */
cell_t edit_cell_empty(void);
bool edit_cell_is_empty(const cell_t *c);

/* Clips r to pattern pat of s; false when the pattern is missing or the
 * block lies wholly outside it.  r comes back normalised. */
bool edit_rect_clip(const song_t *s, int pat, edit_rect_t *r);

int edit_copy(const song_t *s, int pat, edit_rect_t r, edit_clip_t *clip);
/* Copy, then clear the block. */
int edit_cut(song_t *s, int pat, edit_rect_t r, edit_clip_t *clip);
/* Pastes clip with its top-left cell at row, ch; what falls outside the
 * pattern is dropped.  With mix, only the fields that are empty in the
 * pattern are filled (FastTracker 2's mix-paste). */
int edit_paste(song_t *s, int pat, int row, int ch, const edit_clip_t *clip, bool mix);
/* Clears the given fields (EDIT_* mask) of the block. */
int edit_clear(song_t *s, int pat, edit_rect_t r, int fields);

/* Transposes the notes of the block by semis; notes that would leave
 * C-0..B-9 stay where they are.  Note-off and note-cut are left alone. */
int edit_transpose(song_t *s, int pat, edit_rect_t r, int semis);
/* Sets the instrument of every note in the block (not note-off/cut). */
int edit_set_inst(song_t *s, int pat, edit_rect_t r, int inst);
/* Per channel, fills the rows between the first and last row of the
 * block with values on a straight line between theirs: the volume
 * column (EDIT_VOL) when both ends have a volume, the effect parameter
 * (EDIT_FX) when both ends have the same effect letter. */
int edit_interpolate(song_t *s, int pat, edit_rect_t r, int fields);

/* Inserts an empty row at row in channels ch0..ch1, pushing the rows
 * below down (the last falls off); delete pulls them up and empties
 * the last. */
int edit_insert_row(song_t *s, int pat, int row, int ch0, int ch1);
int edit_delete_row(song_t *s, int pat, int row, int ch0, int ch1);

/* Pattern length, keeping the rows that remain. */
int edit_pattern_length(song_t *s, int pat, int rows);
/* The lowest pattern number not in use, or EDIT_EFULL. */
int edit_pattern_unused(const song_t *s);
/* A new empty pattern of rows rows at the lowest free number; returns
 * that number or a negative code. */
int edit_pattern_new(song_t *s, int rows);

/* Order list.  Positions are 0..norders-1; the restart position follows
 * the entry it pointed at where it can. */
/* Inserts an entry playing pattern at pos (0..norders). */
int edit_order_insert(song_t *s, int pos, int pattern);
int edit_order_delete(song_t *s, int pos);
/* Inserts a copy of entry pos (pattern and label) after it. */
int edit_order_duplicate(song_t *s, int pos);
/* Copies the pattern at pos to a new pattern number and inserts an
 * entry playing it (with pos's label) after pos, so the song keeps what
 * it played and the copy is there to vary; returns the new number or a
 * negative code. */
int edit_order_clone(song_t *s, int pos);
/* Swaps entry pos with its neighbour pos + dir (dir -1 or +1). */
int edit_order_move(song_t *s, int pos, int dir);
/* Points entry pos at pattern, creating the pattern (64 rows, or the
 * length of the one it replaces) if it does not exist. */
int edit_order_set(song_t *s, int pos, int pattern);
int edit_order_label(song_t *s, int pos, const char *label);

/* Channels.  Each moves whole channels: their columns in every pattern,
 * their strips (name, fader, pan, sends, FX chain, mute and solo) and
 * the compressor sidechain keys that name them.  Up to
 * SONG_MAX_CHANNELS; never fewer than one. */
/* The general form: the song gets `channels` channels, channel c being
 * the old channel from[c], or a new empty one when from[c] < 0. */
int edit_channel_remap(song_t *s, int channels, const int *from);
/* A new empty channel at position at (0..channels), the rest after it. */
int edit_channel_insert(song_t *s, int at);
int edit_channel_delete(song_t *s, int ch);
/* Swaps channel ch with its neighbour ch + dir (dir -1 or +1). */
int edit_channel_move(song_t *s, int ch, int dir);
int edit_channel_name(song_t *s, int ch, const char *name);

#endif
