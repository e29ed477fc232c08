#!/bin/sh
# Nothing is lost: files that are not files are refused as songs and
# samples; a render never writes over the song, one of its samples, a
# folder or a FIFO, and refuses before rendering; saves and renders go
# through symlinks to the file they name; a render stopped by a signal
# leaves no temporary file and exits 128 + the signal.
. "$SRCDIR/tests/lib.sh"
plan 43
cp -R "$SRCDIR/songs/demo.bty" "$SRCDIR/songs/samples" "$TMP/" || exit 1
cd "$TMP" || exit 1
DEMO=demo.bty

# --- songs and samples that are not files -----------------------------------
is "check /dev/zero: exit 1" 1 "$(exits "$BEATTY" check /dev/zero)"
is "check /dev/zero says it is a device" "/dev/zero: it is a character device, not a file" \
	"$(head -n 1 "$TMP/err")"
mkfifo song.fifo
# timeout only guards against a hang: the refusal comes at once
is "check on a FIFO: exit 1, no hang" 1 "$(exits timeout 20 "$BEATTY" check song.fifo)"
is "check on a FIFO says so" "song.fifo: it is a FIFO (named pipe), not a file" \
	"$(head -n 1 "$TMP/err")"
mkfifo samples/fifo.wav
sed 's|^file = samples/kick.wav|file = samples/fifo.wav|' "$DEMO" >fifosample.bty
is "a FIFO as a sample: exit 1, no hang" 1 "$(exits timeout 20 "$BEATTY" check fifosample.bty)"
ok "a FIFO as a sample is named as one" \
	grep -q "^fifosample.bty:[0-9]*: cannot load sample 'samples/fifo.wav': it is a FIFO (named pipe), not a file$" "$TMP/err"
is "render with a FIFO sample: exit 1, no hang" 1 \
	"$(exits timeout 20 "$BEATTY" render fifosample.bty -o f.wav)"
rm -f samples/fifo.wav

# --- samples from outside the song's folder are allowed, and listed -----------
mkdir -p away/kit inner
cp samples/kick.wav away/kit/far.wav
cp samples/snare.wav away/kit/abs.wav
ln -s "$TMP/away/kit/abs.wav" samples/linked.wav
sed -e 's|^file = samples/kick.wav|file = ../away/kit/far.wav|' \
    -e "s|^file = samples/snare.wav|file = $TMP/away/kit/abs.wav|" \
    -e 's|^file = samples/hat.wav|file = samples/linked.wav|' "$DEMO" >inner/song.bty
cp -R samples inner/
is "check of a song with samples outside its folder: exit 0" 0 "$(exits "$BEATTY" check inner/song.bty)"
is "... lists each outside file once (the linked one is the absolute one)" 2 \
	"$(grep -c "^inner/song.bty: warning: instrument [0-9A-F]* reads a file outside the song's folder: " "$TMP/err")"
ok "... the ../ one by its real path" grep -q "folder: $TMP/away/kit/far.wav\$" "$TMP/err"
ok "... the absolute one" grep -q "folder: $TMP/away/kit/abs.wav\$" "$TMP/err"
is "check of the demo lists nothing" "" "$("$BEATTY" check "$DEMO" 2>&1 >/dev/null)"

# --- outputs a render must not write -----------------------------------------
cksum "$DEMO" samples/kick.wav >before.sum
is "render -o the song itself: exit 1" 1 "$(exits "$BEATTY" render "$DEMO" -o "$DEMO")"
is "... the message names the song" "beatty: demo.bty: that is the song itself: refused" \
	"$(cat "$TMP/err")"
is "... and nothing was rendered" "" "$(cat "$TMP/out")"
is "render -o a sample of the song: exit 1" 1 "$(exits "$BEATTY" render "$DEMO" -o samples/kick.wav)"
is "... the message names the sample" \
	"beatty: samples/kick.wav: the song uses it as a sample: refused" "$(cat "$TMP/err")"
ln -s ../demo.bty samples/another-name.bty
is "render -o a symlink to the song: exit 1" 1 \
	"$(exits "$BEATTY" render "$DEMO" -o samples/another-name.bty)"
cksum "$DEMO" samples/kick.wav >after.sum
ok "the song and the sample are untouched" cmp before.sum after.sum
ok "the link is still a link" test -L samples/another-name.bty
mkdir outdir
is "render -o a folder: exit 1" 1 "$(exits "$BEATTY" render "$DEMO" -o outdir)"
is "... refused before rendering" "beatty: outdir: it is a folder, not a file to write over: refused" \
	"$(cat "$TMP/err")"
is "... nothing written into it" "" "$(ls -A outdir)"
mkfifo out.fifo
is "render -o a FIFO: exit 1" 1 "$(exits timeout 20 "$BEATTY" render "$DEMO" -o out.fifo)"
ok "... the FIFO is still a FIFO" test -p out.fifo
is "--stems naming a file: exit 1" 1 "$(exits "$BEATTY" render "$DEMO" -o s.wav --stems "$DEMO")"
ok "... no s.wav was written" test ! -e s.wav
mkdir stems
ln "$DEMO" stems/master.wav
is "--stems where master.wav is the song: exit 1" 1 \
	"$(exits "$BEATTY" render "$DEMO" -o s.wav --stems stems)"
is "... the message names the stem" "beatty: stems/master.wav: that is the song itself: refused" \
	"$(cat "$TMP/err")"
ok "... the song is untouched" cmp "$DEMO" stems/master.wav

# --- through symlinks ----------------------------------------------------------
mkdir real
ln -s real/render.wav link.wav
is "render through a symlink: exit 0" 0 "$(exits "$BEATTY" render "$DEMO" -o link.wav --bits 16)"
ok "... the link is still a link" test -L link.wav
ok "... to a WAV in its target's folder" test "$(soxi -t real/render.wav 2>/dev/null)" = wav
"$BEATTY" fmt "$DEMO" >canon.bty
cp "$DEMO" real/song.bty
printf '\n; a comment fmt drops\n' >>real/song.bty
ln -s real/song.bty linked.bty
is "fmt -w through a symlink: exit 0" 0 "$(exits "$BEATTY" fmt -w linked.bty)"
ok "... the link is still a link" test -L linked.bty
ok "... the file it names was rewritten" cmp canon.bty real/song.bty
is "... and no file is left beside it" "song.bty" "$(ls real | grep song)"

# --- stopped by a signal ---------------------------------------------------------
# A song slowed to 20 BPM renders for minutes: long enough to be stopped.
sed 's/^bpm = .*/bpm = 20/' "$DEMO" >slow.bty
for sig in INT TERM HUP; do
	"$BEATTY" render slow.bty -o "stop-$sig.wav" --no-progress >/dev/null 2>&1 &
	pid=$!
	n=0
	while [ $n -lt 2000 ] && ! ls stop-$sig.wav.* >/dev/null 2>&1; do
		sleep 0.05
		n=$((n + 1))
	done
	kill -s "$sig" "$pid"
	wait "$pid"
	status=$?
	case $sig in INT) num=2 ;; TERM) num=15 ;; HUP) num=1 ;; esac
	is "SIG$sig stops a render with exit $((128 + num))" $((128 + num)) "$status"
	is "... and leaves no temporary file" "" "$(ls stop-$sig.wav* 2>/dev/null)"
done
