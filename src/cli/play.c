/*
 * play: `beatty play` and `beatty devices`, the headless live player.
 *
 * Three parts meet here and nowhere else: the song (loaded on this
 * thread), the bridge (engine and the audio side's copy of the song) and
 * the ALSA sink whose real-time thread pulls periods from the bridge.
 * This thread only watches: it polls for a key, a signal, the end of the
 * song or a lost device a few times a second, and reads the bridge's
 * snapshot and the sink's statistics (atomics) for the status line.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "alsa_out.h"
#include "bridge.h"
#include "engine.h"
#include "play.h"
#include "songfile.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE     2
#define TICK_MS        50   /* how soon the end of the song or a key is noticed */
#define STATUS_TICKS   4    /* status line every 4 ticks: 5 times a second */

/* The one thing a signal handler may touch. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

typedef struct play_args {
	const char *song;
	const char *device;
	long period, periods, rate, from;
	long threads;        /* 0: one per core */
	interp_t interp;     /* what samplers set to auto use */
} play_args_t;

/* The terminal, when stdin is one we may use (our process group owns it). */
typedef struct term {
	bool raw;
	struct termios saved;
} term_t;

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "beatty: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'beatty --help')\n");
	return EXIT_USAGE;
}

static bool parse_long(const char *s, int base, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, base);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int parse_play_args(int argc, char **argv, play_args_t *a)
{
	alsa_out_opts_t d;
	alsa_out_opts_default(&d);
	*a = (play_args_t){ .device = d.device, .period = d.period, .periods = d.periods,
	                    .rate = d.rate, .from = 0, .interp = INTERP_SINC };
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		bool valued = !strcmp(o, "--device") || !strcmp(o, "--period") ||
		              !strcmp(o, "--periods") || !strcmp(o, "--from") || !strcmp(o, "--rate") ||
		              !strcmp(o, "--threads") || !strcmp(o, "--interp");
		if (valued) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", o);
			const char *v = argv[++i];
			if (!strcmp(o, "--device")) {
				if (!*v)
					return usage_error("%s", "--device needs a name");
				a->device = v;
			} else if (!strcmp(o, "--period")) {
				if (!parse_long(v, 10, 16, 8192, &a->period))
					return usage_error("bad --period '%s' (16..8192 frames)", v);
			} else if (!strcmp(o, "--periods")) {
				if (!parse_long(v, 10, 2, 32, &a->periods))
					return usage_error("bad --periods '%s' (2..32)", v);
			} else if (!strcmp(o, "--interp")) {
				int m = song_enum_lookup(interp_names, INTERP_COUNT, v);
				if (m <= INTERP_AUTO)
					return usage_error("bad --interp '%s' (sinc, cubic or none)", v);
				a->interp = (interp_t)m;
			} else if (!strcmp(o, "--threads")) {
				if (!parse_long(v, 10, 1, WORKPOOL_MAX_THREADS, &a->threads))
					return usage_error("bad --threads '%s' (1..64)", v);
			} else if (!strcmp(o, "--from")) {
				if (!parse_long(v, 16, 0, SONG_MAX_ORDERS - 1, &a->from))
					return usage_error("bad --from '%s' (a hex order position, 00..FF)", v);
			} else if (!parse_long(v, 10, 8000, 384000, &a->rate)) {
				return usage_error("bad --rate '%s' (8000..384000)", v);
			}
		} else if (o[0] == '-' && o[1]) {
			return usage_error("unknown option '%s'", o);
		} else if (a->song) {
			return usage_error("one song at a time ('%s' is one too many)", o);
		} else {
			a->song = o;
		}
	}
	if (!a->song)
		return usage_error("%s", "no song given");
	return 0;
}

static void warn_cb(void *user, const char *file, int line, const char *msg)
{
	if (line > 0)
		fprintf(stderr, "%s:%d: warning: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: warning: %s\n", file, msg);
}

static void format_time(int64_t frames, int rate, char *buf, size_t n)
{
	int64_t ms = frames > 0 ? (frames * 1000 + rate / 2) / rate : 0;
	snprintf(buf, n, "%d:%02d.%03d", (int)(ms / 60000), (int)(ms / 1000 % 60), (int)(ms % 1000));
}

static void term_raw(term_t *t)
{
	t->raw = false;
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return;   /* not a terminal, or we run in the background */
	if (tcgetattr(STDIN_FILENO, &t->saved) != 0)
		return;
	struct termios r = t->saved;
	r.c_lflag &= (tcflag_t)~(ICANON | ECHO);   /* ISIG stays: Ctrl-C is a signal */
	r.c_cc[VMIN] = 1;
	r.c_cc[VTIME] = 0;
	t->raw = tcsetattr(STDIN_FILENO, TCSANOW, &r) == 0;
}

static void term_restore(term_t *t)
{
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	t->raw = false;
}

/* True when a 'q' was typed; clears *keys when stdin is gone. */
static bool key_quit(bool *keys)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int n = poll(&pfd, *keys ? 1 : 0, TICK_MS);
	if (n <= 0 || !*keys)
		return false;
	if (pfd.revents & POLLIN) {
		char buf[32];
		ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));
		if (r <= 0) {
			*keys = false;
			return false;
		}
		return memchr(buf, 'q', (size_t)r) || memchr(buf, 'Q', (size_t)r);
	}
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		*keys = false;
	return false;
}

/* Frames heard so far: the device still holds up to a buffer of what
 * was rendered. */
static int64_t heard(const bridge_snapshot_t *s, const alsa_out_t *out)
{
	int64_t f = s->frame - (int64_t)alsa_out_period(out) * alsa_out_periods(out);
	return f > 0 ? f : 0;
}

/* One line, rewritten in place: '>' playing, '~' the song is over and
 * its tails ring, '.' silence. */
static void print_status(const bridge_snapshot_t *s, const alsa_out_stats_t *st,
                         const alsa_out_t *out, int norders, int64_t total)
{
	char now[32], len[32];
	int rate = alsa_out_rate(out);
	format_time(heard(s, out), rate, now, sizeof(now));
	format_time(total, rate, len, sizeof(len));
	fprintf(stderr, "\r%s order %02X/%02X row %02X  %s / %s  cpu %3.0f%% (worst %3.0f%%)  xruns %llu\033[K",
	        s->playing ? ">" : s->done ? "." : "~", s->order, norders - 1, s->row, now, len,
	        100.0 * st->load_median, 100.0 * st->load_worst, (unsigned long long)st->xruns);
	fflush(stderr);
}

/* The song plays once: the period in which it runs out is the last. */
static bool fill(void *user, float *out, int frames)
{
	return bridge_fill(user, out, frames) == frames;
}

int cmd_play(int argc, char **argv)
{
	play_args_t a;
	int rc = parse_play_args(argc, argv, &a);
	if (rc)
		return rc;
	song_t song;
	songfile_error_t serr;
	if (songfile_load(&song, a.song, SONGFILE_LOAD_SAMPLES, &serr, warn_cb, NULL) != 0) {
		char buf[600];
		songfile_error_format(&serr, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return EXIT_BAD_INPUT;
	}
	if (a.from >= song.norders) {
		fprintf(stderr, "beatty: --from %02lX: %s has order positions 00..%02X\n", a.from, a.song,
		        song.norders - 1);
		song_deinit(&song);
		return EXIT_USAGE;
	}

	alsa_out_opts_t o = { .device = a.device, .rate = (int)a.rate, .period = (int)a.period,
	                      .periods = (int)a.periods };
	char err[512], warn[256];
	alsa_out_t *out = alsa_out_open(&o, err, sizeof(err));
	if (!out) {
		fprintf(stderr, "beatty: %s\n", err);
		song_deinit(&song);
		return EXIT_BAD_INPUT;
	}
	int rate = alsa_out_rate(out);
	int64_t total = engine_song_frames(&song, rate);
	bridge_t *b = bridge_create(&song, rate);
	/* Workers at the audio thread's priority, made before it starts;
	 * where the system refuses real-time they run like it, at normal. */
	int workers = a.threads > 0 ? (int)a.threads : workpool_cores();
	workpool_t *pool = workers > 1 ? workpool_create(workers, ALSA_OUT_RT_PRIORITY, NULL, 0) : NULL;
	if (!b || total < 0 || (workers > 1 && !pool) || bridge_set_pool(b, pool) != 0) {
		fprintf(stderr, "beatty: out of memory\n");
		bridge_destroy(b);
		workpool_destroy(pool);
		alsa_out_close(out);
		song_deinit(&song);
		return EXIT_BAD_INPUT;
	}
	bridge_set_meters(b, false);   /* the status line shows none */
	bridge_set_interpolation(b, a.interp);
	bridge_play(b, (int)a.from, 0);
	fprintf(stderr, "playing %s on '%s': %d Hz, %s, %d x %d frames (%.1f ms buffer)\n", a.song,
	        a.device, rate, alsa_out_format_names[alsa_out_format(out)], alsa_out_periods(out),
	        alsa_out_period(out), 1000.0 * alsa_out_period(out) * alsa_out_periods(out) / rate);

	struct sigaction sa, old_sa[NSTOP];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &sa, &old_sa[i]);
	term_t term;
	term_raw(&term);
	bool keys = term.raw, status = isatty(STDERR_FILENO);

	bool finished = false, lost = false, quit = false;
	bridge_snapshot_t snap;
	alsa_out_stats_t st;
	rc = alsa_out_start(out, fill, b, warn, sizeof(warn), err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "beatty: %s\n", err);
		lost = true;
	} else if (warn[0]) {
		fprintf(stderr, "beatty: warning: %s\n", warn);
	}
	for (int tick = 0; rc == 0; tick++) {
		quit = key_quit(&keys);
		bridge_snapshot(b, &snap);
		alsa_out_get_stats(out, &st);
		if (quit || stop_signal)
			break;
		if (st.lost) {
			lost = true;
			break;
		}
		if (st.finished) {
			finished = true;
			break;
		}
		if (status && tick % STATUS_TICKS == 0)
			print_status(&snap, &st, out, song.norders, total);
	}
	/* At the end the audio thread has drained the device itself; when
	 * stopped by hand, what is buffered is dropped. */
	alsa_out_stop(out, false);
	term_restore(&term);
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old_sa[i], NULL);

	if (rc == 0) {
		bridge_snapshot(b, &snap);
		alsa_out_get_stats(out, &st);
		char now[32];
		format_time(finished ? snap.frame : heard(&snap, out), rate, now, sizeof(now));
		if (status)
			fprintf(stderr, "\r\033[K");
		if (st.lost)
			fprintf(stderr, "beatty: audio device '%s' lost: %s\n", a.device, st.lost_reason);
		fprintf(stderr, "%s %s (order %02X row %02X): audio callback load median %.1f%%, "
		        "worst %.1f%% of a period; %llu xruns\n",
		        finished ? "played" : "stopped at", now, snap.order, snap.row,
		        100.0 * st.load_median, 100.0 * st.load_worst, (unsigned long long)st.xruns);
	}
	alsa_out_close(out);
	bridge_destroy(b);
	workpool_destroy(pool);
	song_deinit(&song);
	if (lost)
		return EXIT_BAD_INPUT;
	if (stop_signal && !quit && !finished)
		return 128 + stop_signal;
	return 0;
}

int cmd_devices(int argc, char **argv)
{
	if (argc > 0)
		return usage_error("devices takes no arguments ('%s')", argv[0]);
	char err[256];
	int n = alsa_list_devices(stdout, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "beatty: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "beatty: writing to standard output: %s\n", strerror(errno));
		return EXIT_BAD_INPUT;
	}
	return 0;
}
