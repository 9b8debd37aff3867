/*
 * A temporary directory for a test, removed with everything below it afterwards.  Header-only
 * (static inline), so unit tests, which do not link the test support library, can use it.
 * mkdtemp and nftw need _GNU_SOURCE (or _XOPEN_SOURCE 700) defined before the first include.
 */
#ifndef PGV_TEST_TMPDIR_H
#define PGV_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Creates a new directory /tmp/<prefix>_XXXXXX into dir (cap bytes); returns dir, or NULL. */
static inline char *tmpdir_make(char *dir, size_t cap, const char *prefix)
{
	int n = snprintf(dir, cap, "/tmp/%s_XXXXXX", prefix);

	if (n < 0 || (size_t)n >= cap)
		return NULL;
	return mkdtemp(dir);
}

/* Removes one entry of the tree (nftw callback, deepest first). */
static inline int tmpdir_remove_entry(const char *path, const struct stat *sb, int flag,
	struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes dir and everything below it; returns 0 or -1. */
static inline int tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
