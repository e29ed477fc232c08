/*
 * ui_inst: the instruments page and its sample browser.
 *
 * The page lists the song's instruments and edits the current one
 * (app->inst, shared with the pattern editor): every synth or sampler
 * parameter from the instparam table, a waveform of the sample with its
 * loop, factory presets, and the piano keys jam it.  Edits are undoable
 * steps like any other; ui.c sends the changed instruments to the audio
 * side through ui_inst_sync(), which also frees the samples nobody can
 * play any more (samplekeep.h).
 *
 * The browser (ui_browse.c) lists a folder's audio files; a preview
 * loads the file on this thread into an instrument slot the song does
 * not use, sends that to the audio side and jams it.  UI thread only.
 */
#ifndef BEATTY_UI_INST_H
#define BEATTY_UI_INST_H

#include "filelist.h"
#include "sampleinfo.h"
#include "samplekeep.h"
#include "ui_app.h"

#define WAVE_MAX 512   /* the widest waveform, in dot columns */

/* The waveform last drawn, per dot column: redrawn from here until the
 * sample or the width changes. */
typedef struct ui_wave {
	const float *data;
	int cols;
	float lo[WAVE_MAX], hi[WAVE_MAX];
	float peak;
} ui_wave_t;

typedef struct ui_inst {
	samplekeep_t keep;
	int param, param_top;        /* cursor and scroll of the parameter list */
	int del_idx;                 /* the instrument a delete question is about */

	/* the preview: an instrument the song does not have */
	int pv_slot;                 /* 0: none sent */
	instrument_t pv;
	char pv_name[256];

	/* the browser */
	bool browsing;
	filelist_t files;
	int cur, top;                /* in view[], the entries the filter lets through */
	int *view, nview;
	char filter[64];             /* typed letters: only names holding them show */
	bool marks;                  /* files lists the bookmarks, by full path */
	char back[1024];             /* the folder the bookmarks were opened from */
	bool pending;                /* rows drawn before their headers were read */
	sampleinfo_probe_t *probe;   /* sample headers, read on a thread of their own */

	/* the preset list (^P) */
	bool picking;
	int pick;
	char pick_typed[32];         /* letters typed: the first name they begin */

	ui_wave_t wave;
} ui_inst_t;

/* The page's state (created on first use; NULL only if memory ran out). */
ui_inst_t *ui_inst_state(ui_app_t *app);

/* Sends changed instruments to the audio side and frees the samples no
 * longer used; ui.c calls it every turn of its loop. */
void ui_inst_sync(ui_app_t *app);
/* A new song (the audio side is closed): forgets the preview and frees
 * the samples the old song let go of. */
void ui_inst_reset(ui_app_t *app);
void ui_inst_deinit(ui_app_t *app);

/* The browser (ui_browse.c). */
void ui_browse_open(ui_app_t *app);
void ui_browse_close(ui_app_t *app);
void ui_browse_draw(ui_app_t *app, int top, int height);
/* Once a loop turn: redraws while headers are still being read. */
void ui_browse_poll(ui_app_t *app);
/* Every key while the browser is open; false: not taken (a global one). */
bool ui_browse_key(ui_app_t *app, int key);

/* Plays the audio file at path through the preview slot. */
void ui_inst_preview(ui_app_t *app, const char *path);
/* Stops the preview and gives its slot back. */
void ui_inst_preview_stop(ui_app_t *app);
/* Loads the file at path into the current instrument (an undoable step;
 * a missing instrument is created). */
void ui_inst_load_sample(ui_app_t *app, const char *path);

/* Replaces instrument idx with *in (NULL deletes it) as one undo step. */
void ui_inst_replace(ui_app_t *app, int idx, const instrument_t *in, const char *what);

#endif
