#!/bin/sh
# The tracker screen, driven by keys in a real terminal: tmux, detached,
# on a private server socket, at 80x24 and 200x50.
#
# Each check waits for the screen to reach a state (capture-pane polled
# every tenth of a second, up to a generous timeout) instead of sleeping
# a fixed time.  Saved songs are compared with expected text built from
# the demo by `beatty fmt`, never with a screen dump.  The playing checks
# need a paced device: a JACK server with its dummy backend behind
# ALSA's jack plugin (as tests/play.sh); without jackd they are skipped.
. "$SRCDIR/tests/lib.sh"
N=77
plan $N

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" $N
	exit 0
fi

tui_setup screen-main
W="$TMP/w"

# start COLS ROWS TERM ARGS...: a fresh work folder with the demo, and
# beatty in it.  The shell around beatty records its pid, the terminal
# settings before and after, and its exit status.
start() {
	cols=$1 rows=$2 term=$3
	shift 3
	tm kill-server 2>/dev/null
	# The last beatty may still be saving its recovery copy: let it end.
	if [ -s "$W/pid" ]; then
		n=50
		while [ $n -gt 0 ] && kill -0 "$(cat "$W/pid")" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
	fi
	if [ -z "${KEEP:-}" ]; then
		rm -rf "$W"
		mkdir -p "$W"
		cp "$SRCDIR/songs/demo.bty" "$W/"
		cp -r "$SRCDIR/songs/samples" "$W/"
	fi
	rm -f "$W/status" "$W/pid"
	cat >"$W/run.sh" <<EOF
cd '$W'
stty -g >tty.before
sh -c 'echo \$\$ >pid; exec "\$0" "\$@"' '$BEATTY' "\$@" 2>stderr
st=\$?
# The settings first: the tests read them as soon as the status appears.
stty -g >tty.after
echo \$st >status
sleep 600
EOF
	tui_session "$cols" "$rows" \
		"env TERM=$term LC_ALL=$UTF8 sh '$W/run.sh' $*"
	# The status line is drawn last: once it shows, so does the rest.
	wait_for "^(F1: help   Space: edit mode|a recovery copy)" 15
}

# The demo with the edits the key script below makes: pattern 04 added,
# channel 2 muted, order 06 = 03 and 07 = 04, both labelled coda.
expected_song() {
	e='... .. .. ...'
	awk -v e="$e" '
		/^\[channel 2\]$/ { ch2 = 1 }
		/^\[channel 3\]$/ { ch2 = 0 }
		ch2 && /^mute = / { print "mute = yes"; next }
		/^\[order\]$/ {
			print "[pattern 04]"
			print "rows = 64"
			print "00 = C-4 01 .. ... | " e " | " e " | " e " | " e " | " e " | " e " | " e
			print "01 = === .. .. ... | " e " | " e " | " e " | " e " | " e " | " e " | " e
			print "02 = C-5 05 30 ... | " e " | " e " | " e " | " e " | " e " | " e " | " e
			print "03 = ... .. .. C20 | " e " | " e " | " e " | " e " | " e " | " e " | " e
			print "04 = E-4 05 .. ... | " e " | " e " | " e " | " e " | " e " | " e " | " e
			print "08 = " e " | C#5 01 .. ... | " e " | " e " | " e " | " e " | " e " | " e
			print "09 = " e " | === .. .. ... | " e " | " e " | " e " | " e " | " e " | " e
			print "0A = " e " | C#6 05 30 ... | " e " | " e " | " e " | " e " | " e " | " e
			print ""
		}
		{ print }
		END { print "06 = 03 coda"; print "07 = 04 coda" }
	' "$SRCDIR/songs/demo.bty" >"$TMP/expected.bty"
	cp -r "$SRCDIR/songs/samples" "$TMP/" 2>/dev/null
	"$BEATTY" fmt "$TMP/expected.bty"
}
expected_song >"$TMP/expected.canon" 2>"$TMP/expected.err"
ok "the expected song is a valid song" test -s "$TMP/expected.canon"

# The key script: a new pattern from the order list, notes, a note-off,
# hex entry, undo/redo, a block copy and transpose, a mute, order edits.
edit_flow() {
	size=$1
	keys F3
	wait_for "Pos  Pat  Rows" || return 1
	keys End n l C-u c o d a Enter Enter
	wait_for "Ord 06/06 coda" || return 1
	keys Space z 1 '>' '>' '>' '>' q Up Right Right Right 3 0 Right Right c 2 0
	keys Left Left Left Left Left c
	wait_for "^04 .E-4 05" || return 1
	keys C-z
	wait_gone "^04 .E-4 05" || { echo "# $size: undo did not clear row 04"; return 1; }
	keys C-y
	wait_for "^04 .E-4 05" || { echo "# $size: redo did not bring row 04 back"; return 1; }
	keys Home S-Down S-Down C-c Tab C-g 8 Enter C-v
	wait_for "^08 .\.\.\. \.\. \.\. \.\.\..C-4 01" || { echo "# $size: paste"; return 1; }
	keys S-Down S-Down + '}' C-u F9
	wait_for "^0A .\.\.\. \.\. \.\. \.\.\..C#6 05 30" || { echo "# $size: transpose"; return 1; }
	keys F3
	wait_for "Pos  Pat  Rows" || return 1
	keys d - u
	wait_for "07   04    64  coda" || { echo "# $size: order edits"; return 1; }
	return 0
}

for size in 80x24 200x50; do
	c=${size%x*} r=${size#*x}
	start "$c" "$r" tmux-256color demo.bty --no-audio
	ok "$size: the demo opens (title, channel names, order position)" \
		sh -c "grep -q 'First Light' '$TMP/screen' && grep -q 'Kick' '$TMP/screen' && grep -q 'Ord 00/05 intro' '$TMP/screen'"
	ok "$size: without sound it says why in the status line" grep -q "no sound: started with --no-audio" "$TMP/screen"
	ok "$size: a pattern entered by keys, undo/redo, block copy/transpose, order edits" edit_flow "$size"
	screen >"$TMP/s.$size.modified"
	ok "$size: the title bar marks the song modified" grep -q "demo.bty \[+\]" "$TMP/s.$size.modified"
	keys C-s
	wait_for "saved demo.bty"
	ok "$size: ^S saves" grep -q "saved demo.bty" "$TMP/screen"
	ok "$size: the saved song is the expected text" diff -u "$TMP/expected.canon" "$W/demo.bty"
	ok "$size: and the title bar no longer marks it" sh -c "! grep -q 'demo.bty \[+\]' '$TMP/screen'"
	keys F2
	wait_for "1  Kick"
	screen >"$TMP/s.$size"
	if [ "$size" = 200x50 ]; then
		ok "200x50: all eight channels fit side by side" grep -q "8  Lead" "$TMP/s.$size"
	else
		ok "80x24: five channels, more to the right" grep -Eq "5  Pad 1 .*>" "$TMP/s.$size"
	fi
	keys C-q
	wait_file "$W/status" 10
	is "$size: quitting a saved song asks nothing and exits 0" 0 "$(cat "$W/status" 2>/dev/null)"
	ok "$size: the terminal settings are restored" cmp "$W/tty.before" "$W/tty.after"
done

# --- help, generated from the key table -------------------------------------
"$BEATTY" keys >"$TMP/keys.tsv"
ok "beatty keys lists the table" test "$(wc -l <"$TMP/keys.tsv")" -gt 100
for size in 80x24 200x50; do
	c=${size%x*} r=${size#*x}
	start "$c" "$r" tmux-256color demo.bty --no-audio
	keys F1
	wait_for "Keys \(from the key table"
	help_all
	# A help row lists every key of one command: "  F3, F11, Alt-3   page-order ..."
	missing=$(awk -F '\t' '
		FNR == NR {
			if ($0 !~ /^  [^ ]/) next
			line = substr($0, 3)
			if (!match(line, /  +[a-z][a-z-]* /)) next
			keys = substr(line, 1, RSTART - 1)
			cmd = substr(line, RSTART, RLENGTH); gsub(/ /, "", cmd)
			n = split(keys, k, ", ")
			for (i = 1; i <= n; i++) have[k[i] "\t" cmd] = 1
			next
		}
		!(($3 "\t" $4) in have) { print $3, $4 }
	' "$TMP/help.txt" "$TMP/keys.tsv")
	is "$size: the help page lists every binding of the key table" "" "$missing"
	keys q
	wait_gone "Keys \(from the key table"
	ok "$size: a key leaves the help page" grep -q "Row" "$TMP/screen"
done

# --- resize: reflow, refuse politely below the minimum -----------------------
start 80 24 tmux-256color demo.bty --no-audio
ok "80x24 shows channel 5 but not 8" sh -c "grep -q '5  Pad 1' '$TMP/screen' && ! grep -q '8  Lead' '$TMP/screen'"
tm resize-window -t bt: -x 200 -y 50
ok "resized to 200x50 it reflows to all eight channels" wait_for "8  Lead"
ok "and shows more rows" wait_for "^14 "
tm resize-window -t bt: -x 60 -y 20
ok "below 80x24 it refuses politely" wait_for "needs at least 80x24 \(this is 60x20\)"
tm resize-window -t bt: -x 80 -y 24
ok "back at 80x24 the grid returns" wait_for "1  Kick"

# --- quitting with unsaved changes asks ----------------------------------------
keys Space z
wait_for "demo.bty \[\+\]"
keys C-q
ok "^Q with unsaved changes asks" wait_for "has unsaved changes. Save them\? \(y\)es \(n\)o \(c\)ancel"
keys c
ok "c cancels: still running" wait_gone "has unsaved changes"
ok "no status yet" test ! -e "$W/status"
keys C-q n
wait_file "$W/status" 10
is "n quits without saving, exit 0" 0 "$(cat "$W/status" 2>/dev/null)"
ok "the song on disk is untouched" cmp "$W/demo.bty" "$SRCDIR/songs/demo.bty"
ok "the terminal settings are restored" cmp "$W/tty.before" "$W/tty.after"

# --- SIGHUP leaves a recovery copy with every edit -----------------------------
start 80 24 tmux-256color demo.bty --no-audio
edit_flow 80x24 >/dev/null
wait_for "07   04    64  coda"
kill -HUP "$(cat "$W/pid")"
wait_file "$W/status" 10
is "SIGHUP ends it with 128 + 1" 129 "$(cat "$W/status" 2>/dev/null)"
ok "it left demo.bty.autosave" test -s "$W/demo.bty.autosave"
ok "the recovery copy holds every edit" diff -u "$TMP/expected.canon" "$W/demo.bty.autosave"
ok "the song itself is untouched" cmp "$W/demo.bty" "$SRCDIR/songs/demo.bty"
ok "stderr names the recovery copy" grep -q "unsaved changes are in demo.bty.autosave" "$W/stderr"
ok "the terminal settings are restored" cmp "$W/tty.before" "$W/tty.after"

# SIGTERM too, and the next start points at the copy.
KEEP=1 start 80 24 tmux-256color demo.bty --no-audio
ok "the next start asks about the recovery copy" wait_for "a recovery copy from .*\(k\)eep aside"
keys d
wait_for "discarded the recovery copy"
keys Space z
wait_for "demo.bty \[\+\]"
kill -TERM "$(cat "$W/pid")"
wait_file "$W/status" 10
is "SIGTERM ends it with 128 + 15" 143 "$(cat "$W/status" 2>/dev/null)"
ok "and saves the recovery copy" grep -q "^00 = C-4 01" "$W/demo.bty.autosave"

# --- new, open, song settings ---------------------------------------------------
start 80 24 tmux-256color demo.bty --no-audio
keys F4
ok "F4 shows the song settings" wait_for "BPM +120"
keys Down Down + + Enter
wait_for "BPM: 122"
keys C-u 1 3 5 Enter
ok "BPM changed with + and typed in" wait_for "BPM +135"
keys C-z
ok "and undone" wait_for "BPM +122"
keys C-n
ok "^N with unsaved changes asks" wait_for "has unsaved changes"
keys n
ok "n: a new, untitled song with one empty pattern" wait_for "untitled.bty .*Pattern"
ok "its order list has one position" grep -q "Ord 00/00" "$TMP/screen"
keys C-o
wait_for "open: "
keys C-u d e m o . b t y Enter
ok "^O opens a song by name" wait_for "opened demo.bty"
ok "as it is on disk" grep -q "Ord 00/05 intro" "$TMP/screen"
keys C-o
wait_for "open: "
keys C-u n o p e . b t y Enter
ok "a song that cannot be opened is an error in the status line, not a crash" \
	wait_for "nope.bty: No such file"
mkdir -p "$W/sub"
keys C-w
wait_for "save as: "
keys C-u s u b / c o p y . b t y Enter
ok "^W saves the song under another name, in another folder" wait_for "saved sub/copy.bty"
ok "its sample paths still reach the samples from there" \
	grep -q "^file = \.\./samples/kick\.wav$" "$W/sub/copy.bty"
is "and the copy passes beatty check" 0 "$(exits "$BEATTY" check "$W/sub/copy.bty")"

# A crash it can catch still gives the terminal back.
start 80 24 tmux-256color demo.bty --no-audio
kill -SEGV "$(cat "$W/pid")"
wait_file "$W/status" 10
is "SIGSEGV: the signal still ends it (128 + 11)" 139 "$(cat "$W/status" 2>/dev/null)"
ok "and the terminal settings are restored first" cmp "$W/tty.before" "$W/tty.after"

# --- terminals: ASCII fallback, no colour -------------------------------------
for term in vt100 linux; do
	start 80 24 "$term" demo.bty --no-audio
	ok "TERM=$term: the grid shows" grep -q "1  Kick" "$TMP/screen"
	ok "TERM=$term: plain ASCII only (| separators)" \
		sh -c "LC_ALL=C grep -q '^00 |' '$TMP/screen' && ! LC_ALL=C grep -q '[^ -~]' '$TMP/screen'"
done
start 80 24 xterm-256color demo.bty --no-audio
ok "TERM=xterm-256color in UTF-8: box-drawing separators" grep -q "^00 │" "$TMP/screen"

# --- a device that does not open: the editor runs, silent, and says why -------
start 80 24 tmux-256color demo.bty --device nosuchdevice
ok "a missing device is named in the status line" \
	grep -q "no sound: cannot open audio device 'nosuchdevice'" "$TMP/screen"
keys F5
ok "play then says there is no sound" wait_for "no sound: cannot open"
keys Space z
ok "and editing works" wait_for "^00 .C-4 01"

# --- playing through a paced device ----------------------------------------------
if ! alsa_test_conf; then
	skip_n "$alsa_why" 9
	exit 0
fi
if ! jack_start; then
	skip_n "$jack_why" 9
	exit 0
fi
# The pane must see the test's ALSA configuration and JACK server.
start_jack() {
	start 80 24 tmux-256color "$@" --device bt_jack
}
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
start_jack demo.bty
ok "with the JACK device it is stopped and silent at start" wait_for "STOP +Ord 00 Pat 00 Row 00"
keys F6
ok "F6 plays the pattern" wait_for "PATTERN +Ord 00 Pat 00 Row 0[4-9A-F]"
ok "the playhead moves on" wait_for "PATTERN +Ord 00 Pat 00 Row [1-3][0-9A-F]"
ok "the grid follows it, marked at the playing row" grep -Eq "^[1-3][0-9A-F]>" "$TMP/screen"
ok "the pattern loops (back to the top of order 00)" wait_for "PATTERN +Ord 00 Pat 00 Row 0[0-9A-F]" 15
keys F8
ok "F8 stops" wait_for "STOP "
# Record: edit mode while playing puts the note on the row that plays.
keys Tab Tab Tab Tab Tab Tab Tab Space F6
wait_for "PATTERN +Ord 00 Pat 00 Row [1-3]"
keys p F8
wait_for "STOP "
keys C-s
wait_for "saved demo.bty"
ok "a note typed in edit mode while playing lands in the playing pattern" \
	sh -c "sed -n '/^\[pattern 00\]/,/^\[pattern 01\]/p' '$W/demo.bty' | grep -q 'E-6 01 .. ...\$'"
# Jam a few notes (edit mode off: they only sound), then render from the
# screen: the file must be the offline render of the song on disk.
keys Space
wait_gone "EDIT"
keys z x c v
keys C-r
wait_for "render to"
keys C-u "$W/ui.wav" Enter
ok "^R renders in the background and reports" wait_for "rendered .*ui.wav" 60
"$BEATTY" render "$W/demo.bty" -o "$W/cli.wav" >/dev/null 2>&1
ok "the rendered file is the CLI render of the song, byte for byte" cmp "$W/ui.wav" "$W/cli.wav"
exit 0
