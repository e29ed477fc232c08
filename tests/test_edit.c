/*
 * test_edit: the tracker screen's editing operations on a song, checked
 * cell by cell and, where whole songs are concerned, through the
 * canonical song text.
 */
#include <stdlib.h>
#include <string.h>
#include "edit.h"
#include "note.h"
#include "songfile.h"
#include "testutil.h"

static const char song_text[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 3\nrestart = 01\n"
	"[instrument 01]\ntype = synth\n"
	"[instrument 02]\ntype = synth\n"
	"[pattern 00]\nrows = 16\n"
	"00 = C-4 01 40 ... | E-4 02 .. A0F | ... .. .. ...\n"
	"01 = === .. .. ... | ... .. 20 ... | G-4 01 .. ...\n"
	"02 = B-9 01 .. 400 | ... .. .. ... | ^^^ .. .. ...\n"
	"04 = C-0 02 .. ... | ... .. .. ... | ... .. .. ...\n"
	"[pattern 01]\nrows = 8\n"
	"00 = D-3 01 .. ... | ... .. .. ... | ... .. .. ...\n"
	"[order]\n00 = 00 intro\n01 = 01 verse\n02 = 00\n";

static int setup(void **state)
{
	song_t *s = malloc(sizeof(*s));
	tu_song_parse(s, song_text);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	song_deinit(*state);
	free(*state);
	return 0;
}

static cell_t *at(song_t *s, int pat, int row, int ch)
{
	return song_cell(s, s->pattern[pat], row, ch);
}

static int note(const char *name)
{
	int n = -1;
	assert_true(note_parse(name, &n));
	return n;
}

static void copy_paste_cells(void **state)
{
	song_t *s = *state;
	edit_clip_t clip;
	edit_clip_init(&clip);
	assert_int_equal(edit_copy(s, 0, (edit_rect_t){ 1, 1, 0, 0 }, &clip), EDIT_OK);
	assert_int_equal(clip.rows, 2);
	assert_int_equal(clip.chans, 2);
	assert_int_equal(edit_paste(s, 0, 8, 1, &clip, false), EDIT_OK);
	assert_memory_equal(at(s, 0, 8, 1), at(s, 0, 0, 0), sizeof(cell_t));
	assert_memory_equal(at(s, 0, 8, 2), at(s, 0, 0, 1), sizeof(cell_t));
	assert_memory_equal(at(s, 0, 9, 1), at(s, 0, 1, 0), sizeof(cell_t));
	assert_memory_equal(at(s, 0, 9, 2), at(s, 0, 1, 1), sizeof(cell_t));
	/* Pasted at the bottom right corner: what falls outside is dropped. */
	assert_int_equal(edit_paste(s, 0, 15, 2, &clip, false), EDIT_OK);
	assert_memory_equal(at(s, 0, 15, 2), at(s, 0, 0, 0), sizeof(cell_t));
	assert_int_equal(edit_paste(s, 0, 16, 0, &clip, false), EDIT_ERANGE);
	edit_clip_deinit(&clip);
	assert_int_equal(edit_paste(s, 0, 0, 0, &clip, false), EDIT_EEMPTY);
}

static void cut_clears(void **state)
{
	song_t *s = *state;
	edit_clip_t clip;
	edit_clip_init(&clip);
	cell_t before = *at(s, 0, 0, 1);
	assert_int_equal(edit_cut(s, 0, (edit_rect_t){ 0, 1, 0, 1 }, &clip), EDIT_OK);
	assert_true(edit_cell_is_empty(at(s, 0, 0, 1)));
	assert_memory_equal(&clip.cells[0], &before, sizeof(cell_t));
	edit_clip_deinit(&clip);
}

static void mix_paste_fills_only_empty_fields(void **state)
{
	song_t *s = *state;
	edit_clip_t clip;
	edit_clip_init(&clip);
	/* Row 00 channel 2 (E-4 02 .. A0F) onto row 01 channel 2 (... .. 20 ...). */
	assert_int_equal(edit_copy(s, 0, (edit_rect_t){ 0, 1, 0, 1 }, &clip), EDIT_OK);
	assert_int_equal(edit_paste(s, 0, 1, 1, &clip, true), EDIT_OK);
	cell_t *c = at(s, 0, 1, 1);
	assert_int_equal(c->note, note("E-4"));
	assert_int_equal(c->inst, 2);
	assert_int_equal(c->vol, 0x20);   /* kept: it was not empty */
	assert_int_equal(c->fx, 'A');
	assert_int_equal(c->param, 0x0F);
	edit_clip_deinit(&clip);
}

static void transpose_keeps_range_and_specials(void **state)
{
	song_t *s = *state;
	edit_rect_t all = { 0, 0, 15, 2 };
	assert_int_equal(edit_transpose(s, 0, all, 1), EDIT_OK);
	assert_int_equal(at(s, 0, 0, 0)->note, note("C#4"));
	assert_int_equal(at(s, 0, 1, 0)->note, NOTE_OFF);
	assert_int_equal(at(s, 0, 2, 0)->note, note("B-9"));   /* would leave the range */
	assert_int_equal(at(s, 0, 2, 2)->note, NOTE_CUT);
	assert_int_equal(edit_transpose(s, 0, all, -12), EDIT_OK);
	assert_int_equal(at(s, 0, 0, 0)->note, note("C#3"));
	assert_int_equal(at(s, 0, 2, 0)->note, note("B-8"));
	assert_int_equal(at(s, 0, 4, 0)->note, note("C#0"));   /* C#-1 does not exist */
	/* Only inside the block. */
	assert_int_equal(edit_transpose(s, 0, (edit_rect_t){ 0, 1, 0, 1 }, 12), EDIT_OK);
	assert_int_equal(at(s, 0, 0, 1)->note, note("F-4"));   /* E-4 +1 -12 +12 */
	assert_int_equal(at(s, 0, 0, 0)->note, note("C#3"));
	assert_int_equal(edit_transpose(s, 7, all, 1), EDIT_ERANGE);
}

static void interpolate_volume_and_effect(void **state)
{
	song_t *s = *state;
	at(s, 0, 4, 0)->vol = 0x00;
	at(s, 0, 8, 0)->vol = 0x40;
	at(s, 0, 4, 1)->fx = 'A';
	at(s, 0, 4, 1)->param = 0x10;
	at(s, 0, 8, 1)->fx = 'A';
	at(s, 0, 8, 1)->param = 0x50;
	at(s, 0, 4, 2)->fx = 'A';
	at(s, 0, 8, 2)->fx = 'C';   /* different letters: left alone */
	assert_int_equal(edit_interpolate(s, 0, (edit_rect_t){ 4, 0, 8, 2 }, EDIT_VOL | EDIT_FX), EDIT_OK);
	for (int r = 4; r <= 8; r++)
		assert_int_equal(at(s, 0, r, 0)->vol, (r - 4) * 0x10);
	for (int r = 4; r <= 8; r++) {
		assert_int_equal(at(s, 0, r, 1)->fx, 'A');
		assert_int_equal(at(s, 0, r, 1)->param, 0x10 + (r - 4) * 0x10);
		assert_int_equal(at(s, 0, r, 1)->vol, VOL_NONE);   /* no volume at its ends */
	}
	assert_int_equal(at(s, 0, 6, 2)->fx, 0);
	/* Only the volume column when asked. */
	at(s, 0, 10, 0)->fx = 'A';
	at(s, 0, 12, 0)->fx = 'A';
	at(s, 0, 12, 0)->param = 0x20;
	assert_int_equal(edit_interpolate(s, 0, (edit_rect_t){ 10, 0, 12, 0 }, EDIT_VOL), EDIT_OK);
	assert_int_equal(at(s, 0, 11, 0)->fx, 0);
}

static void set_instrument_on_notes_only(void **state)
{
	song_t *s = *state;
	assert_int_equal(edit_set_inst(s, 0, (edit_rect_t){ 0, 0, 2, 2 }, 2), EDIT_OK);
	assert_int_equal(at(s, 0, 0, 0)->inst, 2);
	assert_int_equal(at(s, 0, 1, 0)->inst, 0);   /* note-off */
	assert_int_equal(at(s, 0, 1, 2)->inst, 2);
	assert_int_equal(at(s, 0, 2, 2)->inst, 0);   /* note-cut */
	assert_int_equal(at(s, 0, 1, 1)->inst, 0);   /* no note */
}

static void insert_and_delete_rows_shift_one_channel(void **state)
{
	song_t *s = *state;
	cell_t c0 = *at(s, 0, 0, 0), c1 = *at(s, 0, 1, 0), other = *at(s, 0, 1, 1);
	assert_int_equal(edit_insert_row(s, 0, 0, 0, 0), EDIT_OK);
	assert_true(edit_cell_is_empty(at(s, 0, 0, 0)));
	assert_memory_equal(at(s, 0, 1, 0), &c0, sizeof(cell_t));
	assert_memory_equal(at(s, 0, 2, 0), &c1, sizeof(cell_t));
	assert_memory_equal(at(s, 0, 1, 1), &other, sizeof(cell_t));   /* untouched */
	assert_int_equal(edit_delete_row(s, 0, 0, 0, 0), EDIT_OK);
	assert_memory_equal(at(s, 0, 0, 0), &c0, sizeof(cell_t));
	assert_memory_equal(at(s, 0, 1, 0), &c1, sizeof(cell_t));
	assert_true(edit_cell_is_empty(at(s, 0, 15, 0)));
	/* All channels. */
	assert_int_equal(edit_delete_row(s, 0, 0, 0, 2), EDIT_OK);
	assert_int_equal(at(s, 0, 0, 2)->note, note("G-4"));
	assert_int_equal(edit_insert_row(s, 0, 16, 0, 0), EDIT_ERANGE);
}

static void order_list_operations(void **state)
{
	song_t *s = *state;
	assert_int_equal(s->norders, 3);
	assert_int_equal(s->restart, 1);
	/* Insert before the restart entry: restart follows it. */
	assert_int_equal(edit_order_insert(s, 0, 1), EDIT_OK);
	assert_int_equal(s->norders, 4);
	assert_int_equal(s->order[0].pattern, 1);
	assert_string_equal(s->order[1].label, "intro");
	assert_int_equal(s->restart, 2);
	assert_int_equal(edit_order_delete(s, 0), EDIT_OK);
	assert_int_equal(s->restart, 1);
	/* Duplicate keeps pattern and label, after the original. */
	assert_int_equal(edit_order_duplicate(s, 1), EDIT_OK);
	assert_int_equal(s->norders, 4);
	assert_int_equal(s->order[2].pattern, 1);
	assert_string_equal(s->order[2].label, "verse");
	/* Move: swap with the neighbour, restart moves with its entry. */
	assert_int_equal(edit_order_move(s, 1, -1), EDIT_OK);
	assert_string_equal(s->order[0].label, "verse");
	assert_string_equal(s->order[1].label, "intro");
	assert_int_equal(s->restart, 0);
	assert_int_equal(edit_order_move(s, 0, -1), EDIT_ERANGE);
	/* Clone: a new pattern with the same cells, in an entry after the
	 * one cloned, which stays as it was. */
	int before = s->norders;
	int idx = edit_order_clone(s, 0);
	assert_int_equal(idx, 2);
	assert_int_equal(s->norders, before + 1);
	assert_int_equal(s->order[0].pattern, 1);
	assert_int_equal(s->order[1].pattern, 2);
	assert_string_equal(s->order[1].label, s->order[0].label);
	assert_int_equal(edit_order_delete(s, 1), EDIT_OK);
	assert_int_equal(s->pattern[2]->rows, 8);
	assert_memory_equal(s->pattern[2]->cells, s->pattern[1]->cells, 8 * 3 * sizeof(cell_t));
	assert_ptr_not_equal(s->pattern[2]->cells, s->pattern[1]->cells);
	/* Set creates a missing pattern with the length of the one it replaces. */
	assert_int_equal(edit_order_set(s, 1, 0x20), EDIT_OK);
	assert_non_null(s->pattern[0x20]);
	assert_int_equal(s->pattern[0x20]->rows, 16);
	assert_int_equal(edit_order_label(s, 1, "  bridge\tpart  "), EDIT_OK);
	assert_string_equal(s->order[1].label, "bridge part");
	/* Never empty. */
	while (s->norders > 1)
		assert_int_equal(edit_order_delete(s, 0), EDIT_OK);
	assert_int_equal(edit_order_delete(s, 0), EDIT_ELAST);
	assert_int_equal(s->restart, 0);
	/* The result is a valid song. */
	char *text = songfile_to_string(s);
	assert_non_null(text);
	song_t back;
	tu_song_parse(&back, text);
	song_deinit(&back);
	free(text);
}

static void new_pattern_and_length(void **state)
{
	song_t *s = *state;
	assert_int_equal(edit_pattern_unused(s), 2);
	assert_int_equal(edit_pattern_new(s, 32), 2);
	assert_int_equal(s->pattern[2]->rows, 32);
	assert_int_equal(edit_pattern_length(s, 0, 4), EDIT_OK);
	assert_int_equal(s->pattern[0]->rows, 4);
	assert_int_equal(at(s, 0, 2, 0)->note, note("B-9"));
	assert_int_equal(edit_pattern_length(s, 0, 257), EDIT_ERANGE);
	assert_int_equal(edit_pattern_length(s, 9, 8), EDIT_ERANGE);
}

/* Channels: columns, strips, sidechain keys and names move together. */
static void channels_add_remove_move(void **state)
{
	song_t *s = *state;
	snprintf(s->channel[0].name, sizeof(s->channel[0].name), "Kick");
	snprintf(s->channel[2].name, sizeof(s->channel[2].name), "Hats");
	s->channel[0].volume = -3.0f;
	s->channel[2].pan = 0.5f;
	s->channel[2].mute = true;
	s->channel[2].send[0] = -6.0f;
	/* channel 2 (index 1) compresses, keyed by channel 1 (the kick) and 3 */
	channel_t *c1 = &s->channel[1];
	c1->nfx = 1;
	fx_unit_default(&c1->fx[0], FX_COMP);
	c1->fx[0].sidechain = 1u | 4u;
	cell_t kick = *at(s, 0, 0, 0), hats = *at(s, 0, 1, 2);

	/* Insert at 1: the kick stays, the rest move right. */
	assert_int_equal(edit_channel_insert(s, 1), EDIT_OK);
	assert_int_equal(s->channels, 4);
	assert_memory_equal(at(s, 0, 0, 0), &kick, sizeof(cell_t));
	assert_true(edit_cell_is_empty(at(s, 0, 0, 1)));
	assert_true(edit_cell_is_empty(at(s, 1, 0, 1)));
	assert_memory_equal(at(s, 0, 1, 3), &hats, sizeof(cell_t));
	assert_string_equal(s->channel[1].name, "");
	assert_int_equal(s->channel[1].nfx, 0);
	assert_true(s->channel[1].send[0] <= SONG_SEND_OFF);
	assert_string_equal(s->channel[3].name, "Hats");
	assert_true(s->channel[3].mute);
	assert_true(s->channel[3].pan == 0.5f);
	assert_true(s->channel[3].send[0] == -6.0f);
	assert_int_equal(s->channel[2].nfx, 1);
	assert_int_equal(s->channel[2].fx[0].type, FX_COMP);
	assert_true(s->channel[2].fx[0].sidechain == (1u | 8u));

	/* Move the hats left twice: to the front of the compressor's channel. */
	assert_int_equal(edit_channel_move(s, 3, -1), EDIT_OK);
	assert_int_equal(edit_channel_move(s, 2, -1), EDIT_OK);
	assert_string_equal(s->channel[1].name, "Hats");
	assert_memory_equal(at(s, 0, 1, 1), &hats, sizeof(cell_t));
	assert_int_equal(s->channel[3].nfx, 1);
	assert_true(s->channel[3].fx[0].sidechain == (1u | 2u));
	assert_int_equal(edit_channel_move(s, 0, -1), EDIT_ERANGE);
	assert_int_equal(edit_channel_move(s, 3, 1), EDIT_ERANGE);

	/* Remove the kick: its key goes from the compressor, the rest shift left. */
	assert_int_equal(edit_channel_delete(s, 0), EDIT_OK);
	assert_int_equal(s->channels, 3);
	assert_string_equal(s->channel[0].name, "Hats");
	assert_memory_equal(at(s, 0, 1, 0), &hats, sizeof(cell_t));
	assert_true(s->channel[2].fx[0].sidechain == 1u);

	/* Names: one line, trimmed. */
	assert_int_equal(edit_channel_name(s, 1, "  lead\tsynth "), EDIT_OK);
	assert_string_equal(s->channel[1].name, "lead synth");
	assert_int_equal(edit_channel_name(s, 3, "x"), EDIT_ERANGE);

	/* Never none, never more than the format holds. */
	while (s->channels > 1)
		assert_int_equal(edit_channel_delete(s, 0), EDIT_OK);
	assert_int_equal(edit_channel_delete(s, 0), EDIT_ELAST);
	while (s->channels < SONG_MAX_CHANNELS)
		assert_int_equal(edit_channel_insert(s, s->channels), EDIT_OK);
	assert_int_equal(edit_channel_insert(s, 0), EDIT_EFULL);

	/* The result is a valid song. */
	char *text = songfile_to_string(s);
	assert_non_null(text);
	song_t back;
	tu_song_parse(&back, text);
	assert_int_equal(back.channels, SONG_MAX_CHANNELS);
	song_deinit(&back);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(copy_paste_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(cut_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(mix_paste_fills_only_empty_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(transpose_keeps_range_and_specials, setup, teardown),
		cmocka_unit_test_setup_teardown(interpolate_volume_and_effect, setup, teardown),
		cmocka_unit_test_setup_teardown(set_instrument_on_notes_only, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_and_delete_rows_shift_one_channel, setup, teardown),
		cmocka_unit_test_setup_teardown(order_list_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(new_pattern_and_length, setup, teardown),
		cmocka_unit_test_setup_teardown(channels_add_remove_move, setup, teardown),
	};
	return TU_RUN(tests);
}
