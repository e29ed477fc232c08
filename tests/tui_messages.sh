#!/bin/sh
# Messages at 80x24 are read whole: one longer than the status line
# takes two lines, one longer than that ends in "(F1)" and the help page
# shows the latest ones in full on top; the no-sound reason, the sample
# browser's opening line, the configuration's problems and the theme's.
. "$SRCDIR/tests/lib.sh"
plan 12

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 12
	exit 0
fi
tui_setup messages

# start CFG ARGS...: beatty on a fresh demo with config folder CFG.
start() {
	cfg=$1; shift
	tui_fresh
	tui_session 80 24 \
		"cd '$W' && env TERM=xterm-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$cfg' '$BEATTY' $* demo.bty 2>stderr; sleep 600"
	wait_for "^Row 1  Kick" 15
}
# has_bottom N TEXT: the screen's last N lines, joined by spaces, hold TEXT.
has_bottom() { tail -n "$1" "$TMP/screen" | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }

# --- a device that does not open ---------------------------------------------------
start "$TMP/nocfg" --device nosuchdevice
ok "no sound: the transport line says so, cut to the screen" \
	grep -q "^ no sound: cannot open audio device 'nosuchdevice': .*…$" "$TMP/screen"
ok "no sound: the status line has the whole reason, on two lines" \
	has_bottom 2 "no sound: cannot open audio device 'nosuchdevice': snd_pcm_open: No such file or directory"
ok "no sound: the grid gives up a line for it" \
	sh -c "tail -n 3 '$TMP/screen' | head -n 1 | grep -q '^08 '"
keys F5
wait_for "^or directory"
ok "no sound: play says the same, whole" \
	has_bottom 2 "no sound: cannot open audio device 'nosuchdevice': snd_pcm_open: No such file or directory"

# --- the sample browser's opening line -------------------------------------------
keys C-t
wait_for "Instruments"
keys C-g
wait_for "load a sample into"
ok "browser: the opening line is whole, down to Esc closes" \
	has_bottom 2 "load a sample into instrument 01: Enter loads, Space plays, letters filter, ^G folder, ^K bookmarks, Esc closes"

# --- the configuration's and the theme's problems -----------------------------------
mkdir -p "$TMP/cfg/beatty"
printf '[ui]\ntheme = nosuchtheme\nkeys = nosuch\n' >"$TMP/cfg/beatty/config.ini"
start "$TMP/cfg" --no-audio
ok "config: the first problem is whole, and how many more there are" \
	has_bottom 2 "keys: no keymap 'nosuch' (default, schism, milky, one in ~/.config/beatty/keymaps, or a file path) (+1 more on the F1 page)"
keys F1
wait_for "^Messages"
ok "help: the messages come first, the newest on top" \
	sh -c "sed -n 4,5p '$TMP/screen' | grep -q '^Messages' && sed -n 5p '$TMP/screen' | grep -q \"^  keys: no keymap 'nosuch'\""
ok "help: the theme's problem is there whole" \
	has_bottom 24 "theme: no theme 'nosuchtheme' (looked for nosuchtheme.ini in the themes folders); keeping the default theme"
ok "help: and the keys follow" grep -q "^Keys (from the key table" "$TMP/screen"

# --- longer than two lines -----------------------------------------------------------
start "$TMP/nocfg" --no-audio
long=$(printf 'x%.0s' $(seq 1 40))
keys C-o
wait_for "open:"
keys C-u "/$long/$long/$long/$long/nosuch.bty" Enter
wait_for "\(F1\)$"
ok "too long for two lines: the second ends in (F1)" grep -q "… (F1)$" "$TMP/screen"
keys F2
wait_gone "\(F1\)$"
ok "the message gone, the grid has its line back" \
	sh -c "tail -n 2 '$TMP/screen' | head -n 1 | grep -q '^09 '"
keys F1
wait_for "^Messages"
ok "help: that message whole, path and reason" \
	sh -c "tr -d '\n ' <'$TMP/screen' | grep -q '/$long/$long/$long/$long/nosuch.bty:Nosuchfileordirectory'"

tm kill-server 2>/dev/null
exit 0
