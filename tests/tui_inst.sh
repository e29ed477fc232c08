#!/bin/sh
# The instruments page, driven by keys in a real terminal (tmux, detached,
# on a private server socket, 80x24): the sample browser and its preview,
# a loop set and saved, a synth edit heard in the output, the presets,
# undo, delete, a clone sharing its sample, and the waveform in braille
# and in ASCII.
#
# Sound: beatty plays into ALSA's file plugin in front of a JACK-paced
# device (JACK's dummy backend), so what it played is captured raw and
# measured: the preview is loud, and a lower cutoff makes the same
# jammed note measurably darker.  Without jackd those checks are skipped
# and the rest runs with --no-audio.
. "$SRCDIR/tests/lib.sh"
N=45
plan $N

if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" $N
	exit 0
fi

tui_setup inst
W="$TMP/w"

# wait_file_grep REGEX FILE [SECONDS]: until FILE holds a line matching.
wait_file_grep() {
	n=$(( ${3:-10} * 10 ))
	while [ "$n" -gt 0 ]; do
		grep -Eq -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# start TERM ARGS...: beatty in the work folder, at 80x24.
start() {
	term=$1
	shift
	tm kill-server 2>/dev/null
	if [ -s "$W/pid" ]; then
		n=50
		while [ $n -gt 0 ] && kill -0 "$(cat "$W/pid")" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
	fi
	rm -f "$W/status" "$W/pid"
	tui_run_script
	tui_session 80 24 "env TERM=$term LC_ALL=$UTF8 sh '$W/run.sh' $*"
	wait_for "^(F1: help|a recovery copy|new song)" 15
}

# brightness FILE: the RMS of the left channel's first difference over
# its RMS, over the audible frames of a raw FLOAT_LE stereo capture:
# about 2 sin(pi f / rate) for a tone of f Hz, so a darker sound gives a
# smaller number; then the RMS of those frames.
brightness() {
	od -An -v -f -w8 "$1" | awk '
		{
			x = $1 + 0
			if (x > 0.0005 || x < -0.0005) { n++; s2 += x * x; d2 += (x - prev) * (x - prev) }
			prev = x
		}
		END { if (n > 2400) printf "%.4f %.4f\n", sqrt(d2 / s2), sqrt(s2 / n); else print "0 0" }'
}

mkdir -p "$W"
cp -r "$SRCDIR/songs/samples" "$W/"

# --- sound: a capture device paced by JACK ---------------------------------
AUDIO="--no-audio"
if alsa_test_conf && jack_start; then
	cat >>"$TMP/asound.conf" <<ALSAEOF
pcm.bt_cap { type file slave.pcm "bt_jack" file "$TMP/cap.raw" format "raw" }
ALSAEOF
	AUDIO="--device bt_cap --rate 48000"
else
	why="${alsa_why:-}${jack_why:-}"
fi

# --- 1: the browser, a preview, a loop --------------------------------------
start tmux-256color $AUDIO song.bty
keys C-t
ok "^T opens the instruments page" wait_for "^ Instruments +. 01 Synth +synth"
keys C-g
ok "^G opens the browser in the song's folder" wait_for "Load a sample into 01: .*/w$"
ok "it lists the samples folder" wait_for "^ samples/"
keys Enter
ok "Enter goes into the folder: folders first, then the audio files, sorted" \
	wait_for "^ src/"
ok "the files are listed in order" sh -c "grep -A4 '^ src/' '$TMP/screen' | sed 's/^ \([^ ]*\).*/\1/' | tr '\n' ,  | grep -q '^src/,clap.wav,hat.wav,kick.wav,snare.wav,'"
keys Down Down Down
if [ "$AUDIO" != "--no-audio" ]; then
	: >"$TMP/cap.raw"
	sleep 0.3
	keys Space
	ok "Space previews the file" wait_for "^preview kick.wav: 0.50 s, 44100 Hz, stereo"
	sleep 1.5
	ok "the preview was heard: a loud sound in the capture" \
		sh -c "od -An -v -f '$TMP/cap.raw' | awk '{ for (i = 1; i <= NF; i++) { x = \$i < 0 ? -\$i : \$i; if (x > m) m = x } } END { exit !(m > 0.2 && m < 2) }'"
else
	skip_n "no paced capture device: $why" 2
fi
keys Enter
ok "Enter loads the file into the instrument" wait_for "^instrument 01: samples/kick.wav \(22114 frames"
ok "the page shows the sampler and its file" wait_for "file samples/kick.wav +44100 Hz stereo"
ok "the waveform is drawn in braille" wait_for "$(printf '\342\243\277')"
ok "without a loop it says so" wait_for "\(no loop\)"
keys Down Down Down Down Right
ok "Right sets the loop mode to forward" wait_for "loop mode +forward"
ok "the loop is marked under the waveform" wait_for "\[=+\]"
keys Down Enter C-u 1 0 0 Enter
ok "a typed loop start" wait_for "loop start +100 *$"
keys C-s
ok "^S saves" wait_file_grep "^loop = forward" "$W/song.bty"
ok "the saved song has the sample, relative to its folder" grep -qx "file = samples/kick.wav" "$W/song.bty"
ok "and the loop points" sh -c "grep -qx 'loop_start = 100' '$W/song.bty' && grep -qx 'loop_end = 22114' '$W/song.bty'"
"$BEATTY" check "$W/song.bty" >"$TMP/check.out" 2>&1
ok "the saved song checks clean" grep -q ": ok" "$TMP/check.out"

# --- 2: a synth preset, an edit heard -------------------------------------
keys Insert
ok "Ins makes a new synth instrument" wait_for "^ 02 Synth 02 +syn"
keys C-p
ok "^P lists the presets to pick from" wait_for "Load a preset into 02"
ok "every preset is in the list" sh -c "grep -q ' 1  kick' '$TMP/screen' && grep -q ' 7  lead' '$TMP/screen'"
keys p l u c k
wait_for "Load a preset into 02: pluck"
keys Enter
ok "the pluck preset loads" wait_for "cutoff +600 Hz"
keys Down Down Down Down Down Down Down Down Down Down Down Down Enter C-u 8 0 0 0 Enter
ok "a typed cutoff" wait_for "cutoff +8000 Hz"
# The filter envelope off: the cutoff alone shapes the sound.
keys Down Down Enter C-u 0 Enter Up Up
ok "a typed filter envelope amount" wait_for "filter env amount +0 oct"
if [ "$AUDIO" != "--no-audio" ]; then
	: >"$TMP/cap.raw"
	sleep 0.3
	keys z
	sleep 1.5
	brightness "$TMP/cap.raw" >"$TMP/bright"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		keys S-Left
	done
	wait_for "cutoff +250 Hz" 5
	sleep 0.5
	: >"$TMP/cap.raw"
	sleep 0.3
	keys z
	sleep 1.5
	brightness "$TMP/cap.raw" >>"$TMP/bright"
	sed 's/^/# brightness and level of each jammed note: /' "$TMP/bright"
	ok "the same key jammed twice: both heard" awk '$2 < 0.005 { exit 1 }' "$TMP/bright"
	ok "Shift-Left lowered the cutoff, and the second sound is darker by half" \
		awk 'NR == 1 { a = $1 } NR == 2 { b = $1 } END { exit !(a > 0 && b < a / 2) }' "$TMP/bright"
else
	skip_n "no paced capture device: $why" 2
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		keys S-Left
	done
fi
ok "ten coarse steps down: 8000 Hz became 250 Hz (half an octave each)" wait_for "cutoff +250 Hz"
keys C-z
ok "^Z undoes one step of it" wait_for "^undone: cutoff"

# --- 3: delete asks when notes use it; quit -------------------------------
keys '<' Delete
ok "Del on an unused instrument deletes it at once" wait_for "^deleted instrument 01"
keys C-z
ok "^Z brings it back, sample and all" wait_for "file samples/kick.wav +44100 Hz"
tui_quit
is "beatty quit cleanly" 0 "$(cat "$W/status" 2>/dev/null)"
ok "and said nothing on stderr (no sanitizer report either)" test ! -s "$W/stderr"

# --- 4: ASCII waveform on a vt100 -------------------------------------------
start vt100 --no-audio song.bty
keys C-t
wait_for "\| #+" && wait_for "\| \[=+\]"
ok "on a vt100 the waveform is ASCII, the loop marked" test $? -eq 0
tui_quit

# --- 5: an undo and a new song in one burst of keys (as over SSH) ----------
# The undo puts a replaced sample back into the song; the new song must
# then free it once, not also as a sample kept apart.
start tmux-256color --no-audio song.bty
keys C-t C-g
wait_for "Load a sample into 01"
if grep -q "^ samples/" "$TMP/screen"; then   # opened in the song's folder
	keys Enter
	wait_for "^ src/"
fi
keys End Up Enter
wait_for "file samples/kick.wav"
keys C-g
wait_for "^ snare.wav"
keys End Enter
ok "a second sample loaded over the first" wait_for "file samples/snare.wav"
keys C-z C-n n
ok "^Z ^N n in one burst: a new song" wait_for "untitled.bty"
tui_quit
is "beatty quit cleanly after it" 0 "$(cat "$W/status" 2>/dev/null)"
ok "and said nothing on stderr (no double free reported)" test ! -s "$W/stderr"

# --- 6: a clone shares its sample; edits and deletes stay its own ----------
# Under the sanitizers a frame buffer freed while the other instrument
# still plays it, or freed twice, shows on stderr.
start tmux-256color --no-audio song.bty
keys C-t
wait_for "file samples/kick.wav"
keys C-d
ok "^D clones the sampler into the first free slot" wait_for "^cloned into instrument 02"
ok "the clone plays the same file" wait_for "file samples/kick.wav"
keys C-k C-u 4 Enter
ok "^K slices the clone" wait_for "^4 slices: notes"
keys '<' Delete
ok "the original deleted: the clone keeps the frames" wait_for "^deleted instrument 01"
keys C-z
ok "^Z brings the original back" wait_for "file samples/kick.wav"
keys C-s
wait_file_grep "^slices = " "$W/song.bty"
ok "saved: both name the file, only the clone has slices" sh -c \
	"[ \$(grep -cx 'file = samples/kick.wav' '$W/song.bty') = 2 ] && [ \$(grep -c '^slices = ' '$W/song.bty') = 1 ]"
tui_quit
is "beatty quit cleanly" 0 "$(cat "$W/status" 2>/dev/null)"
ok "and said nothing on stderr (no sanitizer report either)" test ! -s "$W/stderr"
