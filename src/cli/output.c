/* Result lines on stdout: tab-separated text, CSV or JSON lines, built whole and written at
 * once. */
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void out_init(cli_out *o, FILE *fp, int json)
{
	memset(o, 0, sizeof(*o));
	o->fp = fp;
	o->json = json;
}

void out_set_csv(cli_out *o)
{
	o->csv = !o->json;
}

void out_free(cli_out *o)
{
	json_free(&o->line);
}

/* Notes an allocation failure of the line (once) as the write error ENOMEM. */
static int check_line(cli_out *o)
{
	if (o->line.failed && !o->failed) {
		o->failed = 1;
		o->err = ENOMEM;
	}
	return o->failed ? -1 : 0;
}

/* Appends text as it is. */
static void puts_(cli_out *o, const char *s)
{
	json_raw_str(&o->line, s);
}

/* Appends `s` as a CSV field: as it is, or quoted with its quotes doubled when it holds a
 * comma, a quote, CR or LF (RFC 4180). */
static void put_csv_string(cli_out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		puts_(o, s);
		return;
	}
	json_raw(&o->line, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		json_raw(&o->line, s, (size_t)(q - s) + 1);
		json_raw(&o->line, "\"", 1);
	}
	puts_(o, s);
	json_raw(&o->line, "\"", 1);
}

/* Appends `s` with backslash, tab, LF and CR written as \\, \t, \n and \r, so a value never
 * splits a tab-separated line. */
static void put_escaped(cli_out *o, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
			: *s == '\r' ? "\\r" : NULL;

		if (e)
			puts_(o, e);
		else
			json_raw(&o->line, s, 1);
	}
}

/* Starts a field: the separator, and the key in JSON. */
static void field(cli_out *o, const char *key)
{
	if (o->nfields++ > 0)
		json_raw(&o->line, o->json || o->csv ? "," : "\t", 1);
	if (o->json)
		json_key(&o->line, key);
}

void out_begin(cli_out *o)
{
	json_clear(&o->line);
	o->nfields = 0;
	if (o->json) {
		json_raw(&o->line, "{", 1);
		if (o->step) {
			field(o, "step");
			json_string(&o->line, o->step);
		}
	}
}

void out_int(cli_out *o, const char *key, int64_t v)
{
	field(o, key);
	json_int(&o->line, v);
}

void out_double(cli_out *o, const char *key, const double *v, const char *null_text)
{
	char buf[PGV_DOUBLE_TEXT_MAX];

	field(o, key);
	if (o->json) {
		if (v)
			json_double(&o->line, *v);
		else
			puts_(o, "null");
		return;
	}
	if (!v) {
		puts_(o, o->csv ? "" : null_text);
		return;
	}
	if (pgv_double_format(*v, buf, sizeof(buf)) >= sizeof(buf))
		snprintf(buf, sizeof(buf), "%.17g", *v); /* cannot happen: the maximum fits */
	puts_(o, buf);
}

void out_vector(cli_out *o, const char *key, const pgv_vector *v, const char *null_text)
{
	size_t need;

	field(o, key);
	if (!v || (v->dim > 0 && !v->data)) {
		puts_(o, o->json ? "null" : o->csv ? "" : null_text);
		return;
	}
	if (o->json) {
		json_floats(&o->line, v->data, v->dim);
		return;
	}
	/* text and CSV: pgvector's text, written in place once measured (quoted in CSV for its
	 * commas) */
	need = pgv_vector_format(v->data, v->dim, NULL, 0);
	if (need == SIZE_MAX || json_reserve(&o->line, need + 2) != 0) {
		o->line.failed = 1;
		return;
	}
	if (o->csv && v->dim > 1)
		json_raw(&o->line, "\"", 1);
	pgv_vector_format(v->data, v->dim, o->line.s + o->line.len, need + 1);
	o->line.len += need;
	if (o->csv && v->dim > 1)
		json_raw(&o->line, "\"", 1);
}

void out_string(cli_out *o, const char *key, const char *s, const char *null_text)
{
	field(o, key);
	if (!s)
		puts_(o, o->json ? "null" : o->csv ? "" : null_text);
	else if (o->json)
		json_string(&o->line, s);
	else if (o->csv)
		put_csv_string(o, s);
	else if (o->escape)
		put_escaped(o, s);
	else
		puts_(o, s);
}

void out_number_text(cli_out *o, const char *key, const char *s)
{
	field(o, key);
	puts_(o, s);
}

void out_bool(cli_out *o, const char *key, int v)
{
	field(o, key);
	puts_(o, v ? "true" : "false");
}

/* Writes the built line and a newline. */
static int write_line(cli_out *o)
{
	json_raw(&o->line, "\n", 1);
	if (check_line(o) != 0)
		return -1;
	errno = 0;
	if (fwrite(o->line.s, 1, o->line.len, o->fp) != o->line.len) {
		o->failed = 1;
		o->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int out_end(cli_out *o)
{
	if (o->json)
		json_raw(&o->line, "}", 1);
	return write_line(o);
}

int out_end_record(cli_out *o, const char **s, size_t *len)
{
	if (o->json)
		json_raw(&o->line, "}", 1);
	json_raw(&o->line, "\n", 1);
	if (check_line(o) != 0)
		return -1;
	*s = o->line.s;
	*len = o->line.len;
	return 0;
}

int out_text(cli_out *o, const char *text)
{
	if (o->json)
		return o->failed ? -1 : 0;
	json_clear(&o->line);
	o->nfields = 0;
	puts_(o, text);
	return write_line(o);
}

int out_flush(cli_out *o)
{
	if (o->failed)
		return -1;
	errno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp)) {
		o->failed = 1;
		o->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* A collection value: numbers, booleans, strings, jsonb embedded as JSON, NULL as null. */
void out_value(cli_out *o, const char *key, const pgv_value *v, const char *null_text)
{
	switch (v->type) {
	case PGV_VALUE_INT64:
		out_int(o, key, v->i);
		break;
	case PGV_VALUE_DOUBLE:
		out_double(o, key, &v->d, null_text);
		break;
	case PGV_VALUE_BOOL:
		out_bool(o, key, (int)v->i);
		break;
	case PGV_VALUE_JSON:
		/* the server's JSON text, valid JSON as it is: embedded, not quoted */
		field(o, key);
		json_raw(&o->line, v->text, v->len);
		break;
	case PGV_VALUE_TEXT:
		field(o, key);
		if (o->json)
			json_string(&o->line, v->text);
		else
			json_raw(&o->line, v->text, v->len);
		break;
	default:
		out_string(o, key, NULL, null_text);
		break;
	}
}
