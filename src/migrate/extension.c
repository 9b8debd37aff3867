/*
 * Which extension a failed migration lacks: read from the migration's own text (its CREATE
 * EXTENSION statements) and the server's catalog (pg_available_extensions), never from the
 * wording of the server's message, which speaks the server's lc_messages.
 */
#include "migrate/migrate_internal.h"
#include "odbc/conn_error.h" /* the connection's error, without <sql.h> */
#include "pgvodbc/stmt.h"

#include <stdio.h>
#include <string.h>

static const char SQL_AVAILABLE[] =
	"SELECT count(*) FROM pg_catalog.pg_available_extensions WHERE name = ?";

/* A lexer over SQL text that skips comments, string literals and dollar-quoted bodies. */
typedef struct lexer {
	const char *p, *end;
} lexer;

/* 1 for a byte that may continue an unquoted identifier. */
static int ident_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
		|| ch == '_' || ch == '$' || ch >= 0x80;
}

/* Skips a dollar-quoted body starting at "$tag$" (p at the first '$'); 0 when not one. */
static int skip_dollar(lexer *lx)
{
	const char *q = lx->p + 1;
	size_t tag;

	while (q < lx->end && *q != '$' && ident_byte((unsigned char)*q))
		q++;
	if (q >= lx->end || *q != '$')
		return 0;
	tag = (size_t)(q - lx->p) + 1; /* "$tag$" */
	for (q++; q + tag <= lx->end; q++) {
		if (memcmp(q, lx->p, tag) == 0) {
			lx->p = q + tag;
			return 1;
		}
	}
	lx->p = lx->end;
	return 1;
}

/*
 * The next word or quoted identifier into `out` (`cap` bytes, bare words lowercased, "" when it
 * does not fit): 1, or 0 at the end of the text.  Punctuation is a one-byte word.
 */
static int next_word(lexer *lx, char *out, size_t cap)
{
	size_t n = 0;

	while (lx->p < lx->end) {
		unsigned char ch = (unsigned char)*lx->p;

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
			lx->p++;
		} else if (ch == '-' && lx->p + 1 < lx->end && lx->p[1] == '-') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (ch == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			int depth = 0;

			do {
				if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '*') {
					depth++;
					lx->p += 2;
				} else if (lx->p + 1 < lx->end && lx->p[0] == '*' && lx->p[1] == '/') {
					depth--;
					lx->p += 2;
				} else {
					lx->p++;
				}
			} while (depth > 0 && lx->p < lx->end);
		} else if (ch == '\'') {
			for (lx->p++; lx->p < lx->end; lx->p++) {
				if (*lx->p == '\'' && !(lx->p + 1 < lx->end && lx->p[1] == '\''))
					break;
				if (*lx->p == '\'')
					lx->p++;
			}
			lx->p++;
		} else if (ch == '$' && skip_dollar(lx)) {
			continue;
		} else {
			break;
		}
	}
	if (lx->p >= lx->end)
		return 0;
	if (*lx->p == '"') {
		for (lx->p++; lx->p < lx->end; lx->p++) {
			if (*lx->p == '"' && !(lx->p + 1 < lx->end && lx->p[1] == '"'))
				break;
			if (*lx->p == '"')
				lx->p++;
			if (n + 1 < cap)
				out[n++] = *lx->p;
			else
				cap = 0;
		}
		lx->p++;
	} else if (ident_byte((unsigned char)*lx->p)) {
		for (; lx->p < lx->end && ident_byte((unsigned char)*lx->p); lx->p++) {
			char ch = *lx->p;

			if (n + 1 < cap)
				out[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
			else
				cap = 0;
		}
	} else {
		if (cap > 1)
			out[n++] = *lx->p;
		lx->p++;
	}
	if (cap == 0)
		n = 0;
	out[n] = '\0';
	return 1;
}

/* 1 when the catalog lists extension `name` as available, 0 when not, negative on failure. */
static int available(pgv_conn *c, const char *name)
{
	pgv_stmt *st = NULL;
	int64_t n = 0;
	int status;

	if ((status = pgv_stmt_prepare(&st, c, SQL_AVAILABLE)) == 0
			&& (status = pgv_stmt_bind_text(st, 1, name, strlen(name))) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW)
		status = pgv_stmt_column_int64(&n, st, 1);
	pgv_stmt_free(st);
	if (status == PGV_DONE)
		status = PGV_ERROR;
	return status < 0 ? status : n > 0;
}

int pgv__extension_missing(pgv_conn *c, const char *sql, size_t len, char *name, size_t cap)
{
	const pgv_error *e = pgv_conn_error(c);
	lexer lx = { sql, sql + len };
	pgv__conn_saved saved;
	char prev[72] = "", word[72];
	int found = 0;

	if (!sql || (strcmp(e->sqlstate, "0A000") != 0 && strcmp(e->sqlstate, "58P01") != 0))
		return 0;
	pgv__conn_save(c, &saved);
	/* every "CREATE EXTENSION [IF NOT EXISTS] name", in the file's order */
	while (!found && next_word(&lx, word, sizeof(word))) {
		if (strcmp(prev, "create") == 0 && strcmp(word, "extension") == 0) {
			char ext[72];

			if (!next_word(&lx, ext, sizeof(ext)))
				break;
			if (strcmp(ext, "if") == 0) {
				char skip[72];

				if (!next_word(&lx, skip, sizeof(skip)) || !next_word(&lx, skip, sizeof(skip))
						|| !next_word(&lx, ext, sizeof(ext)))
					break;
			}
			if (ext[0] && strlen(ext) < cap && available(c, ext) == 0) {
				snprintf(name, cap, "%s", ext);
				found = 1;
			}
		}
		memcpy(prev, word, sizeof(prev));
	}
	pgv__conn_restore(c, &saved, saved.err.status);
	return found;
}
