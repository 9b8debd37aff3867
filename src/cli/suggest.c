/* Close-match suggestions for a mistyped command or option: "did you mean ...?". */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Longest word compared: longer ones are nobody's typo of a command or an option. */
#define SUGGEST_MAX 64

/*
 * The optimal-string-alignment distance between a and b: insertions, deletions, substitutions,
 * and swaps of two neighbouring bytes ("lsit" -> "list" is 1), each costing 1.
 */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
					&& d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[na][nb];
}

const char *cli_suggest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word), limit, best = (size_t)-1;
	const char *found = NULL;

	if (len == 0 || len > SUGGEST_MAX)
		return NULL;
	limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	for (size_t i = 0; i < n; i++) {
		size_t cl = strlen(candidates[i]), dist;

		if (cl == 0 || cl > SUGGEST_MAX)
			continue;
		dist = distance(word, len, candidates[i], cl);
		/* a candidate that starts with the word ("mig" for "migrate") is as good as one edit */
		if (cl > len && strncmp(candidates[i], word, len) == 0 && dist > 1)
			dist = len >= 3 ? 1 : dist;
		/* between equally close ones, the one that starts with the same byte ("--jsn" is
		 * --json more likely than --dsn) */
		if (dist <= limit && dist * 2 + (candidates[i][0] != word[0]) < best) {
			best = dist * 2 + (candidates[i][0] != word[0]);
			found = candidates[i];
		}
	}
	return found;
}
