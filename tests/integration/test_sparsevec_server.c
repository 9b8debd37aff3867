/*
 * Integration: sparsevec values bound with pgv_stmt_bind_sparsevec come back from the server as it
 * stored them; the codec's dense conversion and parser agree with the server's casts and refuse
 * exactly what it refuses, with pgvector's wording.
 */
#include "testdb.h"
#include "floatbits.h"
#include "server_answer.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A random valid sparse vector: dim up to 10^9, up to `max_nnz` random non-zero floats. */
static void random_sparse(pgv_sparsevec *s, uint64_t *seed, size_t max_nnz)
{
	uint64_t r = testdb_rand(seed);
	size_t dim = r % 3 == 0 ? 1 + (size_t)(r >> 8) % PGV_SPARSEVEC_MAX_DIM : 1 + (r >> 8) % 2000;
	size_t nnz = (size_t)(testdb_rand(seed) % (max_nnz + 1));
	int64_t at = -1;

	if (nnz > dim)
		nnz = dim;
	s->dim = dim;
	s->nnz = nnz;
	s->indices = malloc((nnz ? nnz : 1) * sizeof(int32_t));
	s->values = malloc((nnz ? nnz : 1) * sizeof(float));
	assert_true(s->indices != NULL && s->values != NULL);
	for (size_t i = 0; i < nnz; i++) {
		/* ascending: a step of at least 1, leaving room for the rest */
		int64_t room = (int64_t)dim - at - (int64_t)(nnz - i);
		float f;

		at += 1 + (int64_t)(testdb_rand(seed) % (uint64_t)(room < 64 ? room : 64));
		s->indices[i] = (int32_t)at;
		do
			f = from_bits((uint32_t)(testdb_rand(seed) >> 32));
		while (!isfinite(f) || f == 0);
		s->values[i] = f;
	}
}

/* Sparse vectors stored and read back are bit-identical, and their text is the server's. */
static void test_sparsevec_server__values_round_trip(void **state)
{
	testdb *db = *state;
	uint64_t seed = 77;
	char name[64], sql[256];
	pgv_stmt *ins = NULL, *sel = NULL;
	pgv_sparsevec v[30];
	int n = 30;

	testdb_create_table(db, "sparse", "id BIGINT PRIMARY KEY, s SPARSEVEC", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, s) VALUES (?, ?::sparsevec)", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&ins, db->conn, sql), PGV_OK);
	for (int i = 0; i < n; i++) {
		random_sparse(&v[i], &seed, i == 0 ? PGV_SPARSEVEC_MAX_NNZ : 60);
		if (i == 0) { /* the element limit, in full */
			pgv_sparsevec_free(&v[0]);
			float *dense = calloc(20000, sizeof(float));

			assert_non_null(dense);
			for (int k = 0; k < PGV_SPARSEVEC_MAX_NNZ; k++)
				dense[k + k / 4] = (float)(k + 1) / 7.0f;
			assert_int_equal(pgv_sparsevec_from_dense(&v[0], dense, 20000), PGV_OK);
			free(dense);
		}
		assert_pgv(db->conn, pgv_stmt_bind_int64(ins, 1, i), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_sparsevec(ins, 2, &v[i]), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_step(ins), PGV_DONE);
		assert_pgv(db->conn, pgv_stmt_reset(ins), PGV_OK);
	}
	pgv_stmt_free(ins);
	snprintf(sql, sizeof(sql), "SELECT s, s::text FROM %s ORDER BY id", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&sel, db->conn, sql), PGV_OK);
	for (int i = 0; i < n; i++) {
		pgv_sparsevec back = PGV_SPARSEVEC_INIT;
		const char *server_text = NULL;
		size_t need = pgv_sparsevec_format(&v[i], NULL, 0);
		char *mine = malloc(need + 1);

		assert_non_null(mine);
		assert_pgv(db->conn, pgv_stmt_step(sel), PGV_ROW);
		assert_pgv(db->conn, pgv_stmt_column_sparsevec(&back, sel, 1), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_text(&server_text, NULL, sel, 2), PGV_OK);
		pgv_sparsevec_format(&v[i], mine, need + 1);
		assert_string_equal(mine, server_text);
		assert_int_equal(back.dim, v[i].dim);
		assert_int_equal(back.nnz, v[i].nnz);
		if (back.nnz > 0) {
			assert_memory_equal(back.indices, v[i].indices, back.nnz * sizeof(int32_t));
			assert_memory_equal(back.values, v[i].values, back.nnz * sizeof(float));
		}
		pgv_sparsevec_free(&back);
		pgv_sparsevec_free(&v[i]);
		free(mine);
	}
	assert_pgv(db->conn, pgv_stmt_step(sel), PGV_DONE);
	pgv_stmt_free(sel);
}

/* Dense floats: the direct sparse text, the server's vector::sparsevec, sparsevec::vector agree. */
static void test_sparsevec_server__dense_agrees_with_server(void **state)
{
	testdb *db = *state;
	uint64_t seed = 5;

	for (int round = 0; round < 20; round++) {
		size_t dim = 1 + testdb_rand(&seed) % 400, need;
		float *dense = malloc(dim * sizeof(float));
		pgv_sparsevec s = PGV_SPARSEVEC_INIT;
		pgv_vector back = PGV_VECTOR_INIT, mine = PGV_VECTOR_INIT;
		const char *t1 = NULL, *t2 = NULL;
		pgv_stmt *st = NULL;
		char *text;

		assert_non_null(dense);
		for (size_t k = 0; k < dim; k++) {
			uint64_t r = testdb_rand(&seed);

			dense[k] = r % 3 ? 0.0f : (float)((double)(r >> 11) / 9007199254740992.0 - 0.5);
		}
		need = pgv_sparsevec_format_dense(dense, dim, NULL, 0);
		text = malloc(need + 1);
		assert_non_null(text);
		pgv_sparsevec_format_dense(dense, dim, text, need + 1);
		assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, "SELECT ?::sparsevec::text, "
			"?::vector::sparsevec::text, ?::sparsevec::vector::float4[]"), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_text(st, 1, text, need), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_vector(st, 2, dense, dim), PGV_OK);
		assert_pgv(db->conn, pgv_sparsevec_from_dense(&s, dense, dim), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_sparsevec(st, 3, &s), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
		assert_pgv(db->conn, pgv_stmt_column_text(&t1, NULL, st, 1), PGV_OK);
		assert_string_equal(t1, text);
		assert_pgv(db->conn, pgv_stmt_column_text(&t2, NULL, st, 2), PGV_OK);
		assert_string_equal(t2, text);
		assert_pgv(db->conn, pgv_stmt_column_vector(&back, st, 3), PGV_OK);
		assert_int_equal(pgv_sparsevec_to_dense(&mine, &s), PGV_OK);
		assert_true(pgv_vector_identical(&back, &mine));
		pgv_stmt_free(st);
		pgv_vector_free(&back);
		pgv_vector_free(&mine);
		pgv_sparsevec_free(&s);
		free(text);
		free(dense);
	}
}

/* Sparse texts at the edges of the grammar: the parse accepts and refuses what the server does. */
static void test_sparsevec_server__parse_agrees_with_server(void **state)
{
	static const char *const texts[] = {
		"{1:1.5,3:2}/5", " { 3 : 2 , 1:1.5 } / 5 ", "{1:1,1:2}/5", "{1:0,1:2}/5", "{0:1}/5",
		"{0:0}/5", "{6:1}/5", "{}/5", "{}/0", "{}/-1", "{}/1000000001", "{}/1000000000",
		"{1:1e-50}/5", "{1:1e-40}/5", "{1:1e39}/5", "{1:nan}/5", "{1:-inf}/5", "{+1:+2}/+5",
		"{1:2}/5x", "{1:2}", "[1:2]/3", "{1:2,}/3", "{1 2}/3", "{1:2}/", "{0x10:2}/50",
		"{1:0x10}/50", "{1:2}/5.0", "{1.0:2}/5", "{1:}/3", "{:1}/3", "{+ 1:1}/3", "{1:2x}/3",
		"{1:2", "{99999999999999999999:2}/5", "{1:2}/99999999999999999999", "{2:1,9:1,2:1}/3",
		"{1:-0}/5", "{5:0,9:0}/5", "{3:1,2:1,1:1}/3", "",
	};
	testdb *db = *state;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		testdb_answer a = testdb_ask(db, "SELECT ?::sparsevec::text", texts[i]);
		pgv_sparsevec v = PGV_SPARSEVEC_INIT;
		int rc = pgv_sparsevec_parse(texts[i], strlen(texts[i]), &v);

		if ((a.status == PGV_ROW) != (rc == PGV_OK))
			fail_msg("\"%s\": server %s (%s), parse %s (%s)", texts[i],
				pgv_status_name(a.status), a.message, pgv_status_name(rc),
				pgv_error_last()->message);
		if (rc == PGV_OK) {
			char buf[128];

			assert_true(pgv_sparsevec_format(&v, buf, sizeof(buf)) < sizeof(buf));
			assert_string_equal(buf, a.text);
		} else {
			testdb_assert_same_refusal(&a, pgv_error_last()->message, texts[i]);
		}
		pgv_sparsevec_free(&v);
		free(a.text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparsevec_server__values_round_trip),
		cmocka_unit_test(test_sparsevec_server__dense_agrees_with_server),
		cmocka_unit_test(test_sparsevec_server__parse_agrees_with_server),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
