/* Native test support: the native server's files, connection strings, checked connections. */
#include "native_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void native_read_file(const char *name, char *buf, size_t cap)
{
	const char *dir = getenv("ODBCSYSINI");
	char path[1024];
	FILE *f;

	if (!dir || !*dir)
		fail_msg("ODBCSYSINI is not set: run the native tests through `ctest -L native`, "
			"which starts the native server (scripts/native-server.sh)");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s: is the native server running? "
			"(scripts/native-server.sh start %s)", path, dir);
	if (!fgets(buf, (int)cap, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0])
		fail_msg("%s is empty", path);
}

void native_credentials(char user[64], char password[128])
{
	native_read_file("user", user, 64);
	native_read_file("password", password, 128);
}

void native_connstr(char *buf, size_t cap, const char *user, const char *password)
{
	int n;

	/* psqlODBC 13 takes {braces} literally in UID and PWD, so values cannot be quoted. */
	if (strpbrk(user, ";{}=") || strpbrk(password, ";{}"))
		fail_msg("a user or password with ; { } cannot go into a connection string here");
	n = snprintf(buf, cap, "DSN=%s;UID=%s;PWD=%s", testdb_dsn(), user, password);
	assert_true(n > 0 && (size_t)n < cap);
}

void native_open(testdb *db)
{
	char user[64], password[128], sql[160];
	int rc;

	native_credentials(user, password);
	rc = pgv_conn_open(&db->conn, testdb_dsn());
	assert_pgv(db->conn, rc, PGV_OK);
	/* The embedded server accepts any user; the native one logs this user in. */
	snprintf(sql, sizeof(sql), "SELECT CASE WHEN current_user = '%s' THEN 1 ELSE 0 END", user);
	if (testdb_query_int(db, sql) != 1)
		fail_msg("connected to %s, but not as %s", testdb_dsn(), user);
	if (testdb_query_int(db, "SELECT current_setting('server_version_num')::int / 10000") != 15)
		fail_msg("%s does not lead to the native PostgreSQL 15 server", testdb_dsn());
}

int native_setup(void **state)
{
	testdb *db = calloc(1, sizeof(*db));

	assert_non_null(db);
	*state = db;
	native_open(db);
	return 0;
}
