/*
 * workpool: a fixed set of helper threads that share the items of one
 * job with the thread that hands it out (the audio thread, or whatever
 * thread renders offline).
 *
 *   dispatcher: workpool_run(fn, items)
 *        |  publishes (generation, items, next = 0) in one atomic word,
 *        |  wakes helpers that went to sleep (one sem_post each)
 *        v
 *   every thread, dispatcher included, claims the next item with a
 *   compare-and-swap on that word and runs fn(arg, item, worker)
 *        |
 *        v
 *   dispatcher spins until every claimed item is done, then returns
 *
 * Why this scheme: the dispatcher never waits for a thread that has not
 * started work.  A helper that is asleep or not yet scheduled claims
 * nothing, so the dispatcher simply runs the items itself; it only ever
 * waits (spinning, with a yield after a while) for items a running helper
 * is already processing.  No mutex, no allocation and no blocking call on
 * the dispatching side: waking a sleeping helper is a sem_post, a futex
 * wake that never blocks.  Helpers spin a little after each job (the next
 * block follows at once while rendering) and then sleep on their own
 * semaphore, so an idle pool costs no CPU.
 *
 * Helpers run with denormals flushed (as the engine's rendering thread
 * does) and, when asked, at a real-time priority: created before playback
 * at the audio thread's priority.
 *
 * Threading: one dispatcher at a time per pool; create and destroy from
 * a control thread while no job runs.
 */
#ifndef BEATTY_WORKPOOL_H
#define BEATTY_WORKPOOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define WORKPOOL_MAX_THREADS 64
#define WORKPOOL_MAX_ITEMS   65535

typedef struct workpool workpool_t;

/* Runs item `item` of a job; `worker` (0 .. threads-1) names the thread
 * running it, 0 being the dispatcher, so fn can use per-worker scratch. */
typedef void (*workpool_fn)(void *arg, int item, int worker);

/* A pool of `threads` workers in all: the dispatcher and threads - 1
 * helpers (1..WORKPOOL_MAX_THREADS; 1 makes a pool without helpers).
 * With rt_priority > 0 the helpers ask for SCHED_FIFO at that priority;
 * where the system refuses they run at normal priority and warn (if not
 * NULL) gets one line saying so.  Returns NULL on failure. */
workpool_t *workpool_create(int threads, int rt_priority, char *warn, size_t warnlen);
void workpool_destroy(workpool_t *p);

/* Workers in all (helpers + the dispatcher).  NULL counts as 1. */
int workpool_threads(const workpool_t *p);

/* Runs fn(arg, i, worker) for every i in 0..items-1, spread over the
 * pool, and returns when all are done.  Items are claimed in increasing
 * order, so an item may wait for an earlier one: that one has been
 * claimed and runs to its end.  With p NULL the calling thread runs them
 * in order.  Never allocates, locks or blocks. */
void workpool_run(workpool_t *p, workpool_fn fn, void *arg, int items);

/* Spins (then yields) until *flag holds want: for an item that waits
 * on an earlier one. */
void workpool_wait(const _Atomic uint64_t *flag, uint64_t want);

/* The machine's online cores (at least 1, at most WORKPOOL_MAX_THREADS). */
int workpool_cores(void);

#endif
