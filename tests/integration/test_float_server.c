/*
 * Integration: pgv_float_format and pgv_vector_format print every float4 byte for byte as the
 * server does.  The floats travel to the server as exact float8 text ("%.17g", independent of
 * the code under test), are cast to float4 there, and come back as the server's float4[] text.
 */
#include "testdb.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Floats compared in all, and per query. */
#define SAMPLE 200000
#define CHUNK 10000

/* The float with these bits. */
static float from_bits(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/* Adds f to v[*n] unless the sample is full. */
static void add(float *v, size_t *n, float f)
{
	if (*n < SAMPLE)
		v[(*n)++] = f;
}

/*
 * The sample: every binade edge and power of two, denormal boundaries, the limits, the special
 * values, texts that would be shorter at a midpoint, integers, embedding-sized values, and
 * random bit patterns for the rest; both signs throughout.
 */
static size_t fill_sample(float *v, uint64_t seed)
{
	static const float named[] = { 0.0f, FLT_MAX, FLT_MIN, FLT_TRUE_MIN, 1.0f, 0.1f, 1e-5f,
		1e6f, 100000.0f, 0.0001f, 1234567.0f, 36646552.0f, 33554436.0f, 246867008.0f, 1.7864e8f,
		16777216.0f, 8388608.0f, 1.0f / 3.0f, 0x1p-96f, 0x1p87f, 0x1p90f };
	size_t n = 0;

	add(v, &n, NAN);
	add(v, &n, INFINITY);
	add(v, &n, -INFINITY);
	for (uint32_t sign = 0; sign < 2; sign++) {
		for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			add(v, &n, sign ? -named[i] : named[i]);
		for (uint32_t field = 0; field < 255; field++)
			for (uint32_t low = 0; low < 3; low++) {
				add(v, &n, from_bits(sign << 31 | field << 23 | low));
				add(v, &n, from_bits(sign << 31 | (((field + 1) << 23) - 1 - low)));
			}
		for (int k = 0; k < 23; k++) /* denormal powers of two and their neighbours */
			for (int d = -1; d <= 1; d++)
				add(v, &n, from_bits(sign << 31 | (uint32_t)((1 << k) + d)));
		for (uint32_t i = 1; i <= 2000; i++) { /* small integers and those around 2^24 */
			add(v, &n, sign ? -(float)i : (float)i);
			add(v, &n, sign ? -(float)((1u << 24) - i) : (float)((1u << 24) - i));
		}
	}
	while (n < 40000) /* random integers below 2^24 */
		add(v, &n, (float)(testdb_rand(&seed) >> 40));
	while (n < 70000) /* embedding-sized values: uniform in (-0.2, 0.2) */
		add(v, &n, (float)((double)(testdb_rand(&seed) >> 11) / 9007199254740992.0 * 0.4 - 0.2));
	while (n < SAMPLE) { /* random finite bit patterns */
		float f = from_bits((uint32_t)(testdb_rand(&seed) >> 32));

		if (isfinite(f))
			add(v, &n, f);
	}
	return n;
}

/* Exact float8 text of each float ("{...}"), into a new buffer. */
static char *float8_array_text(const float *v, size_t count)
{
	char *text = malloc(count * 32 + 3), num[32];
	size_t len = 0;

	assert_non_null(text);
	text[len++] = '{';
	for (size_t i = 0; i < count; i++) {
		size_t k;

		if (isnan(v[i]))
			k = (size_t)snprintf(num, sizeof(num), "NaN");
		else if (isinf(v[i]))
			k = (size_t)snprintf(num, sizeof(num), v[i] < 0 ? "-Infinity" : "Infinity");
		else
			k = (size_t)snprintf(num, sizeof(num), "%.17g", (double)v[i]);
		if (i > 0)
			text[len++] = ',';
		memcpy(text + len, num, k);
		len += k;
	}
	text[len++] = '}';
	text[len] = '\0';
	return text;
}

/*
 * Compares the server's float4[] text of v[0..count) with pgv_float_format element by element,
 * and with pgv_vector_format as a whole.  Returns the mismatches (the first few are printed).
 */
static size_t compare_chunk(testdb *db, pgv_stmt *st, const float *v, size_t count,
	size_t *reported)
{
	char *sent = float8_array_text(v, count), *ours = malloc(count * PGV_FLOAT_TEXT_MAX + 3);
	const char *got = NULL, *at;
	size_t len = 0, bad = 0, ours_len;

	assert_non_null(ours);
	assert_pgv(db->conn, pgv_stmt_reset(st), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_text(st, 1, sent, PGV_NTS), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_text(&got, &len, st, 1), PGV_OK);
	assert_true(len >= 2 && got[0] == '{' && got[len - 1] == '}');
	at = got + 1;
	for (size_t i = 0; i < count; i++) {
		char mine[PGV_FLOAT_TEXT_MAX];
		size_t k = pgv_float_format(v[i], mine, sizeof(mine));
		const char *end = strchr(at, i + 1 < count ? ',' : '}');

		assert_non_null(end);
		if ((size_t)(end - at) != k || memcmp(at, mine, k) != 0) {
			uint32_t bits;

			memcpy(&bits, &v[i], sizeof(bits));
			if ((*reported)++ < 10)
				print_message("float %08x: server \"%.*s\", pgv_float_format \"%s\"\n", bits,
					(int)(end - at), at, mine);
			bad++;
		}
		at = end + 1;
	}
	/* the same text, between brackets instead of braces */
	ours_len = pgv_vector_format(v, count, ours, count * PGV_FLOAT_TEXT_MAX + 3);
	if (ours_len != len || memcmp(ours + 1, got + 1, len - 2) != 0) {
		if ((*reported)++ < 10)
			print_message("pgv_vector_format differs from the server's text\n");
		bad++;
	}
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	free(sent);
	free(ours);
	return bad;
}

/*
 * Two hundred thousand floats (special, edge and random) print as the server prints them,
 * through pgv_float_format and pgv_vector_format alike.
 */
static void test_float_server__formatting_matches_server(void **state)
{
	testdb *db = *state;
	float *v = malloc(SAMPLE * sizeof(float));
	pgv_stmt *st = NULL;
	size_t n, bad = 0, reported = 0;

	assert_non_null(v);
	n = fill_sample(v, 0x5DEECE66DULL);
	assert_int_equal(n, SAMPLE);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, "SELECT (?::float8[])::float4[]::text"),
		PGV_OK);
	for (size_t at = 0; at < n; at += CHUNK)
		bad += compare_chunk(db, st, v + at, n - at < CHUNK ? n - at : CHUNK, &reported);
	pgv_stmt_free(st);
	free(v);
	print_message("compared %zu floats with the server's float4 text: %zu differ\n", n, bad);
	assert_int_equal(bad, 0);
}

/* The session prints float4 in shortest form, as the comparison above assumes. */
static void test_float_server__session_prints_shortest(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	const char *got = NULL;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		"SELECT (0.1::float4)::text || ' ' || (1234567::float4)::text || ' ' || "
		"(1e-5::float4)::text || ' ' || (36646552::float4)::text"), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_text(&got, NULL, st, 1), PGV_OK);
	assert_string_equal(got, "0.1 1.234567e+06 1e-05 3.6646552e+07");
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_server__session_prints_shortest),
		cmocka_unit_test(test_float_server__formatting_matches_server),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
