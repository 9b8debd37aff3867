/*
 * Test support: the bits of a float and the float of given bits, for the tests that compare
 * floats bit for bit (-0 against 0, NaN payloads, neighbouring floats).  memcpy keeps the
 * aliasing rules; header-only so that unit tests, which link no support library, can use it.
 */
#ifndef PGV_FLOATBITS_H
#define PGV_FLOATBITS_H

#include <stdint.h>
#include <string.h>

/* The bits of a float. */
static inline uint32_t bits_of(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* The float with these bits. */
static inline float from_bits(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

#endif
