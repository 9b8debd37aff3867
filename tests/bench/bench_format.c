/*
 * bench_format: how fast floats are written as text, against snprintf("%.9g").
 *
 *   bench_format [VECTORS [DIM]]     (defaults: 64 vectors of 1536 dimensions)
 *
 * Two sets of random vectors:
 *   mixed      mixed magnitudes: |x| = 10^u, u uniform in [-37, 38], random sign, so that every
 *              exponent, layout (fixed, 0.000ddd, d.ddde+XX) and digit count is met, as with
 *              random bit patterns (the figure the library is held to)
 *   embedding  a unit-length embedding's values: normal, standard deviation 1/sqrt(DIM), nearly
 *              all printed as 0.0ddd (snprintf is at its cheapest on these)
 * Measured per element:
 *   snprintf %.9g      the C library's round-trip-safe printing (the baseline; not shortest)
 *   pgv_float_format   one call per element, into a 16-byte buffer
 *   pgv_vector_format  one call per vector, into a buffer large enough for any vector
 * Each figure is the median of RUNS runs over all the vectors, in ns per element; the ratio is
 * the baseline's time over the library's (above 1: the library is faster).
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

/* A uniform double in [0, 1). */
static double next_unit(uint64_t *state)
{
	return (double)(bench_random(state) >> 11) / 9007199254740992.0;
}

/* A float of mixed magnitude: 10^u for u uniform in [-37, 38], either sign. */
static float next_mixed(uint64_t *state)
{
	double x = pow(10, -37 + 75 * next_unit(state));

	return (float)(bench_random(state) & 1 ? -x : x);
}

/* A normally distributed float with standard deviation sd (Box-Muller). */
static float next_normal(uint64_t *state, double sd)
{
	double u = next_unit(state), v = next_unit(state);

	return (float)(sd * sqrt(-2 * log(1 - u)) * cos(6.283185307179586 * v));
}

/* Orders doubles ascending for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What is measured: the baseline and the two library entry points. */
typedef enum method { SNPRINTF, FLOAT_FORMAT, VECTOR_FORMAT } method;

/* Formats every element once with `m`; returns the bytes written so nothing is optimised away. */
static size_t run(method m, const float *data, size_t count, size_t dim, char *out, size_t cap)
{
	size_t total = 0;
	char buf[32];

	for (size_t v = 0; v < count; v++) {
		const float *x = data + v * dim;

		switch (m) {
		case SNPRINTF:
			for (size_t i = 0; i < dim; i++)
				total += (size_t)snprintf(buf, sizeof(buf), "%.9g", x[i]);
			break;
		case FLOAT_FORMAT:
			for (size_t i = 0; i < dim; i++)
				total += pgv_float_format(x[i], buf, sizeof(buf));
			break;
		case VECTOR_FORMAT:
			total += pgv_vector_format(x, dim, out, cap);
			break;
		}
	}
	return total;
}

/* Times the three methods on one set and prints ns per element and the ratios. */
static size_t measure(const char *set, const float *data, size_t count, size_t dim, char *out,
	size_t cap)
{
	static const char *const names[] = { "snprintf %.9g", "pgv_float_format", "pgv_vector_format" };
	double ns[3];
	size_t bytes = 0;

	for (int m = SNPRINTF; m <= VECTOR_FORMAT; m++) {
		double t[RUNS];

		bytes += run((method)m, data, count, dim, out, cap); /* warm up */
		for (int r = 0; r < RUNS; r++) {
			double start = bench_now();

			bytes += run((method)m, data, count, dim, out, cap);
			t[r] = bench_now() - start;
		}
		ns[m] = median(t, RUNS) * 1e9 / (double)(count * dim);
		printf("%-10s %-20s %10.1f %7.1fx\n", set, names[m], ns[m], ns[SNPRINTF] / ns[m]);
	}
	return bytes;
}

int main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	size_t dim = argc > 2 ? strtoul(argv[2], NULL, 10) : 1536;
	size_t cap = dim * PGV_FLOAT_TEXT_MAX + 3, bytes = 0;
	float *mixed, *embedding;
	char *out;
	uint64_t seed = 42;

	if (count == 0 || dim == 0 || dim > PGV_VECTOR_MAX_DIM) {
		fprintf(stderr, "usage: bench_format [VECTORS [DIM (1..%d)]]\n", PGV_VECTOR_MAX_DIM);
		return 2;
	}
	mixed = malloc(count * dim * sizeof(float));
	embedding = malloc(count * dim * sizeof(float));
	out = malloc(cap);
	if (mixed == NULL || embedding == NULL || out == NULL) {
		fprintf(stderr, "bench_format: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < count * dim; i++) {
		mixed[i] = next_mixed(&seed);
		embedding[i] = next_normal(&seed, 1 / sqrt((double)dim));
	}

	printf("bench_format: %zu vectors of %zu dimensions, median of %d runs, ns per element\n",
		count, dim, RUNS);
	printf("%-10s %-20s %10s %8s\n", "set", "method", "ns/elem", "ratio");
	bytes += measure("mixed", mixed, count, dim, out, cap);
	bytes += measure("embedding", embedding, count, dim, out, cap);
	printf("(%zu bytes written)\n", bytes);
	free(mixed);
	free(embedding);
	free(out);
	return 0;
}
