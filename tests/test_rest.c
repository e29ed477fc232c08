/*
 * test_rest: resting chains and buses, measured against the engine with
 * resting off (every unit run through every silence).
 *
 * The song is sparse on purpose: a hit every two bars into a long echo
 * and a reverb; a pad whose compressor is keyed by the hit and whose
 * notes start right on hits after long silences (a frozen key would let
 * them in unducked); a delay bus nothing is sent to.  With resting on,
 * a good part of the chain blocks rest, and the output stays within
 * -120 dBFS of the reference; split into odd chunks it gives the same
 * bits (decisions do not follow the caller's requests).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"
#include "testutil.h"

#define RATE 48000

static const char sparse_song[] =
	"[song]\nformat = 1\nbpm = 120\nlpb = 4\nchannels = 3\n"
	"[channel 1]\nname = Hit\nsend_reverb = -6\n"
	"[channel 1 fx 1]\ntype = eq\nhp = 60\ngain1 = 3\n"
	"[channel 1 fx 2]\ntype = delay\ntime = 700\nfeedback = 60\nmix = 40\nhighcut = 12000\n"
	"[channel 2]\nname = Pad\n"
	"[channel 2 fx 1]\ntype = comp\nthreshold = -40\nratio = 20\nattack = 1\nrelease = 400\nsidechain = 1\n"
	"[channel 2 fx 2]\ntype = reverb\ndecay = 2\npredelay = 120\nmix = 30\n"
	"[channel 3]\nname = Blip\n"
	"[channel 3 fx 1]\ntype = comp\nthreshold = -20\nratio = 4\nrelease = 900\n"
	"[channel 3 fx 2]\ntype = drive\ndrive = 18\n"
	"[master]\nlimiter = on\n"
	"[instrument 01]\ntype = synth\nosc1 = sine\npitch_env = 24\npitch_decay = 0.03\namp = 0 0.15 0 0.05\n"
	"[instrument 02]\ntype = synth\nosc1 = saw\namp = 0.001 0.1 0.8 0.05\n"
	"[instrument 03]\ntype = synth\nosc1 = square\namp = 0 0.05 0 0.02\n"
	"[pattern 00]\nrows = 32\n"
	"00 = C-3 01 .. ... | ... .. .. ... | C-5 03 .. ...\n"
	"02 = ... .. .. ... | ... .. .. ... | === .. .. ...\n"
	"[pattern 01]\nrows = 32\n"
	"00 = C-3 01 .. ... | A-4 02 .. ... | ... .. .. ...\n"
	"04 = ... .. .. ... | === .. .. ... | ... .. .. ...\n"
	"[order]\n00 = 00\n01 = 00\n02 = 01\n03 = 00\n04 = 01\n";

/* Renders in chunks of `chunk` frames; returns frames, *out malloc'd. */
static size_t render(const song_t *s, bool rest, size_t chunk, float **out, int64_t *rested)
{
	engine_t *e = engine_create(s, RATE);
	assert_non_null(e);
	engine_set_rest(e, rest);
	size_t cap = (size_t)RATE * 60, n = 0;
	float *buf = malloc(cap * 2 * sizeof(float));
	assert_non_null(buf);
	for (;;) {
		size_t want = chunk < cap - n ? chunk : cap - n;
		size_t got = engine_render(e, buf + 2 * n, want);
		n += got;
		if (got < want || n == cap)
			break;
	}
	*rested = engine_rested(e);
	engine_destroy(e);
	*out = buf;
	return n;
}

static void test_rest_matches_running_everything(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, sparse_song);
	float *ref, *got;
	int64_t rested_ref, rested;
	size_t nref = render(&s, false, 4096, &ref, &rested_ref);
	size_t n = render(&s, true, 4096, &got, &rested);
	/* chain frames in all: 3 channels + 2 buses */
	double blocks = 5.0 * (double)n;
	double worst = 0;
	for (size_t i = 0; i < 2 * n && i < 2 * nref; i++)
		worst = fmax(worst, fabs((double)got[i] - (double)ref[i]));
	print_message("# %zu frames (%zu without resting); %lld chain frames rested (%.0f%%); "
	              "worst difference %.1f dBFS; peak %.3f\n", n, nref, (long long)rested,
	              100.0 * (double)rested / blocks, 20 * log10(worst + 1e-30), tu_peak(ref, 2 * nref));
	assert_int_equal(rested_ref, 0);
	assert_true((double)rested > 0.25 * blocks);
	assert_int_equal(n, nref);
	assert_true(tu_peak(ref, 2 * nref) > 0.05);
	assert_true(worst < pow(10, -120 / 20.0));
	free(ref);
	free(got);
	song_deinit(&s);
}

static void test_rest_ignores_how_the_caller_splits(void **state)
{
	(void)state;
	song_t s;
	tu_song_parse(&s, sparse_song);
	float *a, *b;
	int64_t ra, rb;
	size_t na = render(&s, true, 4096, &a, &ra);
	size_t nb = render(&s, true, 37, &b, &rb);
	size_t diff = 0;
	for (size_t i = 0; i < 2 * na && i < 2 * nb; i++)
		diff += memcmp(&a[i], &b[i], sizeof(float)) != 0;
	print_message("# chunks of 4096 and of 37: %zu and %zu frames, %zu samples differ; "
	              "%lld and %lld chain frames rested\n", na, nb, diff, (long long)ra, (long long)rb);
	assert_int_equal(na, nb);
	assert_int_equal(diff, 0);
	assert_true(ra > 0);
	assert_int_equal(ra, rb);
	free(a);
	free(b);
	song_deinit(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rest_matches_running_everything),
		cmocka_unit_test(test_rest_ignores_how_the_caller_splits),
	};
	return TU_RUN(tests);
}
