/*
 * test_threads: the worker pool and the engine spread over it.
 *
 * - The pool runs every item of every job exactly once, whichever
 *   thread takes it, and an item may wait for an earlier one.
 * - One engine: a render with 1, 2, 3 or 4 workers (and with no pool)
 *   gives the same bits, output and stems alike, for a song whose
 *   compressors are keyed by channels before and after their own, with
 *   sends into both buses and the master chain on; and for bench.bty.
 * - Edits while playing: an audio thread fills periods of bench.bty
 *   through a bridge whose engine uses three workers while this thread sends edits (cells,
 *   mutes, solos, live notes, chain swaps, sidechain routes).  Every
 *   message lands and the output stays finite; built with
 *   -fsanitize=thread, no race is reported.
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
#include "fx.h"
#include "note.h"
#include "songfile.h"
#include "testutil.h"
#include "workpool.h"

#define RATE   48000
#define PERIOD 256

/* ---- the pool ------------------------------------------------------------ */

#define ITEMS 97

typedef struct count_job {
	_Atomic int ran[ITEMS];
	_Atomic int by[4];
	_Atomic uint64_t flag[ITEMS];   /* item i done in job `round` */
	uint64_t round;
	bool chained;                    /* item i waits for item i - 1 */
} count_job_t;

static void count_item(void *arg, int item, int worker)
{
	count_job_t *j = arg;
	if (j->chained && item > 0)
		workpool_wait(&j->flag[item - 1], j->round);
	atomic_fetch_add(&j->ran[item], 1);
	atomic_fetch_add(&j->by[worker], 1);
	atomic_store_explicit(&j->flag[item], j->round, memory_order_release);
}

static void test_pool_runs_each_item_once(void **state)
{
	(void)state;
	workpool_t *p = workpool_create(4, 0, NULL, 0);
	assert_non_null(p);
	assert_int_equal(workpool_threads(p), 4);
	static count_job_t j;
	memset(&j, 0, sizeof(j));
	const int rounds = 3000;
	for (int r = 1; r <= rounds; r++) {
		j.round = (uint64_t)r;
		j.chained = r % 3 == 0;
		workpool_run(p, count_item, &j, ITEMS);
		/* every item of this job is done when run returns */
		for (int i = 0; i < ITEMS; i++)
			assert_int_equal(atomic_load(&j.ran[i]), r);
	}
	int helpers = 0;
	for (int w = 0; w < 4; w++) {
		print_message("# worker %d ran %d items\n", w, atomic_load(&j.by[w]));
		helpers += w > 0 ? atomic_load(&j.by[w]) : 0;
	}
	assert_int_equal(atomic_load(&j.by[0]) + helpers, rounds * ITEMS);
	workpool_destroy(p);
	/* no pool: the caller runs the items in order */
	memset(&j, 0, sizeof(j));
	j.round = 1;
	j.chained = true;
	workpool_run(NULL, count_item, &j, ITEMS);
	assert_int_equal(atomic_load(&j.by[0]), ITEMS);
}

/* ---- one engine, any number of workers ------------------------------------ */

/* Channel 2 is keyed by channel 1 (before it), channel 3 by channel 5
 * (after it) and channel 4 by both; sends reach both buses. */
static const char keyed_song[] =
	"[song]\nformat = 1\nbpm = 132\nlpb = 4\nchannels = 5\n"
	"[channel 1]\nname = Kick\nsend_reverb = -14\n"
	"[channel 1 fx 1]\ntype = drive\ndrive = 12\n"
	"[channel 2]\nname = Pad\nvolume = -3\nsend_reverb = -6\nsend_delay = -10\n"
	"[channel 2 fx 1]\ntype = eq\nhp = 120\ngain1 = 4\n"
	"[channel 2 fx 2]\ntype = comp\nthreshold = -30\nratio = 8\nattack = 1\nrelease = 80\nsidechain = 1\n"
	"[channel 3]\nname = Bass\nsend_delay = -12\n"
	"[channel 3 fx 1]\ntype = comp\nthreshold = -24\nratio = 4\nsidechain = 5\n"
	"[channel 3 fx 2]\ntype = drive\ndrive = 6\ncurve = tube\n"
	"[channel 4]\nname = Lead\npan = 30\nsend_delay = -6\nsend_reverb = -9\n"
	"[channel 4 fx 1]\ntype = delay\nsync = 1/8.\nfeedback = 40\n"
	"[channel 4 fx 2]\ntype = comp\nthreshold = -20\nsidechain = 1 5\n"
	"[channel 5]\nname = Hat\npan = -40\n"
	"[channel 5 fx 1]\ntype = reverb\ndecay = 1\nmix = 20\n"
	"[master]\nlimiter = on\ncomp = on\neq = on\n"
	"[instrument 01]\ntype = synth\nosc1 = sine\npitch_env = 24\npitch_decay = 0.03\namp = 0 0.2 0 0.05\n"
	"[instrument 02]\ntype = synth\nosc1 = saw\nosc2 = saw\nosc2_detune = 9\nosc_mix = 0.5\n"
	"amp = 0.01 0.1 0.9 0.3\n"
	"[instrument 03]\ntype = synth\nosc1 = square\namp = 0.002 0.1 0.5 0.1\n"
	"[instrument 04]\ntype = synth\nosc1 = noise\namp = 0 0.03 0 0.01\n"
	"[pattern 00]\nrows = 16\n"
	"00 = C-3 01 .. ... | A-3 02 .. ... | A-1 03 .. ... | A-5 03 .. ... | C-6 04 .. ...\n"
	"02 = ... .. .. ... | ... .. .. ... | ... .. .. ... | ... .. .. ... | C-6 04 .. ...\n"
	"04 = C-3 01 .. ... | ... .. .. ... | C-2 03 .. ... | C-6 03 .. ... | C-6 04 .. ...\n"
	"06 = ... .. .. ... | ... .. .. ... | ... .. .. ... | ... .. .. ... | C-6 04 .. ...\n"
	"08 = C-3 01 .. ... | E-3 02 .. ... | E-1 03 .. ... | E-5 03 .. ... | C-6 04 .. ...\n"
	"0C = C-3 01 .. ... | === .. .. ... | === .. .. ... | === .. .. ... | C-6 04 .. ...\n"
	"[order]\n00 = 00\n01 = 00\n";

typedef struct take {
	float *out;
	float **stems;
	int nstems;
	size_t frames;
} take_t;

/* Renders song in chunks of `chunk` frames (at most max_frames) with a
 * pool of `threads` workers (0: no pool), stems on. */
static void take_render(const song_t *s, int threads, size_t chunk, size_t max_frames, take_t *t)
{
	engine_t *e = engine_create(s, RATE);
	assert_non_null(e);
	workpool_t *p = threads ? workpool_create(threads, 0, NULL, 0) : NULL;
	assert_true(threads == 0 || p);
	assert_int_equal(engine_set_pool(e, p), 0);
	engine_set_share_min(e, 0);   /* every block shared, however light */
	assert_int_equal(engine_enable_stems(e), 0);
	t->nstems = engine_stem_count(e);
	t->out = malloc(max_frames * 2 * sizeof(float));
	t->stems = calloc((size_t)t->nstems, sizeof(float *));
	float **cur = calloc((size_t)t->nstems, sizeof(float *));
	assert_non_null(t->out);
	for (int k = 0; k < t->nstems; k++) {
		t->stems[k] = malloc(max_frames * 2 * sizeof(float));
		assert_non_null(t->stems[k]);
	}
	size_t len = 0;
	while (len < max_frames) {
		size_t want = chunk < max_frames - len ? chunk : max_frames - len;
		for (int k = 0; k < t->nstems; k++)
			cur[k] = t->stems[k] + 2 * len;
		size_t n = engine_render_stems(e, t->out + 2 * len, cur, want);
		len += n;
		if (n < want)
			break;
	}
	t->frames = len;
	free(cur);
	engine_destroy(e);
	workpool_destroy(p);
}

static void take_free(take_t *t)
{
	for (int k = 0; k < t->nstems; k++)
		free(t->stems[k]);
	free(t->stems);
	free(t->out);
}

/* Samples of b that differ from a (bit for bit), output and stems. */
static size_t take_diff(const take_t *a, const take_t *b)
{
	size_t d = 0;
	assert_int_equal(a->frames, b->frames);
	assert_int_equal(a->nstems, b->nstems);
	size_t bytes = a->frames * 2 * sizeof(float);
	d += memcmp(a->out, b->out, bytes) != 0;
	for (int k = 0; k < a->nstems; k++)
		d += memcmp(a->stems[k], b->stems[k], bytes) != 0;
	return d;
}

static void same_bits_for_any_workers(const song_t *s, size_t chunk, size_t max_frames)
{
	take_t ref;
	take_render(s, 0, chunk, max_frames, &ref);
	double pk = tu_peak(ref.out, ref.frames * 2);
	int sounding = 0;
	for (int k = 0; k < ref.nstems; k++)
		sounding += tu_peak(ref.stems[k], ref.frames * 2) > 1e-3;
	print_message("# %zu frames, peak %.3f, %d of %d stems sound\n", ref.frames, pk, sounding, ref.nstems);
	assert_true(pk > 0.01);
	assert_true(sounding * 2 >= ref.nstems);
	for (int n = 1; n <= 4; n++) {
		take_t t;
		take_render(s, n, chunk, max_frames, &t);
		size_t d = take_diff(&ref, &t);
		print_message("# %d worker(s), chunks of %zu: %zu of %d signals differ\n", n, chunk, d,
		              ref.nstems + 1);
		assert_int_equal(d, 0);
		take_free(&t);
	}
	take_free(&ref);
}

static void test_keyed_song_same_bits(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, keyed_song);
	same_bits_for_any_workers(&s, 4096, (size_t)RATE * 30);
	same_bits_for_any_workers(&s, PERIOD, (size_t)RATE * 3);
	song_deinit(&s);
}

static void load_song(song_t *s, const char *name)
{
	const char *src = getenv("SRCDIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/songs/%s", src ? src : ".", name);
	songfile_error_t err;
	if (songfile_load(s, path, SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char buf[700];
		songfile_error_format(&err, buf, sizeof(buf));
		fail_msg("cannot load %s: %s", name, buf);
	}
}

static void test_bench_song_same_bits(void **state)
{
	(void)state;
	song_t s;
	load_song(&s, "bench.bty");
	same_bits_for_any_workers(&s, 4096, (size_t)RATE * 4);
	song_deinit(&s);
}

/* ---- edits while playing with workers ------------------------------------- */

typedef struct audio_sim {
	bridge_t *b;
	atomic_bool stop;
	_Atomic uint64_t periods;
	atomic_bool finite;
	_Atomic uint32_t peak;   /* float bits */
} audio_sim_t;

static void *audio_main(void *arg)
{
	audio_sim_t *a = arg;
	float buf[PERIOD * 2];
	float pk = 0;
	while (!atomic_load(&a->stop)) {
		bridge_fill(a->b, buf, PERIOD);
		for (int i = 0; i < PERIOD * 2; i++) {
			if (!isfinite(buf[i]))
				atomic_store(&a->finite, false);
			pk = fmaxf(pk, fabsf(buf[i]));
		}
		uint32_t u;
		memcpy(&u, &pk, sizeof(u));
		atomic_store(&a->peak, u);
		atomic_fetch_add(&a->periods, 1);
	}
	return NULL;
}

static void test_edits_while_playing_with_workers(void **state)
{
	(void)state;
	song_t s;
	load_song(&s, "bench.bty");   /* heavy enough that every block is shared */
	bridge_t *b = bridge_create(&s, RATE);
	assert_non_null(b);
	workpool_t *p = workpool_create(3, 0, NULL, 0);
	assert_non_null(p);
	assert_int_equal(bridge_set_pool(b, p), 0);
	assert_true(bridge_set_loop(b, true));
	assert_true(bridge_play(b, 0, 0));
	audio_sim_t a = { .b = b };
	atomic_init(&a.stop, false);
	atomic_init(&a.periods, 0);
	atomic_init(&a.finite, true);
	atomic_init(&a.peak, 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, audio_main, &a), 0);

	const fx_type_t kinds[] = { FX_EQ, FX_COMP, FX_DRIVE, FX_DELAY, FX_REVERB, FX_LIMITER };
	uint32_t rng = 777;
	uint64_t tries = 0, refused = 0;
	int chains = 0;
	channel_t c = s.channel[1];
	for (int i = 0; i < 4000 || atomic_load(&a.periods) < 400; i++) {
		rng = rng * 1664525u + 1013904223u;
		int ch = (int)(rng >> 8) % s.channels, r = (int)(rng >> 16);
		bool ok = true;
		switch ((rng >> 24) % 9) {
		case 0: {
			cell_t cell = { .note = (uint8_t)(NOTE_MIN + 24 + r % 48), .inst = (uint8_t)(1 + r % 4),
			                .vol = VOL_NONE };
			ok = bridge_set_cell(b, 0, r % 16, ch, cell);
			break;
		}
		case 1: ok = bridge_set_mute(b, ch, (r & 3) == 0); break;
		case 2: ok = bridge_set_solo(b, ch, (r & 15) == 0); break;
		case 3: ok = bridge_live_note(b, ch, 1 + r % 4, NOTE_MIN + 24 + r % 48, r % 65); break;
		case 4: ok = bridge_set_sidechain(b, 2, 1, (uint64_t)(r & 31)); break;
		case 5: ok = bridge_set_send(b, ch, r & 1, -(float)(r % 40)); break;
		case 6: ok = bridge_set_fx_param(b, 0, 0, 0, (float)(r % 48)); break;
		case 7: ok = bridge_set_volume(b, ch, -(float)(r % 20)); break;
		default: {
			/* channel 2's chain: grow it to full, then empty it, keeping states */
			int from[SONG_FX_CHAIN_MAX];
			channel_t next = c;
			if (c.nfx < SONG_FX_CHAIN_MAX && (chains / SONG_FX_CHAIN_MAX) % 2 == 0) {
				for (int k = 0; k < c.nfx; k++)
					from[k] = k;
				fx_unit_default(&next.fx[c.nfx], kinds[r % 6]);
				next.fx[c.nfx].sidechain = (uint64_t)(r & 31);
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
				fx_unit_default(&next.fx[0], FX_COMP);
				next.nfx = 1;
			}
			ok = bridge_set_chain(b, 1, &next, from);
			if (ok) {
				c = next;
				chains++;
			}
			break;
		}
		}
		tries++;
		refused += !ok;
		if (i % 32 == 0)
			sched_yield();
	}
	bridge_snapshot_t snap;
	do
		bridge_snapshot(b, &snap);
	while (snap.applied < bridge_sent(b));
	atomic_store(&a.stop, true);
	pthread_join(t, NULL);
	bridge_collect(b);
	uint32_t u = atomic_load(&a.peak);
	float pk;
	memcpy(&pk, &u, sizeof(pk));
	print_message("# %llu edits (%d chain swaps, %llu refused) over %llu periods, peak %.3f\n",
	              (unsigned long long)tries, chains, (unsigned long long)refused,
	              (unsigned long long)atomic_load(&a.periods), (double)pk);
	assert_int_equal(snap.applied, bridge_sent(b));
	assert_true(chains > 50);
	assert_true(atomic_load(&a.finite));
	assert_true(pk > 0.01f);
	bridge_destroy(b);
	workpool_destroy(p);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_runs_each_item_once),
		cmocka_unit_test(test_keyed_song_same_bits),
		cmocka_unit_test(test_bench_song_same_bits),
		cmocka_unit_test(test_edits_while_playing_with_workers),
	};
	return TU_RUN(tests);
}
