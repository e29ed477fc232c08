/*
 * midi: a MIDI 1.0 byte-stream parser and the routing of played notes
 * onto tracker channels.
 *
 * The parser takes bytes as they come from a device, a pipe or a file:
 * one at a time, so a message split across reads completes on the read
 * that brings its last byte.  It keeps running status (data bytes that
 * reuse the last channel status), lets realtime bytes (clock, start,
 * stop, active sensing) through anywhere, even inside another message,
 * skips system exclusive dumps and system common messages, and drops
 * data bytes that have no status to belong to.
 *
 * The router turns note-on/off, the sustain pedal and "all notes off"
 * into note starts and releases on tracker channels: a chord spreads
 * from the cursor's channel over the free ones to its right (one voice
 * per channel, as the engine plays), a held pedal keeps released notes
 * sounding until it lifts, and a channel filter drops what the user did
 * not ask for.
 *
 * Pure state machines, no I/O: one per input, on one thread.
 */
#ifndef BEATTY_MIDI_H
#define BEATTY_MIDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	MIDI_NOTE_OFF = 1,    /* a = key, b = release velocity */
	MIDI_NOTE_ON,         /* a = key, b = velocity 1..127 (0 arrives as NOTE_OFF) */
	MIDI_POLY_PRESSURE,   /* a = key, b = pressure */
	MIDI_CONTROL,         /* a = controller, b = value */
	MIDI_PROGRAM,         /* a = program */
	MIDI_PRESSURE,        /* a = pressure */
	MIDI_PITCH_BEND,      /* a = LSB, b = MSB */
	MIDI_REALTIME,        /* a = the byte (0xF8 clock ... 0xFF reset) */
} midi_type_t;

typedef struct midi_msg {
	uint8_t type;      /* midi_type_t */
	uint8_t channel;   /* 0..15 for channel messages */
	uint8_t a, b;
} midi_msg_t;

#define MIDI_CC_SUSTAIN        64
#define MIDI_CC_ALL_SOUND_OFF  120
#define MIDI_CC_ALL_NOTES_OFF  123

typedef struct midi_parser {
	uint8_t status;    /* running status, or a system common message; 0 none */
	uint8_t data[2];
	uint8_t n;         /* data bytes so far */
	bool sysex;        /* inside F0 ... F7: skip */
} midi_parser_t;

void midi_parser_init(midi_parser_t *p);

/* Feeds one byte; true when it completes a message, written to *out. */
bool midi_parse_byte(midi_parser_t *p, uint8_t byte, midi_msg_t *out);

/* The tracker note (1 = C-0 ... 120 = B-9) of a MIDI key (60 = C-4),
 * or 0 when the key is outside the tracker's range. */
int midi_key_to_note(int key);

/* The tracker volume (1..64) of a note-on velocity (1..127). */
int midi_velocity_to_vol(int velocity);

/* ---- routing --------------------------------------------------------- */

#define MIDI_ROUTE_MAX_CHANNELS 64

typedef enum { MIDI_ROUTE_ON = 1, MIDI_ROUTE_OFF } midi_route_kind_t;

/* One thing for the tracker to do: start note (with vol) on channel
 * ch, or release the note held there. */
typedef struct midi_action {
	uint8_t kind;      /* midi_route_kind_t */
	int ch;
	int note;          /* tracker note (ON), the released note (OFF) */
	int vol;           /* 1..64 (ON) */
} midi_action_t;

typedef struct midi_route {
	int filter;                       /* 0: every channel; 1..16: only that one */
	bool pedal;                       /* the sustain pedal is down */
	int8_t ch_of[128];                /* MIDI key -> channel holding it, -1 none */
	bool sustained[128];              /* released while the pedal was down */
	int8_t key_on[MIDI_ROUTE_MAX_CHANNELS];   /* channel -> MIDI key, -1 free */
	uint32_t age[MIDI_ROUTE_MAX_CHANNELS];    /* when the channel's note began */
	uint32_t clock;
} midi_route_t;

void midi_route_init(midi_route_t *r, int filter);

/* Routes one message.  Notes start on channel base when it is free, else
 * the next free one to the right (wrapping within nch channels), else the
 * one whose note began first.  Writes up to max actions; returns how many
 * (a pedal release or "all notes off" may need up to nch). */
int midi_route(midi_route_t *r, const midi_msg_t *m, int base, int nch,
               midi_action_t *out, int max);

/* Whether any key is down or held by the pedal. */
bool midi_route_busy(const midi_route_t *r);

#endif
