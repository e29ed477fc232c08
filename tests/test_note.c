/*
 * test_note: note names read and written the way the grid shows them, and
 * the pitch maths that everything audible rests on (A-4 = 440 Hz, equal
 * temperament, 64 steps per semitone).
 */
#include <math.h>
#include <string.h>
#include "note.h"
#include "testutil.h"

static void names_round_trip(void **state)
{
	(void)state;
	for (int n = NOTE_MIN; n <= NOTE_MAX; n++) {
		char buf[4];
		int back = -1;
		note_name(n, buf);
		assert_int_equal(strlen(buf), 3);
		assert_true(note_parse(buf, &back));
		assert_int_equal(back, n);
	}
}

static void known_names(void **state)
{
	(void)state;
	int n = -1;
	assert_true(note_parse("C-0", &n));
	assert_int_equal(n, NOTE_MIN);
	assert_true(note_parse("A-4", &n));
	assert_int_equal(n, NOTE_A4);
	assert_true(note_parse("B-9", &n));
	assert_int_equal(n, NOTE_MAX);
	assert_true(note_parse("F#3", &n));
	assert_int_equal(n, NOTE_MIN + 3 * 12 + 6);
	assert_true(note_parse("===", &n));
	assert_int_equal(n, NOTE_OFF);
	assert_true(note_parse("^^^", &n));
	assert_int_equal(n, NOTE_CUT);
	assert_true(note_parse("...", &n));
	assert_int_equal(n, NOTE_NONE);
	char buf[4];
	note_name(NOTE_OFF, buf);
	assert_string_equal(buf, "===");
	note_name(NOTE_NONE, buf);
	assert_string_equal(buf, "...");
}

static void bad_names(void **state)
{
	(void)state;
	const char *bad[] = { "H-4", "C-", "C-10", "c-4", "E#4", "C#x", "", "C--", "B#9" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = -7;
		assert_false(note_parse(bad[i], &n));
		assert_int_equal(n, -7);
	}
}

static void equal_temperament(void **state)
{
	(void)state;
	assert_float_equal(note_to_hz(NOTE_A4), 440.0, 1e-9);
	assert_float_equal(note_to_hz(NOTE_A4 + 12), 880.0, 1e-9);
	assert_float_equal(note_to_hz(NOTE_A4 - 12), 220.0, 1e-9);
	/* C-4, middle C, is 261.6256 Hz */
	int c4 = -1;
	assert_true(note_parse("C-4", &c4));
	assert_float_equal(note_to_hz(c4), 261.6256, 1e-4);
	for (int n = NOTE_MIN; n < NOTE_MAX; n++)
		assert_float_equal(note_to_hz(n + 1) / note_to_hz(n), pow(2.0, 1.0 / 12.0), 1e-12);
	/* a linear pitch on a note is that note; half way is the geometric mean */
	for (int n = NOTE_MIN; n <= NOTE_MAX; n += 7) {
		assert_float_equal(pitch_to_hz(n * PITCH_PER_SEMITONE), note_to_hz(n), 1e-9 * note_to_hz(n));
		if (n < NOTE_MAX) {
			double mid = pitch_to_hz(n * PITCH_PER_SEMITONE + PITCH_PER_SEMITONE / 2);
			assert_float_equal(mid, sqrt(note_to_hz(n) * note_to_hz(n + 1)), 1e-9 * mid);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(known_names),
		cmocka_unit_test(bad_names),
		cmocka_unit_test(equal_temperament),
	};
	return TU_RUN(tests);
}
