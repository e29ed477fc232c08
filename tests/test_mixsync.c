/*
 * test_mixsync: mixing a playing song through the bridge, measured on
 * its output.
 *
 * - Every mixer change (a unit's parameter, bypass, a send, a bus
 *   return, the master's level and switches, a sidechain) sent before a
 *   period is heard from that period and not a frame earlier: the
 *   output equals an engine that had the same change made directly
 *   between the same two renders.
 * - FX chain changes while playing (a unit added, removed, moved) swap
 *   states by pointer: the output equals the engine given the same swap,
 *   a unit that stays keeps its state (its tail), and every state that
 *   leaves is handed back and freed (LeakSanitizer checks that).
 * - The master tap hands the UI exactly the frames rendered, in order;
 *   when the UI does not read, the ring fills and the rest is counted
 *   as dropped, never waited for.
 * - One thread fills periods like an audio callback while this one
 *   changes chains, parameters and reads the tap as fast as it can:
 *   every message is applied, tap frames read + dropped = frames
 *   rendered (and under -fsanitize=thread no race is reported).
 */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "engine.h"
#include "testutil.h"

#define RATE   48000
#define PERIOD 256

/* Channel 1: a held saw through an EQ and a drive; channel 2: short
 * sine notes, sent to the reverb.  Both buses on, master chain on. */
static const char song_text[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\ntpl = 6\nchannels = 2\n\n"
	"[channel 1]\nvolume = -6\n\n"
	"[channel 1 fx 1]\ntype = eq\nlow_gain = 3\n\n"
	"[channel 1 fx 2]\ntype = drive\ndrive = 6\n\n"
	"[channel 2]\nvolume = -6\nsend_reverb = -6\n\n"
	"[master]\nvolume = 0\neq = on\ncomp = on\nlimiter = on\n\n"
	"[instrument 01]\ntype = synth\nosc1 = saw\namp = 0.001 0 1 0.01\n\n"
	"[instrument 02]\ntype = synth\nosc1 = sine\namp = 0.001 0.05 0 0.01\n\n"
	"[pattern 00]\nrows = 32\n"
	"00 = A-3 01 .. ... | C-5 02 .. ...\n"
	"04 = ... .. .. ... | E-5 02 .. ...\n"
	"08 = ... .. .. ... | G-5 02 .. ...\n"
	"0C = ... .. .. ... | C-5 02 .. ...\n"
	"10 = ... .. .. ... | E-5 02 .. ...\n"
	"1F = === .. .. ... | ... .. .. ...\n\n"
	"[order]\n00 = 00\n";

typedef void (*edit_engine_fn)(engine_t *e, song_t *s);
typedef bool (*edit_bridge_fn)(bridge_t *b, song_t *s);

static float *reference(int periods, int k, edit_engine_fn edit)
{
	song_t s;
	tu_song_parse(&s, song_text);
	engine_t *e = engine_create(&s, RATE);
	assert_non_null(e);
	float *out = calloc((size_t)periods * PERIOD * 2, sizeof(float));
	assert_non_null(out);
	for (int p = 0; p < periods; p++) {
		if (p == k && edit)
			edit(e, &s);
		engine_render(e, out + (size_t)p * PERIOD * 2, PERIOD);
	}
	engine_destroy(e);
	song_deinit(&s);
	return out;
}

static float *through_bridge(int periods, int k, edit_bridge_fn edit)
{
	song_t s;
	tu_song_parse(&s, song_text);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_play(b, 0, 0));
	float *out = calloc((size_t)periods * PERIOD * 2, sizeof(float));
	assert_non_null(out);
	for (int p = 0; p < periods; p++) {
		if (p == k && edit)
			assert_true(edit(b, &s));
		bridge_fill(b, out + (size_t)p * PERIOD * 2, PERIOD);
		bridge_collect(b);
	}
	bridge_snapshot_t snap;
	bridge_snapshot(b, &snap);
	assert_int_equal(snap.applied, bridge_sent(b));
	bridge_destroy(b);
	song_deinit(&s);
	return out;
}

static int64_t first_difference(const float *a, const float *b, int64_t frames)
{
	for (int64_t i = 0; i < frames; i++)
		if (a[2 * i] != b[2 * i] || a[2 * i + 1] != b[2 * i + 1])
			return i;
	return -1;
}

/* The bridge with the edit equals the reference with it, and differs
 * from the unedited output first in period k. */
static void check_edit(int k, edit_engine_fn ref_edit, edit_bridge_fn br_edit)
{
	const int periods = 120;
	float *want = reference(periods, k, ref_edit);
	float *got = through_bridge(periods, k, br_edit);
	float *plain = through_bridge(periods, k, NULL);
	int64_t frames = (int64_t)periods * PERIOD;
	int64_t diff = first_difference(want, got, frames);
	if (diff >= 0)
		print_message("# the bridge differs from the reference at frame %lld\n", (long long)diff);
	assert_int_equal(diff, -1);
	int64_t changed = first_difference(plain, got, frames);
	print_message("# edit before period %d (frame %d): output changes at frame %lld\n", k,
	              k * PERIOD, (long long)changed);
	assert_true(changed >= (int64_t)k * PERIOD);
	assert_true(changed < (int64_t)(k + 1) * PERIOD);
	free(want);
	free(got);
	free(plain);
}

/* ---- values --------------------------------------------------------------- */

static void param_engine(engine_t *e, song_t *s)
{
	s->channel[0].fx[1].param[0] = 30.0f;
	engine_fx_param(e, 0, 1, 0, 30.0f);
}
static bool param_bridge(bridge_t *b, song_t *s) { return bridge_set_fx_param(b, 0, 1, 0, 30.0f); }

static void test_fx_param_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(20, param_engine, param_bridge);
}

static void bypass_engine(engine_t *e, song_t *s) { s->channel[0].fx[0].bypass = true; }
static bool bypass_bridge(bridge_t *b, song_t *s) { return bridge_set_fx_bypass(b, 0, 0, true); }

static void test_bypass_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(33, bypass_engine, bypass_bridge);
}

/* The reverb's return is heard at once (channel 2 has filled it); the
 * new send only after the reverb's predelay. */
static void send_engine(engine_t *e, song_t *s) { s->channel[0].send[0] = 0.0f; s->bus[0].volume = -3.0f; }
static bool send_bridge(bridge_t *b, song_t *s)
{
	return bridge_set_send(b, 0, 0, 0.0f) && bridge_set_bus_volume(b, 0, -3.0f);
}

static void test_send_and_bus_land_in_their_period(void **state)
{
	(void)state;
	check_edit(41, send_engine, send_bridge);
}

/* One range for levels: a fader pushed past what the song file takes
 * lands at the file's maximum, so what plays is what a save keeps. */
static void loud_engine(engine_t *e, song_t *s) { s->channel[0].volume = SONG_LEVEL_MAX; }
static bool loud_bridge(bridge_t *b, song_t *s) { return bridge_set_volume(b, 0, SONG_LEVEL_MAX + 8.0f); }

static void test_fader_past_the_range_lands_at_its_end(void **state)
{
	(void)state;
	check_edit(27, loud_engine, loud_bridge);
}

static void master_engine(engine_t *e, song_t *s)
{
	s->master.volume = -7.5f;
	s->master.comp_on = false;
	s->master.eq.param[5] = 6.0f;   /* low_gain */
	engine_fx_param(e, ENGINE_FX_MASTER, 0, 5, 6.0f);
}
static bool master_bridge(bridge_t *b, song_t *s)
{
	return bridge_set_master(b, -7.5f, true, false, true) &&
	       bridge_set_fx_param(b, ENGINE_FX_MASTER, 0, 5, 6.0f);
}

static void test_master_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(27, master_engine, master_bridge);
}

/* Adding a compressor keyed by a sidechain (channel 1's own raw
 * signal) to channel 1: the sidechain needs the raw channel signal the
 * engine only keeps when some unit asks for it; without it the
 * compressor would hear silence and change nothing. */
static void side_engine(engine_t *e, song_t *s)
{
	channel_t *c = &s->channel[0];
	fx_unit_default(&c->fx[2], FX_COMP);
	c->fx[2].sidechain = 1;
	c->fx[2].param[0] = -40.0f;
	c->nfx = 3;
	int from[SONG_FX_CHAIN_MAX] = { 0, 1, -1 };
	void *fresh[SONG_FX_CHAIN_MAX] = { NULL, NULL, engine_fx_state_new(FX_COMP, RATE, c->fx[2].param) };
	void *dead[ENGINE_FX_DEAD_MAX];
	engine_fx_chain(e, 0, from, fresh, dead);
	assert_null(dead[0]);
}
static bool side_bridge(bridge_t *b, song_t *s)
{
	channel_t c = s->channel[0];
	fx_unit_default(&c.fx[2], FX_COMP);
	c.fx[2].param[0] = -40.0f;
	c.nfx = 3;
	int from[SONG_FX_CHAIN_MAX] = { 0, 1, -1 };
	if (!bridge_set_chain(b, 0, &c, from))
		return false;
	return bridge_set_sidechain(b, 0, 2, 1);
}

static void test_chain_add_with_sidechain_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(50, side_engine, side_bridge);
}

/* Moving the drive before the EQ, and removing the EQ: units keep
 * their state. */
static void move_engine(engine_t *e, song_t *s)
{
	channel_t *c = &s->channel[0];
	fx_unit_t eq = c->fx[0];
	c->fx[0] = c->fx[1];
	c->fx[1] = eq;
	int from[SONG_FX_CHAIN_MAX] = { 1, 0 };
	void *fresh[SONG_FX_CHAIN_MAX] = { NULL };
	void *dead[ENGINE_FX_DEAD_MAX];
	engine_fx_chain(e, 0, from, fresh, dead);
	assert_null(dead[0]);
}
static bool move_bridge(bridge_t *b, song_t *s)
{
	channel_t c = s->channel[0];
	c.fx[0] = s->channel[0].fx[1];
	c.fx[1] = s->channel[0].fx[0];
	int from[SONG_FX_CHAIN_MAX] = { 1, 0 };
	return bridge_set_chain(b, 0, &c, from);
}

static void test_chain_move_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(44, move_engine, move_bridge);
}

static void remove_engine(engine_t *e, song_t *s)
{
	channel_t *c = &s->channel[0];
	c->fx[0] = c->fx[1];
	c->nfx = 1;
	int from[SONG_FX_CHAIN_MAX] = { 1 };
	void *fresh[SONG_FX_CHAIN_MAX] = { NULL };
	void *dead[ENGINE_FX_DEAD_MAX];
	engine_fx_chain(e, 0, from, fresh, dead);
	assert_null(dead[0]);   /* the EQ's state was in the creation block */
}
static bool remove_bridge(bridge_t *b, song_t *s)
{
	channel_t c = s->channel[0];
	c.fx[0] = c.fx[1];
	c.nfx = 1;
	int from[SONG_FX_CHAIN_MAX] = { 1 };
	return bridge_set_chain(b, 0, &c, from);
}

static void test_chain_remove_lands_in_its_period(void **state)
{
	(void)state;
	check_edit(12, remove_engine, remove_bridge);
}

/* A reverb added to channel 2 while playing, then moved: its tail
 * carries on through the move (the state moved, not a fresh one), and
 * removing it hands its state back to be freed. */
static void test_added_unit_keeps_its_state_when_moved(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	s.channel[1].send[0] = SONG_SEND_OFF;   /* only the reverb under test rings */
	s.channel[0].mute = true;
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_play(b, 0, 0));
	float buf[PERIOD * 2];
	channel_t c = s.channel[1];
	fx_unit_default(&c.fx[0], FX_REVERB);
	c.nfx = 1;
	int from_new[SONG_FX_CHAIN_MAX] = { -1 };
	assert_true(bridge_set_chain(b, 1, &c, from_new));
	/* 180 periods: channel 2's notes have died away; only the reverb
	 * holds sound. */
	for (int p = 0; p < 180; p++)
		bridge_fill(b, buf, PERIOD);
	bridge_collect(b);
	/* Put an EQ in front: the reverb moves to slot 1 keeping its state. */
	channel_t c2 = c;
	fx_unit_default(&c2.fx[0], FX_EQ);
	c2.fx[1] = c.fx[0];
	c2.nfx = 2;
	int from_move[SONG_FX_CHAIN_MAX] = { -1, 0 };
	/* The same change but with a fresh reverb, for comparison. */
	song_t s2;
	tu_song_parse(&s2, song_text);
	s2.channel[1].send[0] = SONG_SEND_OFF;
	s2.channel[0].mute = true;
	bridge_t *b2 = bridge_create(&s2, RATE);
	assert_non_null(b2);
	assert_true(bridge_play(b2, 0, 0));
	assert_true(bridge_set_chain(b2, 1, &c, from_new));
	float buf2[PERIOD * 2];
	for (int p = 0; p < 180; p++)
		bridge_fill(b2, buf2, PERIOD);
	int from_fresh[SONG_FX_CHAIN_MAX] = { -1, -1 };
	assert_true(bridge_set_chain(b, 1, &c2, from_move));
	assert_true(bridge_set_chain(b2, 1, &c2, from_fresh));
	/* Stop both: only tails sound.  The moved reverb still rings; the
	 * fresh one starts empty, so it is quieter. */
	assert_true(bridge_stop(b));
	assert_true(bridge_stop(b2));
	double e1 = 0, e2 = 0;
	for (int p = 0; p < 40; p++) {
		bridge_fill(b, buf, PERIOD);
		bridge_fill(b2, buf2, PERIOD);
		e1 += tu_rms(buf, PERIOD * 2);
		e2 += tu_rms(buf2, PERIOD * 2);
	}
	print_message("# tail after the move: kept state %.5f, fresh state %.5f\n", e1, e2);
	assert_true(e1 > 10.0 * e2);
	/* Removing it: the state comes back to be freed. */
	channel_t c3 = c2;
	c3.nfx = 1;
	int from_rm[SONG_FX_CHAIN_MAX] = { 0 };
	assert_true(bridge_set_chain(b, 1, &c3, from_rm));
	bridge_fill(b, buf, PERIOD);
	bridge_destroy(b);    /* collects; LeakSanitizer sees every state freed */
	bridge_destroy(b2);
	song_deinit(&s);
	song_deinit(&s2);
}

/* ---- the master tap --------------------------------------------------------- */

static void test_tap_hands_over_the_output(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_tap(b, true));
	assert_true(bridge_play(b, 0, 0));
	enum { N = 20, P = 300 };   /* not a multiple of the chunk */
	float *out = calloc((size_t)N * P * 2, sizeof(float));
	float *got = calloc((size_t)N * P * 2 + 2 * BRIDGE_TAP_CHUNK, sizeof(float));
	assert_non_null(out);
	assert_non_null(got);
	for (int p = 0; p < N; p++)
		bridge_fill(b, out + (size_t)p * P * 2, P);
	size_t len = 0;
	int n;
	while ((n = bridge_tap_read(b, got + 2 * len)) > 0)
		len += (size_t)n;
	assert_int_equal(len, N * P);
	assert_memory_equal(out, got, (size_t)N * P * 2 * sizeof(float));
	assert_int_equal(bridge_tap_dropped(b), 0);
	assert_true(tu_peak(out, (size_t)N * P * 2) > 0.01);

	/* Nobody reads: the ring fills, the rest is counted, fills go on. */
	uint64_t total = 0;
	for (int p = 0; p < 400; p++) {
		bridge_fill(b, out, PERIOD);
		total += PERIOD;
	}
	size_t kept = 0;
	while ((n = bridge_tap_read(b, got)) > 0)
		kept += (size_t)n;
	print_message("# 400 periods unread: %zu frames kept, %llu dropped\n", kept,
	              (unsigned long long)bridge_tap_dropped(b));
	assert_true(kept > 0);
	assert_true(kept < total);
	assert_int_equal(kept + bridge_tap_dropped(b), total);
	/* Off: nothing more arrives. */
	assert_true(bridge_tap(b, false));
	bridge_fill(b, out, PERIOD);
	assert_int_equal(bridge_tap_read(b, got), 0);
	free(out);
	free(got);
	bridge_destroy(b);
	song_deinit(&s);
}

/* ---- threads ----------------------------------------------------------------- */

typedef struct audio_thread {
	bridge_t *b;
	atomic_bool stop;
	_Atomic uint64_t frames;
} audio_thread_t;

static void *audio_main(void *arg)
{
	audio_thread_t *a = arg;
	float buf[PERIOD * 2];
	while (!atomic_load(&a->stop)) {
		bridge_fill(a->b, buf, PERIOD);
		atomic_fetch_add(&a->frames, PERIOD);
	}
	return NULL;
}

static void test_mixing_from_another_thread(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, song_text);
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	assert_true(bridge_set_loop(b, true));
	assert_true(bridge_tap(b, true));
	assert_true(bridge_play(b, 0, 0));
	audio_thread_t a = { .b = b };
	atomic_init(&a.stop, false);
	atomic_init(&a.frames, 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, audio_main, &a), 0);

	float chunk[2 * BRIDGE_TAP_CHUNK];
	uint64_t read = 0;
	int changes = 0;
	const fx_type_t kinds[] = { FX_EQ, FX_COMP, FX_DRIVE, FX_DELAY, FX_REVERB, FX_LIMITER };
	channel_t c = s.channel[1];
	for (int i = 0; i < 3000; i++) {
		/* Grow the chain to full, then empty it, keeping states. */
		int from[SONG_FX_CHAIN_MAX];
		channel_t next = c;
		if (c.nfx < SONG_FX_CHAIN_MAX && (i / SONG_FX_CHAIN_MAX) % 2 == 0) {
			for (int k = 0; k < c.nfx; k++)
				from[k] = k;
			fx_unit_default(&next.fx[c.nfx], kinds[i % 6]);
			from[c.nfx] = -1;
			next.nfx = c.nfx + 1;
		} else if (c.nfx > 0) {
			for (int k = 0; k + 1 < c.nfx; k++) {
				next.fx[k] = c.fx[k + 1];
				from[k] = k + 1;
			}
			next.nfx = c.nfx - 1;
		} else {
			from[0] = -1;
			fx_unit_default(&next.fx[0], FX_EQ);
			next.nfx = 1;
		}
		if (bridge_set_chain(b, 1, &next, from)) {
			c = next;
			changes++;
		}
		bridge_set_fx_param(b, 0, 1, 0, (float)(i % 48));
		bridge_set_send(b, 1, 0, -(float)(i % 40));
		int n;
		while ((n = bridge_tap_read(b, chunk)) > 0)
			read += (uint64_t)n;
		if (i % 16 == 0)
			sched_yield();
	}
	/* Let the last messages land, then stop the audio thread. */
	bridge_snapshot_t snap;
	do {
		bridge_snapshot(b, &snap);
		int n;
		while ((n = bridge_tap_read(b, chunk)) > 0)
			read += (uint64_t)n;
	} while (snap.applied < bridge_sent(b));
	atomic_store(&a.stop, true);
	pthread_join(t, NULL);
	int n;
	while ((n = bridge_tap_read(b, chunk)) > 0)
		read += (uint64_t)n;
	uint64_t frames = atomic_load(&a.frames);
	print_message("# %d chain changes; %llu frames rendered, %llu read from the tap, %llu dropped\n",
	              changes, (unsigned long long)frames, (unsigned long long)read,
	              (unsigned long long)bridge_tap_dropped(b));
	assert_true(changes > 100);
	assert_int_equal(read + bridge_tap_dropped(b), frames);
	bridge_destroy(b);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fx_param_lands_in_its_period),
		cmocka_unit_test(test_bypass_lands_in_its_period),
		cmocka_unit_test(test_send_and_bus_land_in_their_period),
		cmocka_unit_test(test_fader_past_the_range_lands_at_its_end),
		cmocka_unit_test(test_master_lands_in_its_period),
		cmocka_unit_test(test_chain_add_with_sidechain_lands_in_its_period),
		cmocka_unit_test(test_chain_move_lands_in_its_period),
		cmocka_unit_test(test_chain_remove_lands_in_its_period),
		cmocka_unit_test(test_added_unit_keeps_its_state_when_moved),
		cmocka_unit_test(test_tap_hands_over_the_output),
		cmocka_unit_test(test_mixing_from_another_thread),
	};
	return TU_RUN(tests);
}
