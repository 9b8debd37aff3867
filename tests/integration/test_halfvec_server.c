/*
 * Integration: halfvec values bound with pgv_stmt_bind_halfvec come back from the server as it
 * stored them (as halfvec and as float4[]); the codec's checks accept and refuse exactly what the
 * server does, with pgvector's wording.  The expectations are the server's own text of each value
 * and its own float4[].
 */
#include "testdb.h"
#include "floatbits.h"
#include "server_answer.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A random float: an exact half, one of half range, a tiny one, or a zero of either sign. */
static float random_half_input(uint64_t *seed)
{
	uint64_t r = testdb_rand(seed);

	switch (r % 5) {
	case 0:
		return pgv_half_to_float((uint16_t)((r >> 8) & 0xfbff)); /* finite halves */
	case 1:
	case 2:
		return (float)((double)(r >> 11) / 9007199254740992.0 * 131000.0 - 65500.0);
	case 3:
		return (float)((double)(r >> 11) / 9007199254740992.0 * 2e-4 - 1e-4);
	default:
		return (r >> 8) % 2 ? -0.0f : 0.0f;
	}
}

/* Halfvecs of many sizes, stored and read as halfvec and as float4[], are what the server printed. */
static void test_halfvec_server__values_round_trip(void **state)
{
	static const size_t dims[] = { 1, 2, 3, 16, 100, 768, 16000 };
	testdb *db = *state;
	uint64_t seed = 20240601;
	char name[64], sql[256];
	pgv_stmt *ins = NULL, *sel = NULL;
	float *v[24];
	size_t dim[24];
	int n = 24;

	testdb_create_table(db, "half", "id BIGINT PRIMARY KEY, h HALFVEC", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, h) VALUES (?, ?::halfvec)", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&ins, db->conn, sql), PGV_OK);
	for (int i = 0; i < n; i++) {
		dim[i] = i < 7 ? dims[i] : 1 + testdb_rand(&seed) % 300;
		v[i] = malloc(dim[i] * sizeof(float));
		assert_non_null(v[i]);
		for (size_t k = 0; k < dim[i]; k++)
			v[i][k] = random_half_input(&seed);
		assert_pgv(db->conn, pgv_stmt_bind_int64(ins, 1, i), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_halfvec(ins, 2, v[i], dim[i]), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_step(ins), PGV_DONE);
		assert_pgv(db->conn, pgv_stmt_reset(ins), PGV_OK);
	}
	pgv_stmt_free(ins);
	snprintf(sql, sizeof(sql), "SELECT h, h::text, h::float4[] FROM %s ORDER BY id", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&sel, db->conn, sql), PGV_OK);
	for (int i = 0; i < n; i++) {
		pgv_vector h = PGV_VECTOR_INIT, arr = PGV_VECTOR_INIT, exact = PGV_VECTOR_INIT;
		const char *server_text = NULL;
		size_t len = 0, need = pgv_halfvec_format(v[i], dim[i], NULL, 0);
		char *mine = malloc(need + 1);

		assert_non_null(mine);
		assert_pgv(db->conn, pgv_stmt_step(sel), PGV_ROW);
		assert_pgv(db->conn, pgv_stmt_column_halfvec(&h, sel, 1), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_text(&server_text, &len, sel, 2), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_halfvec(&arr, sel, 3), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_vector(&exact, sel, 3), PGV_OK);
		/* the text sent is the text the server prints for what it stored */
		pgv_halfvec_format(v[i], dim[i], mine, need + 1);
		assert_string_equal(mine, server_text);
		/* read back: the server's float4[] of its halves, bit for bit, either way */
		assert_int_equal(h.dim, dim[i]);
		assert_true(pgv_vector_identical(&h, &exact));
		assert_true(pgv_vector_identical(&arr, &exact));
		for (size_t k = 0; k < dim[i]; k++)
			assert_int_equal(bits_of(h.data[k]),
				bits_of(pgv_half_to_float(pgv_float_to_half(v[i][k]))));
		pgv_vector_free(&h);
		pgv_vector_free(&arr);
		pgv_vector_free(&exact);
		free(mine);
		free(v[i]);
	}
	assert_pgv(db->conn, pgv_stmt_step(sel), PGV_DONE);
	pgv_stmt_free(sel);
}

/* Checks one halfvec text against the server: both accept (same stored text) or both refuse. */
static void compare_halfvec_text(testdb *db, const char *text, int client_rc)
{
	testdb_answer a = testdb_ask(db, "SELECT ?::halfvec::text", text);
	pgv_vector v = PGV_VECTOR_INIT;
	int parse_rc = pgv_halfvec_parse(text, strlen(text), &v);
	char message[512];

	snprintf(message, sizeof(message), "%s", pgv_error_last()->message);
	if ((a.status == PGV_ROW) != (parse_rc == PGV_OK) || (client_rc == PGV_OK) != (parse_rc == PGV_OK))
		fail_msg("\"%s\": server %s (%s), parse %s (%s), check %s", text,
			pgv_status_name(a.status), a.message, pgv_status_name(parse_rc), message,
			pgv_status_name(client_rc));
	if (parse_rc == PGV_OK) {
		char buf[256];

		assert_true(pgv_halfvec_format(v.data, v.dim, buf, sizeof(buf)) < sizeof(buf));
		assert_string_equal(buf, a.text);
	} else {
		testdb_assert_same_refusal(&a, message, text);
	}
	pgv_vector_free(&v);
	free(a.text);
}

/*
 * The edge floats of half precision: the client's check refuses exactly those the server
 * refuses, and the parse of their text stores what the server stores.
 */
static void test_halfvec_server__check_agrees_with_server(void **state)
{
	static const char *const texts[] = {
		"[]", "[1,2", "[1,2]x", "[1e39]", "[-1e39]", "[1x]", "[1,,2]", "[ 1 , 2 ]", "[0x1p-20]",
		"[65519.9999]", "[65520.0001]", "[-65519.996]", "[1e-46]", "[-1e-46]", "[nan]", "[-inf]",
		"(1)", "[1 2]",
	};
	const float edges[] = {
		65504.0f, 65519.99f, from_bits(0x477fefffu) /* the float below 65520 */, 65520.0f,
		-65520.0f, 65536.0f, 1e30f, FLT_MAX, -FLT_MAX, 2.9802322e-8f, 2.9802326e-8f, 1e-8f,
		-1e-8f, FLT_MIN, FLT_TRUE_MIN, -FLT_TRUE_MIN, 0.0f, -0.0f, 0.1f, 6.1035156e-5f,
		6.097555e-5f, 1.0009766f, 2049.0f, 4097.0f, NAN, INFINITY, -INFINITY,
	};
	testdb *db = *state;
	char text[64];

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		text[0] = '[';
		pgv_float_format(edges[i], text + 1, sizeof(text) - 2);
		strcat(text, "]");
		compare_halfvec_text(db, text, pgv_halfvec_check(&edges[i], 1));
	}
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		pgv_vector v = PGV_VECTOR_INIT;
		int rc = pgv_halfvec_parse(texts[i], strlen(texts[i]), &v);

		pgv_vector_free(&v);
		compare_halfvec_text(db, texts[i], rc);
	}
}

/* The dimension limit and bad values are refused before anything is sent, naming the parameter. */
static void test_halfvec_server__bind_refuses_client_side(void **state)
{
	static float big[PGV_HALFVEC_MAX_DIM + 1];
	const float over[] = { 1, 65520.0f };
	testdb *db = *state;
	pgv_stmt *st = NULL;
	pgv_vector h = PGV_VECTOR_INIT;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, "SELECT ?::halfvec"), PGV_OK);
	assert_int_equal(pgv_stmt_bind_halfvec(st, 1, over, 2), PGV_EVALUE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		"parameter 1: element 1: \"65520\" is out of range for type halfvec"));
	assert_int_equal(pgv_stmt_bind_halfvec(st, 1, big, PGV_HALFVEC_MAX_DIM + 1), PGV_EDIM);
	assert_int_equal(pgv_stmt_bind_halfvec(st, 2, big, 1), PGV_EINVAL);
	/* nothing was bound: the statement says so */
	assert_int_equal(pgv_stmt_step(st), PGV_EINVAL);
	assert_pgv(db->conn, pgv_stmt_reset(st), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_halfvec(st, 1, big, PGV_HALFVEC_MAX_DIM), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_halfvec(&h, st, 1), PGV_OK);
	assert_int_equal(h.dim, PGV_HALFVEC_MAX_DIM);
	pgv_vector_free(&h);
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_halfvec_server__values_round_trip),
		cmocka_unit_test(test_halfvec_server__check_agrees_with_server),
		cmocka_unit_test(test_halfvec_server__bind_refuses_client_side),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
