#!/bin/sh
# fuzz.sh - build the libFuzzer targets with clang and run each on its
# corpus (make fuzz).  Everything comes from make, in the environment:
#   FUZZ_CC       clang (default clang)
#   FUZZ_SECONDS  seconds per target (default 60)
#   FUZZ_TARGETS  which targets (default: csv time odm)
#   FUZZ_JOBS     parallel compilations (default 2)
#   SRCDIR BUILDDIR CPPFLAGS_ALL LIBS_ALL LIB_SOURCES (from mk/fuzz.am)
# Objects and targets go to BUILDDIR/tests/fuzz/build; the inputs that
# libFuzzer finds go to BUILDDIR/tests/fuzz/work/NAME (the seed corpus in
# SRCDIR/tests/fuzz/corpus/NAME is only read), a crash to
# BUILDDIR/tests/fuzz/found-NAME-crash-* (or -leak-, -timeout-, -oom-).
# Exits non-zero on a crash: copy the input into the corpus, fix the
# root, add a test (tests/fuzz/README.md).
set -eu
cc=${FUZZ_CC:-clang}
secs=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-csv time odm}
jobs=${FUZZ_JOBS:-2}
out=$BUILDDIR/tests/fuzz/build
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -fno-omit-frame-pointer $san"

command -v "$cc" >/dev/null 2>&1 || {
	echo "fuzz.sh: $cc not found: make fuzz needs clang with libFuzzer" \
	    "(Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 69
}
mkdir -p "$out"

# the library, once, with coverage for libFuzzer but without its main
objs=
cmds=
for f in $LIB_SOURCES; do
	case $f in *.c) ;; *) continue ;; esac
	if [ -f "$BUILDDIR/$f" ]; then src=$BUILDDIR/$f; else src=$SRCDIR/$f; fi
	o=$out/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs $o"
	cmds="$cmds$cc $cflags -fsanitize=fuzzer-no-link $CPPFLAGS_ALL -c $src -o $o
"
done
printf '%s' "$cmds" | tr '\n' '\0' |
	xargs -0 -n 1 -P "$jobs" sh -c 'echo "  CC(fuzz) ${0##* }"; eval "$0"'
# shellcheck disable=SC2086
for t in $targets; do
	echo "  CCLD(fuzz) fuzz-$t"
	$cc $cflags -fsanitize=fuzzer $CPPFLAGS_ALL \
	    -o "$out/fuzz-$t" "$SRCDIR/tests/fuzz/fuzz_$t.c" \
	    "$SRCDIR/tests/fuzz/fuzz_util.c" $objs $LIBS_ALL
done

# run each target on a scratch corpus (new inputs) and the seed corpus
status=0
for t in $targets; do
	work=$BUILDDIR/tests/fuzz/work/$t
	mkdir -p "$work"
	dict=
	[ -f "$SRCDIR/tests/fuzz/$t.dict" ] &&
		dict=-dict=$SRCDIR/tests/fuzz/$t.dict
	echo "== fuzz-$t: $secs s"
	# shellcheck disable=SC2086
	if ! UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    "$out/fuzz-$t" -max_total_time="$secs" -timeout=20 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$BUILDDIR/tests/fuzz/found-$t-" $dict \
	    "$work" "$SRCDIR/tests/fuzz/corpus/$t" \
	    >"$BUILDDIR/tests/fuzz/fuzz-$t.log" 2>&1; then
		status=1
		echo "fuzz-$t FAILED: see $BUILDDIR/tests/fuzz/fuzz-$t.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:|.*runtime error)' \
		    "$BUILDDIR/tests/fuzz/fuzz-$t.log" | head -n 5 || :
		ls "$BUILDDIR/tests/fuzz/found-$t-"* 2>/dev/null || :
	else
		grep -E '^(stat::number_of_executed_units|stat::new_units_added)' \
		    "$BUILDDIR/tests/fuzz/fuzz-$t.log" | tr '\n' ' '
		echo
	fi
done
exit $status
