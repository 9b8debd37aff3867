/*
 * The command line: options may come before or after the command word, as --name VALUE,
 * --name=VALUE or (for -h and -V) a short flag; "--" ends the options; an argument starting with
 * '-' and a digit (a negative id) is not an option.  Each option is accepted only by the commands
 * it means something to; values are converted and checked in options.c.
 */
#include "options.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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


void cli_args_problem(parser *p, const char *fmt, ...)
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
	const char *near;
	char word[65];

	snprintf(word, sizeof(word), "%.*s", (int)(n > 64 ? 64 : n), name);
	near = n <= 64 ? cli_option_near(word) : NULL;
	if (!p->unknown_at && !p->err[0])
		p->unknown_at = at;
	if (near)
		cli_args_problem(p, "unknown option --%.60s; did you mean --%s?", word, near);
	else
		cli_args_problem(p, "unknown option --%.60s", word);
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
			for (size_t j = 0; j < CLI_NOPTS && !def; j++)
				if (strlen(CLI_OPTS[j].name) == namelen
						&& strncmp(CLI_OPTS[j].name, arg + 2, namelen) == 0)
					def = &CLI_OPTS[j];
			if (!def) {
				unknown_option(p, arg + 2, namelen, i);
				continue;
			}
			if (eq && !def->has_arg) {
				cli_args_problem(p, "option --%s takes no value", def->name);
				continue;
			}
			value = eq ? eq + 1 : NULL;
		} else {
			for (size_t j = 0; j < CLI_NOPTS && !def; j++)
				if (CLI_OPTS[j].short_name == arg[1] && arg[2] == '\0')
					def = &CLI_OPTS[j];
			if (!def) {
				cli_args_problem(p, "unknown option %.60s", arg);
				continue;
			}
		}
		if (def->has_arg && !value) {
			if (i + 1 >= argc) {
				cli_args_problem(p, "option --%s needs a value", def->name);
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
				cli_args_problem(&p, "unknown command %s; did you mean \"%s\"?", cli_quote(q,
					sizeof(q), p.pos[0], strlen(p.pos[0])), near);
			else
				cli_args_problem(&p, "unknown command %s", cli_quote(q, sizeof(q), p.pos[0],
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
			cli_args_problem(&p, "out of memory");
		} else {
			cli_options_apply(&p, c);
		}
		if (o->json && o->csv)
			cli_args_problem(&p, "--json and --csv cannot be combined: choose one output format");
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
