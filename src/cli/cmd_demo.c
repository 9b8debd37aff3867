/*
 * `pgvodbc demo`: the walkthrough of "Using pgvector with SeaORM in Rust" on the connection given:
 * migrate up (built-in set), upsert its three vectors, list them, the nearest neighbour of
 * [0.3,0.1,0.6,0.5], and the l2 distances to [0.5,0.8,0.0,-0.6].  Each step prints what the
 * command of the same name prints: in text under a "== ..." header, in JSON with a "step" field.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const SEED[3] = {
	"[0.1,0.8,0.5,0.3]",
	"[0.4,0.2,0.7,0.9]",
	"[0.9,0.5,0.1,0.6]",
};
static const char NEAREST_TO[] = "[0.3,0.1,0.6,0.5]";
static const char DISTANCE_TO[] = "[0.5,0.8,0.0,-0.6]";

/* Starts a step: its header in text mode, its name in every JSON object. */
static void step(cli *c, const char *name, const char *header)
{
	c->out.step = name;
	out_text(&c->out, header);
}

/* Writes the header "== PREFIX VECTOR SUFFIX" with the vector in its shortest text. */
static void step_with_vector(cli *c, const char *name, const char *prefix, const pgv_vector *v,
	const char *suffix)
{
	char *text = NULL, *line;
	size_t len = 0, cap;

	c->out.step = name;
	if (c->out.json)
		return;
	if (pgv_vector_to_text(&text, &len, v->data, v->dim) != 0)
		return; /* only out of memory: the header is not worth failing for */
	cap = strlen(prefix) + len + strlen(suffix) + 8;
	line = malloc(cap);
	if (line) {
		snprintf(line, cap, "== %s %s%s", prefix, text, suffix);
		out_text(&c->out, line);
		free(line);
	}
	pgv_text_free(text);
}

/* The upsert step: ids 1-3 with the seed vectors, in one transaction. */
static int upsert_seed(cli *c, const pgv_vector *seed)
{
	static const int64_t ids[3] = { 1, 2, 3 };

	step(c, "upsert", "== upsert 3 rows");
	if (pgv_store_upsert(NULL, c->conn, &c->table, ids, seed, 3) != 0)
		return cli_fail_db(c, NULL); /* the store names the table */
	if (c->out.json) {
		out_begin(&c->out);
		out_int(&c->out, "upserted", 3);
		out_end(&c->out);
	} else {
		out_text(&c->out, "upserted 3 rows");
	}
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}

/* Runs the steps in order, stopping at the first failure. */
static int run_steps(cli *c, const pgv_vector *seed, const pgv_vector *nearest,
	const pgv_vector *distance)
{
	pgv_migrate_set *set = NULL;
	int rc;

	if (pgv_migrate_set_load(&set, NULL) != 0) {
		rc = cli_fail_codec(c, "loading the built-in migrations");
		pgv_migrate_set_free(set);
		return rc;
	}
	step(c, "migrate", "== migrate up");
	rc = cli_migrate_up(c, set);
	pgv_migrate_set_free(set);
	if (rc == CLI_OK)
		rc = upsert_seed(c, seed);
	if (rc == CLI_OK) {
		step(c, "list", "== all embeddings");
		rc = cli_print_list(c);
	}
	if (rc == CLI_OK && !c->out.failed) {
		step_with_vector(c, "knn", "nearest neighbour of", nearest, " (l2)");
		rc = cli_print_knn(c, nearest);
	}
	if (rc == CLI_OK && !c->out.failed) {
		step_with_vector(c, "distance", "l2 distance to", distance, "");
		rc = cli_print_distances(c, distance);
	}
	return rc;
}

int cmd_demo(cli *c)
{
	pgv_vector seed[3] = { PGV_VECTOR_INIT, PGV_VECTOR_INIT, PGV_VECTOR_INIT };
	pgv_vector nearest = PGV_VECTOR_INIT, distance = PGV_VECTOR_INIT;
	char q[96];
	int rc = CLI_OK;

	if (c->opt.nargs > 0)
		return cli_usage(c, "unexpected argument %s", cli_quote(q, sizeof(q),
			c->opt.args[0], strlen(c->opt.args[0])));
	for (int i = 0; i < 3 && rc == CLI_OK; i++)
		rc = cli_parse_vector(c, "seed vector", SEED[i], strlen(SEED[i]), &seed[i], NULL);
	if (rc == CLI_OK)
		rc = cli_parse_vector(c, "query vector", NEAREST_TO, strlen(NEAREST_TO), &nearest,
			NULL);
	if (rc == CLI_OK)
		rc = cli_parse_vector(c, "query vector", DISTANCE_TO, strlen(DISTANCE_TO),
			&distance, NULL);
	if (rc == CLI_OK)
		rc = cli_connect(c);
	if (rc == CLI_OK)
		rc = run_steps(c, seed, &nearest, &distance);
	if (rc == CLI_OK && c->out.failed)
		rc = cli_fail_output(c);
	for (int i = 0; i < 3; i++)
		pgv_vector_free(&seed[i]);
	pgv_vector_free(&nearest);
	pgv_vector_free(&distance);
	return rc;
}
