/*
 * Integration: bit values bound with pgv_stmt_bind_bits come back from the server as it stored
 * them; the hamming and jaccard distances the server computes equal the ones counted here from
 * the bits (popcounts done in this file); the bit parser refuses what the server refuses.
 */
#include "testdb.h"
#include "floatbits.h"
#include "server_answer.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A random bit string of `dim` bits. */
static void random_bits(pgv_bitvec *b, size_t dim, uint64_t *seed)
{
	b->dim = dim;
	b->data = calloc(dim / 8 + 1, 1);
	assert_non_null(b->data);
	for (size_t i = 0; i < dim; i++)
		if (testdb_rand(seed) & 1)
			b->data[i / 8] |= (uint8_t)(0x80u >> (i % 8));
}

/* Bits set in `x`: counted one by one, nothing shared with the library. */
static unsigned ones(unsigned x)
{
	unsigned n = 0;

	for (; x != 0; x >>= 1)
		n += x & 1;
	return n;
}

/* Bit strings (empty, short, long) stored in bit varying and bit(64) columns come back as stored. */
static void test_bits_server__values_round_trip(void **state)
{
	static const size_t lens[] = { 0, 1, 7, 8, 9, 64, 65, 1000, 70000 };
	testdb *db = *state;
	uint64_t seed = 3;
	char name[64], sql[256];
	pgv_stmt *ins = NULL, *sel = NULL;
	pgv_bitvec b[20], fixed[20];
	int n = 20;

	testdb_create_table(db, "bits", "id BIGINT PRIMARY KEY, v BIT VARYING, f BIT(64)", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, v, f) VALUES (?, ?::varbit, ?::varbit)", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&ins, db->conn, sql), PGV_OK);
	for (int i = 0; i < n; i++) {
		random_bits(&b[i], i < 9 ? lens[i] : testdb_rand(&seed) % 300, &seed);
		random_bits(&fixed[i], 64, &seed);
		assert_pgv(db->conn, pgv_stmt_bind_int64(ins, 1, i), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_bits(ins, 2, &b[i]), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_bits(ins, 3, &fixed[i]), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_step(ins), PGV_DONE);
		assert_pgv(db->conn, pgv_stmt_reset(ins), PGV_OK);
	}
	/* a varbit goes into bit(64) only at exactly 64 bits: the server's check, not a cut */
	assert_pgv(db->conn, pgv_stmt_bind_int64(ins, 1, 99), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_bits(ins, 3, &b[6]), PGV_OK);
	assert_int_equal(pgv_stmt_step(ins), PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "22026");
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		"bit string length 65 does not match type bit(64)"));
	pgv_stmt_free(ins);

	snprintf(sql, sizeof(sql), "SELECT v, v::text, f, length(v) FROM %s ORDER BY id", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&sel, db->conn, sql), PGV_OK);
	for (int i = 0; i < n; i++) {
		pgv_bitvec v = PGV_BITVEC_INIT, f = PGV_BITVEC_INIT;
		const char *server_text = NULL;
		char *mine = malloc(b[i].dim + 1);
		int64_t len = -1;

		assert_non_null(mine);
		assert_pgv(db->conn, pgv_stmt_step(sel), PGV_ROW);
		assert_pgv(db->conn, pgv_stmt_column_bits(&v, sel, 1), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_text(&server_text, NULL, sel, 2), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_bits(&f, sel, 3), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_int64(&len, sel, 4), PGV_OK);
		assert_int_equal(len, b[i].dim);
		assert_int_equal(pgv_bitvec_format(&b[i], mine, b[i].dim + 1), b[i].dim);
		assert_string_equal(mine, server_text);
		assert_int_equal(v.dim, b[i].dim);
		assert_true(v.dim == 0 || memcmp(v.data, b[i].data, (v.dim + 7) / 8) == 0);
		assert_int_equal(f.dim, 64);
		assert_memory_equal(f.data, fixed[i].data, 8);
		pgv_bitvec_free(&v);
		pgv_bitvec_free(&f);
		free(mine);
	}
	assert_pgv(db->conn, pgv_stmt_step(sel), PGV_DONE);
	pgv_stmt_free(sel);
	for (int i = 0; i < n; i++) {
		pgv_bitvec_free(&b[i]);
		pgv_bitvec_free(&fixed[i]);
	}
}

/* Hamming and jaccard distances of random pairs: the server's equal the ones counted here. */
static void test_bits_server__distances_match_popcount(void **state)
{
	testdb *db = *state;
	uint64_t seed = 11;
	pgv_stmt *st = NULL;
	pgv_bitvec a = PGV_BITVEC_INIT, b = PGV_BITVEC_INIT;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		"SELECT ?::varbit <~> ?::varbit, ?::varbit <%> ?::varbit"), PGV_OK);
	for (int round = 0; round < 60; round++) {
		size_t dim = round == 0 ? 0 : round < 5 ? (size_t)round * 8 : testdb_rand(&seed) % 2000;
		uint64_t ab = 0, aa = 0, bb = 0, x = 0;
		double hamming = -1, jaccard = -1, want;

		random_bits(&a, dim, &seed);
		random_bits(&b, dim, &seed);
		if (round == 1)
			memset(a.data, 0, 2); /* no bit shared: jaccard 1 */
		for (size_t k = 0; k < (dim + 7) / 8; k++) {
			x += ones(a.data[k] ^ b.data[k]);
			ab += ones(a.data[k] & b.data[k]);
			aa += ones(a.data[k]);
			bb += ones(b.data[k]);
		}
		assert_pgv(db->conn, pgv_stmt_bind_bits(st, 1, &a), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_bits(st, 2, &b), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_bits(st, 3, &a), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_bits(st, 4, &b), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
		assert_pgv(db->conn, pgv_stmt_column_double(&hamming, st, 1), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_double(&jaccard, st, 2), PGV_OK);
		assert_true(hamming == (double)x);
		/* pgvector: 1 when nothing is shared (also for two empty strings), else 1 - |a&b| / |a|b| */
		want = ab == 0 ? 1.0 : 1.0 - (double)ab / (double)(aa + bb - ab);
		if (jaccard != want)
			fail_msg("%zu bits: jaccard %.17g, want %.17g", dim, jaccard, want);
		assert_pgv(db->conn, pgv_stmt_reset(st), PGV_OK);
		pgv_bitvec_free(&a);
		pgv_bitvec_free(&b);
	}
	/* different lengths: pgvector's error */
	random_bits(&a, 4, &seed);
	random_bits(&b, 3, &seed);
	for (int p = 1; p <= 4; p++)
		assert_pgv(db->conn, pgv_stmt_bind_bits(st, p, p % 2 ? &a : &b), PGV_OK);
	assert_int_equal(pgv_stmt_step(st), PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "22000");
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "different bit lengths 4 and 3"));
	pgv_bitvec_free(&a);
	pgv_bitvec_free(&b);
	pgv_stmt_free(st);
}

/*
 * Bit texts: the parse refuses what varbit_in refuses, with its words; the only difference is on
 * purpose: the "B..." and "X..." input forms, which the server reads and the parse does not.
 */
static void test_bits_server__parse_agrees_with_server(void **state)
{
	static const struct {
		const char *text;
		int server_only;
	} cases[] = {
		{ "0101", 0 }, { "", 0 }, { "012", 0 }, { " 01", 0 }, { "01 ", 0 }, { "1-", 0 },
		{ "x1F", 1 }, { "B101", 1 }, { "b", 1 },
	};
	testdb *db = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		testdb_answer a = testdb_ask(db, "SELECT ?::varbit::text", cases[i].text);
		pgv_bitvec b = PGV_BITVEC_INIT;
		int rc = pgv_bitvec_parse(cases[i].text, strlen(cases[i].text), &b);

		if (cases[i].server_only) {
			assert_int_equal(a.status, PGV_ROW);
			assert_int_equal(rc, PGV_EPARSE);
		} else if (rc == PGV_OK) {
			assert_int_equal(a.status, PGV_ROW);
			assert_string_equal(a.text, cases[i].text);
		} else {
			assert_int_equal(a.status, PGV_ERROR);
			assert_string_equal(a.sqlstate, "22P02");
			/* both quote the same character */
			assert_non_null(strstr(a.message, pgv_error_last()->message));
		}
		pgv_bitvec_free(&b);
		free(a.text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits_server__values_round_trip),
		cmocka_unit_test(test_bits_server__distances_match_popcount),
		cmocka_unit_test(test_bits_server__parse_agrees_with_server),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
