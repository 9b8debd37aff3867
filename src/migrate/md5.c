/*
 * MD5 (RFC 1321) of a whole buffer, for the checksum of a migration's up file: a change detector
 * the tracking table can compare, not a security measure.
 */
#include "migrate/migrate_internal.h"

#include <stdint.h>
#include <string.h>

/* MD5 (RFC 1321): per-round constants floor(|sin(i + 1)| * 2^32) and shift amounts. */
static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};
static const unsigned char md5_r[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

/* Mixes one 64-byte block into the state. */
static void md5_block(uint32_t s[4], const unsigned char *p)
{
	uint32_t m[16], a = s[0], b = s[1], c = s[2], d = s[3];

	for (int i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16
			| (uint32_t)p[4 * i + 3] << 24;
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int g, r = md5_r[(i / 16) * 4 + i % 4];
		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
		}
		f += a + md5_k[i] + m[g];
		a = d;
		d = c;
		c = b;
		b += (f << r) | (f >> (32 - r));
	}
	s[0] += a;
	s[1] += b;
	s[2] += c;
	s[3] += d;
}

/* MD5 of a whole buffer in one call: the padding goes into one or two final blocks. */
void pgv__md5_hex(const void *data, size_t len, char out[PGV_MD5_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	uint32_t s[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	const unsigned char *p = data;
	unsigned char tail[128] = { 0 };
	size_t rest = len % 64, tail_len = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8; /* MD5 counts the length modulo 2^64 */

	for (size_t off = 0; off + 64 <= len; off += 64)
		md5_block(s, p + off);
	if (rest)
		memcpy(tail, p + (len - rest), rest);
	tail[rest] = 0x80;
	for (int i = 0; i < 8; i++)
		tail[tail_len - 8 + i] = (unsigned char)(bits >> (8 * i));
	md5_block(s, tail);
	if (tail_len == 128)
		md5_block(s, tail + 64);
	for (int i = 0; i < 16; i++) {
		unsigned char byte = (unsigned char)(s[i / 4] >> (8 * (i % 4)));
		out[2 * i] = hex[byte >> 4];
		out[2 * i + 1] = hex[byte & 15];
	}
	out[32] = '\0';
}
