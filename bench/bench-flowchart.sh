#!/bin/sh
# bench-flowchart.sh - ecpr-flowchart (eligibility criteria) on 100,000
# episodes beside a Python reference of its counts
#
# usage: bench-flowchart.sh GEN-CASES ECPR-FLOWCHART FLOWCHART_REF.PY CRITDIR
# environment: BENCH_N (episodes, 100000), BENCH_SITES (12), BENCH_SEED (1),
#   BENCH_DIR (work directory), PYTHON (/usr/bin/python3)
#
# Generates BENCH_N episodes in the wide form and, for the same episodes,
# the attributes the criteria test (witnessed, bystander CPR, pupillary
# light reflex, cerebral haemorrhage: gen-cases --form attrs); runs
# ecpr-flowchart on both files with every criteria set of CRITDIR (the
# counts as text), each episode's path as csv for one set and the drawn
# flowchart (PDF) for one; and, in the same run, flowchart_ref.py (Python
# 3: table_ref.py's intervals and a criteria evaluator of its own) on the
# same files.  The counts must be the same for every set and every
# episode's path the same; prints CPU time and peak RSS.  Target: peak
# RSS under 32 MiB (memory bounded by the steps, not the episodes).  Exit
# status 0 only when every check passes.

# Results are kept in variables named after each run (f_cpu ...) set
# through eval (bench-lib.sh), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154

set -u

gen=$1
flowchart=$2
ref=$3
critdir=$4
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-flowchart}
py=${PYTHON:-/usr/bin/python3}

prog=bench-flowchart
verdict_width=52
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap flowchart

need "$gen" "$flowchart"
mkdir -p "$dir" || exit 1
wide=$dir/cases-wide.csv
attrs=$dir/cases-attrs.csv

say "== generating $n episodes across $sites sites (seed $seed)"
"$gen" -n "$n" -s "$sites" --form wide --seed "$seed" -o "$wide" || exit 1
"$gen" -n "$n" -s "$sites" --form attrs --seed "$seed" -o "$attrs" ||
    exit 1
say "   $wide: $(($(wc -c <"$wide") / 1048576)) MiB; $attrs:" \
    "$(($(wc -c <"$attrs") / 1048576)) MiB"

sets=
for c in "$critdir"/*.crit; do
	sets="$sets $(basename "$c" .crit)"
done
# shellcheck disable=SC2086 # the set names, split on purpose
set -- $sets
first=$1

say "== ecpr-flowchart -f text, every set; -f csv and -o .pdf with $first"
for s in $sets; do
	v=$(echo "$s" | tr -c 'a-z0-9\n' _)
	run "f_$v" "$dir/f-$s.out" "$flowchart" -c "$critdir/$s.crit" \
	    "$wide" "$attrs"
done
run fcsv "$dir/fcsv.out" "$flowchart" -f csv -c "$critdir/$first.crit" \
    "$wide" "$attrs"
rm -f "$dir/flow.pdf"
run fpdf "$dir/fpdf.out" "$flowchart" -c "$critdir/$first.crit" \
    -o "$dir/flow.pdf" "$wide" "$attrs"
say "== $py flowchart_ref.py, every set; --csv with $first"
for s in $sets; do
	v=$(echo "$s" | tr -c 'a-z0-9\n' _)
	run "p_$v" "$dir/p-$s.out" "$py" "$ref" "$critdir/$s.crit" \
	    "$wide" "$attrs"
done
run pcsv "$dir/pcsv.out" "$py" "$ref" --csv "$critdir/$first.crit" \
    "$wide" "$attrs"
# ecpr-flowchart writes the paths in the order it reads the episodes;
# the reference sorts by site, subject (bytes) and episode
"$py" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
body = sorted(rows[1:], key=lambda r: (r[0].encode(), r[1].encode(),
                                       int(r[2])))
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(rows[0])
w.writerows(body)' "$dir/fcsv.out" >"$dir/fcsv.sorted"

say ""
say "CPU time (user + system), wall-clock time and peak RSS; the machine"
say "may be shared, so the figures use CPU time"
printf '%-40s %8s %8s %10s\n' "run" "cpu s" "wall s" "peak RSS"
ok=1
maxrss=0
row() {	# VAR LABEL
	eval "c=\$${1}_cpu w=\$${1}_wall r=\$${1}_rss rc=\$${1}_rc"
	printf '%-40s %8s %8s %6s MiB\n' "$2" "$c" "$w" \
	    "$(awk -v k="$r" 'BEGIN { printf "%.1f", k / 1024 }')"
	[ "$rc" = 0 ] || ok=0
}
for s in $sets; do
	v=$(echo "$s" | tr -c 'a-z0-9\n' _)
	row "f_$v" "ecpr-flowchart $s"
	eval "r=\$f_${v}_rss"
	[ "$r" -gt "$maxrss" ] && maxrss=$r
done
row fcsv "ecpr-flowchart -f csv $first"
row fpdf "ecpr-flowchart -o flow.pdf $first"
for r in "$fcsv_rss" "$fpdf_rss"; do
	[ "$r" -gt "$maxrss" ] && maxrss=$r
done
for s in $sets; do
	v=$(echo "$s" | tr -c 'a-z0-9\n' _)
	row "p_$v" "flowchart_ref.py $s"
done
row pcsv "flowchart_ref.py --csv $first"
say ""

verdict "every run exits 0" $ok ""
for s in $sets; do
	same "counts = Python ($s)" "$dir/f-$s.out" "$dir/p-$s.out"
done
same "each episode's path = Python ($first)" "$dir/fcsv.sorted" \
    "$dir/pcsv.out"
pdfok=0
[ -s "$dir/flow.pdf" ] && [ "$(head -c 5 "$dir/flow.pdf")" = "%PDF-" ] &&
    pdfok=1
verdict "the flowchart drawn (PDF)" $pdfok \
    "$(wc -c <"$dir/flow.pdf" 2>/dev/null || echo 0) bytes"
verdict "memory: peak RSS < 32 MiB" \
    "$([ "$maxrss" -lt 32768 ] && echo 1 || echo 0)" \
    "$(awk -v k="$maxrss" 'BEGIN { printf "%.1f MiB", k / 1024 }') at most"
v=$(echo "$first" | tr -c 'a-z0-9\n' _)
eval "c=\$f_${v}_cpu p=\$p_${v}_cpu"
say "ecpr-flowchart ($first, counts) is" \
    "$(awk -v c="$c" -v p="$p" \
    'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')x flowchart_ref.py" \
    "by CPU time ($c s against $p s)"
exit $fail
