/*
 * Messages on stderr: one per failure, "pgvodbc: COMMAND: WHAT: MESSAGE (SQLSTATE XXXXX)".  A
 * driver's multi-record diagnostic chain keeps its first record on that line and the others on
 * indented lines below it.  Library strings are checked before they are printed.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The "pgvodbc: COMMAND: " prefix. */
static void prefix(const cli *c)
{
	if (c && c->name && c->name[0])
		fprintf(stderr, "pgvodbc: %s: ", c->name);
	else
		fputs("pgvodbc: ", stderr);
}

int cli_fail(const cli *c, const char *fmt, ...)
{
	va_list ap;

	prefix(c);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAIL;
}

/* Length of `s[0..n)` without trailing whitespace (and, when `semi`, the ';' psqlODBC puts
 * after a server message). */
static size_t trim_end(const char *s, size_t n, int semi)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'
			|| s[n - 1] == '\n' || (semi && s[n - 1] == ';')))
		n--;
	return n;
}

/* Writes one line of a diagnostic chain; in the first, psqlODBC's "ERROR:" (the server's
 * severity, which the exit status already says) is dropped, at the start or after ": ". */
static void put_line(const char *line, size_t t, int first)
{
	size_t at = t;

	if (first) {
		if (t >= 6 && strncmp(line, "ERROR:", 6) == 0)
			at = 0;
		for (size_t i = 0; at == t && i + 8 <= t; i++)
			if (strncmp(line + i, ": ERROR:", 8) == 0)
				at = i + 2;
	}
	if (at == t) {
		fwrite(line, 1, t, stderr);
		return;
	}
	fwrite(line, 1, at, stderr);
	at += 6;
	while (at < t && line[at] == ' ')
		at++;
	fwrite(line + at, 1, t - at, stderr);
}

/* The library's advice for a column of another type than pgv_table.type names the API field;
 * here the option that sets it is what to say. */
static const char TYPE_ADVICE[] = "set pgv_table.type to PGV_TYPE_";

/*
 * `msg` with the library's type advice ("set pgv_table.type to PGV_TYPE_HALFVEC") put in the
 * tool's terms ("give --type halfvec"), newly allocated; NULL when there is none (or no memory:
 * the library's words are then printed as they are).
 */
static char *in_cli_terms(const char *msg)
{
	const char *at = strstr(msg, TYPE_ADVICE), *name, *end;
	char *out;
	size_t pre, len;

	if (!at)
		return NULL;
	pre = (size_t)(at - msg);
	name = at + sizeof(TYPE_ADVICE) - 1;
	for (end = name; *end >= 'A' && *end <= 'Z'; end++)
		;
	len = strlen(msg);
	out = malloc(len + 16);
	if (!out)
		return NULL;
	memcpy(out, msg, pre);
	memcpy(out + pre, "give --type ", 12);
	pre += 12;
	for (const char *p = name; p < end; p++)
		out[pre++] = (char)(*p - 'A' + 'a');
	memcpy(out + pre, end, strlen(end) + 1);
	return out;
}

/* Prints "WHAT: " then the error: its first line, the SQLSTATE, "; NOTE", and further lines
 * indented. */
int cli_fail_error(const cli *c, const char *what, const pgv_error *e, const char *note)
{
	char *rewritten = in_cli_terms(e && e->message ? e->message : "");
	const char *msg = rewritten ? rewritten : e && e->message ? e->message : "";
	const char *state = e ? e->sqlstate : "";
	const char *line = msg;
	int first = 1;

	prefix(c);
	if (what && what[0])
		fprintf(stderr, "%s: ", what);
	if (!trim_end(msg, strlen(msg), 1)) {
		/* no message at all: the status name is better than nothing */
		fputs(e ? pgv_status_name(e->status) : "unknown error", stderr);
	}
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		size_t t = trim_end(line, n, 1);

		if (!first) {
			/* continuation records are indented by us, not by the driver's own tabs */
			while (t > 0 && (*line == ' ' || *line == '\t')) {
				line++;
				n--;
				t--;
			}
		}
		if (t > 0) {
			if (!first)
				fputs("\n  ", stderr);
			put_line(line, t, first);
			if (first && state[0])
				fprintf(stderr, " (SQLSTATE %.5s)", state);
			if (first && note && note[0])
				fprintf(stderr, "; %s", note);
			first = 0;
		}
		line += nl ? n + 1 : n;
	}
	if (first && state[0])
		fprintf(stderr, " (SQLSTATE %.5s)", state);
	if (first && note && note[0])
		fprintf(stderr, "; %s", note);
	fputc('\n', stderr);
	free(rewritten);
	return CLI_FAIL;
}

int cli_fail_db(const cli *c, const char *what)
{
	return cli_fail_error(c, what, pgv_conn_error(c->conn), NULL);
}

int cli_fail_codec(const cli *c, const char *what)
{
	return cli_fail_error(c, what, pgv_error_last(), NULL);
}

int cli_usage(const cli *c, const char *fmt, ...)
{
	va_list ap;
	const char *word = c ? cli_cmd_word(c->cmd) : "";

	prefix(c);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (word[0] && c->cmd != CMD_HELP)
		fprintf(stderr, "Try 'pgvodbc %s --help'.\n", word);
	else
		fputs("Try 'pgvodbc --help'.\n", stderr);
	return CLI_USAGE;
}

int cli_fail_output(const cli *c)
{
	if (c->out.err == EPIPE)
		return CLI_OK; /* the reader has gone (e.g. `| head`): stop quietly */
	return cli_fail(c, "writing to standard output: %s", strerror(c->out.err));
}

const char *cli_quote(char *buf, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const size_t show = 60;
	size_t o = 0, i;

	if (cap < 80) {
		if (cap > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (i = 0; i < n && i < show && o + 8 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (ch < 0x20 || ch == 0x7F) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o++] = '"';
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

int cli_parse_vector(const cli *c, const char *what, const char *text, size_t len,
	pgv_vector *out, const char *note)
{
	const pgv_error *e;
	char q[96];

	if (pgv_vector_parse(text, len, out) == 0)
		return CLI_OK;
	e = pgv_error_last();
	/* the codec quotes the text itself for syntax errors; quote it here for the others */
	if (e->message && strchr(e->message, '"'))
		return cli_fail_error(c, what, e, note);
	prefix(c);
	fprintf(stderr, "%s %s: %s%s%s\n", what, cli_quote(q, sizeof(q), text, len),
		e->message ? e->message : pgv_status_name(e->status), note && note[0] ? "; " : "",
		note ? note : "");
	return CLI_FAIL;
}
