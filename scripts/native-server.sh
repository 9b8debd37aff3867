#!/usr/bin/env bash
# native-server.sh: start, stop and describe a throwaway native PostgreSQL 15 server (Debian's
# postgresql-15, without pgvector) for the tests the embedded server cannot do: authentication,
# a server without the vector extension, and many real sessions at once (tests/native).
#
#   scripts/native-server.sh start  DIR
#   scripts/native-server.sh stop   DIR   (stops the server and deletes its data)
#   scripts/native-server.sh status DIR   (exit 0 if running and answering)
#   scripts/native-server.sh env    DIR   (prints export lines: eval "$(... env DIR)")
#
# DIR receives what clients need: odbcinst.ini, odbc.ini (DSNs pgvodbc_native, Unicode,
# pgvodbc_native_ansi, and the Unicode driver without server-side prepare, pgvodbc_native_nossp,
# and with declare/fetch, pgvodbc_native_declfetch: the integration tests' four settings), port, user and password (the test role's), datadir (where the cluster
# lives) and, after stop, server.log.  The cluster itself lives in a mktemp directory under /tmp
# owned by the postgres user, because PostgreSQL refuses to run as root and DIR (a build
# directory) need not be writable, or even reachable, by postgres.  See docs/testing.md.
#
# With PGVODBC_NATIVE_VECTOR=1, when pgvector is installed on this machine (by hand: it is no
# Debian package, and nothing of it is in this repository), start also creates the extension
# vector in the test database as the superuser (it is not trusted, so the test role may not), so
# the integration suite can run on this server (docs/testing.md).  Without it the server has no
# vector extension, as the native tests expect.
#
# Why it is done this way:
# - Authentication is real: TCP connections use scram-sha-256 (initdb -A), the superuser has a
#   random password, and the tests log in as the role pgvodbc, owner of the database
#   pgvodbc_test.  The script itself talks to the server as postgres over the unix socket in the
#   data directory (peer authentication), so it needs no password.
# - The password is in the DSNs, so `isql pgvodbc_native` and the tests' default connections work
#   as they are; the tests give a different UID/PWD in a connection string to test failures
#   (psqlODBC lets connection-string keys override the DSN's).
# - CommLog=0: Debian's /etc/odbcinst.ini sets CommLog=1, which makes every psqlODBC client write
#   a log file into /tmp (as in scripts/embedded-server.sh).
# - The port is a free loopback port chosen by the kernel; a start whose server fails to bind it
#   (taken in between) is retried on a new one.  Only 127.0.0.1 is listened on.
# - fsync, full_page_writes and synchronous_commit are off and initdb does not sync: the data is
#   thrown away, and initdb + start take about a second.
# - Readiness is a real ODBC connection as the test role (isql), after pg_ctl -w has seen the
#   server accept connections.
# - pg_ctl detaches the server (its own session, output to the log); the subshell that runs it
#   first closes every inherited descriptor above 2, so a caller that reads our pipes to EOF
#   (CTest) does not wait for the server.
set -euo pipefail

readonly PROG=native-server.sh
readonly PG_BINDIR=/usr/lib/postgresql/15/bin
readonly PG_OS_USER=postgres
readonly ROLE=pgvodbc
readonly ROLE_PASSWORD=pgvodbc-native-secret
readonly DATABASE=pgvodbc_test
readonly DSN_UNICODE=pgvodbc_native
readonly DSN_ANSI=pgvodbc_native_ansi
readonly DSN_NOSSP=pgvodbc_native_nossp
readonly DSN_DECLFETCH=pgvodbc_native_declfetch
readonly VECTOR_CONTROL=/usr/share/postgresql/15/extension/vector.control
readonly DEFAULT_DRIVER_DIR=/usr/lib/x86_64-linux-gnu/odbc
readonly TMP_PREFIX=pgvodbc-native.
readonly START_ATTEMPTS=3
readonly START_TIMEOUT_S=30
readonly READY_TIMEOUT_S=30
readonly PROBE_INTERVAL_S=0.2
readonly PROBE_TIMEOUT_S=5
readonly STOP_TIMEOUT_S=30

# shellcheck source=scripts/server-lib.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/server-lib.sh"

usage() {
  cat >&2 <<EOF
usage: $PROG start DIR
       $PROG stop DIR
       $PROG status DIR
       $PROG env DIR
EOF
  exit 2
}

# Refuses to go on, saying why, unless this is root with Debian's postgresql-15 installed.
check_prerequisites() {
  local bin
  for bin in initdb pg_ctl postgres psql; do
    [[ -x $PG_BINDIR/$bin ]] ||
      die "PostgreSQL 15 is not installed ($PG_BINDIR/$bin not found): the native tests need Debian's postgresql-15; scripts/setup.sh installs it (apt-get install postgresql-15)"
  done
  (($(id -u) == 0)) ||
    die "must run as root (running as $(id -un)): PostgreSQL refuses to run as root, so this script starts it as the $PG_OS_USER user with runuser, which only root may do"
  getent passwd "$PG_OS_USER" >/dev/null ||
    die "there is no $PG_OS_USER user (the postgresql-15 package creates it)"
  require_command runuser "util-linux"
  require_command isql "unixODBC's isql probes the server; package unixodbc"
  require_command timeout "coreutils"
}

# Runs a command as the postgres user, from a directory it can read.
as_postgres() {
  (cd / && runuser -u "$PG_OS_USER" -- "$@")
}

# Writes odbc.ini and the small files the tests read (port, user, password).
write_client_files() {
  local dir=$1 port=$2
  {
    echo "; Written by scripts/native-server.sh for the native PostgreSQL 15 on 127.0.0.1:$port."
    echo "[ODBC Data Sources]"
    echo "$DSN_UNICODE=PostgreSQL Unicode"
    echo "$DSN_ANSI=PostgreSQL ANSI"
    echo "$DSN_NOSSP=PostgreSQL Unicode"
    echo "$DSN_DECLFETCH=PostgreSQL Unicode"
    echo
    echo "[$DSN_UNICODE]"
    echo "Driver=PostgreSQL Unicode"
    dsn_common "$port" "$DATABASE" "$ROLE" "$ROLE_PASSWORD"
    echo
    echo "[$DSN_ANSI]"
    echo "Driver=PostgreSQL ANSI"
    dsn_common "$port" "$DATABASE" "$ROLE" "$ROLE_PASSWORD"
    echo
    echo "[$DSN_NOSSP]"
    echo "Driver=PostgreSQL Unicode"
    dsn_common "$port" "$DATABASE" "$ROLE" "$ROLE_PASSWORD"
    echo "UseServerSidePrepare=0"
    echo
    echo "[$DSN_DECLFETCH]"
    echo "Driver=PostgreSQL Unicode"
    dsn_common "$port" "$DATABASE" "$ROLE" "$ROLE_PASSWORD"
    echo "UseDeclareFetch=1"
    echo "Fetch=2"
  } >"$dir/odbc.ini.tmp"
  chmod 600 -- "$dir/odbc.ini.tmp"
  mv -f -- "$dir/odbc.ini.tmp" "$dir/odbc.ini"
  echo "$port" >"$dir/port"
  echo "$ROLE" >"$dir/user"
  (umask 077 && echo "$ROLE_PASSWORD" >"$dir/password")
}

# Prints the cluster's directory recorded in DIR/datadir when it is one this script made, else
# nothing: stop deletes it, so never trust a path that does not look like ours.
recorded_cluster() {
  local dir=$1 tmp
  [[ -f $dir/datadir ]] || return 0
  tmp=$(head -n 1 -- "$dir/datadir")
  [[ $tmp == /* && ${tmp##*/} == "$TMP_PREFIX"* && -d $tmp && -f $tmp/.pgvodbc-native ]] ||
    return 0
  [[ $(stat -c %U -- "$tmp") == "$PG_OS_USER" ]] || return 0
  echo "$tmp"
}

# Creates a cluster in a new mktemp directory owned by postgres; sets CLUSTER to it.
make_cluster() {
  local dir=$1 su_password
  CLUSTER=$(mktemp -d "/tmp/${TMP_PREFIX}XXXXXX") || die "mktemp could not create a directory in /tmp"
  : >"$CLUSTER/.pgvodbc-native"
  echo "$CLUSTER" >"$dir/datadir"
  su_password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && echo "$su_password" >"$CLUSTER/superuser.password")
  chown -R "$PG_OS_USER:" -- "$CLUSTER"
  if ! as_postgres "$PG_BINDIR/initdb" -D "$CLUSTER/data" -U postgres \
      --pwfile="$CLUSTER/superuser.password" --auth-host=scram-sha-256 --auth-local=peer \
      -E UTF8 --locale=C --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    warn "initdb failed; its output:"
    sed 's/^/    /' -- "$dir/initdb.log" >&2
    rm -rf -- "$CLUSTER" "$dir/datadir"
    exit 1
  fi
  rm -f -- "$dir/initdb.log"
}

# Starts the cluster on PORT and waits until it accepts connections; returns pg_ctl's status.
launch_server() {
  local port=$1
  (
    close_inherited_fds
    as_postgres "$PG_BINDIR/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w \
      -t "$START_TIMEOUT_S" -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$CLUSTER/data -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
      start </dev/null >/dev/null 2>&1
  )
}

# Runs SQL as the superuser over the unix socket.
psql_admin() {
  local port=$1
  shift
  as_postgres "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER/data" -p "$port" \
    -d postgres "$@"
}

# Stops the cluster in CLUSTER (fast, then immediate), keeps its log in DIR, deletes it.
remove_cluster() {
  local dir=$1
  if [[ -f $CLUSTER/data/postmaster.pid ]] &&
      ! as_postgres "$PG_BINDIR/pg_ctl" -D "$CLUSTER/data" -m fast -w -t "$STOP_TIMEOUT_S" \
        stop >/dev/null 2>&1; then
    # pg_ctl also fails when the server had already died: only a live one is an error.
    if as_postgres "$PG_BINDIR/pg_ctl" -D "$CLUSTER/data" status >/dev/null 2>&1 &&
        ! as_postgres "$PG_BINDIR/pg_ctl" -D "$CLUSTER/data" -m immediate -w \
          -t "$STOP_TIMEOUT_S" stop >/dev/null 2>&1; then
      die "the server in $CLUSTER/data did not stop; its data is left in place"
    fi
  fi
  [[ -f $CLUSTER/server.log ]] && cp -f -- "$CLUSTER/server.log" "$dir/server.log"
  rm -rf -- "$CLUSTER"
  rm -f -- "$dir/datadir"
}

cmd_stop() {
  local dir=$1
  CLUSTER=$(recorded_cluster "$dir")
  if [[ -z $CLUSTER ]]; then
    rm -f -- "$dir/datadir"
    return 0
  fi
  check_prerequisites
  remove_cluster "$dir"
}

cmd_start() {
  local dir=$1 attempt port
  check_prerequisites
  locate_drivers
  mkdir -p -- "$dir" 2>/dev/null || die "cannot create the server directory $dir"
  if [[ -n $(recorded_cluster "$dir") ]]; then
    warn "stopping the server already running from $dir"
  fi
  cmd_stop "$dir"

  write_odbcinst_ini "$dir"
  make_cluster "$dir"
  for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
    port=$(free_port) || die "could not get a free port from the kernel"
    if launch_server "$port"; then
      break
    fi
    if grep -q 'could not bind\|Address already in use' -- "$CLUSTER/server.log" 2>/dev/null &&
        ((attempt < START_ATTEMPTS)); then
      warn "port $port was taken before the server could bind it (attempt $attempt of $START_ATTEMPTS)"
      : >"$CLUSTER/server.log"
      continue
    fi
    print_log_tail "$CLUSTER/server.log"
    remove_cluster "$dir"
    die "the server did not start on 127.0.0.1:$port"
  done

  if ! psql_admin "$port" \
      -c "CREATE ROLE $ROLE LOGIN PASSWORD '$ROLE_PASSWORD'" \
      -c "CREATE DATABASE $DATABASE OWNER $ROLE" >/dev/null; then
    remove_cluster "$dir"
    die "could not create the role $ROLE and the database $DATABASE"
  fi
  if [[ ${PGVODBC_NATIVE_VECTOR:-0} == 1 ]]; then
    if [[ ! -f $VECTOR_CONTROL ]]; then
      remove_cluster "$dir"
      die "PGVODBC_NATIVE_VECTOR=1 but pgvector is not installed ($VECTOR_CONTROL not found)"
    fi
    if ! psql_admin "$port" -d "$DATABASE" -c "CREATE EXTENSION vector" >/dev/null; then
      remove_cluster "$dir"
      die "could not create the extension vector in $DATABASE"
    fi
  fi
  write_client_files "$dir" "$port"
  if ! wait_odbc_ready "$dir" "$DSN_UNICODE"; then
    print_log_tail "$CLUSTER/server.log"
    remove_cluster "$dir"
    die "the server on 127.0.0.1:$port did not accept an ODBC connection as $ROLE within ${READY_TIMEOUT_S}s"
  fi
  echo "native server: PostgreSQL 15 on 127.0.0.1:$port, data in $CLUSTER (ODBCSYSINI=$dir)"
}

cmd_status() {
  local dir=$1 port
  CLUSTER=$(recorded_cluster "$dir")
  if [[ -z $CLUSTER ]]; then
    echo "native server: not running (no cluster recorded in $dir/datadir)"
    return 1
  fi
  check_prerequisites
  port=$(cat -- "$dir/port" 2>/dev/null || echo '?')
  if ! as_postgres "$PG_BINDIR/pg_ctl" -D "$CLUSTER/data" status >/dev/null 2>&1; then
    echo "native server: not running (the cluster in $CLUSTER is stopped)"
    return 1
  fi
  if odbc_probe "$dir" "$DSN_UNICODE"; then
    echo "native server: PostgreSQL 15 on 127.0.0.1:$port is answering (ODBCSYSINI=$dir)"
    return 0
  fi
  echo "native server: running in $CLUSTER but not answering ODBC connections on 127.0.0.1:$port"
  return 1
}

cmd_env() {
  print_client_env "$1" "$DSN_UNICODE"
}

main() {
  (($# == 2)) || usage
  local cmd=$1 dir
  [[ -n $2 ]] || usage
  dir=$(realpath -m -- "$2")
  case $cmd in
    start | stop | status | env) "cmd_$cmd" "$dir" ;;
    *) usage ;;
  esac
}

main "$@"
