/*
 * bench_upsert: rows per second, and client CPU per row, of the ways to upsert vectors on one
 * server, against the library's pgv_store_upsert.
 *
 *   bench_upsert [--all] [DSN [DIM [ROWS]]]  (default: $PGVODBC_DSN; 4, 128 and 1536
 *                                            dimensions, or DIM alone; ROWS instead of 5000,
 *                                            3000 or 500)
 *
 * Strategies, each run inside one transaction unless named autocommit (--all adds the first
 * two, which are an order of magnitude slower; multi-row VALUES, measured before, was slower
 * than unnest and parameter arrays at every size):
 *   row/autocommit   one INSERT ... ON CONFLICT per row, autocommit
 *   row/txn          the same, all rows in one transaction
 *   unnest/B         unnest(?::bigint[], ?::vector[]): two text parameters per B rows
 *   paramarray/B     ODBC parameter arrays (SQL_ATTR_PARAMSET_SIZE = B, column-wise), raw ODBC
 *   libpq-pipe/B     libpq pipeline mode: PQsendQueryParams of INSERT ... VALUES ($1,$2::vector)
 *                    ON CONFLICT per row, text parameters, PQpipelineSync every B rows, one
 *                    transaction (built when CMake finds libpq; server, port, database, user and
 *                    password from the driver's completed connection string for the DSN)
 *   libpq-pipe-hex/B the same with the text the store sends PostgreSQL: exact hexadecimal
 *                    elements ("[0x86a155p-28,...]"), which the server reads to the same floats
 *   store            pgv_store_upsert itself (the strategy the library chose)
 *   format-only      pgv_vector_format of every row and nothing else: the floor under all of them
 *   format-hex       the same for the hexadecimal text
 * Each figure: the median of RUNS runs into a truncated table (wall time; this process's
 * user+system CPU), runs of all strategies interleaved, text formatted inside the timed region.
 * Then the library's ratios to the best parameter array and to libpq, with the decimal text and
 * with the store's own text (above 1: library faster).
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"

#include "codec/codec.h"

#include <strings.h>
#include <unistd.h>

#if PGVODBC_BENCH_LIBPQ
#include <libpq-fe.h>
#endif

#define RUNS 7
#define SQL_MAX 512

typedef enum strategy {
	ROW_AUTOCOMMIT, ROW_TXN, UNNEST, PARAMARRAY, LIBPQ, LIBPQ_HEX, STORE, FORMAT_ONLY, FORMAT_HEX
} strategy;

static const char *const strategy_names[] = {
	"row/autocommit", "row/txn", "unnest", "paramarray", "libpq-pipe", "libpq-pipe-hex", "store",
	"format-only", "format-hex"
};

/* One measurement to make: a strategy and its batch size (0: not batched). */
typedef struct config {
	strategy s;
	size_t batch;
} config;

static const config configs[] = {
	{ ROW_AUTOCOMMIT, 0 }, { ROW_TXN, 0 }, /* only with --all */
	{ UNNEST, 100 }, { UNNEST, 250 }, { UNNEST, 1000 }, { PARAMARRAY, 100 }, { PARAMARRAY, 1000 },
	{ LIBPQ, 100 }, { LIBPQ, 1000 }, { LIBPQ_HEX, 100 }, { LIBPQ_HEX, 1000 }, { STORE, 0 },
	{ FORMAT_ONLY, 0 }, { FORMAT_HEX, 0 },
};
#define SLOW_CONFIGS 2

/* Everything one dimension's measurements share. */
typedef struct bench {
	pgv_conn *conn;     /* library connection: set-up and the library-level strategies */
	SQLHENV env;        /* raw connection for parameter arrays */
	SQLHDBC dbc;
	char connstr[512];  /* the DSN as a connection string */
#if PGVODBC_BENCH_LIBPQ
	PGconn *pq;         /* libpq connection for the pipeline */
#endif
	char table[64];
	size_t dim;
	size_t rows;
	int64_t *ids;       /* rows ids */
	float *data;        /* rows * dim floats */
	pgv_vector *vecs;   /* rows views into data, for pgv_store_upsert */
} bench;

#define die_conn(b, what) bench_die_conn((b)->conn, (what))
#define exec_or_die(b, sql) bench_exec((b)->conn, (sql))
#define die_odbc bench_die_odbc /* short names, as before bench_util.h */
#define xmalloc bench_xmalloc

/* Row at a time with one prepared statement; `txn` wraps all rows in one transaction. */
static void run_rows(bench *b, int txn)
{
	char sql[SQL_MAX];
	pgv_stmt *st = NULL;

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) VALUES (?, ?::vector) "
		"ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding", b->table);
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
	int64_t written = 0;

	t.table = b->table;
	if (pgv_store_upsert(&written, b->conn, &t, b->ids, b->vecs, b->rows) != 0)
		die_conn(b, "pgv_store_upsert");
	if (written != (int64_t)b->rows) {
		fprintf(stderr, "bench_upsert: store wrote %lld of %zu rows\n", (long long)written, b->rows);
		exit(1);
	}
}

/* Formats every row's vector text and nothing else. */
/* Writes row i's vector text into text (cap bytes): decimal, or the store's hexadecimal. */
static size_t format_row(const bench *b, size_t i, char *text, size_t cap, int hex)
{
	const float *v = b->data + i * b->dim;

	return hex ? pgv__vector_format_hex(v, b->dim, text) : pgv_vector_format(v, b->dim, text, cap);
}

static void run_format_only(bench *b, int hex)
{
	size_t cap = b->dim * PGV_FLOAT_TEXT_MAX + 3;
	char *buf = xmalloc(cap);
	volatile size_t total = 0;

	for (size_t i = 0; i < b->rows; i++)
		total += format_row(b, i, buf, cap, hex);
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
			|| pgv_stmt_column_int64(&n, st, 1) != 0)
		die_conn(b, "count");
	pgv_stmt_free(st);
	return n;
}

#if PGVODBC_BENCH_LIBPQ
/* Stops the program with libpq's message unless `ok`. */
static void pq_check(PGconn *pq, int ok)
{
	if (!ok) {
		fprintf(stderr, "bench_upsert: libpq: %s", PQerrorMessage(pq));
		exit(1);
	}
}

/*
 * Copies the value of `key` (case-insensitive) in a connection string "K1=V1;K2=V2;..." into
 * out[cap]; 0, or -1 when the key is absent (or its value does not fit).
 */
static int connstr_value(const char *s, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);

	while (*s) {
		const char *end = strchr(s, ';'), *eq = strchr(s, '=');

		if (!end)
			end = s + strlen(s);
		if (eq && eq < end && (size_t)(eq - s) == klen && strncasecmp(s, key, klen) == 0) {
			size_t n = (size_t)(end - eq - 1);

			if (n >= cap)
				return -1;
			memcpy(out, eq + 1, n);
			out[n] = '\0';
			return 0;
		}
		s = *end ? end + 1 : end;
	}
	return -1;
}

/* Decodes %XX escapes in place: psqlODBC writes the password that way in its output string. */
static void percent_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		unsigned x;

		if (*s == '%' && sscanf(s + 1, "%2x", &x) == 1) {
			*w++ = (char)x;
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * Connects libpq to the server the DSN names: server, port, database, user and password from
 * the driver's completed connection string (psqlODBC lists them all), so the baseline runs on
 * the embedded server and on a native one alike.  NULL with a note when they cannot be learned.
 */
static PGconn *pq_connect(bench *b)
{
	static const char *const keys[][2] = {
		{ "SERVER", "host" }, { "PORT", "port" }, { "DATABASE", "dbname" },
		{ "UID", "user" }, { "PWD", "password" },
	};
	char done[4096], value[256], conninfo[2048] = "sslmode=disable";
	SQLSMALLINT len = 0;
	SQLHDBC dbc;
	PGconn *pq;

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, b->env, &dbc)))
		die_odbc(SQL_HANDLE_ENV, b->env, "SQLAllocHandle(DBC)");
	if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, NULL, (SQLCHAR *)b->connstr, SQL_NTS,
			(SQLCHAR *)done, sizeof(done), &len, SQL_DRIVER_NOPROMPT)))
		die_odbc(SQL_HANDLE_DBC, dbc, "connect for the libpq settings");
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t at = strlen(conninfo);

		if (connstr_value(done, keys[i][0], value, sizeof(value)) != 0) {
			fprintf(stderr, "bench_upsert: no %s in the driver's connection string: libpq "
				"baseline skipped\n", keys[i][0]);
			return NULL;
		}
		if (strcmp(keys[i][0], "PWD") == 0)
			percent_decode(value);
		/* libpq's quoting: '...' with \\ and \' escaped */
		at += (size_t)snprintf(conninfo + at, sizeof(conninfo) - at, " %s='", keys[i][1]);
		for (const char *v = value; *v && at + 3 < sizeof(conninfo); v++) {
			if (*v == '\'' || *v == '\\')
				conninfo[at++] = '\\';
			conninfo[at++] = *v;
		}
		snprintf(conninfo + at, sizeof(conninfo) - at, "'");
	}
	pq = PQconnectdb(conninfo);
	pq_check(pq, PQstatus(pq) == CONNECTION_OK);
	return pq;
}

/* Reads the results of one pipeline batch (each query, then the sync) or stops. */
static void pq_consume(PGconn *pq, size_t queries)
{
	PGresult *res;

	for (size_t i = 0; i < queries; i++) {
		res = PQgetResult(pq);
		pq_check(pq, res && PQresultStatus(res) == PGRES_COMMAND_OK);
		PQclear(res);
		pq_check(pq, PQgetResult(pq) == NULL); /* the NULL that ends each query's results */
	}
	res = PQgetResult(pq);
	pq_check(pq, res && PQresultStatus(res) == PGRES_PIPELINE_SYNC);
	PQclear(res);
}

/*
 * libpq pipeline: one INSERT ... ON CONFLICT per row, a sync every `batch` rows, one txn; the
 * vectors as decimal text, or as the store's hexadecimal text with `hex`.
 */
static void run_libpq(bench *b, size_t batch, int hex)
{
	char sql[SQL_MAX], id[24];
	size_t cap = b->dim * PGV_FLOAT_TEXT_MAX + 3;
	char *text = xmalloc(cap);
	const char *values[2] = { id, text };

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) VALUES ($1, $2::vector) "
		"ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding", b->table);
	pq_check(b->pq, PQenterPipelineMode(b->pq) == 1 && PQsendQueryParams(b->pq, "BEGIN", 0,
		NULL, NULL, NULL, NULL, 0) == 1);
	for (size_t at = 0; at < b->rows; at += batch) {
		size_t n = b->rows - at < batch ? b->rows - at : batch;

		for (size_t i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "%lld", (long long)b->ids[at + i]);
			format_row(b, at + i, text, cap, hex);
			pq_check(b->pq, PQsendQueryParams(b->pq, sql, 2, NULL, values, NULL, NULL, 0)
				== 1);
		}
		n += at == 0; /* the BEGIN */
		if (at + batch >= b->rows) {
			pq_check(b->pq, PQsendQueryParams(b->pq, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)
				== 1);
			n++;
		}
		pq_check(b->pq, PQpipelineSync(b->pq) == 1);
		pq_consume(b->pq, n);
	}
	PQexitPipelineMode(b->pq);
	free(text);
}
#endif

/* One measured configuration: medians of rows/s and of client CPU seconds per row. */
typedef struct result {
	double rows_per_s;
	double cpu_per_row;
} result;

/* Runs one configuration once into a truncated table: wall and CPU seconds into *t, *cpu. */
static void run_once(bench *b, const config *cf, double *t, double *cpu)
{
	char sql[SQL_MAX];
	double t0, c0;

	snprintf(sql, sizeof(sql), "TRUNCATE %s", b->table);
	exec_or_die(b, sql);
	t0 = bench_now();
	c0 = bench_cpu();
	switch (cf->s) {
	case ROW_AUTOCOMMIT: run_rows(b, 0); break;
	case ROW_TXN: run_rows(b, 1); break;
	case UNNEST: run_unnest(b, cf->batch); break;
	case PARAMARRAY: run_paramarray(b, cf->batch); break;
#if PGVODBC_BENCH_LIBPQ
	case LIBPQ: run_libpq(b, cf->batch, 0); break;
	case LIBPQ_HEX: run_libpq(b, cf->batch, 1); break;
#else
	case LIBPQ: case LIBPQ_HEX: break;
#endif
	case STORE: run_store(b); break;
	case FORMAT_ONLY: run_format_only(b, 0); break;
	case FORMAT_HEX: run_format_only(b, 1); break;
	}
	*t = bench_now() - t0;
	*cpu = bench_cpu() - c0;
	if (count_rows(b) != (cf->s == FORMAT_ONLY || cf->s == FORMAT_HEX ? 0 : (int64_t)b->rows)) {
		fprintf(stderr, "bench_upsert: %s wrote the wrong number of rows\n",
			strategy_names[cf->s]);
		exit(1);
	}
}

/* Fills ids 1..rows and deterministic pseudo-random floats in [-1, 1). */
static void fill(bench *b)
{
	b->ids = xmalloc(b->rows * sizeof(*b->ids));
	b->data = xmalloc(b->rows * b->dim * sizeof(float));
	b->vecs = xmalloc(b->rows * sizeof(*b->vecs));
	for (size_t i = 0; i < b->rows; i++) {
		b->ids[i] = (int64_t)i + 1;
		b->vecs[i].dim = b->dim;
		b->vecs[i].data = b->data + i * b->dim;
	}
	bench_fill(b->data, b->rows * b->dim, b->dim);
}

/* Prints the library's ratio to a baseline (rows/s, and client CPU per row). */
static void print_ratio(const char *what, const result *lib, const result *base)
{
	if (base->rows_per_s <= 0)
		return;
	printf("  store vs %-20s rows/s %10.0f vs %10.0f = %5.2fx   CPU/row %8.1f vs %8.1f us = "
		"%5.2fx\n", what, lib->rows_per_s, base->rows_per_s, lib->rows_per_s / base->rows_per_s,
		lib->cpu_per_row * 1e6, base->cpu_per_row * 1e6, lib->cpu_per_row / base->cpu_per_row);
}

/*
 * Measures every configuration for one dimension and prints its lines and the ratios.  The runs
 * are interleaved (run 1 of every configuration, then run 2, ...), so that a shared, noisy
 * machine slows every configuration alike rather than whichever ran during a busy spell.
 */
static void bench_dim(bench *b, size_t dim, size_t rows, int all)
{
	enum { NCONF = sizeof(configs) / sizeof(configs[0]) };
	char sql[SQL_MAX], name[NCONF][32], best_pa[32] = "", best_pq[32] = "", best_hex[32] = "";
	double t[NCONF][RUNS], cpu[NCONF][RUNS];
	result r[NCONF], lib = { 0, 0 }, pa = { 0, 0 }, pq = { 0, 0 }, pqh = { 0, 0 };
	config use[NCONF];
	int on[NCONF];

	b->dim = dim;
	b->rows = rows;
	fill(b);
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", b->table);
	exec_or_die(b, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (id bigint PRIMARY KEY, embedding vector(%zu))",
		b->table, dim);
	exec_or_die(b, sql);
	for (size_t i = 0; i < NCONF; i++) {
		const config *cf = &configs[i];

		use[i].s = cf->s;
		use[i].batch = cf->batch > rows ? rows : cf->batch;
		on[i] = i >= (all ? 0 : SLOW_CONFIGS);
#if PGVODBC_BENCH_LIBPQ
		on[i] = on[i] && ((cf->s != LIBPQ && cf->s != LIBPQ_HEX) || b->pq);
#else
		on[i] = on[i] && cf->s != LIBPQ && cf->s != LIBPQ_HEX;
#endif
		/* the same as the previous line at this row count */
		if (cf->batch > rows && i > 0 && configs[i - 1].s == cf->s && configs[i - 1].batch >= rows)
			on[i] = 0;
		if (use[i].batch)
			snprintf(name[i], sizeof(name[i]), "%s/%zu", strategy_names[cf->s], use[i].batch);
		else
			snprintf(name[i], sizeof(name[i]), "%s", strategy_names[cf->s]);
	}
	for (int k = 0; k < RUNS; k++)
		for (size_t i = 0; i < NCONF; i++)
			if (on[i])
				run_once(b, &use[i], &t[i][k], &cpu[i][k]);
	for (size_t i = 0; i < NCONF; i++) {
		if (!on[i])
			continue;
		r[i].rows_per_s = (double)rows / bench_median(t[i], RUNS);
		r[i].cpu_per_row = bench_median(cpu[i], RUNS) / (double)rows;
		printf("%-20s %6zu %7zu %12.0f %10.2f %10.1f\n", name[i], dim, rows, r[i].rows_per_s,
			rows / r[i].rows_per_s * 1000, r[i].cpu_per_row * 1e6);
		if (use[i].s == STORE)
			lib = r[i];
		if (use[i].s == PARAMARRAY && r[i].rows_per_s > pa.rows_per_s) {
			pa = r[i];
			snprintf(best_pa, sizeof(best_pa), "%s", name[i]);
		}
		if (use[i].s == LIBPQ && r[i].rows_per_s > pq.rows_per_s) {
			pq = r[i];
			snprintf(best_pq, sizeof(best_pq), "%s", name[i]);
		}
		if (use[i].s == LIBPQ_HEX && r[i].rows_per_s > pqh.rows_per_s) {
			pqh = r[i];
			snprintf(best_hex, sizeof(best_hex), "%s", name[i]);
		}
	}
	print_ratio(best_pa, &lib, &pa);
	print_ratio(best_pq, &lib, &pq);
	print_ratio(best_hex, &lib, &pqh);
	fflush(stdout);
	snprintf(sql, sizeof(sql), "DROP TABLE %s", b->table);
	exec_or_die(b, sql);
	free(b->ids);
	free(b->data);
	free(b->vecs);
}

int main(int argc, char **argv)
{
	int all = argc > 1 && strcmp(argv[1], "--all") == 0;
	const char *dsn = argc > 1 + all ? argv[1 + all] : getenv("PGVODBC_DSN");
	long only = argc > 2 + all ? strtol(argv[2 + all], NULL, 10) : 0;
	long rows = argc > 3 + all ? strtol(argv[3 + all], NULL, 10) : 0;
	bench_raw raw;
	bench b;

	if (!dsn || !*dsn) {
		fprintf(stderr, "usage: bench_upsert [--all] DSN [DIM [ROWS]] (or set "
			"PGVODBC_DSN)\n");
		return 2;
	}
	if (only < 0 || only > 16000) {
		fprintf(stderr, "bench_upsert: dimension \"%s\" is not 1 to 16000\n", argv[2 + all]);
		return 2;
	}
	if (rows < 0 || rows > 1000000) {
		fprintf(stderr, "bench_upsert: rows \"%s\" is not 1 to 1000000\n", argv[3 + all]);
		return 2;
	}
	memset(&b, 0, sizeof(b));
	if (pgv_conn_open(&b.conn, dsn) != 0)
		die_conn(&b, "connect");
	bench_raw_connect(&raw, dsn);
	b.env = raw.env;
	b.dbc = raw.dbc;
	snprintf(b.connstr, sizeof(b.connstr), strchr(dsn, '=') ? "%s" : "DSN=%s;", dsn);
#if PGVODBC_BENCH_LIBPQ
	b.pq = pq_connect(&b);
#endif
	snprintf(b.table, sizeof(b.table), "pgv_bench_upsert_%ld", (long)getpid());
	exec_or_die(&b, "CREATE EXTENSION IF NOT EXISTS vector");

	printf("bench_upsert on %s: median of %d runs, each into a truncated table\n", dsn, RUNS);
	printf("%-20s %6s %7s %12s %10s %10s\n", "strategy", "dim", "rows", "rows/s", "ms",
		"cpu us/row");
	if (only) {
		bench_dim(&b, (size_t)only, rows ? (size_t)rows : only < 128 ? 5000 : only < 1536 ? 3000
			: 500, all);
	} else {
		bench_dim(&b, 4, rows ? (size_t)rows : 5000, all);
		bench_dim(&b, 128, rows ? (size_t)rows : 3000, all);
		bench_dim(&b, 1536, rows ? (size_t)rows : 500, all);
	}

#if PGVODBC_BENCH_LIBPQ
	PQfinish(b.pq);
#endif
	bench_raw_close(&raw);
	pgv_conn_close(b.conn);
	return 0;
}
