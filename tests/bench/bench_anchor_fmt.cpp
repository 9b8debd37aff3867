/* The {fmt} anchor of bench_format (bench_anchors.h). */
#include "bench_anchors.h"

#include <fmt/compile.h>
#include <fmt/format.h>

/*
 * The format string compiled in (FMT_COMPILE): {fmt}'s fastest form of "{}", with no parsing of
 * the format string per call, so the anchor is {fmt} at its best.
 */
size_t bench_fmt_float(float f, char *buf)
{
	return (size_t)(fmt::format_to(buf, FMT_COMPILE("{}"), f) - buf);
}

size_t bench_fmt_vector(const float *v, size_t dim, char *out)
{
	char *p = out;

	*p++ = '[';
	for (size_t i = 0; i < dim; i++) {
		p = fmt::format_to(p, FMT_COMPILE("{}"), v[i]);
		*p++ = ',';
	}
	p[-1] = ']';
	return (size_t)(p - out);
}
