/*
 * Test support for integration tests that compare the client's refusals with the server's: the
 * text of a one-parameter query's one value, or the server's SQLSTATE and message, and the check
 * that both sides refused with pgvector's (or PostgreSQL's) wording.
 */
#ifndef PGV_SERVER_ANSWER_H
#define PGV_SERVER_ANSWER_H

#include "testdb.h"

/* A query's result as the test needs it: the step status, and the first column's text. */
typedef struct testdb_answer {
	int status;    /* PGV_ROW, or the failure of the step */
	char *text;    /* first column of the first row (malloc'd), NULL on failure or SQL NULL */
	char sqlstate[6];
	char message[1024];
} testdb_answer;

/* Runs `sql` with one text parameter and reads the first column of its one row as text. */
testdb_answer testdb_ask(testdb *db, const char *sql, const char *param);

/*
 * Asserts the server refused with a data-exception SQLSTATE (class 22 or 54) and that the
 * message of the client's refusal and the server's share pgvector's wording.
 */
void testdb_assert_same_refusal(const testdb_answer *a, const char *client_message,
	const char *input);

#endif
