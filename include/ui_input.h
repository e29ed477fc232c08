/*
 * ui_input: the tracker screen's keys as curses codes, safe whatever
 * TERM says.
 *
 * curses decodes the special keys its terminfo entry lists; when TERM
 * names another terminal than the one typing (common over SSH and in
 * tmux or screen) it gives up on a sequence and returns Esc, leaving
 * the rest to arrive as ordinary keys.  ui_input_get() catches that
 * Esc, reads the rest of the sequence and decodes it with termkey:
 * a known key becomes its curses code, any other complete sequence is
 * dropped whole (UI_KEY_UNKNOWN).  Esc + a character is Alt-character
 * (UI_KEY_ALT).  UI thread only; needs the terminal set up.
 */
#ifndef BEATTY_UI_INPUT_H
#define BEATTY_UI_INPUT_H

#include <stddef.h>

/* The next key, waiting at most wait_ms (0: only what is typed ahead;
 * the wait is left set to wait_ms).  ERR when there is none.  For
 * UI_KEY_UNKNOWN, shown gets the sequence in printable form. */
int ui_input_get(int wait_ms, char *shown, size_t n);

#endif
