/*
 * HNSW and IVFFlat indexes on the vector column: pgv_index_create, pgv_index_drop,
 * pgv_index_name.  Everything pgvector would refuse is checked here first, with pgvector's
 * wording, so that a bad option never costs an index build (the statement's SQL is in
 * dialect.c).
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pgvector's index limits (hnsw.h, ivfflat.h, and the types' *_MAX_DIM for indexes). */
#define HNSW_MIN_M 2
#define HNSW_MAX_M 100
#define HNSW_DEFAULT_M 16
#define HNSW_MIN_EF_CONSTRUCTION 4
#define HNSW_MAX_EF_CONSTRUCTION 1000
#define IVFFLAT_MIN_LISTS 1
#define IVFFLAT_MAX_LISTS 32768

/* The most dimensions an index takes per column type; 0: no limit (sparsevec counts non-zero
 * elements instead, at most 1000, which only the build can see). */
static const size_t index_max_dim[PGV__TYPE_COUNT] = { 2000, 4000, 0, 64000 };

/* HNSW needs pgvector 0.5.0; IVFFlat is in every version. */
static const int method_since[PGV__METHOD_COUNT] = { 500, 0 };

/* An integer storage parameter out of range, in the server's wording. */
static int out_of_bounds(const char *option, int value, int lo, int hi)
{
	return pgv__error_set(PGV_EINVAL, -1, "value %d out of bounds for option \"%s\": valid "
		"values are between \"%d\" and \"%d\"", value, option, lo, hi);
}

/*
 * Checks index options against table type `type` without a round trip: 0, or PGV_EINVAL with
 * the thread error (pgvector's wording) set.
 */
int pgv__index_check(const pgv_index_opts *o, pgv_type type)
{
	const pgv__dialect *d = pgv__store_dialect(PGV_BACKEND_POSTGRESQL);
	const char *method;
	int m;

	pgv_type itype;         /* the type of what is indexed: halfvec, bits, or the column's */
	pgv_metric imetric;     /* the operator class's metric: hamming for the binary form */
	pgv_index_form form = o->version >= 2 ? o->form : PGV_INDEX_FORM_AUTO;

	pgv__error_clear();
	if ((unsigned)o->method >= PGV__METHOD_COUNT)
		return pgv__error_set(PGV_EINVAL, -1, "unknown index method %d (expected "
			"PGV_INDEX_HNSW or PGV_INDEX_IVFFLAT)", (int)o->method);
	method = d->methods[o->method];
	if ((unsigned)o->metric >= PGV__METRIC_COUNT)
		return pgv__error_set(PGV_EINVAL, -1, "unknown metric %d", (int)o->metric);
	if (!pgv__metric_for_type(o->metric, type))
		return pgv__error_set(PGV_EINVAL, -1, "the %s metric (%s) is not for %s columns: use %s",
			pgv_metric_name(o->metric), pgv_metric_operator(o->metric), d->type_names[type],
			type == PGV_TYPE_BIT ? "hamming or jaccard" : "l2, ip, cosine or l1");
	if (pgv__form_check(form, type) != 0)
		return PGV_EINVAL;
	itype = form == PGV_INDEX_FORM_HALFVEC ? PGV_TYPE_HALFVEC
		: form == PGV_INDEX_FORM_BINARY ? PGV_TYPE_BIT : type;
	imetric = form == PGV_INDEX_FORM_BINARY ? PGV_METRIC_HAMMING : o->metric;
	if (!(d->method_metrics[o->method][itype] >> imetric & 1u))
		return pgv__error_set(PGV_EINVAL, -1, "operator class \"%s_%s_ops\" does not exist for "
			"access method \"%s\"%s", d->type_names[itype], pgv_metric_name(imetric), method,
			o->method == PGV_INDEX_IVFFLAT ? " (ivfflat indexes take l2, ip and cosine on "
			"vector and halfvec, hamming on bit)" : "");
	if (o->method == PGV_INDEX_HNSW) {
		if (o->lists != 0)
			return pgv__error_set(PGV_EINVAL, -1, "unrecognized parameter \"lists\" (an "
				"ivfflat option; this is an hnsw index)");
		if (o->m != 0 && (o->m < HNSW_MIN_M || o->m > HNSW_MAX_M))
			return out_of_bounds("m", o->m, HNSW_MIN_M, HNSW_MAX_M);
		if (o->ef_construction != 0 && (o->ef_construction < HNSW_MIN_EF_CONSTRUCTION
				|| o->ef_construction > HNSW_MAX_EF_CONSTRUCTION))
			return out_of_bounds("ef_construction", o->ef_construction,
				HNSW_MIN_EF_CONSTRUCTION, HNSW_MAX_EF_CONSTRUCTION);
		m = o->m ? o->m : HNSW_DEFAULT_M;
		if (o->ef_construction != 0 && o->ef_construction < 2 * m)
			return pgv__error_set(PGV_EINVAL, -1, "ef_construction must be greater than or "
				"equal to 2 * m (ef_construction %d, m %d%s)", o->ef_construction, m,
				o->m ? "" : ", the server's default");
	} else {
		if (o->m != 0 || o->ef_construction != 0)
			return pgv__error_set(PGV_EINVAL, -1, "unrecognized parameter \"%s\" (an hnsw "
				"option; this is an ivfflat index)", o->m != 0 ? "m" : "ef_construction");
		if (o->lists != 0 && (o->lists < IVFFLAT_MIN_LISTS || o->lists > IVFFLAT_MAX_LISTS))
			return out_of_bounds("lists", o->lists, IVFFLAT_MIN_LISTS, IVFFLAT_MAX_LISTS);
	}
	return 0;
}

/*
 * Checks the column as the catalog declares it (`typname`, `dim`: 0 when it declares none)
 * against the method and the form, and resolves the form (AUTO: halfvec for a vector column
 * of 2001..4000 dimensions, else plain) into `*form`: 0, or PGV_EDIM / PGV_EINVAL with the
 * thread error set.
 */
int pgv__index_check_column(const pgv_index_opts *o, pgv_type type, const char *typname,
	size_t dim, pgv_index_form *form)
{
	const char *method = pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->methods[o->method];
	pgv_index_form f = o->version >= 2 ? o->form : PGV_INDEX_FORM_AUTO;
	pgv_type itype;

	pgv__error_clear();
	if (f == PGV_INDEX_FORM_AUTO)
		f = type == PGV_TYPE_VECTOR && dim > index_max_dim[PGV_TYPE_VECTOR]
			&& dim <= index_max_dim[PGV_TYPE_HALFVEC] ? PGV_INDEX_FORM_HALFVEC
			: PGV_INDEX_FORM_PLAIN;
	if (f == PGV_INDEX_FORM_HALFVEC && type == PGV_TYPE_HALFVEC)
		f = PGV_INDEX_FORM_PLAIN; /* the column is already half precision */
	*form = f;
	itype = f == PGV_INDEX_FORM_HALFVEC ? PGV_TYPE_HALFVEC
		: f == PGV_INDEX_FORM_BINARY ? PGV_TYPE_BIT : type;
	/* pgvector's bit operator classes take bit(n), not bit varying */
	if (type == PGV_TYPE_BIT && strcmp(typname, "varbit") == 0)
		return pgv__error_set(PGV_EINVAL, -1, "type not supported for %s index (the column is "
			"bit varying: declare it bit(n))", method);
	if (dim == 0)
		return pgv__error_set(PGV_EDIM, -1, "column does not have dimensions (declare it as "
			"%s(n))", pgv_type_name(type));
	if (itype != type && index_max_dim[itype] && dim > index_max_dim[itype])
		return pgv__error_set(PGV_EDIM, -1, "a %s index cannot have more than %zu dimensions "
			"(the column has %zu): index the binary form (binary_quantize, up to %zu)",
			pgv_type_name(itype), index_max_dim[itype], dim, index_max_dim[PGV_TYPE_BIT]);
	if (index_max_dim[itype] && dim > index_max_dim[itype])
		return pgv__error_set(PGV_EDIM, -1, "column cannot have more than %zu dimensions for %s "
			"index (it has %zu%s)", index_max_dim[itype], method, dim,
			itype == PGV_TYPE_VECTOR && dim <= index_max_dim[PGV_TYPE_HALFVEC]
			? ": index the halfvec form, up to 4000"
			: itype != PGV_TYPE_BIT ? ": a halfvec index takes at most 4000; index the binary "
			"form (binary_quantize), up to 64000" : "");
	return 0;
}

/* A hash of the default name (FNV-1a), so shortened names of different tables stay apart. */
static unsigned long name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (unsigned long)h;
}

/*
 * Writes the default name of an index into `out` (PGV__IDENT_MAX + 1 bytes):
 * <table>_<column>_<method>_<metric>_idx, or, when that is too long for an identifier, the
 * start of <table>_<column> cut on a character boundary, then a hash of the whole name.
 */
static void default_name(char *out, const pgv__store_table *t, const pgv_index_opts *o)
{
	const char *method = t->dialect->methods[o->method], *metric = pgv_metric_name(o->metric);
	pgv_index_form form = o->version >= 2 ? o->form : PGV_INDEX_FORM_AUTO;
	char full[3 * PGV__IDENT_MAX + 40], tail[64], kind[32];
	size_t room;

	/* method and metric, with the form when one was asked for: hnsw_halfvec_l2, hnsw_binary */
	if (form == PGV_INDEX_FORM_BINARY)
		snprintf(kind, sizeof(kind), "%s_binary", method);
	else if (form == PGV_INDEX_FORM_HALFVEC)
		snprintf(kind, sizeof(kind), "%s_halfvec_%s", method, metric);
	else
		snprintf(kind, sizeof(kind), "%s_%s", method, metric);
	snprintf(full, sizeof(full), "%s_%s_%s_idx", t->table_name, t->vec_name, kind);
	if (strlen(full) <= PGV__IDENT_MAX) {
		memcpy(out, full, strlen(full) + 1);
		return;
	}
	snprintf(tail, sizeof(tail), "_%08lx_%s_idx", name_hash(full), kind);
	room = PGV__IDENT_MAX - strlen(tail);
	/* never end inside a UTF-8 sequence: step back over continuation bytes */
	while (room > 0 && ((unsigned char)full[room] & 0xC0) == 0x80)
		room--;
	memcpy(out, full, room);
	memcpy(out + room, tail, strlen(tail) + 1);
}

/* Checks the options' version; NULL means the defaults. */
static int opts_resolve(const pgv_index_opts **o, pgv_index_opts *defaults)
{
	static const pgv_index_opts init = PGV_INDEX_OPTS_INIT;

	if (!*o) {
		*defaults = init;
		*o = defaults;
	}
	if ((*o)->version != 1 && (*o)->version != PGV_INDEX_OPTS_VERSION)
		return pgv__error_set(PGV_EINVAL, -1, "pgv_index_opts version %u is not supported (this "
			"library knows versions 1 to %d): initialise it with PGV_INDEX_OPTS_INIT",
			(*o)->version, PGV_INDEX_OPTS_VERSION);
	return 0;
}

/* The name an index gets: the caller's, or the default. */
int pgv_index_name(char **out, const pgv_table *spec, const pgv_index_opts *o)
{
	pgv_index_opts defaults;
	pgv__store_table t;
	char name[PGV__IDENT_MAX + 1];
	int status;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "naming an index: out is NULL");
	*out = NULL;
	if ((status = opts_resolve(&o, &defaults)) != 0)
		return status;
	if ((unsigned)o->method >= PGV__METHOD_COUNT || (unsigned)o->metric >= PGV__METRIC_COUNT
			|| (o->version >= 2 && (unsigned)o->form >= PGV__FORM_COUNT))
		return pgv__error_set(PGV_EINVAL, -1, "naming an index: unknown method %d, metric %d or "
			"form %d", (int)o->method, (int)o->metric, o->version >= 2 ? (int)o->form : 0);
	if ((status = pgv__store_table_resolve(&t, spec, "naming an index of")) == 0) {
		if (o->name)
			snprintf(name, sizeof(name), "%s", o->name);
		else
			default_name(name, &t, o);
		/* a caller's name is checked (and refused when too long) as it would be quoted */
		if (o->name && strlen(o->name) > PGV__IDENT_MAX)
			status = pgv_ident_quote(out, o->name);
		else if (!(*out = strdup(name)))
			status = pgv__error_set(PGV_ENOMEM, -1, "naming an index: out of memory");
	}
	pgv__store_table_free(&t);
	return status;
}

/* Appends ", " or " WITH (" and one option. */
static void add_option(pgv__buf *b, const char *option, int value)
{
	char num[16];

	pgv__buf_adds(b, b->len ? ", " : " WITH (");
	pgv__buf_adds(b, option);
	pgv__buf_adds(b, " = ");
	snprintf(num, sizeof(num), "%d", value);
	pgv__buf_adds(b, num);
}

/*
 * Explains a refused CREATE INDEX: the store's explanations (table, column, type, metric), then
 * the method's own version (HNSW arrived in pgvector 0.5.0).
 */
static int create_refused(pgv_conn *c, const pgv__store_table *t, const char *op,
	const pgv_index_opts *o, pgv_index_form form, int status)
{
	const int form_since = form == PGV_INDEX_FORM_PLAIN ? 0 : t->dialect->form_since;
	const int since = form_since > method_since[o->method] ? form_since
		: method_since[o->method];
	const char *have = "";
	int version = 0;

	status = pgv__store_refused(c, t, op, o->metric, 0, status);
	if (status != PGV_ERROR || since == 0 || pgv_conn_in_transaction(c)
			|| strcmp(pgv_conn_error(c)->sqlstate, "42704") != 0)
		return status;
	{
		pgv__conn_saved saved;
		pgv__conn_save(c, &saved);
		if (pgv_conn_vector_version(&version, &have, c) == 0 && version < since) {
			pgv__conn_saved_free(&saved);
			return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: %s indexes%s need pgvector "
				"%d.%d.%d or later; this server has %s", t->what,
				t->dialect->methods[o->method], form == PGV_INDEX_FORM_HALFVEC ? " of the "
				"halfvec form" : form == PGV_INDEX_FORM_BINARY ? " of the binary form" : "",
				since / 10000, since / 100 % 100, since % 100, have);
		}
		return pgv__conn_restore(c, &saved, status);
	}
}

/* Builds an index on the table's vector column. */
int pgv_index_create(pgv_conn *c, const pgv_table *spec, const pgv_index_opts *o)
{
	return pgv_index_create_ext(NULL, c, spec, o);
}

/* pgv__store_table_open, refusing a backend without indexes before any round trip. */
static int index_table_open(pgv__store_table *t, pgv_conn *c, const pgv_table *spec,
	const char *op, const char *verb)
{
	int status = pgv__store_table_open(t, c, spec, op, verb);

	if (status == 0 && !pgv__store_has(t, PGV__SQL_INDEX_CREATE))
		status = pgv__store_unsupported(c, t, op, "indexes are", t->dialect->no_index);
	return status;
}

/* Builds an index on the table's vector column and says which form it has. */
int pgv_index_create_ext(pgv_index_form *out, pgv_conn *c, const pgv_table *spec,
	const pgv_index_opts *o)
{
	const char *op = "pgv_index_create";
	pgv_index_form form = PGV_INDEX_FORM_PLAIN;
	pgv_index_opts defaults;
	pgv__store_table t;
	pgv__buf with = { NULL, 0, 0, 0 };
	pgv__sql_vars vars;
	char typname[64], *name = NULL, *quoted = NULL, *sql = NULL;
	size_t dim = 0;
	int status;

	if (!c)
		return pgv__error_null("pgv_index_create", "conn");
	pgv__conn_clear(c);
	if (opts_resolve(&o, &defaults) != 0)
		return pgv__conn_fail(c, PGV_EINVAL, op, "indexing: %s", pgv_error_last()->message);
	if ((status = index_table_open(&t, c, spec, op, "indexing")) != 0)
		goto done;
	if ((status = pgv__index_check(o, t.type)) != 0) {
		status = pgv__conn_fail(c, status, op, "%s: %s", t.what, pgv_error_last()->message);
		goto done;
	}
	if (o->concurrently && pgv_conn_in_transaction(c)) {
		status = pgv__conn_fail(c, PGV_EINVAL, op, "%s: CREATE INDEX CONCURRENTLY cannot run "
			"inside a transaction block (commit or roll back first, or build it without "
			"concurrently)", t.what);
		goto done;
	}
	if ((status = pgv__store_describe(c, &t, op, &dim, typname, sizeof(typname))) != 0)
		goto done;
	if ((status = pgv__index_check_column(o, t.type, typname, dim, &form)) != 0) {
		status = pgv__conn_fail(c, status, op, "%s: the column %s: %s", t.what, t.vec,
			pgv_error_last()->message);
		goto done;
	}
	if ((status = pgv_index_name(&name, spec, o)) != 0
			|| (status = pgv_ident_quote(&quoted, name)) != 0) {
		status = pgv__conn_fail(c, status, op, "%s: the index name: %s", t.what,
			pgv_error_last()->message);
		goto done;
	}
	if (o->m)
		add_option(&with, "m", o->m);
	if (o->ef_construction)
		add_option(&with, "ef_construction", o->ef_construction);
	if (o->lists)
		add_option(&with, "lists", o->lists);
	if (with.len)
		pgv__buf_addc(&with, ')');
	memset(&vars, 0, sizeof(vars));
	vars.name = quoted;
	vars.form = form;
	vars.dim = dim;
	vars.method = t.dialect->methods[o->method];
	vars.with = with.s;
	vars.concurrently = o->concurrently;
	if (with.oom || !(sql = pgv__store_sql_vars(&t, PGV__SQL_INDEX_CREATE, o->metric, &vars))) {
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		goto done;
	}
	if ((status = pgv_conn_exec(c, sql)) != 0) {
		pgv__conn_prefix(c, status, op, "%s", t.what);
		status = create_refused(c, &t, op, o, form, status);
	} else {
		pgv__forms_forget(c); /* k-NN must see the new index at once */
		if (out)
			*out = form;
	}
done:
	free(sql);
	pgv_text_free(name);
	pgv_text_free(quoted);
	pgv__buf_free(&with);
	pgv__store_table_free(&t);
	return status;
}

/* Reads the progress of a build on the table (from another connection than the build's). */
int pgv_index_progress_read(pgv_index_progress *out, pgv_conn *c, const pgv_table *spec)
{
	const char *op = "pgv_index_progress_read";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	char *sql = NULL;
	const char *phase = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_index_progress_read", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "reading index build progress: out is NULL");
	memset(out, 0, sizeof(*out));
	if ((status = index_table_open(&t, c, spec, op, "reading the index build progress "
			"of")) != 0)
		goto done;
	if (!(sql = pgv__store_sql(&t, PGV__SQL_INDEX_PROGRESS, PGV_METRIC_L2))) {
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		goto done;
	}
	if ((status = pgv_stmt_prepare(&st, c, sql)) == 0
			&& (status = pgv_stmt_bind_text(st, 1, t.table, PGV_NTS)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW) {
		out->active = 1;
		if ((status = pgv_stmt_column_text(&phase, NULL, st, 1)) == 0)
			snprintf(out->phase, sizeof(out->phase), "%s", phase);
		/* a counter the phase does not use may be NULL: it stays 0 */
		if (status >= 0 && pgv_stmt_column_int64(&out->tuples_done, st, 2) < 0)
			status = PGV_ERROR;
		if (status >= 0 && pgv_stmt_column_int64(&out->tuples_total, st, 3) < 0)
			status = PGV_ERROR;
		if (status >= 0 && pgv_stmt_column_int64(&out->blocks_done, st, 4) < 0)
			status = PGV_ERROR;
		if (status >= 0 && pgv_stmt_column_int64(&out->blocks_total, st, 5) < 0)
			status = PGV_ERROR;
		status = status < 0 ? status : 0;
	} else if (status == PGV_DONE) {
		status = 0;
	}
	if (status < 0)
		pgv__conn_prefix(c, status, op, "%s", t.what);
done:
	pgv_stmt_free(st);
	free(sql);
	pgv__store_table_free(&t);
	return status;
}

/*
 * Asks the catalog whether `name` is an index of the table: 0 with `*schema` its schema (newly
 * allocated) or NULL when there is no such index of the table; PGV_ENOTFOUND when the table
 * does not exist.
 */
static int find_index(pgv_conn *c, const pgv__store_table *t, const char *op, const char *name,
	char **schema)
{
	char *sql = pgv__store_sql(t, PGV__SQL_INDEX_FIND, PGV_METRIC_L2);
	pgv_stmt *st = NULL;
	const char *text = NULL;
	int64_t exists = 0;
	int status;

	*schema = NULL;
	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(&st, c, sql);
	free(sql);
	if (status == 0 && (status = pgv_stmt_bind_text(st, 1, name, PGV_NTS)) == 0
			&& (status = pgv_stmt_bind_text(st, 2, t->table, PGV_NTS)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW
			&& (status = pgv_stmt_column_int64(&exists, st, 1)) == 0) {
		status = pgv_stmt_column_text(&text, NULL, st, 2);
		if (status == 0 && !(*schema = strdup(text)))
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
		else if (status == PGV_NULL)
			status = 0;
	} else if (status == PGV_DONE) {
		status = pgv__conn_fail(c, PGV_ERROR, op, "the catalog query returned no row");
	}
	pgv_stmt_free(st);
	if (status < 0)
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	if (!exists)
		return pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s: the table does not exist", t->what);
	return 0;
}

/* Drops an index of the table, if it exists. */
int pgv_index_drop(int *out, pgv_conn *c, const pgv_table *spec, const char *name)
{
	const char *op = "pgv_index_drop";
	pgv__store_table t;
	pgv__buf qualified = { NULL, 0, 0, 0 };
	pgv__sql_vars vars;
	char *schema = NULL, *qschema = NULL, *qname = NULL, *sql = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_index_drop", "conn");
	pgv__conn_clear(c);
	if (out)
		*out = 0;
	memset(&vars, 0, sizeof(vars));
	if ((status = index_table_open(&t, c, spec, op, "dropping an index of")) != 0)
		goto done;
	if ((status = pgv_ident_quote(&qname, name)) != 0) {
		status = pgv__conn_fail(c, status, op, "%s: the index name: %s", t.what,
			pgv_error_last()->message);
		goto done;
	}
	if ((status = find_index(c, &t, op, name, &schema)) != 0 || !schema)
		goto done;
	if ((status = pgv_ident_quote(&qschema, schema)) != 0) {
		status = pgv__conn_fail(c, status, op, "%s: %s", t.what, pgv_error_last()->message);
		goto done;
	}
	pgv__buf_adds(&qualified, qschema);
	pgv__buf_addc(&qualified, '.');
	pgv__buf_adds(&qualified, qname);
	vars.name = qualified.s;
	if (qualified.oom || !(sql = pgv__store_sql_vars(&t, PGV__SQL_INDEX_DROP, PGV_METRIC_L2,
			&vars))) {
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		goto done;
	}
	if ((status = pgv_conn_exec(c, sql)) != 0) {
		pgv__conn_prefix(c, status, op, "%s", t.what);
	} else {
		pgv__forms_forget(c); /* k-NN must stop shaping for the dropped index at once */
		if (out)
			*out = 1;
	}
done:
	free(sql);
	free(schema);
	pgv_text_free(qschema);
	pgv_text_free(qname);
	pgv__buf_free(&qualified);
	pgv__store_table_free(&t);
	return status;
}

/* Whether the table has an index of that name. */
int pgv_index_exists(int *out, pgv_conn *c, const pgv_table *spec, const char *name)
{
	const char *op = "pgv_index_exists";
	pgv__store_table t;
	char *schema = NULL;
	int status;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL");
	*out = 0;
	if (!name || !name[0])
		return pgv__conn_fail(c, PGV_EINVAL, op, "the index name is NULL or empty");
	if ((status = index_table_open(&t, c, spec, op, "looking for an index of")) == 0
			&& (status = find_index(c, &t, op, name, &schema)) == 0)
		*out = schema != NULL;
	free(schema);
	pgv__store_table_free(&t);
	return status;
}
