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
