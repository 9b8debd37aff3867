/* Status names, the version string and the thread-local error record. */
#include "error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest message kept in a thread's record; messages quote at most a prefix of bad input. */
#define THREAD_MESSAGE_MAX 512

typedef struct thread_error {
	pgv_error err;
	char message[THREAD_MESSAGE_MAX];
} thread_error;

static _Thread_local thread_error tls_error = {
	{ PGV_OK, "", 0, "", "", -1, -1 }, ""
};

/* The symbolic name of a status code. */
const char *pgv_status_name(int status)
{
	switch (status) {
	case PGV_OK: return "PGV_OK";
	case PGV_ROW: return "PGV_ROW";
	case PGV_DONE: return "PGV_DONE";
	case PGV_NULL: return "PGV_NULL";
	case PGV_ERROR: return "PGV_ERROR";
	case PGV_ENOMEM: return "PGV_ENOMEM";
	case PGV_EINVAL: return "PGV_EINVAL";
	case PGV_EPARSE: return "PGV_EPARSE";
	case PGV_EVALUE: return "PGV_EVALUE";
	case PGV_EDIM: return "PGV_EDIM";
	case PGV_ENOTFOUND: return "PGV_ENOTFOUND";
	case PGV_ECONSTRAINT: return "PGV_ECONSTRAINT";
	case PGV_ECONN: return "PGV_ECONN";
	case PGV_EUNSUPPORTED: return "PGV_EUNSUPPORTED";
	case PGV_ETIMEOUT: return "PGV_ETIMEOUT";
	default: return "PGV_UNKNOWN";
	}
}

/* The library's version string. */
const char *pgv_version(void)
{
	return PGV_VERSION_STRING;
}

/* The calling thread's last codec error. */
const pgv_error *pgv_error_last(void)
{
	tls_error.err.message = tls_error.message;
	return &tls_error.err;
}

/* Resets the calling thread's record. */
void pgv__error_clear(void)
{
	tls_error.err.status = PGV_OK;
	tls_error.err.offset = -1;
	tls_error.message[0] = '\0';
}

/* Records a failure in the calling thread's record and returns its status. */
int pgv__error_set(int status, int64_t offset, const char *fmt, ...)
{
	va_list ap;

	tls_error.err.status = status;
	tls_error.err.sqlstate[0] = '\0';
	tls_error.err.native = 0;
	tls_error.err.operation = "";
	tls_error.err.row = -1;
	tls_error.err.offset = offset;
	va_start(ap, fmt);
	vsnprintf(tls_error.message, sizeof(tls_error.message), fmt, ap);
	va_end(ap);
	tls_error.err.message = tls_error.message;
	return status;
}

/* Records a NULL argument of a public function in the calling thread's record. */
int pgv__error_null(const char *func, const char *arg)
{
	pgv__error_set(PGV_EINVAL, -1, "%s: %s is NULL", func, arg);
	tls_error.err.operation = func;
	return PGV_EINVAL;
}

/* Records a call on a handle whose connection was closed in the calling thread's record. */
int pgv__error_closed(const char *func, const char *what)
{
	pgv__error_set(PGV_ECONN, -1, "%s: the connection was closed: free the %s", func, what);
	memcpy(tls_error.err.sqlstate, "08003", 6);
	tls_error.err.operation = func;
	return PGV_ECONN;
}

char *pgv__aprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale_value; /* written once under pthread_once, then only read */

/* Creates the process-wide C locale object. */
static void c_locale_init(void)
{
	c_locale_value = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The C locale for locale-independent number text. */
locale_t pgv__c_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale_value;
}
