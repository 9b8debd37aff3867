/*
 * `pgvodbc sql`: runs SQL text given with -c (each one its own run, in order), read from -f FILE
 * or, with neither, from stdin, and prints every result: tab-separated text with a header line,
 * CSV (--csv) or JSON lines (--json); pgvector columns come out in vector form.  Each text goes
 * to the driver whole, as the migrations do (psqlODBC splits it the server's way, never on a ';'
 * inside quotes, dollar quotes or comments), so the statements of one text are one implicit
 * transaction.  On SQLite the kinds follow the declared type's affinity, and a vector column's
 * float32 blob (sqlite-vec's form) comes out in vector form too.  Stops at the first error, like psql with ON_ERROR_STOP, and says what was
 * committed: the texts before the failing one, nothing of it.  SIGINT and SIGTERM cancel the
 * running text on the server (interrupt.c) or stop the printing of its results.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How a column's values are printed, from its type's name. */
typedef enum col_kind {
	K_TEXT,      /* a string */
	K_INT,       /* a number as the server wrote it */
	K_FLOAT,     /* a number, or a string for NaN and infinities */
	K_BOOL,      /* psqlODBC gives "1" / "0" */
	K_VECTOR,    /* "[...]" */
	K_HALFVEC,   /* "[...]", each element a half */
	K_SPARSEVEC, /* "{i:v,...}/dim", printed dense */
	K_BITS,      /* "0101", printed as [0,1,0,1] */
	K_F32        /* SQLite: a float32 blob (the driver's text X'hex'), or "[...]" text */
} col_kind;

/* The kind of a column whose type is named `type` (pgv_stmt_column_type_name). */
static col_kind kind_of(const char *type)
{
	static const struct { const char *name; col_kind kind; } KINDS[] = {
		{ "int2", K_INT }, { "int4", K_INT }, { "int8", K_INT }, { "oid", K_INT },
		{ "float4", K_FLOAT }, { "float8", K_FLOAT }, { "numeric", K_FLOAT },
		{ "bool", K_BOOL }, { "vector", K_VECTOR }, { "halfvec", K_HALFVEC },
		{ "sparsevec", K_SPARSEVEC }, { "bit", K_BITS }, { "varbit", K_BITS },
	};

	for (size_t i = 0; i < sizeof(KINDS) / sizeof(KINDS[0]); i++)
		if (strcmp(type, KINDS[i].name) == 0)
			return KINDS[i].kind;
	return K_TEXT;
}

/* Whether `type` holds `part`, ignoring ASCII case. */
static int type_has(const char *type, const char *part)
{
	size_t n = strlen(part);

	for (; *type; type++) {
		size_t i = 0;

		while (i < n && type[i] && (type[i] | 0x20) == (part[i] | 0x20))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * The kind of a SQLite column from its declared type (the driver's name for an expression:
 * integer, double, varchar, blob): sqlite-vec's vector by name, else by SQLite's affinity rules
 * (a value of another storage class still prints as text: put_value checks each).  Its bit
 * vectors print as the driver gives them.
 */
static col_kind kind_of_sqlite(const char *type)
{
	if (type_has(type, "vector"))
		return K_F32;
	if (type_has(type, "int"))
		return K_INT;
	if (type_has(type, "char") || type_has(type, "clob") || type_has(type, "text")
			|| type_has(type, "blob") || type_has(type, "bit") || !*type)
		return K_TEXT;
	return K_FLOAT; /* REAL, FLOA, DOUB, and NUMERIC affinity */
}

/* A hex digit's value, or -1. */
static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/*
 * Decodes the SQLite driver's text of a blob, X'hex', holding little-endian float32 elements
 * (sqlite-vec's vector) into `v` (newly allocated); 0, or -1 when it is no such text.
 */
static int decode_f32_blob(const char *text, size_t len, pgv_vector *v)
{
	size_t nbytes, dim;

	v->dim = 0;
	v->data = NULL;
	if (len < 3 || text[0] != 'X' || text[1] != '\'' || text[len - 1] != '\'')
		return -1;
	nbytes = (len - 3) / 2;
	if ((len - 3) % 2 != 0 || nbytes == 0 || nbytes % 4 != 0)
		return -1;
	dim = nbytes / 4;
	if (dim > PGV_VECTOR_MAX_DIM || !(v->data = malloc(dim * sizeof(float))))
		return -1;
	for (size_t i = 0; i < dim; i++) {
		uint32_t bits = 0;

		for (size_t b = 0; b < 4; b++) {
			int hi = hex_value(text[2 + (i * 4 + b) * 2]);
			int lo = hex_value(text[3 + (i * 4 + b) * 2]);

			if (hi < 0 || lo < 0) {
				free(v->data);
				v->data = NULL;
				return -1;
			}
			bits |= (uint32_t)(hi * 16 + lo) << (8 * b);
		}
		memcpy(&v->data[i], &bits, sizeof(float));
	}
	v->dim = dim;
	return 0;
}

/* One result's columns. */
typedef struct columns {
	int n;
	const char **names; /* the statement's strings, valid for this result */
	col_kind *kinds;
} columns;

static void columns_free(columns *cols)
{
	free(cols->names);
	free(cols->kinds);
	memset(cols, 0, sizeof(*cols));
}

/* Reads the current result's column names and kinds; 0 or -1 (reported as `what`). */
static int columns_read(cli *c, pgv_stmt *st, columns *cols, const char *what, int *rc)
{
	int sqlite = pgv_conn_backend(c->conn) == PGV_BACKEND_SQLITE;

	cols->n = pgv_stmt_column_count(st);
	cols->names = calloc((size_t)cols->n, sizeof(*cols->names));
	cols->kinds = calloc((size_t)cols->n, sizeof(*cols->kinds));
	if (!cols->names || !cols->kinds) {
		*rc = cli_fail(c, "%s: out of memory", what);
		return -1;
	}
	for (int i = 0; i < cols->n; i++) {
		const char *type;

		if (pgv_stmt_column_name(&cols->names[i], st, i + 1) != 0
				|| pgv_stmt_column_type_name(&type, st, i + 1) != 0) {
			*rc = cli_fail_db(c, what);
			return -1;
		}
		cols->kinds[i] = sqlite ? kind_of_sqlite(type) : kind_of(type);
	}
	return 0;
}

/* Whether `s` is a number in JSON's grammar (the server's "NaN" and "Infinity" are not). */
static int is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	if (*s == '0' && s[1] >= '0' && s[1] <= '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/*
 * Decodes a pgvector or bit column of the current row into dense floats in `v` (newly allocated);
 * 0, or -1 when the text does not decode (it is then printed as the server wrote it: a column
 * the catalog matched by name may be an alias of another type).
 */
static int decode_vector(pgv_stmt *st, int col, col_kind kind, pgv_vector *v)
{
	v->dim = 0;
	v->data = NULL;
	if (kind == K_VECTOR)
		return pgv_stmt_column_vector(v, st, col) == 0 ? 0 : -1;
	if (kind == K_HALFVEC)
		return pgv_stmt_column_halfvec(v, st, col) == 0 ? 0 : -1;
	if (kind == K_SPARSEVEC) {
		pgv_sparsevec sv = PGV_SPARSEVEC_INIT;

		/* a dense form past pgvector's vector limit would be no use to anyone */
		if (pgv_stmt_column_sparsevec(&sv, st, col) != 0 || sv.dim > PGV_VECTOR_MAX_DIM
				|| !(v->data = calloc(sv.dim, sizeof(float)))) {
			pgv_sparsevec_free(&sv);
			return -1;
		}
		v->dim = sv.dim;
		for (size_t i = 0; i < sv.nnz; i++)
			v->data[sv.indices[i]] = sv.values[i];
		pgv_sparsevec_free(&sv);
		return 0;
	}
	{
		pgv_bitvec bv = PGV_BITVEC_INIT;

		if (pgv_stmt_column_bits(&bv, st, col) != 0 || bv.dim == 0
				|| !(v->data = calloc(bv.dim, sizeof(float)))) {
			pgv_bitvec_free(&bv);
			return -1;
		}
		v->dim = bv.dim;
		for (size_t i = 0; i < bv.dim; i++)
			v->data[i] = (float)((bv.data[i / 8] >> (7 - i % 8)) & 1);
		pgv_bitvec_free(&bv);
		return 0;
	}
}

/* Adds column `col` (1-based) of the current row to the line; 0 or -1 (reported). */
static int put_value(cli *c, pgv_stmt *st, const columns *cols, int col, const char *what,
	int *rc)
{
	const char *key = cols->names[col - 1], *text;
	col_kind kind = cols->kinds[col - 1];
	size_t len;
	int got = pgv_stmt_column_text(&text, &len, st, col);

	if (got == PGV_NULL) {
		out_string(&c->out, key, NULL, "");
		return 0;
	}
	if (got != 0) {
		*rc = cli_fail_db(c, what);
		return -1;
	}
	switch (kind) {
	case K_INT:
	case K_FLOAT:
		if (is_json_number(text)) {
			out_number_text(&c->out, key, text);
			return 0;
		}
		break;
	case K_BOOL:
		if (c->out.json && (strcmp(text, "1") == 0 || strcmp(text, "0") == 0)) {
			out_bool(&c->out, key, text[0] == '1');
			return 0;
		}
		break;
	case K_F32:
	case K_VECTOR:
	case K_HALFVEC:
	case K_SPARSEVEC:
	case K_BITS: {
		pgv_vector v;
		/*
		 * float32: a blob, else text in vector form (sqlite-vec takes both); the others: the
		 * text read above (the decoders read the statement's copy again); else as it is
		 */
		int decoded = kind == K_F32 ? decode_f32_blob(text, len, &v) == 0
			|| (text[0] == '[' && decode_vector(st, col, K_VECTOR, &v) == 0)
			: decode_vector(st, col, kind, &v) == 0;

		if (decoded) {
			out_vector(&c->out, key, &v, "");
			pgv_vector_free(&v);
			return 0;
		}
		if (pgv_stmt_column_text(&text, &len, st, col) != 0) {
			*rc = cli_fail_db(c, what);
			return -1;
		}
		break;
	}
	case K_TEXT:
		break;
	}
	out_string(&c->out, key, text, "");
	return 0;
}

/* Prints the current result's rows; `step` is the first pgv_stmt_step's status. */
static int print_result(cli *c, pgv_stmt *st, int step, int nresults, const char *what)
{
	columns cols = { 0, NULL, NULL };
	int rc = CLI_OK;

	if (columns_read(c, st, &cols, what, &rc) != 0)
		return rc;
	if (!c->out.json) {
		/* a blank line between the result sets of one run */
		if (nresults > 0 && out_text(&c->out, "") != 0)
			goto out;
		out_begin(&c->out);
		for (int i = 0; i < cols.n; i++)
			out_string(&c->out, "", cols.names[i], "");
		if (out_end(&c->out) != 0)
			goto out;
	}
	for (; step == PGV_ROW; step = pgv_stmt_step(st)) {
		if (cli_interrupted()) {
			/* the whole text ran before its results are read: it is committed */
			rc = cli_fail(c, "%s: interrupted by %s while printing its results; the text had "
				"run and was committed", what, cli_signal_name(cli_interrupted()));
			goto out;
		}
		out_begin(&c->out);
		for (int i = 1; i <= cols.n; i++)
			if (put_value(c, st, &cols, i, what, &rc) != 0)
				goto out;
		if (out_end(&c->out) != 0)
			goto out;
	}
	if (step != PGV_DONE)
		rc = cli_fail_db(c, what);
out:
	columns_free(&cols);
	if (rc == CLI_OK && c->out.failed)
		rc = cli_fail_output(c);
	return rc;
}

/* Reports the row count of a statement without a result: "N rows affected" (text: stdout; CSV:
 * stderr, so stdout stays CSV) or {"rows_affected":N} (null when the driver does not know). */
static int print_changes(cli *c, int64_t n)
{
	char line[64];

	if (c->out.json) {
		out_begin(&c->out);
		if (n >= 0)
			out_int(&c->out, "rows_affected", n);
		else
			out_string(&c->out, "rows_affected", NULL, "");
		return out_end(&c->out) == 0 ? CLI_OK : cli_fail_output(c);
	}
	if (n >= 0)
		snprintf(line, sizeof(line), "%lld row%s affected", (long long)n, n == 1 ? "" : "s");
	else
		snprintf(line, sizeof(line), "done");
	if (c->out.csv) {
		fprintf(stderr, "%s\n", line);
		return CLI_OK;
	}
	return out_text(&c->out, line) == 0 ? CLI_OK : cli_fail_output(c);
}

/* Runs one text and prints each of its results; CLI_OK or reported, a failure of the text
 * ending with `note` (what was committed). */
static int run_text(cli *c, const char *sql, const char *what, const char *note)
{
	pgv_stmt *st = NULL;
	int rc = CLI_OK, step, nresults = 0, nmarkers;

	if (pgv_stmt_prepare(&st, c->conn, sql) != 0)
		return cli_fail_error(c, what, pgv_conn_error(c->conn), note);
	nmarkers = pgv_stmt_param_count(st);
	if (c->opt.nparams != (size_t)nmarkers) {
		pgv_stmt_free(st); /* the count is read before: the statement is gone after this */
		return cli_usage(c, "the statement has %d ? parameter%s but %zu --param value%s "
			"%s given", nmarkers, nmarkers == 1 ? "" : "s",
			c->opt.nparams, c->opt.nparams == 1 ? "" : "s", c->opt.nparams == 1 ? "was" : "were");
	}
	/* values go as text: the server reads them as the type the statement needs */
	for (size_t i = 0; i < c->opt.nparams; i++)
		if (pgv_stmt_bind_text(st, (int)i + 1, c->opt.params[i], PGV_NTS) != 0) {
			rc = cli_fail_error(c, what, pgv_conn_error(c->conn), note);
			pgv_stmt_free(st);
			return rc;
		}
	for (step = pgv_stmt_step(st); ; step = pgv_stmt_step(st)) {
		int next;

		if (step < 0) {
			rc = cli_fail_error(c, what, pgv_conn_error(c->conn), note);
			break;
		}
		if (pgv_stmt_column_count(st) > 0)
			rc = print_result(c, st, step, nresults, what);
		else
			rc = print_changes(c, pgv_stmt_changes(st));
		nresults++;
		if (rc != CLI_OK || (next = pgv_stmt_next_result(st)) == PGV_DONE)
			break;
		if (next < 0) {
			rc = cli_fail_error(c, what, pgv_conn_error(c->conn), note);
			break;
		}
	}
	pgv_stmt_free(st);
	return rc;
}

/* Reads all of `path` ("-": stdin) into *out (NUL-terminated, newly allocated); CLI_OK or
 * reported.  A NUL byte is refused: the driver would take the text to end there. */
static int read_text(cli *c, const char *path, char **out)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	size_t len = 0, cap = 0, nul;
	char *buf = NULL, q[96];
	const char *name = is_stdin ? "stdin" : cli_quote(q, sizeof(q), path, strlen(path));
	int err = 0;

	*out = NULL;
	if (!fp)
		return cli_fail(c, "reading %s: %s", name, strerror(errno));
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *p = cap > SIZE_MAX / 4 ? NULL : realloc(buf, cap ? cap * 2 : 8192);
			if (!p) {
				err = ENOMEM;
				break;
			}
			buf = p;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
		if (got == 0) {
			if (ferror(fp))
				err = errno ? errno : EIO;
			break;
		}
	}
	if (!is_stdin)
		fclose(fp);
	if (err) {
		free(buf);
		return cli_fail(c, "reading %s: %s", name, strerror(err));
	}
	buf[len] = '\0';
	if ((nul = strlen(buf)) != len) {
		free(buf);
		return cli_fail(c, "reading %s: the text holds a NUL byte at offset %zu", name, nul);
	}
	*out = buf;
	return CLI_OK;
}

int cmd_sql(cli *c)
{
	cli_sql_text from_stdin = { "-", 1 };
	const cli_sql_text *texts = c->opt.nsql ? c->opt.sql : &from_stdin;
	size_t ntexts = c->opt.nsql ? c->opt.nsql : 1;
	size_t ncommand = 0;
	int rc = CLI_OK;

	if (c->opt.nargs > 0)
		return cli_usage(c, "sql takes its statements from -c SQL, -f FILE or stdin, "
			"not as arguments");
	if (c->opt.nparams > 0 && (ntexts != 1 || texts[0].is_file))
		return cli_usage(c, "--param binds to the ? markers of a single statement: give "
			"exactly one -c with it");
	if ((rc = cli_connect(c)) != CLI_OK)
		return rc;
	c->out.escape = 1; /* a value's tab or newline must not split a text line */
	for (size_t i = 0; i < ntexts && rc == CLI_OK; i++) {
		char what[96], q[96], note[96];
		char *text = NULL;

		if (texts[i].is_file) {
			const char *path = texts[i].value;

			if ((rc = read_text(c, path, &text)) != CLI_OK)
				break;
			if (strcmp(path, "-") == 0)
				snprintf(what, sizeof(what), "stdin");
			else
				snprintf(what, sizeof(what), "%s", cli_quote(q, sizeof(q), path,
					strlen(path)));
		} else if (c->opt.nsql == 1) {
			snprintf(what, sizeof(what), "-c");
		} else {
			/* which -c failed, counting the -c options only */
			snprintf(what, sizeof(what), "-c #%zu", ++ncommand);
		}
		if (i == 0)
			snprintf(note, sizeof(note), "nothing of it was committed");
		else
			snprintf(note, sizeof(note), "the %zu text%s before it %s committed, nothing of "
				"this one", i, i == 1 ? "" : "s", i == 1 ? "was" : "were");
		rc = run_text(c, text ? text : texts[i].value, what, note);
		free(text);
	}
	return rc;
}
