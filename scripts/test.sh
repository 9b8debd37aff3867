#!/usr/bin/env bash
# The whole test suite: set up, build with -Werror, run every CTest test (unit tests, then the
# integration tests on the embedded server under each psqlODBC driver variant and, where they
# apply, on SQLite with sqlite-vec: labels backend.postgresql and backend.sqlite), then the same
# unit tests again under valgrind memcheck (PGVODBC_SKIP_VALGRIND=1 skips them), then the whole
# suite again in a second build with AddressSanitizer and UndefinedBehaviorSanitizer, then the
# native PostgreSQL tests under ThreadSanitizer (PGVODBC_SKIP_TSAN=1 skips them), then a
# short libFuzzer run of each harness in tests/fuzz (PGVODBC_FUZZ_SECONDS each, default 10;
# PGVODBC_SKIP_FUZZ=1 skips it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc)

run_suite() {
	local build=$1
	shift
	"$root/scripts/setup.sh" "$build" -DPGVODBC_WERROR=ON "$@"
	(cd "$build" && ctest --output-on-failure --parallel "$jobs")
}

run_suite "$root/build"
if [ "${PGVODBC_SKIP_VALGRIND:-0}" != 1 ]; then
	echo "== unit tests under valgrind memcheck =="
	"$root/scripts/valgrind.sh" "$root/build"
fi
if [ "${PGVODBC_SKIP_SANITIZERS:-0}" != 1 ]; then
	echo "== again under AddressSanitizer + UndefinedBehaviorSanitizer =="
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
	export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	run_suite "$root/build-sanitize" -DPGVODBC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
fi
if [ "${PGVODBC_SKIP_TSAN:-0}" != 1 ]; then
	# The native tests (threads, each with its own session on a real PostgreSQL) under
	# ThreadSanitizer; any report fails the step (no suppressions).  Only their programs are
	# built (the target pgvodbc_native_tests), so nothing else costs time.  docs/testing.md.
	echo "== native PostgreSQL tests under ThreadSanitizer =="
	cmake -S "$root" -B "$root/build-tsan" -DPGVODBC_WERROR=ON -DPGVODBC_TSAN=ON \
		-DCMAKE_BUILD_TYPE=Debug -DPGVODBC_BUILD_EXAMPLES=OFF -DPGVODBC_BUILD_BENCH=OFF >/dev/null
	cmake --build "$root/build-tsan" --parallel "$jobs" --target pgvodbc_native_tests >&2
	(cd "$root/build-tsan" &&
		TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
			ctest -L native --output-on-failure --parallel "$jobs")
fi
if [ "${PGVODBC_SKIP_FUZZ:-0}" != 1 ]; then
	echo "== libFuzzer harnesses, ${PGVODBC_FUZZ_SECONDS:-10} s each =="
	"$root/scripts/fuzz.sh" "${PGVODBC_FUZZ_SECONDS:-10}"
fi
