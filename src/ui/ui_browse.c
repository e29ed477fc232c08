/*
 * ui_browse: the sample browser of the instruments page (see ui_inst.h).
 *
 * A folder at a time: folders first, then the audio files (filelist.h).
 * Enter goes into a folder or loads the file into the current
 * instrument; Space plays the file under the cursor through the preview
 * slot, so a kit can be auditioned by walking down the list.
 */
#include <curses.h>
#include <errno.h>
#include <string.h>
#include "ui_inst.h"

static void song_dir(const ui_app_t *app, char *buf, size_t n)
{
	snprintf(buf, n, "%s", app->path);
	char *slash = strrchr(buf, '/');
	if (!slash)
		snprintf(buf, n, ".");   /* the song is in the current folder */
	else if (slash == buf)
		buf[1] = 0;
	else
		*slash = 0;
}

/* Reads folder; on success puts the cursor on the entry named select. */
static bool go(ui_app_t *app, const char *folder, const char *select)
{
	ui_inst_t *u = app->instui;
	if (filelist_read(&u->files, folder) != 0) {
		app_msg(app, true, "cannot open %s: %s", folder, strerror(errno));
		return false;
	}
	u->cur = u->top = 0;
	for (int i = 0; select && i < u->files.n; i++)
		if (!strcmp(u->files.e[i].name, select))
			u->cur = i;
	/* the first file rather than "..", when nothing is chosen */
	if (!select && u->files.n > 1 && !strcmp(u->files.e[0].name, ".."))
		u->cur = 1;
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
	if (u->files.path[0]) {
		snprintf(dir, sizeof(dir), "%s", u->files.path);   /* where the last visit ended */
	} else if (in && in->type == INST_SAMPLER && in->sampler.path[0]) {
		/* Beside the instrument's sample. */
		char sd[UI_PATH_MAX];
		song_dir(app, sd, sizeof(sd));
		if (in->sampler.path[0] == '/')
			snprintf(dir, sizeof(dir), "%s", in->sampler.path);
		else
			snprintf(dir, sizeof(dir), "%s/%s", sd, in->sampler.path);
		char *slash = strrchr(dir, '/');
		select = slash + 1;
		*slash = 0;
	} else {
		song_dir(app, dir, sizeof(dir));
	}
	if (!go(app, dir, select) && !go(app, ".", NULL))
		return;
	u->browsing = true;
	app_msg(app, false, "load a sample into instrument %02X: Enter loads, Space plays, Esc closes",
	        app->inst < 1 ? 1 : app->inst);
}

void ui_browse_close(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	if (!u)
		return;
	ui_inst_preview_stop(app);
	u->browsing = false;
}

void ui_browse_draw(ui_app_t *app, int top, int height)
{
	ui_inst_t *u = app->instui;
	char b[1400];
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	snprintf(b, sizeof(b), " Load a sample into %02X: %s", app->inst < 1 ? 1 : app->inst, u->files.path);
	mvaddnstr(top, 0, b, app->cols);
	attrset(AT_NORMAL);
	int rows = height - 2;
	if (u->cur < u->top)
		u->top = u->cur;
	if (u->cur >= u->top + rows)
		u->top = u->cur - rows + 1;
	for (int i = 0; i < rows && u->top + i < u->files.n; i++) {
		const filelist_entry_t *e = &u->files.e[u->top + i];
		bool playing = u->pv_slot && !strcmp(e->name, u->pv_name);
		snprintf(b, sizeof(b), " %s%s%s", e->name, e->dir ? "/" : "", playing ? "   (preview)" : "");
		attrset(u->top + i == u->cur ? app_color(app, PAIR_LIST_CURSOR) | AT_REVERSE :
		        e->dir ? app_color(app, PAIR_HEADER) : AT_NORMAL);
		mvaddnstr(top + 1 + i, 0, b, app->cols);
		attrset(AT_NORMAL);
	}
	if (u->files.n <= 1)
		mvaddnstr(top + 2, 1, "(no audio files here: .wav .flac .ogg .aiff .aif)", app->cols - 1);
	mvaddnstr(top + height - 1, 0, " Enter: open/load   Space: preview   Backspace: parent   Esc: close",
	          app->cols);
}

static void parent(ui_app_t *app)
{
	ui_inst_t *u = app->instui;
	char here[sizeof(u->files.path)], up[sizeof(u->files.path) + 4];
	snprintf(here, sizeof(here), "%s", u->files.path);
	if (!strcmp(here, "/"))
		return;
	const char *name = strrchr(here, '/') + 1;
	snprintf(up, sizeof(up), "%s/..", here);
	go(app, up, name);
}

bool ui_browse_key(ui_app_t *app, int key)
{
	ui_inst_t *u = app->instui;
	int arg, n = u->files.n;
	ui_cmd_t cmd = ui_keys_lookup(CTX_BROWSE, key, &arg);
	char path[sizeof(u->files.path) + 512];
	switch (cmd) {
	case CMD_NONE: return true;
	case CMD_UP: if (u->cur > 0) u->cur--; return true;
	case CMD_DOWN: if (u->cur < n - 1) u->cur++; return true;
	case CMD_PAGE_UP: u->cur = u->cur > 10 ? u->cur - 10 : 0; return true;
	case CMD_PAGE_DOWN: u->cur = u->cur + 10 < n ? u->cur + 10 : n - 1; return true;
	case CMD_TOP: u->cur = 0; return true;
	case CMD_BOTTOM: u->cur = n - 1; return true;
	case CMD_BROWSE_PARENT: parent(app); return true;
	case CMD_BROWSE_OPEN:
	case CMD_BROWSE_PREVIEW:
		if (u->cur < 0 || u->cur >= n)
			return true;
		if (!strcmp(u->files.e[u->cur].name, "..")) {
			if (cmd == CMD_BROWSE_OPEN)
				parent(app);
			return true;
		}
		filelist_path(&u->files, u->cur, path, sizeof(path));
		if (u->files.e[u->cur].dir) {
			if (cmd == CMD_BROWSE_OPEN)
				go(app, path, NULL);
		} else if (cmd == CMD_BROWSE_PREVIEW) {
			ui_inst_preview(app, path);
		} else {
			ui_browse_close(app);
			ui_inst_load_sample(app, path);
		}
		return true;
	case CMD_BACK:
		ui_browse_close(app);
		return true;
	default:
		return false;   /* a global command: quit, save, pages... */
	}
}
