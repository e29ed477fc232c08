#!/bin/sh
# Bytes the tracker screen writes to the terminal per second while the
# demo plays at 140 BPM with follow on, on the pattern page: what it
# costs over SSH.  At 80x24 (the goal is at most 2 KB/s there; the test
# tui_follow.sh holds it to that) and at 200x50.
#
# follow_rate (tests/lib.sh) runs beatty under script(1), which records
# every byte sent to the terminal, in a detached tmux of the given size,
# paced by a JACK server with its dummy backend, and divides by the song
# time played.  A figure, never pass/fail.
. "$SRCDIR/tests/lib.sh"
SECONDS_MEASURED=${BENCH_SECONDS:-10}
BPM=${BENCH_BPM:-140}

for tool in tmux script; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "tracker screen: skipped ($tool is not installed)"
		exit 0
	fi
done
tui_setup bench
alsa_test_conf || { echo "tracker screen: skipped ($alsa_why)"; exit 0; }
jack_start || { echo "tracker screen: skipped ($jack_why)"; exit 0; }
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION

measure() { # COLS ROWS
	if ! follow_rate "$1" "$2" "$BPM" "$SECONDS_MEASURED"; then
		echo "tracker screen ${1}x$2: $follow_why"
		return
	fi
	awk -v b="$follow_bps" -v r="$follow_rows" -v s="${1}x$2" -v bpm="$BPM" -v lag="$follow_lagged" 'BEGIN {
		printf "tracker screen %s, demo at %d BPM on the pattern page, following %d rows: %d bytes/s to the terminal (%.2f KB/s)%s\n",
		       s, bpm, r, b, b / 1024, lag ? sprintf("; the view lagged the playhead %d times", lag) : ""
	}'
	keys C-q
	wait_for "unsaved|save" 2 && keys n
}

measure 80 24
measure 200 50
exit 0
