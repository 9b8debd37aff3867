/*
 * Integration test support: connection, isolation per backend, extension, per-test tables,
 * shared small checks.
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "testdb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int skipped;

/* On SQLite: $ODBCINI as the process started with, while setup points ODBCINI at its copy. */
static char original_odbcini[1024];

void testdb_note_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("skipped: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	skipped = 1;
}

int testdb_run(int cmocka_result)
{
	if (cmocka_result != 0)
		return cmocka_result;
	return skipped ? TESTDB_SKIP_CODE : 0;
}

const char *testdb_dsn(void)
{
	const char *dsn = getenv("PGVODBC_TEST_DSN");

	if (!dsn || !*dsn)
		fail_msg("PGVODBC_TEST_DSN is not set: run integration tests through ctest, "
			"which starts the embedded server");
	return dsn;
}

/* Copies s without the blanks around it into buf. */
static void trimmed(const char *s, size_t n, char *buf, size_t cap)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	snprintf(buf, cap, "%.*s", (int)n, s);
}

/* testdb_dsn_key in the ini file at `path` (NULL: none). */
static int dsn_key_in(const char *path, const char *dsn, const char *key, char *buf, size_t cap)
{
	char line[1024], name[256];
	int in_section = 0, found = 0;
	FILE *f;

	if (!path || !(f = fopen(path, "r")))
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *eq;

		if (line[0] == '[') {
			char *end = strchr(line, ']');
			trimmed(line + 1, end ? (size_t)(end - line - 1) : 0, name, sizeof(name));
			in_section = strcasecmp(name, dsn) == 0;
			continue;
		}
		if (!in_section || line[0] == ';' || line[0] == '#' || !(eq = strchr(line, '=')))
			continue;
		trimmed(line, (size_t)(eq - line), name, sizeof(name));
		if (strcasecmp(name, key) == 0) {
			trimmed(eq + 1, strlen(eq + 1), buf, cap);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

int testdb_dsn_key(const char *dsn, const char *key, char *buf, size_t cap)
{
	return dsn_key_in(getenv("ODBCINI"), dsn, key, buf, cap);
}

pgv_backend testdb_backend(void)
{
	const char *env = getenv("PGVODBC_TEST_BACKEND");
	char driver[256];

	if (env && *env) {
		if (strcmp(env, "sqlite") == 0)
			return PGV_BACKEND_SQLITE;
		if (strcmp(env, "postgresql") == 0)
			return PGV_BACKEND_POSTGRESQL;
		fail_msg("PGVODBC_TEST_BACKEND is \"%s\", not postgresql or sqlite", env);
	}
	if (!testdb_dsn_key(testdb_dsn(), "Driver", driver, sizeof(driver)))
		return PGV_BACKEND_POSTGRESQL;
	for (size_t i = 0; driver[i]; i++)
		if (strncasecmp(driver + i, "sqlite", 6) == 0)
			return PGV_BACKEND_SQLITE;
	return PGV_BACKEND_POSTGRESQL;
}

/* Whether `list` (NULL-terminated, or NULL) holds `name`. */
static int listed(const char *const *list, const char *name)
{
	for (const char *const *p = list; p && *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

/* Whether every name of `list` is a test of the group; names the first that is not. */
static int all_known(const char *group, const char *const *list, const struct CMUnitTest *tests,
	size_t n)
{
	for (const char *const *p = list; p && *p; p++) {
		size_t i = 0;

		while (i < n && strcmp(tests[i].name, *p) != 0)
			i++;
		if (i == n) {
			fprintf(stderr, "%s: a backend's list names %s, which is not a test here\n", group,
				*p);
			return 0;
		}
	}
	return 1;
}

int testdb_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
	CMFixtureFunction setup, CMFixtureFunction teardown, const char *const *postgresql_only,
	const char *const *sqlite_only)
{
	pgv_backend backend = testdb_backend();
	const char *const *others = backend == PGV_BACKEND_SQLITE ? postgresql_only : sqlite_only;
	struct CMUnitTest *run;
	size_t kept = 0;
	int rc;

	if (!all_known(name, postgresql_only, tests, n) || !all_known(name, sqlite_only, tests, n))
		return 1;
	if (!(run = calloc(n ? n : 1, sizeof(*run)))) {
		fputs("out of memory\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (listed(others, tests[i].name))
			fprintf(stderr, "not in the %s suite (%s only): %s\n", pgv_backend_name(backend),
				others == postgresql_only ? "postgresql" : "sqlite", tests[i].name);
		else
			run[kept++] = tests[i];
	}
	rc = _cmocka_run_group_tests(name, run, kept, setup, teardown);
	free(run);
	return testdb_run(rc);
}

int testdb_port(void)
{
	const char *dir = getenv("ODBCSYSINI");
	char path[1024];
	FILE *f;
	int port = 0;

	if (!dir)
		fail_msg("ODBCSYSINI is not set");
	snprintf(path, sizeof(path), "%s/port", dir);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	if (fscanf(f, "%d", &port) != 1)
		port = 0;
	fclose(f);
	if (port <= 0)
		fail_msg("no port in %s", path);
	return port;
}

void testdb_assert_status(pgv_conn *conn, int rc, int want, const char *file, int line)
{
	if (rc == want)
		return;
	{
		const pgv_error *e = pgv_conn_error(conn);
		fail_msg("%s:%d: got %s, want %s; error: [%s] %s (in %s)", file, line,
			pgv_status_name(rc), pgv_status_name(want), e->sqlstate, e->message,
			e->operation);
	}
}

void testdb_exec(testdb *db, const char *sql)
{
	int rc = pgv_conn_exec(db->conn, sql);
	if (rc != 0) {
		const pgv_error *e = pgv_conn_error(db->conn);
		fail_msg("exec failed: %s\n  sql: %s\n  error: %s [%s] %s", pgv_status_name(rc), sql,
			e->operation, e->sqlstate, e->message);
	}
}

int64_t testdb_query_int(testdb *db, const char *sql)
{
	pgv_stmt *st = NULL;
	int64_t v = 0;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_int64(&v, st, 1), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	pgv_stmt_free(st);
	return v;
}

/* Writes the program's name (lowercase letters, digits and '_', at most 24) into buf. */
static void program_name(char *buf, size_t cap)
{
	char comm[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");
	size_t n = 0;

	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	for (const char *p = comm; *p && n + 1 < cap && n < 24; p++) {
		char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')
			buf[n++] = ch;
	}
	if (n == 0)
		n = (size_t)snprintf(buf, cap, "test");
	buf[n] = '\0';
}

/* The search_path of the test's connections: its schema, then the vector extension's. */
static void search_path(testdb *db, char *out, size_t cap)
{
	char ext[64] = "public";

	if (testdb_query_int(db, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") > 0)
		testdb_query_text(db, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
			"ON n.oid = e.extnamespace WHERE e.extname = 'vector'", ext, sizeof(ext));
	snprintf(out, cap, "%s,%s", db->schema, ext); /* no space: PGOPTIONS splits at spaces */
}

static void enter_schema(testdb *db, pgv_conn *c)
{
	char path[160], sql[192];
	testdb other = { .conn = c, .backend = PGV_BACKEND_POSTGRESQL };

	search_path(db, path, sizeof(path));
	snprintf(sql, sizeof(sql), "SET search_path = %s", path);
	testdb_exec(&other, sql);
}

/*
 * Writes "<dir>/pgvt_<program>_<pid><suffix>" into buf, dir being that of the Database file the
 * DSN names in the original $ODBCINI.
 */
static void sqlite_path(const char *suffix, char *buf, size_t cap)
{
	char db[1024], name[32];
	char *slash;

	if (!dsn_key_in(original_odbcini, testdb_dsn(), "Database", db, sizeof(db)))
		fail_msg("the SQLite DSN %s names no Database in %s", testdb_dsn(), original_odbcini);
	slash = strrchr(db, '/');
	if (slash)
		slash[1] = '\0';
	else
		db[0] = '\0';
	program_name(name, sizeof(name));
	snprintf(buf, cap, "%spgvt_%s_%ld%s", db, name, (long)getpid(), suffix);
}

/* Deletes this program's database file and what SQLite keeps beside it; a missing one is fine. */
static void sqlite_remove_files(void)
{
	static const char *const suffixes[] = { ".db", ".db-wal", ".db-shm", ".db-journal", ".ini" };
	char path[1100];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sqlite_path(suffixes[i], path, sizeof(path));
		unlink(path);
	}
}

/*
 * Points ODBCINI at a copy of the original whose section of the DSN under test has
 * Database=<this program's own file>, after deleting any file a killed run of the same pid left.
 */
static void sqlite_enter(void)
{
	char ini[1100], db[1100], line[1024], name[256];
	const char *env = getenv("ODBCINI");
	FILE *in, *out;
	int in_section = 0, wrote = 0;

	if (!original_odbcini[0]) {
		if (!env || !*env)
			fail_msg("ODBCINI is not set: run integration tests through ctest");
		snprintf(original_odbcini, sizeof(original_odbcini), "%s", env);
	}
	sqlite_remove_files();
	sqlite_path(".ini", ini, sizeof(ini));
	sqlite_path(".db", db, sizeof(db));
	if (!(in = fopen(original_odbcini, "r")))
		fail_msg("cannot read %s", original_odbcini);
	if (!(out = fopen(ini, "w"))) {
		fclose(in);
		fail_msg("cannot write %s", ini);
	}
	while (fgets(line, sizeof(line), in)) {
		const char *eq = strchr(line, '=');

		if (line[0] == '[') {
			const char *end = strchr(line, ']');
			trimmed(line + 1, end ? (size_t)(end - line - 1) : 0, name, sizeof(name));
			in_section = strcasecmp(name, testdb_dsn()) == 0;
		} else if (in_section && eq && line[0] != ';' && line[0] != '#') {
			trimmed(line, (size_t)(eq - line), name, sizeof(name));
			if (strcasecmp(name, "Database") == 0) {
				fprintf(out, "Database=%s\n", db);
				wrote = 1;
				continue;
			}
		}
		fputs(line, out);
	}
	fclose(in);
	if (fclose(out) != 0 || !wrote)
		fail_msg("could not write %s with the DSN %s's Database", ini, testdb_dsn());
	setenv("ODBCINI", ini, 1);
}

/* Undoes sqlite_enter: the program's files deleted, ODBCINI back to the original. */
static void sqlite_leave(void)
{
	if (!original_odbcini[0])
		return;
	sqlite_remove_files();
	setenv("ODBCINI", original_odbcini, 1);
}

int testdb_setup(void **state)
{
	testdb *db = calloc(1, sizeof(*db));
	char name[32], sql[192], path[160], options[192];
	int rc;

	assert_non_null(db);
	*state = db; /* first: a failure below still reaches teardown, which closes what is open */
	db->backend = testdb_backend();
	if (db->backend == PGV_BACKEND_SQLITE)
		sqlite_enter();
	rc = pgv_conn_open(&db->conn, testdb_dsn());
	assert_pgv(db->conn, rc, PGV_OK);
	if (pgv_conn_backend(db->conn) != db->backend)
		fail_msg("the library sees the DSN %s as %s, the test as %s", testdb_dsn(),
			pgv_backend_name(pgv_conn_backend(db->conn)), pgv_backend_name(db->backend));
	if (db->backend == PGV_BACKEND_SQLITE)
		return 0; /* a file of its own: no schema, and sqlite-vec comes with the DSN */
	if (testdb_query_int(db, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == 0) {
		testdb_exec(db, "CREATE EXTENSION vector");
		db->created_extension = 1;
	}
	program_name(name, sizeof(name));
	snprintf(db->schema, sizeof(db->schema), "pgvt_%s_%ld", name, (long)getpid());
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", db->schema);
	testdb_exec(db, sql);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", db->schema);
	testdb_exec(db, sql);
	search_path(db, path, sizeof(path));
	snprintf(options, sizeof(options), "-c search_path=%s", path);
	setenv("PGOPTIONS", options, 1);
	enter_schema(db, db->conn);
	return 0;
}

void testdb_open(testdb *db, pgv_conn **out)
{
	*out = NULL;
	assert_pgv(*out, pgv_conn_open(out, testdb_dsn()), PGV_OK);
	if (db->backend != PGV_BACKEND_SQLITE)
		enter_schema(db, *out);
}

int testdb_teardown(void **state)
{
	testdb *db = *state;
	char sql[128];

	if (!db)
		return 0;
	if (db->conn) {
		if (pgv_conn_in_transaction(db->conn))
			pgv_conn_rollback(db->conn);
		/*
		 * A test that failed half-way may have left another connection of its own holding a
		 * lock on its tables: the drops then fail after a while instead of waiting forever.
		 */
		if (db->backend != PGV_BACKEND_SQLITE)
			testdb_exec(db, "SET lock_timeout = '30s'");
		/* on SQLite the tables go with the program's database file (sqlite_leave) */
		for (int i = db->backend == PGV_BACKEND_SQLITE ? -1 : db->ntables - 1; i >= 0; i--) {
			snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", db->tables[i]);
			testdb_exec(db, sql);
		}
		if (db->schema[0]) {
			snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", db->schema);
			testdb_exec(db, sql);
			/* the embedded server's one session outlives this program */
			testdb_exec(db, "RESET search_path");
			testdb_exec(db, "RESET lock_timeout");
		}
		if (db->created_extension)
			testdb_exec(db, "DROP EXTENSION IF EXISTS vector");
		pgv_conn_close(db->conn);
	}
	if (db->backend == PGV_BACKEND_SQLITE)
		sqlite_leave();
	unsetenv("PGOPTIONS");
	free(db);
	*state = NULL;
	return 0;
}

void testdb_create_table(testdb *db, const char *prefix, const char *columns, char name[64])
{
	char sql[512];

	assert_true(db->ntables < 16);
	snprintf(name, 64, "pgvt_%s_%ld_%d", prefix, (long)getpid(), db->ntables);
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", name);
	testdb_exec(db, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (%s)", name, columns);
	testdb_exec(db, sql);
	memcpy(db->tables[db->ntables++], name, 64);
}

uint64_t testdb_rand(uint64_t *seed)
{
	uint64_t x = *seed;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*seed = x;
	return x * 0x2545F4914F6CDD1DULL;
}

float testdb_random_float(uint64_t *seed)
{
	for (;;) {
		uint32_t bits = (uint32_t)(testdb_rand(seed) >> 32);
		float f;

		memcpy(&f, &bits, sizeof(f));
		if ((bits & 0x7f800000u) != 0x7f800000u)
			return f;
	}
}

pgv_table testdb_table(const char *table, pgv_type type)
{
	pgv_table t = PGV_TABLE_INIT;

	t.table = table;
	t.type = type;
	return t;
}

void testdb_assert_message(pgv_conn *conn, const char *part, const char *file, int line)
{
	const char *m = pgv_conn_error(conn)->message;

	if (!strstr(m, part))
		fail_msg("%s:%d: message \"%s\" lacks \"%s\"", file, line, m, part);
}

void testdb_query_text(testdb *db, const char *sql, char *out, size_t cap)
{
	pgv_stmt *st = NULL;
	const char *text = NULL;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_text(&text, NULL, st, 1), PGV_OK);
	snprintf(out, cap, "%s", text);
	pgv_stmt_free(st);
}

void testdb_show_is(testdb *db, const char *name, const char *want)
{
	char sql[96], got[64];

	snprintf(sql, sizeof(sql), "SHOW %s", name);
	testdb_query_text(db, sql, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("SHOW %s: \"%s\", want \"%s\"", name, got, want);
}

size_t testdb_list_all(testdb *db, const pgv_table *t, const pgv_fetch_opts *opts,
	int64_t *ids, pgv_vector *vecs, int *nulls, size_t cap)
{
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t n = 0;
	int rc;

	assert_pgv(db->conn, pgv_store_list_ext(&rows, db->conn, t, opts), PGV_OK);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		assert_true(n < cap);
		ids[n] = row->id;
		nulls[n] = row->vector_is_null;
		assert_int_equal(pgv_vector_copy(&vecs[n], &row->vector), 0);
		n++;
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE); /* stays done */
	pgv_rows_free(rows);
	return n;
}

double testdb_sqrt(double x)
{
	double r = x > 1 ? x : 1;

	if (x <= 0)
		return 0;
	for (;;) {
		double next = 0.5 * (r + x / r);
		if (next >= r)
			return r;
		r = next;
	}
}

double testdb_distance(const testdb *db, double d)
{
	return db->backend == PGV_BACKEND_SQLITE ? (double)(float)d : d;
}

const char *testdb_vec_fn(const testdb *db)
{
	return db->backend == PGV_BACKEND_SQLITE ? "vec_f32" : "";
}

int64_t testdb_count_tables(testdb *db, const char *like)
{
	char sql[256];

	snprintf(sql, sizeof(sql), db->backend == PGV_BACKEND_SQLITE
		? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '%s'"
		: "SELECT count(*) FROM pg_class WHERE relname LIKE '%s' AND relkind = 'r' "
		  "AND pg_table_is_visible(oid)", like);
	return testdb_query_int(db, sql);
}

int testdb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

const char *testdb_sql(const testdb *db, const char *postgresql, const char *sqlite)
{
	return db->backend == PGV_BACKEND_SQLITE ? sqlite : postgresql;
}

int testdb_column_vector(const testdb *db, pgv_vector *out, pgv_stmt *st, int col)
{
	return db->backend == PGV_BACKEND_SQLITE ? pgv_stmt_column_vector_f32(out, st, col)
		: pgv_stmt_column_vector(out, st, col);
}
