#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang and runs each one.
#
#   scripts/fuzz.sh [SECONDS [HARNESS...]]
#
# SECONDS (default 10) per harness; HARNESS defaults to all of them.  For a run of a fixed
# number of executions instead, PGVODBC_FUZZ_RUNS=N (SECONDS is then ignored);
# PGVODBC_FUZZ_MAX_LEN=BYTES replaces each harness's longest input (docs/fuzzing.md has the
# settings of the long runs).  The build goes into
# build-fuzz (PGVODBC_FUZZ_BUILD overrides it).  Each harness runs on a temporary copy of its
# seed corpus (tests/fuzz/corpus/<harness>), so new inputs never land in the repository; crash
# reproducers go to <build>/artifacts/<harness>/.  Any crash, leak, sanitizer report or timeout
# fails the script.  Needs no terminal.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PGVODBC_FUZZ_BUILD:-"$root/build-fuzz"}
seconds=${1:-10}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_vector_parse fuzz_float_roundtrip fuzz_migrate_load fuzz_types_parse
	fuzz_binary_decode)

say() { printf 'fuzz: %s\n' "$*" >&2; }

whole_number() {
	case $2 in
	'' | *[!0-9]*) say "$1 must be a whole number, not \"$2\""; exit 2 ;;
	esac
}
whole_number SECONDS "$seconds"
runs=${PGVODBC_FUZZ_RUNS:-}
[ -z "$runs" ] || whole_number PGVODBC_FUZZ_RUNS "$runs"
[ -z "${PGVODBC_FUZZ_MAX_LEN:-}" ] || whole_number PGVODBC_FUZZ_MAX_LEN "$PGVODBC_FUZZ_MAX_LEN"

# The longest input worth trying: 16000 floats, or a vector text around the dimension limit.
max_len() {
	[ -z "${PGVODBC_FUZZ_MAX_LEN:-}" ] || { echo "$PGVODBC_FUZZ_MAX_LEN"; return; }
	case $1 in
	fuzz_float_roundtrip) echo 64000 ;;
	fuzz_vector_parse | fuzz_types_parse) echo 65536 ;;
	*) echo 8192 ;;
	esac
}

say "building in $build"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DPGVODBC_FUZZ=ON -DPGVODBC_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGVODBC_BUILD_TESTS=OFF -DPGVODBC_BUILD_EXAMPLES=OFF \
	-DPGVODBC_BUILD_CLI=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${harnesses[@]}" >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/pgvodbc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for h in "${harnesses[@]}"; do
	seeds="$root/tests/fuzz/corpus/$h"
	artifacts="$build/artifacts/$h"
	mkdir -p "$work/$h" "$artifacts"
	[ -d "$seeds" ] && cp -R "$seeds/." "$work/$h/"
	if [ -n "$runs" ]; then
		args=(-runs="$runs")
		what="$runs executions"
	else
		args=(-max_total_time="$seconds")
		what="${seconds}s"
	fi
	args+=(-timeout=25 -max_len="$(max_len "$h")" -print_final_stats=1
		-artifact_prefix="$artifacts/")
	[ -f "$root/tests/fuzz/$h.dict" ] && args+=(-dict="$root/tests/fuzz/$h.dict")
	say "running $h for $what"
	if "$build/tests/fuzz/$h" "${args[@]}" "$work/$h" >"$work/$h.log" 2>&1; then
		grep -E '^(#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs|stat::number_of_executed_units)' \
			"$work/$h.log" >&2 || true
	else
		tail -n 60 "$work/$h.log" >&2
		say "$h FAILED (reproducer in $artifacts/)"
		failed+=("$h")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	say "failed: ${failed[*]}"
	exit 1
fi
say "all harnesses ran $what without a crash"
