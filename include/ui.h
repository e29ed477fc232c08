/*
 * ui: `beatty [SONG]`, the full-screen tracker.
 *
 *   beatty [SONG] [--device D] [--period N] [--periods N] [--rate HZ] [--no-audio]
 *                 [--theme NAME|FILE]
 *
 * Opens SONG (or a new song) in the curses interface.  The sound device
 * options are those of `beatty play`; when the device cannot be opened
 * the editor still runs, silent, and says why in its status line.
 *
 * Defaults come from config.ini, keys from keys.ini, the look from a
 * theme (ui_prefs.h); the options above win over config.ini.
 *
 * Recovery: on SIGTERM or SIGHUP, and every minute (config.ini's
 * autosave) while there are unsaved changes, the song is written to
 * SONG.autosave (for a new song,
 * untitled.bty.autosave in the current folder) by the same atomic save
 * as ^S; a successful save removes it.  The terminal is restored on
 * every exit, including crashes it can catch.
 *
 * Returns the process exit status: 0, 1 (a song that cannot be read,
 * or a terminal that cannot be used), 2 usage, 128 + signal.
 */
#ifndef BEATTY_UI_H
#define BEATTY_UI_H

int ui_main(int argc, char **argv);

/* `beatty keys`: prints the key table. */
int ui_keys_main(int argc, char **argv);

#endif
