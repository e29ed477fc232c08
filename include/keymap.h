/*
 * keymap: the key table as the user has it, $XDG_CONFIG_HOME/beatty/keys.ini
 * (~/.config/beatty/keys.ini) over the built-in one of ui_keys.c.
 *
 * keys.ini has a section per context ([global], [pattern], [order],
 * ...) and one binding a line:
 *
 *   COMMAND [ARGUMENT] = KEY        play-song = KEY_F(9)
 *                                   note 12 = q
 *                                   none = KEY_F(5)    (unbinds F5)
 *
 * with commands named as `beatty keys` lists them and keys as curses
 * names them (keyname(): "x", "^S", "KEY_F(5)", "KEY_SR"; "Space" is
 * the space bar).  A key bound in the file replaces that key's binding
 * in that context; every other default stays.  A bad line is reported
 * with file and line and changes nothing.
 *
 * UI thread only (key names are checked with curses' keyname(), which
 * needs no terminal).
 */
#ifndef BEATTY_KEYMAP_H
#define BEATTY_KEYMAP_H

#include <stddef.h>
#include <stdio.h>
#include "cfgfile.h"
#include "ui_keys.h"

#define KEYMAP_KEY_LEN 24
#define KEYMAP_HELP_LEN 48

typedef struct keymap {
	int n;
	ui_binding_t b[UI_KEYS_MAX];
	char key[UI_KEYS_MAX][KEYMAP_KEY_LEN];   /* b[i].key points here */
	char help[UI_KEYS_MAX][KEYMAP_HELP_LEN];  /* b[i].help of a command the defaults lack */
} keymap_t;

/* A keymap holding the built-in table; NULL when out of memory. */
keymap_t *keymap_create(void);
void keymap_destroy(keymap_t *km);

/* Applies keys.ini text over km; bad lines go to msgs. */
void keymap_parse(keymap_t *km, const char *text, size_t len, const char *name, cfg_msgs_t *msgs);
/* Reads path over km: 1 when there is no such file, -1 unreadable, 0 read. */
int keymap_load(keymap_t *km, const char *path, cfg_msgs_t *msgs);

/* The bindings, in the help page's order. */
const ui_binding_t *keymap_table(const keymap_t *km, int *n);

/* Writes km as a keys.ini that keymap_parse() reads back to the same. */
void keymap_write(const keymap_t *km, FILE *f);

#endif
