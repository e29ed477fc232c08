/*
 * test_undo: undo and redo measured on the song text.  After any edit
 * and its undo the canonical text (songfile_to_string) must be the
 * text from before, byte for byte; after redo, the text after.  Also
 * the memory bound, the "clean" mark and the deep song copy.
 */
#include <stdlib.h>
#include <string.h>
#include "edit.h"
#include "songfile.h"
#include "testutil.h"
#include "undo.h"

static const char song_text[] =
	"[song]\nformat = 1\ntitle = Undo\nbpm = 128\nlpb = 4\ntpl = 6\nchannels = 4\n"
	"[instrument 01]\ntype = synth\n"
	"[pattern 00]\nrows = 32\n"
	"00 = C-4 01 40 ... | E-4 01 .. A0F | ... .. .. ... | G-4 01 .. ...\n"
	"04 = === .. .. ... | ... .. 20 ... | D-5 01 .. 301 | ... .. .. ...\n"
	"08 = A-3 01 .. ... | ... .. .. ... | ... .. .. ... | ^^^ .. .. ...\n"
	"[pattern 01]\nrows = 16\n"
	"00 = D-3 01 .. ... | ... .. .. ... | ... .. .. ... | ... .. .. ...\n"
	"[order]\n00 = 00 intro\n01 = 01 verse\n";

typedef struct fixture {
	song_t song;
	undo_t *undo;
} fixture_t;

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	tu_song_parse(&f->song, song_text);
	f->undo = undo_create((size_t)16 << 20, 1000);
	assert_non_null(f->undo);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	undo_destroy(f->undo);
	song_deinit(&f->song);
	free(f);
	return 0;
}

static char *text(const song_t *s)
{
	char *t = songfile_to_string(s);
	assert_non_null(t);
	return t;
}

static void paste_undo_redo_is_byte_identical(void **state)
{
	fixture_t *f = *state;
	char *before = text(&f->song);
	edit_clip_t clip;
	edit_clip_init(&clip);
	assert_int_equal(edit_copy(&f->song, 0, (edit_rect_t){ 0, 0, 8, 3 }, &clip), EDIT_OK);
	undo_begin(f->undo, "paste");
	assert_int_equal(undo_save_pattern(f->undo, &f->song, 0), 0);
	assert_int_equal(edit_paste(&f->song, 0, 12, 1, &clip, false), EDIT_OK);
	undo_end(f->undo);
	char *after = text(&f->song);
	assert_string_not_equal(before, after);

	undo_touched_t t;
	memset(&t, 0, sizeof(t));
	assert_string_equal(undo_undo(f->undo, &f->song, &t), "paste");
	assert_true(t.pattern[0]);
	assert_false(t.pattern[1]);
	assert_false(t.meta);
	char *undone = text(&f->song);
	assert_string_equal(undone, before);
	assert_null(undo_undo(f->undo, &f->song, NULL));   /* nothing older */

	assert_string_equal(undo_redo(f->undo, &f->song, NULL), "paste");
	char *redone = text(&f->song);
	assert_string_equal(redone, after);
	assert_null(undo_redo(f->undo, &f->song, NULL));
	free(before);
	free(after);
	free(undone);
	free(redone);
	edit_clip_deinit(&clip);
}

/* Many steps of different kinds, undone all the way and redone. */
static void long_history_round_trip(void **state)
{
	fixture_t *f = *state;
	enum { STEPS = 200 };
	char *texts[STEPS + 1];
	texts[0] = text(&f->song);
	for (int i = 0; i < STEPS; i++) {
		switch (i % 5) {
		case 0:
			undo_begin(f->undo, "transpose");
			undo_save_pattern(f->undo, &f->song, 0);
			edit_transpose(&f->song, 0, (edit_rect_t){ 0, 0, 31, 3 }, i % 2 ? 1 : -12);
			break;
		case 1:
			undo_begin(f->undo, "insert row");
			undo_save_pattern(f->undo, &f->song, 0);
			edit_insert_row(&f->song, 0, i % 32, i % 4, i % 4);
			break;
		case 2: {
			/* A new pattern and its order entry: one step, two kinds. */
			int idx = edit_pattern_unused(&f->song);
			undo_begin(f->undo, "new pattern");
			undo_save_pattern(f->undo, &f->song, idx);
			undo_save_meta(f->undo, &f->song);
			int p = edit_pattern_new(&f->song, 8 + i % 8);
			assert_true(p >= 0);
			assert_int_equal(edit_order_insert(&f->song, f->song.norders, p), EDIT_OK);
			break;
		}
		case 3:
			undo_begin(f->undo, "bpm");
			undo_save_meta(f->undo, &f->song);
			f->song.bpm = 60 + i;
			snprintf(f->song.title, sizeof(f->song.title), "take %d", i);
			break;
		case 4:
			undo_begin(f->undo, "length");
			undo_save_pattern(f->undo, &f->song, 1);
			edit_pattern_length(&f->song, 1, 1 + i % 64);
			break;
		}
		undo_end(f->undo);
		texts[i + 1] = text(&f->song);
	}
	assert_int_equal(undo_depth(f->undo), STEPS);
	for (int i = STEPS; i > 0; i--) {
		assert_non_null(undo_undo(f->undo, &f->song, NULL));
		char *t = text(&f->song);
		assert_string_equal(t, texts[i - 1]);
		free(t);
	}
	assert_int_equal(undo_redo_depth(f->undo), STEPS);
	for (int i = 1; i <= STEPS; i++) {
		assert_non_null(undo_redo(f->undo, &f->song, NULL));
		char *t = text(&f->song);
		assert_string_equal(t, texts[i]);
		free(t);
	}
	for (int i = 0; i <= STEPS; i++)
		free(texts[i]);
}

static void bounded_in_memory(void **state)
{
	fixture_t *f = *state;
	undo_destroy(f->undo);
	/* A 32x4 pattern is 640 bytes of cells: room for about ten steps. */
	f->undo = undo_create(8000, 1000);
	for (int i = 0; i < 100; i++) {
		undo_begin(f->undo, "note");
		undo_save_pattern(f->undo, &f->song, 0);
		song_cell(&f->song, f->song.pattern[0], i % 32, 0)->vol = (uint8_t)(i % 64);
		undo_end(f->undo);
		assert_true(undo_bytes(f->undo) <= 8000);
	}
	int depth = undo_depth(f->undo);
	assert_true(depth >= 5 && depth < 15);
	for (int i = 0; i < depth; i++)
		assert_non_null(undo_undo(f->undo, &f->song, NULL));
	assert_null(undo_undo(f->undo, &f->song, NULL));
	/* And by count. */
	undo_destroy(f->undo);
	f->undo = undo_create((size_t)1 << 30, 7);
	for (int i = 0; i < 20; i++) {
		undo_begin(f->undo, "note");
		undo_save_pattern(f->undo, &f->song, 0);
		undo_end(f->undo);
	}
	assert_int_equal(undo_depth(f->undo), 7);
}

static void clean_mark(void **state)
{
	fixture_t *f = *state;
	assert_true(undo_clean(f->undo));
	undo_begin(f->undo, "a");
	undo_save_meta(f->undo, &f->song);
	f->song.bpm = 100;
	undo_end(f->undo);
	assert_false(undo_clean(f->undo));
	undo_undo(f->undo, &f->song, NULL);
	assert_true(undo_clean(f->undo));
	undo_redo(f->undo, &f->song, NULL);
	undo_mark_saved(f->undo);
	assert_true(undo_clean(f->undo));
	undo_undo(f->undo, &f->song, NULL);
	assert_false(undo_clean(f->undo));
	/* A new edit from here forgets the saved state's branch for good. */
	undo_begin(f->undo, "b");
	undo_save_meta(f->undo, &f->song);
	f->song.bpm = 90;
	undo_end(f->undo);
	assert_false(undo_clean(f->undo));
	undo_undo(f->undo, &f->song, NULL);
	assert_false(undo_clean(f->undo));
	/* Trimming the oldest steps does not make an old state look saved. */
	undo_destroy(f->undo);
	f->undo = undo_create((size_t)1 << 30, 3);
	for (int i = 0; i < 6; i++) {
		undo_begin(f->undo, "c");
		undo_save_meta(f->undo, &f->song);
		f->song.bpm = 70 + i;
		undo_end(f->undo);
	}
	while (undo_undo(f->undo, &f->song, NULL))
		;
	assert_false(undo_clean(f->undo));
}

static void cancel_and_empty_steps(void **state)
{
	fixture_t *f = *state;
	undo_begin(f->undo, "refused");
	undo_save_pattern(f->undo, &f->song, 0);
	undo_cancel(f->undo);
	assert_int_equal(undo_depth(f->undo), 0);
	undo_begin(f->undo, "nothing saved");
	undo_end(f->undo);
	assert_int_equal(undo_depth(f->undo), 0);
	/* A pattern saved twice in one step keeps the first version. */
	char *before = text(&f->song);
	undo_begin(f->undo, "two edits");
	undo_save_pattern(f->undo, &f->song, 0);
	edit_transpose(&f->song, 0, (edit_rect_t){ 0, 0, 31, 3 }, 1);
	undo_save_pattern(f->undo, &f->song, 0);
	edit_transpose(&f->song, 0, (edit_rect_t){ 0, 0, 31, 3 }, 1);
	undo_end(f->undo);
	undo_undo(f->undo, &f->song, NULL);
	char *t = text(&f->song);
	assert_string_equal(t, before);
	free(t);
	free(before);
}

static void song_copy_is_deep(void **state)
{
	fixture_t *f = *state;
	song_t c;
	assert_int_equal(song_copy(&c, &f->song), 0);
	char *a = text(&f->song), *b = text(&c);
	assert_string_equal(a, b);
	assert_ptr_not_equal(c.pattern[0], f->song.pattern[0]);
	assert_ptr_not_equal(c.inst[1], f->song.inst[1]);
	song_cell(&f->song, f->song.pattern[0], 0, 0)->note = 0;
	song_deinit(&f->song);   /* the copy lives on */
	char *b2 = text(&c);
	assert_string_equal(b, b2);
	tu_song_parse(&f->song, song_text);
	song_deinit(&c);
	free(a);
	free(b);
	free(b2);
}

/* Channels added, moved and removed come back byte for byte, with their
 * strips, names and every pattern. */
static void channel_layout_undo_redo(void **state)
{
	fixture_t *f = *state;
	snprintf(f->song.channel[2].name, sizeof(f->song.channel[2].name), "Bass");
	f->song.channel[2].volume = -4.0f;
	f->song.channel[3].solo = true;
	char *states[4];
	states[0] = text(&f->song);
	static const char *const what[3] = { "add channel", "move channel", "remove channel" };
	for (int k = 0; k < 3; k++) {
		undo_begin(f->undo, what[k]);
		assert_int_equal(undo_save_layout(f->undo, &f->song), 0);
		int rc = k == 0 ? edit_channel_insert(&f->song, 1) :
		         k == 1 ? edit_channel_move(&f->song, 3, -1) : edit_channel_delete(&f->song, 0);
		assert_int_equal(rc, EDIT_OK);
		undo_end(f->undo);
		states[k + 1] = text(&f->song);
		assert_string_not_equal(states[k], states[k + 1]);
	}
	assert_int_equal(f->song.channels, 4);
	assert_string_equal(f->song.channel[1].name, "Bass");
	undo_touched_t t;
	for (int k = 3; k > 0; k--) {
		memset(&t, 0, sizeof(t));
		assert_string_equal(undo_undo(f->undo, &f->song, &t), what[k - 1]);
		assert_true(t.layout);
		assert_true(t.pattern[0] && t.pattern[1]);
		char *now = text(&f->song);
		assert_string_equal(now, states[k - 1]);
		free(now);
	}
	for (int k = 1; k <= 3; k++) {
		assert_non_null(undo_redo(f->undo, &f->song, NULL));
		char *now = text(&f->song);
		assert_string_equal(now, states[k]);
		free(now);
	}
	for (int k = 0; k < 4; k++)
		free(states[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(paste_undo_redo_is_byte_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(channel_layout_undo_redo, setup, teardown),
		cmocka_unit_test_setup_teardown(long_history_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded_in_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(clean_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(cancel_and_empty_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(song_copy_is_deep, setup, teardown),
	};
	return TU_RUN(tests);
}
