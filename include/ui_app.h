/*
 * ui_app: the state of the tracker screen, shared by its pages.
 *
 * One ui_app_t lives on the UI thread for the whole session.  It owns
 * the song being edited, its undo history and clipboard, the cursor,
 * and the handles on sound: the bridge (the only way to the playing
 * engine) and the ALSA sink that pulls from it.  Pages (ui_pattern.c,
 * ui_order.c, ui_song.c, ui_help.c) draw from it and run commands on
 * it through the small ops table below and call the app_* services
 * (ui_app.c); ui.c owns the loop, the terminal, files and sound.
 *
 * Every change to the song goes through app_edit_begin()/_end(), which
 * records undo state, marks the song modified and queues what changed
 * for the audio side; nothing here ever blocks on audio.
 */
#ifndef BEATTY_UI_APP_H
#define BEATTY_UI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "alsa_out.h"
#include "bridge.h"
#include "edit.h"
#include "song.h"
#include "theme.h"
#include "ui_keys.h"
#include "undo.h"

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24
#define UI_LOG_MAX  6       /* messages the help page shows in full */
#define UI_PATH_MAX 1024

/* Sub-columns of a channel under the cursor. */
enum {
	COL_NOTE, COL_INST_HI, COL_INST_LO, COL_VOL_HI, COL_VOL_LO,
	COL_FX, COL_PARAM_HI, COL_PARAM_LO, COL_COUNT
};

/* Every page, once: its id and its ops.  A new page is one file that
 * defines its ops, and one line here. */
#define UI_PAGE_LIST(X) \
	X(PAGE_PATTERN, ui_page_pattern) X(PAGE_ORDER, ui_page_order) \
	X(PAGE_SONG, ui_page_song) X(PAGE_HELP, ui_page_help) \
	X(PAGE_INST, ui_page_inst) \
	X(PAGE_MIXER, ui_page_mixer) X(PAGE_MASTER, ui_page_master)

#define UI_PAGE_ENUM(id, ops) id,
typedef enum { UI_PAGE_LIST(UI_PAGE_ENUM) PAGE_COUNT } ui_page_id_t;
#undef UI_PAGE_ENUM

typedef struct ui_app ui_app_t;

/* A page: draw fills the screen between the header lines and the
 * status line; cmd runs a command of its context (false: not handled);
 * key sees raw keys first (text fields, hex digits; false: not taken). */
typedef struct ui_page_ops {
	const char *name;
	ui_ctx_t ctx;
	void (*draw)(ui_app_t *app, int top, int height);
	bool (*cmd)(ui_app_t *app, ui_cmd_t cmd, int arg);
	bool (*key)(ui_app_t *app, int key);
	/* Lifecycle, all optional; the host calls each for every page that
	 * has it, whichever page is showing. */
	void (*song_changed)(ui_app_t *app);   /* a new song replaced the old */
	void (*sync)(ui_app_t *app);           /* hand edits to the audio side now */
	void (*poll)(ui_app_t *app);           /* once a loop turn */
	void (*free)(ui_app_t *app);           /* the screen is closing */
} ui_page_ops_t;

#define UI_PAGE_DECL(id, ops) extern const ui_page_ops_t ops;
UI_PAGE_LIST(UI_PAGE_DECL)
#undef UI_PAGE_DECL

/* The page of an id. */
const ui_page_ops_t *ui_page(ui_page_id_t id);
/* Calls a lifecycle hook of every page that has it, in page order
 * (offsetof(ui_page_ops_t, sync) and the like). */
void ui_pages_each(ui_app_t *app, size_t hook);

/* A one-line text prompt in the status line; done gets the text (NULL
 * when cancelled). */
typedef void (*ui_prompt_fn)(ui_app_t *app, const char *text);
/* A yes/no/cancel question; answer gets 'y', 'n' or 'c' (or one of the
 * keys given to app_ask_keys). */
typedef void (*ui_ask_fn)(ui_app_t *app, int answer);

struct ui_render;

typedef struct ui_prompt {
	bool on;
	char label[128];
	char buf[UI_PATH_MAX];
	int len, pos;
	ui_prompt_fn done;
	/* Tab: completes buf in place (NULL: Tab is typed as nothing). */
	void (*complete)(ui_app_t *app, char *buf, size_t n);
} ui_prompt_t;

struct ui_app {
	/* the song */
	song_t song;
	char path[UI_PATH_MAX];      /* "" for a new song not saved yet */
	undo_t *undo;
	bool touched;                /* changed outside undo (mute, solo) since the save */
	edit_clip_t clip;

	/* sound */
	alsa_out_opts_t aopts;
	char device[256];
	bool no_audio;
	alsa_out_t *out;
	bridge_t *bridge;
	int threads;                 /* workers for the audio side, 0: one per core */
	workpool_t *pool;            /* they, made before the audio thread starts */
	char audio_msg[600];         /* why there is no sound, or "" */
	bridge_snapshot_t snap;
	alsa_out_stats_t stats;
	bool playing_pattern;
	bool dirty_pat[SONG_MAX_PATTERNS];   /* to send to the audio side */
	bool dirty_order, dirty_tempo;
	bool dirty_inst[SONG_MAX_INSTRUMENTS + 1];
	int jam_ch;                  /* channel of the last jammed note, -1 none */
	struct timespec jam_at;
	struct ui_midi *midi;        /* MIDI input (ui_midi.c), or NULL */
	char midi_path[UI_PATH_MAX]; /* raw MIDI device or FIFO (--midi, config.ini) */
	int midi_channel;            /* 1..16, or 0 for all */
	bool midi_seq;               /* open the ALSA sequencer port */
	char bookmarks[2048];        /* the sample browser's, colon-separated (config.ini) */
	bool browse_preview;         /* the browser plays the file under the cursor */
	char rhythm[128];            /* the last rhythm asked for (ui_beat.c) */

	/* the cursor and editing state */
	int order, row, ch, col;
	int first_ch;                /* first channel shown */
	int octave, step, inst;
	bool edit, follow;
	bool sel;                    /* a block is marked */
	int sel_row, sel_ch;         /* its anchor; the cursor is the other corner */
	int sel_all;                 /* ^A presses in a row */
	bool sel_held;               /* the last command marked: Shift+move extends */

	/* pages */
	ui_page_id_t page, help_from;
	int help_top;
	int order_cur, order_top;
	int song_cur;

	/* status line, prompts */
	char msg[1400];
	bool msg_err;
	/* Errors and messages longer than the status line, newest at
	 * (log_n - 1) % UI_LOG_MAX, for the top of the help page: the status
	 * line shows two lines of one message at a time. */
	char log[UI_LOG_MAX][1400];
	int log_n;
	ui_prompt_t prompt;
	struct {
		bool on;
		char question[1400];
		char keys[8];            /* the answers, lower case ("ync") */
		int esc;                 /* the answer Esc gives */
		ui_ask_fn answer;
	} ask;
	ui_cmd_t pending;            /* what to do after "save changes?" */
	bool esc_prefix;             /* a lone Esc: the next key is looked up as Alt+key */

	/* terminal */
	int rows, cols;
	bool ascii, color;
	bool quit;
	bool redraw;                 /* something changed: draw the screen */
	struct timespec autosave_at;
	uint64_t autosave_gen, gen;  /* gen counts edits; autosave remembers the last saved */
	int autosave_s;              /* seconds between recovery copies, 0 never (config.ini) */
	int interp;                  /* interp_t for samplers set to auto, live (config.ini) */
	bool recovery_own;           /* the recovery copy at the song's name is this session's */
	char autosave_fail[1200];    /* why the last autosave failed, or "" */
	char theme[UI_PATH_MAX];     /* theme name or path (--theme, config.ini) */
	char keys[UI_PATH_MAX];      /* keymap name or path (--keys, config.ini) */
	bool keys_cli;               /* keys came from --keys: a bad one is an error */
	int pair_attr[THEME_ROLE_COUNT + 1];   /* app_color(): the theme as applied */
	struct keymap *keymap;       /* keys.ini over the built-in table, or NULL */

	struct ui_render *render;
	struct ui_inst *instui;      /* the instruments page (ui_inst.c) */
	struct ui_mix *mix;          /* the mixer and master pages (ui_mix.c) */
};

/* ---- ui.c services for the pages --------------------------------------- */

/* Copies src into dst (n bytes), cutting it short if it must. */
void app_copy(char *dst, size_t n, const char *src);

/* The folder the song is in ("." for a song named without one); where
 * the song's relative paths start. */
void app_song_folder(const ui_app_t *app, char *buf, size_t n);

/* Status-line message (printf-style); err shows it as an error.  Errors
 * and messages wider than the screen also go into the log (app_log). */
void app_msg(ui_app_t *app, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Keeps text for the help page's "Messages" (the same text twice in a
 * row once). */
void app_log(ui_app_t *app, const char *text);
void app_prompt(ui_app_t *app, const char *label, const char *initial, ui_prompt_fn done);
void app_ask(ui_app_t *app, const char *question, ui_ask_fn answer);
/* The same with other answers: keys lists them (lower case; upper case
 * is taken too), esc is the answer Esc and ^G give. */
void app_ask_keys(ui_app_t *app, const char *question, const char *keys, int esc,
                  ui_ask_fn answer);

/* The pattern number at the cursor's order position (-1 if none). */
int app_pattern(const ui_app_t *app);
const pattern_t *app_pat(const ui_app_t *app);

/* Edits: begin saves the undo state of pattern pat (-1: none) and, with
 * meta, of the order list and settings; end with ok = false drops the
 * step (the edit was refused) and reports code. */
void app_edit_begin(ui_app_t *app, const char *what, int pat, bool meta);
void app_edit_also(ui_app_t *app, int pat);      /* one more pattern in the step */
void app_edit_end(ui_app_t *app, int code);
/* Marks what an undo step touched as changed for the audio side (edits,
 * undo and redo). */
void app_mark_touched(ui_app_t *app, const undo_touched_t *t);
bool app_modified(const ui_app_t *app);

/* Channels added, removed, renamed, moved (CMD_CH_*) at the cursor's
 * channel of the pattern editor or the mixer; false for other commands. */
bool app_channel_cmd(ui_app_t *app, ui_cmd_t cmd, int arg);
/* The channel layout changed (an edit or its undo): the audio side is
 * made anew from the song and the cursors kept on a channel. */
void app_relayout(ui_app_t *app);

/* Jamming: sounds note on the cursor's channel and instrument. */
void app_jam(ui_app_t *app, int note);
/* Transport. */
void app_play(ui_app_t *app, int order, int row, bool pattern_loop);
void app_stop(ui_app_t *app);
bool app_is_playing(const ui_app_t *app);
void app_set_mute(ui_app_t *app, int ch, bool mute, bool solo_cmd);

/* Drawing helpers: the box-drawing bar or '|' in ASCII mode. */
void app_vbar(ui_app_t *app, int y, int x, int attr);
/* Styles: one per theme role (theme.h), PAIR_x being role THEME_x's
 * colour pair: PAIR_TITLE, PAIR_CURSOR, PAIR_METER_CLIP, PAIR_WAVEFORM...
 * app_color() gives what to pass to attrset(): the pair and the theme's
 * attributes, or the monochrome theme's attributes alone on a terminal
 * without colour (app->color false). */
#define UI_PAIR_ENUM(id, name, def, mono, what) PAIR_##id = THEME_##id + 1,
enum { THEME_ROLE_LIST(UI_PAIR_ENUM) PAIR_COUNT = THEME_ROLE_COUNT + 1 };
#undef UI_PAIR_ENUM
int app_color(const ui_app_t *app, int pair);
/* curses' attributes as the int attrset() takes, for mixing with pairs. */
#define AT_NORMAL    ((int)A_NORMAL)
#define AT_BOLD      ((int)A_BOLD)
#define AT_REVERSE   ((int)A_REVERSE)
#define AT_UNDERLINE ((int)A_UNDERLINE)

#endif
