#!/bin/sh
# bench-summary.sh - ecpr-summary (the cohort table) on 100,000 episodes
# beside a Python statistics-module reference
#
# usage: bench-summary.sh GEN-CASES ECPR-SUMMARY ECPR-TABLE SUMMARY_REF.PY
# environment: BENCH_N (episodes, 100000), BENCH_SITES (12), BENCH_SEED (1),
#   BENCH_DIR (work directory), PYTHON (/usr/bin/python3), BENCH_RUNS (runs
#   of ecpr-summary and ecpr-table, 3: the best CPU time counts, as in the
#   other benches, the machine being shared)
#
# Generates BENCH_N episodes in the wide form (bench/gen-cases), runs
# ecpr-summary -f csv (the whole cohort, and --by site) and, in the same
# run, summary_ref.py (Python 3: table_ref.py's intervals, the statistics
# module's median and quantiles, method="inclusive") on the same file;
# checks that every median [IQR] and min, max row is the same; prints the
# times and peak RSS beside ecpr-table -f csv on the same file (the cost
# of reading alone).  Targets: ecpr-summary under 0.5 s CPU and under
# 32 MiB of peak RSS, the bound of the other benches.  Exit status 0
# only when every check passes.

# Results are kept in variables named after each run (s_cpu ...) set
# through eval (bench-lib.sh), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154

set -u

gen=$1
summary=$2
table=$3
ref=$4
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-summary}
py=${PYTHON:-/usr/bin/python3}
runs=${BENCH_RUNS:-3}

prog=bench-summary
verdict_width=52
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap summary table

need "$summary" "$table"
mkdir -p "$dir" || exit 1
wide=$dir/cases-wide.csv

say "== generating $n episodes across $sites sites (seed $seed)"
"$gen" -n "$n" -s "$sites" --form wide --seed "$seed" -o "$wide" || exit 1
say "   $wide: $n rows, $(($(wc -c <"$wide") / 1048576)) MiB"

say "== ecpr-summary -f csv, overall and --by site; ecpr-table -f csv" \
    "(best of $runs)"
step=run
r=1
while [ "$r" -le "$runs" ]; do
	$step s "$dir/s.out" "$summary" -f csv "$wide"
	$step sb "$dir/sb.out" "$summary" -f csv --by site "$wide"
	$step t "$dir/t.out" "$table" -f csv "$wide"
	step=again
	r=$((r + 1))
done
say "== $py summary_ref.py, overall and --by-site"
run py "$dir/py.out" "$py" "$ref" "$wide"
run pyb "$dir/pyb.out" "$py" "$ref" --by-site "$wide"

# the numeric rows of ecpr-summary's table (each median [IQR] row and
# the min, max row after it)
numeric() { awk '/median \[IQR\]/ { print; getline; print }' "$1"; }
numeric "$dir/s.out" >"$dir/s.num"
numeric "$dir/sb.out" >"$dir/sb.num"

say ""
say "CPU time (user + system), wall-clock time (the best of $runs runs of"
say "ecpr-summary and ecpr-table) and peak RSS; the machine"
say "may be shared, so the verdict uses CPU time"
printf '%-36s %8s %8s %10s\n' "run" "cpu s" "wall s" "peak RSS"
for k in "s ecpr-summary" "sb ecpr-summary+--by+site" \
    "t ecpr-table+(reading+alone)" "py summary_ref.py" \
    "pyb summary_ref.py+--by-site"; do
	# shellcheck disable=SC2086 # two words, split on purpose
	set -- $k
	eval "c=\$${1}_cpu w=\$${1}_wall r=\$${1}_rss"
	printf '%-36s %8s %8s %6s MiB\n' "$(echo "$2" | tr + ' ')" "$c" "$w" \
	    "$(awk -v k="$r" 'BEGIN { printf "%.1f", k / 1024 }')"
done
say ""

ok=1
for v in s sb t py pyb; do
	eval "rc=\$${v}_rc"
	[ "$rc" = 0 ] || ok=0
done
verdict "every run exits 0" $ok ""
got=$(sed -n 's/^n,\([0-9]*\).*/\1/p' "$dir/s.out")
verdict "every episode counted" "$([ "$got" = "$n" ] && echo 1)" \
    "n = $got of $n"
same "medians, IQRs, min, max = Python (overall)" "$dir/s.num" \
    "$dir/py.out"
same "medians, IQRs, min, max = Python (--by site)" "$dir/sb.num" \
    "$dir/pyb.out"
verdict "memory: ecpr-summary peak RSS < 32 MiB" \
    "$([ "$s_rss" -lt 32768 ] && [ "$sb_rss" -lt 32768 ] && echo 1 || echo 0)" \
    "$(awk -v a="$s_rss" -v b="$sb_rss" \
    'BEGIN { printf "%.1f MiB (%.1f MiB --by site)", a / 1024, b / 1024 }')"
verdict "time: ecpr-summary < 0.5 s CPU" \
    "$(awk -v c="$s_cpu" 'BEGIN { print (c < 0.5) ? 1 : 0 }')" \
    "$s_cpu s ($sb_cpu s --by site; ecpr-table reading the same file: $t_cpu s)"
ratio=$(awk -v c="$s_cpu" -v p="$py_cpu" \
    'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')
say "ecpr-summary is ${ratio}x summary_ref.py by CPU time"
exit $fail
