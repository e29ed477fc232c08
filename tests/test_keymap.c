/*
 * test_keymap: keys.ini over the built-in key table: rebinding,
 * unbinding, adding; broken lines (each message word for word, with
 * file and line, the default binding kept); garbage and empty files; and
 * `beatty --dump-keys` output read back to the same table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keymap.h"
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

static keymap_t *parsed(const char *text, cfg_msgs_t *m)
{
	keymap_t *km = keymap_create();
	assert_non_null(km);
	cfg_msgs_init(m);
	keymap_parse(km, text, strlen(text), "k.ini", m);
	return km;
}

/* The binding of key in ctx exactly (no global fallback), or NULL. */
static const ui_binding_t *bound(const keymap_t *km, ui_ctx_t ctx, const char *key)
{
	int n;
	const ui_binding_t *t = keymap_table(km, &n);
	for (int i = 0; i < n; i++)
		if (t[i].ctx == ctx && !strcmp(t[i].key, key))
			return &t[i];
	return NULL;
}

static void assert_bound(const keymap_t *km, ui_ctx_t ctx, const char *key, ui_cmd_t cmd, int arg)
{
	const ui_binding_t *b = bound(km, ctx, key);
	assert_non_null(b);
	assert_string_equal(ui_cmd_names[b->cmd], ui_cmd_names[cmd]);
	assert_int_equal(b->arg, arg);
}

static void assert_same_as_defaults(const keymap_t *km)
{
	int n, nd;
	const ui_binding_t *t = keymap_table(km, &n);
	const ui_binding_t *d = ui_keys_defaults(&nd);
	assert_int_equal(n, nd);
	for (int i = 0; i < n; i++) {
		assert_int_equal(t[i].ctx, d[i].ctx);
		assert_string_equal(t[i].key, d[i].key);
		assert_int_equal(t[i].cmd, d[i].cmd);
		assert_int_equal(t[i].arg, d[i].arg);
		assert_string_equal(t[i].help, d[i].help);
	}
}

static void starts_as_the_builtin_table(void **state)
{
	(void)state;
	keymap_t *km = keymap_create();
	assert_non_null(km);
	assert_same_as_defaults(km);
	assert_bound(km, CTX_GLOBAL, "KEY_F(5)", CMD_PLAY_SONG, 0);
	keymap_destroy(km);
}

static void rebinds_unbinds_and_adds(void **state)
{
	(void)state;
	cfg_msgs_t m;
	int n0;
	ui_keys_defaults(&n0);
	keymap_t *km = parsed("# my keys\n"
	                      "[global]\n"
	                      "play-song = KEY_F(9)\n"     /* new key, F5 stays */
	                      "none = KEY_F(8)\n"          /* unbind stop */
	                      "stop = KEY_F(20)\n"
	                      "[pattern]\n"
	                      "note 12 = a\n"
	                      "transpose +2 = ;\n"
	                      "transpose -1 = =\n"         /* was '-' only: '=' is new */
	                      "follow = Space\n"           /* replaces edit-mode on Space */
	                      "  octave-up = kUP3\n", &m);
	for (int i = 0; i < m.n; i++)
		print_error("%s\n", m.msg[i]);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_bound(km, CTX_GLOBAL, "KEY_F(9)", CMD_PLAY_SONG, 0);
	assert_bound(km, CTX_GLOBAL, "KEY_F(5)", CMD_PLAY_SONG, 0);
	assert_null(bound(km, CTX_GLOBAL, "KEY_F(8)"));
	assert_bound(km, CTX_GLOBAL, "KEY_F(20)", CMD_STOP, 0);
	assert_bound(km, CTX_PATTERN, "KEY_F(9)", CMD_MUTE, 0);   /* the page's own stays */
	assert_bound(km, CTX_PATTERN, "a", CMD_NOTE, 12);
	assert_string_equal(bound(km, CTX_PATTERN, "a")->help, "note C, octave +1");
	assert_bound(km, CTX_PATTERN, ";", CMD_TRANSPOSE, 2);
	assert_bound(km, CTX_PATTERN, "=", CMD_TRANSPOSE, -1);
	assert_bound(km, CTX_PATTERN, "-", CMD_TRANSPOSE, -1);
	assert_bound(km, CTX_PATTERN, " ", CMD_FOLLOW, 0);
	assert_bound(km, CTX_PATTERN, "kUP3", CMD_OCTAVE_UP, 0);
	/* Added: the keys the built-in table did not have; F8 is gone. */
	keymap_t *def = keymap_create();
	assert_non_null(def);
	static const struct { ui_ctx_t ctx; const char *key; } added[] = {
		{ CTX_GLOBAL, "KEY_F(9)" }, { CTX_GLOBAL, "KEY_F(20)" }, { CTX_PATTERN, "a" },
		{ CTX_PATTERN, ";" }, { CTX_PATTERN, "=" }, { CTX_PATTERN, "kUP3" },
	};
	int want = n0 - 1;
	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++)
		want += bound(def, added[i].ctx, added[i].key) == NULL;
	keymap_destroy(def);
	int n;
	keymap_table(km, &n);
	assert_int_equal(n, want);
	keymap_destroy(km);
}

static void broken_lines_keep_the_defaults(void **state)
{
	(void)state;
	char ctxs[256] = "";
	for (int i = 0; i < CTX_COUNT; i++) {
		size_t k = strlen(ctxs);
		snprintf(ctxs + k, sizeof(ctxs) - k, "%s%s", i ? ", " : "", ui_ctx_names[i]);
	}
	char longline[230];
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	memcpy(longline, "stop = ", 7);
	char text[1024];
	snprintf(text, sizeof(text),
	         "play-song = KEY_F(9)\n"      /* 1 */
	         "[global]\n"                  /* 2 */
	         "plya = KEY_F(9)\n"           /* 3 */
	         "play-song = KEY_NOPE\n"      /* 4 */
	         "stop = KEY_F(9)\n"           /* 5 */
	         "play-song = KEY_F(9)\n"      /* 6 */
	         "stop =\n"                    /* 7 */
	         "%s\n"                        /* 8 */
	         "[pattern]\n"                 /* 9 */
	         "transpose x = +\n"           /* 10 */
	         "transpose 1 2 = +\n"         /* 11 */
	         "note 1 = ab\n"               /* 12 */
	         "[mixer-x]\n"                 /* 13 */
	         "stop = q\n"                  /* 14 */
	         "[pattern]\n"                 /* 15 */
	         "mute\n"                      /* 16 */
	         "= mute\n",                   /* 17 */
	         longline);
	cfg_msgs_t m;
	keymap_t *km = parsed(text, &m);
	char unknown_ctx[400];
	snprintf(unknown_ctx, sizeof(unknown_ctx),
	         "k.ini:13: unknown context [mixer-x] (%s); its lines are ignored", ctxs);
	const char *const want[] = {
		"k.ini:1: binding outside a [context] section; ignored",
		"k.ini:3: unknown command 'plya'; keeping the default",
		"k.ini:4: unknown key 'KEY_NOPE'; keeping the default",
		"k.ini:6: KEY_F(9) is already bound in [global] on line 5; keeping that binding",
		"k.ini:7: no key for stop; keeping the default",
		"k.ini:8: line too long (over 196 characters); ignored",
		"k.ini:10: bad argument 'x' for transpose (a whole number); keeping the default",
		"k.ini:11: transpose takes one argument at most; keeping the default",
		"k.ini:12: unknown key 'ab'; keeping the default",
		unknown_ctx,
		"k.ini:16: expected 'name = value'; ignored",
		"k.ini:17: expected 'name = value'; ignored",
		NULL,
	};
	assert_msgs(&m, want);
	assert_bound(km, CTX_GLOBAL, "KEY_F(9)", CMD_STOP, 0);       /* line 5 */
	assert_bound(km, CTX_GLOBAL, "KEY_F(5)", CMD_PLAY_SONG, 0);
	assert_bound(km, CTX_GLOBAL, "KEY_F(8)", CMD_STOP, 0);
	assert_bound(km, CTX_PATTERN, "+", CMD_TRANSPOSE, 1);
	assert_null(bound(km, CTX_PATTERN, "ab"));
	assert_bound(km, CTX_PATTERN, "q", CMD_NOTE, 12);
	keymap_destroy(km);
}

static void garbage_and_empty_files_change_nothing(void **state)
{
	(void)state;
	cfg_msgs_t m;
	keymap_t *km = keymap_create();
	assert_non_null(km);
	static const char garbage[] = "[global]\nstop = q\n\x1b[31m\x01\x02\x03\xff\xfe\0\0junk";
	cfg_msgs_init(&m);
	keymap_parse(km, garbage, sizeof(garbage) - 1, "g.ini", &m);
	static const char *const want[] = {
		"g.ini:3: binary data, not a text file; the whole file is ignored (keeping the defaults)",
		NULL,
	};
	assert_msgs(&m, want);
	assert_same_as_defaults(km);
	keymap_destroy(km);

	km = parsed("", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_same_as_defaults(km);
	keymap_destroy(km);
}

static void too_many_bindings_are_refused(void **state)
{
	(void)state;
	int n0;
	ui_keys_defaults(&n0);
	int lines = UI_KEYS_MAX - n0 + 3;
	size_t cap = (size_t)lines * 24 + 16;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, cap, "[order]\n");
	for (int i = 0; i < lines; i++)
		k += (size_t)snprintf(text + k, cap - k, "stop = kX%d\n", i);
	cfg_msgs_t m;
	keymap_t *km = parsed(text, &m);
	assert_int_equal(cfg_msgs_count(&m), 3);
	char want[128];
	snprintf(want, sizeof(want), "k.ini:%d: too many bindings (%d at most); ignored",
	         UI_KEYS_MAX - n0 + 2, UI_KEYS_MAX);
	assert_string_equal(m.msg[0], want);
	int n;
	keymap_table(km, &n);
	assert_int_equal(n, UI_KEYS_MAX);
	keymap_destroy(km);
	free(text);
}

static void dumped_keys_read_back_to_the_same_table(void **state)
{
	(void)state;
	keymap_t *km = keymap_create();
	assert_non_null(km);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	keymap_write(km, f);
	fclose(f);
	keymap_destroy(km);
	/* Every line fits the reader. */
	for (char *p = buf; *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		assert_in_range(n, 0, CFGFILE_LINE_MAX);
		p += nl ? n + 1 : n;
	}
	cfg_msgs_t m;
	km = parsed(buf, &m);
	for (int i = 0; i < m.n; i++)
		print_error("%s\n", m.msg[i]);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_same_as_defaults(km);
	keymap_destroy(km);

	/* A changed table writes and reads back as changed. */
	km = parsed("[global]\nplay-song = KEY_F(9)\nnone = KEY_F(8)\n[pattern]\nnote 12 = a\n", &m);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	keymap_write(km, f);
	fclose(f);
	keymap_t *back = parsed(buf, &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_bound(back, CTX_GLOBAL, "KEY_F(9)", CMD_PLAY_SONG, 0);
	assert_bound(back, CTX_PATTERN, "a", CMD_NOTE, 12);
	/* an unbound default comes back, as the file cannot say "absent" */
	assert_bound(back, CTX_GLOBAL, "KEY_F(8)", CMD_STOP, 0);
	keymap_destroy(back);
	keymap_destroy(km);
	free(buf);
}

/* ':' separates as '=' does, so "transpose +2: ;" binds ';' as
 * "transpose +2 = ;" does, rather than take it for a comment. */
static void colon_binds_semicolon_as_equals_does(void **state)
{
	(void)state;
	cfg_msgs_t m;
	keymap_t *km = parsed("[pattern]\ntranspose +2: ;\n", &m);
	assert_int_equal(cfg_msgs_count(&m), 0);
	assert_bound(km, CTX_PATTERN, ";", CMD_TRANSPOSE, 2);
	keymap_destroy(km);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_as_the_builtin_table),
		cmocka_unit_test(rebinds_unbinds_and_adds),
		cmocka_unit_test(colon_binds_semicolon_as_equals_does),
		cmocka_unit_test(broken_lines_keep_the_defaults),
		cmocka_unit_test(garbage_and_empty_files_change_nothing),
		cmocka_unit_test(too_many_bindings_are_refused),
		cmocka_unit_test(dumped_keys_read_back_to_the_same_table),
	};
	return TU_RUN(tests);
}
