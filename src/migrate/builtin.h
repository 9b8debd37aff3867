/* Internal: the migration files compiled into the library from sql/ (cmake/embed_sql.cmake). */
#ifndef PGV_INTERNAL_MIGRATE_BUILTIN_H
#define PGV_INTERNAL_MIGRATE_BUILTIN_H

#include <stddef.h>

typedef struct pgv__builtin_file {
	const char *name;  /* file name, e.g. "0002_embeddings.up.sql" */
	size_t len;        /* bytes of text */
	const char *text;  /* the file's bytes (NUL-terminated as a C string literal) */
} pgv__builtin_file;

extern const pgv__builtin_file pgv__builtin_files[];
extern const size_t pgv__builtin_count;

#endif
