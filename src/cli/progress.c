/* The progress line of `upsert`, `import` and `export` on stderr: drawn in place on a terminal,
 * never into a file or a pipe. */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Redraw at most this often, so a fast stream is not slowed by the terminal. */
#define REFRESH_NS 200000000LL

/* Characters in the bar. */
#define BAR 20

/* Nanoseconds from `a` to `b`. */
static long long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

/* 1 when the line should be drawn: stderr is a terminal, and not one a CI runner provides. */
static int want_line(void)
{
	const char *ci = getenv("CI");

	if (ci && ci[0] && strcmp(ci, "0") != 0 && strcmp(ci, "false") != 0)
		return 0;
	return isatty(STDERR_FILENO) == 1;
}

void progress_begin(cli_progress *p, const char *verb)
{
	memset(p, 0, sizeof(*p));
	p->tty = want_line();
	p->verb = verb;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
	p->base_at = p->start;
}

void progress_start(cli_progress *p)
{
	progress_begin(p, "upserted");
}

void progress_total(cli_progress *p, uint64_t total)
{
	p->total = total;
}

/* Appends "ETA 1h02m", "ETA 3m05s" or "ETA 12s" for `s` seconds. */
static size_t put_eta(char *buf, size_t cap, double s)
{
	unsigned long long t = s < 0 ? 0 : s > 359999.0 ? 359999ULL : (unsigned long long)(s + 0.5);

	if (t >= 3600)
		return (size_t)snprintf(buf, cap, " ETA %lluh%02llum", t / 3600, t / 60 % 60);
	if (t >= 60)
		return (size_t)snprintf(buf, cap, " ETA %llum%02llus", t / 60, t % 60);
	return (size_t)snprintf(buf, cap, " ETA %llus", t);
}

/* The terminal's width, or 80 when it cannot be asked. */
static size_t columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Draws the line for the counts in `p`. */
static void draw(cli_progress *p, long long ns, long long ns_since_base)
{
	char line[256];
	size_t o, width = columns();
	double secs = (double)ns / 1e9, rate = secs > 0 ? (double)p->rows / secs : 0.0;

	o = (size_t)snprintf(line, sizeof(line), "%s %llu rows (%.0f rows/s)", p->verb,
		(unsigned long long)p->rows, rate);
	if (o >= sizeof(line))
		o = sizeof(line) - 1;
	if (p->total && o < sizeof(line) - 64) {
		double f = (double)p->done / (double)p->total;
		size_t fill;

		if (f > 1.0)
			f = 1.0;
		fill = (size_t)(f * BAR);
		line[o++] = ' ';
		line[o++] = '[';
		for (size_t i = 0; i < BAR; i++)
			line[o++] = i < fill ? '#' : '-';
		line[o++] = ']';
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %3.0f%%", f * 100.0);
		/* an estimate from the pace of the real work so far (not counting what a resumed
		 * import passed over in no time); none until there is a pace to go by */
		if (f > 0.0 && f < 1.0 && secs >= 1.0 && p->done > p->base) {
			double worked = (double)(p->done - p->base) / (double)p->total;

			o += put_eta(line + o, sizeof(line) - o,
				(double)ns_since_base / 1e9 * (1.0 - f) / worked);
		}
	}
	/* a line longer than the terminal would wrap, and \r would not bring it back */
	if (o >= width)
		o = width - 1;
	/* \r and erase-to-end-of-line: the line is rewritten in place */
	fprintf(stderr, "\r%.*s\033[K", (int)o, line);
	fflush(stderr);
	p->shown = 1;
}

void progress_advance(cli_progress *p, uint64_t rows, uint64_t done)
{
	struct timespec now;

	p->rows = rows;
	p->done = done;
	if (!p->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (rows == 0) {
		/* nothing written yet: what is done so far was passed over, not worked */
		p->base = done;
		p->base_at = now;
	}
	if (p->shown && elapsed_ns(&p->last, &now) < REFRESH_NS)
		return;
	p->last = now;
	draw(p, elapsed_ns(&p->start, &now), elapsed_ns(&p->base_at, &now));
}

void progress_update(cli_progress *p, uint64_t rows)
{
	progress_advance(p, rows, rows);
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
	fprintf(stderr, "%s %llu %s\n", p->verb, (unsigned long long)rows,
		rows == 1 ? "row" : "rows");
}
