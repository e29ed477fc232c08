/*
 * ui_mixer: the mixer page.  One strip per channel (as many as the
 * width allows, scrolling sideways with the cursor): its name, a clip
 * light and peak hold, a post-fader meter (RMS and peak), fader, pan,
 * mute, solo and the two sends; then a strip per bus (its return
 * level; its one unit is edited below like a chain's); the master's
 * meter at the right.
 * Under the strips, the FX chain of the chosen channel and every
 * parameter of the chosen unit, laid out from the unit's parameter
 * table (fx.h), so a new unit or parameter needs no change here.
 *
 * Every change is an undoable mixer edit of the song; ui_mix_poll()
 * sends it to the audio side, where it is heard at once.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp.h"
#include "ui_mix.h"

#define STRIP_W     9
#define PARAM_ROWS  5
#define PARAM_W     26
#define METER_MIN   8       /* rows the strips need besides the meter */

static const char *const field_names[MIX_ROWS] = {
	"fader", "pan", "mute", "solo", "reverb send", "delay send", "chain", "parameter",
};

/* ---- helpers ----------------------------------------------------------- */

/* The strips: one per channel, then the buses in song->bus order. */
static const char *const bus_label[SONG_SENDS] = { "Rev", "Dly" };
static const char *const bus_name[SONG_SENDS] = { "reverb", "delay" };

static int nstrips(const ui_app_t *app)
{
	return app->song.channels + SONG_SENDS;
}

/* The channel under the cursor, or NULL on a bus strip. */
static channel_t *cur_channel(ui_app_t *app, ui_mix_t *m)
{
	if (m->ch >= nstrips(app))
		m->ch = nstrips(app) - 1;
	if (m->ch < 0)
		m->ch = 0;
	return m->ch < app->song.channels ? &app->song.channel[m->ch] : NULL;
}

/* The bus under the cursor, or -1 on a channel strip. */
static int cur_bus(ui_app_t *app, ui_mix_t *m)
{
	return cur_channel(app, m) ? -1 : m->ch - app->song.channels;
}

/* Rows a bus strip has: its return level, then its unit. */
static bool bus_row(int row)
{
	return row == MIX_FADER || row >= MIX_CHAIN;
}

/* The unit under the cursor, or NULL when the chain is empty; a bus's
 * own unit on a bus strip. */
static fx_unit_t *cur_unit(ui_app_t *app, ui_mix_t *m)
{
	channel_t *c = cur_channel(app, m);
	if (!c) {
		m->unit = 0;
		return &app->song.bus[cur_bus(app, m)].fx;
	}
	if (m->unit >= c->nfx)
		m->unit = c->nfx - 1;
	if (m->unit < 0)
		m->unit = 0;
	return c->nfx ? &c->fx[m->unit] : NULL;
}

/* Parameters of a unit as the page lists them: its table, then the
 * sidechain for a compressor. */
static int unit_entries(const fx_unit_t *u)
{
	const fx_ops_t *ops = fx_ops(u->type);
	return (ops ? ops->nparams : 0) + (u->type == FX_COMP ? 1 : 0);
}

static void sidechain_text(uint64_t mask, char *buf, size_t n)
{
	buf[0] = 0;
	size_t len = 0;
	for (int c = 0; c < SONG_MAX_CHANNELS && len + 8 < n; c++) {
		if (!(mask & (1ull << c)))
			continue;
		int e = c;
		while (e + 1 < SONG_MAX_CHANNELS && (mask & (1ull << (e + 1))))
			e++;
		if (e > c + 1)
			len += (size_t)snprintf(buf + len, n - len, "%s%d-%d", len ? " " : "", c + 1, e + 1);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s%d", len ? " " : "", c + 1);
		c = e > c + 1 ? e : c;
	}
	if (!len)
		snprintf(buf, n, "none");
}

/* "2 5-8" -> bits 1, 4..7.  False on anything else. */
static bool sidechain_parse(const char *t, int channels, uint64_t *out)
{
	uint64_t mask = 0;
	while (*t) {
		while (*t == ' ' || *t == ',')
			t++;
		if (!*t)
			break;
		if (!strcmp(t, "none"))
			break;
		char *end;
		long a = strtol(t, &end, 10), b = a;
		if (end == t)
			return false;
		t = end;
		if (*t == '-') {
			b = strtol(t + 1, &end, 10);
			if (end == t + 1)
				return false;
			t = end;
		}
		if (a < 1 || b > channels || a > b)
			return false;
		for (long c = a; c <= b; c++)
			mask |= 1ull << (c - 1);
	}
	*out = mask;
	return true;
}

static void pan_text(float pan, char *buf, size_t n)
{
	int p = (int)lrintf(pan * 100.0f);
	if (p == 0)
		snprintf(buf, n, "C");
	else
		snprintf(buf, n, "%c%d", p < 0 ? 'L' : 'R', abs(p));
}

static void send_text(char tag, float db, char *buf, size_t n)
{
	if (db < SONG_LEVEL_MIN)
		snprintf(buf, n, "%c off", tag);
	else
		snprintf(buf, n, "%c%+.1f", tag, (double)db);
}

/* ---- drawing ------------------------------------------------------------ */

static const char *const vblocks[9] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

/* A vertical meter column of h rows whose bottom is at y: 60 dB over
 * the height, in eighths of a row. */
static void vbar(ui_app_t *app, int y, int x, int h, float db)
{
	float f = (db + 60.0f) / 60.0f;
	int units = f <= 0.0f ? 0 : f >= 1.0f ? h * 8 : (int)(f * (float)h * 8.0f);
	for (int r = 0; r < h; r++) {
		float row_db = -60.0f + 60.0f * (float)r / (float)h;
		int pair = row_db >= -6.0f ? PAIR_METER_HIGH : row_db >= -18.0f ? PAIR_METER_MID :
		           PAIR_METER_LOW;
		int u = units - r * 8;
		u = u < 0 ? 0 : u > 8 ? 8 : u;
		attrset(app_color(app, pair));
		if (app->ascii)
			mvaddstr(y - r, x, u == 8 ? "#" : u >= 4 ? "=" : u > 0 ? "_" : " ");
		else
			mvaddstr(y - r, x, vblocks[u]);
	}
	attrset(AT_NORMAL);
}

/* Meter with peak hold: RMS two columns wide, peak one, hold mark. */
static void meter(ui_app_t *app, ui_mix_t *m, int idx, engine_meter_t lv, int y, int x, int h)
{
	float rms = ui_mix_db(lv.rms), pk = ui_mix_db(lv.peak), hold = ui_mix_db(m->hold[idx]);
	vbar(app, y, x, h, rms);
	vbar(app, y, x + 1, h, rms);
	vbar(app, y, x + 2, h, pk);
	float f = (hold + 60.0f) / 60.0f;
	if (f > 0.0f) {
		int r = f >= 1.0f ? h - 1 : (int)(f * (float)h);
		attrset(app_color(app, PAIR_METER_PEAK));
		mvaddstr(y - r, x + 3, app->ascii ? "<" : "\xe2\x97\x82");
		attrset(AT_NORMAL);
	}
}

static void hold_text(ui_app_t *app, ui_mix_t *m, int idx, int y, int x)
{
	char b[16];
	if (m->clip[idx]) {
		attrset(app_color(app, PAIR_METER_CLIP));
		mvaddstr(y, x, "CLIP");
		attrset(AT_NORMAL);
		return;
	}
	float db = ui_mix_db(m->hold[idx]);
	if (db <= -100.0f)
		snprintf(b, sizeof(b), " -inf");
	else
		snprintf(b, sizeof(b), "%5.1f", (double)db);
	mvaddstr(y, x, b);
}

static void field(ui_app_t *app, ui_mix_t *m, int ch, int row, int y, int x, const char *text,
                  int attr)
{
	bool on = ch == m->ch && row == m->row;
	attrset(on ? app_color(app, PAIR_CURSOR) : attr);
	char b[16];
	snprintf(b, sizeof(b), "%-7.7s", text);
	mvaddstr(y, x, b);
	attrset(AT_NORMAL);
}

static void draw_strip(ui_app_t *app, ui_mix_t *m, int ch, int top, int x, int mh)
{
	const channel_t *c = &app->song.channel[ch];
	char b[64];
	snprintf(b, sizeof(b), "%d %.*s", ch + 1, STRIP_W - 3 - (ch >= 9), c->name);
	attrset(app_color(app, PAIR_HEADER) | (ch == m->ch ? AT_BOLD | AT_UNDERLINE : 0));
	mvaddnstr(top, x, b, STRIP_W - 1);
	attrset(AT_NORMAL);
	hold_text(app, m, ch, top + 1, x + 1);
	meter(app, m, ch, app->snap.post[ch], top + 1 + mh, x + 1, mh);
	int y = top + 2 + mh;
	snprintf(b, sizeof(b), "%+.1f", (double)c->volume);
	field(app, m, ch, MIX_FADER, y, x, b, AT_BOLD);
	pan_text(c->pan, b, sizeof(b));
	field(app, m, ch, MIX_PAN, y + 1, x, b, AT_NORMAL);
	field(app, m, ch, MIX_MUTE, y + 2, x, c->mute ? "MUTE" : "mute",
	      c->mute ? app_color(app, PAIR_MUTED) | AT_BOLD : app_color(app, PAIR_DISABLED));
	field(app, m, ch, MIX_SOLO, y + 3, x, c->solo ? "SOLO" : "solo",
	      c->solo ? app_color(app, PAIR_MUTED) | AT_BOLD : app_color(app, PAIR_DISABLED));
	send_text('r', c->send[0], b, sizeof(b));
	field(app, m, ch, MIX_SEND_R, y + 4, x, b, AT_NORMAL);
	send_text('d', c->send[1], b, sizeof(b));
	field(app, m, ch, MIX_SEND_D, y + 5, x, b, AT_NORMAL);
	for (int r = top; r < y + 6; r++)
		app_vbar(app, r, x + STRIP_W - 1, app_color(app, PAIR_DISABLED));
}

/* A bus: its name and return level (its meter is in the master's). */
static void draw_bus_strip(ui_app_t *app, ui_mix_t *m, int bus, int top, int x, int mh)
{
	const bus_t *bs = &app->song.bus[bus];
	int idx = app->song.channels + bus;
	char b[32];
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD | (idx == m->ch ? AT_UNDERLINE : 0));
	mvaddstr(top, x, bus_label[bus]);
	attrset(AT_NORMAL);
	int y = top + 2 + mh;
	attrset(app_color(app, PAIR_DISABLED));
	mvaddnstr(y - 1, x, bs->fx.bypass ? "(off)" : bus_name[bus], STRIP_W - 2);
	attrset(AT_NORMAL);
	snprintf(b, sizeof(b), "%+.1f", (double)bs->volume);
	field(app, m, idx, MIX_FADER, y, x, b, AT_BOLD);
	attrset(app_color(app, PAIR_DISABLED));
	mvaddstr(y + 1, x, "return");
	attrset(AT_NORMAL);
	for (int r = top; r < y + 6; r++)
		app_vbar(app, r, x + STRIP_W - 1, app_color(app, PAIR_DISABLED));
}

static void draw_master_strip(ui_app_t *app, ui_mix_t *m, int top, int x, int mh)
{
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddstr(top, x, "Master");
	attrset(AT_NORMAL);
	hold_text(app, m, SONG_MAX_CHANNELS, top + 1, x + 1);
	meter(app, m, SONG_MAX_CHANNELS, app->snap.master, top + 1 + mh, x + 1, mh);
	char b[32];
	int y = top + 2 + mh;
	snprintf(b, sizeof(b), "%+.1f", (double)app->song.master.volume);
	mvaddstr(y, x, b);
	snprintf(b, sizeof(b), "GR%4.1f", (double)-app->snap.reduction_db);
	mvaddstr(y + 1, x, b);
	if (isfinite(m->reading.shortterm)) {
		snprintf(b, sizeof(b), "S%5.1f", m->reading.shortterm);
		mvaddstr(y + 2, x, b);
	}
}

static void draw_chain(ui_app_t *app, ui_mix_t *m, int y, int height)
{
	channel_t *c = cur_channel(app, m);
	fx_unit_t *u = cur_unit(app, m);
	const fx_unit_t *units = c ? c->fx : u;
	int nfx = c ? c->nfx : 1;
	char b[128];
	if (c)
		snprintf(b, sizeof(b), " FX %d %.12s:", m->ch + 1, c->name);
	else
		snprintf(b, sizeof(b), " FX %s bus:", bus_label[cur_bus(app, m)]);
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddnstr(y, 0, b, app->cols);
	attrset(AT_NORMAL);
	int x = (int)strlen(b) + 1;
	if (!nfx) {
		attrset(m->row == MIX_CHAIN ? app_color(app, PAIR_CURSOR) : app_color(app, PAIR_DISABLED));
		mvaddstr(y, x, "(no units: a adds one)");
		attrset(AT_NORMAL);
	}
	for (int k = 0; k < nfx && x < app->cols - 12; k++) {
		const fx_ops_t *ops = fx_ops(units[k].type);
		snprintf(b, sizeof(b), "%d:%s%s", k + 1, ops ? ops->name : "?", units[k].bypass ? "(off)" : "");
		int attr = units[k].bypass ? app_color(app, PAIR_DISABLED) : AT_NORMAL;
		if (k == m->unit)
			attr = m->row == MIX_CHAIN ? app_color(app, PAIR_CURSOR) : attr | AT_UNDERLINE;
		attrset(attr);
		mvaddnstr(y, x, b, app->cols - x);
		attrset(AT_NORMAL);
		x += (int)strlen(b) + 2;
	}
	if (!u)
		return;
	const fx_ops_t *ops = fx_ops(u->type);
	int n = unit_entries(u), rows = height;
	for (int i = 0; i < n; i++) {
		int col = i / rows, r = i % rows;
		int px = 1 + col * PARAM_W;
		if (px + PARAM_W > app->cols)
			break;
		char val[48];
		const char *name;
		if (ops && i < ops->nparams) {
			name = ops->params[i].name;
			ui_mix_format(&ops->params[i], u->param[i], val, sizeof(val));
		} else {
			name = "sidechain";
			sidechain_text(u->sidechain, val, sizeof(val));
		}
		snprintf(b, sizeof(b), "%-10.10s %-13.13s", name, val);
		bool on = m->row == MIX_PARAM && i == m->param;
		attrset(on ? app_color(app, PAIR_CURSOR) : u->bypass ? app_color(app, PAIR_DISABLED) : AT_NORMAL);
		mvaddnstr(y + 1 + r, px, b, app->cols - px);
		attrset(AT_NORMAL);
	}
}

static void draw_mixer(ui_app_t *app, int top, int height)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return;
	song_t *s = &app->song;
	cur_channel(app, m);
	int ns = nstrips(app);
	int nvis = (app->cols - (STRIP_W - 1)) / STRIP_W;   /* the master strip needs 8 */
	if (nvis < 1)
		nvis = 1;
	if (m->ch < m->first)
		m->first = m->ch;
	if (m->ch >= m->first + nvis)
		m->first = m->ch - nvis + 1;
	if (m->first > ns - nvis)
		m->first = ns - nvis > 0 ? ns - nvis : 0;

	/* header: which strips, A/B */
	char b[256];
	int last = m->first + nvis < ns ? m->first + nvis : ns;
	if (m->first < s->channels)
		snprintf(b, sizeof(b), " Mixer  channels %d-%d of %d%s%s", m->first + 1,
		         last < s->channels ? last : s->channels, s->channels,
		         last > s->channels ? ", buses" : "", ns > nvis ? " (Left/Right scroll)" : "");
	else
		snprintf(b, sizeof(b), " Mixer  buses (Left/Right scroll)");
	attrset(app_color(app, PAIR_HEADER) | AT_BOLD);
	mvaddnstr(top, 0, b, app->cols);
	attrset(AT_NORMAL);
	if (m->ab_ok && m->ab.on) {
		float off = m->sync.offset;
		snprintf(b, sizeof(b), "A/B: hearing %c%s", "AB"[m->ab.cur],
		         !m->ab.match ? "  match off" : off < 0.0f ? "" : "  matching...");
		if (m->ab.match && off < 0.0f)
			snprintf(b + strlen(b), sizeof(b) - strlen(b), "  %+.1f dB", (double)off);
		attrset(app_color(app, PAIR_EDIT));
		mvaddnstr(top, app->cols - (int)strlen(b) - 1, b, (int)strlen(b));
		attrset(AT_NORMAL);
	} else {
		mvaddstr(top, app->cols - 12, "A/B: off");
	}

	/* header, name, hold, 6 fields, chain, params, hint: the rest is meter */
	int mh = height - (1 + 2 + 6 + 1 + PARAM_ROWS + 1);
	if (mh > 16)
		mh = 16;
	if (mh < 2)
		mh = 2;
	for (int i = 0; i < nvis && m->first + i < ns; i++) {
		int k = m->first + i;
		if (k < s->channels)
			draw_strip(app, m, k, top + 1, i * STRIP_W, mh);
		else
			draw_bus_strip(app, m, k - s->channels, top + 1, i * STRIP_W, mh);
	}
	draw_master_strip(app, m, top + 1, nvis * STRIP_W, mh);
	int y = top + 1 + 2 + mh + 6;
	int prow = top + height - 1 - y - 1;
	draw_chain(app, m, y, prow < 1 ? 1 : prow > PARAM_ROWS ? PARAM_ROWS : prow);
	snprintf(b, sizeof(b), " +/-/PgUp/PgDn adjust Enter type a/x add/del </> move b bypass"
	         " c sidech A A/B");
	attrset(app_color(app, PAIR_HEADER));
	mvaddnstr(top + height - 1, 0, b, app->cols);
	attrset(AT_NORMAL);
}

/* ---- editing ------------------------------------------------------------- */

static int param_rows(ui_app_t *app)
{
	return PARAM_ROWS;
}

/* New value of a strip field stepped by arg (1 fine, 10 coarse). */
static void adjust_strip(ui_app_t *app, ui_mix_t *m, int arg)
{
	channel_t *c = cur_channel(app, m);
	int dir = arg > 0 ? 1 : -1;
	bool coarse = abs(arg) >= 10;
	if (!c) {
		bus_t *bs = &app->song.bus[cur_bus(app, m)];
		float v = bs->volume + (float)dir * (coarse ? 3.0f : 0.5f);
		v = roundf(v * 2.0f) / 2.0f;
		v = v < SONG_LEVEL_MIN ? SONG_LEVEL_MIN : v > SONG_LEVEL_MAX ? SONG_LEVEL_MAX : v;
		if (m->row != MIX_FADER || v == bs->volume)
			return;
		ui_mix_edit_begin(app, "bus level");
		bs->volume = v;
		ui_mix_edit_end(app);
		return;
	}
	switch (m->row) {
	case MIX_FADER: {
		float v = c->volume + (float)dir * (coarse ? 3.0f : 0.5f);
		v = roundf(v * 2.0f) / 2.0f;
		v = v < SONG_LEVEL_MIN ? SONG_LEVEL_MIN : v > SONG_LEVEL_MAX ? SONG_LEVEL_MAX : v;
		if (v == c->volume)
			return;
		ui_mix_edit_begin(app, "fader");
		c->volume = v;
		ui_mix_edit_end(app);
		break;
	}
	case MIX_PAN: {
		float v = c->pan + (float)dir * (coarse ? 0.25f : 0.05f);
		v = roundf(v * 100.0f) / 100.0f;
		v = v < -1.0f ? -1.0f : v > 1.0f ? 1.0f : v;
		if (v == c->pan)
			return;
		ui_mix_edit_begin(app, "pan");
		c->pan = v;
		ui_mix_edit_end(app);
		break;
	}
	case MIX_MUTE: app_set_mute(app, m->ch, !c->mute, false); break;
	case MIX_SOLO: app_set_mute(app, m->ch, !c->solo, true); break;
	case MIX_SEND_R:
	case MIX_SEND_D: {
		int k = m->row - MIX_SEND_R;
		float v = c->send[k];
		if (v < SONG_LEVEL_MIN)
			v = dir > 0 ? -40.0f : SONG_SEND_OFF;
		else
			v = roundf(v + (float)dir * (coarse ? 6.0f : 1.0f));
		if (v < -60.0f)
			v = SONG_SEND_OFF;
		if (v > SONG_LEVEL_MAX)
			v = SONG_LEVEL_MAX;
		if (v == c->send[k])
			return;
		ui_mix_edit_begin(app, k ? "delay send" : "reverb send");
		c->send[k] = v;
		ui_mix_edit_end(app);
		break;
	}
	}
}

static void set_param(ui_app_t *app, ui_mix_t *m, float v)
{
	fx_unit_t *u = cur_unit(app, m);
	const fx_ops_t *ops = u ? fx_ops(u->type) : NULL;
	if (!ops || m->param >= ops->nparams || u->param[m->param] == v)
		return;
	ui_mix_edit_begin(app, "FX parameter");
	u->param[m->param] = v;
	ui_mix_edit_end(app);
}

static void strip_typed(ui_app_t *app, const char *t)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!t || !*t || !m)
		return;
	channel_t *c = cur_channel(app, m);
	char *end;
	float v = strtof(t, &end);
	bool off = !strcmp(t, "off");
	if (!off && (end == t || !isfinite(v))) {
		app_msg(app, true, "%s: '%s' is not a number", field_names[m->row], t);
		return;
	}
	if (!c) {
		if (m->row != MIX_FADER)
			return;
		if (off || v < SONG_LEVEL_MIN || v > SONG_LEVEL_MAX) {
			app_msg(app, true, "bus level: %s dB is not -96..12", t);
			return;
		}
		ui_mix_edit_begin(app, "bus level");
		app->song.bus[cur_bus(app, m)].volume = v;
		ui_mix_edit_end(app);
		return;
	}
	switch (m->row) {
	case MIX_FADER:
		if (v < SONG_LEVEL_MIN || v > SONG_LEVEL_MAX) {
			app_msg(app, true, "fader: %s dB is not -96..12", t);
			return;
		}
		ui_mix_edit_begin(app, "fader");
		c->volume = v;
		break;
	case MIX_PAN:
		/* -100..100, or L25 / R25 / C */
		if (t[0] == 'C' || t[0] == 'c')
			v = 0.0f;
		else if (t[0] == 'L' || t[0] == 'l' || t[0] == 'R' || t[0] == 'r')
			v = strtof(t + 1, NULL) * (t[0] == 'L' || t[0] == 'l' ? -1.0f : 1.0f);
		if (v < -100.0f || v > 100.0f) {
			app_msg(app, true, "pan: '%s' is not -100..100 (or L50, C, R50)", t);
			return;
		}
		ui_mix_edit_begin(app, "pan");
		c->pan = v / 100.0f;
		break;
	case MIX_SEND_R:
	case MIX_SEND_D:
		if (!off && (v < SONG_LEVEL_MIN || v > SONG_LEVEL_MAX)) {
			app_msg(app, true, "send: %s dB is not -96..12 or off", t);
			return;
		}
		ui_mix_edit_begin(app, "send");
		c->send[m->row - MIX_SEND_R] = off ? SONG_SEND_OFF : v;
		break;
	default:
		return;
	}
	ui_mix_edit_end(app);
}

static void param_typed(ui_app_t *app, const char *t)
{
	ui_mix_t *m = ui_mix_get(app);
	fx_unit_t *u = m ? cur_unit(app, m) : NULL;
	if (!t || !*t || !u)
		return;
	const fx_ops_t *ops = fx_ops(u->type);
	if (m->param >= ops->nparams) {
		uint64_t mask;
		if (!sidechain_parse(t, app->song.channels, &mask)) {
			app_msg(app, true, "sidechain: '%s' is not channels 1..%d (like 2 5-8, or none)", t,
			        app->song.channels);
			return;
		}
		if (mask == u->sidechain)
			return;
		ui_mix_edit_begin(app, "sidechain");
		u->sidechain = mask;
		ui_mix_edit_end(app);
		return;
	}
	const fx_param_desc_t *d = &ops->params[m->param];
	float v;
	if (!ui_mix_parse(d, t, &v)) {
		app_msg(app, true, "%s: '%s' is not a value (%g..%g%s%s)", d->name, t, (double)d->min,
		        (double)d->max, d->unit && *d->unit ? " " : "", d->unit ? d->unit : "");
		return;
	}
	set_param(app, m, v);
}

static void add_typed(ui_app_t *app, const char *t)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!t || !*t || !m)
		return;
	int type = fx_type_by_name(t);
	if (type < 0) {
		app_msg(app, true, "no FX unit '%s' (eq comp drive delay reverb limiter)", t);
		return;
	}
	channel_t *c = cur_channel(app, m);
	if (!c)
		return;
	if (c->nfx >= SONG_FX_CHAIN_MAX) {
		app_msg(app, true, "the chain is full (%d units)", SONG_FX_CHAIN_MAX);
		return;
	}
	int at = c->nfx ? m->unit + 1 : 0;
	ui_mix_edit_begin(app, "add FX unit");
	memmove(&c->fx[at + 1], &c->fx[at], (size_t)(c->nfx - at) * sizeof(fx_unit_t));
	fx_unit_default(&c->fx[at], (fx_type_t)type);
	c->nfx++;
	for (int k = 0; k < SONG_MACROS; k++)
		if (c->macro[k].unit >= at)
			c->macro[k].unit++;
	ui_mix_edit_end(app);
	m->unit = at;
	m->row = MIX_CHAIN;
	app_msg(app, false, "added %s as unit %d of channel %d", t, at + 1, m->ch + 1);
}

static void remove_unit(ui_app_t *app, ui_mix_t *m)
{
	channel_t *c = cur_channel(app, m);
	if (!c || !cur_unit(app, m))
		return;
	int at = m->unit;
	ui_mix_edit_begin(app, "remove FX unit");
	memmove(&c->fx[at], &c->fx[at + 1], (size_t)(c->nfx - at - 1) * sizeof(fx_unit_t));
	c->nfx--;
	for (int k = 0; k < SONG_MACROS; k++) {
		if (c->macro[k].unit == at)
			c->macro[k].unit = -1;
		else if (c->macro[k].unit > at)
			c->macro[k].unit--;
	}
	ui_mix_edit_end(app);
	if (m->unit >= c->nfx && m->unit > 0)
		m->unit--;
	if (!c->nfx && m->row == MIX_PARAM)
		m->row = MIX_CHAIN;
}

static void move_unit(ui_app_t *app, ui_mix_t *m, int dir)
{
	channel_t *c = cur_channel(app, m);
	int a = m->unit, b = a + dir;
	if (!c || !cur_unit(app, m) || b < 0 || b >= c->nfx)
		return;
	ui_mix_edit_begin(app, "move FX unit");
	fx_unit_t t = c->fx[a];
	c->fx[a] = c->fx[b];
	c->fx[b] = t;
	for (int k = 0; k < SONG_MACROS; k++)
		c->macro[k].unit = c->macro[k].unit == a ? b : c->macro[k].unit == b ? a : c->macro[k].unit;
	ui_mix_edit_end(app);
	m->unit = b;
}

static void to_default(ui_app_t *app, ui_mix_t *m)
{
	channel_t *c = cur_channel(app, m);
	fx_unit_t *u = cur_unit(app, m);
	if (!c && m->row == MIX_FADER) {
		bus_t *bs = &app->song.bus[cur_bus(app, m)];
		if (bs->volume != 0.0f) {
			ui_mix_edit_begin(app, "bus level");
			bs->volume = 0.0f;
			ui_mix_edit_end(app);
		}
		return;
	}
	if (!c && m->row != MIX_PARAM)
		return;
	switch (m->row) {
	case MIX_FADER: if (c->volume != 0.0f) { ui_mix_edit_begin(app, "fader"); c->volume = 0.0f; ui_mix_edit_end(app); } break;
	case MIX_PAN: if (c->pan != 0.0f) { ui_mix_edit_begin(app, "pan"); c->pan = 0.0f; ui_mix_edit_end(app); } break;
	case MIX_SEND_R:
	case MIX_SEND_D: {
		int k = m->row - MIX_SEND_R;
		if (c->send[k] > SONG_SEND_OFF) {
			ui_mix_edit_begin(app, "send");
			c->send[k] = SONG_SEND_OFF;
			ui_mix_edit_end(app);
		}
		break;
	}
	case MIX_PARAM:
		if (u && m->param < fx_ops(u->type)->nparams)
			set_param(app, m, fx_ops(u->type)->params[m->param].def);
		break;
	}
}

static bool mixer_cmd(ui_app_t *app, ui_cmd_t cmd, int arg)
{
	ui_mix_t *m = ui_mix_get(app);
	if (!m)
		return false;
	channel_t *c = cur_channel(app, m);
	fx_unit_t *u = cur_unit(app, m);
	int n = u ? unit_entries(u) : 0, pr = param_rows(app);
	int nfx = c ? c->nfx : 1;
	switch (cmd) {
	case CMD_UP:
		/* Parameters stand in columns, one unit's worth each way: Up
		 * and Down stay in the column (Left and Right change it), so a
		 * step past its end never lands on another unit of measure.
		 * From a column's top, Up goes back to the chain. */
		if (m->row == MIX_PARAM && m->param % pr > 0)
			m->param--;
		else if (m->row > 0)
			m->row--;
		if (!c && !bus_row(m->row))
			m->row = MIX_FADER;
		break;
	case CMD_DOWN:
		if (m->row == MIX_PARAM) {
			if (m->param % pr + 1 < pr && m->param + 1 < n)
				m->param++;
		} else if (m->row < MIX_CHAIN || (m->row == MIX_CHAIN && u)) {
			m->row++;
			if (!c && !bus_row(m->row))
				m->row = MIX_CHAIN;
			/* back into the column it left by its top */
			if (m->row == MIX_PARAM)
				m->param = m->param < n ? m->param - m->param % pr : 0;
		}
		break;
	case CMD_LEFT:
	case CMD_RIGHT: {
		int d = cmd == CMD_LEFT ? -1 : 1;
		if (m->row == MIX_CHAIN) {
			if (m->unit + d >= 0 && m->unit + d < nfx) {
				m->unit += d;
				m->param = 0;
			}
		} else if (m->row == MIX_PARAM) {
			/* The next column's last row when it is shorter. */
			if (m->param + d * pr >= 0 && m->param + d * pr < n)
				m->param += d * pr;
			else if (d > 0 && m->param / pr < (n - 1) / pr)
				m->param = n - 1;
		} else if (m->ch + d >= 0 && m->ch + d < nstrips(app)) {
			m->ch += d;
			m->unit = 0;
			if (!cur_channel(app, m) && !bus_row(m->row))
				m->row = MIX_FADER;
		}
		break;
	}
	case CMD_NEXT_CH:
	case CMD_PREV_CH: {
		int d = cmd == CMD_PREV_CH ? -1 : 1;
		if (m->ch + d >= 0 && m->ch + d < nstrips(app)) {
			m->ch += d;
			m->unit = 0;
			if (m->row >= MIX_CHAIN)
				m->row = MIX_CHAIN;
			if (!cur_channel(app, m) && !bus_row(m->row))
				m->row = MIX_FADER;
		}
		break;
	}
	case CMD_FIELD_ADJUST:
		if (m->row < MIX_CHAIN) {
			adjust_strip(app, m, arg);
		} else if (m->row == MIX_PARAM && u && m->param < fx_ops(u->type)->nparams) {
			const fx_param_desc_t *d = &fx_ops(u->type)->params[m->param];
			set_param(app, m, ui_mix_step(d, u->param[m->param], arg));
		}
		break;
	case CMD_FIELD_EDIT: {
		char cur[64], label[96];
		if (!c && m->row < MIX_CHAIN) {
			int bus = cur_bus(app, m);
			snprintf(cur, sizeof(cur), "%.1f", (double)app->song.bus[bus].volume);
			snprintf(label, sizeof(label), "%s bus return level: ", bus_name[bus]);
			app_prompt(app, label, cur, strip_typed);
		} else if (!c && m->row == MIX_CHAIN) {
			app_msg(app, true, "the %s bus has its own unit: Down edits it, b bypasses it",
			        bus_name[cur_bus(app, m)]);
		} else if (m->row == MIX_MUTE || m->row == MIX_SOLO) {
			adjust_strip(app, m, 1);
		} else if (m->row < MIX_CHAIN) {
			if (m->row == MIX_FADER)
				snprintf(cur, sizeof(cur), "%.1f", (double)c->volume);
			else if (m->row == MIX_PAN)
				snprintf(cur, sizeof(cur), "%.0f", (double)c->pan * 100.0);
			else
				snprintf(cur, sizeof(cur), "%s", c->send[m->row - MIX_SEND_R] < SONG_LEVEL_MIN ? "off" :
				         "0");
			if (m->row >= MIX_SEND_R && c->send[m->row - MIX_SEND_R] >= SONG_LEVEL_MIN)
				snprintf(cur, sizeof(cur), "%.1f", (double)c->send[m->row - MIX_SEND_R]);
			snprintf(label, sizeof(label), "channel %d %s: ", m->ch + 1, field_names[m->row]);
			app_prompt(app, label, cur, strip_typed);
		} else if (m->row == MIX_CHAIN) {
			app_prompt(app, "add FX unit (eq comp drive delay reverb limiter): ", "", add_typed);
		} else if (u) {
			const fx_ops_t *ops = fx_ops(u->type);
			if (m->param < ops->nparams) {
				ui_mix_format(&ops->params[m->param], u->param[m->param], cur, sizeof(cur));
				char *sp = strchr(cur, ' ');
				if (sp && !ops->params[m->param].choices && strcmp(cur + (sp - cur) + 1, "kHz"))
					*sp = 0;
				if (strstr(cur, "kHz"))
					snprintf(cur, sizeof(cur), "%.0f", (double)u->param[m->param]);
				snprintf(label, sizeof(label), "%s %s: ", ops->name, ops->params[m->param].name);
			} else {
				sidechain_text(u->sidechain, cur, sizeof(cur));
				snprintf(label, sizeof(label), "sidechain channels (2 5-8, none): ");
			}
			app_prompt(app, label, cur, param_typed);
		}
		break;
	}
	case CMD_MIX_DEFAULT: to_default(app, m); break;
	case CMD_MUTE:
	case CMD_SOLO:
		if (!c)
			app_msg(app, true, "a bus has no mute or solo: set its level, or bypass its unit (b)");
		else
			app_set_mute(app, m->ch, cmd == CMD_MUTE ? !c->mute : !c->solo, cmd == CMD_SOLO);
		break;
	case CMD_FX_ADD:
		if (!c)
			app_msg(app, true, "the %s bus has one unit, its own", bus_name[cur_bus(app, m)]);
		else
			app_prompt(app, "add FX unit (eq comp drive delay reverb limiter): ", "", add_typed);
		break;
	case CMD_FX_REMOVE: remove_unit(app, m); break;
	case CMD_FX_MOVE: move_unit(app, m, arg); break;
	case CMD_FX_BYPASS:
		if (u) {
			ui_mix_edit_begin(app, "bypass");
			u->bypass = !u->bypass;
			ui_mix_edit_end(app);
		}
		break;
	case CMD_SIDECHAIN: {
		if (!u || u->type != FX_COMP) {
			app_msg(app, true, "a sidechain belongs to a compressor (choose a comp unit)");
			break;
		}
		char cur[128];
		sidechain_text(u->sidechain, cur, sizeof(cur));
		m->row = MIX_PARAM;
		m->param = fx_ops(u->type)->nparams;
		app_prompt(app, "sidechain channels (2 5-8, none): ", cur, param_typed);
		break;
	}
	case CMD_AB: case CMD_AB_KEEP: case CMD_AB_MATCH: ui_mix_ab(app, cmd); break;
	case CMD_METER_RESET:
		memset(m->clip, 0, sizeof(m->clip));
		memset(m->hold, 0, sizeof(m->hold));
		break;
	default:
		if (!app_channel_cmd(app, cmd, arg))
			return false;
	}
	app->redraw = true;
	return true;
}

const ui_page_ops_t ui_page_mixer = {
	.name = "Mixer",
	.ctx = CTX_MIXER,
	.draw = draw_mixer,
	.cmd = mixer_cmd,
	.key = NULL,
	/* The mixer's state (ui_mix) serves the master page too. */
	.song_changed = ui_mix_reset,
	.poll = ui_mix_poll,
	.free = ui_mix_free,
};
