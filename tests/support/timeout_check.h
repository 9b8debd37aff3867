/*
 * Test support for the timeout tests: whether the server stops a statement at its
 * statement_timeout (the embedded server does not: it ignores cancels), and elapsed time.
 */
#ifndef PGV_TIMEOUT_CHECK_H
#define PGV_TIMEOUT_CHECK_H

#include <time.h>

#include "testdb.h"

/* Seconds since `t0` (CLOCK_MONOTONIC). */
static inline double timeout_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Skips the test unless a 1-second timeout stops a 1.5-second statement on this server
 * (checked once a process, on a connection of its own). */
static inline void timeout_need_enforced(testdb *db)
{
	static int known, enforced;
	pgv_conn *c = NULL;

	if (!known) {
		testdb_open(db, &c);
		assert_int_equal(pgv_conn_set_timeout(c, 1), 0);
		enforced = pgv_conn_exec(c, "SELECT pg_sleep(1.5)") == PGV_ETIMEOUT;
		pgv_conn_close(c);
		known = 1;
	}
	if (!enforced)
		TESTDB_SKIP("the server ran pg_sleep(1.5) past a statement_timeout of 1 s: it does "
			"not stop statements (the embedded server ignores cancels)");
}

#endif
