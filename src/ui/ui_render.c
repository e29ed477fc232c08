/*
 * ui_render: background WAV render (see ui_render.h).  The worker owns
 * a song copy and the options; the UI reads only `permille` and `done`
 * (atomics) until it joins.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui_render.h"

struct ui_render {
	pthread_t thread;
	song_t song;
	render_opts_t opts;
	char path[1024];
	char stems[1024];
	atomic_int permille;
	atomic_bool done;
	bool analyse;        /* measure only: render_analyse(), no file */
	int rc;
	render_result_t res;
	char err[512];
};

static void on_progress(void *user, int64_t done, int64_t total)
{
	ui_render_t *r = user;
	int pm = total > 0 ? (int)(done * 1000 / total) : 0;
	atomic_store(&r->permille, pm > 1000 ? 1000 : pm);
}

static void *worker(void *arg)
{
	ui_render_t *r = arg;
	if (r->analyse)
		r->rc = render_analyse(&r->song, &r->opts, &r->res, r->err, sizeof(r->err));
	else
		r->rc = render_to_wav(&r->song, r->path, &r->opts, &r->res, r->err, sizeof(r->err));
	atomic_store(&r->permille, 1000);
	atomic_store(&r->done, true);
	return NULL;
}

/* Splits off the next word of *s (spaces separate; no quoting). */
static bool next_word(const char **s, char *buf, size_t n)
{
	while (**s == ' ')
		(*s)++;
	if (!**s)
		return false;
	size_t k = 0;
	while (**s && **s != ' ') {
		if (k + 1 < n)
			buf[k++] = **s;
		(*s)++;
	}
	buf[k] = 0;
	return true;
}

int ui_render_parse(const char *line, char *path, size_t pathlen, render_opts_t *o,
                    char *stems, size_t stemslen, char *err, size_t errlen)
{
	render_opts_default(o);
	path[0] = stems[0] = 0;
	char w[1024], v[1024];
	while (next_word(&line, w, sizeof(w))) {
		bool valued = !strcmp(w, "--rate") || !strcmp(w, "--bits") || !strcmp(w, "--lufs") ||
		              !strcmp(w, "--stems") || !strcmp(w, "-o");
		if (valued && !next_word(&line, v, sizeof(v))) {
			snprintf(err, errlen, "%s needs a value", w);
			return -1;
		}
		char *end;
		if (!strcmp(w, "--rate")) {
			long r = strtol(v, &end, 10);
			if (*end || r < 8000 || r > 384000) {
				snprintf(err, errlen, "bad --rate '%s' (8000..384000)", v);
				return -1;
			}
			o->rate = (int)r;
		} else if (!strcmp(w, "--bits")) {
			if (!strcmp(v, "16") || !strcmp(v, "24"))
				o->bits = atoi(v);
			else if (!strcmp(v, "32f") || !strcmp(v, "32"))
				o->bits = 32;
			else {
				snprintf(err, errlen, "bad --bits '%s' (16, 24 or 32f)", v);
				return -1;
			}
		} else if (!strcmp(w, "--lufs")) {
			double l = strtod(v, &end);
			if (*end || !(l >= -70 && l <= 0)) {
				snprintf(err, errlen, "bad --lufs '%s' (-70..0, e.g. -14)", v);
				return -1;
			}
			o->lufs = l;
		} else if (!strcmp(w, "--stems")) {
			snprintf(stems, stemslen, "%s", v);
		} else if (!strcmp(w, "--no-master")) {
			o->master = false;
		} else if (!strcmp(w, "-o")) {
			snprintf(path, pathlen, "%s", v);
		} else if (w[0] == '-') {
			snprintf(err, errlen, "unknown option '%s'", w);
			return -1;
		} else if (path[0]) {
			snprintf(err, errlen, "one file at a time ('%s' is one too many)", w);
			return -1;
		} else {
			snprintf(path, pathlen, "%s", w);
		}
	}
	if (!path[0]) {
		snprintf(err, errlen, "no file name given");
		return -1;
	}
	return 0;
}

static ui_render_t *start(const song_t *song, const char *path, const render_opts_t *o,
                          const char *stems, bool analyse, char *err, size_t errlen)
{
	ui_render_t *r = calloc(1, sizeof(*r));
	if (r)
		r->analyse = analyse;
	if (!r || song_copy(&r->song, song) != 0) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->stems, sizeof(r->stems), "%s", stems ? stems : "");
	r->opts = *o;
	r->opts.stems = r->stems[0] ? r->stems : NULL;
	r->opts.progress = on_progress;
	r->opts.user = r;
	atomic_init(&r->permille, 0);
	atomic_init(&r->done, false);
	if (pthread_create(&r->thread, NULL, worker, r) != 0) {
		song_deinit(&r->song);
		free(r);
		snprintf(err, errlen, "cannot start the render thread");
		return NULL;
	}
	return r;
}

ui_render_t *ui_render_start(const song_t *song, const char *path, const render_opts_t *o,
                             const char *stems, char *err, size_t errlen)
{
	return start(song, path, o, stems, false, err, errlen);
}

ui_render_t *ui_render_measure(const song_t *song, const render_opts_t *o, char *err, size_t errlen)
{
	return start(song, "", o, NULL, true, err, errlen);
}

double ui_render_progress(const ui_render_t *r, bool *done)
{
	*done = atomic_load(&r->done);
	return atomic_load(&r->permille) / 1000.0;
}

const char *ui_render_path(const ui_render_t *r)
{
	return r->path;
}

int ui_render_finish(ui_render_t *r, render_result_t *res, char *err, size_t errlen)
{
	pthread_join(r->thread, NULL);
	int rc = r->rc;
	*res = r->res;
	snprintf(err, errlen, "%s", r->err);
	song_deinit(&r->song);
	free(r);
	return rc;
}
