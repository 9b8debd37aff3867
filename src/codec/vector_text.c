/*
 * Vector text: pgvector's "[...]" and float4[] "{...}" read with pgvector's grammar (vector_in in
 * pgvector's src/vector.c), and pgvector text written with the shortest round-trip floats.
 */
#include "common/error.h" /* first: it defines _GNU_SOURCE for strtof_l and locale_t */
#include "codec/numtext.h"
#include "pgvodbc/vector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The least room for elements; grows by doubling up to PGV_VECTOR_MAX_DIM. */
#define INITIAL_ROOM 16

/* The state of one parse: the input, where we are, and the elements read so far. */
typedef struct parser {
	const char *text;
	size_t len;
	size_t pos;
	float *data;
	size_t dim;
	size_t room;
} parser;

/* Advances past pgvector's whitespace. */
static void skip_space(parser *p)
{
	while (p->pos < p->len && pgv__is_space(p->text[p->pos]))
		p->pos++;
}

/* Reports malformed text at `offset`, with pgvector's message and an optional detail. */
static int syntax_error(const parser *p, size_t offset, const char *detail)
{
	char quoted[PGV__QUOTE_BUF];

	pgv__quote(quoted, p->text, p->len);
	if (detail != NULL)
		return pgv__error_set(PGV_EPARSE, (int64_t)offset,
			"invalid input syntax for type vector: \"%s\": %s", quoted, detail);
	return pgv__error_set(PGV_EPARSE, (int64_t)offset,
		"invalid input syntax for type vector: \"%s\"", quoted);
}

/* 1 when the element text is NULL in any letter case, as array_in spells a null element. */
static int is_null_token(const char *s, size_t n)
{
	static const char null_word[] = "null";

	if (n != 4)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != null_word[i])
			return 0;
	}
	return 1;
}

/*
 * Grows the element array: first to a guess from the text's length (floats as the server prints
 * them take 8 to 16 bytes with their comma), then by doubling.  Returns 0 or PGV_ENOMEM.
 */
static int grow(parser *p)
{
	size_t room = p->room == 0 ? p->len / 8 : p->room * 2;
	float *grown;

	if (room < INITIAL_ROOM)
		room = INITIAL_ROOM;
	if (room < p->room || room > PGV_VECTOR_MAX_DIM)
		room = PGV_VECTOR_MAX_DIM;
	if (room > SIZE_MAX / sizeof(float) || room <= p->dim)
		return pgv__error_set(PGV_ENOMEM, (int64_t)p->pos, "vector too large to allocate");
	grown = realloc(p->data, room * sizeof(float));
	if (grown == NULL)
		return pgv__error_set(PGV_ENOMEM, (int64_t)p->pos,
			"out of memory reading a vector of %zu dimensions", p->dim + 1);
	p->data = grown;
	p->room = room;
	return PGV_OK;
}

/* Appends one element; returns 0 or PGV_ENOMEM. */
static int push(parser *p, float value)
{
	if (p->dim == p->room) {
		int rc = grow(p);

		if (rc != PGV_OK)
			return rc;
	}
	p->data[p->dim++] = value;
	return PGV_OK;
}

/*
 * Reads a run of elements of the usual shape, each with its comma, straight into the array
 * (pgv__float_parse_run).  Sets *read to how many; returns 0 or PGV_ENOMEM.
 */
static int read_run(parser *p, size_t *read)
{
	size_t used;

	*read = 0;
	if (p->dim == p->room) {
		int rc = grow(p);

		if (rc != PGV_OK)
			return rc;
	}
	used = pgv__float_parse_run(p->text + p->pos, p->len - p->pos, p->data + p->dim,
		p->room - p->dim, read);
	p->dim += *read;
	p->pos += used;
	return PGV_OK;
}

/* 1 when `c` ends an element: pgvector's whitespace, a comma or a closing bracket. */
static int ends_element(char c)
{
	return pgv__is_space(c) || c == ',' || c == ']' || c == '}';
}

/*
 * Reads one element at p->pos (whitespace already skipped) and appends it.  The element is the
 * run of bytes up to whitespace, a comma, a closing bracket or the end; it is checked in
 * pgvector's order: empty, not a number, out of range, NaN, infinite, then text after the number.
 */
static int read_element(parser *p, char open)
{
	char quoted[PGV__QUOTE_BUF];
	const char *s = p->text + p->pos;
	size_t rest = p->len - p->pos, n = 0, used;
	float value;
	int erange, rc;

	/*
	 * A plain decimal ending where the element ends is read in place, in one pass and with no
	 * copy: the number cannot extend past a delimiter, so it is the whole element.  Anything
	 * else (junk, hex, inf, nan, null, huge digit strings) takes the general path.
	 */
	if (pgv__float_parse(s, rest, &value, &used, &erange) == 0 &&
	    (used == rest || ends_element(s[used]))) {
		n = used;
	} else {
		while (n < rest && !ends_element(s[n]))
			n++;
		if (n == 0)
			return syntax_error(p, p->pos, NULL);
		if (is_null_token(s, n))
			return pgv__error_set(PGV_EPARSE, (int64_t)p->pos, "array must not contain nulls");
		if (open == '{' && s[0] == '{')
			return syntax_error(p, p->pos, "nested arrays are not supported");
		rc = pgv__read_float(s, n, &value, &used, &erange);
		if (rc != PGV_OK)
			return rc;
		if (used == 0)
			return syntax_error(p, p->pos, NULL);
	}
	if (erange && isinf(value))
		return pgv__error_set(PGV_EVALUE, (int64_t)p->pos,
			"\"%s\" is out of range for type vector", pgv__quote(quoted, s, used));
	if (isnan(value))
		return pgv__error_set(PGV_EVALUE, (int64_t)p->pos, "NaN not allowed in vector");
	if (isinf(value))
		return pgv__error_set(PGV_EVALUE, (int64_t)p->pos, "infinite value not allowed in vector");
	if (used != n)
		return syntax_error(p, p->pos + used, NULL);
	rc = push(p, value);
	if (rc != PGV_OK)
		return rc;
	p->pos += n;
	return PGV_OK;
}

/* Runs pgvector's grammar over the whole input; on success p->data holds p->dim elements. */
static int parse_all(parser *p)
{
	char open, close, other_close;
	size_t run;
	int rc;

	skip_space(p);
	if (p->pos == p->len || (p->text[p->pos] != '[' && p->text[p->pos] != '{'))
		return syntax_error(p, p->pos, "vector contents must start with \"[\" or \"{\"");
	open = p->text[p->pos++];
	close = open == '[' ? ']' : '}';
	other_close = open == '[' ? '}' : ']';
	skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == close)
		return pgv__error_set(PGV_EDIM, (int64_t)p->pos, "vector must have at least 1 dimension");
	for (;;) {
		if (p->dim == PGV_VECTOR_MAX_DIM)
			return pgv__error_set(PGV_EDIM, (int64_t)p->pos,
				"vector cannot have more than %d dimensions", PGV_VECTOR_MAX_DIM);
		skip_space(p);
		if (p->pos == p->len)
			return syntax_error(p, p->pos, "unexpected end of input");
		rc = read_run(p, &run);
		if (rc != PGV_OK)
			return rc;
		if (run > 0)
			continue; /* each element came with its comma: the next one starts here */
		rc = read_element(p, open);
		if (rc != PGV_OK)
			return rc;
		skip_space(p);
		if (p->pos == p->len)
			return syntax_error(p, p->pos, "unexpected end of input");
		if (p->text[p->pos] == ',') {
			p->pos++;
		} else if (p->text[p->pos] == close) {
			p->pos++;
			break;
		} else if (p->text[p->pos] == other_close) {
			return syntax_error(p, p->pos, open == '[' ?
				"\"}\" does not close \"[\"" : "\"]\" does not close \"{\"");
		} else {
			return syntax_error(p, p->pos, NULL);
		}
	}
	skip_space(p);
	if (p->pos != p->len)
		return syntax_error(p, p->pos, "junk after closing right brace");
	return PGV_OK;
}

/* Parses vector or float4[] text into a newly allocated vector. */
int pgv_vector_parse(const char *text, size_t len, pgv_vector *out)
{
	parser p = { text, len, 0, NULL, 0, 0 };
	int rc;

	pgv__error_clear();
	if (out != NULL) {
		out->dim = 0;
		out->data = NULL;
	}
	if (text == NULL || out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "parsing a vector: text and out must not be NULL");
	rc = parse_all(&p);
	if (rc != PGV_OK) {
		free(p.data);
		return rc;
	}
	if (p.room > p.dim) {
		/* give back the unused room; keeping the larger block is fine if this fails */
		float *fitted = realloc(p.data, p.dim * sizeof(float));

		if (fitted != NULL)
			p.data = fitted;
	}
	out->dim = p.dim;
	out->data = p.data;
	return PGV_OK;
}

/* Adds b to *sum unless that would overflow size_t; returns 0 on overflow. */
static int add_size(size_t *sum, size_t b)
{
	if (*sum > SIZE_MAX - b)
		return 0;
	*sum += b;
	return 1;
}

/*
 * Writes the text of v[0..dim) into buf, which the caller guarantees is large enough, or only
 * measures it when buf is NULL.  Returns the length, or SIZE_MAX if that overflows size_t.
 */
static size_t format_into(const float *v, size_t dim, char *buf)
{
	char elem[PGV_FLOAT_TEXT_MAX];
	size_t n = 1;

	if (buf != NULL)
		buf[0] = '[';
	for (size_t i = 0; i < dim; i++) {
		size_t k = pgv_float_format(v[i], elem, sizeof(elem));

		if (i > 0) {
			if (buf != NULL)
				buf[n] = ',';
			if (!add_size(&n, 1))
				return SIZE_MAX;
		}
		if (buf != NULL)
			memcpy(buf + n, elem, k);
		if (!add_size(&n, k))
			return SIZE_MAX;
	}
	if (!add_size(&n, 1))
		return SIZE_MAX;
	if (buf != NULL) {
		buf[n - 1] = ']';
		buf[n] = '\0';
	}
	return n;
}

/* The most bytes (with the NUL) the text of a dim-element vector can need; 0 on overflow. */
static size_t format_bound(size_t dim)
{
	/* each element at most PGV_FLOAT_TEXT_MAX - 1 bytes plus a comma; brackets and the NUL */
	if (dim > (SIZE_MAX - 3) / PGV_FLOAT_TEXT_MAX)
		return 0;
	return dim * PGV_FLOAT_TEXT_MAX + 3;
}

/* Writes pgvector text of v[0..dim) into buf when it fits whole; returns the needed length. */
size_t pgv_vector_format(const float *v, size_t dim, char *buf, size_t cap)
{
	size_t bound = format_bound(dim);
	size_t need;

	if (v == NULL && dim > 0) {
		if (cap > 0 && buf != NULL)
			buf[0] = '\0';
		return 0;
	}
	if (buf != NULL && bound != 0 && cap >= bound)
		return format_into(v, dim, buf);
	/* the room may be short: measure first, so nothing but "" is written when it does not fit */
	need = format_into(v, dim, NULL);
	if (need != SIZE_MAX && need < cap && buf != NULL)
		return format_into(v, dim, buf);
	if (cap > 0 && buf != NULL)
		buf[0] = '\0';
	return need;
}

/* Formats a vector into newly allocated text. */
int pgv_vector_to_text(char **out, size_t *len, const float *v, size_t dim)
{
	size_t bound = format_bound(dim);
	size_t n;
	char *text, *fitted;

	pgv__error_clear();
	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || (v == NULL && dim > 0))
		return pgv__error_set(PGV_EINVAL, -1, "formatting a vector: out and data must not be NULL");
	if (bound == 0)
		return pgv__error_set(PGV_ENOMEM, -1, "formatting a vector: %zu dimensions is too many", dim);
	text = malloc(bound);
	if (text == NULL)
		return pgv__error_set(PGV_ENOMEM, -1,
			"out of memory formatting a vector of %zu dimensions", dim);
	n = format_into(v, dim, text);
	fitted = realloc(text, n + 1);
	*out = fitted != NULL ? fitted : text;
	if (len != NULL)
		*len = n;
	return PGV_OK;
}
