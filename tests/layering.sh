#!/bin/sh
# The core (model, io, fx, engine) links with neither ALSA nor curses:
# a tiny program that pulls in every object of the core libraries links
# with only libsndfile, inih and libebur128, and renders a note; no
# object in a core layer names an ALSA or curses symbol.
. "$SRCDIR/tests/lib.sh"
: "${CC:?CC must name the compiler}" "${CORE_LINK:?CORE_LINK must list the core libraries}"
plan 4
cat >"$TMP/core_only.c" <<'CEOF'
#include <stdio.h>
#include "songfile.h"
int main(int argc, char **argv)
{
	song_t s;
	songfile_error_t err;
	if (argc < 2 || songfile_load(&s, argv[1], SONGFILE_LOAD_SAMPLES, &err, NULL, NULL) != 0)
		return 1;
	puts(s.title);
	song_deinit(&s);
	return 0;
}
CEOF
top=$(pwd)
# shellcheck disable=SC2086
ok "a program on the core alone links without ALSA or curses" \
	$CC $CFLAGS -I"$SRCDIR/include" -D_POSIX_C_SOURCE=200809L -o "$TMP/core_only" "$TMP/core_only.c" \
	-Wl,--whole-archive $CORE_LINK_A -Wl,--no-whole-archive $CORE_LINK $LDFLAGS
ok "the core-only program runs" "$TMP/core_only" "$SRCDIR/songs/demo.bty"
is "it read the song through the core" "First Light" "$("$TMP/core_only" "$SRCDIR/songs/demo.bty" 2>&1)"
# The libraries that must stay out: their defined symbols.
forbid="$TMP/forbid"
: >"$forbid"
for lib in asound ncursesw tinfo ncurses; do
	for d in /usr/lib/*-linux-gnu /usr/lib /lib/*-linux-gnu /usr/lib64; do
		[ -e "$d/lib$lib.so" ] || continue
		nm -D --defined-only "$d/lib$lib.so" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' >>"$forbid"
		break
	done
done
sort -u -o "$forbid" "$forbid"
used=$(for a in $CORE_LINK_A; do nm -u "$top/$a" 2>/dev/null; done | awk '{print $NF}' | sed 's/@.*//' | sort -u)
bad=$(echo "$used" | grep -Fxf "$forbid" | head -5 | tr '\n' ' ')
if [ -s "$forbid" ]; then
	is "no core object names an ALSA or curses symbol" "" "$bad"
else
	echo "ok 4 # SKIP no ALSA or curses shared library found to compare against"
fi
