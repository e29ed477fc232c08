#!/bin/sh
# `beatty play` through ALSA without a sound card.
#
# Sample-exactness: ALSA's `file` plugin in front of the `null` device
# captures exactly what beatty writes (raw, no header), and tests/alsa/rawcmp
# compares it with the offline render of the same song, converted by the
# same code.  Three routes: float straight through; a `linear` plugin that
# only takes integers, so beatty converts to S32_LE itself; and a `plug`
# to S32_LE, where beatty sends float and ALSA converts (its rounding, so
# a tolerance of 256 steps in 2^32: far below a one-frame slip).
#
# Pacing: the `null` device never blocks, so real time comes from a JACK
# server with its dummy backend (no hardware, no real-time privileges)
# behind ALSA's `jack` plugin.  If jackd is missing or cannot start, those
# checks are skipped with the reason.
. "$SRCDIR/tests/lib.sh"
plan 35
DEMO="$SRCDIR/songs/demo.bty"
RAWCMP=${RAWCMP:-$(dirname "$BEATTY")/tests/alsa/rawcmp}

skip() { # REASON COUNT
	i=0
	while [ "$i" -lt "$2" ]; do
		tap_n=$((tap_n + 1)); i=$((i + 1))
		echo "ok $tap_n # SKIP $1"
	done
}

now_ms() { date +%s%3N; }

# The song the pacing checks play: 3 seconds, then a short release.
cat >"$TMP/short.bty" <<'EOF'
[song]
format = 1
bpm = 120
lpb = 4
tpl = 6
channels = 2

[channel 1]
volume = -9

[channel 2]
volume = -6

[instrument 01]
type = synth
osc1 = saw
amp = 0.002 0.1 0.5 0.05

[instrument 02]
type = synth
osc1 = sine
amp = 0.001 0.2 0 0.02

[pattern 00]
rows = 24
00 = C-4 01 .. ... | C-3 02 .. ...
04 = E-4 01 .. ... | C-3 02 .. ...
08 = G-4 01 .. ... | C-3 02 .. ...
0C = C-5 01 .. ... | C-3 02 .. ...
10 = G-4 01 .. ... | C-3 02 .. ...
14 = E-4 01 .. ... | C-3 02 .. ...
17 = === .. .. ... | ... .. .. ...

[order]
00 = 00
EOF
SHORT="$TMP/short.bty"

ok "the sample conversion gives the expected steps in every format" "$RAWCMP" --convert-check

# --- ALSA configuration: the system's, plus our devices ----------------------
sysconf=
for d in ${ALSA_CONFIG_DIR:-} /usr/share/alsa /usr/local/share/alsa; do
	[ -f "$d/alsa.conf" ] && { sysconf="$d/alsa.conf"; break; }
done
if [ -z "$sysconf" ]; then
	skip "no alsa.conf found (looked in /usr/share/alsa, /usr/local/share/alsa)" 34
	exit 0
fi
cat >"$TMP/asound.conf" <<EOF
<$sysconf>
pcm.bt_float { type file slave.pcm "null" file "$TMP/float.raw" format "raw" }
pcm.bt_s32cap { type file slave.pcm "null" file "$TMP/s32.raw" format "raw" }
pcm.bt_s32 { type linear slave { pcm "bt_s32cap" format S32_LE } }
pcm.bt_plugcap { type file slave.pcm "null" file "$TMP/plug.raw" format "raw" }
pcm.bt_plug { type plug slave { pcm "bt_plugcap" format S32_LE } }
pcm.bt_jack {
	type plug
	slave.pcm { type jack playback_ports { 0 system:playback_1 1 system:playback_2 } }
}
EOF
ALSA_CONFIG_PATH="$TMP/asound.conf"
export ALSA_CONFIG_PATH

# --- (a) what reaches the device is the offline render -----------------------
is "play on a float capture device exits 0" 0 "$(exits "$BEATTY" play --device bt_float "$DEMO" </dev/null)"
ok "it chose FLOAT_LE" grep -q "on 'bt_float': 48000 Hz, FLOAT_LE, 3 x 256 frames" "$TMP/err"
ok "the captured floats are the offline render, bit for bit" \
	"$RAWCMP" "$DEMO" 48000 FLOAT_LE "$TMP/float.raw" 256

is "play on an integer-only device exits 0" 0 "$(exits "$BEATTY" play --device bt_s32 "$DEMO" </dev/null)"
ok "it chose S32_LE" grep -q "S32_LE" "$TMP/err"
ok "the captured S32 is the offline render through beatty's conversion, exactly" \
	"$RAWCMP" "$DEMO" 48000 S32_LE "$TMP/s32.raw" 256

is "play through plug to S32_LE exits 0" 0 "$(exits "$BEATTY" play --device bt_plug "$DEMO" </dev/null)"
ok "the captured S32 is the offline render within ALSA's rounding" \
	"$RAWCMP" "$DEMO" 48000 S32_LE "$TMP/plug.raw" 256 256

rm -f "$TMP/float.raw"
is "--rate 44100 --period 128 --periods 4 exits 0" 0 \
	"$(exits "$BEATTY" play --device bt_float --rate 44100 --period 128 --periods 4 "$SHORT" </dev/null)"
ok "the device agreed to them" grep -q "44100 Hz, FLOAT_LE, 4 x 128 frames" "$TMP/err"
ok "the capture is the offline render at 44100 Hz" \
	"$RAWCMP" "$SHORT" 44100 FLOAT_LE "$TMP/float.raw" 128

is "--from 05 exits 0" 0 "$(exits "$BEATTY" play --device bt_float --from 05 "$DEMO" </dev/null)"
ok "it played order 05 to the end" grep -q "^played .*(order 05 row 3F)" "$TMP/err"

# --- (c) (d) devices ---------------------------------------------------------
is "a missing device is bad input (1)" 1 "$(exits "$BEATTY" play --device nosuchdevice "$SHORT" </dev/null)"
ok "the message names the device and the ALSA call" \
	grep -q "cannot open audio device 'nosuchdevice': snd_pcm_open: " "$TMP/err"
is "devices exits 0" 0 "$(exits "$BEATTY" devices)"
ok "devices lists the null device" grep -q "^null " "$TMP/out"
is "a bad --period is a usage error (2)" 2 "$(exits "$BEATTY" play --period 3 "$SHORT")"
is "a bad --interp is a usage error (2)" 2 "$(exits "$BEATTY" play --interp linear "$SHORT")"
is "--from past the order list is a usage error (2)" 2 "$(exits "$BEATTY" play --from 10 "$DEMO")"

# --- (b) real-time pacing through JACK's dummy backend -----------------------
NJACK=14
if ! command -v jackd >/dev/null 2>&1; then
	skip "jackd is not installed (tools/deps installs jackd2)" $NJACK
	exit 0
fi
JACK_DEFAULT_SERVER="beatty-test-$$"
JACK_NO_AUDIO_RESERVATION=1
export JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -d dummy -r 48000 -p 256 >"$TMP/jackd.log" 2>&1 &
jack_pid=$!
trap 'kill "$jack_pid" 2>/dev/null; wait "$jack_pid" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
up=
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	kill -0 "$jack_pid" 2>/dev/null || break
	if command -v jack_lsp >/dev/null 2>&1; then
		jack_lsp 2>/dev/null | grep -q "system:playback_2" && { up=1; break; }
	else
		grep -q "dummy" "$TMP/jackd.log" && { sleep 1; up=1; break; }
	fi
	sleep 0.25
done
if [ -z "$up" ]; then
	why=$(grep -v '^$' "$TMP/jackd.log" | tail -3 | tr '\n' ' ')
	skip "jackd did not start: ${why:-no output}" $NJACK
	exit 0
fi

"$BEATTY" render "$SHORT" -o "$TMP/short.wav" --bits 32f >"$TMP/render.out" 2>&1
frames=$(sed -n 's/^frames: \([0-9]*\) .*/\1/p' "$TMP/render.out")
len=$(sed -n 's/^[^ ]*: \([0-9:.]*\), .*/\1/p' "$TMP/render.out")
expect_ms=$(( ${frames:-0} * 1000 / 48000 ))

t0=$(now_ms)
is "play through JACK exits 0" 0 "$(exits "$BEATTY" play --device bt_jack "$SHORT" </dev/null)"
t1=$(now_ms)
ok "it played the song to its end (${len:-?})" grep -q "^played ${len:-none} " "$TMP/err"
took=$((t1 - t0))
echo "# JACK dummy backend: song ${expect_ms} ms, wall clock ${took} ms"
sed 's/^/# /' "$TMP/err"
# Paced, not timed: an unpaced device would take a few milliseconds, so
# the lower bound is the proof; the upper one only catches a hang (a
# loaded machine may start the program late, never play it faster).
ok "wall clock ${took} ms is no shorter than the song's ${expect_ms} ms (less 5%), and not hung" \
	awk -v t="$took" -v e="$expect_ms" 'BEGIN { exit !(e > 0 && t > 0.95 * e && t < 2 * e + 2000) }'

t0=$(now_ms)
is "play with a 300 ms stall in the callback exits 0" 0 \
	"$(exits env BEATTY_TEST_STALL_MS=300 "$BEATTY" play --device bt_jack "$SHORT" </dev/null)"
t1=$(now_ms)
took=$((t1 - t0))
xruns=$(sed -n 's/.*; \([0-9]*\) xruns$/\1/p' "$TMP/err")
echo "# with the stall: wall clock ${took} ms, ${xruns:-?} xruns"
sed 's/^/# /' "$TMP/err"
ok "the stall was counted as an underrun (${xruns:-none})" test "${xruns:-0}" -ge 1
ok "playback went on to the end after it" grep -q "^played ${len:-none} " "$TMP/err"
ok "the worst callback load shows the stall (over 100% of a period)" \
	grep -Eq "worst ([1-9][0-9][0-9]|[0-9]{4,})\.[0-9]%" "$TMP/err"
ok "and it took the song plus the stall (${took} ms)" \
	awk -v t="$took" -v e="$expect_ms" 'BEGIN { exit !(t > e + 250 && t < 2 * e + 2000) }'

# SIGTERM mid-song: joins, closes, says where it stopped, 128 + 15.
"$BEATTY" play --device bt_jack "$DEMO" </dev/null >"$TMP/term.out" 2>"$TMP/term.err" &
pid=$!
sleep 1
t0=$(now_ms)
kill -TERM "$pid"
wait "$pid"
status=$?
t1=$(now_ms)
is "SIGTERM stops playback with status 143" 143 "$status"
ok "promptly ($((t1 - t0)) ms), saying where" \
	sh -c "[ $((t1 - t0)) -lt 2000 ] && grep -q '^stopped at 0:0' '$TMP/term.err'"

# 'q' typed at a terminal: needs a pseudo-terminal, which script(1) gives.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	# The pipe stays open after the 'q': it must be read as a key, not
	# as the end of a line or of the input.
	t0=$(now_ms)
	(sleep 1; printf q; sleep 6) | script -qec "stty -g >'$TMP/tty.before'; \
		'$BEATTY' play --device bt_jack '$DEMO' 2>'$TMP/q.err'; st=\$?; \
		stty -g >'$TMP/tty.after'; echo \$st >'$TMP/q.status'" /dev/null >/dev/null 2>&1 &
	qpid=$!
	while [ ! -s "$TMP/q.status" ] && [ $(($(now_ms) - t0)) -lt 6000 ]; do sleep 0.1; done
	took=$(($(now_ms) - t0))
	wait "$qpid"
	ok "'q' at a terminal stops playback at once (${took} ms), status 0, saying where" \
		sh -c "[ $took -lt 4000 ] && [ \"\$(cat '$TMP/q.status')\" = 0 ] && grep -q 'stopped at 0:0' '$TMP/q.err'"
	ok "and the terminal settings are restored" cmp "$TMP/tty.before" "$TMP/tty.after"
else
	skip "script(1) cannot make a pseudo-terminal here" 2
fi

# Last, as it takes the server down: a device that stops taking audio is
# given up, reported, and the program ends instead of hanging.
"$BEATTY" play --device bt_jack "$DEMO" </dev/null >"$TMP/lost.out" 2>"$TMP/lost.err" &
pid=$!
sleep 1
kill -KILL "$jack_pid"
t0=$(now_ms)
wait "$pid"
status=$?
t1=$(now_ms)
is "a device that dies mid-song is bad input (1)" 1 "$status"
ok "reported as lost within 5 s ($((t1 - t0)) ms)" \
	sh -c "[ $((t1 - t0)) -lt 5000 ] && grep -q \"audio device 'bt_jack' lost: \" '$TMP/lost.err'"

# The killed server's slot stays taken in JACK's registry, which has
# eight: only a server of the same name reclaims it.  Start one and stop
# it cleanly, so runs of the suite do not use them up.
wait "$jack_pid" 2>/dev/null
jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -d dummy -r 48000 -p 256 >/dev/null 2>&1 &
jack_pid=$!
i=0
until jack_lsp 2>/dev/null | grep -q "system:playback_2" || [ $i -ge 40 ]; do sleep 0.25; i=$((i + 1)); done
kill -TERM "$jack_pid" 2>/dev/null
wait "$jack_pid" 2>/dev/null
exit 0
