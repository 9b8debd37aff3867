/*
 * pgvodbc/common.h - status codes, the error record, version and export macros.
 *
 * Every function of pgvodbc that can fail returns an int: PGV_OK (0) on success, a positive
 * informational code where a function documents one (PGV_ROW, PGV_DONE, PGV_NULL), or a negative
 * pgv_status.  The explanation of a failure is a pgv_error, read from the connection
 * (pgv_conn_error) or, for functions that take no connection and for a NULL connection handle,
 * from the calling thread (pgv_error_last).  The rules all public calls follow are at the top of
 * pgvodbc.h.
 */
#ifndef PGVODBC_COMMON_H
#define PGVODBC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PGV_VERSION_MAJOR 0
#define PGV_VERSION_MINOR 2
#define PGV_VERSION_PATCH 0
#define PGV_VERSION_STRING "0.2.0"

#if defined(PGVODBC_STATIC)
#define PGV_API
#elif defined(__GNUC__)
#define PGV_API __attribute__((visibility("default")))
#else
#define PGV_API
#endif

/* Return codes.  Negative values are errors; callers branch on them. */
typedef enum pgv_status {
	PGV_OK = 0,
	PGV_ROW = 1,   /* pgv_stmt_step: a row is ready to be read */
	PGV_DONE = 2,  /* pgv_stmt_step: the statement has finished */
	PGV_NULL = 3,  /* pgv_stmt_column_*: the value is SQL NULL (the output is zeroed) */

	PGV_ERROR = -1,        /* the database reported an error: see sqlstate and message */
	PGV_ENOMEM = -2,       /* out of memory, or a size that would overflow */
	PGV_EINVAL = -3,       /* an invalid argument or a call out of order */
	PGV_EPARSE = -4,       /* malformed vector text */
	PGV_EVALUE = -5,       /* a value that is not allowed: NaN, infinity, out of float range */
	PGV_EDIM = -6,         /* a dimension count that is not allowed, or does not match */
	PGV_ENOTFOUND = -7,    /* the object asked for does not exist */
	PGV_ECONSTRAINT = -8,  /* an integrity constraint was violated (SQLSTATE class 23) */
	PGV_ECONN = -9,        /* the connection could not be made or was lost (class 08) */
	PGV_EUNSUPPORTED = -10, /* the server or driver lacks what the call needs */
	PGV_ETIMEOUT = -11     /* the statement ran past pgv_conn_set_timeout's limit (HYT00, 57014) */
} pgv_status;

/*
 * The explanation of the last failure.  All strings are NUL-terminated, never NULL, and stay
 * valid until the next call on the same connection (or, for pgv_error_last, the next call on the
 * same thread that records there).
 */
typedef struct pgv_error {
	int status;            /* the pgv_status that was returned */
	char sqlstate[6];      /* five-character SQLSTATE, or "" when no driver or server spoke */
	long native;           /* the driver's native error code, 0 when none */
	const char *message;   /* what went wrong: the whole diagnostic chain, one record a line */
	const char *operation; /* the library call (and ODBC function) that failed, or "" */
	int64_t row;           /* in a batch, the 0-based row that failed; -1 otherwise */
	int64_t offset;        /* in vector text, the byte offset of the problem; -1 otherwise */
} pgv_error;

/* The symbolic name of a status code ("PGV_EPARSE"); a static string, never NULL.  Any thread. */
PGV_API const char *pgv_status_name(int status);

/* The library's version string, e.g. "0.2.0"; a static string. */
PGV_API const char *pgv_version(void);

/*
 * The calling thread's last error from a function that takes no connection (the codec, metric
 * names, migration loading), or from a call given a NULL connection, statement or iterator
 * handle ("pgv_store_count: conn is NULL").  Never NULL; status is PGV_OK when nothing has
 * failed on this thread.  The record belongs to the thread (never free it); its contents change
 * with the thread's next such call.  Thread-safe: each thread has its own record.
 */
PGV_API const pgv_error *pgv_error_last(void);

#ifdef __cplusplus
}
#endif

#endif
