#!/bin/sh
# bench-import.sh - ecpr-import against psql \copy and a row-by-row INSERT
#
# usage: bench-import.sh GEN-CASES ECPR-DB ECPR-IMPORT ECPR-TABLE SQLDIR
# environment: BENCH_N (episodes, 100000), BENCH_SITES (12), BENCH_SEED (1),
#   BENCH_DIR (work directory), BENCH_SAMPLE (rows for the INSERT loop, 5000),
#   BENCH_ROUNDS (5)
#
# Generates BENCH_N episodes (long form, about 18 events each; the long
# form streams: ecpr_source holds a wide file's episodes until the long
# files are read, so a wide + long pair is not a streaming case),
# creates a throwaway embedded registry, and in the same run measures,
# BENCH_ROUNDS times back to back (the registry emptied before each):
#   1. ecpr-import of both files into the empty registry (validation,
#      episodes, events, commit): episodes/s, events/s, peak RSS
#      (/usr/bin/time -f %M);
#   2. psql -1 (one transaction, as the import) with a \copy of each
#      table the import wrote (its batch, sites, subjects, episodes and
#      events: the same rows, already normalized) into the same tables,
#      emptied with TRUNCATE as the import found them;
# and once 3. a row-by-row INSERT loop (one statement per row) on a sample.
# Each run is timed by the wall clock and by CPU time: the client's and
# its server backend's, user + system (pgcpu: the machine is shared and
# the wall clock moves with the load); the best of the rounds counts.
# Before each run a CHECKPOINT, and none falls inside one (pgquiet).
# Targets: ecpr-import events/s >= 0.8x the \copy rate by CPU time (the
# wall-clock ratio is printed beside it); peak RSS < 64 MiB.
# Also checks that the episode_intervals view equals ecpr-table's csv.
# Exit status 0 only when every check passes.
# shellcheck disable=SC2034,SC2154 # set through eval (bench-lib.sh)

set -u
gen=$1 ecprdb=$2 import=$3 table=$4 sqldir=$5
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-import}
sample=${BENCH_SAMPLE:-5000}
rounds=${BENCH_ROUNDS:-5}
prog=bench-import
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap ecprdb import table

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

# no autovacuum run or checkpoint in the middle of a measurement
pgquiet "$ci" || exit 1
empty() {
	$PSQL "$ci" -c "TRUNCATE site, subject, episode, event, observation,
	    complication, import_batch, audit_log, site_role" || exit 1
	pgsettle "$ci" || exit 1
}

# the tables the import writes, parents first
tables="import_batch site subject episode event"

# 1, 2: ecpr-import into the empty registry, then \copy of its rows
r=1
while [ "$r" -le "$rounds" ]; do
	empty
	pgrun imp "$reg/data" "$import" -q "$dir/long.csv" ||
	    { echo "bench-import: ecpr-import failed"; exit 1; }
	# every row the import wrote, to be copied back in one transaction
	: > "$dir/copy.sql"
	for t in $tables; do
		$PSQL "$ci" -c "\\copy (SELECT * FROM $t) TO '$dir/$t.copy'" ||
		    exit 1
		echo "\\copy $t FROM '$dir/$t.copy'" >> "$dir/copy.sql"
	done
	# emptied as the import found them: new empty files
	empty
	pgrun cpy "$reg/data" psql -X -q -1 -v ON_ERROR_STOP=1 -d "$ci" \
	    -f "$dir/copy.sql" || exit 1
	printf 'round %d: ecpr-import %.2f s wall, %.2f s CPU; \\copy %.2f s wall, %.2f s CPU (%.2fx)\n' \
	    "$r" "$imp_wall" "$imp_cpu" "$cpy_wall" "$cpy_cpu" \
	    "$(awk -v a="$imp_cpu" -v b="$cpy_cpu" 'BEGIN { print (a > 0 ? b / a : 0) }')"
	if [ "$r" = 1 ]; then
		ti=$imp_wall ci_=$imp_cpu tc=$cpy_wall cc=$cpy_cpu rss=$imp_rss
	else
		ti=$(least "$ti" "$imp_wall") ci_=$(least "$ci_" "$imp_cpu")
		tc=$(least "$tc" "$cpy_wall") cc=$(least "$cc" "$cpy_cpu")
		[ "$imp_rss" -gt "$rss" ] && rss=$imp_rss
	fi
	r=$((r + 1))
done
events=$($PSQL "$ci" -At -c "SELECT count(*) FROM event")
eps=$($PSQL "$ci" -At -c "SELECT count(*) FROM episode")
printf 'ecpr-import: %d episodes, %d events in %.2f s (%.2f s CPU): %s episodes/s, %s events/s (%s by CPU), peak RSS %d KiB\n' \
    "$eps" "$events" "$ti" "$ci_" "$(rate "$eps" "$ti")" "$(rate "$events" "$ti")" \
    "$(rate "$events" "$ci_")" "$rss"
printf 'psql \\copy:  the same %d episodes, %d events in %.2f s (%.2f s CPU): %s events/s (%s by CPU)\n' \
    "$eps" "$events" "$tc" "$cc" "$(rate "$events" "$tc")" "$(rate "$events" "$cc")"

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

ratio=$(awk -v a="$ci_" -v b="$cc" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
wratio=$(awk -v a="$ti" -v b="$tc" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.8) ? 1 : 0 }')
verdict "ecpr-import events/s >= 0.8x \\copy (CPU)" "$ok" \
    "${ratio}x (wall clock ${wratio}x; best of $rounds)"
ok=$(awk -v r="$rss" 'BEGIN { print (r < 65536) ? 1 : 0 }')
verdict "ecpr-import peak RSS < 64 MiB" "$ok" "$rss KiB"
exit $fail
