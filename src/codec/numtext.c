/* Strict, locale-independent reading of number text, and quoting of bad input in messages. */
#include "common/error.h"
#include "codec/numtext.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Number text up to this many bytes is copied to the stack; longer digit strings go to the heap. */
#define STACK_TOKEN 64

/* A NUL-terminated copy of a byte range, on the stack when short. */
typedef struct token_copy {
	char small[STACK_TOKEN];
	char *text;
} token_copy;

/* Copies `s[0..len)` into `t` with a NUL; returns 0 or PGV_ENOMEM (thread error set). */
static int token_copy_make(token_copy *t, const char *s, size_t len)
{
	if (len < sizeof(t->small)) {
		t->text = t->small;
	} else {
		if (len == SIZE_MAX || (t->text = malloc(len + 1)) == NULL)
			return pgv__error_set(PGV_ENOMEM, -1,
				"out of memory reading a number of %zu bytes", len);
	}
	memcpy(t->text, s, len);
	t->text[len] = '\0';
	return PGV_OK;
}

/* Releases a copy made by token_copy_make. */
static void token_copy_release(token_copy *t)
{
	if (t->text != t->small)
		free(t->text);
	t->text = NULL;
}

/* Writes a quoted, escaped prefix of bad input for a message. */
const char *pgv__quote(char *dst, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = len < PGV__QUOTE_MAX ? len : PGV__QUOTE_MAX;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else if (c >= 0x20 && c < 0x7f) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	if (len > n) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

/* Reads a float at the start of a byte range as strtof does in the C locale. */
int pgv__read_float(const char *s, size_t len, float *out, size_t *consumed, int *erange)
{
	token_copy t;
	char *end;
	locale_t c;
	int rc;

	if (pgv__float_parse(s, len, out, consumed, erange) == 0)
		return PGV_OK;
	c = pgv__c_locale();
	rc = token_copy_make(&t, s, len);
	if (rc != PGV_OK)
		return rc;
	errno = 0;
	*out = c ? strtof_l(t.text, &end, c) : strtof(t.text, &end);
	*erange = errno == ERANGE;
	*consumed = (size_t)(end - t.text);
	token_copy_release(&t);
	return PGV_OK;
}

/* Reads a whole byte range as a double, strictly. */
int pgv__parse_double(const char *s, size_t len, double *out)
{
	char quoted[PGV__QUOTE_BUF];
	token_copy t;
	char *end;
	double v;
	int erange;
	size_t used;
	locale_t c = pgv__c_locale();
	int rc;

	pgv__error_clear();
	if (s == NULL || out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "parsing a double: text and out must not be NULL");
	*out = 0.0;
	/* strtod would skip leading whitespace; the text must be the number and nothing else */
	if (len == 0 || pgv__is_space(s[0]))
		return pgv__error_set(PGV_EPARSE, 0, "invalid input syntax for type double precision: \"%s\"",
			pgv__quote(quoted, s, len));
	rc = token_copy_make(&t, s, len);
	if (rc != PGV_OK)
		return rc;
	errno = 0;
	v = c ? strtod_l(t.text, &end, c) : strtod(t.text, &end);
	erange = errno == ERANGE;
	used = (size_t)(end - t.text);
	token_copy_release(&t);
	if (used != len)
		return pgv__error_set(PGV_EPARSE, (int64_t)used,
			"invalid input syntax for type double precision: \"%s\"", pgv__quote(quoted, s, len));
	if (erange && isinf(v))
		return pgv__error_set(PGV_EVALUE, 0, "\"%s\" is out of range for type double precision",
			pgv__quote(quoted, s, len));
	*out = v;
	return PGV_OK;
}

/* Reads a whole byte range as a decimal int64, strictly and overflow-checked. */
int pgv__parse_int64(const char *s, size_t len, int64_t *out)
{
	char quoted[PGV__QUOTE_BUF];
	uint64_t limit, acc = 0;
	size_t i = 0;
	int neg = 0;

	pgv__error_clear();
	if (s == NULL || out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "parsing a bigint: text and out must not be NULL");
	*out = 0;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return pgv__error_set(PGV_EPARSE, (int64_t)i, "invalid input syntax for type bigint: \"%s\"",
			pgv__quote(quoted, s, len));
	/* accumulate the magnitude; a negative number may reach 2^63 */
	limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';

		if (d > 9)
			return pgv__error_set(PGV_EPARSE, (int64_t)i,
				"invalid input syntax for type bigint: \"%s\"", pgv__quote(quoted, s, len));
		if (acc > (limit - d) / 10) {
			/* keep scanning: junk later in the text is a syntax error, not a range error */
			for (size_t j = i + 1; j < len; j++)
				if ((unsigned char)s[j] - (unsigned)'0' > 9)
					return pgv__error_set(PGV_EPARSE, (int64_t)j,
						"invalid input syntax for type bigint: \"%s\"",
						pgv__quote(quoted, s, len));
			return pgv__error_set(PGV_EVALUE, 0, "value \"%s\" is out of range for type bigint",
				pgv__quote(quoted, s, len));
		}
		acc = acc * 10 + d;
	}
	if (neg)
		*out = acc == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)acc;
	else
		*out = (int64_t)acc;
	return PGV_OK;
}
