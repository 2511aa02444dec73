#!/bin/sh
# bench-timeline.sh - the timeline renderer: a 100-episode chart beside
# matplotlib, and 1,000 single-episode PDFs beside a bare cairo+pango
# program drawing the same charts
#
# usage: bench-timeline.sh GEN-CASES ECPR-TIMELINE TIMELINE_REF.PY
#   TIMELINE-BARE
# environment: BENCH_DIR (work directory), PYTHON (/usr/bin/python3)
#
# 1. ecpr-timeline -o chart.pdf on 100 episodes beside timeline_ref.py
#    (matplotlib) on the same file: best of 3 wall-clock seconds
#    (target: >= 20x faster).
# 2. ecpr-timeline --each -o DIR/%s.pdf on 1,000 episodes, with -j 1
#    (one thread) and with its default -j (one thread per online CPU),
#    beside bench/timeline-bare (the same layouts drawn with plain cairo
#    and pango calls, one thread, one font map, context and layout for
#    the process, cairo_pdf_surface_create() on the final path), each
#    run into a new directory, runs interleaved: best of 3 CPU seconds
#    (user + system) and best of 3 wall-clock seconds of each.  Targets:
#    -j 1 within 1.3x the bare program by CPU time (serial beside
#    serial), and the default -j in at most 1.5 s of wall clock (the
#    time a user waits; its CPU time is printed beside it).  Prints the
#    PDF sizes and font subsets, and checks that the 1,000 PDFs of all
#    three are the same bytes (then the bare program drew the same
#    chart, and the threads drew -j 1's).
# Exit status 0 only when every check passes.

# Results are kept in variables named after each run (tl_cpu ...) set
# through eval (bench-lib.sh), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154

set -u

gen=$1 tool=$2 ref=$3 bare=$4
PYTHON=${PYTHON:-/usr/bin/python3}
dir=${BENCH_DIR:-bench/out}

prog=bench-timeline
verdict_width=52
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap tool bare

mkdir -p "$dir"
"$gen" -n 100 -s 4 -f wide --seed 7 -o "$dir/tl100.csv" || exit 1
"$gen" -n 1000 -s 4 -f wide --seed 7 -o "$dir/tl1000.csv" || exit 1

# ---- 1. the 100-episode chart beside matplotlib ----
now() { date +%s.%N; }
best_wall() { # best of 3 wall-clock seconds of a command
	b=
	for i in 1 2 3; do
		t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then
			b=$t
		fi
	done
	printf '%.3f' "$b"
}
c=$(best_wall "$tool" -o "$dir/tl100.pdf" "$dir/tl100.csv")
p=$(best_wall "$PYTHON" "$ref" "$dir/tl100.csv" "$dir/tl100-ref.pdf")
pages=$(pdfinfo "$dir/tl100.pdf" | sed -n 's/^Pages: *//p')
say "100-episode chart: ecpr-timeline ${c} s ($pages pages), matplotlib ${p} s"
r=$(echo "$p / $c" | bc -l)
verdict "100-episode chart >= 20x matplotlib" \
    "$(echo "$r >= 20" | bc -l)" "$(printf '%.1fx' "$r")"

# ---- 2. 1,000 single-episode PDFs beside the bare program ----
# Each run writes into a new directory and nothing is deleted until all
# have run: ext4 without a journal skips the inodes deleted in the last
# minutes on every create (recently_deleted), which made an rm -rf
# before each run a third of both programs' CPU time (the directories
# go at the end; a second bench within minutes still meets them).
pdfs=$dir/pdfs-$$
ncpu=$(getconf _NPROCESSORS_ONLN)
for r in tl tlj bare; do
	eval "${r}_best_cpu='' ${r}_best_wall=''"
done
# keep NAME's best CPU and wall-clock seconds so far (NAME_best_*)
keep_best() {
	for c in cpu wall; do
		eval "v=\$${1}_${c} b=\$${1}_best_${c}"
		if [ -z "$b" ] || [ "$(echo "$v < $b" | bc -l)" = 1 ]; then
			eval "${1}_best_${c}=\$v"
		fi
	done
}
for i in 1 2 3; do
	mkdir -p "$pdfs/each-$i" "$pdfs/jobs-$i" "$pdfs/bare-$i"
	run tl /dev/null "$tool" --each -j 1 -o "$pdfs/each-$i/%s.pdf" \
	    "$dir/tl1000.csv"
	run tlj /dev/null "$tool" --each -o "$pdfs/jobs-$i/%s.pdf" \
	    "$dir/tl1000.csv"
	run bare /dev/null "$bare" "$pdfs/bare-$i" "$dir/tl1000.csv"
	if [ "$tl_rc" != 0 ] || [ "$tlj_rc" != 0 ] || [ "$bare_rc" != 0 ]
	then
		verdict "1000 PDFs written" 0 \
		    "exit status $tl_rc, $tlj_rc, $bare_rc"
		rm -rf "$pdfs"
		exit 1
	fi
	keep_best tl
	keep_best tlj
	keep_best bare
done
n=$(find "$pdfs/each-1" -name '*.pdf' | wc -l)
nj=$(find "$pdfs/jobs-1" -name '*.pdf' | wc -l)
nb=$(find "$pdfs/bare-1" -name '*.pdf' | wc -l)
ndiff=0 njdiff=0
for f in "$pdfs"/each-1/*.pdf; do
	cmp -s "$f" "$pdfs/bare-1/${f##*/}" || ndiff=$((ndiff + 1))
	cmp -s "$f" "$pdfs/jobs-1/${f##*/}" || njdiff=$((njdiff + 1))
done
sz() { cat "$1"/*.pdf | wc -c; }
subsets() { pdffonts "$(find "$1" -name '*.pdf' | sort | head -n 1)" |
    tail -n +3 | wc -l; }
say "1000 single-episode PDFs (best of 3 of each; each run into a new directory; $ncpu online CPUs)"
say "                             CPU s   wall s"
say "  ecpr-timeline --each -j 1  $tl_best_cpu  $tl_best_wall  $n files, $(($(sz "$pdfs/each-1") / n)) bytes each, $(subsets "$pdfs/each-1") font subsets (first file)"
say "  ecpr-timeline --each       $tlj_best_cpu  $tlj_best_wall  (default -j: $ncpu threads) $nj files"
say "  timeline-bare              $bare_best_cpu  $bare_best_wall  $nb files, $(($(sz "$pdfs/bare-1") / nb)) bytes each, $(subsets "$pdfs/bare-1") font subsets (first file)"
verdict "1000 PDFs: the same bytes as the bare program's" \
    "$([ "$ndiff" = 0 ] && [ "$n" = 1000 ] && [ "$nb" = 1000 ] && echo 1)" \
    "$ndiff of $n differ"
verdict "1000 PDFs: the default -j gives -j 1's bytes" \
    "$([ "$njdiff" = 0 ] && [ "$nj" = 1000 ] && echo 1)" \
    "$njdiff of $n differ"
r=$(echo "$tl_best_cpu / $bare_best_cpu" | bc -l)
verdict "1000 PDFs -j 1 within 1.3x the bare (CPU)" \
    "$(echo "$r <= 1.3" | bc -l)" \
    "$(printf '%.2fx (%s s / %s s CPU)' "$r" "$tl_best_cpu" "$bare_best_cpu")"
verdict "1000 PDFs in at most 1.5 s (wall, default -j)" \
    "$(echo "$tlj_best_wall <= 1.5" | bc -l)" \
    "$tlj_best_wall s wall ($tlj_best_cpu s CPU; bare $bare_best_wall s wall)"
rm -rf "$pdfs"
exit "$fail"
