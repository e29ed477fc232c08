/*
 * test_termkey: the special keys of xterm, rxvt, the Linux console,
 * vt100/vt220, tmux and screen decoded from their bytes; unknown and
 * incomplete sequences taken whole, so none of their bytes can reach
 * the editor as ordinary keys.
 */
#include <string.h>
#include "termkey.h"
#include "testutil.h"

typedef struct {
	const char *seq;
	int key, mods;
} want_t;

static void assert_key(const char *seq, int key, int mods)
{
	termkey_t k = { -1, -1 };
	size_t used = 0;
	size_t n = strlen(seq);
	termkey_result_t r = termkey_decode((const unsigned char *)seq, n, 1, &k, &used);
	if (r != TERMKEY_KEY || k.key != key || k.mods != mods || used != n) {
		char shown[64];
		termkey_show((const unsigned char *)seq, n, shown, sizeof(shown));
		print_error("%s: result %d key %#x mods %d used %zu; want key %#x mods %d\n", shown,
		            (int)r, k.key, k.mods, used, key, mods);
		fail();
	}
}

static void every_family_f1_to_f12(void **state)
{
	(void)state;
	static const want_t keys[] = {
		/* xterm, tmux, screen (and vt100's PF1-PF4) */
		{ "\033OP", TK_F(1), 0 }, { "\033OQ", TK_F(2), 0 }, { "\033OR", TK_F(3), 0 },
		{ "\033OS", TK_F(4), 0 }, { "\033[15~", TK_F(5), 0 }, { "\033[17~", TK_F(6), 0 },
		{ "\033[18~", TK_F(7), 0 }, { "\033[19~", TK_F(8), 0 }, { "\033[20~", TK_F(9), 0 },
		{ "\033[21~", TK_F(10), 0 }, { "\033[23~", TK_F(11), 0 }, { "\033[24~", TK_F(12), 0 },
		/* rxvt and vt220 */
		{ "\033[11~", TK_F(1), 0 }, { "\033[12~", TK_F(2), 0 }, { "\033[13~", TK_F(3), 0 },
		{ "\033[14~", TK_F(4), 0 },
		/* the Linux console */
		{ "\033[[A", TK_F(1), 0 }, { "\033[[B", TK_F(2), 0 }, { "\033[[C", TK_F(3), 0 },
		{ "\033[[D", TK_F(4), 0 }, { "\033[[E", TK_F(5), 0 },
		/* modified */
		{ "\033[1;2P", TK_F(1), TK_SHIFT }, { "\033[15;5~", TK_F(5), TK_CTRL },
		{ "\033O2P", TK_F(1), TK_SHIFT }, { "\033[15^", TK_F(5), TK_CTRL },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_key(keys[i].seq, keys[i].key, keys[i].mods);
}

static void every_family_editing_keys(void **state)
{
	(void)state;
	static const want_t keys[] = {
		/* xterm, normal and application mode */
		{ "\033[H", TK_HOME, 0 }, { "\033[F", TK_END, 0 }, { "\033OH", TK_HOME, 0 },
		{ "\033OF", TK_END, 0 },
		/* vt220, the Linux console, tmux, screen */
		{ "\033[1~", TK_HOME, 0 }, { "\033[4~", TK_END, 0 }, { "\033[2~", TK_INSERT, 0 },
		{ "\033[3~", TK_DELETE, 0 }, { "\033[5~", TK_PGUP, 0 }, { "\033[6~", TK_PGDN, 0 },
		/* rxvt */
		{ "\033[7~", TK_HOME, 0 }, { "\033[8~", TK_END, 0 }, { "\033[2$", TK_INSERT, TK_SHIFT },
		{ "\033[a", TK_UP, TK_SHIFT }, { "\033Oa", TK_UP, TK_CTRL },
		/* cursor keys and their modifiers */
		{ "\033[A", TK_UP, 0 }, { "\033OB", TK_DOWN, 0 }, { "\033[C", TK_RIGHT, 0 },
		{ "\033OD", TK_LEFT, 0 }, { "\033[1;5A", TK_UP, TK_CTRL },
		{ "\033[1;2B", TK_DOWN, TK_SHIFT }, { "\033[3;2~", TK_DELETE, TK_SHIFT },
		{ "\033[Z", TK_BACKTAB, 0 },
		/* the keypad in application mode types characters */
		{ "\033Oo", '/', 0 }, { "\033Oj", '*', 0 }, { "\033Op", '0', 0 }, { "\033OM", '\r', 0 },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_key(keys[i].seq, keys[i].key, keys[i].mods);
}

static void esc_alone_and_alt_letters(void **state)
{
	(void)state;
	assert_key("\033", TK_ESC, 0);
	assert_key("\033p", 'p', TK_ALT);
	assert_key("\0335", '5', TK_ALT);
	termkey_t k;
	size_t used;
	/* Without final, a lone Esc and an unfinished sequence wait for more. */
	assert_int_equal(termkey_decode((const unsigned char *)"\033", 1, 0, &k, &used), TERMKEY_MORE);
	assert_int_equal(termkey_decode((const unsigned char *)"\033[1", 3, 0, &k, &used),
	                 TERMKEY_MORE);
	assert_int_equal(termkey_decode((const unsigned char *)"\033O", 2, 0, &k, &used),
	                 TERMKEY_MORE);
	/* Esc Esc: the first is Esc, the second starts the next key. */
	assert_int_equal(termkey_decode((const unsigned char *)"\033\033[A", 4, 1, &k, &used),
	                 TERMKEY_KEY);
	assert_int_equal(k.key, TK_ESC);
	assert_int_equal(used, 1);
}

static void unknown_sequences_are_taken_whole(void **state)
{
	(void)state;
	static const char *const seqs[] = {
		"\033[99~", "\033[?1;2c", "\033[200~", "\033[1;5X", "\033O5y7", "\033[[Z", "\033[E",
		"\033[M !!", "\033[I",
	};
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		termkey_t k;
		size_t used = 0, n = strlen(seqs[i]);
		/* followed by a key, which must be left alone */
		unsigned char buf[64];
		memcpy(buf, seqs[i], n);
		buf[n] = 'z';
		termkey_result_t r = termkey_decode(buf, n + 1, 1, &k, &used);
		if (r != TERMKEY_UNKNOWN || used != (strcmp(seqs[i], "\033O5y7") ? n : n - 1)) {
			print_error("seq %zu: result %d used %zu of %zu\n", i, (int)r, used, n);
			fail();
		}
	}
	/* Cut short: everything read so far goes. */
	termkey_t k;
	size_t used;
	assert_int_equal(termkey_decode((const unsigned char *)"\033[15", 4, 1, &k, &used),
	                 TERMKEY_UNKNOWN);
	assert_int_equal(used, 4);
	/* Too long to be a key. */
	unsigned char lng[60] = "\033[";
	memset(lng + 2, '1', sizeof(lng) - 2);
	assert_int_equal(termkey_decode(lng, sizeof(lng), 0, &k, &used), TERMKEY_UNKNOWN);
	assert_true(used <= TERMKEY_MAX);
}

static void shows_sequences_readably(void **state)
{
	(void)state;
	char b[32];
	termkey_show((const unsigned char *)"\033[99~", 5, b, sizeof(b));
	assert_string_equal(b, "^[[99~");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_family_f1_to_f12),
		cmocka_unit_test(every_family_editing_keys),
		cmocka_unit_test(esc_alone_and_alt_letters),
		cmocka_unit_test(unknown_sequences_are_taken_whole),
		cmocka_unit_test(shows_sequences_readably),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
