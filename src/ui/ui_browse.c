/*
 * ui_browse: the sample browser of the instruments page (see ui_inst.h).
 *
 * A folder at a time: folders first, then the audio files (filelist.h),
 * each file with its length, rate, channels and bit depth as its header
 * gives them.  The headers are read by a probe on a thread of its own
 * (sampleinfo.h), for the rows on screen first, so a folder of thousands
 * of files or a slow disk never holds up a key.  Typed letters narrow
 * the list to the names holding them; ^G asks for a folder (Tab
 * completes), ^K lists the bookmarks (config.ini) that exist.  Enter
 * goes into a folder or loads the file into the current instrument;
 * Space plays the file under the cursor through the preview slot, and
 * with the preview on (^P, config.ini) every move of the cursor does.
 */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ui_inst.h"

#define MAX_MARKS 32

/* The entry under the cursor (an index into files.e), or -1. */
static int cur_entry(const ui_inst_t *u)
{
	return u->cur >= 0 && u->cur < u->nview ? u->view[u->cur] : -1;
}

/* Applies the filter to the list, keeping the cursor on the entry it
 * was on when that still shows. */
static void refilter(ui_inst_t *u, int keep)
{
	int *nv = realloc(u->view, (size_t)(u->files.n > 0 ? u->files.n : 1) * sizeof(*nv));
	if (!nv) {
		u->nview = 0;
		return;
	}
	u->view = nv;
	u->nview = filelist_filter(&u->files, u->filter, u->view);
	u->cur = 0;
	for (int i = 0; i < u->nview; i++)
		if (u->view[i] == keep)
			u->cur = i;
	/* the first file rather than "..", when nothing is chosen */
	if (keep < 0 && u->nview > 1 && !strcmp(u->files.e[u->view[0]].name, ".."))
		u->cur = 1;
}

static void full_path(const ui_inst_t *u, int e, char *buf, size_t n)
{
	if (u->marks)
		snprintf(buf, n, "%s", u->files.e[e].name);
	else
		filelist_path(&u->files, e, buf, n);
}

/* Reads folder; on success puts the cursor on the entry named select. */
static bool go(ui_app_t *app, const char *folder, const char *select)
{
	ui_inst_t *u = app->instui;
	if (filelist_read(&u->files, folder) != 0) {
		app_msg(app, true, "cannot open %s: %s", folder, strerror(errno));
		return false;
	}
	u->marks = false;
	u->filter[0] = 0;
	u->top = 0;
	int keep = -1;
	for (int i = 0; select && i < u->files.n; i++)
		if (!strcmp(u->files.e[i].name, select))
			keep = i;
	refilter(u, keep);
	return true;
}

void ui_browse_open(ui_app_t *app)
{
	ui_inst_t *u = ui_inst_state(app);
	if (!u)
		return;
	char dir[UI_PATH_MAX + SONG_PATH_MAX + 2];
	const instrument_t *in = app->inst >= 1 ? app->song.inst[app->inst] : NULL;
	const char *select = NULL;
	if (u->files.path[0] && !u->marks) {
		snprintf(dir, sizeof(dir), "%s", u->files.path);   /* where the last visit ended */
	} else if (in && in->type == INST_SAMPLER && in->sampler.path[0]) {
		/* Beside the instrument's sample. */
		char sd[UI_PATH_MAX];
		app_song_folder(app, sd, sizeof(sd));
		if (in->sampler.path[0] == '/')
			snprintf(dir, sizeof(dir), "%s", in->sampler.path);
		else
			snprintf(dir, sizeof(dir), "%s/%s", sd, in->sampler.path);
		char *slash = strrchr(dir, '/');
		select = slash + 1;
		*slash = 0;
	} else {
		app_song_folder(app, dir, sizeof(dir));
	}
	if (!go(app, dir, select) && !go(app, ".", NULL))
		return;
	if (!u->probe)
		u->probe = sampleinfo_probe_create();
	else
		sampleinfo_probe_clear(u->probe);   /* the files may have changed since */
	u->browsing = true;
	app_msg(app, false, "load a sample into instrument %02X: Enter loads, Space plays, "
	        "letters filter, ^G folder, ^K bookmarks, Esc closes", app->inst < 1 ? 1 : app->inst);
}

void ui_browse_close(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	if (!u)
		return;
	ui_inst_preview_stop(app);
	u->browsing = false;
}

void ui_browse_poll(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	if (u && u->browsing && u->pending)
		app->redraw = true;   /* headers still coming in */
}

void ui_browse_draw(ui_app_t *app, int top, int height)
{
	ui_inst_t *u = app->instui;
	char b[1400], info[160], path[sizeof(u->files.path) + 512];
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	if (u->marks)
		snprintf(b, sizeof(b), " Load a sample into %02X: bookmarks", app->inst < 1 ? 1 : app->inst);
	else
		snprintf(b, sizeof(b), " Load a sample into %02X: %s", app->inst < 1 ? 1 : app->inst,
		         u->files.path);
	mvaddnstr(top, 0, b, app->cols);
	if (u->filter[0]) {
		snprintf(b, sizeof(b), "  filter: %s ", u->filter);
		int w = (int)strlen(b);
		mvaddnstr(top, app->cols > w ? app->cols - w : 0, b, app->cols);
	}
	attrset(AT_NORMAL);
	int rows = height - 2;
	if (u->cur < u->top)
		u->top = u->cur;
	if (u->cur >= u->top + rows)
		u->top = u->cur - rows + 1;
	/* The details sit in a column of their own when the screen is wide
	 * enough for a name beside them. */
	int icol = app->cols - 46;
	u->pending = false;
	for (int i = 0; i < rows && u->top + i < u->nview; i++) {
		int k = u->view[u->top + i];
		const filelist_entry_t *e = &u->files.e[k];
		bool playing = u->pv_slot && !strcmp(e->name, u->pv_name);
		snprintf(b, sizeof(b), " %s%s%s", e->name, e->dir && !u->marks ? "/" : "",
		         playing ? "   (preview)" : "");
		attrset(u->top + i == u->cur ? app_color(app, PAIR_LIST_CURSOR) | AT_REVERSE :
		        e->dir ? app_color(app, PAIR_HEADER) : AT_NORMAL);
		mvaddnstr(top + 1 + i, 0, b, icol >= 20 && !e->dir ? icol - 1 : app->cols);
		if (!e->dir && icol >= 20 && u->probe) {
			sampleinfo_t si;
			full_path(u, k, path, sizeof(path));
			if (sampleinfo_probe_get(u->probe, path, &si)) {
				sampleinfo_format(&si, info, sizeof(info));
			} else {
				snprintf(info, sizeof(info), "      ...");
				u->pending = true;
			}
			mvaddnstr(top + 1 + i, icol, info, app->cols - icol);
		}
		attrset(AT_NORMAL);
	}
	if (u->marks && u->nview == 0)
		mvaddnstr(top + 2, 1, "(no bookmarked folder exists: [browser] bookmarks in config.ini)",
		          app->cols - 1);
	else if (u->filter[0] && u->nview == 0)
		mvaddnstr(top + 2, 1, "(no name here holds the filter: Backspace or Esc)", app->cols - 1);
	else if (!u->marks && u->files.n <= 1)
		mvaddnstr(top + 2, 1, "(no audio files here: .wav .flac .ogg .aiff .aif)", app->cols - 1);
	snprintf(b, sizeof(b), " Enter load  Space play  type to filter  ^G folder  ^K bookmarks "
	         "^P autoplay %s", app->browse_preview ? "on" : "off");
	mvaddnstr(top + height - 1, 0, b, app->cols);
}

static void parent(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	if (u->marks)
		return;
	char here[sizeof(u->files.path)], up[sizeof(u->files.path) + 4];
	snprintf(here, sizeof(here), "%s", u->files.path);
	if (!strcmp(here, "/"))
		return;
	const char *name = strrchr(here, '/') + 1;
	snprintf(up, sizeof(up), "%s/..", here);
	go(app, up, name);
}

/* The bookmarks that exist, the song's own folder first. */
static void show_marks(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	static char marks[MAX_MARKS][1024];
	char sd[UI_PATH_MAX], abs[1024];
	app_song_folder(app, sd, sizeof(sd));
	int n = 0;
	if (filelist_beside(NULL, sd, abs, sizeof(abs)) == 0)
		snprintf(marks[n++], sizeof(marks[0]), "%s", abs);
	int more = filelist_bookmarks(app->bookmarks, marks + n, MAX_MARKS - n);
	for (int i = n; i < n + more; i++)
		if (!strcmp(marks[i], marks[0])) {
			memmove(marks[i], marks[n + more - 1], sizeof(marks[0]));
			more--;
		}
	n += more;
	filelist_entry_t *e = calloc((size_t)n + 1, sizeof(*e));
	if (!e) {
		app_msg(app, true, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		e[i].dir = true;
		if (!(e[i].name = strdup(marks[i]))) {
			for (int k = 0; k < i; k++)
				free(e[k].name);
			free(e);
			app_msg(app, true, "out of memory");
			return;
		}
	}
	/* Where the list came from, to go back to on Esc. */
	if (!u->marks)
		snprintf(u->back, sizeof(u->back), "%s", u->files.path);
	filelist_free(&u->files);
	u->files.e = e;
	u->files.n = n;
	u->marks = true;
	u->filter[0] = 0;
	u->top = 0;
	refilter(u, 0);
}

static void goto_done(ui_app_t *app, const char *text)
{
	ui_inst_t *u = app->instui;
	if (!text || !text[0] || !u || !u->browsing)
		return;
	char exp[UI_PATH_MAX], full[UI_PATH_MAX];
	filelist_expand_home(text, exp, sizeof(exp));
	/* A relative path is taken from the folder shown. */
	char base[sizeof(u->files.path) + 4];
	snprintf(base, sizeof(base), "%s/x", u->marks ? u->back : u->files.path);
	if (filelist_beside(base, exp, full, sizeof(full)) != 0) {
		app_msg(app, true, "the path %s is too long", text);
		return;
	}
	struct stat st;
	if (stat(full, &st) != 0) {
		app_msg(app, true, "%s: %s", full, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		go(app, full, NULL);
		return;
	}
	/* A file: its folder, with the cursor on it. */
	char *slash = strrchr(full, '/');
	*slash = 0;
	if (go(app, full[0] ? full : "/", slash + 1) && !S_ISREG(st.st_mode))
		app_msg(app, true, "%s is not a regular file", slash + 1);
}

static void goto_complete(ui_app_t *app, char *buf, size_t n)
{
	char out[UI_PATH_MAX];
	int m = filelist_complete(buf, out, sizeof(out));
	snprintf(buf, n, "%s", out);
	if (m > 1)
		app_msg(app, false, "%d names begin so", m);
	else if (!m)
		app_msg(app, true, "no folder or audio file begins so");
}

static void goto_prompt(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	char init[sizeof(u->files.path) + 2];
	const char *here = u->marks ? u->back : u->files.path;
	snprintf(init, sizeof(init), "%s%s", here, strcmp(here, "/") ? "/" : "");
	app_prompt(app, "folder (Tab completes): ", init, goto_done);
	app->prompt.complete = goto_complete;
}

/* After the cursor moved: the preview, when it is on, plays the file. */
static void moved(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	int e = cur_entry(u);
	if (!app->browse_preview || e < 0 || u->files.e[e].dir)
		return;
	char path[sizeof(u->files.path) + 512];
	full_path(u, e, path, sizeof(path));
	ui_inst_preview(app, path);
}

bool ui_browse_key(ui_app_t *app, int key)
{
	ui_inst_t *u = app->instui;
	int arg, n = u->nview, was = u->cur;
	ui_cmd_t cmd = ui_keys_lookup(CTX_BROWSE, key, &arg);
	char path[sizeof(u->files.path) + 512];
	size_t fl = strlen(u->filter);
	/* Letters, digits and the like narrow the list. */
	if (cmd == CMD_NONE && key > ' ' && key < 127) {
		if (fl + 1 < sizeof(u->filter)) {
			u->filter[fl] = (char)key;
			u->filter[fl + 1] = 0;
			refilter(u, cur_entry(u));
			if (u->cur != was || cur_entry(u) >= 0)
				moved(app);
		}
		return true;
	}
	switch (cmd) {
	case CMD_NONE: return true;
	case CMD_UP: if (u->cur > 0) u->cur--; break;
	case CMD_DOWN: if (u->cur < n - 1) u->cur++; break;
	case CMD_PAGE_UP: u->cur = u->cur > 10 ? u->cur - 10 : 0; break;
	case CMD_PAGE_DOWN: u->cur = u->cur + 10 < n ? u->cur + 10 : n - 1; break;
	case CMD_TOP: u->cur = 0; break;
	case CMD_BOTTOM: u->cur = n - 1; break;
	case CMD_BROWSE_PARENT:
		if (fl) {
			u->filter[fl - 1] = 0;
			refilter(u, cur_entry(u));
		} else {
			parent(app);
		}
		return true;
	case CMD_BROWSE_GOTO: goto_prompt(app); return true;
	case CMD_BROWSE_MARKS:
		if (u->marks)
			go(app, u->back, NULL);
		else
			show_marks(app);
		return true;
	case CMD_BROWSE_AUTOPLAY:
		app->browse_preview = !app->browse_preview;
		app_msg(app, false, "preview on cursor moves %s", app->browse_preview ? "on" : "off");
		if (!app->browse_preview)
			ui_inst_preview_stop(app);
		return true;
	case CMD_BROWSE_OPEN:
	case CMD_BROWSE_PREVIEW: {
		int e = cur_entry(u);
		if (e < 0)
			return true;
		if (!u->marks && !strcmp(u->files.e[e].name, "..")) {
			if (cmd == CMD_BROWSE_OPEN)
				parent(app);
			return true;
		}
		full_path(u, e, path, sizeof(path));
		if (u->files.e[e].dir) {
			if (cmd == CMD_BROWSE_OPEN)
				go(app, path, NULL);
		} else if (cmd == CMD_BROWSE_PREVIEW) {
			ui_inst_preview(app, path);
		} else {
			ui_browse_close(app);
			ui_inst_load_sample(app, path);
		}
		return true;
	}
	case CMD_BACK:
		if (fl) {
			u->filter[0] = 0;
			refilter(u, cur_entry(u));
		} else if (u->marks) {
			go(app, u->back, NULL);
		} else {
			ui_browse_close(app);
		}
		return true;
	default:
		return false;   /* a global command: quit, save, pages... */
	}
	if (u->cur < 0)
		u->cur = 0;
	if (u->cur != was)
		moved(app);
	return true;
}
