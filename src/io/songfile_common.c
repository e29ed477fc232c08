/*
 * songfile_common: the tables and helpers the .bty reader and writer
 * share (see songfile_common.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "songfile_common.h"

/* Shortest "%.6g" text of v, never "-0".  Six significant digits are
 * what a float keeps through text (FLT_DIG), so reading the text back
 * gives a float that prints the same: the writer stays idempotent. */
void songfile_fmt_float(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		v = 0;
	snprintf(buf, n, "%.6g", v);
	if (!strcmp(buf, "-0"))
		snprintf(buf, n, "0");
}

void songfile_set_error(songfile_error_t *err, const char *file, int line, const char *msg)
{
	snprintf(err->file, sizeof err->file, "%s", file);
	err->line = line;
	snprintf(err->msg, sizeof err->msg, "%s", msg);
}
