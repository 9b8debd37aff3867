/*
 * The JSON lines reader of `import`: one object a line, {"id":ID,"embedding":[...]}, keys in any
 * order, any JSON whitespace.  "distance" and "step" are ignored (so the lines of `knn --json`
 * and `demo --json` import too); other keys name columns: fmt__json_record_fields collects them,
 * and string ids, for a collection (import then refuses a key the table lacks).  Values must be
 * JSON.  A numeric id must be an integer; the array is handed whole to the library's codec, so
 * its numbers get pgvector's reading and messages.
 */
#include "formats.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* How deep an ignored value may nest: bounds the recursion of skip_value. */
#define MAX_DEPTH 64

typedef struct jp {
	fmt_reader *r;
	const char *s;
	size_t n, i;
} jp;

/* Steps over JSON whitespace. */
static void ws(jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r'
			|| p->s[p->i] == '\n'))
		p->i++;
}

/* Records "column C: WHAT, not TEXT" (TEXT: what is at the position); returns -1. */
static int fail(jp *p, const char *what)
{
	char q[96];
	size_t rest = p->n - p->i;

	if (rest == 0)
		return fmt__problem(p->r, "column %zu: %s, not the end of the line", p->i + 1, what);
	return fmt__problem(p->r, "column %zu: %s, not %s", p->i + 1, what,
		cli_quote(q, sizeof(q), p->s + p->i, rest > 20 ? 20 : rest));
}

/* The value of a hexadecimal digit, -1 for another character. */
static int hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A growing text: the decoded UTF-8 of a string. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
	int oom;
} sbuf;

/* Appends n bytes. */
static void sbuf_add(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *q;
		while (cap < b->n + n + 1)
			cap *= 2;
		if (!(q = realloc(b->s, cap))) {
			b->oom = 1;
			return;
		}
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* Appends code point `cp` as UTF-8. */
static void sbuf_utf8(sbuf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		sbuf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		sbuf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		sbuf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		sbuf_add(b, u, 4);
	}
}

/* Reads 4 hexadecimal digits at s[at..]; -1 when they are not. */
static int hex4(const jp *p, size_t at)
{
	int v = 0;

	for (int d = 0; d < 4; d++) {
		int h = at + (size_t)d < p->n ? hex(p->s[at + (size_t)d]) : -1;
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Reads the string at p->i (its opening quote).  When `key` is not NULL, the decoded string goes
 * there if it is ASCII and shorter than `cap`; otherwise key[0] is set to 1 (no key matches it).
 * When `text` is not NULL, the whole decoded string goes there as UTF-8 (\u escapes, surrogate
 * pairs joined; a lone surrogate or \u0000 is refused: no column type can hold it).
 */
static int string_text(jp *p, char *key, size_t cap, sbuf *text)
{
	size_t k = 0;
	int fits = 1;

	if (text)
		sbuf_add(text, "", 0);

	p->i++;
	for (;;) {
		unsigned char ch;
		int out;

		if (p->i >= p->n)
			return fail(p, "a string must end with '\"'");
		ch = (unsigned char)p->s[p->i];
		if (ch == '"') {
			p->i++;
			break;
		}
		if (ch < 0x20)
			return fail(p, "a control character must be escaped in a string");
		if (ch != '\\') {
			out = ch;
			p->i++;
		} else {
			const char *e = strchr("\"\\/bfnrtu", p->i + 1 < p->n ? p->s[p->i + 1] : 'x');

			if (!e || !*e)
				return fail(p, "a backslash must begin an escape such as \\n or \\u0041");
			if (*e == 'u') {
				if ((out = hex4(p, p->i + 2)) < 0)
					return fail(p, "\\u must be followed by 4 hexadecimal digits");
				p->i += 6;
				if (text && out >= 0xD800 && out < 0xDC00 && p->i + 1 < p->n
						&& p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
					int lo = hex4(p, p->i + 2);
					if (lo >= 0xDC00 && lo < 0xE000) {
						out = 0x10000 + ((out - 0xD800) << 10) + (lo - 0xDC00);
						p->i += 6;
					}
				}
				if (text && (out == 0 || (out >= 0xD800 && out < 0xE000)))
					return fail(p, "a string holds \\u0000 or a lone surrogate, which no "
						"column can store");
			} else {
				out = (int)(unsigned char)"\"\\/\b\f\n\r\t"[e - "\"\\/bfnrtu"];
				p->i += 2;
			}
			if (text)
				sbuf_utf8(text, (unsigned)out);
		}
		if (text && ch != '\\') {
			char byte = (char)ch;
			sbuf_add(text, &byte, 1);
		}
		if (key) {
			if (out > 0 && out < 0x80 && k + 1 < cap)
				key[k++] = (char)out;
			else
				fits = 0;
		}
	}
	if (key) {
		key[k] = '\0';
		if (!fits)
			key[0] = 1;
	}
	if (text && text->oom)
		return fmt__problem(p->r, "out of memory");
	return 0;
}

/* Reads a string, decoding only an ASCII key (see string_text). */
static int string(jp *p, char *key, size_t cap)
{
	return string_text(p, key, cap, NULL);
}

/* The length of the JSON number at p->i (0 when there is none); *integer says whether it has
 * neither a fraction nor an exponent. */
static size_t number_len(const jp *p, int *integer)
{
	const char *s = p->s;
	size_t i = p->i, n = p->n;

	*integer = 1;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		*integer = 0;
		if (++i >= n || !(s[i] >= '0' && s[i] <= '9'))
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*integer = 0;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !(s[i] >= '0' && s[i] <= '9'))
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i - p->i;
}

/* Steps over the JSON value at p->i, checking that it is one. */
static int skip_value(jp *p, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	int integer;
	size_t len;

	if (depth > MAX_DEPTH)
		return fail(p, "values nest too deeply");
	if (p->i < p->n && p->s[p->i] == '"')
		return string(p, NULL, 0);
	if (p->i < p->n && (p->s[p->i] == '{' || p->s[p->i] == '[')) {
		char close = p->s[p->i] == '{' ? '}' : ']';

		p->i++;
		ws(p);
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				if (p->i >= p->n || p->s[p->i] != '"')
					return fail(p, "expected a key in double quotes");
				if (string(p, NULL, 0) != 0)
					return -1;
				ws(p);
				if (p->i >= p->n || p->s[p->i] != ':')
					return fail(p, "expected ':' after the key");
				p->i++;
				ws(p);
			}
			if (skip_value(p, depth + 1) != 0)
				return -1;
			ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				ws(p);
				continue;
			}
			if (p->i < p->n && p->s[p->i] == close) {
				p->i++;
				return 0;
			}
			return fail(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	for (size_t w = 0; w < 3; w++) {
		len = strlen(words[w]);
		if (p->n - p->i >= len && memcmp(p->s + p->i, words[w], len) == 0) {
			p->i += len;
			return 0;
		}
	}
	if ((len = number_len(p, &integer)) == 0)
		return fail(p, "expected a JSON value");
	p->i += len;
	return 0;
}

/* Reads the value of "id": a JSON integer within 64 bits. */
static int id_value(jp *p, int64_t *id)
{
	char q[96];
	int integer, rc;
	size_t len = number_len(p, &integer);

	if (len == 0 || !integer)
		return fail(p, "\"id\" must be an integer");
	rc = cli_parse_int64(p->s + p->i, len, id);
	if (rc != 0)
		return fmt__problem(p->r, "column %zu: id %s is out of range for a 64-bit integer",
			p->i + 1, cli_quote(q, sizeof(q), p->s + p->i, len));
	p->i += len;
	return 0;
}

void fmt_fields_clear(fmt_fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->names[i]);
		free((char *)f->values[i].text);
	}
	free(f->names);
	free(f->values);
	free(f->id_text);
	memset(f, 0, sizeof(*f));
}

/* Adds a field (name and text taken); -1 out of memory (both freed). */
int fmt__fields_add(fmt_fields *f, char *name, pgv_value v)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		char **nn = realloc(f->names, cap * sizeof(*nn));
		pgv_value *nv;

		if (nn)
			f->names = nn;
		nv = nn ? realloc(f->values, cap * sizeof(*nv)) : NULL;
		if (!nv) {
			free(name);
			free((char *)v.text);
			return -1;
		}
		f->values = nv;
		f->cap = cap;
	}
	f->names[f->n] = name;
	f->values[f->n++] = v;
	return 0;
}

/* Reads the value of another key into `extra` as a field named `name` (taken). */
static int field_value(jp *p, fmt_fields *extra, char *name)
{
	sbuf t = { NULL, 0, 0, 0 };
	size_t at = p->i;
	pgv_value v = pgv_value_null();

	for (size_t i = 0; i < extra->n; i++) {
		if (strcmp(extra->names[i], name) == 0) {
			fmt__problem(p->r, "column %zu: the key \"%s\" appears twice", p->i + 1, name);
			free(name);
			return -1;
		}
	}
	if (p->i < p->n && p->s[p->i] == '"') {
		if (string_text(p, NULL, 0, &t) != 0) {
			free(t.s);
			free(name);
			return -1;
		}
		v = pgv_value_textn(t.s, t.n);
	} else {
		if (skip_value(p, 1) != 0) {
			free(name);
			return -1;
		}
		if (p->i - at == 4 && memcmp(p->s + at, "null", 4) == 0) {
			v = pgv_value_null();
		} else if (p->i - at == 4 && memcmp(p->s + at, "true", 4) == 0) {
			v = pgv_value_bool(1);
		} else if (p->i - at == 5 && memcmp(p->s + at, "false", 5) == 0) {
			v = pgv_value_bool(0);
		} else {
			/* a number's text, or an object's or array's JSON text */
			sbuf_add(&t, p->s + at, p->i - at);
			if (t.oom) {
				free(t.s);
				free(name);
				return fmt__problem(p->r, "out of memory");
			}
			v = pgv_value_textn(t.s, t.n);
		}
	}
	if (fmt__fields_add(extra, name, v) != 0)
		return fmt__problem(p->r, "out of memory");
	return 0;
}

int fmt__json_record(fmt_reader *r, char *s, size_t n, int parse, int64_t *id,
	pgv_vector *vec)
{
	return fmt__json_record_fields(r, s, n, parse, id, vec, NULL);
}

int fmt__json_record_fields(fmt_reader *r, char *s, size_t n, int parse, int64_t *id,
	pgv_vector *vec, fmt_fields *extra)
{
	jp p = { r, s, n, 0 };
	int have_id = 0, have_vec = 0, vec_null = 0;
	size_t vec_at = 0, vec_len = 0;

	ws(&p);
	if (p.i >= n || s[p.i] != '{')
		return fail(&p, "expected an object, {\"id\":1,\"embedding\":[0.1,0.2]}");
	p.i++;
	ws(&p);
	if (p.i < n && s[p.i] == '}')
		p.i++;
	else
		for (;;) {
			char key[16];
			sbuf name = { NULL, 0, 0, 0 };

			if (p.i >= n || s[p.i] != '"')
				return fail(&p, "expected a key in double quotes");
			if (string_text(&p, key, sizeof(key), extra ? &name : NULL) != 0) {
				free(name.s);
				return -1;
			}
			ws(&p);
			if (p.i >= n || s[p.i] != ':')
				return fail(&p, "expected ':' after the key");
			p.i++;
			ws(&p);
			if (strcmp(key, "id") == 0 || strcmp(key, "embedding") == 0) {
				int is_id = key[0] == 'i';

				if (is_id ? have_id : have_vec)
					return fmt__problem(r, "column %zu: the key \"%s\" appears twice",
						p.i + 1, key);
				free(name.s);
				if (is_id && extra && p.i < n && s[p.i] == '"') {
					sbuf t = { NULL, 0, 0, 0 };
					if (string_text(&p, NULL, 0, &t) != 0) {
						free(t.s);
						return -1;
					}
					extra->id_text = t.s;
					extra->id_len = t.n;
					*id = 0;
					have_id = 1;
				} else if (is_id) {
					if (id_value(&p, id) != 0)
						return -1;
					have_id = 1;
				} else if (n - p.i >= 4 && memcmp(s + p.i, "null", 4) == 0) {
					p.i += 4;
					have_vec = vec_null = 1;
				} else if (p.i < n && s[p.i] == '[') {
					const char *close = memchr(s + p.i, ']', n - p.i);

					if (!close)
						return fail(&p, "the array of \"embedding\" must end on its line "
							"with ']'");
					vec_at = p.i;
					vec_len = (size_t)(close - (s + p.i)) + 1;
					p.i += vec_len;
					have_vec = 1;
				} else {
					return fail(&p, "\"embedding\" must be an array of numbers");
				}
			} else if (extra && strcmp(key, "distance") != 0 && strcmp(key, "step") != 0) {
				if (field_value(&p, extra, name.s) != 0)
					return -1;
			} else {
				free(name.s);
				if (skip_value(&p, 1) != 0)
					return -1;
			}
			ws(&p);
			if (p.i < n && s[p.i] == ',') {
				p.i++;
				ws(&p);
				continue;
			}
			if (p.i < n && s[p.i] == '}') {
				p.i++;
				break;
			}
			return fail(&p, "expected ',' or '}'");
		}
	ws(&p);
	if (p.i < n)
		return fail(&p, "expected the end of the line after the object");
	if (!have_id || !have_vec)
		return fmt__problem(r, "the object has no \"%s\" key", have_id ? "embedding" : "id");
	if (vec_null && extra && extra->id_text)
		return fmt__problem(r, "id \"%s\": the embedding is null, and import cannot write "
			"a NULL vector", extra->id_text);
	if (vec_null)
		return fmt__problem(r, "id %lld: the embedding is null, and import cannot write a "
			"NULL vector", (long long)*id);
	/* the vector is parsed last, so that no other problem can leave it allocated */
	if (parse && pgv_vector_parse(s + vec_at, vec_len, vec) != 0) {
		if (extra && extra->id_text)
			return fmt__problem(r, "id \"%s\": %s", extra->id_text,
				pgv_error_last()->message);
		return fmt__vector_problem(r, *id, s + vec_at, vec_len);
	}
	return 1;
}
