/*
 * termkey: terminal escape sequences to keys (see termkey.h).
 *
 * Two shapes cover nearly everything terminals send: CSI (Esc [,
 * parameters, a final byte: xterm, vt220, rxvt, the Linux console, tmux,
 * screen) and SS3 (Esc O and one letter: vt100's PF keys and keypad,
 * xterm's cursor keys in application mode).  The Linux console's F1-F5
 * (Esc [ [ A..E) and rxvt's `$` `^` `@` endings are the exceptions.
 * Where terminals disagree on a number the choice favours the one that
 * does no harm: Esc [ 1 ~ is Home on the console, tmux and screen and
 * Find on a vt220's editing pad, which sits where Home is.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "termkey.h"

#define ESC 0x1b

static int tilde_key(int n)
{
	static const int keys[] = {
		[1] = TK_HOME, [2] = TK_INSERT, [3] = TK_DELETE, [4] = TK_END, [5] = TK_PGUP,
		[6] = TK_PGDN, [7] = TK_HOME, [8] = TK_END,
		[11] = TK_F(1), [12] = TK_F(2), [13] = TK_F(3), [14] = TK_F(4), [15] = TK_F(5),
		[17] = TK_F(6), [18] = TK_F(7), [19] = TK_F(8), [20] = TK_F(9), [21] = TK_F(10),
		[23] = TK_F(11), [24] = TK_F(12), [25] = TK_F(13), [26] = TK_F(14),
		[28] = TK_F(15), [29] = TK_F(16), [31] = TK_F(17), [32] = TK_F(18),
		[33] = TK_F(19), [34] = TK_F(20),
	};
	if (n < 0 || n >= (int)(sizeof(keys) / sizeof(keys[0])))
		return 0;
	return keys[n];
}

/* The keys named by a letter after CSI or SS3 (cursor keys, Home, End, PF1-PF4). */
static int letter_key(int c)
{
	switch (c) {
	case 'A': return TK_UP;
	case 'B': return TK_DOWN;
	case 'C': return TK_RIGHT;
	case 'D': return TK_LEFT;
	case 'H': return TK_HOME;
	case 'F': return TK_END;
	case 'P': return TK_F(1);
	case 'Q': return TK_F(2);
	case 'R': return TK_F(3);
	case 'S': return TK_F(4);
	default: return 0;
	}
}

/* The keypad in application mode (SS3 + letter) types its own characters. */
static int keypad_char(int c)
{
	if (c >= 'p' && c <= 'y')
		return '0' + (c - 'p');
	switch (c) {
	case 'M': return '\r';
	case 'j': return '*';
	case 'k': return '+';
	case 'l': return ',';
	case 'm': return '-';
	case 'n': return '.';
	case 'o': return '/';
	case 'X': return '=';
	default: return 0;
	}
}

/* Parameters "a;b": up to two numbers; *np how many were given. */
static void params(const unsigned char *p, size_t n, int v[2], int *np)
{
	v[0] = v[1] = 0;
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (k < 2 && v[k] < 10000)
				v[k] = v[k] * 10 + (p[i] - '0');
		} else if (p[i] == ';') {
			k++;
		}
	}
	*np = n ? k + 1 : 0;
}

static termkey_result_t got(termkey_t *out, size_t *used, int key, int mods, size_t n)
{
	out->key = key;
	out->mods = mods;
	*used = n;
	return TERMKEY_KEY;
}

static termkey_result_t unknown(size_t *used, size_t n)
{
	*used = n;
	return TERMKEY_UNKNOWN;
}

/* xterm's modifier parameter is 1 + the bits; 1 or none means none. */
static int mods_of(int param)
{
	return param > 1 && param <= 16 ? (param - 1) & (TK_SHIFT | TK_ALT | TK_CTRL) : 0;
}

static termkey_result_t decode_csi(const unsigned char *s, size_t n, int final, termkey_t *out,
                                   size_t *used)
{
	/* s[0..1] is Esc [ */
	if (n < 3)
		return final ? got(out, used, '[', TK_ALT, 2) : TERMKEY_MORE;
	if (s[2] == '[') {   /* the Linux console's F1-F5 */
		if (n < 4)
			return final ? unknown(used, 3) : TERMKEY_MORE;
		if (s[3] >= 'A' && s[3] <= 'E')
			return got(out, used, TK_F(1 + s[3] - 'A'), 0, 4);
		return unknown(used, 4);
	}
	size_t i = 2;
	while (i < n && i < TERMKEY_MAX && s[i] >= 0x30 && s[i] <= 0x3f)
		i++;
	size_t pend = i;
	/* rxvt ends Shift + an editing key with $ where an intermediate would be. */
	bool rxvt_shift = i < n && s[i] == '$' && pend > 2;
	if (!rxvt_shift)
		while (i < n && i < TERMKEY_MAX && s[i] >= 0x20 && s[i] <= 0x2f)
			i++;
	if (i >= TERMKEY_MAX)
		return unknown(used, i);
	if (i >= n)
		return final ? unknown(used, n) : TERMKEY_MORE;
	if (!rxvt_shift && (s[i] < 0x40 || s[i] > 0x7e))
		return unknown(used, i);   /* not a sequence after all: drop what was read */
	size_t len = i + 1;
	int c = s[i];
	if (c == 'M' && pend == 2 && i == pend) {   /* an X10 mouse report: three more bytes */
		if (n < 6)
			return final ? unknown(used, n) : TERMKEY_MORE;
		return unknown(used, 6);
	}
	if (i != pend || (pend > 2 && (s[2] < '0' || s[2] > '9') && s[2] != ';'))
		return unknown(used, len);   /* intermediates or a private marker */
	int v[2], np;
	params(s + 2, pend - 2, v, &np);
	if (c == '~' || c == '$' || c == '^' || c == '@') {
		int key = tilde_key(v[0]);
		if (!key)
			return unknown(used, len);
		int mods = c == '$' ? TK_SHIFT : c == '^' ? TK_CTRL :
		           c == '@' ? TK_CTRL | TK_SHIFT : mods_of(v[1]);
		return got(out, used, key, mods, len);
	}
	if (c >= 'a' && c <= 'd' && np == 0) {   /* rxvt: Shift + cursor keys */
		static const int arrows[] = { TK_UP, TK_DOWN, TK_RIGHT, TK_LEFT };
		return got(out, used, arrows[c - 'a'], TK_SHIFT, len);
	}
	if (c == 'Z' && np == 0)
		return got(out, used, TK_BACKTAB, 0, len);
	int key = letter_key(c);
	if (!key || np > 2 || (np == 2 && v[0] != 1))
		return unknown(used, len);
	return got(out, used, key, np == 2 ? mods_of(v[1]) : 0, len);
}

static termkey_result_t decode_ss3(const unsigned char *s, size_t n, int final, termkey_t *out,
                                   size_t *used)
{
	/* s[0..1] is Esc O */
	if (n < 3)
		return final ? got(out, used, 'O', TK_ALT, 2) : TERMKEY_MORE;
	size_t i = 2;
	while (i < n && i < TERMKEY_MAX && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
		i++;
	if (i >= TERMKEY_MAX)
		return unknown(used, i);
	if (i >= n)
		return final ? unknown(used, n) : TERMKEY_MORE;
	if (s[i] < 0x40 || s[i] > 0x7e)
		return unknown(used, i);
	size_t len = i + 1;
	int c = s[i];
	int v[2], np;
	params(s + 2, i - 2, v, &np);
	/* Old xterms put the modifier alone: Esc O 2 P is Shift-F1. */
	int mods = np == 1 ? mods_of(v[0]) : np == 2 ? mods_of(v[1]) : 0;
	if (c >= 'a' && c <= 'd' && np == 0) {   /* rxvt: Ctrl + cursor keys */
		static const int arrows[] = { TK_UP, TK_DOWN, TK_RIGHT, TK_LEFT };
		return got(out, used, arrows[c - 'a'], TK_CTRL, len);
	}
	int key = letter_key(c);
	if (key)
		return got(out, used, key, mods, len);
	int ch = np == 0 ? keypad_char(c) : 0;
	if (ch)
		return got(out, used, ch, 0, len);
	return unknown(used, len);
}

termkey_result_t termkey_decode(const unsigned char *s, size_t n, int final, termkey_t *out,
                                size_t *used)
{
	if (n == 0 || s[0] != ESC) {
		*used = n ? 1 : 0;
		return TERMKEY_UNKNOWN;
	}
	if (n == 1)
		return final ? got(out, used, TK_ESC, 0, 1) : TERMKEY_MORE;
	if (s[1] == ESC)   /* Esc, then whatever the second one starts */
		return got(out, used, TK_ESC, 0, 1);
	if (s[1] == '[')
		return decode_csi(s, n, final, out, used);
	if (s[1] == 'O')
		return decode_ss3(s, n, final, out, used);
	return got(out, used, s[1], TK_ALT, 2);
}

void termkey_show(const unsigned char *s, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	if (!size)
		return;
	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned c = s[i];
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "^%c", c == 0x7f ? '?' : c + 64);
		else if (c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = 0;
}
