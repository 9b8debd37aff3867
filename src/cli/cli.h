/*
 * Internal to the pgvodbc command-line tool: the parsed command line, the run context shared by
 * the commands, and the entry points of each command.  Uses only the public API (pgvodbc.h).
 */
#ifndef PGV_CLI_H
#define PGV_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pgvodbc.h>

#include "formats.h"
#include "interrupt.h"
#include "output.h"

/* Exit statuses (design.md, "Contracts other code relies on"). */
#define CLI_OK 0
#define CLI_FAIL 1  /* a database or input error */
#define CLI_USAGE 2 /* a usage error */

/* The commands; CMD_NONE before the command word has been seen. */
typedef enum cli_cmd {
	CMD_NONE = 0,
	CMD_HELP,
	CMD_MIGRATE,
	CMD_UPSERT,
	CMD_LIST,
	CMD_KNN,
	CMD_DISTANCE,
	CMD_DEMO,
	CMD_IMPORT,
	CMD_EXPORT,
	CMD_INDEX,
	CMD_SQL,
	CMD_INFO,
	CMD_RECALL,
	CMD_TABLE,
	CMD_GET,
	CMD_DELETE,
	CMD_COUNT,
	CMD_COUNT_ /* number of entries, not a command */
} cli_cmd;

/* One text for `sql` to run: a -c statement, or a -f file ("-" for stdin) to read. */
typedef struct cli_sql_text {
	const char *value;
	int is_file;
} cli_sql_text;

/* Everything the command line said, validated (option values are already converted). */
typedef struct cli_opts {
	const char *dsn;          /* --dsn NAME */
	const char *connect;      /* --connect CONNSTR */
	int timeout;              /* --timeout SECONDS (every command), 0 when not given */
	const char *schema;       /* --schema */
	const char *table;        /* --table */
	const char *id_column;    /* --id-column */
	const char *vector_column;/* --vector-column */
	pgv_type type;            /* --type, default vector */
	pgv_metric metric;        /* --metric, default l2 (hamming for --type bit) */
	int has_metric;
	size_t k;                 /* --k, default 1 (recall: 10) */
	int k_given;
	const char *dir;          /* --dir, NULL for the built-in migrations */
	int64_t to;               /* --to, 0 when not given */
	size_t steps;             /* --steps, 0 when not given (then 1) */
	size_t batch;             /* --batch, default CLI_DEFAULT_BATCH */
	int64_t *ids;             /* --id values (allocated), nids of them */
	size_t nids;
	int json;                 /* --json */
	int csv;                  /* --csv */
	cli_sql_text *sql;        /* -c / -f (sql), in command-line order (allocated), nsql of them */
	size_t nsql;
	int binary;               /* --binary (list, export): read vectors in pgvector's binary form */
	fmt_kind format;          /* --format (import, export), FMT_NONE when not given */
	uint64_t skip;            /* --skip (import): data records to pass over, default 0 */
	int64_t id_base;          /* --id-base (import, export of fvecs), default 0 */
	int has_id_base;
	int64_t after;            /* --after (export): only ids above it */
	int has_after;
	size_t page_rows;         /* --page-rows (list, export), default CLI_DEFAULT_PAGE_ROWS */
	pgv_index_method method;  /* --method (index), default hnsw */
	int has_method;
	const char *index_name;   /* --name (index), NULL when not given */
	int m;                    /* --m, --ef-construction, --lists (index create): 0 when not */
	int ef_construction;      /* given, which the library takes as the server's default */
	int lists;
	int concurrently;         /* --concurrently (index create) */
	int if_not_exists;        /* --if-not-exists (index create, table create) */
	pgv_search_opts search;   /* --ef-search, --probes, --iterative-scan, --max-scan-tuples,
	                           * --max-probes (knn); all zero when none is given */
	pgv_index_form form;      /* --quantize / --halfvec (index create; knn, recall in search) */
	int has_form;
	int no_progress;          /* --no-progress (index create) */
	const char *ef_search_list; /* recall: --ef-search, --probes, --rerank as given (lists) */
	const char *probes_list;
	const char *rerank_list;
	size_t queries;           /* recall: --queries, default 100 */
	uint64_t seed;            /* recall: --seed, default 1 */
	const char *query_file;   /* recall: --query-file */
	const char *where;        /* --where SQL (knn, distance, list, count) */
	const char **params;      /* --param values in order (sql, --where; allocated), nparams of them */
	size_t nparams;
	double max_distance;      /* --max-distance (knn, distance) */
	int has_max_distance;
	const char *select;       /* --select COL[,COL...] (knn, distance, list, get) */
	int no_vector;            /* --no-vector */
	size_t dim;               /* --dim (table create) */
	const char *id_type;      /* --id-type bigint|text|uuid (table create), NULL: bigint */
	const char **columns;     /* --column NAME:TYPE (table create; allocated), ncolumns */
	size_t ncolumns;
	int help;                 /* --help: print the command's help and stop */
	int version;              /* --version */
	char **args;              /* positional arguments after the command word (allocated array) */
	size_t nargs;
} cli_opts;

#define CLI_DEFAULT_BATCH 1000

/* Rows per page of a listing (list, export): memory stays bounded whatever the driver's settings
 * (psqlODBC without UseDeclareFetch would otherwise hold the whole result), and a round trip per
 * 1000 rows costs little next to formatting them. */
#define CLI_DEFAULT_PAGE_ROWS 1000

/* The state of one run. */
typedef struct cli {
	cli_cmd cmd;
	const char *name;   /* the command as it appears in messages: "list", "migrate up" */
	cli_opts opt;
	pgv_table table;    /* from --schema/--table/--id-column/--vector-column/--type */
	pgv_conn *conn;     /* NULL until cli_connect */
	cli_out out;        /* stdout */
	cli_watch watch;    /* commands that write: SIGINT/SIGTERM cancel on conn (interrupt.h) */
	int watching;       /* `watch` runs, from cli_connect until main stops it */
} cli;

/* args.c: parses argv into c->cmd and c->opt; CLI_OK or CLI_USAGE (message printed). */
int cli_parse_args(cli *c, int argc, char **argv);

/* args.c: releases what cli_parse_args allocated. */
void cli_opts_free(cli_opts *opt);

/* args.c: the command word for a command ("knn"), "" for CMD_NONE. */
const char *cli_cmd_word(cli_cmd cmd);

/* args.c: strict decimal int64 of `n` bytes (no sign but '-', no spaces); 0, or -1 (junk) / -2
 * (out of range). */
int cli_parse_int64(const char *s, size_t n, int64_t *out);

/* suggest.c: the one of `n` candidates closest to `word` (edit distance: insertions, deletions,
 * substitutions and swaps of neighbours), when it is close enough to be what was meant (at most
 * 1 edit for words up to 4 bytes, 2 up to 8, then 3); NULL otherwise. */
const char *cli_suggest(const char *word, const char *const *candidates, size_t n);

/* help.c: the help text of a command (CMD_NONE: the tool's) on `fp`. */
void cli_help(FILE *fp, cli_cmd cmd);

/* main.c: opens c->conn from --dsn, --connect or $PGVODBC_DSN, applies --timeout, and for a
 * command that writes starts the watch that turns SIGINT/SIGTERM into a cancel on the server;
 * CLI_OK or CLI_FAIL (reported). */
int cli_connect(cli *c);

/* main.c: opens a second connection to what c->conn reaches into `*out`; 0, or -1 (nothing
 * reported: the caller does without it). */
int cli_connect_again(cli *c, pgv_conn **out);

/* index_build.c: pgv_index_create_ext with a progress line on a terminal and SIGINT/SIGTERM
 * cancelling the build on the server; `*cancelled` the signal (0: none).  Returns the library's
 * status (the error on c->conn). */
int cli_index_build(cli *c, const pgv_index_opts *opts, const char *name, pgv_index_form *form,
	int *cancelled);

/* report.c: messages on stderr.  Each returns the exit status to use. */
int cli_fail(const cli *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* "pgvodbc: CMD: WHAT: <connection's error> (SQLSTATE XXXXX)"; returns CLI_FAIL. */
int cli_fail_db(const cli *c, const char *what);
/* The same for any error record, with "; NOTE" after the first line when note is not NULL. */
int cli_fail_error(const cli *c, const char *what, const pgv_error *e, const char *note);
/* The same from the thread's codec error (pgv_error_last); returns CLI_FAIL. */
int cli_fail_codec(const cli *c, const char *what);
/* "pgvodbc: [CMD: ]MESSAGE" plus a hint to --help; returns CLI_USAGE. */
int cli_usage(const cli *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Reports a failed write to stdout, unless it was EPIPE (a reader that went away: quiet).
 * Returns CLI_OK for EPIPE, else CLI_FAIL. */
int cli_fail_output(const cli *c);

/* escape.c: `s[0..n)` quoted for a message, into `buf` (cap >= 80); returns buf.  At most 60
 * bytes of it are shown, in whole UTF-8 characters ("..." after the quote when it was cut);
 * '"' and '\\' are escaped with a backslash, control characters as \t, \n, \r or \xHH,
 * characters that print as nothing (a byte order mark, zero-width and direction marks) as
 * \uXXXX, and bytes that are not UTF-8 as \xHH. */
const char *cli_quote(char *buf, size_t cap, const char *s, size_t n);

/* escape.c: writes s[0..n) on `fp` with the escapes of cli_quote but for quotes and
 * backslashes, keeping '\n' as it is when `keep_newlines`. */
void cli_put_escaped(FILE *fp, const char *s, size_t n, int keep_newlines);

/* escape.c: a copy of a message (newly allocated; NULL out of memory) in which the control
 * characters inside a "quoted" span are escaped, so that a name holding a newline does not
 * split the message into lines. */
char *cli_escape_quoted_controls(const char *msg);

/* report.c: parses vector text (`what` names it in a message, `note`, when not NULL, ends the
 * message); CLI_OK or CLI_FAIL (reported).  On success `out` owns new data. */
int cli_parse_vector(const cli *c, const char *what, const char *text, size_t len,
	pgv_vector *out, const char *note);

/* Commands.  Each returns the exit status; c->conn is opened by the command when it needs one. */
int cmd_migrate(cli *c);
int cmd_upsert(cli *c);
int cmd_list(cli *c);
int cmd_knn(cli *c);
int cmd_distance(cli *c);
int cmd_demo(cli *c);
int cmd_import(cli *c);
int cmd_export(cli *c);
int cmd_index(cli *c);
int cmd_sql(cli *c);
int cmd_info(cli *c);
int cmd_recall(cli *c);
int cmd_table(cli *c);
int cmd_get(cli *c);
int cmd_delete(cli *c);
int cmd_count(cli *c);

/* cmd_collection.c: 1 when a collection option (--where, --select, --no-vector,
 * --max-distance) asks for the collection path of list, knn and distance. */
int cli_wants_collection(const cli *c);
int cli_integer_ids(cli *c); /* connected; 1 unless the id column is text or uuid */
/* Splits --select "a,b": *names (allocated) points into *buf (an allocated copy); free both. */
int cli_split_select(const char *s, char **buf, const char ***names, size_t *n);

/* cmd_collection.c: list, knn (query set, k) and distance through a collection. */
int cli_collection_query(cli *c, const pgv_vector *query, int knn);

/* export_records.c: export of a collection as JSON lines to `path` ("-": stdout), in keyset
 * pages; CLI_OK or reported. */
int cli_export_records(cli *c, const char *path);

/* cmd_import.c: imports `path` ("-": stdin) as `import` does (also `upsert --format`). */
int cli_import_file(cli *c, const char *path);

/* cmd_import.c: the format of FILE (`path`, "-" for the standard streams) from --format or the
 * file's extension, checked against --id-base; CLI_OK or a usage error (reported). */
int cli_choose_format(cli *c, const char *path, fmt_kind *kind);

/* cmd_query.c: the row loops shared with the demo (connection open, vector parsed). */
int cli_print_list(cli *c);
int cli_print_knn(cli *c, const pgv_vector *query);
int cli_print_distances(cli *c, const pgv_vector *query);

/* cmd_migrate.c: the highest applied version (0 when none) into *out; CLI_OK or reported. */
int cli_migrated_version(cli *c, const pgv_migrate_set *set, int64_t *out);

/* cmd_migrate.c: applies the pending migrations of `set` (up to opt.to when set) and prints the
 * outcome ("applied N migrations: now at version V"); CLI_OK or reported. */
int cli_migrate_up(cli *c, const pgv_migrate_set *set);

#endif
