/*
 * `pgvodbc export` of a collection (--select, or a table whose id is text or uuid): JSON lines
 * as `list --json --select` prints them, read in keyset pages through pgv_collection_list
 * (a filter "id > the last id" and a limit), so memory stays bounded by a page.  What it
 * writes, `import` reads back into the same columns.  Written as the other formats are
 * (formats_write.c): the file is created only once the first page is read, a row is counted
 * once all of its bytes reached the output, and after a failed write a file is cut back to its
 * last whole row, so it holds exactly the rows the message counts (on a pipe, a torn last row
 * is named).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One run: the output, and the keys of the page being written (a row's id in the writer is
 * its index here), so that a failure can name rows by their keys. */
typedef struct records_run {
	cli *c;
	const char *path;
	int fd;              /* -1 before the first page is read */
	int to_stdout;
	fmt_writer w;
	char **keys;         /* the current page's keys as text */
	size_t nkeys, keys_cap;
	uint64_t rows_before; /* w.rows when the current page began */
	char *prev_last;     /* the key of the last row of the pages before (NULL: none) */
	char cut[160];
} records_run;

static void keys_clear(records_run *run)
{
	for (size_t i = 0; i < run->nkeys; i++)
		free(run->keys[i]);
	run->nkeys = 0;
}

/* A row's key as text (an integer in decimal), kept for the page; 0 or -1 (ENOMEM). */
static int keep_key(records_run *run, const pgv_value *key)
{
	char num[24];
	char *k;

	if (run->nkeys == run->keys_cap) {
		size_t cap = run->keys_cap ? run->keys_cap * 2 : 256;
		char **p = realloc(run->keys, cap * sizeof(*p));

		if (!p)
			return -1;
		run->keys = p;
		run->keys_cap = cap;
	}
	if (key->type == PGV_VALUE_INT64)
		snprintf(num, sizeof(num), "%lld", (long long)key->i);
	if (!(k = strdup(key->type == PGV_VALUE_INT64 ? num : key->text ? key->text : "NULL")))
		return -1;
	run->keys[run->nkeys++] = k;
	return 0;
}

/* The key of the last whole row, or NULL. */
static const char *last_key(const records_run *run)
{
	if (run->w.rows > run->rows_before && (size_t)run->w.last_id < run->nkeys)
		return run->keys[run->w.last_id];
	return run->prev_last;
}

/* Reports a failed write (the file cut back first); a reader of standard output that went away
 * ends the export quietly. */
static int write_failed(records_run *run)
{
	char q[96], kq[96], tq[96], torn[160] = "", note[512];
	const char *name = run->to_stdout ? "standard output"
		: cli_quote(q, sizeof(q), run->path, strlen(run->path));
	const char *last = last_key(run);
	int cut = run->to_stdout ? 0 : fmt_writer_cut_back(&run->w);
	unsigned long long n = run->w.rows;

	if (run->to_stdout && run->w.err == EPIPE) {
		run->c->out.failed = 1;
		run->c->out.err = EPIPE;
		return cli_fail_output(run->c);
	}
	if (cut > 0) {
		snprintf(run->cut, sizeof(run->cut), " (the part of the next row that was written "
			"has been removed)");
	} else if (run->w.torn && (size_t)run->w.torn_id < run->nkeys) {
		const char *t = run->keys[run->w.torn_id];

		snprintf(torn, sizeof(torn), " (then part of the row with id %s, %s)",
			cli_quote(tq, sizeof(tq), t, strlen(t)), cut < 0 ? "which could not be removed"
			: "cut short");
	}
	if (n == 0)
		snprintf(note, sizeof(note), "no rows were written%s%s", torn, run->cut);
	else
		snprintf(note, sizeof(note), "%llu %s written, the last with id %s%s%s", n,
			n == 1 ? "row was" : "rows were", cli_quote(kq, sizeof(kq), last ? last : "",
			last ? strlen(last) : 0), torn, run->cut);
	return cli_fail(run->c, "writing %s: %s; %s", name, strerror(run->w.err), note);
}

/* Opens the output once the first page is read; CLI_OK or reported. */
static int open_output(records_run *run)
{
	char q[96];

	run->to_stdout = strcmp(run->path, "-") == 0;
	run->fd = run->to_stdout ? STDOUT_FILENO
		: open(run->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (run->fd < 0)
		return cli_fail(run->c, "cannot create %s: %s", cli_quote(q, sizeof(q), run->path,
			strlen(run->path)), strerror(errno));
	fmt_writer_init(&run->w, FMT_JSONL, run->fd);
	return CLI_OK;
}

/* Writes one page's rows and flushes them; the last key into *last (its text copied into
 * *last_text).  CLI_OK or reported. */
static int write_page(records_run *run, cli_out *o, pgv_cursor *cur, const char *const *names,
	pgv_value *last, char **last_text)
{
	const pgv_row *row;

	run->rows_before = run->w.rows;
	while (pgv_cursor_next(&row, cur) == PGV_ROW) {
		const char *line;
		size_t len;

		out_begin(o);
		if (row->key.type == PGV_VALUE_INT64)
			out_int(o, "id", row->key.i);
		else
			out_string(o, "id", row->key.text, "NULL");
		out_vector(o, "embedding", row->vector_is_null ? NULL : &row->vector, "NULL");
		for (size_t j = 0; j < row->nvalues; j++)
			out_value(o, names[j], &row->values[j], "NULL");
		if (out_end_record(o, &line, &len) != 0 || keep_key(run, &row->key) != 0)
			return cli_fail(run->c, "out of memory");
		if (fmt_write_record(&run->w, line, len, (int64_t)(run->nkeys - 1)) != 0)
			return write_failed(run);
		free(*last_text);
		*last_text = NULL;
		if (row->key.type == PGV_VALUE_TEXT) {
			if (!(*last_text = strdup(row->key.text)))
				return cli_fail(run->c, "out of memory");
			*last = pgv_value_text(*last_text);
		} else {
			*last = row->key;
		}
	}
	if (fmt_writer_flush(&run->w) != 0)
		return write_failed(run);
	/* the page is out whole: its last key is all a later failure needs of it */
	if (run->nkeys) {
		free(run->prev_last);
		run->prev_last = run->keys[run->nkeys - 1];
		run->keys[run->nkeys - 1] = NULL;
	}
	keys_clear(run);
	return CLI_OK;
}

int cli_export_records(cli *c, const char *path)
{
	pgv_query_opts o = PGV_QUERY_OPTS_INIT;
	pgv_collection *coll = NULL;
	const char *idname = c->table.id_column ? c->table.id_column : "id";
	const char **names = NULL;
	char *buf = NULL, *last_text = NULL, q[96];
	pgv_value last = pgv_value_null();
	records_run run;
	size_t n = 0, got;
	cli_out out;
	int rc = CLI_OK;

	memset(&run, 0, sizeof(run));
	run.c = c;
	run.path = path;
	run.fd = -1;
	if (cli_split_select(c->opt.select, &buf, &names, &n) != 0)
		return cli_fail(c, "out of memory");
	if (pgv_collection_open(&coll, c->conn, &c->table) != 0) {
		rc = cli_fail_db(c, NULL);
		goto done;
	}
	out_init(&out, NULL, 1); /* builds the lines; the writer writes them */
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
			char note[256];
			const char *lk = run.prev_last;

			pgv_filter_free(f);
			if (run.fd < 0) {
				rc = cli_fail_db(c, NULL); /* nothing created */
			} else {
				snprintf(note, sizeof(note), "%llu %s written%s%s",
					(unsigned long long)run.w.rows, run.w.rows == 1 ? "row was" : "rows were",
					lk ? ", the last with id " : "",
					lk ? cli_quote(q, sizeof(q), lk, strlen(lk)) : "");
				rc = cli_fail_error(c, NULL, pgv_conn_error(c->conn), note);
			}
			break;
		}
		if (run.fd < 0 && (rc = open_output(&run)) != CLI_OK) {
			pgv_cursor_free(cur);
			pgv_filter_free(f);
			break;
		}
		got = pgv_cursor_count(cur);
		rc = write_page(&run, &out, cur, names, &last, &last_text);
		pgv_cursor_free(cur);
		pgv_filter_free(f);
	} while (rc == CLI_OK && o.limit > 0 && got == (size_t)o.limit);
	out_free(&out);
	if (run.fd >= 0 && !run.to_stdout && close(run.fd) != 0 && rc == CLI_OK) {
		run.w.err = errno;
		rc = write_failed(&run);
	}
	if (rc == CLI_OK)
		fprintf(stderr, "exported %llu %s\n", (unsigned long long)run.w.rows,
			run.w.rows == 1 ? "row" : "rows");
done:
	keys_clear(&run);
	free(run.keys);
	free(run.prev_last);
	fmt_writer_free(&run.w);
	pgv_collection_free(coll);
	free(last_text);
	free(names);
	free(buf);
	return rc;
}
