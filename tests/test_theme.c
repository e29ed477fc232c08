/*
 * test_theme: the theme reader with broken files (each message checked
 * word for word, with file and line, and the defaults left in place),
 * styles, the shipped themes, colour resolution for 0, 8, 16 and 256
 * colours, and where themes are looked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "theme.h"
#include "testutil.h"

static void parse(theme_t *t, const char *text, const char *name, cfg_msgs_t *m)
{
	theme_default(t);
	cfg_msgs_init(m);
	theme_parse(t, text, strlen(text), name, m);
}

/* The messages are exactly want[] (NULL-terminated). */
static void assert_msgs(const cfg_msgs_t *m, const char *const want[])
{
	int n = 0;
	while (want[n])
		n++;
	for (int i = 0; i < m->n && i < n; i++)
		assert_string_equal(m->msg[i], want[i]);
	assert_int_equal(cfg_msgs_count(m), n);
}

static void style_of(const theme_t *t, theme_role_t r, char *buf, size_t n)
{
	theme_format_style(&t->role[r], buf, n);
}

static void assert_style(const theme_t *t, theme_role_t r, const char *want)
{
	char b[96];
	style_of(t, r, b, sizeof(b));
	assert_string_equal(b, want);
}

static void builtin_default_is_the_classic_look(void **state)
{
	(void)state;
	theme_t t;
	theme_default(&t);
	assert_string_equal(t.name, "default");
	assert_style(&t, THEME_TITLE, "black on cyan");
	assert_style(&t, THEME_CURSOR, "black on white");
	assert_style(&t, THEME_PLAYHEAD, "black on yellow");
	assert_style(&t, THEME_SEL, "white on magenta");
	assert_style(&t, THEME_NORMAL, "default");
	assert_true(theme_has_color(&t));
	theme_mono(&t);
	assert_false(theme_has_color(&t));
	assert_style(&t, THEME_TITLE, "reverse");
	assert_style(&t, THEME_SEL, "underline");
	assert_int_equal(t.role[THEME_CURSOR].attrs, THEME_A_BOLD);
}

static void styles_parse_and_print_back(void **state)
{
	(void)state;
	static const char *const good[][2] = {
		{ "black on cyan", "black on cyan" },
		{ "bright-white on red bold", "bright-white on red bold" },
		{ "  yellow,bold , underline ", "yellow bold underline" },
		{ "on blue", "default on blue" },
		{ "236/black on 153", "236/black on 153/white" },
		{ "reverse", "reverse" },
		{ "normal", "default" },
		{ "default", "default" },
		{ "12", "12/blue" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		theme_style_t st;
		char why[128], back[96];
		assert_int_equal(theme_parse_style(good[i][0], &st, why, sizeof(why)), 0);
		theme_format_style(&st, back, sizeof(back));
		assert_string_equal(back, good[i][1]);
	}
	static const char *const bad[][2] = {
		{ "purpel", "unknown colour or attribute 'purpel'" },
		{ "red blue", "a second colour 'blue' (write FG on BG)" },
		{ "red on", "'on' needs a background colour" },
		{ "on red on blue", "two backgrounds ('on blue')" },
		{ "300", "colour number '300' out of range (0..255)" },
		{ "12/pink", "unknown fallback colour 'pink' (black, red, green, yellow, blue, magenta, cyan, white)" },
		{ "red blinking", "unknown colour or attribute 'blinking'" },
		{ "", "no style given" },
		{ " , ", "no style given" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		theme_style_t st;
		char why[128];
		assert_int_equal(theme_parse_style(bad[i][0], &st, why, sizeof(why)), -1);
		assert_string_equal(why, bad[i][1]);
	}
	/* Without a fallback, a 256-colour number takes the nearest basic one. */
	static const struct { const char *in; int fb; } near[] = {
		{ "196", 1 }, { "46", 2 }, { "226", 3 }, { "21", 4 }, { "236", 0 }, { "255", 7 },
		{ "51", 6 }, { "9", 1 },
	};
	for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		theme_style_t st;
		char why[128];
		assert_int_equal(theme_parse_style(near[i].in, &st, why, sizeof(why)), 0);
		assert_int_equal(st.fg.fallback, near[i].fb);
	}
}

static void broken_lines_keep_their_defaults(void **state)
{
	(void)state;
	char longline[260];
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	memcpy(longline, "note = ", 7);
	char text[1024];
	snprintf(text, sizeof(text),
	         "[theme]\n"                         /* 1 */
	         "name = broken\n"                   /* 2 */
	         "[colors]\n"                        /* 3 */
	         "title = purpel on cyan\n"          /* 4 */
	         "nosuch = red\n"                    /* 5 */
	         "cursor = red on\n"                 /* 6 */
	         "  rownum = green\n"                /* 7: indented is fine */
	         "rownum = blue\n"                   /* 8 */
	         "just text\n"                       /* 9 */
	         "%s\n"                              /* 10 */
	         "[palette]\n"                       /* 11 */
	         "note = red\n"                      /* 12 */
	         "[colors]\n"                        /* 13 */
	         "playhead = 999 on red\n"           /* 14 */
	         "marker:red\n"                      /* 15: as marker = red */
	         "[theme]\n"                         /* 16 */
	         "author = me\n"                     /* 17 */
	         "[]\n",                             /* 18 */
	         longline);
	theme_t t;
	cfg_msgs_t m;
	parse(&t, text, "t.ini", &m);
	static const char *const want[] = {
		"t.ini:4: title: unknown colour or attribute 'purpel'; keeping the default (black on cyan)",
		"t.ini:5: unknown role 'nosuch'; ignored",
		"t.ini:6: cursor: 'on' needs a background colour; keeping the default (black on white)",
		"t.ini:8: rownum: set again (first on line 7); keeping green",
		"t.ini:9: expected 'name = value'; ignored",
		"t.ini:10: line too long (over 196 characters); ignored",
		"t.ini:11: unknown section [palette] (a theme has [theme] and [colors]); its lines are ignored",
		"t.ini:14: playhead: colour number '999' out of range (0..255); keeping the default (black on yellow)",
		"t.ini:17: unknown setting 'author' in [theme] (name, description); ignored",
		"t.ini:18: bad section line (expected [name]); ignored",
		NULL,
	};
	assert_msgs(&m, want);
	assert_string_equal(t.name, "broken");
	assert_style(&t, THEME_TITLE, "black on cyan");
	assert_style(&t, THEME_CURSOR, "black on white");
	assert_style(&t, THEME_ROWNUM, "green");
	assert_style(&t, THEME_NOTE, "white");
	assert_style(&t, THEME_PLAYHEAD, "black on yellow");
	assert_style(&t, THEME_MARKER, "red");
}

static void garbage_and_empty_files_change_nothing(void **state)
{
	(void)state;
	theme_t def, t;
	theme_default(&def);
	cfg_msgs_t m;

	static const char garbage[] = "[colors]\ntitle = red\n\x7f" "ELF\x02\x01\x01\0\0\0\x89PNG\r\n";
	theme_default(&t);
	cfg_msgs_init(&m);
	theme_parse(&t, garbage, sizeof(garbage) - 1, "g.ini", &m);
	static const char *const want[] = {
		"g.ini:3: binary data, not a text file; the whole file is ignored (keeping the defaults)",
		NULL,
	};
	assert_msgs(&m, want);
	assert_memory_equal(&t, &def, sizeof(t));

	parse(&t, "", "e.ini", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_memory_equal(t.role, def.role, sizeof(t.role));

	/* Only comments, a BOM, blank lines and CRLF line ends. */
	parse(&t, "\xEF\xBB\xBF# a theme\r\n\r\n; nothing\r\n[colors]\r\ntitle = red ; comment\r\n",
	      "c.ini", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_style(&t, THEME_TITLE, "red");
}

static void load(theme_t *t, const char *file, cfg_msgs_t *m)
{
	char path[1024];
	const char *src = getenv("SRCDIR");
	snprintf(path, sizeof(path), "%s/themes/%s", src ? src : ".", file);
	theme_default(t);
	cfg_msgs_init(m);
	assert_int_equal(theme_load(t, path, m), 0);
	for (int i = 0; i < m->n; i++)
		print_error("%s\n", m->msg[i]);
	assert_int_equal(cfg_msgs_count(m), 0);
}

static void shipped_themes_read_cleanly(void **state)
{
	(void)state;
	theme_t t, ref;
	cfg_msgs_t m;
	load(&t, "default.ini", &m);
	theme_default(&ref);
	assert_memory_equal(t.role, ref.role, sizeof(t.role));
	assert_string_equal(t.name, "default");

	load(&t, "mono.ini", &m);
	theme_mono(&ref);
	assert_memory_equal(t.role, ref.role, sizeof(t.role));
	assert_false(theme_has_color(&t));

	load(&t, "light.ini", &m);
	assert_true(theme_has_color(&t));
	assert_string_equal(t.name, "light");
	assert_style(&t, THEME_NORMAL, "black on 255/white");

	load(&t, "high-contrast.ini", &m);
	assert_true(theme_has_color(&t));
	assert_string_equal(t.name, "high-contrast");
	/* It is its own look: nearly every role differs from the default's. */
	theme_default(&ref);
	int same = 0;
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		same += !memcmp(&t.role[i], &ref.role[i], sizeof(t.role[i]));
	assert_in_range(same, 0, 2);
}

static void written_themes_read_back(void **state)
{
	(void)state;
	theme_t t, back;
	cfg_msgs_t m;
	load(&t, "light.ini", &m);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	theme_write(&t, f);
	fclose(f);
	parse(&back, buf, "w.ini", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_memory_equal(back.role, t.role, sizeof(t.role));
	assert_string_equal(back.name, "light");
	free(buf);
}

static void resolves_for_each_terminal(void **state)
{
	(void)state;
	theme_t t;
	theme_out_t o[THEME_ROLE_COUNT];
	theme_default(&t);
	theme_resolve(&t, 8, o);
	assert_int_equal(o[THEME_TITLE].fg, 0);
	assert_int_equal(o[THEME_TITLE].bg, 6);
	assert_int_equal(o[THEME_NORMAL].fg, -1);
	assert_int_equal(o[THEME_NORMAL].bg, -1);
	assert_int_equal(o[THEME_ROWNUM].bg, -1);
	/* bright-white on 8 colours: white, made bold */
	assert_int_equal(o[THEME_METER_PEAK].fg, 7);
	assert_int_equal(o[THEME_METER_PEAK].attrs, THEME_A_BOLD);
	theme_resolve(&t, 16, o);
	assert_int_equal(o[THEME_METER_PEAK].fg, 15);
	assert_int_equal(o[THEME_METER_PEAK].attrs, 0);

	cfg_msgs_t m;
	parse(&t, "[colors]\nnormal = black on 255/white\nnote = blue\ntitle = 208 on 25/cyan\n",
	      "l.ini", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	theme_resolve(&t, 256, o);
	assert_int_equal(o[THEME_NORMAL].bg, 255);
	assert_int_equal(o[THEME_NOTE].fg, 4);
	assert_int_equal(o[THEME_NOTE].bg, 255);    /* default: the normal role's */
	assert_int_equal(o[THEME_TITLE].fg, 208);
	assert_int_equal(o[THEME_TITLE].bg, 25);
	theme_resolve(&t, 8, o);
	assert_int_equal(o[THEME_NORMAL].bg, 7);
	assert_int_equal(o[THEME_NOTE].bg, 7);
	assert_int_equal(o[THEME_TITLE].fg, 3);     /* 208 (orange): nearest is yellow */
	assert_int_equal(o[THEME_TITLE].bg, 6);     /* the fallback written */
	theme_resolve(&t, 0, o);
	assert_int_equal(o[THEME_TITLE].fg, -1);
	assert_int_equal(o[THEME_TITLE].bg, -1);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void themes_are_found_in_order(void **state)
{
	(void)state;
	char tmp[] = "/tmp/beatty-theme-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char d[200], p[300], extra[500], found[300];
	snprintf(d, sizeof(d), "%s/cfg/beatty/themes", tmp);
	snprintf(p, sizeof(p), "%s/cfg", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/cfg/beatty", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(p, sizeof(p), "%s/a", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/b", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(extra, sizeof(extra), "%s/a:%s/b", tmp, tmp);
	snprintf(p, sizeof(p), "%s/cfg", tmp);
	setenv("XDG_CONFIG_HOME", p, 1);

	snprintf(p, sizeof(p), "%s/b/x.ini", tmp);
	put(p, "[colors]\ntitle = red\n");
	assert_int_equal(theme_find("x", extra, found, sizeof(found)), 0);
	assert_string_equal(found, p);
	snprintf(p, sizeof(p), "%s/a/x.ini", tmp);
	put(p, "[colors]\ntitle = green\n");
	assert_int_equal(theme_find("x", extra, found, sizeof(found)), 0);
	assert_string_equal(found, p);
	snprintf(p, sizeof(p), "%s/x.ini", d);
	put(p, "[colors]\ntitle = blue\n");
	assert_int_equal(theme_find("x", extra, found, sizeof(found)), 0);
	assert_string_equal(found, p);

	theme_t t;
	cfg_msgs_t m;
	cfg_msgs_init(&m);
	assert_int_equal(theme_open(&t, "x", extra, &m), 0);
	assert_style(&t, THEME_TITLE, "blue");
	assert_string_equal(t.name, "x");
	/* built in, no file anywhere */
	assert_int_equal(theme_open(&t, "mono", extra, &m), 0);
	assert_false(theme_has_color(&t));
	assert_int_equal(theme_find("default", extra, found, sizeof(found)), 0);
	assert_string_equal(found, "");
	assert_int_equal(cfg_msgs_count(&m), 0);
	/* a path */
	snprintf(p, sizeof(p), "%s/b/x.ini", tmp);
	assert_int_equal(theme_open(&t, p, NULL, &m), 0);
	assert_style(&t, THEME_TITLE, "red");
	/* missing */
	assert_int_equal(theme_open(&t, "nosuch", extra, &m), -1);
	assert_int_equal(theme_find("../x", extra, found, sizeof(found)), -1);
	assert_int_equal(theme_open(&t, "/nonexistent/t.ini", extra, &m), -1);
	static const char *const want[] = {
		"theme: no theme 'nosuch' (looked for nosuch.ini in the themes folders); keeping the default theme",
		"/nonexistent/t.ini: cannot read the theme; keeping the default theme",
		NULL,
	};
	assert_msgs(&m, want);
	assert_style(&t, THEME_TITLE, "black on cyan");

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
	unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_default_is_the_classic_look),
		cmocka_unit_test(styles_parse_and_print_back),
		cmocka_unit_test(broken_lines_keep_their_defaults),
		cmocka_unit_test(garbage_and_empty_files_change_nothing),
		cmocka_unit_test(shipped_themes_read_cleanly),
		cmocka_unit_test(written_themes_read_back),
		cmocka_unit_test(resolves_for_each_terminal),
		cmocka_unit_test(themes_are_found_in_order),
	};
	return TU_RUN(tests);
}
