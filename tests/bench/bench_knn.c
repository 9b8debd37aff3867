/*
 * bench_knn: k-nearest-neighbour latency, pgv_store_knn against raw ODBC.
 *
 *   bench_knn [DSN]        (default: $PGVODBC_DSN)
 *
 * On a table of ROWS vectors of DIM dimensions, k = K, metric l2:
 *   raw/same   raw ODBC, prepared once and executed repeatedly, with exactly the SQL that
 *              pgv_store_knn sends (so the difference is the library's own overhead); the query
 *              vector formatted into the bound text each time, rows read with SQLGetData (id as
 *              SQL_C_SBIGINT, float4[] text piecewise then strtof per element, distance as
 *              SQL_C_DOUBLE)
 *   raw/issue  the same loop with the issue's SQL: SELECT id, embedding::float4[],
 *              embedding <-> ?::vector FROM t ORDER BY embedding <-> ?::vector LIMIT k
 *   library    pgv_store_knn + pgv_rows_next over the k rows + pgv_rows_free, each call
 * The three alternate call by call (so that a noisy machine slows all of them alike) over
 * QUERIES different query vectors; the figure is the median latency of CALLS calls of each.
 * Target (issue: performance): library <= 1.05x raw.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"

#include <unistd.h>

#define K 10
#define QUERIES 32
#define CALLS 300

/* A raw prepared k-NN statement with its bound query text. */
typedef struct raw_knn {
	SQLHSTMT h;
	char *qtext;      /* bound to every vector parameter */
	SQLLEN qind;
	size_t qcap;
	char *text;       /* the row's float4[] text */
	size_t cap;
	float *vec;
	size_t vcap;
} raw_knn;

/* Prepares `sql` (n vector parameters, then, when `limit`, a bigint) on the raw connection. */
static void raw_prepare(raw_knn *r, bench_raw *raw, const char *sql, int nvec, int limit,
	size_t dim)
{
	static SQLBIGINT k = K;
	static SQLLEN kind = 0;

	memset(r, 0, sizeof(*r));
	r->qcap = dim * PGV_FLOAT_TEXT_MAX + 3;
	r->qtext = bench_xmalloc(r->qcap);
	r->cap = dim * PGV_FLOAT_TEXT_MAX + 3;
	r->text = bench_xmalloc(r->cap);
	r->vcap = dim;
	r->vec = bench_xmalloc(dim * sizeof(float));
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, raw->dbc, &r->h)))
		bench_die_odbc(SQL_HANDLE_DBC, raw->dbc, "SQLAllocHandle");
	if (!SQL_SUCCEEDED(SQLPrepare(r->h, (SQLCHAR *)sql, SQL_NTS)))
		bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLPrepare");
	for (int i = 1; i <= nvec; i++)
		if (!SQL_SUCCEEDED(SQLBindParameter(r->h, (SQLUSMALLINT)i, SQL_PARAM_INPUT, SQL_C_CHAR,
				SQL_LONGVARCHAR, r->qcap, 0, r->qtext, (SQLLEN)r->qcap, &r->qind)))
			bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLBindParameter");
	if (limit && !SQL_SUCCEEDED(SQLBindParameter(r->h, (SQLUSMALLINT)(nvec + 1),
			SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 0, 0, &k, 0, &kind)))
		bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLBindParameter");
}

/* Reads column 2 of the current row whole as text; returns its length. */
static size_t raw_get_text(raw_knn *r)
{
	size_t len = 0;

	for (;;) {
		SQLLEN ind = 0;
		SQLRETURN rc = SQLGetData(r->h, 2, SQL_C_CHAR, r->text + len, (SQLLEN)(r->cap - len),
			&ind);

		if (rc == SQL_NO_DATA)
			return len;
		if (!SQL_SUCCEEDED(rc))
			bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLGetData");
		if (ind == SQL_NULL_DATA)
			return 0;
		if (rc == SQL_SUCCESS_WITH_INFO && (ind == SQL_NO_TOTAL || (size_t)ind >= r->cap - len)) {
			len = r->cap - 1;
			r->cap *= 2;
			if (!(r->text = realloc(r->text, r->cap)))
				exit(1);
			continue;
		}
		return len + (size_t)ind;
	}
}

/* One raw k-NN call: format the query, execute, read the k rows; returns the rows read. */
static size_t raw_call(raw_knn *r, const float *q, size_t dim, double *sum)
{
	size_t rows = 0;

	r->qind = (SQLLEN)pgv_vector_format(q, dim, r->qtext, r->qcap);
	if (!SQL_SUCCEEDED(SQLExecute(r->h)))
		bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLExecute");
	for (;;) {
		SQLBIGINT id = 0;
		double dist = 0;
		SQLLEN ind = 0;
		SQLRETURN rc = SQLFetch(r->h);
		char *p, *end;
		size_t n = 0;

		if (rc == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(rc))
			bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLFetch");
		if (!SQL_SUCCEEDED(SQLGetData(r->h, 1, SQL_C_SBIGINT, &id, 0, &ind)))
			bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLGetData id");
		raw_get_text(r);
		for (p = r->text + 1; *p && *p != '}' && n < r->vcap; p = *end == ',' ? end + 1 : end) {
			r->vec[n++] = strtof(p, &end);
			if (end == p)
				break;
		}
		if (!SQL_SUCCEEDED(SQLGetData(r->h, 3, SQL_C_DOUBLE, &dist, 0, &ind)))
			bench_die_odbc(SQL_HANDLE_STMT, r->h, "SQLGetData distance");
		*sum += dist + (double)id + (n ? r->vec[0] : 0);
		rows++;
	}
	SQLFreeStmt(r->h, SQL_CLOSE);
	return rows;
}

/* Frees a raw statement. */
static void raw_free(raw_knn *r)
{
	SQLFreeHandle(SQL_HANDLE_STMT, r->h);
	free(r->qtext);
	free(r->text);
	free(r->vec);
}

/* One library k-NN call; returns the rows read. */
static size_t lib_call(pgv_conn *c, const pgv_table *t, const float *q, size_t dim,
	double *sum)
{
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t n = 0;
	int rc;

	if (pgv_store_knn(&rows, c, t, PGV_METRIC_L2, q, dim, K) != 0)
		bench_die_conn(c, "pgv_store_knn");
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		*sum += row->distance + (double)row->id + row->vector.data[0];
		n++;
	}
	if (rc != PGV_DONE)
		bench_die_conn(c, "pgv_rows_next");
	pgv_rows_free(rows);
	return n;
}

/* Measures the three ways on a table of `rows` vectors of `dim` dimensions. */
static void bench_table(pgv_conn *c, bench_raw *raw, size_t dim, size_t rows)
{
	static const char *const names[3] = { "raw/same", "raw/issue", "library" };
	char table[64], sql[512];
	float *queries = bench_xmalloc(QUERIES * dim * sizeof(float));
	double *lat[3], med[3], sum[3] = { 0, 0, 0 };
	pgv_table t = PGV_TABLE_INIT;
	raw_knn same, issue;

	snprintf(table, sizeof(table), "pgv_bench_knn_%ld", (long)getpid());
	t.table = table;
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", table);
	bench_exec(c, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (id bigint PRIMARY KEY, embedding vector(%zu))",
		table, dim);
	bench_exec(c, sql);
	bench_load(c, table, dim, rows, 7);
	bench_fill(queries, QUERIES * dim, 99);
	/* the library's SQL, as pgv_store_knn builds it for this table */
	snprintf(sql, sizeof(sql), "SELECT \"id\", \"embedding\"::float4[], \"embedding\" <-> "
		"?::vector FROM \"%s\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?\n", table);
	raw_prepare(&same, raw, sql, 1, 1, dim);
	snprintf(sql, sizeof(sql), "SELECT id, embedding::float4[], embedding <-> ?::vector FROM %s "
		"ORDER BY embedding <-> ?::vector LIMIT %d", table, K);
	raw_prepare(&issue, raw, sql, 2, 0, dim);
	for (int w = 0; w < 3; w++)
		lat[w] = bench_xmalloc(CALLS * sizeof(double));
	for (int i = -10; i < CALLS; i++) { /* 10 warm-up rounds */
		const float *q = queries + (size_t)((i + 10) % QUERIES) * dim;

		for (int w = 0; w < 3; w++) {
			double t0 = bench_now();
			size_t n = w == 0 ? raw_call(&same, q, dim, &sum[w])
				: w == 1 ? raw_call(&issue, q, dim, &sum[w]) : lib_call(c, &t, q, dim, &sum[w]);

			if (n != K) {
				fprintf(stderr, "bench_knn: %s read %zu rows, not %d\n", names[w], n, K);
				exit(1);
			}
			if (i >= 0)
				lat[w][i] = bench_now() - t0;
		}
	}
	if (sum[0] != sum[2])
		fprintf(stderr, "bench_knn: note: raw and library results differ (ties?)\n");
	for (int w = 0; w < 3; w++) {
		med[w] = bench_median(lat[w], CALLS);
		printf("%-10s %6zu %7zu %4d %12.3f\n", names[w], dim, rows, K, med[w] * 1e3);
		free(lat[w]);
	}
	printf("  library vs raw/same:  %.3f vs %.3f ms = %5.3fx (target <= 1.05)\n", med[2] * 1e3,
		med[0] * 1e3, med[2] / med[0]);
	printf("  library vs raw/issue: %.3f vs %.3f ms = %5.3fx\n", med[2] * 1e3, med[1] * 1e3,
		med[2] / med[1]);
	fflush(stdout);
	raw_free(&same);
	raw_free(&issue);
	free(queries);
	snprintf(sql, sizeof(sql), "DROP TABLE %s", table);
	bench_exec(c, sql);
}

int main(int argc, char **argv)
{
	pgv_conn *c = NULL;
	bench_raw raw;
	const char *dsn = bench_connect_both("bench_knn", argc, argv, &c, &raw);

	printf("bench_knn on %s: median latency of %d calls each, k = %d, l2, calls interleaved\n",
		dsn, CALLS, K);
	printf("%-10s %6s %7s %4s %12s\n", "way", "dim", "rows", "k", "median ms");
	bench_table(c, &raw, 128, 10000);
	bench_table(c, &raw, 128, 1000);
	bench_raw_close(&raw);
	pgv_conn_close(c);
	return 0;
}
