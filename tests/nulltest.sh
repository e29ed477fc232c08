#!/bin/sh
# Null test: the engine's output against renders made before a change.
# tests/ref/*.flac hold the first 8 s of songs/demo.bty and songs/bench.bty
# (master on, and bench with --no-master) as rendered by an earlier
# beatty, in 24-bit FLAC (quantisation -144 dBFS).  A speed-up must leave
# the difference under -100 dBFS; a deliberate change of sound renews the
# references in the same commit and says what changed in docs/format.md.
. "$SRCDIR/tests/lib.sh"
if ! command -v sox >/dev/null 2>&1; then
	echo "1..0 # SKIP sox is not installed (tools/deps installs it)"
	exit 0
fi
plan 3
# nulls NAME SONG [render options]: difference peak in dBFS, or "fail"
nulls() {
	name=$1 song=$2; shift 2
	"$BEATTY" render "$SRCDIR/songs/$song" -o "$TMP/$name.wav" --bits 32f --no-progress "$@" \
		>/dev/null 2>"$TMP/$name.err" || { echo "render failed: $(cat "$TMP/$name.err")"; return; }
	sox -q "$TMP/$name.wav" "$TMP/$name.cut.wav" trim 0 8 2>/dev/null
	sox -q -m -v 1 "$TMP/$name.cut.wav" -v -1 "$SRCDIR/tests/ref/$name.flac" -n stat 2>&1 |
		awk '/Maximum amplitude/ { m = $3 } /Minimum amplitude/ { n = -$3 }
			END { if (n > m) m = n; if (m <= 0) print "-inf"; else printf "%.1f\n", 20 * log(m) / log(10) }'
}
for t in "demo demo.bty" "bench bench.bty" "bench_nm bench.bty --no-master"; do
	# shellcheck disable=SC2086
	set -- $t
	d=$(nulls "$@")
	case $d in
	-inf) ok "$1: null against the reference render (exact)" true ;;
	-*) ok "$1: null against the reference render ($d dBFS, must be under -100)" \
		awk -v d="$d" 'BEGIN { exit !(d < -100) }' ;;
	*) ok "$1: null against the reference render: $d" false ;;
	esac
done
