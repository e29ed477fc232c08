#!/bin/sh
# Files from the screen, with beatty started somewhere else than the
# song's folder (as over SSH, from the home folder): ^R writes beside the
# song and names the file by its full path.
. "$SRCDIR/tests/lib.sh"
plan 29

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 29
	exit 0
fi

tui_setup files

# start ARGS...: a fresh folder W with the demo in W/song, beatty run
# from W itself (not the song's folder).
start() {
	tui_fresh song
	mkdir -p "$W/cfg"
	[ -z "${PREP:-}" ] || $PREP
	tui_session 200 50 \
		"cd '$W' && env TERM=tmux-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$W/cfg' HOME='$W' ${ALSA_CONFIG_PATH:+ALSA_CONFIG_PATH='$ALSA_CONFIG_PATH'} '$BEATTY' ${SOUND:---no-audio} $* 2>stderr; sleep 600"
	wait_for "^F1: help   Space: edit mode" 15
}

# --- ^R: beside the song, named in full ------------------------------------------
start song/demo.bty
keys C-r
wait_for "render to"
keys Enter
ok "^R names the full path of the file it renders" wait_for "rendered $W/song/demo.wav" 60
ok "the file is beside the song" test -s "$W/song/demo.wav"
ok "and not in the folder beatty was started in" test ! -e "$W/demo.wav"
keys C-r
wait_for "render to"
keys C-u
keys -l "out/x.wav"
keys Enter
ok "a relative folder is the song's too" wait_for "rendered $W/song/out/x.wav|render failed: $W/song/out/x.wav" 60

# --- the sample browser -----------------------------------------------------------
# A kit three folders down, a folder of thousands of files and a FIFO
# named like a sample.
browser_files() {
	mkdir -p "$W/samples/kits/Rock" "$W/big" "$W/cfg/beatty"
	cp "$SRCDIR/songs/samples/"*.wav "$W/samples/kits/Rock/"
	mkfifo "$W/samples/kits/Rock/pipe.wav"
	i=0
	while [ $i -lt 3000 ]; do ln "$W/samples/kits/Rock/hat.wav" "$W/big/h$i.wav"; i=$((i + 1)); done
	printf '[browser]\nbookmarks = ~/samples:~/not-there\n' >"$W/cfg/beatty/config.ini"
}
# Sound for the preview: a device paced by JACK where there is one.
SOUND=
if alsa_test_conf && jack_start; then
	SOUND="--device bt_jack --rate 48000"
fi
PREP=browser_files SOUND=$SOUND start song/demo.bty
keys C-t
sleep 0.3
keys C-g
wait_for "Load a sample into 01: $W/song/samples"
ok "each file shows its length, rate, channels and bits" \
	wait_for "^ hat.wav +0.13 s +44100 Hz +stereo +16-bit"
keys n a r
wait_for "filter: nar"
ok "typed letters narrow the list" sh -c "! grep -q 'hat.wav' '$TMP/screen' && grep -q 'snare.wav' '$TMP/screen'"
sleep 0.3
keys Escape
sleep 0.3
keys C-k
wait_for "Load a sample into 01: bookmarks"
ok "^K lists the bookmarks that exist, the song's folder first" \
	sh -c "grep -q '^ $W/song *\$' '$TMP/screen' && grep -q '^ $W/samples *\$' '$TMP/screen' && ! grep -q 'not-there' '$TMP/screen'"
keys Down Enter
wait_for "Load a sample into 01: $W/samples"
keys C-g
wait_for "folder \(Tab completes\)"
keys C-u "~/samples/k" Tab
ok "Tab completes a folder" wait_for "folder \(Tab completes\): $W/samples/kits/"
keys R Tab Enter
ok "the kit is reached by its path" wait_for "Load a sample into 01: $W/samples/kits/Rock"
ok "a FIFO named like a sample is not listed" sh -c "! grep -q pipe.wav '$TMP/screen'"
keys C-p
wait_for "preview on cursor moves on"
keys Down
if [ -n "$SOUND" ]; then
	ok "with the preview on, moving the cursor plays the file" wait_for "preview hat.wav: 0.13 s"
else
	ok "with the preview on, moving the cursor plays the file (no sound here: it says so)" \
		wait_for "no sound: started with --no-audio"
fi
keys C-g
wait_for "folder \(Tab completes\)"
keys C-u "$W/big" Enter
ok "a folder of 3000 files opens and takes keys at once" wait_for "Load a sample into 01: $W/big" 5
keys h 2 9 9 9
ok "its details come in on their own" wait_for "^ h2999.wav .* 0.13 s  " 20
keys C-p
ok "^P turns preview on cursor moves off again" wait_for "preview on cursor moves off"

# --- collecting samples --------------------------------------------------------------
# The demo's samples moved out to a kit folder; the song's own samples/
# already holds a different kick.wav (never replaced) and the same
# snare.wav (used as it is).
kit_outside() {
	mkdir -p "$W/kit"
	mv "$W/song/samples/"*.wav "$W/kit/"
	cp "$W/kit/hat.wav" "$W/song/samples/kick.wav"
	cp "$W/kit/snare.wav" "$W/song/samples/snare.wav"
	sed -i "s#^file = samples/\(kick\|snare\|hat\)#file = ../kit/\1#; s#^file = samples/clap#file = $W/kit/clap#" "$W/song/demo.bty"
}
collected() {
	grep -q '^file = samples/kick-2.wav$' "$1" && grep -q '^file = samples/snare.wav$' "$1" &&
	grep -q '^file = samples/hat.wav$' "$1" && grep -q '^file = samples/clap.wav$' "$1" &&
	cmp "$W/song/samples/kick-2.wav" "$W/kit/kick.wav" && cmp "$W/song/samples/kick.wav" "$W/kit/hat.wav" &&
	cmp "$W/song/samples/clap.wav" "$W/kit/clap.wav" && ! ls "$W/song/samples" | grep -q snare-2
}
PREP=kit_outside start song/demo.bty
keys C-t
sleep 0.3
keys C
ok "C on the instruments page collects the samples" \
	wait_for "4 instruments now read from $W/song/samples \(3 files copied\)"
ok "and marks the song modified" grep -q "demo.bty \[+\]" "$TMP/screen"
keys C-s
wait_for "saved demo.bty"
ok "the saved song reads its samples from samples/, no file clobbered" collected "$W/song/demo.bty"
"$BEATTY" render "$W/song/demo.bty" -o "$W/after.wav" >/dev/null 2>&1
rm -rf "$W/kit"
ok "the folder alone renders the same song" sh -c "'$BEATTY' render '$W/song/demo.bty' -o '$W/moved.wav' >/dev/null 2>&1 && cmp '$W/after.wav' '$W/moved.wav'"

# The same from the command line.
tui_fresh song
kit_outside
is "beatty collect says what it did" \
	"$W/song/demo.bty: 4 instruments now read from samples/ (3 files copied)" \
	"$("$BEATTY" collect "$W/song/demo.bty" 2>&1)"
ok "and rewrites the song" collected "$W/song/demo.bty"
is "run again, nothing is left to collect" \
	"$W/song/demo.bty: 0 instruments now read from samples/ (0 files copied)" \
	"$("$BEATTY" collect "$W/song/demo.bty" 2>&1)"

# --- presets from a list -------------------------------------------------------------
start song/demo.bty
keys C-t
sleep 0.3
keys '>' '>' '>' '>' '>'
wait_for "^ 06 "
keys C-p
ok "^P shows the presets as a list" wait_for "Load a preset into 06"
keys Down Down Enter
ok "Down Down Enter picks the third, the hat" wait_for "instrument 06: preset hat"
keys C-p
wait_for "Load a preset into 06"
keys Tab
ok "Tab still takes a typed name" wait_for "^preset \(kick, snare"

# --- loudness measured offline from the master page ---------------------------------------
# The demo at a quarter of its tempo: a render long enough to be seen
# going on while the screen takes keys.
slow_song() { sed -i 's/^bpm = .*/bpm = 30/' "$W/song/demo.bty"; }
PREP=slow_song start song/demo.bty
keys C-]
wait_for "Offline +l measures the whole song"
keys l
ok "l starts measuring in the background" wait_for "Offline +measuring +[0-9]+%"
keys F2
wait_for "Ord 00/05"
ok "the screen takes keys meanwhile" sh -c "grep -q 'Ord 00/05' '$TMP/screen' && ! grep -q 'measured offline' '$TMP/screen'"
keys C-]
ok "then shows the figures" wait_for "measured offline: .* integrated" 120
want=$("$BEATTY" info --loudness "$W/song/demo.bty" | sed -n 's/^loudness: *\(.*true peak [^,]*\),.*/\1/p')
ok "the figures are those of beatty info --loudness ($want)" grep -q "measured offline: $want" "$TMP/screen"
ok "and the page shows them" grep -q "Offline     $want" "$TMP/screen"
