/* SIGINT and SIGTERM while a command writes: noted, then the running statement is cancelled on
 * the server by a watcher thread (interrupt.h). */
#include "interrupt.h"

#include <signal.h>
#include <string.h>

/* How often the watcher looks (milliseconds). */
#define WATCH_TICK_MS 100

static volatile sig_atomic_t interrupted;

/* SIGINT, SIGTERM: only noted; the watcher cancels, the command reports. */
static void on_signal(int sig)
{
	interrupted = sig;
}

int cli_interrupted(void)
{
	return interrupted;
}

const char *cli_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

long cli_watch_elapsed_ms(const cli_watch *w)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - w->start.tv_sec) * 1000
		+ (now.tv_nsec - w->start.tv_nsec) / 1000000;
}

/* The watcher: after a signal, cancels whatever runs on the connection, every tick. */
static void *watch_run(void *arg)
{
	cli_watch *w = arg;
	const struct timespec tick = { 0, WATCH_TICK_MS * 1000000L };

	while (!atomic_load(&w->done)) {
		if (interrupted && w->conn)
			pgv_conn_cancel(w->conn);
		if (w->tick)
			w->tick(w->arg);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

void cli_watch_start(cli_watch *w, pgv_conn *conn, cli_watch_tick tick, void *arg)
{
	struct sigaction sa;

	memset(w, 0, sizeof(*w));
	w->conn = conn;
	w->tick = tick;
	w->arg = arg;
	atomic_init(&w->done, 0);
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second signal ends the process at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the first tick before the work starts, so that a line drawn by it is there at once,
	 * however soon the work ends */
	if (tick)
		tick(arg);
	/* nothing to cancel or draw: the signals are only noted */
	if (conn || tick)
		w->started = pthread_create(&w->thread, NULL, watch_run, w) == 0;
}

void cli_watch_stop(cli_watch *w)
{
	atomic_store(&w->done, 1);
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}
