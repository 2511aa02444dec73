#!/bin/sh
# bench-table.sh - ecpr-table --format csv against the Python reference
#
# usage: bench-table.sh GEN-CASES ECPR-TABLE TABLE_REF.PY TABLE_PANDAS.PY
# environment: BENCH_N (episodes, 100000), BENCH_SITES (12), BENCH_SEED (1),
#   BENCH_RUNS (5), BENCH_DIR (work directory), PYTHON (/usr/bin/python3)
#
# Generates BENCH_N episodes in the long form and the same episodes in the
# wide form, runs ecpr-table and table_ref.py on the same files in the same
# run, checks that their outputs are byte-identical, runs table_pandas.py
# on the long file and compares its values with ecpr-table's where it
# defines them, and prints episodes/s for all three, the ratios (targets:
# >= 30x table_ref.py, >= 20x pandas) and ecpr-table's peak RSS on the long
# file (target < 32 MiB).  On the long file the three run BENCH_RUNS times,
# interleaved, and the best time of each counts (the machine may be
# shared: a single run of a program of 0.4 s moves by 10 % with the
# load).  Exit status 0 only when every check passes.

# Results are kept in variables named after each run (c_cpu, py_wall ...)
# set through eval (bench-lib.sh), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154

set -u

gen=$1
table=$2
ref=$3
pandas=$4
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
runs=${BENCH_RUNS:-5}
dir=${BENCH_DIR:-bench/out}
py=${PYTHON:-/usr/bin/python3}
fail=0

prog=bench-table
verdict_width=46
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap table

need "$table"
mkdir -p "$dir" || exit 1
long=$dir/cases-long.csv
wide=$dir/cases-wide.csv

# hand-checked edge cases first (bench/README.md gives the arithmetic)
edge=$(dirname "$ref")/edge-cases
"$table" --format csv "$edge.csv" >"$dir/c-edge.out" 2>&1
"$py" "$ref" "$edge.csv" >"$dir/py-edge.out" 2>&1
same "hand-checked edge cases: ecpr-table" "$edge.expected" "$dir/c-edge.out" \
    "$edge.csv"
same "hand-checked edge cases: table_ref.py" "$edge.expected" \
    "$dir/py-edge.out" "$edge.csv"

say "== generating $n episodes across $sites sites (seed $seed)"
"$gen" -n "$n" -s "$sites" --form long --seed "$seed" -o "$long" || exit 1
"$gen" -n "$n" -s "$sites" --form wide --seed "$seed" -o "$wide" || exit 1
rows=$(($(wc -l <"$long") - 1))
say "   $long: $rows rows, $(($(wc -c <"$long") / 1048576)) MiB"
say "   $wide: $n rows"

say "== long form: ecpr-table --format csv vs $py table_ref.py (best of $runs)"
run c "$dir/c-long.out" "$table" --format csv "$long"
run py "$dir/py-long.out" "$py" "$ref" "$long"
run pd "$dir/pd-long.out" "$py" "$pandas" "$long"
r=1
while [ "$r" -lt "$runs" ]; do
	again c "$dir/c-long.out" "$table" --format csv "$long"
	again py "$dir/py-long.out" "$py" "$ref" "$long"
	again pd "$dir/pd-long.out" "$py" "$pandas" "$long"
	r=$((r + 1))
done

say "== wide form and wide + long merged (cross-check)"
run cw "$dir/c-wide.out" "$table" --format csv "$wide"
run pyw "$dir/py-wide.out" "$py" "$ref" "$wide"
run cm "$dir/c-merged.out" "$table" --format csv "$wide" "$long"
run pym "$dir/py-merged.out" "$py" "$ref" "$wide" "$long"

rate() { awk -v n="$n" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
say ""
say "episodes/s by CPU time (user + system) and by wall-clock time, on the"
say "long form the best of $runs runs; the machine may be shared, so the"
say "verdict uses CPU time"
printf '%-10s %-15s %11s %11s %9s %8s %8s\n' "input" "tool" "ep/s (cpu)" \
    "ep/s (wall)" "peak RSS" "cpu s" "wall s"
for k in "long c ecpr-table" "long py table_ref.py" \
    "long pd table_pandas.py" \
    "wide cw ecpr-table" "wide pyw table_ref.py" \
    "wide+long cm ecpr-table" "wide+long pym table_ref.py"; do
	# shellcheck disable=SC2086 # three words, split on purpose
	set -- $k
	eval "c=\$${2}_cpu w=\$${2}_wall r=\$${2}_rss"
	printf '%-10s %-15s %11s %11s %5s MiB %8s %8s\n' "$1" "$3" \
	    "$(rate "$c")" "$(rate "$w")" \
	    "$(awk -v k="$r" 'BEGIN { printf "%.1f", k / 1024 }')" "$c" "$w"
done
say ""

ok=1
for v in c py pd cw pyw cm pym; do
	eval "rc=\$${v}_rc"
	[ "$rc" = 0 ] || ok=0
done
verdict "every run exits 0" $ok ""
got=$(($(wc -l <"$dir/c-long.out") - 1))
verdict "every episode accepted (long)" "$([ "$got" = "$n" ] && echo 1)" \
    "$got of $n rows"
same "identical output, long form" "$dir/c-long.out" "$dir/py-long.out" \
    "$long"
same "identical output, wide form" "$dir/c-wide.out" "$dir/py-wide.out" \
    "$wide"
same "identical output, wide + long merged" "$dir/c-merged.out" \
    "$dir/py-merged.out" "$wide $long"
ratio=$(awk -v c="$c_cpu" -v p="$py_cpu" \
    'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')
wratio=$(awk -v c="$c_wall" -v p="$py_wall" \
    'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')
pd_same=0
"$py" "$pandas" --compare "$dir/pd-long.out" "$dir/c-long.out" \
    >"$dir/pd-compare.out" 2>&1 && pd_same=1
verdict "pandas = ecpr-table where pandas has a value" "$pd_same" \
    "$(sed -n 's/^compared \([0-9]*\) values.*; \([0-9]*\) differ$/\1 values, \2 differ/p' "$dir/pd-compare.out")"
say "   $(tail -n 1 "$dir/pd-compare.out")"
verdict "speed: ecpr-table >= 30x table_ref.py (long)" \
    "$(awk -v r="$ratio" 'BEGIN { print (r >= 30) ? 1 : 0 }')" \
    "${ratio}x by CPU time (${wratio}x by wall clock)"
pratio=$(awk -v c="$c_cpu" -v p="$pd_cpu" \
    'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')
pwratio=$(awk -v c="$c_wall" -v p="$pd_wall" \
    'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')
verdict "speed: ecpr-table >= 20x pandas (long)" \
    "$(awk -v r="$pratio" 'BEGIN { print (r >= 20) ? 1 : 0 }')" \
    "${pratio}x by CPU time (${pwratio}x by wall clock)"
mib=$(awk -v k="$c_rss" 'BEGIN { printf "%.1f", k / 1024 }')
verdict "memory: ecpr-table peak RSS < 32 MiB (long)" \
    "$(awk -v k="$c_rss" 'BEGIN { print (k < 32768) ? 1 : 0 }')" \
    "$mib MiB"
exit $fail
