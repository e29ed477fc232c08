#!/bin/sh
# Files from the screen, with beatty started somewhere else than the
# song's folder (as over SSH, from the home folder): ^R writes beside the
# song and names the file by its full path.
. "$SRCDIR/tests/lib.sh"
plan 4

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 4
	exit 0
fi

SOCK="beatty-files-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
printf 'set -g default-terminal tmux-256color\nset -g history-limit 0\n' >"$TMP/tmux.conf"
UTF8=$(locale -a 2>/dev/null | grep -i -m1 '^c\.utf-\?8$' || true)
: "${UTF8:=C.UTF-8}"

# start ARGS...: a fresh folder W with the demo in W/song, beatty run
# from W itself (not the song's folder).
start() {
	tm kill-server 2>/dev/null
	runs=$((${runs:-0} + 1))
	W="$TMP/w$runs"
	mkdir -p "$W/song" "$W/cfg"
	cp "$SRCDIR/songs/demo.bty" "$W/song/"
	cp -r "$SRCDIR/songs/samples" "$W/song/"
	tm new-session -d -s bt -x 200 -y 50 \
		"cd '$W' && env TERM=tmux-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$W/cfg' HOME='$W' '$BEATTY' --no-audio $* 2>stderr; sleep 600"
	wait_for "^F1: help   Space: edit mode" 15
}

# --- ^R: beside the song, named in full ------------------------------------------
start song/demo.bty
keys C-r
wait_for "render to"
keys Enter
ok "^R names the full path of the file it renders" wait_for "rendered $W/song/demo.wav" 60
ok "the file is beside the song" test -s "$W/song/demo.wav"
ok "and not in the folder beatty was started in" test ! -e "$W/demo.wav"
keys C-r
wait_for "render to"
keys C-u
keys -l "out/x.wav"
keys Enter
ok "a relative folder is the song's too" wait_for "rendered $W/song/out/x.wav|render failed: $W/song/out/x.wav" 60
