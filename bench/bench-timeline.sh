#!/bin/sh
# bench-timeline.sh GEN-CASES ECPR-TIMELINE TIMELINE_REF.PY
# The 100-episode chart (ecpr-timeline vs matplotlib, same cases) and
# 1,000 single-episode PDFs (ecpr-timeline --each).  Targets: >= 20x
# faster than matplotlib; 1,000 PDFs in < 5 s.
set -eu
gen=$1 tool=$2 ref=$3
PYTHON=${PYTHON:-/usr/bin/python3}
dir=${BENCH_DIR:-bench/out}
mkdir -p "$dir"
"$gen" -n 100 -s 4 -f wide --seed 7 -o "$dir/tl100.csv"
"$gen" -n 1000 -s 4 -f wide --seed 7 -o "$dir/tl1000.csv"

now() { date +%s.%N; }
best() { # best of 3 wall-clock seconds of a command
	b=
	for i in 1 2 3; do
		t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}

c=$(best "$tool" -o "$dir/tl100.pdf" "$dir/tl100.csv")
p=$(best "$PYTHON" "$ref" "$dir/tl100.csv" "$dir/tl100-ref.pdf")
pages=$(pdfinfo "$dir/tl100.pdf" | sed -n 's/^Pages: *//p')
echo "100-episode chart: ecpr-timeline ${c} s ($pages pages), matplotlib ${p} s"
echo "ratio: $(echo "$p / $c" | bc -l | xargs printf '%.1f')x faster (target >= 20x)"

rm -rf "$dir/each"; mkdir -p "$dir/each"
t0=$(now)
"$tool" --each -o "$dir/each/%s.pdf" "$dir/tl1000.csv"
t1=$(now)
n=$(ls "$dir/each" | wc -l)
echo "1000 single-episode PDFs: $n files in $(echo "$t1 - $t0" | bc -l | xargs printf '%.2f') s (target < 5 s)"
