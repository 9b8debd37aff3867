/* Unit tests of loading migration sets (src/migrate/load.c): names, files, malformed sets. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/migrate_internal.h"
#include "tmpdir.h"

/* A temporary directory per test, removed with its contents afterwards. */
static int dir_setup(void **state)
{
	char *dir = malloc(64);

	assert_non_null(dir);
	assert_non_null(tmpdir_make(dir, 64, "pgv_migrate_load"));
	*state = dir;
	return 0;
}

static int dir_teardown(void **state)
{
	char *dir = *state;

	tmpdir_remove(dir);
	free(dir);
	return 0;
}

/* Writes `len` bytes into dir/name. */
static void write_bytes(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f;

	assert_true(n > 0 && (size_t)n < sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Writes a NUL-terminated text into dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
	write_bytes(dir, name, text, strlen(text));
}

/* Loads `dir` expecting `want`; on failure returns the thread error's message. */
static pgv_migrate_set *load_expect(const char *dir, int want)
{
	pgv_migrate_set *set = (pgv_migrate_set *)&set; /* must be reset to NULL on failure */
	int rc = pgv_migrate_set_load(&set, dir);

	if (rc != want)
		fail_msg("loading %s: got %s, want %s: %s", dir ? dir : "(built-in)",
			pgv_status_name(rc), pgv_status_name(want), pgv_error_last()->message);
	if (rc != 0)
		assert_null(set);
	return set;
}

/* Asserts that the thread error's message contains `part`. */
static void assert_message_has(const char *part)
{
	const char *msg = pgv_error_last()->message;

	if (!strstr(msg, part))
		fail_msg("message \"%s\" does not contain \"%s\"", msg, part);
}

/* Migration names: version, name, direction; other names are not migration files. */
static void test_migrate_load__parse_names(void **state)
{
	static const char *const ignored[] = {
		"README.md", "0001_x.sql", "0001.up.sql", "_x.up.sql", "0001_.up.sql", "0001_x.UP.sql",
		"0001_x.up.sql~", "0001_a-b.up.sql", "0001_x.y.up.sql", "x0001_a.up.sql", "0001x.up.sql",
		".0001_x.up.sql", "0001_x.up", "0001_x.up.sql.bak", "0001_x.sideways.sql", "", "0001_é.up.sql"
	};
	pgv__migration_name mn;

	(void)state;
	assert_int_equal(pgv__migration_name_parse("0002_embeddings.up.sql", &mn), 1);
	assert_int_equal(mn.version, 2);
	assert_int_equal(mn.name_len, strlen("embeddings"));
	assert_memory_equal(mn.name, "embeddings", mn.name_len);
	assert_int_equal(mn.stem_len, strlen("0002_embeddings"));
	assert_int_equal(mn.is_up, 1);

	/* The name is everything after the first '_', underscores included. */
	assert_int_equal(pgv__migration_name_parse("17_add_an_index_2.down.sql", &mn), 1);
	assert_int_equal(mn.version, 17);
	assert_memory_equal(mn.name, "add_an_index_2", mn.name_len);
	assert_int_equal(mn.name_len, strlen("add_an_index_2"));
	assert_int_equal(mn.is_up, 0);
	assert_int_equal(pgv__migration_name_parse("3__x.up.sql", &mn), 1);
	assert_memory_equal(mn.name, "_x", 2);

	/* Leading zeros do not count; the largest int64_t is a valid version. */
	assert_int_equal(pgv__migration_name_parse("000000000000000000000000042_a.up.sql", &mn), 1);
	assert_int_equal(mn.version, 42);
	assert_int_equal(pgv__migration_name_parse("9223372036854775807_max.up.sql", &mn), 1);
	assert_true(mn.version == INT64_MAX);

	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		if (pgv__migration_name_parse(ignored[i], &mn) != 0)
			fail_msg("\"%s\" should not be a migration file", ignored[i]);
	}
}

/* A migration file whose version is 0 or overflows int64_t is an error, not ignored. */
static void test_migrate_load__bad_versions(void **state)
{
	pgv__migration_name mn;

	(void)state;
	assert_int_equal(pgv__migration_name_parse("9223372036854775808_x.up.sql", &mn), PGV_EINVAL);
	assert_message_has("\"9223372036854775808_x.up.sql\": version is too large");
	assert_int_equal(pgv__migration_name_parse("99999999999999999999999_x.down.sql", &mn),
		PGV_EINVAL);
	assert_int_equal(pgv__migration_name_parse("0000_x.up.sql", &mn), PGV_EINVAL);
	assert_message_has("\"0000_x.up.sql\": version must be greater than 0");
}

/* A directory loads sorted by version, up and down paired, other entries ignored, bytes exact. */
static void test_migrate_load__directory(void **state)
{
	const char *dir = *state;
	char sub[512];
	pgv_migrate_set *set;
	const pgv__migration *m;

	write_file(dir, "0010_ten.up.sql", "CREATE TABLE ten (i int);\n");
	write_file(dir, "0010_ten.down.sql", "DROP TABLE ten;\n");
	write_file(dir, "2_two.up.sql", "SELECT 2;");
	write_file(dir, "0001_one.up.sql", "SELECT 1;");
	write_file(dir, "0001_one.down.sql", "");
	write_file(dir, "README.md", "not a migration");
	write_file(dir, "0003_three.sql", "ignored: no direction");
	write_file(dir, ".0004_hidden.up.sql", "ignored: not a migration name");
	snprintf(sub, sizeof(sub), "%s/subdir", dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	set = load_expect(dir, PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 3);
	assert_int_equal(set->items[0].version, 1);
	assert_int_equal(set->items[1].version, 2);
	assert_int_equal(set->items[2].version, 10);
	m = &set->items[2];
	assert_string_equal(m->id, "0010_ten");
	assert_string_equal(m->name, "ten");
	assert_string_equal(m->up_file, "0010_ten.up.sql");
	assert_string_equal(m->up, "CREATE TABLE ten (i int);\n");
	assert_int_equal(m->up_len, strlen(m->up));
	assert_string_equal(m->down_file, "0010_ten.down.sql");
	assert_string_equal(m->down, "DROP TABLE ten;\n");
	/* No down file: irreversible; an empty down file is a down file. */
	assert_null(set->items[1].down);
	assert_null(set->items[1].down_file);
	assert_non_null(set->items[0].down);
	assert_int_equal(set->items[0].down_len, 0);
	assert_ptr_equal(pgv__migrations_find(set, 10), m);
	assert_null(pgv__migrations_find(set, 3));
	pgv_migrate_set_free(set);
}

/* An empty directory is an empty set; a missing one is an error naming it. */
static void test_migrate_load__empty_and_missing_directory(void **state)
{
	const char *dir = *state;
	char missing[512];
	pgv_migrate_set *set = load_expect(dir, PGV_OK);

	assert_int_equal(pgv_migrate_set_count(set), 0);
	pgv_migrate_set_free(set);
	snprintf(missing, sizeof(missing), "%s/nope", dir);
	load_expect(missing, PGV_EINVAL);
	assert_message_has("opening migration directory");
	assert_message_has("/nope\": No such file or directory");
}

/* The same version under two names is refused, naming both files. */
static void test_migrate_load__duplicate_version(void **state)
{
	const char *dir = *state;

	write_file(dir, "0001_a.up.sql", "SELECT 1");
	write_file(dir, "0002_b.up.sql", "SELECT 2");
	write_file(dir, "0002_c.up.sql", "SELECT 3");
	load_expect(dir, PGV_EINVAL);
	assert_message_has("migration version 2 is used twice: \"0002_b.up.sql\" and \"0002_c.up.sql\"");
}

/* A down file may not give a version a second name either. */
static void test_migrate_load__down_with_other_name(void **state)
{
	const char *dir = *state;

	write_file(dir, "0002_b.up.sql", "SELECT 2");
	write_file(dir, "0002_c.down.sql", "SELECT 3");
	load_expect(dir, PGV_EINVAL);
	assert_message_has("migration version 2 is used twice: \"0002_b.up.sql\" and \"0002_c.down.sql\"");
}

/* Two up files for one version (spelled with different zero padding) are refused. */
static void test_migrate_load__two_up_files(void **state)
{
	const char *dir = *state;

	write_file(dir, "0002_b.up.sql", "SELECT 2");
	write_file(dir, "2_b.up.sql", "SELECT 2");
	load_expect(dir, PGV_EINVAL);
	assert_message_has("migration version 2 has two up files: \"0002_b.up.sql\" and \"2_b.up.sql\"");
}

/* Two down files for one version are refused. */
static void test_migrate_load__two_down_files(void **state)
{
	const char *dir = *state;

	write_file(dir, "0002_b.up.sql", "SELECT 2");
	write_file(dir, "0002_b.down.sql", "SELECT 2");
	write_file(dir, "02_b.down.sql", "SELECT 2");
	load_expect(dir, PGV_EINVAL);
	assert_message_has("migration version 2 has two down files: \"0002_b.down.sql\" and \"02_b.down.sql\"");
}

/* A down file without its up file is refused, naming it. */
static void test_migrate_load__down_without_up(void **state)
{
	const char *dir = *state;

	write_file(dir, "0001_a.up.sql", "SELECT 1");
	write_file(dir, "0001_a.down.sql", "SELECT 1");
	write_file(dir, "0003_c.down.sql", "SELECT 3");
	load_expect(dir, PGV_EINVAL);
	assert_message_has("migration file \"0003_c.down.sql\": a down file without its up file");
}

/* A migration file with a bad version fails the whole load. */
static void test_migrate_load__bad_version_in_directory(void **state)
{
	const char *dir = *state;

	write_file(dir, "0001_a.up.sql", "SELECT 1");
	write_file(dir, "0_zero.up.sql", "SELECT 0");
	load_expect(dir, PGV_EINVAL);
	assert_message_has("\"0_zero.up.sql\": version must be greater than 0");
}

/* A file that cannot be read (a dangling link, a directory, a FIFO) is named in the error. */
static void test_migrate_load__unreadable_files(void **state)
{
	const char *dir = *state;
	char path[512];

	write_file(dir, "0001_a.up.sql", "SELECT 1");
	snprintf(path, sizeof(path), "%s/0002_gone.up.sql", dir);
	assert_int_equal(symlink("/nonexistent/pgv_migration.sql", path), 0);
	load_expect(dir, PGV_EINVAL);
	assert_message_has("reading migration file");
	assert_message_has("0002_gone.up.sql\": No such file or directory");
	assert_int_equal(unlink(path), 0);

	snprintf(path, sizeof(path), "%s/0003_dir.up.sql", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	load_expect(dir, PGV_EINVAL);
	assert_message_has("0003_dir.up.sql\": not a regular file");
	assert_int_equal(rmdir(path), 0);

	/* A FIFO would block a plain open(): it must be refused at once. */
	snprintf(path, sizeof(path), "%s/0004_fifo.down.sql", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	load_expect(dir, PGV_EINVAL);
	assert_message_has("0004_fifo.down.sql\": not a regular file");
	assert_int_equal(unlink(path), 0);

	/* Permission bits do not stop root, so only check them as another user. */
	if (geteuid() != 0) {
		write_file(dir, "0005_secret.up.sql", "SELECT 5");
		snprintf(path, sizeof(path), "%s/0005_secret.up.sql", dir);
		assert_int_equal(chmod(path, 0), 0);
		load_expect(dir, PGV_EINVAL);
		assert_message_has("0005_secret.up.sql\": Permission denied");
	}
}

/* A NUL byte cannot be sent as SQL text: the file is refused, with the offset. */
static void test_migrate_load__nul_byte(void **state)
{
	const char *dir = *state;

	write_bytes(dir, "0001_nul.up.sql", "SELECT 1;\0SELECT 2;", 19);
	load_expect(dir, PGV_EINVAL);
	assert_message_has("\"0001_nul.up.sql\": NUL byte at offset 9");
	assert_int_equal(pgv_error_last()->offset, 9);
}

/* Files are kept whole and byte for byte: ';' in strings, dollar quotes, comments, UTF-8. */
static void test_migrate_load__text_kept_whole(void **state)
{
	static const char text[] =
		"-- it's; a comment\n"
		"CREATE TABLE t (s text DEFAULT 'a;b');\n"
		"INSERT INTO t VALUES ('it''s; \"quoted\"'), (E'\\x3b');\n"
		"/* block; comment */\n"
		"CREATE FUNCTION f() RETURNS int AS $$ BEGIN PERFORM 1; RETURN 1; END $$ LANGUAGE plpgsql;\n"
		"CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;y'::text $body$ LANGUAGE sql;\n"
		"SELECT 'h\xc3\xa9llo';\r\n";
	const char *dir = *state;
	pgv_migrate_set *set;

	write_file(dir, "0001_whole.up.sql", text);
	set = load_expect(dir, PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 1);
	assert_int_equal(set->items[0].up_len, strlen(text));
	assert_memory_equal(set->items[0].up, text, sizeof(text));
	pgv_migrate_set_free(set);
}

/* A file larger than any fixed buffer is read whole, and its checksum is of all its bytes. */
static void test_migrate_load__large_file(void **state)
{
	const char *dir = *state;
	size_t len = 3 * 1024 * 1024 + 17;
	char *text = malloc(len + 1), want[PGV_MD5_HEX_SIZE];
	pgv_migrate_set *set;

	assert_non_null(text);
	for (size_t i = 0; i < len; i++)
		text[i] = (char)('a' + i % 26);
	text[len] = '\0';
	write_bytes(dir, "0001_big.up.sql", text, len);
	set = load_expect(dir, PGV_OK);
	assert_int_equal(set->items[0].up_len, len);
	assert_memory_equal(set->items[0].up, text, len + 1);
	pgv__md5_hex(text, len, want);
	assert_string_equal(set->items[0].checksum, want);
	pgv_migrate_set_free(set);
	free(text);
}

/*
 * The built-in set is the project's sql/ directory, one set per backend: sql/postgresql/ is the
 * set itself, sql/sqlite/ the one SQLite connections run; 0001 and 0002 in each, reversible.
 */
static void test_migrate_load__builtin(void **state)
{
	pgv_migrate_set *set = load_expect(NULL, PGV_OK);
	const pgv_migrate_set *lite;
	size_t n = 0;

	(void)state;
	assert_int_equal(pgv_migrate_set_count(set), 2);
	assert_int_equal(set->items[0].version, 1);
	assert_string_equal(set->items[0].name, "vector_extension");
	assert_int_equal(set->items[1].version, 2);
	assert_string_equal(set->items[1].id, "0002_embeddings");
	assert_non_null(strstr(set->items[1].up, "CREATE TABLE embeddings"));
	assert_non_null(strstr(set->items[1].up, "VECTOR(4)"));
	assert_null(set->per_backend[PGV_BACKEND_POSTGRESQL]);
	lite = set->per_backend[PGV_BACKEND_SQLITE];
	assert_non_null(lite);
	assert_int_equal(lite->count, 2);
	assert_string_equal(lite->items[0].id, "0001_vector_extension");
	assert_non_null(strstr(lite->items[0].up, "vec_version()"));
	assert_string_equal(lite->items[1].id, "0002_embeddings");
	assert_non_null(strstr(lite->items[1].up, "vector(4)"));
	assert_non_null(strstr(lite->items[1].up, "vec_length(embedding) = 4"));
	for (size_t i = 0; i < 2; i++) {
		assert_non_null(set->items[i].down);
		assert_non_null(lite->items[i].down);
		assert_int_equal(strlen(set->items[i].checksum), 32);
		assert_string_not_equal(set->items[i].checksum, lite->items[i].checksum);
	}
	/* Byte for byte the embedded files, each in its backend's set. */
	for (size_t i = 0; i < pgv__builtin_count; i++) {
		const char *name = pgv__builtin_files[i].name;
		const pgv_migrate_set *in = strncmp(name, "sqlite/", 7) == 0 ? lite : set;
		const char *file = strchr(name, '/') + 1;
		const pgv__migration *m = &in->items[strncmp(file, "0001", 4) ? 1 : 0];
		const char *have = strstr(file, ".up.") ? m->up : m->down;

		assert_true(strncmp(name, "postgresql/", 11) == 0 || in == lite);
		assert_memory_equal(have, pgv__builtin_files[i].text, pgv__builtin_files[i].len);
		n++;
	}
	assert_int_equal(n, 8);
	pgv_migrate_set_free(set);
}

/* A directory with backend subdirectories holds a set for each; others are left to the top. */
static void test_migrate_load__backend_subdirectories(void **state)
{
	const char *dir = *state;
	char sub[4096];
	pgv_migrate_set *set;

	write_bytes(dir, "0001_top.up.sql", "SELECT 1", 8);
	snprintf(sub, sizeof(sub), "%s/sqlite", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_bytes(sub, "0001_lite.up.sql", "SELECT 2", 8);
	write_bytes(sub, "0002_more.up.sql", "SELECT 3", 8);
	set = load_expect(dir, PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 1);
	assert_string_equal(set->items[0].name, "top");
	assert_null(set->per_backend[PGV_BACKEND_POSTGRESQL]);
	assert_non_null(set->per_backend[PGV_BACKEND_SQLITE]);
	assert_int_equal(pgv_migrate_set_count(set->per_backend[PGV_BACKEND_SQLITE]), 2);
	assert_string_equal(set->per_backend[PGV_BACKEND_SQLITE]->items[0].name, "lite");
	/* a connection-less caller (NULL conn: unknown backend) gets the top set */
	assert_ptr_equal(pgv__migrate_set_for(set, NULL), set);
	pgv_migrate_set_free(set);
	/* a malformed backend set fails the whole load */
	write_bytes(sub, "0002_dup.up.sql", "SELECT 4", 8);
	assert_null(load_expect(dir, PGV_EINVAL));
}

/* In-memory sets follow the directory's rules. */
static void test_migrate_load__from_files(void **state)
{
	static const pgv__builtin_file good[] = {
		{ "0002_b.up.sql", 8, "SELECT 2" },
		{ "notes.txt", 5, "hello" },
		{ "0001_a.down.sql", 0, "" },
		{ "0001_a.up.sql", 8, "SELECT 1" },
	};
	static const pgv__builtin_file orphan[] = {
		{ "0001_a.up.sql", 8, "SELECT 1" },
		{ "0002_b.down.sql", 8, "SELECT 2" },
	};
	static const pgv__builtin_file nul[] = { { "0001_a.up.sql", 3, "a\0b" } };
	pgv_migrate_set *set = NULL;

	(void)state;
	assert_int_equal(pgv__migrations_from_files(&set, good, 4), PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 2);
	assert_int_equal(set->items[0].version, 1);
	assert_string_equal(set->items[0].up, "SELECT 1");
	assert_string_equal(set->items[0].down, "");
	assert_null(set->items[1].down);
	pgv_migrate_set_free(set);

	assert_int_equal(pgv__migrations_from_files(&set, orphan, 2), PGV_EINVAL);
	assert_null(set);
	assert_message_has("\"0002_b.down.sql\": a down file without its up file");
	assert_int_equal(pgv__migrations_from_files(&set, nul, 1), PGV_EINVAL);
	assert_message_has("NUL byte at offset 1");
	assert_int_equal(pgv__migrations_from_files(&set, NULL, 0), PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 0);
	pgv_migrate_set_free(set);
}

/* MD5 against RFC 1321's test suite and lengths around the padding boundary. */
static void test_migrate_load__md5(void **state)
{
	static const struct { const char *in, *hex; } cases[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
			"d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
			"57edf4a22be3c955ac49da2e2107b67a" },
		/* 55, 56 and 64 bytes: one or two padding blocks. */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			"ef1772b6dff9a122358552954ad0df65" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			"3b0c8ac703f828b04c6c197006d17218" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			"014842d480b571495a4a0363793f7367" },
	};
	char hex[PGV_MD5_HEX_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgv__md5_hex(cases[i].in, strlen(cases[i].in), hex);
		assert_string_equal(hex, cases[i].hex);
	}
}

/* Argument misuse is reported, and freeing NULL is safe. */
static void test_migrate_load__misuse(void **state)
{
	(void)state;
	assert_int_equal(pgv_migrate_set_load(NULL, "/tmp"), PGV_EINVAL);
	assert_message_has("out must not be NULL");
	assert_int_equal(pgv_migrate_set_load(NULL, NULL), PGV_EINVAL);
	assert_int_equal(pgv_migrate_set_count(NULL), 0);
	pgv_migrate_set_free(NULL);
	/* A successful load clears an earlier error. */
	pgv_migrate_set_free(load_expect(NULL, PGV_OK));
	assert_int_equal(pgv_error_last()->status, PGV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_load__parse_names),
		cmocka_unit_test(test_migrate_load__bad_versions),
		cmocka_unit_test_setup_teardown(test_migrate_load__directory, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__empty_and_missing_directory,
			dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__duplicate_version, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__down_with_other_name, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__two_up_files, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__two_down_files, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__down_without_up, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__bad_version_in_directory, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__unreadable_files, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__nul_byte, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__text_kept_whole, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_load__large_file, dir_setup, dir_teardown),
		cmocka_unit_test(test_migrate_load__builtin),
		cmocka_unit_test_setup_teardown(test_migrate_load__backend_subdirectories, dir_setup,
			dir_teardown),
		cmocka_unit_test(test_migrate_load__from_files),
		cmocka_unit_test(test_migrate_load__md5),
		cmocka_unit_test(test_migrate_load__misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
