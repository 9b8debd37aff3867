/*
 * libFuzzer harness: migration sets built from the input through the in-memory loader the unit
 * tests use (pgv__migrations_from_files, which applies pgv_migrate_set_load's rules).
 *
 * The input is split into pseudo-files at each 0x1E byte (at most MAX_FILES).  A file's first
 * line is its name and the rest its bytes; an empty first line gets a generated name
 * "000V_mV.up.sql" or ".down.sql" (V from the file's index: 1..4, then 0) so that well-formed
 * sets are common, while literal names let the fuzzer reach malformed ones.
 *
 * On success the set holds one migration per well-named up file, sorted by unique positive
 * versions, each with its up file's bytes and checksum and a matching down file when there is
 * one.  On failure the set is NULL, the status PGV_EINVAL or PGV_ENOMEM, and the thread error
 * has a message.  Leaks are LeakSanitizer's to find.
 */
#include "migrate/migrate_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stops the run with a crash libFuzzer records, when an invariant does not hold. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

#define MAX_FILES 16
#define MAX_NAME 255
#define FILE_SEP 0x1E

/* Copies `len` bytes into a new buffer of exactly that size (no NUL: ASan sees over-reads). */
static char *dup_exact(const uint8_t *p, size_t len)
{
	char *copy = malloc(len ? len : 1);

	CHECK(copy != NULL);
	if (len)
		memcpy(copy, p, len);
	return copy;
}

/* Makes a file's NUL-terminated name from its first line, or a generated one. */
static char *make_name(const uint8_t *line, size_t len, size_t index)
{
	char *name;

	if (len == 0) {
		name = malloc(32);
		CHECK(name != NULL);
		snprintf(name, 32, "%04zu_m%zu.%s.sql", (index / 2 + 1) % 5, (index / 2 + 1) % 5,
			index % 2 ? "down" : "up");
		return name;
	}
	if (len > MAX_NAME)
		len = MAX_NAME;
	name = malloc(len + 1);
	CHECK(name != NULL);
	memcpy(name, line, len);
	name[len] = '\0';
	return name;
}

/* Splits the input into at most MAX_FILES files; returns how many. */
static size_t split(const uint8_t *data, size_t size, pgv__builtin_file *files)
{
	size_t count = 0, pos = 0;

	while (count < MAX_FILES && pos <= size) {
		const uint8_t *start = data + pos;
		const uint8_t *sep = size > pos ? memchr(start, FILE_SEP, size - pos) : NULL;
		size_t len = sep ? (size_t)(sep - start) : size - pos;
		const uint8_t *nl = len ? memchr(start, '\n', len) : NULL;
		size_t name_len = nl ? (size_t)(nl - start) : len;
		size_t body = nl ? name_len + 1 : len;

		files[count].name = make_name(start, name_len, count);
		files[count].len = len - body;
		files[count].text = dup_exact(start + body, len - body);
		count++;
		if (!sep)
			break;
		pos += len + 1;
	}
	return count;
}

/* Checks a loaded set against the files it was built from. */
static void check_set(const pgv_migrate_set *set, const pgv__builtin_file *files, size_t n)
{
	size_t ups = 0;

	for (size_t i = 0; i < n; i++) {
		pgv__migration_name mn;
		const pgv__migration *m;
		int parsed = pgv__migration_name_parse(files[i].name, &mn);

		CHECK(parsed == 0 || parsed == 1); /* a bad version would have failed the load */
		if (parsed == 0)
			continue;
		m = pgv__migrations_find(set, mn.version);
		CHECK(m != NULL && m->version == mn.version);
		CHECK(strlen(m->name) == mn.name_len && memcmp(m->name, mn.name, mn.name_len) == 0);
		if (mn.is_up) {
			ups++;
			CHECK(strcmp(m->up_file, files[i].name) == 0);
			CHECK(m->up_len == files[i].len && m->up[m->up_len] == '\0');
			CHECK(memcmp(m->up, files[i].text, files[i].len) == 0);
			CHECK(memchr(m->up, '\0', m->up_len) == NULL);
		} else {
			CHECK(m->down_file != NULL && strcmp(m->down_file, files[i].name) == 0);
			CHECK(m->down != NULL && m->down_len == files[i].len);
			CHECK(memcmp(m->down, files[i].text, files[i].len) == 0);
		}
	}
	CHECK(pgv_migrate_set_count(set) == ups && set->count == ups);
	for (size_t i = 0; i < set->count; i++) {
		const pgv__migration *m = &set->items[i];
		char hex[PGV_MD5_HEX_SIZE];

		CHECK(m->version > 0 && (i == 0 || m->version > set->items[i - 1].version));
		CHECK(m->id && m->name && m->up_file && m->up);
		CHECK((m->down_file == NULL) == (m->down == NULL));
		pgv__md5_hex(m->up, m->up_len, hex);
		CHECK(strcmp(hex, m->checksum) == 0);
	}
}

/* libFuzzer's entry point: one input, a set of files. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgv__builtin_file files[MAX_FILES];
	static pgv_migrate_set not_set; /* what `set` holds before the call, to see it reset */
	pgv_migrate_set *set = &not_set;
	size_t n = split(data, size, files);
	int rc = pgv__migrations_from_files(&set, files, n);

	if (rc == PGV_OK) {
		CHECK(set != NULL);
		check_set(set, files, n);
	} else {
		const pgv_error *err = pgv_error_last();

		CHECK(rc == PGV_EINVAL || rc == PGV_ENOMEM);
		CHECK(set == NULL);
		CHECK(err->status == rc && err->message != NULL && err->message[0] != '\0');
	}
	pgv_migrate_set_free(set);
	for (size_t i = 0; i < n; i++) {
		free((char *)files[i].name);
		free((char *)files[i].text);
	}
	return 0;
}
