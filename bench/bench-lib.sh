# bench-lib.sh - helpers of the bench scripts (sourced, not run)
#
# The including script sets prog (its name, for messages) and dir (the
# work directory), and may set verdict_width (44); verdict sets fail=1.
# Results of run are kept in variables named after each run (c_cpu,
# py_wall ...) set through eval, which shellcheck cannot follow.
# shellcheck shell=sh disable=SC2034,SC2154

fail=0

say() { printf '%s\n' "$*"; }

verdict() {	# NAME OK(0/1) DETAIL
	if [ "$2" = 1 ]; then
		printf '%-*s PASS  %s\n' "${verdict_width:-44}" "$1" "$3"
	else
		printf '%-*s FAIL  %s\n' "${verdict_width:-44}" "$1" "$3"
		fail=1
	fi
}

# unwrap VAR...: in a build tree with shared libraries each program named
# by a variable is a wrapper script of libtool, which sets
# LD_LIBRARY_PATH and starts .libs/PROG.  That shell's start-up (about
# 11 ms of CPU) would be charged to the program measured, so VAR is set to
# .libs/PROG and the wrapper's library path goes into the environment.
# A program that is not such a wrapper is left as it is.
unwrap() {
	for v in "$@"; do
		eval "p=\$$v"
		real=$(dirname "$p")/.libs/$(basename "$p")
		[ -x "$real" ] || continue
		# shellcheck disable=SC2016 # the wrapper's line, $ and all
		lp=$(sed -n 's/^ *LD_LIBRARY_PATH="\(.*\):\$LD_LIBRARY_PATH"$/\1/p' \
		    "$p")
		[ -n "$lp" ] || continue
		LD_LIBRARY_PATH=$lp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
		export LD_LIBRARY_PATH
		eval "$v=\$real"
	done
}

# run NAME OUT CMD...: wall-clock and CPU (user + system) seconds of one
# command (NAME_wall, NAME_cpu), its peak RSS in KiB (NAME_rss) and its
# exit status (NAME_rc)
run() {
	name=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$dir/$name.time" "$@" >"$out" \
	    2>"$dir/$name.err"
	rc=$?
	# shellcheck disable=SC2046 # four numbers, split on purpose
	set -- $(tail -n 1 "$dir/$name.time")
	wall=$1
	cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
	rss=$4
	if [ "$rc" != 0 ]; then
		say "$prog: $name exited with status $rc:" >&2
		head -n 5 "$dir/$name.err" >&2
	fi
	eval "${name}_wall=\$wall ${name}_cpu=\$cpu ${name}_rss=\$rss"
	eval "${name}_rc=\$rc"
}

# same NAME A B [INPUT...]: byte-identical outputs, or say loudly where
# they differ (and the input rows of the first subject that differs)
same() {
	if [ -s "$2" ] && cmp -s "$2" "$3"; then
		verdict "$1" 1 "$(($(wc -l <"$2") - 1)) rows"
		return
	fi
	verdict "$1" 0 "outputs DIFFER ($2 vs $3)"
	say "------ first differences (< $2, > $3) ------"
	diff "$2" "$3" | head -n 20
	say "------ $(diff "$2" "$3" | grep -c '^<') rows differ ------"
	subj=$(diff "$2" "$3" | sed -n 's/^< //p' | head -n 1 |
	    sed 's/^"\([^"]\|""\)*"//; s/^[^,]*//' | cut -d, -f2)
	if [ -n "$subj" ] && [ -n "${4:-}" ]; then
		say "------ input rows of subject $subj ------"
		# shellcheck disable=SC2086 # one or more file names
		grep -h ",$subj," $4 | head -n 40
	fi
}

# need TOOL...: exit 1 unless each tool and /usr/bin/time are there
need() {
	for t in "$@" /usr/bin/time; do
		[ -x "$t" ] && continue
		if [ "$t" = /usr/bin/time ]; then
			say "$prog: /usr/bin/time is needed (Debian package" \
			    "\"time\")" >&2
		else
			say "$prog: $t is not built: nothing to measure" >&2
		fi
		exit 1
	done
}

# pgcpu DATADIR: CPU seconds (user + system) used so far by the finished
# backends of the cluster in DATADIR (the postmaster's cutime + cstime: a
# backend's time is added when it exits and the postmaster reaps it)
pgcpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, "");
	    printf "%.2f\n", ($14 + $15) / hz }' \
	    "/proc/$(head -n 1 "$1/postmaster.pid")/stat"
}

# pgrun NAME DATADIR CMD...: one run of a client of the cluster in
# DATADIR: its wall-clock seconds (NAME_wall), its own CPU seconds and
# those of its backend (NAME_cpu, the sum: user + system of both) and its
# peak RSS in KiB (NAME_rss); the exit status is the client's
pgrun() {
	name=$1 pgdata=$2
	shift 2
	s0=$(pgcpu "$pgdata")
	/usr/bin/time -f '%e %U %S %M' -o "$dir/$name.time" "$@" \
	    >"$dir/$name.out" 2>"$dir/$name.err"
	rc=$?
	sleep 0.5 # the backend exits after the client
	s1=$(pgcpu "$pgdata")
	# shellcheck disable=SC2046 # four numbers, split on purpose
	set -- $(tail -n 1 "$dir/$name.time")
	eval "${name}_wall=\$1 ${name}_rss=\$4"
	eval "${name}_cpu=$(awk -v u="$2" -v s="$3" -v a="$s0" -v b="$s1" \
	    'BEGIN { printf "%.2f", u + s + b - a }')"
	if [ "$rc" != 0 ]; then
		say "$prog: $name exited with status $rc:" >&2
		head -n 5 "$dir/$name.err" >&2
	fi
	return $rc
}

# pgquiet CONNINFO: a cluster set for timing: no autovacuum worker, and no
# checkpoint started by the volume of WAL or by time in the middle of a
# measurement (max_wal_size 8GB, checkpoint_timeout 30min): a checkpoint
# inside a run makes its backend write full-page images, a cost of the
# clock, not of the program (a third to a half of a run's time, seen as
# the spread of rounds of bench-import).  pgsettle before each run
# writes the dirty pages of the run before, untimed.
pgquiet() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" \
	    -c "ALTER SYSTEM SET autovacuum = off" \
	    -c "ALTER SYSTEM SET max_wal_size = '8GB'" \
	    -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" \
	    -c "SELECT pg_reload_conf()" >/dev/null
}
pgsettle() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "CHECKPOINT"; }

# least A B: the smaller of two numbers (the best of repeated runs)
least() { awk -v a="$1" -v b="$2" 'BEGIN { print (b < a) ? b : a }'; }

# again NAME OUT CMD...: run, once more after NAME's earlier runs: NAME_wall
# and NAME_cpu become the best (least) of them all, NAME_rss the largest,
# NAME_rc the first that is not 0 (the first run: run NAME OUT CMD...)
again() {
	eval "a_w=\$${1}_wall a_c=\$${1}_cpu a_r=\$${1}_rss a_rc=\$${1}_rc"
	run "$@"
	eval "n_w=\$${name}_wall n_c=\$${name}_cpu n_r=\$${name}_rss"
	a_w=$(least "$a_w" "$n_w")
	a_c=$(least "$a_c" "$n_c")
	[ "$n_r" -gt "$a_r" ] && a_r=$n_r
	[ "$a_rc" = 0 ] || eval "${name}_rc=\$a_rc"
	eval "${name}_wall=\$a_w ${name}_cpu=\$a_c ${name}_rss=\$a_r"
}
