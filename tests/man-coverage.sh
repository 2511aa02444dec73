#!/bin/sh
# man-coverage.sh - every function of the installed headers has a man page:
# its name is an .Nm of some man/*.3 page (issue 9: every public function
# with a man page).  Lists the missing ones and fails when there are any.
srcdir=${ECPR_SRCDIR:-.}
tmp=${TMPDIR:-/tmp}/man-coverage.$$
trap 'rm -f "$tmp".fn "$tmp".nm' EXIT
# declarations start in column 0: "type name(" or "type *name("
sed -n 's/^[a-z][a-z0-9_ ]*[ *]\(ecpr_[a-z0-9_]*\)(.*/\1/p' \
    "$srcdir"/lib/*/ecpr*.h | sort -u >"$tmp".fn
sed -n 's/^\.Nm \(ecpr_[a-z0-9_]*\).*/\1/p' "$srcdir"/man/*.3 |
    sort -u >"$tmp".nm
n=$(wc -l <"$tmp".fn)
if [ "$n" -lt 100 ]; then
	echo "man-coverage: only $n functions found in $srcdir/lib/*/ecpr*.h" >&2
	exit 99
fi
missing=$(comm -23 "$tmp".fn "$tmp".nm)
if [ -n "$missing" ]; then
	echo "man-coverage: public functions without a man page:" >&2
	echo "$missing" >&2
	exit 1
fi
echo "man-coverage: $n public functions, each with a man page"
