/*
 * fxcmd: the pattern effect commands, one list for the engine, the song
 * file and (later) the help page.  Letters and meanings follow
 * ProTracker/FastTracker 2; docs/format.md explains each.
 */
#ifndef BEATTY_FXCMD_H
#define BEATTY_FXCMD_H

#include <stdbool.h>

/* X(letter, enum name, short description) */
#define FXCMD_LIST(X) \
	X('0', FX_ARPEGGIO,     "arpeggio: 0xy cycles note, +x, +y semitones each tick") \
	X('1', FX_PORTA_UP,     "portamento up: 1xx raises pitch xx/16 semitone per tick") \
	X('2', FX_PORTA_DOWN,   "portamento down: 2xx lowers pitch xx/16 semitone per tick") \
	X('3', FX_TONE_PORTA,   "tone portamento: 3xx glides to the row's note at xx/16 semitone per tick") \
	X('4', FX_VIBRATO,      "vibrato: 4xy speed x, depth y/8 semitone") \
	X('5', FX_PORTA_VOL,    "tone portamento continues + volume slide xy") \
	X('6', FX_VIBRATO_VOL,  "vibrato continues + volume slide xy") \
	X('7', FX_TREMOLO,      "tremolo: 7xy speed x, depth 4*y volume steps") \
	X('8', FX_PAN,          "set panning: 00 left, 80 centre, FF right") \
	X('9', FX_OFFSET,       "sample offset: 9xx starts the sample at xx*256 frames") \
	X('A', FX_VOL_SLIDE,    "volume slide: Ax0 up x, A0y down y per tick") \
	X('B', FX_JUMP,         "position jump: Bxx continues at order xx") \
	X('C', FX_SET_VOL,      "set volume: Cxx, 00..40") \
	X('D', FX_BREAK,        "pattern break: Dxx continues at row xx of the next order") \
	X('E', FX_EXTENDED,     "extended: E1x/E2x fine porta, E5x finetune, E6x loop, E9x retrigger, EAx/EBx fine volume, ECx cut, EDx delay, EEx row delay") \
	X('F', FX_SPEED,        "set speed/tempo: F01..F1F ticks per line, F20..FF BPM, F00 stops the song") \
	X('G', FX_GLIDE,        "glide: automation below moves over xx ticks instead of jumping (G00 jumps)") \
	X('J', FX_CUTOFF,       "synth filter cutoff: 00 = 20 Hz .. FF = 20 kHz, logarithmic") \
	X('K', FX_RESONANCE,    "synth filter resonance: 00..FF = 0..1") \
	X('M', FX_FADER,        "channel fader: linear gain xx/C0 (C0 = 0 dB, 60 = -6 dB, 00 = silent)") \
	X('R', FX_SEND_REVERB,  "reverb send: same scale as M, 00 = off") \
	X('S', FX_SEND_DELAY,   "delay send: same scale as M, 00 = off") \
	X('X', FX_MACRO_X,      "set the parameter macro_x names: 00..FF over its range") \
	X('Y', FX_MACRO_Y,      "set the parameter macro_y names") \
	X('Z', FX_MACRO_Z,      "set the parameter macro_z names") \
	X('P', FX_PAN_SLIDE,    "panning slide: Px0 right x, P0y left y per tick, of 256 steps (FT2)") \
	X('T', FX_TREMOR,       "tremor: Txy sounds x+1 ticks, then is silent y+1 ticks, over and over") \
	X('V', FX_GLOBAL_VOL,   "global volume: Vxx, 00..40, scales every channel") \
	X('W', FX_GLOBAL_SLIDE, "global volume slide: Wx0 up x, W0y down y per tick") \
	X('N', FX_NOTE_OFF,     "note off on tick xx of the row (N00: at once), as FT2's Kxx") \
	X('L', FX_ENV_POS,      "envelope position: Lxx moves the note's volume envelope to tick xx (FT2)") \
	X('O', FX_XFINE_PORTA,  "extra fine portamento: O1y up, O2y down y/64 semitone, once")

#define FXCMD_ENUM(c, e, d) e,
typedef enum { FX_NONE = -1, FXCMD_LIST(FXCMD_ENUM) FX_COUNT } fxcmd_t;
#undef FXCMD_ENUM

/* The command a letter names (case-sensitive, as written), or FX_NONE. */
fxcmd_t fxcmd_from_letter(int letter);
/* Letter and description of a command. */
int fxcmd_letter(fxcmd_t cmd);
const char *fxcmd_describe(fxcmd_t cmd);

#endif
