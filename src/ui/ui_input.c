/*
 * ui_input: keys from curses, with the escape sequences it missed
 * decoded by termkey (see ui_input.h).
 *
 * When curses returns Esc, the rest of a sequence it could not match is
 * already in its queue, so the next bytes come at once; a lone Esc is
 * followed by nothing for a while (curses has waited ESCDELAY already,
 * and ESC_FIRST_MS more covers a slow link).  Inside a sequence that is
 * not finished a longer wait is safe: no key is that slow on its own.
 */
#include <curses.h>
#include <string.h>
#include "termkey.h"
#include "ui_input.h"
#include "ui_keys.h"

#define ESC_FIRST_MS 30
#define ESC_REST_MS  150

/* Some terminfo entries name the editing pad's keys after a vt220's
 * (Find, Select) or the keypad's corners; the editor knows them as the
 * keys that stand there on a PC keyboard. */
static int normalise(int key)
{
	switch (key) {
	case KEY_FIND: case KEY_A1: return KEY_HOME;
	case KEY_SELECT: case KEY_C1: return KEY_END;
	case KEY_A3: return KEY_PPAGE;
	case KEY_C3: return KEY_NPAGE;
	default: return key;
	}
}

/* The curses code of a decoded key; -1 when curses has none. */
static int curses_code(const termkey_t *k)
{
	static const struct { int key, plain, shifted; const char *ext; } special[] = {
		{ TK_UP, KEY_UP, KEY_SR, "UP" }, { TK_DOWN, KEY_DOWN, KEY_SF, "DN" },
		{ TK_LEFT, KEY_LEFT, KEY_SLEFT, "LFT" }, { TK_RIGHT, KEY_RIGHT, KEY_SRIGHT, "RIT" },
		{ TK_HOME, KEY_HOME, KEY_SHOME, "HOM" }, { TK_END, KEY_END, KEY_SEND, "END" },
		{ TK_INSERT, KEY_IC, KEY_SIC, "IC" }, { TK_DELETE, KEY_DC, KEY_SDC, "DC" },
		{ TK_PGUP, KEY_PPAGE, KEY_SPREVIOUS, "PRV" }, { TK_PGDN, KEY_NPAGE, KEY_SNEXT, "NXT" },
	};
	if (k->key == TK_ESC)
		return 27;
	if (k->key < 0x100)
		return k->mods & TK_ALT ? UI_KEY_ALT(k->key) : k->key;
	if (k->key == TK_BACKTAB)
		return KEY_BTAB;
	if (k->key > TK_F0 && k->key <= TK_F(20)) {
		/* curses numbers modified F-keys as xterm does: +12 Shift,
		 * +24 Ctrl, +36 Ctrl-Shift, +48 Alt. */
		int f = k->key - TK_F0;
		if (!k->mods)
			return KEY_F(f);
		if (f > 12)
			return -1;
		static const int add[8] = { 0, 12, 48, -1, 24, 36, -1, -1 };
		return add[k->mods & 7] < 0 ? -1 : KEY_F(f + add[k->mods & 7]);
	}
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		if (special[i].key != k->key)
			continue;
		if (!k->mods)
			return special[i].plain;
		if (k->mods == TK_SHIFT)
			return special[i].shifted;
		char name[16];
		snprintf(name, sizeof(name), "k%s%d", special[i].ext, k->mods + 1);
		return ui_keys_code(name);
	}
	return -1;
}

int ui_input_get(int wait_ms, char *shown, size_t n)
{
	timeout(wait_ms);
	int key = getch();
	if (key != 27)
		return key == ERR ? ERR : normalise(key);
	unsigned char buf[TERMKEY_MAX];
	size_t len = 1;
	buf[0] = 27;
	termkey_t k;
	size_t used;
	termkey_result_t r;
	for (;;) {
		r = termkey_decode(buf, len, 0, &k, &used);
		if (r != TERMKEY_MORE)
			break;
		timeout(len == 1 ? ESC_FIRST_MS : ESC_REST_MS);
		int c = len < sizeof(buf) ? getch() : ERR;
		if (c == ERR || c == 27 || c > 255) {
			/* A key of its own starts here (or nothing came): it is
			 * read next time. */
			if (c != ERR)
				ungetch(c);
			r = termkey_decode(buf, len, 1, &k, &used);
			break;
		}
		buf[len++] = (unsigned char)c;
	}
	timeout(wait_ms);
	/* Bytes after the sequence belong to the next key; ungetch() is a
	 * stack, so the last goes back first. */
	for (size_t i = len; i > used; i--)
		ungetch(buf[i - 1]);
	if (r == TERMKEY_KEY) {
		int code = curses_code(&k);
		if (code >= 0)
			return code;
	}
	termkey_show(buf, used, shown, n);
	return UI_KEY_UNKNOWN;
}
