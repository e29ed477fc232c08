#!/bin/sh
# Nothing is lost in the tracker screen: the autosave interval (set in
# seconds in config.ini) bounds what kill -9 can take; a recovery copy
# found at the next start stays until the user recovers, discards or
# keeps it aside, and a new session's autosave never writes over it; a
# failed autosave shows on the status line and the exit message tells
# the truth about it.  Driven in tmux like tests/tui.sh.
. "$SRCDIR/tests/lib.sh"
plan 26

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 26
	exit 0
fi

tui_setup recover
W="$TMP/w"
CFG="$TMP/cfg"
mkdir -p "$CFG/beatty" "$W"
printf '[ui]\nautosave = 2s\n' >"$CFG/beatty/config.ini"
cp "$SRCDIR/songs/demo.bty" "$W/"
cp -r "$SRCDIR/songs/samples" "$W/"

# until COMMAND... [within 15 s]: polls a condition on files.
until_true() {
	n=150
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
gone() { ! kill -0 "$1" 2>/dev/null; }
differs() { ! cmp -s "$1" "$2"; }

# start ARGS...: beatty in $W, its pid in $W/pid, exit status in $W/status.
start() {
	tm kill-server 2>/dev/null
	if [ -s "$W/pid" ]; then until_true gone "$(cat "$W/pid")"; fi
	rm -f "$W/status" "$W/pid"
	tui_run_script
	tui_session 100 30 "env TERM=tmux-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$CFG' sh '$W/run.sh' $*"
	wait_for "^(F1: help   Space: edit mode|a recovery copy)" 15
}

# --- kill -9 loses at most one autosave interval ------------------------------
start demo.bty --no-audio
keys Space z
wait_for "demo.bty \[\+\]"
ok "an edit is autosaved within the interval" until_true test -s "$W/demo.bty.autosave"
cp "$W/demo.bty.autosave" "$TMP/first.copy"
ok "the copy holds the edit" differs "$TMP/first.copy" "$W/demo.bty"
keys Down x Down c
ok "a later edit reaches the copy too" until_true differs "$W/demo.bty.autosave" "$TMP/first.copy"
cp "$W/demo.bty.autosave" "$TMP/second.copy"
# Let one more interval pass with no edit: nothing to write.
kill -9 "$(cat "$W/pid")"
until_true gone "$(cat "$W/pid")"
ok "after kill -9 the copy is still there" test -s "$W/demo.bty.autosave"
ok "and holds the last edits" cmp "$TMP/second.copy" "$W/demo.bty.autosave"
ok "the song itself is untouched" cmp "$W/demo.bty" "$SRCDIR/songs/demo.bty"

# --- the next start asks, and a plain ^Q does not lose the copy ----------------
start demo.bty --no-audio
ok "the next start asks what to do with the copy" \
	wait_for "a recovery copy from .*: \(r\)ecover \(d\)iscard \(k\)eep aside  demo.bty.autosave"
keys C-q
keys k
ok "^Q while asked does not quit" wait_for "kept the recovery copy aside as demo.recovered-"
aside=$(cd "$W" && ls demo.recovered-*.bty 2>/dev/null | head -n 1)
ok "k keeps it aside under a name of its own" test -n "$aside"
ok "the copy kept aside is the copy" cmp "$TMP/second.copy" "$W/${aside:-none}"
ok "and no longer blocks the name" test ! -e "$W/demo.bty.autosave"
# A new session's autosave now writes its own copy, never the one kept aside.
keys Space z
ok "the new session autosaves" until_true test -s "$W/demo.bty.autosave"
ok "without touching the copy kept aside" cmp "$TMP/second.copy" "$W/${aside:-none}"
keys C-q n
until_true test -s "$W/status"
is "^Q, n: exit 0" 0 "$(cat "$W/status" 2>/dev/null)"
ok "a clean quit removes this session's own copy" test ! -e "$W/demo.bty.autosave"
ok "and leaves the one kept aside" test -s "$W/${aside:-none}"

# --- discard -----------------------------------------------------------------------
cp "$TMP/second.copy" "$W/demo.bty.autosave"
start demo.bty --no-audio
wait_for "a recovery copy from"
keys d
ok "d discards it" wait_for "discarded the recovery copy demo.bty.autosave"
ok "the file is gone" test ! -e "$W/demo.bty.autosave"
keys C-q
until_true test -s "$W/status"

# --- recover ---------------------------------------------------------------------
cp "$TMP/second.copy" "$W/demo.bty.autosave"
start demo.bty --no-audio
wait_for "a recovery copy from"
keys r
ok "r recovers it" wait_for "recovered demo.bty.autosave: \^S saves it as demo.bty"
ok "as unsaved work" wait_for "demo.bty \[\+\]"
keys C-s
ok "^S saves it" wait_for "saved demo.bty"
ok "the song is now the copy" cmp "$TMP/second.copy" "$W/demo.bty"
ok "and the copy is gone" test ! -e "$W/demo.bty.autosave"
keys C-q
until_true test -s "$W/status"

# --- a failed autosave is shown, and the exit message tells the truth ------------
mkdir "$W/sub"
cp "$SRCDIR/songs/demo.bty" "$W/sub/"
cp -r "$SRCDIR/songs/samples" "$W/sub/"
start sub/demo.bty --no-audio
rm -rf "$W/sub"   # the folder goes away: no copy can be written there
keys Space z
ok "a failed autosave shows on the status line" \
	wait_for "autosave failed: sub/demo.bty.autosave: cannot create a file beside it" 15
kill -HUP "$(cat "$W/pid")"
until_true test -s "$W/status"
ok "SIGHUP: the exit message says the changes are lost" \
	grep -q "unsaved changes are lost: no recovery copy could be written (sub/demo.bty.autosave: " \
	"$W/stderr"
ok "and names no recovery copy that does not exist" sh -c "! grep -q 'are in' '$W/stderr'"
