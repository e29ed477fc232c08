/*
 * settings: the user's settings, $XDG_CONFIG_HOME/beatty/config.ini
 * (~/.config/beatty/config.ini when XDG_CONFIG_HOME is not set).
 *
 *   [audio]  device, period, periods, rate, threads, interpolation, midi,
 *            midi_channel, midi_seq
 *   [ui]     theme, keys, octave, step, autosave
 *   [browser] bookmarks, preview
 *
 * Every setting has a default (settings_default()), which a missing file
 * or a bad line leaves in place; a bad line gives a message with file,
 * line and the default kept.  Command-line options are applied over
 * the result by the caller.  Pure C; any thread.
 */
#ifndef BEATTY_SETTINGS_H
#define BEATTY_SETTINGS_H

#include <stddef.h>
#include <stdio.h>
#include "cfgfile.h"

#define SETTINGS_AUTOSAVE_MAX 86400
/* Sample folders of the user and of the Debian packages of drum kits;
 * the browser lists only those that exist. */
#define SETTINGS_BOOKMARKS "~/samples:~/Samples:~/Music/samples:/usr/share/hydrogen/data/drumkits:" \
	"/usr/local/share/hydrogen/data/drumkits:~/.hydrogen/data/drumkits"

typedef struct settings {
	char device[256];
	int period, periods, rate;     /* frames, count, Hz */
	int threads;                   /* workers for live playback, 0: one per core */
	char interpolation[16];        /* samplers set to auto, live: sinc, cubic or none */
	char theme[1024];              /* a theme name or a path */
	char keys[1024];               /* a keymap name or a path */
	int octave, step;              /* the pattern editor's base octave and edit step */
	int autosave;                  /* seconds between recovery copies; 0: never */
	char midi[1024];               /* raw MIDI input (device or FIFO), "none" */
	int midi_channel;              /* MIDI channel to take, 1..16; 0 every one */
	int midi_seq;                  /* 1: open the ALSA sequencer port "beatty" */
	char bookmarks[2048];          /* the sample browser's folders, colon-separated */
	int preview;                   /* 1: the browser plays the file the cursor moves to */
} settings_t;

void settings_default(settings_t *c);

/* Parses text over c; bad lines are reported in msgs and change nothing. */
void settings_parse(settings_t *c, const char *text, size_t len, const char *name,
                    cfg_msgs_t *msgs);
/* Reads path over c.  A missing file is no error (1: defaults kept);
 * -1 when it cannot be read (said in msgs); 0 read. */
int settings_load(settings_t *c, const char *path, cfg_msgs_t *msgs);

/* Writes c as a commented config.ini that settings_parse() reads back. */
void settings_write(const settings_t *c, FILE *f);

#endif
