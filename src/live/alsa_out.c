/*
 * alsa_out: the ALSA device and its real-time thread.
 *
 * The thread's loop, once per period:
 *
 *     fill (bridge) -> convert -> snd_pcm_writei, snd_pcm_wait (sleeps until
 *     |________ timed: load ______|  the device has room: this is the pacing)
 *
 * Setup happens on the control thread: every ALSA call there is named in
 * the error message when it fails.  The audio thread only calls the fill
 * callback, converts, writes, and publishes its figures in atomics; it
 * allocates nothing and prints nothing (ALSA's own error printing is
 * switched off, since it would write to stderr from this thread).
 */
#include <alsa/asoundlib.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "alsa_out.h"

/* The counters shared with the UI must never fall back to a lock. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free here");

#define MEDIAN_WINDOW    32   /* periods per median of the load */
#define STALL_AFTER_S    1    /* the test stall falls this far into playback */
#define STALL_MAX_MS     10000
#define WAIT_MS          100  /* longest sleep on the device between looks at the stop flag */
#define DEAD_AFTER_MS    3000 /* a device that takes no audio this long is gone */

/* Sanitizers reserve terabytes of shadow memory; mlockall() would try to
 * pin it all. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

#define FORMAT_NAME(e, s) s,
const char *const alsa_out_format_names[ALSA_OUT_FORMAT_COUNT] = { ALSA_OUT_FORMAT_LIST(FORMAT_NAME) };
#undef FORMAT_NAME

static const snd_pcm_format_t alsa_formats[ALSA_OUT_FORMAT_COUNT] = {
	[ALSA_OUT_FLOAT] = SND_PCM_FORMAT_FLOAT_LE,
	[ALSA_OUT_S32] = SND_PCM_FORMAT_S32_LE,
	[ALSA_OUT_S24] = SND_PCM_FORMAT_S24_LE,
	[ALSA_OUT_S24_3] = SND_PCM_FORMAT_S24_3LE,
	[ALSA_OUT_S16] = SND_PCM_FORMAT_S16_LE,
};

/* Which call lost the device, for the message. */
enum { LOST_NONE, LOST_WRITEI, LOST_RECOVER, LOST_STALLED };
static const char *const lost_call_names[] = { "", "snd_pcm_writei", "snd_pcm_recover",
                                               "snd_pcm_wait" };

struct alsa_out {
	snd_pcm_t *pcm;
	char device[256];
	alsa_out_format_t format;
	int rate, period, periods;
	alsa_out_fill_fn fill;
	void *user;
	float *fbuf;                /* one period, interleaved stereo float */
	unsigned char *obuf;        /* the same in the device's format */
	pthread_t thread;
	bool started;
	int stall_ms;               /* test hook, 0 = off; the audio thread clears it */

	/* audio thread only */
	float window[MEDIAN_WINDOW];
	int nwindow;
	float worst;

	/* published */
	atomic_bool run;            /* control -> audio: keep going */
	atomic_bool running;
	atomic_bool finished;
	_Atomic uint32_t load, load_median, load_worst;   /* float bits */
	_Atomic uint64_t periods_done, xruns;
	atomic_int lost_call;
	atomic_int lost_err;        /* negative ALSA error once lost, else 0 */
};

static void store_float(_Atomic uint32_t *a, float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof(u));
	atomic_store_explicit(a, u, memory_order_relaxed);
}

static float load_float(const _Atomic uint32_t *a)
{
	uint32_t u = atomic_load_explicit(a, memory_order_relaxed);
	float v;
	memcpy(&v, &u, sizeof(v));
	return v;
}

/* ------------------------------------------------------------------ */
/* conversion                                                           */

size_t alsa_out_sample_bytes(alsa_out_format_t f)
{
	switch (f) {
	case ALSA_OUT_S24_3: return 3;
	case ALSA_OUT_S16: return 2;
	default: return 4;
	}
}

/* x clipped to [-1, 1] (NaN to 0), times full scale, rounded to the
 * nearest step and kept inside [-full, full - 1]. */
static int32_t to_int(float x, double full)
{
	if (!(x > -1.0f))
		x = x == x ? -1.0f : 0.0f;
	else if (x > 1.0f)
		x = 1.0f;
	double v = (double)x * full;
	if (v > full - 1.0)
		v = full - 1.0;
	return (int32_t)lrint(v);
}

static void put_le(unsigned char *p, uint32_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void alsa_out_convert(alsa_out_format_t f, const float *in, void *out, size_t n)
{
	unsigned char *o = out;
	switch (f) {
	case ALSA_OUT_FLOAT:
		for (size_t i = 0; i < n; i++) {
			uint32_t u;
			memcpy(&u, &in[i], sizeof(u));
			put_le(o + 4 * i, u, 4);
		}
		break;
	case ALSA_OUT_S32:
		for (size_t i = 0; i < n; i++)
			put_le(o + 4 * i, (uint32_t)to_int(in[i], 2147483648.0), 4);
		break;
	case ALSA_OUT_S24:
		/* 24 bits in the low three bytes of a 32-bit word, sign-extended. */
		for (size_t i = 0; i < n; i++)
			put_le(o + 4 * i, (uint32_t)to_int(in[i], 8388608.0), 4);
		break;
	case ALSA_OUT_S24_3:
		for (size_t i = 0; i < n; i++)
			put_le(o + 3 * i, (uint32_t)to_int(in[i], 8388608.0), 3);
		break;
	case ALSA_OUT_S16:
		for (size_t i = 0; i < n; i++)
			put_le(o + 2 * i, (uint32_t)to_int(in[i], 32768.0), 2);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* setup                                                                */

static void alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
	/* ALSA's own messages: ours name the device and the call instead. */
}

static int setup_error(char *err, size_t errlen, const char *device, const char *call, const char *why)
{
	snprintf(err, errlen, "cannot open audio device '%s': %s: %s", device, call, why);
	return -1;
}

static int configure(alsa_out_t *a, const alsa_out_opts_t *o, snd_pcm_hw_params_t *hw,
                     snd_pcm_sw_params_t *sw, char *err, size_t errlen)
{
	snd_pcm_t *pcm = a->pcm;
	const char *dev = a->device;
	const char *call;
	int rc;

	call = "snd_pcm_hw_params_any";
	if ((rc = snd_pcm_hw_params_any(pcm, hw)) < 0)
		goto alsa_error;
	call = "snd_pcm_hw_params_set_access";
	if ((rc = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0)
		goto alsa_error;
	int f = 0;
	while (f < ALSA_OUT_FORMAT_COUNT && snd_pcm_hw_params_test_format(pcm, hw, alsa_formats[f]) < 0)
		f++;
	if (f == ALSA_OUT_FORMAT_COUNT)
		return setup_error(err, errlen, dev, "snd_pcm_hw_params_set_format",
		                   "none of FLOAT_LE, S32_LE, S24_LE, S24_3LE, S16_LE is supported");
	a->format = (alsa_out_format_t)f;
	call = "snd_pcm_hw_params_set_format";
	if ((rc = snd_pcm_hw_params_set_format(pcm, hw, alsa_formats[f])) < 0)
		goto alsa_error;
	call = "snd_pcm_hw_params_set_channels";
	if ((rc = snd_pcm_hw_params_set_channels(pcm, hw, 2)) < 0)
		goto alsa_error;
	unsigned rate = (unsigned)o->rate;
	call = "snd_pcm_hw_params_set_rate_near";
	if ((rc = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, NULL)) < 0)
		goto alsa_error;
	snd_pcm_uframes_t period = (snd_pcm_uframes_t)o->period;
	call = "snd_pcm_hw_params_set_period_size_near";
	if ((rc = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, NULL)) < 0)
		goto alsa_error;
	snd_pcm_uframes_t buffer = period * (snd_pcm_uframes_t)o->periods;
	call = "snd_pcm_hw_params_set_buffer_size_near";
	if ((rc = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)) < 0)
		goto alsa_error;
	call = "snd_pcm_hw_params";
	if ((rc = snd_pcm_hw_params(pcm, hw)) < 0)
		goto alsa_error;
	call = "snd_pcm_hw_params_get_period_size";
	if ((rc = snd_pcm_hw_params_get_period_size(hw, &period, NULL)) < 0)
		goto alsa_error;
	call = "snd_pcm_hw_params_get_buffer_size";
	if ((rc = snd_pcm_hw_params_get_buffer_size(hw, &buffer)) < 0)
		goto alsa_error;
	a->rate = (int)rate;
	a->period = (int)period;
	a->periods = (int)(buffer / period);

	/* Start once the buffer is full, so the first periods do not run
	 * dry; wake the writer whenever a period has room. */
	call = "snd_pcm_sw_params_current";
	if ((rc = snd_pcm_sw_params_current(pcm, sw)) < 0)
		goto alsa_error;
	call = "snd_pcm_sw_params_set_start_threshold";
	if ((rc = snd_pcm_sw_params_set_start_threshold(pcm, sw, buffer - buffer % period)) < 0)
		goto alsa_error;
	call = "snd_pcm_sw_params_set_avail_min";
	if ((rc = snd_pcm_sw_params_set_avail_min(pcm, sw, period)) < 0)
		goto alsa_error;
	call = "snd_pcm_sw_params";
	if ((rc = snd_pcm_sw_params(pcm, sw)) < 0)
		goto alsa_error;
	return 0;
alsa_error:
	return setup_error(err, errlen, dev, call, snd_strerror(rc));
}

static int stall_from_env(void)
{
	const char *v = getenv("BEATTY_TEST_STALL_MS");
	if (!v || !*v)
		return 0;
	char *end;
	long ms = strtol(v, &end, 10);
	return *end || ms < 0 || ms > STALL_MAX_MS ? 0 : (int)ms;
}

alsa_out_t *alsa_out_open(const alsa_out_opts_t *o, char *err, size_t errlen)
{
	const char *dev = o->device && *o->device ? o->device : "default";
	if (o->rate < 8000 || o->rate > 384000 || o->period < 16 || o->period > 65536 ||
	    o->periods < 2 || o->periods > 64) {
		snprintf(err, errlen, "audio device '%s': rate, period or period count out of range", dev);
		return NULL;
	}
	alsa_out_t *a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(a->device, sizeof(a->device), "%s", dev);
	atomic_init(&a->run, false);
	atomic_init(&a->running, false);
	atomic_init(&a->finished, false);
	atomic_init(&a->load, 0);
	atomic_init(&a->load_median, 0);
	atomic_init(&a->load_worst, 0);
	atomic_init(&a->periods_done, 0);
	atomic_init(&a->xruns, 0);
	atomic_init(&a->lost_call, LOST_NONE);
	atomic_init(&a->lost_err, 0);
	a->stall_ms = stall_from_env();

	snd_lib_error_set_handler(alsa_quiet);
	/* Non-blocking: a busy device fails at once instead of waiting for
	 * its owner to let go, and the audio thread waits for the device in
	 * snd_pcm_wait() with a timeout rather than in a write that might
	 * never return. */
	int rc = snd_pcm_open(&a->pcm, dev, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (rc < 0) {
		a->pcm = NULL;
		setup_error(err, errlen, dev, "snd_pcm_open", snd_strerror(rc));
		goto fail;
	}
	snd_pcm_hw_params_t *hw = NULL;
	snd_pcm_sw_params_t *sw = NULL;
	if (snd_pcm_hw_params_malloc(&hw) < 0 || snd_pcm_sw_params_malloc(&sw) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	} else {
		rc = configure(a, o, hw, sw, err, errlen);
	}
	if (hw)
		snd_pcm_hw_params_free(hw);
	if (sw)
		snd_pcm_sw_params_free(sw);
	if (rc != 0)
		goto fail;
	a->fbuf = calloc((size_t)a->period * 2, sizeof(float));
	a->obuf = calloc((size_t)a->period * 2, alsa_out_sample_bytes(a->format));
	if (!a->fbuf || !a->obuf) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return a;
fail:
	alsa_out_close(a);
	return NULL;
}

int alsa_out_rate(const alsa_out_t *a) { return a->rate; }
int alsa_out_period(const alsa_out_t *a) { return a->period; }
int alsa_out_periods(const alsa_out_t *a) { return a->periods; }
alsa_out_format_t alsa_out_format(const alsa_out_t *a) { return a->format; }

/* ------------------------------------------------------------------ */
/* the audio thread                                                     */

static double elapsed_s(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) * 1e-9;
}

/* Publishes one period's load: last, worst, and every MEDIAN_WINDOW
 * periods the median of the window (a sort of 32 floats: cheap, bounded). */
static void load_note(alsa_out_t *a, float load)
{
	store_float(&a->load, load);
	if (load > a->worst) {
		a->worst = load;
		store_float(&a->load_worst, load);
	}
	a->window[a->nwindow++] = load;
	if (a->nwindow < MEDIAN_WINDOW)
		return;
	a->nwindow = 0;
	float *w = a->window;
	for (int i = 1; i < MEDIAN_WINDOW; i++) {
		float x = w[i];
		int j = i;
		for (; j > 0 && w[j - 1] > x; j--)
			w[j] = w[j - 1];
		w[j] = x;
	}
	store_float(&a->load_median, 0.5f * (w[MEDIAN_WINDOW / 2 - 1] + w[MEDIAN_WINDOW / 2]));
}

static void lose(alsa_out_t *a, int call, int rc)
{
	atomic_store_explicit(&a->lost_call, call, memory_order_relaxed);
	atomic_store_explicit(&a->lost_err, rc < 0 ? rc : -EIO, memory_order_release);
}

static void sleep_ms(int ms)
{
	struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&d, &d) != 0 && errno == EINTR)
		;
}

/* Writes the converted period, recovering from underruns and suspends.
 * The PCM is non-blocking: when the buffer is full the thread sleeps in
 * snd_pcm_wait() until the device has taken a period (that is the
 * pacing), but never longer than WAIT_MS at a time, so that a stop is
 * seen, and a device that takes nothing for DEAD_AFTER_MS is given up.
 * Returns 0 when written, 1 when stopped meanwhile, -1 once the device
 * is gone. */
static int write_period(alsa_out_t *a)
{
	const unsigned char *p = a->obuf;
	size_t frame_bytes = 2 * alsa_out_sample_bytes(a->format);
	snd_pcm_uframes_t left = (snd_pcm_uframes_t)a->period;
	int waited = 0;
	while (left > 0) {
		snd_pcm_sframes_t w = snd_pcm_writei(a->pcm, p, left);
		if (w > 0) {
			p += (size_t)w * frame_bytes;
			left -= (snd_pcm_uframes_t)w;
			waited = 0;
			continue;
		}
		if (w == 0 || w == -EAGAIN) {
			int rc = snd_pcm_wait(a->pcm, WAIT_MS);
			if (rc > 0)
				continue;
			if (rc == 0) {
				if (!atomic_load_explicit(&a->run, memory_order_acquire))
					return 1;
				if ((waited += WAIT_MS) >= DEAD_AFTER_MS) {
					lose(a, LOST_STALLED, -EIO);
					return -1;
				}
				continue;
			}
			w = rc;   /* the wait saw the underrun or the error: as below */
		}
		if (w == -EINTR)
			continue;
		if (w == -ESTRPIPE) {
			/* Suspended (power management).  snd_pcm_recover() would
			 * sleep in one-second steps until the device resumes, deaf to
			 * a stop; wait here in WAIT_MS steps instead. */
			atomic_fetch_add_explicit(&a->xruns, 1, memory_order_relaxed);
			int rc;
			while ((rc = snd_pcm_resume(a->pcm)) == -EAGAIN) {
				if (!atomic_load_explicit(&a->run, memory_order_acquire))
					return 1;
				if ((waited += WAIT_MS) >= DEAD_AFTER_MS) {
					lose(a, LOST_STALLED, -EIO);
					return -1;
				}
				sleep_ms(WAIT_MS);
			}
			if (rc < 0)
				rc = snd_pcm_prepare(a->pcm);
			if (rc == 0)
				continue;
			lose(a, LOST_RECOVER, rc);
			return -1;
		}
		if (w == -EPIPE) {
			atomic_fetch_add_explicit(&a->xruns, 1, memory_order_relaxed);
			/* silent: recovering must not print from this thread */
			int rc = snd_pcm_recover(a->pcm, (int)w, 1);
			if (rc == 0)
				continue;
			lose(a, LOST_RECOVER, rc);
			return -1;
		}
		lose(a, LOST_WRITEI, (int)w);
		return -1;
	}
	return 0;
}

/* Plays out what the buffer holds, then stops the PCM.  Non-blocking,
 * snd_pcm_drain() only starts draining; the state leaves DRAINING when
 * it is done.  Bounded: a device that stops taking audio is dropped. */
static void drain(alsa_out_t *a)
{
	int rc = snd_pcm_drain(a->pcm);
	int limit = 1000 + (int)(1000LL * a->period * a->periods / a->rate);
	for (int waited = 0; rc == -EAGAIN && waited < limit; waited += 5) {
		if (snd_pcm_state(a->pcm) != SND_PCM_STATE_DRAINING)
			return;
		if (!atomic_load_explicit(&a->run, memory_order_acquire))
			break;   /* stopped while draining: drop the rest at once */
		sleep_ms(5);
	}
	if (rc != 0)
		snd_pcm_drop(a->pcm);
}

static void *audio_main(void *arg)
{
	alsa_out_t *a = arg;
	double period_s = (double)a->period / a->rate;
	uint64_t n = 0, stall_at = (uint64_t)a->rate * STALL_AFTER_S / (uint64_t)a->period;
	while (atomic_load_explicit(&a->run, memory_order_acquire)) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		bool more = a->fill(a->user, a->fbuf, a->period);
		if (a->stall_ms && n == stall_at) {
			/* The test hook: a callback that overran badly, once. */
			sleep_ms(a->stall_ms);
			a->stall_ms = 0;
		}
		alsa_out_convert(a->format, a->fbuf, a->obuf, (size_t)a->period * 2);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		load_note(a, (float)(elapsed_s(&t0, &t1) / period_s));
		if (write_period(a) != 0)
			break;
		atomic_store_explicit(&a->periods_done, ++n, memory_order_relaxed);
		if (!more) {
			/* The end: nothing is left to be late for, so waiting here
			 * for the device to play the buffer out costs nothing. */
			drain(a);
			atomic_store_explicit(&a->finished, true, memory_order_release);
			break;
		}
	}
	atomic_store_explicit(&a->running, false, memory_order_release);
	return NULL;
}

int alsa_out_start(alsa_out_t *a, alsa_out_fill_fn fill, void *user, char *warn, size_t warnlen,
                   char *err, size_t errlen)
{
	if (warnlen)
		warn[0] = 0;
	if (a->started) {
		snprintf(err, errlen, "audio device '%s': already started", a->device);
		return -1;
	}
	a->fill = fill;
	a->user = user;
	char why[160] = "";
	/* Page faults in the audio thread are as bad as a lock: keep all
	 * memory (samples included) resident. */
	if (!UNDER_SANITIZER && mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		snprintf(why, sizeof(why), "mlockall: %s", strerror(errno));

	atomic_store_explicit(&a->run, true, memory_order_release);
	atomic_store_explicit(&a->running, true, memory_order_release);
	/* The thread inherits this mask: signals go to the control thread,
	 * never interrupt the audio thread's writes. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = ALSA_OUT_RT_PRIORITY };
	int hi = sched_get_priority_max(SCHED_FIFO);
	if (hi > 0 && sp.sched_priority > hi)
		sp.sched_priority = hi;
	int rc = pthread_attr_init(&attr);
	if (rc == 0) {
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
		rc = pthread_create(&a->thread, &attr, audio_main, a);
		pthread_attr_destroy(&attr);
	}
	if (rc != 0) {
		size_t len = strlen(why);
		snprintf(why + len, sizeof(why) - len, "%sSCHED_FIFO: %s", len ? "; " : "", strerror(rc));
		rc = pthread_create(&a->thread, NULL, audio_main, a);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		atomic_store(&a->run, false);
		atomic_store(&a->running, false);
		snprintf(err, errlen, "audio device '%s': pthread_create: %s", a->device, strerror(rc));
		return -1;
	}
	a->started = true;
	if (why[0] && warnlen)
		snprintf(warn, warnlen, "no real-time audio (%s): playing at normal priority, "
		         "expect dropouts under load", why);
	return 0;
}

void alsa_out_stop(alsa_out_t *a, bool drain_it)
{
	if (!a || !a->started)
		return;
	atomic_store_explicit(&a->run, false, memory_order_release);
	pthread_join(a->thread, NULL);
	a->started = false;
	if (atomic_load_explicit(&a->lost_err, memory_order_acquire) != 0 ||
	    atomic_load_explicit(&a->finished, memory_order_acquire))
		return;
	if (drain_it)
		drain(a);
	else
		snd_pcm_drop(a->pcm);
}

void alsa_out_close(alsa_out_t *a)
{
	if (!a)
		return;
	alsa_out_stop(a, false);
	if (a->pcm)
		snd_pcm_close(a->pcm);
	free(a->fbuf);
	free(a->obuf);
	free(a);
}

void alsa_out_get_stats(const alsa_out_t *a, alsa_out_stats_t *st)
{
	memset(st, 0, sizeof(*st));
	st->load = load_float(&a->load);
	st->load_median = load_float(&a->load_median);
	st->load_worst = load_float(&a->load_worst);
	st->periods = atomic_load_explicit(&a->periods_done, memory_order_relaxed);
	st->xruns = atomic_load_explicit(&a->xruns, memory_order_relaxed);
	st->running = atomic_load_explicit(&a->running, memory_order_acquire);
	st->finished = atomic_load_explicit(&a->finished, memory_order_acquire);
	int rc = atomic_load_explicit(&a->lost_err, memory_order_acquire);
	if (rc != 0) {
		int call = atomic_load_explicit(&a->lost_call, memory_order_relaxed);
		st->lost = true;
		if (call == LOST_STALLED)
			snprintf(st->lost_reason, sizeof(st->lost_reason),
			         "snd_pcm_wait: the device took no audio for %d s", DEAD_AFTER_MS / 1000);
		else
			snprintf(st->lost_reason, sizeof(st->lost_reason), "%s: %s",
			         lost_call_names[call >= 0 && call <= LOST_STALLED ? call : 0], snd_strerror(rc));
	}
}

/* ------------------------------------------------------------------ */
/* device list                                                          */

int alsa_list_devices(FILE *f, char *err, size_t errlen)
{
	void **hints;
	snd_lib_error_set_handler(alsa_quiet);
	int rc = snd_device_name_hint(-1, "pcm", &hints);
	if (rc < 0) {
		snprintf(err, errlen, "cannot list audio devices: snd_device_name_hint: %s", snd_strerror(rc));
		return -1;
	}
	int n = 0;
	for (void **h = hints; *h; h++) {
		char *name = snd_device_name_get_hint(*h, "NAME");
		char *desc = snd_device_name_get_hint(*h, "DESC");
		char *io = snd_device_name_get_hint(*h, "IOID");
		/* No IOID means both directions. */
		if (name && (!io || !strcmp(io, "Output"))) {
			const char *d = desc ? desc : "";
			int len = (int)strcspn(d, "\n");
			fprintf(f, "%-32s %.*s\n", name, len, d);
			n++;
		}
		free(name);
		free(desc);
		free(io);
	}
	snd_device_name_free_hint(hints);
	return n;
}
