/*
 * What a connection reports about itself: the driver's and the server's names and versions
 * (SQLGetInfo), and the driver settings in effect, read from the connection string the driver
 * completed at connect (psqlODBC writes every setting there, from the DSN, odbcinst.ini and its
 * defaults: measured "...;Fetch=2;...;UseDeclareFetch=1;...;UseServerSidePrepare=1;...").  The
 * password is dropped as the string is kept, so no call can hand it out.
 */
#include "odbc/odbc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One key=value pair of a connection string: the key, and the value as written (braces and
 * all); `next` is where the following pair starts. */
typedef struct conn_pair {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
	const char *next;
} conn_pair;

/*
 * Reads the pair starting at `s` (up to `end`); 0, or -1 at the end.  A value in braces may hold
 * ';' and '}}' (a '}'), as ODBC's connection string grammar allows.
 */
static int next_pair(const char *s, const char *end, conn_pair *p)
{
	const char *eq;

	while (s < end && (*s == ';' || *s == ' '))
		s++;
	if (s >= end)
		return -1;
	for (eq = s; eq < end && *eq != '=' && *eq != ';'; eq++)
		;
	p->key = s;
	p->key_len = (size_t)(eq - s);
	if (eq >= end || *eq == ';') {
		p->value = eq;
		p->value_len = 0;
		p->next = eq;
		return 0;
	}
	s = eq + 1;
	p->value = s;
	if (s < end && *s == '{') {
		for (s++; s < end; s++) {
			if (*s != '}')
				continue;
			if (s + 1 < end && s[1] == '}') {
				s++;
				continue;
			}
			s++;
			break;
		}
	}
	while (s < end && *s != ';')
		s++;
	p->value_len = (size_t)(s - p->value);
	p->next = s;
	return 0;
}

/* Whether a key names the password (ODBC's PWD, psqlODBC's Password). */
static int is_password_key(const conn_pair *p)
{
	return (p->key_len == 3 && strncasecmp(p->key, "PWD", 3) == 0)
		|| (p->key_len == 8 && strncasecmp(p->key, "Password", 8) == 0);
}

void pgv__conn_keep_settings(pgv_conn *c, const char *s, SQLSMALLINT len)
{
	const char *end;
	conn_pair p;
	char *kept;
	size_t n = 0;

	free(c->settings);
	c->settings = NULL;
	if (len <= 0)
		return;
	/* a string the driver cut is kept up to what it wrote */
	end = s + ((size_t)len < PGV__COMPLETED_CAP ? (size_t)len : strlen(s));
	if (!(kept = malloc((size_t)(end - s) + 2)))
		return;
	for (; next_pair(s, end, &p) == 0; s = p.next) {
		if (is_password_key(&p))
			continue;
		memcpy(kept + n, p.key, (size_t)(p.next - p.key));
		n += (size_t)(p.next - p.key);
		kept[n++] = ';';
	}
	kept[n] = '\0';
	c->settings = kept;
}

int pgv_conn_setting(char *out, size_t cap, pgv_conn *c, const char *key)
{
	const char *op = "pgv_conn_setting", *s, *end;
	conn_pair p;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out || cap == 0)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL or has no room");
	out[0] = '\0';
	if (!key || !key[0])
		return pgv__conn_fail(c, PGV_EINVAL, op, "key is NULL or empty");
	if (!c->connected)
		return pgv__conn_fail(c, PGV_ECONN, op, "the connection is not open");
	s = c->settings ? c->settings : "";
	end = s + strlen(s);
	for (; next_pair(s, end, &p) == 0; s = p.next) {
		size_t n = 0;

		if (p.key_len != strlen(key) || strncasecmp(p.key, key, p.key_len) != 0)
			continue;
		/* a braced value loses its braces and '}}' becomes '}' */
		if (p.value_len >= 2 && p.value[0] == '{' && p.value[p.value_len - 1] == '}') {
			for (size_t i = 1; i + 1 < p.value_len; i++) {
				if (n + 1 >= cap)
					goto small;
				out[n++] = p.value[i];
				if (p.value[i] == '}' && p.value[i + 1] == '}')
					i++;
			}
		} else {
			if (p.value_len >= cap)
				goto small;
			memcpy(out, p.value, p.value_len);
			n = p.value_len;
		}
		out[n] = '\0';
		return 0;
small:
		out[0] = '\0';
		return pgv__conn_fail(c, PGV_EINVAL, op, "the value of \"%s\" does not fit in %zu bytes",
			key, cap);
	}
	return pgv__conn_fail(c, PGV_ENOTFOUND, op, "the driver did not report \"%s\"", key);
}

int pgv_conn_info(char *out, size_t cap, pgv_conn *c, pgv_info_item item)
{
	static const SQLUSMALLINT INFO[] = {
		[PGV_INFO_DRIVER_NAME] = SQL_DRIVER_NAME,
		[PGV_INFO_DRIVER_VERSION] = SQL_DRIVER_VER,
		[PGV_INFO_DRIVER_ODBC_VERSION] = SQL_DRIVER_ODBC_VER,
		[PGV_INFO_DM_VERSION] = SQL_DM_VER,
		[PGV_INFO_DBMS_NAME] = SQL_DBMS_NAME,
		[PGV_INFO_DBMS_VERSION] = SQL_DBMS_VER,
		[PGV_INFO_DATA_SOURCE] = SQL_DATA_SOURCE_NAME,
		[PGV_INFO_DATABASE] = SQL_DATABASE_NAME,
		[PGV_INFO_SERVER] = SQL_SERVER_NAME,
		[PGV_INFO_USER] = SQL_USER_NAME,
	};
	const char *op = "pgv_conn_info";
	SQLSMALLINT len = 0;
	SQLRETURN rc;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out || cap == 0 || cap > 32767)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL or cap is not 1..32767");
	out[0] = '\0';
	if ((int)item < 0 || (size_t)item >= sizeof(INFO) / sizeof(INFO[0]))
		return pgv__conn_fail(c, PGV_EINVAL, op, "no information item %d", (int)item);
	if (!c->connected)
		return pgv__conn_fail(c, PGV_ECONN, op, "the connection is not open");
	rc = SQLGetInfo(c->dbc, INFO[item], out, (SQLSMALLINT)cap, &len);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, "pgv_conn_info: SQLGetInfo");
	if (len >= (SQLSMALLINT)cap) {
		out[0] = '\0';
		return pgv__conn_fail(c, PGV_EINVAL, op, "the value needs %d bytes, more than %zu",
			(int)len + 1, cap);
	}
	return 0;
}
