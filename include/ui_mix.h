/*
 * ui_mix: what the mixer and master pages share (ui_mixer.c,
 * ui_master.c): the cursor on each page, the A/B compare, the master's
 * loudness meters and spectrum, peak holds, and the sync that keeps the
 * audio side's mixer equal to the song's.
 *
 * ui_mix_poll() runs every turn of the UI loop, whichever page shows:
 * it sends mixer changes (from any edit, undo or flip) through the
 * bridge and drains the master tap into the loudness meter, the
 * spectrum and the A/B meters, so the integrated loudness counts
 * everything played.  UI thread only.
 */
#ifndef BEATTY_UI_MIX_H
#define BEATTY_UI_MIX_H

#include <stdbool.h>
#include <time.h>
#include "loudness.h"
#include "mixab.h"
#include "mixsync.h"
#include "spectrum.h"
#include "ui_app.h"

/* Fields of a strip, then the chain and its units' parameters. */
enum { MIX_FADER, MIX_PAN, MIX_MUTE, MIX_SOLO, MIX_SEND_R, MIX_SEND_D, MIX_CHAIN, MIX_PARAM,
       MIX_ROWS };

/* Loudness targets for the master page. */
enum { TARGET_STREAMING, TARGET_CLUB, TARGET_CUSTOM, TARGET_COUNT };

typedef struct ui_mix {
	/* audio side */
	bridge_t *bridge;            /* the bridge sync and tap were set up for */
	bool stale;                  /* a new song: set up again at the next poll */
	mixsync_t sync;
	bool flipped;                /* the last change was an A/B flip, not an edit */
	int rate;
	loudness_t *loud;
	loudness_reading_t reading;
	spectrum_t spec;
	float spec_db[SPECTRUM_BANDS];
	uint64_t dropped;            /* tap frames lost (the UI fell behind) */
	bool was_playing;
	struct timespec read_at;
	float tap[2 * BRIDGE_TAP_CHUNK];

	/* A/B */
	mixab_t ab;
	bool ab_ok;

	/* meters: peak hold (linear) and when it was set, clip latches */
	float hold[SONG_MAX_CHANNELS + 1];   /* [channels]: the master */
	struct timespec hold_at[SONG_MAX_CHANNELS + 1];
	bool clip[SONG_MAX_CHANNELS + 1];

	/* mixer page cursor; ch counts the strips: channels, then buses */
	int ch, first, row, unit, param;
	/* master page cursor */
	int mrow, mtop;
	int target;
	float custom_target;

	struct ui_ref *ref;          /* the reference track (ui_ref.c), made on first use */
} ui_mix_t;

/* The pages' state, made on first use (NULL when out of memory). */
ui_mix_t *ui_mix_get(ui_app_t *app);
void ui_mix_poll(ui_app_t *app);
/* A new song (opened, new): the next poll starts over. */
void ui_mix_reset(ui_app_t *app);
void ui_mix_free(ui_app_t *app);

/* Undoable mixer edits: call ui_mix_edit_end() after changing the song. */
void ui_mix_edit_begin(ui_app_t *app, const char *what);
void ui_mix_edit_end(ui_app_t *app);

/* Parameter values: the text shown ("-18.0 dB", "soft", "1.2 kHz"),
 * a step (fine: 1, coarse: 10 per unit of dir) along the parameter's
 * scale, clamped; and parsing typed text (a number, or a choice name).
 * Parsing returns false for text that is neither. */
void ui_mix_format(const fx_param_desc_t *d, float v, char *buf, size_t n);
float ui_mix_step(const fx_param_desc_t *d, float v, int dir);
bool ui_mix_parse(const fx_param_desc_t *d, const char *text, float *out);

/* A meter level as dBFS, -inf-safe. */
float ui_mix_db(float linear);
/* The target loudness of the master page's preset. */
float ui_mix_target(const ui_mix_t *m);
/* Draws a level bar of width cells (horizontal), 0 dB at the right end,
 * -60 dB at the left. */
void ui_mix_hbar(ui_app_t *app, int y, int x, int width, float db);

/* A/B commands (both pages). */
void ui_mix_ab(ui_app_t *app, ui_cmd_t cmd);

#endif
