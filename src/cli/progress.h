/*
 * Internal to the pgvodbc command-line tool: the progress line of a long command on stderr
 * ("imported 12000 rows (41000 rows/s) [#####-----] 48% ETA 13s").  It is shown, and redrawn
 * in place a few times a second, only when stderr is a terminal and $CI is not set; the final
 * summary is always printed.
 */
#ifndef PGV_CLI_PROGRESS_H
#define PGV_CLI_PROGRESS_H

#include <stdint.h>
#include <time.h>

typedef struct cli_progress {
	int tty;               /* the line is to be drawn */
	int shown;             /* a progress line is on the screen */
	struct timespec start; /* when the work started */
	struct timespec last;  /* when the line was last drawn */
	const char *verb;      /* "upserted", "imported", "exported" */
	uint64_t total;        /* the amount of work (rows, bytes) when known, else 0 */
	uint64_t rows;         /* the last counts given */
	uint64_t done;         /* the work done, in the unit of total */
	uint64_t base;         /* work passed over before the first row (a resumed import's
	                        * --skip): it took no time, so the ETA leaves it out */
	struct timespec base_at; /* when that passing over ended */
} cli_progress;

/* Starts the clock for `upsert` ("upserted N rows"; no total). */
void progress_start(cli_progress *p);

/* Starts the clock; the line and the summary begin with `verb` (a static string). */
void progress_begin(cli_progress *p, const char *verb);

/* Makes the amount of work known (rows, or bytes of input); a bar, the percentage done and an
 * estimate of the time left then follow the counts. */
void progress_total(cli_progress *p, uint64_t total);

/* Redraws "VERB N rows (R rows/s)" when the line is drawn and enough time has passed; `done`
 * measures the work in the unit of the total (progress_update: the rows are the work). */
void progress_update(cli_progress *p, uint64_t rows);
void progress_advance(cli_progress *p, uint64_t rows, uint64_t done);

/* Removes the progress line (before a message is printed, or at the end). */
void progress_clear(cli_progress *p);

/* Removes the progress line and prints "VERB N rows" (or "1 row") on stderr. */
void progress_finish(cli_progress *p, uint64_t rows);

#endif
