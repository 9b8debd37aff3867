/* The {fmt} anchor of bench_format (bench_anchors.h). */
#include "bench_anchors.h"

#include <fmt/format.h>

size_t bench_fmt_float(float f, char *buf)
{
	return (size_t)(fmt::format_to(buf, "{}", f) - buf);
}

size_t bench_fmt_vector(const float *v, size_t dim, char *out)
{
	char *p = out;

	*p++ = '[';
	for (size_t i = 0; i < dim; i++) {
		p = fmt::format_to(p, "{}", v[i]);
		*p++ = ',';
	}
	p[-1] = ']';
	return (size_t)(p - out);
}
