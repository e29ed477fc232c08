/*
 * mixab: mixer snapshots and the A/B compare.
 *
 * A snapshot is the mixer part of a song: every channel's fader, pan,
 * sends, FX chain and macros (not its name, mute or solo), the buses
 * and the master.  The A/B compare keeps two: the song always holds the
 * one being heard, the other waits aside; a flip swaps them.  Keeping
 * one ends the compare and drops the other.
 *
 * Level matching: the louder mix sounds better to anyone, so a fair
 * compare plays both at the same loudness.  Each side has its own
 * loudness meter, fed with the master output while that side plays and
 * reset when that side's mix (or the offset it plays with) changes.
 * Once both have been heard for MIXAB_MEASURE_S seconds, the louder one
 * plays with its master lowered by the difference.  The master chain
 * is not linear (a limiter that was working stops working when the
 * level drops), so the offset is then corrected from what the lowered
 * side measures, a few seconds at a time, until the two agree within
 * MIXAB_DEADBAND_DB.  The offset is a listening aid only: it never
 * reaches the song.
 *
 * UI thread only; no curses, no sound: the caller feeds frames and
 * sends the offset to the audio side.
 */
#ifndef BEATTY_MIXAB_H
#define BEATTY_MIXAB_H

#include <stdbool.h>
#include <stddef.h>
#include "loudness.h"
#include "song.h"

#define MIXAB_MEASURE_S   3.0
#define MIXAB_DEADBAND_DB 0.3

typedef struct mix_snap {
	int channels;
	channel_t channel[SONG_MAX_CHANNELS];
	bus_t bus[SONG_SENDS];
	master_t master;
} mix_snap_t;

/* The mixer of s into m; m's mixer into s (names, mute and solo stay). */
void mix_snap_take(mix_snap_t *m, const song_t *s);
void mix_snap_put(const mix_snap_t *m, song_t *s);
/* Whether s's mixer is m's. */
bool mix_snap_same(const mix_snap_t *m, const song_t *s);

typedef struct mixab {
	bool on;
	int cur;                   /* 0: A is heard, 1: B */
	bool match;                /* level matching on */
	mix_snap_t other;          /* the side not heard */
	loudness_t *meter[2];
	double heard[2];           /* seconds fed to each meter since its reset */
	float feeding_at[2];       /* the offset its meter is measuring at */
	bool have[2];              /* a measurement: */
	double lufs[2];            /*   integrated loudness, */
	float at[2];               /*   heard with this offset */
	int rate;
} mixab_t;

/* Both calls allocate the meters (rate); -1 when out of memory. */
int mixab_init(mixab_t *ab, int rate);
void mixab_deinit(mixab_t *ab);

/* Starts a compare: A is the song's mix as it is, B a copy of it, and
 * B is heard (edits go to B). */
void mixab_start(mixab_t *ab, const song_t *s);
/* Swaps the song's mix with the side aside. */
void mixab_flip(mixab_t *ab, song_t *s);
/* Ends the compare keeping what the song holds (the side heard). */
void mixab_keep(mixab_t *ab);
/* The side heard has changed: its loudness is measured afresh. */
void mixab_changed(mixab_t *ab);
/* Master output frames (interleaved stereo) heard from the current side,
 * played with offset_db. */
void mixab_feed(mixab_t *ab, const float *frames, size_t n, float offset_db);
/* The loudness side measured (LUFS, at the offset it played with), or
 * -HUGE_VAL until it has been heard long enough. */
double mixab_loudness(mixab_t *ab, int side);
/* The master offset (dB, <= 0) the side heard plays with. */
float mixab_offset(mixab_t *ab);

#endif
