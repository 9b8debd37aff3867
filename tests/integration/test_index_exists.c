/*
 * Integration: pgv_index_exists (src/store/index.c).
 * Pins down: it answers 0 before an index is built and 1 after, under the name pgv_index_name
 * gives; an index of that name on another table does not count; a missing table is
 * PGV_ENOTFOUND; bad arguments are PGV_EINVAL with the error recorded.
 */
#include "testdb.h"

#include <stdio.h>
#include <string.h>

static void test_index_exists__before_and_after(void **state)
{
	testdb *db = *state;
	char a[64], b[64], sql[256];
	pgv_table ta, tb;
	pgv_index_opts opts = PGV_INDEX_OPTS_INIT;
	char *name = NULL;
	int exists = -1;

	testdb_create_table(db, "idxexa", "id bigint PRIMARY KEY, embedding vector(3)", a);
	testdb_create_table(db, "idxexb", "id bigint PRIMARY KEY, embedding vector(3)", b);
	ta = testdb_table(a, PGV_TYPE_VECTOR);
	tb = testdb_table(b, PGV_TYPE_VECTOR);
	opts.name = "pgvodbc_idxex_test_idx";
	assert_int_equal(pgv_index_name(&name, &ta, &opts), 0);
	assert_pgv(db->conn, pgv_index_exists(&exists, db->conn, &ta, name), 0);
	assert_int_equal(exists, 0);
	assert_pgv(db->conn, pgv_index_create(db->conn, &ta, &opts), 0);
	assert_pgv(db->conn, pgv_index_exists(&exists, db->conn, &ta, name), 0);
	assert_int_equal(exists, 1);
	/* the other table has no index of that name */
	assert_pgv(db->conn, pgv_index_exists(&exists, db->conn, &tb, name), 0);
	assert_int_equal(exists, 0);
	snprintf(sql, sizeof(sql), "DROP INDEX %s", name);
	testdb_exec(db, sql);
	pgv_text_free(name);
}

static void test_index_exists__errors(void **state)
{
	testdb *db = *state;
	pgv_table t = testdb_table("pgvodbc_no_such_table_idxex", PGV_TYPE_VECTOR);
	int exists = -1;

	assert_int_equal(pgv_index_exists(&exists, db->conn, &t, "x"), PGV_ENOTFOUND);
	assert_int_equal(pgv_index_exists(NULL, db->conn, &t, "x"), PGV_EINVAL);
	assert_int_equal(pgv_index_exists(&exists, db->conn, &t, ""), PGV_EINVAL);
	assert_message_has(db->conn, "name");
	assert_int_equal(pgv_index_exists(&exists, NULL, &t, "x"), PGV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_exists__before_and_after),
		cmocka_unit_test(test_index_exists__errors),
	};

	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
