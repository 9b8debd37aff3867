#!/usr/bin/env bash
# The main job on the embedded default: set up, build, start the embedded PostgreSQL+pgvector
# server, run the walkthrough with `pgvodbc demo` (migrate up, upsert the three vectors, list
# them, nearest neighbour, distances) through ODBC, stop the server.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
# only what the demo needs (see setup.sh --demo); scripts/test.sh installs and builds everything
"$root/scripts/setup.sh" --demo "$build"

server="$build/embedded-server"
trap '"$root/scripts/embedded-server.sh" stop "$server"' EXIT
"$root/scripts/embedded-server.sh" start "$server" >&2
eval "$("$root/scripts/embedded-server.sh" env "$server")"
"$build/src/cli/pgvodbc" demo
