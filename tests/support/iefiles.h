/*
 * Test support for the import/export tests (test_import_export, test_import_export_resume): a
 * directory of this run's files, whole files written and read, the .fvecs bytes of vectors
 * assembled byte by byte, and rows stored or checked bit for bit through the library.  The
 * functions assert (cmocka) instead of returning errors.
 */
#ifndef PGV_IEFILES_H
#define PGV_IEFILES_H

#include "testdb.h"

#include <stddef.h>
#include <stdint.h>

/* Makes this run's directory (/tmp/pgvodbc_ie_XXXXXX); 0, or -1 (with perror) when it cannot. */
int ie_dir_make(void);

/* Removes this run's directory and the files a failed test may have left in it. */
void ie_dir_remove(void);

/* The path of `name` in this run's directory, into `buf` (256 bytes); returns buf. */
const char *ie_path(char *buf, const char *name);

/* Writes `len` bytes of `data` as the whole file at `path`. */
void ie_write_file(const char *path, const void *data, size_t len);

/* The whole file, NUL-terminated (caller frees); its length in *len. */
char *ie_read_file(const char *path, size_t *len);

/* Stores v at p, little-endian. */
void ie_put_le32(unsigned char *p, uint32_t v);

/* The .fvecs bytes of n vectors of `dim` floats (caller frees); their length in *len. */
unsigned char *ie_fvecs_bytes(const float *data, size_t n, size_t dim, size_t *len);

/* Writes n rows (ids[i], data[i*dim..]) into `table` through the library. */
void ie_store_rows(testdb *db, const char *table, const int64_t *ids, const float *data,
	size_t n, size_t dim);

/* Asserts that `table` holds exactly the rows ids[i] -> data[i*dim..], bit for bit (ids
 * ascending). */
void ie_assert_rows(testdb *db, const char *table, const int64_t *ids, const float *data,
	size_t n, size_t dim);

#endif
