/*
 * Internal: the thread-local error record of functions that take no connection, and the C
 * locale used for locale-independent number text.  Never installed.
 */
#ifndef PGV_INTERNAL_ERROR_H
#define PGV_INTERNAL_ERROR_H

#include <locale.h>
#include <stdarg.h>
#include "pgvodbc/common.h"

#if defined(__GNUC__)
#define PGV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PGV_PRINTF(f, a)
#endif

/* Marks the calling thread's record as "no error". */
void pgv__error_clear(void);

/*
 * Records `status` with a formatted message (and the text offset, or -1) in the calling thread's
 * record; returns `status` so callers can `return pgv__error_set(...)`.
 */
int pgv__error_set(int status, int64_t offset, const char *fmt, ...) PGV_PRINTF(3, 4);

/*
 * Records a NULL handle or required pointer given to public function `func` (a static string)
 * as PGV_EINVAL in the calling thread's record, message "<func>: <arg> is NULL", operation
 * `func`; returns PGV_EINVAL.  For calls that have no connection to record on.
 */
int pgv__error_null(const char *func, const char *arg);

/*
 * Records a call made on a handle (`what`: "statement", "row iterator", "collection") whose
 * connection pgv_conn_close has closed, as PGV_ECONN with SQLSTATE 08003 (connection does not
 * exist) in the calling thread's record: "<func>: the connection was closed: free the <what>",
 * operation `func`; returns PGV_ECONN.  The connection's own record went with it.
 */
int pgv__error_closed(const char *func, const char *what);

/*
 * Formats into a new allocation measured first (free() it), so no message is ever cut; NULL when
 * memory ran out.
 */
char *pgv__aprintf(const char *fmt, ...) PGV_PRINTF(1, 2);

/* The "C" locale, created once per process; NULL only if the C library cannot make it. */
locale_t pgv__c_locale(void);

#endif
