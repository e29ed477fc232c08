/*
 * loudness_worker: the meter on a thread of its own.  A ring of SLOTS
 * blocks between the feeding thread and the meter's:
 *
 *        add() --> [ slot | slot | slot | ... ] --> loudness_add()
 *                   head (next to fill)   tail (next to measure)
 *
 * guarded by one mutex, with a condition each way (room, work).  Offline
 * only, so waiting is allowed; a render rarely waits, since the meter is
 * much cheaper than the engine.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "loudness_worker.h"

#define SLOTS 8

struct loudness_worker {
	loudness_t *meter;
	size_t max_frames;
	float *buf;               /* SLOTS blocks of max_frames stereo frames */
	size_t len[SLOTS];
	int head, tail, count;    /* guarded by lock */
	bool busy;                /* the thread is measuring a block taken out */
	bool quit;
	bool threaded;
	pthread_mutex_t lock;
	pthread_cond_t work, room;
	pthread_t thread;
};

static void *worker_main(void *arg)
{
	loudness_worker_t *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->count == 0 && !w->quit)
			pthread_cond_wait(&w->work, &w->lock);
		if (w->count == 0)
			break;
		int slot = w->tail;
		w->busy = true;
		pthread_mutex_unlock(&w->lock);
		/* the slot is ours until count drops: add() never refills it */
		loudness_add(w->meter, w->buf + (size_t)slot * w->max_frames * 2, w->len[slot]);
		pthread_mutex_lock(&w->lock);
		w->tail = (w->tail + 1) % SLOTS;
		w->count--;
		w->busy = false;
		pthread_cond_broadcast(&w->room);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

loudness_worker_t *loudness_worker_create(int rate, size_t max_frames)
{
	loudness_worker_t *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->max_frames = max_frames;
	w->meter = loudness_create(rate);
	w->buf = malloc(SLOTS * max_frames * 2 * sizeof(float));
	if (!w->meter || !w->buf) {
		loudness_destroy(w->meter);
		free(w->buf);
		free(w);
		return NULL;
	}
	if (pthread_mutex_init(&w->lock, NULL) == 0) {
		if (pthread_cond_init(&w->work, NULL) == 0) {
			if (pthread_cond_init(&w->room, NULL) == 0) {
				if (pthread_create(&w->thread, NULL, worker_main, w) == 0) {
					w->threaded = true;
					return w;
				}
				pthread_cond_destroy(&w->room);
			}
			pthread_cond_destroy(&w->work);
		}
		pthread_mutex_destroy(&w->lock);
	}
	return w;   /* no thread: add() measures in place */
}

void loudness_worker_add(loudness_worker_t *w, const float *frames, size_t n)
{
	if (n > w->max_frames)
		n = w->max_frames;
	if (!w->threaded) {
		loudness_add(w->meter, frames, n);
		return;
	}
	pthread_mutex_lock(&w->lock);
	while (w->count == SLOTS)
		pthread_cond_wait(&w->room, &w->lock);
	int slot = w->head;
	pthread_mutex_unlock(&w->lock);
	/* a free slot: the thread reads only slots counted in count */
	memcpy(w->buf + (size_t)slot * w->max_frames * 2, frames, n * 2 * sizeof(float));
	w->len[slot] = n;
	pthread_mutex_lock(&w->lock);
	w->head = (w->head + 1) % SLOTS;
	w->count++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
}

void loudness_worker_read(loudness_worker_t *w, loudness_reading_t *r)
{
	if (w->threaded) {
		pthread_mutex_lock(&w->lock);
		while (w->count > 0 || w->busy)
			pthread_cond_wait(&w->room, &w->lock);
		pthread_mutex_unlock(&w->lock);
	}
	loudness_read(w->meter, r);
}

void loudness_worker_destroy(loudness_worker_t *w)
{
	if (!w)
		return;
	if (w->threaded) {
		pthread_mutex_lock(&w->lock);
		w->quit = true;
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		pthread_cond_destroy(&w->room);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->lock);
	}
	loudness_destroy(w->meter);
	free(w->buf);
	free(w);
}
