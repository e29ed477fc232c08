/*
 * test_midi: the MIDI byte parser on streams as devices send them
 * (running status, realtime bytes inside messages, dumps, garbage, split
 * reads), and the routing of keys and the sustain pedal onto channels.
 */
#include <string.h>
#include "midi.h"
#include "testutil.h"

/* Parses bytes and returns the channel messages (realtime dropped). */
static int parse(midi_parser_t *p, const uint8_t *b, size_t n, midi_msg_t *out, int max)
{
	int k = 0;
	midi_msg_t m;
	for (size_t i = 0; i < n; i++)
		if (midi_parse_byte(p, b[i], &m) && m.type != MIDI_REALTIME && k < max)
			out[k++] = m;
	return k;
}

#define MSG(t, c, x, y) ((midi_msg_t){ .type = (t), .channel = (c), .a = (x), .b = (y) })
static void same(midi_msg_t want, midi_msg_t got)
{
	assert_int_equal(got.type, want.type);
	assert_int_equal(got.channel, want.channel);
	assert_int_equal(got.a, want.a);
	assert_int_equal(got.b, want.b);
}

static void plain_messages(void **state)
{
	(void)state;
	static const uint8_t b[] = { 0x90, 60, 100, 0x81, 60, 64, 0xB2, 64, 127, 0xC3, 5, 0xE4, 0, 64 };
	midi_parser_t p;
	midi_parser_init(&p);
	midi_msg_t m[8];
	assert_int_equal(parse(&p, b, sizeof(b), m, 8), 5);
	same(MSG(MIDI_NOTE_ON, 0, 60, 100), m[0]);
	same(MSG(MIDI_NOTE_OFF, 1, 60, 64), m[1]);
	same(MSG(MIDI_CONTROL, 2, 64, 127), m[2]);
	same(MSG(MIDI_PROGRAM, 3, 5, 0), m[3]);
	same(MSG(MIDI_PITCH_BEND, 4, 0, 64), m[4]);
}

static void running_status(void **state)
{
	(void)state;
	/* a chord and its release as one status byte and six data pairs;
	 * velocity 0 is a note-off */
	static const uint8_t b[] = { 0x95, 60, 90, 64, 80, 67, 70, 60, 0, 64, 0, 67, 0 };
	midi_parser_t p;
	midi_parser_init(&p);
	midi_msg_t m[8];
	assert_int_equal(parse(&p, b, sizeof(b), m, 8), 6);
	same(MSG(MIDI_NOTE_ON, 5, 60, 90), m[0]);
	same(MSG(MIDI_NOTE_ON, 5, 64, 80), m[1]);
	same(MSG(MIDI_NOTE_ON, 5, 67, 70), m[2]);
	same(MSG(MIDI_NOTE_OFF, 5, 60, 0), m[3]);
	same(MSG(MIDI_NOTE_OFF, 5, 67, 0), m[5]);
	/* one-data-byte messages run too */
	static const uint8_t c[] = { 0xD0, 10, 20, 30 };
	assert_int_equal(parse(&p, c, sizeof(c), m, 8), 3);
	same(MSG(MIDI_PRESSURE, 0, 30, 0), m[2]);
}

static void realtime_inside_messages(void **state)
{
	(void)state;
	/* clock and active sensing between status and data, and between the
	 * data bytes, of a running-status stream */
	static const uint8_t b[] = { 0x90, 0xF8, 60, 0xFE, 100, 0xF8, 62, 0xFA, 101 };
	midi_parser_t p;
	midi_parser_init(&p);
	midi_msg_t all[16], m;
	int k = 0, rt = 0;
	for (size_t i = 0; i < sizeof(b); i++)
		if (midi_parse_byte(&p, b[i], &m)) {
			if (m.type == MIDI_REALTIME)
				rt++;
			else
				all[k++] = m;
		}
	assert_int_equal(rt, 4);
	assert_int_equal(k, 2);
	same(MSG(MIDI_NOTE_ON, 0, 60, 100), all[0]);
	same(MSG(MIDI_NOTE_ON, 0, 62, 101), all[1]);
}

static void sysex_and_common_skipped(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x90, 60, 100,
		0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7,   /* a dump: ends running status */
		61, 100,                              /* so these are garbage */
		0xF2, 0x10, 0x20,                     /* song position: skipped */
		0xF3, 0x05,                           /* song select: skipped */
		0x91, 62, 100,
		0xF0, 1, 2, 3, 0x80, 62, 0,           /* a status byte ends a dump without F7 */
	};
	midi_parser_t p;
	midi_parser_init(&p);
	midi_msg_t m[8];
	assert_int_equal(parse(&p, b, sizeof(b), m, 8), 3);
	same(MSG(MIDI_NOTE_ON, 0, 60, 100), m[0]);
	same(MSG(MIDI_NOTE_ON, 1, 62, 100), m[1]);
	same(MSG(MIDI_NOTE_OFF, 0, 62, 0), m[2]);
}

static void garbage_skipped(void **state)
{
	(void)state;
	/* data bytes before any status, and an unfinished message cut by a
	 * new status, give nothing */
	static const uint8_t b[] = { 1, 2, 3, 0x7F, 0x90, 60, 0xB0, 64, 127, 0xF6, 5, 6 };
	midi_parser_t p;
	midi_parser_init(&p);
	midi_msg_t m[8];
	assert_int_equal(parse(&p, b, sizeof(b), m, 8), 1);
	same(MSG(MIDI_CONTROL, 0, 64, 127), m[0]);
}

static void split_reads(void **state)
{
	(void)state;
	/* every way of cutting a stream in two gives the same messages */
	static const uint8_t b[] = { 0x92, 48, 100, 52, 90, 0xF8, 0x82, 48, 0, 0xB2, 64, 0 };
	midi_parser_t p;
	midi_msg_t whole[8], cut[8];
	midi_parser_init(&p);
	int n = parse(&p, b, sizeof(b), whole, 8);
	assert_int_equal(n, 4);
	for (size_t at = 0; at <= sizeof(b); at++) {
		midi_parser_init(&p);
		int k = parse(&p, b, at, cut, 8);
		k += parse(&p, b + at, sizeof(b) - at, cut + k, 8 - k);
		assert_int_equal(k, n);
		for (int i = 0; i < n; i++)
			same(whole[i], cut[i]);
	}
}

static void keys_and_velocities(void **state)
{
	(void)state;
	assert_int_equal(midi_key_to_note(60), 49);    /* C-4 */
	assert_int_equal(midi_key_to_note(69), 58);    /* */
	assert_int_equal(midi_key_to_note(12), 1);     /* C-0 */
	assert_int_equal(midi_key_to_note(131), 120);  /* B-9 */
	assert_int_equal(midi_key_to_note(11), 0);
	assert_int_equal(midi_key_to_note(127), 116);
	assert_int_equal(midi_velocity_to_vol(127), 64);
	assert_int_equal(midi_velocity_to_vol(1), 1);
	assert_int_equal(midi_velocity_to_vol(100), 50);
	for (int v = 2; v <= 127; v++)
		assert_true(midi_velocity_to_vol(v) >= midi_velocity_to_vol(v - 1));
}

static void chord_spreads_over_channels(void **state)
{
	(void)state;
	midi_route_t r;
	midi_route_init(&r, 0);
	midi_action_t a[8];
	/* cursor on channel 2 of 4: the chord takes 2, 3, then wraps to 0 */
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 60, 127), 2, 4, a, 8), 1);
	assert_int_equal(a[0].kind, MIDI_ROUTE_ON);
	assert_int_equal(a[0].ch, 2);
	assert_int_equal(a[0].note, 49);
	assert_int_equal(a[0].vol, 64);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 64, 100), 2, 4, a, 8);
	assert_int_equal(a[0].ch, 3);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 67, 100), 2, 4, a, 8);
	assert_int_equal(a[0].ch, 0);
	/* releasing the middle key frees channel 3 for the next one */
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 0, 64, 0), 2, 4, a, 8), 1);
	assert_int_equal(a[0].kind, MIDI_ROUTE_OFF);
	assert_int_equal(a[0].ch, 3);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 72, 100), 2, 4, a, 8);
	assert_int_equal(a[0].ch, 3);
	/* channel 1 is the last free one; after it the channel whose note
	 * began first (key 60 on 2) is taken */
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 74, 100), 2, 4, a, 8);
	assert_int_equal(a[0].ch, 1);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 76, 100), 2, 4, a, 8);
	assert_int_equal(a[0].ch, 2);
	/* and its key's release no longer touches channel 2 */
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 0, 60, 0), 2, 4, a, 8), 0);
	/* a stray note-off for a key never pressed does nothing */
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 0, 50, 0), 2, 4, a, 8), 0);
}

static void sustain_pedal_holds(void **state)
{
	(void)state;
	midi_route_t r;
	midi_route_init(&r, 0);
	midi_action_t a[8];
	midi_route(&r, &MSG(MIDI_CONTROL, 0, 64, 127), 0, 8, a, 8);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 60, 100), 0, 8, a, 8);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 64, 100), 0, 8, a, 8);
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 0, 60, 0), 0, 8, a, 8), 0);
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 0, 64, 0), 0, 8, a, 8), 0);
	assert_true(midi_route_busy(&r));
	/* held notes keep their channels: a new key goes to the third */
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 67, 100), 0, 8, a, 8);
	assert_int_equal(a[0].ch, 2);
	/* lifting the pedal releases the two let go, not the one still down */
	assert_int_equal(midi_route(&r, &MSG(MIDI_CONTROL, 0, 64, 0), 0, 8, a, 8), 2);
	assert_int_equal(a[0].kind, MIDI_ROUTE_OFF);
	assert_int_equal(a[0].ch, 0);
	assert_int_equal(a[1].ch, 1);
	assert_true(midi_route_busy(&r));
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 0, 67, 0), 0, 8, a, 8), 1);
	assert_false(midi_route_busy(&r));
	/* all notes off releases everything at once */
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 60, 100), 0, 8, a, 8);
	midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 62, 100), 0, 8, a, 8);
	assert_int_equal(midi_route(&r, &MSG(MIDI_CONTROL, 0, 123, 0), 0, 8, a, 8), 2);
	assert_false(midi_route_busy(&r));
}

static void channel_filter(void **state)
{
	(void)state;
	midi_route_t r;
	midi_route_init(&r, 10);   /* MIDI channel 10: status nibble 9 */
	midi_action_t a[8];
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_ON, 0, 36, 100), 0, 4, a, 8), 0);
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_ON, 9, 36, 100), 0, 4, a, 8), 1);
	assert_int_equal(a[0].note, 25);
	/* a pedal on another channel does not hold this one's notes */
	midi_route(&r, &MSG(MIDI_CONTROL, 3, 64, 127), 0, 4, a, 8);
	assert_int_equal(midi_route(&r, &MSG(MIDI_NOTE_OFF, 9, 36, 0), 0, 4, a, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_messages),
		cmocka_unit_test(running_status),
		cmocka_unit_test(realtime_inside_messages),
		cmocka_unit_test(sysex_and_common_skipped),
		cmocka_unit_test(garbage_skipped),
		cmocka_unit_test(split_reads),
		cmocka_unit_test(keys_and_velocities),
		cmocka_unit_test(chord_spreads_over_channels),
		cmocka_unit_test(sustain_pedal_holds),
		cmocka_unit_test(channel_filter),
	};
	return TU_RUN(tests);
}
