/*
 * test_spscq: the lock-free ring.  Order, full and empty on one thread;
 * then a producer and a consumer thread hand over a million messages of
 * mixed kinds, each with a sequence number and a checksum, and the
 * consumer proves nothing was lost, duplicated, reordered or torn.  Built
 * with -fsanitize=thread it also shows the hand-over is race-free.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spscq.h"
#include "testutil.h"

#define STRESS_MSGS 1000000u

static void test_capacity_rounds_up(void **state)
{
	(void)state;
	static spscq_t q;
	assert_int_equal(spscq_init(&q, 4, 5), 0);
	assert_int_equal(spscq_capacity(&q), 8);
	spscq_deinit(&q);
	assert_int_equal(spscq_init(&q, 4, 1), 0);
	assert_int_equal(spscq_capacity(&q), 2);
	spscq_deinit(&q);
	assert_int_equal(spscq_init(&q, 4, 1024), 0);
	assert_int_equal(spscq_capacity(&q), 1024);
	spscq_deinit(&q);
	assert_int_equal(spscq_init(&q, 0, 8), -1);
	spscq_deinit(&q);
}

static void test_order_full_empty(void **state)
{
	(void)state;
	static spscq_t q;
	assert_int_equal(spscq_init(&q, sizeof(int), 8), 0);
	int v;
	assert_false(spscq_pop(&q, &v));
	for (int i = 0; i < 8; i++) {
		assert_int_equal(spscq_count(&q), (size_t)i);
		assert_true(spscq_push(&q, &i));
	}
	int extra = 99;
	assert_false(spscq_push(&q, &extra));     /* full: refused ... */
	assert_int_equal(spscq_count(&q), 8);
	for (int i = 0; i < 8; i++) {
		assert_true(spscq_pop(&q, &v));
		assert_int_equal(v, i);                /* ... and nothing overwritten */
	}
	assert_false(spscq_pop(&q, &v));
	assert_int_equal(spscq_count(&q), 0);
	/* Round and round: indices far past the capacity still map right. */
	int next_in = 0, next_out = 0;
	for (int round = 0; round < 1000; round++) {
		int k = 1 + round % 8;
		for (int i = 0; i < k; i++, next_in++)
			assert_true(spscq_push(&q, &next_in));
		for (int i = 0; i < k; i++, next_out++) {
			assert_true(spscq_pop(&q, &v));
			assert_int_equal(v, next_out);
		}
		assert_false(spscq_pop(&q, &v));
	}
	/* One freed slot lets exactly one more in. */
	for (int i = 0; i < 8; i++)
		assert_true(spscq_push(&q, &i));
	assert_true(spscq_pop(&q, &v));
	assert_true(spscq_push(&q, &extra));
	assert_false(spscq_push(&q, &extra));
	spscq_deinit(&q);
}

/* Odd-sized messages are copied whole, no more, no less. */
static void test_odd_message_size(void **state)
{
	(void)state;
	static spscq_t q;
	unsigned char in[13], out[15];
	assert_int_equal(spscq_init(&q, sizeof(in), 4), 0);
	for (int r = 0; r < 10; r++) {
		for (int i = 0; i < 13; i++)
			in[i] = (unsigned char)(r * 31 + i);
		memset(out, 0xEE, sizeof(out));
		assert_true(spscq_push(&q, in));
		assert_true(spscq_pop(&q, out));
		assert_memory_equal(in, out, sizeof(in));
		assert_int_equal(out[13], 0xEE);
	}
	spscq_deinit(&q);
}

/* ---- two threads ----------------------------------------------------- */

enum { KIND_NOTE, KIND_CELL, KIND_TEXT, KIND_LEVEL, KIND_COUNT };

/* Mixed messages: different kinds fill the payload differently, so a
 * torn copy (half one message, half another) breaks the checksum. */
typedef struct stress_msg {
	uint64_t seq;
	uint32_t kind;
	union {
		struct { int32_t ch, inst, note, vol; } note;
		struct { uint8_t cell[5]; uint16_t row; uint8_t pattern; } cell;
		char text[24];
		struct { float db; double pan; } level;
	} u;
	uint32_t check;
} stress_msg_t;

static uint32_t checksum(const stress_msg_t *m)
{
	const unsigned char *p = (const unsigned char *)m;
	uint32_t h = 2166136261u;   /* FNV-1a over everything before check */
	for (size_t i = 0; i < offsetof(stress_msg_t, check); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void make_msg(stress_msg_t *m, uint64_t seq)
{
	memset(m, 0, sizeof(*m));
	m->seq = seq;
	m->kind = (uint32_t)(seq * 2654435761u >> 7) % KIND_COUNT;
	switch (m->kind) {
	case KIND_NOTE:
		m->u.note.ch = (int32_t)(seq % 64);
		m->u.note.inst = (int32_t)(seq % 255);
		m->u.note.note = (int32_t)(seq % 120);
		m->u.note.vol = (int32_t)(seq % 65);
		break;
	case KIND_CELL:
		for (int i = 0; i < 5; i++)
			m->u.cell.cell[i] = (uint8_t)(seq >> (i * 3));
		m->u.cell.row = (uint16_t)(seq % 256);
		m->u.cell.pattern = (uint8_t)(seq / 7);
		break;
	case KIND_TEXT:
		snprintf(m->u.text, sizeof(m->u.text), "msg %llu", (unsigned long long)seq);
		break;
	default:
		m->u.level.db = -(float)(seq % 144);
		m->u.level.pan = (double)(seq % 201) / 100.0 - 1.0;
		break;
	}
	m->check = checksum(m);
}

typedef struct stress {
	spscq_t q;
	atomic_bool abort;
	uint64_t full;            /* producer: pushes refused (ring full) */
} stress_t;

static void *producer(void *arg)
{
	stress_t *s = arg;
	stress_msg_t m;
	for (uint64_t seq = 0; seq < STRESS_MSGS; seq++) {
		make_msg(&m, seq);
		while (!spscq_push(&s->q, &m)) {
			s->full++;
			if (atomic_load(&s->abort))
				return NULL;
			sched_yield();
		}
	}
	return NULL;
}

static void run_stress(size_t capacity)
{
	stress_t *s = aligned_alloc(SPSCQ_CACHE_LINE, (sizeof(stress_t) + SPSCQ_CACHE_LINE - 1) &
	                            ~(size_t)(SPSCQ_CACHE_LINE - 1));
	assert_non_null(s);
	memset(s, 0, sizeof(*s));
	assert_int_equal(spscq_init(&s->q, sizeof(stress_msg_t), capacity), 0);
	atomic_init(&s->abort, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, s), 0);

	uint64_t expect = 0, empty = 0, bad_seq = 0, bad_check = 0, bad_kind = 0;
	uint64_t kinds[KIND_COUNT] = { 0 };
	stress_msg_t m, want;
	while (expect < STRESS_MSGS) {
		if (!spscq_pop(&s->q, &m)) {
			empty++;
			sched_yield();
			continue;
		}
		make_msg(&want, m.seq);
		if (m.seq != expect)
			bad_seq++;
		if (m.check != checksum(&m) || memcmp(&m, &want, sizeof(m)) != 0)
			bad_check++;
		if (m.kind >= KIND_COUNT)
			bad_kind++;
		else
			kinds[m.kind]++;
		if (bad_seq || bad_check || bad_kind) {
			atomic_store(&s->abort, true);
			break;
		}
		expect = m.seq + 1;
	}
	pthread_join(t, NULL);
	bool extra = spscq_pop(&s->q, &m);
	printf("# capacity %zu: %llu messages, ring full %llu times, empty %llu times\n", capacity,
	       (unsigned long long)expect, (unsigned long long)s->full, (unsigned long long)empty);
	spscq_deinit(&s->q);
	uint64_t full = s->full;
	free(s);
	assert_int_equal(bad_seq, 0);      /* nothing lost, duplicated or reordered */
	assert_int_equal(bad_check, 0);    /* nothing torn */
	assert_int_equal(bad_kind, 0);
	assert_int_equal(expect, STRESS_MSGS);
	assert_false(extra);               /* and nothing made up at the end */
	for (int k = 0; k < KIND_COUNT; k++)
		assert_true(kinds[k] > STRESS_MSGS / KIND_COUNT / 2);
	/* With a small ring both edges are crossed many times; the test
	 * exercised full and empty, not just the easy middle. */
	if (capacity <= 16)
		assert_true(full > 0);
	assert_true(empty > 0);
}

static void test_two_threads_small_ring(void **state)
{
	(void)state;
	run_stress(16);
}

static void test_two_threads_large_ring(void **state)
{
	(void)state;
	run_stress(1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity_rounds_up),
		cmocka_unit_test(test_order_full_empty),
		cmocka_unit_test(test_odd_message_size),
		cmocka_unit_test(test_two_threads_small_ring),
		cmocka_unit_test(test_two_threads_large_ring),
	};
	return TU_RUN(tests);
}
