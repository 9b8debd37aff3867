/*
 * Test support for the unit tests of the type codecs (tests/unit/test_halfvec.c and
 * test_types.c): deterministic random numbers, and the check of a refusal recorded in the
 * thread error (status, message, text offset).  Header-only: unit tests link no support library.
 * Include <cmocka.h> (after its prerequisites) first.
 */
#ifndef PGV_CODEC_CHECK_H
#define PGV_CODEC_CHECK_H

#include <stdint.h>
#include <string.h>

#include "pgvodbc/common.h"

/* Deterministic pseudo-random numbers (xorshift64*). */
static inline uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717u;
}

/*
 * Asserts a status and that the thread's message holds `part` and its offset is `offset`
 * (-2: any offset).
 */
static inline void assert_failure(int rc, int want, const char *part, int64_t offset)
{
	const pgv_error *e = pgv_error_last();

	if (rc != want)
		fail_msg("got %s (%s), want %s", pgv_status_name(rc), e->message, pgv_status_name(want));
	assert_int_equal(e->status, want);
	if (strstr(e->message, part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e->message, part);
	if (offset != -2 && e->offset != offset)
		fail_msg("message \"%s\": offset %lld, want %lld", e->message, (long long)e->offset,
			(long long)offset);
}

/* A text a parser must refuse: the status, a part of pgvector's message, the offset named. */
typedef struct reject_case {
	const char *text;
	int status;
	const char *message;
	int64_t offset;
} reject_case;

/* Asserts that a parse of `c->text` returned `rc` as `c` says. */
static inline void assert_rejected(int rc, const reject_case *c)
{
	assert_failure(rc, c->status, c->message, c->offset);
}

#endif
