/*
 * `index create` while the server builds: a progress line on a terminal and Ctrl-C (SIGINT,
 * SIGTERM) cancelling the build on the server.  The build runs on the main thread; a watcher
 * thread draws the line and, on a signal, cancels the build (pgv_conn_cancel: SQLCancel, the
 * one call ODBC allows on a connection another thread is using).  The phase and tuple counts
 * come from pg_stat_progress_create_index read on a second connection, where it is a session
 * of its own: the embedded server serves every connection from one session (the same
 * pg_backend_pid), where that read would wait for the build, so the line then shows the
 * elapsed time alone.
 */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How often the line is redrawn and the server asked (milliseconds). */
#define WATCH_TICK_MS 100
#define PROGRESS_EVERY_MS 500

static volatile sig_atomic_t interrupted;

/* SIGINT, SIGTERM: only noted; the watcher cancels the build. */
static void on_signal(int sig)
{
	interrupted = sig;
}

typedef struct watch {
	pgv_conn *conn;          /* the build's connection */
	pgv_conn *probe;         /* a session of its own for the progress view, or NULL */
	const pgv_table *table;
	const char *name;        /* the index's name */
	int draw;                /* a terminal: draw the line */
	int shown;               /* a line is on the screen */
	int cancelled;           /* the build was asked to stop */
	atomic_int done;         /* the build returned */
	struct timespec start;
} watch;

/* Milliseconds since `t0`. */
static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Redraws "building index NAME: PHASE, N of M tuples (P%), 12s" (or the elapsed time alone). */
static void draw(watch *w, const pgv_index_progress *p)
{
	char line[400];
	long s = elapsed_ms(&w->start) / 1000;
	int n;

	if (p && p->active && p->tuples_total > 0)
		n = snprintf(line, sizeof(line), "building index %s: %s, %lld of %lld tuples (%d%%), "
			"%lds", w->name, p->phase, (long long)p->tuples_done, (long long)p->tuples_total,
			(int)(100 * p->tuples_done / p->tuples_total), s);
	else if (p && p->active)
		n = snprintf(line, sizeof(line), "building index %s: %s, %lld tuples, %lds", w->name,
			p->phase, (long long)p->tuples_done, s);
	else
		n = snprintf(line, sizeof(line), "building index %s: %lds", w->name, s);
	if (n < 0)
		return;
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	w->shown = 1;
}

/* The watcher: cancels on a signal, draws the line, until the build returns. */
static void *watch_run(void *arg)
{
	watch *w = arg;
	pgv_index_progress p;
	int have = 0;
	long last = -PROGRESS_EVERY_MS;
	const struct timespec tick = { 0, WATCH_TICK_MS * 1000000L };

	memset(&p, 0, sizeof(p));
	while (!atomic_load(&w->done)) {
		if (interrupted && !w->cancelled) {
			w->cancelled = 1;
			pgv_conn_cancel(w->conn);
		}
		if (w->draw && elapsed_ms(&w->start) - last >= PROGRESS_EVERY_MS) {
			last = elapsed_ms(&w->start);
			if (w->probe && pgv_index_progress_read(&p, w->probe, w->table) == 0)
				have = 1;
			else if (w->probe) {
				/* the view cannot be read: show the time alone from now on */
				pgv_conn_close(w->probe);
				w->probe = NULL;
				have = 0;
			}
			draw(w, have ? &p : NULL);
		}
		nanosleep(&tick, NULL);
	}
	return NULL;
}

/* Opens the progress connection when the server gives it a session of its own. */
static pgv_conn *open_probe(cli *c)
{
	pgv_conn *probe = NULL;
	int64_t mine = 0, theirs = 0;

	if (cli_connect_again(c, &probe) != 0)
		return NULL;
	if (pgv_conn_backend_pid(&mine, c->conn) != 0 || pgv_conn_backend_pid(&theirs, probe) != 0
			|| mine == theirs) {
		pgv_conn_close(probe);
		return NULL;
	}
	return probe;
}

/* 1 when the progress line is to be drawn: stderr a terminal, not a CI runner's. */
static int want_line(const cli *c)
{
	const char *ci = getenv("CI");

	if (c->opt.no_progress || (ci && ci[0]))
		return 0;
	return isatty(STDERR_FILENO) == 1;
}

int cli_index_build(cli *c, const pgv_index_opts *opts, const char *name, pgv_index_form *form,
	int *cancelled)
{
	struct sigaction sa, old_int, old_term;
	pthread_t thread;
	watch w;
	int rc, started;

	memset(&w, 0, sizeof(w));
	w.conn = c->conn;
	w.table = &c->table;
	w.name = name;
	w.draw = want_line(c);
	w.probe = w.draw ? open_probe(c) : NULL;
	atomic_init(&w.done, 0);
	clock_gettime(CLOCK_MONOTONIC, &w.start);
	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second signal ends the process at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	started = pthread_create(&thread, NULL, watch_run, &w) == 0;
	rc = pgv_index_create_ext(form, c->conn, &c->table, opts);
	atomic_store(&w.done, 1);
	if (started)
		pthread_join(thread, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (w.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	if (w.probe)
		pgv_conn_close(w.probe);
	*cancelled = interrupted;
	return rc;
}
