#!/bin/sh
# Fuzz targets in the suite: every corpus file (the seeds and every input
# that ever crashed) through every target under ASan and UBSan, and with
# clang's libFuzzer a short fuzzing run of each.  tools/fuzz builds them.
. "$SRCDIR/tests/lib.sh"
: "${FUZZ_DIR:?FUZZ_DIR must name the fuzz build folder}"
targets=$(grep -v '^#' "$SRCDIR/tests/fuzz/targets" | grep -v '^$')
n=$(echo "$targets" | wc -l)
plan $((1 + 2 * n))

ok "the fuzz targets build" sh "$SRCDIR/tools/fuzz" build
kind=$(cat "$FUZZ_DIR/kind" 2>/dev/null)
for t in $targets; do
	ok "$t: every corpus file replays cleanly ($kind)" sh "$SRCDIR/tools/fuzz" replay "$t"
	if [ "$kind" = libfuzzer ]; then
		ok "$t: ${FUZZ_TEST_SECONDS:-5} s of fuzzing find nothing" \
			sh "$SRCDIR/tools/fuzz" run "${FUZZ_TEST_SECONDS:-5}" "$t"
	else
		skip_n "no clang with libFuzzer: replay only" 1
	fi
done
