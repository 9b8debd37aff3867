/* The progress line of `upsert` on stderr: drawn in place on a terminal, never into a file. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

/* Redraw at most this often, so a fast stream is not slowed by the terminal. */
#define REFRESH_NS 200000000LL

/* Nanoseconds from `a` to `b`. */
static long long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

void progress_start(cli_progress *p)
{
	p->tty = isatty(STDERR_FILENO) == 1;
	p->shown = 0;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

void progress_update(cli_progress *p, uint64_t rows)
{
	struct timespec now;
	long long ns;
	double rate;

	if (!p->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->shown && elapsed_ns(&p->last, &now) < REFRESH_NS)
		return;
	p->last = now;
	ns = elapsed_ns(&p->start, &now);
	rate = ns > 0 ? (double)rows * 1e9 / (double)ns : 0.0;
	/* \r and erase-to-end-of-line: the line is rewritten in place */
	fprintf(stderr, "\rupserted %llu rows (%.0f rows/s)\033[K", (unsigned long long)rows, rate);
	fflush(stderr);
	p->shown = 1;
}

void progress_clear(cli_progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->shown = 0;
	}
}

void progress_finish(cli_progress *p, uint64_t rows)
{
	progress_clear(p);
	fprintf(stderr, "upserted %llu %s\n", (unsigned long long)rows, rows == 1 ? "row" : "rows");
}
