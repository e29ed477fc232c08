#!/bin/sh
# The man page keeps up with the program: every command and option that
# `beatty --help` names is documented in docs/beatty.1.
. "$SRCDIR/tests/lib.sh"
man="$SRCDIR/docs/beatty.1"
"$BEATTY" --help >"$TMP/help" 2>&1
# Commands: the lines "  NAME ..." under "commands:".
cmds=$(sed -n '/^commands:/,/^$/p' "$TMP/help" | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort -u)
opts=$(grep -o -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u)
plan $(( $(echo "$cmds" | wc -w) + $(echo "$opts" | wc -w) + 1 ))
ok "the help names commands" test -n "$cmds"
for c in $cmds; do
	ok "man page documents the command '$c'" grep -Eq "^\.BI? \"?$c( |\"|$)" "$man"
done
# In roff, "-" is written "\-".
for o in $opts; do
	r=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	ok "man page documents $o" grep -q -- "$r" "$man"
done
