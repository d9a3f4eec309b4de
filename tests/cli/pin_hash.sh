#!/usr/bin/env bash
# `bilet pin-hash`: reads the PIN on stdin, strips one trailing newline ("\n" or "\r\n"),
# prints an Argon2id string that verifies; empty, over 64 bytes or multi-line → exit 2.
set -euo pipefail
bilet=$BILET_BIN/bilet
verify=$BILET_BIN/tests/pin_verify
fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs pin-hash on the bytes of printf FORMAT, expecting exit $1.
hash_of() {
  local want_rc=$1 fmt=$2 rc=0 out
  out=$(printf "$fmt" | "$bilet" pin-hash 2>&1) || rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "pin-hash of '$fmt': exit $rc, expected $want_rc ($out)"
  printf '%s' "$out"
}

h=$(hash_of 0 '1379\n')
[[ $h == '$argon2id$v=19$m=65536,t=2,p=1$'* ]] || fail "not an Argon2id interactive string: $h"
[ "$(wc -l <<<"$h")" -eq 1 ] || fail "more than one line: $h"
"$verify" "$h" 1379 || fail "the hash does not verify 1379"
! "$verify" "$h" 1378 || fail "the hash verifies a wrong PIN"
! "$verify" "$h" $'1379\n' || fail "the newline was not stripped"

h=$(hash_of 0 '2468\r\n')
"$verify" "$h" 2468 || fail "CRLF not stripped"
h=$(hash_of 0 'пин-код 5')
"$verify" "$h" 'пин-код 5' || fail "a PIN without newline"
# Two different runs salt differently.
[ "$(hash_of 0 '1379\n')" != "$(hash_of 0 '1379\n')" ] || fail "no salt"

hash_of 2 '' >/dev/null
hash_of 2 '\n' >/dev/null
hash_of 2 '\r\n' >/dev/null
hash_of 2 '1379\n\n' >/dev/null
hash_of 2 "$(printf '%065d' 1)" >/dev/null
h=$(hash_of 0 "$(printf '%064d' 1)\n")
"$verify" "$h" "$(printf '%064d' 1)" || fail "a 64-byte PIN"
err=$(hash_of 2 '')
grep -qF "empty" <<<"$err" || fail "empty PIN message: $err"

"$bilet" pin-hash --help | grep -qF "usage: bilet pin-hash" || fail "--help"
echo "ok: pin-hash"
