/* fuzz_keys: keys.ini's reader on any text. */
#include <stdio.h>
#include "fuzz.h"
#include "keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	keymap_t *km = keymap_create();
	if (!km)
		return 0;
	cfg_msgs_t m;
	cfg_msgs_init(&m);
	keymap_parse(km, (const char *)data, size, "keys.ini", &m);
	int n;
	(void)keymap_table(km, &n);
	keymap_destroy(km);
	return 0;
}
