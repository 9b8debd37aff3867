/* The --help texts: the tool's and one per command. */
#include "cli.h"

static const char CONNECTION_HELP[] =
	"connection (one is required; the first of these that is given is used):\n"
	"  --dsn NAME           an ODBC data source name (odbc.ini)\n"
	"  --connect CONNSTR    an ODBC connection string, e.g.\n"
	"                       \"Driver={PostgreSQL Unicode};Server=HOST;Port=5432;Database=DB;Uid=U;Pwd=P\"\n"
	"  PGVODBC_DSN          environment: a data source name or a connection string\n"
	"  --timeout SECONDS    stop any statement that runs longer (1 to 2147483; the server's\n"
	"                       statement_timeout): status 1, saying what was committed\n";

static const char TABLE_HELP[] =
	"  --table T            the table (default embeddings)\n"
	"  --schema S           its schema (default: the search_path)\n"
	"  --id-column C        its key column (default id): an integer; also text or uuid for\n"
	"                       get, delete, count, --where/--select and JSON lines import/export\n"
	"  --vector-column C    its vector column (default embedding)\n"
	"  --type T             the column's type: vector (default), halfvec, sparsevec or bit.\n"
	"                       Vectors are pgvector text [v1,v2,...] (at most 16000 elements)\n"
	"                       whatever the type:\n"
	"                       halfvec    stored rounded to half precision, and printed as\n"
	"                                  stored; a value must round below 65520 in magnitude\n"
	"                       sparsevec  given and printed densely; zeros are dropped when\n"
	"                                  stored\n"
	"                       bit        one element per bit, each 0 or 1: [1,0,1,1]\n";

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
	"  import FILE|-            upsert the rows of a csv, jsonl or fvecs file, in batches\n"
	"  export FILE|-            write every row to a csv, jsonl or fvecs file\n"
	"  index create|drop        build or drop an HNSW or IVFFlat index\n"
	"  sql                      run SQL (-c SQL, -f FILE or stdin) and print its results\n"
	"  info                     what the connection gives: driver, settings, server, pgvector\n"
	"  recall                   measure an index's recall and latency\n"
	"  table create|drop        create (id, vector, --column NAME:TYPE...) or drop a table\n"
	"  get ID                   print one row (with --select columns)\n"
	"  delete ID...             delete rows by id\n"
	"  count                    the number of rows (matching --where)\n"
	"  demo                     the pgvector walkthrough, end to end\n"
	"  help [COMMAND]           this text, or a command's\n"
	"\n"
	"VECTOR is pgvector text, [0.1,0.2,0.3] (or {0.1,0.2,0.3}), whatever the column's type\n"
	"(--type vector, halfvec, sparsevec or bit); quote it for the shell.\n"
	"Options may come before or after the command.\n"
	"\n";

static const char TOOL_HELP_TAIL[] =
	"\n"
	"other options:\n"
	"  --json               JSON lines: one object per output line (info: one object); an\n"
	"                       error is then one object on standard error:\n"
	"                       {\"error\":{\"message\":...,\"sqlstate\":...,\"status\":1}}\n"
	"  --csv                CSV, RFC 4180, with a header line (list, knn, distance, sql)\n"
	"  -h, --help           help (also: pgvodbc help COMMAND, pgvodbc COMMAND --help)\n"
	"  -V, --version        the versions of the tool and of libpgvodbc\n"
	"\n"
	"A command that writes (upsert, import, delete, table, migrate, sql, index create, demo)\n"
	"cancels its running statement on the server at SIGINT (Ctrl-C) or SIGTERM and says what\n"
	"was committed; a second signal ends it at once.\n"
	"\n"
	"exit status: 0 success, 1 database or input error, 2 usage error\n";

static const char COLLECTION_HELP[] =
	"  --where SQL          only rows for which SQL holds (knn, distance, list, count)\n"
	"  --param VALUE        bound to the ? of --where, in order (repeatable)\n"
	"  --select COL,...     print these columns too (knn, distance, list, get, export)\n"
	"  --no-vector          leave the vector out (knn, list, get)\n"
	"  --max-distance D     only rows within distance D (knn, distance)\n"
	"  Text and uuid ids print as JSON strings; columns print with JSON types (jsonb\n"
	"  embedded, timestamps as ISO 8601 strings, NULL as null), tab-separated in text.\n";

static const char TABLE_CMD_HELP[] =
	"usage: pgvodbc table create [TABLE OPTIONS] --dim N [--id-type bigint|text|uuid]\n"
	"                            [--column NAME:TYPE]... [--if-not-exists]\n"
	"       pgvodbc table drop [TABLE OPTIONS]\n"
	"\n"
	"Creates a table whose id column is its primary key (bigserial for bigint, the default; text\n"
	"or uuid), with a vector column of --type and --dim N dimensions, and a column per\n"
	"--column NAME:TYPE, TYPE one of text, integer, bigint, double, boolean, jsonb, uuid,\n"
	"timestamptz.  Or drops it.\n"
	"\n";

static const char GET_HELP[] =
	"usage: pgvodbc get [TABLE OPTIONS] [--select COL,...] [--no-vector] [--json] ID\n"
	"       pgvodbc delete [TABLE OPTIONS] [--json] ID...\n"
	"       pgvodbc count [TABLE OPTIONS] [--where SQL [--param VALUE]...] [--json]\n"
	"\n"
	"get prints the row of ID; delete deletes rows and prints how many existed; count prints\n"
	"the number of rows (matching --where).  ID is an integer, or text for text and uuid ids.\n"
	"\n";

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
	"  --json               JSON lines: {\"version\":1,\"name\":...,\"state\":...,\"applied_at\":...,\n"
	"                       \"reversible\":true} (reversible: a down file exists)\n"
	"\n";

static const char UPSERT_HELP[] =
	"usage: pgvodbc upsert [--table T] ID VECTOR [ID VECTOR]...\n"
	"       pgvodbc upsert [--table T] [--batch N] [--json] < LINES\n"
	"       pgvodbc upsert [--table T] --format jsonl [--batch N] < RECORDS\n"
	"\n"
	"Inserts rows, or replaces the vector of rows whose id exists.  ID is a decimal 64-bit\n"
	"integer (text for a text or uuid id column); VECTOR is pgvector text, [0.1,0.2,0.3] or\n"
	"{0.1,0.2,0.3}.  --format jsonl reads records with their columns by name, as import -.\n"
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
	"\n"
	"  --json               the count as JSON on standard output instead: {\"upserted\":3}\n"
	"\n";

static const char LIST_HELP[] =
	"usage: pgvodbc list [--table T] [--type T] [--page-rows N] [--binary] [--json | --csv]\n"
	"\n"
	"Prints every row in id order, streaming (at most one page of rows is held in memory):\n"
	"  text   ID<TAB>[v1,v2,...]            (NULL for a NULL vector)\n"
	"  JSON   {\"id\":1,\"embedding\":[0.1,0.8,0.5,0.3]}   (--json: JSON lines)\n"
	"  CSV    1,\"[0.1,0.8,0.5,0.3]\"                  (--csv: RFC 4180, header id,embedding)\n"
	"\n"
	"  --page-rows N        rows per query (default 1000): keyset pages, WHERE id > LAST\n"
	"                       ORDER BY id LIMIT N, so memory stays bounded whatever the DSN.\n"
	"                       Pages are not one snapshot: rows written while the listing runs\n"
	"                       may or may not be in it.  0: one query (one snapshot; memory then\n"
	"                       depends on the driver: psqlODBC without UseDeclareFetch holds the\n"
	"                       whole result)\n"
	"  --binary             read the vectors in pgvector's binary form (vector_send): the\n"
	"                       same output, faster for wide vectors (ignored for bit)\n"
	"\n";

static const char KNN_HELP[] =
	"usage: pgvodbc knn [--table T] [--type T] [--metric M] [-k|--k K] [--ef-search N]\n"
	"                   [--probes N] [--iterative-scan off|strict|relaxed]\n"
	"                   [--max-scan-tuples N] [--max-probes N] [--json | --csv] VECTOR\n"
	"\n"
	"Prints the K rows (default 1) nearest to VECTOR, nearest first:\n"
	"  text   ID<TAB>[v1,v2,...]<TAB>DISTANCE\n"
	"  JSON   {\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9],\"distance\":0.4358898574336088}\n"
	"         (--json: JSON lines)\n"
	"  CSV    2,\"[0.4,0.2,0.7,0.9]\",0.4358898574336088  (--csv: header id,embedding,distance)\n"
	"\n"
	"  --metric M           for vector, halfvec and sparsevec: l2 (<->, default), ip (<#>,\n"
	"                       the negative inner product), cosine (<=>), l1 (<+>); for bit:\n"
	"                       hamming (<~>, the number of differing bits; the default for\n"
	"                       --type bit), jaccard (<%>, 1 - |a AND b| / |a OR b|).  l1,\n"
	"                       hamming, jaccard, halfvec and sparsevec need pgvector 0.7.0\n"
	"  -k, --k K            how many rows, 1 or more (default 1)\n"
	"\n"
	"An index built for the metric (pgvodbc index create) serves the query, and then gives an\n"
	"approximate answer.  How hard it searches can be set for this query alone (SET LOCAL in a\n"
	"transaction of its own; the K rows are then read before they are printed):\n"
	"  --ef-search N        hnsw.ef_search, 1..1000: the HNSW candidate list (default 40);\n"
	"                       an HNSW scan gives at most N rows\n"
	"  --probes N           ivfflat.probes, 1..32768: the lists an IVFFlat scan visits\n"
	"                       (default 1; as many as the index has lists: exact)\n"
	"  --iterative-scan S   off, strict or relaxed (pgvector 0.8.0): when the scan has given\n"
	"                       too few rows, go on instead of stopping (strict keeps exact\n"
	"                       distance order; ivfflat has relaxed only, used for both)\n"
	"  --max-scan-tuples N  hnsw.max_scan_tuples (0.8.0): where an iterative HNSW scan stops\n"
	"  --max-probes N       ivfflat.max_probes (0.8.0): where an iterative IVFFlat scan stops\n"
	"  --scan-mem-multiplier X  hnsw.scan_mem_multiplier, 1..1000 (0.8.0): work_mem multiple\n"
	"                       of an iterative HNSW scan\n"
	"  --quantize F         the index form the query is shaped for: auto (default: the\n"
	"                       catalog's; a plain index for the metric, else halfvec, else\n"
	"                       binary), none, halfvec or binary\n"
	"  --rerank N           halfvec and binary forms: candidates taken from the index before\n"
	"                       the K nearest by the exact distance (default max(4K, 40); at least\n"
	"                       K; an HNSW scan gives at most --ef-search of them)\n"
	"Values out of range are refused, in pgvector's words, before the query runs (status 1).\n"
	"\n";

static const char RECALL_HELP[] =
	"usage: pgvodbc recall [TABLE OPTIONS] [--metric M] [--k K] [--queries N] [--seed S]\n"
	"                      [--query-file FILE] [--ef-search LIST] [--probes LIST]\n"
	"                      [--iterative-scan MODE] [--rerank LIST] [--quantize F] [--json]\n"
	"\n"
	"Measures, for each combination of the comma-separated LISTs, recall@K (the mean fraction\n"
	"of the exact K nearest that the indexed search returns) and the median and 95th\n"
	"percentile latency of one search, against exact searches made first in the same run with\n"
	"index scans turned off.  One line per setting; with --json one object:\n"
	"  {\"ef_search\":40,\"k\":10,\"queries\":100,\"recall\":0.973,\"median_ms\":1.21,\"p95_ms\":2.05}\n"
	"\n"
	"  --k K                neighbours per search (default 10)\n"
	"  --queries N          rows sampled from the table as queries (default 100)\n"
	"  --seed S             the sample (default 1): the same seed samples the same rows\n"
	"  --query-file FILE    the queries instead: .fvecs, .jsonl (as list --json prints), or\n"
	"                       one vector a line\n"
	"  --ef-search, --probes, --rerank LIST, --iterative-scan, --quantize: as for knn\n"
	"An empty table, K larger than the table or a bad value in a list is status 2.\n"
	"\n";

static const char DISTANCE_HELP[] =
	"usage: pgvodbc distance [--table T] [--type T] [--metric M] [--id ID]...\n"
	"                        [--page-rows N] [--json | --csv] VECTOR\n"
	"\n"
	"Prints the distance from VECTOR to every row, or to the rows named by --id, in id order:\n"
	"  text   ID<TAB>DISTANCE                (NULL where the row's vector is NULL)\n"
	"  JSON   {\"id\":1,\"distance\":1.1045361146699684}   (JSON lines; null where there is\n"
	"                                                  no number)\n"
	"  CSV    1,1.1045361146699684                      (--csv: header id,distance)\n"
	"\n"
	"  --metric M           as for knn: l2 (default), ip, cosine or l1; for --type bit\n"
	"                       hamming (default) or jaccard\n"
	"  --id ID              only this row; repeat for more\n"
	"  --page-rows N        rows per query, as for list (default 1000; 0: one query, which\n"
	"                       a table whose id is not unique and non-null needs)\n"
	"\n";

static const char IMPORT_HELP[] =
	"usage: pgvodbc import [--table T] [--format csv|jsonl|fvecs] [--batch N] [--skip N]\n"
	"                      [--id-base N] [--json] FILE|-\n"
	"\n"
	"Upserts the rows of FILE (- reads standard input), streaming, in batches of --batch N rows\n"
	"(default 1000; fewer once a batch holds 2^20 numbers).  Each batch is checked whole, then\n"
	"written in one transaction; on a bad record the earlier batches stay written, and the\n"
	"message names the file, the line (.fvecs: the record and its byte offset) and the --skip\n"
	"that resumes.  Rows are upserted, so running an import again is also safe.\n"
	"\n"
	"  --format F           csv, jsonl or fvecs (default: from the extension, .csv, .jsonl or\n"
	"                       .ndjson, .fvecs; required for -)\n"
	"                       csv    ID,\"[v1,v2,...]\" lines (RFC 4180 quoting, CRLF accepted;\n"
	"                              a line of two names, such as id,embedding, is a header)\n"
	"                       jsonl  {\"id\":ID,\"embedding\":[v1,v2,...]} lines, keys in any order,\n"
	"                              other keys ignored\n"
	"                       fvecs  per vector a little-endian int32 dimension and that many\n"
	"                              little-endian float32; no ids\n"
	"  --batch N            rows per transaction (default 1000)\n"
	"  --skip N             pass over the first N records (those a failed run committed)\n"
	"  --id-base N          fvecs: the id of the first vector (default 0; vector i gets N + i)\n"
	"  --json               the summary as JSON on standard output:\n"
	"                       {\"imported\":N,\"skipped\":S}\n"
	"\n"
	"On a terminal, progress is shown on standard error; the summary (\"imported N rows\") goes\n"
	"to standard error too.  SIGINT or SIGTERM cancels the batch in flight on the server, saying\n"
	"what to --skip.\n"
	"\n";

static const char EXPORT_HELP[] =
	"usage: pgvodbc export [--table T] [--format csv|jsonl|fvecs] [--after ID] [--binary]\n"
	"                      [--page-rows N] [--id-base N] [--json] FILE|-\n"
	"\n"
	"Writes every row, in id order, to FILE (- writes to standard output), streaming, in pages\n"
	"of rows as list reads them.  Each value is written so that it reads back bit for bit\n"
	"(import gives the same table).\n"
	"\n"
	"  --format F           csv, jsonl or fvecs, as for import (default: from the extension;\n"
	"                       required for -).  csv starts with the header line id,embedding;\n"
	"                       jsonl lines are those of `pgvodbc list --json`; fvecs has no ids\n"
	"                       (vectors in id order) and cannot hold a NULL vector\n"
	"  --after ID           only the rows with an id above ID (to resume; no csv header)\n"
	"  --binary             read the vectors in pgvector's binary form (faster, same values)\n"
	"  --page-rows N        rows per query, as for list (default 1000; 0: one query).  A paged\n"
	"                       export is not one snapshot\n"
	"  --id-base N          fvecs: warn unless the ids are N, N+1, ... (default 0), the ids an\n"
	"                       import of the file gives\n"
	"  --json               the summary as JSON on standard output (not with -):\n"
	"                       {\"exported\":N,\"last_id\":ID}\n"
	"\n"
	"On a terminal, progress is shown on standard error; the summary (\"exported N rows to\n"
	"FILE\") goes to standard error too.\n"
	"\n";

static const char INDEX_HELP[] =
	"usage: pgvodbc index create [--table T] [--type T] [--method hnsw|ivfflat] [--metric M]\n"
	"                            [--m N] [--ef-construction N] [--lists N] [--name NAME]\n"
	"                            [--concurrently] [--quantize none|halfvec|binary] [--halfvec]\n"
	"                            [--if-not-exists] [--json]\n"
	"       pgvodbc index drop [--table T] [--type T] [--name NAME | --method M --metric M]\n"
	"                          [--json]\n"
	"\n"
	"Builds or drops an approximate nearest-neighbour index on the vector column; knn with the\n"
	"index's metric then uses it (see knn --help for the per-query settings).\n"
	"\n"
	"  create               build the index; prints \"created index NAME on TABLE (METHOD,\n"
	"                       METRIC)\"\n"
	"  drop                 drop the index NAME of this table if it has one; prints \"dropped\n"
	"                       index NAME on TABLE\" or \"no index NAME on TABLE: nothing to drop\"\n"
	"                       (both status 0)\n"
	"  --method M           hnsw (default) or ivfflat\n"
	"  --metric M           the metric the index serves (default l2; hamming for --type bit).\n"
	"                       hnsw: l2, ip, cosine, l1 on vector, halfvec and sparsevec; hamming\n"
	"                       and jaccard on bit.  ivfflat: l2, ip, cosine on vector and\n"
	"                       halfvec; hamming on bit\n"
	"  --m N                hnsw: links per node, 2..100 (default 16)\n"
	"  --ef-construction N  hnsw: candidate list while building, 4..1000 and at least 2 * m\n"
	"                       (default 64)\n"
	"  --lists N            ivfflat: inverted lists, 1..32768 (default 100); build an ivfflat\n"
	"                       index after loading the data\n"
	"  --name NAME          the index's name; default TABLE_COLUMN_METHOD_METRIC_idx (past 63\n"
	"                       bytes shortened, with a hash), which drop derives from --method\n"
	"                       and --metric as create does\n"
	"  --concurrently       CREATE INDEX CONCURRENTLY: writes go on while it builds\n"
	"  --if-not-exists      create: when the table already has an index NAME, build nothing\n"
	"                       and print \"index NAME on TABLE exists: nothing to do\" (JSON:\n"
	"                       \"created\":false); status 0\n"
	"  --quantize F         what is indexed: none (the column), halfvec ((col::halfvec(n)),\n"
	"                       up to 4000 dimensions) or binary ((binary_quantize(col)::bit(n))\n"
	"                       with bit_hamming_ops, up to 64000; knn re-ranks).  Default: the\n"
	"                       column, or halfvec for a vector column of 2001..4000 dimensions\n"
	"                       (said on stderr).  --halfvec is --quantize halfvec\n"
	"  --json               the outcome as JSON: {\"index\":NAME,\"schema\":null,\"table\":T,\n"
	"                       \"method\":\"hnsw\",\"metric\":\"l2\",\"created\":true}; drop:\n"
	"                       {\"index\":NAME,\"schema\":null,\"table\":T,\"dropped\":true}\n"
	"\n"
	"Option values out of range, and combinations pgvector has no operator class for, are\n"
	"refused by the library before anything is built, in pgvector's words (status 1).\n"
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

static const char SQL_HELP[] =
	"usage: pgvodbc sql [-c SQL]... [-f FILE] [--param VALUE]... [--json | --csv]\n"
	"\n"
	"Runs SQL and prints every result.  Each -c text and each file (-f FILE, - for stdin; with\n"
	"neither -c nor -f, stdin) is sent to the server whole, in command-line order, as the\n"
	"migrations are: a ';' inside quotes, dollar quotes or comments separates nothing, and the\n"
	"statements of one text run as one implicit transaction (one fails: none of that text is\n"
	"kept).  The first error stops the run with exit status 1 and its SQLSTATE; texts run\n"
	"before it stay committed.\n"
	"\n"
	"  -c, --command SQL    SQL text to run (repeatable; each runs on its own, in order)\n"
	"  -f, --file FILE      a file of SQL to run (- for stdin)\n"
	"  --param VALUE        a value for the next ? marker, sent as text (repeatable; only with\n"
	"                       exactly one -c, and as many as the text has markers)\n"
	"  --csv                CSV (RFC 4180): a header line, then the rows; NULL is an empty field\n"
	"  --json               JSON lines: one object per row, {\"column\":value,...}\n"
	"\n"
	"Text output: a header line of column names, then one line per row, tab-separated; a tab,\n"
	"newline or backslash in a value is written \\t, \\n, \\\\; NULL is empty; result sets are\n"
	"separated by a blank line.  vector, halfvec, sparsevec and bit columns of a table are\n"
	"printed in vector form, [1,0,1.5] (sparsevec densely, bit one element per bit); an\n"
	"expression of those types is printed as the server writes it.\n"
	"A statement without a result prints \"N rows affected\" (--json: {\"rows_affected\":N};\n"
	"--csv: on stderr); statements that change no rows, such as CREATE TABLE, say 0.\n"
	"\n";

static const char INFO_HELP[] =
	"usage: pgvodbc info [--json]\n"
	"\n"
	"Reports what the connection gives, as the driver and the server say it: the driver, its\n"
	"version and the driver manager's; the DSN, database and user; the DBMS and its version;\n"
	"psqlODBC's settings in effect (use_server_side_prepare, use_declare_fetch, fetch,\n"
	"comm_log, debug: from the connection string the driver completed); the server's version;\n"
	"the pgvector version installed in this database and the one available; which vector\n"
	"types, metrics and index methods the server has; and pgvector's search settings\n"
	"(hnsw.*, ivfflat.*) as this session sees them.\n"
	"\n"
	"  --json               one JSON object with the same keys (numbers as numbers, lists as\n"
	"                       arrays, unknown values as null)\n"
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
		fputs(COLLECTION_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_KNN:
		fputs(KNN_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputs(COLLECTION_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_DISTANCE:
		fputs(DISTANCE_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputs(COLLECTION_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_TABLE:
		fputs(TABLE_CMD_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_GET:
	case CMD_DELETE:
	case CMD_COUNT:
		fputs(GET_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputs(COLLECTION_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_INDEX:
		fputs(INDEX_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_IMPORT:
	case CMD_EXPORT:
		fputs(cmd == CMD_IMPORT ? IMPORT_HELP : EXPORT_HELP, fp);
		fputs(TABLE_HELP, fp);
		fputc('\n', fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_SQL:
		fputs(SQL_HELP, fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_INFO:
		fputs(INFO_HELP, fp);
		fputs(CONNECTION_HELP, fp);
		break;
	case CMD_RECALL:
		fputs(RECALL_HELP, fp);
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
