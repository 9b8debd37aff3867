/*
 * A migration file as SQLite statements: the SQLite driver runs one statement a call ("only one
 * SQL statement allowed", measured with libsqliteodbc 0.9998), so a file of several is split at
 * the semicolons that end a statement.  A semicolon inside a string literal, a quoted
 * identifier, a comment, or a CREATE TRIGGER body (BEGIN ... END, with CASE ... END inside) ends
 * nothing.
 */
#include "migrate/migrate_internal.h"
#include "odbc/conn_error.h" /* the connection's error, without <sql.h> */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 1 for a byte of an unquoted SQLite word. */
static int word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
		|| ch == '_' || ch == '$' || ch >= 0x80;
}

/* Whether the word p[0..n) is `kw`, ignoring case. */
static int is_word(const char *p, size_t n, const char *kw)
{
	return n == strlen(kw) && strncasecmp(p, kw, n) == 0;
}

/* Past a quoted run that opened at p[0] with `close` as its closing byte (doubled: literal). */
static const char *skip_quoted(const char *p, const char *end, char close)
{
	for (p++; p < end; p++) {
		if (*p != close)
			continue;
		if (close != ']' && p + 1 < end && p[1] == close) {
			p++;
			continue;
		}
		return p + 1;
	}
	return end;
}

int pgv__sql_next_statement(const char *sql, size_t len, size_t *pos, size_t *start, size_t *n)
{
	const char *end = sql + len, *p = sql + *pos, *first = NULL;
	int words = 0, trigger = 0, temp = 0, depth = 0, body = 0;

	while (p < end) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (ch == '/' && p + 1 < end && p[1] == '*') {
			const char *q = p + 2;

			while (q + 1 < end && !(q[0] == '*' && q[1] == '/'))
				q++;
			p = q + 1 < end ? q + 2 : end;
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f'
				|| ch == '\v') {
			p++;
		} else if (ch == ';') {
			p++;
			if (first && !(trigger && (!body || depth > 0))) {
				*start = (size_t)(first - sql);
				*n = (size_t)(p - first);
				*pos = (size_t)(p - sql);
				return 1;
			}
			if (!first)
				continue; /* an empty statement */
		} else {
			const char *w = p;

			if (!first)
				first = p;
			if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
				p = skip_quoted(p, end, ch == '[' ? ']' : (char)ch);
				words++;
				continue;
			}
			if (!word_byte(ch)) {
				p++;
				continue;
			}
			while (p < end && word_byte((unsigned char)*p))
				p++;
			/* CREATE [TEMP | TEMPORARY] TRIGGER: its body holds semicolons */
			if (words == 1 && (is_word(w, (size_t)(p - w), "temp")
					|| is_word(w, (size_t)(p - w), "temporary")))
				temp = 1;
			else if (words == 1 + temp && is_word(w, (size_t)(p - w), "trigger")
					&& is_word(first, 6, "create"))
				trigger = 1;
			else if (trigger && (is_word(w, (size_t)(p - w), "begin")
					|| (body && is_word(w, (size_t)(p - w), "case")))) {
				body = 1;
				depth++;
			} else if (trigger && body && is_word(w, (size_t)(p - w), "end"))
				depth--;
			words++;
		}
	}
	*pos = len;
	if (!first)
		return 0;
	*start = (size_t)(first - sql);
	*n = (size_t)(end - first);
	return 1;
}

int pgv__sql_exec_each(pgv_conn *c, const char *sql, size_t len)
{
	size_t pos = 0, start = 0, n = 0;
	int status = 0;

	while (status == 0 && pgv__sql_next_statement(sql, len, &pos, &start, &n)) {
		char *one = malloc(n + 1);

		if (!one)
			return pgv__conn_fail(c, PGV_ENOMEM, "pgv_conn_exec", "out of memory");
		memcpy(one, sql + start, n);
		one[n] = '\0';
		status = pgv_conn_exec(c, one);
		free(one);
	}
	return status;
}
