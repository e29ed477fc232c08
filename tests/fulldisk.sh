#!/bin/sh
# A full disk, for real: a small tmpfs holds the song.  A render that
# does not fit, a song rewrite, a save and an autosave from the screen
# each fail with a message naming the file, leave the song as it was and
# no temporary file behind; with room again they all succeed.  Mounting
# needs root (or a user namespace); without it the test skips, saying so.
. "$SRCDIR/tests/lib.sh"
plan 15

D="$TMP/disk"
mkdir -p "$D"
if ! mount -t tmpfs -o size=1m,mode=0755 beatty-full "$D" 2>"$TMP/mount.err"; then
	skip_n "cannot mount a small tmpfs here ($(head -c 80 "$TMP/mount.err")): needs root" 15
	exit 0
fi
trap 'tm kill-server 2>/dev/null; sleep 0.2; umount "$D" 2>/dev/null || umount -l "$D"; rm -rf "$TMP"' EXIT
cp "$SRCDIR/songs/demo.bty" "$D/"
cp -r "$SRCDIR/songs/samples" "$D/"
# Non-canonical, so that `fmt -w` has to write.
printf '\n; kept until rewritten\n' >>"$D/demo.bty"
cp "$D/demo.bty" "$TMP/before.bty"

# tmp_left: names of temporary files left in the song's folder.
tmp_left() { find "$D" -maxdepth 1 -name '*.tmp*' | head -3; }
fill() { dd if=/dev/zero of="$D/filler" bs=4k 2>/dev/null; sync; }

# --- render: 50 s of 24-bit stereo cannot fit in 1 MB --------------------------------
rc=$(exits "$BEATTY" render "$D/demo.bty" -o "$D/out.wav" --no-progress)
is "a render that fills the disk exits 1" 1 "$rc"
ok "its message names the output file" grep -q "$D/out.wav" "$TMP/err"
ok "and leaves no output and no temporary file" sh -c "[ ! -e '$D/out.wav' ] && [ -z \"\$(find '$D' -maxdepth 1 -name '*.tmp*')\" ]"

# --- fmt -w on a full disk ------------------------------------------------------------
fill
rc=$(exits "$BEATTY" fmt "$D/demo.bty" -w)
is "rewriting the song on a full disk exits 1" 1 "$rc"
ok "the message names the song and says why" grep -q "$D/demo.bty.*[Nn]o space" "$TMP/err"
ok "the song is byte-identical to before" cmp -s "$D/demo.bty" "$TMP/before.bty"
is "no temporary file is left" "" "$(tmp_left)"

# --- the screen: save and autosave on a full disk --------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	skip_n "tmux is not installed" 7
	rm -f "$D/filler"
	ok "with room again, fmt -w rewrites the song" "$BEATTY" fmt "$D/demo.bty" -w
	exit 0
fi
tui_setup fulldisk
trap 'tm kill-server 2>/dev/null; sleep 0.2; umount "$D" 2>/dev/null || umount -l "$D"; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/cfg/beatty"
printf '[ui]\nautosave = 1\n' >"$TMP/cfg/beatty/config.ini"
tui_session 80 24 \
	"cd '$TMP' && env TERM=tmux-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$TMP/cfg' HOME='$TMP' '$BEATTY' --no-audio '$D/demo.bty' 2>'$TMP/stderr'; sleep 600"
wait_for "^F1: help   Space: edit mode" 15
# An edit: edit mode on, a note typed at the cursor.
keys Space
sleep 0.2
keys q
sleep 0.2
ok "an autosave on a full disk says it failed, naming the file" \
	wait_for "autosave failed: .*demo\.bty" 10
keys C-s
ok "a save on a full disk says 'not saved' and why" wait_for "not saved: .*([Nn]o space|demo\.bty)" 10
ok "the song on disk is unchanged" cmp -s "$D/demo.bty" "$TMP/before.bty"
is "no temporary file is left by the screen" "" "$(tmp_left)"
rm -f "$D/filler"
ok "with room again, the autosave is written" wait_file "$D/demo.bty.autosave" 10
keys C-s
ok "and the save succeeds" wait_for "saved .*demo\.bty" 10
ok "the song on disk now differs (the edit is in it)" sh -c "! cmp -s '$D/demo.bty' '$TMP/before.bty'"
tm kill-server 2>/dev/null
sleep 0.3
ok "with room again, fmt -w rewrites the song" "$BEATTY" fmt "$D/demo.bty" -w
