/*
 * note: note names and pitch maths.  Pure functions.
 */
#include <math.h>
#include <string.h>
#include "note.h"

static const char names[12][3] = {
	"C-", "C#", "D-", "D#", "E-", "F-", "F#", "G-", "G#", "A-", "A#", "B-"
};

bool note_parse(const char *s, int *note)
{
	if (strlen(s) != 3)
		return false;
	if (!strcmp(s, "...")) { *note = NOTE_NONE; return true; }
	if (!strcmp(s, "===")) { *note = NOTE_OFF; return true; }
	if (!strcmp(s, "^^^")) { *note = NOTE_CUT; return true; }
	if (s[2] < '0' || s[2] > '9')
		return false;
	for (int i = 0; i < 12; i++) {
		if (s[0] == names[i][0] && s[1] == names[i][1]) {
			*note = NOTE_MIN + (s[2] - '0') * 12 + i;
			return true;
		}
	}
	return false;
}

void note_name(int note, char buf[4])
{
	if (note == NOTE_OFF)
		memcpy(buf, "===", 4);
	else if (note == NOTE_CUT)
		memcpy(buf, "^^^", 4);
	else if (note < NOTE_MIN || note > NOTE_MAX)
		memcpy(buf, "...", 4);
	else {
		int n = note - NOTE_MIN;
		buf[0] = names[n % 12][0];
		buf[1] = names[n % 12][1];
		buf[2] = (char)('0' + n / 12);
		buf[3] = 0;
	}
}

double pitch_to_hz(double pitch)
{
	return 440.0 * exp2((pitch / PITCH_PER_SEMITONE - NOTE_A4) / 12.0);
}

double note_to_hz(int note)
{
	return 440.0 * exp2((note - NOTE_A4) / 12.0);
}
