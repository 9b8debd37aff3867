/*
 * Dense vector text: pgvector's "[...]" and float4[] "{...}" read with pgvector's grammar
 * (vector_in in pgvector's src/vector.c, which halfvec_in repeats) and written with the shortest
 * round-trip floats, once for vector and halfvec (a pgv__dense_type says how they differ); and
 * the syntax error every codec parser reports.
 */
#include "common/error.h"
#include "codec/codec.h"
#include "codec/float_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The least room for elements; grows by doubling up to the type's limit. */
#define INITIAL_ROOM 16

/* The state of one parse: the input, where we are, and the elements read so far. */
typedef struct parser {
	pgv__cursor in;
	const pgv__dense_type *type;
	float *data;
	size_t dim;
	size_t room;
	int runs; /* 0 once a run held a value the type rejects: elements are then read one by one */
	/*
	 * Text where runs of the usual shape keep failing (magnitudes all over the range: 1.5e+22,
	 * 123456.7) would pay for a failed attempt per element: after `misses` failures in a row,
	 * the next `alone` elements (1, 2, 4, ... 64, the failing one included) are read otherwise
	 * (pgv__float_parse_any_run, or one by one) before the next attempt; a run that reads
	 * resets the count.
	 */
	unsigned misses, alone;
} parser;

/* Reports malformed text at `offset`, with pgvector's message and an optional detail. */
int pgv__syntax_error(const pgv__cursor *c, size_t offset, const char *detail)
{
	char quoted[PGV__QUOTE_BUF];

	pgv__quote(quoted, c->text, c->len);
	if (detail != NULL)
		return pgv__error_set(PGV_EPARSE, (int64_t)offset,
			"invalid input syntax for type %s: \"%s\": %s", c->type, quoted, detail);
	return pgv__error_set(PGV_EPARSE, (int64_t)offset,
		"invalid input syntax for type %s: \"%s\"", c->type, quoted);
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
	size_t max = (size_t)p->type->max_dim;
	size_t room = p->room == 0 ? p->in.len / 8 : p->room * 2;
	float *grown;

	if (room < INITIAL_ROOM)
		room = INITIAL_ROOM;
	if (room < p->room || room > max)
		room = max;
	if (room > SIZE_MAX / sizeof(float) || room <= p->dim)
		return pgv__error_set(PGV_ENOMEM, (int64_t)p->in.pos, "%s too large to allocate",
			p->type->name);
	grown = realloc(p->data, room * sizeof(float));
	if (grown == NULL)
		return pgv__error_set(PGV_ENOMEM, (int64_t)p->in.pos,
			"out of memory reading a %s of %zu dimensions", p->type->name, p->dim + 1);
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
 * Reads a run of elements, each with its comma, straight into the array with `run` (the usual
 * shape: pgv__float_parse_run; any plain decimal: pgv__float_parse_any_run), at most `most`,
 * and passes them through the type's fit.  Sets *read to how many;
 * returns 0 or PGV_ENOMEM.  A run never holds a value out of a type's range (its shapes stay
 * below 100), but should one, the run is undone and every element from there on is read alone,
 * so the error is the one the element's own checks give, at its own offset.
 */
static int read_run(parser *p, size_t *read,
	size_t (*run)(const char *, size_t, float *, size_t, size_t *), size_t most)
{
	int (*fit)(float *) = p->type->fit;
	size_t used, room;

	*read = 0;
	if (p->dim == p->room) {
		int rc = grow(p);

		if (rc != PGV_OK)
			return rc;
	}
	room = p->room - p->dim < most ? p->room - p->dim : most;
	used = run(p->in.text + p->in.pos, p->in.len - p->in.pos, p->data + p->dim, room, read);
	if (fit != NULL) {
		for (size_t i = 0; i < *read; i++) {
			if (fit(&p->data[p->dim + i])) {
				p->runs = 0;
				*read = 0;
				return PGV_OK;
			}
		}
	}
	p->dim += *read;
	p->in.pos += used;
	return PGV_OK;
}

/* 1 when `c` ends an element: pgvector's whitespace, a comma or a closing bracket. */
static int ends_element(char c)
{
	return pgv__is_space(c) || c == ',' || c == ']' || c == '}';
}

/*
 * Reads one element at p->in.pos (whitespace already skipped) and appends it.  The element is
 * the run of bytes up to whitespace, a comma, a closing bracket or the end; it is checked in
 * pgvector's order: empty, not a number, out of range (of float, or of the type once fitted),
 * NaN, infinite, then text after the number.
 */
static int read_element(parser *p, char open)
{
	char quoted[PGV__QUOTE_BUF];
	const char *name = p->type->name;
	const char *s = p->in.text + p->in.pos;
	size_t rest = p->in.len - p->in.pos, n = 0, used;
	int64_t at = (int64_t)p->in.pos;
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
			return pgv__syntax_error(&p->in, p->in.pos, NULL);
		if (is_null_token(s, n))
			return pgv__error_set(PGV_EPARSE, at, "array must not contain nulls");
		if (open == '{' && s[0] == '{')
			return pgv__syntax_error(&p->in, p->in.pos, "nested arrays are not supported");
		rc = pgv__read_float(s, n, &value, &used, &erange);
		if (rc != PGV_OK)
			return rc;
		if (used == 0)
			return pgv__syntax_error(&p->in, p->in.pos, NULL);
	}
	if ((erange && isinf(value)) || (p->type->fit != NULL && p->type->fit(&value)))
		return pgv__error_set(PGV_EVALUE, at, "\"%s\" is out of range for type %s",
			pgv__quote(quoted, s, used), name);
	if (isnan(value))
		return pgv__error_set(PGV_EVALUE, at, "NaN not allowed in %s", name);
	if (isinf(value))
		return pgv__error_set(PGV_EVALUE, at, "infinite value not allowed in %s", name);
	if (used != n)
		return pgv__syntax_error(&p->in, p->in.pos + used, NULL);
	rc = push(p, value);
	if (rc != PGV_OK)
		return rc;
	p->in.pos += n;
	return PGV_OK;
}

/* Runs pgvector's grammar over the whole input; on success p->data holds p->dim elements. */
static int parse_all(parser *p)
{
	pgv__cursor *in = &p->in;
	char open, close, other_close;
	size_t run;
	int rc;

	pgv__skip_space(in);
	if (in->pos == in->len || (in->text[in->pos] != '[' && in->text[in->pos] != '{'))
		return pgv__syntax_error(in, in->pos, "vector contents must start with \"[\" or \"{\"");
	open = in->text[in->pos++];
	close = open == '[' ? ']' : '}';
	other_close = open == '[' ? '}' : ']';
	pgv__skip_space(in);
	if (in->pos < in->len && in->text[in->pos] == close)
		return pgv__error_set(PGV_EDIM, (int64_t)in->pos, "%s must have at least 1 dimension",
			p->type->name);
	for (;;) {
		if (p->dim == (size_t)p->type->max_dim)
			return pgv__error_set(PGV_EDIM, (int64_t)in->pos,
				"%s cannot have more than %d dimensions", p->type->name, p->type->max_dim);
		pgv__skip_space(in);
		if (in->pos == in->len)
			return pgv__syntax_error(in, in->pos, "unexpected end of input");
		if (p->runs && p->alone == 0) {
			rc = read_run(p, &run, pgv__float_parse_run, SIZE_MAX);
			if (rc != PGV_OK)
				return rc;
			if (run > 0) {
				p->misses = 0;
				continue; /* each element came with its comma: the next one starts here */
			}
			p->alone = 1u << (p->misses < 6 ? p->misses : 6);
			p->misses++;
		}
		if (p->runs) {
			/* not the usual shape: elements of any plain shape, still without the glue */
			rc = read_run(p, &run, pgv__float_parse_any_run, p->alone);
			if (rc != PGV_OK)
				return rc;
			if (run > 0) {
				p->alone -= (unsigned)run;
				continue;
			}
		}
		p->alone -= p->alone > 0;
		rc = read_element(p, open);
		if (rc != PGV_OK)
			return rc;
		pgv__skip_space(in);
		if (in->pos == in->len)
			return pgv__syntax_error(in, in->pos, "unexpected end of input");
		if (in->text[in->pos] == ',') {
			in->pos++;
		} else if (in->text[in->pos] == close) {
			in->pos++;
			break;
		} else if (in->text[in->pos] == other_close) {
			return pgv__syntax_error(in, in->pos, open == '[' ?
				"\"}\" does not close \"[\"" : "\"]\" does not close \"{\"");
		} else {
			return pgv__syntax_error(in, in->pos, NULL);
		}
	}
	pgv__skip_space(in);
	if (in->pos != in->len)
		return pgv__syntax_error(in, in->pos, "junk after closing right brace");
	return PGV_OK;
}

/* Parses dense text as `type` into a newly allocated vector. */
int pgv__dense_parse(const char *text, size_t len, pgv_vector *out, const pgv__dense_type *type)
{
	parser p = { { text, len, 0, type->name }, type, NULL, 0, 0, 1, 0, 0 };
	int rc;

	pgv__error_clear();
	if (out != NULL) {
		out->dim = 0;
		out->data = NULL;
	}
	if (text == NULL || out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "parsing a %s: text and out must not be NULL",
			type->name);
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

/* pgvector's vector: floats kept as read. */
static const pgv__dense_type vector_type = { "vector", PGV_VECTOR_MAX_DIM, NULL };

/* Parses vector or float4[] text into a newly allocated vector. */
int pgv_vector_parse(const char *text, size_t len, pgv_vector *out)
{
	return pgv__dense_parse(text, len, out, &vector_type);
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
 * Writes the text of v[0..dim), each element passed through `fit` unless it is NULL, with its
 * NUL into buf, which the caller guarantees holds format_bound(dim) bytes; returns the length.
 * Each element is written in place (pgv__float_write may touch 16 bytes from where it starts,
 * and no element with its comma takes more, so the bound covers that too): no copy and no size
 * check per element.  Inline, so that the vector's callers, with fit a constant NULL, lose the
 * test.
 */
PGV__FLOAT_INLINE size_t format_into(const float *v, size_t dim, char *buf, int (*fit)(float *))
{
	char *p = buf;

	*p++ = '[';
	for (size_t i = 0; i < dim; i++) {
		float x = v[i];

		if (fit != NULL)
			fit(&x); /* the rounded value is printed, in range or not */
		p += pgv__float_write(p, x);
		*p++ = ',';
	}
	p -= dim > 0; /* the last comma becomes the bracket */
	*p++ = ']';
	*p = '\0';
	return (size_t)(p - buf);
}

/* The length format_into would write, without writing; SIZE_MAX if that overflows size_t. */
static size_t format_length(const float *v, size_t dim, int (*fit)(float *))
{
	char elem[PGV_FLOAT_TEXT_MAX];
	size_t n = 2 + (dim > 0 ? dim - 1 : 0);

	if (dim > 0 && n < dim)
		return SIZE_MAX;
	for (size_t i = 0; i < dim; i++) {
		float x = v[i];

		if (fit != NULL)
			fit(&x);
		if (!add_size(&n, pgv__float_write(elem, x)))
			return SIZE_MAX;
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

/*
 * Writes the text into a buf shorter than format_bound but long enough for the text and its NUL
 * (format_length said so): elements go through a 16-byte scratch, as the last ones could
 * otherwise touch bytes past the caller's room.
 */
static size_t write_short(const float *v, size_t dim, char *buf, int (*fit)(float *))
{
	char elem[PGV_FLOAT_TEXT_MAX];
	size_t n = 1;

	buf[0] = '[';
	for (size_t i = 0; i < dim; i++) {
		float x = v[i];
		size_t k;

		if (fit != NULL)
			fit(&x);
		k = pgv__float_write(elem, x);
		memcpy(buf + n, elem, k);
		buf[n + k] = ',';
		n += k + 1;
	}
	n -= dim > 0;
	buf[n++] = ']';
	buf[n] = '\0';
	return n;
}

/* Writes dense text when it fits whole, else "" when it can; returns the needed length. */
static inline size_t format_fitting(const float *v, size_t dim, char *buf, size_t cap,
	int (*fit)(float *))
{
	size_t bound = format_bound(dim);
	size_t need;

	if (v == NULL && dim > 0)
		return pgv__not_written(buf, cap, 0);
	if (buf != NULL && bound != 0 && cap >= bound)
		return format_into(v, dim, buf, fit);
	/* the room may be short: measure first, so nothing but "" is written when it does not fit */
	need = format_length(v, dim, fit);
	if (need != SIZE_MAX && need < cap && buf != NULL)
		return write_short(v, dim, buf, fit);
	return pgv__not_written(buf, cap, need);
}

/* Writes dense text of v[0..dim) as `type` into buf when it fits whole; returns the length. */
size_t pgv__dense_format(const float *v, size_t dim, char *buf, size_t cap,
	const pgv__dense_type *type)
{
	return format_fitting(v, dim, buf, cap, type->fit);
}

/* Writes pgvector text of v[0..dim) into buf when it fits whole; returns the needed length. */
size_t pgv_vector_format(const float *v, size_t dim, char *buf, size_t cap)
{
	return format_fitting(v, dim, buf, cap, NULL);
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
	n = format_into(v, dim, text, NULL);
	fitted = realloc(text, n + 1);
	*out = fitted != NULL ? fitted : text;
	if (len != NULL)
		*len = n;
	return PGV_OK;
}
