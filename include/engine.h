/*
 * engine: turns a song into sound.  The one engine behind offline render,
 * live playback and the tests.
 *
 * Pull-based: engine_render() fills the next frames.  The sequencer walks
 * order list -> pattern -> row -> tick; every tick boundary falls on an
 * exact sample computed with integer arithmetic, so timing is
 * sample-accurate at any rate and never drifts.  Voices come from a pool
 * sized at creation; rendering never allocates, locks or does I/O, and
 * flushes denormals.  The same song, rate and start position always give
 * the same samples.
 *
 * Threading: an engine belongs to one thread at a time (the audio thread
 * while playing), which may spread each block's channels over a worker
 * pool (engine_set_pool).  It reads the song it was given and nothing else; the
 * caller must not change that song while the engine may be rendering.
 */
#ifndef BEATTY_ENGINE_H
#define BEATTY_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "song.h"
#include "workpool.h"

#define ENGINE_BLOCK     64      /* largest internal block, frames */
#define ENGINE_MAX_TAIL  30      /* seconds of release tail at most */

typedef struct engine engine_t;

typedef struct engine_pos {
	int order, pattern, row, tick;
	int bpm, tpl;
	int64_t frame;               /* frames rendered since engine_start */
	bool ended;                  /* the sequence is over (tails may ring on) */
	bool done;                   /* tails finished too: nothing more to hear */
} engine_pos_t;

/* Creates an engine for song at rate Hz (8000..384000), positioned at the
 * start.  Returns NULL on allocation failure or a bad rate. */
engine_t *engine_create(const song_t *song, int rate);
void engine_destroy(engine_t *e);

/* Resets all playback state and starts at order, row. */
void engine_start(engine_t *e, int order, int row);

/* When loop is on the song goes back to its restart order at its end
 * instead of ending (live playback); off by default (render). */
void engine_set_loop(engine_t *e, bool loop);

/* Play pattern: at the end of its pattern the song stays in the same
 * order entry (and a Bxx/Dxx still leaves it). */
void engine_set_pattern_loop(engine_t *e, bool on);
/* Sets the tempo from the next tick on (the song's own Fxx may change it
 * again later). */
void engine_set_bpm(engine_t *e, int bpm);

/* Stops the transport: every voice enters its release and effects ring
 * out; rendering goes on (silence once the tails end) until
 * engine_start().  Live notes still sound. */
void engine_stop(engine_t *e);

/* Plays note (or NOTE_OFF) on channel ch with instrument inst at volume
 * vol (0..64, -1 for full) outside the pattern: jamming.  It sounds from
 * the next rendered frame, sharing the channel's voice like a pattern
 * note.  What the channel remembers for the song (instrument, volume,
 * pitch) stays as the song left it, and the sequencer leaves the jammed
 * voice alone until a row's note replaces it; a NOTE_OFF releases only
 * a jammed note. */
void engine_live_note(engine_t *e, int ch, int inst, int note, int vol);

/* Silences at once every voice playing instrument in (no fade: the
 * caller is about to free or rewrite it, so nothing may read it again).
 * For replacing an instrument of a song while the engine renders it. */
void engine_forget_inst(engine_t *e, const instrument_t *in);

/* Fills out with frames interleaved stereo float frames.  Returns the
 * number written; fewer than asked only once the song has ended and its
 * tails have died away (the rest of out is zeroed). */
size_t engine_render(engine_t *e, float *out, size_t frames);

void engine_get_pos(const engine_t *e, engine_pos_t *pos);

/* Master chain on (default) or off (`render --no-master`).  Restarts. */
void engine_set_master(engine_t *e, bool on);
/* The interpolation of sampler instruments set to auto: cubic unless told
 * (renders ask for sinc, live playback for config.ini's choice).  Takes
 * effect from the next note. */
void engine_set_interpolation(engine_t *e, interp_t mode);
/* Frames the master chain delays the signal; the engine swallows them at
 * the start and flushes them at the end, so output starts on time. */
int engine_latency(const engine_t *e);

/* Stems: one per channel (after its FX and fader), then one per bus
 * return (reverb, delay).  Summed, they are the mix that enters the
 * master.  engine_enable_stems() allocates their latency alignment (call
 * it off the audio thread; it restarts the engine); then
 * engine_render_stems() fills stems[k] (interleaved stereo, frames long,
 * NULL to skip) alongside out, all of exactly the same length. */
int engine_stem_count(const engine_t *e);
int engine_enable_stems(engine_t *e);
size_t engine_render_stems(engine_t *e, float *out, float *const *stems, size_t frames);

/* Spreads the channels' work over pool (NULL: the calling thread does it
 * all).  The output has the same bits for any pool.  Call off the audio
 * thread, while the engine is not rendering: it sizes per-worker scratch
 * (-1 on allocation failure, the engine unchanged).  The pool must
 * outlive its use here and serve no other dispatcher meanwhile. */
int engine_set_pool(engine_t *e, workpool_t *pool);

/* Resting (on by default): a channel chain or bus that has had no
 * input and given nothing above -130 dBFS for long enough (its echoes
 * and reverb tails included) is not run until sound reaches it again;
 * keyed compressors, envelopes and glides keep moving.  Off, every unit
 * runs through every silence: the same output within -130 dBFS, the
 * reference the tests compare with.  Takes effect at the next block. */
void engine_set_rest(engine_t *e, bool on);
/* Frames chains and buses rested since engine_start(), summed over
 * them (a measure of the work saved). */
int64_t engine_rested(const engine_t *e);

/* The least work (active voices plus running units) a block needs before
 * it is shared with the pool; a lighter block costs more to hand out than
 * it saves, and the calling thread does it alone.  Tests set 0 to share
 * every block. */
void engine_set_share_min(engine_t *e, int work);

/* Meters cost a pass over every channel twice a block: they run only
 * while on (the default).  Any thread may switch them; switched back on
 * they start over from silence. */
void engine_set_meters(engine_t *e, bool on);

/* Levels for meters, linear, safe to read from any thread while another
 * renders: peak (with a falling hold) and 300 ms RMS, per channel before
 * and after its fader, and of the master output with the limiter's gain
 * reduction in dB. */
typedef struct engine_meter {
	float peak, rms;
} engine_meter_t;
void engine_channel_meter(const engine_t *e, int ch, engine_meter_t *pre, engine_meter_t *post);
void engine_master_meter(const engine_t *e, engine_meter_t *m, float *reduction_db);

/* ---- live mixing: called between renders (the bridge does) ---------- */

/* Where a unit sits: a channel's chain (ch >= 0, k its index), a bus
 * (ENGINE_FX_BUS, k the bus) or the master (ENGINE_FX_MASTER, k = 0 EQ,
 * 1 compressor, 2 limiter). */
#define ENGINE_FX_BUS      (-1)
#define ENGINE_FX_MASTER   (-2)
#define ENGINE_FX_DEAD_MAX (2 * SONG_FX_CHAIN_MAX)

/* Sets one live parameter of a unit; the unit glides to it.  The caller
 * changes the song's value too (the engine reads type and bypass there). */
void engine_fx_param(engine_t *e, int ch, int k, int param, float value);

/* A unit's state for engine_fx_chain(), made off the audio thread: sized
 * for rate and initialised with params.  NULL on allocation failure. */
void *engine_fx_state_new(fx_type_t type, int rate, const float *params);
void engine_fx_state_free(void *st);

/* Channel ch's chain in the song has changed (units added, removed or
 * moved): unit k of the new chain continues the state of unit from[k]
 * of the old one (same type; it glides to its new parameters), or, with
 * from[k] < 0, takes fresh[k] (from engine_fx_state_new()).  States that
 * leave the chain and were made that way land in dead[] (room for
 * ENGINE_FX_DEAD_MAX, NULL-padded) for the caller to free off the audio
 * thread.  Allocates nothing; safe on the audio thread. */
void engine_fx_chain(engine_t *e, int ch, const int *from, void *const *fresh, void **dead);

/* The song's sidechain routing changed: re-derives what depends on it. */
void engine_mix_changed(engine_t *e);

/* Frame at which the sequence ended (its last row finished), or -1 while
 * it has not. */
int64_t engine_end_frame(const engine_t *e);

/* Length of the song in frames at rate, from its first row to the end of
 * its last row (no tails), found by running the sequencer without sound.
 * Returns -1 on allocation failure. */
int64_t engine_song_frames(const song_t *song, int rate);

#endif
