/*
 * ui_mix: the state the mixer and master pages share, and the work they
 * do every turn of the UI loop (see ui_mix.h).
 *
 * Why the master's loudness is measured here and not on the audio
 * thread: libebur128 would have to be proven never to allocate, lock or
 * stall.  Instead the audio side copies each period into the bridge's
 * tap ring (a memcpy, dropped when the ring is full) and this thread
 * runs the meters at leisure; a slow UI loses a little of the reading,
 * never a period of sound.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "ui_mix.h"
#include "ui_ref.h"

#define HOLD_MS      2000     /* a peak hold stays this long */
#define READ_MS      100      /* loudness and spectrum readings */
#define SPEC_SECONDS 0.3

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

ui_mix_t *ui_mix_get(ui_app_t *app)
{
	if (!app->mix) {
		app->mix = calloc(1, sizeof(ui_mix_t));
		if (app->mix) {
			app->mix->custom_target = -16.0f;
			app->mix->reading.momentary = app->mix->reading.shortterm = -HUGE_VAL;
			app->mix->reading.integrated = app->mix->reading.true_peak = -HUGE_VAL;
			for (int k = 0; k < SPECTRUM_BANDS; k++)
				app->mix->spec_db[k] = -HUGE_VALF;   /* nothing heard yet */
		}
	}
	return app->mix;
}

void ui_mix_free(ui_app_t *app)
{
	ui_mix_t *m = app->mix;
	if (!m)
		return;
	ui_ref_free(app);
	loudness_destroy(m->loud);
	if (m->ab_ok)
		mixab_deinit(&m->ab);
	free(m);
	app->mix = NULL;
}

/* A new bridge (a song opened, sound started): it copied the song as it
 * is, so the sync starts from there; the meters start over. */
static void new_bridge(ui_app_t *app, ui_mix_t *m)
{
	m->bridge = app->bridge;
	m->stale = false;
	m->flipped = false;
	if (m->ab_ok)
		m->ab.on = false;
	memset(m->clip, 0, sizeof(m->clip));
	memset(m->hold, 0, sizeof(m->hold));
	if (!m->bridge)
		return;
	mixsync_reset(&m->sync, &app->song);
	bridge_tap(m->bridge, true);
	int rate = alsa_out_rate(app->out);
	if (rate != m->rate || !m->loud) {
		loudness_destroy(m->loud);
		m->loud = loudness_create(rate);
		if (m->ab_ok)
			mixab_deinit(&m->ab);
		m->ab_ok = mixab_init(&m->ab, rate) == 0;
		m->rate = rate;
	}
	if (m->loud)
		loudness_reset(m->loud);
	spectrum_init(&m->spec, rate, SPEC_SECONDS);
	m->dropped = bridge_tap_dropped(m->bridge);
}

static void meter_hold(ui_mix_t *m, int i, float pk)
{
	if (pk >= m->hold[i] || ms_since(&m->hold_at[i]) > HOLD_MS) {
		m->hold[i] = pk;
		clock_gettime(CLOCK_MONOTONIC, &m->hold_at[i]);
	}
	if (pk >= 1.0f)
		m->clip[i] = true;   /* latched until reset */
}

static void meters(ui_app_t *app, ui_mix_t *m)
{
	for (int ch = 0; ch < app->song.channels; ch++)
		meter_hold(m, ch, app->snap.post[ch].peak);
	meter_hold(m, SONG_MAX_CHANNELS, app->snap.master.peak);
}

void ui_mix_poll(ui_app_t *app)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return;
	if (app->bridge != m->bridge || m->stale)
		new_bridge(app, m);
	bridge_t *b = m->bridge;
	if (!b) {
		ui_ref_poll(app, m);   /* a reference loads without sound too */
		return;
	}
	/* Song changes first, at the offset already playing: an edit of the
	 * side heard measures it afresh (not a flip: that side has its own
	 * measurement).  Then the offset for what is heard now. */
	int r = mixsync_run(&m->sync, b, &app->song, m->sync.offset);
	if (r > 0 && m->ab_ok && !m->flipped)
		mixab_changed(&m->ab);
	if (r >= 0)
		m->flipped = false;
	float offset = m->ab_ok ? mixab_offset(&m->ab) : 0.0f;
	if (r >= 0 && offset != m->sync.offset)
		mixsync_run(&m->sync, b, &app->song, offset);

	bool playing = app->snap.playing;
	if (playing && !m->was_playing) {
		if (m->loud)
			loudness_reset(m->loud);
		spectrum_reset(&m->spec);
	}
	m->was_playing = playing;
	int n;
	while ((n = bridge_tap_read(b, m->tap)) > 0) {
		if (!playing)
			continue;
		if (m->loud)
			loudness_add(m->loud, m->tap, (size_t)n);
		spectrum_add(&m->spec, m->tap, (size_t)n);
		if (m->ab_ok)
			mixab_feed(&m->ab, m->tap, (size_t)n, m->sync.offset);
	}
	m->dropped = bridge_tap_dropped(b);
	meters(app, m);
	if (ms_since(&m->read_at) >= READ_MS) {
		clock_gettime(CLOCK_MONOTONIC, &m->read_at);
		if (m->loud)
			loudness_read(m->loud, &m->reading);
		spectrum_read(&m->spec, m->spec_db);
		if (app->page == PAGE_MIXER || app->page == PAGE_MASTER)
			app->redraw = true;
	}
	ui_ref_poll(app, m);
}

void ui_mix_reset(ui_app_t *app)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return;
	m->stale = true;
	if (m->ab_ok)
		m->ab.on = false;
	ui_ref_song_changed(app);
	m->ch = m->first = m->row = m->unit = m->param = 0;
	m->mrow = m->mtop = 0;
}

void ui_mix_edit_begin(ui_app_t *app, const char *what)
{
	app_edit_begin(app, what, -1, false);
	undo_save_mixer(app->undo, &app->song);
}

void ui_mix_edit_end(ui_app_t *app)
{
	app_edit_end(app, EDIT_OK);
}

/* ---- values ------------------------------------------------------------- */

/* Log parameters whose range starts at 0 (a filter's "off"): the scale
 * runs from a thousandth of the top, and under it is 0. */
static float log_floor(const fx_param_desc_t *d)
{
	return d->min > 0.0f ? d->min : d->max / 1000.0f;
}

void ui_mix_format(const fx_param_desc_t *d, float v, char *buf, size_t n)
{
	if (d->choices) {
		int i = (int)lrintf(v);
		int k = 0;
		while (d->choices[k] && k < i)
			k++;
		snprintf(buf, n, "%s", d->choices[k] && k == i ? d->choices[k] : "?");
		return;
	}
	if (d->log && d->min <= 0.0f && v <= 0.0f) {
		snprintf(buf, n, "off");
		return;
	}
	const char *u = d->unit ? d->unit : "";
	if (!strcmp(u, "Hz") && v >= 1000.0f)
		snprintf(buf, n, "%.3g kHz", (double)v / 1000.0);   /* not 1.2e+03 */
	else if (fabsf(v) >= 100.0f || (!strcmp(u, "%") && v == roundf(v)))
		snprintf(buf, n, "%.0f%s%s", (double)v, *u ? " " : "", u);
	else
		snprintf(buf, n, "%.*f%s%s", fabsf(v) < 10.0f ? 2 : 1, (double)v, *u ? " " : "", u);
}

float ui_mix_step(const fx_param_desc_t *d, float v, int dir)
{
	if (d->choices) {
		float x = floorf(v + 0.5f) + (dir > 0 ? 1.0f : dir < 0 ? -1.0f : 0.0f);
		return x < d->min ? d->min : x > d->max ? d->max : x;
	}
	float x;
	if (d->log) {
		float lo = log_floor(d);
		float pos = v < lo ? -0.01f : logf(v / lo) / logf(d->max / lo);
		pos += (float)dir * 0.01f;
		x = pos < 0.0f ? (d->min <= 0.0f ? 0.0f : d->min) : lo * powf(d->max / lo, pos);
		/* three significant digits: 1234.5 Hz steps read as 1230 */
		if (x > 0.0f) {
			float mag = powf(10.0f, floorf(log10f(x)) - 2.0f);
			x = roundf(x / mag) * mag;
		}
		if (dir > 0 && x <= v)
			x = v + (d->max - d->min) * 0.001f;
	} else {
		float range = d->max - d->min, step = range / 100.0f;
		/* whole units where the range is wide: dB in 0.5 dB, ms in ms */
		if (range >= 40.0f && range <= 200.0f)
			step = 0.5f;
		else if (range > 200.0f)
			step = roundf(range / 100.0f);
		x = v + step * (float)dir;
		x = roundf(x / step) * step;
	}
	return x < d->min ? d->min : x > d->max ? d->max : x;
}

bool ui_mix_parse(const fx_param_desc_t *d, const char *text, float *out)
{
	while (*text == ' ')
		text++;
	if (d->choices) {
		for (int k = 0; d->choices[k]; k++)
			if (!strcmp(d->choices[k], text)) {
				*out = (float)k;
				return true;
			}
	}
	if (d->log && d->min <= 0.0f && !strcmp(text, "off")) {
		*out = 0.0f;
		return true;
	}
	char *end;
	float x = strtof(text, &end);
	while (*end == ' ')
		end++;
	if (end == text || !isfinite(x))
		return false;
	if (*end == 'k' || *end == 'K') {
		x *= 1000.0f;
		end++;
	}
	(void)end;   /* a unit typed after the number is fine */
	if (d->choices)
		x = floorf(x + 0.5f);
	*out = x < d->min ? d->min : x > d->max ? d->max : x;
	return true;
}

float ui_mix_db(float linear)
{
	return linear > 1e-9f ? gain_to_db(linear) : -180.0f;
}

float ui_mix_target(const ui_mix_t *m)
{
	return m->target == TARGET_STREAMING ? -14.0f : m->target == TARGET_CLUB ? -9.0f :
	       m->custom_target;
}

void ui_mix_hbar(ui_app_t *app, int y, int x, int width, float db)
{
	/* 8 steps a cell; 60 dB over the width */
	static const char *const eighths[8] = {
		" ", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
		"\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89",
	};
	float f = (db + 60.0f) / 60.0f;
	int units = f <= 0.0f ? 0 : f >= 1.0f ? width * 8 : (int)(f * (float)width * 8.0f);
	for (int i = 0; i < width; i++) {
		float cell_db = -60.0f + 60.0f * (float)i / (float)width;
		int pair = cell_db >= -6.0f ? PAIR_METER_HIGH : cell_db >= -18.0f ? PAIR_METER_MID :
		           PAIR_METER_LOW;
		int u = units - i * 8;
		attrset(app_color(app, pair));
		if (u >= 8)
			mvaddstr(y, x + i, app->ascii ? "#" : "\xe2\x96\x88");
		else if (u > 0)
			mvaddstr(y, x + i, app->ascii ? (u >= 4 ? "=" : "-") : eighths[u]);
		else
			mvaddstr(y, x + i, app->ascii ? "." : "\xc2\xb7");
	}
	attrset(AT_NORMAL);
}

/* ---- A/B ------------------------------------------------------------------- */

void ui_mix_ab(ui_app_t *app, ui_cmd_t cmd)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return;
	if (!m->ab_ok) {
		/* No sound yet, or none at all: the meters need a rate. */
		if (mixab_init(&m->ab, app->bridge ? alsa_out_rate(app->out) : 48000) != 0) {
			app_msg(app, true, "A/B: out of memory");
			return;
		}
		m->ab_ok = true;
		m->rate = m->rate ? m->rate : m->ab.rate;
	}
	mixab_t *ab = &m->ab;
	switch (cmd) {
	case CMD_AB:
		if (!ab->on) {
			mixab_start(ab, &app->song);
			app_msg(app, false, "A/B: A holds the mix as it was; you hear and edit B");
			break;
		}
		/* A flip is an undoable step: undo brings the other mix back. */
		ui_mix_edit_begin(app, "A/B flip");
		mixab_flip(ab, &app->song);
		ui_mix_edit_end(app);
		m->flipped = true;
		app_msg(app, false, "A/B: hearing %c", "AB"[ab->cur]);
		break;
	case CMD_AB_KEEP:
		if (!ab->on) {
			app_msg(app, true, "A/B is off (A starts it)");
			break;
		}
		mixab_keep(ab);
		app_msg(app, false, "A/B: kept %c, the other mix is dropped", "AB"[ab->cur]);
		break;
	case CMD_AB_MATCH:
		ab->match = !ab->match;
		app_msg(app, false, "A/B level matching %s", ab->match ? "on" : "off");
		break;
	default:
		break;
	}
	app->redraw = true;
}
