/*
 * mixsync: keeps the audio side's mixer equal to the song's.
 *
 * The UI edits its song (a fader, a unit added, an undo, an A/B flip);
 * mixsync_run() compares the song's mixer with what it last sent and
 * sends only the differences through the bridge: values as small
 * messages, chain structure as a chain swap whose units keep their
 * state where the same unit stays (matched by type, in order).  Any
 * edit path is covered by the one comparison, so none can forget to
 * tell the audio side.
 *
 * UI thread only.  mixsync_reset() after bridge_create() (the bridge
 * copied the song as it was).
 */
#ifndef BEATTY_MIXSYNC_H
#define BEATTY_MIXSYNC_H

#include "bridge.h"
#include "mixab.h"

typedef struct mixsync {
	mix_snap_t sent;
	float offset;              /* master offset (A/B matching) last sent */
} mixsync_t;

void mixsync_reset(mixsync_t *m, const song_t *s);
/* Sends what differs; the master plays offset_db above the song's
 * level.  Returns the number of messages sent, or -1 when the ring was
 * full (what did not go stays different and goes next time). */
int mixsync_run(mixsync_t *m, bridge_t *b, const song_t *s, float offset_db);
/* For a new chain `to` replacing `from`: which unit of from each unit
 * of to continues (same type, first unused, the same index preferred),
 * -1 for none. */
void mixsync_match(const channel_t *from, const channel_t *to, int *map);

#endif
