/*
 * `pgvodbc index create|drop`: an HNSW or IVFFlat index on the table's vector column
 * (pgv_index_create, pgv_index_drop).  The index is named by --name, or by the default the
 * library derives from the table, the column, the method and the metric (pgv_index_name), so
 * that `index drop` with the options `index create` was given finds the index it made.  The
 * options' ranges are the library's to check (pgvector's wording, exit status 1); what this file
 * refuses is only what no index could mean (exit status 2).
 */
#include "cli.h"

#include <signal.h>
#include <string.h>

static const char *method_name(pgv_index_method method)
{
	return method == PGV_INDEX_IVFFLAT ? "ivfflat" : "hnsw";
}

/* The table as it is written on the command line, "schema.table" or "table", into `buf`. */
static const char *table_label(const cli *c, char *buf, size_t cap)
{
	const char *table = c->opt.table ? c->opt.table : "embeddings";

	if (c->opt.schema)
		snprintf(buf, cap, "%s.%s", c->opt.schema, table);
	else
		snprintf(buf, cap, "%s", table);
	return buf;
}

/* The "index" and "table" fields of a JSON summary (the schema null when not given). */
static void json_names(cli *c, const char *index)
{
	out_string(&c->out, "index", index, "");
	out_string(&c->out, "schema", c->opt.schema, "");
	out_string(&c->out, "table", c->opt.table ? c->opt.table : "embeddings", "");
}

/* Refuses the options that mean nothing to this subcommand or method; CLI_OK or CLI_USAGE. */
static int check_options(cli *c, int create)
{
	const cli_opts *o = &c->opt;

	if (!create) {
		if (o->m || o->ef_construction || o->lists || o->concurrently || o->no_progress
			|| o->if_not_exists)
			return cli_usage(c, "--%s applies to index create only", o->m ? "m"
				: o->ef_construction ? "ef-construction" : o->lists ? "lists"
				: o->concurrently ? "concurrently" : o->no_progress ? "no-progress"
				: "if-not-exists");
		if (o->index_name && (o->has_method || o->has_metric))
			return cli_usage(c, "--name names the index to drop; --method and --metric only "
				"make the default name, give one or the other");
		return CLI_OK;
	}
	if (o->method == PGV_INDEX_HNSW && o->lists)
		return cli_usage(c, "--lists applies to --method ivfflat only (hnsw takes --m and "
			"--ef-construction)");
	if (o->method == PGV_INDEX_IVFFLAT && (o->m || o->ef_construction))
		return cli_usage(c, "--%s applies to --method hnsw only (ivfflat takes --lists)",
			o->m ? "m" : "ef-construction");
	return CLI_OK;
}

/* Builds the index and prints "created index NAME on TABLE (METHOD, METRIC[, FORM])"; a form
 * the tool chose itself (a halfvec index for a vector column too wide for a plain one) is said
 * on stderr too. */
static int index_create(cli *c, const pgv_index_opts *opts, const char *name)
{
	pgv_index_form form = PGV_INDEX_FORM_PLAIN;
	char label[300], line[800];
	int cancelled = 0;

	if (cli_index_build(c, opts, name, &form, &cancelled) != 0) {
		if (cancelled)
			return cli_fail(c, "interrupted by %s: the build of %s was cancelled on the "
				"server; no index was made", cancelled == SIGINT ? "SIGINT" : "SIGTERM",
				name);
		return cli_fail_db(c, NULL); /* the library names the table and the problem */
	}
	if (form == PGV_INDEX_FORM_HALFVEC && opts->form == PGV_INDEX_FORM_AUTO)
		fprintf(stderr, "pgvodbc: index create: note: the column has more than 2000 "
			"dimensions, the most a vector index takes: indexed at half precision, "
			"(%s::halfvec(n)); k-NN re-ranks its candidates by the exact distance\n",
			c->opt.vector_column ? c->opt.vector_column : "embedding");
	if (c->out.json) {
		out_begin(&c->out);
		json_names(c, name);
		out_string(&c->out, "method", method_name(opts->method), "");
		out_string(&c->out, "metric", pgv_metric_name(opts->metric), "");
		if (form != PGV_INDEX_FORM_PLAIN) /* the column itself: as before the forms */
			out_string(&c->out, "quantize", pgv_index_form_name(form), "");
		out_bool(&c->out, "created", 1);
		out_end(&c->out);
	} else {
		snprintf(line, sizeof(line), "created index %s on %s (%s, %s%s%s)", name,
			table_label(c, label, sizeof(label)), method_name(opts->method),
			pgv_metric_name(opts->metric), form == PGV_INDEX_FORM_PLAIN ? "" : ", ",
			form == PGV_INDEX_FORM_HALFVEC ? "halfvec" : form == PGV_INDEX_FORM_BINARY
			? "binary quantization, hamming" : "");
		out_text(&c->out, line);
	}
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}

/* --if-not-exists found the index: says so, as "created": false in JSON. */
static int index_exists(cli *c, const pgv_index_opts *opts, const char *name)
{
	char label[300], line[800];

	if (c->out.json) {
		out_begin(&c->out);
		json_names(c, name);
		out_string(&c->out, "method", method_name(opts->method), "");
		out_string(&c->out, "metric", pgv_metric_name(opts->metric), "");
		out_bool(&c->out, "created", 0);
		out_end(&c->out);
	} else {
		snprintf(line, sizeof(line), "index %s on %s exists: nothing to do", name,
			table_label(c, label, sizeof(label)));
		out_text(&c->out, line);
	}
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}

/* Drops the index if the table has it, and says which happened. */
static int index_drop(cli *c, const char *name)
{
	char label[300], line[800];
	int dropped = 0;

	if (pgv_index_drop(&dropped, c->conn, &c->table, name) != 0)
		return cli_fail_db(c, NULL);
	if (c->out.json) {
		out_begin(&c->out);
		json_names(c, name);
		out_bool(&c->out, "dropped", dropped);
		out_end(&c->out);
	} else {
		if (dropped)
			snprintf(line, sizeof(line), "dropped index %s on %s", name,
				table_label(c, label, sizeof(label)));
		else
			snprintf(line, sizeof(line), "no index %s on %s: nothing to drop", name,
				table_label(c, label, sizeof(label)));
		out_text(&c->out, line);
	}
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}

int cmd_index(cli *c)
{
	pgv_index_opts opts = PGV_INDEX_OPTS_INIT;
	const char *sub = c->opt.nargs > 0 ? c->opt.args[0] : "";
	char *name = NULL, q[96];
	int create = strcmp(sub, "create") == 0, rc;

	if (create)
		c->name = "index create";
	else if (strcmp(sub, "drop") == 0)
		c->name = "index drop";
	else if (c->opt.nargs == 0)
		return cli_usage(c, "missing create or drop");
	else
		return cli_usage(c, "expected create or drop, not %s", cli_quote(q, sizeof(q), sub,
			strlen(sub)));
	if (c->opt.nargs > 1)
		return cli_usage(c, "unexpected argument %s", cli_quote(q, sizeof(q),
			c->opt.args[1], strlen(c->opt.args[1])));
	if ((rc = check_options(c, create)) != CLI_OK)
		return rc;

	opts.method = c->opt.method;
	opts.metric = c->opt.metric;
	opts.name = c->opt.index_name;
	opts.m = c->opt.m;
	opts.ef_construction = c->opt.ef_construction;
	opts.lists = c->opt.lists;
	opts.concurrently = c->opt.concurrently;
	opts.form = c->opt.has_form ? c->opt.form : PGV_INDEX_FORM_AUTO;
	/* the name is known before any round trip: a bad one (too long) costs no connection */
	if (pgv_index_name(&name, &c->table, &opts) != 0)
		return cli_fail_codec(c, NULL);
	rc = cli_connect(c);
	if (rc == CLI_OK && create && c->opt.if_not_exists) {
		int exists = 0;

		if (pgv_index_exists(&exists, c->conn, &c->table, name) != 0)
			rc = cli_fail_db(c, NULL);
		else if (exists)
			rc = index_exists(c, &opts, name);
		else
			rc = index_create(c, &opts, name);
	} else if (rc == CLI_OK) {
		rc = create ? index_create(c, &opts, name) : index_drop(c, name);
	}
	pgv_text_free(name);
	return rc;
}
