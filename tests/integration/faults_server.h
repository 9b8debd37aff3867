/*
 * Fault-test support: an embedded server of the test's own (started, SIGKILLed and restarted on
 * the same data with scripts/embedded-server.sh), a watchdog that fails a hung test, and a killer
 * thread that SIGKILLs the server at a chosen moment of a call in flight.  Linux only (/proc,
 * TCP_INFO), as the embedded server is.
 */
#ifndef PGV_FAULTS_SERVER_H
#define PGV_FAULTS_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "testdb.h"

typedef struct fault_server {
	char dir[512];  /* the server's directory: odbc.ini, port, server.pid, server.log */
	char data[600]; /* its data directory (dir/data), kept across restarts */
	int port;       /* from dir/port, after each start */
	pid_t pid;      /* from dir/server.pid, after each start */
} fault_server;

/* Seconds on the monotonic clock. */
double fs_now(void);

/* Fills `fs` from the directory; the data directory is dir/data. */
void fs_init(fault_server *fs, const char *dir);

/* Removes the data directory and everything in it (a fresh start). */
void fs_wipe_data(fault_server *fs);

/* Starts the server on the data directory and reads its port and pid; fails the test if not. */
void fs_start(fault_server *fs);

/* Stops the server with the script (TERM, then KILL). */
void fs_stop(fault_server *fs);

/* 1 while the server process exists and is not a zombie. */
int fs_alive(const fault_server *fs);

/* SIGKILLs the server and waits (at most 10 s) until it is gone. */
void fs_kill(fault_server *fs);

/* Waits (at most 10 s) until the server, killed by a killer thread, is gone. */
void fs_wait_gone(fault_server *fs);

/*
 * Installs the watchdog (SIGALRM) and arms it: when `seconds` pass before fs_watchdog(0), it
 * SIGKILLs the running server and ends the process with status 3, so a hang fails the test.
 */
void fs_watchdog(unsigned seconds);

/* When a killer fires. */
typedef enum kill_when {
	KILL_AFTER_DELAY, /* `delay` seconds after killer_start */
	KILL_AT_BYTES,    /* once the server has received `bytes` more bytes on the connection */
	KILL_AT_NEXT_SEND /* ...and then, after a pause, at the client's next send (the commit) */
} kill_when;

/*
 * A thread that SIGKILLs the server while the test's thread is inside a call.  The connection
 * watched is the process's one TCP connection to the server's port.  If the call returns before
 * the moment comes, the server is killed at once then.
 */
typedef struct killer {
	fault_server *fs;
	kill_when when;
	double delay;
	uint64_t bytes;
	int fd;                   /* the connection's socket (KILL_AT_*) */
	uint64_t base;            /* bytes the server had received at the start */
	double t0, killed_at;     /* fs_now() at start and at the kill */
	uint64_t received;        /* bytes the server had received at the kill (KILL_AT_*) */
	int late;                 /* the kill came only because the call returned */
	atomic_int returned;
	pthread_t thread;
} killer;

/* Starts the killer (it finds the connection first; fails the test when there is none). */
void killer_start(killer *k);

/* Tells the killer the call has returned, and waits for it; then waits until the server is gone. */
void killer_finish(killer *k);

#endif
