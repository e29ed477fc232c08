/*
 * alsa_out: the live sink.  Opens an ALSA playback device and runs one
 * real-time thread that asks a fill callback for each period of
 * interleaved stereo float, converts it to the device's sample format
 * and writes it.  Waiting for the device to take each period paces the
 * thread: there is no timer, so the period clock is the sound card's.
 *
 * Threading: open, start, stop and close belong to one control thread.
 * The fill callback runs on the audio thread and must not block,
 * allocate, lock or do I/O (bridge_fill() is such a callback).  The
 * statistics (callback load, underruns, a lost device) are atomics that
 * any thread may read at any time through alsa_out_get_stats().
 *
 * Errors: setup failures name the device and the ALSA call that failed
 * ("cannot open audio device 'hw:5,0': snd_pcm_open: No such file or
 * directory").  Underruns and suspends are recovered and counted; a
 * device that goes away (an error, or no audio taken for 3 s) stops the
 * audio thread and is reported through the statistics, leaving the
 * program running.
 *
 * Test hook: BEATTY_TEST_STALL_MS=N, read once by alsa_out_open(), makes
 * the callback sleep N ms once, one second into playback, to force
 * underruns.
 */
#ifndef BEATTY_ALSA_OUT_H
#define BEATTY_ALSA_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ALSA_OUT_RATE    48000
#define ALSA_OUT_PERIOD  256     /* frames */
#define ALSA_OUT_PERIODS 3
/* The audio thread's SCHED_FIFO priority: above most desktop audio,
 * below the kernel's IRQ threads.  Worker threads that share its work
 * run at the same. */
#define ALSA_OUT_RT_PRIORITY 70

/* Sample formats in the order they are tried, with ALSA's names. */
#define ALSA_OUT_FORMAT_LIST(X) \
	X(ALSA_OUT_FLOAT, "FLOAT_LE") X(ALSA_OUT_S32, "S32_LE") \
	X(ALSA_OUT_S24, "S24_LE") X(ALSA_OUT_S24_3, "S24_3LE") X(ALSA_OUT_S16, "S16_LE")
#define ALSA_OUT_ENUM_ITEM(e, s) e,
typedef enum { ALSA_OUT_FORMAT_LIST(ALSA_OUT_ENUM_ITEM) ALSA_OUT_FORMAT_COUNT } alsa_out_format_t;
#undef ALSA_OUT_ENUM_ITEM
extern const char *const alsa_out_format_names[ALSA_OUT_FORMAT_COUNT];

typedef struct alsa_out_opts {
	const char *device;   /* any ALSA PCM name: default, hw:1,0, plughw:1,0, null... */
	int rate;             /* Hz asked for; the device may give a near one */
	int period;           /* frames per period asked for */
	int periods;          /* periods in the buffer */
} alsa_out_opts_t;

/* Inline, so pure code (config.ini's defaults) can use it without
 * linking ALSA. */
static inline void alsa_out_opts_default(alsa_out_opts_t *o)
{
	*o = (alsa_out_opts_t){ .device = "default", .rate = ALSA_OUT_RATE,
	                        .period = ALSA_OUT_PERIOD, .periods = ALSA_OUT_PERIODS };
}

/* Fills out with frames interleaved stereo float frames.  Runs on the
 * audio thread.  Returns false when this is the last period: the thread
 * writes it, waits until the device has played it, and ends. */
typedef bool (*alsa_out_fill_fn)(void *user, float *out, int frames);

typedef struct alsa_out alsa_out_t;

/* Opens and configures the device (stereo, interleaved, the first format
 * of ALSA_OUT_FORMAT_LIST it accepts, rate and period as near as it
 * allows).  Nothing plays before alsa_out_start(), so the caller can
 * size its engine for the rate the device agreed to.  Returns NULL with
 * a one-line message in err on failure. */
alsa_out_t *alsa_out_open(const alsa_out_opts_t *o, char *err, size_t errlen);

/* What the device agreed to. */
int alsa_out_rate(const alsa_out_t *a);
int alsa_out_period(const alsa_out_t *a);
int alsa_out_periods(const alsa_out_t *a);
alsa_out_format_t alsa_out_format(const alsa_out_t *a);

/* Starts the audio thread, which calls fill(user, ...) for every period
 * until fill returns false or alsa_out_stop() is called.  It asks for SCHED_FIFO and locks memory; where
 * the system does not allow that it runs at normal priority and warn
 * gets one line saying so (warn is "" otherwise).  The thread blocks
 * every signal, so signals reach the control thread.  Returns 0, or -1
 * with a message in err.  Call at most once per open. */
int alsa_out_start(alsa_out_t *a, alsa_out_fill_fn fill, void *user, char *warn, size_t warnlen,
                   char *err, size_t errlen);

/* Stops and joins the audio thread (within about 100 ms, even when the
 * device has stopped taking audio).  With drain, waits until the device
 * has played what is buffered; otherwise drops it.  Safe to call when
 * not started. */
void alsa_out_stop(alsa_out_t *a, bool drain);

/* Stops if needed and closes the device.  NULL is fine. */
void alsa_out_close(alsa_out_t *a);

typedef struct alsa_out_stats {
	/* Time the callback and the conversion took, as a fraction of the
	 * period's duration: the last period, a median over recent periods
	 * and the worst since start. */
	float load, load_median, load_worst;
	uint64_t periods;     /* periods written */
	uint64_t xruns;       /* underruns and suspends recovered */
	bool running;         /* the audio thread is writing */
	bool finished;        /* fill said it was the last period, and it has been played */
	bool lost;            /* the device failed; the thread has stopped */
	char lost_reason[160];   /* "snd_pcm_writei: No such device" when lost */
} alsa_out_stats_t;

/* Reads the statistics; any thread, lock-free. */
void alsa_out_get_stats(const alsa_out_t *a, alsa_out_stats_t *st);

/* Bytes one sample takes in the format. */
size_t alsa_out_sample_bytes(alsa_out_format_t f);

/* The conversion the audio thread applies: n samples of float into the
 * format, little-endian.  Floats pass through unchanged; integers are
 * clipped to full scale and rounded to the nearest step (no dither: it
 * buys nothing audible live).  NaN becomes 0. */
void alsa_out_convert(alsa_out_format_t f, const float *in, void *out, size_t n);

/* Prints the playback devices ALSA knows (name, then the first line of
 * its description) to f.  Returns the number listed, or -1 with a
 * message in err. */
int alsa_list_devices(FILE *f, char *err, size_t errlen);

#endif
