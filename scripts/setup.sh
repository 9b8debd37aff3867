#!/usr/bin/env bash
# Installs what pgvodbc needs on a Debian 12 machine and builds it.
#
#   scripts/setup.sh [BUILD_DIR [CMAKE_ARGS...]]
#   scripts/setup.sh --demo BUILD_DIR     (what scripts/demo.sh needs, and no more)
#
# Debian packages (only those missing): a C compiler, CMake, the unixODBC driver manager and its
# headers, psqlODBC, the SQLite ODBC driver (libsqliteodbc, the second backend), CMocka, libpq's
# headers (for the libpq baseline of tests/bench/bench_upsert only: the library never links
# libpq), clang and its libFuzzer runtime (scripts/fuzz.sh), Doxygen and xmllint (the API
# reference and its check, scripts/check-docs.sh), and Node.js/npm when no node is on PATH.  Not
# installed: libfmt-dev and libfast-float-dev, the anchors tests/bench/bench_format and
# bench_parse print beside their baselines when present (benchmarks only; no test needs them).
# Then the pinned embedded server packages (tests/server, `npm ci` from the committed lock file)
# and sqlite-vec for the SQLite backend (tests/sqlite, pinned the same way), then a CMake build.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=0
if [ "${1:-}" = --demo ]; then
	# The demo's start: the compiler, CMake, unixODBC, psqlODBC, node and the embedded server;
	# no test, fuzzing or native-server packages, and only the CLI is built.
	demo=1
	shift
fi
build=${1:-"$root/build"}
shift || true

say() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages: install the missing ones in one apt-get call.
packages=(gcc make cmake unixodbc unixodbc-dev odbc-postgresql libsqliteodbc)
if [ "$demo" -eq 0 ]; then
	packages+=(libcmocka-dev libpq-dev postgresql-15 valgrind pkg-config clang libclang-rt-14-dev
		doxygen libxml2-utils)
fi
need=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		say "missing packages: ${need[*]}; run as root or install them with apt-get"
		exit 1
	fi
	say "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The embedded server's npm packages, exactly as locked.
server="$root/tests/server"
if [ ! -x "$server/node_modules/.bin/pglite-server" ] \
	|| [ "$server/package-lock.json" -nt "$server/node_modules/.package-lock.json" ]; then
	say "installing the embedded server (npm ci)"
	# npm's "added N packages" is chatter: standard output is the commands' results only
	(cd "$server" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# sqlite-vec for the SQLite backend (libsqliteodbc loads its vec0.so), exactly as locked.
sqlite="$root/tests/sqlite"
if [ ! -f "$sqlite/node_modules/sqlite-vec-linux-x64/vec0.so" ] \
	|| [ "$sqlite/package-lock.json" -nt "$sqlite/node_modules/.package-lock.json" ]; then
	say "installing sqlite-vec (npm ci)"
	(cd "$sqlite" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

say "building in $build"
if [ "$demo" -eq 1 ]; then
	cmake -S "$root" -B "$build" -DPGVODBC_BUILD_TESTS=OFF -DPGVODBC_BUILD_EXAMPLES=OFF \
		-DPGVODBC_FUZZ=OFF "$@" >/dev/null
	cmake --build "$build" --parallel "$(nproc)" --target pgvodbc_cli >&2
else
	cmake -S "$root" -B "$build" "$@" >/dev/null
	cmake --build "$build" --parallel "$(nproc)" >&2
fi
