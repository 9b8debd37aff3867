/*
 * check_float_exhaustive: every one of the 2^32 float bit patterns, through the text codec.
 *
 *   check_float_exhaustive          (takes a few minutes on two cores)
 *   ctest -L exhaustive             (in a build configured with -DPGVODBC_TEST_EXHAUSTIVE=ON)
 *
 * For every finite float f:
 *   - pgv_float_format(f) is shorter than PGV_FLOAT_TEXT_MAX and strtof_l (C locale) reads it
 *     back to exactly the bits of f (-0 included);
 *   - pgv_vector_parse reads it back to exactly those bits too: the texts of a block of 4096
 *     consecutive patterns are joined into one "[...]" vector and parsed at once;
 *   - pgv_vector_format of the block's floats is that same "[...]" text;
 *   - the exact hexadecimal text the store sends PostgreSQL (pgv__vector_format_hex, one "[...]"
 *     per block) has elements of at most PGV__HEX_FLOAT_MAX bytes that strtof_l, which pgvector's
 *     input functions call, reads back to exactly the same bits;
 *   - when built with PostgreSQL's libpgcommon (PGV_CHECK_PGCOMMON, found by CMake), the text is
 *     byte for byte what PostgreSQL's own float4 printer (float_to_shortest_decimal_bufn, what
 *     float4out uses with extra_float_digits >= 1) writes, NaN and infinities included; that
 *     text reads back exactly by PostgreSQL's own guarantee, so strtof_l is then left out (it
 *     was most of the runtime).
 * Two threads take the positive and the negative half.  Progress is printed every 10%, then the
 * runtime, the count checked and the failures (the first few with their texts).  Exit status 0
 * when nothing failed.
 */

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pgvodbc.h"
#include "codec/codec.h"

#if defined(PGV_CHECK_PGCOMMON)
/* PostgreSQL's src/common/f2s.c, linked from libpgcommon: writes float4 text, returns its length. */
int float_to_shortest_decimal_bufn(float f, char *result);

/* libpgcommon's f2s.o refers to the server's allocator for a function never called here. */
void *palloc(size_t size);
void *palloc(size_t size)
{
	return malloc(size);
}
#endif

#define BLOCK 4096
#define THREADS 2
#define EXAMPLES 5

/* One failure to show. */
typedef struct example {
	uint32_t bits;
	char text[PGV_FLOAT_TEXT_MAX + 8];
	const char *what;
} example;

/* One thread's half of the patterns, its counts and its first failures. */
typedef struct worker {
	uint32_t sign;
	locale_t c;
	uint64_t checked, failures;
	example first[EXAMPLES];
	atomic_uint_fast64_t *done; /* patterns finished, over all threads */
} worker;

/* Seconds on a monotonic clock. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Counts a failure and keeps the first few. */
static void fail(worker *w, uint32_t bits, const char *text, const char *what)
{
	if (w->failures < EXAMPLES) {
		example *e = &w->first[w->failures];

		e->bits = bits;
		snprintf(e->text, sizeof(e->text), "%s", text);
		e->what = what;
	}
	w->failures++;
}

/* Checks the hexadecimal text of floats[0..count) (finite), written into `text`. */
static void check_hex(worker *w, const float *floats, const uint32_t *bits_of, size_t count,
	char *text)
{
	size_t n = pgv__vector_format_hex(floats, count, text);
	const char *p = text + 1;

	if (n < 2 || text[0] != '[' || text[n - 1] != ']' || text[n] != '\0') {
		fail(w, bits_of[0], "", "pgv__vector_format_hex writes no \"[...]\"");
		return;
	}
	for (size_t i = 0; i < count; i++) {
		char *end;
		float back = strtof_l(p, &end, w->c);
		char elem[PGV_FLOAT_TEXT_MAX + 8];

		snprintf(elem, sizeof(elem), "%.*s", (int)(end - p), p);
		if (end == p || end - p > PGV__HEX_FLOAT_MAX || *end != (i + 1 < count ? ',' : ']')
				|| memcmp(&back, &floats[i], sizeof(float)) != 0) {
			fail(w, bits_of[i], elem, "strtof_l reads the hexadecimal text back differently");
			return;
		}
		p = end + 1;
	}
}

/* Checks the patterns from `start`, BLOCK of them, with the buffers given. */
static void check_block(worker *w, uint32_t start, float *floats, uint32_t *bits_of,
	char *joined, char *formatted)
{
	size_t cap = BLOCK * PGV_FLOAT_TEXT_MAX + 3, len = 1, count = 0, n;
	pgv_vector parsed = PGV_VECTOR_INIT;

	joined[0] = '[';
	for (uint32_t i = 0; i < BLOCK; i++) {
		uint32_t bits = start + i;
		char text[PGV_FLOAT_TEXT_MAX];
		float f, back;

		memcpy(&f, &bits, sizeof(f));
		n = pgv_float_format(f, text, sizeof(text));
#if defined(PGV_CHECK_PGCOMMON)
		{
			char pg[PGV_FLOAT_TEXT_MAX + 8];
			int pg_n = float_to_shortest_decimal_bufn(f, pg);

			if (pg_n < 0 || (size_t)pg_n != n || memcmp(pg, text, n) != 0)
				fail(w, bits, text, "PostgreSQL's float4 printer writes other text");
		}
#endif
		if (!isfinite(f))
			continue;
#if !defined(PGV_CHECK_PGCOMMON)
		/* with PostgreSQL's printer the text is known exactly, and that text reads back */
		back = strtof_l(text, NULL, w->c);
		if (n == 0 || n >= PGV_FLOAT_TEXT_MAX || memcmp(&back, &f, sizeof(f)) != 0)
			fail(w, bits, text, "strtof_l reads it back differently");
#else
		(void)back;
#endif
		if (count > 0)
			joined[len++] = ',';
		memcpy(joined + len, text, n);
		len += n;
		floats[count] = f;
		bits_of[count++] = bits;
	}
	joined[len++] = ']';
	joined[len] = '\0';
	w->checked += count;
	if (count == 0)
		return;
	if (pgv_vector_parse(joined, len, &parsed) != 0 || parsed.dim != count) {
		fail(w, start, pgv_error_last()->message, "pgv_vector_parse rejects the block");
	} else {
		for (size_t i = 0; i < count; i++)
			if (memcmp(&parsed.data[i], &floats[i], sizeof(float)) != 0)
				fail(w, bits_of[i], "", "pgv_vector_parse reads it back differently");
	}
	pgv_vector_free(&parsed);
	n = pgv_vector_format(floats, count, formatted, cap);
	if (n != len || memcmp(formatted, joined, len) != 0)
		fail(w, start, "", "pgv_vector_format differs from the joined element texts");
	check_hex(w, floats, bits_of, count, formatted);
}

/* Runs one half: all patterns with the sign bit `w->sign`. */
static void *run(void *arg)
{
	worker *w = arg;
	size_t cap = BLOCK * PGV_FLOAT_TEXT_MAX + 3;
	float *floats = malloc(BLOCK * sizeof(float));
	uint32_t *bits_of = malloc(BLOCK * sizeof(uint32_t));
	char *joined = malloc(cap), *formatted = malloc(cap);

	if (floats == NULL || bits_of == NULL || joined == NULL || formatted == NULL) {
		fprintf(stderr, "check_float_exhaustive: out of memory\n");
		exit(2);
	}
	for (uint64_t at = 0; at < (UINT64_C(1) << 31); at += BLOCK) {
		check_block(w, w->sign << 31 | (uint32_t)at, floats, bits_of, joined, formatted);
		atomic_fetch_add(w->done, BLOCK);
	}
	free(floats);
	free(bits_of);
	free(joined);
	free(formatted);
	return NULL;
}

int main(void)
{
	static worker workers[THREADS];
	pthread_t threads[THREADS];
	atomic_uint_fast64_t done = 0;
	uint64_t total = UINT64_C(1) << 32, checked = 0, failures = 0;
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	double start = now();
	int step = 1;

	if (c == (locale_t)0) {
		fprintf(stderr, "check_float_exhaustive: no C locale\n");
		return 2;
	}
	printf("check_float_exhaustive: all %llu float bit patterns on %d threads, %s\n",
		(unsigned long long)total, THREADS,
#if defined(PGV_CHECK_PGCOMMON)
		"text compared with PostgreSQL's float4 printer (libpgcommon)"
#else
		"round trip only (built without PostgreSQL's libpgcommon)"
#endif
	);
	fflush(stdout);
	for (int t = 0; t < THREADS; t++) {
		workers[t].sign = (uint32_t)t;
		workers[t].c = c;
		workers[t].done = &done;
		if (pthread_create(&threads[t], NULL, run, &workers[t]) != 0) {
			fprintf(stderr, "check_float_exhaustive: cannot start a thread\n");
			return 2;
		}
	}
	while (step <= 10) {
		struct timespec pause = { 0, 200000000 };

		if (atomic_load(&done) * 10 >= total * (uint64_t)step) {
			printf("  %3d%%  %7.1f s\n", step * 10, now() - start);
			fflush(stdout);
			step++;
			continue;
		}
		nanosleep(&pause, NULL);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		checked += workers[t].checked;
		failures += workers[t].failures;
	}
	printf("checked %llu finite floats in %.1f s: %llu failures\n", (unsigned long long)checked,
		now() - start, (unsigned long long)failures);
	for (int t = 0; t < THREADS; t++)
		for (uint64_t i = 0; i < workers[t].failures && i < EXAMPLES; i++)
			printf("  %08x \"%s\": %s\n", workers[t].first[i].bits, workers[t].first[i].text,
				workers[t].first[i].what);
	freelocale(c);
	return failures == 0 ? 0 : 1;
}
