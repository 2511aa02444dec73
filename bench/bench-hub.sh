#!/bin/sh
# bench-hub.sh - a site's registry replicated to a hub with PostgreSQL's
# logical replication, beside a plain pg_dump | psql copy of the same
# tables (issue 12 item 7)
#
# usage: bench-hub.sh GEN-CASES ECPR-DB ECPR-IMPORT ECPR-TABLE SQLDIR
# environment: BENCH_N (episodes, 100000), BENCH_SEED (1), BENCH_DIR (work
#   directory), BENCH_LAG (episodes a lag round updates, "1 100 1000
#   10000"), BENCH_REPEAT (runs of the copies, best kept, 3),
#   BENCH_TIMEOUT (seconds to wait for a hub, 1800)
#
# Three throwaway embedded registries (ecpr-db init) on this machine: a
# site, a hub and an empty copy.  With ecpr-db publish and subscribe
# (loopback TCP, scram) when the tool has them, else (or with
# BENCH_RAW=1) with CREATE PUBLICATION / CREATE SUBSCRIPTION over the
# site's Unix socket, of the tables ecpr-db publish replicates.
#   1. streaming: the hub subscribes to the empty site, the site imports
#      BENCH_N episodes (gen-cases, long form, one site) with ecpr-import;
#      the time from the site's commit until the hub holds the import
#      (the apply is one transaction: a row of it seen is all of it) gives
#      the replication's episodes/s and rows/s;
#   2. the anchor: pg_dump --data-only of the same tables piped into psql
#      on the empty copy, plainly and with --disable-triggers (no foreign
#      key checks, as an apply worker makes none);
#   3. initial sync: the copy emptied again subscribes (copy_data) and is
#      timed until every table is ready and every row there;
#   4. lag: a site re-imports N of its episodes (a note changed: one
#      audited change each) and the time from its commit
#      (track_commit_timestamp) until the change is visible at the hub is
#      measured by a poller inside the hub (every 5 ms);
#   5. the hub's ecpr-table equals the site's, byte for byte.
# Times are wall clock: the work is in the servers' processes (walsender,
# apply workers, COPY backends) that /usr/bin/time does not see.  Exit
# status 0 only when every check passes (there is no speed target).
# Reading the results: see bench/README.md.
# shellcheck disable=SC2154,SC2034 # set and read through bench-lib.sh

set -u
gen=$1 ecprdb=$2 import=$3 table=$4 sqldir=$5
n=${BENCH_N:-100000}
seed=${BENCH_SEED:-1}
dir=${BENCH_DIR:-bench/out-hub}
lags=${BENCH_LAG:-1 100 1000 10000}
repeat=${BENCH_REPEAT:-3}
timeout=${BENCH_TIMEOUT:-1800}
prog=bench-hub
verdict_width=52 # read by verdict (bench-lib.sh)
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
unwrap ecprdb import table

# the tables ecpr-db publish replicates (counted), and what they refer to
TABLES="subject episode event observation complication audit_log"
ALL="site import_batch $TABLES" # the few rows the keys need

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }

# CPU seconds (user + system) of server processes, from /proc: of one
# process, or of a whole cluster (the postmaster, the children it has
# reaped, and those alive): the walsenders, apply and table sync workers
# and COPY backends that /usr/bin/time cannot see
hz=$(getconf CLK_TCK)
ticks() {	# PID [reaped]: ticks of PID, with its reaped children
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null |
	    awk -v c="${2:-}" '{ print $12 + $13 + (c != "" ? $14 + $15 : 0) }'
}
pid_cpu() {	# PID
	ticks "$1" | awk -v hz="$hz" '{ printf "%.2f", $1 / hz }'
}
cluster_cpu() {	# NAME (after a moment: the postmaster reaps the backends
	# that have just exited)
	sleep 0.5
	pm=$(head -n 1 "$dir/$1/data/postmaster.pid")
	{
		ticks "$pm" reaped
		for c in $(ps -o pid= --ppid "$pm"); do
			ticks "$c"
		done
	} | awk -v hz="$hz" '{ t += $1 } END { printf "%.2f", t / hz }'
}

for p in "$gen" "$ecprdb" "$import" "$table" /usr/bin/time; do
	if [ ! -x "$p" ]; then
		say "$prog: $p is missing" >&2
		exit 1
	fi
done
command -v pg_dump >/dev/null || { say "$prog: pg_dump is missing" >&2; exit 1; }
mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)
export ECPR_SQL_DIR="$sqldir"
unset PGHOST PGDATABASE PGUSER PGPORT PGSERVICE PGHOSTADDR ECPR_DB_DIR
[ "$(id -u)" -eq 0 ] && chmod 711 "$dir"

# the registries: ecpr-db on $dir/NAME
reg() {	# NAME ecpr-db-ARGS...
	r=$1
	shift
	ECPR_DB_DIR=$dir/$r "$ecprdb" "$@"
}
cleanup() {
	for r in hub copy site; do
		[ -d "$dir/$r/data" ] || continue
		# subscriptions first, so the site's slots go with them
		for s in $(q "$r" "SELECT subname FROM pg_subscription" \
		    2>/dev/null); do
			q "$r" "ALTER SUBSCRIPTION $s DISABLE" >/dev/null 2>&1
			q "$r" "ALTER SUBSCRIPTION $s SET (slot_name = NONE)" \
			    >/dev/null 2>&1
			q "$r" "DROP SUBSCRIPTION $s" >/dev/null 2>&1
		done
	done
	for r in hub copy site; do
		[ -d "$dir/$r/data" ] && reg "$r" stop >/dev/null 2>&1
		rm -rf "${dir:?}/$r"
	done
}
q() {	# NAME SQL: one query, unaligned, tuples only
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -d "$(reg "$1" url)" -c "$2"
}
cleanup
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_hub NAME CONDITION: poll CONDITION (SQL) inside NAME every 5 ms,
# print the server's clock (epoch seconds) when it holds
wait_hub() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$(reg "$1" url)" 2>&1 <<EOF
DO \$\$
DECLARE
	deadline timestamptz := clock_timestamp() + interval '$timeout s';
BEGIN
	LOOP
		EXIT WHEN $2;
		IF clock_timestamp() > deadline THEN
			RAISE EXCEPTION 'timed out after $timeout s';
		END IF;
		PERFORM pg_sleep(0.005);
	END LOOP;
	RAISE NOTICE 'seen %', extract(epoch FROM clock_timestamp());
END
\$\$;
EOF
}
seen() { sed -n 's/.*NOTICE:  seen //p' "$1"; }
# the commit time (epoch seconds) of the site's latest import
commit_ts() {
	q site "SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin))
	    FROM import_batch ORDER BY batch_id DESC LIMIT 1"
}
rows() {	# NAME: the rows of the published tables
	q "$1" "SELECT $(for t in $TABLES; do
	    printf '(SELECT count(*) FROM %s) + ' "$t"; done) 0"
}

# ---- publish and subscribe ------------------------------------------------
# with ecpr-db publish / subscribe (TCP on loopback, scram) when the tool
# has them, else (or with BENCH_RAW=1) with SQL over the site's socket
tables_sql=$(for t in $ALL; do printf 'public.%s, ' "$t"; done |
    sed 's/, $//')
if [ "${BENCH_RAW:-}" != 1 ] &&
    "$ecprdb" --help 2>/dev/null | grep -q '^  publish'; then
	mode="ecpr-db publish / subscribe (loopback TCP, scram)"
else
	mode="CREATE PUBLICATION / SUBSCRIPTION (the site's socket)"
fi
free_port() {
	p=$(($$ % 20000 + 30000))
	while ss -Htln "sport = :$p" | grep -q .; do
		p=$((p + 1))
	done
	echo "$p"
}
publish() {	# sets ci, the hub's conninfo
	case $mode in
	ecpr-db*)
		reg site publish --port "$(free_port)" "$site" \
		    >"$dir/publish.out" || exit 1
		ci=$(grep '^host=' "$dir/publish.out" | tail -n 1)
		;;
	*)
		q site "CREATE PUBLICATION bench_hub FOR TABLE $tables_sql" \
		    >/dev/null || exit 1
		ci=$(reg site url)
		;;
	esac
}
subscribe() {	# NAME
	case $mode in
	ecpr-db*)
		reg "$1" subscribe "$site" "$ci" >/dev/null || exit 1
		;;
	*)
		q "$1" "CREATE SUBSCRIPTION ${1}_site CONNECTION '$ci'
		    PUBLICATION bench_hub" >/dev/null || exit 1
		;;
	esac
}
unsubscribe() {	# NAME: and remove the site's rows
	case $mode in
	ecpr-db*)
		reg "$1" unsubscribe --purge "$site" >/dev/null || exit 1
		;;
	*)
		q "$1" "DROP SUBSCRIPTION ${1}_site" >/dev/null || exit 1
		;;
	esac
}
# the condition: every table of the subscription is ready
synced="EXISTS (SELECT 1 FROM pg_subscription_rel) AND NOT EXISTS
    (SELECT 1 FROM pg_subscription_rel WHERE srsubstate <> 'r')"

say "== $prog: $n episodes, one site (seed $seed), registries in $dir"
say "   replication by $mode"
"$gen" -n "$n" -s 1 --seed "$seed" --form long -o "$dir/long.csv" || exit 1
site=$(sed -n '2s/,.*//p' "$dir/long.csv")
for r in site hub copy; do
	reg "$r" init >/dev/null || exit 1
done
# the commit times for the lag (and logical decoding for CREATE
# PUBLICATION; ecpr-db publish sets it)
{
	say "# bench-hub: commit times"
	say "track_commit_timestamp = on"
	case $mode in ecpr-db*) ;; *) say "wal_level = logical" ;; esac
} >>"$dir/site/data/postgresql.conf"
reg site stop >/dev/null && reg site start >/dev/null || exit 1
publish
subscribe hub
out=$(wait_hub hub "$synced")
case $out in *seen*) ;; *) say "$prog: the hub did not subscribe: $out" >&2; exit 1 ;; esac

# ---- 1. streaming: the site imports, the hub follows ----------------------
say "== 1. ecpr-import of $n episodes at the site, the hub subscribed"
wpid=$(q site "SELECT pid FROM pg_stat_replication LIMIT 1")
apid=$(q hub "SELECT pid FROM pg_stat_subscription WHERE relid IS NULL
    LIMIT 1")
w0=$(pid_cpu "$wpid") a0=$(pid_cpu "$apid") s0=$(cluster_cpu site)
t0=$(now)
run imp "$dir/import.out" "$import" -q --db "$(reg site url)" "$dir/long.csv"
t1=$(now)
[ "$imp_rc" = 0 ] || exit 1
s1=$(cluster_cpu site) w1=$(pid_cpu "$wpid")
tc=$(commit_ts)
maxid=$(q site "SELECT max(episode_id) FROM episode")
wait_hub hub "(SELECT max(episode_id) FROM episode) >= $maxid" \
    >"$dir/stream.out"
ts=$(seen "$dir/stream.out")
[ -n "$ts" ] || { cat "$dir/stream.out" >&2; exit 1; }
# the import: ecpr-import and the site's server, less its walsender
imp_all=$(add "$imp_cpu" "$(sub "$(sub "$s1" "$s0")" "$(sub "$w1" "$w0")")")
w_cpu=$(sub "$(pid_cpu "$wpid")" "$w0") a_cpu=$(sub "$(pid_cpu "$apid")" "$a0")
rep_cpu=$(add "$w_cpu" "$a_cpu")
eps=$(q site "SELECT count(*) FROM episode")
nrows=$(rows site)
hub_rows=$(rows hub)
t_imp=$(sub "$t1" "$t0")
t_rep=$(sub "$ts" "$tc")

hdr() {
	printf '%-36s %8s %8s %10s %10s %10s\n' "" "wall s" "CPU s" \
	    "ep/s wall" "rows/s" "rows/CPU s"
}
line() {	# NAME WALL CPU
	printf '%-36s %8s %8s %10s %10s %10s\n' "$1" "$2" "$3" \
	    "$(rate "$eps" "$2")" "$(rate "$nrows" "$2")" \
	    "$(rate "$nrows" "$3")"
}
say "   $eps episodes, $nrows rows in the published tables"
hdr
line "ecpr-import at the site" "$t_imp" "$imp_all"
line "replication: commit -> hub has all" "$t_rep" "$rep_cpu"
say "   (CPU: ecpr-import with the site's server processes but its"
say "   walsender; the replication: the site's walsender, $w_cpu s, and"
say "   the hub's apply worker, $a_cpu s, from the import's start, as the"
say "   walsender decodes while the site imports)"
verdict "the hub holds every row the site holds" \
    "$([ "$hub_rows" = "$nrows" ] && echo 1)" "$hub_rows of $nrows rows"

# ---- 2. the anchor: pg_dump | psql into the empty copy ---------------------
say "== 2. pg_dump --data-only | psql of the same tables, best of $repeat"
dump_t=$(for t in $ALL; do printf -- '-t public.%s ' "$t"; done)
truncate_copy() {
	q copy "TRUNCATE $tables_sql CASCADE" >/dev/null
	q copy "VACUUM" >/dev/null
}
# dump_copy [PG_DUMP-OPTION]: the best wall and CPU (best_dump,
# best_dcpu) of repeat copies into the emptied copy
dump_copy() {
	best_dump='' best_dcpu=''
	i=0
	while [ "$i" -lt "$repeat" ]; do
		truncate_copy
		s0=$(cluster_cpu site) c0=$(cluster_cpu copy)
		run dump "$dir/dump.out" sh -c "pg_dump --data-only $* $dump_t \
		    -d '$(reg site url)' | psql -X -q -v ON_ERROR_STOP=1 \
		    -d '$(reg copy url)'"
		[ "$dump_rc" = 0 ] || exit 1
		cpu=$(add "$dump_cpu" "$(add "$(sub "$(cluster_cpu site)" \
		    "$s0")" "$(sub "$(cluster_cpu copy)" "$c0")")")
		best_dump=$(min "$dump_wall" "$best_dump")
		best_dcpu=$(min "$cpu" "$best_dcpu")
		i=$((i + 1))
	done
	copy_rows=$(rows copy)
}
dump_copy --disable-triggers
notrig_wall=$best_dump notrig_cpu=$best_dcpu notrig_rows=$copy_rows
dump_copy
hdr
line "pg_dump | psql" "$best_dump" "$best_dcpu"
line "pg_dump --disable-triggers | psql" "$notrig_wall" "$notrig_cpu"
say "   (CPU: pg_dump, psql and both clusters' server processes;"
say "   --disable-triggers: no foreign key checks, as the apply workers)"
verdict "the copy holds every row the site holds" \
    "$([ "$copy_rows" = "$nrows" ] && [ "$notrig_rows" = "$nrows" ] &&
    echo 1)" "$copy_rows and $notrig_rows of $nrows rows"

# ---- 3. initial sync: the emptied copy subscribes --------------------------
say "== 3. initial sync of a new subscriber (copy_data), best of $repeat"
best_sync='' best_scpu=''
i=0
while [ "$i" -lt "$repeat" ]; do
	truncate_copy
	s0=$(cluster_cpu site) c0=$(cluster_cpu copy)
	t0=$(now)
	subscribe copy
	wait_hub copy "$synced AND (SELECT count(*) FROM episode) = $eps" \
	    >"$dir/sync.out"
	t1=$(now)
	cpu=$(add "$(sub "$(cluster_cpu site)" "$s0")" \
	    "$(sub "$(cluster_cpu copy)" "$c0")")
	[ -n "$(seen "$dir/sync.out")" ] || { cat "$dir/sync.out" >&2; exit 1; }
	sync_rows=$(rows copy)
	unsubscribe copy
	best_sync=$(min "$(sub "$t1" "$t0")" "$best_sync")
	best_scpu=$(min "$cpu" "$best_scpu")
	i=$((i + 1))
done
hdr
line "initial sync (table sync COPY)" "$best_sync" "$best_scpu"
say "   (CPU: both clusters' server processes, the poller's 5 ms loop included)"
verdict "the initial sync copies every row" \
    "$([ "$sync_rows" = "$nrows" ] && echo 1)" "$sync_rows of $nrows rows"

# ---- 4. lag: a site updates N episodes ------------------------------------
say "== 4. lag: the site re-imports k episodes (a note changed each)"
printf '%-10s %12s %14s %14s\n' "k" "import s" "lag s" "audit rows"
round=0
lag_ok=1
for k in $lags; do
	round=$((round + 1))
	# the first k episodes, every row (a snapshot), ca_onset's note new
	awk -F, -v k="$k" -v r="$round" '
	    NR == 1 { print; next }
	    { key = $1 FS $2 FS $3 }
	    key != last { seen++; last = key }
	    seen > k { exit }
	    $4 == "ca_onset" { print $1 FS $2 FS $3 FS $4 FS $5 FS "lag-" r; next }
	    { print }' "$dir/long.csv" >"$dir/lag.csv"
	a0=$(q hub "SELECT coalesce(max(audit_id), 0) FROM audit_log")
	wait_hub hub "(SELECT coalesce(max(audit_id), 0) FROM audit_log) > $a0" \
	    >"$dir/lag.out" &
	poller=$!
	sleep 1
	run lagimp "$dir/lagimp.out" "$import" -q --db "$(reg site url)" \
	    "$dir/lag.csv"
	tc=$(commit_ts)
	wait "$poller"
	ts=$(seen "$dir/lag.out")
	if [ "$lagimp_rc" != 0 ] || [ -z "$ts" ]; then
		cat "$dir/lag.out" >&2
		exit 1
	fi
	na=$(q site "SELECT count(*) FROM audit_log WHERE batch_id = (SELECT
	    max(batch_id) FROM import_batch)")
	nh=$(q hub "SELECT count(*) FROM audit_log WHERE audit_id > $a0")
	[ "$na" = "$k" ] && [ "$nh" = "$k" ] || lag_ok=0
	printf '%-10s %12s %14s %7s / %5s\n' "$k" "$lagimp_wall" \
	    "$(sub "$ts" "$tc")" "$nh" "$na"
done
say "   (lag: from the site's commit (track_commit_timestamp) until a"
say "   poller inside the hub sees the update; audit rows: hub / site)"
verdict "each update reaches the hub whole (k audit rows)" "$lag_ok" \
    "BENCH_LAG=\"$lags\""

# ---- 5. the hub's table is the site's ---------------------------------------
run tsite "$dir/site-table.csv" "$table" --format csv --db "$(reg site url)"
run thub "$dir/hub-table.csv" "$table" --format csv --db "$(reg hub url)"
same "identical ecpr-table: the site and the hub" "$dir/site-table.csv" \
    "$dir/hub-table.csv"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
say ""
say "rows/s beside pg_dump | psql (without its triggers), by wall and by CPU:"
say "  replication, commit -> hub: $(ratio "$best_dump" "$t_rep") \
($(ratio "$notrig_wall" "$t_rep")), $(ratio "$best_dcpu" "$rep_cpu") \
($(ratio "$notrig_cpu" "$rep_cpu"))"
say "  initial sync:               $(ratio "$best_dump" "$best_sync") \
($(ratio "$notrig_wall" "$best_sync")), $(ratio "$best_dcpu" "$best_scpu") \
($(ratio "$notrig_cpu" "$best_scpu"))"
exit "$fail"
