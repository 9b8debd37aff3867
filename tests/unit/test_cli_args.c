/*
 * Unit (no server): the tool's command line, run as a child process; every case here is refused
 * or answered before any connection is made.  Pins down: --timeout takes a whole number of
 * seconds from 1 to 2147483 (PostgreSQL's statement_timeout is an int of milliseconds) on every
 * command, and refuses 0, negative, non-numeric, fractional and too large values with a usage
 * error (status 2) that quotes the value and says the range; `export -` and `import -` without
 * --format name the stream they use (standard output, standard input); what a message quotes
 * shows invisible characters, control characters and bytes that are not UTF-8 as escapes and is
 * never cut inside a UTF-8 character.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "clirun.h"

#include <stdio.h>
#include <string.h>

/* Runs `pgvodbc ARGS...` (no server is reached) and checks status 2 and the message. */
static void refused(const char *value, const char *cmd, const char *want)
{
	const char *args[] = { "--dsn", "pgvodbc_unit_nowhere", cmd, "--timeout", value, NULL };
	clirun r = { 0 };

	clirun_run(&r, NULL, 0, args);
	assert_status(&r, 2);
	assert_contains(r.err, want);
	clirun_free(&r);
}

/* 0, negative, junk, fractions and values past the server's range are refused. */
static void test_cli_args__timeout_refused(void **state)
{
	(void)state;
	refused("0", "sql", "pgvodbc: sql: --timeout needs a whole number from 1 to 2147483, "
		"not \"0\"");
	refused("-5", "upsert", "pgvodbc: upsert: --timeout needs a whole number from 1 to "
		"2147483, not \"-5\"");
	refused("abc", "list", "--timeout needs a whole number from 1 to 2147483, not \"abc\"");
	refused("1.5", "knn", "not \"1.5\"");
	refused("2147484", "migrate", "not \"2147484\"");
	refused("99999999999999999999", "export", "not \"99999999999999999999\"");
	refused("", "count", "option --timeout needs a non-empty value");
}

/* The option is global: it is accepted by every command (here before the command word and with
 * =), so the line fails later, at the missing connection target, not at the option. */
static void test_cli_args__timeout_on_every_command(void **state)
{
	const char *args[] = { "--timeout=2147483", "info", NULL };
	clirun r = { 0 };

	(void)state;
	clirun_run(&r, NULL, 0, args);
	assert_status(&r, 2);
	assert_contains(r.err, "no connection given");
	clirun_free(&r);
}

/* `export -` and `import -` without --format: the message names the stream each one uses. */
static void test_cli_args__stdio_needs_format(void **state)
{
	const char *exp[] = { "--dsn", "pgvodbc_unit_nowhere", "export", "-", NULL };
	const char *imp[] = { "--dsn", "pgvodbc_unit_nowhere", "import", "-", NULL };
	clirun r = { 0 };

	(void)state;
	clirun_run(&r, NULL, 0, exp);
	assert_status(&r, 2);
	assert_contains(r.err, "pgvodbc: export: writing to standard output needs --format csv, "
		"jsonl or fvecs");
	clirun_free(&r);
	clirun_run(&r, NULL, 0, imp);
	assert_status(&r, 2);
	assert_contains(r.err, "pgvodbc: import: reading standard input needs --format");
	clirun_free(&r);
}

/* What the tool quotes shows every byte: an invisible byte order mark, a zero-width space, a
 * byte that is not UTF-8 and a control character are escaped; visible UTF-8 stays as it is; a
 * long text is cut before 60 bytes at a character's boundary, never inside one. */
static void test_cli_args__quoting_shows_every_byte(void **state)
{
	static const struct {
		const char *word, *want;
	} cases[] = {
		{ "\xef\xbb\xbf" "11", "unknown command \"\\uFEFF11\"\n" },
		{ "caf\xc3\xa9\xe2\x80\x8bx", "unknown command \"caf\xc3\xa9\\u200Bx\"\n" },
		{ "a\xff\xc3", "unknown command \"a\\xff\\xc3\"\n" },
		{ "a\x01\x7f\tb", "unknown command \"a\\x01\\x7f\\tb\"\n" },
		{ "\xed\xa0\x80", "unknown command \"\\xed\\xa0\\x80\"\n" }, /* a surrogate */
	};
	char word[128], want[256];
	clirun r = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "--dsn", "pgvodbc_unit_nowhere", cases[i].word, NULL };

		clirun_run(&r, NULL, 0, args);
		assert_status(&r, 2);
		assert_contains(r.err, cases[i].want);
		clirun_free(&r);
	}
	/* 40 two-byte characters: 30 fit in 60 bytes, then the cut */
	word[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(word, "\xc3\xa9");
	snprintf(want, sizeof(want), "unknown command \"%.*s\"...\n", 60, word);
	{
		const char *args[] = { "--dsn", "pgvodbc_unit_nowhere", word, NULL };

		clirun_run(&r, NULL, 0, args);
	}
	assert_contains(r.err, want);
	clirun_free(&r);
	/* 59 ASCII bytes and then a two-byte character: it does not fit whole, so it is left out */
	memset(word, 'a', 59);
	memcpy(word + 59, "\xc3\xa9zz", 5);
	snprintf(want, sizeof(want), "unknown command \"%.59s\"...\n", word);
	{
		const char *args[] = { "--dsn", "pgvodbc_unit_nowhere", word, NULL };

		clirun_run(&r, NULL, 0, args);
	}
	assert_contains(r.err, want);
	clirun_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_args__timeout_refused),
		cmocka_unit_test(test_cli_args__timeout_on_every_command),
		cmocka_unit_test(test_cli_args__stdio_needs_format),
		cmocka_unit_test(test_cli_args__quoting_shows_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
