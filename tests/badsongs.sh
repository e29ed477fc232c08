#!/bin/sh
# Broken songs, as a user would meet them: `beatty check` must refuse each
# one with exit status 1 and name the file, the line and the fault.  Every
# tests/bad/*.bty promises its message on its first line:
#   ; expect: name.bty:LINE: message
# which must equal the first line beatty writes to stderr.  An empty file
# and binary garbage cannot carry such a line, so they are made here.
. "$SRCDIR/tests/lib.sh"
BAD="$SRCDIR/tests/bad"
files=$(cd "$BAD" && ls ./*.bty | sed 's|^\./||')
count=$(echo "$files" | wc -l)
plan $(( (count + 2) * 2 ))

# refused DIR FILE EXPECTED: runs the check from DIR, so the message names
# FILE exactly as given, and the sample paths resolve against DIR.
refused() {
	status=$(cd "$1" && exits "$BEATTY" check "$2")
	is "$2: exit status 1" 1 "$status"
	is "$2: $3" "$3" "$(head -n 1 "$TMP/err")"
}

for f in $files; do
	want=$(head -n 1 "$BAD/$f" | sed -n 's/^; expect: //p')
	refused "$BAD" "$f" "${want:-(no '; expect:' line in $f)}"
done

: >"$TMP/empty.bty"
refused "$TMP" empty.bty "empty.bty: empty file"

# The start of an ELF executable: a NUL in the first line.
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000\001\000\000\000' \
	>"$TMP/garbage.bty"
refused "$TMP" garbage.bty "garbage.bty:1: not a beatty song (binary data)"
