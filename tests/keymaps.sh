#!/bin/sh
# Keymaps: the shipped ones load, default.ini is the built-in table, and
# a name that is no keymap is a clear error.
. "$SRCDIR/tests/lib.sh"
plan 14
XDG_CONFIG_HOME="$TMP/cfg"
export XDG_CONFIG_HOME

"$BEATTY" --dump-keys >"$TMP/dump"
ok "keymaps/default.ini is beatty --dump-keys (make keymaps renews it)" \
	cmp "$SRCDIR/keymaps/default.ini" "$TMP/dump"
"$BEATTY" keys >"$TMP/plain"
"$BEATTY" keys --keys default >"$TMP/default"
ok "--keys default is the built-in table" cmp "$TMP/plain" "$TMP/default"
"$BEATTY" keys --keys "$SRCDIR/keymaps/default.ini" >"$TMP/file" 2>"$TMP/err"
ok "and so is default.ini read as a keymap file, without a word" \
	sh -c "cmp '$TMP/plain' '$TMP/file' && ! test -s '$TMP/err'"
for k in schism milky; do
	"$BEATTY" keys --keys $k >"$TMP/$k" 2>"$TMP/$k.err"
	ok "the $k keymap loads without a problem" sh -c "! test -s '$TMP/$k.err'"
done
ok "schism: 1 cuts the note, \` is note off" sh -c \
	"grep -q '^pattern	1	1	note-cut' '$TMP/schism' && grep -q '^pattern	\`	\`	note-off' '$TMP/schism'"
ok "milky: F3 sets octave 3, Space stops or edits" sh -c \
	"grep -q '^pattern	KEY_F(3)	F3	octave	base octave 3' '$TMP/milky' && grep -q '^pattern	 	Space	stop-or-edit' '$TMP/milky'"
# has KEYMAP CONTEXT KEY COMMAND...: beatty keys --keys KEYMAP binds each
# KEY to its COMMAND in CONTEXT.
has() {
	f="$TMP/$1"
	ctx=$2
	shift 2
	while [ $# -gt 1 ]; do
		awk -F'	' -v c="$ctx" -v k="$1" -v m="$2" '$1 == c && $2 == k && $4 == m { f = 1 } END { exit !f }' "$f" ||
			{ echo "[$ctx] $1 is not $2"; return 1; }
		shift 2
	done
}
ok "schism: the keys of Schism Tracker's own help (global keys)" \
	has schism global "KEY_F(10)" save-as "KEY_F(18)" play-song "KEY_F(9)" open
ok "schism: and of its pattern editor" \
	has schism pattern "KEY_F(10)" save-as "KEY_F(30)" play-from-cursor kHOM3 octave-down \
	kEND3 octave-up + next-order - prev-order kUP5 instrument-prev kDN5 instrument-next \
	kPRV5 top kNXT5 bottom kLFT3 prev-channel kRIT3 next-channel KEY_BACKSPACE up "^?" up \
	M-o paste M-x interpolate M-- channel-remove "KEY_F(57)" mute "KEY_F(58)" solo
ok "milky: the keys of the MilkyTracker manual's FastTracker II mode" \
	has milky global "KEY_F(21)" play-pattern
ok "milky: and of its pattern editor" \
	has milky pattern "M- " play-from-cursor "\`" step-up "~" step-down M-= step-up \
	M-- step-down ! note-cut KEY_SDC clear kDC5 clear kDC3 clear "^H" delete-row-all \
	kUP3 select-up kDN3 select-down kLFT3 select-left kRIT3 select-right \
	"KEY_F(51)" cut "KEY_F(52)" copy "KEY_F(53)" paste "KEY_F(54)" mix-paste \
	"KEY_F(49)" transpose "KEY_F(50)" transpose I interpolate kUP5 instrument-prev \
	kDN5 instrument-next M mute
is "a bad name is a usage error" 2 "$(exits "$BEATTY" keys --keys nosuch)"
ok "that names it and the keymaps there are" \
	grep -q "no keymap 'nosuch' (default, schism, milky" "$TMP/err"
mkdir -p "$XDG_CONFIG_HOME/beatty"
printf '[ui]\nkeys = milky\n' >"$XDG_CONFIG_HOME/beatty/config.ini"
"$BEATTY" keys >"$TMP/cfgkeys"
ok "keys = milky in config.ini is the keymap beatty keys lists" cmp "$TMP/milky" "$TMP/cfgkeys"
exit 0
