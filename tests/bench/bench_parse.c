/*
 * bench_parse: how fast vector text is read, against a plain strtof loop over the same text.
 *
 *   bench_parse [VECTORS [DIM]]     (defaults: 256 vectors of 1536 dimensions)
 *
 * The text is what the server sends: each vector's floats are random, normally distributed with
 * the spread of a unit-length embedding (standard deviation 1/sqrt(DIM)), written in their
 * shortest round-trip form by pgv_vector_format.  Two forms are measured:
 *   float4[]   "{...}", as a float4[] column or a vector cast to real[] comes back
 *   vector     "[...]", pgvector's own text
 * For each form:
 *   strtof loop       split on commas, strtof each element (the baseline; no checks at all)
 *   pgv_vector_parse  the library, with pgvector's full grammar and checks, into a new vector
 * Each figure is the median of RUNS runs over all the vectors; ns per element and MB/s of text.
 * Before timing, the library's floats are compared with strtof's, bit for bit.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

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

/* Fills c with `count` random vectors of `dim` floats as text; braces when `braces`. */
static void make_corpus(corpus *c, size_t count, size_t dim, int braces, uint64_t seed)
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
			v[j] = (float)next_normal(&seed, 1.0 / sqrt((double)dim));
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

/* Seconds for one pass of the baseline over the corpus; the sum keeps the work observable. */
static double time_strtof(const corpus *c, float *scratch, double *sum)
{
	double t0 = bench_now();

	for (size_t i = 0; i < c->count; i++) {
		strtof_loop(c->text[i], c->dim, scratch);
		*sum += scratch[i % c->dim];
	}
	return bench_now() - t0;
}

/* Seconds for one pass of pgv_vector_parse over the corpus. */
static double time_library(const corpus *c, double *sum)
{
	double t0 = bench_now();

	for (size_t i = 0; i < c->count; i++) {
		pgv_vector v = PGV_VECTOR_INIT;

		if (pgv_vector_parse(c->text[i], c->len[i], &v) != PGV_OK) {
			fprintf(stderr, "bench_parse: %s\n", pgv_error_last()->message);
			exit(1);
		}
		*sum += v.data[i % v.dim];
		pgv_vector_free(&v);
	}
	return bench_now() - t0;
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
	}
}

/* Measures one form of the text and prints its two lines and the ratio. */
static void measure(const char *form, const corpus *c, float *scratch)
{
	double base[RUNS], lib[RUNS], ratio[RUNS], sum = 0.0, tb, tl;
	double elements = (double)c->count * (double)c->dim;

	check_corpus(c, scratch);
	time_strtof(c, scratch, &sum); /* warm-up */
	time_library(c, &sum);
	/* interleaved, so a machine that slows down for a while slows both alike */
	for (int r = 0; r < RUNS; r++) {
		base[r] = time_strtof(c, scratch, &sum);
		lib[r] = time_library(c, &sum);
		ratio[r] = base[r] / lib[r];
	}
	tb = median(base);
	tl = median(lib);
	printf("%-9s %-17s %8.2f ns/element %9.1f MB/s\n", form, "strtof loop",
		tb * 1e9 / elements, (double)c->bytes / tb / 1e6);
	printf("%-9s %-17s %8.2f ns/element %9.1f MB/s\n", form, "pgv_vector_parse",
		tl * 1e9 / elements, (double)c->bytes / tl / 1e6);
	printf("%-9s %-17s %8.1fx faster (median of per-run ratios %.1fx; checksum %g)\n", form,
		"ratio", tb / tl, median(ratio), sum);
}

int main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	size_t dim = argc > 2 ? strtoul(argv[2], NULL, 10) : 1536;
	corpus braces, brackets;
	float *scratch;

	if (count == 0 || dim == 0 || dim > PGV_VECTOR_MAX_DIM) {
		fprintf(stderr, "usage: bench_parse [VECTORS [DIM]] (DIM 1..%d)\n", PGV_VECTOR_MAX_DIM);
		return 2;
	}
	scratch = malloc(dim * sizeof(float));
	if (scratch == NULL)
		return 1;
	make_corpus(&braces, count, dim, 1, 42);
	make_corpus(&brackets, count, dim, 0, 42);
	printf("bench_parse: %zu vectors of %zu dimensions, %.1f bytes/element, median of %d runs\n",
		count, dim, (double)braces.bytes / ((double)count * (double)dim), RUNS);
	measure("float4[]", &braces, scratch);
	measure("vector", &brackets, scratch);
	free_corpus(&braces);
	free_corpus(&brackets);
	free(scratch);
	return 0;
}
