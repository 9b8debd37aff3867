/*
 * Internal: a loaded migration set, shared by load.c (reading files, the built-in set) and
 * migrate.c (up, down, status).  Never installed.
 */
#ifndef PGV_INTERNAL_MIGRATE_H
#define PGV_INTERNAL_MIGRATE_H

#include "common/error.h"
#include "migrate/builtin.h"
#include "pgvodbc/migrate.h"

/* Hex digits of an MD5 digest plus the NUL. */
#define PGV_MD5_HEX_SIZE 33

/* One migration: its up file and, when there is one, its down file.  Owns every string. */
typedef struct pgv__migration {
	int64_t version;
	char *id;          /* the up file's name without ".up.sql", e.g. "0002_embeddings" */
	char *name;        /* the part after the first '_', e.g. "embeddings" */
	char *up_file;     /* "0002_embeddings.up.sql" */
	char *up;          /* the up file's bytes, NUL-terminated (no NUL inside) */
	size_t up_len;
	char *down_file;   /* NULL when the migration has no down file */
	char *down;        /* NULL when the migration has no down file */
	size_t down_len;
	char checksum[PGV_MD5_HEX_SIZE]; /* MD5 of the up file's bytes, lowercase hex */
} pgv__migration;

/* The backends a set may hold migrations of its own for (pgv_backend values, 0 unused). */
#define PGV__BACKENDS 3

/*
 * A loaded set: `count` migrations sorted by version, versions unique, each with an up file.
 * A set read from a per-backend layout (the built-in one: sql/postgresql/, sql/sqlite/; a
 * directory with such subdirectories) also holds, in `per_backend`, the set each backend runs;
 * NULL entries run this one.
 */
struct pgv_migrate_set {
	size_t count;
	size_t cap;
	pgv__migration *items;
	struct pgv_migrate_set *per_backend[PGV__BACKENDS];
};

/* The set a connection's backend runs: set->per_backend[its backend], else `set` itself. */
const pgv_migrate_set *pgv__migrate_set_for(const pgv_migrate_set *set, pgv_conn *conn);

/* What a file name says, when it names a migration file. */
typedef struct pgv__migration_name {
	int64_t version;    /* > 0 */
	const char *name;   /* points into the file name: the part after the first '_' */
	size_t name_len;
	size_t stem_len;    /* bytes before ".up.sql" / ".down.sql" */
	int is_up;          /* 1 for .up.sql, 0 for .down.sql */
} pgv__migration_name;

/*
 * Parses a file name of the form NNNN_name.up.sql or NNNN_name.down.sql (NNNN decimal digits,
 * name [A-Za-z0-9_]+).  Returns 1 and fills `out` for a migration file, 0 for any other name
 * (such files are ignored), or PGV_EINVAL (thread error set) for a migration file whose version
 * is 0 or does not fit in int64_t.
 */
int pgv__migration_name_parse(const char *file, pgv__migration_name *out);

/*
 * Builds a set from in-memory files (name and bytes), as the built-in set is built; the texts
 * are copied.  Same rules and errors as pgv_migrate_set_load.  Free with pgv_migrate_set_free.
 */
int pgv__migrations_from_files(pgv_migrate_set **out, const pgv__builtin_file *files,
	size_t count);

/* The levels of the migrations' advisory lock (lock.c). */
typedef enum pgv__lock_level {
	PGV__LOCK_TRANSACTION = 0, /* until the transaction open on the connection ends */
	PGV__LOCK_SESSION = 1      /* until pgv__migrate_unlock (or the session's end) */
} pgv__lock_level;

/* Takes the migrations' advisory lock, waiting for its holder; 0 or a negative status. */
int pgv__migrate_lock(pgv_conn *c, pgv__lock_level level);

/*
 * Releases the session-level lock and returns `status`, keeping the connection's error (the
 * unlock would clear it); a failed unlock is reported (as `op`'s) only when status is 0.
 */
int pgv__migrate_unlock(pgv_conn *c, const char *op, int status);

/*
 * When the connection's error is SQLSTATE 0A000 or 58P01 (how servers refuse CREATE EXTENSION
 * for an extension they do not have) and one of the CREATE EXTENSION statements in the
 * migration text sql[0..len) names an extension that pg_available_extensions lacks, writes the
 * first such name into `name` (`cap` bytes) and returns 1; else 0.  Asks the catalog, so no
 * transaction may be open in the failed state; the connection's error is kept as it was.
 * (extension.c)
 */
int pgv__extension_missing(pgv_conn *c, const char *sql, size_t len, char *name, size_t cap);

/*
 * The next SQLite statement of sql[0..len) from *pos on (split.c): 1 with its text at
 * sql[*start..*start + *n) (up to and with its semicolon, comments before it skipped) and *pos
 * past it, or 0 when only blanks, comments and empty statements remain.
 */
int pgv__sql_next_statement(const char *sql, size_t len, size_t *pos, size_t *start, size_t *n);

/* Runs the statements of sql[0..len) one at a time (pgv_conn_exec); 0 or the first failure. */
int pgv__sql_exec_each(pgv_conn *c, const char *sql, size_t len);

/* The set's migration with `version`, or NULL. */
const pgv__migration *pgv__migrations_find(const pgv_migrate_set *set, int64_t version);

/* Writes the MD5 digest of data[0..len) as 32 lowercase hex digits and a NUL into `out`. */
void pgv__md5_hex(const void *data, size_t len, char out[PGV_MD5_HEX_SIZE]);

#endif
