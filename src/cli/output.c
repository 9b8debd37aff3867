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
	free(o->line);
	o->line = NULL;
	o->len = o->cap = 0;
}

/* Makes room for `n` more bytes (and a NUL); 0, or -1 with failed set. */
static int reserve(cli_out *o, size_t n)
{
	size_t need, cap;
	char *p;

	if (o->failed)
		return -1;
	if (n > SIZE_MAX - o->len - 1)
		goto nomem;
	need = o->len + n + 1;
	if (need <= o->cap)
		return 0;
	cap = o->cap ? o->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(o->line, cap);
	if (!p)
		goto nomem;
	o->line = p;
	o->cap = cap;
	return 0;
nomem:
	o->failed = 1;
	o->err = ENOMEM;
	return -1;
}

/* Appends `n` bytes. */
static void put(cli_out *o, const char *s, size_t n)
{
	if (reserve(o, n) != 0)
		return;
	memcpy(o->line + o->len, s, n);
	o->len += n;
	o->line[o->len] = '\0';
}

static void puts_(cli_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
			|| (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Appends `s` as a JSON string; bytes that are not UTF-8 become U+FFFD so the line stays JSON. */
static void put_json_string(cli_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	put(o, "\"", 1);
	while (n > 0) {
		size_t len = utf8_len(p, n);
		char esc[8];

		if (len == 0) {
			puts_(o, "\\ufffd");
			len = 1;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(o, esc, 2);
		} else if (*p == '\n') {
			puts_(o, "\\n");
		} else if (*p == '\t') {
			puts_(o, "\\t");
		} else if (*p == '\r') {
			puts_(o, "\\r");
		} else if (*p < 0x20 || *p == 0x7F) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)*p);
			puts_(o, esc);
		} else {
			put(o, (const char *)p, len);
		}
		p += len;
		n -= len;
	}
	put(o, "\"", 1);
}

/* Appends `s` as a CSV field: as it is, or quoted with its quotes doubled when it holds a
 * comma, a quote, CR or LF (RFC 4180). */
static void put_csv_string(cli_out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		puts_(o, s);
		return;
	}
	put(o, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		put(o, s, (size_t)(q - s) + 1);
		put(o, "\"", 1);
	}
	puts_(o, s);
	put(o, "\"", 1);
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
			put(o, s, 1);
	}
}

/* Starts a field: the separator, and the key in JSON. */
static void field(cli_out *o, const char *key)
{
	if (o->nfields++ > 0)
		put(o, o->json || o->csv ? "," : "\t", 1);
	if (o->json) {
		put_json_string(o, key);
		put(o, ":", 1);
	}
}

void out_begin(cli_out *o)
{
	o->len = 0;
	o->nfields = 0;
	if (reserve(o, 0) == 0)
		o->line[0] = '\0';
	if (o->json) {
		put(o, "{", 1);
		if (o->step) {
			field(o, "step");
			put_json_string(o, o->step);
		}
	}
}

void out_int(cli_out *o, const char *key, int64_t v)
{
	char buf[32];

	field(o, key);
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	puts_(o, buf);
}

void out_double(cli_out *o, const char *key, const double *v, const char *null_text)
{
	char buf[PGV_DOUBLE_TEXT_MAX];

	field(o, key);
	if (!v || (o->json && !isfinite(*v))) {
		/* JSON has no NaN or infinity: a value that is not a number is shown as absent. */
		puts_(o, o->json ? "null" : o->csv && !v ? "" : null_text);
		return;
	}
	if (pgv_double_format(*v, buf, sizeof(buf)) >= sizeof(buf))
		snprintf(buf, sizeof(buf), "%.17g", *v); /* cannot happen: the maximum fits */
	puts_(o, buf);
}

void out_vector(cli_out *o, const char *key, const pgv_vector *v, const char *null_text)
{
	char buf[PGV_FLOAT_TEXT_MAX];

	field(o, key);
	if (!v || (v->dim > 0 && !v->data)) {
		puts_(o, o->json ? "null" : o->csv ? "" : null_text);
		return;
	}
	if (o->csv && v->dim > 1)
		put(o, "\"", 1); /* its commas */
	/* Room for the whole vector at once: each element is at most PGV_FLOAT_TEXT_MAX - 1 bytes
	 * plus a comma (checked against overflow by reserve). */
	if (v->dim < SIZE_MAX / PGV_FLOAT_TEXT_MAX)
		reserve(o, v->dim * PGV_FLOAT_TEXT_MAX + 2);
	put(o, "[", 1);
	for (size_t i = 0; i < v->dim; i++) {
		size_t n;

		if (i > 0)
			put(o, ",", 1);
		if (o->json && !isfinite(v->data[i])) {
			puts_(o, "null"); /* a vector read from pgvector never holds one */
			continue;
		}
		n = pgv_float_format(v->data[i], buf, sizeof(buf));
		if (n >= sizeof(buf))
			n = (size_t)snprintf(buf, sizeof(buf), "%.9g", (double)v->data[i]);
		put(o, buf, n);
	}
	put(o, "]", 1);
	if (o->csv && v->dim > 1)
		put(o, "\"", 1);
}

void out_string(cli_out *o, const char *key, const char *s, const char *null_text)
{
	field(o, key);
	if (!s)
		puts_(o, o->json ? "null" : o->csv ? "" : null_text);
	else if (o->json)
		put_json_string(o, s);
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
	put(o, "\n", 1);
	if (o->failed)
		return -1;
	errno = 0;
	if (fwrite(o->line, 1, o->len, o->fp) != o->len) {
		o->failed = 1;
		o->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int out_end(cli_out *o)
{
	if (o->json)
		put(o, "}", 1);
	return write_line(o);
}

int out_text(cli_out *o, const char *text)
{
	if (o->json)
		return o->failed ? -1 : 0;
	o->len = 0;
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
