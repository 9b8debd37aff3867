#!/usr/bin/env bash
# Runs every unit test program (CTest tests named unit.*: not the package or docs checks, which
# label themselves "unit" but run scripts) under valgrind memcheck;
# any error or leak fails the run.
#
#   scripts/valgrind.sh BUILD_DIR
#
# BUILD_DIR is a normal (not sanitizer) build with the tests.  The unit tests' long randomized
# sweeps are divided by PGVODBC_TEST_SCALE (default here 50): memcheck is about 50 times slower
# and looks for memory errors, which the sweeps' code paths show on few inputs; the normal and
# sanitizer builds run the full sweeps.
set -euo pipefail

build=$(cd "${1:?usage: valgrind.sh BUILD_DIR}" && pwd)
command -v valgrind >/dev/null || { echo "valgrind: not installed (scripts/setup.sh installs it)" >&2; exit 1; }

export PGVODBC_TEST_SCALE=${PGVODBC_TEST_SCALE:-50}
logs=$(mktemp -d "${TMPDIR:-/tmp}/pgvodbc-valgrind.XXXXXX")
trap 'rm -rf "$logs"' EXIT

# The unit test programs, as CTest knows them: name and command.
mapfile -t tests < <(cd "$build" && ctest -N -L unit -R '^unit\.' | sed -n 's/^ *Test *#[0-9]*: *//p')
[ ${#tests[@]} -gt 0 ] || { echo "valgrind: no unit tests in $build" >&2; exit 1; }

failed=()
for t in "${tests[@]}"; do
	# the parser's variants (tests/CMakeLists.txt): another build of a program, or the same
	# program with a reader turned off, each with the environment its CTest entry sets
	name=${t#unit.}
	env=()
	case $name in
	*.portable) exe=$build/tests/${name%.portable}_portable; env=(PGV_TEST_PARSE_PATH=portable) ;;
	*.no_avx2) exe=$build/tests/${name%.no_avx2}; env=(PGVODBC_NO_AVX2=1 PGV_TEST_PARSE_PATH=sse2) ;;
	*) exe=$build/tests/$name ;;
	esac
	[ -x "$exe" ] || { echo "valgrind: $exe not built" >&2; exit 1; }
	start=$(date +%s)
	if env "${env[@]}" valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --quiet \
		"$exe" >"$logs/$t.log" 2>&1; then
		printf 'valgrind: %-28s clean (%ds)\n' "$t" $(( $(date +%s) - start ))
	else
		tail -n 60 "$logs/$t.log"
		printf 'valgrind: %-28s FAILED\n' "$t"
		failed+=("$t")
	fi
done
[ ${#failed[@]} -eq 0 ] || { echo "valgrind: failed: ${failed[*]}" >&2; exit 1; }
echo "valgrind: ${#tests[@]} unit test programs, 0 errors, 0 leaks"
