/*
 * A program outside the project that uses the installed pgvodbc, as an application would: it
 * includes <pgvodbc.h>, links the library found by find_package(pgvodbc) or pkg-config, and
 * checks that the header and the library agree and that the codec and the error path work.
 * tests/package/check.sh builds it against an installed tree, shared and static, and runs it.
 * Needs no database: opening a DSN that does not exist must fail with the driver manager's error.
 */
#include <pgvodbc.h>

#include <stdio.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failures++;
}

int main(void)
{
	const char *text = "{0.1, -2.5,3e-7}";
	const float want[3] = { 0.1f, -2.5f, 3e-7f };
	pgv_vector v = PGV_VECTOR_INIT;
	pgv_conn *conn = NULL;
	char buf[64];
	int rc;

	check(strcmp(pgv_version(), PGV_VERSION_STRING) == 0, "library version equals header version");

	rc = pgv_vector_parse(text, strlen(text), &v);
	check(rc == 0 && v.dim == 3 && memcmp(v.data, want, sizeof want) == 0,
		"pgv_vector_parse reads float4[] text");
	check(pgv_vector_format(v.data, v.dim, buf, sizeof buf) == strlen("[0.1,-2.5,3e-07]")
		&& strcmp(buf, "[0.1,-2.5,3e-07]") == 0, "pgv_vector_format prints pgvector text");
	pgv_vector_free(&v);

	rc = pgv_vector_parse("[1,NaN]", 7, &v);
	check(rc == PGV_EVALUE && v.data == NULL && strstr(pgv_error_last()->message, "NaN") != NULL,
		"a NaN element is refused before any round trip");

	rc = pgv_conn_open(&conn, "pgvodbc_consumer_no_such_dsn");
	check(rc == PGV_ECONN && conn != NULL
		&& strcmp(pgv_conn_error(conn)->sqlstate, "IM002") == 0,
		"opening an unknown DSN fails with SQLSTATE IM002 (error kept on the handle)");
	if (rc != 0 && conn)
		printf("   (%s: %s)\n", pgv_status_name(rc), pgv_conn_error(conn)->message);
	pgv_conn_close(conn);

	return failures == 0 ? 0 : 1;
}
