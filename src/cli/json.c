/* The CLI's one JSON writer: escaping, numbers and arrays appended to a growing buffer. */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pgvodbc.h>

void json_free(json_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void json_clear(json_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

int json_reserve(json_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return -1;
	if (n > SIZE_MAX - b->len - 1)
		goto nomem;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	if (!(p = realloc(b->s, cap)))
		goto nomem;
	b->s = p;
	b->cap = cap;
	return 0;
nomem:
	b->failed = 1;
	return -1;
}

void json_raw(json_buf *b, const char *s, size_t n)
{
	if (json_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void json_raw_str(json_buf *b, const char *s)
{
	json_raw(b, s, strlen(s));
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

void json_string(json_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	json_raw(b, "\"", 1);
	while (n > 0) {
		size_t len = utf8_len(p, n);
		char esc[8];

		if (len == 0) {
			json_raw(b, "\\ufffd", 6);
			len = 1;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			json_raw(b, esc, 2);
		} else if (*p == '\n') {
			json_raw(b, "\\n", 2);
		} else if (*p == '\t') {
			json_raw(b, "\\t", 2);
		} else if (*p == '\r') {
			json_raw(b, "\\r", 2);
		} else if (*p < 0x20 || *p == 0x7F) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)*p);
			json_raw(b, esc, 6);
		} else {
			json_raw(b, (const char *)p, len);
		}
		p += len;
		n -= len;
	}
	json_raw(b, "\"", 1);
}

void json_key(json_buf *b, const char *key)
{
	json_string(b, key);
	json_raw(b, ":", 1);
}

void json_int(json_buf *b, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);

	json_raw(b, buf, (size_t)n);
}

void json_double(json_buf *b, double v)
{
	char buf[PGV_DOUBLE_TEXT_MAX];
	size_t n;

	if (!isfinite(v)) {
		json_raw(b, "null", 4); /* JSON has no NaN or infinity */
		return;
	}
	n = pgv_double_format(v, buf, sizeof(buf));
	if (n >= sizeof(buf)) /* cannot happen: the longest fits */
		n = (size_t)snprintf(buf, sizeof(buf), "%.17g", v);
	json_raw(b, buf, n);
}

void json_floats(json_buf *b, const float *v, size_t dim)
{
	char buf[PGV_FLOAT_TEXT_MAX];

	/* room for the whole array at once: each element is at most PGV_FLOAT_TEXT_MAX - 1 bytes
	 * and a comma (json_reserve checks the size against overflow) */
	if (dim < SIZE_MAX / PGV_FLOAT_TEXT_MAX)
		json_reserve(b, dim * PGV_FLOAT_TEXT_MAX + 2);
	json_raw(b, "[", 1);
	for (size_t i = 0; i < dim; i++) {
		size_t n;

		if (i > 0)
			json_raw(b, ",", 1);
		if (!isfinite(v[i])) {
			json_raw(b, "null", 4); /* a vector read from pgvector never holds one */
			continue;
		}
		n = pgv_float_format(v[i], buf, sizeof(buf));
		if (n >= sizeof(buf))
			n = (size_t)snprintf(buf, sizeof(buf), "%.9g", (double)v[i]);
		json_raw(b, buf, n);
	}
	json_raw(b, "]", 1);
}
