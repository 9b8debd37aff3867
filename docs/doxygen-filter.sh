#!/bin/sh
# Doxygen INPUT_FILTER for include/: shows the headers' plain /* */ doc comments to Doxygen as
# doc blocks, so the headers keep the one comment style of docs/style.md.  Doxygen reads only
# /** */ (and /**< */ after a member) as documentation.  The rewrite keeps every line where it
# was (warnings point at the real header lines):
#   - the comment that opens the file               -> /** \file   (the header's description)
#   - a comment that starts a line                  -> /**         (documents what follows)
#   - a comment after code on the same line         -> /**<        (documents that member)
#   - a comment followed by several lines with no blank line between, one of them a declaration
#     (one comment for pgv_stmt_bind_vector, _int64, ...; or for PGV_FLOAT_TEXT_MAX and
#     pgv_float_format): the run becomes a member group, and DISTRIBUTE_GROUP_DOC gives each
#     member the comment
#   - in comments, backslashes (`\t`) are doubled, since Doxygen reads `\t` as a command.
exec awk '
# Prints the held comment-closing line and the run of lines after it, as a member group when
# the run has several lines and a declaration among them.
function flush(   i) {
	if (nrun >= 2 && decls >= 1) {
		pending = pending " /**@{*/"
		run[nrun] = run[nrun] " /**@}*/"
	}
	print pending
	for (i = 1; i <= nrun; i++)
		print run[i]
	nrun = 0
	grouping = 0
}
# Holds a top-level comment closing line until the run after it is known.
function hold(l) {
	pending = l
	grouping = 1
	decls = 0
	nrun = 0
}
{
	line = $0
	if (incomment) {
		gsub(/\\/, "\\\\\\\\", line)
		if (line ~ /\*\//) {
			incomment = 0
			if (toplevel) {
				hold(line)
				next
			}
		}
		print line
		next
	}
	if (grouping) {
		if (line ~ /^[[:space:]]*$/ || line ~ /^[[:space:]]*\/\*/) {
			flush()
		} else {
			if (line ~ /^PGV_API /)
				decls++
			run[++nrun] = line
			next
		}
	}
	if (line ~ /^[[:space:]]*\/\*([[:space:]]|$)/) {
		toplevel = (line ~ /^\/\*/)
		if (NR == 1)
			sub(/^\/\*/, "/** \\file", line)
		else
			sub(/\/\*/, "/**", line)
		if (line !~ /\*\//) {
			incomment = 1
		} else if (toplevel) {
			hold(line)
			next
		}
		print line
		next
	}
	if (line ~ /[^[:space:]\/][^\/]*\/\*[[:space:]]/)
		sub(/\/\*[[:space:]]/, "/**< ", line)
	print line
}
END {
	if (grouping)
		flush()
}' "$1"
