/*
 * dsp: the denormal switch.  Denormal floats make x86 and ARM cores crawl
 * (ten times and more) while a filter or reverb tail decays; the engine
 * turns them off for the thread that renders.
 */
#include "dsp.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
unsigned long dsp_denormals_off(void)
{
	unsigned int old = _mm_getcsr();
	_mm_setcsr(old | 0x8040);   /* FTZ | DAZ */
	return old;
}
void dsp_denormals_restore(unsigned long saved)
{
	_mm_setcsr((unsigned int)saved);
}
#elif defined(__aarch64__)
unsigned long dsp_denormals_off(void)
{
	unsigned long old;
	__asm__ __volatile__("mrs %0, fpcr" : "=r"(old));
	__asm__ __volatile__("msr fpcr, %0" : : "r"(old | (1UL << 24)));
	return old;
}
void dsp_denormals_restore(unsigned long saved)
{
	__asm__ __volatile__("msr fpcr, %0" : : "r"(saved));
}
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
unsigned long dsp_denormals_off(void)
{
	unsigned long old;
	__asm__ __volatile__("vmrs %0, fpscr" : "=r"(old));
	__asm__ __volatile__("vmsr fpscr, %0" : : "r"(old | (1UL << 24)));
	return old;
}
void dsp_denormals_restore(unsigned long saved)
{
	__asm__ __volatile__("vmsr fpscr, %0" : : "r"(saved));
}
#else
unsigned long dsp_denormals_off(void) { return 0; }
void dsp_denormals_restore(unsigned long saved) { (void)saved; }
#endif
