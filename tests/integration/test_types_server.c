/*
 * Integration: halfvec, sparsevec and bit values bound with pgv_stmt_bind_halfvec / _sparsevec /
 * _bits come back from the server as it stored them; the codec's checks and parsers accept and
 * refuse exactly what the server does (and with the same pgvector / PostgreSQL wording); the
 * hamming and jaccard distances the server computes equal the ones counted here from the bits.
 * The expectations are the server's own text of each value, its own float4[] of a halfvec and
 * popcounts done in this file.
 */
#include "testdb.h"
#include "floatbits.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A query's result as the test needs it: the step status, and the first column's text. */
typedef struct answer {
	int status;    /* PGV_ROW, or the failure of the step */
	char *text;    /* first column of the first row (malloc'd), NULL on failure or SQL NULL */
	char sqlstate[6];
	char message[1024];
} answer;

/* Runs `sql` with one text parameter and reads the first column of its one row as text. */
static answer ask(testdb *db, const char *sql, const char *param)
{
	answer a = { 0, NULL, "", "" };
	pgv_stmt *st = NULL;
	const char *text = NULL;
	size_t len = 0;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_text(st, 1, param, PGV_NTS), PGV_OK);
	a.status = pgv_stmt_step(st);
	if (a.status == PGV_ROW) {
		if (pgv_stmt_column_text(&text, &len, st, 1) == PGV_OK) {
			a.text = malloc(len + 1);
			assert_non_null(a.text);
			memcpy(a.text, text, len + 1);
		}
	} else {
		snprintf(a.sqlstate, sizeof(a.sqlstate), "%s", pgv_conn_error(db->conn)->sqlstate);
		snprintf(a.message, sizeof(a.message), "%s", pgv_conn_error(db->conn)->message);
	}
	pgv_stmt_free(st);
	return a;
}

/* pgvector's and PostgreSQL's messages for the values refused below. */
static const char *const phrases[] = {
	"is out of range for type halfvec", "NaN not allowed in halfvec",
	"infinite value not allowed in halfvec", "halfvec must have at least 1 dimension",
	"halfvec cannot have more than 16000 dimensions", "invalid input syntax for type halfvec",
	"sparsevec index out of bounds", "sparsevec indices must not contain duplicates",
	"sparsevec must have at least 1 dimension", "sparsevec cannot have more than 1000000000",
	"sparsevec cannot have more than 16000 non-zero elements",
	"is out of range for type sparsevec", "NaN not allowed in sparsevec",
	"infinite value not allowed in sparsevec", "invalid input syntax for type sparsevec",
	"is not a valid binary digit",
};

/*
 * Asserts the server refused with a data-exception SQLSTATE (class 22 or 54) and that the
 * message of the client's refusal and the server's share pgvector's wording.
 */
static void assert_same_refusal(const answer *a, const char *client_message, const char *input)
{
	size_t i;

	if (strncmp(a->sqlstate, "22", 2) != 0 && strncmp(a->sqlstate, "54", 2) != 0)
		fail_msg("\"%s\": server SQLSTATE %s: %s", input, a->sqlstate, a->message);
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strstr(client_message, phrases[i]) != NULL)
			break;
	if (i == sizeof(phrases) / sizeof(phrases[0]))
		fail_msg("\"%s\": client message \"%s\" has no known phrase", input, client_message);
	if (strstr(a->message, phrases[i]) == NULL)
		fail_msg("\"%s\": server said \"%s\", client \"%s\"", input, a->message, client_message);
}

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
static void test_types_server__halfvec_values_round_trip(void **state)
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
	answer a = ask(db, "SELECT ?::halfvec::text", text);
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
		assert_same_refusal(&a, message, text);
	}
	pgv_vector_free(&v);
	free(a.text);
}

/*
 * The edge floats of half precision: the client's check refuses exactly those the server
 * refuses, and the parse of their text stores what the server stores.
 */
static void test_types_server__halfvec_check_agrees_with_server(void **state)
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
static void test_types_server__halfvec_bind_refuses_client_side(void **state)
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
static void test_types_server__sparsevec_values_round_trip(void **state)
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
static void test_types_server__sparsevec_dense_agrees_with_server(void **state)
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
static void test_types_server__sparsevec_parse_agrees_with_server(void **state)
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
		answer a = ask(db, "SELECT ?::sparsevec::text", texts[i]);
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
			assert_same_refusal(&a, pgv_error_last()->message, texts[i]);
		}
		pgv_sparsevec_free(&v);
		free(a.text);
	}
}

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
static void test_types_server__bits_values_round_trip(void **state)
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
static void test_types_server__bits_distances_match_popcount(void **state)
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
static void test_types_server__bits_parse_agrees_with_server(void **state)
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
		answer a = ask(db, "SELECT ?::varbit::text", cases[i].text);
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

/*
 * SQL NULL reads as PGV_NULL with an empty output; text that is not of the type fails with the
 * codec's words.
 */
static void test_types_server__readers_handle_null_and_bad_text(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	pgv_vector h = { 1, (float *)&h };
	pgv_sparsevec s = { 1, 1, (int32_t *)&s, (float *)&s };
	pgv_bitvec b = { 1, (uint8_t *)&b };

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		"SELECT NULL::halfvec, NULL::sparsevec, NULL::varbit, 'abc', '{1:1}/0'"), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_int_equal(pgv_stmt_column_halfvec(&h, st, 1), PGV_NULL);
	assert_true(h.dim == 0 && h.data == NULL);
	assert_int_equal(pgv_stmt_column_sparsevec(&s, st, 2), PGV_NULL);
	assert_true(s.dim == 0 && s.nnz == 0 && s.indices == NULL && s.values == NULL);
	assert_int_equal(pgv_stmt_column_bits(&b, st, 3), PGV_NULL);
	assert_true(b.dim == 0 && b.data == NULL);
	assert_int_equal(pgv_stmt_column_bits(&b, st, 4), PGV_EPARSE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		"column 4: \"a\" is not a valid binary digit"));
	assert_int_equal(pgv_conn_error(db->conn)->offset, 0);
	assert_int_equal(pgv_stmt_column_halfvec(&h, st, 4), PGV_EPARSE);
	assert_int_equal(pgv_stmt_column_sparsevec(&s, st, 5), PGV_EDIM);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		"column 5: sparsevec must have at least 1 dimension"));
	assert_int_equal(pgv_stmt_column_sparsevec(&s, st, 6), PGV_EINVAL);
	assert_int_equal(pgv_stmt_column_bits(NULL, st, 1), PGV_EINVAL);
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_server__halfvec_values_round_trip),
		cmocka_unit_test(test_types_server__halfvec_check_agrees_with_server),
		cmocka_unit_test(test_types_server__halfvec_bind_refuses_client_side),
		cmocka_unit_test(test_types_server__sparsevec_values_round_trip),
		cmocka_unit_test(test_types_server__sparsevec_dense_agrees_with_server),
		cmocka_unit_test(test_types_server__sparsevec_parse_agrees_with_server),
		cmocka_unit_test(test_types_server__bits_values_round_trip),
		cmocka_unit_test(test_types_server__bits_distances_match_popcount),
		cmocka_unit_test(test_types_server__bits_parse_agrees_with_server),
		cmocka_unit_test(test_types_server__readers_handle_null_and_bad_text),
	};

	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
