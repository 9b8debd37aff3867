/*
 * The best existing code for the codec's jobs, measured beside the library by bench_format and
 * bench_parse when CMake finds it: {fmt}'s shortest float formatting (libfmt-dev) and
 * fast_float's from_chars (libfast-float-dev).  C++ programs of the benchmarks only; the library
 * never depends on them.  Each vector function does the whole vector's job in one call, as the
 * library's functions do, so neither side pays a call per element the other does not.
 */
#ifndef PGV_BENCH_ANCHORS_H
#define PGV_BENCH_ANCHORS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PGV_BENCH_FMT)
/* fmt::format_to(buf, FMT_COMPILE("{}"), f): the shortest text of f at buf (32 bytes); its length. */
size_t bench_fmt_float(float f, char *buf);

/* "[a,b,...]" of v[0..dim) with fmt::format_to per element into out (dim * 16 + 3 bytes). */
size_t bench_fmt_vector(const float *v, size_t dim, char *out);
#endif

#if defined(PGV_BENCH_FAST_FLOAT)
/*
 * Reads the comma-separated floats of text[0..len) after its opening bracket into out[0..dim)
 * with fast_float::from_chars; returns how many were read (dim unless the text is malformed).
 */
size_t bench_fast_float_vector(const char *text, size_t len, float *out, size_t dim);
#endif

#ifdef __cplusplus
}
#endif

#endif
