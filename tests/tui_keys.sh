#!/bin/sh
# Keys over SSH: the special keys of every common terminal family sent
# as raw bytes (tmux send-keys -H) to beatty running under a TERM that
# names another terminal.  None of their bytes may reach the song: the
# song saved after them is byte for byte the song before.  Keys are
# recognised whatever TERM says, an unknown sequence is dropped whole
# with a word on the status line, every F-key command has an Alt/Esc
# key, and the help page lists both.  Then the schism and milky keymaps:
# each of their keys, typed, does its tracker's command.
. "$SRCDIR/tests/lib.sh"
plan 76

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 76
	exit 0
fi

tui_setup keys
W="$TMP/w"
CFG="$TMP/cfg"

# start TERM [CONFIG-DIR]: the demo in a fresh folder, beatty on it.
start() {
	term=$1
	cfg=${2:-$TMP/nocfg}
	tui_fresh
	tui_session 80 24 \
		"cd '$W' && env TERM=$term LC_ALL=$UTF8 XDG_CONFIG_HOME='$cfg' '$BEATTY' --no-audio demo.bty 2>stderr; sleep 600"
	wait_for "^F1: help   Space: edit mode" 15
}

# hex BYTES...: raw bytes, as the terminal would send them.
hex() { keys -H "$@"; }

# Each family's F1-F12, Home, End, Insert, Delete, PgUp, PgDn.
XTERM_KEYS="1b4f50 1b4f51 1b4f52 1b4f53 1b5b31357e 1b5b31377e 1b5b31387e 1b5b31397e
 1b5b32307e 1b5b32317e 1b5b32337e 1b5b32347e 1b5b48 1b5b46 1b4f48 1b4f46 1b5b327e 1b5b337e
 1b5b357e 1b5b367e"
RXVT_KEYS="1b5b31317e 1b5b31327e 1b5b31337e 1b5b31347e 1b5b31357e 1b5b31377e 1b5b31387e
 1b5b31397e 1b5b32307e 1b5b32317e 1b5b32337e 1b5b32347e 1b5b377e 1b5b387e 1b5b327e 1b5b337e
 1b5b357e 1b5b367e"
LINUX_KEYS="1b5b5b41 1b5b5b42 1b5b5b43 1b5b5b44 1b5b5b45 1b5b31377e 1b5b31387e 1b5b31397e
 1b5b32307e 1b5b32317e 1b5b32337e 1b5b32347e 1b5b317e 1b5b347e 1b5b327e 1b5b337e 1b5b357e
 1b5b367e"
VT_KEYS="1b4f50 1b4f51 1b4f52 1b4f53 1b5b31377e 1b5b31387e 1b5b31397e 1b5b32307e 1b5b32317e
 1b5b32337e 1b5b32347e 1b5b317e 1b5b347e 1b5b327e 1b5b337e 1b5b357e 1b5b367e"
# All of a family's keys in one write, as a fast typist or a paste would.
send_family() {
	# shellcheck disable=SC2046
	hex $(echo "$1" | tr -d ' \n' | sed 's/../& /g')
}

# --- no byte of a special key reaches the song ------------------------------------
# Every special key does nothing (keys.ini), so
# what each one decodes to cannot change the song either: only bytes
# that leak through as ordinary keys could.
mkdir -p "$CFG/beatty"
{
	echo "[global]"
	for k in 1 2 3 4 5 6 7 8 11 12; do echo "none = KEY_F($k)"; done
	echo "[pattern]"
	for k in KEY_F\(9\) KEY_F\(10\) KEY_HOME KEY_END KEY_IC KEY_DC KEY_PPAGE KEY_NPAGE; do echo "none = $k"; done
} >"$CFG/beatty/keys.ini"
"$BEATTY" fmt "$SRCDIR/songs/demo.bty" >"$TMP/demo.canon"
for term in vt100 xterm-256color linux rxvt; do
	start "$term" "$CFG"
	keys Space
	wait_for "EDIT"
	for fam in "$XTERM_KEYS" "$RXVT_KEYS" "$LINUX_KEYS" "$VT_KEYS"; do
		send_family "$fam"
	done
	keys C-f
	wait_for "follow off"
	ok "TERM=$term: the keys of xterm, rxvt, the console and vt220 leave the song unmarked" \
		sh -c "! grep -q 'demo.bty \[+\]' '$TMP/screen' && ! grep -q 'unknown key' '$TMP/screen'"
	keys C-s
	wait_for "saved demo.bty"
	ok "TERM=$term: and the song saved after them is the song before" cmp "$TMP/demo.canon" "$W/demo.bty"
done

# --- keys recognised whatever TERM says --------------------------------------------
start xterm-256color
keys Down Down Down
wait_for "Row 03/3F"
hex 1b 5b 31 7e   # Home as tmux and screen send it
ok "TERM=xterm-256color: tmux's Home goes to the first row" wait_for "Row 00/3F"
ok "and leaves the edit step alone" grep -q "Step 1 " "$TMP/screen"
hex 1b 5b 5b 44   # F4 on the Linux console
ok "TERM=xterm-256color: the console's F4 opens the song settings" wait_for "Song settings|BPM"
hex 1b 5b 31 32 7e   # F2 on rxvt
ok "and rxvt's F2 the pattern editor" wait_for "Row 00/3F"
start vt100
hex 1b 5b 31 33 7e   # F3 on rxvt and vt220
ok "TERM=vt100: F3 of a vt220 opens the order list" wait_for "Pos  Pat  Rows"
hex 1b 5b 31 3b 32 42   # Shift-Down as xterm sends it
ok "TERM=vt100: xterm's Shift-Down moves the order entry down" wait_for "^ *01 +00 "

# --- an unknown sequence goes whole, and says so --------------------------------------
start vt100
keys Space
wait_for "EDIT"
hex 1b 5b 39 39 7e
ok "an unknown sequence is named on the status line" wait_for "unknown key \^\[\[99~: ignored"
ok "and none of its bytes is typed" sh -c "! grep -q 'demo.bty \[+\]' '$TMP/screen'"
keys Down
ok "the next command clears the message" wait_gone "unknown key"
keys C-w C-u Enter
wait_for "no file name: not saved"
keys Down
ok "and an error's (a save without a name)" wait_gone "no file name"

# --- smaller faults ----------------------------------------------------------------------
start xterm-256color
keys '*' '*' '*' '*' '*' '*'
wait_for "Oct 8"
keys Space
wait_for "EDIT"
keys i
ok "a note above B-9 is refused with a word" wait_for "no note above B-9"
keys Escape Escape F3
wait_for "Pos  Pat  Rows"
keys c
ok "cloning an order entry names the pattern it copied" wait_for "pattern 00 cloned to 04"

# --- every F-key command without F-keys ------------------------------------------------
start vt100
keys Escape
sleep 0.2   # Esc alone must reach beatty first: after it, 3 is a key of its own
keys 3
ok "Esc then 3 opens the order list" wait_for "Pos  Pat  Rows"
hex 1b 34
ok "Alt-4 opens the song settings" wait_for "BPM"
hex 1b 32
ok "Alt-2 the pattern editor" wait_for "Row 00/3F"
ok "and nothing was typed" sh -c "! grep -q 'demo.bty \[+\]' '$TMP/screen'"
hex 1b 6d
ok "Alt-m opens the master page" wait_for "Master"

# --- the help page lists both ----------------------------------------------------------
keys Escape
sleep 0.2
keys 1
wait_for "Keys \(from the key table"
help_all
ok "the help page lists F5 and Alt-5 for play-song" grep -Eq "^  F5, Alt-5 +play-song " "$TMP/help.txt"
ok "and F9 and Alt-9 for mute" grep -Eq "^  F9, Alt-9 +mute " "$TMP/help.txt"
ok "no heading reads (null)" sh -c "! grep -q '(null)' '$TMP/help.txt'"
ok "every page has its heading" sh -c "grep -qx 'Instruments *' '$TMP/help.txt' && grep -qx 'Sample browser *' '$TMP/help.txt' && grep -qx 'Mixer *' '$TMP/help.txt' && grep -qx 'Master *' '$TMP/help.txt'"
is "each command is one row (Enter once on the order list)" 1 \
	"$(sort -u "$TMP/help.txt" | grep -c "order-edit")"
ok "the introduction is whole at 80 columns" grep -q "Esc 1 shows this page" "$TMP/help.txt"

# --- the schism and milky keymaps: each key does its tracker's command ---------------
# start_keys KEYMAP [OPTION...]: the demo under --keys KEYMAP on an xterm.
start_keys() {
	km=$1
	shift
	tui_fresh
	tui_session 80 24 \
		"cd '$W' && env TERM=xterm-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$TMP/nocfg' '$BEATTY' --keys $km $* demo.bty 2>stderr; sleep 600"
	wait_for "Pat 00 Row 00/3F"
}
# cell ROW CHANNEL: what the grid shows in that channel on that row.
cell() {
	screen | awk -F'│' -v r="$1" -v c="$2" 'index($0, r " ") == 1 { sub(/ +$/, "", $(c + 1)); print $(c + 1); exit }'
}
# wait_cell ROW CHANNEL TEXT: until the grid shows TEXT there.
wait_cell() {
	n=50
	while [ $n -gt 0 ]; do
		[ "$(cell "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "row $1, channel $2: '$(cell "$1" "$2")', not '$3'"
	return 1
}

start_keys schism
keys F10
ok "schism: F10 asks for a name to save as (Save Module)" wait_for "save as: "
keys Escape
keys M-Home
ok "schism: Alt-Home lowers the octave" wait_for "Oct 3 "
keys M-End M-End
ok "schism: Alt-End raises it" wait_for "Oct 5 "
keys C-Down
ok "schism: Ctrl-Down chooses the next instrument" wait_for "Ins 02 "
keys '<' '<' '<' '<' '>' '>'
wait_for "Ins 03 "
keys C-Up
ok "schism: Ctrl-Up the previous one" wait_for "Ins 02 "
keys '<'
wait_for "Ins 01 "
keys C-NPage
ok "schism: Ctrl-PgDn goes to the last row" wait_for "Row 3F/3F"
keys End
wait_for "Row 3F/3F"
keys C-PPage
ok "schism: Ctrl-PgUp to the first" wait_for "Row 00/3F"
keys +
ok "schism: + goes to the next order position" wait_for "Ord 01/05"
keys '(' '(' '(' ')' ')'
wait_for "Ord 02/05"
keys -
ok "schism: - to the previous one" wait_for "Ord 01/05"
keys '('
wait_for "Ord 00/05"
keys Home Down Down Tab Tab
wait_for "Row 02/3F"
keys BSpace
ok "schism: Backspace goes back a row" wait_for "Row 01/3F"
ok "and deletes nothing" wait_cell 02 3 "C-4 03 30 ..."
keys BTab BTab Up Space
wait_for "EDIT"
keys M-Right z
ok "schism: Alt-Right moves the cursor to the next channel" wait_cell 00 2 "C-5 01 .. ..."
ok "and leaves the channels where they are" wait_for "^Row 1  Kick +2  Clap "
keys Up M-c
wait_for "copied 1 x 1"
keys M-Left Down M-o
ok "schism: Alt-O pastes over" wait_cell 01 1 "C-5 01 .. ..."
keys M-x
ok "schism: Alt-X slides values over a block (here: asks for one)" \
	wait_for "interpolate: mark a block first"
ok "and removes no channel" wait_for "^Row 1  Kick +2  Clap "
keys M-Right M--
ok "schism: Alt-- removes the channel" wait_for "^Row 1  Kick +2  Hats "

# step_to N: the edit step set to N with beatty's own [ and ].
step_to() {
	keys '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '[' '['
	wait_for "Step 0 "
	i=0
	while [ $i -lt "$1" ]; do keys ']'; i=$((i + 1)); done
	wait_for "Step $1 "
}
start_keys milky
step_to 1
keys '`'
ok "milky: the key below Esc raises the edit step" wait_for "Step 2 "
step_to 2
keys '~'
ok "milky: Shift with it lowers the step" wait_for "Step 1 "
step_to 1
keys M-=
ok "milky: so does Alt-= raise it" wait_for "Step 2 "
step_to 2
keys M--
ok "milky: and Alt-- lower it" wait_for "Step 1 "
step_to 1
keys C-Down
ok "milky: Ctrl-Down chooses the next instrument" wait_for "Ins 02 "
keys '<' '<' '<' '<' '>' '>'
wait_for "Ins 03 "
keys C-Up
ok "milky: Ctrl-Up the previous one" wait_for "Ins 02 "
keys '<'
wait_for "Ins 01 "
keys M
ok "milky: Shift-M mutes the channel" wait_for "^Row 1  Kick +M "
keys Space
wait_for "EDIT"
keys !
ok "milky: ! writes a note cut" wait_cell 00 1 "^^^ .. .. ..."
keys Up M-Down M-Down C-c
ok "milky: Alt-Down marks a block" wait_for "copied 1 x 3"
keys C-u Tab Tab
keys M-F4
ok "milky: Alt-F4 copies" wait_for "copied 1 x 1"
keys Down M-F5
ok "milky: Alt-F5 pastes" wait_cell 03 3 "C-4 03 30 ..."
keys M-F2
ok "milky: Alt-F2 transposes up" wait_cell 03 3 "C#4 03 30 ..."
keys M-F1
ok "milky: Alt-F1 transposes down" wait_cell 03 3 "C-4 03 30 ..."
keys I
ok "milky: Shift-I interpolates (here: asks for a block)" wait_for "interpolate: mark a block first"
keys S-DC
ok "milky: Shift-Delete clears the note" wait_cell 03 3 "... .. 30 ..."
ok "and deletes no row" wait_cell 06 3 "C-4 03 30 ..."
keys Up C-DC
ok "milky: Ctrl-Delete clears the note too" wait_cell 02 3 "... .. 30 ..."
keys Up Up
wait_for "Row 00/3F"
keys C-h
ok "milky: Ctrl-Backspace (^H) deletes the row in every channel" wait_cell 05 3 "C-4 03 30 ..."
keys Down Down Down Down Down M-DC
ok "milky: Alt-Delete clears the note" wait_cell 05 3 "... .. 30 ..."
ok "and removes no channel" wait_for "^Row 1  Kick .* 3  Hats "

# --- playing: a paced device (JACK) --------------------------------------------------
if ! alsa_test_conf; then
	skip_n "$alsa_why" 8
	tm kill-server 2>/dev/null
	exit 0
fi
if ! jack_start; then
	skip_n "$jack_why" 8
	tm kill-server 2>/dev/null
	exit 0
fi
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
start_keys schism --device bt_jack
wait_for "STOP +Ord 00"
keys S-F6
ok "schism: Shift-F6 plays the song from the order" wait_for "PLAY +Ord 00"
keys F8
ok "schism: F8 stops" wait_for "STOP +Ord 00"
keys C-NPage Up Up Up
wait_for "Row 3C/3F"
keys C-F6
ok "schism: Ctrl-F6 plays from the cursor row" wait_for "PLAY +Ord 00 Pat 00 Row 3[C-F]|PLAY +Ord 01"
keys F8
wait_for "STOP +Ord"
start_keys milky --device bt_jack
wait_for "STOP +Ord 00"
keys S-F9
ok "milky: Shift-F9 plays the pattern" wait_for "PATTERN +Ord 00"
keys Space
ok "milky: Space stops" wait_for "STOP +Ord 00"
keys Enter
ok "milky: Enter plays the song" wait_for "PLAY +Ord 00"
keys Space
wait_for "STOP +Ord 00"
keys End Up Up Up
wait_for "Row 3C/3F"
keys M-Space
ok "milky: Alt-Space plays from the cursor row" wait_for "PLAY +Ord 00 Pat 00 Row 3[C-F]|PLAY +Ord 01"
keys Space
ok "and Space stops it" wait_for "STOP +Ord"
tm kill-server 2>/dev/null
exit 0
