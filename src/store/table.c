/*
 * The store's table description: identifier quoting, the text buffer, the catalog look-up of the
 * vector column, metric and type checks, the explanation of a refused query, and the error
 * helpers the other store files share.  The SQL itself is in dialect.c.
 */
#include "store/store.h"
#include "codec/numtext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes and a NUL. */
int pgv__buf_reserve(pgv__buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return -1;
	if (n > SIZE_MAX - b->len - 1) {
		b->oom = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			cap = b->len + n + 1;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->s, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->s = p;
	b->cap = cap;
	return 0;
}

/* Appends n bytes. */
void pgv__buf_add(pgv__buf *b, const char *s, size_t n)
{
	if (pgv__buf_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Appends a C string. */
void pgv__buf_adds(pgv__buf *b, const char *s)
{
	pgv__buf_add(b, s, strlen(s));
}

/* Appends one character. */
void pgv__buf_addc(pgv__buf *b, char ch)
{
	pgv__buf_add(b, &ch, 1);
}

/* Empties the buffer, keeping its memory. */
void pgv__buf_reset(pgv__buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->s)
		b->s[0] = '\0';
}

/* Frees the buffer's memory. */
void pgv__buf_free(pgv__buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

/* Appends ids as one list parameter's text. */
void pgv__buf_add_ids(pgv__buf *b, const pgv__dialect *d, const int64_t *ids, size_t n)
{
	char num[24];

	pgv__buf_addc(b, d->list_open);
	for (size_t i = 0; i < n; i++) {
		int len = snprintf(num, sizeof(num), "%s%" PRId64, i ? "," : "", ids[i]);
		pgv__buf_add(b, num, (size_t)len);
	}
	pgv__buf_addc(b, d->list_close);
}

/* Appends texts as one list parameter's text, each quoted, NULL as SQL NULL. */
void pgv__buf_add_texts(pgv__buf *b, const pgv__dialect *d, const char *const *texts, size_t n)
{
	pgv__buf_addc(b, d->list_open);
	for (size_t i = 0; i < n; i++) {
		if (i)
			pgv__buf_addc(b, ',');
		if (!texts[i]) {
			pgv__buf_adds(b, "NULL");
			continue;
		}
		pgv__buf_addc(b, d->list_quote);
		for (const char *p = texts[i]; *p; p++) {
			if (*p == d->list_quote || *p == '\\')
				pgv__buf_addc(b, '\\');
			pgv__buf_addc(b, *p);
		}
		pgv__buf_addc(b, d->list_quote);
	}
	pgv__buf_addc(b, d->list_close);
}

/* Quotes an identifier: double quotes around it, each double quote doubled. */
int pgv_ident_quote(char **out, const char *name)
{
	char quoted[PGV__QUOTE_BUF];
	size_t len, quotes = 0, k = 0;
	char *s;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "quoting an identifier: out is NULL");
	*out = NULL;
	if (!name)
		return pgv__error_set(PGV_EINVAL, -1, "quoting an identifier: the name is NULL");
	len = strlen(name);
	if (len == 0)
		return pgv__error_set(PGV_EINVAL, -1,
			"quoting an identifier: the name is empty, which PostgreSQL does not allow");
	if (len > PGV__IDENT_MAX)
		return pgv__error_set(PGV_EINVAL, -1,
			"identifier \"%s\" is %zu bytes long: PostgreSQL would truncate it to %d bytes "
			"and so name another object", pgv__quote(quoted, name, len), len, PGV__IDENT_MAX);
	for (size_t i = 0; i < len; i++)
		quotes += name[i] == '"';
	s = malloc(len + quotes + 3);
	if (!s)
		return pgv__error_set(PGV_ENOMEM, -1, "quoting an identifier: out of memory");
	s[k++] = '"';
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '"')
			s[k++] = '"';
		s[k++] = name[i];
	}
	s[k++] = '"';
	s[k] = '\0';
	*out = s;
	return 0;
}

/* Quotes one name of a pgv_table (or its default) into *out; thread error on failure. */
static int quote_part(char **out, const char *name, const char *which, const char *verb)
{
	char msg[PGV__QUOTE_BUF + 200];
	int status = pgv_ident_quote(out, name);

	if (status != 0) {
		snprintf(msg, sizeof(msg), "%s", pgv_error_last()->message);
		pgv__error_set(status, -1, "%s a table: the %s name: %s", verb, which, msg);
	}
	return status;
}

/* Fills a table description from a pgv_table without a connection. */
int pgv__store_table_resolve(pgv__store_table *t, const pgv_table *spec, const char *verb)
{
	static const pgv_table defaults = { PGV_TABLE_VERSION, NULL, "embeddings", "id", "embedding",
		PGV_TYPE_VECTOR, NULL, 0 };
	char *schema = NULL, *table = NULL;
	int status;

	memset(t, 0, sizeof(*t));
	t->dialect = pgv__store_dialect(PGV_BACKEND_POSTGRESQL);
	if (!spec)
		spec = &defaults;
	/* version 1 ends before `type`: a caller built against it has no such field */
	if (spec->version < 1 || spec->version > PGV_TABLE_VERSION)
		return pgv__error_set(PGV_EINVAL, -1, "%s a table: pgv_table version %u is not supported "
			"(this library knows versions 1 to %d): initialise it with PGV_TABLE_INIT", verb,
			spec->version, PGV_TABLE_VERSION);
	t->type = spec->version >= 2 ? spec->type : PGV_TYPE_VECTOR;
	if ((unsigned)t->type >= PGV__TYPE_COUNT)
		return pgv__error_set(PGV_EINVAL, -1, "%s a table: unknown column type %d (expected "
			"PGV_TYPE_VECTOR, PGV_TYPE_HALFVEC, PGV_TYPE_SPARSEVEC or PGV_TYPE_BIT)", verb,
			(int)t->type);
	t->schema_name = spec->schema;
	t->table_name = spec->table ? spec->table : defaults.table;
	t->id_name = spec->id_column ? spec->id_column : defaults.id_column;
	t->vec_name = spec->vector_column ? spec->vector_column : defaults.vector_column;
	if ((status = quote_part(&table, t->table_name, "table", verb)) != 0
			|| (spec->schema && (status = quote_part(&schema, spec->schema, "schema",
				verb)) != 0)
			|| (status = quote_part(&t->id, t->id_name, "id column", verb)) != 0
			|| (status = quote_part(&t->vec, t->vec_name, "vector column", verb)) != 0) {
		free(schema);
		free(table);
		return status;
	}
	if (schema) {
		size_t ns = strlen(schema), nt = strlen(table);
		t->table = malloc(ns + nt + 2);
		if (t->table) {
			memcpy(t->table, schema, ns);
			t->table[ns] = '.';
			memcpy(t->table + ns + 1, table, nt + 1);
		}
		free(schema);
		free(table);
		if (!t->table)
			return pgv__error_set(PGV_ENOMEM, -1, "%s a table: out of memory", verb);
	} else {
		t->table = table;
	}
	if (!(t->what = pgv__aprintf("%s %s", verb, t->table)))
		return pgv__error_set(PGV_ENOMEM, -1, "%s a table: out of memory", verb);
	return 0;
}

/* Resolves a table description, recording failure on the connection. */
int pgv__store_table_open(pgv__store_table *t, pgv_conn *c, const pgv_table *spec,
	const char *op, const char *verb)
{
	int status = pgv__store_table_resolve(t, spec, verb);
	pgv_backend backend = pgv_conn_backend(c);

	if (status != 0)
		return pgv__conn_fail(c, status, op, "%s", pgv_error_last()->message);
	if (backend != PGV_BACKEND_UNKNOWN && !(t->dialect = pgv__store_dialect(backend)))
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: the store does not support %s",
			t->what, pgv_backend_name(backend));
	if ((status = pgv__conn_require_vec(c, op)) != 0)
		return status;
	if (!t->dialect->type_names[t->type]) {
		char what[64];

		snprintf(what, sizeof(what), "the %s type is", pgv_type_name(t->type));
		return pgv__store_unsupported(c, t, op, what, NULL);
	}
	return 0;
}

/* The read form of a table's vector column. */
int pgv__store_read_form(const pgv__store_table *t)
{
	if (t->dialect->read_f32)
		return PGV__READ_F32;
	/* a type without a binary form is read as text (see the dialect) */
	return t->binary && t->dialect->read_binary[t->type] ? PGV__READ_SEND : PGV__READ_TEXT;
}

/* Whether the table's dialect has a statement. */
int pgv__store_has(const pgv__store_table *t, pgv__store_stmt which)
{
	return (unsigned)which < PGV__SQL_COUNT_OF && t->dialect->stmt[which] != NULL;
}

/* Refuses what the table's backend lacks, naming the backend. */
int pgv__store_unsupported(pgv_conn *c, const pgv__store_table *t, const char *op,
	const char *what, const char *why)
{
	return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: %s not supported on %s%s%s%s", t->what,
		what, t->dialect->name, why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* Frees the quoted names of a table description. */
void pgv__store_table_free(pgv__store_table *t)
{
	free(t->table);
	free(t->id);
	free(t->vec);
	free(t->what);
	t->table = t->id = t->vec = t->what = NULL;
}

/* The pgv_type a declared column type stands for, or -1 when it is none of them. */
static int declared_type(const pgv__dialect *d, const char *typname)
{
	for (int i = 0; i < PGV__TYPE_COUNT; i++)
		if ((d->type_names[i] && strcmp(typname, d->type_names[i]) == 0)
				|| (d->type_alias[i] && strcmp(typname, d->type_alias[i]) == 0))
			return i;
	return -1;
}

/* Looks the table and its columns up in the catalog; reads the vector column's dimension. */
int pgv__store_describe(pgv_conn *c, const pgv__store_table *t, const char *op, size_t *dim,
	char *type, size_t cap)
{
	int64_t v[4] = { 0, 0, 0, -1 };
	char typname[64] = "";
	pgv_stmt *st = NULL;
	char *sql = pgv__store_sql(t, PGV__SQL_DESCRIBE, PGV_METRIC_L2);
	const char *text = NULL;
	int status, declared;

	*dim = 0;
	if (type && cap)
		type[0] = '\0';
	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(&st, c, sql);
	free(sql);
	if (status == 0 && t->dialect->catalog_names) {
		if ((status = pgv_stmt_bind_text(st, 1, t->id_name, PGV_NTS)) == 0
				&& (status = pgv_stmt_bind_text(st, 2, t->vec_name, PGV_NTS)) == 0
				&& (status = pgv_stmt_bind_text(st, 3, t->table_name, PGV_NTS)) == 0
				&& (status = t->schema_name ? pgv_stmt_bind_text(st, 4, t->schema_name,
					PGV_NTS) : pgv_stmt_bind_null(st, 4)) == 0)
			status = pgv_stmt_step(st);
	} else if (status == 0 && (status = pgv_stmt_bind_text(st, 1, t->id_name, PGV_NTS)) == 0
			&& (status = pgv_stmt_bind_text(st, 2, t->table, PGV_NTS)) == 0
			&& (status = pgv_stmt_bind_text(st, 3, t->vec_name, PGV_NTS)) == 0) {
		status = pgv_stmt_step(st);
	}
	if (status == PGV_ROW) {
		status = 0;
		for (int i = 0; i < 4 && status >= 0; i++)
			status = pgv_stmt_column_int64(&v[i], st, i + 1);
		if (status >= 0 && (status = pgv_stmt_column_text(&text, NULL, st, 5)) == 0)
			snprintf(typname, sizeof(typname), "%s", text);
	} else if (status == PGV_DONE) {
		status = pgv__conn_fail(c, PGV_ERROR, op, "the catalog query returned no row");
	}
	pgv_stmt_free(st);
	if (status < 0)
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	if (v[0] == 0)
		return pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s: the table does not exist", t->what);
	if (v[1] == 0)
		return pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s: the table has no column %s",
			t->what, t->id);
	if (v[2] == 0)
		return pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s: the table has no column %s",
			t->what, t->vec);
	/* a column of another known type would be converted silently, or not searchable */
	declared = declared_type(t->dialect, typname);
	if (declared >= 0 && declared != (int)t->type)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: the column %s is of type %s, not %s: "
			"set pgv_table.type to PGV_TYPE_%s", t->what, t->vec, typname,
			t->dialect->type_names[t->type], declared == PGV_TYPE_VECTOR ? "VECTOR"
			: declared == PGV_TYPE_HALFVEC ? "HALFVEC" : declared == PGV_TYPE_SPARSEVEC
			? "SPARSEVEC" : "BIT");
	if (type && cap)
		snprintf(type, cap, "%s", typname);
	*dim = v[3] > 0 ? (size_t)v[3] : 0;
	return 0;
}

/* Checks without a round trip that a metric applies to the table's column type. */
int pgv__store_check_metric_type(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric)
{
	if ((unsigned)metric >= PGV__METRIC_COUNT)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: unknown metric %d", t->what, (int)metric);
	if (!t->dialect->operators[metric]) {
		char what[64];

		snprintf(what, sizeof(what), "the %s metric is", pgv_metric_name(metric));
		return pgv__store_unsupported(c, t, op, what, t->dialect->metrics_had);
	}
	if (!pgv__metric_for_type(metric, t->type))
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: the %s metric (%s) is not for %s columns: "
			"use %s", t->what, pgv_metric_name(metric), t->dialect->operators[metric],
			t->dialect->type_names[t->type], t->type == PGV_TYPE_BIT ? "hamming or jaccard"
			: "l2, ip, cosine or l1");
	return 0;
}

/* Checks a metric and the table's type against the server's pgvector. */
int pgv__store_check_metric(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric)
{
	const char *have = "";
	int since, tsince, version = 0, status;

	if ((unsigned)metric >= PGV__METRIC_COUNT)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: unknown metric %d", t->what, (int)metric);
	if (!t->dialect->operators[metric])
		return pgv__store_check_metric_type(c, t, op, metric);
	since = t->dialect->operator_since[metric];
	tsince = t->dialect->type_since[t->type];
	if (since == 0 && tsince == 0)
		return 0;
	status = pgv_conn_vector_version(&version, &have, c);
	if (status != 0)
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	if (version < tsince)
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op,
			"%s: the %s type needs pgvector %d.%d.%d or later; this server has %s",
			t->what, t->dialect->type_names[t->type], tsince / 10000, tsince / 100 % 100,
			tsince % 100, have);
	if (!pgv__metric_available(metric, version))
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op,
			"%s: the %s metric (%s) needs pgvector %d.%d.%d or later; this server has %s",
			t->what, pgv_metric_name(metric), pgv_metric_operator(metric), since / 10000,
			since / 100 % 100, since % 100, have);
	return 0;
}

/*
 * Refused queries.  No catalog query runs before a k-NN or distances query (one per call would
 * cost more than the search itself on small tables), so the server checks the table, the
 * columns, the dimension, the type and the operator; here its refusal gets the status a caller
 * branches on and, when the catalog can still be asked (not inside a caller's transaction, which
 * the refusal has aborted), the message a check made beforehand would have given.  The status
 * comes from the SQLSTATE and what the library knows, never from the server's wording (it
 * speaks the server's lc_messages): a query that compares a query vector (dim > 0), which was
 * checked here before it was sent (finite, within the type's limits), can meet only one data
 * exception (22000) in pgvector, its dimension check between two values ("different vector
 * dimensions 4 and 3", "different bit lengths 4 and 3"); outside a transaction the column's
 * declared dimension (the describe query) then says which side differs.
 */
int pgv__store_refused(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, size_t dim, int status)
{
	const pgv_error *e = pgv_conn_error(c);
	pgv__conn_saved saved;
	size_t coldim = 0;
	int mapped = status, why;

	if (status != PGV_ERROR)
		return status;
	/* the table may have changed under the index forms k-NN keeps: ask the catalog next time */
	pgv__forms_forget(c);
	if (strcmp(e->sqlstate, "42P01") == 0 || strcmp(e->sqlstate, "42703") == 0)
		mapped = PGV_ENOTFOUND; /* undefined table or column */
	else if (strcmp(e->sqlstate, "22000") == 0 && dim > 0)
		mapped = PGV_EDIM;      /* see below */
	else if (strcmp(e->sqlstate, "42883") != 0 && strcmp(e->sqlstate, "42704") != 0
			&& strcmp(e->sqlstate, "42846") != 0 && strcmp(e->sqlstate, "HY000") != 0)
		return status;          /* 42883: no such operator, 42704: no such type or operator
		                           class, perhaps an old pgvector; 42846: no such cast, as
		                           when the column is of another type than the table says;
		                           HY000: SQLite's every refusal */
	pgv__conn_save(c, &saved);
	/* a failed statement aborts a PostgreSQL transaction, not a SQLite one */
	if (!pgv_conn_in_transaction(c) || pgv_conn_backend(c) == PGV_BACKEND_SQLITE) {
		why = pgv__store_describe(c, t, op, &coldim, NULL, 0);
		if (why == 0 && coldim && dim && coldim != dim)
			why = pgv__conn_fail(c, PGV_EDIM, op, "%s: the query vector has %zu dimensions "
				"but the column %s has %zu", t->what, dim, t->vec, coldim);
		else if (why == 0 && metric != PGV__METRIC_NONE)
			why = pgv__store_check_metric(c, t, op, metric);
		if (why == PGV_ENOTFOUND || why == PGV_EDIM || why == PGV_EUNSUPPORTED
				|| why == PGV_EINVAL) {
			/* the explanation, with the SQLSTATE of the refusal it explains */
			pgv__conn_set_sqlstate(c, saved.err.sqlstate, saved.err.native);
			pgv__conn_saved_free(&saved);
			return why;
		}
	}
	return pgv__conn_restore(c, &saved, mapped);
}

/* Rolls back the store's own transaction, keeping the error that caused it. */
int pgv__store_rollback(pgv_conn *c, int status)
{
	pgv__conn_saved s;

	pgv__conn_save(c, &s);
	pgv_conn_rollback(c);
	return pgv__conn_restore(c, &s, status);
}
