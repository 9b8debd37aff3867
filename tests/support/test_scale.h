/*
 * How much of a long randomized sweep a unit test runs.  PGVODBC_TEST_SCALE=N (N >= 1) divides
 * the sweeps by N: scripts/valgrind.sh sets it, because memcheck runs code about 50 times slower
 * and is there to find memory errors, which every code path shows on a few inputs, not to search
 * the input space (the normal and sanitizer builds run the full sweeps).  Unset: the full count.
 */
#ifndef PGV_TEST_SCALE_H
#define PGV_TEST_SCALE_H

#include <stdlib.h>

/* PGVODBC_TEST_SCALE, or 1 when unset or not a number >= 1. */
static inline unsigned long test_scale(void)
{
	const char *s = getenv("PGVODBC_TEST_SCALE");
	unsigned long d = s ? strtoul(s, NULL, 10) : 1;

	return d >= 1 ? d : 1;
}

/* `n` divided by PGVODBC_TEST_SCALE, at least 1. */
static inline unsigned long test_scaled(unsigned long n)
{
	unsigned long d = test_scale();

	return n / d > 0 ? n / d : 1;
}

#endif
