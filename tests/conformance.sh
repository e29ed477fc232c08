#!/bin/sh
# make conformance: every module under ../shared/modules (the OpenMPT
# test-suite modules in conformance/, whole songs in songs/), imported
# and rendered by beatty with the master off, against xmp's render
# (`xmp -o out.wav -f 48000 -i spline FILE`).  One line per module from
# tests/modcmp (rows, length in frames, RMS-envelope correlation in 20 ms
# windows, whether the import warned, PASS/FAIL), then the pass counts
# per set and format.
#
#   conformance.sh MODCMP MODULES_DIR
set -u
modcmp=$1 dir=$2
if [ ! -d "$dir" ]; then
	echo "conformance: no modules at $dir (skipped)"
	exit 0
fi
if ! command -v xmp >/dev/null 2>&1; then
	echo "conformance: xmp is not installed (skipped; tools/deps installs it)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/beatty-conf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/tally"
for f in "$dir"/songs/* "$dir"/conformance/*/*; do
	[ -f "$f" ] || continue
	case $f in
	*/songs/*) set=songs ;;
	*) set=$(basename "$(dirname "$f")") ;;
	esac
	if ! xmp -q -o "$tmp/ref.wav" -f 48000 -i spline "$f" >/dev/null 2>&1; then
		printf '%-40s xmp cannot render it (not counted)\n' "$(basename "$f")"
		continue
	fi
	line=$("$modcmp" "$f" "$tmp/ref.wav" 2>&1)
	rc=$?
	[ -n "$line" ] || line="$(basename "$f") modcmp failed (exit $rc)"
	echo "$line"
	[ $rc -eq 0 ] && echo "$set pass" >>"$tmp/tally" || echo "$set fail" >>"$tmp/tally"
done
echo
echo "set      pass / total"
awk '{ t[$1]++; if ($2 == "pass") p[$1]++ }
	END { for (k in t) printf "%-8s %4d / %d (%.0f%%)\n", k, p[k], t[k], 100 * p[k] / t[k] }' \
	"$tmp/tally" | sort
