#!/bin/sh
# Beatmaking tools on the tracker screen, driven by keys in tmux: scale
# lock (the song's key and scale, typed and MIDI notes snapped to it,
# out-of-scale notes marked, blocks moved by degrees) and the rhythm
# helpers.  Results are read back from the saved song.
. "$SRCDIR/tests/lib.sh"
plan 24

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 24
	exit 0
fi
tui_setup beat
W="$TMP/w"

# start SONG-PATTERN-LINES ARGS... (SONG_INST: instrument 01's lines): a 4-channel song with those lines in
# pattern 00 (32 rows), a FIFO named pads, beatty on it.
start() {
	lines=$1
	shift
	tm kill-server 2>/dev/null
	# A folder of its own each time: the beatty just hung up may still be
	# writing its autosave into the last one.
	runs=$((${runs:-0} + 1))
	W="$TMP/w$runs"
	mkdir -p "$W/cfg/beatty"
	printf '[audio]\nmidi_seq = 0\n' >"$W/cfg/beatty/config.ini"
	mkfifo "$W/pads"
	printf '[song]\nformat = 1\nbpm = 120\nchannels = 4\n\n[instrument 01]\n%s\n\n[pattern 00]\nrows = 32\n%s\n\n[order]\n00 = 00\n' \
		"${SONG_INST:-type = synth}" "$lines" >"$W/s.bty"
	[ -f "$TMP/hits.wav" ] && cp "$TMP/hits.wav" "$W/"
	tui_session 100 30 \
		"cd '$W' && env XDG_CONFIG_HOME='$W/cfg' TERM=tmux-256color LC_ALL=$UTF8 '$BEATTY' s.bty $* 2>stderr; sleep 600"
	wait_for "Row 00/1F"
}
saved_row() { sed -n "/^\[pattern 00\]/,/^\[order\]/s/^$1 = //p" "$W/s.bty"; }
save() {
	keys C-s
	wait_for "saved s.bty"
}
E='... .. .. ...'

# --- scale lock ------------------------------------------------------------
start "04 = F#4 01 .. ... | $E | $E | $E
05 = A-4 01 .. ... | $E | $E | $E" --no-audio --midi pads
keys C-d
wait_for "key and scale"
keys C-u "A minor" Enter
ok "^D sets the key and scale" wait_for "scale lock: A minor"
tm capture-pane -e -p -t bt: >"$TMP/ansi"
ok "the out-of-scale F#4 is marked (underlined)" grep -q "$(printf '\033')\[4m.*F#4" "$TMP/ansi"
ok "the in-scale A-4 is not" sh -c "! grep -q \"$(printf '\033')\\[4m[^ ]*A-4\" '$TMP/ansi'"
# C#4 typed (s) and from MIDI (key 61) both snap: C# is as near C as D,
# the lower wins; D#4 (MIDI 63) goes to D-4 the same way
keys Space s
wait_for "^00 .C-4 01"
printf '\220\075\144\200\075\000' >"$W/pads"
wait_for "^01 .C-4 01 32"
printf '\220\077\144\200\077\000' >"$W/pads"
ok "typed and MIDI notes snap into the scale" wait_for "^02 .D-4 01 32"
# the cursor is on row 03 after three notes: rows 04..05 marked, up two
# degrees: F#4 snaps to F-4 and goes on to A-4; A-4 to C-5
keys Down S-Down
keys '"' '"'
ok "a block moves by degrees of the scale" wait_for "^05 .C-5 01"
save
is "the saved song holds the scale" "scale = A minor" "$(grep '^scale' "$W/s.bty")"
is "row 04 moved two degrees" "A-4 01 .. ... | $E | $E | $E" "$(saved_row 04)"
keys C-z
ok "undo takes one step back, over the whole block" wait_for "^05 .B-4 01"
ok "(row 04 too)" grep -q "^04 .G-4 01" "$TMP/screen"
keys C-d
wait_for "key and scale"
keys C-u chromatic Enter
ok "chromatic turns the lock off" wait_for "scale lock off"

# --- rhythm helpers -----------------------------------------------------------
start "" --no-audio
keys %
ok "a rhythm needs a marked block" wait_for "rhythm: mark a block first"
# channel 2, rows 00..0F, the note under the cursor is none: C-4 01
keys Tab S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down S-Down
keys %
wait_for "rhythm \\(3/8"
keys C-u "3/8 rot 1 vol 20 accent 40" Enter
ok "the rhythm is previewed before it is written" \
	wait_for "E\\(3,8\\) rot 1  \\.x\\.\\.x\\.\\.x  C-4 01 on rows 00-0F, channel 2: write it\\? \\(y/n\\)"
ok "and nothing is written yet" sh -c "! grep -q '^.. .\\.\\.\\. \\.\\. \\.\\. \\.\\.\\..C-4' '$TMP/screen'"
keys y
ok "y writes it" wait_for "rhythm written: E\\(3,8\\) rot 1"
save
is "row 01: a hit" "$E | C-4 01 14 ... | $E | $E" "$(saved_row 01)"
is "row 04: a hit on a beat, accented" "$E | C-4 01 28 ... | $E | $E" "$(saved_row 04)"
is "the hits are rows 01 04 07 09 0C 0F" "01 04 07 09 0C 0F" \
	"$(sed -n '/^\[pattern 00\]/,/^\[order\]/s/^\([0-9A-F][0-9A-F]\) = .*C-4 01.*/\1/p' "$W/s.bty" | tr '\n' ' ' | sed 's/ $//')"
# humanize: undo, then the same seed twice gives the same pattern
keys C-z
wait_for "undo"
keys %
wait_for "rhythm \\("
keys C-u "4/4 vol 32 hv 8 hd 3 seed 5" Enter
wait_for "write it"
keys y
wait_for "rhythm written"
save
cp "$W/s.bty" "$TMP/take1"
keys C-z
wait_for "undo"
keys %
wait_for "rhythm \\("
keys Enter
wait_for "write it"
keys y
wait_for "rhythm written"
save
ok "a seeded humanize writes the same take again" cmp "$TMP/take1" "$W/s.bty"

# --- slicing ---------------------------------------------------------------------
# four 50 ms bursts, 0.5 s apart: hits at frames 0, 24000, 48000, 72000
if ! sox -n -r 48000 -c 1 -b 16 "$TMP/a.wav" synth 0.05 sine 1000 fade q 0 0.05 0.04 pad 0 0.45 2>/dev/null ||
	! sox "$TMP/a.wav" "$TMP/a.wav" "$TMP/a.wav" "$TMP/a.wav" "$TMP/hits.wav" 2>/dev/null; then
	skip_n "sox could not make the test sample" 6
	exit 0
fi
SONG_INST="type = sampler
file = hits.wav
root = C-4" start "" --no-audio
keys C-t
wait_for "file hits.wav"
keys C-k
wait_for "slice \\(8"
keys C-u "t 50" Enter
ok "^K slices at the transients and says which notes play them" wait_for "4 slices: notes C-4\\.\\.D#4 play them"
ok "the waveform shows the slice marks 0..3" grep -Eq "│ 0[^0-9]+1[^0-9]+2[^0-9]+3[^0-9]*\$" "$TMP/screen"
save
sl=$(sed -n 's/^slices = //p' "$W/s.bty")
ok "the slices sit on the hits, within 1 ms ($sl)" sh -c "echo '$sl' | awk '{ e[1]=0; e[2]=24000; e[3]=48000; e[4]=72000; if (NF != 4) exit 1; for (i = 1; i <= 4; i++) { d = \$i - e[i]; if (d < 0 || d > 48) exit 1 } }'"
keys C-k
wait_for "slice \\(8"
keys C-u "8 offsets" Enter
ok "equal slices as offsets" wait_for "8 slices: 900\\.\\.907 start them"
save
is "eight equal slices, mapped to offsets" "0 12000 24000 36000 48000 60000 72000 84000|offsets" \
	"$(sed -n 's/^slices = //p' "$W/s.bty")|$(sed -n 's/^slice_map = //p' "$W/s.bty")"
keys C-z
save
ok "undo brings the transient slices back" sh -c "[ \"\$(sed -n 's/^slices = //p' '$W/s.bty')\" = '$sl' ]"
