#!/bin/sh
# bench-odm.sh GEN-CASES ECPR-ODM ODM-BARE
#
# Export and import BENCH_N (100,000) generated episodes with ecpr-odm and
# compare with a bare xmlTextWriter loop writing as many elements
# (odm-bare) and with `xmllint --stream` reading the exported file.
# Prints MB/s, episodes/s and peak RSS (/usr/bin/time -f %M); targets:
# export >= 0.5x the bare writer, import >= 0.5x xmllint --stream, peak
# RSS < 64 MiB.  Rates use CPU time (user + system): the machine is shared.
set -u

gen=$1
odm=$2
bare=$3
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out}
fail=0

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

# run NAME OUT CMD...: sets NAME_cpu (s) and NAME_rss (KiB)
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
	eval "${name}_cpu=\$cpu ${name}_rss=\$4"
}

rate() {	# BYTES CPU -> "MB/s episodes/s"
	awk -v b="$1" -v c="$2" -v n="$n" \
	    'BEGIN { printf "%8.1f MB/s %9.0f episodes/s", b / c / 1e6, n / c }'
}

verdict() {	# NAME OK DETAIL
	if [ "$2" = 1 ]; then
		printf '%-40s PASS  %s\n' "$1" "$3"
	else
		printf '%-40s FAIL  %s\n' "$1" "$3"
		fail=1
	fi
}

"$gen" -n "$n" -s "$sites" --seed "$seed" --form long \
    -o "$dir/odm-cases-long.csv" || exit 1

# The long file alone: merging it with the wide file makes ecpr_source
# hold every episode until both are read (about 475 MiB at 100,000).
run export /dev/null "$odm" export --identified -o "$dir/export.xml" \
    "$dir/odm-cases-long.csv"
xbytes=$(wc -c <"$dir/export.xml")
items=$(grep -c '<ItemData' "$dir/export.xml")
k=$(( (items + n - 1) / n ))
run bare "$dir/bare.xml" "$bare" "$n" "$k"
bbytes=$(wc -c <"$dir/bare.xml")
run import /dev/null "$odm" import -o "$dir/import-long.csv" \
    -a "$dir/import-attr.csv" "$dir/export.xml"
run xmllint /dev/null xmllint --stream --noout "$dir/export.xml"

echo "bench-odm: $n episodes, $items ItemData ($k per episode in the bare loop)"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "ecpr-odm export" \
    "$(rate "$xbytes" "$export_cpu")" "$export_cpu" "$export_rss"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "bare xmlTextWriter" \
    "$(rate "$bbytes" "$bare_cpu")" "$bare_cpu" "$bare_rss"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "ecpr-odm import" \
    "$(rate "$xbytes" "$import_cpu")" "$import_cpu" "$import_rss"
printf '%-26s %s  %6.2f s CPU  %6d KiB\n' "xmllint --stream" \
    "$(rate "$xbytes" "$xmllint_cpu")" "$xmllint_cpu" "$xmllint_rss"

# export MB/s against the bare writer's MB/s
r=$(awk -v a="$xbytes" -v ac="$export_cpu" -v b="$bbytes" -v bc="$bare_cpu" \
    'BEGIN { printf "%.2f", (a / ac) / (b / bc) }')
verdict "export >= 0.5x bare writer (MB/s)" \
    "$(awk -v r="$r" 'BEGIN { print (r >= 0.5) }')" "${r}x"
r=$(awk -v a="$import_cpu" -v b="$xmllint_cpu" 'BEGIN { printf "%.2f", b / a }')
verdict "import >= 0.5x xmllint --stream" \
    "$(awk -v r="$r" 'BEGIN { print (r >= 0.5) }')" "${r}x"
verdict "export peak RSS < 64 MiB" "$((export_rss < 65536))" \
    "$export_rss KiB"
verdict "import peak RSS < 64 MiB" "$((import_rss < 65536))" \
    "$import_rss KiB"
exit $fail
