#!/bin/sh
# bench-import.sh - ecpr-import against psql \copy and a row-by-row INSERT
#
# usage: bench-import.sh GEN-CASES ECPR-DB ECPR-IMPORT ECPR-TABLE SQLDIR
# environment: BENCH_N (episodes, 100000), BENCH_SITES (12), BENCH_SEED (1),
#   BENCH_DIR (work directory), BENCH_SAMPLE (rows for the INSERT loop, 5000)
#
# Generates BENCH_N episodes (long form, about 18 events each; the long
# form streams: ecpr_source holds a wide file's episodes until the long
# files are read, so a wide + long pair is not a streaming case),
# creates a throwaway embedded registry, and in the same run measures:
#   1. ecpr-import of both files (validation, staging, merge, commit):
#      episodes/s, events/s, peak RSS (/usr/bin/time -f %M);
#   2. psql \copy of the same event rows, already normalized, into the
#      event table (after emptying it);
#   3. a row-by-row INSERT loop (one statement per row) on a sample.
# Targets: ecpr-import events/s >= 0.5x the \copy rate; peak RSS < 64 MiB.
# Also checks that the episode_intervals view equals ecpr-table's csv.
# Exit status 0 only when every check passes.

set -u
gen=$1 ecprdb=$2 import=$3 table=$4 sqldir=$5
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-import}
sample=${BENCH_SAMPLE:-5000}
fail=0

verdict() {	# NAME OK(0/1) DETAIL
	if [ "$2" = 1 ]; then
		printf '%-44s PASS  %s\n' "$1" "$3"
	else
		printf '%-44s FAIL  %s\n' "$1" "$3"
		fail=1
	fi
}
now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

for p in "$gen" "$ecprdb" "$import" "$table" /usr/bin/time; do
	if [ ! -x "$p" ]; then
		echo "bench-import: $p is missing" >&2
		exit 1
	fi
done
mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)
reg=$dir/reg
export ECPR_SQL_DIR="$sqldir" ECPR_DB_DIR="$reg"
unset PGHOST PGDATABASE PGUSER PGPORT PGSERVICE PGHOSTADDR
[ "$(id -u)" -eq 0 ] && chmod 711 "$dir"
if [ -d "$reg/data" ]; then
	"$ecprdb" stop >/dev/null 2>&1
	rm -rf "$reg"
fi
trap '"$ecprdb" stop >/dev/null 2>&1; rm -rf "$reg"' EXIT INT TERM

echo "bench-import: $n episodes, $sites sites (seed $seed)"
"$gen" -n "$n" -s "$sites" --seed "$seed" --form long -o "$dir/long.csv" ||
	exit 1
"$ecprdb" init >/dev/null || exit 1
ci=$("$ecprdb" url)
bindir=$(dirname "$(command -v psql)")
PSQL="psql -X -q -v ON_ERROR_STOP=1 -d"

# 1. ecpr-import
t0=$(now)
/usr/bin/time -f %M -o "$dir/import.rss" "$import" -q "$dir/long.csv" || { echo "bench-import: ecpr-import failed"; exit 1; }
t1=$(now)
ti=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
rss=$(cat "$dir/import.rss")
events=$($PSQL "$ci" -At -c "SELECT count(*) FROM event")
eps=$($PSQL "$ci" -At -c "SELECT count(*) FROM episode")
printf 'ecpr-import: %d episodes, %d events in %.2f s: %s episodes/s, %s events/s, peak RSS %d KiB\n' \
    "$eps" "$events" "$ti" "$(rate "$eps" "$ti")" "$(rate "$events" "$ti")" "$rss"

# the view agrees with ecpr-table (lib/interval.c) on every episode
$PSQL "$ci" -t --csv -c "SELECT site, subject, episode,
    coalesce(no_flow_min, ''), coalesce(conventional_cpr_min, ''),
    coalesce(mechanical_cc_min, ''), coalesce(cardiac_arrest_min, ''),
    coalesce(ecmo_setup_min, ''), coalesce(ca_to_flow_min, ''),
    coalesce(ecpr_days, ''), coalesce(icu_days, ''),
    coalesce(hospital_days, ''), coalesce(cpc_discharge, '')
    FROM episode_intervals ORDER BY site COLLATE \"C\",
    subject COLLATE \"C\", episode" > "$dir/view.csv"
"$table" "$dir/long.csv" | tail -n +2 > "$dir/table.csv"
if cmp -s "$dir/view.csv" "$dir/table.csv"; then ok=1; else ok=0; fi
verdict "episode_intervals view == ecpr-table csv" $ok "$eps episodes"

# 2. \copy of the same rows, normalized, into the event table
$PSQL "$ci" -c "\\copy (SELECT * FROM event) TO '$dir/event.copy'"
$PSQL "$ci" -c "DELETE FROM event" -c "VACUUM event"
t0=$(now)
$PSQL "$ci" -c "\\copy event FROM '$dir/event.copy'" || exit 1
t1=$(now)
tc=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
printf 'psql \\copy:  %d events in %.2f s: %s events/s\n' "$events" "$tc" \
    "$(rate "$events" "$tc")"

# 3. row-by-row INSERT of a sample (one statement, one round trip a row)
head -n "$sample" "$dir/event.copy" | awk -F'\t' -v q="'" '
    function lit(s) { if (s == "\\N") return "NULL"; gsub(q, q q, s);
	return q s q }
    { printf "INSERT INTO event_sample VALUES (%s", lit($1);
      for (i = 2; i <= NF; i++) printf ", %s", lit($i); print ");" }' \
    > "$dir/sample.sql"
$PSQL "$ci" -c "CREATE TABLE event_sample (LIKE event INCLUDING ALL)"
t0=$(now)
$PSQL "$ci" -f "$dir/sample.sql" || exit 1
t1=$(now)
ts=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
printf 'INSERT loop: %d events in %.2f s: %s events/s\n' "$sample" "$ts" \
    "$(rate "$sample" "$ts")"

ratio=$(awk -v i="$events" -v ti="$ti" -v tc="$tc" \
    'BEGIN { printf "%.2f", (i / ti) / (i / tc) }')
ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? 1 : 0 }')
verdict "ecpr-import events/s >= 0.5x \\copy" "$ok" "${ratio}x"
ok=$(awk -v r="$rss" 'BEGIN { print (r < 65536) ? 1 : 0 }')
verdict "ecpr-import peak RSS < 64 MiB" "$ok" "$rss KiB"
exit $fail
