#!/usr/bin/env bash
# Installs a build of pgvodbc into a temporary prefix and uses it from outside, as a packager and
# an application would: checks the installed files (libraries with SONAME, headers, CLI, man
# page, migrations, pgvodbc.pc, the CMake package), then builds tests/package/consumer.c against
# the installed tree with find_package(pgvodbc) (shared and static targets) and with pkg-config
# (shared and static), and runs each program.
#
#   tests/package/check.sh BUILD_DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:?usage: check.sh BUILD_DIR}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pgvodbc-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() { printf 'package: FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf 'package: %s\n' "$*"; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }

pc=$(find "$prefix" -name pgvodbc.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || fail "no pgvodbc.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libpgvodbc.a" "$libdir/libpgvodbc.so" "$prefix/include/pgvodbc.h" \
	"$prefix/include/pgvodbc/store.h" "$prefix/bin/pgvodbc" "$prefix/share/man/man1/pgvodbc.1" \
	"$prefix/share/pgvodbc/sql/postgresql/0001_vector_extension.up.sql" \
	"$libdir/cmake/pgvodbc/pgvodbcConfig.cmake" "$libdir/cmake/pgvodbc/pgvodbcConfigVersion.cmake"; do
	[ -e "$f" ] || fail "not installed: ${f#"$prefix"/}"
done
# 0.x: the SONAME carries major.minor (a minor release may break the ABI), from pgvodbc.pc's Version.
want=libpgvodbc.so.$(sed -n 's/^Version: \([0-9]*\.[0-9]*\).*/\1/p' "$pc")
soname=$(objdump -p "$libdir/libpgvodbc.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "$want" ] || fail "SONAME is \"$soname\", want $want"
[ -e "$libdir/$soname" ] || fail "$soname is not installed"
say "installed files, SONAME $soname"

# The exported symbols are the public API only.
bad=$(nm -D --defined-only "$libdir/libpgvodbc.so" | awk '$2 ~ /[TDBR]/ && $3 !~ /^pgv_/ { print $3 }')
[ -z "$bad" ] || fail "symbols exported without the pgv_ prefix: $bad"

"$prefix/bin/pgvodbc" --version >/dev/null || fail "the installed CLI does not run"

# CMake: find_package(pgvodbc).
cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >"$work/cmake.log" 2>&1 \
	|| { cat "$work/cmake.log"; fail "find_package(pgvodbc)"; }
cmake --build "$work/cmake" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "consumer build (CMake)"; }
"$work/cmake/consumer_shared" || fail "consumer_shared (CMake, pgvodbc::pgvodbc)"
"$work/cmake/consumer_static" || fail "consumer_static (CMake, pgvodbc::pgvodbc_static)"
# ldd's output is read whole first: `ldd | grep -q` under pipefail fails whenever grep stops
# reading before ldd has finished writing (SIGPIPE).
deps=$(ldd "$work/cmake/consumer_shared")
[[ $deps == *"$libdir/$soname"* ]] || fail "consumer_shared does not load the installed $soname"
deps=$(ldd "$work/cmake/consumer_static")
[[ $deps != *libpgvodbc* ]] || fail "consumer_static loads libpgvodbc.so"
say "find_package(pgvodbc): shared and static consumers built and ran"

# pkg-config.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion pgvodbc)" = "$(sed -n 's/^Version: //p' "$pc")" ] || fail "pkg-config --modversion"
cc=${CC:-cc}
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Werror -o "$work/pc_shared" "$here/consumer.c" $(pkg-config --cflags --libs pgvodbc) \
	|| fail "consumer build (pkg-config, shared)"
LD_LIBRARY_PATH="$libdir" "$work/pc_shared" || fail "pc_shared (pkg-config)"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Werror -o "$work/pc_static" "$here/consumer.c" $(pkg-config --cflags pgvodbc) \
	"$libdir/libpgvodbc.a" $(pkg-config --static --libs pgvodbc | sed 's/-lpgvodbc\b//') \
	|| fail "consumer build (pkg-config --static)"
"$work/pc_static" || fail "pc_static (pkg-config --static)"
say "pkg-config: shared and static consumers built and ran"
