/*
 * `pgvodbc info`: what the connection gives, as the driver and the server report it (nothing
 * assumed): the driver and its version, the driver settings in effect, the server's version, the
 * pgvector version, and which vector types, metrics, index methods and search settings the
 * server has.  Text is one "key: value" line each; --json one object with the same keys.  On
 * SQLite the same keys where they apply, from sqlite_version(), vec_version() and the function
 * list (sqlite-vec has no index methods or search settings).
 */
#include "cli.h"

#include <string.h>

/* The SQL of this command. */
static const char SQL_SERVER_VERSION[] =
	"SELECT current_setting('server_version'), current_setting('server_version_num')";
static const char SQL_AVAILABLE_VECTOR[] =
	"SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'vector'";
/* pgvector's operators by the types they take: a type is usable when it has one (bit is a
 * core type, but pgvector 0.7.0 added its <~> and <%>) */
static const char SQL_OPERATORS[] =
	"SELECT DISTINCT t.typname, o.oprname FROM pg_catalog.pg_operator o "
	"JOIN pg_catalog.pg_type t ON t.oid = o.oprleft "
	"WHERE o.oprright = o.oprleft AND t.typname IN ('vector', 'halfvec', 'sparsevec', 'bit') "
	"AND o.oprname IN ('<->', '<#>', '<=>', '<+>', '<~>', '<%>')";
static const char SQL_INDEX_METHODS[] =
	"SELECT amname FROM pg_catalog.pg_am WHERE amtype = 'i' AND amname IN ('hnsw', 'ivfflat')";
/* pgvector defines its settings when its library loads, which reading a vector does */
static const char SQL_LOAD_VECTOR[] = "SELECT '[1]'::vector IS NULL";
static const char SQL_SEARCH_SETTINGS[] =
	"SELECT name, setting FROM pg_catalog.pg_settings "
	"WHERE name LIKE 'hnsw.%' OR name LIKE 'ivfflat.%' ORDER BY name";

/* SQLite: its version, and sqlite-vec's functions behind each type and metric. */
static const char SQL_SQLITE_VERSION[] = "SELECT sqlite_version(), ''";
static const char SQL_SQLITE_FUNCTIONS[] =
	"SELECT DISTINCT name, '' FROM pragma_function_list WHERE name IN ('vec_f32', 'vec_bit',"
	" 'vec_distance_l2', 'vec_distance_cosine', 'vec_distance_l1', 'vec_distance_hamming')";
static const struct { const char *function, *type, *metric; } SQLITE_FUNCTIONS[] = {
	{ "vec_f32", "vector", NULL }, { "vec_bit", "bit", NULL },
	{ "vec_distance_l2", NULL, "l2" }, { "vec_distance_cosine", NULL, "cosine" },
	{ "vec_distance_l1", NULL, "l1" }, { "vec_distance_hamming", NULL, "hamming" },
};

/* psqlODBC's settings worth knowing, with the keys the report gives them. */
static const struct { const char *driver_key, *key; } DRIVER_SETTINGS[] = {
	{ "UseServerSidePrepare", "use_server_side_prepare" },
	{ "UseDeclareFetch", "use_declare_fetch" },
	{ "Fetch", "fetch" },
	{ "CommLog", "comm_log" },
	{ "Debug", "debug" },
};

/* Types, metrics and index methods in the order the report lists them. */
static const char *const TYPES[] = { "vector", "halfvec", "sparsevec", "bit" };
static const struct { const char *op, *metric; } METRICS[] = {
	{ "<->", "l2" }, { "<#>", "ip" }, { "<=>", "cosine" }, { "<+>", "l1" },
	{ "<~>", "hamming" }, { "<%>", "jaccard" },
};
static const char *const METHODS[] = { "hnsw", "ivfflat" };

/* Whether `s` is a non-empty run of decimal digits (printed as a JSON number). */
static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* One entry: "key: value" in text; "key":value in the JSON object (a number when it is one;
 * NULL: JSON null, text "unknown"). */
static void entry(cli *c, const char *key, const char *value)
{
	if (c->out.json) {
		if (value && all_digits(value))
			out_number_text(&c->out, key, value);
		else
			out_string(&c->out, key, value, "");
		return;
	}
	{
		/* keys are this file's and values a driver's or server's short words */
		char line[1024];

		snprintf(line, sizeof(line), "%s: %s", key, value ? value : "unknown");
		out_text(&c->out, line);
	}
}

/* A list entry of names from a fixed set: a JSON array (built by json.c), or "a, b" text
 * ("none" when empty). */
static void list_entry(cli *c, const char *key, const char *const *names, size_t n)
{
	json_buf b = { NULL, 0, 0, 0 };

	json_raw_str(&b, c->out.json ? "[" : "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			json_raw_str(&b, c->out.json ? "," : ", ");
		if (c->out.json)
			json_string(&b, names[i]);
		else
			json_raw_str(&b, names[i]);
	}
	if (c->out.json)
		json_raw_str(&b, "]");
	if (b.failed)
		c->out.line.failed = 1; /* out_end reports it as the write error ENOMEM */
	else if (c->out.json)
		out_number_text(&c->out, key, b.s);
	else
		entry(c, key, n ? b.s : "none");
	json_free(&b);
}

/* Runs `sql` and hands each row's first two columns (as text; "" for a missing second) to
 * `fn`; CLI_OK or reported. */
static int each_row(cli *c, const char *sql, void (*fn)(void *ctx, const char *a,
	const char *b), void *ctx, const char *what)
{
	pgv_stmt *st = NULL;
	int rc;

	if (pgv_stmt_prepare(&st, c->conn, sql) != 0)
		return cli_fail_db(c, what);
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		const char *a = "", *b = "";

		if (pgv_stmt_column_text(&a, NULL, st, 1) < 0
				|| (pgv_stmt_column_count(st) > 1 && pgv_stmt_column_text(&b, NULL, st, 2) < 0)) {
			rc = PGV_ERROR;
			break;
		}
		fn(ctx, a, b);
	}
	if (rc != PGV_DONE) {
		rc = cli_fail_db(c, what);
		pgv_stmt_free(st);
		return rc;
	}
	pgv_stmt_free(st);
	return CLI_OK;
}

/* What the server has of pgvector: flags by index into TYPES, METRICS, METHODS. */
typedef struct caps {
	int type[4];
	int metric[6];
	int method[2];
	char version[2][64]; /* server_version, server_version_num */
	char available[64];
} caps;

static void got_operator(void *ctx, const char *type, const char *op)
{
	caps *k = ctx;

	for (size_t i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
		if (strcmp(type, TYPES[i]) == 0)
			k->type[i] = 1;
	for (size_t i = 0; i < sizeof(METRICS) / sizeof(METRICS[0]); i++)
		if (strcmp(op, METRICS[i].op) == 0)
			k->metric[i] = 1;
}

static void got_method(void *ctx, const char *name, const char *unused)
{
	caps *k = ctx;

	(void)unused;
	for (size_t i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++)
		if (strcmp(name, METHODS[i]) == 0)
			k->method[i] = 1;
}

static void got_version(void *ctx, const char *text, const char *num)
{
	caps *k = ctx;

	snprintf(k->version[0], sizeof(k->version[0]), "%s", text);
	snprintf(k->version[1], sizeof(k->version[1]), "%s", num);
}

static void got_available(void *ctx, const char *version, const char *unused)
{
	caps *k = ctx;

	(void)unused;
	snprintf(k->available, sizeof(k->available), "%s", version);
}

static void got_setting(void *ctx, const char *name, const char *value)
{
	entry(ctx, name, value);
}

/* A sqlite-vec function: the type or metric it gives, by the report's names. */
static void got_function(void *ctx, const char *name, const char *unused)
{
	caps *k = ctx;

	(void)unused;
	for (size_t i = 0; i < sizeof(SQLITE_FUNCTIONS) / sizeof(SQLITE_FUNCTIONS[0]); i++) {
		if (strcmp(name, SQLITE_FUNCTIONS[i].function) != 0)
			continue;
		for (size_t t = 0; SQLITE_FUNCTIONS[i].type && t < sizeof(TYPES) / sizeof(TYPES[0]); t++)
			k->type[t] |= strcmp(SQLITE_FUNCTIONS[i].type, TYPES[t]) == 0;
		for (size_t m = 0; SQLITE_FUNCTIONS[i].metric
				&& m < sizeof(METRICS) / sizeof(METRICS[0]); m++)
			k->metric[m] |= strcmp(SQLITE_FUNCTIONS[i].metric, METRICS[m].metric) == 0;
	}
}

/* The server's part on SQLite; CLI_OK or reported. */
static int sqlite_part(cli *c, caps *k)
{
	const char *vtext = NULL;
	int rc, vnum = 0;

	if ((rc = each_row(c, SQL_SQLITE_VERSION, got_version, k, "reading the sqlite version"))
			!= CLI_OK)
		return rc;
	entry(c, "server_version", k->version[0]);
	rc = pgv_conn_vector_version(&vnum, &vtext, c->conn);
	if (rc != 0 && rc != PGV_ENOTFOUND)
		return cli_fail_db(c, "reading the sqlite-vec version");
	entry(c, "sqlite_vec", rc == 0 ? vtext : NULL);
	return each_row(c, SQL_SQLITE_FUNCTIONS, got_function, k, "reading the sqlite-vec functions");
}

/* The driver's part: SQLGetInfo items and the settings in effect. */
static int driver_part(cli *c)
{
	static const struct { pgv_info_item item; const char *key; } ITEMS[] = {
		{ PGV_INFO_DRIVER_NAME, "driver" },
		{ PGV_INFO_DRIVER_VERSION, "driver_version" },
		{ PGV_INFO_DRIVER_ODBC_VERSION, "driver_odbc_version" },
		{ PGV_INFO_DM_VERSION, "driver_manager_version" },
		{ PGV_INFO_DATA_SOURCE, "data_source" },
		{ PGV_INFO_DATABASE, "database" },
		{ PGV_INFO_USER, "user" },
		{ PGV_INFO_DBMS_NAME, "dbms" },
		{ PGV_INFO_DBMS_VERSION, "dbms_version" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(ITEMS) / sizeof(ITEMS[0]); i++) {
		if (pgv_conn_info(buf, sizeof(buf), c->conn, ITEMS[i].item) != 0)
			return cli_fail_db(c, "asking the driver");
		entry(c, ITEMS[i].key, buf);
	}
	for (size_t i = 0; i < sizeof(DRIVER_SETTINGS) / sizeof(DRIVER_SETTINGS[0]); i++) {
		int rc = pgv_conn_setting(buf, sizeof(buf), c->conn, DRIVER_SETTINGS[i].driver_key);

		if (rc != 0 && rc != PGV_ENOTFOUND)
			return cli_fail_db(c, "reading the driver settings");
		entry(c, DRIVER_SETTINGS[i].key, rc == 0 ? buf : NULL);
	}
	return CLI_OK;
}

int cmd_info(cli *c)
{
	caps k;
	const char *names[6];
	const char *vtext = NULL;
	size_t n;
	int rc, vnum = 0, have_vector = 0;

	if (c->opt.nargs > 0)
		return cli_usage(c, "info takes no arguments");
	if ((rc = cli_connect(c)) != CLI_OK)
		return rc;
	memset(&k, 0, sizeof(k));
	if (c->out.json)
		out_begin(&c->out);
	if ((rc = driver_part(c)) != CLI_OK)
		return rc;
	entry(c, "backend", pgv_backend_name(pgv_conn_backend(c->conn)));
	if (pgv_conn_backend(c->conn) == PGV_BACKEND_SQLITE) {
		if ((rc = sqlite_part(c, &k)) != CLI_OK)
			return rc;
		goto lists;
	}
	if ((rc = each_row(c, SQL_SERVER_VERSION, got_version, &k, "reading the server version"))
			!= CLI_OK)
		return rc;
	entry(c, "server_version", k.version[0]);
	entry(c, "server_version_num", k.version[1]);
	rc = pgv_conn_vector_version(&vnum, &vtext, c->conn);
	if (rc != 0 && rc != PGV_ENOTFOUND)
		return cli_fail_db(c, "reading the pgvector version");
	have_vector = rc == 0;
	entry(c, "pgvector", have_vector ? vtext : NULL);
	if ((rc = each_row(c, SQL_AVAILABLE_VECTOR, got_available, &k,
			"reading the available extensions")) != CLI_OK)
		return rc;
	entry(c, "pgvector_available", k.available[0] ? k.available : NULL);
	if ((rc = each_row(c, SQL_OPERATORS, got_operator, &k, "reading the operators")) != CLI_OK
			|| (rc = each_row(c, SQL_INDEX_METHODS, got_method, &k,
				"reading the index methods")) != CLI_OK)
		return rc;
lists:
	n = 0;
	for (size_t i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
		if (k.type[i])
			names[n++] = TYPES[i];
	list_entry(c, "types", names, n);
	n = 0;
	for (size_t i = 0; i < sizeof(METRICS) / sizeof(METRICS[0]); i++)
		if (k.metric[i])
			names[n++] = METRICS[i].metric;
	list_entry(c, "metrics", names, n);
	n = 0;
	for (size_t i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++)
		if (k.method[i])
			names[n++] = METHODS[i];
	list_entry(c, "index_methods", names, n);
	if (pgv_conn_backend(c->conn) == PGV_BACKEND_SQLITE)
		goto end;
	if (have_vector) {
		/* a vector type outside the search_path leaves the settings undefined: not an error */
		pgv_conn_exec(c->conn, SQL_LOAD_VECTOR);
		if (pgv_conn_is_lost(c->conn))
			return cli_fail_db(c, "loading pgvector");
	}
	if ((rc = each_row(c, SQL_SEARCH_SETTINGS, got_setting, c, "reading the search settings"))
			!= CLI_OK)
		return rc;
end:
	if (c->out.json && out_end(&c->out) != 0)
		return cli_fail_output(c);
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}
