#!/bin/sh
# Keys over SSH: the special keys of every common terminal family sent
# as raw bytes (tmux send-keys -H) to beatty running under a TERM that
# names another terminal.  None of their bytes may reach the song: the
# song saved after them is byte for byte the song before.  Keys are
# recognised whatever TERM says, an unknown sequence is dropped whole
# with a word on the status line, every F-key command has an Alt/Esc
# key, and the help page lists both.
. "$SRCDIR/tests/lib.sh"
plan 31

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 31
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
tm kill-server 2>/dev/null
exit 0
