/*
 * spscq: the single-producer/single-consumer ring; the picture and the
 * ordering rules are in spscq.h.
 */
#include <stdlib.h>
#include <string.h>
#include "spscq.h"

int spscq_init(spscq_t *q, size_t msg_size, size_t capacity)
{
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	q->tail_seen = q->head_seen = 0;
	q->slots = NULL;
	q->mask = 0;
	q->msg_size = msg_size;
	if (msg_size == 0 || capacity > ((size_t)-1 >> 2) / msg_size)
		return -1;
	size_t cap = 2;
	while (cap < capacity)
		cap <<= 1;
	q->slots = malloc(cap * msg_size);
	if (!q->slots)
		return -1;
	q->mask = cap - 1;
	return 0;
}

void spscq_deinit(spscq_t *q)
{
	free(q->slots);
	q->slots = NULL;
	q->mask = 0;
}

bool spscq_push(spscq_t *q, const void *msg)
{
	/* Only this thread writes head: a relaxed load sees its own value. */
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	if (head - q->tail_seen > q->mask) {
		/* Looks full: see how far the consumer has got.  Acquire pairs
		 * with its release, so it has finished reading the slot we are
		 * about to overwrite. */
		q->tail_seen = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (head - q->tail_seen > q->mask)
			return false;
	}
	memcpy(q->slots + (head & q->mask) * q->msg_size, msg, q->msg_size);
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return true;
}

bool spscq_pop(spscq_t *q, void *msg)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	if (tail == q->head_seen) {
		/* Looks empty: acquire pairs with the producer's release, so the
		 * slot's bytes are visible before we copy them. */
		q->head_seen = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tail == q->head_seen)
			return false;
	}
	memcpy(msg, q->slots + (tail & q->mask) * q->msg_size, q->msg_size);
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return true;
}

size_t spscq_capacity(const spscq_t *q)
{
	return q->slots ? q->mask + 1 : 0;
}

size_t spscq_count(const spscq_t *q)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	/* Read apart, the two can be out of step by the other side's moves;
	 * never report more than the ring holds. */
	size_t n = head - tail;
	return n > q->mask + 1 ? q->mask + 1 : n;
}
