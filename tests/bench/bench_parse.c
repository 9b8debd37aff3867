/*
 * bench_parse: how fast vector text is read, against a plain strtof loop over the same text and,
 * when built with it, fast_float (libfast-float-dev), the fastest exact float reader known.
 *
 *   bench_parse [VECTORS [DIM [SET]]]     (defaults: 256 vectors of 1536 dimensions, all sets)
 *
 * The text is what the server sends: random floats written in their shortest round-trip form by
 * pgv_vector_format.  Three sets:
 *   float4[]   "{...}", as a float4[] column or a vector cast to real[] comes back, of normally
 *              distributed values with the spread of a unit-length embedding (standard
 *              deviation 1/sqrt(DIM))
 *   vector     the same values as pgvector's own "[...]" text
 *   spread     "{...}" of values whose magnitudes are spread over the float range: |x| = 10^u,
 *              u uniform in [-37, 38], random sign (every layout: 0.000ddd, ddd.ddd, d.ddde+XX)
 * SET (float4[], vector or spread) measures one set alone, e.g. for instruction counts:
 *   valgrind --tool=callgrind --toggle-collect=pgv_vector_parse bench_parse 8 1536 float4[]
 * For each set:
 *   strtof loop       split on commas, strtof each element (the baseline; no checks at all)
 *   fast_float        fast_float::from_chars each element, one call per vector (no checks)
 *   pgv_vector_parse  the library, with pgvector's full grammar and checks, into a new vector
 * The methods run interleaved, each run timed in this thread's CPU time (time preempted by other
 * programs on a shared machine is not counted); each figure is the median of RUNS runs over all
 * the vectors, ns per element and MB/s of text, and the ratios are medians of per-run ratios.
 * Before timing, the library's and fast_float's floats are compared with strtof's, bit for bit.
 * The first line names the library's run reader (avx2, sse2 or portable); PGVODBC_NO_AVX2=1
 * measures the SSE2 one on a processor with AVX2.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "bench_anchors.h"
#include "codec/numtext.h"

#define RUNS 9

/* The vectors' text in one form. */
typedef struct corpus {
	char **text;
	size_t *len;
	size_t count;
	size_t dim;
	size_t bytes;
} corpus;

/* A normally distributed double (Box-Muller) with the given standard deviation. */
static double next_normal(uint64_t *state, double sd)
{
	double u1 = ((double)(bench_random(state) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(bench_random(state) >> 11) / 9007199254740992.0;

	return sd * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* A float of mixed magnitude: 10^u for u uniform in [-37, 38], either sign. */
static double next_spread(uint64_t *state)
{
	double x = pow(10, -37 + 75 * ((double)(bench_random(state) >> 11) / 9007199254740992.0));

	return bench_random(state) & 1 ? -x : x;
}

/*
 * Fills c with `count` random vectors of `dim` floats as text; braces when `braces`; embedding
 * values, or magnitudes spread over the range when `spread`.
 */
static void make_corpus(corpus *c, size_t count, size_t dim, int braces, int spread, uint64_t seed)
{
	float *v = malloc(dim * sizeof(float));

	c->text = calloc(count, sizeof(char *));
	c->len = calloc(count, sizeof(size_t));
	if (v == NULL || c->text == NULL || c->len == NULL) {
		fprintf(stderr, "bench_parse: out of memory\n");
		exit(1);
	}
	c->count = count;
	c->dim = dim;
	c->bytes = 0;
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < dim; j++)
			v[j] = (float)(spread ? next_spread(&seed) :
				next_normal(&seed, 1.0 / sqrt((double)dim)));
		c->len[i] = pgv_vector_format(v, dim, NULL, 0);
		c->text[i] = malloc(c->len[i] + 1);
		if (c->text[i] == NULL) {
			fprintf(stderr, "bench_parse: out of memory\n");
			exit(1);
		}
		pgv_vector_format(v, dim, c->text[i], c->len[i] + 1);
		if (braces) {
			c->text[i][0] = '{';
			c->text[i][c->len[i] - 1] = '}';
		}
		c->bytes += c->len[i];
	}
	free(v);
}

/* Releases a corpus. */
static void free_corpus(corpus *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->text[i]);
	free(c->text);
	free(c->len);
}

/* The baseline: strtof each comma-separated element of one text into out[0..dim). */
static void strtof_loop(const char *text, size_t dim, float *out)
{
	const char *p = text + 1;
	char *end;

	for (size_t i = 0; i < dim; i++) {
		out[i] = strtof(p, &end);
		p = end + 1;
	}
}

/* CPU seconds for one pass of the baseline over the corpus; the sum keeps the work observable. */
static double time_strtof(const corpus *c, float *scratch, double *sum)
{
	double t0 = bench_thread_cpu();

	for (size_t i = 0; i < c->count; i++) {
		strtof_loop(c->text[i], c->dim, scratch);
		*sum += scratch[i % c->dim];
	}
	return bench_thread_cpu() - t0;
}

#if defined(PGV_BENCH_FAST_FLOAT)
/* CPU seconds for one pass of fast_float over the corpus. */
static double time_fast_float(const corpus *c, float *scratch, double *sum)
{
	double t0 = bench_thread_cpu();

	for (size_t i = 0; i < c->count; i++) {
		bench_fast_float_vector(c->text[i], c->len[i], scratch, c->dim);
		*sum += scratch[i % c->dim];
	}
	return bench_thread_cpu() - t0;
}
#endif

/* CPU seconds for one pass of pgv_vector_parse over the corpus. */
static double time_library(const corpus *c, double *sum)
{
	double t0 = bench_thread_cpu();

	for (size_t i = 0; i < c->count; i++) {
		pgv_vector v = PGV_VECTOR_INIT;

		if (pgv_vector_parse(c->text[i], c->len[i], &v) != PGV_OK) {
			fprintf(stderr, "bench_parse: %s\n", pgv_error_last()->message);
			exit(1);
		}
		*sum += v.data[i % v.dim];
		pgv_vector_free(&v);
	}
	return bench_thread_cpu() - t0;
}

/* 1 when this build measures fast_float. */
static int have_fast_float(void)
{
#if defined(PGV_BENCH_FAST_FLOAT)
	return 1;
#else
	return 0;
#endif
}

/* Orders doubles for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of RUNS seconds. */
static double median(double *t)
{
	qsort(t, RUNS, sizeof(double), cmp_double);
	return t[RUNS / 2];
}

/* Checks, before any timing, that the library reads every vector exactly as strtof does. */
static void check_corpus(const corpus *c, float *scratch)
{
	for (size_t i = 0; i < c->count; i++) {
		pgv_vector v = PGV_VECTOR_INIT;

		strtof_loop(c->text[i], c->dim, scratch);
		if (pgv_vector_parse(c->text[i], c->len[i], &v) != PGV_OK || v.dim != c->dim ||
		    memcmp(v.data, scratch, c->dim * sizeof(float)) != 0) {
			fprintf(stderr, "bench_parse: vector %zu differs from strtof\n", i);
			exit(1);
		}
		pgv_vector_free(&v);
#if defined(PGV_BENCH_FAST_FLOAT)
		{
			float *ff = bench_xmalloc(c->dim * sizeof(float));

			if (bench_fast_float_vector(c->text[i], c->len[i], ff, c->dim) != c->dim ||
			    memcmp(ff, scratch, c->dim * sizeof(float)) != 0) {
				fprintf(stderr, "bench_parse: fast_float reads vector %zu differently\n", i);
				exit(1);
			}
			free(ff);
		}
#endif
	}
}

/* Measures one set of texts and prints a line per method with its ratios. */
static void measure(const char *form, const corpus *c, float *scratch)
{
	double base[RUNS], lib[RUNS], ff[RUNS], r_base[RUNS], r_ff[RUNS], ff_base[RUNS], sum = 0.0;
	double elements = (double)c->count * (double)c->dim, tb, tl;
	int have_ff = 0;

	check_corpus(c, scratch);
	time_strtof(c, scratch, &sum); /* warm-up */
	time_library(c, &sum);
#if defined(PGV_BENCH_FAST_FLOAT)
	have_ff = 1;
	time_fast_float(c, scratch, &sum);
#endif
	/* interleaved, so a machine that slows down for a while slows all alike */
	for (int r = 0; r < RUNS; r++) {
		base[r] = time_strtof(c, scratch, &sum);
#if defined(PGV_BENCH_FAST_FLOAT)
		ff[r] = time_fast_float(c, scratch, &sum);
#else
		ff[r] = base[r];
#endif
		lib[r] = time_library(c, &sum);
		r_base[r] = base[r] / lib[r];
		r_ff[r] = ff[r] / lib[r];
		ff_base[r] = base[r] / ff[r];
	}
	tb = median(base);
	tl = median(lib);
	printf("%-9s %-17s %8.2f ns/element %9.1f MB/s\n", form, "strtof loop",
		tb * 1e9 / elements, (double)c->bytes / tb / 1e6);
	if (have_ff)
		printf("%-9s %-17s %8.2f ns/element %9.1f MB/s %7.2fx strtof\n", form, "fast_float",
			median(ff) * 1e9 / elements, (double)c->bytes / median(ff) / 1e6,
			median(ff_base));
	printf("%-9s %-17s %8.2f ns/element %9.1f MB/s %7.2fx strtof", form, "pgv_vector_parse",
		tl * 1e9 / elements, (double)c->bytes / tl / 1e6, median(r_base));
	if (have_ff)
		printf(" %7.2fx fast_float", median(r_ff));
	printf(" (checksum %g)\n", sum);
}

int main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	size_t dim = argc > 2 ? strtoul(argv[2], NULL, 10) : 1536;
	const char *only = argc > 3 ? argv[3] : NULL;
	corpus braces, brackets, spread;
	float *scratch;

	if (count == 0 || dim == 0 || dim > PGV_VECTOR_MAX_DIM) {
		fprintf(stderr, "usage: bench_parse [VECTORS [DIM [float4[]|vector|spread]]] (DIM 1..%d)\n",
			PGV_VECTOR_MAX_DIM);
		return 2;
	}
	scratch = malloc(dim * sizeof(float));
	if (scratch == NULL)
		return 1;
	make_corpus(&braces, count, dim, 1, 0, 42);
	make_corpus(&brackets, count, dim, 0, 0, 42);
	make_corpus(&spread, count, dim, 1, 1, 43);
	printf("bench_parse: %zu vectors of %zu dimensions, %.1f (spread: %.1f) bytes/element, "
		"median of %d runs, %s reader%s\n", count, dim,
		(double)braces.bytes / ((double)count * (double)dim),
		(double)spread.bytes / ((double)count * (double)dim), RUNS, pgv__float_parse_path(),
		have_fast_float() ? "" : " (fast_float not built)");
	if (only == NULL || strcmp(only, "float4[]") == 0)
		measure("float4[]", &braces, scratch);
	if (only == NULL || strcmp(only, "vector") == 0)
		measure("vector", &brackets, scratch);
	if (only == NULL || strcmp(only, "spread") == 0)
		measure("spread", &spread, scratch);
	free_corpus(&braces);
	free_corpus(&brackets);
	free_corpus(&spread);
	free(scratch);
	return 0;
}
