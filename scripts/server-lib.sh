# shellcheck shell=bash
# server-lib.sh: what scripts/embedded-server.sh and scripts/native-server.sh share - messages,
# finding the psqlODBC drivers, a free loopback port, the odbcinst.ini that turns psqlODBC's
# logging off, the log tail on failure, detaching a server from its caller's descriptors, the
# DSN keys, and waiting for a real ODBC connection.
# Sourced, not run; the sourcing script sets PROG (its name, for messages), DEFAULT_DRIVER_DIR,
# READY_TIMEOUT_S, PROBE_INTERVAL_S and PROBE_TIMEOUT_S first.

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

write_odbcinst_ini() {
  local dir=$1
  cat >"$dir/odbcinst.ini.tmp" <<EOF
; Written by scripts/$PROG. CommLog=0 and Debug=0 keep psqlODBC from writing
; log files into /tmp (Debian's /etc/odbcinst.ini enables CommLog).
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
  [[ -f $dir/odbc.ini ]] || warn "$dir/odbc.ini does not exist yet; run: $PROG start $dir"
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
