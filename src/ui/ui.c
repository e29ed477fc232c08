/*
 * ui: the tracker screen's main loop, terminal, files and sound.
 *
 * One thread runs everything here: it waits for a key at most LOOP_MS,
 * then reads the audio side's snapshot, sends queued song changes
 * through the bridge, checks a background render and the autosave
 * timer, and redraws when something visible changed.  Curses keeps the
 * screen it last sent and writes only the difference, and the grid
 * scrolls with idlok(), so a following playhead costs one scroll, the
 * new line and the two row numbers of the playhead mark per row over
 * SSH (tests/tui_follow.sh holds it to 2 KB/s at 140 BPM).
 *
 * Sound: the ALSA sink's real-time thread pulls periods from the
 * bridge; this thread only sends messages and reads atomics, so it
 * never waits on audio.  No device, or none that opens, just means a
 * silent editor: the reason stays in the status line.
 *
 * Exits: every path ends in endwin().  SIGTERM/SIGHUP/SIGINT/SIGQUIT
 * set a flag the loop sees within LOOP_MS: it saves the recovery copy
 * and leaves the normal way.  Crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT) get an async-signal-safe restore: the terminal's exit
 * sequences, prepared at start, and the saved termios, then the signal
 * is re-raised.  Those handlers need the state in file statics: there
 * is one terminal per process.
 */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "dsp.h"
#include "import.h"
#include "note.h"
#include "recovery.h"
#include "songfile.h"
#include "ui.h"
#include "ui_app.h"
#include "ui_mix.h"
#include "scale.h"
#include "termkey.h"
#include "ui_input.h"
#include "ui_midi.h"
#include "ui_prefs.h"
#include "ui_ref.h"
#include "filelist.h"
#include "ui_render.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE     2
#define LOOP_MS        20      /* key wait: the playhead is at most this late */
#define STATS_MS       500     /* CPU load and xruns refresh */
#define JAM_RELEASE_MS 600     /* a jammed note is released after this (stopped) */
#define UNDO_BYTES     ((size_t)64 << 20)
#define UNDO_STEPS     100000

static volatile sig_atomic_t got_signal;
static struct termios saved_tio;
static bool saved_tio_ok;
static char restore_seq[256];
static size_t restore_len;

static const int quit_signals[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NQUIT (sizeof(quit_signals) / sizeof(quit_signals[0]))
#define NCRASH (sizeof(crash_signals) / sizeof(crash_signals[0]))

static void on_quit_signal(int sig)
{
	got_signal = sig;
}

static void on_crash_signal(int sig)
{
	if (restore_len)
		(void)!write(STDOUT_FILENO, restore_seq, restore_len);
	if (saved_tio_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_restore(const char *cap)
{
	const char *s = tigetstr(cap);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (restore_len + n < sizeof(restore_seq)) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void stamp(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

/* ------------------------------------------------------------------ */
/* sound                                                                */

static bool fill(void *user, float *out, int frames)
{
	bridge_fill(user, out, frames);
	return true;   /* live: play on until stopped */
}

static void audio_close(ui_app_t *app)
{
	if (app->out)
		alsa_out_stop(app->out, false);
	alsa_out_close(app->out);
	app->out = NULL;
	bridge_destroy(app->bridge);
	app->bridge = NULL;
	workpool_destroy(app->pool);
	app->pool = NULL;
	memset(&app->snap, 0, sizeof(app->snap));
}

static void audio_open(ui_app_t *app)
{
	app->audio_msg[0] = 0;
	memset(app->dirty_pat, 0, sizeof(app->dirty_pat));
	app->dirty_order = app->dirty_tempo = false;
	if (app->no_audio) {
		snprintf(app->audio_msg, sizeof(app->audio_msg), "started with --no-audio");
		return;
	}
	char err[512], warn[256];
	alsa_out_opts_t o = app->aopts;
	o.device = app->device;
	app->out = alsa_out_open(&o, err, sizeof(err));
	if (!app->out) {
		app_copy(app->audio_msg, sizeof(app->audio_msg), err);
		return;
	}
	app->bridge = bridge_create(&app->song, alsa_out_rate(app->out));
	/* The channels' work spread over workers at the audio thread's
	 * priority, all made before it starts. */
	int workers = app->threads > 0 ? app->threads : workpool_cores();
	app->pool = workers > 1 ? workpool_create(workers, ALSA_OUT_RT_PRIORITY, NULL, 0) : NULL;
	if (app->bridge && bridge_set_pool(app->bridge, app->pool) != 0) {
		workpool_destroy(app->pool);
		app->pool = NULL;
	}
	if (!app->bridge) {
		snprintf(app->audio_msg, sizeof(app->audio_msg), "out of memory for the audio engine");
		audio_close(app);
		return;
	}
	bridge_set_interpolation(app->bridge, (interp_t)app->interp);
	bridge_set_loop(app->bridge, true);
	if (alsa_out_start(app->out, fill, app->bridge, warn, sizeof(warn), err, sizeof(err)) != 0) {
		app_copy(app->audio_msg, sizeof(app->audio_msg), err);
		audio_close(app);
		return;
	}
	bridge_snapshot(app->bridge, &app->snap);
}

void app_relayout(ui_app_t *app)
{
	int n = app->song.channels;
	if (app->ch >= n)
		app->ch = n - 1;
	if (app->first_ch > app->ch)
		app->first_ch = app->ch;
	if (app->sel_ch >= n)
		app->sel_ch = n - 1;
	if (app->mix) {
		if (app->mix->ch >= n)
			app->mix->ch = n - 1;
		if (app->mix->first > app->mix->ch)
			app->mix->first = app->mix->ch;
		app->mix->unit = app->mix->param = 0;
		/* the new audio side copies the mix as it is now; an A/B
		 * compare ends with the mix heard, the other side's strips being
		 * of the old layout */
		app->mix->stale = true;
		if (app->mix->ab_ok)
			app->mix->ab.on = false;
	}
	app->redraw = true;
	if (!app->bridge)
		return;
	/* The audio thread is stopped before its bridge goes, so nothing of
	 * the old layout is read while the new one is made. */
	bool playing = app->snap.playing, loop = app->playing_pattern;
	int order = app->snap.order, row = app->snap.row;
	audio_close(app);
	audio_open(app);
	if (playing && app->bridge && order >= 0 && order < app->song.norders)
		app_play(app, order, row, loop);
}

/* Sends what changed since the last call; what the ring cannot take now
 * stays marked and goes next time. */
static void audio_sync(ui_app_t *app)
{
	ui_pages_each(app, offsetof(ui_page_ops_t, sync));   /* instruments, and the samples they let go of */
	bridge_t *b = app->bridge;
	if (!b) {
		memset(app->dirty_pat, 0, sizeof(app->dirty_pat));
		app->dirty_order = app->dirty_tempo = false;
		return;
	}
	for (int i = 0; i < SONG_MAX_PATTERNS; i++) {
		if (!app->dirty_pat[i])
			continue;
		if (!bridge_set_pattern(b, i, app->song.pattern[i]))
			return;   /* patterns before orders: try again next time */
		app->dirty_pat[i] = false;
	}
	if (app->dirty_order) {
		bool ok = true;
		for (int i = 0; i < app->song.norders && ok; i++)
			ok = bridge_set_order(b, i, app->song.order[i].pattern, app->song.norders);
		app->dirty_order = !ok;
	}
	if (app->dirty_tempo)
		app->dirty_tempo = !(bridge_set_tempo(b, app->song.bpm, app->song.lpb, app->song.swing) &&
		                     bridge_set_speed(b, app->song.tpl));
	bridge_collect(b);
}

/* ------------------------------------------------------------------ */
/* songs and files                                                      */

static const char *display_name(const ui_app_t *app)
{
	if (!app->path[0])
		return "untitled.bty";
	const char *s = strrchr(app->path, '/');
	return s ? s + 1 : app->path;
}

static void first_instrument(ui_app_t *app)
{
	app->inst = 1;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		if (app->song.inst[i]) {
			app->inst = i;
			return;
		}
	}
}

/* Everything that depends on the song starts over. */
static void reset_view(ui_app_t *app)
{
	undo_clear(app->undo);
	app->touched = false;
	app->order = app->row = app->ch = app->col = app->first_ch = 0;
	app->sel = false;
	app->order_cur = app->order_top = 0;
	app->song_cur = 0;
	app->page = PAGE_PATTERN;
	/* the sound of the old song is gone: its samples may go; A/B ends,
	 * meters and mixer sync start over */
	ui_pages_each(app, offsetof(ui_page_ops_t, song_changed));
	app->gen = app->autosave_gen = 0;
	first_instrument(app);
	app->redraw = true;
}

static void new_song(song_t *s)
{
	song_init(s);
	/* Something to play at once: one plain synth. */
	instrument_t *in = song_inst_new(s, 1, INST_SYNTH);
	if (in)
		snprintf(in->name, sizeof(in->name), "Synth");
}

static char load_warning[256];

static void warn_cb(void *user, const char *file, int line, const char *msg)
{
	(void)user;
	if (!load_warning[0])
		snprintf(load_warning, sizeof(load_warning), "%s:%d: warning: %s", file, line, msg);
}

/* A module (MOD, XM, S3M...) is imported instead: it opens as the song
 * it becomes, named path with .bty for its extension, into save_path,
 * so ^S never writes over the module. */
static int load_song(song_t *s, const char *path, char *err, size_t n, char *save_path, size_t sn)
{
	songfile_error_t e;
	load_warning[0] = 0;
	snprintf(save_path, sn, "%s", path);
	if (import_is_module(path)) {
		import_report_t rep;
		import_song_path(path, save_path, sn);
		if (import_module(s, path, save_path, &rep, err, n) != 0)
			return -1;
		snprintf(load_warning, sizeof(load_warning), "imported %s (%d kinds of things not "
		         "translated: beatty import lists them); ^S saves it as %s", path, rep.nkinds,
		         save_path);
		return 0;
	}
	if (songfile_load(s, path, SONGFILE_LOAD_SAMPLES, &e, warn_cb, NULL) != 0) {
		songfile_error_format(&e, err, n);
		return -1;
	}
	return 0;
}

static void recovery_answer(ui_app_t *app, int a);

/* After a start, a load or a new song: a recovery copy at the song's
 * name is a session's lost work.  It stays until the user chooses, and
 * nothing writes over it meanwhile (autosave() checks). */
static void check_recovery(ui_app_t *app)
{
	char rp[UI_PATH_MAX + 16];
	recovery_path(app->path, rp, sizeof(rp));
	struct stat st;
	if (app->recovery_own || stat(rp, &st) != 0)
		return;
	char when[32], q[UI_PATH_MAX + 128];
	struct tm tm;
	time_t t = st.st_mtime;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M", &tm);
	snprintf(q, sizeof(q), "a recovery copy from %s: (r)ecover (d)iscard (k)eep aside  %s", when,
	         rp);
	/* Esc keeps it aside: the one answer that loses nothing. */
	app_ask_keys(app, q, "rdk", 'k', recovery_answer);
}

static void replace_song(ui_app_t *app, song_t *fresh, const char *path)
{
	audio_close(app);
	/* the samples kept apart and the song's own must not overlap before
	 * the song frees its own */
	ui_pages_each(app, offsetof(ui_page_ops_t, sync));
	song_deinit(&app->song);
	app->song = *fresh;
	snprintf(app->path, sizeof(app->path), "%s", path ? path : "");
	app->recovery_own = false;
	app->autosave_fail[0] = 0;
	reset_view(app);
	audio_open(app);
}

static bool save_to(ui_app_t *app, const char *path)
{
	songfile_error_t e;
	/* Saved into another folder, the song's sample paths are rewritten
	 * to still reach the same files (a new song's are relative to the
	 * folder beatty started in). */
	const char *from = app->path[0] ? app->path : "./untitled.bty";
	bool moved = strcmp(path, app->path) && songfile_rebase(&app->song, from, path) > 0;
	/* An imported song's samples live in memory until its first save. */
	char werr[600];
	if (import_write_samples(&app->song, path, false, werr, sizeof(werr)) < 0) {
		if (moved)
			songfile_rebase(&app->song, path, from);
		app_msg(app, true, "not saved: %s", werr);
		return false;
	}
	if (songfile_save(&app->song, path, &e) != 0) {
		if (moved)   /* not saved there: the paths go back to this folder */
			songfile_rebase(&app->song, path, from);
		char buf[600];
		songfile_error_format(&e, buf, sizeof(buf));
		app_msg(app, true, "not saved: %s", buf);
		return false;
	}
	char rp[UI_PATH_MAX + 16];
	recovery_path(app->path, rp, sizeof(rp));
	bool renamed = strcmp(path, app->path) != 0;
	if (renamed) {
		if (app->recovery_own)
			unlink(rp);   /* the old name's copy */
		app->recovery_own = false;   /* a copy at the new name is not ours */
		snprintf(app->path, sizeof(app->path), "%s", path);
		recovery_path(app->path, rp, sizeof(rp));
	}
	if (app->recovery_own)
		unlink(rp);
	app->recovery_own = false;
	undo_mark_saved(app->undo);
	app->touched = false;
	app->autosave_gen = app->gen;
	app_msg(app, false, "saved %s", path);
	if (renamed)
		check_recovery(app);
	return true;
}

/* Writes the recovery copy.  Never over another session's copy that
 * the user has not dealt with; every failure shows on the status line
 * (and is kept for the exit message).  Returns whether it was written. */
static bool autosave(ui_app_t *app)
{
	char rp[UI_PATH_MAX + 16];
	recovery_path(app->path, rp, sizeof(rp));
	stamp(&app->autosave_at);
	struct stat st;
	if (!app->recovery_own && lstat(rp, &st) == 0) {
		snprintf(app->autosave_fail, sizeof(app->autosave_fail),
		         "%s is an earlier recovery copy, kept", rp);
		app_msg(app, true, "not autosaved: %s is an earlier recovery copy (^S saves your work)", rp);
		return false;
	}
	songfile_error_t e;
	if (songfile_save(&app->song, rp, &e) != 0) {
		songfile_error_format(&e, app->autosave_fail, sizeof(app->autosave_fail));
		app_msg(app, true, "autosave failed: %s", app->autosave_fail);
		return false;
	}
	app->autosave_gen = app->gen;
	app->recovery_own = true;
	app->autosave_fail[0] = 0;
	return true;
}

static void run_pending(ui_app_t *app);

static void save_as_done(ui_app_t *app, const char *text)
{
	if (!text) {
		app->pending = CMD_NONE;
		return;
	}
	if (!*text) {
		app_msg(app, true, "no file name: not saved");
		app->pending = CMD_NONE;
		return;
	}
	if (save_to(app, text))
		run_pending(app);
	else
		app->pending = CMD_NONE;
}

static void cmd_save(ui_app_t *app, bool as)
{
	if (as || !app->path[0])
		app_prompt(app, "save as: ", app->path[0] ? app->path : "untitled.bty", save_as_done);
	else if (save_to(app, app->path))
		run_pending(app);
	else
		app->pending = CMD_NONE;
}

static void open_done(ui_app_t *app, const char *text)
{
	if (!text || !*text)
		return;
	song_t s;
	char err[600];
	/* A module opens under the song it becomes (^S never writes over
	 * the module). */
	char loaded[UI_PATH_MAX];
	if (load_song(&s, text, err, sizeof(err), loaded, sizeof(loaded)) != 0) {
		app_msg(app, true, "%s", err);
		return;
	}
	/* A recovery copy opens under its song's name: ^S puts it back. */
	char path[UI_PATH_MAX];
	bool recovered = recovery_song_of(text, path, sizeof(path));
	if (!recovered)
		snprintf(path, sizeof(path), "%s", loaded);
	replace_song(app, &s, path);
	if (recovered) {
		app->touched = true;
		app->recovery_own = true;   /* its work is in this session now */
		app_msg(app, false, "opened the recovery copy of %s: ^S saves it there", path);
	} else if (load_warning[0]) {
		app_msg(app, true, "%s", load_warning);
	} else {
		app_msg(app, false, "opened %s", text);
		check_recovery(app);
	}
}

static void recovery_answer(ui_app_t *app, int a)
{
	char rp[UI_PATH_MAX + 16];
	recovery_path(app->path, rp, sizeof(rp));
	if (a == 'd') {
		if (unlink(rp) != 0 && errno != ENOENT)
			app_msg(app, true, "%s: not discarded: %s", rp, strerror(errno));
		else
			app_msg(app, false, "discarded the recovery copy %s", rp);
	} else if (a == 'k') {
		char aside[UI_PATH_MAX + 64];
		if (recovery_keep_aside(rp, aside, sizeof(aside)) != 0)
			app_msg(app, true, "%s: could not keep it aside (%s); it stays, and autosave "
			        "leaves it alone", rp, strerror(errno));
		else
			app_msg(app, false, "kept the recovery copy aside as %s (^O opens it)", aside);
	} else if (a == 'r') {
		song_t s;
		char err[600], path[UI_PATH_MAX], loaded[UI_PATH_MAX];
		if (load_song(&s, rp, err, sizeof(err), loaded, sizeof(loaded)) != 0) {
			app_msg(app, true, "%s (the copy stays)", err);
			return;
		}
		snprintf(path, sizeof(path), "%s", app->path);
		replace_song(app, &s, path[0] ? path : NULL);
		app->touched = true;
		app->recovery_own = true;   /* its work is in this session now */
		app_msg(app, false, "recovered %s: ^S saves it as %s", rp, display_name(app));
	}
}

static void run_pending(ui_app_t *app)
{
	ui_cmd_t p = app->pending;
	app->pending = CMD_NONE;
	switch (p) {
	case CMD_QUIT:
		app->quit = true;
		break;
	case CMD_OPEN:
		app_prompt(app, "open: ", app->path, open_done);
		break;
	case CMD_NEW: {
		song_t s;
		new_song(&s);
		replace_song(app, &s, NULL);
		app_msg(app, false, "new song");
		check_recovery(app);
		break;
	}
	default:
		break;
	}
}

static void unsaved_answer(ui_app_t *app, int a)
{
	if (a == 'y')
		cmd_save(app, false);
	else if (a == 'n')
		run_pending(app);
	else
		app->pending = CMD_NONE;
}

/* Quit, open, new: ask first when there are unsaved changes. */
static void guarded(ui_app_t *app, ui_cmd_t cmd)
{
	app->pending = cmd;
	if (!app_modified(app)) {
		run_pending(app);
		return;
	}
	char q[1400];
	snprintf(q, sizeof(q), "%s has unsaved changes. Save them? (y)es (n)o (c)ancel",
	         display_name(app));
	app_ask(app, q, unsaved_answer);
}

static void render_done_prompt(ui_app_t *app, const char *text)
{
	if (!text)
		return;
	char path[1024], stems[1024], err[512];
	render_opts_t o;
	if (ui_render_parse(text, path, sizeof(path), &o, stems, sizeof(stems), err, sizeof(err)) != 0) {
		app_msg(app, true, "render: %s", err);
		return;
	}
	/* A relative name means beside the song: the folder beatty was
	 * started in is an accident of the shell, and a file put there
	 * unannounced is a file lost. */
	char full[UI_PATH_MAX], sfull[UI_PATH_MAX];
	if (filelist_beside(app->path, path, full, sizeof(full)) != 0 ||
	    (stems[0] && filelist_beside(app->path, stems, sfull, sizeof(sfull)) != 0)) {
		app_msg(app, true, "render: the path %s is too long", path);
		return;
	}
	if (stems[0])
		snprintf(stems, sizeof(stems), "%s", sfull);
	app->render = ui_render_start(&app->song, full, &o, stems, err, sizeof(err));
	if (!app->render)
		app_msg(app, true, "render: %s", err);
	else
		app_msg(app, false, "rendering %s in the background", full);
}

static void cmd_render(ui_app_t *app)
{
	if (app->render) {
		app_msg(app, true, "a render is already running");
		return;
	}
	char def[UI_PATH_MAX];
	snprintf(def, sizeof(def), "%s", display_name(app));
	char *dot = strrchr(def, '.');
	if (dot && dot != def)
		*dot = 0;
	strncat(def, ".wav", sizeof(def) - strlen(def) - 1);
	app_prompt(app, "render to (beside the song; --rate --bits --lufs --stems --no-master): ", def,
	           render_done_prompt);
}

static void check_render(ui_app_t *app, bool wait)
{
	if (!app->render)
		return;
	bool done;
	ui_render_progress(app->render, &done);
	if (!done && !wait)
		return;
	char path[1024], err[512];
	snprintf(path, sizeof(path), "%s", ui_render_path(app->render));
	render_result_t res;
	int rc = ui_render_finish(app->render, &res, err, sizeof(err));
	app->render = NULL;
	if (rc != 0) {
		app_msg(app, true, "render failed: %s", err);
		return;
	}
	app_msg(app, false, "rendered %s: %lld frames, peak %.1f dBFS%s", path, (long long)res.frames,
	        (double)gain_to_db(res.peak), res.clipped ? " (clipped)" : "");
}

/* ------------------------------------------------------------------ */
/* drawing                                                              */

#define UI_PAGE_ITEM(id, ops) [id] = &ops,
static const ui_page_ops_t *const pages[PAGE_COUNT] = { UI_PAGE_LIST(UI_PAGE_ITEM) };
#undef UI_PAGE_ITEM

const ui_page_ops_t *ui_page(ui_page_id_t id)
{
	return pages[id];
}

void ui_pages_each(ui_app_t *app, size_t hook)
{
	for (int i = 0; i < PAGE_COUNT; i++) {
		void (*fn)(ui_app_t *);
		memcpy(&fn, (const char *)pages[i] + hook, sizeof(fn));
		if (fn)
			fn(app);
	}
}

/* The status line's text: a question, or else the message. */
static const char *status_text(const ui_app_t *app)
{
	if (app->prompt.on)
		return NULL;
	if (app->ask.on)
		return app->ask.question;
	return app->msg[0] ? app->msg : NULL;
}

/* Where text longer than w breaks: after its last space within w + 1
 * columns (the space is dropped), else at w. */
static int wrap_at(const char *text, int w)
{
	int len = (int)strlen(text);
	if (len <= w)
		return len;
	for (int i = w; i > w / 2; i--)
		if (text[i] == ' ')
			return i;
	return w;
}

/* Two lines where one does not hold the text, so the fact at the end of
 * a long message (the reason after a path, the last key of a hint) is
 * on the screen; the page gives up its last line meanwhile. */
static int status_lines(const ui_app_t *app)
{
	const char *t = status_text(app);
	return t && (int)strlen(t) > app->cols - 1 ? 2 : 1;
}

/* text on line y, at most w bytes; cut shorter with an ellipsis when it
 * is longer (more is in the message than two lines hold). */
static void put_cut(const ui_app_t *app, int y, const char *text, int w)
{
	int len = (int)strlen(text);
	if (len <= w) {
		mvaddstr(y, 0, text);
		return;
	}
	const char *dots = app->ascii ? "..." : "\xe2\x80\xa6";
	int keep = w - (app->ascii ? 3 : 1);
	mvaddnstr(y, 0, text, keep);
	addstr(dots);
}

static void fill_line(ui_app_t *app, int y, int attr)
{
	attrset(attr);
	move(y, 0);
	for (int x = 0; x < app->cols; x++)
		addch(' ');
}

static void draw_title(ui_app_t *app)
{
	int attr = app_color(app, PAIR_TITLE);
	fill_line(app, 0, attr);
	char t[1400];
	snprintf(t, sizeof(t), " beatty  %s%s  %s", display_name(app), app_modified(app) ? " [+]" : "",
	         app->song.title);
	mvaddnstr(0, 0, t, app->cols);
	char r[64];
	snprintf(r, sizeof(r), "%s  F1 help ", ui_page(app->page)->name);
	int x = app->cols - (int)strlen(r);
	if (x > (int)strlen(t))
		mvaddstr(0, x, r);
	attrset(AT_NORMAL);
}

static void draw_info(ui_app_t *app)
{
	const pattern_t *p = app_pat(app);
	const instrument_t *in = app->inst > 0 ? app->song.inst[app->inst] : NULL;
	char b[300];
	snprintf(b, sizeof(b), " Ord %02X/%02X %-8.8s Pat %02X Row %02X/%02X  Oct %d Step %d  Ins %02X %.8s",
	         app->order, app->song.norders - 1, app->song.order[app->order].label, app_pattern(app),
	         app->row, p ? p->rows - 1 : 0, app->octave, app->step, app->inst,
	         in ? in->name : "(none)");
	if (app->song.scale) {   /* scale lock, where the line has room */
		size_t len = strlen(b);
		snprintf(b + len, sizeof(b) - len, "  Key %s %s", scale_key_names[app->song.scale_key],
		         scale_names[app->song.scale]);
	}
	move(1, 0);
	clrtoeol();
	mvaddnstr(1, 0, b, app->cols - 12);
	int x = app->cols - 12;
	if (app->edit) {
		attrset(app_color(app, PAIR_EDIT));
		mvaddstr(1, x, "EDIT");
		attrset(AT_NORMAL);
	}
	if (app->follow)
		mvaddstr(1, x + 5, "FOLLOW");
}

static void draw_transport(ui_app_t *app)
{
	move(2, 0);
	clrtoeol();
	char b[700];
	const bridge_snapshot_t *s = &app->snap;
	if (!app->bridge) {
		snprintf(b, sizeof(b), " no sound: %s", app->audio_msg);
		attrset(app_color(app, PAIR_ERROR));
	} else {
		int rate = alsa_out_rate(app->out);
		int64_t f = s->frame > 0 ? s->frame : 0;
		int sec = rate > 0 ? (int)(f / rate) : 0;
		snprintf(b, sizeof(b), " %s %-7s Ord %02X Pat %02X Row %02X  %d:%02d  %d BPM  cpu %2.0f%%  xruns %llu",
		         s->playing ? (app->ascii ? ">" : "\xe2\x96\xb6") : (app->ascii ? "." : "\xe2\x96\xa0"),
		         s->playing ? (app->playing_pattern ? "PATTERN" : "PLAY") : "STOP",
		         s->order, s->pattern < 0 ? 0 : s->pattern, s->row, sec / 60, sec % 60,
		         s->bpm ? s->bpm : app->song.bpm, 100.0 * app->stats.load_median,
		         (unsigned long long)app->stats.xruns);
		if (app->stats.lost)
			snprintf(b, sizeof(b), " audio device lost: %s", app->stats.lost_reason);
	}
	if (app->bridge)
		mvaddnstr(2, 0, b, app->cols);
	else   /* the whole reason is the status line's at start and on play */
		put_cut(app, 2, b, app->cols);
	attrset(AT_NORMAL);
	if (app->render) {
		bool done;
		double fr = ui_render_progress(app->render, &done);
		int w = 20, fill = (int)(fr * w + 0.5);
		char bar[64];
		for (int i = 0; i < w; i++)
			bar[i] = i < fill ? '#' : '-';
		bar[w] = 0;
		char r[128];
		snprintf(r, sizeof(r), " render [%s] %3d%% ", bar, (int)(fr * 100));
		int x = app->cols - (int)strlen(r);
		mvaddstr(2, x > 0 ? x : 0, r);
	}
}

static void draw_status(ui_app_t *app)
{
	int y = app->rows - 1;
	move(y, 0);
	clrtoeol();
	int nlines = status_lines(app), w = app->cols - 1;
	const char *text = status_text(app);
	if (nlines == 2 && text) {
		move(y - 1, 0);
		clrtoeol();
		int brk = wrap_at(text, w);
		attrset(app->ask.on ? app_color(app, PAIR_PROMPT) :
		        app->msg_err ? app_color(app, PAIR_ERROR) | AT_BOLD : app_color(app, PAIR_STATUS));
		mvaddnstr(y - 1, 0, text, brk);
		const char *rest = text + brk + (text[brk] == ' ');
		if ((int)strlen(rest) <= w || !app->msg[0] || app->ask.on) {
			put_cut(app, y, rest, w);
		} else {   /* the rest is the help page's, whole */
			put_cut(app, y, rest, w - 5);
			addstr(" (F1)");
		}
		attrset(AT_NORMAL);
		return;
	}
	if (app->prompt.on) {
		attrset(app_color(app, PAIR_PROMPT));
		mvaddnstr(y, 0, app->prompt.label, app->cols - 10);
		attrset(AT_NORMAL);
		int x = getcurx(stdscr);
		int room = app->cols - x - 1;
		int start = app->prompt.pos > room ? app->prompt.pos - room : 0;
		mvaddnstr(y, x, app->prompt.buf + start, room);
		move(y, x + app->prompt.pos - start);
		return;
	}
	if (app->ask.on) {
		attrset(app_color(app, PAIR_PROMPT));
		mvaddnstr(y, 0, app->ask.question, app->cols - 1);
		attrset(AT_NORMAL);
		return;
	}
	if (app->msg[0]) {
		attrset(app->msg_err ? app_color(app, PAIR_ERROR) | AT_BOLD : app_color(app, PAIR_STATUS));
		mvaddnstr(y, 0, app->msg, app->cols - 1);
		attrset(AT_NORMAL);
	}
}

static void draw(ui_app_t *app)
{
	getmaxyx(stdscr, app->rows, app->cols);
	erase();
	if (app->rows < UI_MIN_ROWS || app->cols < UI_MIN_COLS) {
		char b[128];
		snprintf(b, sizeof(b), "beatty needs at least %dx%d (this is %dx%d)",
		         UI_MIN_COLS, UI_MIN_ROWS, app->cols, app->rows);
		mvaddnstr(app->rows / 2, 0, b, app->cols);
		mvaddnstr(app->rows / 2 + 1, 0, "make it larger, or ^Q to quit", app->cols);
		curs_set(0);
		refresh();
		return;
	}
	draw_title(app);
	draw_info(app);
	draw_transport(app);
	ui_page(app->page)->draw(app, 3, app->rows - 3 - status_lines(app));
	draw_status(app);
	curs_set(app->prompt.on ? 1 : 0);
	/* A hidden cursor need not be put back after each update. */
	leaveok(stdscr, !app->prompt.on);
	refresh();
}

/* ------------------------------------------------------------------ */
/* keys                                                                 */

static void prompt_key(ui_app_t *app, int key)
{
	ui_prompt_t *p = &app->prompt;
	if (key == 27 || key == 7) {   /* Esc, ^G */
		p->on = false;
		if (p->done)
			p->done(app, NULL);
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		p->on = false;
		char text[sizeof(p->buf)];
		snprintf(text, sizeof(text), "%s", p->buf);
		if (p->done)
			p->done(app, text);
		return;
	}
	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && p->pos > 0) {
		memmove(p->buf + p->pos - 1, p->buf + p->pos, (size_t)(p->len - p->pos + 1));
		p->pos--;
		p->len--;
	} else if (key == KEY_DC && p->pos < p->len) {
		memmove(p->buf + p->pos, p->buf + p->pos + 1, (size_t)(p->len - p->pos));
		p->len--;
	} else if (key == KEY_LEFT && p->pos > 0) {
		p->pos--;
	} else if (key == KEY_RIGHT && p->pos < p->len) {
		p->pos++;
	} else if (key == KEY_HOME || key == 1) {
		p->pos = 0;
	} else if (key == KEY_END || key == 5) {
		p->pos = p->len;
	} else if (key == '\t' && p->complete) {
		p->complete(app, p->buf, sizeof(p->buf));
		p->len = p->pos = (int)strlen(p->buf);
	} else if (key == 21) {   /* ^U: clear */
		p->buf[0] = 0;
		p->pos = p->len = 0;
	} else if (key >= 32 && key < 256 && key != 127 && p->len + 1 < (int)sizeof(p->buf)) {
		memmove(p->buf + p->pos + 1, p->buf + p->pos, (size_t)(p->len - p->pos + 1));
		p->buf[p->pos++] = (char)key;
		p->len++;
	}
}

static void ask_key(ui_app_t *app, int key)
{
	int k = key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key;
	int a = key == 27 || key == 7 ? app->ask.esc :
	        k >= 'a' && k <= 'z' && strchr(app->ask.keys, k) ? k : 0;
	if (!a)
		return;
	app->ask.on = false;
	app->ask.answer(app, a);
}

static void undo_cmd(ui_app_t *app, bool redo)
{
	undo_touched_t t;
	memset(&t, 0, sizeof(t));
	const char *what = redo ? undo_redo(app->undo, &app->song, &t) :
	                          undo_undo(app->undo, &app->song, &t);
	if (!what) {
		app_msg(app, false, "nothing to %s", redo ? "redo" : "undo");
		return;
	}
	app_mark_touched(app, &t);
	/* at once, not at the end of the loop turn: a sample the undo put
	 * back is the song's again before any later key (^N, ^O) frees it */
	ui_pages_each(app, offsetof(ui_page_ops_t, sync));
	app->gen++;
	if (app->order >= app->song.norders)
		app->order = app->song.norders - 1;
	if (app->order_cur >= app->song.norders)
		app->order_cur = app->song.norders - 1;
	const pattern_t *p = app_pat(app);
	if (p && app->row >= p->rows)
		app->row = p->rows - 1;
	app_msg(app, false, "%s: %s (%d more)", redo ? "redone" : "undone", what,
	        redo ? undo_redo_depth(app->undo) : undo_depth(app->undo));
}

static bool global_cmd(ui_app_t *app, ui_cmd_t cmd)
{
	switch (cmd) {
	case CMD_HELP:
		if (app->page != PAGE_HELP) {
			app->help_from = app->page;
			app->page = PAGE_HELP;
		}
		return true;
	case CMD_PAGE_PATTERN: app->page = PAGE_PATTERN; return true;
	case CMD_PAGE_ORDER:
		app->page = PAGE_ORDER;
		app->order_cur = app->order;
		return true;
	case CMD_PAGE_SONG: app->page = PAGE_SONG; return true;
	case CMD_PAGE_INST: app->page = PAGE_INST; return true;
	case CMD_PAGE_MIXER: app->page = PAGE_MIXER; return true;
	case CMD_PAGE_MASTER: app->page = PAGE_MASTER; return true;
	case CMD_PLAY_SONG: app_play(app, app->order, 0, false); return true;
	case CMD_PLAY_PATTERN: app_play(app, app->order, 0, true); return true;
	case CMD_PLAY_CURSOR: app_play(app, app->order, app->row, false); return true;
	case CMD_STOP: app_stop(app); return true;
	case CMD_FOLLOW:
		app->follow = !app->follow;
		app_msg(app, false, "follow %s", app->follow ? "on" : "off");
		return true;
	case CMD_SAVE: cmd_save(app, false); return true;
	case CMD_SAVE_AS: cmd_save(app, true); return true;
	case CMD_OPEN: guarded(app, CMD_OPEN); return true;
	case CMD_NEW: guarded(app, CMD_NEW); return true;
	case CMD_QUIT: guarded(app, CMD_QUIT); return true;
	case CMD_RENDER: cmd_render(app); return true;
	case CMD_REDRAW: clearok(curscr, TRUE); return true;
	case CMD_REF_AB: ui_ref_cmd(app, cmd); return true;
	case CMD_UNDO: undo_cmd(app, false); return true;
	case CMD_REDO: undo_cmd(app, true); return true;
	default: return false;
	}
}

static void handle_key(ui_app_t *app, int key)
{
	app->redraw = true;
	if (key == KEY_RESIZE)
		return;
	if (app->prompt.on) {
		prompt_key(app, key);
		return;
	}
	if (app->ask.on) {
		ask_key(app, key);
		return;
	}
	if (app->rows < UI_MIN_ROWS || app->cols < UI_MIN_COLS) {
		int arg;
		if (ui_keys_lookup(CTX_GLOBAL, key, &arg) == CMD_QUIT)
			guarded(app, CMD_QUIT);
		return;
	}
	if (app->msg[0] && !app->msg_err)
		app->msg[0] = 0;
	const ui_page_ops_t *pg = ui_page(app->page);
	int arg;
	if (app->esc_prefix) {
		/* Esc, then a key: the Alt binding, for terminals without F-keys. */
		app->esc_prefix = false;
		if (key > 0 && key < 128 && key != 27 &&
		    ui_keys_lookup(pg->ctx, UI_KEY_ALT(key), &arg) != CMD_NONE)
			key = UI_KEY_ALT(key);
	}
	if (pg->key && pg->key(app, key))
		return;
	ui_cmd_t cmd = ui_keys_lookup(pg->ctx, key, &arg);
	if (cmd == CMD_NONE) {
		if (app->page == PAGE_HELP)
			app->page = app->help_from;
		else if (key == 27)
			app->esc_prefix = true;
		return;
	}
	/* A command that works says so itself or not at all: an earlier
	 * error must not look like its result. */
	app->msg[0] = 0;
	app->msg_err = false;
	if (pg->cmd && pg->cmd(app, cmd, arg))
		return;
	global_cmd(app, cmd);
}

/* A sequence no key of ours matches is dropped whole, never typed. */
static void take_key(ui_app_t *app, int key, const char *shown)
{
	if (key != UI_KEY_UNKNOWN) {
		handle_key(app, key);
		return;
	}
	app->redraw = true;
	app->esc_prefix = false;
	app_msg(app, true, "unknown key %s: ignored", shown);
}

/* ------------------------------------------------------------------ */
/* the loop                                                             */

static void poll_audio(ui_app_t *app, struct timespec *stats_at)
{
	if (!app->bridge)
		return;
	bridge_snapshot_t old = app->snap;
	bridge_snapshot(app->bridge, &app->snap);
	const bridge_snapshot_t *s = &app->snap;
	if (s->playing != old.playing || s->row != old.row || s->order != old.order ||
	    s->pattern != old.pattern)
		app->redraw = true;
	if (ms_since(stats_at) >= STATS_MS) {
		alsa_out_stats_t st;
		alsa_out_get_stats(app->out, &st);
		if ((int)(st.load_median * 100) != (int)(app->stats.load_median * 100) ||
		    st.xruns != app->stats.xruns || st.lost != app->stats.lost)
			app->redraw = true;
		app->stats = st;
		stamp(stats_at);
	}
	if (s->playing && app->follow && s->order >= 0 && s->order < app->song.norders) {
		app->order = s->order;
		const pattern_t *p = app_pat(app);
		if (p)
			app->row = s->row < p->rows ? s->row : p->rows - 1;
	}
	if (!s->playing && app->jam_ch >= 0 && ms_since(&app->jam_at) >= JAM_RELEASE_MS) {
		bridge_live_note(app->bridge, app->jam_ch, app->inst, NOTE_OFF, -1);
		app->jam_ch = -1;
	}
}

/* Plain ASCII for terminals whose fonts or protocol lack the glyphs. */
static bool want_ascii(void)
{
	const char *term = getenv("TERM");
	if (!term || !strncmp(term, "vt", 2) || !strcmp(term, "linux") || !strcmp(term, "dumb"))
		return true;
	const char *cs = nl_langinfo(CODESET);
	return !cs || strcmp(cs, "UTF-8");
}

static int term_start(ui_app_t *app)
{
	saved_tio_ok = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "beatty: cannot use this terminal (TERM=%s)\n",
		        getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	idlok(stdscr, TRUE);
	set_escdelay(25);
	timeout(LOOP_MS);
	app->ascii = want_ascii();
	app->color = has_colors() && !getenv("NO_COLOR") && strncmp(getenv("TERM"), "vt", 2);
	curs_set(0);
	restore_len = 0;
	add_restore("sgr0");
	add_restore("cnorm");
	add_restore("rmkx");
	add_restore("rmcup");
	getmaxyx(stdscr, app->rows, app->cols);
	return 0;
}

static void install_signals(struct sigaction *old_quit, struct sigaction *old_crash)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (size_t i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &sa, &old_quit[i]);
	sa.sa_handler = on_crash_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, &old_crash[i]);
}

static void restore_signals(const struct sigaction *old_quit, const struct sigaction *old_crash)
{
	for (size_t i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &old_quit[i], NULL);
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &old_crash[i], NULL);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "beatty: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'beatty --help')\n");
	return EXIT_USAGE;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int parse_ui_args(int argc, char **argv, ui_app_t *app, const char **song)
{
	/* The defaults come from config.ini (ui_prefs_config()). */
	*song = NULL;
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "--no-audio")) {
			app->no_audio = true;
			continue;
		}
		bool valued = !strcmp(o, "--device") || !strcmp(o, "--period") ||
		              !strcmp(o, "--periods") || !strcmp(o, "--rate") || !strcmp(o, "--theme") ||
		              !strcmp(o, "--midi") || !strcmp(o, "--keys");
		if (valued) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", o);
			const char *v = argv[++i];
			long n;
			if (!strcmp(o, "--device")) {
				if (!*v)
					return usage_error("%s", "--device needs a name");
				snprintf(app->device, sizeof(app->device), "%s", v);
			} else if (!strcmp(o, "--midi")) {
				if (!*v)
					return usage_error("%s", "--midi needs a device or FIFO (or none)");
				snprintf(app->midi_path, sizeof(app->midi_path), "%s", v);
			} else if (!strcmp(o, "--keys")) {
				if (!*v)
					return usage_error("%s", "--keys needs a keymap name or a file");
				snprintf(app->keys, sizeof(app->keys), "%s", v);
				app->keys_cli = true;
			} else if (!strcmp(o, "--theme")) {
				if (!*v)
					return usage_error("%s", "--theme needs a name or a file");
				snprintf(app->theme, sizeof(app->theme), "%s", v);
			} else if (!strcmp(o, "--period")) {
				if (!parse_long(v, 16, 8192, &n))
					return usage_error("bad --period '%s' (16..8192 frames)", v);
				app->aopts.period = (int)n;
			} else if (!strcmp(o, "--periods")) {
				if (!parse_long(v, 2, 32, &n))
					return usage_error("bad --periods '%s' (2..32)", v);
				app->aopts.periods = (int)n;
			} else {
				if (!parse_long(v, 8000, 384000, &n))
					return usage_error("bad --rate '%s' (8000..384000)", v);
				app->aopts.rate = (int)n;
			}
		} else if (o[0] == '-' && o[1]) {
			return usage_error("unknown option '%s'", o);
		} else if (*song) {
			return usage_error("one song at a time ('%s' is one too many)", o);
		} else {
			*song = o;
		}
	}
	return 0;
}

int ui_keys_main(int argc, char **argv)
{
	const char *keys = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--keys") && i + 1 < argc && argv[i + 1][0])
			keys = argv[++i];
		else if (!strcmp(argv[i], "--keys"))
			return usage_error("%s", "--keys needs a keymap name or a file");
		else
			return usage_error("keys takes only --keys NAME ('%s')", argv[i]);
	}
	int rc = ui_prefs_print_keys(stdout, keys);
	return rc == 2 ? EXIT_USAGE : rc == 0 ? 0 : EXIT_BAD_INPUT;
}

int ui_main(int argc, char **argv)
{
	static ui_app_t app_store;   /* large (a song): not on the stack */
	ui_app_t *app = &app_store;
	memset(app, 0, sizeof(*app));
	cfg_msgs_t prefs_msgs;   /* about config.ini, keys.ini, the theme */
	cfg_msgs_init(&prefs_msgs);
	ui_prefs_config(app, &prefs_msgs);   /* the command line goes over it */
	const char *song_path;
	int rc = parse_ui_args(argc, argv, app, &song_path);
	if (rc)
		return rc;
	if (app->keys_cli) {
		cfg_msgs_t km;
		char path[UI_PATH_MAX];
		cfg_msgs_init(&km);
		if (ui_prefs_keymap_find(app->keys, path, sizeof(path), &km) < 0) {
			fprintf(stderr, "beatty: %s\n", km.msg[0]);
			return EXIT_USAGE;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "beatty: the tracker screen needs a terminal "
		                "(for scripts: beatty render, play, info, fmt)\n");
		return EXIT_BAD_INPUT;
	}
	setlocale(LC_ALL, "");
	app->undo = undo_create(UNDO_BYTES, UNDO_STEPS);
	if (!app->undo)
		return EXIT_BAD_INPUT;
	edit_clip_init(&app->clip);
	bool exists = song_path && access(song_path, F_OK) == 0;
	if (song_path)
		snprintf(app->path, sizeof(app->path), "%s", song_path);
	if (exists) {
		char err[600];
		if (load_song(&app->song, song_path, err, sizeof(err), app->path, sizeof(app->path)) != 0) {
			fprintf(stderr, "%s\n", err);
			undo_destroy(app->undo);
			return EXIT_BAD_INPUT;
		}
	} else {
		new_song(&app->song);
	}
	app->follow = true;
	app->jam_ch = -1;
	reset_view(app);

	if (term_start(app) != 0) {
		song_deinit(&app->song);
		undo_destroy(app->undo);
		return EXIT_BAD_INPUT;
	}
	ui_prefs_start(app, &prefs_msgs);   /* keys.ini and the theme */
	struct sigaction old_quit[NQUIT], old_crash[NCRASH];
	got_signal = 0;
	install_signals(old_quit, old_crash);
	ui_keys_resolve();   /* keys this terminal lacks stay unbound */
	audio_open(app);
	if (song_path && access(song_path, F_OK) != 0)
		app_msg(app, false, "new song: ^S saves it as %s", song_path);
	else if (load_warning[0])
		app_msg(app, true, "%s", load_warning);
	else if (!app->bridge && !app->no_audio)   /* whole here; the transport line may cut it */
		app_msg(app, true, "no sound: %s", app->audio_msg);
	else
		app_msg(app, false, "%s", "F1: help   Space: edit mode   F5/F6/F8: play/pattern/stop   ^Q: quit");
	if (cfg_msgs_count(&prefs_msgs)) {
		char m[sizeof(app->msg)];
		for (int i = prefs_msgs.n - 1; i >= 1; i--)
			app_log(app, prefs_msgs.msg[i]);
		ui_prefs_message(&prefs_msgs, m, sizeof(m));
		app_msg(app, true, "%s", m);
	}
	ui_midi_open(app);
	check_recovery(app);
	stamp(&app->autosave_at);
	struct timespec stats_at;
	stamp(&stats_at);

	while (!app->quit && !got_signal) {
		if (app->redraw) {
			draw(app);
			app->redraw = false;
		}
		/* With MIDI input, wait on it and the keyboard together, so a
		 * played note is not held up by the key wait. */
		int wait = LOOP_MS;
		if (app->midi)
			wait = ui_midi_wait(app, LOOP_MS) ? LOOP_MS : 0;
		char shown[3 * TERMKEY_MAX];
		int key = ui_input_get(wait, shown, sizeof(shown));
		if (key != ERR) {
			take_key(app, key, shown);
			/* Take what was typed ahead before drawing again. */
			while (!app->quit && (key = ui_input_get(0, shown, sizeof(shown))) != ERR)
				take_key(app, key, shown);
			timeout(LOOP_MS);
		}
		poll_audio(app, &stats_at);
		audio_sync(app);
		ui_pages_each(app, offsetof(ui_page_ops_t, poll));   /* mixer changes; meters */
		if (app->render)
			app->redraw = true;
		check_render(app, false);
		if (app->autosave_s > 0 && app->gen != app->autosave_gen &&
		    ms_since(&app->autosave_at) >= (int64_t)app->autosave_s * 1000)
			autosave(app);
	}

	int sig = got_signal;
	bool rescued = false;
	if (sig && app_modified(app))
		rescued = autosave(app);   /* the recovery copy, before anything else can fail */
	ui_midi_close(app);
	audio_close(app);
	endwin();
	restore_signals(old_quit, old_crash);
	if (app->render) {
		fprintf(stderr, "beatty: finishing the render of %s\n", ui_render_path(app->render));
		check_render(app, true);
	}
	if (sig && app_modified(app)) {
		char rp[UI_PATH_MAX + 16];
		recovery_path(app->path, rp, sizeof(rp));
		if (rescued)
			fprintf(stderr, "beatty: stopped by signal %d; unsaved changes are in %s\n", sig, rp);
		else
			fprintf(stderr, "beatty: stopped by signal %d; unsaved changes are lost: "
			        "no recovery copy could be written (%s)\n", sig, app->autosave_fail);
	} else if (!sig && app->recovery_own) {
		/* A clean quit: the user saved, or chose to drop the changes.
		 * Only this session's copy goes; one it never dealt with stays. */
		char rp[UI_PATH_MAX + 16];
		recovery_path(app->path, rp, sizeof(rp));
		unlink(rp);
	}
	ui_pages_each(app, offsetof(ui_page_ops_t, free));
	ui_prefs_end(app);
	song_deinit(&app->song);
	undo_destroy(app->undo);
	edit_clip_deinit(&app->clip);
	return sig ? 128 + sig : 0;
}
