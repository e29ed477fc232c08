/*
 * ui_keys: the key table and its lookups (see ui_keys.h).
 *
 * The defaults follow FastTracker 2 and Impulse/Schism Tracker where a
 * terminal allows: the two-row QWERTY piano, F-keys for pages and
 * transport, F9/F10 mute and solo, Shift+arrows to mark a block.  Alt
 * combinations are only a second way to the F-key commands (Alt+digit,
 * or Esc then the digit on a terminal without F-keys: see ui_input.c
 * for how Esc + key is told from an escape sequence); Ctrl letters take
 * the file and block commands.
 */
#include <curses.h>
#include <string.h>
#include <term.h>
#include "ui_keys.h"

#define KEY_NAME_LEN 24

#define UI_CMD_NAME(e, n) n,
const char *const ui_cmd_names[CMD_COUNT] = { UI_CMD_LIST(UI_CMD_NAME) };
#undef UI_CMD_NAME
#define UI_CTX_NAME(e, n) n,
const char *const ui_ctx_names[CTX_COUNT] = { UI_CTX_LIST(UI_CTX_NAME) };
#undef UI_CTX_NAME

/* Piano keys: the argument is semitones above C of the base octave. */
#define NOTE_KEY(k, semi, text) { CTX_PATTERN, k, CMD_NOTE, semi, "note " text }

static const ui_binding_t table[] = {
	/* everywhere */
	{ CTX_GLOBAL, "KEY_F(1)", CMD_HELP, 0, "help: this page (any key leaves it)" },
	{ CTX_GLOBAL, "KEY_F(2)", CMD_PAGE_PATTERN, 0, "pattern editor" },
	{ CTX_GLOBAL, "KEY_F(3)", CMD_PAGE_ORDER, 0, "order list" },
	{ CTX_GLOBAL, "KEY_F(11)", CMD_PAGE_ORDER, 0, "order list" },
	{ CTX_GLOBAL, "KEY_F(4)", CMD_PAGE_SONG, 0, "song settings" },
	{ CTX_GLOBAL, "KEY_F(12)", CMD_PAGE_SONG, 0, "song settings" },
	{ CTX_GLOBAL, "^T", CMD_PAGE_INST, 0, "instruments: list, sample browser, synth editor" },
	{ CTX_GLOBAL, "^B", CMD_PAGE_MIXER, 0, "mixer: channel strips, meters, FX chains, A/B" },
	{ CTX_GLOBAL, "^]", CMD_PAGE_MASTER, 0, "master: limiter, compressor, EQ, loudness, spectrum" },
	{ CTX_GLOBAL, "KEY_F(5)", CMD_PLAY_SONG, 0, "play the song from the current order position" },
	{ CTX_GLOBAL, "KEY_F(6)", CMD_PLAY_PATTERN, 0, "play the current pattern, looping" },
	{ CTX_GLOBAL, "KEY_F(7)", CMD_PLAY_CURSOR, 0, "play the song from the cursor row" },
	{ CTX_GLOBAL, "KEY_F(8)", CMD_STOP, 0, "stop" },
	/* The same without F-keys or ^] (a vt100 has neither F5-F12 nor, on
	 * many keyboards, an easy ^]): Alt+digit, or Esc then the digit. */
	{ CTX_GLOBAL, "M-1", CMD_HELP, 0, "help: this page (any key leaves it)" },
	{ CTX_GLOBAL, "M-2", CMD_PAGE_PATTERN, 0, "pattern editor" },
	{ CTX_GLOBAL, "M-3", CMD_PAGE_ORDER, 0, "order list" },
	{ CTX_GLOBAL, "M-4", CMD_PAGE_SONG, 0, "song settings" },
	{ CTX_GLOBAL, "M-m", CMD_PAGE_MASTER, 0, "master: limiter, compressor, EQ, loudness, spectrum" },
	{ CTX_GLOBAL, "M-5", CMD_PLAY_SONG, 0, "play the song from the current order position" },
	{ CTX_GLOBAL, "M-6", CMD_PLAY_PATTERN, 0, "play the current pattern, looping" },
	{ CTX_GLOBAL, "M-7", CMD_PLAY_CURSOR, 0, "play the song from the cursor row" },
	{ CTX_GLOBAL, "M-8", CMD_STOP, 0, "stop" },
	{ CTX_GLOBAL, "M-r", CMD_REF_AB, 0, "hear the reference track or the mix, loudness-matched (master page)" },
	{ CTX_GLOBAL, "^F", CMD_FOLLOW, 0, "follow the playhead on/off" },
	{ CTX_GLOBAL, "^S", CMD_SAVE, 0, "save" },
	{ CTX_GLOBAL, "^W", CMD_SAVE_AS, 0, "save as (asks for a file name)" },
	{ CTX_GLOBAL, "^O", CMD_OPEN, 0, "open a song" },
	{ CTX_GLOBAL, "^N", CMD_NEW, 0, "new song" },
	{ CTX_GLOBAL, "^R", CMD_RENDER, 0, "render to WAV in the background (file name and render options)" },
	{ CTX_GLOBAL, "^Q", CMD_QUIT, 0, "quit (asks about unsaved changes)" },
	{ CTX_GLOBAL, "^L", CMD_REDRAW, 0, "redraw the screen" },
	{ CTX_GLOBAL, "^Z", CMD_UNDO, 0, "undo" },
	{ CTX_GLOBAL, "^Y", CMD_REDO, 0, "redo" },

	/* pattern editor: moving */
	{ CTX_PATTERN, "KEY_UP", CMD_UP, 0, "cursor up" },
	{ CTX_PATTERN, "KEY_DOWN", CMD_DOWN, 0, "cursor down" },
	{ CTX_PATTERN, "KEY_LEFT", CMD_LEFT, 0, "cursor to the previous column" },
	{ CTX_PATTERN, "KEY_RIGHT", CMD_RIGHT, 0, "cursor to the next column" },
	{ CTX_PATTERN, "KEY_PPAGE", CMD_PAGE_UP, 0, "up one bar" },
	{ CTX_PATTERN, "KEY_NPAGE", CMD_PAGE_DOWN, 0, "down one bar" },
	{ CTX_PATTERN, "KEY_HOME", CMD_TOP, 0, "first row" },
	{ CTX_PATTERN, "KEY_END", CMD_BOTTOM, 0, "last row" },
	{ CTX_PATTERN, "kUP5", CMD_BEAT_UP, 0, "to the previous beat" },
	{ CTX_PATTERN, "kDN5", CMD_BEAT_DOWN, 0, "to the next beat" },
	{ CTX_PATTERN, "^G", CMD_GOTO_ROW, 0, "go to a row (hex) or beat (b4 = beat 4)" },
	{ CTX_PATTERN, "^I", CMD_NEXT_CH, 0, "next channel" },
	{ CTX_PATTERN, "KEY_BTAB", CMD_PREV_CH, 0, "previous channel" },
	{ CTX_PATTERN, "(", CMD_PREV_ORDER, 0, "previous order position" },
	{ CTX_PATTERN, ")", CMD_NEXT_ORDER, 0, "next order position" },

	/* pattern editor: entering */
	NOTE_KEY("z", 0, "C"), NOTE_KEY("s", 1, "C#"), NOTE_KEY("x", 2, "D"),
	NOTE_KEY("d", 3, "D#"), NOTE_KEY("c", 4, "E"), NOTE_KEY("v", 5, "F"),
	NOTE_KEY("g", 6, "F#"), NOTE_KEY("b", 7, "G"), NOTE_KEY("h", 8, "G#"),
	NOTE_KEY("n", 9, "A"), NOTE_KEY("j", 10, "A#"), NOTE_KEY("m", 11, "B"),
	NOTE_KEY("q", 12, "C, octave +1"), NOTE_KEY("2", 13, "C#, octave +1"),
	NOTE_KEY("w", 14, "D, octave +1"), NOTE_KEY("3", 15, "D#, octave +1"),
	NOTE_KEY("e", 16, "E, octave +1"), NOTE_KEY("r", 17, "F, octave +1"),
	NOTE_KEY("5", 18, "F#, octave +1"), NOTE_KEY("t", 19, "G, octave +1"),
	NOTE_KEY("6", 20, "G#, octave +1"), NOTE_KEY("y", 21, "A, octave +1"),
	NOTE_KEY("7", 22, "A#, octave +1"), NOTE_KEY("u", 23, "B, octave +1"),
	NOTE_KEY("i", 24, "C, octave +2"), NOTE_KEY("9", 25, "C#, octave +2"),
	NOTE_KEY("o", 26, "D, octave +2"), NOTE_KEY("0", 27, "D#, octave +2"),
	NOTE_KEY("p", 28, "E, octave +2"),
	{ CTX_PATTERN, "1", CMD_NOTE_OFF, 0, "note off (===)" },
	{ CTX_PATTERN, "`", CMD_NOTE_CUT, 0, "note cut (^^^)" },
	{ CTX_PATTERN, "/", CMD_OCTAVE_DOWN, 0, "base octave down" },
	{ CTX_PATTERN, "*", CMD_OCTAVE_UP, 0, "base octave up" },
	{ CTX_PATTERN, "[", CMD_STEP_DOWN, 0, "edit step down" },
	{ CTX_PATTERN, "]", CMD_STEP_UP, 0, "edit step up" },
	{ CTX_PATTERN, "<", CMD_INST_PREV, 0, "previous instrument" },
	{ CTX_PATTERN, ">", CMD_INST_NEXT, 0, "next instrument" },
	{ CTX_PATTERN, " ", CMD_EDIT_MODE, 0, "edit (record) mode on/off; off, keys only play" },
	{ CTX_PATTERN, "KEY_DC", CMD_CLEAR, 0, "clear the field under the cursor, or the block" },
	{ CTX_PATTERN, ".", CMD_CLEAR_STAY, 0, "clear the field under the cursor and step" },
	{ CTX_PATTERN, "KEY_IC", CMD_INSERT_ROW, 0, "insert a row in this channel" },
	{ CTX_PATTERN, "KEY_BACKSPACE", CMD_DELETE_ROW, 0, "delete the row in this channel" },
	{ CTX_PATTERN, "^?", CMD_DELETE_ROW, 0, "delete the row in this channel" },
	{ CTX_PATTERN, "KEY_SIC", CMD_INSERT_ROW_ALL, 0, "insert a row in all channels" },
	{ CTX_PATTERN, "KEY_SDC", CMD_DELETE_ROW_ALL, 0, "delete the row in all channels" },
	{ CTX_PATTERN, "KEY_F(9)", CMD_MUTE, 0, "mute the channel on/off" },
	{ CTX_PATTERN, "KEY_F(10)", CMD_SOLO, 0, "solo the channel on/off" },
	{ CTX_PATTERN, "M-9", CMD_MUTE, 0, "mute the channel on/off" },
	{ CTX_PATTERN, "M-0", CMD_SOLO, 0, "solo the channel on/off" },

	/* pattern editor: blocks */
	{ CTX_PATTERN, "KEY_SR", CMD_SEL_UP, 0, "mark block upwards" },
	{ CTX_PATTERN, "KEY_SF", CMD_SEL_DOWN, 0, "mark block downwards" },
	{ CTX_PATTERN, "KEY_SLEFT", CMD_SEL_LEFT, 0, "mark block to the left (by channel)" },
	{ CTX_PATTERN, "KEY_SRIGHT", CMD_SEL_RIGHT, 0, "mark block to the right (by channel)" },
	{ CTX_PATTERN, "KEY_SPREVIOUS", CMD_SEL_PAGE_UP, 0, "mark block up one bar" },
	{ CTX_PATTERN, "KEY_SNEXT", CMD_SEL_PAGE_DOWN, 0, "mark block down one bar" },
	{ CTX_PATTERN, "^A", CMD_SEL_ALL, 0, "mark the channel; again: the whole pattern" },
	{ CTX_PATTERN, "^U", CMD_SEL_NONE, 0, "unmark the block" },
	{ CTX_PATTERN, "^C", CMD_COPY, 0, "copy the block (or the cell)" },
	{ CTX_PATTERN, "^X", CMD_CUT, 0, "cut the block (or the cell)" },
	{ CTX_PATTERN, "^V", CMD_PASTE, 0, "paste at the cursor" },
	{ CTX_PATTERN, "^P", CMD_MIX_PASTE, 0, "mix-paste: fill only empty fields" },
	{ CTX_PATTERN, "+", CMD_TRANSPOSE, 1, "transpose the block (or note) up a semitone" },
	{ CTX_PATTERN, "-", CMD_TRANSPOSE, -1, "transpose the block (or note) down a semitone" },
	{ CTX_PATTERN, "}", CMD_TRANSPOSE, 12, "transpose the block (or note) up an octave" },
	{ CTX_PATTERN, "{", CMD_TRANSPOSE, -12, "transpose the block (or note) down an octave" },
	{ CTX_PATTERN, "^K", CMD_INTERPOLATE, 0, "interpolate volume/effect over the block (column under the cursor)" },
	{ CTX_PATTERN, "^E", CMD_SET_INST, 0, "set the current instrument on the block's notes" },
	{ CTX_PATTERN, "^D", CMD_SCALE, 0, "the song's key and scale: scale lock (chromatic: off)" },
	{ CTX_PATTERN, "\"", CMD_DEGREES, 1, "transpose the block (or note) up a degree of the scale" },
	{ CTX_PATTERN, "'", CMD_DEGREES, -1, "transpose the block (or note) down a degree of the scale" },
	{ CTX_PATTERN, "%", CMD_RHYTHM, 0, "rhythm over the block: Euclidean E(k,n) or every N rows, accents, humanize" },

	/* pattern editor: channels (Alt + the keys that insert, delete and
	 * move, as tracks are handled in Renoise; Alt + letters for
	 * terminals that send no modified Insert or arrows) */
	{ CTX_PATTERN, "kIC3", CMD_CH_ADD, 0, "add a channel after this one" },
	{ CTX_PATTERN, "M-a", CMD_CH_ADD, 0, "add a channel after this one" },
	{ CTX_PATTERN, "kDC3", CMD_CH_REMOVE, 0, "remove this channel: its notes, strip and name (undo brings it back)" },
	{ CTX_PATTERN, "M-x", CMD_CH_REMOVE, 0, "remove this channel: its notes, strip and name (undo brings it back)" },
	{ CTX_PATTERN, "M-n", CMD_CH_RENAME, 0, "name this channel" },
	{ CTX_PATTERN, "kLFT3", CMD_CH_MOVE, -1, "move this channel left: notes, strip, FX, name" },
	{ CTX_PATTERN, "M-,", CMD_CH_MOVE, -1, "move this channel left: notes, strip, FX, name" },
	{ CTX_PATTERN, "kRIT3", CMD_CH_MOVE, 1, "move this channel right: notes, strip, FX, name" },
	{ CTX_PATTERN, "M-.", CMD_CH_MOVE, 1, "move this channel right: notes, strip, FX, name" },

	/* order list */
	{ CTX_ORDER, "KEY_UP", CMD_UP, 0, "previous position" },
	{ CTX_ORDER, "KEY_DOWN", CMD_DOWN, 0, "next position" },
	{ CTX_ORDER, "KEY_HOME", CMD_TOP, 0, "first position" },
	{ CTX_ORDER, "KEY_END", CMD_BOTTOM, 0, "last position" },
	{ CTX_ORDER, "KEY_PPAGE", CMD_PAGE_UP, 0, "up a page" },
	{ CTX_ORDER, "KEY_NPAGE", CMD_PAGE_DOWN, 0, "down a page" },
	{ CTX_ORDER, "KEY_IC", CMD_ORDER_INSERT, 0, "insert a position playing the same pattern" },
	{ CTX_ORDER, "i", CMD_ORDER_INSERT, 0, "insert a position playing the same pattern" },
	{ CTX_ORDER, "KEY_DC", CMD_ORDER_DELETE, 0, "delete the position" },
	{ CTX_ORDER, "x", CMD_ORDER_DELETE, 0, "delete the position" },
	{ CTX_ORDER, "d", CMD_ORDER_DUPLICATE, 0, "duplicate the position (same pattern, same label)" },
	{ CTX_ORDER, "c", CMD_ORDER_CLONE, 0, "clone: a copy of its pattern, new number, in a position after it" },
	{ CTX_ORDER, "n", CMD_ORDER_NEW, 0, "insert a new empty pattern after the position" },
	{ CTX_ORDER, "KEY_SR", CMD_ORDER_MOVE, -1, "move the position up" },
	{ CTX_ORDER, "KEY_SF", CMD_ORDER_MOVE, 1, "move the position down" },
	{ CTX_ORDER, "u", CMD_ORDER_MOVE, -1, "move the position up" },
	{ CTX_ORDER, "m", CMD_ORDER_MOVE, 1, "move the position down" },
	{ CTX_ORDER, "+", CMD_ORDER_PATTERN, 1, "play the next pattern number here" },
	{ CTX_ORDER, "-", CMD_ORDER_PATTERN, -1, "play the previous pattern number here" },
	{ CTX_ORDER, "p", CMD_ORDER_SET, 0, "choose the pattern (hex number) here" },
	{ CTX_ORDER, "l", CMD_ORDER_LABEL, 0, "section label (intro, verse, chorus...)" },
	{ CTX_ORDER, "r", CMD_ORDER_LENGTH, 0, "pattern length in rows" },
	{ CTX_ORDER, "s", CMD_ORDER_RESTART, 0, "make this the restart position" },
	{ CTX_ORDER, "^J", CMD_ORDER_EDIT, 0, "edit this position's pattern" },
	{ CTX_ORDER, "^M", CMD_ORDER_EDIT, 0, "edit this position's pattern" },
	{ CTX_ORDER, "KEY_ENTER", CMD_ORDER_EDIT, 0, "edit this position's pattern" },

	/* song settings */
	{ CTX_SONG, "KEY_UP", CMD_UP, 0, "previous setting" },
	{ CTX_SONG, "KEY_DOWN", CMD_DOWN, 0, "next setting" },
	{ CTX_SONG, "^J", CMD_FIELD_EDIT, 0, "change the setting" },
	{ CTX_SONG, "^M", CMD_FIELD_EDIT, 0, "change the setting" },
	{ CTX_SONG, "KEY_ENTER", CMD_FIELD_EDIT, 0, "change the setting" },
	{ CTX_SONG, "+", CMD_FIELD_ADJUST, 1, "increase the setting" },
	{ CTX_SONG, "-", CMD_FIELD_ADJUST, -1, "decrease the setting" },
	{ CTX_SONG, "KEY_RIGHT", CMD_FIELD_ADJUST, 1, "increase the setting" },
	{ CTX_SONG, "KEY_LEFT", CMD_FIELD_ADJUST, -1, "decrease the setting" },

	/* instruments; the piano keys jam the instrument, as in the pattern editor */
	{ CTX_INST, "KEY_UP", CMD_UP, 0, "previous parameter" },
	{ CTX_INST, "KEY_DOWN", CMD_DOWN, 0, "next parameter" },
	{ CTX_INST, "KEY_PPAGE", CMD_PAGE_UP, 0, "up a page of parameters" },
	{ CTX_INST, "KEY_NPAGE", CMD_PAGE_DOWN, 0, "down a page of parameters" },
	{ CTX_INST, "KEY_HOME", CMD_TOP, 0, "first parameter" },
	{ CTX_INST, "KEY_END", CMD_BOTTOM, 0, "last parameter" },
	{ CTX_INST, "KEY_RIGHT", CMD_FIELD_ADJUST, 1, "increase the parameter (fine)" },
	{ CTX_INST, "KEY_LEFT", CMD_FIELD_ADJUST, -1, "decrease the parameter (fine)" },
	{ CTX_INST, "KEY_SRIGHT", CMD_FIELD_ADJUST, 10, "increase the parameter (coarse)" },
	{ CTX_INST, "KEY_SLEFT", CMD_FIELD_ADJUST, -10, "decrease the parameter (coarse)" },
	{ CTX_INST, "^J", CMD_FIELD_EDIT, 0, "type a value for the parameter" },
	{ CTX_INST, "^M", CMD_FIELD_EDIT, 0, "type a value for the parameter" },
	{ CTX_INST, "KEY_ENTER", CMD_FIELD_EDIT, 0, "type a value for the parameter" },
	{ CTX_INST, "<", CMD_INST_PREV, 0, "previous instrument" },
	{ CTX_INST, ">", CMD_INST_NEXT, 0, "next instrument" },
	{ CTX_INST, "KEY_IC", CMD_INST_NEW, 0, "new synth instrument in the first free slot" },
	{ CTX_INST, "^D", CMD_INST_CLONE, 0, "clone the instrument into the first free slot" },
	{ CTX_INST, "KEY_DC", CMD_INST_DELETE, 0, "delete the instrument (asks when notes use it)" },
	{ CTX_INST, "^E", CMD_INST_RENAME, 0, "rename the instrument" },
	{ CTX_INST, "^K", CMD_SLICE, 0, "slice the sample: N equal, t SENS at transients, off; notes or offsets" },
	{ CTX_INST, "^G", CMD_INST_LOAD, 0, "get a sample: the file browser" },
	{ CTX_INST, "^P", CMD_INST_PRESET, 0, "factory presets: a list to pick from (Up/Down or letters, Enter loads)" },
	{ CTX_INST, "C", CMD_COLLECT, 0, "collect samples: copy those outside the song's folder into its samples/" },
	{ CTX_INST, "/", CMD_OCTAVE_DOWN, 0, "base octave down" },
	{ CTX_INST, "*", CMD_OCTAVE_UP, 0, "base octave up" },

	/* sample browser */
	{ CTX_BROWSE, "KEY_UP", CMD_UP, 0, "previous entry" },
	{ CTX_BROWSE, "KEY_DOWN", CMD_DOWN, 0, "next entry" },
	{ CTX_BROWSE, "KEY_PPAGE", CMD_PAGE_UP, 0, "up a page" },
	{ CTX_BROWSE, "KEY_NPAGE", CMD_PAGE_DOWN, 0, "down a page" },
	{ CTX_BROWSE, "KEY_HOME", CMD_TOP, 0, "first entry" },
	{ CTX_BROWSE, "KEY_END", CMD_BOTTOM, 0, "last entry" },
	{ CTX_BROWSE, "^J", CMD_BROWSE_OPEN, 0, "open the folder, or load the file into the instrument" },
	{ CTX_BROWSE, "^M", CMD_BROWSE_OPEN, 0, "open the folder, or load the file into the instrument" },
	{ CTX_BROWSE, "KEY_ENTER", CMD_BROWSE_OPEN, 0, "open the folder, or load the file into the instrument" },
	{ CTX_BROWSE, "KEY_BACKSPACE", CMD_BROWSE_PARENT, 0, "take back a letter of the filter; without one, the parent folder" },
	{ CTX_BROWSE, "^?", CMD_BROWSE_PARENT, 0, "take back a letter of the filter; without one, the parent folder" },
	{ CTX_BROWSE, "KEY_LEFT", CMD_BROWSE_PARENT, 0, "the parent folder" },
	{ CTX_BROWSE, " ", CMD_BROWSE_PREVIEW, 0, "preview: play the file" },
	{ CTX_BROWSE, "KEY_RIGHT", CMD_BROWSE_PREVIEW, 0, "preview: play the file" },
	{ CTX_BROWSE, "^[", CMD_BACK, 0, "clear the filter; without one, close the browser" },
	{ CTX_BROWSE, "^G", CMD_BROWSE_GOTO, 0, "go to a folder: type its path (Tab completes, ~ is home)" },
	{ CTX_BROWSE, "^K", CMD_BROWSE_MARKS, 0, "bookmarks: the song's folder and the sample folders that exist" },
	{ CTX_BROWSE, "^P", CMD_BROWSE_AUTOPLAY, 0, "preview on cursor moves on/off (config.ini: preview)" },

	/* mixer */
	{ CTX_MIXER, "KEY_UP", CMD_UP, 0, "previous field (fader, pan, mute, solo, sends, chain, parameters); in parameters, up the column" },
	{ CTX_MIXER, "KEY_DOWN", CMD_DOWN, 0, "next field; in parameters, down the column" },
	{ CTX_MIXER, "KEY_LEFT", CMD_LEFT, 0, "previous channel; in the chain, the previous unit; in parameters, the column to the left" },
	{ CTX_MIXER, "KEY_RIGHT", CMD_RIGHT, 0, "next channel; in the chain, the next unit; in parameters, the column to the right" },
	{ CTX_MIXER, "^I", CMD_NEXT_CH, 0, "next channel" },
	{ CTX_MIXER, "KEY_BTAB", CMD_PREV_CH, 0, "previous channel" },
	{ CTX_MIXER, "+", CMD_FIELD_ADJUST, 1, "raise the value a fine step" },
	{ CTX_MIXER, "=", CMD_FIELD_ADJUST, 1, "raise the value a fine step" },
	{ CTX_MIXER, "-", CMD_FIELD_ADJUST, -1, "lower the value a fine step" },
	{ CTX_MIXER, "KEY_PPAGE", CMD_FIELD_ADJUST, 10, "raise the value a coarse step" },
	{ CTX_MIXER, "KEY_NPAGE", CMD_FIELD_ADJUST, -10, "lower the value a coarse step" },
	{ CTX_MIXER, "^J", CMD_FIELD_EDIT, 0, "type a value" },
	{ CTX_MIXER, "^M", CMD_FIELD_EDIT, 0, "type a value" },
	{ CTX_MIXER, "KEY_ENTER", CMD_FIELD_EDIT, 0, "type a value" },
	{ CTX_MIXER, "0", CMD_MIX_DEFAULT, 0, "back to the default value (0 dB, centre, off...)" },
	{ CTX_MIXER, "m", CMD_MUTE, 0, "mute the channel on/off" },
	{ CTX_MIXER, "KEY_F(9)", CMD_MUTE, 0, "mute the channel on/off" },
	{ CTX_MIXER, "s", CMD_SOLO, 0, "solo the channel on/off" },
	{ CTX_MIXER, "KEY_F(10)", CMD_SOLO, 0, "solo the channel on/off" },
	{ CTX_MIXER, "a", CMD_FX_ADD, 0, "add an FX unit after the chosen one (asks which kind)" },
	{ CTX_MIXER, "x", CMD_FX_REMOVE, 0, "remove the chosen FX unit" },
	{ CTX_MIXER, "KEY_DC", CMD_FX_REMOVE, 0, "remove the chosen FX unit" },
	{ CTX_MIXER, "<", CMD_FX_MOVE, -1, "move the chosen unit earlier in the chain" },
	{ CTX_MIXER, ">", CMD_FX_MOVE, 1, "move the chosen unit later in the chain" },
	{ CTX_MIXER, "b", CMD_FX_BYPASS, 0, "bypass the chosen unit on/off" },
	{ CTX_MIXER, "c", CMD_SIDECHAIN, 0, "sidechain sources of the chosen compressor (channels: 2 5-8)" },
	{ CTX_MIXER, "A", CMD_AB, 0, "A/B: start (B is a copy to edit), then flip between A and B" },
	{ CTX_MIXER, "K", CMD_AB_KEEP, 0, "A/B: keep the mix heard, drop the other" },
	{ CTX_MIXER, "L", CMD_AB_MATCH, 0, "A/B: level matching on/off" },
	{ CTX_MIXER, "r", CMD_METER_RESET, 0, "reset clip lights and peak holds" },
	{ CTX_MIXER, "M", CMD_PAGE_MASTER, 0, "the master page" },
	{ CTX_MIXER, "kIC3", CMD_CH_ADD, 0, "add a channel after this one" },
	{ CTX_MIXER, "M-a", CMD_CH_ADD, 0, "add a channel after this one" },
	{ CTX_MIXER, "kDC3", CMD_CH_REMOVE, 0, "remove this channel: its notes, strip and name (undo brings it back)" },
	{ CTX_MIXER, "M-x", CMD_CH_REMOVE, 0, "remove this channel: its notes, strip and name (undo brings it back)" },
	{ CTX_MIXER, "M-n", CMD_CH_RENAME, 0, "name this channel" },
	{ CTX_MIXER, "kLFT3", CMD_CH_MOVE, -1, "move this channel left: notes, strip, FX, name" },
	{ CTX_MIXER, "M-,", CMD_CH_MOVE, -1, "move this channel left: notes, strip, FX, name" },
	{ CTX_MIXER, "kRIT3", CMD_CH_MOVE, 1, "move this channel right: notes, strip, FX, name" },
	{ CTX_MIXER, "M-.", CMD_CH_MOVE, 1, "move this channel right: notes, strip, FX, name" },

	/* master */
	{ CTX_MASTER, "KEY_UP", CMD_UP, 0, "previous setting" },
	{ CTX_MASTER, "KEY_DOWN", CMD_DOWN, 0, "next setting" },
	{ CTX_MASTER, "+", CMD_FIELD_ADJUST, 1, "raise the setting a fine step" },
	{ CTX_MASTER, "=", CMD_FIELD_ADJUST, 1, "raise the setting a fine step" },
	{ CTX_MASTER, "-", CMD_FIELD_ADJUST, -1, "lower the setting a fine step" },
	{ CTX_MASTER, "KEY_RIGHT", CMD_FIELD_ADJUST, 1, "raise the setting a fine step" },
	{ CTX_MASTER, "KEY_LEFT", CMD_FIELD_ADJUST, -1, "lower the setting a fine step" },
	{ CTX_MASTER, "KEY_PPAGE", CMD_FIELD_ADJUST, 10, "raise the setting a coarse step" },
	{ CTX_MASTER, "KEY_NPAGE", CMD_FIELD_ADJUST, -10, "lower the setting a coarse step" },
	{ CTX_MASTER, "^J", CMD_FIELD_EDIT, 0, "type a value" },
	{ CTX_MASTER, "^M", CMD_FIELD_EDIT, 0, "type a value" },
	{ CTX_MASTER, "KEY_ENTER", CMD_FIELD_EDIT, 0, "type a value" },
	{ CTX_MASTER, "0", CMD_MIX_DEFAULT, 0, "back to the default value" },
	{ CTX_MASTER, "t", CMD_TARGET, 0, "loudness target: streaming -14, club -9, custom (T sets it)" },
	{ CTX_MASTER, "T", CMD_TARGET, 1, "set the custom loudness target" },
	{ CTX_MASTER, "r", CMD_METER_RESET, 0, "reset the integrated loudness, range and true peak" },
	{ CTX_MASTER, "l", CMD_MEASURE, 0, "measure the whole song offline (LUFS, LRA, true peak), in the background" },
	{ CTX_MASTER, "A", CMD_AB, 0, "A/B: start, then flip between A and B" },
	{ CTX_MASTER, "K", CMD_AB_KEEP, 0, "A/B: keep the mix heard, drop the other" },
	{ CTX_MASTER, "L", CMD_AB_MATCH, 0, "A/B: level matching on/off" },
	{ CTX_MASTER, "M", CMD_PAGE_MIXER, 0, "the mixer page" },
	{ CTX_MASTER, "^G", CMD_REF_LOAD, 0, "reference track: load a WAV or FLAC to compare with (Tab completes)" },
	{ CTX_MASTER, "R", CMD_REF_AB, 0, "hear the reference track or the mix, loudness-matched (Alt-R on any page)" },
	{ CTX_MASTER, "V", CMD_REF_MATCH, 0, "reference matched to: the loudness target, the mix's measured loudness, off" },
	{ CTX_MASTER, "X", CMD_REF_DROP, 0, "drop the reference track" },

	/* help */
	{ CTX_HELP, "KEY_UP", CMD_UP, 0, "scroll up" },
	{ CTX_HELP, "KEY_DOWN", CMD_DOWN, 0, "scroll down" },
	{ CTX_HELP, "KEY_PPAGE", CMD_PAGE_UP, 0, "page up" },
	{ CTX_HELP, "KEY_NPAGE", CMD_PAGE_DOWN, 0, "page down" },
	{ CTX_HELP, "KEY_HOME", CMD_TOP, 0, "top" },
	{ CTX_HELP, "KEY_END", CMD_BOTTOM, 0, "bottom" },
	{ CTX_HELP, "^[", CMD_BACK, 0, "back to the page you came from" },
	{ CTX_HELP, "q", CMD_BACK, 0, "back to the page you came from" },
	{ CTX_HELP, "KEY_F(1)", CMD_BACK, 0, "back to the page you came from" },
};

#define NKEYS ((int)(sizeof(table) / sizeof(table[0])))
_Static_assert(NKEYS <= UI_KEYS_MAX, "UI_KEYS_MAX too small for the key table");
/* The table in use: the built-in one or a keymap (keys.ini) over it. */
static const ui_binding_t *active = table;
static int nactive = NKEYS;
static int codes[UI_KEYS_MAX];   /* resolved codes; -1: this terminal lacks the key */

const ui_binding_t *ui_keys_table(int *n)
{
	*n = nactive;
	return active;
}

const ui_binding_t *ui_keys_defaults(int *n)
{
	*n = NKEYS;
	return table;
}

void ui_keys_use(const ui_binding_t *t, int n)
{
	active = t ? t : table;
	nactive = t ? (n < UI_KEYS_MAX ? n : UI_KEYS_MAX) : NKEYS;
	for (int i = 0; i < nactive; i++)
		codes[i] = -1;
}

/* Extended key names the terminal's entry lacks, numbered in order of
 * first use: their codes sit past every code curses hands out. */
#define PRIVATE_BASE 0x20000
#define PRIVATE_MAX 64
static char private_names[PRIVATE_MAX][KEY_NAME_LEN];
static int nprivate;

static int private_code(const char *name)
{
	for (int i = 0; i < nprivate; i++)
		if (!strcmp(private_names[i], name))
			return PRIVATE_BASE + i;
	if (nprivate == PRIVATE_MAX || strlen(name) >= KEY_NAME_LEN)
		return -1;
	snprintf(private_names[nprivate], KEY_NAME_LEN, "%s", name);
	return PRIVATE_BASE + nprivate++;
}

static bool extended_name(const char *name)
{
	if (name[0] != 'k' || name[1] < 'A' || name[1] > 'Z')
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* keyname() is the inverse we need; scanning every code once is cheap. */
static int plain_code(const char *name)
{
	for (int c = 0; c <= KEY_MAX; c++) {
		const char *k = keyname(c);
		if (k && !strcmp(k, name))
			return c;
	}
	return -1;
}

/* "M-x", "M-^X": Alt + a character (keyname()'s own M- names are for
 * 8-bit meta bytes, which a UTF-8 terminal cannot send). */
static int alt_code(const char *name)
{
	if (strncmp(name, "M-", 2) || !name[2])
		return -1;
	int c = plain_code(name + 2);
	return c >= 0 && c < 128 ? UI_KEY_ALT(c) : -1;
}

int ui_keys_code(const char *name)
{
	if (!strncmp(name, "M-", 2))
		return alt_code(name);
	if (extended_name(name)) {
		/* An extended key: its terminfo string, then ncurses' code for it. */
		char *seq = tigetstr(name);
		int code = seq && seq != (char *)-1 ? key_defined(seq) : -1;
		return code > 0 ? code : private_code(name);
	}
	return plain_code(name);
}

bool ui_key_known(const char *name)
{
	if (!name[0])
		return false;
	/* Extended keys exist per terminal: any terminfo-style name will do. */
	if (extended_name(name))
		return true;
	if (!strncmp(name, "M-", 2))
		return alt_code(name) >= 0;
	return plain_code(name) >= 0;
}

int ui_keys_resolve(void)
{
	int missing = 0;
	for (int i = 0; i < nactive; i++) {
		codes[i] = ui_keys_code(active[i].key);
		missing += codes[i] < 0;
	}
	return missing;
}

ui_cmd_t ui_keys_lookup(ui_ctx_t ctx, int code, int *arg)
{
	for (int pass = 0; pass < 2; pass++) {
		ui_ctx_t want = pass == 0 ? ctx : CTX_GLOBAL;
		if (pass == 1 && ctx == CTX_GLOBAL)
			break;
		for (int i = 0; i < nactive; i++) {
			if (active[i].ctx == want && codes[i] == code && code >= 0) {
				*arg = active[i].arg;
				return active[i].cmd;
			}
		}
	}
	*arg = 0;
	return CMD_NONE;
}

void ui_key_label(const char *name, char *buf, size_t n)
{
	static const struct { const char *name, *label; } named[] = {
		{ "KEY_UP", "Up" }, { "KEY_DOWN", "Down" }, { "KEY_LEFT", "Left" },
		{ "KEY_RIGHT", "Right" }, { "KEY_PPAGE", "PgUp" }, { "KEY_NPAGE", "PgDn" },
		{ "KEY_HOME", "Home" }, { "KEY_END", "End" }, { "KEY_IC", "Insert" },
		{ "KEY_DC", "Delete" }, { "KEY_BACKSPACE", "Backspace" }, { "^?", "Backspace" },
		{ "KEY_SIC", "Shift-Insert" }, { "KEY_SDC", "Shift-Delete" },
		{ "KEY_SR", "Shift-Up" }, { "KEY_SF", "Shift-Down" }, { "KEY_SLEFT", "Shift-Left" },
		{ "KEY_SRIGHT", "Shift-Right" }, { "KEY_SPREVIOUS", "Shift-PgUp" },
		{ "KEY_SNEXT", "Shift-PgDn" }, { "KEY_BTAB", "Shift-Tab" }, { "^I", "Tab" },
		{ "kUP5", "Ctrl-Up" }, { "kDN5", "Ctrl-Down" }, { "kLFT3", "Alt-Left" },
		{ "kRIT3", "Alt-Right" }, { "kIC3", "Alt-Insert" }, { "kDC3", "Alt-Delete" },
		{ "kUP3", "Alt-Up" }, { "kDN3", "Alt-Down" }, { "kHOM3", "Alt-Home" }, { "kEND3", "Alt-End" },
		{ "kDC5", "Ctrl-Delete" }, { "kPRV5", "Ctrl-PgUp" }, { "kNXT5", "Ctrl-PgDn" },
		{ "^J", "Enter" }, { "^M", "Enter" },
		{ "KEY_ENTER", "Enter" }, { "^[", "Esc" }, { " ", "Space" },
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (!strcmp(name, named[i].name)) {
			snprintf(buf, n, "%s", named[i].label);
			return;
		}
	}
	if (!strncmp(name, "M-", 2) && name[2]) {
		char rest[24];
		ui_key_label(name + 2, rest, sizeof(rest));
		snprintf(buf, n, "Alt-%s", rest);
		return;
	}
	int f;
	if (sscanf(name, "KEY_F(%d)", &f) == 1) {
		/* curses numbers modified F1-F12 as xterm sends them. */
		static const char *const mod[] = { "", "Shift-", "Ctrl-", "Ctrl-Shift-", "Alt-" };
		int m = f > 12 && f <= 60 ? (f - 1) / 12 : 0;
		snprintf(buf, n, "%sF%d", mod[m], f - 12 * m);
	}
	else if (name[0] == '^' && name[1] && !name[2])
		snprintf(buf, n, "Ctrl-%c", name[1]);
	else
		snprintf(buf, n, "%s", name);
}

void ui_keys_hint(ui_ctx_t ctx, ui_cmd_t cmd, int arg, char *buf, size_t n)
{
	buf[0] = 0;
	for (int i = 0; i < nactive; i++) {
		if ((active[i].ctx == ctx || active[i].ctx == CTX_GLOBAL) && active[i].cmd == cmd &&
		    (arg < 0 || active[i].arg == arg)) {
			ui_key_label(active[i].key, buf, n);
			return;
		}
	}
}

void ui_keys_print(FILE *f)
{
	for (int i = 0; i < nactive; i++) {
		char label[32];
		ui_key_label(active[i].key, label, sizeof(label));
		fprintf(f, "%s\t%s\t%s\t%s\t%s\n", ui_ctx_names[active[i].ctx], active[i].key, label,
		        ui_cmd_names[active[i].cmd], active[i].help);
	}
}
