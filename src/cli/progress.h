/*
 * Internal to the pgvodbc command-line tool: the progress line of a long write on stderr.  It is
 * shown, and refreshed in place a few times a second, only when stderr is a terminal; the final
 * summary is always printed.
 */
#ifndef PGV_CLI_PROGRESS_H
#define PGV_CLI_PROGRESS_H

#include <stdint.h>
#include <time.h>

typedef struct cli_progress {
	int tty;               /* stderr is a terminal */
	int shown;             /* a progress line is on the screen */
	struct timespec start; /* when the work started */
	struct timespec last;  /* when the line was last drawn */
} cli_progress;

/* Starts the clock. */
void progress_start(cli_progress *p);

/* Redraws "upserted N rows (R rows/s)" when stderr is a terminal and enough time has passed. */
void progress_update(cli_progress *p, uint64_t rows);

/* Removes the progress line (before a message is printed, or at the end). */
void progress_clear(cli_progress *p);

/* Removes the progress line and prints "upserted N rows" (or "1 row") on stderr. */
void progress_finish(cli_progress *p, uint64_t rows);

#endif
