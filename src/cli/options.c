/*
 * The options: which commands take each one (an option given to another command is a usage
 * error), and the conversion and check of its value, so that commands see clean values.
 */
#include "options.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define BIT(cmd) (1u << (cmd))
#define ALL_CMDS 0xFFFFFFFFu
#define TABLE_CMDS (BIT(CMD_UPSERT) | BIT(CMD_LIST) | BIT(CMD_KNN) | BIT(CMD_DISTANCE) \
	| BIT(CMD_IMPORT) | BIT(CMD_EXPORT) | BIT(CMD_INDEX) | BIT(CMD_RECALL) | BIT(CMD_TABLE) \
	| BIT(CMD_GET) | BIT(CMD_DELETE) | BIT(CMD_COUNT))
#define JSON_CMDS (BIT(CMD_MIGRATE) | BIT(CMD_UPSERT) | BIT(CMD_LIST) | BIT(CMD_KNN) \
	| BIT(CMD_DISTANCE) | BIT(CMD_DEMO) | BIT(CMD_IMPORT) | BIT(CMD_EXPORT) | BIT(CMD_INDEX) \
	| BIT(CMD_SQL) | BIT(CMD_INFO) | BIT(CMD_RECALL) | BIT(CMD_GET) | BIT(CMD_DELETE) \
	| BIT(CMD_COUNT) | BIT(CMD_TABLE))
#define CSV_CMDS (BIT(CMD_LIST) | BIT(CMD_KNN) | BIT(CMD_DISTANCE) | BIT(CMD_SQL))
#define SEARCH_CMDS (BIT(CMD_KNN) | BIT(CMD_RECALL))
#define WHERE_CMDS (BIT(CMD_KNN) | BIT(CMD_DISTANCE) | BIT(CMD_LIST) | BIT(CMD_COUNT))
#define SELECT_CMDS (BIT(CMD_KNN) | BIT(CMD_DISTANCE) | BIT(CMD_LIST) | BIT(CMD_GET) \
	| BIT(CMD_EXPORT))
#define FILE_CMDS (BIT(CMD_IMPORT) | BIT(CMD_EXPORT))
#define PAGED_CMDS (BIT(CMD_LIST) | BIT(CMD_EXPORT) | BIT(CMD_DISTANCE))

const opt_def CLI_OPTS[] = {
	{ "dsn", 0, 1, ALL_CMDS, O_DSN },
	{ "connect", 0, 1, ALL_CMDS, O_CONNECT },
	{ "timeout", 0, 1, ALL_CMDS, O_TIMEOUT },
	{ "json", 0, 0, JSON_CMDS, O_JSON },
	{ "help", 'h', 0, ALL_CMDS, O_HELP },
	{ "version", 'V', 0, ALL_CMDS, O_VERSION },
	{ "schema", 0, 1, TABLE_CMDS, O_SCHEMA },
	{ "table", 0, 1, TABLE_CMDS, O_TABLE },
	{ "id-column", 0, 1, TABLE_CMDS, O_ID_COLUMN },
	{ "vector-column", 0, 1, TABLE_CMDS, O_VECTOR_COLUMN },
	{ "type", 0, 1, TABLE_CMDS, O_TYPE },
	{ "metric", 0, 1, SEARCH_CMDS | BIT(CMD_DISTANCE) | BIT(CMD_INDEX), O_METRIC },
	{ "k", 'k', 1, SEARCH_CMDS, O_K },
	{ "id", 0, 1, BIT(CMD_DISTANCE), O_ID },
	{ "dir", 0, 1, BIT(CMD_MIGRATE), O_DIR },
	{ "to", 0, 1, BIT(CMD_MIGRATE), O_TO },
	{ "steps", 0, 1, BIT(CMD_MIGRATE), O_STEPS },
	{ "batch", 0, 1, BIT(CMD_UPSERT) | BIT(CMD_IMPORT), O_BATCH },
	{ "binary", 0, 0, BIT(CMD_LIST) | BIT(CMD_EXPORT), O_BINARY },
	{ "format", 0, 1, FILE_CMDS | BIT(CMD_UPSERT), O_FORMAT },
	{ "skip", 0, 1, BIT(CMD_IMPORT), O_SKIP },
	{ "id-base", 0, 1, FILE_CMDS, O_ID_BASE },
	{ "after", 0, 1, BIT(CMD_EXPORT), O_AFTER },
	{ "page-rows", 0, 1, PAGED_CMDS, O_PAGE_ROWS },
	{ "method", 0, 1, BIT(CMD_INDEX), O_METHOD },
	{ "name", 0, 1, BIT(CMD_INDEX), O_NAME },
	{ "m", 0, 1, BIT(CMD_INDEX), O_M },
	{ "ef-construction", 0, 1, BIT(CMD_INDEX), O_EF_CONSTRUCTION },
	{ "lists", 0, 1, BIT(CMD_INDEX), O_LISTS },
	{ "concurrently", 0, 0, BIT(CMD_INDEX), O_CONCURRENTLY },
	{ "ef-search", 0, 1, SEARCH_CMDS, O_EF_SEARCH },
	{ "probes", 0, 1, SEARCH_CMDS, O_PROBES },
	{ "iterative-scan", 0, 1, SEARCH_CMDS, O_ITERATIVE_SCAN },
	{ "max-scan-tuples", 0, 1, SEARCH_CMDS, O_MAX_SCAN_TUPLES },
	{ "max-probes", 0, 1, SEARCH_CMDS, O_MAX_PROBES },
	{ "quantize", 0, 1, SEARCH_CMDS | BIT(CMD_INDEX), O_QUANTIZE },
	{ "halfvec", 0, 0, BIT(CMD_INDEX), O_HALFVEC },
	{ "rerank", 0, 1, SEARCH_CMDS, O_RERANK },
	{ "scan-mem-multiplier", 0, 1, SEARCH_CMDS, O_SCAN_MEM_MULTIPLIER },
	{ "queries", 0, 1, BIT(CMD_RECALL), O_QUERIES },
	{ "seed", 0, 1, BIT(CMD_RECALL), O_SEED },
	{ "query-file", 0, 1, BIT(CMD_RECALL), O_QUERY_FILE },
	{ "no-progress", 0, 0, BIT(CMD_INDEX), O_NO_PROGRESS },
	{ "where", 0, 1, WHERE_CMDS, O_WHERE },
	{ "param", 0, 1, WHERE_CMDS | BIT(CMD_SQL), O_PARAM },
	{ "max-distance", 0, 1, BIT(CMD_KNN) | BIT(CMD_DISTANCE), O_MAX_DISTANCE },
	{ "select", 0, 1, SELECT_CMDS, O_SELECT },
	{ "no-vector", 0, 0, SELECT_CMDS & ~BIT(CMD_EXPORT), O_NO_VECTOR },
	{ "dim", 0, 1, BIT(CMD_TABLE), O_DIM },
	{ "id-type", 0, 1, BIT(CMD_TABLE), O_ID_TYPE },
	{ "column", 0, 1, BIT(CMD_TABLE), O_COLUMN },
	{ "if-not-exists", 0, 0, BIT(CMD_TABLE) | BIT(CMD_INDEX), O_IF_NOT_EXISTS },
	{ "csv", 0, 0, CSV_CMDS, O_CSV },
	{ "command", 'c', 1, BIT(CMD_SQL), O_COMMAND },
	{ "file", 'f', 1, BIT(CMD_SQL), O_FILE },
};
#define NOPTS (sizeof(CLI_OPTS) / sizeof(CLI_OPTS[0]))
const size_t CLI_NOPTS = NOPTS;

const char *cli_option_near(const char *word)
{
	const char *names[NOPTS];

	for (size_t j = 0; j < NOPTS; j++)
		names[j] = CLI_OPTS[j].name;
	return cli_suggest(word, names, NOPTS);
}

/* Converts a whole-number option value within [min, max]; 0 or -1 (problem recorded). */
static int number(parser *p, const given *g, int64_t min, int64_t max, int64_t *out)
{
	char q[96];
	int64_t v;

	if (cli_parse_int64(g->value, strlen(g->value), &v) != 0 || v < min || v > max) {
		cli_args_problem(p, "--%s needs a whole number from %lld to %lld, not %s", g->def->name,
			(long long)min, (long long)max, cli_quote(q, sizeof(q), g->value,
			strlen(g->value)));
		return -1;
	}
	*out = v;
	return 0;
}

/* An option that is a whole number from 1 to INT_MAX (0 would mean "the default" to the
 * library: leaving the option out says that); 0 or -1 (problem recorded). */
static int whole_int(parser *p, const given *g, int *out)
{
	int64_t v;

	if (number(p, g, 1, INT_MAX, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

/* The column type named `name` ("vector", "halfvec", "sparsevec", "bit"); 0 or -1. */
static int type_from_name(const char *name, pgv_type *out)
{
	static const pgv_type types[] = { PGV_TYPE_VECTOR, PGV_TYPE_HALFVEC, PGV_TYPE_SPARSEVEC,
		PGV_TYPE_BIT };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(name, pgv_type_name(types[i])) == 0) {
			*out = types[i];
			return 0;
		}
	return -1;
}

/* --quantize: the index form (index create: none/plain, halfvec, binary; knn and recall:
 * auto as well); 0 or -1 (problem recorded). */
static int form_option(parser *p, const given *g, int with_auto, pgv_index_form *out)
{
	static const struct { const char *name; pgv_index_form form; } forms[] = {
		{ "auto", PGV_INDEX_FORM_AUTO }, { "none", PGV_INDEX_FORM_PLAIN },
		{ "plain", PGV_INDEX_FORM_PLAIN }, { "halfvec", PGV_INDEX_FORM_HALFVEC },
		{ "binary", PGV_INDEX_FORM_BINARY },
	};
	char q[96];

	for (size_t i = with_auto ? 0 : 1; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strcmp(g->value, forms[i].name) == 0) {
			*out = forms[i].form;
			return 0;
		}
	cli_args_problem(p, "--quantize must be %snone, halfvec or binary, not %s", with_auto ? "auto, " : "",
		cli_quote(q, sizeof(q), g->value, strlen(g->value)));
	return -1;
}

/* --scan-mem-multiplier: a finite decimal (the range is the library's); 0 or -1. */
static int real_option(parser *p, const given *g, double *out)
{
	char q[96], *end = NULL;
	double v = strtod(g->value, &end);

	if (!end || *end || end == g->value || !(v == v) || v > 1e300 || v < -1e300) {
		cli_args_problem(p, "--%s needs a number, not %s", g->def->name,
			cli_quote(q, sizeof(q), g->value, strlen(g->value)));
		return -1;
	}
	*out = v;
	return 0;
}

/* Second pass: checks each option against the command and stores its converted value. */
void cli_options_apply(parser *p, cli *c)
{
	cli_opts *o = &c->opt;
	char q[96];

	for (size_t i = 0; i < p->ngiven && !p->err[0]; i++) {
		const given *g = &p->given[i];
		int64_t v = 0;

		if (c->cmd != CMD_NONE && !(g->def->cmds & BIT(c->cmd))) {
			cli_args_problem(p, "option --%s does not apply to %s", g->def->name,
				cli_cmd_word(c->cmd));
			break;
		}
		if (g->value && !g->value[0] && g->def->id != O_PARAM) {
			cli_args_problem(p, "option --%s needs a non-empty value", g->def->name);
			break;
		}
		switch (g->def->id) {
		case O_DSN:
			if (strchr(g->value, '=') || strchr(g->value, ';'))
				cli_args_problem(p, "--dsn takes a data source name; give a connection string "
					"with --connect");
			o->dsn = g->value;
			break;
		case O_CONNECT: o->connect = g->value; break;
		case O_TIMEOUT:
			/* 0 is the server's "no limit": leaving the option out says that */
			if (number(p, g, 1, PGV_TIMEOUT_MAX, &v) == 0)
				o->timeout = (int)v;
			break;
		case O_JSON: o->json = 1; break;
		case O_CSV: o->csv = 1; break;
		/* room for every -c, -f and --param was reserved in cli_parse_args */
		case O_COMMAND:
		case O_FILE:
			o->sql[o->nsql].value = g->value;
			o->sql[o->nsql++].is_file = g->def->id == O_FILE;
			break;
		case O_PARAM: o->params[o->nparams++] = g->value; break;
		case O_BINARY: o->binary = 1; break;
		case O_HELP: o->help = 1; break;
		case O_VERSION: o->version = 1; break;
		case O_SCHEMA: o->schema = g->value; break;
		case O_TABLE: o->table = g->value; break;
		case O_ID_COLUMN: o->id_column = g->value; break;
		case O_VECTOR_COLUMN: o->vector_column = g->value; break;
		case O_TYPE:
			if (type_from_name(g->value, &o->type) != 0)
				cli_args_problem(p, "--type must be vector, halfvec, sparsevec or bit, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			break;
		case O_METRIC:
			if (pgv_metric_from_name(&o->metric, g->value) != 0)
				cli_args_problem(p, "--metric must be l2, ip, cosine, l1, hamming or jaccard, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			o->has_metric = 1;
			break;
		case O_K:
			if (number(p, g, 1, INT64_MAX, &v) == 0)
				o->k = (size_t)v;
			o->k_given = 1;
			break;
		case O_ID: {
			int rc = cli_parse_int64(g->value, strlen(g->value), &v);
			if (rc != 0) {
				cli_args_problem(p, "--id needs a 64-bit decimal integer, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
				break;
			}
			/* room for every --id was reserved in cli_parse_args */
			o->ids[o->nids++] = v;
			break;
		}
		case O_DIR: o->dir = g->value; break;
		case O_TO:
			if (number(p, g, 1, INT64_MAX, &v) == 0)
				o->to = v;
			break;
		case O_STEPS:
			if (number(p, g, 1, INT64_MAX, &v) == 0)
				o->steps = (size_t)v;
			break;
		case O_BATCH:
			if (number(p, g, 1, 1000000, &v) == 0)
				o->batch = (size_t)v;
			break;
		case O_FORMAT:
			if (fmt_from_name(g->value, &o->format) != 0)
				cli_args_problem(p, "--format must be csv, jsonl or fvecs, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			break;
		case O_SKIP:
			if (number(p, g, 0, INT64_MAX, &v) == 0)
				o->skip = (uint64_t)v;
			break;
		case O_PAGE_ROWS:
			if (number(p, g, 0, 1000000000, &v) == 0)
				o->page_rows = (size_t)v;
			break;
		case O_METHOD:
			if (strcmp(g->value, "hnsw") == 0)
				o->method = PGV_INDEX_HNSW;
			else if (strcmp(g->value, "ivfflat") == 0)
				o->method = PGV_INDEX_IVFFLAT;
			else
				cli_args_problem(p, "--method must be hnsw or ivfflat, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			o->has_method = 1;
			break;
		case O_NAME: o->index_name = g->value; break;
		case O_CONCURRENTLY: o->concurrently = 1; break;
		case O_IF_NOT_EXISTS: o->if_not_exists = 1; break;
		/* only the form is checked here: the ranges are the library's (pgvector's wording,
		 * exit status 1), so that the tool never disagrees with the server */
		case O_M: whole_int(p, g, &o->m); break;
		case O_EF_CONSTRUCTION: whole_int(p, g, &o->ef_construction); break;
		case O_LISTS: whole_int(p, g, &o->lists); break;
		/* recall takes comma-separated lists of these: cmd_recall.c reads them */
		case O_EF_SEARCH:
			if (c->cmd == CMD_RECALL)
				o->ef_search_list = g->value;
			else
				whole_int(p, g, &o->search.ef_search);
			break;
		case O_PROBES:
			if (c->cmd == CMD_RECALL)
				o->probes_list = g->value;
			else
				whole_int(p, g, &o->search.probes);
			break;
		case O_RERANK:
			if (c->cmd == CMD_RECALL)
				o->rerank_list = g->value;
			else if (number(p, g, 1, INT64_MAX, &v) == 0)
				o->search.rerank = (size_t)v;
			break;
		case O_QUANTIZE:
			if (form_option(p, g, c->cmd != CMD_INDEX, &o->form) == 0)
				o->has_form = 1;
			if (c->cmd != CMD_INDEX)
				o->search.form = o->form;
			break;
		case O_HALFVEC:
			o->form = PGV_INDEX_FORM_HALFVEC;
			o->has_form = 1;
			break;
		case O_SCAN_MEM_MULTIPLIER: real_option(p, g, &o->search.scan_mem_multiplier); break;
		case O_QUERIES:
			if (number(p, g, 1, 1000000, &v) == 0)
				o->queries = (size_t)v;
			break;
		case O_SEED:
			if (number(p, g, 0, INT64_MAX, &v) == 0)
				o->seed = (uint64_t)v;
			break;
		case O_QUERY_FILE: o->query_file = g->value; break;
		case O_NO_PROGRESS: o->no_progress = 1; break;
		case O_MAX_SCAN_TUPLES: whole_int(p, g, &o->search.max_scan_tuples); break;
		case O_MAX_PROBES: whole_int(p, g, &o->search.max_probes); break;
		case O_ITERATIVE_SCAN:
			if (strcmp(g->value, "off") == 0)
				o->search.iterative_scan = PGV_ITERATIVE_OFF;
			else if (strcmp(g->value, "strict") == 0)
				o->search.iterative_scan = PGV_ITERATIVE_STRICT;
			else if (strcmp(g->value, "relaxed") == 0)
				o->search.iterative_scan = PGV_ITERATIVE_RELAXED;
			else
				cli_args_problem(p, "--iterative-scan must be off, strict or relaxed, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			break;
		case O_WHERE: o->where = g->value; break;
		case O_COLUMN: o->columns[o->ncolumns++] = g->value; break;
		case O_SELECT: o->select = g->value; break;
		case O_NO_VECTOR: o->no_vector = 1; break;
		case O_DIM:
			if (number(p, g, 1, 16000, &v) == 0)
				o->dim = (size_t)v;
			break;
		case O_ID_TYPE:
			if (strcmp(g->value, "bigint") != 0 && strcmp(g->value, "text") != 0
					&& strcmp(g->value, "uuid") != 0)
				cli_args_problem(p, "--id-type must be bigint, text or uuid, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			o->id_type = g->value;
			break;
		case O_MAX_DISTANCE: {
			char *end = NULL;
			double d = strtod(g->value, &end);
			if (!end || *end || d != d)
				cli_args_problem(p, "--max-distance needs a number, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			o->max_distance = d;
			o->has_max_distance = 1;
			break;
		}
		case O_ID_BASE:
		case O_AFTER:
			if (cli_parse_int64(g->value, strlen(g->value), &v) != 0) {
				cli_args_problem(p, "--%s needs a 64-bit decimal integer, not %s", g->def->name,
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
				break;
			}
			if (g->def->id == O_AFTER) {
				o->after = v;
				o->has_after = 1;
			} else {
				o->id_base = v;
				o->has_id_base = 1;
			}
			break;
		}
	}
}
