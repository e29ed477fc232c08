/*
 * cfgfile: the lenient reader under config.ini, keys.ini and themes
 * (see cfgfile.h).
 *
 * inih pulls lines through read_line(), which is where the framing
 * lives: it numbers lines, skips the ones it reports (too long, not
 * "name = value") by handing inih an empty line, and strips
 * indentation so inih never joins lines.  The handler then knows its
 * line from the reader's count, as inih asks for the next line only
 * after it has handled this one.  Any thread; no state outside the
 * caller's.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cfgfile.h"

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

/* ---- the reader ------------------------------------------------------ */

typedef struct reader {
	const char *buf;
	size_t len, pos;
	int line;
	const char *name;
	cfgfile_fn fn;
	cfgfile_section_fn sect;
	void *user;
	cfg_msgs_t *msgs;
} reader_t;

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Whether a trimmed line is something inih will take as we mean it. */
static bool line_ok(reader_t *r, const char *t, size_t n)
{
	if (n == 0 || t[0] == '#' || t[0] == ';')
		return true;
	if (t[0] == '[') {
		const char *close = memchr(t, ']', n);
		if (!close || close == t + 1) {
			cfg_msgs_add(r->msgs, r->name, r->line, "bad section line (expected [name]); ignored");
			return false;
		}
		char sec[CFGFILE_LINE_MAX + 1];
		size_t k = (size_t)(close - t - 1);
		memcpy(sec, t + 1, k);
		sec[k] = 0;
		/* Trim as inih does, so both see the same name. */
		char *s = sec;
		while (*s && is_blank((unsigned char)*s))
			s++;
		char *e = s + strlen(s);
		while (e > s && is_blank((unsigned char)e[-1]))
			*--e = 0;
		if (r->sect)
			r->sect(r->user, s, r->line);
		return true;
	}
	/* '=' or ':', whichever comes first, as inih and the song reader
	 * take them: one rule for every file beatty reads. */
	const char *eq = memchr(t, '=', n), *colon = memchr(t, ':', n);
	if (colon && (!eq || colon < eq))
		eq = colon;
	if (!eq || eq == t) {
		cfg_msgs_add(r->msgs, r->name, r->line, "expected 'name = value'; ignored");
		return false;
	}
	return true;
}

static char *read_line(char *str, int num, void *stream)
{
	reader_t *r = stream;
	if (r->pos >= r->len)
		return NULL;
	const char *b = r->buf + r->pos;
	size_t rest = r->len - r->pos;
	const char *nl = memchr(b, '\n', rest);
	size_t n = nl ? (size_t)(nl - b) : rest;
	r->pos += nl ? n + 1 : n;
	r->line++;

	const char *t = b, *end = b + n;
	if (r->line == 1 && n >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3))
		t += 3;
	while (t < end && is_blank((unsigned char)*t))
		t++;
	while (end > t && is_blank((unsigned char)end[-1]))
		end--;
	size_t k = (size_t)(end - t);
	bool ok;
	if (k > CFGFILE_LINE_MAX || k + 2 >= (size_t)num) {
		cfg_msgs_add(r->msgs, r->name, r->line, "line too long (over %d characters); ignored",
		             CFGFILE_LINE_MAX);
		ok = false;
	} else {
		ok = line_ok(r, t, k);
	}
	if (!ok)
		k = 0;
	memcpy(str, t, k);
	str[k] = 0;
	/* inih takes a ';' after a blank for a comment even at the start of
	 * a value: "transpose 1 = ;" must bind the ';' key.  So the value
	 * starts right after the '='. */
	char *eq = k && str[0] != '[' && str[0] != '#' && str[0] != ';' ? strchr(str, '=') : NULL;
	if (eq) {
		char *v = eq + 1;
		while (is_blank((unsigned char)*v))
			v++;
		memmove(eq + 1, v, strlen(v) + 1);
		k = strlen(str);
	}
	str[k] = '\n';
	str[k + 1] = 0;
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	reader_t *r = user;
	r->fn(r->user, section, name, value, r->line);
	return 1;
}

int cfgfile_parse(const char *text, size_t len, const char *name, cfgfile_fn fn,
                  cfgfile_section_fn sect, void *user, cfg_msgs_t *msgs)
{
	int line = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			line++;
		else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			cfg_msgs_add(msgs, name, line, "binary data, not a text file; "
			             "the whole file is ignored (keeping the defaults)");
			return -1;
		}
	}
	reader_t r = { .buf = text, .len = len, .name = name, .fn = fn, .sect = sect,
	               .user = user, .msgs = msgs };
	/* Every line inih sees has passed line_ok(), so inih has nothing to
	 * report that is not already said. */
	(void)ini_parse_stream(read_line, &r, handler, &r);
	return 0;
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
