/*
 * `pgvodbc export`: streams a table in id order to a CSV, JSON lines or .fvecs file (or standard
 * output), one record at a time, from pgv_store_list_ext.  Vectors are written in their shortest
 * round-trip text (or as their float32 bits in .fvecs), so they read back bit for bit.  The file
 * is created only once the table has been read from.  A row is counted once all of its bytes
 * reached the file (formats_write.c); after a failed write (a full disk, a file size limit) the
 * file is cut back to its last whole record, so it holds exactly the rows the message counts, and
 * the message gives the --after that writes the rest (on a pipe, a torn last record is named).
 */
#include "cli.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One run of the command. */
typedef struct export_run {
	cli *c;
	const char *path;   /* the file, or "-" */
	int fd;             /* the file, or standard output; -1 before it is opened */
	int to_stdout;
	fmt_writer w;       /* w.rows, w.last_id: the rows that reached the output */
	uint64_t written;   /* rows handed to the writer */
	char cut[160];      /* what was done to a file after a failed write, "" when nothing */
	uint64_t gap_pos;   /* .fvecs: the first vector whose id is not --id-base + its position */
	int64_t gap_id;
	int gap;
	cli_progress progress;
} export_run;

/* "N rows were written to FILE (ids up to X); ..." for the end of a failure message: the rows
 * that reached the output, whole. */
static const char *written_note(const export_run *run, char *buf, size_t cap)
{
	char q[96], torn[96] = "";
	const char *to = run->to_stdout ? "" : " to ";
	const char *name = run->to_stdout ? "" : cli_quote(q, sizeof(q), run->path,
		strlen(run->path));
	unsigned long long n = run->w.rows;

	if (run->w.torn && !run->cut[0])
		snprintf(torn, sizeof(torn), " (then part of the row with id %lld, cut short)",
			(long long)run->w.torn_id);
	if (run->fd < 0)
		snprintf(buf, cap, "nothing was written");
	else if (n == 0)
		snprintf(buf, cap, "no rows were written%s%s%s%s", to, name, torn, run->cut);
	else
		snprintf(buf, cap, "%llu %s written%s%s, ids up to %lld%s%s; export --after %lld "
			"writes the rest", n, n == 1 ? "row was" : "rows were", to, name,
			(long long)run->w.last_id, torn, run->cut, (long long)run->w.last_id);
	return buf;
}

/* After a failed write to a regular file: cuts it back to its last whole record, so that it
 * holds exactly the rows counted (and says so in run->cut). */
static void cut_back(export_run *run)
{
	int cut = run->to_stdout ? 0 : fmt_writer_cut_back(&run->w);

	if (cut > 0)
		snprintf(run->cut, sizeof(run->cut), " (the part of the next row that was written "
			"has been removed)");
	else if (cut < 0)
		snprintf(run->cut, sizeof(run->cut), " (then part of the row with id %lld, which "
			"could not be removed: %s)", (long long)run->w.torn_id, strerror(errno));
}

/* Reports a failed write; a reader of standard output that went away ends the export quietly. */
static int write_failed(export_run *run)
{
	char q[96], note[400];

	progress_clear(&run->progress);
	cut_back(run);
	if (run->to_stdout) {
		if (run->w.err == EPIPE) {
			run->c->out.failed = 1;
			run->c->out.err = EPIPE;
			return cli_fail_output(run->c);
		}
		return cli_fail(run->c, "writing to standard output: %s; %s", strerror(run->w.err),
			written_note(run, note, sizeof(note)));
	}
	return cli_fail(run->c, "writing %s: %s; %s", cli_quote(q, sizeof(q), run->path,
		strlen(run->path)), strerror(run->w.err), written_note(run, note, sizeof(note)));
}

/* Writes one row; CLI_OK or CLI_FAIL reported. */
static int write_row(export_run *run, const pgv_row *row)
{
	cli *c = run->c;
	int rc = fmt_write(&run->w, row->id, row->vector_is_null ? NULL : &row->vector);

	if (rc == -2) {
		char note[400];

		/* what came before it goes out whole first, so that the note is exact */
		if (fmt_writer_flush(&run->w) != 0)
			return write_failed(run);
		progress_clear(&run->progress);
		return cli_fail(c, "id %lld: the vector is NULL, which an .fvecs file cannot hold "
			"(csv and jsonl can); %s", (long long)row->id,
			written_note(run, note, sizeof(note)));
	}
	if (rc != 0)
		return write_failed(run);
	/* ids travel modulo 2^64 here: equal exactly when id == base + position */
	if (run->w.kind == FMT_FVECS && !run->gap
			&& (uint64_t)row->id - (uint64_t)c->opt.id_base != run->written) {
		run->gap = 1;
		run->gap_pos = run->written;
		run->gap_id = row->id;
	}
	run->written++;
	progress_update(&run->progress, run->written);
	return CLI_OK;
}

/* Streams the rows of the open iterator into the file (consumes `rows`). */
static int export_rows(export_run *run, pgv_rows *rows)
{
	cli *c = run->c;
	const pgv_row *row = NULL;
	int st, rc = CLI_OK;

	while (rc == CLI_OK && (st = pgv_rows_next(&row, rows)) == PGV_ROW)
		rc = write_row(run, row);
	if (rc == CLI_OK && st != PGV_DONE) {
		char note[400];

		if (fmt_writer_flush(&run->w) != 0) {
			pgv_rows_free(rows);
			return write_failed(run);
		}
		progress_clear(&run->progress);
		/* report before freeing: freeing may touch the connection and its error */
		rc = cli_fail_error(c, NULL, pgv_conn_error(c->conn),
			written_note(run, note, sizeof(note)));
	}
	pgv_rows_free(rows);
	return rc;
}

/* The fvecs warning: ids are not kept, so say when importing would give other ids. */
static void gap_warning(const export_run *run)
{
	long long base = (long long)run->c->opt.id_base;

	if (!run->gap)
		return;
	fprintf(stderr, "pgvodbc: export: warning: an .fvecs file has no ids, and these are not "
		"consecutive from %lld (vector %llu has id %lld, not %lld): importing the file gives "
		"ids %lld and up; use csv or jsonl to keep the ids\n", base,
		(unsigned long long)run->gap_pos, (long long)run->gap_id,
		(long long)((uint64_t)base + run->gap_pos), base);
}

/* Prints the summary: "exported N rows to FILE" on stderr, or JSON on stdout. */
static int summary(export_run *run)
{
	cli *c = run->c;
	char q[96];

	if (c->opt.json) {
		out_begin(&c->out);
		out_int(&c->out, "exported", (int64_t)run->w.rows);
		if (run->w.rows)
			out_int(&c->out, "last_id", run->w.last_id);
		else
			out_string(&c->out, "last_id", NULL, "");
		if (out_end(&c->out) != 0)
			return cli_fail_output(c);
		return CLI_OK;
	}
	fprintf(stderr, "exported %llu %s", (unsigned long long)run->w.rows,
		run->w.rows == 1 ? "row" : "rows");
	if (!run->to_stdout)
		fprintf(stderr, " to %s", cli_quote(q, sizeof(q), run->path, strlen(run->path)));
	fputc('\n', stderr);
	return CLI_OK;
}

/* Opens the output and writes the rows; CLI_OK or reported. */
static int export_to(export_run *run, pgv_rows *rows)
{
	cli *c = run->c;
	char q[96];
	int rc;

	run->to_stdout = strcmp(run->path, "-") == 0;
	run->fd = run->to_stdout ? STDOUT_FILENO
		: open(run->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (run->fd < 0) {
		rc = cli_fail(c, "cannot create %s: %s", cli_quote(q, sizeof(q), run->path,
			strlen(run->path)), strerror(errno));
		pgv_rows_free(rows);
		return rc;
	}
	fmt_writer_init(&run->w, run->w.kind, run->fd);
	/* a continuation (--after) is meant to be appended to the first part: no second header */
	if (!c->opt.has_after && fmt_write_header(&run->w) != 0) {
		pgv_rows_free(rows);
		return write_failed(run);
	}
	rc = export_rows(run, rows);
	if (rc == CLI_OK && fmt_writer_flush(&run->w) != 0)
		rc = write_failed(run);
	if (!run->to_stdout && close(run->fd) != 0 && rc == CLI_OK) {
		run->w.err = errno;
		rc = write_failed(run);
	}
	return rc;
}

int cmd_export(cli *c)
{
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;
	export_run run;
	fmt_kind kind;
	char q[96];
	int rc;

	if (c->opt.nargs == 0)
		return cli_usage(c, "missing FILE (or - for standard output)");
	if (c->opt.nargs > 1)
		return cli_usage(c, "unexpected argument %s after FILE", cli_quote(q, sizeof(q),
			c->opt.args[1], strlen(c->opt.args[1])));
	if ((rc = cli_choose_format(c, c->opt.args[0], &kind)) != CLI_OK)
		return rc;
	if (c->opt.json && strcmp(c->opt.args[0], "-") == 0)
		return cli_usage(c, "--json prints a summary on standard output, which the export "
			"to - already uses");
	memset(&run, 0, sizeof(run));
	run.fd = -1;
	run.c = c;
	run.path = c->opt.args[0];
	run.w.kind = kind;
	if ((rc = cli_connect(c)) != CLI_OK)
		return rc;
	if (c->opt.select || !cli_integer_ids(c)) {
		/* metadata, or ids that are not integers: JSON lines of a collection */
		if (kind != FMT_JSONL)
			return cli_usage(c, "exporting %s needs --format jsonl", c->opt.select
				? "--select columns" : "text or uuid ids");
		if (c->opt.has_after)
			return cli_usage(c, "--after takes an integer id; it does not apply here");
		return cli_export_records(c, c->opt.args[0]);
	}
	progress_begin(&run.progress, "exported");
	if (run.progress.tty && !c->opt.has_after) {
		int64_t total = 0;

		/* one cheap query, only for the bar and the estimate of the time left */
		if (pgv_store_count(&total, c->conn, &c->table) != 0)
			return cli_fail_db(c, NULL);
		progress_total(&run.progress, (uint64_t)total);
	}
	opts.binary = c->opt.binary;
	opts.page_rows = c->opt.page_rows; /* default CLI_DEFAULT_PAGE_ROWS; 0: one query */
	opts.has_after = c->opt.has_after;
	opts.after_id = c->opt.after;
	if (pgv_store_list_ext(&rows, c->conn, &c->table, &opts) != 0)
		return cli_fail_db(c, NULL);
	rc = export_to(&run, rows);
	progress_clear(&run.progress);
	fmt_writer_free(&run.w);
	gap_warning(&run);
	if (rc == CLI_OK)
		rc = summary(&run);
	return rc;
}
