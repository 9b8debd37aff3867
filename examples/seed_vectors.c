/*
 * seed_vectors: the walkthrough's data through pgvodbc.  Enables pgvector, creates the seed's
 * `embeddings` table, upserts its three vectors (ON CONFLICT, in one transaction), reads every row
 * back as float4[] text, finds the nearest neighbour of [0.3,0.1,0.6,0.5] with <->, and prints
 * the L2 distance of each row to [0.5,0.8,0.0,-0.6].
 *
 *   seed_vectors [DSN | CONNECTION-STRING]     (default: $PGVODBC_DSN)
 */
#include <stdio.h>
#include <stdlib.h>

#include <pgvodbc.h>

static const char SQL_SETUP[] =
	"CREATE EXTENSION IF NOT EXISTS vector;"
	"CREATE TABLE IF NOT EXISTS embeddings (id SERIAL PRIMARY KEY, embedding VECTOR(4))";
static const char SQL_UPSERT[] =
	"INSERT INTO embeddings (id, embedding) VALUES (?, ?::vector) "
	"ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding";
static const char SQL_ALL[] = "SELECT id, embedding::float4[] FROM embeddings ORDER BY id";
static const char SQL_NEAREST[] =
	"SELECT id, embedding::float4[] FROM embeddings ORDER BY embedding <-> ?::vector LIMIT 1";
static const char SQL_DISTANCE[] =
	"SELECT id, embedding <-> ?::vector FROM embeddings ORDER BY id";

static const float seed[3][4] = {
	{ 0.1f, 0.8f, 0.5f, 0.3f },
	{ 0.4f, 0.2f, 0.7f, 0.9f },
	{ 0.9f, 0.5f, 0.1f, 0.6f },
};
static const float query_nearest[4] = { 0.3f, 0.1f, 0.6f, 0.5f };
static const float query_distance[4] = { 0.5f, 0.8f, 0.0f, -0.6f };

/* Prints the connection's error and returns 1 (the exit status). */
static int report(pgv_conn *conn, const char *what)
{
	const pgv_error *e = pgv_conn_error(conn);

	fprintf(stderr, "seed_vectors: %s: %s%s%s%s\n", what, e->message,
		e->sqlstate[0] ? " (SQLSTATE " : "", e->sqlstate, e->sqlstate[0] ? ")" : "");
	return 1;
}

/* Prints "id<TAB>[vector]" for every row of a statement returning (id, float4[]). */
static int print_rows(pgv_conn *conn, pgv_stmt *st)
{
	int rc;

	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		pgv_vector v = PGV_VECTOR_INIT;
		int64_t id;
		char *text;

		if (pgv_stmt_column_int64(&id, st, 1) != 0 || pgv_stmt_column_vector(&v, st, 2) != 0)
			return report(conn, "reading a row");
		if (pgv_vector_to_text(&text, NULL, v.data, v.dim) != 0) {
			pgv_vector_free(&v);
			fprintf(stderr, "seed_vectors: %s\n", pgv_error_last()->message);
			return 1;
		}
		printf("%lld\t%s\n", (long long)id, text);
		pgv_text_free(text);
		pgv_vector_free(&v);
	}
	return rc == PGV_DONE ? 0 : report(conn, "fetching rows");
}

int main(int argc, char **argv)
{
	const char *target = argc > 1 ? argv[1] : getenv("PGVODBC_DSN");
	pgv_conn *conn = NULL;
	pgv_stmt *st = NULL;
	int rc, status = 1;

	if (!target || !*target) {
		fprintf(stderr, "usage: seed_vectors DSN|CONNECTION-STRING (or set PGVODBC_DSN)\n");
		return 2;
	}
	if (pgv_conn_open(&conn, target) != 0) {
		report(conn, "connecting");
		pgv_conn_close(conn);
		return 1;
	}
	if (pgv_conn_exec(conn, SQL_SETUP) != 0) {
		report(conn, "creating the extension and the table");
		goto out;
	}

	/* Upsert the three vectors as one unit: one prepared statement, one transaction. */
	if (pgv_conn_begin(conn) != 0 || pgv_stmt_prepare(&st, conn, SQL_UPSERT) != 0) {
		report(conn, "preparing the upsert");
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		if (pgv_stmt_reset(st) != 0 || pgv_stmt_bind_int64(st, 1, i + 1) != 0
				|| pgv_stmt_bind_vector(st, 2, seed[i], 4) != 0
				|| pgv_stmt_step(st) != PGV_DONE) {
			report(conn, "upserting");
			pgv_conn_rollback(conn);
			goto out;
		}
	}
	pgv_stmt_free(st);
	st = NULL;
	if (pgv_conn_commit(conn) != 0) {
		report(conn, "committing");
		goto out;
	}

	printf("# all embeddings\n");
	if (pgv_stmt_prepare(&st, conn, SQL_ALL) != 0) {
		report(conn, "querying all rows");
		goto out;
	}
	if (print_rows(conn, st) != 0)
		goto out;
	pgv_stmt_free(st);

	printf("# nearest neighbour of [0.3,0.1,0.6,0.5]\n");
	st = NULL;
	if (pgv_stmt_prepare(&st, conn, SQL_NEAREST) != 0
			|| pgv_stmt_bind_vector(st, 1, query_nearest, 4) != 0) {
		report(conn, "querying the nearest neighbour");
		goto out;
	}
	if (print_rows(conn, st) != 0)
		goto out;
	pgv_stmt_free(st);

	printf("# L2 distance to [0.5,0.8,0,-0.6]\n");
	st = NULL;
	if (pgv_stmt_prepare(&st, conn, SQL_DISTANCE) != 0
			|| pgv_stmt_bind_vector(st, 1, query_distance, 4) != 0) {
		report(conn, "querying distances");
		goto out;
	}
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		int64_t id;
		double d;
		char text[PGV_DOUBLE_TEXT_MAX];

		if (pgv_stmt_column_int64(&id, st, 1) != 0 || pgv_stmt_column_double(&d, st, 2) != 0) {
			report(conn, "reading a distance");
			goto out;
		}
		pgv_double_format(d, text, sizeof(text));
		printf("%lld\t%s\n", (long long)id, text);
	}
	if (rc != PGV_DONE) {
		report(conn, "fetching distances");
		goto out;
	}
	status = 0;
out:
	pgv_stmt_free(st);
	pgv_conn_close(conn);
	return status;
}
