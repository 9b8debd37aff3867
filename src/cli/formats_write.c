/*
 * Writing CSV, JSON lines and .fvecs records (formats.h): each record is made whole in memory,
 * gathered into a buffer and written with write(2), and counted only once all of its bytes
 * reached the output, so that after a failed write (a full disk, a file size limit) the caller
 * knows exactly what the output holds.
 */
#include "formats.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The buffer is written out once it holds this much. */
#define OUT_FLUSH_AT ((size_t)1 << 16)

void fmt_writer_init(fmt_writer *w, fmt_kind kind, int fd)
{
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->fd = fd;
}

void fmt_writer_free(fmt_writer *w)
{
	free(w->buf);
	free(w->out);
	free(w->marks);
	w->buf = w->out = NULL;
	w->marks = NULL;
	w->cap = w->out_cap = w->marks_cap = 0;
	w->out_len = w->nmarks = 0;
	json_free(&w->json);
}

/* Grows `*p` (of `*cap` elements of `size` bytes) to hold `n`; 0 or -1 (ENOMEM recorded). */
static int grow(fmt_writer *w, void **p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (n <= *cap)
		return 0;
	while (c < n) {
		if (c > SIZE_MAX / 2 / size) {
			w->err = ENOMEM;
			return -1;
		}
		c *= 2;
	}
	if (!(q = realloc(*p, c * size))) {
		w->err = ENOMEM;
		return -1;
	}
	*p = q;
	*cap = c;
	return 0;
}

int fmt_writer_flush(fmt_writer *w)
{
	size_t done = 0, m;

	while (done < w->out_len) {
		ssize_t n = write(w->fd, w->out + done, w->out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	/* what reached the output: the whole records, and part of the next one when a write
	 * failed inside it */
	for (m = 0; m < w->nmarks && w->marks[m].end <= done; m++) {
		if (w->marks[m].is_row) {
			w->rows++;
			w->last_id = w->marks[m].id;
		}
		w->whole_bytes = w->bytes + w->marks[m].end;
	}
	if (w->err && m < w->nmarks && done > (m ? w->marks[m - 1].end : 0)) {
		w->torn = w->marks[m].is_row;
		w->torn_id = w->marks[m].id;
	}
	w->bytes += done;
	w->out_len = 0;
	w->nmarks = 0;
	return w->err ? -1 : 0;
}

/* Adds one record's `n` bytes to the buffer (a row with `id` unless `is_row` is 0), writing the
 * buffer out once it is large; 0 or -1 (w->err). */
static int put(fmt_writer *w, const char *s, size_t n, int64_t id, int is_row)
{
	if (w->err)
		return -1;
	if (n > SIZE_MAX - w->out_len || grow(w, (void **)&w->out, &w->out_cap, w->out_len + n, 1)
			|| grow(w, (void **)&w->marks, &w->marks_cap, w->nmarks + 1, sizeof(*w->marks)))
		return -1;
	memcpy(w->out + w->out_len, s, n);
	w->out_len += n;
	w->marks[w->nmarks].end = w->out_len;
	w->marks[w->nmarks].id = id;
	w->marks[w->nmarks].is_row = is_row;
	w->nmarks++;
	return w->out_len >= OUT_FLUSH_AT ? fmt_writer_flush(w) : 0;
}

int fmt_write_record(fmt_writer *w, const char *s, size_t n, int64_t id)
{
	return put(w, s, n, id, 1);
}

int fmt_writer_cut_back(fmt_writer *w)
{
	struct stat st;

	if (fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size == w->whole_bytes)
		return 0;
	return ftruncate(w->fd, (off_t)w->whole_bytes) == 0 ? 1 : -1;
}

int fmt_write_header(fmt_writer *w)
{
	return w->kind == FMT_CSV ? put(w, "id,embedding\n", 13, 0, 0) : (w->err ? -1 : 0);
}

/* Makes w->buf hold at least `n` bytes; 0 or -1 (ENOMEM). */
static int reserve(fmt_writer *w, size_t n)
{
	return grow(w, (void **)&w->buf, &w->cap, n, 1);
}

/* A JSON line, {"id":ID,"embedding":[...]}, the shape `list --json` prints (json.c writes both). */
static int write_json(fmt_writer *w, int64_t id, const pgv_vector *v)
{
	json_clear(&w->json);
	json_raw(&w->json, "{", 1);
	json_key(&w->json, "id");
	json_int(&w->json, id);
	json_raw(&w->json, ",", 1);
	json_key(&w->json, "embedding");
	if (v)
		json_floats(&w->json, v->data, v->dim);
	else
		json_raw(&w->json, "null", 4);
	json_raw(&w->json, "}\n", 2);
	if (w->json.failed) {
		w->err = ENOMEM;
		return -1;
	}
	return put(w, w->json.s, w->json.len, id, 1);
}

int fmt_write(fmt_writer *w, int64_t id, const pgv_vector *v)
{
	size_t o, dim = v ? v->dim : 0;

	if (w->err)
		return -1;
	if (w->kind == FMT_FVECS) {
		if (!v || dim == 0 || dim > INT32_MAX)
			return -2;
		if (reserve(w, 4 + 4 * dim) != 0)
			return -1;
		for (size_t i = 0; i <= dim; i++) {
			uint32_t bits = (uint32_t)dim;
			unsigned char *p = (unsigned char *)w->buf + 4 * i;

			if (i > 0)
				memcpy(&bits, &v->data[i - 1], 4);
			p[0] = (unsigned char)bits;
			p[1] = (unsigned char)(bits >> 8);
			p[2] = (unsigned char)(bits >> 16);
			p[3] = (unsigned char)(bits >> 24);
		}
		return put(w, w->buf, 4 + 4 * dim, id, 1);
	}
	if (w->kind == FMT_JSONL)
		return write_json(w, id, v);
	/* the id, the punctuation, and each element in at most PGV_FLOAT_TEXT_MAX - 1 bytes and a
	 * comma: pgv_vector_format then always fits */
	if (dim > (SIZE_MAX - 64) / PGV_FLOAT_TEXT_MAX) {
		w->err = ENOMEM;
		return -1;
	}
	if (reserve(w, 64 + dim * PGV_FLOAT_TEXT_MAX) != 0)
		return -1;
	o = (size_t)snprintf(w->buf, w->cap, "%lld,", (long long)id);
	if (v) {
		w->buf[o++] = '"';
		o += pgv_vector_format(v->data, dim, w->buf + o, w->cap - o);
		w->buf[o++] = '"';
	}
	w->buf[o++] = '\n';
	return put(w, w->buf, o, id, 1);
}
