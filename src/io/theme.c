/*
 * theme: parsing, resolving and writing themes (see theme.h).
 *
 * The built-in themes are the role table's two style columns, parsed by
 * the same theme_parse_style() a file goes through, so a built-in theme
 * and its file in themes/ cannot mean different things.  No curses
 * here; any thread, no shared state.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "theme.h"

#define ROLE_NAME(id, name, def, mono, what) name,
const char *const theme_role_names[THEME_ROLE_COUNT] = { THEME_ROLE_LIST(ROLE_NAME) };
#undef ROLE_NAME
#define ROLE_DEF(id, name, def, mono, what) def,
static const char *const role_default[THEME_ROLE_COUNT] = { THEME_ROLE_LIST(ROLE_DEF) };
#undef ROLE_DEF
#define ROLE_MONO(id, name, def, mono, what) mono,
static const char *const role_mono[THEME_ROLE_COUNT] = { THEME_ROLE_LIST(ROLE_MONO) };
#undef ROLE_MONO
#define ROLE_WHAT(id, name, def, mono, what) what,
static const char *const role_what[THEME_ROLE_COUNT] = { THEME_ROLE_LIST(ROLE_WHAT) };
#undef ROLE_WHAT

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct { const char *name; int bit; } attr_names[] = {
	{ "bold", THEME_A_BOLD }, { "dim", THEME_A_DIM }, { "reverse", THEME_A_REVERSE },
	{ "underline", THEME_A_UNDERLINE }, { "standout", THEME_A_STANDOUT },
};
#define NATTR (sizeof(attr_names) / sizeof(attr_names[0]))

/* ---- styles ------------------------------------------------------------ */

static bool isdigit_ascii(char c)
{
	return c >= '0' && c <= '9';
}

static int basic_color(const char *w)
{
	for (int i = 0; i < 8; i++)
		if (!strcmp(w, color_names[i]))
			return i;
	return -1;
}

/* The xterm palette's colour n as 8-bit RGB. */
static void xterm_rgb(int n, int rgb[3])
{
	static const int sys[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 }, { 0, 0, 238 },
		{ 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 }, { 127, 127, 127 },
		{ 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 }, { 255, 0, 255 },
		{ 0, 255, 255 }, { 255, 255, 255 },
	};
	if (n < 16) {
		memcpy(rgb, sys[n], sizeof(sys[n]));
	} else if (n < 232) {
		static const int lv[6] = { 0, 95, 135, 175, 215, 255 };
		n -= 16;
		rgb[0] = lv[n / 36];
		rgb[1] = lv[n / 6 % 6];
		rgb[2] = lv[n % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + (n - 232) * 10;
	}
}

/* The nearest of the eight basic colours to 256-colour n. */
static int nearest_basic(int n)
{
	if (n < 16)
		return n & 7;
	int c[3], best = 0;
	long bestd = -1;
	xterm_rgb(n, c);
	for (int i = 0; i < 8; i++) {
		int b[3];
		xterm_rgb(i, b);
		long d = 0;
		for (int k = 0; k < 3; k++)
			d += (long)(c[k] - b[k]) * (c[k] - b[k]);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

static int parse_color(const char *w, theme_color_t *c, char *why, size_t n)
{
	memset(c, 0, sizeof(*c));
	if (!strcmp(w, "default")) {
		c->kind = THEME_C_DEFAULT;
		return 0;
	}
	int b = basic_color(w);
	if (b >= 0) {
		c->kind = THEME_C_BASIC;
		c->value = b;
		return 0;
	}
	if (!strncmp(w, "bright-", 7) && (b = basic_color(w + 7)) >= 0) {
		c->kind = THEME_C_BRIGHT;
		c->value = b;
		return 0;
	}
	char num[16];
	const char *slash = strchr(w, '/');
	size_t k = slash ? (size_t)(slash - w) : strlen(w);
	long v;
	if (k > 0 && k < sizeof(num)) {
		memcpy(num, w, k);
		num[k] = 0;
		if (cfgfile_long(num, 0, 255, &v)) {
			c->kind = THEME_C_NUMBER;
			c->value = (int)v;
			c->fallback = nearest_basic((int)v);
			if (slash) {
				b = basic_color(slash + 1);
				if (b < 0) {
					snprintf(why, n, "unknown fallback colour '%s' (black, red, green, yellow, "
					         "blue, magenta, cyan, white)", slash + 1);
					return -1;
				}
				c->fallback = b;
			}
			return 0;
		}
		if (isdigit_ascii(num[0])) {
			snprintf(why, n, "colour number '%s' out of range (0..255)", num);
			return -1;
		}
	}
	snprintf(why, n, "unknown colour '%s'", w);
	return -1;
}

int theme_parse_style(const char *text, theme_style_t *st, char *why, size_t n)
{
	char buf[CFGFILE_LINE_MAX + 1];
	snprintf(buf, sizeof(buf), "%s", text);
	theme_style_t s;
	memset(&s, 0, sizeof(s));
	bool have_fg = false, have_bg = false, any = false;
	char *p = buf, *w;
	while ((w = cfgfile_word(&p))) {
		any = true;
		bool attr = false;
		for (size_t i = 0; i < NATTR; i++) {
			if (!strcmp(w, attr_names[i].name)) {
				s.attrs |= attr_names[i].bit;
				attr = true;
			}
		}
		if (attr || !strcmp(w, "normal"))
			continue;
		if (!strcmp(w, "on")) {
			char *c = cfgfile_word(&p);
			if (!c) {
				snprintf(why, n, "'on' needs a background colour");
				return -1;
			}
			if (have_bg) {
				snprintf(why, n, "two backgrounds ('on %s')", c);
				return -1;
			}
			if (parse_color(c, &s.bg, why, n) != 0)
				return -1;
			have_bg = true;
			continue;
		}
		if (have_fg || have_bg) {
			if (basic_color(w) >= 0 || !strncmp(w, "bright-", 7) || isdigit_ascii(w[0]))
				snprintf(why, n, "a second colour '%s' (write FG on BG)", w);
			else
				snprintf(why, n, "unknown colour or attribute '%s'", w);
			return -1;
		}
		if (parse_color(w, &s.fg, why, n) != 0) {
			if (!strncmp(why, "unknown colour '", 16))
				snprintf(why, n, "unknown colour or attribute '%s'", w);
			return -1;
		}
		have_fg = true;
	}
	if (!any) {
		snprintf(why, n, "no style given");
		return -1;
	}
	*st = s;
	return 0;
}

static void format_color(const theme_color_t *c, char *buf, size_t n)
{
	switch (c->kind) {
	case THEME_C_DEFAULT: snprintf(buf, n, "default"); break;
	case THEME_C_BASIC: snprintf(buf, n, "%s", color_names[c->value & 7]); break;
	case THEME_C_BRIGHT: snprintf(buf, n, "bright-%s", color_names[c->value & 7]); break;
	case THEME_C_NUMBER:
		snprintf(buf, n, "%d/%s", c->value, color_names[c->fallback & 7]);
		break;
	}
}

void theme_format_style(const theme_style_t *st, char *buf, size_t n)
{
	char fg[32], bg[32];
	size_t k = 0;
	buf[0] = 0;
#define PUT(...) do { \
		int w_ = snprintf(buf + k, n > k ? n - k : 0, __VA_ARGS__); \
		if (w_ > 0) \
			k += (size_t)w_; \
		if (k >= n) \
			k = n ? n - 1 : 0; \
	} while (0)
	if (st->fg.kind != THEME_C_DEFAULT || st->bg.kind != THEME_C_DEFAULT) {
		format_color(&st->fg, fg, sizeof(fg));
		PUT("%s", fg);
		if (st->bg.kind != THEME_C_DEFAULT) {
			format_color(&st->bg, bg, sizeof(bg));
			PUT(" on %s", bg);
		}
	}
	for (size_t i = 0; i < NATTR; i++)
		if (st->attrs & attr_names[i].bit)
			PUT("%s%s", k ? " " : "", attr_names[i].name);
	if (!k)
		PUT("%s", st->fg.kind == THEME_C_DEFAULT && !st->attrs ? "default" : "normal");
#undef PUT
}

/* ---- built-in themes ------------------------------------------------- */

static void builtin(theme_t *t, const char *const styles[], const char *name, const char *desc)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->description, sizeof(t->description), "%s", desc);
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		char why[128];
		if (theme_parse_style(styles[i], &t->role[i], why, sizeof(why)) != 0)
			abort();   /* the table above is wrong: caught by any test */
	}
}

void theme_default(theme_t *t)
{
	builtin(t, role_default, "default",
	        "dark: light text on the terminal's own background");
}

void theme_mono(theme_t *t)
{
	builtin(t, role_mono, "mono", "no colour: bold, reverse and underline only");
}

/* ---- files --------------------------------------------------------- */

typedef struct parse_ctx {
	theme_t *t;
	const char *name;
	cfg_msgs_t *msgs;
	int seen[THEME_ROLE_COUNT];   /* line each role was set on, 0 none */
	int section_line;
	bool bad_section;
} parse_ctx_t;

static void on_section(void *user, const char *section, int line)
{
	parse_ctx_t *c = user;
	c->bad_section = strcmp(section, "theme") && strcmp(section, "colors");
	if (c->bad_section)
		cfg_msgs_add(c->msgs, c->name, line,
		             "unknown section [%s] (a theme has [theme] and [colors]); its lines are ignored",
		             section);
}

static void on_value(void *user, const char *section, const char *key, const char *value, int line)
{
	parse_ctx_t *c = user;
	if (c->bad_section)
		return;
	if (!strcmp(section, "theme")) {
		if (!strcmp(key, "name"))
			snprintf(c->t->name, sizeof(c->t->name), "%s", value);
		else if (!strcmp(key, "description"))
			snprintf(c->t->description, sizeof(c->t->description), "%s", value);
		else
			cfg_msgs_add(c->msgs, c->name, line,
			             "unknown setting '%s' in [theme] (name, description); ignored", key);
		return;
	}
	if (strcmp(section, "colors")) {
		cfg_msgs_add(c->msgs, c->name, line, "'%s' outside [colors]; ignored", key);
		return;
	}
	int r = -1;
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		if (!strcmp(key, theme_role_names[i]))
			r = i;
	if (r < 0) {
		cfg_msgs_add(c->msgs, c->name, line, "unknown role '%s'; ignored", key);
		return;
	}
	char why[200], def[96];
	theme_format_style(&c->t->role[r], def, sizeof(def));
	if (c->seen[r]) {
		cfg_msgs_add(c->msgs, c->name, line, "%s: set again (first on line %d); keeping %s",
		             key, c->seen[r], def);
		return;
	}
	theme_style_t st;
	if (theme_parse_style(value, &st, why, sizeof(why)) != 0) {
		cfg_msgs_add(c->msgs, c->name, line, "%s: %s; keeping the default (%s)", key, why, def);
		return;
	}
	c->t->role[r] = st;
	c->seen[r] = line;
}

void theme_parse(theme_t *t, const char *text, size_t len, const char *name, cfg_msgs_t *msgs)
{
	parse_ctx_t c = { .t = t, .name = name, .msgs = msgs };
	cfgfile_parse(text, len, name, on_value, on_section, &c, msgs);
}

int theme_load(theme_t *t, const char *path, cfg_msgs_t *msgs)
{
	char *text;
	size_t len;
	int rc = cfgfile_read(path, &text, &len, msgs);
	if (rc == 1)
		cfg_msgs_add(msgs, path, 0, "no such file; keeping the default theme");
	if (rc != 0)
		return -1;
	/* A file's theme is called by its file name unless it says. */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(t->name, sizeof(t->name), "%.*s", (int)strcspn(base, "."), base);
	theme_parse(t, text, len, path, msgs);
	free(text);
	return 0;
}

static bool is_path(const char *name)
{
	size_t n = strlen(name);
	return strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".ini"));
}

static bool try_dir(const char *dir, const char *name, char *path, size_t n)
{
	if (!dir || !*dir)
		return false;
	int k = snprintf(path, n, "%s/%s.ini", dir, name);
	return k > 0 && (size_t)k < n && access(path, R_OK) == 0;
}

int theme_find(const char *name, const char *extra, char *path, size_t n)
{
	path[0] = 0;
	if (is_path(name)) {
		snprintf(path, n, "%s", name);
		return access(name, R_OK) == 0 ? 0 : -1;
	}
	/* A bare name is a file name, never a way out of the folder. */
	if (!*name || name[0] == '.')
		return -1;
	char dir[1024];
	if (cfgfile_path("themes", dir, sizeof(dir)) == 0 && try_dir(dir, name, path, n))
		return 0;
	if (extra) {
		const char *p = extra;
		while (*p) {
			size_t k = strcspn(p, ":");
			if (k < sizeof(dir)) {
				memcpy(dir, p, k);
				dir[k] = 0;
				if (try_dir(dir, name, path, n))
					return 0;
			}
			p += k;
			if (*p)
				p++;
		}
	}
	path[0] = 0;
	return !strcmp(name, "default") || !strcmp(name, "mono") ? 0 : -1;
}

int theme_open(theme_t *t, const char *name, const char *extra, cfg_msgs_t *msgs)
{
	theme_default(t);
	char path[1024];
	if (theme_find(name, extra, path, sizeof(path)) != 0) {
		if (is_path(name))
			cfg_msgs_add(msgs, name, 0, "cannot read the theme; keeping the default theme");
		else
			cfg_msgs_add(msgs, "theme", 0, "no theme '%s' (looked for %s.ini in the themes "
			             "folders); keeping the default theme", name, name);
		return -1;
	}
	if (!path[0]) {
		if (!strcmp(name, "mono"))
			theme_mono(t);
		return 0;
	}
	if (theme_load(t, path, msgs) != 0) {
		theme_default(t);
		return -1;
	}
	return 0;
}

bool theme_has_color(const theme_t *t)
{
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		if (t->role[i].fg.kind != THEME_C_DEFAULT || t->role[i].bg.kind != THEME_C_DEFAULT)
			return true;
	return false;
}

/* A colour for a terminal of ncolors; *bold when a bright colour has to
 * be shown as bold on an 8-colour terminal. */
static int resolve_color(const theme_color_t *c, int ncolors, int dflt, bool *bold)
{
	switch (c->kind) {
	case THEME_C_DEFAULT: return dflt;
	case THEME_C_BASIC: return c->value;
	case THEME_C_BRIGHT:
		if (ncolors >= 16)
			return c->value + 8;
		*bold = true;
		return c->value;
	case THEME_C_NUMBER:
		if (c->value < ncolors)
			return c->value;
		if (c->value >= 8 && c->value < 16)
			*bold = true;
		return c->fallback;
	}
	return dflt;
}

void theme_resolve(const theme_t *t, int ncolors, theme_out_t out[THEME_ROLE_COUNT])
{
	bool dummy = false;
	int nfg = -1, nbg = -1;
	if (ncolors > 0) {
		nfg = resolve_color(&t->role[THEME_NORMAL].fg, ncolors, -1, &dummy);
		nbg = resolve_color(&t->role[THEME_NORMAL].bg, ncolors, -1, &dummy);
	}
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		const theme_style_t *s = &t->role[i];
		out[i].attrs = s->attrs;
		out[i].fg = out[i].bg = -1;
		if (ncolors <= 0)
			continue;
		bool bold = false, bgbold = false;
		out[i].fg = resolve_color(&s->fg, ncolors, nfg, &bold);
		out[i].bg = resolve_color(&s->bg, ncolors, nbg, &bgbold);
		if (bold)
			out[i].attrs |= THEME_A_BOLD;
	}
}

void theme_write(const theme_t *t, FILE *f)
{
	fprintf(f, "# beatty theme.  Each role is FG [on BG] [ATTRIBUTES]:\n"
	           "#   colours: default, black, red, green, yellow, blue, magenta, cyan, white,\n"
	           "#            bright-NAME, or a 256-colour number with an 8-colour\n"
	           "#            fallback (236/black); default is the normal role's colour\n"
	           "#   attributes: bold, dim, reverse, underline, standout\n"
	           "[theme]\nname = %s\ndescription = %s\n\n[colors]\n", t->name, t->description);
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		char st[96];
		theme_format_style(&t->role[i], st, sizeof(st));
		fprintf(f, "%-12s = %-28s ; %s\n", theme_role_names[i], st, role_what[i]);
	}
}
