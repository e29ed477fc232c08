/*
 * test_settings: config.ini with broken lines (each message word for
 * word, with file, line and the default kept), garbage, empty and
 * unreadable files, the written defaults read back, and where the file
 * is looked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "settings.h"
#include "testutil.h"

static void assert_msgs(const cfg_msgs_t *m, const char *const want[])
{
	int n = 0;
	while (want[n])
		n++;
	for (int i = 0; i < m->n && i < n; i++)
		assert_string_equal(m->msg[i], want[i]);
	assert_int_equal(cfg_msgs_count(m), n);
}

static void parse(settings_t *c, const char *text, cfg_msgs_t *m)
{
	settings_default(c);
	cfg_msgs_init(m);
	settings_parse(c, text, strlen(text), "c.ini", m);
}

static void defaults(void **state)
{
	(void)state;
	settings_t c;
	settings_default(&c);
	assert_string_equal(c.device, "default");
	assert_int_equal(c.period, 256);
	assert_int_equal(c.periods, 3);
	assert_int_equal(c.rate, 48000);
	assert_string_equal(c.theme, "default");
	assert_int_equal(c.octave, 4);
	assert_int_equal(c.step, 1);
	assert_int_equal(c.autosave, 60);
}

static void settings_are_read(void **state)
{
	(void)state;
	settings_t c;
	cfg_msgs_t m;
	parse(&c, "# mine\n[audio]\ndevice = hw:1,0\nperiod = 128\nperiods = 2\nrate = 44100\n"
	          "[ui]\ntheme = light\noctave = 3\nstep = 0\nautosave = 0\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_string_equal(c.device, "hw:1,0");
	assert_int_equal(c.period, 128);
	assert_int_equal(c.periods, 2);
	assert_int_equal(c.rate, 44100);
	assert_string_equal(c.theme, "light");
	assert_int_equal(c.octave, 3);
	assert_int_equal(c.step, 0);
	assert_int_equal(c.autosave, 0);
}

/* ':' separates as '=' does, in config.ini as in songs; a value may
 * hold either after the first. */
static void colon_separates_as_in_songs(void **state)
{
	(void)state;
	settings_t c;
	cfg_msgs_t m;
	parse(&c, "[audio]\nperiod: 128\ndevice: hw:1,0\nrate : 44100\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_int_equal(c.period, 128);
	assert_string_equal(c.device, "hw:1,0");
	assert_int_equal(c.rate, 44100);
}

/* A ';' after a blank starts a comment, so "period ;x = 128" has no
 * separator: said, not silently dropped. */
static void comment_before_the_separator_is_reported(void **state)
{
	(void)state;
	settings_t c;
	cfg_msgs_t m;
	parse(&c, "[audio]\nperiod ;x = 128\nrate = 44100\n", &m);
	static const char *const want[] = {
		"c.ini:2: expected 'name = value'; ignored",
		NULL
	};
	assert_msgs(&m, want);
	assert_int_equal(c.period, 256);
	assert_int_equal(c.rate, 44100);
}

/* The autosave interval may carry its unit: tests set it in seconds. */
static void autosave_takes_seconds(void **state)
{
	(void)state;
	settings_t c;
	cfg_msgs_t m;
	parse(&c, "[ui]\nautosave = 2s\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_int_equal(c.autosave, 2);
	parse(&c, "[ui]\nautosave = 2m\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 1);
	assert_int_equal(c.autosave, 60);
	parse(&c, "[ui]\nautosave = s\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 1);
	assert_int_equal(c.autosave, 60);
}

static void broken_lines_keep_their_defaults(void **state)
{
	(void)state;
	char longline[240];
	memset(longline, '1', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	memcpy(longline, "rate = ", 7);
	char text[1024];
	snprintf(text, sizeof(text),
	         "octave = 5\n"                /* 1 */
	         "[audio]\n"                   /* 2 */
	         "period = abc\n"              /* 3 */
	         "periods = 64\n"              /* 4 */
	         "rate = 44100\n"              /* 5 */
	         "rate = 96000\n"              /* 6 */
	         "theme = light\n"             /* 7 */
	         "device =\n"                  /* 8 */
	         "[ui]\n"                      /* 9 */
	         "octave = 9\n"                /* 10 */
	         "step = 2\n"                  /* 11 */
	         "autosave = -5\n"             /* 12 */
	         "colour = red\n"              /* 13 */
	         "[video]\n"                   /* 14 */
	         "fps = 60\n"                  /* 15 */
	         "[audio]\n"                   /* 16 */
	         "%s\n"                        /* 17 */
	         "period 128\n"                /* 18 */
	         "period = 12 8\n",            /* 19 */
	         longline);
	settings_t c;
	cfg_msgs_t m;
	parse(&c, text, &m);
	static const char *const want[] = {
		"c.ini:1: 'octave' belongs in [ui]; ignored",
		"c.ini:3: bad period 'abc' (16..8192); keeping the default (256)",
		"c.ini:4: bad periods '64' (2..32); keeping the default (3)",
		"c.ini:6: rate set again (first on line 5); keeping 44100",
		"c.ini:7: 'theme' belongs in [ui]; ignored",
		"c.ini:8: empty device; keeping the default (default)",
		"c.ini:10: bad octave '9' (0..8); keeping the default (4)",
		"c.ini:12: bad autosave '-5' (0..86400); keeping the default (60)",
		"c.ini:13: unknown setting 'colour' in [ui]; ignored",
		"c.ini:14: unknown section [video] (audio, ui, browser); its lines are ignored",
		"c.ini:17: line too long (over 196 characters); ignored",
		"c.ini:18: expected 'name = value'; ignored",
		"c.ini:19: bad period '12 8' (16..8192); keeping the default (256)",
		NULL,
	};
	assert_msgs(&m, want);
	settings_t d;
	settings_default(&d);
	assert_int_equal(c.period, d.period);
	assert_int_equal(c.periods, d.periods);
	assert_int_equal(c.rate, 44100);
	assert_string_equal(c.device, "default");
	assert_string_equal(c.theme, "default");
	assert_int_equal(c.octave, 4);
	assert_int_equal(c.step, 2);
	assert_int_equal(c.autosave, 60);
}

static void garbage_and_empty_files_change_nothing(void **state)
{
	(void)state;
	settings_t c, d;
	settings_default(&d);
	cfg_msgs_t m;
	static const char garbage[] = "[ui]\noctave = 2\n\0\0\0\x01\x02\x03garbage\n";
	settings_default(&c);
	cfg_msgs_init(&m);
	settings_parse(&c, garbage, sizeof(garbage) - 1, "g.ini", &m);
	static const char *const want[] = {
		"g.ini:3: binary data, not a text file; the whole file is ignored (keeping the defaults)",
		NULL,
	};
	assert_msgs(&m, want);
	assert_memory_equal(&c, &d, sizeof(c));
	parse(&c, "", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	parse(&c, "\n\n   \n# just a comment\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_memory_equal(&c, &d, sizeof(c));
}

static void written_defaults_read_back(void **state)
{
	(void)state;
	settings_t c, d;
	settings_default(&d);
	snprintf(d.device, sizeof(d.device), "plughw:0");
	d.autosave = 5;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	settings_write(&d, f);
	fclose(f);
	cfg_msgs_t m;
	parse(&c, buf, &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	free(buf);
}

static void files_missing_unreadable_and_found(void **state)
{
	(void)state;
	char tmp[] = "/tmp/beatty-config-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char p[200];
	settings_t c;
	cfg_msgs_t m;
	cfg_msgs_init(&m);
	settings_default(&c);

	snprintf(p, sizeof(p), "%s/none.ini", tmp);
	assert_int_equal(settings_load(&c, p, &m), 1);      /* missing: quietly the defaults */
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_int_equal(settings_load(&c, tmp, &m), -1);   /* a folder */
	assert_int_equal(m.n, 1);
	char want[300];
	snprintf(want, sizeof(want), "%s: is a folder; keeping the defaults", tmp);
	assert_string_equal(m.msg[0], want);

	/* where it is looked for */
	setenv("XDG_CONFIG_HOME", tmp, 1);
	assert_int_equal(cfgfile_path("config.ini", p, sizeof(p)), 0);
	snprintf(want, sizeof(want), "%s/beatty/config.ini", tmp);
	assert_string_equal(p, want);
	setenv("XDG_CONFIG_HOME", "relative/is/ignored", 1);
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(cfgfile_path("keys.ini", p, sizeof(p)), 0);
	assert_string_equal(p, "/home/someone/.config/beatty/keys.ini");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(cfgfile_path("keys.ini", p, sizeof(p)), -1);

	/* the message list keeps the first CFG_MSGS_MAX and counts the rest */
	cfg_msgs_init(&m);
	for (int i = 0; i < CFG_MSGS_MAX + 5; i++)
		cfg_msgs_add(&m, "x.ini", i + 1, "m%d", i);
	assert_int_equal(m.n, CFG_MSGS_MAX);
	assert_int_equal(cfg_msgs_count(&m), CFG_MSGS_MAX + 5);
	assert_string_equal(m.msg[CFG_MSGS_MAX - 1], "x.ini:16: m15");
	rmdir(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(settings_are_read),
		cmocka_unit_test(colon_separates_as_in_songs),
		cmocka_unit_test(comment_before_the_separator_is_reported),
		cmocka_unit_test(autosave_takes_seconds),
		cmocka_unit_test(broken_lines_keep_their_defaults),
		cmocka_unit_test(garbage_and_empty_files_change_nothing),
		cmocka_unit_test(written_defaults_read_back),
		cmocka_unit_test(files_missing_unreadable_and_found),
	};
	return TU_RUN(tests);
}
