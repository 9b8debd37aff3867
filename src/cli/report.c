/*
 * Messages on stderr: one per failure, "pgvodbc: COMMAND: WHAT: MESSAGE (SQLSTATE XXXXX)".  A
 * driver's multi-record diagnostic chain keeps its first record on that line and the others on
 * indented lines below it.  Library strings are checked before they are printed.  Under --json
 * the same message (without the "pgvodbc: " and SQLSTATE decorations) is one JSON object on
 * stderr: {"error":{"message":...,"sqlstate":...,"status":EXIT_STATUS}}.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Where a message is written: stderr, or under --json a memory stream that end_msg turns into
 * the JSON object. */
typedef struct msg {
	FILE *fp;
	char *buf; /* the memory stream's text */
	size_t len;
	int json;
} msg;

/* Starts a message with the "pgvodbc: COMMAND: " prefix ("COMMAND: " in JSON). */
static void begin_msg(const cli *c, msg *m)
{
	m->buf = NULL;
	m->len = 0;
	m->json = c && c->opt.json;
	/* gathered first: JSON makes an object of it, text is written with its escapes */
	m->fp = open_memstream(&m->buf, &m->len);
	if (!m->fp) {
		m->json = 0; /* no memory for the object: the plain message is better than none */
		m->fp = stderr;
	}
	if (!m->json)
		fputs("pgvodbc: ", m->fp);
	if (c && c->name && c->name[0])
		fprintf(m->fp, "%s: ", c->name);
}

/* Ends the message; under --json writes it as {"error":{...}} with `sqlstate` ("" : null) and
 * the exit status, built by the one JSON writer (json.c).  Returns `status`. */
static int end_msg(msg *m, const char *sqlstate, int status)
{
	json_buf b = { NULL, 0, 0, 0 };

	if (m->fp == stderr) {
		fputc('\n', stderr);
		return status;
	}
	fclose(m->fp);
	if (!m->json) {
		/* what others wrote (names, values, the server's words) shows every byte for what it
		 * is; the lines of a diagnostic chain stay lines */
		cli_put_escaped(stderr, m->buf ? m->buf : "", m->buf ? m->len : 0, 1);
		fputc('\n', stderr);
		free(m->buf);
		return status;
	}
	json_raw_str(&b, "{\"error\":{");
	json_key(&b, "message");
	json_string(&b, m->buf ? m->buf : "");
	json_raw(&b, ",", 1);
	json_key(&b, "sqlstate");
	if (sqlstate && sqlstate[0])
		json_string(&b, sqlstate);
	else
		json_raw_str(&b, "null");
	json_raw(&b, ",", 1);
	json_key(&b, "status");
	json_int(&b, status);
	json_raw_str(&b, "}}\n");
	if (!b.failed)
		fwrite(b.s, 1, b.len, stderr);
	else
		fprintf(stderr, "pgvodbc: %s\n", m->buf ? m->buf : "out of memory");
	json_free(&b);
	free(m->buf);
	return status;
}

int cli_fail(const cli *c, const char *fmt, ...)
{
	va_list ap;
	msg m;

	begin_msg(c, &m);
	va_start(ap, fmt);
	vfprintf(m.fp, fmt, ap);
	va_end(ap);
	return end_msg(&m, NULL, CLI_FAIL);
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
static void put_line(FILE *fp, const char *line, size_t t, int first)
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
		fwrite(line, 1, t, fp);
		return;
	}
	fwrite(line, 1, at, fp);
	at += 6;
	while (at < t && line[at] == ' ')
		at++;
	fwrite(line + at, 1, t - at, fp);
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

/*
 * `msg` without the library's place of a failing row in its batch ("row 699 (id 1700): " ->
 * "id 1700: ", "row 5: " -> ""), newly allocated; NULL when there is none (or no memory).  The
 * tool names the row itself by its input (pair, line or record, counted from 1), so the
 * batch's 0-based position would only be a second, differently counted number.
 */
static char *without_batch_row(const char *msg, int64_t row)
{
	char token[32], *out;
	const char *at = msg, *end, *rest, *keep_end;
	size_t n;

	if (row < 0)
		return NULL;
	n = (size_t)snprintf(token, sizeof(token), "row %lld", (long long)row);
	for (; (at = strstr(at, token)) != NULL; at += n)
		if ((at == msg || at[-1] == ' ') && (at[n] == ':' || strncmp(at + n, " (id ", 5) == 0))
			break;
	if (!at)
		return NULL;
	if (at[n] == ':') {
		rest = at + n + 1;
		while (*rest == ' ')
			rest++;
		end = keep_end = rest;
	} else {
		/* "(id X)": X may hold parentheses of its own; the group ends at ")" before ":" */
		end = at + n + 2;
		if (!(keep_end = strstr(end, "):")))
			return NULL;
		rest = keep_end + 1;
	}
	if (!(out = malloc(strlen(msg) + 1)))
		return NULL;
	memcpy(out, msg, (size_t)(at - msg));
	n = (size_t)(at - msg);
	memcpy(out + n, end, (size_t)(keep_end - end));
	n += (size_t)(keep_end - end);
	memcpy(out + n, rest, strlen(rest) + 1);
	return out;
}

/* Prints "WHAT: " then the error: its first line, the SQLSTATE, "; NOTE", and further lines
 * indented. */
int cli_fail_error(const cli *c, const char *what, const pgv_error *e, const char *note)
{
	char *rewritten = in_cli_terms(e && e->message ? e->message : "");
	char *unrowed = e ? without_batch_row(rewritten ? rewritten : e->message ? e->message : "",
		e->row) : NULL;
	char *escaped = cli_escape_quoted_controls(unrowed ? unrowed : rewritten ? rewritten
		: e && e->message ? e->message : "");
	const char *msg_text = escaped ? escaped : rewritten ? rewritten
		: e && e->message ? e->message : "";
	const char *state = e ? e->sqlstate : "";
	const char *line = msg_text;
	int first = 1;
	msg m;

	begin_msg(c, &m);
	if (what && what[0])
		fprintf(m.fp, "%s: ", what);
	/* say why the statement stopped before the server's words for it */
	if (cli_interrupted() && e && strcmp(e->sqlstate, "57014") == 0)
		fprintf(m.fp, "interrupted by %s: ", cli_signal_name(cli_interrupted()));
	else if (e && e->status == PGV_ETIMEOUT && c && c->opt.timeout > 0)
		fprintf(m.fp, "timed out (--timeout %d): ", c->opt.timeout);
	else if (e && e->status == PGV_ETIMEOUT)
		fputs("timed out: ", m.fp);
	if (!trim_end(msg_text, strlen(msg_text), 1)) {
		/* no message at all: the status name is better than nothing */
		fputs(e ? pgv_status_name(e->status) : "unknown error", m.fp);
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
				fputs("\n  ", m.fp);
			put_line(m.fp, line, t, first);
			if (first && state[0] && !m.json)
				fprintf(m.fp, " (SQLSTATE %.5s)", state);
			if (first && note && note[0])
				fprintf(m.fp, "; %s", note);
			first = 0;
		}
		line += nl ? n + 1 : n;
	}
	if (first && state[0] && !m.json)
		fprintf(m.fp, " (SQLSTATE %.5s)", state);
	if (first && note && note[0])
		fprintf(m.fp, "; %s", note);
	free(rewritten);
	free(unrowed);
	free(escaped);
	return end_msg(&m, state, CLI_FAIL);
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
	msg m;

	begin_msg(c, &m);
	va_start(ap, fmt);
	vfprintf(m.fp, fmt, ap);
	va_end(ap);
	if (m.json)
		return end_msg(&m, NULL, CLI_USAGE);
	end_msg(&m, NULL, CLI_USAGE);
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
	return cli_fail(c, "%s %s: %s%s%s", what, cli_quote(q, sizeof(q), text, len),
		e->message ? e->message : pgv_status_name(e->status), note && note[0] ? "; " : "",
		note ? note : "");
}
