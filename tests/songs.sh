#!/bin/sh
# Every song shipped in songs/ is valid and already in canonical form.
. "$SRCDIR/tests/lib.sh"
songs=$(ls "$SRCDIR"/songs/*.bty)
plan $(( $(echo "$songs" | wc -l) * 3 ))
for f in $songs; do
	name=$(basename "$f")
	is "$name passes check" 0 "$(exits "$BEATTY" check "$f")"
	"$BEATTY" fmt "$f" >"$TMP/canon.bty" 2>"$TMP/fmt.err"
	ok "$name is canonical (fmt changes nothing)" cmp "$f" "$TMP/canon.bty"
	"$BEATTY" fmt "$TMP/canon.bty" >"$TMP/canon2.bty" 2>/dev/null
	ok "$name: fmt(fmt(x)) == fmt(x)" cmp "$TMP/canon.bty" "$TMP/canon2.bty"
done
