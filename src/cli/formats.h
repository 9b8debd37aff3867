/*
 * Internal to the pgvodbc command-line tool: the file formats of `import` and `export`, read and
 * written one record at a time (a file is never held in memory whole):
 *   csv    ID,"[v1,v2,...]" per line (RFC 4180 quoting, CRLF accepted, header lines skipped);
 *          a header "id,embedding,title,year" names further fields, which a collection takes
 *   jsonl  {"id":ID,"embedding":[v1,v2,...]} per line, as `pgvodbc list --json` prints rows
 *   fvecs  per vector a little-endian int32 dimension, then that many little-endian float32
 *          (the ANN-benchmarks format: no ids)
 * No database code here: a record is an id and a vector, and vectors go through the library's
 * codec (pgv_vector_parse, pgv_vector_from_floats, pgv_vector_format), so a bad value gets the
 * library's message.
 */
#ifndef PGV_CLI_FORMATS_H
#define PGV_CLI_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pgvodbc.h>

#include "json.h"

typedef enum fmt_kind {
	FMT_NONE = 0,
	FMT_CSV,
	FMT_JSONL,
	FMT_FVECS
} fmt_kind;

/* The longest record (a CSV record or a JSON line) a reader accepts, and the longest line of
 * `upsert`'s stdin: a 16000-dimension vector is about 200 KB of text, so this leaves room for
 * generous whitespace while bounding memory. */
#define FMT_MAX_RECORD ((size_t)64 << 20)

/* "csv", "jsonl" or "fvecs" into `*out`; 0, or -1 for another name. */
int fmt_from_name(const char *name, fmt_kind *out);

/* The format named by a file's extension (.csv, .jsonl or .ndjson, .fvecs), else FMT_NONE. */
fmt_kind fmt_from_path(const char *path);

/* "csv", "jsonl", "fvecs"; "" for FMT_NONE. */
const char *fmt_name(fmt_kind kind);

/* ---- reading --------------------------------------------------------------------------------- */

typedef struct fmt_reader {
	fmt_kind kind;
	int fd;                /* read with read(2): a pipe's data is used as soon as it arrives */
	const char *name;      /* the input as messages name it: the path, or "stdin" */
	uint64_t offset;       /* bytes consumed so far */
	uint64_t lines;        /* csv/jsonl: lines consumed so far */
	uint64_t records;      /* data records read so far (header and blank lines not counted) */
	uint64_t rec_line;     /* csv/jsonl: the line on which the last record (or problem) began */
	uint64_t rec_offset;   /* the byte offset at which the last record (or problem) began */
	char err[768];         /* the last problem, without its place (see fmt_where) */
	unsigned char *in;     /* input buffer: in[pos..len) not yet consumed */
	size_t pos, len;
	int eof, read_errno;   /* the end of the input was reached; errno of a failed read */
	char *rec;             /* the current record's text (csv/jsonl) */
	size_t rec_len, rec_cap;
	float *floats;         /* the current record's elements (fvecs) */
	size_t floats_cap;
	int text_ids;          /* csv: an id that is not a decimal integer is text (set by the
	                          caller for a text or uuid id column) */
	char **columns;        /* csv: the last header's names after ID and VECTOR (collections) */
	size_t ncolumns;
} fmt_reader;

/* Prepares `r` to read `kind` from descriptor `fd` (named `name` in messages).  0, or -1 out of
 * memory. */
int fmt_reader_init(fmt_reader *r, fmt_kind kind, int fd, const char *name);

/* Releases the reader's buffers (not `fd`). */
void fmt_reader_free(fmt_reader *r);

/*
 * Reads the next data record.  With `parse`, its vector goes into `vec` (new data: free with
 * pgv_vector_free) and its id into `*id` (csv and jsonl; *has_id is then 1; fvecs has no ids and
 * sets it to 0); without, the record is only delimited and counted (for --skip).  Returns 1 for
 * a record, 0 at the end of the input, or -1 with r->err saying what is wrong and r->rec_line /
 * r->rec_offset where (a failed read sets r->read_errno too).  After -1 the reader is finished.
 */
int fmt_read(fmt_reader *r, int parse, int64_t *id, int *has_id, pgv_vector *vec);

/*
 * Reads the next line of any text (a reader of kind FMT_NONE: `upsert`'s stdin lines), at most
 * FMT_MAX_RECORD bytes, into `*line` (valid until the next read), `*len` bytes without its line
 * end (LF or CRLF) and, on the first line, a UTF-8 byte order mark.  Returns 1, 0 at the end of
 * the input, or -1 with r->err saying why (a longer line, a failed read: r->read_errno) and
 * r->rec_line which line.
 */
int fmt_read_line(fmt_reader *r, const char **line, size_t *len);

/* The place of a record for a message: "NAME line L" (csv, jsonl) or "NAME record R (byte
 * offset B)" (fvecs), into `buf`; returns buf. */
const char *fmt_where(char *buf, size_t cap, const char *name, fmt_kind kind, uint64_t line,
	uint64_t record, uint64_t offset);

/* Shared by formats.c and formats_json.c: fmt__problem records a problem in r->err and returns
 * -1; fmt__vector_problem records the codec's error (pgv_error_last) about the vector text of
 * record `id`, quoting the text unless the codec did; fmt__json_record reads one JSON line `s[0..n)` (no line end)
 * into *id and, with `parse`, `vec` (1, or -1 with the problem recorded). */
int fmt__problem(fmt_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
int fmt__vector_problem(fmt_reader *r, int64_t id, const char *text, size_t len);
int fmt__json_record(fmt_reader *r, char *s, size_t n, int parse, int64_t *id,
	pgv_vector *vec);

/*
 * The other fields of a record (collections): a JSON line's keys besides "id", "embedding" and
 * "distance" (which `knn --json` prints), each with its value: a string as its decoded UTF-8
 * text, a number as its JSON text, true/false as booleans, null as NULL, an object or an array
 * as its JSON text (for json/jsonb columns).  A string id is kept as text (id_text).  Everything
 * is owned here; fmt_fields_clear frees it.
 */
typedef struct fmt_fields {
	char **names;
	pgv_value *values;   /* TEXT values point at owned copies */
	size_t n, cap;
	char *id_text;       /* the id when it was a JSON string, else NULL */
	size_t id_len;
} fmt_fields;

/* Frees what `f` holds and empties it (it may be filled again). */
void fmt_fields_clear(fmt_fields *f);

/* Adds a field, taking `name` and the value's text; 0, or -1 out of memory (both freed). */
int fmt__fields_add(fmt_fields *f, char *name, pgv_value v);

/* fmt_read that also fills `extra` (JSON lines keys; CSV fields a header named; string ids). */
int fmt_read_fields(fmt_reader *r, int parse, int64_t *id, int *has_id, pgv_vector *vec,
	fmt_fields *extra);

/* formats_json.c: fmt__json_record with the other fields into `extra` (may be NULL). */
int fmt__json_record_fields(fmt_reader *r, char *s, size_t n, int parse, int64_t *id,
	pgv_vector *vec, fmt_fields *extra);

/* ---- writing (formats_write.c) ---------------------------------------------------------------- */

/*
 * A record is counted only once every byte of it reached the descriptor: records are gathered in
 * a buffer and written with write(2), and after a failed write the writer knows how many whole
 * records the output holds, where the last of them ends, and whether part of the next one went
 * out too (a "torn" record), so that the caller can cut a file back to whole records
 * (ftruncate) or name the torn one.
 */
typedef struct fmt_writer_mark {
	size_t end;      /* where the record ends in `out` */
	int64_t id;
	int is_row;      /* 0 for the CSV header */
} fmt_writer_mark;

typedef struct fmt_writer {
	fmt_kind kind;
	int fd;
	char *buf;             /* one record's bytes (csv, fvecs) */
	size_t cap;
	json_buf json;         /* one JSON line (jsonl) */
	char *out;             /* records not yet written to fd */
	size_t out_len, out_cap;
	fmt_writer_mark *marks; /* the records in `out`, in order */
	size_t nmarks, marks_cap;
	uint64_t rows;         /* rows whose every byte reached fd */
	int64_t last_id;       /* the id of the last of them */
	uint64_t bytes;        /* bytes written to fd */
	uint64_t whole_bytes;  /* bytes up to the end of the last whole record (or header) */
	int torn;              /* a failed write left part of the next row in the output */
	int64_t torn_id;       /* that row's id */
	int err;               /* errno of the first failed write (or ENOMEM); 0 while all is well */
} fmt_writer;

/* Prepares `w` to write `kind` to descriptor `fd`. */
void fmt_writer_init(fmt_writer *w, fmt_kind kind, int fd);

/* Releases the writer's buffers (not `fd`); what was not flushed is dropped. */
void fmt_writer_free(fmt_writer *w);

/* Writes the CSV header line "id,embedding" (nothing for the other formats).  0 or -1 (w->err). */
int fmt_write_header(fmt_writer *w);

/*
 * Adds one record; `v` NULL is an SQL NULL vector: "ID," in CSV, "embedding":null in JSON
 * lines, and -2 (nothing written) for fvecs, which cannot hold one.  fvecs writes no id.
 * Returns 0, -1 once a write has failed (w->err), or -2.  The record reaches `fd` at the latest
 * with fmt_writer_flush; w->rows counts it from then on.
 */
int fmt_write(fmt_writer *w, int64_t id, const pgv_vector *v);

/* Adds one row made by the caller (`n` bytes, a whole line), counted as the others; `id` is what
 * w->last_id and w->torn_id give back for it.  0 or -1 (w->err). */
int fmt_write_record(fmt_writer *w, const char *s, size_t n, int64_t id);

/* Writes out every record added; 0 or -1 (w->err, and w->rows, w->whole_bytes, w->torn say
 * what the output holds). */
int fmt_writer_flush(fmt_writer *w);

/* After a failed write: cuts the descriptor, when it is a regular file, back to its last whole
 * record (w->whole_bytes).  1 when it was cut, 0 when there was nothing to cut, -1 when it
 * could not be (errno). */
int fmt_writer_cut_back(fmt_writer *w);

#endif
