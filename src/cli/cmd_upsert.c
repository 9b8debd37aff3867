/*
 * `pgvodbc upsert`: ID VECTOR pairs from the command line (checked whole, written in one
 * transaction), or ID<TAB>VECTOR lines streamed from stdin in batches (each checked whole, then
 * written in one transaction; memory is bounded by one batch and the longest line).  SIGINT and
 * SIGTERM cancel the batch in flight on the server (interrupt.c); the message says which rows
 * were written.
 */
#include "cli.h"
#include "batch.h"
#include "progress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a strict decimal id; CLI_OK or CLI_FAIL reported as "WHERE: invalid id ...; NOTE". */
static int read_id(const cli *c, const char *where, const char *s, size_t n, int64_t *out,
	const char *note)
{
	char q[96];
	int rc = cli_parse_int64(s, n, out);
	const char *sep = note && note[0] ? "; " : "";

	if (rc == -1)
		return cli_fail(c, "%s: invalid id %s: expected a decimal integer%s%s", where,
			cli_quote(q, sizeof(q), s, n), sep, note ? note : "");
	if (rc == -2)
		return cli_fail(c, "%s: id %s is out of range for a 64-bit integer%s%s", where,
			cli_quote(q, sizeof(q), s, n), sep, note ? note : "");
	return CLI_OK;
}

/* Sends a batch of text or uuid ids with pgv_collection_upsert: 0, -1 (the connection's error)
 * or CLI_FAIL when out of memory. */
static int send_keyed(cli_batch *b)
{
	pgv_record *recs = calloc(b->n, sizeof(*recs));
	int st;

	if (!recs)
		return CLI_FAIL;
	for (size_t i = 0; i < b->n; i++) {
		recs[i].id = pgv_value_text(b->keys[i]);
		recs[i].vector = b->vecs[i];
	}
	st = pgv_collection_upsert(NULL, b->coll, recs, b->n) == 0 ? 0 : -1;
	free(recs);
	return st;
}

/* Sends the batch with pgv_store_upsert (pgv_collection_upsert for text ids).  `unit` is "stdin line" or "pair" for messages; the
 * progress line (may be NULL) is removed before a message is printed. */
static int send_batch(cli *c, cli_batch *b, const char *unit, const char *note,
	cli_progress *progress)
{
	const pgv_error *e;
	char what[160];

	if (b->n == 0)
		return CLI_OK;
	if (b->keys) {
		int st = send_keyed(b);

		if (st == CLI_FAIL)
			return cli_fail(c, "out of memory");
		if (st == 0)
			return CLI_OK;
	} else if (pgv_store_upsert(NULL, c->conn, &c->table, b->ids, b->vecs, b->n) == 0) {
		return CLI_OK;
	}
	if (progress)
		progress_clear(progress);
	e = pgv_conn_error(c->conn);
	if (e->row >= 0 && (uint64_t)e->row < b->n)
		snprintf(what, sizeof(what), "%s %llu", unit,
			(unsigned long long)b->pos[e->row].line);
	else if (b->n == 1)
		snprintf(what, sizeof(what), "%s %llu", unit, (unsigned long long)b->pos[0].line);
	else
		snprintf(what, sizeof(what), "%ss %llu-%llu", unit,
			(unsigned long long)b->pos[0].line, (unsigned long long)b->pos[b->n - 1].line);
	return cli_fail_error(c, what, e, note);
}

/* The summary under --json: {"upserted":N} on stdout (as the demo's upsert step prints it). */
static int json_summary(cli *c, uint64_t n)
{
	out_begin(&c->out);
	out_int(&c->out, "upserted", (int64_t)n);
	return out_end(&c->out) == 0 ? CLI_OK : cli_fail_output(c);
}

/* 1 when some pair's ID is not a decimal 64-bit integer. */
static int has_text_id(const cli *c)
{
	int64_t v;

	for (size_t i = 0; i + 1 < c->opt.nargs; i += 2)
		if (cli_parse_int64(c->opt.args[i], strlen(c->opt.args[i]), &v) != 0)
			return 1;
	return 0;
}

/* Pairs with text or uuid ids: one pgv_collection_upsert (atomic; the library names a bad row). */
static int upsert_text_pairs(cli *c, pgv_collection *coll)
{
	size_t npairs = c->opt.nargs / 2;
	pgv_record *recs = calloc(npairs, sizeof(*recs));
	char where[96], what[64];
	int rc = recs ? CLI_OK : cli_fail(c, "out of memory");
	size_t parsed = 0;
	const pgv_error *e;

	for (size_t i = 0; i < npairs && rc == CLI_OK; i++) {
		const char *vec = c->opt.args[2 * i + 1];

		recs[i].id = pgv_value_text(c->opt.args[2 * i]);
		snprintf(where, sizeof(where), "pair %zu: vector", i + 1);
		if ((rc = cli_parse_vector(c, where, vec, strlen(vec), &recs[i].vector,
				"nothing was written")) == CLI_OK)
			parsed++;
	}
	if (rc == CLI_OK && pgv_collection_upsert(NULL, coll, recs, npairs) != 0) {
		e = pgv_conn_error(c->conn);
		snprintf(what, sizeof(what), "pair %lld", (long long)(e->row >= 0 ? e->row + 1 : 1));
		rc = cli_fail_error(c, e->row >= 0 ? what : NULL, e, "nothing was written");
	}
	if (rc == CLI_OK && !c->opt.json)
		fprintf(stderr, "upserted %zu %s\n", npairs, npairs == 1 ? "row" : "rows");
	else if (rc == CLI_OK)
		rc = json_summary(c, npairs);
	for (size_t i = 0; i < parsed; i++)
		pgv_vector_free(&recs[i].vector);
	free(recs);
	return rc;
}

/* `upsert ID VECTOR [ID VECTOR]...`: everything is checked before anything is sent. */
static int upsert_pairs(cli *c)
{
	size_t npairs = c->opt.nargs / 2;
	char where[64];
	cli_batch b;
	int rc = CLI_OK;

	if (cli_batch_init(&b, npairs) != 0) {
		cli_batch_free(&b);
		return cli_fail(c, "out of memory");
	}
	for (size_t i = 0; i < npairs && rc == CLI_OK; i++) {
		const char *id = c->opt.args[2 * i], *vec = c->opt.args[2 * i + 1];

		snprintf(where, sizeof(where), "pair %zu", i + 1);
		rc = read_id(c, where, id, strlen(id), &b.ids[i], "nothing was written");
		if (rc != CLI_OK)
			break;
		snprintf(where, sizeof(where), "pair %zu (id %lld): vector", i + 1,
			(long long)b.ids[i]);
		rc = cli_parse_vector(c, where, vec, strlen(vec), &b.vecs[i], "nothing was written");
		if (rc != CLI_OK)
			break;
		b.pos[i].line = i + 1;
		b.n++;
	}
	if (rc == CLI_OK)
		rc = cli_connect(c);
	if (rc == CLI_OK)
		rc = send_batch(c, &b, "pair", "nothing was written", NULL);
	if (rc == CLI_OK && !c->opt.json)
		fprintf(stderr, "upserted %zu %s\n", b.n, b.n == 1 ? "row" : "rows");
	if (rc == CLI_OK && c->opt.json)
		rc = json_summary(c, b.n);
	cli_batch_free(&b);
	return rc;
}

/* What a failure at this point leaves behind, for the end of the message. */
static const char *written_note(char *buf, size_t cap, uint64_t written, uint64_t first_line)
{
	if (written == 0)
		snprintf(buf, cap, "nothing was written");
	else
		snprintf(buf, cap, "the %llu %s before line %llu %s written, nothing from that "
			"line on", (unsigned long long)written, written == 1 ? "row" : "rows",
			(unsigned long long)first_line, written == 1 ? "was" : "were");
	return buf;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Parses one stdin line (without its line end) into the batch; a blank or comment line adds
 * nothing.  CLI_OK or CLI_FAIL (reported, ending with `note`). */
static int parse_line(cli *c, cli_batch *b, const char *line, size_t n, uint64_t lineno,
	const char *note)
{
	char where[160], q[96];
	size_t i = 0, id_end, v;

	while (i < n && is_space(line[i]))
		i++;
	if (i == n || line[i] == '#')
		return CLI_OK;
	snprintf(where, sizeof(where), "stdin line %llu", (unsigned long long)lineno);
	for (id_end = i; id_end < n && line[id_end] != '\t' && line[id_end] != ' '; id_end++)
		;
	if (id_end == n)
		return cli_fail(c, "%s: expected ID<TAB>VECTOR, not %s; %s", where,
			cli_quote(q, sizeof(q), line + i, n - i), note);
	if (b->keys) {
		if (!(b->keys[b->n] = strndup(line + i, id_end - i)))
			return cli_fail(c, "%s: out of memory; %s", where, note);
	} else if (read_id(c, where, line + i, id_end - i, &b->ids[b->n], note) != CLI_OK) {
		return CLI_FAIL;
	}
	for (v = id_end; v < n && is_space(line[v]); v++)
		;
	if (b->keys)
		snprintf(where, sizeof(where), "stdin line %llu (id %s): vector",
			(unsigned long long)lineno, cli_quote(q, sizeof(q), line + i, id_end - i));
	else
		snprintf(where, sizeof(where), "stdin line %llu (id %lld): vector",
			(unsigned long long)lineno, (long long)b->ids[b->n]);
	if (cli_parse_vector(c, where, line + v, n - v, &b->vecs[b->n], note) != CLI_OK) {
		if (b->keys) {
			free(b->keys[b->n]);
			b->keys[b->n] = NULL;
		}
		return CLI_FAIL;
	}
	b->pos[b->n].line = lineno;
	b->floats += b->vecs[b->n].dim;
	b->n++;
	return CLI_OK;
}

/* `upsert` with no pairs: ID<TAB>VECTOR lines from stdin, batch by batch; a line is read
 * whole up to FMT_MAX_RECORD, the cap `import` puts on a record. */
static int upsert_stdin(cli *c)
{
	char note[160];
	const char *line;
	size_t n;
	int got = 0;
	uint64_t lineno = 0, written = 0, first_line = 1;
	cli_progress progress;
	fmt_reader rd;
	cli_batch b;
	int rc;

	/* both are set up (their free then safe) before either result is looked at */
	int no_batch = cli_batch_init(&b, c->opt.batch);

	if (fmt_reader_init(&rd, FMT_NONE, STDIN_FILENO, "stdin") != 0 || no_batch != 0) {
		fmt_reader_free(&rd);
		cli_batch_free(&b);
		return cli_fail(c, "out of memory");
	}
	rc = cli_connect(c);
	if (rc == CLI_OK && !cli_integer_ids(c)) {
		/* text or uuid ids: the lines go to the collection, batch by batch as below */
		if (cli_batch_use_keys(&b) != 0)
			rc = cli_fail(c, "out of memory");
		else if (pgv_collection_open(&b.coll, c->conn, &c->table) != 0)
			rc = cli_fail_db(c, NULL);
	}
	if (rc == CLI_OK && isatty(STDIN_FILENO) == 1)
		fprintf(stderr, "pgvodbc: upsert: reading ID<TAB>VECTOR lines from the terminal "
			"(end with Ctrl-D)\n");
	progress_start(&progress);
	while (rc == CLI_OK && !cli_interrupted() && (got = fmt_read_line(&rd, &line, &n)) > 0) {
		lineno++;
		if (b.n == 0)
			first_line = lineno;
		written_note(note, sizeof(note), written, first_line);
		if (parse_line(c, &b, line, n, lineno, note) != CLI_OK) {
			progress_clear(&progress);
			rc = CLI_FAIL;
			break;
		}
		if (cli_batch_full(&b)) {
			rc = send_batch(c, &b, "stdin line", note, &progress);
			if (rc == CLI_OK)
				written += b.n;
			first_line = lineno + 1;
			cli_batch_clear(&b);
			progress_update(&progress, written);
		}
	}
	if (rc == CLI_OK && cli_interrupted()) {
		/* the lines read since the last batch are dropped: the note says where to go on */
		progress_clear(&progress);
		rc = cli_fail(c, "interrupted by %s after line %llu; %s",
			cli_signal_name(cli_interrupted()), (unsigned long long)lineno,
			written_note(note, sizeof(note), written, first_line));
	}
	if (rc == CLI_OK && got < 0) {
		/* the batch the line would have joined is not sent: nothing from its first line on
		 * is written */
		if (b.n == 0)
			first_line = lineno + 1;
		progress_clear(&progress);
		rc = cli_fail(c, "stdin line %llu: %s; %s", (unsigned long long)rd.rec_line,
			rd.err, written_note(note, sizeof(note), written, first_line));
	}
	if (rc == CLI_OK) {
		written_note(note, sizeof(note), written, first_line);
		rc = send_batch(c, &b, "stdin line", note, &progress);
		if (rc == CLI_OK)
			written += b.n;
	}
	if (rc == CLI_OK && !c->opt.json)
		progress_finish(&progress, written);
	else
		progress_clear(&progress);
	if (rc == CLI_OK && c->opt.json)
		rc = json_summary(c, written);
	fmt_reader_free(&rd);
	if (b.coll)
		pgv_collection_free(b.coll);
	cli_batch_free(&b);
	return rc;
}

int cmd_upsert(cli *c)
{
	char q[96];

	if (c->opt.nargs % 2 != 0)
		return cli_usage(c, "ID VECTOR pairs: the id %s has no VECTOR after it",
			cli_quote(q, sizeof(q), c->opt.args[c->opt.nargs - 1],
			strlen(c->opt.args[c->opt.nargs - 1])));
	if (c->opt.nargs > 0 && c->opt.batch != CLI_DEFAULT_BATCH)
		return cli_usage(c, "--batch applies to lines from standard input only");
	if (c->opt.format) {
		/* JSON lines (or CSV) records on stdin, with their columns: as `import -` */
		if (c->opt.nargs > 0)
			return cli_usage(c, "--format reads records from standard input: give no pairs");
		if (c->opt.format == FMT_FVECS)
			return cli_usage(c, "--format for upsert is jsonl or csv");
		return cli_import_file(c, "-");
	}
	if (c->opt.nargs > 0 && has_text_id(c)) {
		/* not integers: fine for a text or uuid id column, else the usual message */
		pgv_collection *coll = NULL;
		const char *id = c->table.id_column ? c->table.id_column : "id";
		int rc = cli_connect(c);

		if (rc != CLI_OK)
			return rc;
		if (pgv_collection_open(&coll, c->conn, &c->table) != 0)
			return cli_fail_db(c, NULL);
		if (pgv_collection_column_kind(coll, id) != PGV_VALUE_INT64) {
			rc = upsert_text_pairs(c, coll);
			pgv_collection_free(coll);
			return rc;
		}
		pgv_collection_free(coll);
	}
	return c->opt.nargs > 0 ? upsert_pairs(c) : upsert_stdin(c);
}
