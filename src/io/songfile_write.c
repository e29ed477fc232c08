/*
 * songfile_write: the .bty writer and the save, which replaces the file
 * through outfile as every writer of files does.  The text is canonical:
 * one form per song, so `fmt` is idempotent and songs diff well; every
 * line is one the reader takes back.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fxcmd.h"
#include "infile.h"
#include "outfile.h"
#include "scale.h"
#include "note.h"
#include "songfile.h"
#include "songfile_common.h"

/* ---- writing --------------------------------------------------------- */

typedef struct writer {
	FILE *f;
	bool too_long;    /* a line the reader would refuse */
} writer_t;

static void put_line(writer_t *w, const char *key, const char *val)
{
	/* After a blank, a leading ';' would start a comment. */
	const char *eq = *val == ';' ? " =" : " = ";
	size_t kl = strlen(key), vl = strlen(val);
	if (!vl)
		fprintf(w->f, "%s =\n", key);
	else if (kl + strlen(eq) + vl <= LINE_TEXT)
		fprintf(w->f, "%s%s%s\n", key, eq, val);
	else if (kl + 1 + vl <= LINE_TEXT)
		fprintf(w->f, "%s=%s\n", key, val);   /* a kept line that only fits unspaced */
	else
		w->too_long = true;
}

/* Text as the reader will see it: no control characters, no blanks at
 * the ends (inih strips those). */
static void put_text(writer_t *w, const char *key, const char *text)
{
	char buf[SONG_PATH_MAX];
	size_t n = 0;
	for (const char *t = text; *t && n + 1 < sizeof buf; t++)
		buf[n++] = (unsigned char)*t < 0x20 || *t == 0x7f ? ' ' : *t;
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	const char *b = buf;
	while (*b == ' ')
		b++;
	put_line(w, key, b);
}

static void put_int(writer_t *w, const char *key, long long v)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", v);
	put_line(w, key, b);
}

static void put_float(writer_t *w, const char *key, double v)
{
	char b[32];
	fmt_float(b, sizeof b, v);
	put_line(w, key, b);
}

static void put_extras(writer_t *w, const song_t *s, const char *section)
{
	for (int i = 0; i < s->nextra; i++)
		if (!strcmp(s->extra[i].section, section))
			put_line(w, s->extra[i].key, s->extra[i].value);
}

static void put_adsr(writer_t *w, const char *key, const adsr_params_t *a)
{
	char v[4][32], b[140];
	fmt_float(v[0], sizeof v[0], a->attack);
	fmt_float(v[1], sizeof v[1], a->decay);
	fmt_float(v[2], sizeof v[2], a->sustain);
	fmt_float(v[3], sizeof v[3], a->release);
	snprintf(b, sizeof b, "%s %s %s %s", v[0], v[1], v[2], v[3]);
	put_line(w, key, b);
}

/* An FT2 envelope: "envelope", "env_sustain" and "env_loop" for the
 * volume; the panning envelope's keys are the same with "pan_". */
static void put_env(writer_t *w, const char *prefix, const ft2_env_t *env)
{
	char b[ENV_MAX_POINTS * 12] = "", key[32];
	size_t n = 0;
	for (int k = 0; k < env->n; k++)
		n += (size_t)snprintf(b + n, sizeof b - n, "%s%d:%d", k ? " " : "", env->tick[k],
		                      env->level[k]);
	snprintf(key, sizeof key, "%senvelope", prefix);
	put_line(w, key, b);
	if (env->sus_on) {
		snprintf(key, sizeof key, "%senv_sustain", prefix);
		put_int(w, key, env->sustain);
	}
	if (env->loop_on) {
		snprintf(b, sizeof b, "%d %d", env->loop_start, env->loop_end);
		snprintf(key, sizeof key, "%senv_loop", prefix);
		put_line(w, key, b);
	}
}

static void write_instrument(writer_t *w, const song_t *s, int idx)
{
	const instrument_t *in = s->inst[idx];
	int type = in->type == INST_SAMPLER ? INST_SAMPLER : INST_SYNTH;
	fprintf(w->f, "\n[instrument %02X]\n", idx);
	for (int i = 0; i < N_INST_KEYS; i++) {
		const inst_key_t *k = &inst_keys[i];
		size_t off = key_offset(k, (inst_type_t)type);
		if (off == NO_OFF)
			continue;
		const char *at = (const char *)in + off;
		int iv;
		float fv;
		int64_t lv;
		adsr_params_t av;
		char nb[4];
		switch (k->type) {
		case V_TEXT: put_text(w, k->key, at); break;
		case V_ENUM:
			memcpy(&iv, at, sizeof iv);
			if (!strcmp(k->key, "type"))
				iv = type;
			/* Written only when chosen, so songs from before the key
			 * stay in canonical form. */
			if (!strcmp(k->key, "interpolation") && iv == INTERP_AUTO)
				break;
			put_line(w, k->key, iv >= 0 && iv < k->nnames ? k->names[iv] : k->names[0]);
			break;
		case V_FLOAT:
			/* a sample's pan only when it has one, as interpolation */
			if (!strcmp(k->key, "pan") && !in->sampler.has_pan)
				break;
			memcpy(&fv, at, sizeof fv);
			put_float(w, k->key, fv);
			break;
		case V_INT: memcpy(&iv, at, sizeof iv); put_int(w, k->key, iv); break;
		case V_FRAMES: memcpy(&lv, at, sizeof lv); put_int(w, k->key, (long long)lv); break;
		case V_ADSR: memcpy(&av, at, sizeof av); put_adsr(w, k->key, &av); break;
		case V_NOTE:
			memcpy(&iv, at, sizeof iv);
			note_name(iv >= NOTE_MIN && iv <= NOTE_MAX ? iv : NOTE_A4, nb);
			put_line(w, k->key, nb);
			break;
		}
	}
	char sect[32];
	const sampler_params_t *sp = &in->sampler;
	if (type == INST_SAMPLER && sp->nslices > 0) {
		/* eight to a line: well inside the reader's line length */
		for (int k = 0; k < sp->nslices; k += 8) {
			char b[8 * 12] = "";
			size_t n = 0;
			for (int j = k; j < sp->nslices && j < k + 8; j++)
				n += (size_t)snprintf(b + n, sizeof b - n, "%s%lld", j > k ? " " : "",
				                      (long long)sp->slice[j]);
			put_line(w, "slices", b);
		}
		if (sp->slice_offsets)
			put_line(w, "slice_map", "offsets");
	}
	const ft2_env_t *env = &sp->env;
	if (type == INST_SAMPLER && env->n > 0)
		put_env(w, "", env);
	if (type == INST_SAMPLER && (env->n > 0 || env->fadeout))
		put_int(w, "fadeout", env->fadeout);
	if (type == INST_SAMPLER && sp->penv.n > 0)
		put_env(w, "pan_", &sp->penv);
	snprintf(sect, sizeof sect, "instrument %02X", idx);
	put_extras(w, s, sect);
}

/* A send level as the reader takes it: below the range is off. */
static void put_send(writer_t *w, const char *key, float v)
{
	if (!(v >= LEVEL_MIN))
		put_line(w, key, "off");
	else
		put_float(w, key, v);
}

static void put_param(writer_t *w, const fx_param_desc_t *d, float v)
{
	if (!d->choices) {
		put_float(w, d->name, v);
		return;
	}
	float top = d->max;
	put_line(w, d->name, d->choices[v > 0 ? (int)lrintf(v < top ? v : top) : 0]);
}

/* Channels as numbers, runs of three or more as a range: "1 3 5-8". */
static void put_sidechain(writer_t *w, uint64_t mask, int channels)
{
	char b[SECT_TEXT];
	size_t n = 0;
	b[0] = '\0';
	for (int c = 0; c < channels; c++) {
		if (!(mask >> c & 1))
			continue;
		int e = c;
		while (e + 1 < channels && mask >> (e + 1) & 1)
			e++;
		const char *sep = n ? " " : "";
		if (e - c >= 2)
			n += (size_t)snprintf(b + n, sizeof b - n, "%s%d-%d", sep, c + 1, e + 1);
		else if (e > c)
			n += (size_t)snprintf(b + n, sizeof b - n, "%s%d %d", sep, c + 1, e + 1);
		else
			n += (size_t)snprintf(b + n, sizeof b - n, "%s%d", sep, c + 1);
		c = e;
	}
	put_line(w, "sidechain", b);
}

/* bypass, then every parameter of type in table order. */
static void put_unit(writer_t *w, const fx_unit_t *u, fx_type_t type)
{
	const fx_ops_t *ops = fx_ops(type);
	put_line(w, "bypass", u->bypass ? "yes" : "no");
	for (int i = 0; i < ops->nparams && i < FX_MAX_PARAMS; i++)
		put_param(w, &ops->params[i], u->param[i]);
}

/* A unit section's kept keys, less any the section now writes itself: a
 * unit whose type changed since it was read may have kept a key of its
 * new type, and writing both would make the file unreadable. */
static void put_unit_extras(writer_t *w, const song_t *s, const char *sect, home_t home,
                            fx_type_t type)
{
	for (int i = 0; i < s->nextra; i++) {
		const char *key = s->extra[i].key;
		bool own = !strcmp(key, "bypass") || fx_param_index(fx_ops(type), key) >= 0
		        || (home == HOME_CHAIN && !strcmp(key, "type"))
		        || (home == HOME_CHAIN && type == FX_COMP && !strcmp(key, "sidechain"))
		        || (home == HOME_BUS && !strcmp(key, "volume"));
		if (!own && !strcmp(s->extra[i].section, sect))
			put_line(w, key, s->extra[i].value);
	}
}

static void write_channel(writer_t *w, const song_t *s, int c)
{
	const channel_t *ch = &s->channel[c];
	char sect[48];
	snprintf(sect, sizeof sect, "channel %d", c + 1);
	fprintf(w->f, "\n[%s]\n", sect);
	put_text(w, "name", ch->name);
	put_float(w, "volume", ch->volume);
	put_float(w, "pan", (double)ch->pan * 100.0);
	put_line(w, "mute", ch->mute ? "yes" : "no");
	put_line(w, "solo", ch->solo ? "yes" : "no");
	int nfx = ch->nfx < 0 ? 0 : ch->nfx > SONG_FX_CHAIN_MAX ? SONG_FX_CHAIN_MAX : ch->nfx;
	for (int k = 0; k < SONG_SENDS; k++)
		put_send(w, channel_keys[CK_SEND + k], ch->send[k]);
	for (int m = 0; m < SONG_MACROS; m++) {
		const fx_macro_t *mc = &ch->macro[m];
		const fx_ops_t *ops = mc->unit >= 0 && mc->unit < nfx ? fx_ops(ch->fx[mc->unit].type) : NULL;
		char b[MACRO_NAME + 8] = "off";
		if (ops && mc->param >= 0 && mc->param < ops->nparams)
			snprintf(b, sizeof b, "%d.%s", mc->unit + 1, ops->params[mc->param].name);
		put_line(w, channel_keys[CK_MACRO + m], b);
	}
	put_extras(w, s, sect);

	for (int k = 0; k < nfx; k++) {
		const fx_unit_t *u = &ch->fx[k];
		fx_type_t type = fx_ops(u->type) ? u->type : FX_EQ;
		snprintf(sect, sizeof sect, "channel %d fx %d", c + 1, k + 1);
		fprintf(w->f, "\n[%s]\n", sect);
		put_line(w, "type", fx_ops(type)->name);
		put_unit(w, u, type);
		if (type == FX_COMP)
			put_sidechain(w, u->sidechain, s->channels);
		put_unit_extras(w, s, sect, HOME_CHAIN, type);
	}
}

static void write_buses_master(writer_t *w, const song_t *s)
{
	char sect[48];
	for (int b = 0; b < SONG_SENDS; b++) {
		snprintf(sect, sizeof sect, "bus %s", bus_names[b]);
		fprintf(w->f, "\n[%s]\n", sect);
		put_float(w, "volume", s->bus[b].volume);
		put_unit(w, &s->bus[b].fx, bus_types[b]);
		put_unit_extras(w, s, sect, HOME_BUS, bus_types[b]);
	}
	fputs("\n[master]\n", w->f);
	put_float(w, "volume", s->master.volume);
	for (int i = 0; i < MASTER_UNITS; i++) {
		bool on = *(const bool *)((const char *)&s->master + master_on_at[i]);
		put_line(w, master_names[i], on ? "on" : "off");
	}
	put_extras(w, s, "master");
	for (int i = 0; i < MASTER_UNITS; i++) {
		snprintf(sect, sizeof sect, "master %s", master_names[i]);
		fprintf(w->f, "\n[%s]\n", sect);
		put_unit(w, (const fx_unit_t *)((const char *)&s->master + master_unit_at[i]),
		         master_types[i]);
		put_unit_extras(w, s, sect, HOME_MASTER, master_types[i]);
	}
}

static void put_cell(char *out, const cell_t *c)
{
	char note[4], inst[3] = "..", vol[3] = "..", fx[4] = "...";
	note_name(c->note, note);
	if (c->inst)
		snprintf(inst, sizeof inst, "%02X", (unsigned)c->inst);
	if (c->vol <= VOL_MAX)
		snprintf(vol, sizeof vol, "%02X", (unsigned)c->vol);
	else if (vol_cmd(c->vol) >= 0)
		snprintf(vol, sizeof vol, "%c%X", VOL_CMD_LETTERS[vol_cmd(c->vol)], (unsigned)c->vol & 15);
	if (c->fx && fxcmd_from_letter(c->fx) != FX_NONE)
		snprintf(fx, sizeof fx, "%c%02X", c->fx, (unsigned)c->param);
	memcpy(out, note, 3);
	out[3] = ' ';
	memcpy(out + 4, inst, 2);
	out[6] = ' ';
	memcpy(out + 7, vol, 2);
	out[9] = ' ';
	memcpy(out + 10, fx, 3);
	out[13] = '\0';
}

static void write_pattern(writer_t *w, const song_t *s, int idx)
{
	const pattern_t *pat = s->pattern[idx];
	for (int first = 0; first < s->channels; first += GROUP) {
		int last = first + GROUP < s->channels ? first + GROUP : s->channels;
		char sect[48];
		if (first == 0)
			snprintf(sect, sizeof sect, "pattern %02X", idx);
		else
			snprintf(sect, sizeof sect, "pattern %02X %d-%d", idx, first + 1, last);
		fprintf(w->f, "\n[%s]\n", sect);
		if (first == 0)
			put_int(w, "rows", pat->rows);
		for (int r = 0; r < pat->rows; r++) {
			char line[GROUP * 16 + 8];
			size_t n = (size_t)snprintf(line, sizeof line, "%02X = ", r);
			for (int c = first; c < last; c++) {
				if (c > first) {
					memcpy(line + n, " | ", 3);
					n += 3;
				}
				put_cell(line + n, song_cell(s, pat, r, c));
				n += 13;
			}
			line[n++] = '\n';
			fwrite(line, 1, n, w->f);
		}
		put_extras(w, s, sect);
	}
}

int songfile_write(const song_t *s, FILE *f)
{
	writer_t w = { f, false };
	char b[SONG_NAME_MAX + 8];

	fputs("[song]\n", f);
	put_int(&w, "format", SONG_FORMAT);
	put_text(&w, "title", s->title);
	put_text(&w, "artist", s->artist);
	put_int(&w, "bpm", s->bpm);
	put_int(&w, "lpb", s->lpb);
	put_int(&w, "tpl", s->tpl);
	put_int(&w, "swing", s->swing);
	put_int(&w, "channels", s->channels);
	snprintf(b, sizeof b, "%02X", (unsigned)s->restart & 0xFF);
	put_line(&w, "restart", b);
	/* Written only when it is not the default, so songs from before the
	 * key existed keep their canonical text. */
	if (s->timing != TIMING_LINES)
		put_line(&w, "timing", timing_names[s->timing]);
	if (s->slides != SLIDES_LINEAR)
		put_line(&w, "slides", slides_names[s->slides]);
	if (s->rules != RULES_BEATTY)
		put_line(&w, "rules", rules_names[s->rules]);
	if (s->vol_slides != VSLIDES_NORMAL)
		put_line(&w, "vol_slides", vslides_names[s->vol_slides]);
	if (s->scale != SCALE_CHROMATIC) {   /* absent: no lock, as before scales */
		char sc[32];
		scale_format(s->scale_key, s->scale, sc, sizeof sc);
		put_line(&w, "scale", sc);
	}
	if (s->reference[0])   /* absent: none, as before references */
		put_text(&w, "reference", s->reference);
	put_extras(&w, s, "song");

	for (int c = 0; c < s->channels; c++)
		write_channel(&w, s, c);
	write_buses_master(&w, s);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (s->inst[i])
			write_instrument(&w, s, i);
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		if (s->pattern[i])
			write_pattern(&w, s, i);

	fputs("\n[order]\n", f);
	for (int i = 0; i < s->norders; i++) {
		char key[4];
		snprintf(key, sizeof key, "%02X", (unsigned)i & 0xFF);
		snprintf(b, sizeof b, "%02X", (unsigned)s->order[i].pattern & 0xFF);
		if (s->order[i].label[0]) {
			size_t n = strlen(b);
			b[n++] = ' ';
			snprintf(b + n, sizeof b - n, "%s", s->order[i].label);
		}
		put_text(&w, key, b);
	}
	put_extras(&w, s, "order");

	/* Sections this beatty does not know, in the order first seen.
	 * Kept keys of known sections that no longer exist are dropped. */
	for (int i = 0; i < s->nextra; i++) {
		const char *sec = s->extra[i].section;
		if (known_section(sec))
			continue;
		int j = 0;
		while (j < i && strcmp(s->extra[j].section, sec))
			j++;
		if (j < i)
			continue;
		fprintf(f, "\n[%s]\n", sec);
		put_extras(&w, s, sec);
	}

	if (ferror(f)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	if (w.too_long) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *songfile_to_string(const song_t *s)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	int r = songfile_write(s, f);
	if (fclose(f) != 0 || r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- atomic save ----------------------------------------------------- */

static void save_error(songfile_error_t *err, const char *path, const char *what, int e)
{
	char msg[256];
	snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
	set_error(err, path, 0, msg);
}

/* outfile's messages are "PATH: reason" for the path it was given; a
 * songfile_error_t keeps the file apart and names it as the caller did. */
static void outfile_error(songfile_error_t *err, const char *name, const char *path,
                          const char *msg)
{
	size_t pl = strlen(path);
	if (!strncmp(msg, path, pl) && !strncmp(msg + pl, ": ", 2))
		msg += pl + 2;
	set_error(err, name, 0, msg);
}

int songfile_save(const song_t *s, const char *path, songfile_error_t *err)
{
	songfile_error_t dummy;
	if (!err)
		err = &dummy;
	set_error(err, path, 0, "");
	/* Through a symlink the song is the file it points to (outfile
	 * follows it too); the link is followed here for a kinder message. */
	char target[OUTFILE_PATH_MAX];
	if (outfile_target(path, target, sizeof target) != 0) {
		int e = errno;
		save_error(err, path, "cannot follow the link", e);
		errno = e;
		return -1;
	}
	struct stat cur;
	const char *kind = stat(target, &cur) == 0 ? infile_kind(cur.st_mode) : NULL;
	if (kind) {
		char msg[128];
		snprintf(msg, sizeof msg, "it is %s, not a song file: not saved", kind);
		set_error(err, path, 0, msg);
		errno = S_ISDIR(cur.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	/* 0666 so the umask decides, as for any new file; a save keeps an
	 * existing file's mode. */
	outfile_t out;
	char msg[OUTFILE_PATH_MAX + 256];
	if (outfile_open(&out, target, 0666, msg, sizeof msg) != 0) {
		int e = errno;
		outfile_error(err, path, target, msg);
		errno = e;
		return -1;
	}

	/* A FILE on a copy of the descriptor: outfile_commit syncs and
	 * closes the descriptor itself. */
	int e = 0;
	const char *what = NULL;
	int fd = dup(out.fd);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		e = errno;
		what = "cannot write";
		if (fd >= 0)
			close(fd);
	} else {
		errno = 0;
		if (songfile_write(s, f) < 0) {
			e = errno ? errno : EIO;
			what = e == ENAMETOOLONG ? "a sample path is too long for a song file" : "cannot write";
		}
		if (fflush(f) != 0 && !e) {
			e = errno;
			what = "cannot write";
		}
		if (fclose(f) != 0 && !e) {
			e = errno;
			what = "cannot write";
		}
	}
	if (e) {
		outfile_cancel(&out);
		save_error(err, path, what, e);
		errno = e;
		return -1;
	}
	if (outfile_commit(&out, msg, sizeof msg) != 0) {
		e = errno;
		outfile_error(err, path, target, msg);
		errno = e;
		return -1;
	}
	return 0;
}

void songfile_error_format(const songfile_error_t *err, char *buf, size_t n)
{
	if (err->line > 0)
		snprintf(buf, n, "%s:%d: %s", err->file, err->line, err->msg);
	else
		snprintf(buf, n, "%s: %s", err->file, err->msg);
}
