#!/bin/sh
# The command line as a user meets it: help, exit codes, render, info, fmt.
. "$SRCDIR/tests/lib.sh"
plan 17
DEMO="$SRCDIR/songs/demo.bty"

is "--help exits 0" 0 "$(exits "$BEATTY" --help)"
ok "--help lists the commands" grep -q "render SONG" "$TMP/out"
is "--version exits 0" 0 "$(exits "$BEATTY" --version)"
ok "--version names beatty" grep -q "^beatty [0-9]" "$TMP/out"
is "no arguments is a usage error (2)" 2 "$(exits "$BEATTY")"
is "unknown command is a usage error (2)" 2 "$(exits "$BEATTY" frobnicate x.bty)"
is "unknown option is a usage error (2)" 2 "$(exits "$BEATTY" render --nope "$DEMO")"
is "bad --bits is a usage error (2)" 2 "$(exits "$BEATTY" render --bits 12 "$DEMO")"
is "a missing song is bad input (1)" 1 "$(exits "$BEATTY" check "$TMP/nope.bty")"

cd "$TMP" || exit 1
is "render exits 0" 0 "$(exits "$BEATTY" render "$DEMO" -o a.wav --bits 16)"
total=$(sed -n 's/^frames: \([0-9]*\) (song \([0-9]*\).*/\1/p' "$TMP/out")
song=$(sed -n 's/^frames: \([0-9]*\) (song \([0-9]*\).*/\2/p' "$TMP/out")
is "the WAV holds the frames render reports" "$total" "$(soxi -s a.wav 2>/dev/null)"
is "the WAV is 16-bit stereo at 48 kHz" "16 2 48000" "$(soxi -b a.wav) $(soxi -c a.wav) $(soxi -r a.wav)"
"$BEATTY" info "$DEMO" >info.txt 2>&1
is "info's length equals the rendered song part" "$song" \
	"$(sed -n 's/^length: .*(\([0-9]*\) frames.*/\1/p' info.txt)"
"$BEATTY" render "$DEMO" -o b.wav --bits 16 >/dev/null 2>&1
ok "two renders are byte-identical" cmp a.wav b.wav
"$BEATTY" render "$DEMO" -o c.wav --rate 44100 --bits 32f >/dev/null 2>&1
is "--rate and --bits 32f are honoured" "32 44100" "$(soxi -b c.wav 2>/dev/null) $(soxi -r c.wav 2>/dev/null)"
"$BEATTY" render "$DEMO" -o d.wav --no-progress >d.out 2>d.err
is "nothing on stderr when not a terminal" "" "$(cat d.err)"
"$BEATTY" fmt "$DEMO" >f1.bty && "$BEATTY" fmt f1.bty >f2.bty
ok "fmt is idempotent" cmp f1.bty f2.bty
