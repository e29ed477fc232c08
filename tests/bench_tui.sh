#!/bin/sh
# Bytes the tracker screen writes to the terminal per second while the
# demo plays at its own tempo with follow on: what it costs over SSH.
#
# beatty runs inside script(1), which records every byte sent to the
# terminal, inside a detached tmux of the given size; the playing is
# paced by a JACK server with its dummy backend (tests/lib.sh).  A figure,
# never pass/fail.
. "$SRCDIR/tests/lib.sh"
SECONDS_MEASURED=${BENCH_SECONDS:-10}
SOCK="beatty-bench-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; jack_stop; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

for tool in tmux script; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "tracker screen: skipped ($tool is not installed)"
		exit 0
	fi
done
alsa_test_conf || { echo "tracker screen: skipped ($alsa_why)"; exit 0; }
jack_start || { echo "tracker screen: skipped ($jack_why)"; exit 0; }
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
cp "$SRCDIR/songs/demo.bty" "$TMP/"
cp -r "$SRCDIR/songs/samples" "$TMP/"
printf 'set -g default-terminal tmux-256color\n' >"$TMP/tmux.conf"
UTF8=$(locale -a 2>/dev/null | grep -i -m1 '^c\.utf-\?8$' || true)

size_of() { wc -c <"$1" | tr -d ' '; }
now_ms() { date +%s%3N; }

# Quits the way a user does, and waits for the program to be gone: killing
# the tmux server alone leaves script(1), and beatty under it, running.
quit_beatty() {
	tmux -L "$SOCK" send-keys -t b: C-q
	n=0
	while tmux -L "$SOCK" has-session -t b 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 50 ]; then
			pid=$(tmux -L "$SOCK" display-message -p -t b: '#{pane_pid}' 2>/dev/null)
			[ -n "$pid" ] && pkill -TERM -P "$pid" 2>/dev/null
			[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
			break
		fi
		sleep 0.1
	done
}

measure() { # COLS ROWS
	tmux -L "$SOCK" kill-server 2>/dev/null
	rm -f "$TMP/typescript"
	tmux -L "$SOCK" -f "$TMP/tmux.conf" new-session -d -s b -x "$1" -y "$2" \
		"cd '$TMP' && env LC_ALL=${UTF8:-C.UTF-8} script -qfc \"'$BEATTY' demo.bty --device bt_jack\" '$TMP/typescript'"
	n=0
	until tmux -L "$SOCK" capture-pane -p -t b: 2>/dev/null | grep -q "STOP"; do
		n=$((n + 1)); [ $n -gt 100 ] && { echo "tracker screen ${1}x$2: did not start"; return; }
		sleep 0.1
	done
	tmux -L "$SOCK" send-keys -t b: F5
	n=0
	until tmux -L "$SOCK" capture-pane -p -t b: | grep -q "PLAY "; do
		n=$((n + 1)); [ $n -gt 100 ] && { echo "tracker screen ${1}x$2: did not play"; return; }
		sleep 0.1
	done
	sleep 1
	b0=$(size_of "$TMP/typescript"); t0=$(now_ms)
	sleep "$SECONDS_MEASURED"
	b1=$(size_of "$TMP/typescript"); t1=$(now_ms)
	tmux -L "$SOCK" send-keys -t b: F8
	quit_beatty
	awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v s="${1}x$2" 'BEGIN {
		printf "tracker screen %s, demo playing with follow on: %.0f bytes/s to the terminal (%.1f KB/s)\n", s, b * 1000 / t, b / t
	}'
}

measure 80 24
measure 200 50
