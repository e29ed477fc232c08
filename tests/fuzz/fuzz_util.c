/* fuzz_util: helpers shared by the targets (see fuzz.h). */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);
	if (!t)
		return NULL;
	memcpy(t, data, size);
	t[size] = 0;
	return t;
}
