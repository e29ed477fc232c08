/*
 * ui_master: the master page.  On the left, the master's settings: its
 * level, then the limiter, glue compressor and EQ, each switched on or
 * off and every parameter from the unit's own table.  On the right, the
 * live readings of the master output (taken from the bridge's tap on
 * the UI thread, see ui_mix.c): momentary, short-term and integrated
 * loudness, loudness range, true peak, stereo correlation, the
 * limiter's gain reduction, how far the song is from a loudness target
 * (streaming -14, club -9 or a custom one), and a third-octave
 * spectrum.  Every change is an undoable mixer edit, heard at once.
 *
 * `l` measures the song offline: the render of `beatty info --loudness`
 * on a copy of the song, in a thread, while the page goes on; then its
 * integrated loudness, range and true peak, without playing it through.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ui_mix.h"
#include "ui_ref.h"
#include "ui_render.h"

#define LEFT_W 38

typedef enum { MF_VOLUME, MF_SWITCH, MF_PARAM } mf_kind_t;

typedef struct mfield {
	mf_kind_t kind;
	int unit;          /* 0 EQ, 1 compressor, 2 limiter (ENGINE_FX_MASTER order) */
	int param;
} mfield_t;

static const char *const unit_title[3] = { "EQ", "Glue compressor", "Limiter" };
static const char *const target_names[TARGET_COUNT] = { "streaming", "club", "custom" };

/* The offline measurement: one at a time, for the one screen there is. */
static struct {
	ui_render_t *job;
	bool have;
	uint64_t gen;          /* the song's edit generation it measured */
	render_result_t res;
} offline;

static void offline_text(char *b, size_t n)
{
	const render_result_t *r = &offline.res;
	char lufs[32], tp[32];
	snprintf(lufs, sizeof(lufs), isfinite(r->lufs) ? "%.1f LUFS" : "silent", r->lufs);
	snprintf(tp, sizeof(tp), isfinite(r->true_peak) ? "%.1f dBTP" : "-inf dBTP", r->true_peak);
	snprintf(b, n, "%s integrated, LRA %.1f LU, true peak %s", lufs,
	         isfinite(r->lra) ? r->lra : 0.0, tp);
}

static void offline_poll(ui_app_t *app)
{
	if (!offline.job)
		return;
	bool done;
	ui_render_progress(offline.job, &done);
	app->redraw = true;   /* the progress moves */
	if (!done)
		return;
	char err[512], b[160];
	int rc = ui_render_finish(offline.job, &offline.res, err, sizeof(err));
	offline.job = NULL;
	if (rc != 0) {
		app_msg(app, true, "loudness: %s", err);
		return;
	}
	offline.have = true;
	offline_text(b, sizeof(b));
	app_msg(app, false, "measured offline: %s", b);
}

static void offline_start(ui_app_t *app)
{
	if (offline.job) {
		app_msg(app, true, "the song is being measured already");
		return;
	}
	render_opts_t o;
	render_opts_default(&o);
	char err[512];
	offline.job = ui_render_measure(&app->song, &o, err, sizeof(err));
	if (!offline.job) {
		app_msg(app, true, "loudness: %s", err);
		return;
	}
	offline.gen = app->gen;
	app_msg(app, false, "measuring the song offline, in the background");
}

static void offline_free(ui_app_t *app)
{
	if (offline.job) {
		render_result_t res;
		char err[512];
		ui_render_finish(offline.job, &res, err, sizeof(err));
		offline.job = NULL;
	}
	offline.have = false;
}

static void offline_draw(ui_app_t *app, int y, int x)
{
	char b[200], t[160];
	if (offline.job) {
		bool done;
		double fr = ui_render_progress(offline.job, &done);
		snprintf(b, sizeof(b), "Offline     measuring %3d%%", (int)(fr * 100));
	} else if (offline.have) {
		offline_text(t, sizeof(t));
		snprintf(b, sizeof(b), "Offline     %s%s", t, app->gen != offline.gen ? " (edited since)" : "");
	} else {
		snprintf(b, sizeof(b), "Offline     l measures the whole song");
	}
	mvaddnstr(y, x, b, app->cols - x);
}

static fx_unit_t *munit(song_t *s, int k)
{
	return k == 0 ? &s->master.eq : k == 1 ? &s->master.comp : &s->master.limiter;
}

static bool *mswitch(song_t *s, int k)
{
	return k == 0 ? &s->master.eq_on : k == 1 ? &s->master.comp_on : &s->master.limiter_on;
}

/* The settings in page order: level, limiter, compressor, EQ. */
static int fields(const song_t *s, mfield_t *f)
{
	int n = 0;
	f[n++] = (mfield_t){ MF_VOLUME, 0, 0 };
	static const int order[3] = { 2, 1, 0 };
	for (int i = 0; i < 3; i++) {
		int k = order[i];
		f[n++] = (mfield_t){ MF_SWITCH, k, 0 };
		const fx_ops_t *ops = fx_ops(munit((song_t *)s, k)->type);
		for (int p = 0; ops && p < ops->nparams; p++)
			f[n++] = (mfield_t){ MF_PARAM, k, p };
	}
	return n;
}

#define MAX_FIELDS (1 + 3 * (1 + FX_MAX_PARAMS))

static const fx_param_desc_t *field_desc(song_t *s, const mfield_t *f)
{
	const fx_ops_t *ops = fx_ops(munit(s, f->unit)->type);
	return f->kind == MF_PARAM && ops && f->param < ops->nparams ? &ops->params[f->param] : NULL;
}

static void lufs_text(double v, const char *unit, char *buf, size_t n)
{
	if (!isfinite(v) || v < -99.0)
		snprintf(buf, n, "  -inf %s", unit);
	else
		snprintf(buf, n, "%6.1f %s", v, unit);
}

static void draw_settings(ui_app_t *app, ui_mix_t *m, int top, int h)
{
	song_t *s = &app->song;
	mfield_t f[MAX_FIELDS];
	int n = fields(s, f);
	if (m->mrow >= n)
		m->mrow = n - 1;
	if (m->mrow < m->mtop)
		m->mtop = m->mrow;
	if (m->mrow >= m->mtop + h)
		m->mtop = m->mrow - h + 1;
	for (int i = 0; i < h && m->mtop + i < n; i++) {
		const mfield_t *x = &f[m->mtop + i];
		char b[96], val[48];
		int attr = AT_NORMAL;
		if (x->kind == MF_VOLUME) {
			snprintf(b, sizeof(b), " %-22s %+.1f dB", "Master level", (double)s->master.volume);
			attr = AT_BOLD;
		} else if (x->kind == MF_SWITCH) {
			snprintf(b, sizeof(b), " %-22s %s", unit_title[x->unit], *mswitch(s, x->unit) ? "on" : "off");
			attr = app_color(app, PAIR_HEADER) | AT_BOLD;
		} else {
			const fx_param_desc_t *d = field_desc(s, x);
			ui_mix_format(d, munit(s, x->unit)->param[x->param], val, sizeof(val));
			snprintf(b, sizeof(b), "   %-20s %s", d->name, val);
			if (!*mswitch(s, x->unit))
				attr = app_color(app, PAIR_DISABLED);
		}
		attrset(m->mtop + i == m->mrow ? app_color(app, PAIR_CURSOR) : attr);
		mvaddnstr(top + i, 0, b, LEFT_W);
		attrset(AT_NORMAL);
	}
}

static void draw_spectrum(ui_app_t *app, ui_mix_t *m, int top, int x, int h)
{
	static const char *const blocks[9] = {
		" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
	};
	const float *ref = ui_ref_spectrum(app);
	/* -60..0 dB over the height */
	for (int k = 0; k < SPECTRUM_BANDS && x + k < app->cols; k++) {
		float f = (m->spec_db[k] + 60.0f) / 60.0f;
		int units = !(f > 0.0f) ? 0 : f >= 1.0f ? h * 8 : (int)(f * (float)h * 8.0f);   /* NaN: 0 */
		for (int r = 0; r < h; r++) {
			int u = units - r * 8;
			u = u < 0 ? 0 : u > 8 ? 8 : u;
			attrset(app_color(app, PAIR_METER_LOW));
			if (app->ascii)
				mvaddstr(top + h - 1 - r, x + k, u == 8 ? "#" : u >= 4 ? "=" : u > 0 ? "_" : " ");
			else
				mvaddstr(top + h - 1 - r, x + k, blocks[u]);
		}
		/* the reference's level of the band, as heard, over the mix's bar */
		float rf = ref ? (ref[k] + 60.0f) / 60.0f : 0.0f;
		if (rf > 0.0f) {
			int r = rf >= 1.0f ? h - 1 : (int)(rf * (float)h);
			r = r > h - 1 ? h - 1 : r;
			attrset(app_color(app, PAIR_MARKER));
			mvaddstr(top + h - 1 - r, x + k, app->ascii ? "-" : "\xe2\x94\x80");
		}
	}
	attrset(app_color(app, PAIR_HEADER));
	static const int marks[] = { 2, 8, 17, 27 };   /* 31 Hz, 125 Hz, 1 kHz, 10 kHz */
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (x + marks[i] + 3 < app->cols)
			mvaddstr(top + h, x + marks[i], spectrum_label(marks[i]));
	attrset(AT_NORMAL);
}

static void draw_readings(ui_app_t *app, ui_mix_t *m, int top, int x, int h)
{
	const loudness_reading_t *r = &m->reading;
	char b[128], v[48];
	int y = top;
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(y++, x, app->bridge ? "Master output (since play)" : "Master output (no sound)");
	attrset(AT_NORMAL);
	struct { const char *name; double val; const char *unit; } rows[] = {
		{ "Momentary", r->momentary, "LUFS" },
		{ "Short-term", r->shortterm, "LUFS" },
		{ "Integrated", r->integrated, "LUFS" },
	};
	for (int i = 0; i < 3; i++) {
		lufs_text(rows[i].val, rows[i].unit, v, sizeof(v));
		snprintf(b, sizeof(b), "%-12s%s", rows[i].name, v);
		mvaddstr(y, x, b);
		if (i < 2 && app->cols - x > 36)
			ui_mix_hbar(app, y, x + 24, app->cols - x - 25 > 14 ? 14 : app->cols - x - 25,
			            isfinite(rows[i].val) ? (float)rows[i].val : -100.0f);
		y++;
	}
	snprintf(b, sizeof(b), "%-12s%6.1f LU", "Range", r->range);
	mvaddstr(y++, x, b);
	lufs_text(r->true_peak, "dBTP", v, sizeof(v));
	snprintf(b, sizeof(b), "%-12s%s", "True peak", v);
	if (isfinite(r->true_peak) && r->true_peak > 0.0)
		attrset(app_color(app, PAIR_METER_CLIP));
	mvaddstr(y++, x, b);
	attrset(AT_NORMAL);
	snprintf(b, sizeof(b), "%-12s%+6.2f", "Correlation", r->correlation);
	mvaddstr(y++, x, b);
	snprintf(b, sizeof(b), "%-12s%6.1f dB", "Reduction", (double)-app->snap.reduction_db);
	mvaddstr(y++, x, b);
	float target = ui_mix_target(m);
	snprintf(b, sizeof(b), "Target %s %.0f LUFS", target_names[m->target], (double)target);
	attrset(app_color(app, PAIR_HEADER));
	mvaddstr(y++, x, b);
	attrset(AT_NORMAL);
	if (isfinite(r->integrated)) {
		double d = r->integrated - target;
		snprintf(b, sizeof(b), "  song is %.1f LU %s it", fabs(d), d >= 0.0 ? "above" : "below");
	} else {
		snprintf(b, sizeof(b), "  play to measure the song");
	}
	mvaddstr(y++, x, b);
	offline_draw(app, y++, x);
	if (m->dropped)
		mvprintw(y - 1, x + 28, "lost %llu", (unsigned long long)m->dropped);
	y += ui_ref_draw(app, y, x, top + h - y - 2 < 3 ? top + h - y - 2 : 3);
	int sh = top + h - y - 2;
	if (sh >= 2) {
		attrset(app_color(app, PAIR_HEADER));
		mvaddstr(y, x, "Spectrum (third octaves)");
		if (ui_ref_spectrum(app) && app->cols - x >= 36) {
			attrset(app_color(app, PAIR_MARKER));
			mvaddstr(y, x + 25, app->ascii ? "- reference" : "\xe2\x94\x80 reference");
		}
		y++;
		attrset(AT_NORMAL);
		draw_spectrum(app, m, y, x, sh > 8 ? 8 : sh);
	}
}

static void draw_master(ui_app_t *app, int top, int height)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return;
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(top, 0, " Master");
	attrset(AT_NORMAL);
	if (m->ab_ok && m->ab.on) {
		char b[64];
		snprintf(b, sizeof(b), "A/B: hearing %c", "AB"[m->ab.cur]);
		attrset(app_color(app, PAIR_EDIT));
		mvaddstr(top, 10, b);
		attrset(AT_NORMAL);
	}
	if (ui_ref_heard(app)) {
		attrset(app_color(app, PAIR_EDIT));
		mvaddstr(top, 26, " REFERENCE ");
		attrset(AT_NORMAL);
	}
	draw_settings(app, m, top + 1, height - 2);
	draw_readings(app, m, top, LEFT_W + 2, height - 1);
	attrset(app_color(app, PAIR_HEADER));
	mvaddnstr(top + height - 1, 0,
	          " +/- adjust  Enter type  t target  r reset  l measure  A A/B  ^G ref  R ref/mix  M mixer",
	          app->cols);
	attrset(AT_NORMAL);
}

/* ---- editing -------------------------------------------------------------- */

static void set_field(ui_app_t *app, const mfield_t *f, float v)
{
	song_t *s = &app->song;
	if (f->kind == MF_VOLUME) {
		v = v < SONG_LEVEL_MIN ? SONG_LEVEL_MIN : v > SONG_LEVEL_MAX ? SONG_LEVEL_MAX : v;
		if (v == s->master.volume)
			return;
		ui_mix_edit_begin(app, "master level");
		s->master.volume = v;
	} else if (f->kind == MF_SWITCH) {
		ui_mix_edit_begin(app, "master unit on/off");
		*mswitch(s, f->unit) = v != 0.0f;
	} else {
		float *p = &munit(s, f->unit)->param[f->param];
		if (*p == v)
			return;
		ui_mix_edit_begin(app, "master parameter");
		*p = v;
	}
	ui_mix_edit_end(app);
}

static bool cur_field(ui_app_t *app, ui_mix_t *m, mfield_t *out)
{
	mfield_t f[MAX_FIELDS];
	int n = fields(&app->song, f);
	if (m->mrow < 0 || m->mrow >= n)
		return false;
	*out = f[m->mrow];
	return true;
}

static void typed(ui_app_t *app, const char *t)
{
	ui_mix_t *m = ui_mix_get(app);
	mfield_t f;
	if (!t || !*t || !m || !cur_field(app, m, &f))
		return;
	if (f.kind == MF_SWITCH) {
		bool on = !strcmp(t, "on") || !strcmp(t, "1") || !strcmp(t, "yes");
		if (!on && strcmp(t, "off") && strcmp(t, "0") && strcmp(t, "no")) {
			app_msg(app, true, "%s: '%s' is not on or off", unit_title[f.unit], t);
			return;
		}
		set_field(app, &f, on ? 1.0f : 0.0f);
		return;
	}
	float v;
	if (f.kind == MF_VOLUME) {
		char *end;
		v = strtof(t, &end);
		if (end == t || !(v >= SONG_LEVEL_MIN && v <= SONG_LEVEL_MAX)) {
			app_msg(app, true, "master level: '%s' is not -96..12 dB", t);
			return;
		}
	} else {
		const fx_param_desc_t *d = field_desc(&app->song, &f);
		if (!ui_mix_parse(d, t, &v)) {
			app_msg(app, true, "%s: '%s' is not a value (%g..%g)", d->name, t, (double)d->min,
			        (double)d->max);
			return;
		}
	}
	set_field(app, &f, v);
}

static void target_typed(ui_app_t *app, const char *t)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!t || !*t || !m)
		return;
	char *end;
	float v = strtof(t, &end);
	if (end == t || !(v >= -40.0f && v <= 0.0f)) {
		app_msg(app, true, "target: '%s' is not -40..0 LUFS", t);
		return;
	}
	m->custom_target = v;
	m->target = TARGET_CUSTOM;
}

static bool master_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return false;
	mfield_t f;
	bool have = cur_field(app, m, &f);
	switch (cmd) {
	case CMD_UP: if (m->mrow > 0) m->mrow--; break;
	case CMD_DOWN: m->mrow++; break;   /* clamped when drawn */
	case CMD_FIELD_ADJUST:
		if (!have)
			break;
		if (f.kind == MF_VOLUME) {
			float v = app->song.master.volume + (abs(arg) >= 10 ? 3.0f : 0.5f) * (arg > 0 ? 1.0f : -1.0f);
			set_field(app, &f, roundf(v * 2.0f) / 2.0f);
		} else if (f.kind == MF_SWITCH) {
			set_field(app, &f, *mswitch(&app->song, f.unit) ? 0.0f : 1.0f);
		} else {
			const fx_param_desc_t *d = field_desc(&app->song, &f);
			set_field(app, &f, ui_mix_step(d, munit(&app->song, f.unit)->param[f.param], arg));
		}
		break;
	case CMD_FIELD_EDIT: {
		if (!have)
			break;
		char cur[64], label[80];
		if (f.kind == MF_VOLUME) {
			snprintf(cur, sizeof(cur), "%.1f", (double)app->song.master.volume);
			snprintf(label, sizeof(label), "master level (dB): ");
		} else if (f.kind == MF_SWITCH) {
			snprintf(cur, sizeof(cur), "%s", *mswitch(&app->song, f.unit) ? "on" : "off");
			snprintf(label, sizeof(label), "%s (on/off): ", unit_title[f.unit]);
		} else {
			const fx_param_desc_t *d = field_desc(&app->song, &f);
			float v = munit(&app->song, f.unit)->param[f.param];
			if (d->choices)
				ui_mix_format(d, v, cur, sizeof(cur));
			else
				snprintf(cur, sizeof(cur), "%g", (double)v);
			snprintf(label, sizeof(label), "%s %s: ", unit_title[f.unit], d->name);
		}
		app_prompt(app, label, cur, typed);
		break;
	}
	case CMD_MIX_DEFAULT:
		if (have && f.kind == MF_VOLUME)
			set_field(app, &f, 0.0f);
		else if (have && f.kind == MF_PARAM)
			set_field(app, &f, field_desc(&app->song, &f)->def);
		break;
	case CMD_TARGET:
		if (arg) {
			char cur[32];
			snprintf(cur, sizeof(cur), "%.1f", (double)m->custom_target);
			app_prompt(app, "custom loudness target (LUFS): ", cur, target_typed);
		} else {
			m->target = (m->target + 1) % TARGET_COUNT;
		}
		break;
	case CMD_METER_RESET:
		if (m->loud)
			loudness_reset(m->loud);
		memset(m->clip, 0, sizeof(m->clip));
		app_msg(app, false, "loudness readings reset");
		break;
	case CMD_AB: case CMD_AB_KEEP: case CMD_AB_MATCH: ui_mix_ab(app, cmd); break;
	case CMD_MEASURE: offline_start(app); break;
	case CMD_REF_LOAD: case CMD_REF_AB: case CMD_REF_MATCH: case CMD_REF_DROP:
		ui_ref_cmd(app, cmd);
		break;
	default:
		return false;
	}
	app->redraw = true;
	return true;
}

const ui_page_ops_t ui_page_master = {
	.name = "Master",
	.ctx = CTX_MASTER,
	.draw = draw_master,
	.cmd = master_cmd,
	.key = NULL,
	.poll = offline_poll,
	.free = offline_free,
};
