/*
 * Test support for the vector codec tests: parse text that must be accepted, and compare a
 * vector with the floats it must hold.  Header-only because the unit tests link no support
 * library; include it after <cmocka.h>.
 */
#ifndef PGV_VECTOR_CHECK_H
#define PGV_VECTOR_CHECK_H

#include <string.h>

#include "pgvodbc/vector.h"

/* Parses a NUL-terminated string, asserting the status. */
static inline void parse_ok(const char *text, pgv_vector *out)
{
	int rc = pgv_vector_parse(text, strlen(text), out);

	if (rc != PGV_OK)
		fail_msg("parsing \"%s\": %s: %s", text, pgv_status_name(rc), pgv_error_last()->message);
}

/* Asserts that `v` holds exactly the floats `want[0..n)`, bit for bit. */
static inline void assert_floats(const pgv_vector *v, const float *want, size_t n)
{
	assert_int_equal(v->dim, n);
	assert_non_null(v->data);
	assert_memory_equal(v->data, want, n * sizeof(float));
}

#endif
