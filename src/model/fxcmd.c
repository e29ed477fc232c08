/*
 * fxcmd: lookups over the effect command list.
 */
#include "fxcmd.h"

#define FX_LETTER(c, e, d) c,
#define FX_DESC(c, e, d) d,
static const char letters[FX_COUNT] = { FXCMD_LIST(FX_LETTER) };
static const char *const descs[FX_COUNT] = { FXCMD_LIST(FX_DESC) };

fxcmd_t fxcmd_from_letter(int letter)
{
	for (int i = 0; i < FX_COUNT; i++)
		if (letters[i] == letter)
			return (fxcmd_t)i;
	return FX_NONE;
}

int fxcmd_letter(fxcmd_t cmd)
{
	return cmd >= 0 && cmd < FX_COUNT ? letters[cmd] : 0;
}

const char *fxcmd_describe(fxcmd_t cmd)
{
	return cmd >= 0 && cmd < FX_COUNT ? descs[cmd] : "";
}
