/*
 * The command line: options may come before or after the command word, as --name VALUE,
 * --name=VALUE or (for -h and -V) a short flag; "--" ends the options; an argument starting with
 * '-' and a digit (a negative id) is not an option.  Each option is accepted only by the commands
 * it means something to; a value is converted and checked here, so commands see clean values.
 */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
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
#define PAGED_CMDS (BIT(CMD_LIST) | BIT(CMD_EXPORT))

enum opt_id {
	O_DSN, O_CONNECT, O_JSON, O_HELP, O_VERSION, O_SCHEMA, O_TABLE, O_ID_COLUMN,
	O_VECTOR_COLUMN, O_METRIC, O_K, O_ID, O_DIR, O_TO, O_STEPS, O_BATCH, O_BINARY, O_FORMAT,
	O_SKIP, O_ID_BASE, O_AFTER, O_TYPE, O_PAGE_ROWS, O_METHOD, O_NAME, O_M, O_EF_CONSTRUCTION,
	O_LISTS, O_CONCURRENTLY, O_EF_SEARCH, O_PROBES, O_ITERATIVE_SCAN, O_MAX_SCAN_TUPLES,
	O_MAX_PROBES, O_QUANTIZE, O_HALFVEC, O_RERANK, O_SCAN_MEM_MULTIPLIER, O_QUERIES, O_SEED,
	O_QUERY_FILE, O_NO_PROGRESS, O_WHERE, O_PARAM, O_MAX_DISTANCE, O_SELECT, O_NO_VECTOR, O_DIM,
	O_ID_TYPE, O_COLUMN, O_IF_NOT_EXISTS, O_CSV, O_COMMAND, O_FILE, O_TIMEOUT
};

typedef struct opt_def {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0 when none */
	int has_arg;
	unsigned cmds;    /* BIT(cmd) of the commands that accept it */
	enum opt_id id;
} opt_def;

static const opt_def OPTS[] = {
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
#define NOPTS (sizeof(OPTS) / sizeof(OPTS[0]))

static const char *const CMD_WORDS[CMD_COUNT_] = {
	"", "help", "migrate", "upsert", "list", "knn", "distance", "demo", "import", "export",
	"index", "sql", "info", "recall", "table", "get", "delete", "count"
};

const char *cli_cmd_word(cli_cmd cmd)
{
	return cmd > CMD_NONE && cmd < CMD_COUNT_ ? CMD_WORDS[cmd] : "";
}

/* The command named `word`, or CMD_NONE. */
static cli_cmd cmd_from_word(const char *word)
{
	for (int i = CMD_NONE + 1; i < CMD_COUNT_; i++)
		if (strcmp(word, CMD_WORDS[i]) == 0)
			return (cli_cmd)i;
	return CMD_NONE;
}

int cli_parse_int64(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0, limit;
	size_t i = 0;
	int neg = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i >= n)
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10) {
			/* keep checking the rest for junk: "1e999999999999999999" is junk, not range */
			for (i++; i < n; i++)
				if (s[i] < '0' || s[i] > '9')
					return -1;
			return -2;
		}
		v = v * 10 + d;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

/* One option as given, converted once the command is known. */
typedef struct given {
	const opt_def *def;
	const char *value; /* NULL for a flag */
	const char *spelled; /* as written, for messages: "--k", "-h" */
} given;

/* Parser state: the first problem is kept (not printed) until the command is known. */
typedef struct parser {
	given *given;
	size_t ngiven;
	char **pos;
	int *pos_at;    /* argv index of each positional */
	size_t npos;
	int unknown_at; /* argv index of the first unknown option, 0 when none */
	char err[512];
} parser;

static void problem(parser *p, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void problem(parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

/* True when `arg` is an option word (not a positional such as a negative id or "-"). */
static int is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0' && !(arg[1] >= '0' && arg[1] <= '9')
		&& arg[1] != '.';
}

/* Records an unknown long option (`name`, `n` bytes, at argv index `at`), with the closest
 * known option when one is close: "unknown option --dns; did you mean --dsn?". */
static void unknown_option(parser *p, const char *name, size_t n, int at)
{
	const char *names[sizeof(OPTS) / sizeof(OPTS[0])], *near;
	char word[65];

	for (size_t j = 0; j < NOPTS; j++)
		names[j] = OPTS[j].name;
	snprintf(word, sizeof(word), "%.*s", (int)(n > 64 ? 64 : n), name);
	near = n <= 64 ? cli_suggest(word, names, NOPTS) : NULL;
	if (!p->unknown_at && !p->err[0])
		p->unknown_at = at;
	if (near)
		problem(p, "unknown option --%.60s; did you mean --%s?", word, near);
	else
		problem(p, "unknown option --%.60s", word);
}

/* First pass: sorts argv into options (looked up, values taken) and positionals. */
static int scan(parser *p, int argc, char **argv)
{
	int i, only_positional = 0;

	p->given = calloc((size_t)argc + 1, sizeof(*p->given));
	p->pos = calloc((size_t)argc + 1, sizeof(*p->pos));
	p->pos_at = calloc((size_t)argc + 1, sizeof(*p->pos_at));
	if (!p->given || !p->pos || !p->pos_at)
		return -1;
	for (i = 1; i < argc; i++) {
		char *arg = argv[i];
		const opt_def *def = NULL;
		const char *value = NULL;
		size_t namelen;

		if (only_positional || !is_option(arg)) {
			p->pos_at[p->npos] = i;
			p->pos[p->npos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_positional = 1;
			continue;
		}
		if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			namelen = eq ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);
			for (size_t j = 0; j < NOPTS && !def; j++)
				if (strlen(OPTS[j].name) == namelen
						&& strncmp(OPTS[j].name, arg + 2, namelen) == 0)
					def = &OPTS[j];
			if (!def) {
				unknown_option(p, arg + 2, namelen, i);
				continue;
			}
			if (eq && !def->has_arg) {
				problem(p, "option --%s takes no value", def->name);
				continue;
			}
			value = eq ? eq + 1 : NULL;
		} else {
			for (size_t j = 0; j < NOPTS && !def; j++)
				if (OPTS[j].short_name == arg[1] && arg[2] == '\0')
					def = &OPTS[j];
			if (!def) {
				problem(p, "unknown option %.60s", arg);
				continue;
			}
		}
		if (def->has_arg && !value) {
			if (i + 1 >= argc) {
				problem(p, "option --%s needs a value", def->name);
				continue;
			}
			value = argv[++i];
		}
		p->given[p->ngiven].def = def;
		p->given[p->ngiven].value = value;
		p->given[p->ngiven].spelled = arg;
		p->ngiven++;
	}
	return 0;
}

/* Converts a whole-number option value within [min, max]; 0 or -1 (problem recorded). */
static int number(parser *p, const given *g, int64_t min, int64_t max, int64_t *out)
{
	char q[96];
	int64_t v;

	if (cli_parse_int64(g->value, strlen(g->value), &v) != 0 || v < min || v > max) {
		problem(p, "--%s needs a whole number from %lld to %lld, not %s", g->def->name,
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
	problem(p, "--quantize must be %snone, halfvec or binary, not %s", with_auto ? "auto, " : "",
		cli_quote(q, sizeof(q), g->value, strlen(g->value)));
	return -1;
}

/* --scan-mem-multiplier: a finite decimal (the range is the library's); 0 or -1. */
static int real_option(parser *p, const given *g, double *out)
{
	char q[96], *end = NULL;
	double v = strtod(g->value, &end);

	if (!end || *end || end == g->value || !(v == v) || v > 1e300 || v < -1e300) {
		problem(p, "--%s needs a number, not %s", g->def->name,
			cli_quote(q, sizeof(q), g->value, strlen(g->value)));
		return -1;
	}
	*out = v;
	return 0;
}

/* Second pass: checks each option against the command and stores its converted value. */
static void apply(parser *p, cli *c)
{
	cli_opts *o = &c->opt;
	char q[96];

	for (size_t i = 0; i < p->ngiven && !p->err[0]; i++) {
		const given *g = &p->given[i];
		int64_t v = 0;

		if (c->cmd != CMD_NONE && !(g->def->cmds & BIT(c->cmd))) {
			problem(p, "option --%s does not apply to %s", g->def->name,
				cli_cmd_word(c->cmd));
			break;
		}
		if (g->value && !g->value[0] && g->def->id != O_PARAM) {
			problem(p, "option --%s needs a non-empty value", g->def->name);
			break;
		}
		switch (g->def->id) {
		case O_DSN:
			if (strchr(g->value, '=') || strchr(g->value, ';'))
				problem(p, "--dsn takes a data source name; give a connection string "
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
				problem(p, "--type must be vector, halfvec, sparsevec or bit, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			break;
		case O_METRIC:
			if (pgv_metric_from_name(&o->metric, g->value) != 0)
				problem(p, "--metric must be l2, ip, cosine, l1, hamming or jaccard, not %s",
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
				problem(p, "--id needs a 64-bit decimal integer, not %s",
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
				problem(p, "--format must be csv, jsonl or fvecs, not %s",
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
				problem(p, "--method must be hnsw or ivfflat, not %s",
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
				problem(p, "--iterative-scan must be off, strict or relaxed, not %s",
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
				problem(p, "--id-type must be bigint, text or uuid, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			o->id_type = g->value;
			break;
		case O_MAX_DISTANCE: {
			char *end = NULL;
			double d = strtod(g->value, &end);
			if (!end || *end || d != d)
				problem(p, "--max-distance needs a number, not %s",
					cli_quote(q, sizeof(q), g->value, strlen(g->value)));
			o->max_distance = d;
			o->has_max_distance = 1;
			break;
		}
		case O_ID_BASE:
		case O_AFTER:
			if (cli_parse_int64(g->value, strlen(g->value), &v) != 0) {
				problem(p, "--%s needs a 64-bit decimal integer, not %s", g->def->name,
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

int cli_parse_args(cli *c, int argc, char **argv)
{
	const pgv_search_opts no_search = PGV_SEARCH_OPTS_INIT;
	parser p;
	cli_opts *o = &c->opt;
	size_t nid = 0, nsql = 0, nparam = 0, ncolumn = 0;
	int rc = CLI_OK;

	memset(&p, 0, sizeof(p));
	memset(o, 0, sizeof(*o));
	o->metric = PGV_METRIC_L2;
	o->k = 1;
	o->batch = CLI_DEFAULT_BATCH;
	o->page_rows = CLI_DEFAULT_PAGE_ROWS;
	o->type = PGV_TYPE_VECTOR;
	o->method = PGV_INDEX_HNSW;
	o->search = no_search;
	o->queries = 100;
	o->seed = 1;
	c->cmd = CMD_NONE;
	c->name = "";

	if (scan(&p, argc, argv) != 0) {
		free(p.given);
		free(p.pos);
		free(p.pos_at);
		fprintf(stderr, "pgvodbc: out of memory\n");
		return CLI_FAIL;
	}
	if (p.npos > 0) {
		c->cmd = cmd_from_word(p.pos[0]);
		c->name = cli_cmd_word(c->cmd);
		if (c->cmd == CMD_NONE && !(p.unknown_at && p.pos_at[0] == p.unknown_at + 1)) {
			const char *near = cli_suggest(p.pos[0], CMD_WORDS + 1, CMD_COUNT_ - 1);
			char q[96];

			/* replaces any option problem: the command itself is wrong (but for a word
			 * right after an unknown option: that is the option's value, and the option
			 * is what is wrong, as in "--dns vectors list") */
			p.err[0] = '\0';
			if (near)
				problem(&p, "unknown command %s; did you mean \"%s\"?", cli_quote(q,
					sizeof(q), p.pos[0], strlen(p.pos[0])), near);
			else
				problem(&p, "unknown command %s", cli_quote(q, sizeof(q), p.pos[0],
					strlen(p.pos[0])));
		}
	}
	for (size_t i = 0; i < p.ngiven; i++) {
		if (p.given[i].def->id == O_ID)
			nid++;
		if (p.given[i].def->id == O_COMMAND || p.given[i].def->id == O_FILE)
			nsql++;
		if (p.given[i].def->id == O_PARAM)
			nparam++;
		if (p.given[i].def->id == O_COLUMN)
			ncolumn++;
		if (p.given[i].def->id == O_HELP)
			o->help = 1;
		/* an error found before --json is applied is reported as JSON all the same */
		if (p.given[i].def->id == O_JSON)
			o->json = 1;
		if (p.given[i].def->id == O_VERSION)
			o->version = 1;
	}
	/* --help and --version win over any other problem with the line */
	if ((o->help || o->version) && c->cmd != CMD_NONE)
		p.err[0] = '\0';
	if ((o->help || o->version) && p.npos == 0)
		p.err[0] = '\0';
	if (!p.err[0] && !o->help && !o->version) {
		o->ids = nid ? calloc(nid, sizeof(*o->ids)) : NULL;
		o->sql = nsql ? calloc(nsql, sizeof(*o->sql)) : NULL;
		o->params = nparam ? calloc(nparam, sizeof(*o->params)) : NULL;
		o->columns = ncolumn ? calloc(ncolumn, sizeof(*o->columns)) : NULL;
		if ((nid && !o->ids) || (nsql && !o->sql) || (nparam && !o->params)
				|| (ncolumn && !o->columns)) {
			problem(&p, "out of memory");
		} else {
			apply(&p, c);
		}
		if (o->json && o->csv)
			problem(&p, "--json and --csv cannot be combined: choose one output format");
	}
	/* bit columns have only hamming and jaccard: the default follows the type */
	if (!o->has_metric && o->type == PGV_TYPE_BIT)
		o->metric = PGV_METRIC_HAMMING;
	if (p.err[0]) {
		rc = cli_usage(c, "%s", p.err);
	} else if (p.npos > 1) {
		o->args = calloc(p.npos - 1, sizeof(*o->args));
		if (!o->args) {
			fprintf(stderr, "pgvodbc: out of memory\n");
			rc = CLI_FAIL;
		} else {
			memcpy(o->args, p.pos + 1, (p.npos - 1) * sizeof(*o->args));
			o->nargs = p.npos - 1;
		}
	}
	free(p.given);
	free(p.pos);
	free(p.pos_at);
	return rc;
}

void cli_opts_free(cli_opts *opt)
{
	free(opt->ids);
	free(opt->args);
	free(opt->sql);
	free(opt->params);
	free(opt->columns);
	opt->sql = NULL;
	opt->params = NULL;
	opt->columns = NULL;
	opt->ids = NULL;
	opt->args = NULL;
	opt->nids = opt->nargs = opt->nsql = opt->nparams = 0;
}
