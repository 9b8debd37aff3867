/* Test support for the import/export tests: their files, the .fvecs bytes, and rows stored or
 * checked through the library (see iefiles.h). */
#define _POSIX_C_SOURCE 200809L
#include "iefiles.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of this run's files (made by main, removed at the end). */
static char dir[64];

/* dir/name into `buf` (256 bytes). */
const char *ie_path(char *buf, const char *name)
{
	snprintf(buf, 256, "%s/%s", dir, name);
	return buf;
}

/* Writes `len` bytes of `data` as the whole file at `path`. */
void ie_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated; its length in *len. */
char *ie_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);

	assert_non_null(f);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Stores v at p, little-endian. */
void ie_put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* The .fvecs bytes of n vectors of `dim` floats, assembled here byte by byte. */
unsigned char *ie_fvecs_bytes(const float *data, size_t n, size_t dim, size_t *len)
{
	unsigned char *buf = malloc(n * (4 + 4 * dim) + 1), *p = buf;

	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		ie_put_le32(p, (uint32_t)dim);
		p += 4;
		for (size_t j = 0; j < dim; j++) {
			uint32_t bits;

			memcpy(&bits, &data[i * dim + j], 4);
			ie_put_le32(p, bits);
			p += 4;
		}
	}
	*len = (size_t)(p - buf);
	return buf;
}

/* Writes n rows (ids[i], data[i*dim..]) into `table` through the library. */
void ie_store_rows(testdb *db, const char *table, const int64_t *ids, const float *data,
	size_t n, size_t dim)
{
	pgv_table t = testdb_table(table, PGV_TYPE_VECTOR);
	pgv_vector *v = calloc(n, sizeof(*v));

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		v[i].dim = dim;
		v[i].data = (float *)&data[i * dim];
	}
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, v, n), PGV_OK);
	free(v);
}

/* Asserts that `table` holds exactly the rows ids[i] -> data[i*dim..], bit for bit (ids
 * ascending). */
void ie_assert_rows(testdb *db, const char *table, const int64_t *ids, const float *data,
	size_t n, size_t dim)
{
	pgv_table t = testdb_table(table, PGV_TYPE_VECTOR);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t i = 0;
	int rc;

	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		if (i >= n)
			fail_msg("%s: more than %zu rows (id %lld)", table, n, (long long)row->id);
		assert_int_equal(row->id, ids[i]);
		assert_int_equal(row->vector.dim, dim);
		for (size_t j = 0; j < dim; j++)
			if (memcmp(&row->vector.data[j], &data[i * dim + j], 4) != 0)
				fail_msg("%s: id %lld element %zu: %.9g, want %.9g", table,
					(long long)row->id, j, (double)row->vector.data[j],
					(double)data[i * dim + j]);
		i++;
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_rows_free(rows);
	assert_int_equal(i, n);
}

/* Makes this run's directory; 0, or -1 (with perror) when it cannot. */
int ie_dir_make(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pgvodbc_ie_XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

/* Removes this run's directory and the files a failed test may have left in it. */
void ie_dir_remove(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[sizeof(dir) + sizeof(e->d_name) + 1];

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}
