/*
 * config: config.ini (see config.h).
 *
 * One table lists every setting with its section, range and help; the
 * reader, the messages and settings_write() all walk it, so
 * `beatty --dump-config` always prints what the reader accepts.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "alsa_out.h"
#include "settings.h"
#include "workpool.h"

typedef enum { SET_TEXT, SET_INT } set_kind_t;

typedef struct setting {
	const char *section, *key;
	set_kind_t kind;
	size_t off, size;    /* the field; size for text */
	long lo, hi;
	const char *unit;    /* a suffix the value may carry ("2s"), or NULL */
	const char *help;
} setting_t;

#define TEXT(sec, key, field, help) \
	{ sec, key, SET_TEXT, offsetof(settings_t, field), \
	  sizeof(((settings_t *)0)->field), 0, 0, NULL, help }
#define INT(sec, key, field, lo, hi, help) \
	{ sec, key, SET_INT, offsetof(settings_t, field), 0, lo, hi, NULL, help }
#define SECONDS(sec, key, field, lo, hi, help) \
	{ sec, key, SET_INT, offsetof(settings_t, field), 0, lo, hi, "s", help }

static const setting_t settings[] = {
	TEXT("audio", "device", device, "ALSA playback device (beatty devices lists them)"),
	INT("audio", "period", period, 16, 8192, "frames per period"),
	INT("audio", "periods", periods, 2, 32, "periods in the device buffer"),
	INT("audio", "rate", rate, 8000, 384000, "sample rate in Hz"),
	INT("audio", "threads", threads, 0, WORKPOOL_MAX_THREADS,
	    "worker threads that share the channels' work, 0 for one per core"),
	TEXT("audio", "interpolation", interpolation,
	     "how samplers set to auto read between frames live: cubic, sinc (clean, costlier) or none"),
	TEXT("audio", "midi", midi, "raw MIDI input: a device (/dev/snd/midiC1D0) or a FIFO; none for none"),
	INT("audio", "midi_channel", midi_channel, 0, 16, "MIDI channel to play from, 0 for every channel"),
	INT("audio", "midi_seq", midi_seq, 0, 1, "1: open an ALSA sequencer input port named beatty"),
	TEXT("ui", "theme", theme, "a theme name (themes/NAME.ini) or the path of a theme file"),
	TEXT("ui", "keys", keys,
	     "a keymap for another tracker's habits: default, schism, milky (keymaps/NAME.ini) or the path of a keymap file"),
	INT("ui", "octave", octave, 0, 8, "the pattern editor's base octave"),
	INT("ui", "step", step, 0, 16, "edit step: rows the cursor moves after a note"),
	SECONDS("ui", "autosave", autosave, 0, SETTINGS_AUTOSAVE_MAX,
	    "seconds between recovery copies of unsaved work (60 or 60s), 0 for never"),
	TEXT("browser", "bookmarks", bookmarks,
	     "the sample browser's bookmarks (^K): folders separated by colons, ~ for home"),
	INT("browser", "preview", preview, 0, 1,
	    "1: the sample browser plays each file the cursor moves to (^P turns it on and off)"),
};
#define NSET ((int)(sizeof(settings) / sizeof(settings[0])))

void settings_default(settings_t *c)
{
	memset(c, 0, sizeof(*c));
	alsa_out_opts_t o;
	alsa_out_opts_default(&o);
	snprintf(c->device, sizeof(c->device), "%s", o.device);
	c->period = o.period;
	c->periods = o.periods;
	c->rate = o.rate;
	snprintf(c->interpolation, sizeof(c->interpolation), "cubic");
	snprintf(c->theme, sizeof(c->theme), "default");
	snprintf(c->keys, sizeof(c->keys), "default");
	c->octave = 4;
	c->step = 1;
	c->autosave = 60;
	snprintf(c->midi, sizeof(c->midi), "none");
	c->midi_seq = 1;
	snprintf(c->bookmarks, sizeof(c->bookmarks), "%s", SETTINGS_BOOKMARKS);
}

static void format_value(const settings_t *c, const setting_t *s, char *buf, size_t n)
{
	const char *field = (const char *)c + s->off;
	if (s->kind == SET_TEXT)
		snprintf(buf, n, "%s", field);
	else
		snprintf(buf, n, "%d", *(const int *)(const void *)field);
}

typedef struct parse_ctx {
	settings_t *c;
	const char *name;
	cfg_msgs_t *msgs;
	int seen[NSET];
	bool bad_section;
} parse_ctx_t;

static void on_section(void *user, const char *section, int line)
{
	parse_ctx_t *p = user;
	p->bad_section = strcmp(section, "audio") && strcmp(section, "ui") && strcmp(section, "browser");
	if (p->bad_section)
		cfg_msgs_add(p->msgs, p->name, line,
		             "unknown section [%s] (audio, ui, browser); its lines are ignored", section);
}

static void on_value(void *user, const char *section, const char *key, const char *value, int line)
{
	parse_ctx_t *p = user;
	if (p->bad_section)
		return;
	int i;
	for (i = 0; i < NSET; i++)
		if (!strcmp(section, settings[i].section) && !strcmp(key, settings[i].key))
			break;
	if (i == NSET) {
		const char *where = NULL;
		for (int k = 0; k < NSET; k++)
			if (!strcmp(key, settings[k].key))
				where = settings[k].section;
		if (where)
			cfg_msgs_add(p->msgs, p->name, line, "'%s' belongs in [%s]; ignored", key, where);
		else if (!*section)
			cfg_msgs_add(p->msgs, p->name, line, "'%s' outside a section; ignored", key);
		else
			cfg_msgs_add(p->msgs, p->name, line, "unknown setting '%s' in [%s]; ignored", key,
			             section);
		return;
	}
	const setting_t *s = &settings[i];
	char def[2100];
	format_value(p->c, s, def, sizeof(def));
	if (p->seen[i]) {
		cfg_msgs_add(p->msgs, p->name, line, "%s set again (first on line %d); keeping %s", key,
		             p->seen[i], def);
		return;
	}
	char *field = (char *)p->c + s->off;
	if (s->kind == SET_TEXT) {
		if (!*value) {
			cfg_msgs_add(p->msgs, p->name, line, "empty %s; keeping the default (%s)", key, def);
			return;
		}
		if (strlen(value) >= s->size) {
			cfg_msgs_add(p->msgs, p->name, line, "%s too long; keeping the default (%s)", key, def);
			return;
		}
		if (!strcmp(key, "interpolation") && strcmp(value, "sinc") && strcmp(value, "cubic") &&
		    strcmp(value, "none")) {
			cfg_msgs_add(p->msgs, p->name, line,
			             "bad %s '%s' (sinc, cubic or none); keeping the default (%s)", key, value, def);
			return;
		}
		snprintf(field, s->size, "%s", value);
	} else {
		long v;
		/* "2s": the unit may be written out, so the file reads as meant. */
		char num[32];
		size_t vl = strlen(value), ul = s->unit ? strlen(s->unit) : 0;
		if (ul && vl > ul && vl - ul < sizeof(num) && !strcmp(value + vl - ul, s->unit)) {
			memcpy(num, value, vl - ul);
			num[vl - ul] = 0;
			value = num;
		}
		if (!cfgfile_long(value, s->lo, s->hi, &v)) {
			cfg_msgs_add(p->msgs, p->name, line, "bad %s '%s' (%ld..%ld); keeping the default (%s)",
			             key, value, s->lo, s->hi, def);
			return;
		}
		*(int *)(void *)field = (int)v;
	}
	p->seen[i] = line;
}

void settings_parse(settings_t *c, const char *text, size_t len, const char *name,
                    cfg_msgs_t *msgs)
{
	parse_ctx_t p = { .c = c, .name = name, .msgs = msgs };
	cfgfile_parse(text, len, name, on_value, on_section, &p, msgs);
}

int settings_load(settings_t *c, const char *path, cfg_msgs_t *msgs)
{
	char *text;
	size_t len;
	int rc = cfgfile_read(path, &text, &len, msgs);
	if (rc != 0)
		return rc;
	settings_parse(c, text, len, path, msgs);
	free(text);
	return 0;
}

void settings_write(const settings_t *c, FILE *f)
{
	fprintf(f, "# beatty settings: save as ~/.config/beatty/config.ini\n"
	           "# ($XDG_CONFIG_HOME/beatty/config.ini) and change what you need;\n"
	           "# command-line options win over this file.\n");
	const char *sec = "";
	for (int i = 0; i < NSET; i++) {
		const setting_t *s = &settings[i];
		if (strcmp(sec, s->section)) {
			sec = s->section;
			fprintf(f, "\n[%s]\n", sec);
		}
		char v[2100];
		format_value(c, s, v, sizeof(v));
		if (s->kind == SET_INT)
			fprintf(f, "# %s (%ld..%ld)\n%s = %s\n", s->help, s->lo, s->hi, s->key, v);
		else
			fprintf(f, "# %s\n%s = %s\n", s->help, s->key, v);
	}
}
