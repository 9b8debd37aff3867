/*
 * bench_format: how fast floats are written as text, against snprintf("%.9g") and, when built
 * with it, {fmt}'s shortest formatting (fmt::format_to(buf, FMT_COMPILE("{}"), f), libfmt-dev).
 *
 *   bench_format [VECTORS [DIM [SET]]]     (defaults: 64 vectors of 1536 dimensions, all sets)
 *
 * SET (uniform, embedding or mixed) measures one set alone, e.g. for instruction counts:
 *   valgrind --tool=callgrind --toggle-collect=pgv_vector_format bench_format 4 1536 uniform
 *
 * Three sets of random vectors:
 *   uniform    values uniform in [-1, 1): nearly all printed as 0.ddddddddd, 8 or 9 digits
 *   embedding  a unit-length embedding's values: normal, standard deviation 1/sqrt(DIM), nearly
 *              all printed as 0.0ddd (snprintf is at its cheapest on these)
 *   mixed      mixed magnitudes: |x| = 10^u, u uniform in [-37, 38], random sign, so that every
 *              exponent, layout (fixed, 0.000ddd, d.ddde+XX) and digit count is met
 * Measured per element:
 *   snprintf %.9g      the C library's round-trip-safe printing (the baseline; not shortest)
 *   {fmt} float        fmt::format_to per element into a 32-byte buffer (shortest digits)
 *   {fmt} vector       "[a,b,...]" with fmt::format_to per element, one call per vector
 *   pgv_float_format   one call per element, into a 16-byte buffer
 *   pgv_vector_format  one call per vector, into a buffer large enough for any vector
 * The methods run interleaved (run 1 of each, then run 2, ...), so that a busy spell of this
 * shared machine slows all of them alike, and each run is timed in this thread's CPU time, so
 * that time the thread spends preempted by other programs is not counted.  Each figure is the
 * median of RUNS runs over all the vectors, in ns per element; the ratios are the baseline's or {fmt}'s time over the method's
 * (above 1: the method is faster), medians of the per-run ratios.
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

/* What is measured: the baselines and the two library entry points. */
typedef enum method { SNPRINTF, FMT_FLOAT, FMT_VECTOR, FLOAT_FORMAT, VECTOR_FORMAT, METHODS } method;

static const char *const method_names[METHODS] = { "snprintf %.9g", "{fmt} float", "{fmt} vector",
	"pgv_float_format", "pgv_vector_format" };

/* 1 when this build can run method m (the {fmt} anchor is optional). */
static int available(method m)
{
#if defined(PGV_BENCH_FMT)
	(void)m;
	return 1;
#else
	return m != FMT_FLOAT && m != FMT_VECTOR;
#endif
}

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
#if defined(PGV_BENCH_FMT)
		case FMT_FLOAT:
			for (size_t i = 0; i < dim; i++)
				total += bench_fmt_float(x[i], buf);
			break;
		case FMT_VECTOR:
			total += bench_fmt_vector(x, dim, out);
			break;
#endif
		case FLOAT_FORMAT:
			for (size_t i = 0; i < dim; i++)
				total += pgv_float_format(x[i], buf, sizeof(buf));
			break;
		case VECTOR_FORMAT:
			total += pgv_vector_format(x, dim, out, cap);
			break;
		default:
			break;
		}
	}
	return total;
}

/* Times the methods on one set, interleaved, and prints ns per element and the ratios. */
static size_t measure(const char *set, const float *data, size_t count, size_t dim, char *out,
	size_t cap)
{
	double t[METHODS][RUNS], ratio_base[RUNS], ratio_fmt[RUNS];
	size_t bytes = 0;

	for (int m = 0; m < METHODS; m++)
		if (available((method)m))
			bytes += run((method)m, data, count, dim, out, cap); /* warm up */
	for (int r = 0; r < RUNS; r++) {
		for (int m = 0; m < METHODS; m++) {
			double start = bench_thread_cpu();

			if (available((method)m))
				bytes += run((method)m, data, count, dim, out, cap);
			t[m][r] = bench_thread_cpu() - start;
		}
	}
	for (int m = 0; m < METHODS; m++) {
		double ns, times[RUNS];

		if (!available((method)m))
			continue;
		for (int r = 0; r < RUNS; r++) {
			ratio_base[r] = t[SNPRINTF][r] / t[m][r];
			/* a vector method against {fmt}'s vector loop, a per-element one against its own */
			ratio_fmt[r] = t[m == VECTOR_FORMAT || m == FMT_VECTOR ? FMT_VECTOR : FMT_FLOAT][r] /
				t[m][r];
		}
		memcpy(times, t[m], sizeof(times)); /* median sorts; t stays in run order */
		ns = median(times, RUNS) * 1e9 / (double)(count * dim);
		printf("%-10s %-18s %8.2f %8.2fx", set, method_names[m], ns, median(ratio_base, RUNS));
		if (available(FMT_FLOAT))
			printf(" %8.2fx", median(ratio_fmt, RUNS));
		printf("\n");
	}
	return bytes;
}

/* A float uniform in [-1, 1). */
static float next_uniform(uint64_t *state)
{
	return (float)(2 * next_unit(state) - 1);
}

int main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	size_t dim = argc > 2 ? strtoul(argv[2], NULL, 10) : 1536;
	const char *only = argc > 3 ? argv[3] : NULL;
	size_t cap = dim * PGV_FLOAT_TEXT_MAX + 3, bytes = 0;
	float *mixed, *embedding, *uniform;
	char *out;
	uint64_t seed = 42;

	if (count == 0 || dim == 0 || dim > PGV_VECTOR_MAX_DIM) {
		fprintf(stderr, "usage: bench_format [VECTORS [DIM (1..%d) [uniform|embedding|mixed]]]\n",
			PGV_VECTOR_MAX_DIM);
		return 2;
	}
	mixed = malloc(count * dim * sizeof(float));
	embedding = malloc(count * dim * sizeof(float));
	uniform = malloc(count * dim * sizeof(float));
	out = malloc(cap);
	if (mixed == NULL || embedding == NULL || uniform == NULL || out == NULL) {
		fprintf(stderr, "bench_format: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < count * dim; i++) {
		mixed[i] = next_mixed(&seed);
		embedding[i] = next_normal(&seed, 1 / sqrt((double)dim));
		uniform[i] = next_uniform(&seed);
	}

	printf("bench_format: %zu vectors of %zu dimensions, median of %d runs, ns per element\n",
		count, dim, RUNS);
	printf("%-10s %-18s %8s %9s%s\n", "set", "method", "ns/elem", "vs %.9g",
		available(FMT_FLOAT) ? "  vs {fmt}" : "  ({fmt} not built)");
	if (only == NULL || strcmp(only, "uniform") == 0)
		bytes += measure("uniform", uniform, count, dim, out, cap);
	if (only == NULL || strcmp(only, "embedding") == 0)
		bytes += measure("embedding", embedding, count, dim, out, cap);
	if (only == NULL || strcmp(only, "mixed") == 0)
		bytes += measure("mixed", mixed, count, dim, out, cap);
	printf("(%zu bytes written)\n", bytes);
	free(mixed);
	free(embedding);
	free(uniform);
	free(out);
	return 0;
}
