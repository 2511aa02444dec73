#!/bin/sh
# bench-odm.sh GEN-CASES ECPR-ODM ODM-BARE
#
# Export and import BENCH_N (100,000) generated episodes with ecpr-odm and
# compare with a bare xmlTextWriter loop writing as many elements
# (odm-bare) and with `xmllint --stream` reading the exported file, each
# run BENCH_RUNS (5) times interleaved, the best CPU time (user + system:
# the machine is shared) kept.  Prints MB/s, episodes/s and peak RSS
# (/usr/bin/time -f %M), and checks that the rows the import reads back
# export to the same document, byte for byte (SOURCE_DATE_EPOCH fixes
# CreationDateTime).  Then the peak RSS of export and import at
# BENCH_MEM_N (1,000,000; 0: not run) episodes.
# Targets (issue 13 item 2): export >= 0.8x the bare writer's MB/s,
# import >= 0.8x xmllint --stream's, peak RSS < 32 MiB for both at
# BENCH_N and at BENCH_MEM_N.
set -u

gen=$1
odm=$2
bare=$3
n=${BENCH_N:-100000}
memn=${BENCH_MEM_N:-1000000}
runs=${BENCH_RUNS:-5}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out}
fail=0
prog=bench-odm
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap odm

for p in "$gen" "$odm" "$bare"; do
	if [ ! -x "$p" ]; then
		echo "bench-odm: $p is not built" >&2
		exit 1
	fi
done
if [ ! -x /usr/bin/time ] || ! command -v xmllint >/dev/null; then
	echo "bench-odm: /usr/bin/time and xmllint are needed" >&2
	exit 1
fi
mkdir -p "$dir" || exit 1

# run NAME OUT CMD...: NAME_cpu (s, the best of the runs so far) and
# NAME_rss (KiB, the largest)
run() {
	name=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$dir/$name.time" "$@" >"$out" \
	    2>"$dir/$name.err"
	rc=$?
	set -- $(tail -n 1 "$dir/$name.time")
	cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { c = u + s; if (c < 0.01) c = 0.01; printf "%.2f", c }')
	if [ "$rc" != 0 ]; then
		echo "bench-odm: $name exited with status $rc:" >&2
		head -n 5 "$dir/$name.err" >&2
		fail=1
	fi
	eval "old_cpu=\${${name}_cpu:-} old_rss=\${${name}_rss:-0}"
	if [ -z "$old_cpu" ] || awk -v a="$cpu" -v b="$old_cpu" \
	    'BEGIN { exit !(a < b) }'; then
		eval "${name}_cpu=\$cpu"
	fi
	if [ "$4" -gt "$old_rss" ]; then
		eval "${name}_rss=\$4"
	fi
}

rate() {	# BYTES CPU -> "MB/s episodes/s"
	awk -v b="$1" -v c="$2" -v n="$n" \
	    'BEGIN { printf "%8.1f MB/s %9.0f episodes/s", b / c / 1e6, n / c }'
}

verdict() {	# NAME OK DETAIL
	if [ "$2" = 1 ]; then
		printf '%-44s PASS  %s\n' "$1" "$3"
	else
		printf '%-44s FAIL  %s\n' "$1" "$3"
		fail=1
	fi
}

"$gen" -n "$n" -s "$sites" --seed "$seed" --form long \
    -o "$dir/odm-cases-long.csv" || exit 1

# The long file alone: merging it with the wide file makes ecpr_source
# hold every episode until both are read (about 475 MiB at 100,000).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
i=0
while [ "$i" -lt "$runs" ]; do
	run export /dev/null "$odm" export --identified -o "$dir/export.xml" \
	    "$dir/odm-cases-long.csv"
	if [ "$i" = 0 ]; then
		xbytes=$(wc -c <"$dir/export.xml")
		items=$(grep -c '<ItemData' "$dir/export.xml")
		k=$(( (items + n - 1) / n ))
	fi
	run bare "$dir/bare.xml" "$bare" "$n" "$k"
	run import /dev/null "$odm" import -o "$dir/import-long.csv" \
	    -a "$dir/import-attr.csv" "$dir/export.xml"
	run xmllint /dev/null xmllint --stream --noout "$dir/export.xml"
	i=$((i + 1))
done
bbytes=$(wc -c <"$dir/bare.xml")

echo "bench-odm: $n episodes, $items ItemData ($k per episode in the bare loop), best CPU of $runs runs"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "ecpr-odm export" \
    "$(rate "$xbytes" "$export_cpu")" "$export_cpu" "$export_rss"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "bare xmlTextWriter" \
    "$(rate "$bbytes" "$bare_cpu")" "$bare_cpu" "$bare_rss"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "ecpr-odm import" \
    "$(rate "$xbytes" "$import_cpu")" "$import_cpu" "$import_rss"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "xmllint --stream" \
    "$(rate "$xbytes" "$xmllint_cpu")" "$xmllint_cpu" "$xmllint_rss"

# the round trip: the rows read back export to the same document
run export2 /dev/null "$odm" export --identified -o "$dir/export2.xml" \
    "$dir/import-long.csv"
if cmp -s "$dir/export.xml" "$dir/export2.xml"; then
	verdict "round trip: export, import, export: same bytes" 1 \
	    "$xbytes bytes"
else
	verdict "round trip: export, import, export: same bytes" 0 \
	    "$dir/export.xml and $dir/export2.xml differ"
fi
rm -f "$dir/export2.xml"

# export MB/s against the bare writer's MB/s
r=$(awk -v a="$xbytes" -v ac="$export_cpu" -v b="$bbytes" -v bc="$bare_cpu" \
    'BEGIN { printf "%.2f", (a / ac) / (b / bc) }')
verdict "export >= 0.8x bare writer (MB/s)" \
    "$(awk -v r="$r" 'BEGIN { print (r >= 0.8) }')" "${r}x"
r=$(awk -v a="$import_cpu" -v b="$xmllint_cpu" 'BEGIN { printf "%.2f", b / a }')
verdict "import >= 0.8x xmllint --stream" \
    "$(awk -v r="$r" 'BEGIN { print (r >= 0.8) }')" "${r}x"
verdict "export peak RSS < 32 MiB" "$((export_rss < 32768))" \
    "$export_rss KiB"
verdict "import peak RSS < 32 MiB" "$((import_rss < 32768))" \
    "$import_rss KiB"

# peak RSS at BENCH_MEM_N episodes: one run each
if [ "$memn" -gt 0 ]; then
	"$gen" -n "$memn" -s "$sites" --seed "$seed" --form long \
	    -o "$dir/odm-mem-long.csv" || exit 1
	run mexport /dev/null "$odm" export --identified \
	    -o "$dir/odm-mem.xml" "$dir/odm-mem-long.csv"
	run mimport /dev/null "$odm" import -o "$dir/odm-mem-import.csv" \
	    "$dir/odm-mem.xml"
	echo "bench-odm: $memn episodes: export $mexport_cpu s CPU," \
	    "$(wc -c <"$dir/odm-mem.xml") bytes; import $mimport_cpu s CPU"
	verdict "export peak RSS < 32 MiB at $memn" \
	    "$((mexport_rss < 32768))" "$mexport_rss KiB"
	verdict "import peak RSS < 32 MiB at $memn" \
	    "$((mimport_rss < 32768))" "$mimport_rss KiB"
	rm -f "$dir/odm-mem-long.csv" "$dir/odm-mem.xml" \
	    "$dir/odm-mem-import.csv"
fi
exit $fail
