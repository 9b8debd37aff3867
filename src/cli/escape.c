/*
 * What the tool prints of text it did not write itself (names, ids, values, the server's and the
 * driver's messages) shows every byte for what it is: control characters, characters that print
 * as nothing (a byte order mark, zero-width and direction marks) and bytes that are not UTF-8
 * are written as escapes, and a shortened text is never cut inside a UTF-8 character.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char HEX[] = "0123456789abcdef";
static const char HEX_UPPER[] = "0123456789ABCDEF";

/* The length of the valid UTF-8 sequence at s[0..n) and its code point; 0 when it is not one
 * (a stray continuation byte, a truncated, overlong or surrogate sequence, past U+10FFFF). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2; v = s[0] & 0x1F; min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3; v = s[0] & 0x0F; min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4; v = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* 1 for a character that prints as nothing or moves text around: C1 controls, the soft hyphen,
 * zero-width and direction marks, line and paragraph separators, word joiners, the byte order
 * mark, interlinear annotations, tag characters. */
static int invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0xAD || cp == 0x34F || cp == 0x61C
		|| cp == 0x115F || cp == 0x1160 || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F)
		|| (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F)
		|| cp == 0x3164 || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)
		|| (cp >= 0xE0000 && cp <= 0xE007F);
}

/* Writes the escape of one character or byte into out (room for 11); returns its length, 0 when
 * the character needs none. */
static size_t escape_of(const unsigned char *s, size_t len, uint32_t cp, char *out)
{
	if (len == 0) {
		out[0] = '\\'; out[1] = 'x'; out[2] = HEX[s[0] >> 4]; out[3] = HEX[s[0] & 15];
		return 4;
	}
	if (cp == '\t' || cp == '\n' || cp == '\r') {
		out[0] = '\\';
		out[1] = cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r';
		return 2;
	}
	if (cp < 0x20 || cp == 0x7F) {
		out[0] = '\\'; out[1] = 'x'; out[2] = HEX[cp >> 4]; out[3] = HEX[cp & 15];
		return 4;
	}
	if (invisible(cp)) {
		size_t o = 0;

		out[o++] = '\\';
		out[o++] = cp > 0xFFFF ? 'U' : 'u';
		for (int shift = cp > 0xFFFF ? 28 : 12; shift >= 0; shift -= 4)
			out[o++] = HEX_UPPER[(cp >> shift) & 15];
		return o;
	}
	return 0;
}

void cli_put_escaped(FILE *fp, const char *text, size_t n, int keep_newlines)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, start = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_next(s + i, n - i, &cp), e;
		char esc[12];

		if ((keep_newlines && len == 1 && cp == '\n')
				|| (e = escape_of(s + i, len, cp, esc)) == 0) {
			i += len ? len : 1;
			continue;
		}
		fwrite(s + start, 1, i - start, fp);
		fwrite(esc, 1, e, fp);
		i += len ? len : 1;
		start = i;
	}
	fwrite(s + start, 1, n - start, fp);
}

char *cli_escape_quoted_controls(const char *msg)
{
	size_t n = strlen(msg), o = 0;
	char *out = n <= (SIZE_MAX - 1) / 4 ? malloc(4 * n + 1) : NULL;
	const char *close = NULL;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (ch == '"') {
			/* a quoted span: the name or value a message repeats, up to its closing quote */
			close = close ? NULL : strchr(msg + i + 1, '"');
		} else if (close && ch < 0x20) {
			o += escape_of((const unsigned char *)msg + i, 1, ch, out + o);
			continue;
		}
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return out;
}

const char *cli_quote(char *buf, size_t cap, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	const size_t show = 60;
	size_t o = 0, i = 0;

	if (cap < 80) {
		if (cap > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_next(s + i, n - i, &cp), step = len ? len : 1, e;
		char esc[12];

		/* whole characters only: stop before one that would pass the shown length or room */
		if (i + step > show || o + 12 + 4 + 1 > cap)
			break;
		if (len == 1 && (cp == '"' || cp == '\\')) {
			buf[o++] = '\\';
			buf[o++] = (char)cp;
		} else if ((e = escape_of(s + i, len, cp, esc)) > 0) {
			memcpy(buf + o, esc, e);
			o += e;
		} else {
			memcpy(buf + o, s + i, step);
			o += step;
		}
		i += step;
	}
	buf[o++] = '"';
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
