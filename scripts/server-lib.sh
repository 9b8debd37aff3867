# shellcheck shell=bash
# server-lib.sh: what scripts/embedded-server.sh and scripts/native-server.sh share - messages,
# finding the psqlODBC drivers, a free loopback port, the odbcinst.ini that turns psqlODBC's
# logging off, the log tail on failure, detaching a server from its caller's descriptors, the
# DSN keys, the SQLite backend's driver and DSN, and waiting for a real ODBC connection.
# Sourced, not run; the sourcing script sets PROG (its name, for messages), DEFAULT_DRIVER_DIR,
# READY_TIMEOUT_S, PROBE_INTERVAL_S and PROBE_TIMEOUT_S first.

PGV_REPO_ROOT=$(cd -- "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/.." && pwd)
# sqlite-vec, pinned in tests/sqlite/package-lock.json (scripts/setup.sh runs npm ci there).
PGV_SQLITE_VEC=$PGV_REPO_ROOT/tests/sqlite/node_modules/sqlite-vec-linux-x64/vec0.so

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 1
}

warn() {
  printf '%s: %s\n' "$PROG" "$*" >&2
}

require_command() {
  command -v "$1" >/dev/null 2>&1 ||
    die "$1 not found ($2); run the project's setup script or install it"
}

# Sets ANSI_DRIVER and UNICODE_DRIVER to the psqlODBC driver libraries.
locate_drivers() {
  local dir=$DEFAULT_DRIVER_DIR found
  if [[ ! -f $dir/psqlodbcw.so ]]; then
    found=$(find /usr/lib -name psqlodbcw.so -print 2>/dev/null | head -n 1 || true)
    [[ -n $found ]] ||
      die "psqlODBC driver psqlodbcw.so not found in $DEFAULT_DRIVER_DIR or under /usr/lib (package odbc-postgresql)"
    dir=${found%/*}
  fi
  UNICODE_DRIVER=$dir/psqlodbcw.so
  ANSI_DRIVER=$dir/psqlodbca.so
  if [[ ! -f $ANSI_DRIVER ]]; then
    found=$(find /usr/lib -name psqlodbca.so -print 2>/dev/null | head -n 1 || true)
    [[ -n $found ]] ||
      die "psqlODBC driver psqlodbca.so not found next to $UNICODE_DRIVER or under /usr/lib (package odbc-postgresql)"
    ANSI_DRIVER=$found
  fi
}

# Prints a free TCP port on 127.0.0.1 chosen by the kernel.
free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e '
      const srv = require("net").createServer();
      srv.listen(0, "127.0.0.1", () => {
        const port = srv.address().port;
        srv.close(() => console.log(port));
      });'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
  else
    die "neither node nor python3 is available to ask the kernel for a free port"
  fi
}

# Sets SQLITE_DRIVER (Debian's libsqliteodbc, the driver named SQLite3) and SQLITE_LIBM (the
# math library vec0.so needs: it is not linked against libm, so loading it alone fails with
# "undefined symbol: sqrtf"; loading libm first, as an extension, makes its symbols global).
# Returns 1, with the reason in SQLITE_MISSING, when the driver, libm or vec0.so is missing.
locate_sqlite() {
  local candidate
  SQLITE_DRIVER='' SQLITE_LIBM='' SQLITE_MISSING=''
  if [[ -f $DEFAULT_DRIVER_DIR/libsqlite3odbc.so ]]; then
    SQLITE_DRIVER=$DEFAULT_DRIVER_DIR/libsqlite3odbc.so
  else
    SQLITE_DRIVER=$(find /usr/lib -name 'libsqlite3odbc*.so' -print 2>/dev/null | head -n 1 || true)
  fi
  for candidate in /lib/x86_64-linux-gnu/libm.so.6 /usr/lib/x86_64-linux-gnu/libm.so.6 \
    /lib64/libm.so.6 /usr/lib64/libm.so.6; do
    if [[ -f $candidate ]]; then
      SQLITE_LIBM=$candidate
      break
    fi
  done
  if [[ -z $SQLITE_DRIVER ]]; then
    SQLITE_MISSING="the SQLite ODBC driver libsqlite3odbc.so is not installed (package libsqliteodbc)"
  elif [[ -z $SQLITE_LIBM ]]; then
    SQLITE_MISSING="libm.so.6 not found"
  elif [[ ! -f $PGV_SQLITE_VEC ]]; then
    SQLITE_MISSING="sqlite-vec is not installed: no $PGV_SQLITE_VEC (run scripts/setup.sh, or npm ci in tests/sqlite)"
  fi
  [[ -z $SQLITE_MISSING ]]
}

# Prints the DSN stanza of the SQLite backend named NAME on the database file DB (created on the
# first connect).  odbc.ini.example explains every key; docs/dsn.md has the measurements.
sqlite_dsn() {
  local name=$1 db=$2
  cat <<EOF
[$name]
Driver=SQLite3
Database=$db
LoadExt=$SQLITE_LIBM,$PGV_SQLITE_VEC
Timeout=30000
JournalMode=WAL
SyncPragma=NORMAL
EOF
}

# Writes DIR/odbcinst.ini with the drivers found: psqlODBC's two (locate_drivers) and SQLite's
# (locate_sqlite).
write_odbcinst_ini() {
  local dir=$1
  echo "; Written by scripts/$PROG." >"$dir/odbcinst.ini.tmp"
  if [[ -n ${UNICODE_DRIVER:-} ]]; then
    cat >>"$dir/odbcinst.ini.tmp" <<EOF
; CommLog=0 and Debug=0 keep psqlODBC from writing log files into /tmp (Debian's
; /etc/odbcinst.ini enables CommLog).
[PostgreSQL ANSI]
Description=PostgreSQL ODBC driver (ANSI)
Driver=$ANSI_DRIVER
Debug=0
CommLog=0

[PostgreSQL Unicode]
Description=PostgreSQL ODBC driver (Unicode)
Driver=$UNICODE_DRIVER
Debug=0
CommLog=0
EOF
  fi
  if [[ -n ${SQLITE_DRIVER:-} ]]; then
    cat >>"$dir/odbcinst.ini.tmp" <<EOF

[SQLite3]
Description=SQLite3 ODBC driver (libsqliteodbc): the SQLite backend, with sqlite-vec
Driver=$SQLITE_DRIVER
EOF
  fi
  mv -f -- "$dir/odbcinst.ini.tmp" "$dir/odbcinst.ini"
}

print_log_tail() {
  local log=$1
  if [[ -s $log ]]; then
    warn "last lines of $log:"
    tail -n 20 -- "$log" | sed 's/^/    /' >&2
  else
    warn "$log is empty"
  fi
}

# Closes every file descriptor above 2 in the current (sub)shell, so the long-lived server holds
# no pipe of whoever started this script (a caller that reads a pipe to EOF would otherwise hang).
close_inherited_fds() {
  local path fd
  for path in /proc/"$BASHPID"/fd/*; do
    fd=${path##*/}
    if [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2)); then
      { exec {fd}>&-; } 2>/dev/null || true
    fi
  done
}

# Prints the export lines that point ODBC clients at DIR's ini files, with DSN as PGVODBC_DSN.
print_client_env() {
  local dir=$1 dsn=$2
  [[ -f $dir/odbc.ini ]] || warn "$dir/odbc.ini does not exist yet; $PROG writes it"
  printf 'export ODBCSYSINI=%q\n' "$dir"
  printf 'export ODBCINI=%q\n' "$dir/odbc.ini"
  printf 'export PGVODBC_DSN=%q\n' "$dsn"
}

# Prints the connection keys every DSN of a server shares.
dsn_common() {
  local port=$1 database=$2 user=$3 password=$4
  cat <<EOF
Servername=127.0.0.1
Port=$port
Database=$database
Username=$user
Password=$password
SSLmode=disable
EOF
}

# Succeeds when a real ODBC connection through DSN (DIR's ini files) runs a query within
# PROBE_TIMEOUT_S.
odbc_probe() {
  local dir=$1 dsn=$2
  echo 'SELECT 1' |
    ODBCSYSINI=$dir ODBCINI=$dir/odbc.ini timeout "$PROBE_TIMEOUT_S" isql -b "$dsn" >/dev/null 2>&1
}

# Succeeds while PID exists and is not a zombie waiting to be reaped.
is_alive() {
  local pid=$1 stat
  kill -0 "$pid" 2>/dev/null || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Waits up to READY_TIMEOUT_S for odbc_probe DIR DSN, every PROBE_INTERVAL_S; given a PID, gives
# up as soon as that process is gone.  0 ready, 1 the process exited, 2 timed out.
wait_odbc_ready() {
  local dir=$1 dsn=$2 pid=${3:-} deadline
  deadline=$((SECONDS + READY_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if [[ -n $pid ]] && ! is_alive "$pid"; then
      return 1
    fi
    if odbc_probe "$dir" "$dsn"; then
      return 0
    fi
    sleep "$PROBE_INTERVAL_S"
  done
  return 2
}
