/* The --help texts: the tool's and one per command. */
#include "cli.h"

static const char CONNECTION_HELP[] =
	"connection (one is required; the first of these that is given is used):\n"
	"  --dsn NAME           an ODBC data source name (odbc.ini)\n"
	"  --connect CONNSTR    an ODBC connection string, e.g.\n"
	"                       \"Driver={PostgreSQL Unicode};Server=HOST;Port=5432;Database=DB;Uid=U;Pwd=P\"\n"
	"  PGVODBC_DSN          environment: a data source name or a connection string\n";

static const char TABLE_HELP[] =
	"  --table T            the table (default embeddings)\n"
	"  --schema S           its schema (default: the search_path)\n"
	"  --id-column C        its integer key column (default id)\n"
	"  --vector-column C    its vector column (default embedding)\n";

static const char TOOL_HELP[] =
	"usage: pgvodbc COMMAND [OPTIONS] [ARGUMENTS]\n"
	"\n"
	"Stores and searches pgvector embeddings through ODBC.\n"
	"\n"
	"commands:\n"
	"  migrate up|down|status   apply, revert or show the schema migrations\n"
	"  upsert [ID VECTOR]...    insert or update vectors (no pairs: ID<TAB>VECTOR lines on stdin)\n"
	"  list                     print every row\n"
	"  knn VECTOR               the K rows nearest to VECTOR, with their distances\n"
	"  distance VECTOR          the distance from VECTOR to every row (or to the --id rows)\n"
	"  demo                     the pgvector walkthrough, end to end\n"
	"  help [COMMAND]           this text, or a command's\n"
	"\n"
	"VECTOR is pgvector text, [0.1,0.2,0.3] (or {0.1,0.2,0.3}); quote it for the shell.\n"
	"Options may come before or after the command.\n"
	"\n";

static const char TOOL_HELP_TAIL[] =
	"\n"
	"other options:\n"
	"  --json               JSON lines: one object per output line\n"
	"  -h, --help           help (also: pgvodbc help COMMAND, pgvodbc COMMAND --help)\n"
	"  -V, --version        the versions of the tool and of libpgvodbc\n"
	"\n"
	"exit status: 0 success, 1 database or input error, 2 usage error\n";

static const char MIGRATE_HELP[] =
	"usage: pgvodbc migrate up [--to VERSION] [--dir DIR] [--json]\n"
	"       pgvodbc migrate down [--steps N] [--dir DIR] [--json]\n"
	"       pgvodbc migrate status [--dir DIR] [--json]\n"
	"\n"
	"Applies, reverts or shows schema migrations: the set built into the tool (the pgvector\n"
	"extension, then the table embeddings (id SERIAL PRIMARY KEY, embedding VECTOR(4))), or the\n"
	"NNNN_name.up.sql / NNNN_name.down.sql files of --dir.  Applied migrations are recorded in\n"
	"the table pgvodbc_migrations; each runs in its own transaction.\n"
	"\n"
	"  up                   apply every pending migration (or those up to --to VERSION)\n"
	"  down                 revert the --steps N most recent ones (default 1)\n"
	"  status               one line per migration: VERSION<TAB>NAME<TAB>STATE<TAB>APPLIED_AT\n"
	"                       (STATE: pending, applied, changed, missing; APPLIED_AT - if pending)\n"
	"  --dir DIR            read the migrations from DIR instead of the built-in set\n"
	"  --json               JSON lines: {\"version\":1,\"name\":...,\"state\":...,\"applied_at\":...}\n"
	"\n";

static const char UPSERT_HELP[] =
	"usage: pgvodbc upsert [--table T] ID VECTOR [ID VECTOR]...\n"
	"       pgvodbc upsert [--table T] [--batch N] < LINES\n"
	"\n"
	"Inserts rows, or replaces the vector of rows whose id exists.  ID is a decimal 64-bit\n"
	"integer; VECTOR is pgvector text, [0.1,0.2,0.3] or {0.1,0.2,0.3}.\n"
	"\n"
	"With pairs on the command line, every pair is checked first and all are written in one\n"
	"transaction: a bad pair writes nothing.\n"
	"\n"
	"With no pairs, reads lines ID<TAB>VECTOR from standard input (blank lines and lines\n"
	"starting with # are skipped; CRLF line ends are accepted) and writes them in batches of\n"
	"--batch N rows (default 1000; a batch is also sent early once it holds 2^20 numbers).\n"
	"Each batch is one transaction and is checked whole before it is sent: on a bad line the\n"
	"earlier batches stay written, and the message says which lines were written.\n"
	"\n"
	"On a terminal, progress is shown on standard error; the final count (\"upserted N rows\")\n"
	"goes to standard error too, so standard output stays empty.\n"
	"\n";

static const char LIST_HELP[] =
	"usage: pgvodbc list [--table T] [--binary] [--json]\n"
	"\n"
	"Prints every row in id order, streaming (the table is never held in memory):\n"
	"  text   ID<TAB>[v1,v2,...]            (NULL for a NULL vector)\n"
	"  JSON   {\"id\":1,\"embedding\":[0.1,0.8,0.5,0.3]}\n"
	"\n"
	"  --binary             read the vectors in pgvector's binary form (vector_send): the\n"
	"                       same output, faster for wide vectors\n"
	"\n";

static const char KNN_HELP[] =
	"usage: pgvodbc knn [--table T] [--metric l2|ip|cosine|l1] [--k K] [--json] VECTOR\n"
	"\n"
	"Prints the K rows (default 1) nearest to VECTOR, nearest first:\n"
	"  text   ID<TAB>[v1,v2,...]<TAB>DISTANCE\n"
	"  JSON   {\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9],\"distance\":0.4358898574336088}\n"
	"\n"
	"  --metric M           l2 (<->, default), ip (<#>, the negative inner product),\n"
	"                       cosine (<=>), l1 (<+>, pgvector 0.7.0 or later)\n"
	"  --k K                how many rows, 1 or more (default 1)\n"
	"\n";

static const char DISTANCE_HELP[] =
	"usage: pgvodbc distance [--table T] [--metric l2|ip|cosine|l1] [--id ID]... [--json] VECTOR\n"
	"\n"
	"Prints the distance from VECTOR to every row, or to the rows named by --id, in id order:\n"
	"  text   ID<TAB>DISTANCE                (NULL where the row's vector is NULL)\n"
	"  JSON   {\"id\":1,\"distance\":1.1045361146699684}   (null where there is no number)\n"
	"\n"
	"  --metric M           l2 (default), ip, cosine or l1, as for knn\n"
	"  --id ID              only this row; repeat for more\n"
	"\n";

static const char DEMO_HELP[] =
	"usage: pgvodbc demo [--json]\n"
	"\n"
	"The walkthrough of \"Using pgvector with SeaORM in Rust\" on the connection given: applies the\n"
	"built-in migrations (the vector extension and the table embeddings), upserts ids 1-3 with\n"
	"[0.1,0.8,0.5,0.3], [0.4,0.2,0.7,0.9] and [0.9,0.5,0.1,0.6], lists the table, finds the nearest\n"
	"neighbour of [0.3,0.1,0.6,0.5] and the l2 distances to [0.5,0.8,0.0,-0.6].  Running it again\n"
	"is fine: the migrations are then no-ops and the upsert rewrites the same rows.\n"
	"\n"
	"Text output has a \"== STEP\" header before each step's lines.  With --json there are no\n"
	"headers: every line is a JSON object whose \"step\" field (migrate, upsert, list, knn,\n"
	"distance) says which step printed it.\n"
	"\n";

void cli_help(FILE *fp, cli_cmd cmd)
{
	switch (cmd) {
	case CMD_MIGRATE:
		fputs(MIGRATE_HELP, fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_UPSERT:
		fputs(UPSERT_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_LIST:
		fputs(LIST_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_KNN:
		fputs(KNN_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_DISTANCE:
		fputs(DISTANCE_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_DEMO:
		fputs(DEMO_HELP, fp);
		fputs(CONNECTION_HELP, fp);
		break;
	default:
		fputs(TOOL_HELP, fp);
		fputs(CONNECTION_HELP, fp);
		fputs(TOOL_HELP_TAIL, fp);
		break;
	}
}
