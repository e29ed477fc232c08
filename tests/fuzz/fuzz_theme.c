/* fuzz_theme: the theme reader on any text. */
#include <stdio.h>
#include "fuzz.h"
#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	theme_t t;
	cfg_msgs_t m;
	theme_default(&t);
	cfg_msgs_init(&m);
	theme_parse(&t, (const char *)data, size, "theme.ini", &m);
	theme_out_t out[THEME_ROLE_COUNT];
	theme_resolve(&t, 256, out);
	theme_resolve(&t, 8, out);
	return 0;
}
