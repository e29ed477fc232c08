/*
 * rawcmp: compares what `beatty play` sent to an ALSA device (captured
 * raw by ALSA's file plugin) with the offline render of the same song,
 * converted to the device's format by the very conversion the audio
 * thread uses.
 *
 *   rawcmp SONG RATE FORMAT CAPTURE PERIOD [TOLERANCE]
 *
 * Passes when the first N captured frames (N = the offline render's
 * length) match it — byte for byte, or within TOLERANCE steps of an
 * integer format when ALSA itself did the conversion — and what follows
 * is silence shorter than one period (the end of the last period).
 *
 *   rawcmp --convert-check
 *
 * checks the conversion itself against known values for every format.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alsa_out.h"
#include "render.h"
#include "songfile.h"

static int64_t sample_at(alsa_out_format_t f, const unsigned char *p)
{
	switch (f) {
	case ALSA_OUT_S16:
		return (int16_t)(uint16_t)(p[0] | p[1] << 8);
	case ALSA_OUT_S24_3: {
		int32_t v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16);
		return v >= 1 << 23 ? v - (1 << 24) : v;
	}
	default:
		return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		                 (uint32_t)p[3] << 24);
	}
}

static int convert_check(void)
{
	static const struct {
		float x;
		int64_t s16, s24, s32;
	} cases[] = {
		{ 0.0f, 0, 0, 0 },
		{ 1.0f, 32767, 8388607, 2147483647 },
		{ -1.0f, -32768, -8388608, -2147483647 - 1 },
		{ 1.5f, 32767, 8388607, 2147483647 },        /* clipped */
		{ -7.0f, -32768, -8388608, -2147483647 - 1 },
		{ 0.5f, 16384, 4194304, 1073741824 },
		{ -0.25f, -8192, -2097152, -536870912 },
		{ 0.75f / 32768, 1, 192, 49152 },            /* nearest step, not truncation */
		{ -0.75f / 32768, -1, -192, -49152 },
		{ 0.25f / 32768, 0, 64, 16384 },
		{ (float)0x123456 / 8388608.0f, 4660, 0x123456, 0x12345600 },
		{ NAN, 0, 0, 0 },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		float x = cases[i].x;
		for (int f = 0; f < ALSA_OUT_FORMAT_COUNT; f++) {
			unsigned char buf[8] = { 0 };
			alsa_out_convert((alsa_out_format_t)f, &x, buf, 1);
			int64_t got = sample_at((alsa_out_format_t)f, buf), want;
			switch (f) {
			case ALSA_OUT_FLOAT: {
				uint32_t u;
				memcpy(&u, &x, sizeof(u));
				want = (int32_t)u;
				break;
			}
			case ALSA_OUT_S16: want = cases[i].s16; break;
			case ALSA_OUT_S32: want = cases[i].s32; break;
			default: want = cases[i].s24; break;
			}
			if (got != want) {
				printf("%s of %g: got %lld, want %lld\n", alsa_out_format_names[f], (double)x,
				       (long long)got, (long long)want);
				bad++;
			}
		}
	}
	/* Layout: little-endian, S24_LE sign-extended into its fourth byte. */
	float y = -1.0f / 8388608.0f;
	unsigned char b4[4], b3[3];
	alsa_out_convert(ALSA_OUT_S24, &y, b4, 1);
	alsa_out_convert(ALSA_OUT_S24_3, &y, b3, 1);
	if (memcmp(b4, "\xff\xff\xff\xff", 4) || memcmp(b3, "\xff\xff\xff", 3)) {
		printf("S24 layout of -1 step is wrong\n");
		bad++;
	}
	printf("conversion: %s\n", bad ? "FAILED" : "all formats as expected");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--convert-check"))
		return convert_check();
	if (argc < 6) {
		fprintf(stderr, "usage: rawcmp SONG RATE FORMAT CAPTURE PERIOD [TOLERANCE]\n"
		                "       rawcmp --convert-check\n");
		return 2;
	}
	int rate = atoi(argv[2]), period = atoi(argv[5]);
	long long tol = argc > 6 ? atoll(argv[6]) : 0;
	int f = 0;
	while (f < ALSA_OUT_FORMAT_COUNT && strcmp(argv[3], alsa_out_format_names[f]))
		f++;
	if (f == ALSA_OUT_FORMAT_COUNT || rate <= 0 || period <= 0) {
		fprintf(stderr, "rawcmp: bad format, rate or period\n");
		return 2;
	}
	alsa_out_format_t fmt = (alsa_out_format_t)f;

	song_t s;
	songfile_error_t err;
	if (songfile_load(&s, argv[1], SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return 2;
	}
	float *ref;
	int64_t n = render_to_buffer(&s, rate, &ref);
	song_deinit(&s);
	if (n < 0)
		return 2;
	size_t sb = alsa_out_sample_bytes(fmt), fb = 2 * sb;
	unsigned char *want = malloc((size_t)n * fb + 1);

	FILE *in = fopen(argv[4], "rb");
	if (!in || !want) {
		perror(argv[4]);
		return 2;
	}
	fseek(in, 0, SEEK_END);
	long size = ftell(in);
	fseek(in, 0, SEEK_SET);
	unsigned char *got = malloc((size_t)size + 1);
	if (!got || fread(got, 1, (size_t)size, in) != (size_t)size) {
		perror(argv[4]);
		return 2;
	}
	fclose(in);
	alsa_out_convert(fmt, ref, want, (size_t)n * 2);
	int64_t c = size / (long)fb;

	int fails = 0;
	if (size % (long)fb) {
		printf("capture is %ld bytes: not whole %zu-byte frames\n", size, fb);
		fails++;
	}
	if (c < n) {
		printf("capture holds %lld frames, the render %lld: %lld missing\n", (long long)c,
		       (long long)n, (long long)(n - c));
		fails++;
	}
	int64_t m = c < n ? c : n, differ = 0, first = -1;
	long long worst = 0;
	for (int64_t i = 0; i < m * 2; i++) {
		int64_t a = sample_at(fmt, got + i * (int64_t)sb), b = sample_at(fmt, want + i * (int64_t)sb);
		long long d = llabs((long long)(a - b));
		if (fmt == ALSA_OUT_FLOAT ? a != b : d > tol) {
			differ++;
			if (first < 0)
				first = i / 2;
		}
		if (fmt != ALSA_OUT_FLOAT && d > worst)
			worst = d;
	}
	if (differ) {
		printf("%lld samples differ, first at frame %lld\n", (long long)differ, (long long)first);
		fails++;
	}
	int64_t noise = 0;
	for (int64_t i = m * (int64_t)fb; i < c * (int64_t)fb; i++)
		noise += got[i] != 0;
	if (noise) {
		printf("%lld non-zero bytes after the song's end\n", (long long)noise);
		fails++;
	}
	if (c - n >= period) {
		printf("%lld frames after the song's end: more than the last period\n", (long long)(c - n));
		fails++;
	}
	printf("%s: %lld frames rendered, %lld captured (%lld of silence after), %s %lld samples "
	       "compared, largest difference %lld steps\n", alsa_out_format_names[fmt], (long long)n,
	       (long long)c, (long long)(c - n), fails ? "FAILED:" : "ok:", (long long)(m * 2), worst);
	free(ref);
	free(want);
	free(got);
	return fails ? 1 : 0;
}
