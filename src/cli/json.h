/*
 * Internal to the pgvodbc command-line tool: the one JSON writer.  Text is appended to a
 * growing buffer (never cut); strings are escaped (bytes that are not UTF-8 become U+FFFD so a
 * line stays JSON), numbers are the library's shortest round-trip text.  Everything the CLI
 * prints as JSON (result lines, `export --format jsonl`) is built with these calls.  The first
 * failed allocation sticks (`failed`), so a caller checks once, after the line.
 */
#ifndef PGV_CLI_JSON_H
#define PGV_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef struct json_buf {
	char *s;      /* the text so far, NUL-terminated once anything was appended */
	size_t len, cap;
	int failed;   /* an allocation failed: nothing more is appended */
} json_buf;

/* Releases the buffer and leaves it empty. */
void json_free(json_buf *b);

/* Empties the text (keeps the allocation and a failure). */
void json_clear(json_buf *b);

/* Makes room for `n` more bytes and a NUL; 0, or -1 with failed set. */
int json_reserve(json_buf *b, size_t n);

/* Appends `n` bytes as they are (punctuation, text-mode fields). */
void json_raw(json_buf *b, const char *s, size_t n);
void json_raw_str(json_buf *b, const char *s);

/* Appends `s` as a JSON string. */
void json_string(json_buf *b, const char *s);

/* Appends "key": (the caller writes the separator before it). */
void json_key(json_buf *b, const char *key);

/* Appends a decimal integer. */
void json_int(json_buf *b, int64_t v);

/* Appends the shortest round-trip text of a double (null for NaN and infinities). */
void json_double(json_buf *b, double v);

/* Appends [a,b,...], each float in its shortest round-trip form (null for NaN, infinities). */
void json_floats(json_buf *b, const float *v, size_t dim);

#endif
