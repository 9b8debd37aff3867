/*
 * `pgvodbc import`: reads a CSV, JSON lines or .fvecs file (or standard input) record by record
 * and upserts the rows in batches, each checked whole and then written in one transaction
 * (pgv_store_upsert).  Memory is bounded by one batch and the longest record.  On a problem, or
 * an interrupt (SIGINT, SIGTERM: the batch in flight is cancelled on the server), the earlier
 * batches stay written and the message says how many rows were committed and the --skip that
 * resumes.
 */
#include "cli.h"
#include "batch.h"
#include "import_records.h"
#include "interrupt.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One run of the command. */
typedef struct import_run {
	cli *c;
	fmt_reader rd;
	cli_batch b;
	cli_rec_batch rb;   /* the rows' other fields (JSON lines keys, string ids) */
	uint64_t committed; /* rows this run has written */
	cli_progress progress;
} import_run;

/* What this run leaves written, and how to go on: the end of every failure message. */
static const char *resume_note(const import_run *run, char *buf, size_t cap)
{
	unsigned long long skip = run->c->opt.skip, done = run->committed;

	if (done == 0 && skip == 0)
		snprintf(buf, cap, "nothing was committed");
	else if (done == 0)
		snprintf(buf, cap, "nothing from record %llu on was committed; rerun with --skip %llu "
			"to resume", skip + 1, skip);
	else
		snprintf(buf, cap, "%llu %s committed (records %llu-%llu), nothing from record %llu "
			"on; rerun with --skip %llu to resume", done, done == 1 ? "row" : "rows",
			skip + 1, skip + done, skip + done + 1, skip + done);
	return buf;
}

/* The place of row `i` of the batch, for a message. */
static const char *row_where(const import_run *run, size_t i, char *buf, size_t cap)
{
	const cli_batch *b = &run->b;

	return fmt_where(buf, cap, run->rd.name, run->rd.kind, b->pos[i].line, b->pos[i].record,
		b->pos[i].offset);
}

/* Sends the batch; CLI_OK, or CLI_FAIL reported with the place of the row the store names. */
static int send_batch(import_run *run)
{
	cli_batch *b = &run->b;
	const pgv_error *e;
	char what[600], note[300];
	int status;

	if (b->n == 0)
		return CLI_OK;
	/* rows with other fields or string ids go through a collection of those columns */
	if (cli_rec_batch_any(&run->rb, b->n))
		status = cli_rec_batch_send(run->c, &run->rb, b);
	else
		status = pgv_store_upsert(NULL, run->c->conn, &run->c->table, b->ids, b->vecs, b->n);
	if (status == 0) {
		run->committed += b->n;
		cli_rec_batch_clear(&run->rb, b->n);
		cli_batch_clear(b);
		return CLI_OK;
	}
	progress_clear(&run->progress);
	if (status == PGV_ENOMEM)
		return cli_fail(run->c, "out of memory");
	if (cli_interrupted())
		return cli_fail(run->c, "%s: interrupted by %s: the batch in flight was cancelled; %s",
			run->rd.name, cli_signal_name(cli_interrupted()),
			resume_note(run, note, sizeof(note)));
	e = pgv_conn_error(run->c->conn);
	if (e->row >= 0 && (uint64_t)e->row < b->n)
		row_where(run, (size_t)e->row, what, sizeof(what));
	else if (b->n == 1)
		row_where(run, 0, what, sizeof(what));
	else if (run->rd.kind == FMT_FVECS)
		snprintf(what, sizeof(what), "%s records %llu-%llu", run->rd.name,
			(unsigned long long)b->pos[0].record, (unsigned long long)b->pos[b->n - 1].record);
	else
		snprintf(what, sizeof(what), "%s lines %llu-%llu", run->rd.name,
			(unsigned long long)b->pos[0].line, (unsigned long long)b->pos[b->n - 1].line);
	return cli_fail_error(run->c, what, e, resume_note(run, note, sizeof(note)));
}

/* Reports a problem the reader found in record number `record`. */
static int reader_failed(import_run *run, uint64_t record)
{
	char where[600], note[300];
	const fmt_reader *rd = &run->rd;

	progress_clear(&run->progress);
	fmt_where(where, sizeof(where), rd->name, rd->kind, rd->rec_line, record, rd->rec_offset);
	if (record <= run->c->opt.skip)
		/* --skip passes over records but still reads them: the same --skip would meet the
		 * same problem, so the advice is to mend the input */
		return cli_fail(run->c, "%s: %s; nothing was committed: the record lies within the %llu "
			"that --skip passes over, which must still be readable to be counted (mend the "
			"input there)", where, rd->err, (unsigned long long)run->c->opt.skip);
	return cli_fail(run->c, "%s: %s; %s", where, rd->err, resume_note(run, note, sizeof(note)));
}

/* The id of the i-th (0-based) vector of an .fvecs file: --id-base + i. */
static int fvecs_id(import_run *run, uint64_t i, int64_t *id)
{
	int64_t base = run->c->opt.id_base;

	if (i > (uint64_t)INT64_MAX || (base > 0 && i > (uint64_t)(INT64_MAX - base)))
		return fmt__problem(&run->rd, "the id --id-base + %llu is past the 64-bit range",
			(unsigned long long)i);
	*id = base + (int64_t)i;
	return 0;
}

/* The work done so far, in the unit of the progress total: input bytes, or .fvecs records. */
static uint64_t work_done(const import_run *run)
{
	return run->rd.kind == FMT_FVECS ? run->rd.records : run->rd.offset;
}

/* The read-and-send loop.  CLI_OK, or CLI_FAIL reported. */
static int import_loop(import_run *run, uint64_t size)
{
	cli *c = run->c;
	int rc = CLI_OK;

	for (;;) {
		pgv_vector v = PGV_VECTOR_INIT;
		int64_t id = 0;
		int has_id, parse = run->rd.records >= c->opt.skip, got;

		if (cli_interrupted())
			break;
		got = fmt_read_fields(&run->rd, parse, &id, &has_id, &v, parse
			? &run->rb.fields[run->b.n] : NULL);
		if (got < 0 && cli_interrupted() && run->rd.read_errno == EINTR)
			break;
		if (got < 0)
			return reader_failed(run, run->rd.records + 1);
		if (got == 0)
			break;
		/* .fvecs: the first record's size gives the count when every record is that size */
		if (run->rd.kind == FMT_FVECS && run->rd.records == 1 && size > 0
				&& size % run->rd.offset == 0)
			progress_total(&run->progress, size / run->rd.offset);
		if (!parse) {
			if (run->rd.records % 4096 == 0)
				progress_advance(&run->progress, 0, work_done(run));
			continue;
		}
		if (!has_id && fvecs_id(run, run->rd.records - 1, &id) != 0) {
			pgv_vector_free(&v);
			return reader_failed(run, run->rd.records);
		}
		run->b.ids[run->b.n] = id;
		run->b.vecs[run->b.n] = v;
		run->b.pos[run->b.n].line = run->rd.rec_line;
		run->b.pos[run->b.n].record = run->rd.records;
		run->b.pos[run->b.n].offset = run->rd.rec_offset;
		run->b.floats += v.dim;
		run->b.n++;
		if (cli_batch_full(&run->b)) {
			if ((rc = send_batch(run)) != CLI_OK)
				return rc;
			progress_advance(&run->progress, run->committed, work_done(run));
		}
	}
	if (cli_interrupted()) {
		char note[300];

		/* the rows read since the last batch are dropped: the note says where to go on */
		progress_clear(&run->progress);
		return cli_fail(c, "%s: interrupted by %s; %s", run->rd.name,
			cli_signal_name(cli_interrupted()), resume_note(run, note, sizeof(note)));
	}
	return send_batch(run);
}

/* Prints the summary: "imported N rows" on stderr, or JSON on stdout. */
static int summary(import_run *run)
{
	cli *c = run->c;
	/* what was skipped: fewer than --skip when the input had fewer records */
	uint64_t skipped = run->rd.records < c->opt.skip ? run->rd.records : c->opt.skip;

	progress_clear(&run->progress);
	if (c->opt.json) {
		out_begin(&c->out);
		out_int(&c->out, "imported", (int64_t)run->committed);
		out_int(&c->out, "skipped", (int64_t)skipped);
		if (out_end(&c->out) != 0)
			return cli_fail_output(c);
		return CLI_OK;
	}
	if (skipped > 0)
		fprintf(stderr, "imported %llu %s (after skipping %llu %s)\n",
			(unsigned long long)run->committed, run->committed == 1 ? "row" : "rows",
			(unsigned long long)skipped, skipped == 1 ? "record" : "records");
	else
		progress_finish(&run->progress, run->committed);
	return CLI_OK;
}

int cli_choose_format(cli *c, const char *path, fmt_kind *kind)
{
	char q[96];

	*kind = c->opt.format ? c->opt.format : strcmp(path, "-") ? fmt_from_path(path) : FMT_NONE;
	if (*kind == FMT_NONE && strcmp(path, "-") == 0)
		return cli_usage(c, "%s needs --format csv, jsonl or fvecs", c->cmd == CMD_EXPORT
			? "writing to standard output" : "reading standard input");
	if (*kind == FMT_NONE)
		return cli_usage(c, "cannot tell the format from the name %s (not .csv, .jsonl, "
			".ndjson or .fvecs): give --format csv, jsonl or fvecs",
			cli_quote(q, sizeof(q), path, strlen(path)));
	if (c->opt.has_id_base && *kind != FMT_FVECS)
		return cli_usage(c, "--id-base applies to the fvecs format only (%s carries the ids)",
			fmt_name(*kind));
	return CLI_OK;
}

int cmd_import(cli *c)
{
	char q[96];

	if (c->opt.nargs == 0)
		return cli_usage(c, "missing FILE (or - for standard input)");
	if (c->opt.nargs > 1)
		return cli_usage(c, "unexpected argument %s after FILE", cli_quote(q, sizeof(q),
			c->opt.args[1], strlen(c->opt.args[1])));
	return cli_import_file(c, c->opt.args[0]);
}

int cli_import_file(cli *c, const char *path)
{
	char q[96];
	struct stat st;
	uint64_t size = 0;
	import_run run;
	fmt_kind kind;
	int fd, rc;

	if ((rc = cli_choose_format(c, path, &kind)) != CLI_OK)
		return rc;
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	if (fd < 0)
		return cli_fail(c, "cannot open %s: %s", cli_quote(q, sizeof(q), path, strlen(path)),
			strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	memset(&run, 0, sizeof(run));
	run.c = c;
	if (fmt_reader_init(&run.rd, kind, fd, fd == STDIN_FILENO ? "stdin" : path) != 0
			|| cli_batch_init(&run.b, c->opt.batch) != 0
			|| cli_rec_batch_init(&run.rb, c->opt.batch) != 0) {
		rc = cli_fail(c, "out of memory");
	} else if ((rc = cli_connect(c)) == CLI_OK) {
		pgv_collection *coll = NULL;
		const char *idcol = c->table.id_column ? c->table.id_column : "id";

		/* CSV ids are text for a text or uuid id column (a table that does not open as a
		 * collection is left to the upsert to explain) */
		if (kind == FMT_CSV && pgv_collection_open(&coll, c->conn, &c->table) == 0)
			run.rd.text_ids = pgv_collection_column_kind(coll, idcol) != PGV_VALUE_INT64;
		pgv_collection_free(coll);
		if (fd == STDIN_FILENO && isatty(fd) == 1)
			fprintf(stderr, "pgvodbc: import: reading %s records from the terminal (end with "
				"Ctrl-D)\n", fmt_name(kind));
		progress_begin(&run.progress, "imported");
		if (size > 0 && kind != FMT_FVECS)
			progress_total(&run.progress, size);
		/* SIGINT and SIGTERM: noted, the batch in flight cancelled (cli_connect's watch) */
		rc = import_loop(&run, size);
		if (rc == CLI_OK)
			rc = summary(&run);
	}
	progress_clear(&run.progress);
	cli_batch_free(&run.b);
	cli_rec_batch_free(&run.rb);
	fmt_reader_free(&run.rd);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
