/* `pgvodbc migrate up|down|status`: the built-in migration set or a directory of SQL files. */
#include "cli.h"

#include <string.h>

int cli_migrated_version(cli *c, const pgv_migrate_set *set, int64_t *out)
{
	pgv_migrate_report *report = NULL;

	*out = 0;
	if (pgv_migrate_status(&report, c->conn, set) != 0)
		return cli_fail_db(c, "reading the migration status");
	for (size_t i = 0; i < report->count; i++)
		if (report->entries[i].state != PGV_MIGRATE_PENDING
				&& report->entries[i].version > *out)
			*out = report->entries[i].version;
	pgv_migrate_report_free(report);
	return CLI_OK;
}

/* Prints one status line per migration. */
static int print_status(cli *c, const pgv_migrate_set *set)
{
	pgv_migrate_report *report = NULL;

	if (pgv_migrate_status(&report, c->conn, set) != 0)
		return cli_fail_db(c, "reading the migration status");
	for (size_t i = 0; i < report->count; i++) {
		const pgv_migrate_info *m = &report->entries[i];
		const char *at = m->applied_at && m->applied_at[0] ? m->applied_at : NULL;

		out_begin(&c->out);
		out_int(&c->out, "version", m->version);
		out_string(&c->out, "name", m->name ? m->name : "", "");
		out_string(&c->out, "state", pgv_migrate_state_name(m->state), "");
		out_string(&c->out, "applied_at", at, "-");
		if (c->out.json)
			out_bool(&c->out, "reversible", m->reversible);
		if (out_end(&c->out) != 0)
			break;
	}
	pgv_migrate_report_free(report);
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}

/* Prints the outcome of up or down: `verb` ("applied"/"reverted") n migrations, now at version. */
static int print_outcome(cli *c, const pgv_migrate_set *set, const char *verb, size_t n)
{
	char line[160];
	int64_t version = 0;
	int rc = cli_migrated_version(c, set, &version);

	if (rc != CLI_OK)
		return rc;
	if (c->out.json) {
		out_begin(&c->out);
		out_int(&c->out, verb, (int64_t)n);
		out_int(&c->out, "version", version);
		out_end(&c->out);
	} else {
		if (n == 0)
			snprintf(line, sizeof(line), "nothing to do: at version %lld", (long long)version);
		else
			snprintf(line, sizeof(line), "%s %zu %s: now at version %lld", verb, n,
				n == 1 ? "migration" : "migrations", (long long)version);
		out_text(&c->out, line);
	}
	return c->out.failed ? cli_fail_output(c) : CLI_OK;
}

/* Applies the pending migrations of `set` (up to opt.to when given) and prints the outcome. */
int cli_migrate_up(cli *c, const pgv_migrate_set *set)
{
	char what[96];
	size_t applied = 0;

	if (pgv_migrate_up(&applied, c->conn, set, c->opt.to) != 0) {
		if (applied > 0)
			snprintf(what, sizeof(what), "applying migrations (%zu applied before this "
				"one failed)", applied);
		else
			snprintf(what, sizeof(what), "applying migrations");
		/* each migration is a transaction of its own: the failed one left nothing */
		return cli_fail_error(c, what, pgv_conn_error(c->conn), applied > 0 ? NULL
			: "no migration was applied");
	}
	return print_outcome(c, set, "applied", applied);
}

int cmd_migrate(cli *c)
{
	pgv_migrate_set *set = NULL;
	const char *sub = c->opt.nargs > 0 ? c->opt.args[0] : "";
	char what[96], q[96];
	size_t reverted = 0;
	int rc;

	if (strcmp(sub, "up") == 0)
		c->name = "migrate up";
	else if (strcmp(sub, "down") == 0)
		c->name = "migrate down";
	else if (strcmp(sub, "status") == 0)
		c->name = "migrate status";
	else if (c->opt.nargs == 0)
		return cli_usage(c, "missing up, down or status");
	else
		return cli_usage(c, "expected up, down or status, not %s", cli_quote(q, sizeof(q),
			sub, strlen(sub)));
	if (c->opt.nargs > 1)
		return cli_usage(c, "unexpected argument %s", cli_quote(q, sizeof(q),
			c->opt.args[1], strlen(c->opt.args[1])));
	if (c->opt.to && strcmp(sub, "up") != 0)
		return cli_usage(c, "--to applies to migrate up only");
	if (c->opt.steps && strcmp(sub, "down") != 0)
		return cli_usage(c, "--steps applies to migrate down only");

	if (pgv_migrate_set_load(&set, c->opt.dir) != 0) {
		if (c->opt.dir)
			snprintf(what, sizeof(what), "loading migrations from %s", cli_quote(q,
				sizeof(q), c->opt.dir, strlen(c->opt.dir)));
		else
			snprintf(what, sizeof(what), "loading the built-in migrations");
		rc = cli_fail_codec(c, what);
		pgv_migrate_set_free(set);
		return rc;
	}
	rc = cli_connect(c);
	if (rc == CLI_OK && strcmp(sub, "up") == 0) {
		rc = cli_migrate_up(c, set);
	} else if (rc == CLI_OK && strcmp(sub, "down") == 0) {
		if (pgv_migrate_down(&reverted, c->conn, set, c->opt.steps ? c->opt.steps : 1) != 0) {
			if (reverted > 0)
				snprintf(what, sizeof(what), "reverting migrations (%zu reverted before "
					"this one failed)", reverted);
			else
				snprintf(what, sizeof(what), "reverting migrations");
			rc = cli_fail_error(c, what, pgv_conn_error(c->conn), reverted > 0 ? NULL
				: "no migration was reverted");
		} else {
			rc = print_outcome(c, set, "reverted", reverted);
		}
	} else if (rc == CLI_OK) {
		rc = print_status(c, set);
	}
	pgv_migrate_set_free(set);
	return rc;
}
