/*
 * spscq: a lock-free ring of fixed-size messages between exactly one
 * producer thread and exactly one consumer thread.
 *
 * The ring holds a power-of-two number of slots.  head and tail count
 * messages forever (they never wrap back to zero in practice: 2^64
 * messages); a count is turned into a slot with `& mask`, so the full
 * and empty cases need no spare slot:
 *
 *              tail (consumer)            head (producer)
 *                 |                          |
 *                 v                          v
 *     +-----+-----+-----+-----+-----+-----+-----+-----+
 *     |     |     | msg | msg | msg | msg |     |     |   capacity 8
 *     +-----+-----+-----+-----+-----+-----+-----+-----+
 *                  \_______ head - tail = 4 ______/
 *
 *     empty: head == tail          full: head - tail == capacity
 *
 * The producer writes a slot, then publishes it by storing head with
 * release order; the consumer loads head with acquire order before it
 * reads the slot, and gives the slot back by storing tail with release
 * order.  Each side also keeps a private copy of the other side's index
 * and reloads it only when the ring looks full (or empty), so in the
 * common case a push or pop touches no cache line the other side writes.
 * head and tail sit on separate cache lines for the same reason.
 *
 * spscq_init() and spscq_deinit() allocate and free: call them before
 * the threads start and after they stop.  spscq_push() and spscq_pop()
 * never block, allocate or make a system call, so either side may be a
 * real-time audio thread.
 */
#ifndef BEATTY_SPSCQ_H
#define BEATTY_SPSCQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define SPSCQ_CACHE_LINE 64

/* A value struct with over-aligned members: embed it in a struct that is
 * itself allocated with aligned_alloc(SPSCQ_CACHE_LINE, ...) (or static /
 * automatic storage), never in plain malloc memory. */
typedef struct spscq {
	/* written by the producer only */
	_Alignas(SPSCQ_CACHE_LINE) _Atomic size_t head;
	size_t tail_seen;           /* producer's last look at tail */
	/* written by the consumer only */
	_Alignas(SPSCQ_CACHE_LINE) _Atomic size_t tail;
	size_t head_seen;           /* consumer's last look at head */
	/* fixed after init */
	_Alignas(SPSCQ_CACHE_LINE) unsigned char *slots;
	size_t mask;                /* capacity - 1 */
	size_t msg_size;
} spscq_t;

/* Sets up a ring for messages of msg_size bytes holding at least
 * capacity of them (rounded up to a power of two, at least 2).  Returns
 * 0, or -1 on a zero size or allocation failure: q must then not be
 * pushed to or popped from, but spscq_deinit() is still safe. */
int spscq_init(spscq_t *q, size_t msg_size, size_t capacity);
void spscq_deinit(spscq_t *q);

/* Producer only: copies msg (msg_size bytes) in.  Returns false, and
 * changes nothing, when the ring is full. */
bool spscq_push(spscq_t *q, const void *msg);

/* Consumer only: copies the oldest message out into msg.  Returns false
 * when the ring is empty. */
bool spscq_pop(spscq_t *q, void *msg);

/* Slots the ring holds. */
size_t spscq_capacity(const spscq_t *q);

/* Messages waiting, as seen from the calling side: exact on either side
 * when the other side is idle, a snapshot otherwise. */
size_t spscq_count(const spscq_t *q);

#endif
