/*
 * The reading commands: list, knn and distance, streaming rows from the store to stdout (text,
 * CSV with a header line, or JSON lines).  list and distance read in keyset pages (list's
 * --page-rows, default 1000), so memory stays bounded whatever the DSN.
 */
#include "cli.h"

#include <string.h>

/* Writes the rows of `rows` (consumed and freed): the id, the vector when `with_vector`, the
 * distance when `with_distance`.  `what` (may be NULL) names the work in a message. */
static int print_rows(cli *c, pgv_rows *rows, int with_vector, int with_distance,
	const char *what)
{
	const pgv_row *row = NULL;
	int rc = PGV_DONE;

	/* CSV starts with a header of the same names as the JSON keys */
	if (c->out.csv)
		out_text(&c->out, !with_vector ? "id,distance" : with_distance
			? "id,embedding,distance" : "id,embedding");
	while (!c->out.failed && (rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		out_begin(&c->out);
		out_int(&c->out, "id", row->id);
		if (with_vector)
			out_vector(&c->out, "embedding", row->vector_is_null ? NULL : &row->vector,
				"NULL");
		if (with_distance)
			out_double(&c->out, "distance", row->has_distance ? &row->distance : NULL,
				"NULL");
		if (out_end(&c->out) != 0)
			break;
	}
	if (c->out.failed) {
		pgv_rows_free(rows);
		return cli_fail_output(c);
	}
	if (rc != PGV_DONE) {
		/* report before freeing: freeing may touch the connection and its error */
		rc = cli_fail_db(c, what);
		pgv_rows_free(rows);
		return rc;
	}
	pgv_rows_free(rows);
	return CLI_OK;
}

/* The store's messages say what was being done and on which table ("searching "t": ..."), so
 * the row loops add nothing before them. */
int cli_print_list(cli *c)
{
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;

	opts.binary = c->opt.binary;
	opts.page_rows = c->opt.page_rows;
	if (pgv_store_list_ext(&rows, c->conn, &c->table, &opts) != 0)
		return cli_fail_db(c, NULL);
	return print_rows(c, rows, 1, 0, NULL);
}

/* pgv_store_knn_ext streams when no setting is made; with settings (--ef-search and the
 * others) it scopes them to this one query (SET LOCAL in its own transaction) and holds at most
 * k rows.  Either way the catalog decides the query's shape unless --quantize says. */
int cli_print_knn(cli *c, const pgv_vector *query)
{
	pgv_rows *rows = NULL;

	if (pgv_store_knn_ext(&rows, c->conn, &c->table, c->opt.metric, query->data, query->dim,
			c->opt.k, &c->opt.search) != 0)
		return cli_fail_db(c, NULL);
	return print_rows(c, rows, 1, 1, NULL);
}

/* Without --id, every row's distance in keyset pages (the default page size), so memory stays
 * bounded by a page however many rows the table has. */
int cli_print_distances(cli *c, const pgv_vector *query)
{
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;

	opts.page_rows = c->opt.page_rows;
	if (pgv_store_distances_ext(&rows, c->conn, &c->table, c->opt.metric, query->data,
			query->dim, c->opt.nids ? c->opt.ids : NULL, c->opt.nids, &opts) != 0)
		return cli_fail_db(c, NULL);
	return print_rows(c, rows, 0, 1, NULL);
}

int cmd_list(cli *c)
{
	char q[96];
	int rc;

	if (c->opt.nargs > 0)
		return cli_usage(c, "unexpected argument %s", cli_quote(q, sizeof(q),
			c->opt.args[0], strlen(c->opt.args[0])));
	rc = cli_connect(c);
	if (rc == CLI_OK && (cli_wants_collection(c) || !cli_integer_ids(c)))
		return cli_collection_query(c, NULL, 0);
	return rc != CLI_OK ? rc : cli_print_list(c);
}

/* Checks that the only argument is a VECTOR and parses it into `query`. */
static int query_argument(cli *c, pgv_vector *query)
{
	char q[96];

	if (c->opt.nargs == 0)
		return cli_usage(c, "missing VECTOR argument, e.g. '[0.3,0.1,0.6,0.5]'");
	if (c->opt.nargs > 1)
		return cli_usage(c, "unexpected argument %s after VECTOR", cli_quote(q, sizeof(q),
			c->opt.args[1], strlen(c->opt.args[1])));
	return cli_parse_vector(c, "query vector", c->opt.args[0], strlen(c->opt.args[0]), query,
		NULL);
}

int cmd_knn(cli *c)
{
	pgv_vector query = PGV_VECTOR_INIT;
	int rc = query_argument(c, &query);

	if (rc == CLI_OK)
		rc = cli_connect(c);
	if (rc == CLI_OK)
		rc = cli_wants_collection(c) || !cli_integer_ids(c) ? cli_collection_query(c, &query, 1)
			: cli_print_knn(c, &query);
	pgv_vector_free(&query);
	return rc;
}

int cmd_distance(cli *c)
{
	pgv_vector query = PGV_VECTOR_INIT;
	int rc = query_argument(c, &query);

	if (rc == CLI_OK)
		rc = cli_connect(c);
	if (rc == CLI_OK)
		rc = cli_wants_collection(c) || !cli_integer_ids(c) ? cli_collection_query(c, &query, 0)
			: cli_print_distances(c, &query);
	pgv_vector_free(&query);
	return rc;
}
