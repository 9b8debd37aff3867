/* Result lines on stdout: tab-separated text or JSON lines, built whole and written at once. */
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

/* Starts a field: the separator, and the key in JSON. */
static void field(cli_out *o, const char *key)
{
	if (o->nfields++ > 0)
		json_raw(&o->line, o->json ? "," : "\t", 1);
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
		puts_(o, null_text);
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
		puts_(o, o->json ? "null" : null_text);
		return;
	}
	if (o->json) {
		json_floats(&o->line, v->data, v->dim);
		return;
	}
	/* text: pgvector's text, written in place once measured */
	need = pgv_vector_format(v->data, v->dim, NULL, 0);
	if (need == SIZE_MAX || json_reserve(&o->line, need) != 0) {
		o->line.failed = 1;
		return;
	}
	pgv_vector_format(v->data, v->dim, o->line.s + o->line.len, need + 1);
	o->line.len += need;
}

void out_string(cli_out *o, const char *key, const char *s, const char *null_text)
{
	field(o, key);
	if (!s)
		puts_(o, o->json ? "null" : null_text);
	else if (o->json)
		json_string(&o->line, s);
	else
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
