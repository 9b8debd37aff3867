/*
 * Internal to the pgvodbc command-line tool: SIGINT and SIGTERM while a command writes.  The
 * first signal is only noted; a watcher thread then cancels the statement running on the
 * command's connection (pgv_conn_cancel: SQLCancel, the one call ODBC allows on a connection
 * another thread is using), again on every tick while the work goes on, so that a statement
 * started just after the signal is stopped too.  The command then reports what was committed.
 * A second signal ends the process at once.  One place for every command that writes.
 */
#ifndef PGV_CLI_INTERRUPT_H
#define PGV_CLI_INTERRUPT_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <pgvodbc.h>

/* Called once by cli_watch_start, then on the watcher thread every tick while the work goes on. */
typedef void (*cli_watch_tick)(void *arg);

/* One watch over a piece of work. */
typedef struct cli_watch {
	pgv_conn *conn;       /* whose running statement a signal cancels (NULL: none) */
	cli_watch_tick tick;  /* may be NULL */
	void *arg;
	pthread_t thread;
	int started;          /* the thread runs */
	atomic_int done;
	struct timespec start;
} cli_watch;

/*
 * Catches SIGINT and SIGTERM (without SA_RESTART, so that a read waiting for input returns
 * EINTR) and starts the watcher over `conn` until cli_watch_stop.  Always succeeds: without a
 * thread the signals are still noted, only the cancel (and the ticks) are missing.
 */
void cli_watch_start(cli_watch *w, pgv_conn *conn, cli_watch_tick tick, void *arg);

/* Stops the watcher and restores the default handling of SIGINT and SIGTERM. */
void cli_watch_stop(cli_watch *w);

/* Milliseconds since cli_watch_start. */
long cli_watch_elapsed_ms(const cli_watch *w);

/* The signal that asked the command to stop (SIGINT, SIGTERM), 0 while none has. */
int cli_interrupted(void);

/* "SIGINT" or "SIGTERM" for cli_interrupted()'s value. */
const char *cli_signal_name(int sig);

#endif
