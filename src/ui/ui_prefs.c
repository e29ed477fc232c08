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

void ui_prefs_config(ui_app_t *app, cfg_msgs_t *msgs)
{
	beatty_config_t c;
	config_default(&c);
	char path[UI_PATH_MAX];
	char *text;
	size_t len;
	if (cfgfile_path("config.ini", path, sizeof(path)) == 0 &&
	    cfgfile_read(path, &text, &len, msgs) == 0) {
		config_parse(&c, text, len, "config.ini", msgs);
		free(text);
	}
	alsa_out_opts_default(&app->aopts);
	app->aopts.period = c.period;
	app->aopts.periods = c.periods;
	app->aopts.rate = c.rate;
	app->threads = c.threads;
	app_copy(app->device, sizeof(app->device), c.device);
	app_copy(app->theme, sizeof(app->theme), c.theme);
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
		snprintf(buf, n, "%s (+%d more: beatty --dump-config and --dump-keys list them)",
		         msgs->msg[0], total - 1);
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
	beatty_config_t c;
	config_default(&c);
	config_write(&c, stdout);
	/* Then what is wrong with the user's own file, and its theme. */
	cfg_msgs_t msgs;
	cfg_msgs_init(&msgs);
	char path[UI_PATH_MAX];
	if (cfgfile_path("config.ini", path, sizeof(path)) == 0 && config_load(&c, path, &msgs) == 0) {
		char dirs[2 * PATH_MAX + 32];
		ui_prefs_theme_dirs(dirs, sizeof(dirs));
		theme_t t;
		theme_open(&t, c.theme, dirs, &msgs);
	}
	cfg_msgs_print(&msgs, stderr);
	return fflush(stdout) == 0 ? 0 : 1;
}

int ui_prefs_print_keys(FILE *out)
{
	keymap_t *km = keymap_create();
	if (!km) {
		fprintf(stderr, "beatty: out of memory\n");
		return 1;
	}
	/* The screen's table: the user's keys.ini over the defaults, with
	 * its problems named by the file's full path. */
	cfg_msgs_t msgs;
	cfg_msgs_init(&msgs);
	char path[UI_PATH_MAX];
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
