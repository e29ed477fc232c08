#!/bin/sh
# The reference track on the master page, driven by keys in a real
# terminal (tmux, detached, private server socket, 80x24).
#
# Without sound: ^G loads a WAV (written at 44.1 kHz by beatty itself)
# and the page shows its loudness as measured; a missing file and a
# file that is no audio are named in the status line and change
# nothing.  With sound (a JACK server on its dummy backend behind ALSA's
# jack plugin, and ALSA's file plugin in front of it capturing exactly
# what beatty plays): R while playing switches to the reference, heard
# at the loudness target (its 1 kHz tone at -14 LUFS in the capture, not
# the song's 440 Hz); R again brings the song back; a render from the
# screen with the reference loaded and heard is the CLI render, byte
# for byte.  Each check waits for the screen to reach a state.
. "$SRCDIR/tests/lib.sh"
N=21
plan $N

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" $N
	exit 0
fi
tui_setup ref

# A steady 440 Hz song (the mix) and a 1046.5 Hz one at about -20 LUFS
# (the reference, rendered at 44.1 kHz so loading resamples it).
steady_song "$TMP/steady.bty"
sed -e 's/^00 = A-4 01/00 = C-6 01/' -e 's/^osc1 = sine/osc1 = sine\nvolume = -17/' \
	"$TMP/steady.bty" >"$TMP/ref.bty"
"$BEATTY" render "$TMP/ref.bty" -o "$TMP/ref.wav" --rate 44100 >/dev/null 2>&1
ref_lufs=$("$BEATTY" info --loudness "$TMP/ref.bty" | sed -n 's/^loudness: *\(-\?[0-9.]*\) LUFS.*/\1/p')
printf 'this is no audio\n' >"$TMP/notes.wav"

# start ARGS...: beatty on steady.bty in a fresh folder, 80x24.
start() {
	tui_fresh
	cp "$TMP/steady.bty" "$TMP/ref.wav" "$TMP/notes.wav" "$W/"
	[ -f "$TMP/kept.bty" ] && cp "$TMP/kept.bty" "$W/"
	tui_run_script
	tui_session 80 24 "env TERM=tmux-256color LC_ALL=$UTF8 sh '$W/run.sh' $*"
	wait_for "^(F1: help   Space: edit mode|a recovery copy)" 15
}

load() {
	keys C-g
	wait_for "reference track, WAV or FLAC"
	keys C-u "$1" Enter
}

# --- without sound ----------------------------------------------------------------
start steady.bty --no-audio
keys C-s
wait_for "saved steady.bty"
cp "$W/steady.bty" "$TMP/canon.bty"
keys C-]
ok "the master page offers a reference" wait_for "Reference +\^G loads a WAV or FLAC"
load nosuch.flac
ok "a missing file is named in the status line" wait_for "reference: $W/nosuch.flac: "
load notes.wav
ok "so is a file that is no audio" wait_for "reference: $W/notes.wav: .*audio"
ok "and the page still has no reference" grep -Eq "Reference +\^G loads" "$TMP/screen"
load ref.wav
ok "a WAV loads and is measured: its loudness is on the page ($ref_lufs LUFS)" \
	wait_for "^ .* +$ref_lufs LUFS +LRA [0-9.]+ LU +TP -[0-9.]+ dBTP" 20
ok "with the gain that matches it to the target" \
	grep -Eq "[+-][0-9]+\.[0-9] dB to target -14 +mix heard" "$TMP/screen"
keys C-s
wait_for "saved steady.bty"
ok "the song remembers it, relative to its folder" grep -qx "reference = ref.wav" "$W/steady.bty"
keys V
ok "V matches it to the mix's measured loudness instead" wait_for "reference matched to the mix"
keys V
ok "V again: not matched" wait_for "not matched"
keys V
tui_quit
cp "$W/steady.bty" "$TMP/kept.bty"
start kept.bty --no-audio
keys C-]
ok "opening the song loads its reference" wait_for "^ .* +$ref_lufs LUFS +LRA [0-9.]+ LU" 20
ok "quietly: no message about it" sh -c "! tail -1 '$TMP/screen' | grep -q reference"
keys X
ok "X drops it" wait_for "Reference +\^G loads a WAV or FLAC"
keys C-s
wait_for "saved kept.bty"
ok "and the song saved without it is the song as it was, byte for byte" cmp "$W/kept.bty" "$TMP/canon.bty"
keys F1
help_all
ok "the help page lists the switch: R on the master page, Alt-r on any" sh -c \
	"grep -Eq '^  R +reference-ab +hear the reference track' '$TMP/help.txt' &&
	 grep -Eq '^  Alt-r +reference-ab +hear the reference track' '$TMP/help.txt'"
keys q
wait_for "Reference +\^G loads"
tui_quit
is "beatty quits" 0 "$(cat "$W/status" 2>/dev/null)"

# --- with sound: what is heard ------------------------------------------------------
if ! alsa_test_conf; then
	skip_n "$alsa_why" 6
	exit 0
fi
cat >>"$TMP/asound.conf" <<EOF
pcm.bt_heard { type file slave.pcm "bt_jack" file "$TMP/heard.raw" format "raw" }
EOF
if ! jack_start; then
	skip_n "$jack_why" 6
	exit 0
fi

# The capture from byte offset $1 for $2 frames (float, stereo): the
# left channel's frequency from its zero crossings, and its peak in dBFS.
heard() {
	tail -c +"$(($1 + 1))" "$TMP/heard.raw" | head -c "$(($2 * 8))" | od -An -v -f -w8 |
		awk -v n="$2" '
		{ x = $1 + 0; if (NR > 1 && ((x >= 0) != (p >= 0))) z++; p = x
		  if (x < 0) x = -x; if (x > pk) pk = x }
		END { printf "%.0f %.2f\n", z * 48000 / n / 2, (pk > 0 ? 20 * log(pk) / log(10) : -200) }'
}
size() { wc -c <"$TMP/heard.raw"; }

start steady.bty --device bt_heard
keys C-]
load ref.wav
wait_for "$ref_lufs LUFS +LRA" 20
keys F5
wait_for "PLAY"
sleep 1
at=$(size)
sleep 1
set -- $(heard "$at" 24000)
ok "the song is heard: 440 Hz in the capture ($1 Hz)" \
	awk -v f="$1" 'BEGIN { exit !(f > 430 && f < 450) }'
keys R
ok "R while playing: the reference is heard, the page says so" wait_for "REF heard"
at=$(size)
sleep 1
set -- $(heard "$at" 24000)
ok "the capture is the reference's 1046.5 Hz ($1 Hz)" \
	awk -v f="$1" 'BEGIN { exit !(f > 1036 && f < 1057) }'
ok "at the loudness target: a -14 LUFS tone peaks at -14 dBFS ($2 dBFS)" \
	awk -v d="$2" 'BEGIN { d += 14; exit !(d < 0.5 && d > -0.5) }'
# A render with the reference loaded and heard: the song alone.
keys C-r
wait_for "render to"
keys C-u "$W/ui.wav" Enter
wait_for "rendered .*ui.wav" 60
"$BEATTY" render "$W/steady.bty" -o "$W/cli.wav" >/dev/null 2>&1
ok "a render from the screen is the CLI render, byte for byte: no reference in it" \
	cmp "$W/ui.wav" "$W/cli.wav"
keys M-r
wait_for "mix heard"
at=$(size)
sleep 1
set -- $(heard "$at" 24000)
ok "Alt-R brings the song back ($1 Hz)" awk -v f="$1" 'BEGIN { exit !(f > 430 && f < 450) }'
tui_quit
exit 0
