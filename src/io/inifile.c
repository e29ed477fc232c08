/*
 * inifile: the INI front end over inih (see inifile.h).
 *
 * inih pulls lines through read_line(), which is where the framing
 * lives: it numbers lines and checks each one's shape before inih sees
 * it.  A line refused in lenient mode reaches inih as an empty line; in
 * strict mode the reader ends the stream.  The callbacks know their
 * line from the reader's count, as inih asks for the next line only
 * after it has handled this one.
 */
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "inifile.h"

_Static_assert(INIFILE_STRICT_LINE_MAX == INI_MAX_LINE - 3, "inih needs room for \\r, \\n, \\0");
_Static_assert(INIFILE_LENIENT_LINE_MAX + 2 < INI_MAX_LINE, "inih needs room for \\n, \\0");

typedef struct reader {
	const char *buf;
	size_t len, pos;
	inifile_mode_t mode;
	const inifile_ops_t *ops;
	void *user;
	int line;
	bool last_ended, any_text;
	bool stopped;
} reader_t;

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Where inih would stop looking for one of chars: at one of them or at
 * an inline comment (';' after a blank). */
static const char *find_stop(const char *t, const char *end, const char *chars)
{
	bool was_blank = false;
	for (; t < end; t++) {
		if (strchr(chars, *t) || (was_blank && *t == ';'))
			return t;
		was_blank = is_blank((unsigned char)*t);
	}
	return end;
}

static bool problem(reader_t *r, int line, inifile_problem_t what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool problem(reader_t *r, int line, inifile_problem_t what, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->ops->problem(r->user, line, what, msg);
	if (r->mode == INIFILE_STRICT)
		r->stopped = true;
	return false;
}

/* "[name]": false when refused or the callback says stop. */
static bool check_section(reader_t *r, const char *t, const char *end)
{
	const char *close;
	if (r->mode == INIFILE_STRICT) {
		close = find_stop(t + 1, end, "]");
		if (close == end || *close != ']')
			return problem(r, r->line, INIFILE_BAD_SECTION, "section header without closing ']'");
		const char *after = close + 1;
		while (after < end && is_blank((unsigned char)*after))
			after++;
		if (after < end && *after != ';' && *after != '#')
			return problem(r, r->line, INIFILE_AFTER_SECTION, "unexpected text after ']'");
	} else {
		/* Lenient: inih's own rule decides what follows ']'. */
		close = memchr(t, ']', (size_t)(end - t));
		if (!close || close == t + 1)
			return problem(r, r->line, INIFILE_BAD_SECTION,
			               "bad section line (expected [name]); ignored");
	}
	const char *s = t + 1, *e = close;
	while (s < e && is_blank((unsigned char)*s))
		s++;
	while (e > s && is_blank((unsigned char)e[-1]))
		e--;
	char name[INI_MAX_LINE];
	size_t k = (size_t)(e - s);
	memcpy(name, s, k);
	name[k] = 0;
	if (r->ops->section && !r->ops->section(r->user, name, r->line))
		r->stopped = true;
	return !r->stopped;
}

/* The shape of one trimmed line; *sep is set to a pair's separator. */
static bool check_line(reader_t *r, const char *t, size_t n, const char **sep)
{
	const char *end = t + n;
	*sep = NULL;
	if (!n)
		return true;
	r->any_text = true;
	if (*t == ';' || *t == '#')
		return true;
	if (*t == '[')
		return check_section(r, t, end);
	/* '=' or ':', whichever comes first, as inih takes them. */
	const char *eq = find_stop(t, end, "=:");
	if (r->mode == INIFILE_STRICT) {
		/* An empty name is the caller's to report: it knows the section. */
		if (eq == end || *eq == ';')
			return problem(r, r->line, INIFILE_NOT_PAIR, "expected 'key = value', found '%.*s'",
			               n < 30 ? (int)n : 30, t);
	} else if (eq == end || *eq == ';' || eq == t) {
		return problem(r, r->line, INIFILE_NOT_PAIR, "expected 'name = value'; ignored");
	}
	*sep = eq;
	return true;
}

static bool binary_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f;
}

static char *read_line(char *str, int num, void *stream)
{
	reader_t *r = stream;
	if (r->stopped || r->pos >= r->len)
		return NULL;
	const char *b = r->buf + r->pos;
	size_t rest = r->len - r->pos;
	const char *nl = memchr(b, '\n', rest);
	size_t n = nl ? (size_t)(nl - b) : rest;
	r->pos += nl ? n + 1 : n;
	r->line++;
	r->last_ended = nl != NULL;

	if (r->mode == INIFILE_STRICT) {
		/* A '\r' is a line end only at the end of the line. */
		for (size_t i = 0; i < n; i++)
			if (binary_byte((unsigned char)b[i]) || (b[i] == '\r' && i + 1 < n)) {
				problem(r, r->line, INIFILE_BINARY, "binary data");
				return NULL;
			}
		if (num < 4 || n > (size_t)num - 3) {
			problem(r, r->line, INIFILE_TOO_LONG, "line too long");
			return NULL;
		}
	}
	const char *t = b, *end = b + n;
	if (r->line == 1 && n >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3))
		t += 3;
	while (t < end && is_blank((unsigned char)*t))
		t++;
	while (end > t && is_blank((unsigned char)end[-1]))
		end--;
	size_t k = (size_t)(end - t);
	const char *sep = NULL;
	if (r->mode == INIFILE_LENIENT && (k > INIFILE_LENIENT_LINE_MAX || k + 2 >= (size_t)num)) {
		problem(r, r->line, INIFILE_TOO_LONG, "line too long (over %d characters); ignored",
		        INIFILE_LENIENT_LINE_MAX);
		k = 0;
	} else if (!check_line(r, t, k, &sep)) {
		if (r->stopped)
			return NULL;
		k = 0;
		sep = NULL;
	}
	memcpy(str, t, k);
	/* inih takes a ';' after a blank for a comment even at the start of
	 * a value; in lenient mode the value starts right after the
	 * separator, so "transpose 1 = ;" binds the ';' key. */
	if (r->mode == INIFILE_LENIENT && sep) {
		size_t at = (size_t)(sep - t) + 1, v = at;
		while (v < k && is_blank((unsigned char)str[v]))
			v++;
		memmove(str + at, str + v, k - v);
		k -= v - at;
	}
	str[k] = '\n';
	str[k + 1] = 0;
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	reader_t *r = user;
	if (r->stopped)
		return 0;
	if (!r->ops->pair(r->user, section, name, value, r->line))
		r->stopped = true;
	return !r->stopped;
}

int inifile_parse(const char *text, size_t len, inifile_mode_t mode, const inifile_ops_t *ops,
                  void *user, inifile_info_t *info)
{
	reader_t r = { .buf = text, .len = len, .mode = mode, .ops = ops, .user = user };
	if (mode == INIFILE_LENIENT) {
		/* A settings file with binary in it is not one: nothing of it
		 * is taken rather than whatever lines happen to parse. */
		int line = 1;
		for (size_t i = 0; i < len && !r.stopped; i++) {
			if (text[i] == '\n')
				line++;
			else if (binary_byte((unsigned char)text[i])) {
				problem(&r, line, INIFILE_BINARY, "binary data, not a text file; "
				        "the whole file is ignored (keeping the defaults)");
				r.stopped = true;
			}
		}
	}
	if (!r.stopped) {
		int res = ini_parse_stream(read_line, &r, handler, &r);
		/* Lenient: every line inih sees has passed check_line(), and
		 * what inih still refuses ("[a ;b]") has had its say there. */
		if (mode == INIFILE_STRICT && !r.stopped && res > 0)
			problem(&r, res, INIFILE_SYNTAX, "syntax error");
		else if (mode == INIFILE_STRICT && !r.stopped && res < 0)
			problem(&r, r.line, INIFILE_NO_MEMORY, "out of memory");
	}
	if (info)
		*info = (inifile_info_t){ .nlines = r.line, .any_text = r.any_text,
		                          .last_ended = r.last_ended };
	return r.stopped ? -1 : 0;
}
