#!/bin/sh
# The screen at 80x24, as over SSH: the help page whole, the order list's
# clone, channels added, removed, renamed and moved from the keyboard,
# keymaps for other trackers' habits and the mixer's parameter columns.
# Each part starts beatty on a fresh copy of the demo in a folder of its
# own.
. "$SRCDIR/tests/lib.sh"
plan 41

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 41
	exit 0
fi

tui_setup screen

# start [ARGS...]: the demo in a fresh folder, beatty on it (no sound,
# no user configuration unless $CFG names one).
start() {
	tui_fresh
	tui_session 80 24 \
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
help_all
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

# --- channels from the keyboard ------------------------------------------------------
"$BEATTY" fmt "$SRCDIR/songs/demo.bty" >"$TMP/demo.canon"
# chan FILE N: channel N's name in a saved song.
chan() { sed -n "/^\[channel $2\]\$/,/^\[/s/^name = //p" "$1"; }
start
keys M-a
ok "channels: Alt-a adds a channel after the cursor's" wait_for "channel 2 added \(9 channels\)"
ok "channels: the new one is empty, the rest moved right" grep -Eq "^Row 1  Kick +2  +3  Clap" "$TMP/screen"
keys M-n
wait_for "channel 2 name:"
keys Sub Enter
ok "channels: Alt-n names it" wait_for "^Row 1  Kick +2  Sub +3  Clap"
keys M-Right
ok "channels: Alt-Right moves it right" wait_for "^Row 1  Kick +2  Clap +3  Sub +4  Hats"
save
ok "channels: saved, the song has 9 channels" grep -q "^channels = 9$" "$TMP/saved"
is "channels: the moved channel keeps its name" "Sub" "$(chan "$TMP/saved" 3)"
ok "channels: the hats' notes moved with them (column 4)" \
	grep -Eq "^02 = (\.\.\. \.\. \.\. \.\.\. \| ){3}C-4 03 30" "$TMP/saved"
keys M-,
wait_for "^Row 1  Kick +2  Sub +3  Clap"
keys M-x
ok "channels: Alt-x removes the cursor's channel, by name" wait_for "channel 2 Sub removed"
save
ok "channels: and the song is the demo again" cmp "$TMP/demo.canon" "$TMP/saved"
keys C-z
wait_for "undone: remove channel"
save
ok "channels: undo brings the channel back" sh -c "grep -q '^channels = 9\$' '$TMP/saved'"
keys C-z C-z C-z C-z
wait_for "undone: add channel"
save
ok "channels: undoing every step gives the demo" cmp "$TMP/demo.canon" "$TMP/saved"
keys C-y
wait_for "redone: add channel"
keys C-b
wait_for "channels 1-8 of 9"
keys Right
keys -H 1b 5b 33 3b 33 7e   # Alt-Delete as xterm sends it
ok "channels: Alt-Delete on the mixer removes its channel" wait_for "channels 1-8 of 8"
ok "channels: the mixer's strips follow" grep -Eq "^1 Kick +.2 Clap +.3 Hats" "$TMP/screen"
keys -H 1b 5b 32 3b 33 7e   # Alt-Insert
ok "channels: Alt-Insert on the mixer adds one" wait_for "channels 1-8 of 9"

# --- the mixer's parameter columns -------------------------------------------------------
# The kick's EQ: hp..low_freq in the first column, low_gain..gain1 in
# the second, q1..q2 in the third.
start
keys C-b
wait_for "FX 1 Kick: 1:eq"
keys Down Down Down Down Down Down Down Right Down Down Down Down Down Enter
ok "mixer: Down stays in its column (gain1, not the next column's q1)" wait_for "eq gain1: "
keys Escape
wait_gone "eq gain1: "
keys Up Up Up Up Up Down Enter
ok "mixer: Up from a column's top goes to the chain, Down back to that top" \
	wait_for "eq low_gain: "
keys Escape
wait_gone "eq low_gain: "
keys Right Right Down Down Down Down Enter
ok "mixer: a shorter column's end is its last parameter" wait_for "eq q2: "
keys Escape

# --- keymaps ----------------------------------------------------------------------------
start --keys schism
keys Space
wait_for "EDIT"
keys 1
ok "schism: 1 types a note cut" wait_for "^00 .\^\^\^"
keys '`'
ok "schism: \` types a note off" wait_for "^01 .==="
keys Up Up DC
ok "schism: Delete pulls the rows below up" wait_for "^00 .=== "
ok "schism: and the row it deleted is gone" grep -Eq "^01 .\.\.\. " "$TMP/screen"
keys F9
ok "schism: F9 opens a song (asks first about the unsaved change)" wait_for "unsaved changes"
keys c
start --keys milky
keys F3
ok "milky: F3 sets the base octave" wait_for "Oct 3 "
keys F11
ok "milky: F11 jumps to the pattern's half" wait_for "Row 20/3F"
keys Space
ok "milky: Space (stopped) switches edit mode on" wait_for "EDIT"
keys M-1
help_all
ok "milky: the help page lists F1-F8 as octaves" grep -Eq "^  F8 +octave +base octave 8" "$TMP/help.txt"
mkdir -p "$TMP/kcfg/beatty"
printf '[ui]\nkeys = nosuch\n' >"$TMP/kcfg/beatty/config.ini"
CFG="$TMP/kcfg" start
ok "a bad keys = in config.ini is named in the status line" wait_for "no keymap 'nosuch'"
tm kill-server 2>/dev/null
"$BEATTY" --keys nosuch --no-audio >"$TMP/out" 2>"$TMP/err"
is "a bad --keys is a usage error" 2 "$?"
ok "that names the keymaps there are" grep -q "no keymap 'nosuch' (default, schism, milky" "$TMP/err"

# While playing: the layout changes under the playing song and it plays on.
if alsa_test_conf && jack_start; then
	export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
	start_args="--device bt_jack"
	tui_fresh
	tui_session 80 24 \
		"cd '$W' && env TERM=xterm-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$TMP/nocfg' '$BEATTY' $start_args demo.bty 2>stderr; echo \$? >status; sleep 600"
	wait_for "STOP +Ord 00 Pat 00 Row 00" 15
	keys F6
	wait_for "PATTERN +Ord 00 Pat 00 Row [1-3][0-9A-F]" 15
	keys M-a
	wait_for "channel 2 added"
	keys M-Right M-Right M-, M-x
	wait_for "channel 3 removed"
	ok "playing: after adding, moving and removing channels the pattern still plays" \
		wait_for "PATTERN +Ord 00 Pat 00 Row 0[0-9A-F]" 20
	ok "playing: and moves on" wait_for "PATTERN +Ord 00 Pat 00 Row [1-3][0-9A-F]" 20
	keys C-z C-z C-y
	wait_for "redone"
	ok "playing: undo and redo of the layout keep it playing" \
		wait_for "PATTERN +Ord 00 Pat 00 Row 0[0-9A-F]" 20
	keys F8
	wait_for "STOP "
	keys C-q
	wait_for "unsaved|save" 5
	keys n
	n=0
	while [ $n -lt 50 ] && [ ! -s "$W/status" ]; do sleep 0.1; n=$((n + 1)); done
	is "playing: beatty ends cleanly" "0" "$(cat "$W/status" 2>/dev/null)"
	jack_stop
else
	skip_n "no JACK device: ${jack_why:-${alsa_why:-}}" 4
fi

tm kill-server 2>/dev/null
exit 0
