#!/bin/sh
# Keymaps: the shipped ones load, default.ini is the built-in table, and
# a name that is no keymap is a clear error.
. "$SRCDIR/tests/lib.sh"
plan 10
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
is "a bad name is a usage error" 2 "$(exits "$BEATTY" keys --keys nosuch)"
ok "that names it and the keymaps there are" \
	grep -q "no keymap 'nosuch' (default, schism, milky" "$TMP/err"
mkdir -p "$XDG_CONFIG_HOME/beatty"
printf '[ui]\nkeys = milky\n' >"$XDG_CONFIG_HOME/beatty/config.ini"
"$BEATTY" keys >"$TMP/cfgkeys"
ok "keys = milky in config.ini is the keymap beatty keys lists" cmp "$TMP/milky" "$TMP/cfgkeys"
exit 0
