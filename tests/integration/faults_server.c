/*
 * Fault-test support: the test's own embedded server (start, stop, SIGKILL, restart on the same
 * data), the watchdog, and the killer thread that picks the moment of the kill.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH and FTW_PHYS */
#include "faults_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PGVODBC_SERVER_SCRIPT
#error "PGVODBC_SERVER_SCRIPT must name scripts/embedded-server.sh"
#endif

/* The server to kill when the watchdog fires (a hung test must not leave it running). */
static volatile sig_atomic_t watched_pid;

double fs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps `s` seconds, resuming after signals. */
static void pause_for(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void fs_init(fault_server *fs, const char *dir)
{
	memset(fs, 0, sizeof(*fs));
	snprintf(fs->dir, sizeof(fs->dir), "%s", dir);
	snprintf(fs->data, sizeof(fs->data), "%s/data", dir);
}

/* Removes a path found by nftw (children first). */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fs_wipe_data(fault_server *fs)
{
	nftw(fs->data, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads one positive integer from a file in the server directory; fails the test otherwise. */
static long read_number(const fault_server *fs, const char *name)
{
	char path[700];
	long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fs->dir, name);
	if (!(f = fopen(path, "r")))
		fail_msg("cannot open %s", path);
	if (fscanf(f, "%ld", &v) != 1)
		v = 0;
	fclose(f);
	if (v <= 0)
		fail_msg("no number in %s", path);
	return v;
}

/* Runs scripts/embedded-server.sh `cmd` on the server directory; fails the test on failure. */
static void run_script(fault_server *fs, const char *cmd)
{
	pid_t child = fork();
	int st = 0;

	assert_true(child >= 0);
	if (child == 0) {
		if (strcmp(cmd, "start") == 0)
			execl(PGVODBC_SERVER_SCRIPT, PGVODBC_SERVER_SCRIPT, cmd, fs->dir, "--data",
				fs->data, (char *)NULL);
		else
			execl(PGVODBC_SERVER_SCRIPT, PGVODBC_SERVER_SCRIPT, cmd, fs->dir, (char *)NULL);
		_exit(127);
	}
	while (waitpid(child, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("%s %s %s failed (status %d)", PGVODBC_SERVER_SCRIPT, cmd, fs->dir, st);
}

void fs_start(fault_server *fs)
{
	run_script(fs, "start");
	fs->port = (int)read_number(fs, "port");
	fs->pid = (pid_t)read_number(fs, "server.pid");
	watched_pid = fs->pid;
}

void fs_stop(fault_server *fs)
{
	run_script(fs, "stop");
	watched_pid = 0;
}

int fs_alive(const fault_server *fs)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (fs->pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)fs->pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the state follows the command name in parentheses; Z is a zombie awaiting its reaper */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z';
}

void fs_wait_gone(fault_server *fs)
{
	double until = fs_now() + 10;

	while (fs_alive(fs)) {
		if (fs_now() > until)
			fail_msg("server pid %ld survived SIGKILL", (long)fs->pid);
		pause_for(0.01);
	}
	watched_pid = 0;
}

void fs_kill(fault_server *fs)
{
	assert_true(fs->pid > 0); /* kill(0) would signal this process group */
	kill(fs->pid, SIGKILL);
	fs_wait_gone(fs);
}

/* SIGALRM: a call hung.  Only async-signal-safe calls here. */
static void on_watchdog(int sig)
{
	static const char msg[] = "test_faults: watchdog: a call hung; killing the server\n";
	ssize_t w;

	(void)sig;
	w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	if (watched_pid > 0)
		kill((pid_t)watched_pid, SIGKILL);
	_exit(3);
}

void fs_watchdog(unsigned seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

/* The process's TCP connection to 127.0.0.1:port, or -1. */
static int find_connection(int port)
{
	for (int fd = 3; fd < 1024; fd++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);

		if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0 && peer.sin_family == AF_INET
				&& ntohs(peer.sin_port) == port
				&& peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK))
			return fd;
	}
	return -1;
}

/* Bytes the peer has acknowledged and bytes sent on a TCP socket; 0 when unknown. */
static void tcp_counts(int fd, uint64_t *acked, uint64_t *sent)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		memset(&ti, 0, sizeof(ti));
	*acked = ti.tcpi_bytes_acked;
	*sent = ti.tcpi_bytes_sent;
}

/* Waits for the moment, kills the server, notes when; no cmocka calls in this thread. */
static void *killer_main(void *arg)
{
	killer *k = arg;
	uint64_t acked = 0, sent = 0, last_sent = 0;
	double quiet_since = 0;
	int paused = 0;

	for (;;) {
		if (atomic_load(&k->returned)) {
			k->late = 1;
			break;
		}
		if (k->when == KILL_AFTER_DELAY) {
			if (fs_now() >= k->t0 + k->delay)
				break;
		} else {
			tcp_counts(k->fd, &acked, &sent);
			if (acked - k->base >= k->bytes) {
				if (k->when == KILL_AT_BYTES)
					break;
				/* all the rows are on the server: wait for a pause, then the next send */
				if (sent != last_sent) {
					if (paused)
						break;
					last_sent = sent;
					quiet_since = fs_now();
				} else if (fs_now() - quiet_since > 0.005) {
					paused = 1;
				}
			}
		}
		pause_for(0.0001);
	}
	kill(k->fs->pid, SIGKILL);
	k->killed_at = fs_now();
	if (k->when != KILL_AFTER_DELAY)
		k->received = acked - k->base;
	return NULL;
}

void killer_start(killer *k)
{
	uint64_t sent;

	atomic_store(&k->returned, 0);
	k->late = 0;
	k->received = 0;
	k->fd = -1;
	if (k->when != KILL_AFTER_DELAY) {
		k->fd = find_connection(k->fs->port);
		if (k->fd < 0)
			fail_msg("no TCP connection to 127.0.0.1:%d in this process", k->fs->port);
		tcp_counts(k->fd, &k->base, &sent);
	}
	assert_true(k->fs->pid > 0);
	k->t0 = fs_now();
	assert_int_equal(pthread_create(&k->thread, NULL, killer_main, k), 0);
}

void killer_finish(killer *k)
{
	atomic_store(&k->returned, 1);
	assert_int_equal(pthread_join(k->thread, NULL), 0);
	fs_wait_gone(k->fs);
}
