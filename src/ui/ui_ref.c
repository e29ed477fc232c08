/*
 * ui_ref: the master page's reference track (see ui_ref.h).
 *
 * Why the gain is worked out here and sent, not worked out on the audio
 * side: the mix's loudness is measured on this thread (ui_mix.c, from
 * the tap), and the audio side never reads UI state.  The gain glides
 * there, so a reading that creeps as the integrated loudness settles is
 * heard as a slow drift, never a step.
 *
 * Why the spectrum of the reference is taken from its buffer here and
 * not from the output: the tap carries the mix alone (the mix's meters
 * must go on while the reference is heard), and the reference's frames
 * are in memory anyway; the audio side publishes where it is.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "filelist.h"
#include "reftrack.h"
#include "ui_mix.h"
#include "ui_ref.h"

#define OLD_MAX      8        /* references replaced, waiting for the audio side */
#define READ_MS      100
#define SPEC_SECONDS 0.3
#define GAIN_STEP_DB 0.05f    /* a smaller change of the match is not sent */

enum { MATCH_TARGET, MATCH_MIX, MATCH_OFF, MATCH_COUNT };

typedef struct ui_ref {
	reftrack_t *cur;                /* the reference, or NULL */
	reftrack_t *old[OLD_MAX];       /* replaced, maybe still read by the audio side */
	int nold;
	reftrack_job_t *job;            /* loading, or NULL */
	char job_path[UI_PATH_MAX];
	bool job_quiet;                 /* the song's own: no message unless it fails */
	bool song_seen;                 /* the song's reference key has been acted on */
	bool want;                      /* the reference is chosen */
	int match;
	bool fallback;                  /* matching to the mix, not measured yet: the target */
	float gain_db;                  /* the gain matching asks for */
	bool dirty;                     /* cur is not yet sent to the bridge */
	bool chose_ok;                  /* the last choice reached the bridge */
	bool sent_want;
	float sent_gain;
	spectrum_t spec;
	float spec_db[SPECTRUM_BANDS];
	int64_t spec_pos;               /* where the spectrum has been fed to */
	bool spec_on;
	int reload_rate;                /* the rate a reload was last tried at */
	float heard_db[SPECTRUM_BANDS]; /* with the match: as heard */
	struct timespec read_at;
} ui_ref_t;

static ui_ref_t *get(ui_app_t *app)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return NULL;
	if (!m->ref)
		m->ref = calloc(1, sizeof(ui_ref_t));
	return m->ref;
}

static int play_rate(const ui_app_t *app)
{
	return app->bridge && app->out ? alsa_out_rate(app->out) : 48000;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The reference is replaced (by n, or by none): the old one waits until
 * the audio side lets go. */
static void replace(ui_ref_t *r, reftrack_t *n)
{
	if (r->cur)
		r->old[r->nold++] = r->cur;   /* the callers check there is room */
	r->cur = n;
	r->dirty = true;
	r->spec_on = false;
	if (!n)
		r->want = false;
}

/* The master page's key for the switch (keys.ini may have moved it). */
static const char *ab_key(char *label, size_t n)
{
	int nb;
	const ui_binding_t *t = ui_keys_table(&nb);
	for (int i = 0; i < nb; i++)
		if (t[i].ctx == CTX_MASTER && t[i].cmd == CMD_REF_AB) {
			ui_key_label(t[i].key, label, n);
			return label;
		}
	return "Alt-R";
}

/* The song remembers the reference (relative to its folder, like a
 * sample); a change is a change to save, outside undo like mute. */
static void remember(ui_app_t *app, const char *path)
{
	char dir[UI_PATH_MAX], rel[SONG_PATH_MAX] = "";
	app_song_folder(app, dir, sizeof(dir));
	if (path && filelist_relative(dir, path, rel, sizeof(rel)) != 0)
		return;   /* too long for a song file: heard, not remembered */
	if (strcmp(rel, app->song.reference)) {
		app_copy(app->song.reference, sizeof(app->song.reference), rel);
		app->touched = true;
	}
}

/* Starts loading path in the background; quiet leaves the status line
 * alone (the page shows the loading). */
static void job_start(ui_app_t *app, ui_ref_t *r, const char *path, bool quiet)
{
	char err[1200];
	r->job = reftrack_job_start(path, play_rate(app), err, sizeof(err));
	if (!r->job) {
		app_msg(app, true, "reference: %s", err);
		return;
	}
	app_copy(r->job_path, sizeof(r->job_path), path);
	r->job_quiet = quiet;
	if (!quiet)
		app_msg(app, false, "reference: loading and measuring %s", base_name(path));
}

static void load_start(ui_app_t *app, ui_ref_t *r, const char *path)
{
	if (r->job) {
		app_msg(app, true, "reference: %s is still loading", base_name(r->job_path));
		return;
	}
	if (r->nold >= OLD_MAX) {
		app_msg(app, true, "reference: the last ones are still playing out; try again");
		return;
	}
	job_start(app, r, path, false);
}

/* The song's reference as a full path; false when it has none. */
static bool song_ref_path(const ui_app_t *app, char *full, size_t n)
{
	return app->song.reference[0] &&
	       filelist_beside(app->path[0] ? app->path : NULL, app->song.reference, full, n) == 0;
}

/* The song's reference key: a song with one loads it (quietly: the page
 * shows it), a song without drops the one heard. */
static void song_reference(ui_app_t *app, ui_ref_t *r)
{
	if (r->job)
		return;   /* once that one is in: it may be the last song's */
	r->song_seen = true;
	if (!app->song.reference[0]) {
		if (r->cur && r->nold < OLD_MAX)
			replace(r, NULL);
		return;
	}
	char full[UI_PATH_MAX];
	if (!song_ref_path(app, full, sizeof(full)))
		return;
	if (r->cur && !strcmp(r->cur->path, full))
		return;
	if (r->cur && r->nold < OLD_MAX)
		replace(r, NULL);
	if (r->nold < OLD_MAX)
		job_start(app, r, full, true);
}

void ui_ref_song_changed(ui_app_t *app)
{
	ui_ref_t *r = get(app);
	if (r)
		r->song_seen = false;   /* acted on at the next poll */
}

static void path_typed(ui_app_t *app, const char *text)
{
	ui_ref_t *r = get(app);
	if (!r || !text || !text[0])
		return;
	char exp[UI_PATH_MAX], full[UI_PATH_MAX];
	filelist_expand_home(text, exp, sizeof(exp));
	if (filelist_beside(app->path[0] ? app->path : NULL, exp, full, sizeof(full)) != 0) {
		app_msg(app, true, "reference: the path %s is too long", text);
		return;
	}
	load_start(app, r, full);
}

static void path_complete(ui_app_t *app, char *buf, size_t n)
{
	char out[UI_PATH_MAX];
	int m = filelist_complete(buf, out, sizeof(out));
	app_copy(buf, n, out);
	if (m > 1)
		app_msg(app, false, "%d names begin so", m);
	else if (!m)
		app_msg(app, true, "no folder or audio file begins so");
}

static const char *const match_names[MATCH_COUNT] = {
	"the loudness target", "the mix's measured loudness", "off: as the file is",
};

void ui_ref_cmd(ui_app_t *app, ui_cmd_t cmd)
{
	ui_ref_t *r = get(app);
	if (!r) {
		app_msg(app, true, "reference: out of memory");
		return;
	}
	switch (cmd) {
	case CMD_REF_LOAD: {
		char init[UI_PATH_MAX];
		if (r->cur) {
			app_copy(init, sizeof(init), r->cur->path);
		} else {
			char here[UI_PATH_MAX];
			app_copy(here, sizeof(here), app->path);
			char *slash = strrchr(here, '/');
			if (slash)
				slash[1] = 0;
			else
				here[0] = 0;
			app_copy(init, sizeof(init), here);
		}
		app_prompt(app, "reference track, WAV or FLAC (Tab completes): ", init, path_typed);
		app->prompt.complete = path_complete;
		break;
	}
	case CMD_REF_AB:
		if (!r->cur) {
			app_msg(app, true, "no reference track: load one on the master page (%s)",
			        r->job ? "it is loading" : "^G");
			break;
		}
		r->want = !r->want;
		app_msg(app, false, "hearing %s%s", r->want ? "the reference" : "the mix",
		        app->bridge ? "" : " (once there is sound)");
		break;
	case CMD_REF_MATCH:
		r->match = (r->match + 1) % MATCH_COUNT;
		app_msg(app, false, "reference matched to %s", match_names[r->match]);
		break;
	case CMD_REF_DROP:
		if (!r->cur) {
			app_msg(app, true, "no reference track to drop");
			break;
		}
		if (r->nold >= OLD_MAX) {
			app_msg(app, true, "reference: the last ones are still playing out; try again");
			break;
		}
		app_msg(app, false, "reference %s dropped", base_name(r->cur->path));
		replace(r, NULL);
		remember(app, NULL);
		break;
	default:
		break;
	}
	app->redraw = true;
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* The reference's spectrum follows where the audio side plays it. */
static void spectrum_follow(ui_app_t *app, ui_ref_t *r)
{
	const reftrack_t *t = r->cur;
	if (!t || !app->bridge)
		return;
	int64_t pos = app->snap.ref_frame;
	if (pos < 0 || pos >= t->frames)
		return;
	int64_t window = (int64_t)(SPEC_SECONDS * t->rate);
	int64_t ahead = pos - r->spec_pos;
	if (ahead < 0)
		ahead += t->frames;   /* looped */
	if (!r->spec_on || ahead > 4 * window) {
		/* a jump (a new reference, a rewind): the last window afresh */
		spectrum_init(&r->spec, t->rate, SPEC_SECONDS);
		r->spec_on = true;
		ahead = window;
	}
	int64_t from = pos - ahead;
	if (from < 0)
		from += t->frames;
	while (ahead > 0) {
		int64_t n = t->frames - from < ahead ? t->frames - from : ahead;
		spectrum_add(&r->spec, t->data + 2 * from, (size_t)n);
		ahead -= n;
		from = (from + n) % t->frames;
	}
	r->spec_pos = pos;
	spectrum_read(&r->spec, r->spec_db);
}

void ui_ref_poll(ui_app_t *app, ui_mix_t *m)
{
	ui_ref_t *r = m->ref ? m->ref : get(app);
	if (!r)
		return;
	if (!r->song_seen)
		song_reference(app, r);
	bridge_t *b = app->bridge;
	if (b)
		bridge_collect(b);
	for (int i = 0; i < r->nold;) {
		if (!b || !bridge_reference_busy(b, r->old[i])) {
			reftrack_free(r->old[i]);
			r->old[i] = r->old[--r->nold];
		} else {
			i++;
		}
	}
	if (r->job && reftrack_job_done(r->job)) {
		char err[1300];
		reftrack_t *n = reftrack_job_finish(r->job, err, sizeof(err));
		r->job = NULL;
		if (!n) {
			app_msg(app, true, "reference: %s", err);
		} else if (r->job_quiet) {
			/* the song's, unless another song came meanwhile */
			char full[UI_PATH_MAX];
			if (song_ref_path(app, full, sizeof(full)) && !strcmp(full, n->path) &&
			    r->nold < OLD_MAX)
				replace(r, n);
			else
				reftrack_free(n);
		} else {
			replace(r, n);
			remember(app, n->path);
			char key[32];
			app_msg(app, false, "reference %s: %.1f LUFS, LRA %.1f LU, TP %.1f dBTP (%s: hear it)",
			        base_name(n->path), n->lufs, n->lra, n->true_peak, ab_key(key, sizeof(key)));
		}
		app->redraw = true;
	}
	/* A bridge at another rate (the device changed): the same file anew,
	 * once (a file gone since keeps the reference it gave). */
	if (b && r->cur && r->cur->rate != play_rate(app) && r->reload_rate != play_rate(app) &&
	    !r->job && r->nold < OLD_MAX) {
		r->reload_rate = play_rate(app);
		load_start(app, r, r->cur->path);
	}

	/* The match. */
	double mix = ui_mix_target(m);
	r->fallback = false;
	if (r->match == MATCH_MIX) {
		if (isfinite(m->reading.integrated))
			mix = m->reading.integrated;
		else
			r->fallback = true;
	}
	r->gain_db = r->cur && r->match != MATCH_OFF ? (float)reftrack_match_gain(r->cur->lufs, mix)
	                                              : 0.0f;

	if (!b)
		return;
	bool resend = false;
	/* a reference at another rate would play at the wrong speed: none
	 * until it is loaded anew */
	bool fits = !r->cur || r->cur->rate == play_rate(app);
	if (fits && (r->dirty || (r->cur && !bridge_reference_busy(b, r->cur)))) {
		if (!bridge_set_reference(b, r->cur))
			return;   /* the ring is full: next time */
		r->dirty = false;
		resend = true;
	}
	if (resend || !r->chose_ok || r->want != r->sent_want ||
	    fabsf(r->gain_db - r->sent_gain) >= GAIN_STEP_DB) {
		r->chose_ok = bridge_choose_reference(b, r->want && r->cur, r->gain_db);
		r->sent_want = r->want;
		r->sent_gain = r->gain_db;
	}
	if (ms_since(&r->read_at) >= READ_MS) {
		clock_gettime(CLOCK_MONOTONIC, &r->read_at);
		spectrum_follow(app, r);
		if (app->page == PAGE_MASTER)
			app->redraw = true;
	}
}

int ui_ref_draw(ui_app_t *app, int y, int x, int h)
{
	ui_ref_t *r = app->mix ? app->mix->ref : NULL;
	const reftrack_t *t = r ? r->cur : NULL;
	int w = app->cols - x;
	char b[1400];
	if (h < 1 || w < 10)
		return 0;
	attrset(app_color(app, PAIR_HEADER));
	if (r && r->job) {
		snprintf(b, sizeof(b), "Reference   loading %s", base_name(r->job_path));
		mvaddnstr(y, x, b, w);
		attrset(AT_NORMAL);
		if (!t)
			return 1;
	} else if (!t) {
		mvaddnstr(y, x, "Reference   ^G loads a WAV or FLAC", w);
		attrset(AT_NORMAL);
		return 1;
	} else {
		snprintf(b, sizeof(b), "Reference   %s", base_name(t->path));
		mvaddnstr(y, x, b, w);
	}
	attrset(AT_NORMAL);
	int used = 1;
	if (used < h) {
		char tp[32];
		snprintf(tp, sizeof(tp), isfinite(t->true_peak) ? "%.1f" : "-inf", t->true_peak);
		snprintf(b, sizeof(b), "  %.1f LUFS  LRA %.1f LU  TP %s dBTP", t->lufs, t->lra, tp);
		mvaddnstr(y + used++, x, b, w);
	}
	if (used < h) {
		bool heard = ui_ref_heard(app);
		if (r->match == MATCH_OFF)
			snprintf(b, sizeof(b), "  not matched");
		else if (r->match == MATCH_TARGET || r->fallback)
			snprintf(b, sizeof(b), "  %+.1f dB to target %.0f%s", (double)r->gain_db,
			         (double)ui_mix_target(app->mix), r->fallback ? " (mix unmeasured)" : "");
		else
			snprintf(b, sizeof(b), "  %+.1f dB to the mix %.1f", (double)r->gain_db,
			         app->mix->reading.integrated);
		mvaddnstr(y + used, x, b, w);
		int n = (int)strlen(b);
		const char *mark = heard ? " REF heard" : r->want ? " switching" : " mix heard";
		if (n + (int)strlen(mark) < w) {
			attrset(heard ? app_color(app, PAIR_EDIT) : app_color(app, PAIR_HEADER));
			mvaddstr(y + used, x + n + 1, mark);
			attrset(AT_NORMAL);
		}
		used++;
	}
	return used;
}

const float *ui_ref_spectrum(ui_app_t *app)
{
	ui_ref_t *r = app->mix ? app->mix->ref : NULL;
	if (!r || !r->cur || !r->spec_on)
		return NULL;
	for (int k = 0; k < SPECTRUM_BANDS; k++)
		r->heard_db[k] = r->spec_db[k] + r->gain_db;
	return r->heard_db;
}

bool ui_ref_heard(const ui_app_t *app)
{
	return app->bridge && app->snap.ref_heard;
}

void ui_ref_free(ui_app_t *app)
{
	ui_ref_t *r = app->mix ? app->mix->ref : NULL;
	if (!r)
		return;
	/* the screen is closing: the audio side is gone already */
	if (r->job) {
		char err[1300];
		reftrack_free(reftrack_job_finish(r->job, err, sizeof(err)));
	}
	for (int i = 0; i < r->nold; i++)
		reftrack_free(r->old[i]);
	reftrack_free(r->cur);
	free(r);
	app->mix->ref = NULL;
}
