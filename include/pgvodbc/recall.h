/*
 * pgvodbc/recall.h - how good an index's answers are: recall@k and latency of k-NN searches
 * under index settings, measured against exact searches made in the same run.
 *
 * An approximate index (HNSW, IVFFlat, and more so their halfvec and binary forms) may miss some
 * of the true nearest neighbours; how many depends on the data and on the search settings
 * (ef_search, probes, iterative scans, rerank).  pgv_recall_measure answers "how many, at what
 * cost" for the caller's own table.  Every call works on the connection's thread; errors are in
 * pgv_conn_error(conn).
 */
#ifndef PGVODBC_RECALL_H
#define PGVODBC_RECALL_H

#include "common.h"
#include "conn.h"
#include "store.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What to measure.  Initialise with PGV_RECALL_OPTS_INIT; fields are only ever appended.
 *   metric          the metric of every search
 *   k               the neighbours each search asks for (recall@k); 0: 10
 *   queries         with no query_vectors: how many rows of the table (with a vector) are
 *                   sampled as queries, without repetition (all of them when the table has
 *                   fewer); 0: 100.  A sampled row is its own nearest neighbour, which the
 *                   index nearly always finds: a held-out query set (query_vectors) measures
 *                   without that help
 *   seed            the sample: the same seed on the same table samples the same rows
 *   query_vectors, nquery_vectors
 *                   the caller's own queries (the library copies nothing; they must stay
 *                   valid during the call); NULL: sample the table
 */
typedef struct pgv_recall_opts {
	unsigned int version;
	pgv_metric metric;
	size_t k;
	size_t queries;
	uint64_t seed;
	const pgv_vector *query_vectors;
	size_t nquery_vectors;
} pgv_recall_opts;

#define PGV_RECALL_OPTS_VERSION 1
#define PGV_RECALL_OPTS_INIT { PGV_RECALL_OPTS_VERSION, PGV_METRIC_L2, 0, 0, 1, NULL, 0 }

/* What one setting measured. */
typedef struct pgv_recall_result {
	double recall;         /* mean over the queries of the fraction of the exact k nearest the
	                          search returned (a returned row at the k-th exact distance counts,
	                          so ties do not count against the index) */
	double median_ms;      /* the median latency of one search, milliseconds */
	double p95_ms;         /* its 95th percentile (nearest rank) */
	size_t queries;        /* the number of queries */
	size_t k;
	pgv_index_form form;   /* the query shape the searches used (AUTO resolved from the
	                          catalog once per setting) */
} pgv_recall_result;

/*
 * Measures recall@k and latency for each of `nsettings` search settings (settings[i] as
 * pgv_store_knn_ext takes them), writing out[i] (`out` has nsettings entries; written only on
 * success).  First the exact k nearest of every query are found with the plain query and
 * index scans turned off (SET LOCAL enable_indexscan = off, enable_bitmapscan = off in the
 * query's own transaction); then every query runs under each setting through
 * pgv_store_knn_ext, timed on the client from call to return (the settings' own round trips
 * included, as an application would see it).  Queries that run while writers change the table
 * compare against a moving answer: measure on a quiet table.  Returns 0, PGV_EINVAL (no
 * settings, a bad setting (its message names it by position), k larger than the number of rows
 * with a vector, an empty table, a query vector of the wrong dimension), or the status of a
 * failed search.
 */
PGV_API int pgv_recall_measure(pgv_recall_result *out, pgv_conn *conn, const pgv_table *table,
	const pgv_recall_opts *opts, const pgv_search_opts *settings, size_t nsettings);

#ifdef __cplusplus
}
#endif

#endif
