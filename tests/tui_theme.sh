#!/bin/sh
# Themes, config.ini and keys.ini, on the real program.
#
# --dump-config and --dump-keys read back as they were written, and a
# bad line in the user's file is named with file and line on stderr;
# `beatty keys` lists the bindings as keys.ini makes them.
# In a real terminal (tmux, detached, private socket): every shipped
# theme draws the screen, and the title bar's colour codes (capture-pane
# -e keeps the SGR sequences) differ from theme to theme, on 256- and
# 8-colour terminals; config.ini chooses the theme and --theme wins over
# it; a bad keys.ini line shows on screen with file and line; and a key
# rebound in keys.ini plays the song (through a JACK-paced device; the
# playing checks are skipped without jackd).
. "$SRCDIR/tests/lib.sh"
plan 36

CFG="$TMP/cfg"
mkdir -p "$CFG/beatty/themes"

# --- the dump commands -------------------------------------------------------------
XDG_CONFIG_HOME="$CFG" "$BEATTY" --dump-config >"$TMP/config.ini" 2>"$TMP/dump.err"
ok "--dump-config prints a config.ini" grep -q '^autosave = 60$' "$TMP/config.ini"
is "--dump-config without a config.ini says nothing on stderr" "" "$(cat "$TMP/dump.err")"
cp "$TMP/config.ini" "$CFG/beatty/config.ini"
XDG_CONFIG_HOME="$CFG" "$BEATTY" --dump-config >"$TMP/config2.ini" 2>"$TMP/dump.err"
ok "its output read back as config.ini gives no message" test ! -s "$TMP/dump.err"
ok "and the same defaults" cmp "$TMP/config.ini" "$TMP/config2.ini"

XDG_CONFIG_HOME="$CFG" "$BEATTY" --dump-keys >"$TMP/keys.ini" 2>"$TMP/dump.err"
ok "--dump-keys prints a keys.ini" grep -Eq '^play-song +=  ?KEY_F\(5\) +; ' "$TMP/keys.ini"
cp "$TMP/keys.ini" "$CFG/beatty/keys.ini"
XDG_CONFIG_HOME="$CFG" "$BEATTY" --dump-keys >"$TMP/keys2.ini" 2>"$TMP/dump.err"
ok "its output read back as keys.ini gives no message" test ! -s "$TMP/dump.err"
ok "and the same bindings" cmp "$TMP/keys.ini" "$TMP/keys2.ini"

printf '[global]\nstop = KEY_F(8)\nplya = KEY_F(9)\n[ui]\n' >"$CFG/beatty/keys.ini"
XDG_CONFIG_HOME="$CFG" "$BEATTY" --dump-keys >/dev/null 2>"$TMP/dump.err"
is "--dump-keys names a bad keys.ini line on stderr" \
	"beatty: $CFG/beatty/keys.ini:3: unknown command 'plya'; keeping the default" \
	"$(head -1 "$TMP/dump.err")"
ok "and an unknown context, listing the known ones" grep -Eqx \
	"beatty: $CFG/beatty/keys.ini:4: unknown context \\[ui\\] \\(global, pattern, .*help.*\\); its lines are ignored" \
	"$TMP/dump.err"
printf '[audio]\nperiod = 3\n[ui]\ntheme = nosuch\n' >"$CFG/beatty/config.ini"
XDG_CONFIG_HOME="$CFG" "$BEATTY" --dump-config >/dev/null 2>"$TMP/dump.err"
is "--dump-config names bad config.ini lines and a missing theme on stderr" \
	"beatty: $CFG/beatty/config.ini:2: bad period '3' (16..8192); keeping the default (256)
beatty: theme: no theme 'nosuch' (looked for nosuch.ini in the themes folders); keeping the default theme" \
	"$(cat "$TMP/dump.err")"
# beatty keys lists the table the screen uses: keys.ini over the defaults.
printf '[global]\nplay-song = KEY_F(9)\nnone = KEY_F(5)\n[pattern]\nplya = x\n' \
	>"$CFG/beatty/keys.ini"
XDG_CONFIG_HOME="$CFG" "$BEATTY" keys >"$TMP/keys.txt" 2>"$TMP/keys.err"
TAB=$(printf '\t')
ok "beatty keys shows a binding keys.ini adds" \
	grep -q "^global${TAB}KEY_F(9)${TAB}F9${TAB}play-song${TAB}" "$TMP/keys.txt"
ok "and not the key keys.ini unbinds" sh -c "! grep -q '^global${TAB}KEY_F(5)${TAB}' '$TMP/keys.txt'"
is "and names a bad keys.ini line on stderr with file and line" \
	"beatty: $CFG/beatty/keys.ini:5: unknown command 'plya'; keeping the default" \
	"$(cat "$TMP/keys.err")"
rm -f "$CFG/beatty/config.ini" "$CFG/beatty/keys.ini"

# --- the screen --------------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 23
	exit 0
fi
tui_setup theme
W="$TMP/w"
mkdir -p "$W"
cp "$SRCDIR/songs/demo.bty" "$W/"
cp -r "$SRCDIR/songs/samples" "$W/"

# start TERM ARGS...: beatty on the demo in an 80x24 pane, with the test's
# XDG_CONFIG_HOME; waits for the whole first screen (the title bar and
# the grid's header are drawn in one refresh).
start() {
	term=$1
	shift
	tm kill-server 2>/dev/null
	rm -f "$W/status"
	tui_run_script
	tui_session 80 24 "env TERM=$term LC_ALL=$UTF8 XDG_CONFIG_HOME='$CFG' sh '$W/run.sh' $*"
	wait_for "F1 help" 15 && wait_for "^Row " 5
}

# quit: ^Q (nothing is changed, so nothing is asked) and the exit status.
quit() {
	keys C-q
	n=50
	while [ $n -gt 0 ] && [ ! -s "$W/status" ]; do sleep 0.1; n=$((n - 1)); done
	cat "$W/status" 2>/dev/null
}

# title_sgr: the escape sequences that start the title bar (line 1).
title_sgr() {
	tm capture-pane -e -p -t bt: | head -1 | sed 's/ beatty .*//' | od -An -c | tr -d ' \n'
	echo
}

for th in default light high-contrast mono; do
	start tmux-256color demo.bty --no-audio --theme "$th"
	ok "--theme $th: the screen is drawn" grep -q " beatty  demo.bty" "$TMP/screen"
	title_sgr >"$TMP/sgr.$th"
	is "--theme $th: beatty quits cleanly" 0 "$(quit)"
done
distinct=$(cat "$TMP/sgr.default" "$TMP/sgr.light" "$TMP/sgr.high-contrast" "$TMP/sgr.mono" |
	sort -u | wc -l)
is "the title bar's colour codes differ between the four themes" 4 "$distinct"
ok "the default title bar is black on cyan (SGR 30, 46)" \
	sh -c "grep -q '30' '$TMP/sgr.default' && grep -q '46' '$TMP/sgr.default'"
ok "the mono title bar is reverse video with no colour" \
	sh -c "grep -q '\[7m' '$TMP/sgr.mono' && ! grep -Eq '\[3[0-7]|\[4[0-7]|38;|48;' '$TMP/sgr.mono'"
ok "the light theme uses 256 colours on a 256-colour terminal" grep -q '48;5;25' "$TMP/sgr.light"

# 8 colours: the light theme falls back to the basic colours.
start screen demo.bty --no-audio --theme light
title_sgr >"$TMP/sgr.light8"
quit >/dev/null
ok "on an 8-colour terminal the light theme uses its 8-colour fallbacks" \
	sh -c "grep -q '44' '$TMP/sgr.light8' && ! grep -q '48;5' '$TMP/sgr.light8'"

# A theme from a file, and config.ini choosing one; --theme wins.
printf '[colors]\ntitle = red on green\n' >"$CFG/beatty/themes/mine.ini"
start tmux-256color demo.bty --no-audio --theme mine
title_sgr >"$TMP/sgr.mine"
quit >/dev/null
ok "a theme in the user's themes folder is found by name (red on green)" \
	sh -c "grep -q '31' '$TMP/sgr.mine' && grep -q '42' '$TMP/sgr.mine'"
printf '[ui]\ntheme = high-contrast\n' >"$CFG/beatty/config.ini"
start tmux-256color demo.bty --no-audio
title_sgr >"$TMP/sgr.cfg"
quit >/dev/null
ok "config.ini chooses the theme" cmp "$TMP/sgr.cfg" "$TMP/sgr.high-contrast"
start tmux-256color demo.bty --no-audio --theme mono
title_sgr >"$TMP/sgr.cli"
quit >/dev/null
ok "--theme wins over config.ini" cmp "$TMP/sgr.cli" "$TMP/sgr.mono"
rm -f "$CFG/beatty/config.ini"

start tmux-256color demo.bty --no-audio --theme nosuch
ok "an unknown theme is said in the status line, the screen still drawn" \
	grep -q "no theme 'nosuch'" "$TMP/screen"
quit >/dev/null

# A bad keys.ini line: on screen, with file and line.
printf '# mine\n[global]\nplya = KEY_F(9)\n' >"$CFG/beatty/keys.ini"
start tmux-256color demo.bty --no-audio
ok "a bad keys.ini line shows in the status line with file and line" \
	wait_for "keys.ini:3: unknown command 'plya'; keeping the default"
is "and beatty still quits cleanly" 0 "$(quit)"
is "with nothing on stderr" "" "$(cat "$W/stderr")"

# --- a rebound key plays the song ------------------------------------------------
if ! alsa_test_conf; then
	skip_n "$alsa_why" 3
	exit 0
fi
if ! jack_start; then
	skip_n "$jack_why" 3
	exit 0
fi
export ALSA_CONFIG_PATH JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
printf '[global]\nnone = KEY_F(5)\n[pattern]\nplay-song = !\n' >"$CFG/beatty/keys.ini"
start tmux-256color demo.bty --device bt_jack
wait_for "STOP +Ord 00"
# F5, then ^F: once "follow off" shows, F5 has been handled too.
keys F5 C-f
wait_for "follow off"
ok "F5, unbound in keys.ini, no longer plays" grep -Eq "STOP +Ord 00" "$TMP/screen"
keys C-f
keys '!'
ok "the key keys.ini binds to play-song plays the song" wait_for "PLAY +Ord 00 Pat 00 Row" 5
keys F8
ok "and F8 still stops it" wait_for "STOP +Ord"
quit >/dev/null
exit 0
