/*
 * simd: the processor's vector width, asked once.
 */
#include <stdatomic.h>
#include "simd.h"

/* 0 not asked yet, 1 narrow, 2 wide; and the tests' switch. */
static _Atomic int have;
static _Atomic bool narrow;

static int ask(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx") ? 2 : 1;
#else
	return 1;
#endif
}

bool simd_wide(void)
{
	int h = atomic_load_explicit(&have, memory_order_relaxed);
	if (!h) {
		h = ask();
		atomic_store_explicit(&have, h, memory_order_relaxed);
	}
	return h == 2 && !atomic_load_explicit(&narrow, memory_order_relaxed);
}

void simd_set_narrow(bool on)
{
	atomic_store_explicit(&narrow, on, memory_order_relaxed);
}
