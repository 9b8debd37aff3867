#!/usr/bin/env bash
# Checks that the generated API reference covers the library: runs Doxygen on the public headers
# (docs/Doxyfile.in, configured by CMake) into its own directory, XML only, then fails when
#   - a function the shared library exports (nm -D: defined text symbols pgv_*) has no entry with
#     a description in Doxygen's XML, or
#   - Doxygen warns that a function or a type (struct, enum) is not documented.
# Struct fields and macros documented in their type's comment rather than one of their own are
# not counted (Doxygen would warn about those; the headers describe them in prose).
# Exits 77 (CTest skip) when doxygen or xmllint is not installed.
#
#   scripts/check-docs.sh LIBPGVODBC_SO DOXYFILE OUTDIR
set -euo pipefail

lib=$1
doxyfile=$2
out=$3

for tool in doxygen xmllint nm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "check-docs: $tool is not installed (apt-get install doxygen libxml2-utils binutils): skipped"
		exit 77
	fi
done

rm -rf "$out"
mkdir -p "$out"
{
	cat "$doxyfile"
	echo "OUTPUT_DIRECTORY = $out"
	echo "WARN_LOGFILE = $out/warnings.log"
	echo "GENERATE_HTML = NO"
} | doxygen - >"$out/doxygen.log" 2>&1 || {
	cat "$out/doxygen.log"
	echo "check-docs: doxygen failed"
	exit 1
}

nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^pgv_/ { print $3 }' | sort -u >"$out/exported.txt"
if [ ! -s "$out/exported.txt" ]; then
	echo "check-docs: no pgv_ symbols exported by $lib"
	exit 1
fi

# A header without functions (pgvodbc.h) gives an empty XPath set, which xmllint reports as status 10.
for xml in "$out"/xml/*_8h.xml; do
	xmllint --xpath '//memberdef[@kind="function"][normalize-space(briefdescription) != "" or normalize-space(detaileddescription) != ""]/name/text()' \
		"$xml" 2>/dev/null || [ $? -eq 10 ]
	echo
done | sed '/^$/d' | sort -u >"$out/documented.txt"

status=0
missing=$(comm -23 "$out/exported.txt" "$out/documented.txt")
if [ -n "$missing" ]; then
	echo "check-docs: exported but without a documented entry in the reference:"
	printf '  %s\n' $missing
	status=1
fi
undocumented=$(grep -E 'warning: (Member .*\(function\)|Compound .*) .*is not documented' \
	"$out/warnings.log" || true)
if [ -n "$undocumented" ]; then
	echo "check-docs: Doxygen finds functions or types without a doc comment:"
	echo "$undocumented"
	status=1
fi
echo "check-docs: $(wc -l <"$out/exported.txt") exported functions," \
	"$(wc -l <"$out/documented.txt") documented in the reference"
exit $status
