/*
 * simd: whether the processor runs eight-lane vector code (x86 AVX).
 * Units that have such a path ask at init and keep the answer; both
 * paths give the same bits, so the answer changes speed, never sound.
 */
#ifndef BEATTY_SIMD_H
#define BEATTY_SIMD_H

#include <stdbool.h>

/* Whether eight-lane code may run: the processor has it and it is not
 * turned off.  Asks the processor once; never call from the audio path. */
bool simd_wide(void);

/* Turns the eight-lane paths off (or back on) for units initialised
 * afterwards: for tests that compare both paths. */
void simd_set_narrow(bool narrow);

#endif
