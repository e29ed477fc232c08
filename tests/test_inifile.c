/*
 * test_inifile: the INI front end in its two modes over the same text:
 * strict stops at the first problem, lenient reports each bad line with
 * its number and goes on; both hand each pair its own line.
 */
#include <stdio.h>
#include <string.h>
#include "inifile.h"
#include "testutil.h"

typedef struct seen {
	char log[2048];
	int stop_at;          /* a pair on this line says stop */
} seen_t;

static void add(seen_t *s, const char *fmt, const char *a, const char *b, int line)
{
	size_t k = strlen(s->log);
	snprintf(s->log + k, sizeof(s->log) - k, fmt, line, a, b);
}

static bool on_section(void *user, const char *name, int line)
{
	add(user, "%d [%s]%s\n", name, "", line);
	return true;
}

static bool on_pair(void *user, const char *section, const char *name, const char *value,
                    int line)
{
	seen_t *s = user;
	char nv[256];
	snprintf(nv, sizeof(nv), "%s=%s", name, value);
	add(s, "%d %s: %s\n", section, nv, line);
	return line != s->stop_at;
}

static void on_problem(void *user, int line, inifile_problem_t what, const char *msg)
{
	char w[16];
	snprintf(w, sizeof(w), "%d", (int)what);
	add(user, "%d ! %s %s\n", w, msg, line);
}

static const inifile_ops_t ops = { .section = on_section, .pair = on_pair, .problem = on_problem };

static const char text[] =
	"\xEF\xBB\xBF# comment\n"      /* 1 */
	"[a]\n"                        /* 2 */
	"  x = 1\n"                    /* 3: indented, not a continuation */
	"y: 2 ; note\n"                /* 4 */
	"no separator\n"               /* 5 */
	"z = 3\n"                      /* 6 */
	"[b\n"                         /* 7 */
	"w = ;\n";                     /* 8 */

static void strict_stops_at_the_first_problem(void **state)
{
	(void)state;
	seen_t s = { .stop_at = -1 };
	inifile_info_t info;
	assert_int_equal(inifile_parse(text, strlen(text), INIFILE_STRICT, &ops, &s, &info), -1);
	assert_string_equal(s.log, "2 [a]\n3 a: x=1\n4 a: y=2\n"
	                    "5 ! 4 expected 'key = value', found 'no separator'\n");
	assert_int_equal(info.nlines, 5);
	assert_true(info.any_text);
	assert_true(info.last_ended);
}

static void lenient_reports_and_goes_on(void **state)
{
	(void)state;
	seen_t s = { .stop_at = -1 };
	inifile_info_t info;
	assert_int_equal(inifile_parse(text, strlen(text), INIFILE_LENIENT, &ops, &s, &info), 0);
	assert_string_equal(s.log, "2 [a]\n3 a: x=1\n4 a: y=2\n"
	                    "5 ! 4 expected 'name = value'; ignored\n6 a: z=3\n"
	                    "7 ! 2 bad section line (expected [name]); ignored\n8 a: w=;\n");
	assert_int_equal(info.nlines, 8);
}

static void a_callback_stops_either_mode(void **state)
{
	(void)state;
	for (int mode = INIFILE_STRICT; mode <= INIFILE_LENIENT; mode++) {
		seen_t s = { .stop_at = 3 };
		assert_int_equal(inifile_parse(text, strlen(text), (inifile_mode_t)mode, &ops, &s, NULL), -1);
		assert_string_equal(s.log, "2 [a]\n3 a: x=1\n");
	}
}

static void binary_data(void **state)
{
	(void)state;
	static const char bin[] = "[a]\nx = 1\ny = \x01\n";
	seen_t s = { .stop_at = -1 };
	assert_int_equal(inifile_parse(bin, sizeof(bin) - 1, INIFILE_STRICT, &ops, &s, NULL), -1);
	assert_string_equal(s.log, "1 [a]\n2 a: x=1\n3 ! 0 binary data\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(inifile_parse(bin, sizeof(bin) - 1, INIFILE_LENIENT, &ops, &s, NULL), -1);
	assert_string_equal(s.log, "3 ! 0 binary data, not a text file; the whole file is ignored "
	                    "(keeping the defaults)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strict_stops_at_the_first_problem),
		cmocka_unit_test(lenient_reports_and_goes_on),
		cmocka_unit_test(a_callback_stops_either_mode),
		cmocka_unit_test(binary_data),
	};
	return TU_RUN(tests);
}
