#!/bin/sh
# The screen at 80x24, as over SSH: the help page whole, the order list's
# clone, channels added, removed, renamed and moved from the keyboard,
# keymaps for other trackers' habits and the mixer's parameter columns.
# Each part starts beatty on a fresh copy of the demo in a folder of its
# own.
. "$SRCDIR/tests/lib.sh"
plan 8

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 8
	exit 0
fi

SOCK="beatty-screen-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
printf 'set -g default-terminal tmux-256color\nset -g history-limit 0\n' >"$TMP/tmux.conf"
UTF8=$(locale -a 2>/dev/null | grep -i -m1 '^c\.utf-\?8$' || true)
: "${UTF8:=C.UTF-8}"

wait_gone() {
	n=$(( ${2:-10} * 10 ))
	while [ "$n" -gt 0 ]; do
		screen >"$TMP/screen" && ! grep -Eq -- "$1" "$TMP/screen" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# start [ARGS...]: the demo in a fresh folder, beatty on it (no sound,
# no user configuration unless $CFG names one).
start() {
	tm kill-server 2>/dev/null
	runs=$((${runs:-0} + 1))
	W="$TMP/w$runs"
	mkdir -p "$W"
	cp "$SRCDIR/songs/demo.bty" "$W/"
	cp -r "$SRCDIR/songs/samples" "$W/"
	tm new-session -d -s bt -x 80 -y 24 \
		"cd '$W' && env TERM=xterm-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='${CFG:-$TMP/nocfg}' '$BEATTY' --no-audio $* demo.bty 2>stderr; echo \$? >status; sleep 600"
	wait_for "^F1: help   Space: edit mode" 15
}

# save: Ctrl-S, then the song as `beatty fmt` writes it into $TMP/saved.
save() {
	keys C-s
	wait_for "saved demo.bty" && "$BEATTY" fmt "$W/demo.bty" >"$TMP/saved"
}

# --- the help page at 80 columns ----------------------------------------------
start
keys F1
wait_for "Keys \(from the key table"
: >"$TMP/help.txt"
i=0
while [ $i -lt 40 ]; do
	screen >"$TMP/screen"
	cat "$TMP/screen" >>"$TMP/help.txt"
	grep -Eq "lines [0-9]+-([0-9]+) of \1( |$)" "$TMP/screen" && break
	last=$(grep -Eo "lines [0-9]+-[0-9]+ of [0-9]+" "$TMP/screen")
	keys NPage
	n=0
	while [ $n -lt 50 ] && screen | grep -q "$last"; do sleep 0.1; n=$((n + 1)); done
	i=$((i + 1))
done
ok "help: a row's text longer than the screen wraps under itself" \
	grep -Eq "^ {39}position$" "$TMP/help.txt"
ok "help: the end of a long row is shown" grep -q "(asks which kind)" "$TMP/help.txt"
ok "help: the position has a row of its own" \
	sh -c "tail -n 2 '$TMP/screen' | head -n 1 | grep -Eq '^ +lines [0-9]+-[0-9]+ of [0-9]+ ?$'"
ok "help: no heading reads (null), no command twice" \
	sh -c "! grep -q '(null)' '$TMP/help.txt' && [ \$(sort -u '$TMP/help.txt' | grep -c 'order-edit') = 1 ]"

# --- the order list: a clone goes after its entry ------------------------------------
start
keys F3
wait_for "Pos  Pat  Rows"
keys c
wait_for "pattern 00 cloned to 04"
ok "order: the cloned entry keeps its pattern" grep -Eq "^  00   00    64  intro" "$TMP/screen"
ok "order: the clone is a new entry after it" grep -Eq "^  01   04    64  intro" "$TMP/screen"
ok "order: and the entries after move down one" grep -Eq "^  06   03    64  outro" "$TMP/screen"
keys C-z
ok "order: undo takes the clone away" wait_for "^  01   01    64  verse"

tm kill-server 2>/dev/null
exit 0
