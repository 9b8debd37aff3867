/*
 * Test support for the native tests (tests/native): the native PostgreSQL server's files that
 * scripts/native-server.sh writes next to odbc.ini ($ODBCSYSINI/user, password, port), and
 * connections to it.  The cmocka checks here fail the calling test; call them from the test's
 * own thread only.
 */
#ifndef PGV_NATIVE_SUPPORT_H
#define PGV_NATIVE_SUPPORT_H

#include "testdb.h"

/*
 * Reads the first line of $ODBCSYSINI/<name> into buf (without the newline); fails the test,
 * saying the native server is not running, when it cannot.
 */
void native_read_file(const char *name, char *buf, size_t cap);

/* The test role's user name and password, as the native server was set up with them. */
void native_credentials(char user[64], char password[128]);

/*
 * Writes "DSN=<the DSN under test>;UID=<user>;PWD=<password>" into buf: a connection string
 * whose user and password replace the DSN's (psqlODBC lets the string's keys win).  Neither may
 * contain ';', '{' or '}'.
 */
void native_connstr(char *buf, size_t cap, const char *user, const char *password);

/*
 * Opens db->conn on the DSN under test and checks that it reached the native server: logged in
 * as the test role, to PostgreSQL 15.  Fails the test otherwise.  Close with testdb_teardown.
 */
void native_open(testdb *db);

/* A new testdb with an open connection (native_open), for a cmocka group setup. */
int native_setup(void **state);

#endif
