/*
 * The file formats of `import` and `export`: buffered reading with byte and line positions, the
 * CSV and .fvecs readers (JSON lines are in formats_json.c), and the writers of all three.
 */
#include "formats.h"
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes asked of read(2) at a time. */
#define IN_CAP ((size_t)1 << 16)

static const char *const NAMES[] = { "", "csv", "jsonl", "fvecs" };

int fmt_from_name(const char *name, fmt_kind *out)
{
	for (int k = FMT_CSV; k <= FMT_FVECS; k++)
		if (strcmp(name, NAMES[k]) == 0) {
			*out = (fmt_kind)k;
			return 0;
		}
	return -1;
}

fmt_kind fmt_from_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	if (!dot)
		return FMT_NONE;
	if (strcmp(dot, ".csv") == 0)
		return FMT_CSV;
	if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0)
		return FMT_JSONL;
	if (strcmp(dot, ".fvecs") == 0)
		return FMT_FVECS;
	return FMT_NONE;
}

const char *fmt_name(fmt_kind kind)
{
	return kind >= FMT_CSV && kind <= FMT_FVECS ? NAMES[kind] : "";
}

const char *fmt_where(char *buf, size_t cap, const char *name, fmt_kind kind, uint64_t line,
	uint64_t record, uint64_t offset)
{
	if (kind == FMT_FVECS)
		snprintf(buf, cap, "%s record %llu (byte offset %llu)", name,
			(unsigned long long)record, (unsigned long long)offset);
	else
		snprintf(buf, cap, "%s line %llu", name, (unsigned long long)line);
	return buf;
}

/* ---- reading: buffered input ----------------------------------------------------------------- */

int fmt_reader_init(fmt_reader *r, fmt_kind kind, int fd, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->fd = fd;
	r->name = name;
	r->in = malloc(IN_CAP);
	return r->in ? 0 : -1;
}

/* Forgets the header's column names. */
static void drop_columns(fmt_reader *r)
{
	for (size_t i = 0; i < r->ncolumns; i++)
		free(r->columns[i]);
	free(r->columns);
	r->columns = NULL;
	r->ncolumns = 0;
}

void fmt_reader_free(fmt_reader *r)
{
	drop_columns(r);
	free(r->in);
	free(r->rec);
	free(r->floats);
	r->in = NULL;
	r->rec = NULL;
	r->floats = NULL;
}

int fmt__problem(fmt_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

int fmt__vector_problem(fmt_reader *r, int64_t id, const char *text, size_t len)
{
	const pgv_error *e = pgv_error_last();
	const char *msg = e->message && e->message[0] ? e->message : pgv_status_name(e->status);
	char q[96];

	/* the codec quotes the text itself in syntax errors; quote it here for the others */
	if (strchr(msg, '"'))
		return fmt__problem(r, "id %lld: vector: %s", (long long)id, msg);
	return fmt__problem(r, "id %lld: vector %s: %s", (long long)id,
		cli_quote(q, sizeof(q), text, len), msg);
}

/* Makes input available: 1, 0 at the end of the input, -1 on a read error (recorded). */
static int fill(fmt_reader *r)
{
	ssize_t n;

	if (r->pos < r->len)
		return 1;
	if (r->eof)
		return 0;
	n = read(r->fd, r->in, IN_CAP);
	if (n < 0) {
		r->read_errno = errno;
		r->rec_offset = r->offset;
		return fmt__problem(r, "reading: %s", strerror(errno));
	}
	r->pos = 0;
	r->len = (size_t)n;
	if (n == 0)
		r->eof = 1;
	return n > 0;
}

/* Appends the next line (with its '\n', if any) to r->rec: 1, 0 at the end of the input, -1. */
static int read_line(fmt_reader *r)
{
	int got = 0, f;

	while ((f = fill(r)) > 0) {
		unsigned char *p = r->in + r->pos, *nl = memchr(p, '\n', r->len - r->pos);
		size_t take = nl ? (size_t)(nl - p) + 1 : r->len - r->pos;

		if (take > FMT_MAX_RECORD - r->rec_len && r->kind == FMT_NONE)
			return fmt__problem(r, "the line is longer than %zu MiB", FMT_MAX_RECORD >> 20);
		if (take > FMT_MAX_RECORD - r->rec_len)
			return fmt__problem(r, "the record is longer than %zu MiB (a missing line end, "
				"or not a %s file?)", FMT_MAX_RECORD >> 20, fmt_name(r->kind));
		if (r->rec_len + take + 1 > r->rec_cap) {
			size_t cap = r->rec_cap ? r->rec_cap : 4096;
			char *q;

			while (cap < r->rec_len + take + 1)
				cap *= 2;
			if (!(q = realloc(r->rec, cap)))
				return fmt__problem(r, "out of memory");
			r->rec = q;
			r->rec_cap = cap;
		}
		memcpy(r->rec + r->rec_len, p, take);
		r->rec_len += take;
		r->rec[r->rec_len] = '\0';
		r->pos += take;
		r->offset += take;
		got = 1;
		if (nl) {
			r->lines++;
			return 1;
		}
	}
	if (f < 0)
		return -1;
	if (got)
		r->lines++; /* a last line without its '\n' */
	return got;
}

/* Reads up to `n` bytes into `dst`; returns how many (fewer only at the end), or -1. */
static long long read_bytes(fmt_reader *r, unsigned char *dst, size_t n)
{
	size_t got = 0;
	int f;

	while (got < n && (f = fill(r)) > 0) {
		size_t take = r->len - r->pos < n - got ? r->len - r->pos : n - got;

		memcpy(dst + got, r->in + r->pos, take);
		r->pos += take;
		r->offset += take;
		got += take;
	}
	return got < n && !r->eof ? -1 : (long long)got;
}

/* Blanks as pgvector's parser and the stdin reader of `upsert` see them (not the locale's). */
static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Strips the line end (LF or CRLF) and, at the start of the input, a UTF-8 byte order mark;
 * returns the text, `*n` its length. */
static char *record_text(fmt_reader *r, size_t *n)
{
	char *s = r->rec;

	*n = r->rec_len;
	if (*n > 0 && s[*n - 1] == '\n')
		(*n)--;
	if (*n > 0 && s[*n - 1] == '\r')
		(*n)--;
	if (r->rec_offset == 0 && *n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		*n -= 3;
	}
	return s;
}

int fmt_read_line(fmt_reader *r, const char **line, size_t *len)
{
	int got;

	r->rec_len = 0;
	r->rec_line = r->lines + 1;
	r->rec_offset = r->offset;
	if ((got = read_line(r)) <= 0)
		return got;
	*line = record_text(r, len);
	return 1;
}

/* 1 when s[0..n) holds only blanks. */
static int all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_blank(s[i]))
			return 0;
	return 1;
}

/* ---- CSV ------------------------------------------------------------------------------------- */

typedef struct field {
	char *s;
	size_t n;
	int quoted;
} field;

/* 1 when f is a column name ([A-Za-z_][A-Za-z0-9_]*): what a header line holds. */
static int is_name(const field *f)
{
	if (f->n == 0 || !((f->s[0] >= 'A' && f->s[0] <= 'Z') || (f->s[0] >= 'a' && f->s[0] <= 'z')
			|| f->s[0] == '_'))
		return 0;
	for (size_t i = 1; i < f->n; i++) {
		char ch = f->s[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
				|| ch == '_'))
			return 0;
	}
	return 1;
}

/*
 * Splits a record into fields (RFC 4180: a field in double quotes may hold commas, line ends and
 * "" for a quote; blanks around a field are dropped).  Quoted fields are unquoted in place.  The
 * first `max` fields go to `f`; returns how many there are, or -1 (recorded).
 */
static long split_csv(fmt_reader *r, char *s, size_t n, field *f, size_t max)
{
	size_t i = 0, k = 0;

	for (;;) {
		field cur = { NULL, 0, 0 };

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] == '"') {
			cur.s = s + ++i;
			cur.quoted = 1;
			for (;;) {
				if (i >= n)
					return fmt__problem(r, "field %zu: the closing quote is missing", k + 1);
				if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
					cur.s[cur.n++] = '"';
					i += 2;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					cur.s[cur.n++] = s[i++];
				}
			}
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i < n && s[i] != ',')
				return fmt__problem(r, "field %zu: junk after the closing quote", k + 1);
		} else {
			cur.s = s + i;
			while (i < n && s[i] != ',') {
				if (s[i] == '"')
					return fmt__problem(r, "field %zu: a quote inside an unquoted field "
						"(quote the whole field, doubling the quotes in it)", k + 1);
				i++;
			}
			cur.n = (size_t)(s + i - cur.s);
			while (cur.n > 0 && is_blank(cur.s[cur.n - 1]))
				cur.n--;
		}
		if (k < max)
			f[k] = cur;
		k++;
		if (i >= n)
			return (long)k;
		i++; /* the comma */
	}
}

/* Reads the id field of a record; 0 or -1 (recorded). */
static int read_id(fmt_reader *r, const char *s, size_t n, int64_t *id)
{
	char q[96];
	int rc = cli_parse_int64(s, n, id);

	if (rc == -1)
		return fmt__problem(r, "invalid id %s: expected a decimal integer",
			cli_quote(q, sizeof(q), s, n));
	if (rc == -2)
		return fmt__problem(r, "id %s is out of range for a 64-bit integer",
			cli_quote(q, sizeof(q), s, n));
	return 0;
}

/* The most fields a CSV record may have (ID, VECTOR and the columns a header names). */
#define CSV_MAX_FIELDS 256

/* Keeps a header's names after ID and VECTOR as the columns of the records that follow. */
static int keep_header(fmt_reader *r, const field *f, size_t nf)
{
	drop_columns(r);
	if (nf <= 2)
		return 0;
	if (!(r->columns = calloc(nf - 2, sizeof(*r->columns))))
		return fmt__problem(r, "out of memory");
	for (size_t k = 2; k < nf; k++) {
		if (!(r->columns[k - 2] = strndup(f[k].s, f[k].n)))
			return fmt__problem(r, "out of memory");
		r->ncolumns = k - 1;
	}
	return 0;
}

/* The fields after ID and VECTOR, named by the header, into `extra`: an empty unquoted field
 * is NULL, any other its text. */
static int csv_fields(fmt_reader *r, const field *f, size_t nf, fmt_fields *extra)
{
	for (size_t k = 2; k < nf; k++) {
		int null = f[k].n == 0 && !f[k].quoted;
		char *name = strdup(r->columns[k - 2]), *text = null ? NULL : strndup(f[k].s, f[k].n);

		if (!name || (!null && !text)) {
			free(name);
			free(text);
			return fmt__problem(r, "out of memory");
		}
		if (fmt__fields_add(extra, name, null ? pgv_value_null()
				: pgv_value_textn(text, f[k].n)) != 0)
			return fmt__problem(r, "out of memory");
	}
	return 0;
}

/* The next CSV record: a record spans lines while a quoted field is open. */
static int csv_record(fmt_reader *r, int parse, int64_t *id, pgv_vector *vec,
	fmt_fields *extra)
{
	for (;;) {
		size_t scanned = 0, n;
		int quoted = 0, rc, header = 1;
		field f[CSV_MAX_FIELDS];
		long nf;
		char *s;

		r->rec_len = 0;
		r->rec_line = r->lines + 1;
		r->rec_offset = r->offset;
		if ((rc = read_line(r)) <= 0)
			return rc;
		for (;;) {
			for (; scanned < r->rec_len; scanned++)
				if (r->rec[scanned] == '"')
					quoted = !quoted;
			if (!quoted)
				break;
			if ((rc = read_line(r)) < 0)
				return -1;
			if (rc == 0)
				return fmt__problem(r, "a quoted field is not closed by the end of the input");
		}
		s = record_text(r, &n);
		if (all_blank(s, n))
			continue;
		if ((nf = split_csv(r, s, n, f, CSV_MAX_FIELDS)) < 0)
			return -1;
		if (nf > CSV_MAX_FIELDS)
			return fmt__problem(r, "more than %d fields", CSV_MAX_FIELDS);
		for (long k = 0; k < nf && header; k++)
			header = is_name(&f[k]);
		if (nf >= 2 && header) {
			/* a header line, wherever it is (exports may be concatenated) */
			if (keep_header(r, f, (size_t)nf) != 0)
				return -1;
			continue;
		}
		if (nf != 2 + (long)r->ncolumns && r->ncolumns == 0)
			return fmt__problem(r, "expected 2 fields, ID and VECTOR, not %ld (a vector "
				"with commas must be quoted: 7,\"[1,2,3]\")", nf);
		if (nf != 2 + (long)r->ncolumns)
			return fmt__problem(r, "expected %zu fields, as the header names, not %ld",
				2 + r->ncolumns, nf);
		if (parse) {
			int64_t ignored;

			if (extra && r->text_ids && cli_parse_int64(f[0].s, f[0].n, &ignored) == -1
					&& f[0].n) {
				/* not a number: a text or uuid id, for a collection */
				if (!(extra->id_text = strndup(f[0].s, f[0].n)))
					return fmt__problem(r, "out of memory");
				extra->id_len = f[0].n;
				*id = 0;
			} else if (read_id(r, f[0].s, f[0].n, id) != 0) {
				return -1;
			}
			if (extra && r->ncolumns && csv_fields(r, f, (size_t)nf, extra) != 0)
				return -1;
			if (f[1].n == 0 && !f[1].quoted && extra && extra->id_text)
				return fmt__problem(r, "id \"%s\": the vector is NULL (an empty field), and "
					"import cannot write a NULL vector", extra->id_text);
			if (f[1].n == 0 && !f[1].quoted)
				return fmt__problem(r, "id %lld: the vector is NULL (an empty field), and "
					"import cannot write a NULL vector", (long long)*id);
			if (pgv_vector_parse(f[1].s, f[1].n, vec) != 0) {
				if (extra && extra->id_text)
					return fmt__problem(r, "id \"%s\": %s", extra->id_text,
						pgv_error_last()->message);
				return fmt__vector_problem(r, *id, f[1].s, f[1].n);
			}
		}
		r->records++;
		return 1;
	}
}

/* ---- JSON lines (the line parser is in formats_json.c) ---------------------------------------- */

/* The next non-blank line, parsed as one JSON object. */
static int jsonl_record(fmt_reader *r, int parse, int64_t *id, pgv_vector *vec,
	fmt_fields *extra)
{
	for (;;) {
		size_t n;
		char *s;
		int rc;

		r->rec_len = 0;
		r->rec_line = r->lines + 1;
		r->rec_offset = r->offset;
		if ((rc = read_line(r)) <= 0)
			return rc;
		s = record_text(r, &n);
		if (all_blank(s, n))
			continue;
		/* skipped lines were written by an earlier run: they are only counted */
		if (parse && fmt__json_record_fields(r, s, n, parse, id, vec, extra) < 0)
			return -1;
		r->records++;
		return 1;
	}
}

/* ---- .fvecs ---------------------------------------------------------------------------------- */

/* A little-endian 32-bit word, whatever the host's byte order. */
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The next .fvecs record: its dimension word, then its floats. */
static int fvecs_record(fmt_reader *r, int parse, pgv_vector *vec)
{
	unsigned char dimbuf[4], *bytes;
	long long got;
	uint32_t word;
	int32_t dim;
	size_t need;

	r->rec_offset = r->offset;
	if ((got = read_bytes(r, dimbuf, 4)) <= 0)
		return (int)got;
	if (got < 4)
		return fmt__problem(r, "truncated: the input ends %lld bytes into the record, where "
			"a 4-byte dimension was expected", got);
	word = le32(dimbuf);
	/* two's complement, without relying on an implementation-defined conversion */
	dim = word > INT32_MAX ? -(int32_t)(~word) - 1 : (int32_t)word;
	if (dim < 0)
		return fmt__problem(r, "invalid dimension %ld (is this a .fvecs file?)", (long)dim);
	if (pgv_vector_check(NULL, (size_t)dim) == PGV_EDIM)
		return fmt__problem(r, "%s (is this a .fvecs file?)", pgv_error_last()->message);
	need = (size_t)dim * 4;
	if ((size_t)dim > r->floats_cap) {
		float *p = realloc(r->floats, (size_t)dim * sizeof(float));
		if (!p)
			return fmt__problem(r, "out of memory");
		r->floats = p;
		r->floats_cap = (size_t)dim;
	}
	bytes = (unsigned char *)r->floats;
	if ((got = read_bytes(r, bytes, need)) < 0)
		return -1;
	if ((size_t)got < need)
		return fmt__problem(r, "truncated: the record's %ld floats need %zu bytes after its "
			"dimension, the input ends after %lld of them (at byte offset %llu)", (long)dim,
			need, got, (unsigned long long)r->offset);
	if (parse) {
		/* in place: each float is built from the 4 bytes it then overwrites */
		for (size_t i = 0; i < (size_t)dim; i++) {
			uint32_t bits = le32(bytes + 4 * i);
			memcpy(&r->floats[i], &bits, 4);
		}
		if (pgv_vector_from_floats(vec, r->floats, (size_t)dim) != 0)
			return fmt__problem(r, "%s", pgv_error_last()->message);
	}
	r->records++;
	return 1;
}

int fmt_read(fmt_reader *r, int parse, int64_t *id, int *has_id, pgv_vector *vec)
{
	return fmt_read_fields(r, parse, id, has_id, vec, NULL);
}

int fmt_read_fields(fmt_reader *r, int parse, int64_t *id, int *has_id, pgv_vector *vec,
	fmt_fields *extra)
{
	*has_id = r->kind != FMT_FVECS;
	switch (r->kind) {
	case FMT_CSV: return csv_record(r, parse, id, vec, extra);
	case FMT_JSONL: return jsonl_record(r, parse, id, vec, extra);
	case FMT_FVECS: return fvecs_record(r, parse, vec);
	default: return fmt__problem(r, "no format");
	}
}
