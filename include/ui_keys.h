/*
 * ui_keys: THE key table of the tracker screen.
 *
 * Every binding is one row: the context it works in, the key as curses
 * names it (keyname(): "^Z", "KEY_F(5)", "KEY_SR", "z"; extended keys by
 * their terminfo name, "kUP5"), the command, an argument and a help
 * text.  The editor dispatches from this table and the help page (and
 * `beatty keys`) print it, so they cannot disagree; a keymap file can
 * later rebind by the same names.  Commands are an X-macro list so each
 * has a stable name.
 *
 * ui_keys_resolve() turns the names into key codes and needs the
 * terminal set up (initscr); ui_keys_print() does not.  UI thread only.
 */
#ifndef BEATTY_UI_KEYS_H
#define BEATTY_UI_KEYS_H

#include <stdbool.h>
#include <stdio.h>

/* X(enum, name) */
#define UI_CMD_LIST(X) \
	X(CMD_NONE, "none") \
	X(CMD_HELP, "help") X(CMD_PAGE_PATTERN, "page-pattern") X(CMD_PAGE_ORDER, "page-order") \
	X(CMD_PAGE_SONG, "page-song") \
	X(CMD_PLAY_SONG, "play-song") X(CMD_PLAY_PATTERN, "play-pattern") \
	X(CMD_PLAY_CURSOR, "play-from-cursor") X(CMD_STOP, "stop") X(CMD_FOLLOW, "follow") \
	X(CMD_SAVE, "save") X(CMD_SAVE_AS, "save-as") X(CMD_OPEN, "open") X(CMD_NEW, "new") \
	X(CMD_RENDER, "render") X(CMD_QUIT, "quit") X(CMD_REDRAW, "redraw") \
	X(CMD_UNDO, "undo") X(CMD_REDO, "redo") \
	X(CMD_UP, "up") X(CMD_DOWN, "down") X(CMD_LEFT, "left") X(CMD_RIGHT, "right") \
	X(CMD_PAGE_UP, "page-up") X(CMD_PAGE_DOWN, "page-down") X(CMD_TOP, "top") \
	X(CMD_BOTTOM, "bottom") X(CMD_BEAT_UP, "beat-up") X(CMD_BEAT_DOWN, "beat-down") \
	X(CMD_NEXT_CH, "next-channel") X(CMD_PREV_CH, "prev-channel") X(CMD_GOTO_ROW, "goto-row") \
	X(CMD_PREV_ORDER, "prev-order") X(CMD_NEXT_ORDER, "next-order") \
	X(CMD_NOTE, "note") X(CMD_NOTE_OFF, "note-off") X(CMD_NOTE_CUT, "note-cut") \
	X(CMD_OCTAVE_DOWN, "octave-down") X(CMD_OCTAVE_UP, "octave-up") \
	X(CMD_STEP_DOWN, "step-down") X(CMD_STEP_UP, "step-up") \
	X(CMD_INST_PREV, "instrument-prev") X(CMD_INST_NEXT, "instrument-next") \
	X(CMD_EDIT_MODE, "edit-mode") X(CMD_CLEAR, "clear") X(CMD_CLEAR_STAY, "clear-field") \
	X(CMD_INSERT_ROW, "insert-row") X(CMD_DELETE_ROW, "delete-row") \
	X(CMD_INSERT_ROW_ALL, "insert-row-all") X(CMD_DELETE_ROW_ALL, "delete-row-all") \
	X(CMD_SEL_UP, "select-up") X(CMD_SEL_DOWN, "select-down") X(CMD_SEL_LEFT, "select-left") \
	X(CMD_SEL_RIGHT, "select-right") X(CMD_SEL_PAGE_UP, "select-page-up") \
	X(CMD_SEL_PAGE_DOWN, "select-page-down") X(CMD_SEL_ALL, "select-all") \
	X(CMD_SEL_NONE, "select-none") \
	X(CMD_COPY, "copy") X(CMD_CUT, "cut") X(CMD_PASTE, "paste") X(CMD_MIX_PASTE, "mix-paste") \
	X(CMD_TRANSPOSE, "transpose") X(CMD_INTERPOLATE, "interpolate") \
	X(CMD_SET_INST, "set-instrument") X(CMD_MUTE, "mute") X(CMD_SOLO, "solo") \
	X(CMD_ORDER_INSERT, "order-insert") X(CMD_ORDER_DELETE, "order-delete") \
	X(CMD_ORDER_DUPLICATE, "order-duplicate") X(CMD_ORDER_CLONE, "order-clone") \
	X(CMD_ORDER_NEW, "order-new-pattern") X(CMD_ORDER_MOVE, "order-move") \
	X(CMD_ORDER_PATTERN, "order-pattern") X(CMD_ORDER_SET, "order-set") \
	X(CMD_ORDER_LABEL, "order-label") X(CMD_ORDER_LENGTH, "pattern-length") \
	X(CMD_ORDER_RESTART, "order-restart") X(CMD_ORDER_EDIT, "order-edit") \
	X(CMD_FIELD_EDIT, "field-edit") X(CMD_FIELD_ADJUST, "field-adjust") \
	X(CMD_PAGE_INST, "page-instruments") X(CMD_INST_NEW, "instrument-new") \
	X(CMD_INST_CLONE, "instrument-clone") X(CMD_INST_DELETE, "instrument-delete") \
	X(CMD_INST_RENAME, "instrument-rename") X(CMD_INST_LOAD, "instrument-load-sample") \
	X(CMD_INST_PRESET, "instrument-preset") X(CMD_BROWSE_OPEN, "browse-open") \
	X(CMD_BROWSE_PARENT, "browse-parent") X(CMD_BROWSE_PREVIEW, "browse-preview") \
	X(CMD_PAGE_MIXER, "page-mixer") X(CMD_PAGE_MASTER, "page-master") \
	X(CMD_MIX_DEFAULT, "mix-default") X(CMD_FX_ADD, "fx-add") X(CMD_FX_REMOVE, "fx-remove") \
	X(CMD_FX_MOVE, "fx-move") X(CMD_FX_BYPASS, "fx-bypass") X(CMD_SIDECHAIN, "sidechain") \
	X(CMD_AB, "ab-compare") X(CMD_AB_KEEP, "ab-keep") X(CMD_AB_MATCH, "ab-level-match") \
	X(CMD_METER_RESET, "meter-reset") X(CMD_TARGET, "loudness-target") \
	X(CMD_SCALE, "scale") X(CMD_DEGREES, "transpose-degrees") X(CMD_RHYTHM, "rhythm") \
	X(CMD_SLICE, "slice") \
	X(CMD_CH_ADD, "channel-add") X(CMD_CH_REMOVE, "channel-remove") \
	X(CMD_CH_RENAME, "channel-rename") X(CMD_CH_MOVE, "channel-move") \
	X(CMD_OCTAVE_SET, "octave") X(CMD_STOP_EDIT, "stop-or-edit") X(CMD_JUMP, "jump") \
	X(CMD_BROWSE_GOTO, "browse-goto") X(CMD_BROWSE_MARKS, "browse-bookmarks") \
	X(CMD_BROWSE_AUTOPLAY, "browse-autopreview") \
	X(CMD_COLLECT, "collect-samples") X(CMD_MEASURE, "measure-loudness") \
	X(CMD_REF_LOAD, "reference-load") X(CMD_REF_AB, "reference-ab") \
	X(CMD_REF_MATCH, "reference-match") X(CMD_REF_DROP, "reference-drop") \
	X(CMD_BACK, "back")

#define UI_CMD_ENUM(e, n) e,
typedef enum { UI_CMD_LIST(UI_CMD_ENUM) CMD_COUNT } ui_cmd_t;
#undef UI_CMD_ENUM

extern const char *const ui_cmd_names[CMD_COUNT];

/* Where a binding works; CTX_GLOBAL is every page's fallback. */
#define UI_CTX_LIST(X) \
	X(CTX_GLOBAL, "global") X(CTX_PATTERN, "pattern") X(CTX_ORDER, "order") \
	X(CTX_SONG, "song") X(CTX_HELP, "help") \
	X(CTX_INST, "instruments") X(CTX_BROWSE, "browser") \
	X(CTX_MIXER, "mixer") X(CTX_MASTER, "master")
#define UI_CTX_ENUM(e, n) e,
typedef enum { UI_CTX_LIST(UI_CTX_ENUM) CTX_COUNT } ui_ctx_t;
#undef UI_CTX_ENUM

extern const char *const ui_ctx_names[CTX_COUNT];

typedef struct ui_binding {
	ui_ctx_t ctx;
	const char *key;     /* curses key name */
	ui_cmd_t cmd;
	int arg;
	const char *help;
} ui_binding_t;

/* The table, in the order the help page lists it. */
const ui_binding_t *ui_keys_table(int *n);

/* The most bindings a table may have (keys.ini can add some). */
#define UI_KEYS_MAX 1024
/* The built-in table, whatever is in use. */
const ui_binding_t *ui_keys_defaults(int *n);
/* Uses t (n rows, kept by the caller while in use; NULL: the built-in
 * table) from now on; call ui_keys_resolve() after. */
void ui_keys_use(const ui_binding_t *t, int n);
/* Whether curses has a key of this name ("x", "^S", "KEY_F(5)"; extended
 * names like "kUP5" are taken on trust).  Needs no terminal. */
bool ui_key_known(const char *name);

/* Codes beyond curses' own: Alt (or Esc, then) + a character, "M-x" in
 * key names, and a complete escape sequence that names no key. */
#define UI_KEY_ALT(c) (0x10000 | (c))
#define UI_KEY_UNKNOWN 0x1ffff

/* The code of one key name on this terminal ("KEY_F(5)", "M-p", "kUP5");
 * -1 when it has none.  An extended key the terminal's entry lacks gets
 * a code of its own, so a key decoded from its escape sequence (see
 * ui_input.h) still finds its binding.  Needs the terminal set up. */
int ui_keys_code(const char *name);

/* Resolves every key name to its code for this terminal.  Returns the
 * number of names this terminal has no key for (their bindings are
 * simply unreachable here). */
int ui_keys_resolve(void);

/* The command bound to code in ctx (or else in CTX_GLOBAL); *arg gets
 * its argument.  CMD_NONE when unbound. */
ui_cmd_t ui_keys_lookup(ui_ctx_t ctx, int code, int *arg);

/* A readable label for a curses key name: "KEY_F(5)" -> "F5",
 * "^Z" -> "Ctrl-Z", "KEY_SR" -> "Shift-Up", " " -> "Space". */
void ui_key_label(const char *name, char *buf, size_t n);

/* The first key bound to cmd (with arg, or any arg if arg < 0) in ctx,
 * as a label; "" if none.  For hints in the status line. */
void ui_keys_hint(ui_ctx_t ctx, ui_cmd_t cmd, int arg, char *buf, size_t n);

/* Prints the table: context, key name, command, help; one a line,
 * tab-separated. */
void ui_keys_print(FILE *f);

#endif
