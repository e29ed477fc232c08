/* fuzz_config: config.ini's reader on any text. */
#include <stdlib.h>
#include "settings.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	settings_t c;
	cfg_msgs_t m;
	settings_default(&c);
	cfg_msgs_init(&m);
	settings_parse(&c, (const char *)data, size, "config.ini", &m);
	/* the reader keeps every value in its range */
	if (c.autosave < 0 || c.autosave > SETTINGS_AUTOSAVE_MAX || c.octave < 0 || c.octave > 8)
		abort();
	return 0;
}
