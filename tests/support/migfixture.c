/* The fixture of the migration tests (migfixture.h). */
#define _GNU_SOURCE 1 /* mkdtemp, nftw (tmpdir.h) */
#include "migfixture.h"
#include "tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The suffixes of every table the tests create, dropped after each test. */
static const char *const table_suffixes[] = { "a", "b", "c", "d", "w" };

/* 1 when the relation exists. */
int mig_exists(mig_fixture *fx, const char *relation)
{
	char sql[256];

	snprintf(sql, sizeof(sql), fx->db->backend == PGV_BACKEND_SQLITE
		? "SELECT count(*) > 0 FROM sqlite_master WHERE name = '%s'"
		: "SELECT CASE WHEN to_regclass('%s') IS NULL THEN 0 ELSE 1 END", relation);
	return (int)testdb_query_int(fx->db, sql);
}

/* 1 when this process's table `suffix` exists. */
int mig_table_exists(mig_fixture *fx, const char *suffix)
{
	char name[96];

	snprintf(name, sizeof(name), "%s_%s", fx->prefix, suffix);
	return mig_exists(fx, name);
}

/* The number of tracking rows (0 when the table does not exist). */
int64_t mig_tracked(mig_fixture *fx)
{
	if (!mig_exists(fx, "pgvodbc_migrations"))
		return 0;
	return testdb_query_int(fx->db, "SELECT count(*) FROM pgvodbc_migrations");
}

/* Runs SQL after replacing each '@' with the process's table prefix. */
void mig_exec_at(mig_fixture *fx, const char *sql)
{
	char buf[2048], *p = buf;

	for (; *sql; sql++) {
		size_t n = *sql == '@' ? strlen(fx->prefix) : 1;
		assert_true((size_t)(p - buf) + n < sizeof(buf));
		memcpy(p, *sql == '@' ? fx->prefix : sql, n);
		p += n;
	}
	*p = '\0';
	testdb_exec(fx->db, buf);
}

/* Runs a query with '@' replaced and returns its one integer. */
int64_t mig_int_at(mig_fixture *fx, const char *sql)
{
	char buf[1024];
	const char *at = strchr(sql, '@');

	assert_non_null(at);
	assert_null(strchr(at + 1, '@'));
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - sql), sql, fx->prefix, at + 1);
	return testdb_query_int(fx->db, buf);
}

/* Reads one text value (the first column of the first row) into buf. */
void mig_text_of(mig_fixture *fx, const char *sql, const char *bind, char *buf, size_t cap)
{
	pgv_conn *c = fx->db->conn;
	pgv_stmt *st = NULL;
	const char *t;

	assert_pgv(c, pgv_stmt_prepare(&st, c, sql), PGV_OK);
	if (bind)
		assert_pgv(c, pgv_stmt_bind_text(st, 1, bind, PGV_NTS), PGV_OK);
	assert_pgv(c, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(c, pgv_stmt_column_text(&t, NULL, st, 1), PGV_OK);
	snprintf(buf, cap, "%s", t);
	pgv_stmt_free(st);
}

/* Writes a migration file into the test's directory, '@' replaced with the table prefix. */
void mig_write_sql(mig_fixture *fx, const char *file, const char *sql)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, file);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (; *sql; sql++) {
		if (*sql == '@')
			fputs(fx->prefix, f);
		else
			fputc(*sql, f);
	}
	assert_int_equal(fclose(f), 0);
}

/* Removes a migration file from the test's directory. */
void mig_remove_sql(mig_fixture *fx, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, file);
	assert_int_equal(unlink(path), 0);
}

/* Loads the test's directory. */
pgv_migrate_set *mig_load(mig_fixture *fx)
{
	pgv_migrate_set *set = NULL;
	int rc = pgv_migrate_set_load(&set, fx->dir);

	if (rc != PGV_OK)
		fail_msg("loading %s: %s: %s", fx->dir, pgv_status_name(rc), pgv_error_last()->message);
	return set;
}

/* Runs up and asserts the status and the number applied. */
void mig_up_expect(mig_fixture *fx, const pgv_migrate_set *set, int64_t target, int want,
	size_t want_applied)
{
	size_t applied = 99;

	assert_pgv(fx->db->conn, pgv_migrate_up(&applied, fx->db->conn, set, target), want);
	assert_int_equal(applied, want_applied);
	assert_int_equal(pgv_conn_in_transaction(fx->db->conn), 0);
}

/* Runs down and asserts the status and the number reverted. */
void mig_down_expect(mig_fixture *fx, const pgv_migrate_set *set, size_t steps, int want,
	size_t want_reverted)
{
	size_t reverted = 99;

	assert_pgv(fx->db->conn, pgv_migrate_down(&reverted, fx->db->conn, set, steps), want);
	assert_int_equal(reverted, want_reverted);
	assert_int_equal(pgv_conn_in_transaction(fx->db->conn), 0);
}

/* Asserts the report's states, one letter per entry: p(ending) a(pplied) c(hanged) m(issing). */
void mig_status_expect(mig_fixture *fx, const pgv_migrate_set *set, const char *states)
{
	pgv_migrate_report *r = NULL;
	char have[32] = "";

	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_true(r->count < sizeof(have));
	for (size_t i = 0; i < r->count; i++) {
		const pgv_migrate_info *e = &r->entries[i];
		have[i] = pgv_migrate_state_name(e->state)[0];
		/* Versions ascend; applied_at is set exactly for rows of the tracking table. */
		if (i > 0)
			assert_true(r->entries[i - 1].version < e->version);
		assert_int_equal(e->applied_at[0] != '\0', e->state != PGV_MIGRATE_PENDING);
	}
	have[r->count] = '\0';
	assert_string_equal(have, states);
	pgv_migrate_report_free(r);
}

/* Asserts that the connection's error message contains `part`. */
void mig_assert_error_has(mig_fixture *fx, const char *part)
{
	const char *msg = pgv_conn_error(fx->db->conn)->message;

	if (!strstr(msg, part))
		fail_msg("message \"%s\" does not contain \"%s\"", msg, part);
}

int mig_group_setup(void **state)
{
	mig_fixture *fx = calloc(1, sizeof(*fx));
	void *db = NULL;

	assert_non_null(fx);
	*state = fx; /* first: a failure below still reaches the group teardown, which frees it */
	testdb_setup(&db);
	fx->db = db;
	snprintf(fx->prefix, sizeof(fx->prefix), "pgvt_mig_%ld", (long)getpid());
	fx->had_tracking = mig_exists(fx, "pgvodbc_migrations");
	/* The tests count tracking rows: rows left by someone else would be reverted by them. */
	if (mig_tracked(fx) != 0)
		fail_msg("pgvodbc_migrations already holds rows: another test left them behind");
	*state = fx;
	return 0;
}

int mig_group_teardown(void **state)
{
	mig_fixture *fx = *state;
	void *db;

	if (!fx) /* the group setup failed before making the fixture */
		return 0;
	db = fx->db;
	if (db && !fx->had_tracking)
		testdb_exec(fx->db, "DROP TABLE IF EXISTS pgvodbc_migrations");
	testdb_teardown(&db);
	free(fx);
	return 0;
}

int mig_test_setup(void **state)
{
	mig_fixture *fx = *state;

	assert_non_null(tmpdir_make(fx->dir, sizeof(fx->dir), "pgv_migrate"));
	return 0;
}

/* Drops what a test may have created, even when it failed half-way. */
int mig_test_teardown(void **state)
{
	mig_fixture *fx = *state;
	char sql[128];

	if (!fx || !fx->db)
		return 0;
	if (pgv_conn_in_transaction(fx->db->conn))
		pgv_conn_rollback(fx->db->conn);
	if (fx->db->backend != PGV_BACKEND_SQLITE) /* SQLite has no stored functions */
		mig_exec_at(fx, "DROP FUNCTION IF EXISTS @_f(), @_g()");
	for (size_t i = 0; i < sizeof(table_suffixes) / sizeof(table_suffixes[0]); i++) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS @_%s", table_suffixes[i]);
		mig_exec_at(fx, sql);
	}
	if (mig_exists(fx, "pgvodbc_migrations"))
		testdb_exec(fx->db, "DELETE FROM pgvodbc_migrations");
	tmpdir_remove(fx->dir);
	return 0;
}

/* A two-migration set: a table, then a row in it and a second table. */
void mig_write_ab(mig_fixture *fx)
{
	mig_write_sql(fx, "0001_a.up.sql", "CREATE TABLE @_a (i int);\n");
	mig_write_sql(fx, "0001_a.down.sql", "DROP TABLE @_a;\n");
	mig_write_sql(fx, "0002_b.up.sql", "INSERT INTO @_a VALUES (1);\nCREATE TABLE @_b (j int);\n");
	mig_write_sql(fx, "0002_b.down.sql", "DROP TABLE @_b;\nDELETE FROM @_a WHERE i = 1;\n");
}
