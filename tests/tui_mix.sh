#!/bin/sh
# The mixer and master pages, driven by keys in a real terminal (tmux,
# detached, private server socket, 80x24).
#
# Without sound: faders, bypass, adding a unit, undo and the A/B
# indicator, the reverb bus's level and a parameter of its unit,
# checked on screen and in the saved song's text (compared with the
# demo edited the same way, put in canonical form by `beatty fmt`).  With sound (a JACK server on its dummy backend behind
# ALSA's jack plugin, as in tests/tui.sh): a fader moved while playing
# moves the meter on screen; an A/B flip changes the output loudness
# and level matching evens it out; the master page's integrated
# loudness of a steady song agrees with `beatty info --loudness`.
# Each check waits for the screen to reach a state, never a fixed time.
. "$SRCDIR/tests/lib.sh"
N=31
plan $N

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" $N
	exit 0
fi

tui_setup mix
W="$TMP/w"

# start SONG ARGS...: a fresh work folder with the demo (and the steady
# song), beatty in it at 80x24.
start() {
	tm kill-server 2>/dev/null
	if [ -s "$W/pid" ]; then
		n=50
		while [ $n -gt 0 ] && kill -0 "$(cat "$W/pid")" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
	fi
	rm -rf "$W"
	mkdir -p "$W"
	cp "$SRCDIR/songs/demo.bty" "$W/"
	cp -r "$SRCDIR/songs/samples" "$W/"
	cp "$TMP/steady.bty" "$W/"
	tui_run_script
	tui_session 80 24 "env TERM=tmux-256color LC_ALL=$UTF8 sh '$W/run.sh' $*"
	wait_for "^(F1: help   Space: edit mode|a recovery copy)" 15
}

steady_song "$TMP/steady.bty"

# The number shown in a strip's hold/clip line (screen line 6) at column
# x (1-based): "-12.3", or -200 for -inf.
hold_at() {
	line=$(sed -n 6p "$TMP/screen")
	v=$(printf '%s\n' "$line" | cut -c"$1"-"$(($1 + 6))" | tr -d ' ')
	case $v in
	-inf|'') echo -200 ;;
	CLIP) echo 0 ;;
	*) echo "$v" ;;
	esac
}

# A reading of the master page: "Short-term" -> its LUFS.
reading() {
	v=$(grep -o "$1 *-\?[0-9.inf]* LUFS" "$TMP/screen" | awk '{ print $(NF-1) }')
	case $v in
	-inf|'') echo -200 ;;
	*) echo "$v" ;;
	esac
}

# Expected songs: the demo edited by awk, then canonical.
canon() {
	cp "$1" "$TMP/canon.bty"
	cp -r "$SRCDIR/songs/samples" "$TMP/" 2>/dev/null
	"$BEATTY" fmt "$TMP/canon.bty"
}

# --- without sound: edits reach the song ------------------------------------
start demo.bty --no-audio
keys C-b
ok "^B opens the mixer: eight strips and the master at 80x24" wait_for "1 Kick .*8 Lead .*Master"
ok "the faders show the song's levels" grep -Eq "^-2\.0 +.{1,3}-5\.0 +.{1,3}-9\.0" "$TMP/screen"
# Channel 2's fader up 3 dB (fine steps of 0.5), channel 3 panned left 10.
keys Right + + + + + +
ok "the fader moves on screen" wait_for "^-2\.0 +.{1,3}-2\.0 +.{1,3}-9\.0"
keys Right Down - -
ok "the pan moves on screen" wait_for "^C +.{1,3}C +.{1,3}R15 "
keys C-s
wait_for "saved demo.bty"
awk '
	/^\[/ { sec = $0 }
	sec == "[channel 2]" && /^volume = / { print "volume = -2"; next }
	sec == "[channel 3]" && /^pan = / { print "pan = 15"; next }
	{ print }
' "$SRCDIR/songs/demo.bty" >"$TMP/e1.bty"
canon "$TMP/e1.bty" >"$TMP/e1.canon"
ok "the saved song has the new fader and pan" diff -u "$TMP/e1.canon" "$W/demo.bty"

# Channel 1's chain: bypass its EQ, add a compressor after it, raise
# its threshold a coarse step, key it from channel 2.
keys Left Left Up Down Down Down Down Down Down
wait_for "FX 1 Kick"
keys b
ok "b bypasses the unit (marked off)" wait_for "1:eq\(off\)"
keys a
wait_for "add FX unit"
keys comp Enter
ok "a adds a unit after it" wait_for "1:eq\(off\) +2:comp"
ok "its parameters come from its table" grep -Eq "threshold +-18\.0 dB" "$TMP/screen"
keys Down PPage
ok "PgUp raises the threshold a coarse step" wait_for "threshold +-13\.0 dB"
keys c
wait_for "sidechain channels"
keys C-u "2" Enter
ok "c sets the sidechain" wait_for "sidechain +2( |$)"
keys C-s
wait_for "saved demo.bty"
awk '
	/^\[/ {
		if (sec == "[channel 1 fx 1]") {
			print "[channel 1 fx 2]"; print "type = comp"; print "threshold = -13"
			print "sidechain = 2"; print ""
		}
		sec = $0
	}
	sec == "[channel 1 fx 1]" && /^bypass = / { print "bypass = yes"; next }
	sec == "[channel 2]" && /^volume = / { print "volume = -2"; next }
	sec == "[channel 3]" && /^pan = / { print "pan = 15"; next }
	{ print }
' "$SRCDIR/songs/demo.bty" >"$TMP/e2.bty"
canon "$TMP/e2.bty" >"$TMP/e2.canon"
ok "the saved song has the bypass, the new unit, its sidechain and threshold" \
	diff -u "$TMP/e2.canon" "$W/demo.bty"
keys C-z C-z C-z
ok "undo takes the unit away again" wait_for "FX 1 Kick: 1:eq\(off\) *$"
keys C-z
ok "and the bypass" wait_for "FX 1 Kick: 1:eq *$"
keys A
ok "A starts A/B: B is heard" wait_for "A/B: hearing B"
keys A
ok "A again flips to A" wait_for "A/B: hearing A"
keys K
ok "K keeps it and ends the compare" wait_for "A/B: off"
tui_quit
is "beatty quits" 0 "$(cat "$W/status" 2>/dev/null)"

# The buses: their strips follow the channels'.  The reverb's return
# level down 1.5 dB, its size up a coarse step; saved, then undone.
start demo.bty --no-audio
keys C-b
wait_for "1 Kick .*8 Lead .*Master"
keys Right Right Right Right Right Right Right Right
ok "Right past the last channel reaches the reverb bus and its unit" \
	wait_for "^ FX Rev bus: 1:reverb *$"
keys - - -
ok "the bus level moves on screen" wait_for "-9\.0 +.{1,3}-1\.5 +.{1,3}\+8\.0"
keys Down Down
ok "Down reaches the reverb's parameters" wait_for "^ size +70 % "
keys PPage
ok "PgUp raises its size a coarse step" wait_for "^ size +75 % "
keys C-s
wait_for "saved demo.bty"
awk '
	/^\[/ { sec = $0 }
	sec == "[bus reverb]" && /^volume = / { print "volume = -1.5"; next }
	sec == "[bus reverb]" && /^size = / { print "size = 75"; next }
	{ print }
' "$SRCDIR/songs/demo.bty" >"$TMP/e3.bty"
canon "$TMP/e3.bty" >"$TMP/e3.canon"
ok "the saved song has the bus level and the reverb's size" diff -u "$TMP/e3.canon" "$W/demo.bty"
keys C-z
ok "undo takes the size back" wait_for "^ size +70 % "
keys Up Up Right
ok "the delay bus stands beside it" wait_for "^ FX Dly bus: 1:delay *$"
tui_quit
is "beatty quits" 0 "$(cat "$W/status" 2>/dev/null)"

# --- with sound ----------------------------------------------------------------
if ! alsa_test_conf; then
	skip_n "$alsa_why" 6
	exit 0
fi
if ! jack_start; then
	skip_n "$jack_why" 6
	exit 0
fi

# A fader moved while playing moves the meter: channel 1 (the kick)
# down 18 dB, its peak hold drops.
start demo.bty --device bt_jack
keys C-b F5
wait_for "PLAY"
# the hold line shows a level once the kick plays; let it settle
wait_for "^ +-[0-9]+\.[0-9]" 10
sleep 3
screen >"$TMP/screen"
before=$(hold_at 1)
keys NPage NPage NPage NPage NPage NPage
wait_for "^-20\.0 "
n=0
after=$before
while [ $n -lt 60 ]; do
	sleep 0.1
	screen >"$TMP/screen"
	after=$(hold_at 1)
	awk -v a="$after" -v b="$before" 'BEGIN { exit !(a < b - 10) }' && break
	n=$((n + 1))
done
ok "moving the fader 18 dB down while playing drops the meter (hold $before -> $after dB)" \
	awk -v a="$after" -v b="$before" 'BEGIN { exit !(b > -40 && a < b - 10) }'

# A/B while playing: B's master 12 dB down.  Matching off, the flip is
# heard as a level change; matching on, the louder side is lowered to
# the quieter one's loudness (measured from the tap).
keys A C-]
wait_for "Master level"
keys L
wait_for "A/B level matching off"
keys NPage NPage NPage NPage
wait_for "Master level +-4\.0 dB"
sleep 4
screen >"$TMP/screen"
lb=$(reading Short-term)
keys A
wait_for "A/B: hearing A"
sleep 4
screen >"$TMP/screen"
la=$(reading Short-term)
ok "flipping A/B changes the output loudness (B $lb, A $la LUFS)" \
	awk -v a="$la" -v b="$lb" 'BEGIN { exit !(b > -100 && a > b + 4) }'
ok "the master page shows which side plays" grep -q "A/B: hearing A" "$TMP/screen"
# Matching on: both sides have been heard; A, the louder, is lowered,
# then corrected from what it measures (the limiter lets go) until the
# short-term loudness agrees.
keys L
wait_for "level matching on"
n=0
while [ $n -lt 25 ]; do
	sleep 1
	screen >"$TMP/screen"
	lm=$(reading Short-term)
	awk -v a="$lm" -v b="$lb" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1) }' && break
	n=$((n + 1))
done
ok "with level matching A comes to B's loudness (A $lm, B $lb LUFS, after ${n}s)" \
	awk -v a="$lm" -v b="$lb" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1) }'
keys C-b
ok "the mixer shows the matching offset" wait_for "A/B: hearing A +-[0-9]+\.[0-9] dB"
tui_quit

# The master page's integrated loudness agrees with the offline measure.
want=$("$BEATTY" info --loudness "$TMP/steady.bty" | sed -n 's/^loudness: *\(-\?[0-9.]*\) LUFS.*/\1/p')
start steady.bty --device bt_jack
keys C-] F5
wait_for "PLAY"
sleep 6
screen >"$TMP/screen"
got=$(reading Integrated)
ok "the integrated loudness while playing agrees with beatty info ($got vs $want LUFS)" \
	awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b < 0 && d <= 1) }'
tui_quit
exit 0
