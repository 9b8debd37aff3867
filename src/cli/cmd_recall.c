/*
 * `pgvodbc recall`: recall@k and latency of the table's k-NN searches for each combination of
 * the settings listed (--ef-search, --probes, --rerank: comma-separated lists), measured by
 * pgv_recall_measure against exact searches made in the same run.  Queries are rows sampled
 * from the table, or the vectors of --query-file (.fvecs, JSON lines, or one vector a line).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The most settings one run measures (the product of the lists' lengths). */
#define MAX_SETTINGS 1000

/* One list option: its JSON key and values (0 values: not given). */
typedef struct value_list {
	const char *key;
	int64_t *v;
	size_t n;
} value_list;

/* Parses "40,80,200" into `l` (values lo..hi); CLI_OK or a usage error naming the bad value. */
static int parse_list(cli *c, const char *option, const char *text, int64_t lo, int64_t hi,
	value_list *l)
{
	const char *p = text;
	char q[96];

	l->n = 0;
	l->v = NULL;
	if (!text)
		return CLI_OK;
	if (!(l->v = calloc(strlen(text) / 2 + 1, sizeof(*l->v))))
		return cli_fail(c, "out of memory");
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int64_t v;

		if (cli_parse_int64(p, len, &v) != 0 || v < lo || v > hi)
			return cli_usage(c, "--%s needs a comma-separated list of whole numbers from "
				"%lld to %lld: bad value %s", option, (long long)lo, (long long)hi,
				cli_quote(q, sizeof(q), p, len));
		l->v[l->n++] = v;
		if (!end)
			return CLI_OK;
		p = end + 1;
	}
}

/* Reads the query vectors of --query-file into a new array; CLI_OK or reported. */
static int read_queries(cli *c, const char *path, pgv_vector **out, size_t *n)
{
	fmt_kind kind = fmt_from_path(path);
	size_t cap = 0;
	char q[96];
	int rc = CLI_OK;

	*out = NULL;
	*n = 0;
	if (kind == FMT_FVECS || kind == FMT_JSONL) {
		fmt_reader rd;
		int fd = open(path, O_RDONLY), got;
		pgv_vector v = PGV_VECTOR_INIT;
		int64_t id;
		int has_id;

		if (fd < 0)
			return cli_fail(c, "cannot open %s: %s", cli_quote(q, sizeof(q), path,
				strlen(path)), strerror(errno));
		if (fmt_reader_init(&rd, kind, fd, path) != 0) {
			close(fd);
			return cli_fail(c, "out of memory");
		}
		while ((got = fmt_read(&rd, 1, &id, &has_id, &v)) == 1) {
			if (*n == cap) {
				pgv_vector *grown = realloc(*out, (cap ? 2 * cap : 64) * sizeof(**out));
				if (!grown) {
					pgv_vector_free(&v);
					rc = cli_fail(c, "out of memory");
					break;
				}
				*out = grown;
				cap = cap ? 2 * cap : 64;
			}
			(*out)[(*n)++] = v;
			v.data = NULL;
			v.dim = 0;
		}
		if (got < 0 && rc == CLI_OK) {
			char where[300];
			rc = cli_fail(c, "%s: %s", fmt_where(where, sizeof(where), path, kind,
				rd.rec_line, rd.records + 1, rd.rec_offset), rd.err);
		}
		fmt_reader_free(&rd);
		close(fd);
		return rc;
	}
	{
		FILE *fp = fopen(path, "r");
		char *line = NULL, what[64];
		size_t linecap = 0, lineno = 0;
		ssize_t len;

		if (!fp)
			return cli_fail(c, "cannot open %s: %s", cli_quote(q, sizeof(q), path,
				strlen(path)), strerror(errno));
		while (rc == CLI_OK && (len = getline(&line, &linecap, fp)) >= 0) {
			lineno++;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				len--;
			if (len == 0)
				continue;
			if (*n == cap) {
				pgv_vector *grown = realloc(*out, (cap ? 2 * cap : 64) * sizeof(**out));
				if (!grown) {
					rc = cli_fail(c, "out of memory");
					break;
				}
				*out = grown;
				cap = cap ? 2 * cap : 64;
			}
			snprintf(what, sizeof(what), "query file line %zu", lineno);
			if ((rc = cli_parse_vector(c, what, line, (size_t)len, &(*out)[*n], NULL)) == CLI_OK)
				(*n)++;
		}
		free(line);
		fclose(fp);
	}
	if (rc == CLI_OK && *n == 0)
		rc = cli_usage(c, "the query file %s holds no vectors", cli_quote(q, sizeof(q), path,
			strlen(path)));
	return rc;
}

/* Rounds to `places` decimals, so that JSON shows 0.973, not 0.97299999999999998. */
static double rounded(double v, int places)
{
	double scale = pow(10, places);

	return round(v * scale) / scale;
}

/* Prints one setting's line. */
static void print_result(cli *c, const value_list *lists, size_t nlists, const size_t *at,
	const pgv_recall_result *r)
{
	double recall = rounded(r->recall, 4), median = rounded(r->median_ms, 3),
		p95 = rounded(r->p95_ms, 3);

	out_begin(&c->out);
	for (size_t l = 0; l < nlists; l++)
		if (lists[l].n)
			out_int(&c->out, lists[l].key, lists[l].v[at[l]]);
	out_int(&c->out, "k", (int64_t)r->k);
	out_int(&c->out, "queries", (int64_t)r->queries);
	out_double(&c->out, "recall", &recall, "");
	out_double(&c->out, "median_ms", &median, "");
	out_double(&c->out, "p95_ms", &p95, "");
	if (!c->out.json || c->opt.has_form)
		out_string(&c->out, "quantize", pgv_index_form_name(r->form), "");
	out_end(&c->out);
}

/* Measures and prints every combination of the lists. */
static int run(cli *c, value_list *lists, size_t nlists, const pgv_vector *queries, size_t nq)
{
	pgv_recall_opts ro = PGV_RECALL_OPTS_INIT;
	pgv_search_opts *settings;
	pgv_recall_result *results;
	size_t total = 1, at[3] = { 0, 0, 0 };
	int rc = CLI_OK;

	for (size_t l = 0; l < nlists; l++)
		if (lists[l].n && (total *= lists[l].n) > MAX_SETTINGS)
			return cli_usage(c, "the lists make more than %d settings", MAX_SETTINGS);
	settings = calloc(total, sizeof(*settings));
	results = calloc(total, sizeof(*results));
	if (!settings || !results) {
		free(settings);
		free(results);
		return cli_fail(c, "out of memory");
	}
	for (size_t i = 0; i < total; i++) {
		size_t rest = i;
		settings[i] = c->opt.search;
		/* the last list varies fastest */
		for (size_t l = nlists; l-- > 0;) {
			if (!lists[l].n)
				continue;
			at[l] = rest % lists[l].n;
			rest /= lists[l].n;
		}
		if (lists[0].n)
			settings[i].ef_search = (int)lists[0].v[at[0]];
		if (lists[1].n)
			settings[i].probes = (int)lists[1].v[at[1]];
		if (lists[2].n)
			settings[i].rerank = (size_t)lists[2].v[at[2]];
	}
	ro.metric = c->opt.metric;
	ro.k = c->opt.k;
	ro.queries = c->opt.queries;
	ro.seed = c->opt.seed;
	ro.query_vectors = queries;
	ro.nquery_vectors = nq;
	if (pgv_recall_measure(results, c->conn, &c->table, &ro, settings, total) != 0) {
		/* a bad input (empty table, k past the table, a setting out of range) is a usage
		 * error; the rest are the database's */
		rc = pgv_conn_error(c->conn)->status == PGV_EINVAL
			? (cli_fail_db(c, NULL), CLI_USAGE) : cli_fail_db(c, NULL);
	} else {
		if (!c->out.json) {
			char head[160] = "";
			for (size_t l = 0; l < nlists; l++)
				if (lists[l].n) {
					strcat(head, lists[l].key);
					strcat(head, "\t");
				}
			strcat(head, "k\tqueries\trecall\tmedian_ms\tp95_ms\tquantize");
			out_text(&c->out, head);
		}
		for (size_t i = 0; i < total; i++) {
			size_t rest = i;
			for (size_t l = nlists; l-- > 0;) {
				if (!lists[l].n)
					continue;
				at[l] = rest % lists[l].n;
				rest /= lists[l].n;
			}
			print_result(c, lists, nlists, at, &results[i]);
		}
		if (c->out.failed)
			rc = cli_fail_output(c);
	}
	free(settings);
	free(results);
	return rc;
}

int cmd_recall(cli *c)
{
	value_list lists[3] = { { "ef_search", NULL, 0 }, { "probes", NULL, 0 },
		{ "rerank", NULL, 0 } };
	pgv_vector *queries = NULL;
	size_t nq = 0;
	char q[96];
	int rc;

	if (c->opt.nargs > 0)
		return cli_usage(c, "unexpected argument %s", cli_quote(q, sizeof(q),
			c->opt.args[0], strlen(c->opt.args[0])));
	if (!c->opt.k_given)
		c->opt.k = 10;
	rc = parse_list(c, "ef-search", c->opt.ef_search_list, 1, INT_MAX, &lists[0]);
	if (rc == CLI_OK)
		rc = parse_list(c, "probes", c->opt.probes_list, 1, INT_MAX, &lists[1]);
	if (rc == CLI_OK)
		rc = parse_list(c, "rerank", c->opt.rerank_list, 1, INT64_MAX, &lists[2]);
	if (rc == CLI_OK && c->opt.query_file)
		rc = read_queries(c, c->opt.query_file, &queries, &nq);
	if (rc == CLI_OK)
		rc = cli_connect(c);
	if (rc == CLI_OK)
		rc = run(c, lists, 3, queries, nq);
	for (size_t i = 0; i < nq; i++)
		pgv_vector_free(&queries[i]);
	free(queries);
	for (size_t l = 0; l < 3; l++)
		free(lists[l].v);
	return rc;
}
