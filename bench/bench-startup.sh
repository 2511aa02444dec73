#!/bin/sh
# bench-startup.sh - ecpr-table on the seed paper's four cases: wall time,
# peak RSS and the shared objects it loads, beside /bin/true (issue 9)
#
# usage: bench-startup.sh STARTUP ECPR-TABLE CASES.CSV LIBDIRS
# environment: BENCH_RUNS (runs per command, 200)
#
# ECPR-TABLE is the real binary (not libtool's wrapper script), run with
# LD_LIBRARY_PATH=LIBDIRS (the wings' .libs directories of the build tree).
# Targets: ecpr-table CASES.CSV in at most 6 ms (median) and 8 MiB peak
# RSS, loading no libpq, cairo, pango or libxml2; ecpr-table --version
# loading none of them either.  Exit status 0 only when every check passes.

set -u
startup=$1
table=$2
cases=$3
LD_LIBRARY_PATH=$4
export LD_LIBRARY_PATH
runs=${BENCH_RUNS:-200}
heavy=libpq,libcairo,libpango,libxml2
fail=0

line() {	# LABEL WATCH COMMAND...
	label=$1 watch=$2
	shift 2
	if [ -n "$watch" ]; then
		out=$("$startup" -n "$runs" -w "$watch" -- "$@")
	else
		out=$("$startup" -n "$runs" -- "$@")
	fi
	st=$?
	printf '%-34s %s\n' "$label" "$out"
	[ "$st" -eq 2 ] && fail=1
	return "$st"
}
verdict() {	# NAME OK(0/1) DETAIL
	if [ "$2" = 1 ]; then
		printf '%-44s PASS  %s\n' "$1" "$3"
	else
		printf '%-44s FAIL  %s\n' "$1" "$3"
		fail=1
	fi
}

line "/bin/true" "" /bin/true
line "ecpr-table --version" "$heavy" "$table" --version
v=$?
line "ecpr-table 4 cases (csv)" "$heavy" "$table" "$cases"
f=$?
res=$(printf '%s\n' "$out" | sed -n 's/^median \([0-9.]*\) ms .*peak RSS \([0-9.]*\) MiB.*/\1 \2/p')
ms=${res% *}
mib=${res#* }
line "ecpr-table 4 cases (Table 2)" "$heavy" "$table" --layout paper \
    --format text "$cases"

verdict "ecpr-table 4 cases: at most 6 ms" \
    "$(awk -v m="$ms" 'BEGIN { print (m <= 6.0) }')" "median $ms ms"
verdict "ecpr-table 4 cases: at most 8 MiB" \
    "$(awk -v m="$mib" 'BEGIN { print (m <= 8.0) }')" "peak $mib MiB"
verdict "ecpr-table 4 cases loads no $heavy" \
    "$([ "$f" -eq 0 ] && echo 1 || echo 0)" ""
verdict "ecpr-table --version loads none of them" \
    "$([ "$v" -eq 0 ] && echo 1 || echo 0)" ""
exit "$fail"
