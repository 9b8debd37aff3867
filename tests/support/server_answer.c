/* Comparing the client's refusals with the server's (server_answer.h). */
#include "server_answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs `sql` with one text parameter and reads the first column of its one row as text. */
testdb_answer testdb_ask(testdb *db, const char *sql, const char *param)
{
	testdb_answer a = { 0, NULL, "", "" };
	pgv_stmt *st = NULL;
	const char *text = NULL;
	size_t len = 0;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_text(st, 1, param, PGV_NTS), PGV_OK);
	a.status = pgv_stmt_step(st);
	if (a.status == PGV_ROW) {
		if (pgv_stmt_column_text(&text, &len, st, 1) == PGV_OK) {
			a.text = malloc(len + 1);
			assert_non_null(a.text);
			memcpy(a.text, text, len + 1);
		}
	} else {
		snprintf(a.sqlstate, sizeof(a.sqlstate), "%s", pgv_conn_error(db->conn)->sqlstate);
		snprintf(a.message, sizeof(a.message), "%s", pgv_conn_error(db->conn)->message);
	}
	pgv_stmt_free(st);
	return a;
}

/* pgvector's and PostgreSQL's messages for the values refused below. */
static const char *const phrases[] = {
	"is out of range for type halfvec", "NaN not allowed in halfvec",
	"infinite value not allowed in halfvec", "halfvec must have at least 1 dimension",
	"halfvec cannot have more than 16000 dimensions", "invalid input syntax for type halfvec",
	"sparsevec index out of bounds", "sparsevec indices must not contain duplicates",
	"sparsevec must have at least 1 dimension", "sparsevec cannot have more than 1000000000",
	"sparsevec cannot have more than 16000 non-zero elements",
	"is out of range for type sparsevec", "NaN not allowed in sparsevec",
	"infinite value not allowed in sparsevec", "invalid input syntax for type sparsevec",
	"is not a valid binary digit",
};

/*
 * Asserts the server refused with a data-exception SQLSTATE (class 22 or 54) and that the
 * message of the client's refusal and the server's share pgvector's wording.
 */
void testdb_assert_same_refusal(const testdb_answer *a, const char *client_message,
	const char *input)
{
	size_t i;

	if (strncmp(a->sqlstate, "22", 2) != 0 && strncmp(a->sqlstate, "54", 2) != 0)
		fail_msg("\"%s\": server SQLSTATE %s: %s", input, a->sqlstate, a->message);
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strstr(client_message, phrases[i]) != NULL)
			break;
	if (i == sizeof(phrases) / sizeof(phrases[0]))
		fail_msg("\"%s\": client message \"%s\" has no known phrase", input, client_message);
	if (strstr(a->message, phrases[i]) == NULL)
		fail_msg("\"%s\": server said \"%s\", client \"%s\"", input, a->message, client_message);
}
