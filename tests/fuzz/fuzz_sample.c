/*
 * fuzz_sample: the sample loader (libsndfile and our folding, clamping
 * and length checks) on any bytes, through a file as in real use.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fuzz.h"
#include "sample.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/beatty-fuzz-sample-%ld.wav", (long)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	size_t put = fwrite(data, 1, size, f);
	if (fclose(f) != 0 || put != size) {
		unlink(path);
		return 0;
	}
	sample_t s;
	char err[256];
	if (sample_load(&s, path, err, sizeof(err)) == 0) {
		/* what the mixer may rely on */
		if (s.channels < 1 || s.channels > 2 || s.frames < 1 || s.rate <= 0)
			abort();
		for (int64_t i = 0; i < s.frames * s.channels; i++)
			if (!(fabsf(s.data[i]) <= 1.0f))
				abort();
		sample_free(&s);
	}
	unlink(path);
	return 0;
}
