/*
 * Internal to the pgvodbc command-line tool: result lines on stdout, as text (tab-separated
 * fields), CSV (RFC 4180) or JSON lines (one object a line, written by json.c).  A line is
 * built field by field in a growing buffer and written whole; the first failed write (or
 * allocation) sticks, so a caller checks once per row and stops.
 */
#ifndef PGV_CLI_OUTPUT_H
#define PGV_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pgvodbc.h>

#include "json.h"

typedef struct cli_out {
	FILE *fp;
	int json;          /* JSON lines instead of tab-separated text */
	int csv;           /* CSV instead of tab-separated text (out_set_csv) */
	int escape;        /* text mode: backslash-escape tabs, newlines and backslashes in strings */
	const char *step;  /* when set, each JSON object begins with "step":STEP (the demo) */
	json_buf line;     /* the line being built (text lines too) */
	int nfields;       /* fields in the line so far */
	int failed;        /* a write or an allocation failed; err holds errno */
	int err;
} cli_out;

/* Prepares `o` to write to `fp`. */
void out_init(cli_out *o, FILE *fp, int json);

/* Switches `o` (not in JSON mode) to CSV, RFC 4180: fields separated by commas, a field that
 * holds a comma, a double quote, CR or LF enclosed in double quotes with its quotes doubled
 * (so a vector "[1,2]" is quoted), SQL NULL an empty field, lines ending in LF. */
void out_set_csv(cli_out *o);

/* Releases the line buffer. */
void out_free(cli_out *o);

/* Starts a line (JSON: "{" and the step field when set). */
void out_begin(cli_out *o);

/* Adds a field: text mode writes the value after a tab (none before the first), JSON writes
 * "key":value.  Integers are decimal; doubles are the shortest round-trip text (JSON: null for
 * NaN and infinities, text: NaN, Infinity, -Infinity); vectors are [a,b,...] with each float in
 * its shortest round-trip form (JSON: an array); strings are JSON-escaped in JSON and written as
 * they are in text.  `v == NULL` (or `s == NULL`) is SQL NULL: JSON null, text `null_text`. */
void out_int(cli_out *o, const char *key, int64_t v);
void out_double(cli_out *o, const char *key, const double *v, const char *null_text);
void out_vector(cli_out *o, const char *key, const pgv_vector *v, const char *null_text);
void out_string(cli_out *o, const char *key, const char *s, const char *null_text);
void out_bool(cli_out *o, const char *key, int v);
/* A field whose text is already a number in JSON's grammar (a server's integer): written as it
 * is in every mode. */
void out_number_text(cli_out *o, const char *key, const char *s);

/* Adds a collection value by its type (pgv_value_type): JSON numbers, booleans, strings, json
 * and jsonb embedded as they are; text mode writes the text. */
void out_value(cli_out *o, const char *key, const pgv_value *v, const char *null_text);

/* Finishes the line and writes it.  Returns 0, or -1 once any write has failed. */
int out_end(cli_out *o);

/* Finishes the line without writing it: *s and *len are its bytes, newline included, valid
 * until the next out_begin.  Returns 0, or -1 when it could not be built (ENOMEM). */
int out_end_record(cli_out *o, const char **s, size_t *len);

/* Writes a line of free text (headers, summaries); nothing in JSON mode.  0 or -1. */
int out_text(cli_out *o, const char *text);

/* Flushes `fp`; 0 or -1 (failed set). */
int out_flush(cli_out *o);

#endif
