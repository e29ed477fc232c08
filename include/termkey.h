/*
 * termkey: the escape sequences terminals send for their special keys,
 * decoded whatever TERM claims.
 *
 * Over SSH, inside tmux or screen, TERM often names another terminal
 * than the one typing, and curses then knows none of its sequences: it
 * hands over Esc and the rest as ordinary keys, and `ESC [ 1 5 ~` (F5)
 * becomes Esc, `[`, `1`, `5`, `~` -- four edits of the song.  This
 * decoder knows the common sequences of xterm, rxvt, the Linux console,
 * vt100/vt220, tmux and screen, and the shape of any CSI or SS3
 * sequence, so a sequence it does not know can still be discarded whole.
 *
 * Pure: bytes in, a key out; no curses, no I/O, no state.
 */
#ifndef BEATTY_TERMKEY_H
#define BEATTY_TERMKEY_H

#include <stddef.h>

/* Special keys; plain characters are their own byte value (< 256). */
enum {
	TK_UP = 0x100, TK_DOWN, TK_LEFT, TK_RIGHT, TK_HOME, TK_END, TK_INSERT, TK_DELETE,
	TK_PGUP, TK_PGDN, TK_BACKTAB, TK_ESC,
	TK_F0 = 0x140   /* TK_F0 + n is Fn, 1..20 */
};
#define TK_F(n) (TK_F0 + (n))

/* Modifier bits, as xterm numbers them (its parameter is 1 + these). */
enum { TK_SHIFT = 1, TK_ALT = 2, TK_CTRL = 4 };

typedef struct termkey {
	int key;    /* a byte value, or TK_* */
	int mods;   /* TK_SHIFT | TK_ALT | TK_CTRL */
} termkey_t;

typedef enum {
	TERMKEY_KEY,        /* *out holds the key; *used bytes taken */
	TERMKEY_UNKNOWN,    /* a complete sequence of *used bytes that names no key we know */
	TERMKEY_MORE        /* the bytes so far start a sequence: read more (or time out) */
} termkey_result_t;

/* The longest sequence taken; a longer one is unknown (and discarded). */
#define TERMKEY_MAX 32

/* Decodes s[0..n), which starts with Esc (0x1b) and holds everything
 * that followed it.  A lone Esc (n == 1) is TK_ESC when the caller has
 * waited long enough for more; Esc + a character is that character with
 * TK_ALT.  For TERMKEY_MORE with no more bytes coming, call again with
 * final set: the incomplete sequence is then TERMKEY_UNKNOWN (n bytes). */
termkey_result_t termkey_decode(const unsigned char *s, size_t n, int final, termkey_t *out,
                                size_t *used);

/* A printable rendering of a sequence for messages: "^[[99~". */
void termkey_show(const unsigned char *s, size_t n, char *buf, size_t size);

#endif
