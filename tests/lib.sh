# TAP helpers for the shell tests: each test script sources this, calls
# `plan N`, then `ok COND-EXIT-STATUS DESCRIPTION` style checks.
set -u
: "${BEATTY:?BEATTY must name the beatty program}"
: "${SRCDIR:?SRCDIR must name the source tree}"
tap_n=0
tap_fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/beatty-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; }

# ok DESCRIPTION COMMAND...: passes when COMMAND exits 0.
ok() {
	desc=$1; shift
	tap_n=$((tap_n + 1))
	if "$@" >"$TMP/ok.out" 2>"$TMP/ok.err"; then
		echo "ok $tap_n - $desc"
	else
		echo "not ok $tap_n - $desc"
		sed 's/^/# /' "$TMP/ok.out" "$TMP/ok.err" | head -20
		tap_fail=$((tap_fail + 1))
	fi
}

# is DESCRIPTION EXPECTED ACTUAL
is() {
	tap_n=$((tap_n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $tap_n - $1"
	else
		echo "not ok $tap_n - $1"
		echo "# expected: $2"
		echo "#   actual: $3"
		tap_fail=$((tap_fail + 1))
	fi
}

# exits COMMAND... prints the exit status of COMMAND (output to $TMP/out, $TMP/err).
exits() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	echo $?
}

# --- sound for tests: ALSA devices without a sound card, JACK pacing -------

# alsa_test_conf: writes $TMP/asound.conf (the system's configuration plus
# bt_jack, a JACK-paced device) and exports ALSA_CONFIG_PATH.  Fails (and
# sets alsa_why) when there is no system alsa.conf to start from.
alsa_test_conf() {
	alsa_why=
	sysconf=
	for d in ${ALSA_CONFIG_DIR:-} /usr/share/alsa /usr/local/share/alsa; do
		[ -f "$d/alsa.conf" ] && { sysconf="$d/alsa.conf"; break; }
	done
	if [ -z "$sysconf" ]; then
		alsa_why="no alsa.conf found (looked in /usr/share/alsa, /usr/local/share/alsa)"
		return 1
	fi
	cat >"$TMP/asound.conf" <<ALSAEOF
<$sysconf>
pcm.bt_jack {
	type plug
	slave.pcm { type jack playback_ports { 0 system:playback_1 1 system:playback_2 } }
}
ALSAEOF
	ALSA_CONFIG_PATH="$TMP/asound.conf"
	export ALSA_CONFIG_PATH
}

# jack_start: starts a JACK server with the dummy backend (no hardware, no
# real-time privileges) named beatty-test-PID, and waits until its ports
# exist.  Sets jack_pid; fails with the reason in jack_why.  jack_stop
# ends it (call it from the script's EXIT trap).
jack_start() {
	jack_why=
	jack_pid=
	if ! command -v jackd >/dev/null 2>&1; then
		jack_why="jackd is not installed (tools/deps installs jackd2)"
		return 1
	fi
	JACK_DEFAULT_SERVER="beatty-test-$$"
	JACK_NO_AUDIO_RESERVATION=1
	export JACK_DEFAULT_SERVER JACK_NO_AUDIO_RESERVATION
	jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -d dummy -r 48000 -p 256 >"$TMP/jackd.log" 2>&1 &
	jack_pid=$!
	i=0
	while [ $i -lt 40 ]; do
		kill -0 "$jack_pid" 2>/dev/null || break
		if command -v jack_lsp >/dev/null 2>&1; then
			jack_lsp 2>/dev/null | grep -q "system:playback_2" && return 0
		elif grep -q "dummy" "$TMP/jackd.log"; then
			sleep 1
			return 0
		fi
		sleep 0.25
		i=$((i + 1))
	done
	jack_why="jackd did not start: $(grep -v '^$' "$TMP/jackd.log" | tail -3 | tr '\n' ' ')"
	jack_stop
	return 1
}

jack_stop() {
	if [ -n "${jack_pid:-}" ]; then
		kill "$jack_pid" 2>/dev/null
		wait "$jack_pid" 2>/dev/null
		jack_pid=
	fi
}

# skip REASON COUNT: COUNT skipped checks.
skip_n() {
	i=0
	while [ "$i" -lt "$2" ]; do
		tap_n=$((tap_n + 1)); i=$((i + 1))
		echo "ok $tap_n # SKIP $1"
	done
}

# Screen tests: a private tmux server on socket $SOCK with $TMP/tmux.conf
# (both the script's), its session named bt.
tm() { tmux -L "$SOCK" -f "$TMP/tmux.conf" "$@"; }
keys() { tm send-keys -t bt: "$@"; }
screen() { tm capture-pane -p -t bt: 2>/dev/null; }

# wait_for REGEX [SECONDS]: until the screen matches (grep -E).
wait_for() {
	n=$(( ${2:-10} * 10 ))
	while [ "$n" -gt 0 ]; do
		screen >"$TMP/screen" && grep -Eq -- "$1" "$TMP/screen" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# tui_setup NAME: a private tmux server for a screen test (socket
# beatty-NAME-PID, history off, a 256-colour TERM inside), stopped with
# JACK and the temporary folder at exit; UTF8 names a UTF-8 locale.
tui_setup() {
	SOCK="beatty-$1-$$"
	trap 'tm kill-server 2>/dev/null; jack_stop; rm -rf "$TMP"' EXIT
	trap 'exit 1' INT TERM
	printf 'set -g default-terminal tmux-256color\nset -g history-limit 0\n' >"$TMP/tmux.conf"
	UTF8=$(locale -a 2>/dev/null | grep -i -m1 '^c\.utf-\?8$' || true)
	: "${UTF8:=C.UTF-8}"
}

# wait_gone REGEX [SECONDS]: until the screen no longer matches.
wait_gone() {
	n=$(( ${2:-10} * 10 ))
	while [ "$n" -gt 0 ]; do
		screen >"$TMP/screen" && ! grep -Eq -- "$1" "$TMP/screen" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# wait_file FILE [SECONDS]: until FILE exists and is not empty.
wait_file() {
	n=$(( ${2:-10} * 10 ))
	while [ "$n" -gt 0 ]; do
		[ -s "$1" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# help_all: the help page (open) paged through into $TMP/help.txt.
help_all() {
	wait_for "Keys \(from the key table"
	: >"$TMP/help.txt"
	i=0
	while [ $i -lt 40 ]; do
		screen >"$TMP/screen"
		cat "$TMP/screen" >>"$TMP/help.txt"
		grep -Eq "lines [0-9]+-([0-9]+) of \1( |$)" "$TMP/screen" && break
		last=$(grep -Eo "lines [0-9]+-[0-9]+ of [0-9]+" "$TMP/screen")
		keys NPage
		n=0
		while [ $n -lt 50 ] && screen | grep -q "$last"; do sleep 0.1; n=$((n + 1)); done
		i=$((i + 1))
	done
}

# steady_song FILE: one sine held for the whole pattern: its loudness is
# the same wherever it is measured, and the song loops without a gap.
steady_song() {
	cat >"$1" <<'EOF'
[song]
format = 1
bpm = 120
channels = 1

[instrument 01]
name = Tone
type = synth
osc1 = sine
amp = 0.01 0 1 0.01

[pattern 00]
rows = 64
00 = A-4 01 .. ...

[order]
00 = 00
EOF
}

# tui_session COLS ROWS COMMAND: the screen's session bt, COLS x ROWS,
# running COMMAND.  A tmux server just killed can still be going away and
# take the new session with it, so a session that does not come up is
# started again.
tui_session() {
	tries=0
	until tm new-session -d -s bt -x "$1" -y "$2" "$3" 2>/dev/null &&
		tm has-session -t bt 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 30 ] || return 1
		tm kill-server 2>/dev/null
		sleep 0.1
	done
}

# tui_fresh [SUB]: the screen's tmux server stopped and a new folder W,
# with the demo and its samples in W/SUB.  A new folder each time: the
# beatty just hung up may still be writing its autosave into the last
# one, which the next start would offer for recovery.
tui_fresh() {
	tm kill-server 2>/dev/null
	runs=$((${runs:-0} + 1))
	W="$TMP/w$runs"
	mkdir -p "$W/${1:-.}"
	cp "$SRCDIR/songs/demo.bty" "$W/${1:-.}/"
	cp -r "$SRCDIR/songs/samples" "$W/${1:-.}/"
}

# tui_run_script: writes W/run.sh, which runs beatty in W with the
# arguments it is given (its pid into W/pid, its errors into W/stderr,
# then its exit status into W/status) and stays, so the pane can still
# be read after beatty has gone.
tui_run_script() {
	cat >"$W/run.sh" <<EOF
cd '$W'
sh -c 'echo \$\$ >pid; exec "\$0" "\$@"' '$BEATTY' "\$@" 2>stderr
echo \$? >status
sleep 600
EOF
}

# tui_quit: ^Q, answering "no" to saving; waits for the exit status.
tui_quit() {
	keys C-q
	wait_for "unsaved changes" 2 && keys n
	wait_file "$W/status" 10
}

# follow_rate COLS ROWS BPM SECONDS: what following the playhead costs.
# beatty on a fresh demo set to BPM, run under script(1), which keeps
# every byte it writes to the terminal, plays the song from the pattern
# page with follow on, paced by JACK (the caller starts it and writes
# the ALSA configuration).  The bytes are counted over SECONDS and
# divided by the song time played in them: the rows the view went
# through (read off the info line every quarter second) at BPM, so a
# slow machine that plays fewer rows does not look cheaper.  Sets
# follow_bps (bytes per second of song time), follow_rows,
# follow_lagged (how many samples found the view's row away from the
# playing one) and $TMP/follow_screen (the last screen while playing);
# on failure returns 1 with follow_why.
follow_rate() {
	follow_bps= follow_rows=0 follow_lagged=0 follow_why=
	f_bpm=$3 f_secs=$4
	tui_fresh
	sed -i "s/^bpm = .*/bpm = $f_bpm/" "$W/demo.bty"
	lpb=$(sed -n 's/^lpb = //p' "$W/demo.bty")
	tui_session "$1" "$2" \
		"cd '$W' && env TERM=xterm-256color LC_ALL=$UTF8 XDG_CONFIG_HOME='$TMP/nocfg' script -qfc \"'$BEATTY' --device bt_jack demo.bty\" '$W/typescript'; sleep 600"
	wait_for "STOP " 15 || { follow_why="beatty did not start"; return 1; }
	grep -q "FOLLOW" "$TMP/screen" || { follow_why="follow is not on"; return 1; }
	keys F5
	wait_for "PLAY .*Row 0[4-9A-F]" 15 || { follow_why="the song did not play"; return 1; }
	grep -q "Row  *1 *Kick" "$TMP/screen" || { follow_why="not on the pattern page"; return 1; }
	# follow_pos: "ORDER ROW LASTROW PLAYROW", in decimal, off the screen.
	follow_pos() {
		screen >"$TMP/screen"
		{ sed -n \
			-e 's/^ Ord \([0-9A-F]*\)\/.* Row \([0-9A-F]*\)\/\([0-9A-F]*\) .*/\1 \2 \3/p' \
			-e 's/.*\(PLAY\|PATTERN\|STOP\) *Ord [0-9A-F]* Pat [0-9A-F]* Row \([0-9A-F]*\) .*/\2/p' "$TMP/screen" |
			tr '\n' ' '; echo; } | { read -r o r l p _ && echo "$((0x$o)) $((0x$r)) $((0x$l)) $((0x${p:-0}))"; }
	}
	set -- $(follow_pos)
	po=$1 pr=$2 pl=$3
	b0=$(wc -c <"$W/typescript")
	t_end=$(( $(date +%s%3N) + f_secs * 1000 ))
	while :; do
		sleep 0.25
		now=$(date +%s%3N)
		[ "$now" -ge "$t_end" ] && b1=$(wc -c <"$W/typescript")
		set -- $(follow_pos)
		[ $# -eq 4 ] || { follow_why="the position is not on the screen"; return 1; }
		if [ "$1" = "$po" ]; then
			follow_rows=$((follow_rows + $2 - pr))
		else
			follow_rows=$((follow_rows + pl + 1 - pr + $2))
		fi
		d=$(($4 - $2))
		[ $d -lt -1 ] || [ $d -gt 1 ] && follow_lagged=$((follow_lagged + 1))
		po=$1 pr=$2 pl=$3
		[ "$now" -ge "$t_end" ] && break
	done
	cp "$TMP/screen" "$TMP/follow_screen"
	keys F8
	# script(1) holds the terminal open after the tmux server goes, so
	# beatty would never see the hang-up and play on: quit it here.
	keys C-q
	wait_gone "STOP |PLAY " 5 ||
		pkill -f "script -qfc .* $W/typescript" 2>/dev/null
	if [ "$follow_rows" -le 0 ]; then
		follow_why="the view did not move with the song"
		return 1
	fi
	follow_bps=$(( (b1 - b0) * f_bpm * lpb / 60 / follow_rows ))
}
