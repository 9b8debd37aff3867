/*
 * What a connection reports about itself: the backend it reaches and its vector extension's
 * version, the driver's and the server's names and versions (SQLGetInfo), and the driver settings in effect, read from the connection string the driver
 * completed at connect (psqlODBC writes every setting there, from the DSN, odbcinst.ini and its
 * defaults: measured "...;Fetch=2;...;UseDeclareFetch=1;...;UseServerSidePrepare=1;...").  The
 * password is dropped as the string is kept, so no call can hand it out.
 */
#include "odbc/odbc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char SQL_VECTOR_VERSION[] =
	"SELECT extversion FROM pg_extension WHERE extname = 'vector'";

/*
 * sqlite-vec's version.  Whether it is loaded is asked first, of the function list (SQLite 3.30
 * and later): calling a missing function is an error only its wording (SQLSTATE S1000 for any
 * failure) would tell from another.
 */
static const char SQL_SQLITE_VEC_LOADED[] =
	"SELECT count(*) FROM pragma_function_list WHERE name = 'vec_version'";
static const char SQL_SQLITE_VEC_VERSION[] = "SELECT vec_version()";
static const char SQLITE_VEC_MISSING[] = "the sqlite-vec extension is not loaded on this "
	"connection: list its vec0.so in the DSN's LoadExt key (after libm.so.6, which vec0.so needs)";

/* Whether `s` contains `word`, ignoring case. */
static int contains_nocase(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

int pgv__conn_detect_backend(pgv_conn *c)
{
	const char *op = "pgv_conn_open: SQLGetInfo";
	char dbms[256] = "", driver[256] = "";
	SQLSMALLINT len = 0;
	SQLRETURN rc;

	/* a name longer than the buffer comes back cut (01004), which still names the product */
	rc = SQLGetInfo(c->dbc, SQL_DBMS_NAME, dbms, (SQLSMALLINT)sizeof(dbms), &len);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	rc = SQLGetInfo(c->dbc, SQL_DRIVER_NAME, driver, (SQLSMALLINT)sizeof(driver), &len);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	c->backend = contains_nocase(dbms, "sqlite") || contains_nocase(driver, "sqlite")
		? PGV_BACKEND_SQLITE : PGV_BACKEND_POSTGRESQL;
	/*
	 * The SQLite driver holds a fetched row whole and reads its columns in any order, so a
	 * blob column after a text one can still be read as bytes.  psqlODBC keeps to column order
	 * in this library (its declare/fetch mode streams).
	 */
	c->any_order = 0;
	if (c->backend == PGV_BACKEND_SQLITE) {
		SQLUINTEGER ext = 0;

		if (SQL_SUCCEEDED(SQLGetInfo(c->dbc, SQL_GETDATA_EXTENSIONS, &ext, sizeof(ext), NULL)))
			c->any_order = (ext & SQL_GD_ANY_ORDER) != 0;
	}
	return 0;
}

pgv_backend pgv_conn_backend(const pgv_conn *c)
{
	return c && c->connected ? c->backend : PGV_BACKEND_UNKNOWN;
}

const char *pgv_backend_name(pgv_backend backend)
{
	switch (backend) {
	case PGV_BACKEND_POSTGRESQL: return "postgresql";
	case PGV_BACKEND_SQLITE: return "sqlite";
	default: return "";
	}
}

int pgv__conn_detect_sqlite_vec(pgv_conn *c)
{
	pgv_stmt *st = NULL;
	int64_t n = 0;
	int status;

	c->sqlite_vec = 0;
	if (c->backend != PGV_BACKEND_SQLITE)
		return 0;
	if ((status = pgv_stmt_prepare(&st, c, SQL_SQLITE_VEC_LOADED)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW)
		status = pgv_stmt_column_int64(&n, st, 1);
	pgv_stmt_free(st);
	if (status < 0)
		return status;
	c->sqlite_vec = n > 0;
	return 0;
}

/*
 * The driver only warns on its standard error when an extension of LoadExt does not load, and
 * connects anyway: without this, a store call would fail deep inside with "no such function".
 */
int pgv__conn_require_vec(pgv_conn *c, const char *op)
{
	if (!c || !c->connected || c->backend != PGV_BACKEND_SQLITE || c->sqlite_vec)
		return 0;
	return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s", SQLITE_VEC_MISSING);
}

/* One key=value pair of a connection string: the key, and the value as written (braces and
 * all); `next` is where the following pair starts. */
typedef struct conn_pair {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
	const char *next;
} conn_pair;

/*
 * Reads the pair starting at `s` (up to `end`); 0, or -1 at the end.  A value in braces may hold
 * ';' and '}}' (a '}'), as ODBC's connection string grammar allows.
 */
static int next_pair(const char *s, const char *end, conn_pair *p)
{
	const char *eq;

	while (s < end && (*s == ';' || *s == ' '))
		s++;
	if (s >= end)
		return -1;
	for (eq = s; eq < end && *eq != '=' && *eq != ';'; eq++)
		;
	p->key = s;
	p->key_len = (size_t)(eq - s);
	if (eq >= end || *eq == ';') {
		p->value = eq;
		p->value_len = 0;
		p->next = eq;
		return 0;
	}
	s = eq + 1;
	p->value = s;
	if (s < end && *s == '{') {
		for (s++; s < end; s++) {
			if (*s != '}')
				continue;
			if (s + 1 < end && s[1] == '}') {
				s++;
				continue;
			}
			s++;
			break;
		}
	}
	while (s < end && *s != ';')
		s++;
	p->value_len = (size_t)(s - p->value);
	p->next = s;
	return 0;
}

/* Whether a key names the password (ODBC's PWD, psqlODBC's Password). */
static int is_password_key(const conn_pair *p)
{
	return (p->key_len == 3 && strncasecmp(p->key, "PWD", 3) == 0)
		|| (p->key_len == 8 && strncasecmp(p->key, "Password", 8) == 0);
}

void pgv__conn_keep_settings(pgv_conn *c, const char *s, SQLSMALLINT len)
{
	const char *end;
	conn_pair p;
	char *kept;
	size_t n = 0;

	free(c->settings);
	c->settings = NULL;
	if (len <= 0)
		return;
	/* a string the driver cut is kept up to what it wrote */
	end = s + ((size_t)len < PGV__COMPLETED_CAP ? (size_t)len : strlen(s));
	if (!(kept = malloc((size_t)(end - s) + 2)))
		return;
	for (; next_pair(s, end, &p) == 0; s = p.next) {
		if (is_password_key(&p))
			continue;
		memcpy(kept + n, p.key, (size_t)(p.next - p.key));
		n += (size_t)(p.next - p.key);
		kept[n++] = ';';
	}
	kept[n] = '\0';
	c->settings = kept;
}

int pgv_conn_setting(char *out, size_t cap, pgv_conn *c, const char *key)
{
	const char *op = "pgv_conn_setting", *s, *end;
	conn_pair p;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out || cap == 0)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL or has no room");
	out[0] = '\0';
	if (!key || !key[0])
		return pgv__conn_fail(c, PGV_EINVAL, op, "key is NULL or empty");
	if (!c->connected)
		return pgv__conn_fail(c, PGV_ECONN, op, "the connection is not open");
	s = c->settings ? c->settings : "";
	end = s + strlen(s);
	for (; next_pair(s, end, &p) == 0; s = p.next) {
		size_t n = 0;

		if (p.key_len != strlen(key) || strncasecmp(p.key, key, p.key_len) != 0)
			continue;
		/* a braced value loses its braces and '}}' becomes '}' */
		if (p.value_len >= 2 && p.value[0] == '{' && p.value[p.value_len - 1] == '}') {
			for (size_t i = 1; i + 1 < p.value_len; i++) {
				if (n + 1 >= cap)
					goto small;
				out[n++] = p.value[i];
				if (p.value[i] == '}' && p.value[i + 1] == '}')
					i++;
			}
		} else {
			if (p.value_len >= cap)
				goto small;
			memcpy(out, p.value, p.value_len);
			n = p.value_len;
		}
		out[n] = '\0';
		return 0;
small:
		out[0] = '\0';
		return pgv__conn_fail(c, PGV_EINVAL, op, "the value of \"%s\" does not fit in %zu bytes",
			key, cap);
	}
	return pgv__conn_fail(c, PGV_ENOTFOUND, op, "the driver did not report \"%s\"", key);
}

/*
 * Whether the text of information item `info` fits in `cap` bytes, asked again with room to
 * spare: the SQLite driver cuts a value that does not fit, says nothing (no 01004) and reports
 * the length it wrote (measured: SQL_DRIVER_NAME into 3 bytes gave "sq", length 2).  When the
 * question fails or memory runs out, the first answer stands.
 */
static int info_fits(pgv_conn *c, SQLUSMALLINT info, size_t cap)
{
	SQLSMALLINT len = 0;
	char *big = malloc(32768);
	int fits = 1;

	if (big && SQL_SUCCEEDED(SQLGetInfo(c->dbc, info, big, 32767, &len)))
		fits = strlen(big) < cap;
	free(big);
	return fits;
}

int pgv_conn_info(char *out, size_t cap, pgv_conn *c, pgv_info_item item)
{
	static const SQLUSMALLINT INFO[] = {
		[PGV_INFO_DRIVER_NAME] = SQL_DRIVER_NAME,
		[PGV_INFO_DRIVER_VERSION] = SQL_DRIVER_VER,
		[PGV_INFO_DRIVER_ODBC_VERSION] = SQL_DRIVER_ODBC_VER,
		[PGV_INFO_DM_VERSION] = SQL_DM_VER,
		[PGV_INFO_DBMS_NAME] = SQL_DBMS_NAME,
		[PGV_INFO_DBMS_VERSION] = SQL_DBMS_VER,
		[PGV_INFO_DATA_SOURCE] = SQL_DATA_SOURCE_NAME,
		[PGV_INFO_DATABASE] = SQL_DATABASE_NAME,
		[PGV_INFO_SERVER] = SQL_SERVER_NAME,
		[PGV_INFO_USER] = SQL_USER_NAME,
	};
	const char *op = "pgv_conn_info";
	SQLSMALLINT len = 0;
	SQLRETURN rc;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out || cap == 0 || cap > 32767)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL or cap is not 1..32767");
	out[0] = '\0';
	if ((int)item < 0 || (size_t)item >= sizeof(INFO) / sizeof(INFO[0]))
		return pgv__conn_fail(c, PGV_EINVAL, op, "no information item %d", (int)item);
	if (!c->connected)
		return pgv__conn_fail(c, PGV_ECONN, op, "the connection is not open");
	rc = SQLGetInfo(c->dbc, INFO[item], out, (SQLSMALLINT)cap, &len);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, "pgv_conn_info: SQLGetInfo");
	if (len + 1 == (SQLSMALLINT)cap && SQL_SUCCEEDED(rc) && !info_fits(c, INFO[item], cap))
		len = (SQLSMALLINT)cap; /* the buffer was filled: the value was cut without a word */
	if (len >= (SQLSMALLINT)cap) {
		out[0] = '\0';
		return pgv__conn_fail(c, PGV_EINVAL, op, "the value needs %d bytes, more than %zu",
			(int)len + 1, cap);
	}
	return 0;
}

/* Parses "X.Y.Z" (Z optional) into X*10000 + Y*100 + Z; -1 when malformed. */
static int version_number(const char *s)
{
	int part[3] = { 0, 0, 0 }, i = 0;

	for (; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			part[i] = part[i] * 10 + (*s - '0');
			if (part[i] > 99)
				return -1;
			s++;
		}
		if (*s != '.')
			break;
		s++;
	}
	return part[0] * 10000 + part[1] * 100 + part[2];
}

/*
 * The connection's copy of `text`: the newest one handed out when equal, else a new one kept
 * until pgv_conn_close (an earlier pointer stays valid).  NULL when memory ran out.
 */
static const char *conn_text(pgv_conn *c, const char *text)
{
	size_t n = strlen(text) + 1;
	struct pgv__conn_text *t;

	if (c->texts && strcmp(c->texts->text, text) == 0)
		return c->texts->text;
	if (!(t = malloc(sizeof(*t) + n)))
		return NULL;
	memcpy(t->text, text, n);
	t->next = c->texts;
	c->texts = t;
	return t->text;
}

int pgv_conn_vector_version(int *out, const char **text, pgv_conn *c)
{
	const char *op = "pgv_conn_vector_version";
	int sqlite, status, num;
	pgv_stmt *st = NULL;
	const char *v;

	if (text)
		*text = "";
	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL");
	*out = 0;
	sqlite = c->backend == PGV_BACKEND_SQLITE;
	if (sqlite && !c->sqlite_vec)
		return pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s", SQLITE_VEC_MISSING);
	if ((status = pgv_stmt_prepare(&st, c, sqlite ? SQL_SQLITE_VEC_VERSION
			: SQL_VECTOR_VERSION)) != 0)
		return status;
	status = pgv_stmt_step(st);
	if (status == PGV_DONE) {
		pgv_stmt_free(st);
		return pgv__conn_fail(c, PGV_ENOTFOUND, op,
			"the vector extension is not installed in this database");
	}
	if (status == PGV_ROW)
		status = pgv_stmt_column_text(&v, NULL, st, 1);
	if (status == 0) {
		const char *kept = NULL;

		if (sqlite && v[0] == 'v')
			v++; /* vec_version() answers "v0.1.9" */
		num = version_number(v);
		if (num < 0)
			status = pgv__conn_fail(c, PGV_ERROR, op, "unrecognised %s version \"%s\"",
				sqlite ? "sqlite-vec" : "pgvector", v);
		else if (text && !(kept = conn_text(c, v)))
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "out of memory");
		if (status == 0) {
			*out = num;
			if (text)
				*text = kept;
		}
	}
	pgv_stmt_free(st);
	return status < 0 ? status : 0;
}
