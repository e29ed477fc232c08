/*
 * scale: key, scale and scale lock (see scale.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "note.h"
#include "scale.h"

#define SCALE_NAME(id, name, mask) name,
const char *const scale_names[SCALE_COUNT] = { SCALE_LIST(SCALE_NAME) };
#undef SCALE_NAME
/* bit i: the note i semitones above the key is in the scale */
#define SCALE_MASK(id, name, mask) mask,
static const unsigned masks[SCALE_COUNT] = { SCALE_LIST(SCALE_MASK) };
#undef SCALE_MASK

const char *const scale_key_names[12] = {
	"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"
};

static bool parse_key(const char *w, size_t len, int *key)
{
	static const char letters[] = "C.D.EF.G.A.B";
	if (len < 1 || len > 2)
		return false;
	const char *at = strchr(letters, toupper((unsigned char)w[0]));
	if (!at || *at == '.' || !w[0])
		return false;
	int k = (int)(at - letters);
	if (len == 2) {
		if (w[1] == '#')
			k++;
		else if (w[1] == 'b')
			k--;
		else
			return false;
	}
	*key = (k + 12) % 12;
	return true;
}

bool scale_parse(const char *text, int *key, int *scale)
{
	while (isspace((unsigned char)*text))
		text++;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", text);
	for (size_t n = strlen(buf); n && isspace((unsigned char)buf[n - 1]); n--)
		buf[n - 1] = 0;
	if (!strcasecmp(buf, "chromatic") || !strcasecmp(buf, "off")) {
		*key = 0;
		*scale = SCALE_CHROMATIC;
		return true;
	}
	char *sp = strchr(buf, ' ');
	if (!sp)
		return false;
	int k;
	if (!parse_key(buf, (size_t)(sp - buf), &k))
		return false;
	while (*sp == ' ')
		sp++;
	for (int i = 1; i < SCALE_COUNT; i++)
		if (!strcasecmp(sp, scale_names[i])) {
			*key = k;
			*scale = i;
			return true;
		}
	return false;
}

void scale_format(int key, int scale, char *buf, size_t n)
{
	if (scale <= SCALE_CHROMATIC || scale >= SCALE_COUNT)
		snprintf(buf, n, "chromatic");
	else
		snprintf(buf, n, "%s %s", scale_key_names[((key % 12) + 12) % 12], scale_names[scale]);
}

static bool valid(int scale)
{
	return scale > SCALE_CHROMATIC && scale < SCALE_COUNT;
}

bool scale_contains(int key, int scale, int note)
{
	if (!valid(scale) || note < NOTE_MIN || note > NOTE_MAX)
		return true;
	int step = ((note - NOTE_MIN - key) % 12 + 12) % 12;
	return masks[scale] >> step & 1;
}

int scale_snap(int key, int scale, int note)
{
	if (scale_contains(key, scale, note))
		return note;
	/* every scale has a note within two semitones either way */
	for (int d = 1; d < 12; d++) {
		if (note - d >= NOTE_MIN && scale_contains(key, scale, note - d))
			return note - d;
		if (note + d <= NOTE_MAX && scale_contains(key, scale, note + d))
			return note + d;
	}
	return note;
}

int scale_shift(int key, int scale, int note, int degrees)
{
	if (note < NOTE_MIN || note > NOTE_MAX)
		return note;
	int n = scale_snap(key, scale, note);
	int dir = degrees < 0 ? -1 : 1;
	for (int left = degrees * dir; left > 0; left--) {
		do {
			n += dir;
			if (n < NOTE_MIN || n > NOTE_MAX)
				return 0;
		} while (!scale_contains(key, scale, n));
	}
	return n;
}

int scale_transpose(song_t *s, int pat, edit_rect_t r, int degrees)
{
	if (!edit_rect_clip(s, pat, &r))
		return EDIT_ERANGE;
	const pattern_t *p = s->pattern[pat];
	for (int y = r.row0; y <= r.row1; y++)
		for (int c = r.ch0; c <= r.ch1; c++) {
			cell_t *cell = song_cell(s, p, y, c);
			if (cell->note < NOTE_MIN || cell->note > NOTE_MAX)
				continue;
			int n = scale_shift(s->scale_key, s->scale, cell->note, degrees);
			if (n)
				cell->note = (uint8_t)n;
		}
	return EDIT_OK;
}
