/*
 * midi_in: where played notes come from.  A raw MIDI byte stream from a
 * device or a FIFO (--midi PATH, `midi =` in config.ini), and an ALSA
 * sequencer input port named "beatty", connected at start to the
 * hardware ports that send MIDI (others connect with aconnect).
 *
 * Owned by the UI thread, which polls its descriptors beside the
 * keyboard's and reads without blocking; never the audio thread.
 */
#ifndef BEATTY_MIDI_IN_H
#define BEATTY_MIDI_IN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include "midi.h"

typedef struct midi_in midi_in_t;

/* Opens the raw input at path (NULL or "none": no raw input) and, with
 * seq, the sequencer port.  Each may fail on its own: what did not open
 * is said in why ("" when all did).  NULL only when nothing opened. */
midi_in_t *midi_in_open(const char *path, bool seq, char *why, size_t whylen);
void midi_in_close(midi_in_t *m);

/* "/dev/snd/midiC1D0, sequencer port 128:0": what is open. */
void midi_in_describe(const midi_in_t *m, char *buf, size_t n);

/* The descriptors to poll for input; returns how many (up to max). */
int midi_in_pollfds(midi_in_t *m, struct pollfd *fds, int max);

/* Channel messages that have arrived, up to max, without blocking.
 * When an input goes away (a device unplugged, an error) it is closed
 * and said in why; returns the count. */
int midi_in_read(midi_in_t *m, midi_msg_t *out, int max, char *why, size_t whylen);

#endif
