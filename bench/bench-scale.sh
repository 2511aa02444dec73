#!/bin/sh
# bench-scale.sh - time and peak memory of ecpr-table, ecpr-import and
# ecpr-odm at several sizes (issue 13 item 5)
#
# usage: bench-scale.sh GEN-CASES ECPR-TABLE ECPR-DB ECPR-IMPORT ECPR-ODM SQLDIR
# environment: BENCH_SIZES (episodes, "10000 100000 1000000"),
#   BENCH_TOOLS (which to run, "table import odm"), BENCH_TABLE_RUNS (the
#   ecpr-table runs, "csv text"; also "paper": -l paper -f csv, whose one
#   column per case is held in memory, see bench/README.md),
#   BENCH_SITES (12), BENCH_SEED (1), BENCH_DIR (work directory)
#
# For each size it generates the long form of that many episodes
# (gen-cases, seed 1) and measures, with /usr/bin/time, the CPU time
# (user + system), the wall-clock time and the peak RSS of:
#   - ecpr-table on the file (each run of BENCH_TABLE_RUNS);
#   - ecpr-import of the file into a fresh throwaway embedded registry
#     (as bench-import.sh does);
#   - ecpr-odm export --identified of the file, and ecpr-odm import of
#     the document it wrote.
# It prints one table: per tool and size the CPU seconds, the CPU time
# per episode (constant when time is linear) and the peak RSS (constant
# when memory is flat), then PASS/FAIL: ecpr-table's peak RSS under
# 32 MiB at every size (issue 13 item 1).  Exit status 0 only then.

# Results are kept in variables named after each run (set through eval in
# bench-lib.sh's run), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154

set -u
gen=$1 table=$2 ecprdb=$3 import=$4 odm=$5 sqldir=$6
sizes=${BENCH_SIZES:-10000 100000 1000000}
tools=${BENCH_TOOLS:-table import odm}
truns=${BENCH_TABLE_RUNS:-csv text}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-scale}
limit=32768 # KiB

prog=bench-scale
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap table ecprdb import odm

for p in "$gen" "$table" "$ecprdb" "$import" "$odm" /usr/bin/time; do
	if [ ! -x "$p" ]; then
		say "bench-scale: $p is missing" >&2
		exit 1
	fi
done
mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)
reg=$dir/reg
export ECPR_SQL_DIR="$sqldir" ECPR_DB_DIR="$reg"
unset PGHOST PGDATABASE PGUSER PGPORT PGSERVICE PGHOSTADDR
[ "$(id -u)" -eq 0 ] && chmod 711 "$dir"
stop_reg() {
	if [ -d "$reg/data" ]; then
		"$ecprdb" stop >/dev/null 2>&1
	fi
	rm -rf "$reg"
}
stop_reg
trap 'stop_reg' EXIT
trap 'stop_reg; exit 1' INT TERM

# one line of the table: TOOL SIZE NAME (the run's variables)
rows=$dir/rows
: >"$rows"
line() {
	eval "c=\$${3}_cpu w=\$${3}_wall r=\$${3}_rss rc=\$${3}_rc"
	awk -v t="$1" -v n="$2" -v c="$c" -v w="$w" -v r="$r" -v rc="$rc" \
	    'BEGIN { printf "%-26s|%9d %8.2f %8.2f %7.1f %7.1f %8.1f%s\n", t, n,
	    c, w, c / n * 1e6, w / n * 1e6, r / 1024,
	    rc != 0 ? "  (FAILED)" : "" }' >>"$rows"
}

table_ok=1
table_max=0
table_min=0
for n in $sizes; do
	long=$dir/long-$n.csv
	say "== $n episodes (long form, $sites sites, seed $seed)"
	if [ ! -s "$long" ]; then
		"$gen" -n "$n" -s "$sites" --seed "$seed" --form long \
		    -o "$long" || exit 1
	fi
	for tool in $tools; do
		case $tool in
		table)
			for t in $truns; do
				case $t in
				csv) set -- -f csv ;;
				text) set -- -f text ;;
				paper) set -- -l paper -f csv ;;
				*) say "bench-scale: unknown table run $t" >&2
				   exit 1 ;;
				esac
				run "t_$t" /dev/null "$table" "$@" -o \
				    "$dir/table-$t-$n.out" "$long"
				line "ecpr-table $*" "$n" "t_$t"
				eval "r=\$t_${t}_rss rc=\$t_${t}_rc"
				[ "$rc" = 0 ] && [ "$r" -lt "$limit" ] ||
				    table_ok=0
				[ "$r" -gt "$table_max" ] && table_max=$r
				{ [ "$table_min" = 0 ] ||
				    [ "$r" -lt "$table_min" ]; } &&
				    table_min=$r
			done
			;;
		import)
			stop_reg
			"$ecprdb" init >/dev/null || exit 1
			run imp /dev/null "$import" -q "$long"
			line "ecpr-import" "$n" imp
			stop_reg
			;;
		odm)
			run oexp /dev/null "$odm" export --identified \
			    -o "$dir/export-$n.xml" "$long"
			line "ecpr-odm export" "$n" oexp
			run oimp /dev/null "$odm" import \
			    -o "$dir/import-long-$n.csv" \
			    -a "$dir/import-attr-$n.csv" "$dir/export-$n.xml"
			line "ecpr-odm import" "$n" oimp
			rm -f "$dir/export-$n.xml" "$dir/import-long-$n.csv" \
			    "$dir/import-attr-$n.csv"
			;;
		*)
			say "bench-scale: unknown tool $tool" >&2
			exit 1
			;;
		esac
	done
done

say ""
say "CPU s is user + system of the tool (ecpr-import's work is mostly the"
say "server's: see wall), us/ep the time per episode (linear time: the same"
say "at every size), peak RSS from /usr/bin/time (flat memory: the same at"
say "every size)"
printf '%-26s %9s %8s %8s %7s %7s %8s\n' "run" "episodes" "CPU s" "wall s" \
    "us/ep" "us/ep" "RSS"
printf '%-26s %9s %8s %8s %7s %7s %8s\n' "" "" "" "" "(CPU)" "(wall)" "MiB"
# grouped by run, the sizes in the order given (a stable sort)
sort -s -t '|' -k1,1 "$rows" | tr '|' ' '
say ""
case " $tools " in
*" table "*)
	verdict "ecpr-table peak RSS < 32 MiB at every size" "$table_ok" \
	    "$(awk -v a="$table_min" -v b="$table_max" \
	    'BEGIN { printf "%.1f-%.1f MiB", a / 1024, b / 1024 }')"
	;;
esac
exit "$fail"
