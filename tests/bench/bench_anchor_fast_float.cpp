/* The fast_float anchor of bench_parse (bench_anchors.h). */
#include "bench_anchors.h"

#include <fast_float/fast_float.h>

size_t bench_fast_float_vector(const char *text, size_t len, float *out, size_t dim)
{
	const char *p = text + 1, *end = text + len;

	for (size_t i = 0; i < dim; i++) {
		fast_float::from_chars_result r = fast_float::from_chars(p, end, out[i]);

		if (r.ec != std::errc())
			return i;
		p = r.ptr + 1; /* the comma, or the closing bracket after the last */
	}
	return dim;
}
