/*
 * test_euclid: Bjorklund's rhythms against Toussaint's table of
 * Euclidean rhythms, their evenness for every k and n, rotation, the
 * prompt's grammar, and what a block gets: hits, misses, accents, and a
 * humanize that is the same for the same seed and stays in bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "euclid.h"
#include "note.h"
#include "testutil.h"

static void text_of(int k, int n, int rot, char *out)
{
	bool hit[EUCLID_MAX_STEPS];
	assert_int_equal(euclid_bjorklund(k, n, rot, hit), 0);
	for (int i = 0; i < n; i++)
		out[i] = hit[i] ? 'x' : '.';
	out[n] = 0;
}

static void known_rhythms(void **state)
{
	(void)state;
	/* G. Toussaint, "The Euclidean Algorithm Generates Traditional
	 * Musical Rhythms" (2005), as Bjorklund's algorithm writes them */
	static const struct { int k, n; const char *want; } table[] = {
		{ 1, 2, "x." }, { 1, 3, "x.." }, { 1, 4, "x..." }, { 4, 12, "x..x..x..x.." },
		{ 2, 3, "xx." }, { 2, 5, "x.x.." }, { 3, 4, "xxx." }, { 3, 5, "x.x.x" },
		{ 3, 7, "x.x.x.." }, { 3, 8, "x..x..x." }, { 4, 7, "x.x.x.x" },
		{ 4, 9, "x.x.x.x.." }, { 4, 11, "x..x..x..x." }, { 5, 6, "xxxxx." },
		{ 5, 7, "x.xx.xx" }, { 5, 8, "x.xx.xx." }, { 5, 9, "x.x.x.x.x" },
		{ 5, 11, "x.x.x.x.x.." }, { 5, 12, "x..x.x..x.x." },
		{ 5, 16, "x..x..x..x..x..." }, { 7, 8, "xxxxxxx." }, { 7, 12, "x.xx.x.xx.x." },
		{ 7, 16, "x..x.x.x..x.x.x." }, { 9, 16, "x.xx.x.x.xx.x.x." },
		{ 11, 24, "x..x.x.x.x.x..x.x.x.x.x." }, { 13, 24, "x.xx.x.x.x.x.xx.x.x.x.x." },
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char got[EUCLID_MAX_STEPS + 1];
		text_of(table[i].k, table[i].n, 0, got);
		if (strcmp(got, table[i].want)) {
			print_message("E(%d,%d): got %s, want %s\n", table[i].k, table[i].n, got, table[i].want);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static void even_for_all(void **state)
{
	(void)state;
	/* k hits, starting on the first step, gaps differing by at most one */
	for (int n = 1; n <= EUCLID_MAX_STEPS; n++)
		for (int k = 1; k <= n; k++) {
			bool hit[EUCLID_MAX_STEPS];
			assert_int_equal(euclid_bjorklund(k, n, 0, hit), 0);
			assert_true(hit[0]);
			int count = 0, first = -1, last = -1, gmin = n + 1, gmax = 0;
			for (int i = 0; i < n; i++) {
				if (!hit[i])
					continue;
				count++;
				if (last >= 0) {
					int g = i - last;
					gmin = g < gmin ? g : gmin;
					gmax = g > gmax ? g : gmax;
				} else {
					first = i;
				}
				last = i;
			}
			int wrap = n - last + first;
			gmin = wrap < gmin ? wrap : gmin;
			gmax = wrap > gmax ? wrap : gmax;
			assert_int_equal(count, k);
			assert_true(gmax - gmin <= 1);
		}
	bool hit[EUCLID_MAX_STEPS];
	assert_int_equal(euclid_bjorklund(0, 4, 0, hit), 0);
	assert_false(hit[0] || hit[1] || hit[2] || hit[3]);
	assert_int_equal(euclid_bjorklund(5, 4, 0, hit), -1);
	assert_int_equal(euclid_bjorklund(1, 65, 0, hit), -1);
}

static void rotation(void **state)
{
	(void)state;
	char got[EUCLID_MAX_STEPS + 1];
	text_of(3, 8, 2, got);
	assert_string_equal(got, "x.x..x..");
	text_of(3, 8, -1, got);
	assert_string_equal(got, "..x..x.x");
	text_of(3, 8, 8, got);
	assert_string_equal(got, "x..x..x.");
}

static void parsing(void **state)
{
	(void)state;
	euclid_opts_t o;
	char err[200];
	assert_true(euclid_parse("3/8 rot 2 vol 30 accent 40 hv 6 hd 2 seed 9", &o, err, sizeof(err)));
	assert_int_equal(o.k, 3);
	assert_int_equal(o.n, 8);
	assert_int_equal(o.rot, 2);
	assert_int_equal(o.vol, 30);
	assert_int_equal(o.accent, 40);
	assert_int_equal(o.human_vol, 6);
	assert_int_equal(o.human_delay, 2);
	assert_int_equal(o.seed, 9);
	assert_true(euclid_parse("every 4", &o, err, sizeof(err)));
	assert_int_equal(o.every, 4);
	assert_int_equal(o.vol, -1);
	assert_int_equal(o.seed, 1);
	assert_false(euclid_parse("9/8", &o, err, sizeof(err)));
	assert_false(euclid_parse("3/8 loud 4", &o, err, sizeof(err)));
	assert_non_null(strstr(err, "loud"));
	assert_false(euclid_parse("3/8 vol 99", &o, err, sizeof(err)));
	assert_false(euclid_parse("every", &o, err, sizeof(err)));
	char d[100];
	euclid_parse("3/8 rot 2", &o, err, sizeof(err));
	euclid_describe(&o, d, sizeof(d));
	assert_string_equal(d, "E(3,8) rot 2  x.x..x..");
	euclid_parse("every 4", &o, err, sizeof(err));
	euclid_describe(&o, d, sizeof(d));
	assert_string_equal(d, "every 4  x...");
}

static const char song_text[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 2\n\n"
	"[instrument 01]\ntype = synth\n\n"
	"[pattern 00]\nrows = 16\n"
	"01 = G-4 01 20 ED3 | ... .. .. ...\n"
	"05 = ... .. .. A04 | ... .. .. ...\n\n"
	"[order]\n00 = 00\n";

static void apply_block(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	euclid_opts_t o;
	char err[200];
	assert_true(euclid_parse("3/8 vol 20 accent 40", &o, err, sizeof(err)));
	int c4 = NOTE_MIN + 4 * 12;
	assert_int_equal(euclid_apply(&s, 0, (edit_rect_t){ 0, 0, 15, 0 }, c4, 1, &o), EDIT_OK);
	const pattern_t *p = s.pattern[0];
	/* x..x..x. twice: rows 0 3 6 8 11 14 */
	for (int y = 0; y < 16; y++) {
		const cell_t *c = song_cell(&s, p, y, 0);
		bool want = y == 0 || y == 3 || y == 6 || y == 8 || y == 11 || y == 14;
		assert_int_equal(c->note, want ? c4 : NOTE_NONE);
		assert_int_equal(c->inst, want ? 1 : 0);
		/* rows 0 and 8 are beats: accented */
		assert_int_equal(c->vol, !want ? VOL_NONE : y % 4 == 0 ? 40 : 20);
	}
	/* the old note is gone with its delay; another effect stays */
	assert_int_equal(song_cell(&s, p, 1, 0)->fx, 0);
	assert_int_equal(song_cell(&s, p, 5, 0)->fx, 'A');
	assert_int_equal(song_cell(&s, p, 5, 0)->param, 0x04);
	/* channel 2 was outside the block */
	for (int y = 0; y < 16; y++)
		assert_int_equal(song_cell(&s, p, y, 1)->note, NOTE_NONE);
	/* every 4 over both channels, rows 2..9: steps start at the block */
	assert_true(euclid_parse("every 4", &o, err, sizeof(err)));
	assert_int_equal(euclid_apply(&s, 0, (edit_rect_t){ 2, 0, 9, 1 }, c4 + 7, 2, &o), EDIT_OK);
	for (int y = 2; y <= 9; y++)
		for (int ch = 0; ch < 2; ch++) {
			const cell_t *c = song_cell(&s, p, y, ch);
			assert_int_equal(c->note, (y - 2) % 4 == 0 ? c4 + 7 : NOTE_NONE);
			assert_int_equal(c->vol, VOL_NONE);
		}
	assert_int_equal(song_cell(&s, p, 11, 0)->note, c4);   /* below the block: kept */
	assert_int_equal(euclid_apply(&s, 3, (edit_rect_t){ 0, 0, 1, 0 }, c4, 1, &o), EDIT_ERANGE);
	song_deinit(&s);
}

static void humanize(void **state)
{
	(void)state;
	song_t a, b;
	tu_song_parse(&a, song_text);
	tu_song_parse(&b, song_text);
	euclid_opts_t o;
	char err[200];
	edit_rect_t all = { 0, 0, 15, 1 };
	assert_true(euclid_parse("16/16 vol 32 hv 8 hd 5 seed 7", &o, err, sizeof(err)));
	euclid_apply(&a, 0, all, 49, 1, &o);
	euclid_apply(&b, 0, all, 49, 1, &o);
	size_t bytes = 16 * 2 * sizeof(cell_t);
	assert_memory_equal(a.pattern[0]->cells, b.pattern[0]->cells, bytes);
	/* within bounds, and actually varied */
	int vmin = 64, vmax = 0, delays = 0, dmax = 0;
	for (int y = 0; y < 16; y++)
		for (int ch = 0; ch < 2; ch++) {
			const cell_t *c = song_cell(&a, a.pattern[0], y, ch);
			assert_true(c->vol >= 24 && c->vol <= 40);
			vmin = c->vol < vmin ? c->vol : vmin;
			vmax = c->vol > vmax ? c->vol : vmax;
			if (c->fx) {
				assert_int_equal(c->fx, 'E');
				assert_int_equal(c->param & 0xF0, 0xD0);
				int d = c->param & 0x0F;
				assert_true(d >= 1 && d <= 5);   /* tpl 6: at most 5 ticks */
				dmax = d > dmax ? d : dmax;
				delays++;
			}
		}
	assert_true(vmax - vmin >= 8);
	assert_true(delays >= 8 && dmax >= 3);
	/* another seed, another take */
	o.seed = 8;
	euclid_apply(&b, 0, all, 49, 1, &o);
	assert_memory_not_equal(a.pattern[0]->cells, b.pattern[0]->cells, bytes);
	song_deinit(&a);
	song_deinit(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_rhythms),
		cmocka_unit_test(even_for_all),
		cmocka_unit_test(rotation),
		cmocka_unit_test(parsing),
		cmocka_unit_test(apply_block),
		cmocka_unit_test(humanize),
	};
	return TU_RUN(tests);
}
