/*
 * ui_prefs: config.ini, keys.ini and the theme, applied (see ui_prefs.h).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "datadir.h"
#include "settings.h"
#include "keymap.h"
#include "ui_prefs.h"
#include "ui_theme.h"

#ifndef BEATTY_DATADIR
#define BEATTY_DATADIR "/usr/local/share/beatty"
#endif
void ui_prefs_theme_dirs(char *buf, size_t n)
{
	datadir_dirs(BEATTY_DATADIR, "themes", buf, n);
}

static bool keymap_is_path(const char *name)
{
	size_t n = strlen(name);
	return strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".ini"));
}

int ui_prefs_keymap_find(const char *name, char *path, size_t n, cfg_msgs_t *msgs)
{
	if (!name[0] || !strcmp(name, "default"))
		return 1;
	if (keymap_is_path(name)) {
		if (access(name, R_OK) == 0) {
			snprintf(path, n, "%s", name);
			return 0;
		}
		cfg_msgs_add(msgs, name, 0, "no such keymap file");
		return -1;
	}
	/* The user's keymaps first, then the shipped ones. */
	char dirs[3 * PATH_MAX + 32], own[PATH_MAX];
	dirs[0] = 0;
	if (cfgfile_path("keymaps", own, sizeof(own)) == 0)
		snprintf(dirs, sizeof(dirs), "%s:", own);
	size_t k = strlen(dirs);
	datadir_dirs(BEATTY_DATADIR, "keymaps", dirs + k, sizeof(dirs) - k);
	for (char *d = dirs, *end; *d; d = *end ? end + 1 : end) {
		end = strchr(d, ':');
		if (!end)
			end = d + strlen(d);
		int len = snprintf(path, n, "%.*s/%s.ini", (int)(end - d), d, name);
		if (len > 0 && (size_t)len < n && access(path, R_OK) == 0)
			return 0;
	}
	cfg_msgs_add(msgs, "keys", 0,
	             "no keymap '%s' (default, schism, milky, one in ~/.config/beatty/keymaps, "
	             "or a file path)", name);
	return -1;
}

/* km gets the keymap name over the built-in table, then keys.ini. */
static void keys_over(keymap_t *km, const char *name, cfg_msgs_t *msgs)
{
	char path[UI_PATH_MAX];
	if (ui_prefs_keymap_find(name, path, sizeof(path), msgs) == 0)
		keymap_load(km, path, msgs);
}

void ui_prefs_config(ui_app_t *app, cfg_msgs_t *msgs)
{
	settings_t c;
	settings_default(&c);
	char path[UI_PATH_MAX];
	char *text;
	size_t len;
	if (cfgfile_path("config.ini", path, sizeof(path)) == 0 &&
	    cfgfile_read(path, &text, &len, msgs) == 0) {
		settings_parse(&c, text, len, "config.ini", msgs);
		free(text);
	}
	alsa_out_opts_default(&app->aopts);
	app->aopts.period = c.period;
	app->aopts.periods = c.periods;
	app->aopts.rate = c.rate;
	app->threads = c.threads;
	app_copy(app->device, sizeof(app->device), c.device);
	app_copy(app->theme, sizeof(app->theme), c.theme);
	app_copy(app->keys, sizeof(app->keys), c.keys);
	app->octave = c.octave;
	app->step = c.step;
	app->autosave_s = c.autosave;
	int m = song_enum_lookup(interp_names, INTERP_COUNT, c.interpolation);
	app->interp = m > 0 ? m : INTERP_CUBIC;
	app_copy(app->midi_path, sizeof(app->midi_path), c.midi);
	app->midi_channel = c.midi_channel;
	app->midi_seq = c.midi_seq != 0;
	app_copy(app->bookmarks, sizeof(app->bookmarks), c.bookmarks);
	app->browse_preview = c.preview != 0;
}

void ui_prefs_start(ui_app_t *app, cfg_msgs_t *msgs)
{
	char path[UI_PATH_MAX];
	keymap_t *km = keymap_create();
	char *text;
	size_t len;
	/* A --keys that names nothing stopped beatty before the terminal
	 * started; config.ini's is a message and the defaults. */
	if (km)
		keys_over(km, app->keys, msgs);
	/* Named as in its folder: the status line is narrow. */
	if (km && cfgfile_path("keys.ini", path, sizeof(path)) == 0 &&
	    cfgfile_read(path, &text, &len, msgs) == 0) {
		keymap_parse(km, text, len, "keys.ini", msgs);
		free(text);
	}
	if (km) {
		ui_keys_use(km->b, km->n);
		app->keymap = km;
	}
	char dirs[2 * PATH_MAX + 32];
	ui_prefs_theme_dirs(dirs, sizeof(dirs));
	theme_t t, mono;
	theme_open(&t, app->theme[0] ? app->theme : "default", dirs, msgs);
	/* The user's mono.ini, if any, is the look without colour. */
	cfg_msgs_t quiet;
	cfg_msgs_init(&quiet);
	theme_open(&mono, "mono", dirs, &quiet);
	if (theme_has_color(&mono))
		theme_mono(&mono);
	ui_theme_apply(app, &t, &mono);
}

void ui_prefs_end(ui_app_t *app)
{
	ui_keys_use(NULL, 0);
	keymap_destroy(app->keymap);
	app->keymap = NULL;
}

void ui_prefs_message(const cfg_msgs_t *msgs, char *buf, size_t n)
{
	int total = cfg_msgs_count(msgs);
	if (!total) {
		buf[0] = 0;
		return;
	}
	if (total == 1)
		snprintf(buf, n, "%s", msgs->msg[0]);
	else
		snprintf(buf, n, "%s (+%d more on the F1 page)", msgs->msg[0], total - 1);
}

static int no_args(int argc, char **argv, const char *what)
{
	if (argc > 0) {
		fprintf(stderr, "beatty: %s takes no arguments ('%s')\n(see 'beatty --help')\n", what,
		        argv[0]);
		return 2;
	}
	return 0;
}

int ui_dump_config_main(int argc, char **argv)
{
	int rc = no_args(argc, argv, "--dump-config");
	if (rc)
		return rc;
	settings_t c;
	settings_default(&c);
	settings_write(&c, stdout);
	/* Then what is wrong with the user's own file, and its theme. */
	cfg_msgs_t msgs;
	cfg_msgs_init(&msgs);
	char path[UI_PATH_MAX];
	if (cfgfile_path("config.ini", path, sizeof(path)) == 0 && settings_load(&c, path, &msgs) == 0) {
		char dirs[2 * PATH_MAX + 32];
		ui_prefs_theme_dirs(dirs, sizeof(dirs));
		theme_t t;
		theme_open(&t, c.theme, dirs, &msgs);
	}
	cfg_msgs_print(&msgs, stderr);
	return fflush(stdout) == 0 ? 0 : 1;
}

int ui_prefs_print_keys(FILE *out, const char *keys)
{
	cfg_msgs_t msgs;
	cfg_msgs_init(&msgs);
	char path[UI_PATH_MAX];
	settings_t c;
	settings_default(&c);
	if (!keys) {
		/* config.ini's other problems are --dump-config's to tell. */
		cfg_msgs_t quiet;
		cfg_msgs_init(&quiet);
		if (cfgfile_path("config.ini", path, sizeof(path)) == 0)
			settings_load(&c, path, &quiet);
		keys = c.keys;
	} else if (ui_prefs_keymap_find(keys, path, sizeof(path), &msgs) < 0) {
		fprintf(stderr, "beatty: %s\n", msgs.msg[0]);
		return 2;
	}
	keymap_t *km = keymap_create();
	if (!km) {
		fprintf(stderr, "beatty: out of memory\n");
		return 1;
	}
	/* The screen's table: the keymap, the user's keys.ini over it, with
	 * their problems named by the files' full paths. */
	keys_over(km, keys, &msgs);
	if (cfgfile_path("keys.ini", path, sizeof(path)) == 0)
		keymap_load(km, path, &msgs);
	ui_keys_use(km->b, km->n);
	ui_keys_print(out);
	ui_keys_use(NULL, 0);
	keymap_destroy(km);
	cfg_msgs_print(&msgs, stderr);
	return fflush(out) == 0 ? 0 : 1;
}

int ui_dump_keys_main(int argc, char **argv)
{
	int rc = no_args(argc, argv, "--dump-keys");
	if (rc)
		return rc;
	keymap_t *km = keymap_create();
	if (!km) {
		fprintf(stderr, "beatty: out of memory\n");
		return 1;
	}
	keymap_write(km, stdout);
	cfg_msgs_t msgs;
	cfg_msgs_init(&msgs);
	char path[UI_PATH_MAX];
	if (cfgfile_path("keys.ini", path, sizeof(path)) == 0)
		keymap_load(km, path, &msgs);
	keymap_destroy(km);
	cfg_msgs_print(&msgs, stderr);
	return fflush(stdout) == 0 ? 0 : 1;
}
