/* Loading a migration set: file names, whole files from a directory or the built-in set, checks. */
#include "migrate/migrate_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A migration file as read, before files are paired into migrations. */
typedef struct loaded_file {
	pgv__migration_name mn; /* mn.name points into `file` */
	char *file;             /* the file name (no directory) */
	char *text;             /* the bytes, NUL-terminated */
	size_t len;
} loaded_file;

typedef struct file_list {
	loaded_file *items;
	size_t count;
	size_t cap;
} file_list;

/* 1 for a character allowed in a migration's name: [A-Za-z0-9_], whatever the locale. */
static int is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
		|| ch == '_';
}

/* Matches NNNN_name.(up|down).sql by hand: no regex library, no locale. */
int pgv__migration_name_parse(const char *file, pgv__migration_name *out)
{
	const char *p = file, *name;
	int64_t version = 0;
	int overflow = 0, is_up;

	while (*p >= '0' && *p <= '9') {
		int digit = *p - '0';
		if (version > (INT64_MAX - digit) / 10)
			overflow = 1;
		else
			version = version * 10 + digit;
		p++;
	}
	if (p == file || *p != '_')
		return 0;
	name = ++p;
	while (is_name_char(*p))
		p++;
	if (p == name)
		return 0;
	if (strcmp(p, ".up.sql") == 0)
		is_up = 1;
	else if (strcmp(p, ".down.sql") == 0)
		is_up = 0;
	else
		return 0;
	if (overflow)
		return pgv__error_set(PGV_EINVAL, -1,
			"migration file \"%s\": version is too large (the largest is %" PRId64 ")",
			file, INT64_MAX);
	if (version == 0)
		return pgv__error_set(PGV_EINVAL, -1,
			"migration file \"%s\": version must be greater than 0", file);
	out->version = version;
	out->name = name;
	out->name_len = (size_t)(p - name);
	out->stem_len = (size_t)(p - file);
	out->is_up = is_up;
	return 1;
}

/* Frees the files of a list and the list's array. */
static void file_list_free(file_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].file);
		free(list->items[i].text);
	}
	free(list->items);
}

/*
 * Appends a file to the list, taking ownership of `text` (len bytes plus a NUL) in every case.
 * Refuses a NUL byte inside the text: the file could not be sent as SQL text.
 */
static int file_list_add(file_list *list, const char *file, const pgv__migration_name *mn,
	char *text, size_t len)
{
	loaded_file *f;
	const char *nul = memchr(text, '\0', len);
	size_t flen = strlen(file);

	if (nul) {
		size_t at = (size_t)(nul - text);
		free(text);
		return pgv__error_set(PGV_EINVAL, (int64_t)at,
			"migration file \"%s\": NUL byte at offset %zu: SQL text cannot contain one",
			file, at);
	}
	if (list->count == list->cap) {
		loaded_file *items = NULL;
		size_t cap = list->cap ? list->cap * 2 : 16;
		if (list->cap <= SIZE_MAX / 2 / sizeof(*items))
			items = realloc(list->items, cap * sizeof(*items));
		if (!items) {
			free(text);
			return pgv__error_set(PGV_ENOMEM, -1, "out of memory loading \"%s\"", file);
		}
		list->items = items;
		list->cap = cap;
	}
	f = &list->items[list->count];
	f->file = malloc(flen + 1);
	if (!f->file) {
		free(text);
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory loading \"%s\"", file);
	}
	memcpy(f->file, file, flen + 1);
	f->mn = *mn;
	f->mn.name = f->file + (mn->name - file);
	f->text = text;
	f->len = len;
	list->count++;
	return 0;
}

/* The text of an errno value, in English and safe to call from any thread. */
static const char *errno_text(int err)
{
	locale_t c = pgv__c_locale();

	return c ? strerror_l(err, c) : "system error";
}

/*
 * Reads the regular file at `path` whole, any size, into a new NUL-terminated buffer that the
 * caller frees.  O_NONBLOCK keeps a FIFO that happens to carry a migration's name from blocking.
 */
static int read_whole(const char *path, char **out, size_t *out_len)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd, err;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return pgv__error_set(PGV_EINVAL, -1, "reading migration file \"%s\": %s", path,
			errno_text(errno));
	if (fstat(fd, &st) != 0) {
		err = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return pgv__error_set(PGV_EINVAL, -1, "reading migration file \"%s\": not a regular file",
			path);
	}
	/* The size is only a first guess: the file may grow while it is read. */
	if (st.st_size < 0 || (uintmax_t)st.st_size >= SIZE_MAX - 1)
		cap = 4096;
	else
		cap = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;
		if (!buf || len + 1 >= cap) {
			char *grown;
			if (buf && cap > SIZE_MAX / 2) {
				err = -1;
				goto fail;
			}
			if (buf)
				cap *= 2;
			grown = realloc(buf, cap);
			if (!grown) {
				err = -1;
				goto fail;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - 1 - len > SSIZE_MAX ? SSIZE_MAX : cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
fail:
	close(fd);
	free(buf);
	if (err < 0)
		return pgv__error_set(PGV_ENOMEM, -1, "reading migration file \"%s\": out of memory",
			path);
	return pgv__error_set(PGV_EINVAL, -1, "reading migration file \"%s\": %s", path,
		errno_text(err));
}

/* Reads every migration file of directory `dir` into the list; other entries are ignored. */
static int read_directory(file_list *list, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	size_t dlen = strlen(dir);
	int status = 0;

	if (!d)
		return pgv__error_set(PGV_EINVAL, -1, "opening migration directory \"%s\": %s", dir,
			errno_text(errno));
	for (;;) {
		pgv__migration_name mn;
		char *path, *text = NULL;
		size_t flen, len = 0;

		errno = 0;
		if (!(ent = readdir(d))) {
			if (errno != 0)
				status = pgv__error_set(PGV_EINVAL, -1,
					"reading migration directory \"%s\": %s", dir, errno_text(errno));
			break;
		}
		if ((status = pgv__migration_name_parse(ent->d_name, &mn)) <= 0) {
			if (status < 0)
				break;
			continue;
		}
		flen = strlen(ent->d_name);
		if (dlen > SIZE_MAX - 2 - flen) {
			status = pgv__error_set(PGV_ENOMEM, -1, "migration file path is too long");
			break;
		}
		if (!(path = malloc(dlen + flen + 2))) {
			status = pgv__error_set(PGV_ENOMEM, -1, "out of memory loading \"%s\"",
				ent->d_name);
			break;
		}
		memcpy(path, dir, dlen);
		path[dlen] = '/';
		memcpy(path + dlen + 1, ent->d_name, flen + 1);
		status = read_whole(path, &text, &len);
		free(path);
		if (status == 0)
			status = file_list_add(list, ent->d_name, &mn, text, len);
		if (status != 0)
			break;
	}
	closedir(d);
	return status < 0 ? status : 0;
}

/* Orders files by version, the up file first, then by file name so that errors are stable. */
static int file_order(const void *pa, const void *pb)
{
	const loaded_file *a = pa, *b = pb;

	if (a->mn.version != b->mn.version)
		return a->mn.version < b->mn.version ? -1 : 1;
	if (a->mn.is_up != b->mn.is_up)
		return a->mn.is_up ? -1 : 1;
	return strcmp(a->file, b->file);
}

/* 1 when two files give their migration the same name. */
static int same_name(const loaded_file *a, const loaded_file *b)
{
	return a->mn.name_len == b->mn.name_len
		&& memcmp(a->mn.name, b->mn.name, a->mn.name_len) == 0;
}

/* Checks the files of one version, group[0..n), sorted with the up file first. */
static int check_group(const loaded_file *group, size_t n)
{
	const loaded_file *down = NULL;

	if (!group[0].mn.is_up)
		return pgv__error_set(PGV_EINVAL, -1,
			"migration file \"%s\": a down file without its up file", group[0].file);
	for (size_t i = 1; i < n; i++) {
		if (!same_name(&group[0], &group[i]))
			return pgv__error_set(PGV_EINVAL, -1,
				"migration version %" PRId64 " is used twice: \"%s\" and \"%s\"",
				group[0].mn.version, group[0].file, group[i].file);
		if (group[i].mn.is_up)
			return pgv__error_set(PGV_EINVAL, -1,
				"migration version %" PRId64 " has two up files: \"%s\" and \"%s\"",
				group[0].mn.version, group[0].file, group[i].file);
		if (down)
			return pgv__error_set(PGV_EINVAL, -1,
				"migration version %" PRId64 " has two down files: \"%s\" and \"%s\"",
				group[0].mn.version, down->file, group[i].file);
		down = &group[i];
	}
	return 0;
}

/* A new copy of s[0..n) with a NUL, or NULL. */
static char *copy_text(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Pairs the files into migrations, moving their buffers out of the list into the new set. */
static int build_set(file_list *list, pgv_migrate_set **out)
{
	pgv_migrate_set *set = calloc(1, sizeof(*set));
	size_t i = 0, n;
	int status = 0;

	if (!set)
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory loading migrations");
	if (list->count > 0) {
		qsort(list->items, list->count, sizeof(*list->items), file_order);
		/* list->count bounds the number of migrations, and it fit in memory already. */
		set->items = calloc(list->count, sizeof(*set->items));
		if (!set->items) {
			free(set);
			return pgv__error_set(PGV_ENOMEM, -1, "out of memory loading migrations");
		}
		set->cap = list->count;
	}
	for (; i < list->count; i += n) {
		loaded_file *g = &list->items[i];
		pgv__migration *m = &set->items[set->count];

		for (n = 1; i + n < list->count && g[n].mn.version == g[0].mn.version; n++)
			;
		if ((status = check_group(g, n)) != 0)
			break;
		m->version = g[0].mn.version;
		m->id = copy_text(g[0].file, g[0].mn.stem_len);
		m->name = copy_text(g[0].mn.name, g[0].mn.name_len);
		if (!m->id || !m->name) {
			free(m->id);
			free(m->name);
			status = pgv__error_set(PGV_ENOMEM, -1, "out of memory loading migrations");
			break;
		}
		m->up_file = g[0].file;
		m->up = g[0].text;
		m->up_len = g[0].len;
		g[0].file = g[0].text = NULL;
		if (n == 2) {
			m->down_file = g[1].file;
			m->down = g[1].text;
			m->down_len = g[1].len;
			g[1].file = g[1].text = NULL;
		}
		pgv__md5_hex(m->up, m->up_len, m->checksum);
		set->count++;
	}
	if (i < list->count) {
		pgv_migrate_set_free(set);
		return status;
	}
	*out = set;
	return 0;
}

/* Makes a set from the files of `list` (emptied in any case). */
static int finish(file_list *list, pgv_migrate_set **out)
{
	int status = build_set(list, out);

	file_list_free(list);
	return status;
}

/* Builds a set from in-memory files (the built-in set, tests). */
int pgv__migrations_from_files(pgv_migrate_set **out, const pgv__builtin_file *files,
	size_t count)
{
	file_list list = { NULL, 0, 0 };
	int status;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "loading migrations: out must not be NULL");
	*out = NULL;
	if (!files && count > 0)
		return pgv__error_set(PGV_EINVAL, -1, "loading migrations: files must not be NULL");
	for (size_t i = 0; i < count; i++) {
		pgv__migration_name mn;
		char *text;

		if ((status = pgv__migration_name_parse(files[i].name, &mn)) <= 0) {
			if (status < 0) {
				file_list_free(&list);
				return status;
			}
			continue;
		}
		if (files[i].len == SIZE_MAX || !(text = malloc(files[i].len + 1))) {
			file_list_free(&list);
			return pgv__error_set(PGV_ENOMEM, -1, "out of memory loading \"%s\"",
				files[i].name);
		}
		memcpy(text, files[i].text, files[i].len);
		text[files[i].len] = '\0';
		if ((status = file_list_add(&list, files[i].name, &mn, text, files[i].len)) != 0) {
			file_list_free(&list);
			return status;
		}
	}
	return finish(&list, out);
}

/*
 * The built-in files under "<backend>/" (sql/<backend>/ in the source tree), named without that
 * prefix, as a set of their own; the texts are copied.
 */
static int builtin_for(pgv_migrate_set **out, pgv_backend backend)
{
	const char *prefix = pgv_backend_name(backend);
	size_t plen = strlen(prefix), n = 0;
	pgv__builtin_file *files = malloc((pgv__builtin_count + 1) * sizeof(*files));
	int status;

	if (!files)
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory loading migrations");
	for (size_t i = 0; i < pgv__builtin_count; i++) {
		const pgv__builtin_file *f = &pgv__builtin_files[i];

		if (strncmp(f->name, prefix, plen) == 0 && f->name[plen] == '/') {
			files[n] = *f;
			files[n++].name = f->name + plen + 1;
		}
	}
	status = pgv__migrations_from_files(out, files, n);
	free(files);
	return status;
}

/* Whether `dir`/`name` is a directory. */
static int has_subdirectory(const char *dir, const char *name, char **path)
{
	struct stat sb;
	size_t dlen = strlen(dir), nlen = strlen(name);

	*path = NULL;
	if (dlen > SIZE_MAX - 2 - nlen || !(*path = malloc(dlen + nlen + 2)))
		return -1;
	memcpy(*path, dir, dlen);
	(*path)[dlen] = '/';
	memcpy(*path + dlen + 1, name, nlen + 1);
	return stat(*path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Loads a directory's set, or the built-in one for a NULL `dir`. */
int pgv_migrate_set_load(pgv_migrate_set **out, const char *dir)
{
	file_list list = { NULL, 0, 0 };
	int status;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "loading migrations: out must not be NULL");
	*out = NULL;
	if (!dir) {
		/* PostgreSQL's files are the set itself, as before the SQLite backend */
		if ((status = builtin_for(out, PGV_BACKEND_POSTGRESQL)) == 0
				&& (status = builtin_for(&(*out)->per_backend[PGV_BACKEND_SQLITE],
					PGV_BACKEND_SQLITE)) != 0) {
			pgv_migrate_set_free(*out);
			*out = NULL;
		}
		return status;
	}
	if ((status = read_directory(&list, dir)) != 0) {
		file_list_free(&list);
		return status;
	}
	if ((status = finish(&list, out)) != 0)
		return status;
	/* a per-backend layout: DIR/postgresql/, DIR/sqlite/ */
	for (int b = 1; b < PGV__BACKENDS; b++) {
		char *path = NULL;
		int sub = has_subdirectory(dir, pgv_backend_name((pgv_backend)b), &path);

		if (sub < 0)
			status = pgv__error_set(PGV_ENOMEM, -1, "out of memory loading migrations");
		else if (sub)
			status = pgv_migrate_set_load(&(*out)->per_backend[b], path);
		free(path);
		if (status != 0) {
			pgv_migrate_set_free(*out);
			*out = NULL;
			return status;
		}
	}
	return 0;
}

/* The set a connection's backend runs. */
const pgv_migrate_set *pgv__migrate_set_for(const pgv_migrate_set *set, pgv_conn *conn)
{
	pgv_backend b = pgv_conn_backend(conn);

	if (set && (unsigned)b < PGV__BACKENDS && set->per_backend[b])
		return set->per_backend[b];
	return set;
}

/* Frees a set and every migration's strings. */
void pgv_migrate_set_free(pgv_migrate_set *set)
{
	if (!set)
		return;
	for (int b = 0; b < PGV__BACKENDS; b++)
		pgv_migrate_set_free(set->per_backend[b]);
	for (size_t i = 0; i < set->count; i++) {
		pgv__migration *m = &set->items[i];
		free(m->id);
		free(m->name);
		free(m->up_file);
		free(m->up);
		free(m->down_file);
		free(m->down);
	}
	free(set->items);
	free(set);
}

/* The number of migrations in a set (0 for NULL). */
size_t pgv_migrate_set_count(const pgv_migrate_set *set)
{
	return set ? set->count : 0;
}
