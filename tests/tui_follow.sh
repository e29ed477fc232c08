#!/bin/sh
# What following the playhead sends over the wire: at 80x24, the demo at
# 140 BPM on the pattern page with follow on, the screen may write at
# most 2 KB per second of song time (bytes counted through script(1),
# song time from the rows the view went through: tests/lib.sh
# follow_rate), and the view must keep the playing row in its middle,
# marked.
. "$SRCDIR/tests/lib.sh"
plan 4

for tool in tmux script; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip_n "$tool is not installed" 4
		exit 0
	fi
done
tui_setup follow
if ! alsa_test_conf || ! jack_start; then
	skip_n "no JACK device: ${jack_why:-${alsa_why:-}}" 4
	exit 0
fi
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION

ok "follow: the demo plays at 140 BPM and the view goes with it" follow_rate 80 24 140 10
echo "# $follow_bps bytes/s over $follow_rows rows"
ok "follow: at most 2048 bytes per second of song time at 80x24 ($follow_bps)" \
	test "${follow_bps:-99999}" -le 2048
ok "follow: the view's row is the playing row (lagged $follow_lagged times)" \
	test "$follow_lagged" -le 1
# The middle of the grid (line 14 of 24) is the playing row, marked >.
mid=$(sed -n 14p "$TMP/follow_screen" | cut -c1-3)
play=$(sed -n 's/.*PLAY *Ord [0-9A-F]* Pat [0-9A-F]* Row \([0-9A-F]*\) .*/\1/p' "$TMP/follow_screen")
ok "follow: the middle row ($mid) is the playing one ($play), marked" \
	sh -c "[ \$((0x${mid%>} - 0x${play:-0})) -ge -1 ] && [ \$((0x${mid%>} - 0x${play:-0})) -le 1 ] && [ '${mid#??}' = '>' ]"
tm kill-server 2>/dev/null
exit 0
