#!/bin/sh
# Delivery formats: `render -o` picks FLAC, Vorbis, Opus or MP3 by the
# extension.  Each file is decoded back by ffmpeg and measured: codec,
# rate, length, and the loudness against what render reported; FLAC must
# decode to exactly the WAV's samples (same word length, same dither).
. "$SRCDIR/tests/lib.sh"
plan 27
cd "$TMP" || exit 1

# Four seconds of a chord progression: enough for gated loudness.
cat >s.bty <<'SONG'
[song]
format = 1
bpm = 120
channels = 2

[instrument 01]
type = synth

[pattern 00]
rows = 32
00 = C-4 01 40 ... | E-3 01 30 ...
08 = G-4 01 40 ... | C-3 01 30 ...
10 = A-4 01 40 ... | F-3 01 30 ...
18 = F-4 01 40 ... | G-3 01 30 ...

[order]
00 = 00
SONG

# integrated LUFS of a file as ffmpeg's own EBU R128 meter reads it
lufs_of() {
	ffmpeg -hide_banner -nostats -i "$1" -af ebur128 -f null - 2>&1 |
		sed -n 's/^ *I: *\(-\?[0-9.]*\) LUFS.*/\1/p' | tail -1
}
# |a - b| <= tol
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; }
probe() { ffprobe -v error -select_streams a:0 -show_entries "stream=$2" -of csv=p=0 "$1"; }

is "render to WAV exits 0" 0 "$(exits "$BEATTY" render s.bty -o s.wav --bits 16)"
frames=$(sed -n 's/^frames: \([0-9]*\).*/\1/p' "$TMP/out")
reported=$(sed -n 's/^loudness: *\(-\?[0-9.]*\) LUFS.*/\1/p' "$TMP/out")

is "render to FLAC exits 0" 0 "$(exits "$BEATTY" render s.bty -o s.flac --bits 16)"
ok "the report names FLAC 16-bit" grep -q "s.flac: .*FLAC 16-bit" "$TMP/out"
is "the FLAC is flac, 16-bit, 48 kHz, stereo" "flac,s16,48000,2" "$(probe s.flac codec_name,sample_rate,channels,sample_fmt)"
ffmpeg -v error -i s.wav -f s16le wav.pcm && ffmpeg -v error -i s.flac -f s16le flac.pcm
ok "the FLAC decodes to the WAV's samples exactly" cmp wav.pcm flac.pcm
"$BEATTY" render s.bty -o s24.flac >/dev/null 2>&1
is "a 24-bit FLAC holds 24 bits" "24" "$(probe s24.flac bits_per_raw_sample)"

for fmt in ogg:vorbis opus:opus mp3:mp3; do
	ext=${fmt%%:*} codec=${fmt#*:}
	is "render to .$ext exits 0" 0 "$(exits "$BEATTY" render s.bty -o "s.$ext")"
	is "the .$ext file is $codec at 48 kHz stereo" "$codec,48000,2" "$(probe "s.$ext" codec_name,sample_rate,channels)"
	# encoders add priming and padding: within 50 ms of the render
	got=$(ffmpeg -v error -i "s.$ext" -f s16le - | wc -c)
	ok "the .$ext file decodes to the song's length" near "$((got / 4))" "$frames" 2400
	ok "the .$ext file's loudness is the render's (within 0.3 LU)" near "$(lufs_of "s.$ext")" "$reported" 0.3
done

# --lufs still lands in a lossy file
"$BEATTY" render s.bty -o l.opus --lufs -16 >/dev/null 2>&1
"$BEATTY" render s.bty -o loud.flac --lufs -9 >/dev/null 2>&1
ok "--lufs -9 into FLAC measures -9 (within 0.3 LU)" near "$(lufs_of loud.flac)" -9 0.3
tp=$(ffmpeg -hide_banner -nostats -i loud.flac -af ebur128=peak=true -f null - 2>&1 |
	sed -n 's/^ *Peak: *\(-\?[0-9.]*\) dBFS.*/\1/p' | tail -1)
ok "and its true peak stays under the limiter's -1 dBTP ceiling ($tp)" awk -v p="$tp" 'BEGIN { exit !(p != "" && p <= -0.95) }'
ok "--lufs -16 into Opus measures -16 (within 0.3 LU)" near "$(lufs_of l.opus)" -16 0.3

is "an unknown extension is a usage error (2)" 2 "$(exits "$BEATTY" render s.bty -o s.xyz)"
ok "the message names the formats that can be written" grep -q "\.flac, .ogg, .opus, .mp3" "$TMP/err"
ok "and no file is left" test ! -e s.xyz
is "Opus at 44.1 kHz is a usage error (2)" 2 "$(exits "$BEATTY" render s.bty -o s.opus --rate 44100)"
ok "the message lists the rates Opus takes" grep -q "48000" "$TMP/err"
is "FLAC with 32-bit float is a usage error (2)" 2 "$(exits "$BEATTY" render s.bty -o f.flac --bits 32f)"
