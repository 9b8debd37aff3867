/*
 * Internal to the pgvodbc command-line tool: what args.c (reading the command line) and
 * options.c (the options: which commands take each one, and the conversion of its value) share.
 */
#ifndef PGV_CLI_OPTIONS_H
#define PGV_CLI_OPTIONS_H

#include "cli.h"

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

/* Every option, and how many there are. */
extern const opt_def CLI_OPTS[];
extern const size_t CLI_NOPTS;

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

/* Records the first problem of the command line (later ones are dropped). */
void cli_args_problem(parser *p, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* options.c: the option closest to `word` (cli_suggest), NULL when none is close. */
const char *cli_option_near(const char *word);

/* options.c: checks each given option against the command and stores its converted value in
 * c->opt (the first problem recorded in `p`). */
void cli_options_apply(parser *p, cli *c);

#endif
