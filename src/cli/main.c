/*
 * pgvodbc: the command-line tool.  Parses the command line, chooses the connection, runs one
 * command and turns the outcome into the exit status (0 success, 1 database or input error,
 * 2 usage error).  Uses only the public API.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PGVODBC_CLI_VERSION
#define PGVODBC_CLI_VERSION PGV_VERSION_STRING
#endif

/* The connection target, from --dsn, --connect or $PGVODBC_DSN in that order; NULL when none.
 * `*from_env` says whether it came from the environment. */
static const char *choose_target(const cli *c, int *from_env)
{
	const char *env = getenv("PGVODBC_DSN");

	*from_env = 0;
	if (c->opt.dsn)
		return c->opt.dsn;
	if (c->opt.connect)
		return c->opt.connect;
	if (env && env[0]) {
		*from_env = 1;
		return env;
	}
	return NULL;
}

/* 1 for the commands that write, where SIGINT and SIGTERM cancel the statement on the server
 * and the command says what was committed (index create has a watch of its own, index_build.c,
 * which draws its progress line too). */
static int writes(cli_cmd cmd)
{
	return cmd == CMD_UPSERT || cmd == CMD_DELETE || cmd == CMD_TABLE || cmd == CMD_MIGRATE
		|| cmd == CMD_SQL || cmd == CMD_IMPORT || cmd == CMD_DEMO;
}

int cli_connect(cli *c)
{
	int from_env, rc;
	const char *target = choose_target(c, &from_env);
	const char *msg;

	if (!target)
		return cli_usage(c, "no connection given: use --dsn NAME, --connect CONNSTR, "
			"or set PGVODBC_DSN");
	rc = pgv_conn_open(&c->conn, target);
	if (rc == 0 && c->opt.timeout > 0 && pgv_conn_set_timeout(c->conn, c->opt.timeout) != 0)
		return cli_fail_db(c, "setting --timeout");
	if (rc == 0 && writes(c->cmd) && !c->watching) {
		cli_watch_start(&c->watch, c->conn, NULL, NULL);
		c->watching = 1;
	}
	if (rc == 0)
		return CLI_OK;
	if (!c->conn)
		return cli_fail(c, "connecting: %s", pgv_status_name(rc));
	/* The library's message names the DSN (never a password); say only what it does not. */
	msg = pgv_conn_error(c->conn)->message;
	if (msg && strncmp(msg, "cannot connect", 14) == 0)
		return cli_fail_db(c, from_env ? "using PGVODBC_DSN" : "");
	return cli_fail_db(c, from_env ? "connecting with PGVODBC_DSN" : "connecting");
}

int cli_connect_again(cli *c, pgv_conn **out)
{
	int from_env;
	const char *target = choose_target(c, &from_env);

	*out = NULL;
	if (!target || pgv_conn_open(out, target) != 0) {
		pgv_conn_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* `pgvodbc help [COMMAND]`. */
static int cmd_help(cli *c)
{
	cli_cmd which = CMD_NONE;

	if (c->opt.nargs > 1)
		return cli_usage(c, "help takes one command name");
	if (c->opt.nargs == 1) {
		for (int i = CMD_NONE + 1; i < CMD_COUNT_; i++)
			if (strcmp(c->opt.args[0], cli_cmd_word((cli_cmd)i)) == 0)
				which = (cli_cmd)i;
		if (which == CMD_NONE) {
			char q[96];
			return cli_usage(c, "no command %s", cli_quote(q, sizeof(q),
				c->opt.args[0], strlen(c->opt.args[0])));
		}
	}
	cli_help(stdout, which);
	return CLI_OK;
}

/* Runs the parsed command. */
static int run(cli *c)
{
	int from_env;

	if (c->opt.version) {
		printf("pgvodbc %s\nlibpgvodbc %s\n", PGVODBC_CLI_VERSION, pgv_version());
		return CLI_OK;
	}
	if (c->opt.help) {
		cli_help(stdout, c->cmd);
		return CLI_OK;
	}
	if (c->cmd == CMD_NONE)
		return cli_usage(c, "no command given");
	if (c->cmd == CMD_HELP)
		return cmd_help(c);
	/* a missing connection is a usage error, found before any input is read */
	if (!choose_target(c, &from_env))
		return cli_usage(c, "no connection given: use --dsn NAME, --connect CONNSTR, "
			"or set PGVODBC_DSN");
	switch (c->cmd) {
	case CMD_MIGRATE: return cmd_migrate(c);
	case CMD_UPSERT: return cmd_upsert(c);
	case CMD_LIST: return cmd_list(c);
	case CMD_KNN: return cmd_knn(c);
	case CMD_DISTANCE: return cmd_distance(c);
	case CMD_DEMO: return cmd_demo(c);
	case CMD_IMPORT: return cmd_import(c);
	case CMD_EXPORT: return cmd_export(c);
	case CMD_INDEX: return cmd_index(c);
	case CMD_SQL: return cmd_sql(c);
	case CMD_INFO: return cmd_info(c);
	case CMD_RECALL: return cmd_recall(c);
	case CMD_TABLE: return cmd_table(c);
	case CMD_GET: return cmd_get(c);
	case CMD_DELETE: return cmd_delete(c);
	case CMD_COUNT: return cmd_count(c);
	default: return cli_usage(c, "no command given");
	}
}

/*
 * Makes sure descriptors 0, 1 and 2 are open (on /dev/null when the caller closed them), so that
 * the driver's socket can never become "stdout" and receive our output, or "stdin" and be read
 * as input lines.  Returns 1 when stdout had been closed.
 */
static int reserve_std_fds(void)
{
	int stdout_closed = 0;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (fd == 1)
			stdout_closed = 1;
		/* open returns the lowest free descriptor: this one */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(CLI_FAIL);
	}
	return stdout_closed;
}

int main(int argc, char **argv)
{
	cli c;
	int rc, stdout_closed = reserve_std_fds();

	/* A reader that goes away (`pgvodbc list | head -1`) is then a write error (EPIPE) that
	 * ends the output quietly, not a signal. */
	signal(SIGPIPE, SIG_IGN);

	memset(&c, 0, sizeof(c));
	rc = cli_parse_args(&c, argc, argv);
	if (rc == CLI_OK) {
		pgv_table t = PGV_TABLE_INIT;

		t.schema = c.opt.schema;
		t.table = c.opt.table;
		t.id_column = c.opt.id_column;
		t.vector_column = c.opt.vector_column;
		t.type = c.opt.type;
		c.table = t;
		out_init(&c.out, stdout, c.opt.json);
		if (c.opt.csv)
			out_set_csv(&c.out);
		if (stdout_closed) {
			/* writing would "succeed" into /dev/null: report the first write instead */
			c.out.failed = 1;
			c.out.err = EBADF;
		}
		rc = run(&c);
		if (out_flush(&c.out) != 0 && rc == CLI_OK)
			rc = cli_fail_output(&c);
		out_free(&c.out);
	}
	if (c.watching)
		cli_watch_stop(&c.watch);
	pgv_conn_close(c.conn);
	cli_opts_free(&c.opt);
	return rc;
}
