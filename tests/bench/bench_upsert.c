/*
 * bench_upsert: rows per second of the ways psqlODBC allows to upsert vectors, on one server.
 *
 *   bench_upsert [DSN]        (default: $PGVODBC_DSN)
 *
 * Strategies, each run inside one transaction unless named autocommit:
 *   row/autocommit   one INSERT ... ON CONFLICT per row, autocommit (the baseline)
 *   row/txn          the same, all rows in one transaction
 *   values/B         multi-row VALUES, B rows (2B parameters) per statement
 *   unnest/B         unnest(?::bigint[], ?::vector[]): two text parameters per B rows
 *   paramarray/B     ODBC parameter arrays (SQL_ATTR_PARAMSET_SIZE = B, column-wise), raw ODBC
 *   store            pgv_store_upsert itself (the strategy the library chose)
 *   format-only      pgv_vector_format of every row and nothing else: the floor under all of them
 * Each figure is the median of RUNS runs into a freshly truncated table; the vector text is
 * formatted inside the timed region for every strategy.  Prints a table on stdout; takes about
 * a minute and a half on the embedded server.
 */
#define _POSIX_C_SOURCE 200809L
#include <sql.h>
#include <sqlext.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pgvodbc.h"

#define RUNS 5
#define SQL_MAX 512

typedef enum strategy {
	ROW_AUTOCOMMIT, ROW_TXN, VALUES, UNNEST, PARAMARRAY, STORE, FORMAT_ONLY
} strategy;

static const char *const strategy_names[] = {
	"row/autocommit", "row/txn", "values", "unnest", "paramarray", "store", "format-only"
};

/* One measurement to make: a strategy and its batch size (0: not batched). */
typedef struct config {
	strategy s;
	size_t batch;
} config;

static const config configs[] = {
	{ ROW_AUTOCOMMIT, 0 }, { ROW_TXN, 0 }, { VALUES, 100 },
	{ UNNEST, 100 }, { UNNEST, 1000 }, { PARAMARRAY, 100 }, { PARAMARRAY, 1000 },
	{ STORE, 0 }, { FORMAT_ONLY, 0 },
};

/* Everything one dimension's measurements share. */
typedef struct bench {
	pgv_conn *conn;     /* library connection: set-up and the library-level strategies */
	SQLHENV env;        /* raw connection for parameter arrays */
	SQLHDBC dbc;
	char table[64];
	size_t dim;
	size_t rows;
	int64_t *ids;       /* rows ids */
	float *data;        /* rows * dim floats */
	pgv_vector *vecs;   /* rows views into data, for pgv_store_upsert */
} bench;

/* Stops the program with the library connection's error. */
static void die_conn(bench *b, const char *what)
{
	const pgv_error *e = pgv_conn_error(b->conn);

	fprintf(stderr, "bench_upsert: %s: %s [%s] %s\n", what, pgv_status_name(e->status),
		e->sqlstate, e->message);
	exit(1);
}

/* Stops the program with the first ODBC diagnostic record of a handle. */
static void die_odbc(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR state[6] = "", msg[1024] = "";
	SQLINTEGER native = 0;
	SQLSMALLINT len = 0;

	SQLGetDiagRec(type, h, 1, state, &native, msg, sizeof(msg), &len);
	fprintf(stderr, "bench_upsert: %s: [%s] %s\n", what, (char *)state, (char *)msg);
	exit(1);
}

/* Runs SQL on the library connection or stops. */
static void exec_or_die(bench *b, const char *sql)
{
	if (pgv_conn_exec(b->conn, sql) != 0)
		die_conn(b, sql);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Allocates or stops. */
static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "bench_upsert: out of memory\n");
		exit(1);
	}
	return p;
}

/* The INSERT ... ON CONFLICT statement for `rows` rows of VALUES (?, ?::vector). */
static char *values_sql(const bench *b, size_t rows)
{
	size_t cap = 256 + rows * 24, len;
	char *sql = xmalloc(cap);

	len = (size_t)snprintf(sql, cap, "INSERT INTO %s (id, embedding) VALUES ", b->table);
	for (size_t i = 0; i < rows; i++)
		len += (size_t)snprintf(sql + len, cap - len, "%s(?, ?::vector)", i ? ", " : "");
	snprintf(sql + len, cap - len,
		" ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding");
	return sql;
}

/* Row at a time with one prepared statement; `txn` wraps all rows in one transaction. */
static void run_rows(bench *b, int txn)
{
	char *sql = values_sql(b, 1);
	pgv_stmt *st = NULL;

	if (pgv_stmt_prepare(&st, b->conn, sql) != 0)
		die_conn(b, "prepare");
	if (txn && pgv_conn_begin(b->conn) != 0)
		die_conn(b, "begin");
	for (size_t i = 0; i < b->rows; i++) {
		if (pgv_stmt_reset(st) != 0 || pgv_stmt_bind_int64(st, 1, b->ids[i]) != 0
				|| pgv_stmt_bind_vector(st, 2, b->data + i * b->dim, b->dim) != 0
				|| pgv_stmt_step(st) != PGV_DONE)
			die_conn(b, "row upsert");
	}
	if (txn && pgv_conn_commit(b->conn) != 0)
		die_conn(b, "commit");
	pgv_stmt_free(st);
	free(sql);
}

/* Multi-row VALUES, `batch` rows per statement (a second statement for the last, short batch). */
static void run_values(bench *b, size_t batch)
{
	pgv_stmt *full = NULL, *tail = NULL;
	size_t rest = b->rows % batch;
	char *sql = values_sql(b, batch);

	if (pgv_stmt_prepare(&full, b->conn, sql) != 0)
		die_conn(b, "prepare");
	free(sql);
	if (rest) {
		sql = values_sql(b, rest);
		if (pgv_stmt_prepare(&tail, b->conn, sql) != 0)
			die_conn(b, "prepare");
		free(sql);
	}
	if (pgv_conn_begin(b->conn) != 0)
		die_conn(b, "begin");
	for (size_t at = 0; at < b->rows; at += batch) {
		size_t n = b->rows - at < batch ? b->rows - at : batch;
		pgv_stmt *st = n == batch ? full : tail;

		if (pgv_stmt_reset(st) != 0)
			die_conn(b, "reset");
		for (size_t i = 0; i < n; i++) {
			if (pgv_stmt_bind_int64(st, (int)(2 * i + 1), b->ids[at + i]) != 0
					|| pgv_stmt_bind_vector(st, (int)(2 * i + 2),
						b->data + (at + i) * b->dim, b->dim) != 0)
				die_conn(b, "bind");
		}
		if (pgv_stmt_step(st) != PGV_DONE)
			die_conn(b, "values upsert");
	}
	if (pgv_conn_commit(b->conn) != 0)
		die_conn(b, "commit");
	pgv_stmt_free(full);
	pgv_stmt_free(tail);
}

/* Two array texts per batch: {1,2,...} and {"[...]","[...]",...}. */
static void run_unnest(bench *b, size_t batch)
{
	char sql[SQL_MAX];
	size_t vcap = batch * (b->dim * 16 + 4) + 3, icap = batch * 21 + 3;
	char *vtext = xmalloc(vcap), *itext = xmalloc(icap);
	pgv_stmt *st = NULL;

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) SELECT * FROM "
		"unnest(?::bigint[], ?::vector[]) ON CONFLICT (id) DO UPDATE SET "
		"embedding = EXCLUDED.embedding", b->table);
	if (pgv_stmt_prepare(&st, b->conn, sql) != 0)
		die_conn(b, "prepare");
	if (pgv_conn_begin(b->conn) != 0)
		die_conn(b, "begin");
	for (size_t at = 0; at < b->rows; at += batch) {
		size_t n = b->rows - at < batch ? b->rows - at : batch, vl = 0, il = 0;

		itext[il++] = '{';
		vtext[vl++] = '{';
		for (size_t i = 0; i < n; i++) {
			il += (size_t)snprintf(itext + il, icap - il, "%s%lld", i ? "," : "",
				(long long)b->ids[at + i]);
			if (i)
				vtext[vl++] = ',';
			vtext[vl++] = '"';
			vl += pgv_vector_format(b->data + (at + i) * b->dim, b->dim, vtext + vl,
				vcap - vl);
			vtext[vl++] = '"';
		}
		itext[il++] = '}';
		vtext[vl++] = '}';
		if (pgv_stmt_reset(st) != 0 || pgv_stmt_bind_text(st, 1, itext, il) != 0
				|| pgv_stmt_bind_text(st, 2, vtext, vl) != 0
				|| pgv_stmt_step(st) != PGV_DONE)
			die_conn(b, "unnest upsert");
	}
	if (pgv_conn_commit(b->conn) != 0)
		die_conn(b, "commit");
	pgv_stmt_free(st);
	free(vtext);
	free(itext);
}

/* Column-wise ODBC parameter arrays of `batch` rows on the raw connection, one transaction. */
static void run_paramarray(bench *b, size_t batch)
{
	char sql[SQL_MAX];
	size_t width = b->dim * 16 + 3;
	SQLBIGINT *ids = xmalloc(batch * sizeof(*ids));
	SQLLEN *id_ind = xmalloc(batch * sizeof(*id_ind));
	SQLLEN *text_ind = xmalloc(batch * sizeof(*text_ind));
	SQLUSMALLINT *status = xmalloc(batch * sizeof(*status));
	char *texts = xmalloc(batch * width);
	SQLULEN processed = 0;
	SQLHSTMT h;

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) VALUES (?, ?::vector) "
		"ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding", b->table);
	if (!SQL_SUCCEEDED(SQLSetConnectAttr(b->dbc, SQL_ATTR_AUTOCOMMIT,
			(SQLPOINTER)SQL_AUTOCOMMIT_OFF, SQL_IS_UINTEGER)))
		die_odbc(SQL_HANDLE_DBC, b->dbc, "autocommit off");
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, b->dbc, &h)))
		die_odbc(SQL_HANDLE_DBC, b->dbc, "SQLAllocHandle");
	if (!SQL_SUCCEEDED(SQLPrepare(h, (SQLCHAR *)sql, SQL_NTS)))
		die_odbc(SQL_HANDLE_STMT, h, "SQLPrepare");
	SQLSetStmtAttr(h, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0);
	SQLSetStmtAttr(h, SQL_ATTR_PARAM_STATUS_PTR, status, 0);
	SQLSetStmtAttr(h, SQL_ATTR_PARAMS_PROCESSED_PTR, &processed, 0);
	if (!SQL_SUCCEEDED(SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 0, 0,
			ids, 0, id_ind)))
		die_odbc(SQL_HANDLE_STMT, h, "SQLBindParameter");
	if (!SQL_SUCCEEDED(SQLBindParameter(h, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_LONGVARCHAR,
			width, 0, texts, (SQLLEN)width, text_ind)))
		die_odbc(SQL_HANDLE_STMT, h, "SQLBindParameter");
	for (size_t at = 0; at < b->rows; at += batch) {
		size_t n = b->rows - at < batch ? b->rows - at : batch;

		for (size_t i = 0; i < n; i++) {
			ids[i] = b->ids[at + i];
			id_ind[i] = 0;
			text_ind[i] = (SQLLEN)pgv_vector_format(b->data + (at + i) * b->dim, b->dim,
				texts + i * width, width);
		}
		SQLSetStmtAttr(h, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)(SQLULEN)n, 0);
		if (!SQL_SUCCEEDED(SQLExecute(h)))
			die_odbc(SQL_HANDLE_STMT, h, "SQLExecute");
		if (processed != n) {
			fprintf(stderr, "bench_upsert: %zu of %zu parameter sets processed\n",
				(size_t)processed, n);
			exit(1);
		}
		SQLFreeStmt(h, SQL_CLOSE);
	}
	if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, b->dbc, SQL_COMMIT)))
		die_odbc(SQL_HANDLE_DBC, b->dbc, "commit");
	SQLFreeHandle(SQL_HANDLE_STMT, h);
	SQLSetConnectAttr(b->dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_ON, SQL_IS_UINTEGER);
	free(ids);
	free(id_ind);
	free(text_ind);
	free(status);
	free(texts);
}

/* The library's own upsert, all rows in one call. */
static void run_store(bench *b)
{
	pgv_table t = PGV_TABLE_INIT;
	size_t written = 0;

	t.table = b->table;
	if (pgv_store_upsert(b->conn, &t, b->ids, b->vecs, b->rows, &written) != 0)
		die_conn(b, "pgv_store_upsert");
	if (written != b->rows) {
		fprintf(stderr, "bench_upsert: store wrote %zu of %zu rows\n", written, b->rows);
		exit(1);
	}
}

/* Formats every row's vector text and nothing else. */
static void run_format_only(bench *b)
{
	size_t cap = b->dim * 16 + 3;
	char *buf = xmalloc(cap);
	volatile size_t total = 0;

	for (size_t i = 0; i < b->rows; i++)
		total += pgv_vector_format(b->data + i * b->dim, b->dim, buf, cap);
	free(buf);
}

/* Reads count(*) of the bench table. */
static int64_t count_rows(bench *b)
{
	char sql[SQL_MAX];
	pgv_stmt *st = NULL;
	int64_t n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", b->table);
	if (pgv_stmt_prepare(&st, b->conn, sql) != 0 || pgv_stmt_step(st) != PGV_ROW
			|| pgv_stmt_column_int64(st, 1, &n) != 0)
		die_conn(b, "count");
	pgv_stmt_free(st);
	return n;
}

/* Orders doubles ascending for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Times one configuration: RUNS runs into a truncated table; returns the median seconds. */
static double measure(bench *b, const config *cf)
{
	char sql[SQL_MAX];
	double t[RUNS];

	snprintf(sql, sizeof(sql), "TRUNCATE %s", b->table);
	for (int r = 0; r < RUNS; r++) {
		double t0;

		exec_or_die(b, sql);
		t0 = now();
		switch (cf->s) {
		case ROW_AUTOCOMMIT: run_rows(b, 0); break;
		case ROW_TXN: run_rows(b, 1); break;
		case VALUES: run_values(b, cf->batch); break;
		case UNNEST: run_unnest(b, cf->batch); break;
		case PARAMARRAY: run_paramarray(b, cf->batch); break;
		case STORE: run_store(b); break;
		case FORMAT_ONLY: run_format_only(b); break;
		}
		t[r] = now() - t0;
		if (count_rows(b) != (cf->s == FORMAT_ONLY ? 0 : (int64_t)b->rows)) {
			fprintf(stderr, "bench_upsert: %s wrote the wrong number of rows\n",
				strategy_names[cf->s]);
			exit(1);
		}
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

/* Fills ids 1..rows and deterministic pseudo-random floats in [-1, 1). */
static void fill(bench *b)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL ^ b->dim;

	b->ids = xmalloc(b->rows * sizeof(*b->ids));
	b->data = xmalloc(b->rows * b->dim * sizeof(float));
	b->vecs = xmalloc(b->rows * sizeof(*b->vecs));
	for (size_t i = 0; i < b->rows; i++) {
		b->ids[i] = (int64_t)i + 1;
		b->vecs[i].dim = b->dim;
		b->vecs[i].data = b->data + i * b->dim;
	}
	for (size_t i = 0; i < b->rows * b->dim; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		b->data[i] = (float)((double)((x * 0x2545F4914F6CDD1DULL) >> 40) / (double)(1 << 23))
			- 1.0f;
	}
}

/* Measures every configuration for one dimension and prints its lines. */
static void bench_dim(bench *b, size_t dim, size_t rows)
{
	char sql[SQL_MAX];

	b->dim = dim;
	b->rows = rows;
	fill(b);
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", b->table);
	exec_or_die(b, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (id bigint PRIMARY KEY, embedding vector(%zu))",
		b->table, dim);
	exec_or_die(b, sql);
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const config *cf = &configs[i];
		size_t batch = cf->batch > rows ? rows : cf->batch;
		config c = { cf->s, batch };
		double s;
		char name[32];

		if (cf->batch && cf->batch > rows && i > 0 && configs[i - 1].s == cf->s
				&& configs[i - 1].batch >= rows)
			continue; /* the same as the previous line at this row count */
		s = measure(b, &c);
		if (batch)
			snprintf(name, sizeof(name), "%s/%zu", strategy_names[cf->s], batch);
		else
			snprintf(name, sizeof(name), "%s", strategy_names[cf->s]);
		printf("%-18s %6zu %7zu %12.0f %10.2f\n", name, dim, rows, (double)rows / s, s * 1000);
		fflush(stdout);
	}
	snprintf(sql, sizeof(sql), "DROP TABLE %s", b->table);
	exec_or_die(b, sql);
	free(b->ids);
	free(b->data);
	free(b->vecs);
}

int main(int argc, char **argv)
{
	const char *dsn = argc > 1 ? argv[1] : getenv("PGVODBC_DSN");
	char connstr[512];
	bench b;

	if (!dsn || !*dsn) {
		fprintf(stderr, "usage: bench_upsert DSN (or set PGVODBC_DSN)\n");
		return 2;
	}
	memset(&b, 0, sizeof(b));
	if (pgv_conn_open(&b.conn, dsn) != 0)
		die_conn(&b, "connect");
	snprintf(connstr, sizeof(connstr), strchr(dsn, '=') ? "%s" : "DSN=%s;", dsn);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &b.env)))
		return 1;
	SQLSetEnvAttr(b.env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	SQLAllocHandle(SQL_HANDLE_DBC, b.env, &b.dbc);
	if (!SQL_SUCCEEDED(SQLDriverConnect(b.dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, NULL,
			SQL_DRIVER_NOPROMPT)))
		die_odbc(SQL_HANDLE_DBC, b.dbc, "raw connect");
	snprintf(b.table, sizeof(b.table), "pgv_bench_upsert_%ld", (long)getpid());
	exec_or_die(&b, "CREATE EXTENSION IF NOT EXISTS vector");

	printf("bench_upsert on %s: median of %d runs, each into a truncated table\n", dsn, RUNS);
	printf("%-18s %6s %7s %12s %10s\n", "strategy", "dim", "rows", "rows/s", "ms");
	bench_dim(&b, 4, 2000);
	bench_dim(&b, 128, 2000);
	bench_dim(&b, 1536, 200);

	SQLDisconnect(b.dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, b.dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, b.env);
	pgv_conn_close(b.conn);
	return 0;
}
