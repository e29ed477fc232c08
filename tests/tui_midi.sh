#!/bin/sh
# MIDI input on the tracker screen: raw bytes written into a FIFO that
# beatty reads (--midi), in a real terminal (tmux).  Notes arrive split
# across writes, with running status, between realtime bytes, after a
# sysex dump and garbage; the recorded song is read back from the saved
# file.  Recording over playback needs the paced JACK device (as
# tests/tui.sh); the sequencer port needs /dev/snd/seq.
. "$SRCDIR/tests/lib.sh"
plan 17

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 17
	exit 0
fi
tui_setup midi
W="$TMP/w"

# start CONFIG-LINES ARGS...: a fresh folder with a 4-channel song, a
# FIFO named pads and a config.ini; beatty in it.
start() {
	cfg=$1
	shift
	tm kill-server 2>/dev/null
	# A folder of its own each time: the beatty just hung up may still be
	# writing its autosave into the last one.
	runs=$((${runs:-0} + 1))
	W="$TMP/w$runs"
	mkdir -p "$W/cfg/beatty"
	printf '[audio]\n%s\n' "$cfg" >"$W/cfg/beatty/config.ini"
	mkfifo "$W/pads"
	cat >"$W/s.bty" <<'SONG'
[song]
format = 1
bpm = 125
channels = 4

[instrument 01]
type = synth

[pattern 00]
rows = 32

[order]
00 = 00
SONG
	tui_session 100 30 \
		"cd '$W' && env XDG_CONFIG_HOME='$W/cfg' TERM=tmux-256color LC_ALL=$UTF8 '$BEATTY' s.bty $* 2>stderr; sleep 600"
}
# midi OCTAL-BYTES: one write into the FIFO
midi() { printf "$1" >"$W/pads"; }
# pattern ROW: the saved song's line for that row (hex)
saved_row() { sed -n "/^\[pattern 00\]/,/^\[order\]/s/^$1 = //p" "$W/s.bty"; }

start "midi_seq = 0" --no-audio --midi pads
ok "the status line says where MIDI comes from" wait_for "MIDI in: pads"
keys Space
wait_for "EDIT"
# note-on C-4 velocity 100, its status byte in one write, data in the next
midi '\220'
sleep 0.2
midi '\074\144'
ok "a note split across two writes is recorded with its velocity as volume" \
	wait_for "^00 .C-4 01 32 "
ok "stopped, the cursor waits while the key is down" grep -q "Row 00/1F" "$TMP/screen"
midi '\074\000'
ok "and moves on by the step when it is let go (running-status note-off)" wait_for "Row 01/1F"
# a sysex dump ends running status, so the next two bytes are garbage;
# then a chord with a clock byte in the middle of it
midi '\360\001\002\367\005\006\220\100\120\370\103\077'
ok "a chord after a dump and garbage lands on one row, spread over channels" \
	wait_for "^01 .E-4 01 28 ....G-4 01 20 "
midi '\200\100\000\200\103\000'
ok "the cursor moves on once every key of the chord is up" wait_for "Row 02/1F"
# the sustain pedal holds a released key: the cursor stays
midi '\260\100\177\220\110\177\200\110\000'
wait_for "^02 .C-5 01 40 "
sleep 0.3
ok "with the pedal down a released key still holds the row" grep -q "Row 02/1F" "$TMP/screen"
midi '\260\100\000'
ok "lifting the pedal lets the cursor move on" wait_for "Row 03/1F"
keys Space
wait_gone "EDIT"
midi '\220\076\144\200\076\000'
sleep 0.3
keys C-s
wait_for "saved s.bty"
is "row 00 of the saved song" "C-4 01 32 ... | ... .. .. ... | ... .. .. ... | ... .. .. ..." "$(saved_row 00)"
is "row 01: the chord" "E-4 01 28 ... | G-4 01 20 ... | ... .. .. ... | ... .. .. ..." "$(saved_row 01)"
is "row 02: the held note" "C-5 01 40 ... | ... .. .. ... | ... .. .. ... | ... .. .. ..." "$(saved_row 02)"
ok "out of edit mode notes only sound: no D-4 recorded" sh -c "! grep -q D-4 '$W/s.bty'"

# The channel filter takes one MIDI channel only.
start "midi_seq = 0
midi_channel = 2" --no-audio --midi pads
wait_for "MIDI in: pads"
keys Space
wait_for "EDIT"
midi '\220\074\144\200\074\000\221\076\100\201\076\000'
ok "with midi_channel = 2 only channel 2's note is recorded" wait_for "^00 .D-4 01 20 "

start "midi_seq = 0" --no-audio --midi nosuchfifo
ok "a MIDI input that cannot be opened is named in the status line" \
	wait_for "MIDI nosuchfifo: No such file or directory"

# The ALSA sequencer port.
if [ ! -e /dev/snd/seq ]; then
	skip_n "/dev/snd/seq is missing: no ALSA sequencer on this system" 1
elif ! command -v aconnect >/dev/null 2>&1; then
	skip_n "aconnect is not installed (alsa-utils)" 1
else
	start "midi_seq = 1" --no-audio
	wait_for "MIDI in: sequencer port"
	ok "the sequencer has an input port named beatty" sh -c "aconnect -o | grep -q \"'beatty'\""
fi

# Recording over playback: at the playing row, with a note-off later.
if ! alsa_test_conf; then
	skip_n "$alsa_why" 2
	exit 0
fi
if ! jack_start; then
	skip_n "$jack_why" 2
	exit 0
fi
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
start "midi_seq = 0" --device bt_jack --midi pads
wait_for "MIDI in: pads"
keys Space F6
wait_for "PATTERN +Ord 00 Pat 00 Row 0[4-9A-F]"
midi '\220\074\144'
sleep 0.6
midi '\200\074\000'
sleep 0.2
keys F8
wait_for "STOP "
keys C-s
wait_for "saved s.bty"
on=$(sed -n '/^\[pattern 00\]/,/^\[order\]/s/^\([0-9A-F][0-9A-F]\) = C-4 01 32 .*/\1/p' "$W/s.bty")
off=$(sed -n '/^\[pattern 00\]/,/^\[order\]/s/^\([0-9A-F][0-9A-F]\) = === .*/\1/p' "$W/s.bty")
ok "a note played over playback is recorded at a playing row ($on)" test -n "$on"
# 0.6 s at 125 BPM, 4 lines per beat is 5 rows: the release lands 3..8 rows later
ok "its release is recorded rows later ($off)" \
	sh -c "[ -n '$off' ] && d=\$(( (0x$off - 0x$on + 32) % 32 )) && [ \$d -ge 3 ] && [ \$d -le 8 ]"
