/*
 * fuzz: what every fuzz target provides.  Each target is one file,
 * tests/fuzz/fuzz_NAME.c, defining LLVMFuzzerTestOneInput; its name is
 * one line in tests/fuzz/targets and its seeds are tests/fuzz/corpus/NAME/.
 * tools/fuzz builds each target twice over: with libFuzzer when clang
 * has it, and always as a replayer of files (replay.c) under ASan and
 * UBSan.  A target must not leak, write files outside /tmp, or keep
 * state between calls.
 */
#ifndef BEATTY_FUZZ_H
#define BEATTY_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated malloc'd string (NULs inside kept), or NULL. */
char *fuzz_text(const uint8_t *data, size_t size);

#endif
