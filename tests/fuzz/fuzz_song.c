/*
 * fuzz_song: the song reader on any text.  What it accepts must write
 * out in the one canonical form: write(read(write(x))) == write(x).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "songfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	song_t s;
	songfile_error_t err;
	/* No samples are read: the sample loader has a target of its own. */
	if (songfile_parse(&s, text, "fuzz.bty", "", 0, &err, NULL, NULL) == 0) {
		char *once = songfile_to_string(&s);
		song_deinit(&s);
		if (once) {
			song_t again;
			if (songfile_parse(&again, once, "once.bty", "", 0, &err, NULL, NULL) != 0) {
				fprintf(stderr, "canonical text does not read back: %s:%d: %s\n", err.file,
				        err.line, err.msg);
				abort();
			}
			char *twice = songfile_to_string(&again);
			song_deinit(&again);
			if (twice && strcmp(once, twice) != 0) {
				fprintf(stderr, "write(read(write(x))) != write(x)\n");
				abort();
			}
			free(twice);
			free(once);
		}
	}
	free(text);
	return 0;
}
