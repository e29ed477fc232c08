/*
 * bridge: the only way a UI talks to a playing engine.
 *
 * The bridge owns the engine and the audio side's own copy of the song
 * (made by bridge_create); the UI keeps and edits its own song.
 *
 *   UI thread                                   audio thread
 *   ---------                                   ------------
 *   bridge_play(), bridge_set_cell(), ...  -->  bridge_fill(): applies every
 *        (messages through a lock-free ring)        waiting message, then
 *                                                   engine_render()
 *   bridge_snapshot()                      <--  position, playing, meters:
 *        (reads atomics only)                       atomics published after
 *                                                   each period
 *
 * Threading: exactly one UI thread calls the sending functions,
 * bridge_snapshot() and bridge_collect(); exactly one audio thread calls
 * bridge_fill().  bridge_create() and bridge_destroy() run when no
 * bridge_fill() can be running.  Nothing on the audio side blocks,
 * allocates, does I/O or waits for the UI.
 *
 * Sending never blocks either: each sending function returns false when
 * the ring is full (the audio side empties it every period; a UI that
 * floods it can retry a moment later).  A message sent before a
 * bridge_fill() starts takes effect in that fill's first frame.
 */
#ifndef BEATTY_BRIDGE_H
#define BEATTY_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>
#include "engine.h"
#include "song.h"

typedef struct bridge bridge_t;

/* Copies song for the audio side and creates its engine at rate.  The
 * copy owns its patterns and instruments but shares the sample data
 * with song: song (which keeps owning it) must not free or change its
 * samples until bridge_destroy(), or until bridge_sample_busy() says the
 * audio side has let go of them after a bridge_set_inst().  The engine starts stopped (silence,
 * song loop off).  Returns NULL on allocation failure or a bad rate. */
bridge_t *bridge_create(const song_t *song, int rate);
/* How samplers set to auto interpolate (config.ini).  Only between
 * bridge_create() and the first audio callback. */
void bridge_set_interpolation(bridge_t *b, interp_t mode);
void bridge_destroy(bridge_t *b);

/* Lends the audio side's engine a worker pool (engine_set_pool): call
 * before the audio thread starts, or while no bridge_fill() runs; the
 * pool must outlive the bridge's use of it.  -1 on allocation failure. */
int bridge_set_pool(bridge_t *b, workpool_t *pool);

/* Meters on (the default) or off, for a UI that shows none: any thread,
 * at once (engine_set_meters). */
void bridge_set_meters(bridge_t *b, bool on);

/* The audio side: applies the waiting messages, then renders frames
 * interleaved stereo frames into out (silence when stopped or over).
 * Returns the frames of song rendered: all of them, or fewer once the
 * song has ended and its tails have died away (the rest is zeroed). */
int bridge_fill(bridge_t *b, float *out, int frames);

/* ---- UI -> audio.  Each returns false if the ring was full. ------------ */

/* Starts playing at order, row (a restart: voices and effects reset). */
bool bridge_play(bridge_t *b, int order, int row);
/* Stops the transport; notes release and effects ring out. */
bool bridge_stop(bridge_t *b);
/* While playing, restarts at the top of order; ignored when stopped. */
bool bridge_jump(bridge_t *b, int order);
/* Song loop: at the end go back to the restart order (a UI wants this;
 * `beatty play` does not). */
bool bridge_set_loop(bridge_t *b, bool on);
/* Play pattern: stay in the current order entry. */
bool bridge_set_pattern_loop(bridge_t *b, bool on);

bool bridge_set_mute(bridge_t *b, int ch, bool on);
bool bridge_set_solo(bridge_t *b, int ch, bool on);
bool bridge_set_volume(bridge_t *b, int ch, float db);
bool bridge_set_pan(bridge_t *b, int ch, float pan);

/* Jamming: note (or NOTE_OFF) on channel ch with instrument inst at
 * volume vol (0..64, -1 for full), through engine_live_note(). */
bool bridge_live_note(bridge_t *b, int ch, int inst, int note, int vol);

/* Writes one cell of an existing pattern of the audio copy.  Cells out
 * of the copy's bounds are ignored: send the whole pattern with
 * bridge_set_pattern() after creating or resizing one. */
bool bridge_set_cell(bridge_t *b, int pattern, int row, int ch, cell_t cell);

/* Replaces pattern idx of the audio copy with a copy of p (NULL deletes
 * it), for new and resized patterns.  p must have the song's channel
 * count.  Allocates the copy here; the pattern it replaces comes back to
 * this thread and is freed by bridge_collect().  Returns false if the
 * ring is full or memory ran out. */
bool bridge_set_pattern(bridge_t *b, int idx, const pattern_t *p);

/* Replaces instrument idx (1..255) of the audio copy with a copy of in
 * (NULL deletes it).  The copy borrows in's sample data like the rest of
 * the audio copy: keep that data alive while bridge_sample_busy() says
 * so.  Voices of the old instrument go on with the new parameters when
 * type and sample are the same; otherwise they stop at once.  Returns
 * false if the ring is full or memory ran out. */
bool bridge_set_inst(bridge_t *b, int idx, const instrument_t *in);
/* Whether the audio side may still read this sample data: an instrument
 * slot holds it as of the messages sent, or a replacement has not been
 * applied and handed back yet (bridge_collect() learns that).  Once
 * false, the UI may free the data if its own song no longer uses it. */
bool bridge_sample_busy(const bridge_t *b, const float *data);

/* Points order entry `order` at pattern and sets the order list's
 * length to norders (1..SONG_MAX_ORDERS), for order list edits.  An
 * entry pointing at a pattern the copy lacks ends the song there. */
bool bridge_set_order(bridge_t *b, int order, int pattern, int norders);

/* Song tempo: bpm, lines per beat and swing take effect from the next
 * tick, also while playing. */
bool bridge_set_tempo(bridge_t *b, int bpm, int lpb, int swing);

/* Song speed (ticks per line, SONG_TPL_MIN..MAX): like bpm, the engine
 * reads it at the next bridge_play() (an Fxx in the pattern still
 * changes it while playing). */
bool bridge_set_speed(bridge_t *b, int tpl);

/* ---- mixing: heard from the next period (units glide to new values) --- */

/* Channel ch's post-fader send to bus (0 reverb, 1 delay), dB;
 * SONG_SEND_OFF for none. */
bool bridge_set_send(bridge_t *b, int ch, int bus, float db);
/* A bus's return level, dB. */
bool bridge_set_bus_volume(bridge_t *b, int bus, float db);
/* The master's level before its chain (dB) and its units' switches. */
bool bridge_set_master(bridge_t *b, float volume_db, bool eq_on, bool comp_on, bool limiter_on);
/* One parameter (its index in the unit's fx_ops_t table) of the unit
 * at ch, k: a channel's chain (ch >= 0), ENGINE_FX_BUS or
 * ENGINE_FX_MASTER as engine_fx_param() names them. */
bool bridge_set_fx_param(bridge_t *b, int ch, int k, int param, float value);
bool bridge_set_fx_bypass(bridge_t *b, int ch, int k, bool bypass);
/* A compressor's sidechain sources (bit c: channel c+1) in ch's chain. */
bool bridge_set_sidechain(bridge_t *b, int ch, int k, uint64_t mask);
/* Replaces channel ch's chain (units, bypass, sidechains, macros) with
 * c's.  Unit k continues the audio side's unit from[k] of the chain it
 * has now (same type: it keeps its state, a reverb its tail), or is new
 * when from[k] < 0: its state is allocated and initialised here, and
 * what the swap frees comes back to bridge_collect().  Returns false if
 * the ring is full or memory ran out (nothing changed). */
bool bridge_set_chain(bridge_t *b, int ch, const channel_t *c, const int *from);

/* The master tap: with it on, the audio side copies every period it
 * renders into a ring of chunks for the UI (loudness, spectrum).  When
 * the UI falls behind, the ring fills and periods are dropped (counted),
 * never waited for.  bridge_tap_read() takes the oldest chunk into out
 * (room for BRIDGE_TAP_CHUNK interleaved stereo frames) and returns its
 * frames, 0 when there is none. */
#define BRIDGE_TAP_CHUNK 256
bool bridge_tap(bridge_t *b, bool on);
int bridge_tap_read(bridge_t *b, float *out);
uint64_t bridge_tap_dropped(const bridge_t *b);

/* Frees what the audio side has handed back (replaced patterns).  The
 * sending functions call it too; a UI may also call it when idle. */
void bridge_collect(bridge_t *b);

/* ---- the reference track (reftrack.h) ---------------------------------- */

/* The audio side mixes a reference after the engine's render (never into
 * the tap): ref plays from its start, borrowed, never freed here; NULL
 * for none.  The UI keeps ref alive while bridge_reference_busy() says
 * the audio side may read it (the one sent last, or one replaced whose
 * swap has not come back: bridge_collect() learns that).  Returns false
 * if the ring is full. */
struct reftrack;
bool bridge_set_reference(bridge_t *b, const struct reftrack *ref);
bool bridge_reference_busy(const bridge_t *b, const struct reftrack *ref);
/* Hear the reference (true) or the mix, crossfading; the reference
 * plays with gain_db. */
bool bridge_choose_reference(bridge_t *b, bool reference, float gain_db);

/* ---- audio -> UI ------------------------------------------------------- */

typedef struct bridge_snapshot {
	bool playing;        /* the transport runs and the song has not ended */
	bool ended;          /* the sequence is over (tails may ring on) */
	bool done;           /* and the tails have died away */
	int order, pattern, row, tick;
	int bpm;
	int64_t frame;       /* frames of sound output since the last play (or jump) */
	uint64_t fills;      /* bridge_fill() calls so far */
	uint64_t applied;    /* messages applied so far */
	int channels;
	engine_meter_t pre[SONG_MAX_CHANNELS], post[SONG_MAX_CHANNELS];
	engine_meter_t master;
	float reduction_db;  /* master limiter */
	int64_t ref_frame;   /* the reference track's position (frames) */
	bool ref_heard;      /* the reference, not the mix, is heard */
} bridge_snapshot_t;

/* A consistent picture of the audio side as of its last period (the
 * meters are a few samples fresher).  UI thread; lock-free. */
void bridge_snapshot(const bridge_t *b, bridge_snapshot_t *s);

/* The number of messages sent so far (by the UI thread); once
 * snapshot.applied reaches it, all of them have taken effect. */
uint64_t bridge_sent(const bridge_t *b);

#endif
