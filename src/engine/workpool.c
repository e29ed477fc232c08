/*
 * workpool: helper threads for the engine's per-block work; see the
 * header for the scheme.  The job is one 64-bit word:
 *
 *   63 ........ 32 31 ..... 16 15 ...... 0
 *   [ generation ] [  items  ] [  next   ]
 *
 * so a claim is a single compare-and-swap that can never take an item of
 * a job that has already been replaced: a helper holding a stale word
 * fails its CAS.  fn and arg are plain fields: the dispatcher writes them
 * before it publishes the word (release) and cannot write the next job's
 * until every claimed item has reported done (release/acquire), so a
 * helper that claimed an item reads them safely.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dsp.h"
#include "workpool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

#define LINE        64
#define IDLE_SPIN_NS 100000   /* a helper stays awake this long after a job */
#define WAIT_SPINS  4096      /* dispatcher spins before it starts yielding */

enum { H_AWAKE, H_ASLEEP };

typedef struct helper {
	_Alignas(LINE) _Atomic int state;
	sem_t wake;
	pthread_t thread;
	bool started;
	int index;
	workpool_t *pool;
} helper_t;

struct workpool {
	_Alignas(LINE) _Atomic uint64_t job;   /* generation | items | next */
	_Alignas(LINE) _Atomic int done;        /* items finished by helpers */
	_Alignas(LINE) _Atomic bool quit;
	workpool_fn fn;
	void *arg;
	int threads;
	helper_t *helper;                       /* threads - 1 of them */
};

#define JOB_GEN(w)   ((uint32_t)((w) >> 32))
#define JOB_ITEMS(w) ((int)(((w) >> 16) & 0xffff))
#define JOB_NEXT(w)  ((int)((w) & 0xffff))

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Claims the next item of job generation gen; -1 when none is left or
 * the job has been replaced. */
static int claim(workpool_t *p, uint32_t gen)
{
	uint64_t w = atomic_load_explicit(&p->job, memory_order_acquire);
	for (;;) {
		if (JOB_GEN(w) != gen || JOB_NEXT(w) >= JOB_ITEMS(w))
			return -1;
		if (atomic_compare_exchange_weak_explicit(&p->job, &w, w + 1, memory_order_acq_rel,
		                                          memory_order_acquire))
			return JOB_NEXT(w);
	}
}

/* Waits for a job newer than seen: spins a while, then sleeps.  Returns
 * its generation, or seen when the pool is quitting. */
static uint32_t await_job(helper_t *h, uint32_t seen)
{
	workpool_t *p = h->pool;
	double until = 0.0;
	for (unsigned spins = 0;; spins++) {
		if (atomic_load_explicit(&p->quit, memory_order_acquire))
			return seen;
		uint32_t g = JOB_GEN(atomic_load_explicit(&p->job, memory_order_acquire));
		if (g != seen)
			return g;
		cpu_relax();
		if ((spins & 63) != 63)
			continue;
		double t = now_ns();
		if (until == 0.0)
			until = t + IDLE_SPIN_NS;
		if (t < until)
			continue;
		/* Sleep.  Announce it first, then look once more: either the
		 * dispatcher sees H_ASLEEP and posts, or we see its job. */
		atomic_store_explicit(&h->state, H_ASLEEP, memory_order_seq_cst);
		g = JOB_GEN(atomic_load_explicit(&p->job, memory_order_seq_cst));
		if ((g != seen || atomic_load_explicit(&p->quit, memory_order_seq_cst))) {
			int expect = H_ASLEEP;
			if (atomic_compare_exchange_strong(&h->state, &expect, H_AWAKE))
				continue;   /* nobody posted: no wake to consume */
		}
		while (sem_wait(&h->wake) != 0 && errno == EINTR)
			;
		until = 0.0;
	}
}

static void *helper_main(void *arg)
{
	helper_t *h = arg;
	workpool_t *p = h->pool;
	dsp_denormals_off();   /* as on the rendering thread: same bits, no slow tails */
	uint32_t seen = JOB_GEN(atomic_load_explicit(&p->job, memory_order_acquire));
	for (;;) {
		uint32_t g = await_job(h, seen);
		if (atomic_load_explicit(&p->quit, memory_order_acquire))
			return NULL;
		int item;
		while ((item = claim(p, g)) >= 0) {
			p->fn(p->arg, item, h->index);
			atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
		}
		seen = g;
	}
}

static void wake_all(workpool_t *p)
{
	for (int i = 0; i < p->threads - 1; i++) {
		helper_t *h = &p->helper[i];
		int expect = H_ASLEEP;
		if (atomic_load_explicit(&h->state, memory_order_seq_cst) == H_ASLEEP &&
		    atomic_compare_exchange_strong(&h->state, &expect, H_AWAKE))
			sem_post(&h->wake);
	}
}

workpool_t *workpool_create(int threads, int rt_priority, char *warn, size_t warnlen)
{
	if (warn && warnlen)
		warn[0] = 0;
	if (threads < 1 || threads > WORKPOOL_MAX_THREADS)
		return NULL;
	workpool_t *p = aligned_alloc(LINE, (sizeof(*p) + LINE - 1) / LINE * LINE);
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	atomic_init(&p->job, 0);
	atomic_init(&p->done, 0);
	atomic_init(&p->quit, false);
	p->threads = threads;
	if (threads == 1)
		return p;
	size_t hbytes = ((size_t)(threads - 1) * sizeof(helper_t) + LINE - 1) / LINE * LINE;
	p->helper = aligned_alloc(LINE, hbytes);
	if (!p->helper) {
		free(p);
		return NULL;
	}
	memset(p->helper, 0, hbytes);
	/* Helpers take no signals: they reach the control thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	bool refused = false;
	int rc = 0;
	for (int i = 0; i < threads - 1 && rc == 0; i++) {
		helper_t *h = &p->helper[i];
		h->pool = p;
		h->index = i + 1;
		atomic_init(&h->state, H_AWAKE);
		if (sem_init(&h->wake, 0, 0) != 0) {
			rc = errno;
			break;
		}
		rc = -1;
		if (rt_priority > 0 && !refused) {
			pthread_attr_t attr;
			struct sched_param sp = { .sched_priority = rt_priority };
			int hi = sched_get_priority_max(SCHED_FIFO);
			if (hi > 0 && sp.sched_priority > hi)
				sp.sched_priority = hi;
			if (pthread_attr_init(&attr) == 0) {
				pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
				pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
				pthread_attr_setschedparam(&attr, &sp);
				rc = pthread_create(&h->thread, &attr, helper_main, h);
				pthread_attr_destroy(&attr);
			}
			if (rc != 0) {
				refused = true;
				if (warn && warnlen)
					snprintf(warn, warnlen, "worker threads at normal priority (SCHED_FIFO: %s)",
					         strerror(rc > 0 ? rc : EPERM));
			}
		}
		if (rc != 0)
			rc = pthread_create(&h->thread, NULL, helper_main, h);
		if (rc == 0)
			h->started = true;
		else
			sem_destroy(&h->wake);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		workpool_destroy(p);
		return NULL;
	}
	return p;
}

void workpool_destroy(workpool_t *p)
{
	if (!p)
		return;
	atomic_store_explicit(&p->quit, true, memory_order_seq_cst);
	for (int i = 0; i < p->threads - 1; i++) {
		helper_t *h = &p->helper[i];
		if (!h->started)
			continue;
		sem_post(&h->wake);   /* harmless when it is awake: it sees quit */
		pthread_join(h->thread, NULL);
		sem_destroy(&h->wake);
	}
	free(p->helper);
	free(p);
}

int workpool_threads(const workpool_t *p)
{
	return p ? p->threads : 1;
}

void workpool_run(workpool_t *p, workpool_fn fn, void *arg, int items)
{
	if (items <= 0)
		return;
	if (!p || p->threads == 1 || items == 1) {
		for (int i = 0; i < items; i++)
			fn(arg, i, 0);
		return;
	}
	if (items > WORKPOOL_MAX_ITEMS)
		items = WORKPOOL_MAX_ITEMS;
	p->fn = fn;
	p->arg = arg;
	atomic_store_explicit(&p->done, 0, memory_order_relaxed);
	uint64_t w = atomic_load_explicit(&p->job, memory_order_relaxed);
	uint32_t gen = JOB_GEN(w) + 1;
	atomic_store_explicit(&p->job, (uint64_t)gen << 32 | (uint64_t)items << 16, memory_order_seq_cst);
	wake_all(p);
	int mine = 0, item;
	while ((item = claim(p, gen)) >= 0) {
		fn(arg, item, 0);
		mine++;
	}
	/* Only items a running helper has claimed are left: wait for them. */
	for (unsigned spins = 0;
	     atomic_load_explicit(&p->done, memory_order_acquire) + mine < items; spins++) {
		cpu_relax();
		if (spins > WAIT_SPINS)
			sched_yield();
	}
}

void workpool_wait(const _Atomic uint64_t *flag, uint64_t want)
{
	for (unsigned spins = 0; atomic_load_explicit(flag, memory_order_acquire) != want; spins++) {
		cpu_relax();
		if (spins > WAIT_SPINS)
			sched_yield();
	}
}

int workpool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > WORKPOOL_MAX_THREADS)
		n = WORKPOOL_MAX_THREADS;
	return (int)n;
}
