/*
 * Integration: migrations up, down and status on the embedded server: order and tracking, up to
 * a target, down stopping at an irreversible migration, a migration missing from the set, no
 * tracking table, and the built-in set.  Each test writes its own migration directory whose
 * tables are named after this process, and leaves the database as it found it
 * (tests/support/migfixture.c).  Failures, mismatches and misuse: test_migrate_safety.c.
 */
#include "migfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* up applies pending migrations in order and records each; a second up is a no-op. */
static void test_migrate__up_applies_in_order_and_records(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;
	pgv_migrate_report *r = NULL;
	char up2[256], sum[64];

	mig_write_ab(fx);
	set = mig_load(fx);
	mig_status_expect(fx, set, "pp");
	mig_up_expect(fx, set, 0, PGV_OK, 2);
	assert_true(mig_table_exists(fx, "a"));
	assert_true(mig_table_exists(fx, "b"));
	assert_int_equal(mig_int_at(fx, "SELECT count(*) FROM @_a"), 1);
	assert_int_equal(mig_tracked(fx), 2);
	/*
	 * The stored checksum is the MD5 of the up file's bytes, as PostgreSQL computes it; SQLite
	 * has no md5(): there it is 32 lowercase hex digits (test_migrate_safety checks that a
	 * changed file is told by it)
	 */
	snprintf(up2, sizeof(up2), "INSERT INTO %s_a VALUES (1);\nCREATE TABLE %s_b (j int);\n",
		fx->prefix, fx->prefix);
	if (fx->db->backend == PGV_BACKEND_SQLITE) {
		mig_text_of(fx, "SELECT checksum FROM pgvodbc_migrations WHERE version = 2", NULL, sum,
			sizeof(sum));
		assert_int_equal(strlen(sum), 32);
		assert_int_equal(strspn(sum, "0123456789abcdef"), 32);
	} else {
		mig_text_of(fx, "SELECT CASE WHEN checksum = md5(?) THEN 'same' ELSE checksum END "
			"FROM pgvodbc_migrations WHERE version = 2", up2, sum, sizeof(sum));
		assert_string_equal(sum, "same");
	}
	mig_text_of(fx, "SELECT name FROM pgvodbc_migrations WHERE version = 2", NULL, sum, sizeof(sum));
	assert_string_equal(sum, "b");

	mig_up_expect(fx, set, 0, PGV_OK, 0);
	assert_int_equal(mig_int_at(fx, "SELECT count(*) FROM @_a"), 1);
	assert_int_equal(mig_tracked(fx), 2);

	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_int_equal(r->count, 2);
	assert_int_equal(r->entries[0].version, 1);
	assert_string_equal(r->entries[0].name, "a");
	assert_int_equal(r->entries[1].state, PGV_MIGRATE_APPLIED);
	assert_string_equal(pgv_migrate_state_name(r->entries[1].state), "applied");
	assert_int_equal(r->entries[1].reversible, 1);
	assert_true(strlen(r->entries[1].applied_at) >= 19); /* "YYYY-MM-DD HH:MM:SS..." */
	pgv_migrate_report_free(r);

	/* down reverts the newest first, one per step by default, then nothing is left. */
	mig_down_expect(fx, set, 0, PGV_OK, 1);
	assert_false(mig_table_exists(fx, "b"));
	assert_int_equal(mig_int_at(fx, "SELECT count(*) FROM @_a"), 0);
	mig_status_expect(fx, set, "ap");
	mig_down_expect(fx, set, 5, PGV_OK, 1);
	assert_false(mig_table_exists(fx, "a"));
	assert_int_equal(mig_tracked(fx), 0);
	mig_down_expect(fx, set, 1, PGV_OK, 0);
	mig_status_expect(fx, set, "pp");
	pgv_migrate_set_free(set);
}

/* A target stops up after that version; a negative target is refused. */
static void test_migrate__up_to_target(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;

	mig_write_ab(fx);
	mig_write_sql(fx, "0005_c.up.sql", "CREATE TABLE @_c (i int);");
	set = mig_load(fx);
	mig_up_expect(fx, set, -1, PGV_EINVAL, 0);
	mig_assert_error_has(fx, "target version -1 is negative");
	mig_up_expect(fx, set, 1, PGV_OK, 1);
	mig_status_expect(fx, set, "app");
	mig_up_expect(fx, set, 4, PGV_OK, 1);
	mig_status_expect(fx, set, "aap");
	mig_up_expect(fx, set, 0, PGV_OK, 1);
	mig_status_expect(fx, set, "aaa");
	pgv_migrate_set_free(set);
}

/* down stops at a migration without a down file; what it reverted before stays reverted. */
static void test_migrate__down_stops_at_irreversible(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;
	pgv_migrate_report *r = NULL;

	mig_write_ab(fx);
	mig_remove_sql(fx, "0002_b.down.sql");
	mig_write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_c (i int);");
	mig_write_sql(fx, "0003_c.down.sql", "DROP TABLE @_c;");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 3);
	mig_down_expect(fx, set, 3, PGV_ERROR, 1);
	mig_assert_error_has(fx, "migration 0002_b: no down file (0002_b.down.sql)");
	assert_false(mig_table_exists(fx, "c"));
	assert_true(mig_table_exists(fx, "b"));
	mig_status_expect(fx, set, "aap");
	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_int_equal(r->entries[1].reversible, 0);
	assert_int_equal(r->entries[2].reversible, 1);
	pgv_migrate_report_free(r);
	pgv_migrate_set_free(set);
}

/* An applied migration gone from the set is "missing": up goes on, down stops at it. */
static void test_migrate__missing_from_set(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;
	pgv_migrate_report *r = NULL;

	mig_write_ab(fx);
	mig_write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_c (i int);");
	mig_write_sql(fx, "0003_c.down.sql", "DROP TABLE @_c;");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 3);
	pgv_migrate_set_free(set);

	mig_remove_sql(fx, "0003_c.up.sql");
	mig_remove_sql(fx, "0003_c.down.sql");
	mig_write_sql(fx, "0004_d.up.sql", "CREATE TABLE @_d (i int);");
	mig_write_sql(fx, "0004_d.down.sql", "DROP TABLE @_d;");
	set = mig_load(fx);
	mig_status_expect(fx, set, "aamp");
	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_int_equal(r->entries[2].version, 3);
	assert_string_equal(r->entries[2].name, "c");
	assert_string_equal(pgv_migrate_state_name(r->entries[2].state), "missing");
	assert_int_equal(r->entries[2].reversible, 0);
	pgv_migrate_report_free(r);

	mig_up_expect(fx, set, 0, PGV_OK, 1);
	assert_true(mig_table_exists(fx, "d"));
	mig_down_expect(fx, set, 2, PGV_ERROR, 1);
	mig_assert_error_has(fx, "migration 0003_c: applied but not in the migration set");
	assert_false(mig_table_exists(fx, "d"));
	mig_status_expect(fx, set, "aamp");
	pgv_migrate_set_free(set);
}

/* Without the tracking table, status reports all pending and down has nothing to do. */
static void test_migrate__no_tracking_table(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;

	if (fx->had_tracking)
		TESTDB_SKIP("pgvodbc_migrations belongs to someone else: the test would drop it");
	testdb_exec(fx->db, "DROP TABLE IF EXISTS pgvodbc_migrations");
	mig_write_ab(fx);
	set = mig_load(fx);
	mig_status_expect(fx, set, "pp");
	mig_down_expect(fx, set, 1, PGV_OK, 0);
	assert_false(mig_exists(fx, "pgvodbc_migrations")); /* neither creates it */
	mig_up_expect(fx, set, 0, PGV_OK, 2);
	assert_true(mig_exists(fx, "pgvodbc_migrations"));
	pgv_migrate_set_free(set);
}

/*
 * The built-in set (sql/) creates the seed's table, which then stores 4-dimensional vectors,
 * and migrating all the way down removes it and the extension.  The extension is restored
 * afterwards when it was there before these tests.
 */
static void test_migrate__builtin_set_up_and_down(void **state)
{
	mig_fixture *fx = *state;
	pgv_conn *c = fx->db->conn;
	pgv_migrate_set *set = NULL;
	pgv_stmt *st = NULL;
	const float v[4] = { 0.1f, 0.2f, 0.3f, 0.4f }, three[3] = { 1, 2, 3 };
	int ver = 0;
	char sum[64];

	if (mig_exists(fx, "embeddings"))
		TESTDB_SKIP("a table embeddings exists: migrating the built-in set down would drop it");
	assert_int_equal(pgv_migrate_set_load(&set, NULL), PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 2);
	mig_status_expect(fx, set, "pp");
	mig_up_expect(fx, set, 0, PGV_OK, 2);
	mig_status_expect(fx, set, "aa");
	mig_up_expect(fx, set, 0, PGV_OK, 0);
	assert_pgv(c, pgv_conn_vector_version(&ver, NULL, c), PGV_OK);
	assert_true(ver > 0);
	mig_text_of(fx, "SELECT name FROM pgvodbc_migrations WHERE version = 2", NULL, sum, sizeof(sum));
	assert_string_equal(sum, "embeddings");

	assert_pgv(c, pgv_stmt_prepare(&st, c, fx->db->backend == PGV_BACKEND_SQLITE
		? "INSERT INTO embeddings (embedding) VALUES (vec_f32(?))"
		: "INSERT INTO embeddings (embedding) VALUES (?::vector)"), PGV_OK);
	assert_pgv(c, pgv_stmt_bind_vector(st, 1, v, 4), PGV_OK);
	assert_pgv(c, pgv_stmt_step(st), PGV_DONE);
	assert_pgv(c, pgv_stmt_reset(st), PGV_OK);
	assert_pgv(c, pgv_stmt_bind_vector(st, 1, three, 3), PGV_OK);
	/* refused by pgvector's vector(4), or on SQLite by the table's CHECK */
	if (fx->db->backend == PGV_BACKEND_SQLITE) {
		assert_int_equal(pgv_stmt_step(st), PGV_ECONSTRAINT);
		assert_string_equal(pgv_conn_error(c)->sqlstate, "23000");
	} else {
		assert_int_equal(pgv_stmt_step(st), PGV_ERROR);
		assert_string_equal(pgv_conn_error(c)->sqlstate, "22000");
	}
	pgv_stmt_free(st);
	assert_int_equal(testdb_query_int(fx->db, "SELECT count(*) FROM embeddings"), 1);

	if (fx->db->backend == PGV_BACKEND_SQLITE) {
		/* sqlite-vec lives in the connection: all the way down leaves it loaded */
		mig_down_expect(fx, set, 2, PGV_OK, 2);
		assert_false(mig_exists(fx, "embeddings"));
		assert_pgv(c, pgv_conn_vector_version(&ver, NULL, c), PGV_OK);
		assert_int_equal(mig_tracked(fx), 0);
		mig_status_expect(fx, set, "pp");
		pgv_migrate_set_free(set);
		return;
	}

	if (testdb_query_int(fx->db, "SELECT count(*) FROM pg_extension e JOIN pg_roles r "
			"ON r.rolname = current_user WHERE e.extname = 'vector' "
			"AND (e.extowner = r.oid OR r.rolsuper)") == 0) {
		/*
		 * A real server where pgvector is not trusted: the superuser created the extension,
		 * and only its owner may drop it.  Revert the table's migration alone; the
		 * extension's down file runs on the embedded server.
		 */
		print_message("note: the vector extension belongs to another role: reverting only "
			"0002_embeddings\n");
		mig_down_expect(fx, set, 1, PGV_OK, 1);
		assert_false(mig_exists(fx, "embeddings"));
		assert_int_equal(mig_tracked(fx), 1);
		mig_status_expect(fx, set, "ap");
		testdb_exec(fx->db, "DELETE FROM pgvodbc_migrations");
		pgv_migrate_set_free(set);
		return;
	}
	mig_down_expect(fx, set, 2, PGV_OK, 2);
	assert_false(mig_exists(fx, "embeddings"));
	assert_int_equal(pgv_conn_vector_version(&ver, NULL, c), PGV_ENOTFOUND);
	assert_int_equal(mig_tracked(fx), 0);
	mig_status_expect(fx, set, "pp");
	if (!fx->db->created_extension)
		testdb_exec(fx->db, "CREATE EXTENSION IF NOT EXISTS vector");
	pgv_migrate_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate__up_applies_in_order_and_records,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__up_to_target,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__down_stops_at_irreversible,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__missing_from_set,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__no_tracking_table,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__builtin_set_up_and_down,
			mig_test_setup, mig_test_teardown),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, mig_group_setup, mig_group_teardown));
}
