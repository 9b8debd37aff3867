/*
 * Test support for the migration tests (test_migrate*.c): a fixture whose tables are named after
 * the process ("@" in the SQL is replaced by "pgvt_mig_<pid>"), a migration directory per test,
 * and helpers that run up, down and status and assert what they did.  The group setup refuses to
 * run when pgvodbc_migrations already holds rows; each test's teardown drops what it created.
 */
#ifndef PGV_MIGFIXTURE_H
#define PGV_MIGFIXTURE_H

#include "testdb.h"

typedef struct mig_fixture {
	testdb *db;
	int had_tracking; /* pgvodbc_migrations existed before these tests ran */
	char prefix[40];  /* "pgvt_mig_<pid>": replaces '@' in the SQL of the tests */
	char dir[64];     /* the current test's migration directory */
} mig_fixture;

/* 1 when the relation exists. */
int mig_exists(mig_fixture *fx, const char *relation);

/* 1 when this process's table `suffix` exists. */
int mig_table_exists(mig_fixture *fx, const char *suffix);

/* The number of tracking rows (0 when the table does not exist). */
int64_t mig_tracked(mig_fixture *fx);

/* Runs SQL after replacing each '@' with the process's table prefix. */
void mig_exec_at(mig_fixture *fx, const char *sql);

/* Runs a query with '@' replaced and returns its one integer. */
int64_t mig_int_at(mig_fixture *fx, const char *sql);

/* Reads one text value (the first column of the first row) into buf. */
void mig_text_of(mig_fixture *fx, const char *sql, const char *bind, char *buf, size_t cap);

/* Writes a migration file into the test's directory, '@' replaced with the table prefix. */
void mig_write_sql(mig_fixture *fx, const char *file, const char *sql);

/* Removes a migration file from the test's directory. */
void mig_remove_sql(mig_fixture *fx, const char *file);

/* Loads the test's directory. */
pgv_migrate_set *mig_load(mig_fixture *fx);

/* Runs up and asserts the status and the number applied. */
void mig_up_expect(mig_fixture *fx, const pgv_migrate_set *set, int64_t target, int want,
	size_t want_applied);

/* Runs down and asserts the status and the number reverted. */
void mig_down_expect(mig_fixture *fx, const pgv_migrate_set *set, size_t steps, int want,
	size_t want_reverted);

/* Asserts the report's states, one letter per entry: p(ending) a(pplied) c(hanged) m(issing). */
void mig_status_expect(mig_fixture *fx, const pgv_migrate_set *set, const char *states);

/* Asserts that the connection's error message contains `part`. */
void mig_assert_error_has(mig_fixture *fx, const char *part);

/* CMocka group setup: *state becomes the fixture, connected; refuses leftover tracking rows. */
int mig_group_setup(void **state);

/* CMocka group teardown: drops the tracking table when the tests created it, disconnects. */
int mig_group_teardown(void **state);

/* CMocka test setup: a new migration directory for the test. */
int mig_test_setup(void **state);

/* Drops what a test may have created, even when it failed half-way. */
int mig_test_teardown(void **state);

/* A two-migration set: a table, then a row in it and a second table. */
void mig_write_ab(mig_fixture *fx);

#endif
