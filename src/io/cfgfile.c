/*
 * cfgfile: config.ini, keys.ini and themes read through inifile's
 * lenient mode, and the messages about them (see cfgfile.h).  Any
 * thread; no state outside the caller's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cfgfile.h"
#include "inifile.h"

void cfg_msgs_init(cfg_msgs_t *m)
{
	m->n = m->dropped = 0;
}

void cfg_msgs_add(cfg_msgs_t *m, const char *file, int line, const char *fmt, ...)
{
	if (m->n >= CFG_MSGS_MAX) {
		m->dropped++;
		return;
	}
	char *b = m->msg[m->n++];
	int k = line > 0 ? snprintf(b, CFG_MSG_LEN, "%s:%d: ", file, line) :
	                   snprintf(b, CFG_MSG_LEN, "%s: ", file);
	if (k < 0 || k >= CFG_MSG_LEN)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b + k, (size_t)(CFG_MSG_LEN - k), fmt, ap);
	va_end(ap);
}

int cfg_msgs_count(const cfg_msgs_t *m)
{
	return m->n + m->dropped;
}

void cfg_msgs_print(const cfg_msgs_t *m, FILE *f)
{
	for (int i = 0; i < m->n; i++)
		fprintf(f, "beatty: %s\n", m->msg[i]);
	if (m->dropped)
		fprintf(f, "beatty: (%d more messages)\n", m->dropped);
}

/* ---- the reader: inifile's lenient mode ----------------------------- */

typedef struct lenient {
	const char *name;
	cfgfile_fn fn;
	cfgfile_section_fn sect;
	void *user;
	cfg_msgs_t *msgs;
} lenient_t;

static bool on_section(void *user, const char *section, int line)
{
	lenient_t *l = user;
	if (l->sect)
		l->sect(l->user, section, line);
	return true;
}

static bool on_pair(void *user, const char *section, const char *name, const char *value,
                    int line)
{
	lenient_t *l = user;
	l->fn(l->user, section, name, value, line);
	return true;
}

static void on_problem(void *user, int line, inifile_problem_t what, const char *msg)
{
	lenient_t *l = user;
	(void)what;
	cfg_msgs_add(l->msgs, l->name, line, "%s", msg);
}

int cfgfile_parse(const char *text, size_t len, const char *name, cfgfile_fn fn,
                  cfgfile_section_fn sect, void *user, cfg_msgs_t *msgs)
{
	static const inifile_ops_t ops = {
		.section = on_section, .pair = on_pair, .problem = on_problem
	};
	lenient_t l = { .name = name, .fn = fn, .sect = sect, .user = user, .msgs = msgs };
	return inifile_parse(text, len, INIFILE_LENIENT, &ops, &l, NULL);
}

int cfgfile_read(const char *path, char **text, size_t *len, cfg_msgs_t *msgs)
{
	*text = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		cfg_msgs_add(msgs, path, 0, "%s; keeping the defaults", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		cfg_msgs_add(msgs, path, 0, "is a folder; keeping the defaults");
		return -1;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		if (cap >= CFGFILE_MAX_BYTES) {
			free(buf);
			fclose(f);
			cfg_msgs_add(msgs, path, 0, "larger than %zu bytes; keeping the defaults",
			             CFGFILE_MAX_BYTES);
			return -1;
		}
		cap *= 2;
		char *nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
		} else {
			buf = nb;
		}
	}
	bool err = !buf || ferror(f);
	int e = errno;
	fclose(f);
	if (err) {
		free(buf);
		cfg_msgs_add(msgs, path, 0, "%s; keeping the defaults", buf ? strerror(e) : "out of memory");
		return -1;
	}
	buf[n] = 0;
	*text = buf;
	*len = n;
	return 0;
}

int cfgfile_path(const char *file, char *buf, size_t n)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	int k;
	if (x && x[0] == '/') {
		k = snprintf(buf, n, "%s/beatty/%s", x, file);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return -1;
		k = snprintf(buf, n, "%s/.config/beatty/%s", home, file);
	}
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

char *cfgfile_word(char **s)
{
	char *p = *s;
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	char *w = p;
	while (*p && *p != ' ' && *p != '\t' && *p != ',')
		p++;
	if (*p)
		*p++ = 0;
	*s = p;
	return w;
}

bool cfgfile_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi || isspace((unsigned char)*s))
		return false;
	*out = v;
	return true;
}
