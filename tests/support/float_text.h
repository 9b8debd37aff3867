/*
 * Test support for the float text tests: a seeded xorshift32 so the random sweeps repeat, and
 * the count of significant digits of decimal text.  Header-only, like floatbits.h, because the
 * unit tests link no support library.
 */
#ifndef PGV_FLOAT_TEXT_H
#define PGV_FLOAT_TEXT_H

#include <stdint.h>

/* xorshift32, seeded, so the random tests repeat. */
static inline uint32_t next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Significant digits of decimal text: sign, point, exponent, leading and trailing zeros aside. */
static inline int significant_digits(const char *s)
{
	char digits[64];
	int n = 0, first = 0;

	for (; *s != '\0' && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && n < 63)
			digits[n++] = *s;
	while (first < n && digits[first] == '0')
		first++;
	while (n > first && digits[n - 1] == '0')
		n--;
	return n - first;
}

#endif
