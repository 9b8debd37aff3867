/*
 * `pgvodbc export` of a collection (--select, or a table whose id is text or uuid): JSON lines
 * as `list --json --select` prints them, read in keyset pages through pgv_collection_list
 * (a filter "id > the last id" and a limit), so memory stays bounded by a page.  What it
 * writes, `import` reads back into the same columns.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Writes one page's rows; the last key into *last (its text copied into *last_text). */
static int write_page(cli *c, cli_out *o, pgv_cursor *cur, const char *const *names,
	pgv_value *last, char **last_text, uint64_t *written)
{
	const pgv_row *row;

	while (pgv_cursor_next(&row, cur) == PGV_ROW) {
		out_begin(o);
		if (row->key.type == PGV_VALUE_INT64)
			out_int(o, "id", row->key.i);
		else
			out_string(o, "id", row->key.text, "NULL");
		out_vector(o, "embedding", row->vector_is_null ? NULL : &row->vector, "NULL");
		for (size_t j = 0; j < row->nvalues; j++)
			out_value(o, names[j], &row->values[j], "NULL");
		if (out_end(o) != 0)
			return -1;
		(*written)++;
		free(*last_text);
		*last_text = NULL;
		if (row->key.type == PGV_VALUE_TEXT) {
			if (!(*last_text = strdup(row->key.text)))
				return -1;
			*last = pgv_value_text(*last_text);
		} else {
			*last = row->key;
		}
	}
	(void)c;
	return 0;
}

int cli_export_records(cli *c, const char *path)
{
	pgv_query_opts o = PGV_QUERY_OPTS_INIT;
	pgv_collection *coll = NULL;
	const char *idname = c->table.id_column ? c->table.id_column : "id";
	const char **names = NULL;
	char *buf = NULL, *last_text = NULL, q[96];
	pgv_value last = pgv_value_null();
	uint64_t written = 0;
	size_t n = 0, got;
	cli_out out;
	FILE *fp = NULL;
	int rc = CLI_OK;

	if (cli_split_select(c->opt.select, &buf, &names, &n) != 0)
		return cli_fail(c, "out of memory");
	if (pgv_collection_open(&coll, c->conn, &c->table) != 0) {
		rc = cli_fail_db(c, NULL);
		goto done;
	}
	fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (!fp) {
		rc = cli_fail(c, "cannot create %s: %s", cli_quote(q, sizeof(q), path, strlen(path)),
			strerror(errno));
		goto done;
	}
	out_init(&out, fp, 1);
	o.select = names;
	o.nselect = n;
	o.binary = c->opt.binary;
	o.limit = c->opt.page_rows ? (int64_t)c->opt.page_rows : 0;
	do {
		pgv_filter *f = NULL;
		pgv_cursor *cur = NULL;

		if (last.type != PGV_VALUE_NULL && (pgv_filter_new(&f) != 0
				|| pgv_filter_add(f, idname, PGV_FILTER_GT, &last, 1) != 0)) {
			pgv_filter_free(f);
			rc = cli_fail(c, "out of memory");
			break;
		}
		o.filter = f;
		if (pgv_collection_list(&cur, coll, &o) != 0) {
			pgv_filter_free(f);
			rc = cli_fail_db(c, NULL);
			break;
		}
		got = pgv_cursor_count(cur);
		if (write_page(c, &out, cur, names, &last, &last_text, &written) != 0)
			rc = out.failed ? -1 : cli_fail(c, "out of memory");
		pgv_cursor_free(cur);
		pgv_filter_free(f);
	} while (rc == CLI_OK && o.limit > 0 && got == (size_t)o.limit);
	if (rc == -1 || out.failed) {
		c->out.failed = 1;
		c->out.err = out.err;
		rc = fp == stdout ? cli_fail_output(c) : cli_fail(c, "writing %s: %s", cli_quote(q,
			sizeof(q), path, strlen(path)), strerror(out.err));
	}
	out_free(&out);
	if (fp && fp != stdout && fclose(fp) != 0 && rc == CLI_OK)
		rc = cli_fail(c, "writing %s: %s", cli_quote(q, sizeof(q), path, strlen(path)),
			strerror(errno));
	if (rc == CLI_OK)
		fprintf(stderr, "exported %llu %s\n", (unsigned long long)written,
			written == 1 ? "row" : "rows");
done:
	pgv_collection_free(coll);
	free(last_text);
	free(names);
	free(buf);
	return rc;
}
