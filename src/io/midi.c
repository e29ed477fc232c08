/*
 * midi: byte parser and note router (see midi.h).
 */
#include <string.h>
#include "midi.h"

void midi_parser_init(midi_parser_t *p)
{
	memset(p, 0, sizeof(*p));
}

/* Data bytes a status byte takes. */
static int data_len(uint8_t status)
{
	switch (status & 0xF0) {
	case 0xC0: case 0xD0: return 1;
	case 0xF0:
		return status == 0xF2 ? 2 : status == 0xF1 || status == 0xF3 ? 1 : 0;
	default: return 2;
	}
}

bool midi_parse_byte(midi_parser_t *p, uint8_t byte, midi_msg_t *out)
{
	if (byte >= 0xF8) {
		/* realtime: may fall between any two bytes and changes nothing */
		*out = (midi_msg_t){ .type = MIDI_REALTIME, .a = byte };
		return true;
	}
	if (byte & 0x80) {
		p->n = 0;
		p->sysex = byte == 0xF0;   /* any other status byte also ends a dump */
		/* A system message ends running status: F1..F3 keep theirs only
		 * until their data is skipped, the rest (F0, F6, F7...) none. */
		p->status = byte < 0xF0 || data_len(byte) > 0 ? byte : 0;
		return false;
	}
	if (p->sysex || !p->status)
		return false;   /* inside a dump, or data with no status: skipped */
	p->data[p->n++] = byte;
	if (p->n < data_len(p->status))
		return false;
	p->n = 0;
	uint8_t st = p->status;
	if (st >= 0xF0) {
		p->status = 0;   /* song position, song select, MTC: not ours */
		return false;
	}
	midi_msg_t m = { .channel = st & 0x0F, .a = p->data[0], .b = data_len(st) == 2 ? p->data[1] : 0 };
	switch (st & 0xF0) {
	case 0x80: m.type = MIDI_NOTE_OFF; break;
	case 0x90: m.type = m.b ? MIDI_NOTE_ON : MIDI_NOTE_OFF; break;
	case 0xA0: m.type = MIDI_POLY_PRESSURE; break;
	case 0xB0: m.type = MIDI_CONTROL; break;
	case 0xC0: m.type = MIDI_PROGRAM; break;
	case 0xD0: m.type = MIDI_PRESSURE; break;
	default: m.type = MIDI_PITCH_BEND; break;
	}
	*out = m;
	return true;
}

int midi_key_to_note(int key)
{
	/* MIDI 60 is C-4 (note 49): the tracker's C-0 is key 12 */
	int note = key - 11;
	return note >= 1 && note <= 120 ? note : 0;
}

int midi_velocity_to_vol(int velocity)
{
	if (velocity <= 0)
		return 0;
	if (velocity >= 127)
		return 64;
	int v = (velocity * 64 + 63) / 127;
	return v < 1 ? 1 : v;
}

void midi_route_init(midi_route_t *r, int filter)
{
	memset(r, 0, sizeof(*r));
	r->filter = filter;
	memset(r->ch_of, -1, sizeof(r->ch_of));
	memset(r->key_on, -1, sizeof(r->key_on));
}

static int release(midi_route_t *r, int key, midi_action_t *out, int max, int n)
{
	int ch = r->ch_of[key];
	r->ch_of[key] = -1;
	r->sustained[key] = false;
	if (ch < 0)
		return n;
	r->key_on[ch] = -1;
	if (n < max)
		out[n++] = (midi_action_t){ .kind = MIDI_ROUTE_OFF, .ch = ch, .note = midi_key_to_note(key) };
	return n;
}

static int pick_channel(const midi_route_t *r, int base, int nch)
{
	for (int i = 0; i < nch; i++) {
		int ch = (base + i) % nch;
		if (r->key_on[ch] < 0)
			return ch;
	}
	int oldest = base;
	for (int ch = 0; ch < nch; ch++)
		if (r->age[ch] < r->age[oldest])
			oldest = ch;
	return oldest;
}

int midi_route(midi_route_t *r, const midi_msg_t *m, int base, int nch,
               midi_action_t *out, int max)
{
	if (nch > MIDI_ROUTE_MAX_CHANNELS)
		nch = MIDI_ROUTE_MAX_CHANNELS;
	if (nch < 1 || m->type == MIDI_REALTIME || (r->filter && m->channel + 1 != r->filter))
		return 0;
	if (base < 0 || base >= nch)
		base = 0;
	int n = 0;
	if (m->type == MIDI_NOTE_ON) {
		int note = midi_key_to_note(m->a);
		if (!note)
			return 0;
		int ch = r->ch_of[m->a];
		if (ch < 0) {
			ch = pick_channel(r, base, nch);
			if (r->key_on[ch] >= 0) {   /* stolen: its key no longer sounds */
				r->ch_of[r->key_on[ch]] = -1;
				r->sustained[r->key_on[ch]] = false;
			}
		}
		r->ch_of[m->a] = (int8_t)ch;
		r->sustained[m->a] = false;
		r->key_on[ch] = (int8_t)m->a;
		r->age[ch] = ++r->clock;
		if (n < max)
			out[n++] = (midi_action_t){ .kind = MIDI_ROUTE_ON, .ch = ch, .note = note,
			                            .vol = midi_velocity_to_vol(m->b) };
	} else if (m->type == MIDI_NOTE_OFF) {
		if (r->ch_of[m->a] < 0)
			return 0;
		if (r->pedal)
			r->sustained[m->a] = true;
		else
			n = release(r, m->a, out, max, n);
	} else if (m->type == MIDI_CONTROL && m->a == MIDI_CC_SUSTAIN) {
		bool down = m->b >= 64;
		if (r->pedal && !down)
			for (int k = 0; k < 128; k++)
				if (r->sustained[k])
					n = release(r, k, out, max, n);
		r->pedal = down;
	} else if (m->type == MIDI_CONTROL &&
	           (m->a == MIDI_CC_ALL_NOTES_OFF || m->a == MIDI_CC_ALL_SOUND_OFF)) {
		for (int k = 0; k < 128; k++)
			if (r->ch_of[k] >= 0)
				n = release(r, k, out, max, n);
	}
	return n;
}

bool midi_route_busy(const midi_route_t *r)
{
	for (int k = 0; k < 128; k++)
		if (r->ch_of[k] >= 0)
			return true;
	return false;
}
