#!/usr/bin/env bash
# sqlite-dsn.sh: writes the DSN of pgvodbc's SQLite backend (Debian's SQLite ODBC driver with the
# sqlite-vec extension), for the tests and for local use.  SQLite needs no server: the DSN names a
# database file, created on the first connect.
#
#   scripts/sqlite-dsn.sh write DIR   (DIR/odbcinst.ini, DIR/odbc.ini with [pgvodbc_sqlite] on
#                                      DIR/pgvodbc_sqlite.db; checks that sqlite-vec loads)
#   scripts/sqlite-dsn.sh env DIR     (prints export lines: eval "$(... env DIR)")
#
# CTest runs `write` into the build directory as the fixture of the SQLite integration tests
# (tests/CMakeLists.txt); scripts/embedded-server.sh writes the same stanza next to the
# PostgreSQL DSNs.  The keys are explained in odbc.ini.example and docs/dsn.md.
#
# Why the check: the driver only warns on standard error when an extension of LoadExt does not
# load, and connects anyway, so a DSN whose vec0.so is missing would fail only at the first
# vector function.  `write` runs `SELECT vec_version()` through the new DSN and fails if it does.
# It also removes the database files and odbc.ini copies (pgvt_*) left by test programs killed
# before their teardown (tests/support/testdb.c); it runs before the tests, never during them.
set -euo pipefail

readonly PROG=sqlite-dsn.sh
# shellcheck disable=SC2034 # read by server-lib.sh
readonly DEFAULT_DRIVER_DIR=/usr/lib/x86_64-linux-gnu/odbc
readonly DSN=pgvodbc_sqlite
readonly PROBE_TIMEOUT_S=10

# shellcheck source=scripts/server-lib.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/server-lib.sh"

usage() {
  cat >&2 <<EOF
usage: $PROG write DIR
       $PROG env DIR
EOF
  exit 2
}

cmd_write() {
  local dir=$1 out
  require_command isql "unixODBC's isql checks the DSN; package unixodbc"
  locate_sqlite || die "$SQLITE_MISSING"
  mkdir -p -- "$dir" 2>/dev/null || die "cannot create $dir"
  write_odbcinst_ini "$dir"
  {
    echo "; Written by scripts/$PROG: the SQLite backend (no server; the database is a file)."
    echo "[ODBC Data Sources]"
    echo "$DSN=SQLite3"
    echo
    sqlite_dsn "$DSN" "$dir/$DSN.db"
  } >"$dir/odbc.ini.tmp"
  mv -f -- "$dir/odbc.ini.tmp" "$dir/odbc.ini"
  rm -f -- "$dir"/pgvt_*.db "$dir"/pgvt_*.db-wal "$dir"/pgvt_*.db-shm "$dir"/pgvt_*.db-journal \
    "$dir"/pgvt_*.ini
  # -b: batch mode, whose output is the row alone; the driver's libm warning goes to stderr
  out=$(echo 'SELECT vec_version()' |
    ODBCSYSINI=$dir ODBCINI=$dir/odbc.ini timeout "$PROBE_TIMEOUT_S" isql -b -d, "$DSN" 2>/dev/null) ||
    die "SELECT vec_version() failed through $dir/odbc.ini: does $PGV_SQLITE_VEC load?"
  [[ $out == v* ]] || die "unexpected answer to SELECT vec_version(): $out"
  echo "sqlite DSN $DSN: sqlite-vec $out on $dir/$DSN.db (ODBCSYSINI=$dir)"
}

main() {
  if (($# != 2)) || [[ -z $2 ]]; then usage; fi
  local dir
  dir=$(realpath -m -- "$2")
  case $1 in
    write) cmd_write "$dir" ;;
    env) print_client_env "$dir" "$DSN" ;;
    *) usage ;;
  esac
}

main "$@"
