#!/usr/bin/env bash
# embedded-server.sh: start, stop and describe the embedded PostgreSQL+pgvector server used by
# pgvodbc's integration tests, demo and local development.
#
#   scripts/embedded-server.sh start  DIR [--data PGDATA]
#   scripts/embedded-server.sh stop   DIR
#   scripts/embedded-server.sh status DIR   (exit 0 if running and answering)
#   scripts/embedded-server.sh env    DIR   (prints export lines: eval "$(... env DIR)")
#
# Debian 12 has no pgvector package, so the server is PGlite (PostgreSQL compiled to WASM with the
# pgvector extension) served on the wire protocol by pglite-server, from the npm packages pinned in
# tests/server/package-lock.json. Everything the server and its clients need lives in DIR:
# odbcinst.ini, odbc.ini, port, server.pid, server.log. See README.md, "The embedded server".
# odbc.ini also names the SQLite backend, pgvodbc_sqlite (SQLite with sqlite-vec, on the database
# file DIR/pgvodbc_sqlite.db, which needs no server and outlives it), when its driver and
# sqlite-vec are installed (scripts/setup.sh); scripts/sqlite-dsn.sh writes that DSN alone.
#
# Why it is done this way:
# - CommLog=0: Debian's /etc/odbcinst.ini sets CommLog=1, which makes every psqlODBC client write a
#   log file into /tmp. Clients point ODBCSYSINI at DIR, whose odbcinst.ini turns logging off.
# - -m 8: with pglite-server's default of one connection, quick reconnects are dropped. Never -m 1.
# - Readiness is probed with a real ODBC connection (isql), never a bare TCP connect: a TCP probe
#   takes a connection slot and proves nothing about the driver or the DSN files.
# - The server is fully detached (own session, stdin from /dev/null, output to server.log), so a
#   caller that waits on its pipes (CTest) does not hang, and server.pid holds the node process
#   itself, so stop kills exactly it and never anything found by name.
# - The port is a free loopback port chosen by the kernel; no fixed ports, so parallel checkouts
#   and CI jobs do not collide. A start whose server fails to bind is retried on a new port.
set -euo pipefail
# No job control: background children then stay in this script's process group, which is what lets
# setsid exec the server in place (see launch_server).
set +m

readonly PROG=embedded-server.sh
SCRIPT_DIR=$(cd -- "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")" && pwd)
readonly SCRIPT_DIR
readonly REPO_ROOT=${SCRIPT_DIR%/*}
readonly SERVER_PKG_DIR=$REPO_ROOT/tests/server
readonly PGLITE_BIN=$SERVER_PKG_DIR/node_modules/.bin/pglite-server
readonly DEFAULT_DRIVER_DIR=/usr/lib/x86_64-linux-gnu/odbc
readonly PROBE_DSN=pgvodbc_unicode
readonly MAX_CONNECTIONS=8
readonly START_ATTEMPTS=3
readonly READY_TIMEOUT_S=60
readonly PROBE_INTERVAL_S=0.3
readonly PROBE_TIMEOUT_S=5
readonly STOP_TIMEOUT_S=5

# shellcheck source=scripts/server-lib.sh
source "$SCRIPT_DIR/server-lib.sh"

usage() {
  cat >&2 <<EOF
usage: $PROG start DIR [--data PGDATA]
       $PROG stop DIR
       $PROG status DIR
       $PROG env DIR
EOF
  exit 2
}

# Installs the pinned npm packages when pglite-server is missing or older than the lock file.
# The symlink's own mtime is compared (npm's package files keep old timestamps), at whole seconds.
ensure_npm_packages() {
  local lock=$SERVER_PKG_DIR/package-lock.json
  [[ -f $lock ]] || die "$lock not found"
  if [[ -e $PGLITE_BIN ]] &&
    (($(stat -c %Y -- "$PGLITE_BIN") >= $(stat -c %Y -- "$lock"))); then
    return 0
  fi
  require_command npm "Node.js package manager"
  warn "installing the pinned server packages (npm ci in $SERVER_PKG_DIR)"
  (cd -- "$SERVER_PKG_DIR" && npm ci --no-audit --no-fund </dev/null >&2) ||
    die "npm ci failed in $SERVER_PKG_DIR"
  [[ -e $PGLITE_BIN ]] || die "npm ci did not install $PGLITE_BIN"
  # Mark the install as current even if the lock file's mtime lies in the future.
  touch -h -- "$PGLITE_BIN"
  if (($(stat -c %Y -- "$PGLITE_BIN") < $(stat -c %Y -- "$lock"))); then
    touch -h -r "$lock" -- "$PGLITE_BIN"
  fi
}

write_odbc_ini() {
  local dir=$1 port=$2
  {
    echo "; Written by scripts/embedded-server.sh for the embedded server on 127.0.0.1:$port."
    echo "[ODBC Data Sources]"
    echo "pgvodbc_ansi=PostgreSQL ANSI"
    echo "pgvodbc_unicode=PostgreSQL Unicode"
    echo "pgvodbc_nossp=PostgreSQL Unicode"
    echo "pgvodbc_declfetch=PostgreSQL Unicode"
    [[ -n $SQLITE_MISSING ]] || echo "pgvodbc_sqlite=SQLite3"
    echo
    echo "[pgvodbc_ansi]"
    echo "Driver=PostgreSQL ANSI"
    dsn_common "$port" postgres postgres postgres
    echo
    echo "[pgvodbc_unicode]"
    echo "Driver=PostgreSQL Unicode"
    dsn_common "$port" postgres postgres postgres
    echo
    echo "[pgvodbc_nossp]"
    echo "Driver=PostgreSQL Unicode"
    dsn_common "$port" postgres postgres postgres
    echo "UseServerSidePrepare=0"
    echo
    echo "[pgvodbc_declfetch]"
    echo "Driver=PostgreSQL Unicode"
    dsn_common "$port" postgres postgres postgres
    echo "UseDeclareFetch=1"
    echo "Fetch=2"
    if [[ -z $SQLITE_MISSING ]]; then
      echo
      sqlite_dsn pgvodbc_sqlite "$dir/pgvodbc_sqlite.db"
    fi
  } >"$dir/odbc.ini.tmp"
  mv -f -- "$dir/odbc.ini.tmp" "$dir/odbc.ini"
  echo "$port" >"$dir/port"
}

# Succeeds when PID is alive and is a pglite-server node process (guards against PID reuse).
is_our_server() {
  local pid=$1 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  is_alive "$pid" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *pglite-server* || $cmdline == *pglite-socket* ]]
}

# Prints the PID recorded in DIR/server.pid, or nothing.
recorded_pid() {
  local dir=$1
  [[ -f $dir/server.pid ]] || return 0
  tr -d '[:space:]' <"$dir/server.pid"
}

# Sends TERM to PID, waits, then KILL. Only ever called with a PID verified by is_our_server.
kill_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while is_alive "$pid"; do
    if ((waited >= STOP_TIMEOUT_S * 10)); then
      warn "server pid $pid ignored SIGTERM for ${STOP_TIMEOUT_S}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  # A SIGKILLed process takes a moment to release its memory and its port.
  for ((waited = 0; waited < STOP_TIMEOUT_S * 10; waited++)); do
    is_alive "$pid" || return 0
    sleep 0.1
  done
  warn "server pid $pid is still alive after SIGKILL"
}

cmd_stop() {
  local dir=$1 pid
  pid=$(recorded_pid "$dir")
  if [[ -n $pid ]] && is_our_server "$pid"; then
    kill_pid "$pid"
  fi
  rm -f -- "$dir/server.pid"
}

# Launches pglite-server detached on PORT; sets SERVER_PID to the node process's PID.
launch_server() {
  local dir=$1 port=$2 data=$3
  local -a args=(-h 127.0.0.1 -p "$port" -m "$MAX_CONNECTIONS"
    -e @electric-sql/pglite-pgvector:vector)
  [[ -n $data ]] && args+=(-d "$data")
  # Without job control a backgrounded child is never a process group leader, so setsid execs node
  # in place (no fork) and $! is the node process itself.
  (
    cd -- "$SERVER_PKG_DIR"
    close_inherited_fds
    exec setsid node "$PGLITE_BIN" "${args[@]}" </dev/null >"$dir/server.log" 2>&1
  ) &
  SERVER_PID=$!
}

cmd_start() {
  local dir=$1 data=$2 attempt port pid rc=0 old
  require_command node "Node.js runs the embedded server"
  require_command isql "unixODBC's isql probes the server; package unixodbc"
  require_command setsid "util-linux"
  require_command timeout "coreutils"
  locate_drivers
  locate_sqlite || warn "no SQLite DSN in $dir/odbc.ini: $SQLITE_MISSING"

  mkdir -p -- "$dir" 2>/dev/null || die "cannot create the server directory $dir"
  if [[ -n $data ]]; then
    mkdir -p -- "$data" 2>/dev/null || die "cannot create the data directory $data"
  fi

  old=$(recorded_pid "$dir")
  if [[ -n $old ]] && is_our_server "$old"; then
    warn "stopping the server already running from $dir (pid $old)"
  fi
  cmd_stop "$dir"
  ensure_npm_packages

  write_odbcinst_ini "$dir"
  for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
    port=$(free_port) || die "could not get a free port from the kernel"
    write_odbc_ini "$dir" "$port"
    launch_server "$dir" "$port" "$data"
    pid=$SERVER_PID
    echo "$pid" >"$dir/server.pid"
    rc=0
    wait_odbc_ready "$dir" "$PROBE_DSN" "$pid" || rc=$?
    case $rc in
      0)
        if ! is_our_server "$pid"; then
          rm -f -- "$dir/server.pid"
          die "a server answers on 127.0.0.1:$port but pid $pid is not it; see $dir/server.log"
        fi
        echo "embedded server: pid $pid on 127.0.0.1:$port (ODBCSYSINI=$dir)"
        return 0
        ;;
      1)
        rm -f -- "$dir/server.pid"
        print_log_tail "$dir/server.log"
        if ! grep -q EADDRINUSE -- "$dir/server.log" 2>/dev/null; then
          die "server exited before answering on 127.0.0.1:$port; see $dir/server.log"
        fi
        warn "port $port was taken before the server could bind it (attempt $attempt of $START_ATTEMPTS)"
        ;;
      *)
        warn "server pid $pid did not answer an ODBC connection on 127.0.0.1:$port within ${READY_TIMEOUT_S}s"
        print_log_tail "$dir/server.log"
        kill_pid "$pid"
        rm -f -- "$dir/server.pid"
        exit 1
        ;;
    esac
  done
  die "server could not bind a free port in $START_ATTEMPTS attempts; see $dir/server.log"
}

cmd_status() {
  local dir=$1 pid port
  pid=$(recorded_pid "$dir")
  if [[ -z $pid ]]; then
    echo "embedded server: not running (no $dir/server.pid)"
    return 1
  fi
  if ! is_our_server "$pid"; then
    echo "embedded server: not running (pid $pid from $dir/server.pid is not a live pglite-server)"
    return 1
  fi
  port=$(cat -- "$dir/port" 2>/dev/null || echo '?')
  if ! command -v isql >/dev/null 2>&1; then
    die "isql not found (unixODBC's isql probes the server; package unixodbc)"
  fi
  if odbc_probe "$dir" "$PROBE_DSN"; then
    echo "embedded server: pid $pid on 127.0.0.1:$port is answering (ODBCSYSINI=$dir)"
    return 0
  fi
  echo "embedded server: pid $pid on 127.0.0.1:$port is running but not answering ODBC connections"
  return 1
}

cmd_env() {
  print_client_env "$1" "$PROBE_DSN"
}

main() {
  (($# >= 2)) || usage
  local cmd=$1 dir data=''
  [[ -n $2 ]] || usage
  dir=$(realpath -m -- "$2")
  shift 2
  case $cmd in
    start)
      while (($# > 0)); do
        case $1 in
          --data)
            if (($# < 2)) || [[ -z $2 ]]; then die "--data needs a directory"; fi
            data=$(realpath -m -- "$2")
            shift 2
            ;;
          --data=*)
            [[ -n ${1#--data=} ]] || die "--data needs a directory"
            data=$(realpath -m -- "${1#--data=}")
            shift
            ;;
          *) warn "unknown option: $1"; usage ;;
        esac
      done
      cmd_start "$dir" "$data"
      ;;
    stop | status | env)
      (($# == 0)) || usage
      "cmd_$cmd" "$dir"
      ;;
    *) usage ;;
  esac
}

main "$@"
