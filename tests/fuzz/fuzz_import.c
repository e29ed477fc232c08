/*
 * fuzz_import: libFuzzer target for the module import path.
 *
 * Whatever bytes come in, import_module_mem() must either fail with a
 * message or give a song the engine can play: the song is then run
 * through the sequencer and a second of it rendered, so a translation
 * that yields a bad cell, loop or sample shows up under the sanitizers.
 *
 * Build (clang): -fsanitize=fuzzer,address,undefined with libbeatty.a
 * and libxmp; seed it with the modules listed in fuzz_import.seeds.
 * Built with -DFUZZ_IMPORT_MAIN it is a plain program that runs the
 * target once over each file named on its command line (to replay a
 * crash or the seeds without libFuzzer).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "engine.h"
#include "import.h"

#define FUZZ_RATE   8000
#define FUZZ_FRAMES 8000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	song_t s;
	import_report_t rep;
	char err[512];
	if (import_module_mem(&s, data, size, "fuzz.mod", "fuzz.bty", &rep, err, sizeof(err)) != 0)
		return 0;
	engine_t *e = engine_create(&s, FUZZ_RATE);
	if (e) {
		static float buf[2 * 1024];
		size_t left = FUZZ_FRAMES;
		while (left > 0) {
			size_t n = engine_render(e, buf, left < 1024 ? left : 1024);
			if (n == 0)
				break;
			left -= n < left ? n : left;
		}
		engine_destroy(e);
	}
	song_deinit(&s);
	return 0;
}

#ifdef FUZZ_IMPORT_MAIN
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, n = 0;
		uint8_t *buf = malloc(cap);
		size_t got;
		while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
			n += got;
			if (n == cap) {
				uint8_t *b = realloc(buf, cap *= 2);
				if (!b)
					free(buf);
				buf = b;
			}
		}
		fclose(f);
		if (!buf)
			return 1;
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
#endif
