#!/bin/sh
# bench-obs.sh - observations and complications through ecpr-table and
# ecpr-import, beside the same episodes without them (the events bar)
#
# usage: bench-obs.sh GEN-CASES ECPR-TABLE OBS_REF.PY ECPR-DB ECPR-IMPORT
#   SQLDIR
# environment: BENCH_N (episodes, 100000), BENCH_SITES (12), BENCH_SEED (1),
#   BENCH_DIR (work directory), PYTHON (/usr/bin/python3)
#
# Generates BENCH_N episodes in the wide form and, for the same episodes,
# about 20 observations each (observation form) and 0-3 complications
# (complication form), then in the same run:
#   1. ecpr-table --format csv on the wide file alone (the events bar) and
#      on wide + observations + complications: episodes/s and peak RSS
#      (/usr/bin/time -f %M); the rate ratio with/without observations;
#   2. obs_ref.py (Python stdlib) on the same files: its csv must be
#      byte-identical to ecpr-table's (intervals, OBS_worst and OBS_flag of
#      every observation, complications_BY);
#   3. ecpr-import into a throwaway embedded registry, the wide file alone
#      and then (a fresh registry) with the observations and complications:
#      rows/s and peak RSS; observations/s is the observation rows over the
#      time they add; beside a psql \copy of the same observation rows into
#      the emptied observation table (and into a plain table of its
#      columns); and ecpr-table reading the registry back prints the same
#      csv as it does from the files.
# Targets, those of the events benches: ecpr-table peak RSS < 32 MiB with
# observations (bench-table), ecpr-import observations/s >= 0.5x \copy and
# peak RSS < 64 MiB (bench-import).  Rates use CPU time for ecpr-table
# (the machine is shared) and wall-clock time for the import (the server
# works too).  Exit status 0 only when every check passes.

# Results are kept in variables named after each run (cw_cpu, co_rss ...)
# set through eval (bench-lib.sh), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154

set -u
gen=$1 table=$2 ref=$3 ecprdb=$4 import=$5 sqldir=$6
n=${BENCH_N:-100000}
sites=${BENCH_SITES:-12}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-obs}
py=${PYTHON:-/usr/bin/python3}

prog=bench-obs
verdict_width=50
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
now() { date +%s.%N; }
lines() { echo $(($(wc -l <"$1") - 1)); }

for p in "$gen" "$table" "$ecprdb" "$import" /usr/bin/time; do
	if [ ! -x "$p" ]; then
		say "bench-obs: $p is missing" >&2
		exit 1
	fi
done
mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)

wide=$dir/wide.csv obs=$dir/obs.csv cx=$dir/complications.csv
say "== generating $n episodes across $sites sites (seed $seed)"
"$gen" -n "$n" -s "$sites" --seed "$seed" --form wide -o "$wide" || exit 1
"$gen" -n "$n" -s "$sites" --seed "$seed" --form obs -o "$obs" || exit 1
"$gen" -n "$n" -s "$sites" --seed "$seed" --form complications -o "$cx" ||
	exit 1
nobs=$(lines "$obs") ncx=$(lines "$cx")
say "   $wide: $n rows, $(($(wc -c <"$wide") / 1048576)) MiB"
say "   $obs: $nobs observations, $(($(wc -c <"$obs") / 1048576)) MiB"
say "   $cx: $ncx complications"

# ---- 1, 2: ecpr-table, and the Python reference -----------------------
say "== ecpr-table --format csv: wide alone, wide + observations + complications"
run cw "$dir/c-wide.out" "$table" --format csv "$wide"
run co "$dir/c-obs.out" "$table" --format csv "$wide" "$obs" "$cx"
say "== $py obs_ref.py on wide + observations + complications"
run py "$dir/py-obs.out" "$py" "$ref" "$wide" "$obs" "$cx"

say ""
say "episodes/s by CPU time (user + system): the machine may be shared"
printf '%-28s %-12s %11s %11s %9s %8s\n' "input" "tool" "ep/s (cpu)" \
    "obs/s (cpu)" "peak RSS" "cpu s"
printf '%-28s %-12s %11s %11s %5s MiB %8s\n' "wide (events bar)" \
    "ecpr-table" "$(rate "$n" "$cw_cpu")" "" "$(mib "$cw_rss")" "$cw_cpu"
printf '%-28s %-12s %11s %11s %5s MiB %8s\n' "wide + obs + complications" \
    "ecpr-table" "$(rate "$n" "$co_cpu")" "$(rate "$nobs" "$co_cpu")" \
    "$(mib "$co_rss")" "$co_cpu"
printf '%-28s %-12s %11s %11s %5s MiB %8s\n' "wide + obs + complications" \
    "obs_ref.py" "$(rate "$n" "$py_cpu")" "$(rate "$nobs" "$py_cpu")" \
    "$(mib "$py_rss")" "$py_cpu"
say ""
verdict "every run exits 0" \
    "$([ "$cw_rc$co_rc$py_rc" = 000 ] && echo 1)" ""
got=$(lines "$dir/c-obs.out")
verdict "every episode accepted (wide + obs + complications)" \
    "$([ "$got" = "$n" ] && echo 1)" "$got of $n rows"
same "identical output: ecpr-table and obs_ref.py" "$dir/c-obs.out" \
    "$dir/py-obs.out" "$wide $obs $cx"
verdict "memory: ecpr-table peak RSS < 32 MiB (with obs)" \
    "$(awk -v k="$co_rss" 'BEGIN { print (k < 32768) ? 1 : 0 }')" \
    "$(mib "$co_rss") MiB (events alone: $(mib "$cw_rss") MiB)"
say "$(printf '%-50s %s' "speed: episodes/s with obs / events alone" \
    "$(awk -v a="$cw_cpu" -v b="$co_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')x by CPU time (obs_ref.py: $(awk -v a="$co_cpu" -v b="$py_cpu" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }')x the time of ecpr-table)")"

# ---- 3: ecpr-import into a throwaway registry --------------------------
reg=$dir/reg
export ECPR_SQL_DIR="$sqldir" ECPR_DB_DIR="$reg"
unset PGHOST PGDATABASE PGUSER PGPORT PGSERVICE PGHOSTADDR
[ "$(id -u)" -eq 0 ] && chmod 711 "$dir"
fresh() {
	if [ -d "$reg/data" ]; then
		"$ecprdb" stop >/dev/null 2>&1
		rm -rf "$reg"
	fi
	"$ecprdb" init >/dev/null || exit 1
}
trap '"$ecprdb" stop >/dev/null 2>&1; rm -rf "$reg"' EXIT INT TERM
PSQL="psql -X -q -v ON_ERROR_STOP=1 -d"
say ""
say "== ecpr-import: wide alone, then wide + observations + complications"
fresh
t0=$(now)
/usr/bin/time -f %M -o "$dir/import-wide.rss" "$import" -q "$wide" ||
	{ say "bench-obs: ecpr-import failed"; exit 1; }
t1=$(now)
tw=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
ci=$("$ecprdb" url)
events=$($PSQL "$ci" -At -c "SELECT count(*) FROM event")
fresh
ci=$("$ecprdb" url)
t0=$(now)
/usr/bin/time -f %M -o "$dir/import-obs.rss" "$import" -q "$wide" "$obs" \
    "$cx" || { say "bench-obs: ecpr-import failed"; exit 1; }
t1=$(now)
to=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
rw=$(cat "$dir/import-wide.rss") ro=$(cat "$dir/import-obs.rss")
dbobs=$($PSQL "$ci" -At -c "SELECT count(*) FROM observation")
dbcx=$($PSQL "$ci" -At -c "SELECT count(*) FROM complication")
obsrate=$(awk -v n="$dbobs" -v a="$tw" -v b="$to" \
    'BEGIN { printf "%.0f", (b > a ? n / (b - a) : 0) }')
printf 'ecpr-import wide:           %d episodes, %d events in %.2f s: %s events/s, peak RSS %d KiB\n' \
    "$n" "$events" "$tw" "$(rate "$events" "$tw")" "$rw"
printf 'ecpr-import wide+obs+compl: + %d observations, %d complications in %.2f s: %s rows/s, peak RSS %d KiB\n' \
    "$dbobs" "$dbcx" "$to" "$(rate $((events + dbobs + dbcx)) "$to")" "$ro"
printf '   observations/s over the time they add (%.2f s): %s\n' \
    "$(awk -v a="$tw" -v b="$to" 'BEGIN { print b - a }')" "$obsrate"

# the registry gives back what the files say (censored values, scales)
run cdb "$dir/c-db.out" "$table" --format csv
same "ecpr-table --db == ecpr-table on the files" "$dir/c-obs.out" \
    "$dir/c-db.out"
verdict "every observation and complication stored" \
    "$([ "$dbobs" = "$nobs" ] && [ "$dbcx" = "$ncx" ] && echo 1)" \
    "$dbobs of $nobs, $dbcx of $ncx"

# \copy of the same observation rows, normalized, into the emptied
# observation table (as bench-import.sh does for events: the verdict), and
# into a plain table of its columns (no keys, checks, RLS or triggers)
$PSQL "$ci" -c "\\copy (SELECT * FROM observation) TO '$dir/obs.copy'"
$PSQL "$ci" -c "CREATE TABLE observation_plain (LIKE observation)"
t0=$(now)
$PSQL "$ci" -c "\\copy observation_plain FROM '$dir/obs.copy'" || exit 1
t1=$(now)
tp=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
$PSQL "$ci" -c "DELETE FROM observation" -c "VACUUM observation"
t0=$(now)
$PSQL "$ci" -c "\\copy observation FROM '$dir/obs.copy'" || exit 1
t1=$(now)
tc=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
printf 'psql \\copy:                 %d observations in %.2f s: %s rows/s (a plain table: %.2f s, %s rows/s)\n' \
    "$dbobs" "$tc" "$(rate "$dbobs" "$tc")" "$tp" "$(rate "$dbobs" "$tp")"
ratio=$(awk -v o="$obsrate" -v n="$dbobs" -v tc="$tc" \
    'BEGIN { printf "%.2f", (tc > 0 && n > 0 ? o / (n / tc) : 0) }')
verdict "ecpr-import observations/s >= 0.5x \\copy" \
    "$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? 1 : 0 }')" "${ratio}x"
verdict "ecpr-import peak RSS < 64 MiB (with obs)" \
    "$(awk -v r="$ro" 'BEGIN { print (r < 65536) ? 1 : 0 }')" \
    "$ro KiB (events alone: $rw KiB)"
exit "$fail"
