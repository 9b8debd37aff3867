/*
 * `index create` while the server builds: a progress line on a terminal, and Ctrl-C (SIGINT,
 * SIGTERM) cancelling the build on the server (interrupt.c: the build runs on the main thread,
 * the watcher thread cancels it and, every tick, draws the line here).  The phase and tuple
 * counts come from pg_stat_progress_create_index read on a second connection, where it is a
 * session of its own: the embedded server serves every connection from one session (the same
 * pg_backend_pid), where that read would wait for the build, so the line then shows the
 * elapsed time alone.
 */
#include "cli.h"
#include "interrupt.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How often the server is asked for the build's progress (milliseconds). */
#define PROGRESS_EVERY_MS 500

typedef struct watch {
	cli_watch w;
	pgv_conn *probe;         /* a session of its own for the progress view, or NULL */
	const pgv_table *table;
	const char *name;        /* the index's name */
	int draw;                /* a terminal: draw the line */
	int shown;               /* a line is on the screen */
	int have;                /* `p` holds a reading */
	long last;               /* when the server was last asked */
	pgv_index_progress p;
} watch;

/* Redraws "building index NAME: PHASE, N of M tuples (P%), 12s" (or the elapsed time alone). */
static void draw(watch *w, const pgv_index_progress *p)
{
	char line[400];
	long s = cli_watch_elapsed_ms(&w->w) / 1000;
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

/* Each tick of the watcher: reads the progress and redraws the line, every PROGRESS_EVERY_MS. */
static void tick(void *arg)
{
	watch *w = arg;
	long now = cli_watch_elapsed_ms(&w->w);

	if (!w->draw || now - w->last < PROGRESS_EVERY_MS)
		return;
	w->last = now;
	if (w->probe && pgv_index_progress_read(&w->p, w->probe, w->table) == 0) {
		w->have = 1;
	} else if (w->probe) {
		/* the view cannot be read: show the time alone from now on */
		pgv_conn_close(w->probe);
		w->probe = NULL;
		w->have = 0;
	}
	draw(w, w->have ? &w->p : NULL);
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
	watch w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.table = &c->table;
	w.name = name;
	w.draw = want_line(c);
	w.probe = w.draw ? open_probe(c) : NULL;
	w.last = -PROGRESS_EVERY_MS;
	cli_watch_start(&w.w, c->conn, tick, &w);
	rc = pgv_index_create_ext(form, c->conn, &c->table, opts);
	cli_watch_stop(&w.w);
	if (w.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	if (w.probe)
		pgv_conn_close(w.probe);
	*cancelled = cli_interrupted();
	return rc;
}
