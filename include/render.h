/*
 * render: the offline sink.  Runs the engine as fast as it can and writes
 * a WAV file through libsndfile, with TPDF dither when reducing to 16 or
 * 24 bit.  Runs on whatever thread calls it (the CLI, or a UI worker).
 */
#ifndef BEATTY_RENDER_H
#define BEATTY_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include "song.h"

typedef struct render_opts {
	int rate;           /* Hz */
	int bits;           /* 16, 24 or 32 (float) */
	bool dither;        /* TPDF dither for 16/24 bit (default on) */
	bool master;        /* run the master chain (default on; --no-master) */
	double lufs;        /* integrated loudness target, or NAN for none */
	double lufs_max_gain; /* dB the target may add at most (RENDER_LUFS_MAX_GAIN) */
	const char *stems;  /* folder for one WAV per channel and bus, or NULL */
	int threads;        /* worker threads, 0 for one per core; the bytes do not depend on it */
	/* Files no output may replace (the song and its samples), or NULL;
	 * outputs that are folders, devices, FIFOs or sockets are refused
	 * either way, before rendering. */
	const struct outfile_guard *guard;
	/* Called now and then with frames done and the expected total
	 * (the total may grow while release tails ring). */
	void (*progress)(void *user, int64_t done, int64_t total);
	void *user;
} render_opts_t;

#define RENDER_LUFS_MAX_GAIN 30.0   /* dB: more lifts a quiet song's noise and tails over its sound */
#define RENDER_LUFS_REACHED  0.5    /* LU: a target is reached when the result reads this close */
#define RENDER_NEAR_SILENT   (-60.0) /* LUFS: below this a song is near-silence, not quiet music */

/* How a loudness target ended; the result's own meter decides. */
typedef enum render_target {
	RENDER_TARGET_NONE,        /* no target asked for */
	RENDER_TARGET_REACHED,     /* within RENDER_LUFS_REACHED of it */
	RENDER_TARGET_GAIN_CAP,    /* short of it with the gain at its cap */
	RENDER_TARGET_LIMITER,     /* short of it: more gain went into limiting, not loudness */
	RENDER_TARGET_SILENT,      /* near-silence: rendered without gain */
} render_target_t;

typedef struct render_result {
	int64_t frames;       /* length written */
	int64_t song_frames;  /* the part before the tails */
	float peak;           /* linear peak of the float mix, before conversion */
	int64_t clipped;      /* samples beyond full scale, before conversion */
	double lufs;          /* integrated loudness of the result */
	double true_peak;     /* dBTP */
	double lra;           /* loudness range, LU */
	double correlation;   /* stereo correlation over the whole song */
	double gain;          /* dB the --lufs target added before the master chain */
	int passes;           /* renders it took (more than 1 with a target) */
	render_target_t target; /* how the loudness target ended */
} render_result_t;

void render_opts_default(render_opts_t *o);

/* Renders song into a WAV at path (and stems, with o->stems); a render
 * that would pass 4 GiB is written as RF64.  Outputs are checked first
 * (o->guard), written beside their targets (through symlinks) and
 * renamed into place when complete.  With a
 * loudness target it renders without writing first and adjusts the gain
 * into the master chain (whose true-peak limiter it switches on) until
 * the integrated loudness lands on the target, adding at most
 * o->lufs_max_gain dB; res->target says whether it got there.  Returns 0,
 * or -1 with a message. */
int render_to_wav(const song_t *song, const char *path, const render_opts_t *o,
                  render_result_t *res, char *err, size_t errlen);

/* Renders song into a malloc'd interleaved stereo float buffer (tests and
 * analysis).  Returns the frame count or -1; *out must be freed. */
int64_t render_to_buffer(const song_t *song, int rate, float **out);

/* Renders without writing and measures: fills res (frames, peak,
 * loudness figures).  Returns 0 or -1 with a message. */
int render_analyse(const song_t *song, const render_opts_t *o, render_result_t *res,
                   char *err, size_t errlen);

#endif
