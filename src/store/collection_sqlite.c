/*
 * Collections on SQLite: the catalog (pragma_table_info), what each declared type reads and
 * writes as, and the conversion of a value to what its column stores.  SQLite keeps any value in
 * any column (a column's declared type gives it only an affinity), so the checks PostgreSQL makes
 * on assignment are made here, before anything is sent: text for an INTEGER column must be an
 * integer, for a REAL column a number, for a boolean one of PostgreSQL's boolean words, for a
 * uuid column a uuid (stored in PostgreSQL's canonical form, lowercase with hyphens, so that two
 * spellings of one uuid are one id, as on PostgreSQL).
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every column of a table, in declaration order: name, declared type, NOT NULL. */
const char pgv__coll_catalog_sqlite[] =
	"SELECT p.name, p.type, p.\"notnull\" FROM pragma_table_info(?, ?) AS p ORDER BY p.cid";

/* 1 when the lowercase text `s` contains `part`. */
static int has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/*
 * Sets what a column's values read and write as, from its declared type: SQLite's affinity rules
 * (INT: integer; CHAR, CLOB, TEXT: text; REAL, FLOA, DOUB: real; BLOB or none: blob) after the
 * names PostgreSQL users declare that SQLite has no affinity for (boolean, uuid, json, jsonb).
 * Dates, timestamps and numeric have NUMERIC affinity: read as the text SQLite gives back.
 */
void pgv__col_classify_sqlite(pgv__col *col)
{
	const char *b = col->base;

	col->kind = PGV_VALUE_TEXT;
	col->min = col->max = 0;
	col->iso_time = 0;
	col->is_array = 0;
	col->uuid = strcmp(b, "uuid") == 0;
	col->opaque = 0;
	if (strcmp(b, "bool") == 0 || strcmp(b, "boolean") == 0) {
		col->kind = PGV_VALUE_BOOL;
	} else if (strcmp(b, "json") == 0 || strcmp(b, "jsonb") == 0) {
		col->kind = PGV_VALUE_JSON;
	} else if (has(b, "int")) {
		/* SQLite's integers are 64-bit whatever the declared name (smallint included) */
		col->kind = PGV_VALUE_INT64;
		col->min = INT64_MIN;
		col->max = INT64_MAX;
	} else if (has(b, "char") || has(b, "clob") || has(b, "text") || col->uuid) {
		col->kind = PGV_VALUE_TEXT;
	} else if (has(b, "blob") || !*b) {
		col->opaque = 1;
	} else if (has(b, "real") || has(b, "floa") || has(b, "doub")) {
		col->kind = PGV_VALUE_DOUBLE;
	}
}

/* Reads one row of pgv__coll_catalog_sqlite into a column. */
int pgv__col_read_sqlite(pgv_stmt *st, pgv__col *col)
{
	const char *name = NULL, *type = NULL;
	int64_t nn = 0;
	size_t k = 0;
	int status = pgv_stmt_column_text(&name, NULL, st, 1);

	if (status == 0 && (status = pgv_stmt_column_text(&type, NULL, st, 2)) == PGV_NULL)
		status = 0;
	if (status == 0)
		status = pgv_stmt_column_int64(&nn, st, 3);
	if (status < 0)
		return status;
	col->name = strdup(name ? name : "");
	col->type = strdup(type ? type : "");
	col->cast = strdup("");
	if (!col->name || !col->type || !col->cast)
		return PGV_ENOMEM;
	/* the base: the declared name before any "(", lowercase, spaces trimmed */
	for (const char *s = col->type; *s && *s != '(' && k + 1 < sizeof(col->base); s++)
		col->base[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	while (k > 0 && col->base[k - 1] == ' ')
		k--;
	col->base[k] = '\0';
	col->notnull = nn != 0;
	if ((status = pgv_ident_quote(&col->quoted, col->name)) != 0)
		return status;
	pgv__col_classify_sqlite(col);
	return 0;
}

/* Writes a uuid's canonical text (lowercase, 8-4-4-4-12) into out (37 bytes); -1 when none. */
int pgv__uuid_canonical(const char *s, size_t n, char *out)
{
	char hex[33];
	size_t k = 0, o = 0;
	int braced = n >= 2 && s[0] == '{' && s[n - 1] == '}';

	/* PostgreSQL's forms: 32 hex digits, optionally braced, hyphens after any group of four */
	for (size_t i = braced; i < n - (size_t)braced; i++) {
		char ch = s[i];
		if (ch == '-' && k > 0 && k % 4 == 0 && i + 1 < n - (size_t)braced && s[i + 1] != '-')
			continue;
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) || k == 32)
			return -1;
		hex[k++] = ch;
	}
	if (k != 32)
		return -1;
	for (size_t i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
	return 0;
}

/* Reads PostgreSQL's boolean words (case-insensitive, whole): 1 or 0, -1 when none. */
static int bool_word(const char *s, size_t n)
{
	static const char *const yes[] = { "t", "true", "y", "yes", "on", "1" };
	static const char *const no[] = { "f", "false", "n", "no", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
			return 1;
		if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
			return 0;
	}
	return -1;
}

/* The text of a number or boolean into buf (>= 48 bytes), as a value of type TEXT. */
static pgv_value as_text(const pgv_value *v, char *buf)
{
	const char *s;
	size_t n;

	pgv__value_text(v, buf, &s, &n);
	return pgv_value_textn(s, n);
}

/* Records why a value does not convert: invalid input syntax for type T: "text". */
static int bad_input(char *why, size_t cap, const pgv__col *col, const pgv_value *v)
{
	char num[48], q[PGV__QUOTE_BUF], type[64];
	pgv_value t = as_text(v, num);
	size_t k = 0;

	/* SQLite spells the standard names in capitals (INTEGER): PostgreSQL's lowercase words */
	for (const char *s = col->type; *s && k + 1 < sizeof(type); s++)
		type[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	type[k] = '\0';
	snprintf(why, cap, "invalid input syntax for type %s: \"%s\"", type,
		pgv__quote(q, t.text ? t.text : "", t.len));
	return PGV_EVALUE;
}

/*
 * The value to bind for column `col` on SQLite (*out; its text in `buf`, >= 48 bytes, or the
 * value's own): NULL as NULL; for an integer column an integer (text read whole, a whole double
 * taken, a boolean 0 or 1); for a real column a double; for a boolean column 0 or 1; for a uuid
 * column the canonical text; for any other column text (numbers and booleans as their text).  In
 * a filter (`filter` 1) a double compared with an integer column stays a double, so that 2015.5
 * compares as a number.  Returns 0, or PGV_EVALUE with the reason in `why`.
 */
int pgv__coll_convert(const pgv__col *col, const pgv_value *v, int filter, pgv_value *out,
	char *buf, char *why, size_t cap)
{
	int64_t i;
	double d;
	int b;

	*out = *v;
	if (v->type == PGV_VALUE_NULL || ((v->type == PGV_VALUE_TEXT || v->type == PGV_VALUE_JSON)
			&& !v->text)) {
		*out = pgv_value_null();
		return 0;
	}
	switch (col->kind) {
	case PGV_VALUE_INT64:
		if (v->type == PGV_VALUE_INT64)
			return 0;
		if (v->type == PGV_VALUE_BOOL) {
			*out = pgv_value_int64(v->i != 0);
			return 0;
		}
		if (v->type == PGV_VALUE_DOUBLE) {
			if (filter)
				return 0;
			if (v->d >= -9223372036854775808.0 && v->d < 9223372036854775808.0
					&& (double)(int64_t)v->d == v->d) {
				*out = pgv_value_int64((int64_t)v->d);
				return 0;
			}
			return bad_input(why, cap, col, v);
		}
		if (pgv__parse_int64(v->text, v->len, &i) != 0)
			return bad_input(why, cap, col, v);
		*out = pgv_value_int64(i);
		return 0;
	case PGV_VALUE_DOUBLE:
		if (v->type == PGV_VALUE_INT64 || v->type == PGV_VALUE_BOOL) {
			*out = pgv_value_double((double)v->i);
			return 0;
		}
		if (v->type == PGV_VALUE_DOUBLE)
			return 0;
		if (pgv__parse_double(v->text, v->len, &d) != 0 || !isfinite(d))
			return bad_input(why, cap, col, v);
		*out = pgv_value_double(d);
		return 0;
	case PGV_VALUE_BOOL:
		if (v->type == PGV_VALUE_BOOL || v->type == PGV_VALUE_INT64) {
			if (v->type == PGV_VALUE_INT64 && v->i != 0 && v->i != 1)
				return bad_input(why, cap, col, v);
			*out = pgv_value_int64(v->i != 0);
			return 0;
		}
		if (v->type == PGV_VALUE_DOUBLE || (b = bool_word(v->text, v->len)) < 0)
			return bad_input(why, cap, col, v);
		*out = pgv_value_int64(b);
		return 0;
	default:
		break;
	}
	if (v->type != PGV_VALUE_TEXT && v->type != PGV_VALUE_JSON)
		*out = as_text(v, buf);
	else
		*out = pgv_value_textn(v->text, v->len);
	if (col->uuid) {
		if (pgv__uuid_canonical(out->text, out->len, buf) != 0)
			return bad_input(why, cap, col, v);
		*out = pgv_value_textn(buf, 36);
	}
	return 0;
}
