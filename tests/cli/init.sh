#!/usr/bin/env bash
# `bilet init --data DIR`: prints what it created and the public key; kiosk.key is 0600
# and the folder 0700; a second init exits 2 and changes nothing.
set -euo pipefail
bilet=$BILET_BIN/bilet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

dir=$scratch/kiosk
out=$("$bilet" init --data "$dir")
pub=$(cat "$dir/kiosk.pub")
[[ $pub =~ ^[0-9a-f]{64}$ ]] || fail "kiosk.pub is not 64 hex digits: $pub"
grep -qF "public key: $pub" <<<"$out" || fail "the public key is not printed: $out"
grep -qF "$dir/kiosk.key" <<<"$out" || fail "kiosk.key not named: $out"
grep -qF "$dir/bilet.db" <<<"$out" || fail "bilet.db not named: $out"

[ "$(stat -c %a "$dir/kiosk.key")" = 600 ] || fail "kiosk.key mode $(stat -c %a "$dir/kiosk.key")"
[ "$(stat -c %a "$dir/kiosk.pub")" = 644 ] || fail "kiosk.pub mode $(stat -c %a "$dir/kiosk.pub")"
[ "$(stat -c %a "$dir")" = 700 ] || fail "folder mode $(stat -c %a "$dir")"
[[ $(cat "$dir/kiosk.key") =~ ^[0-9a-f]{128}$ ]] || fail "kiosk.key is not 128 hex digits"
[ "$(sqlite3 "$dir/bilet.db" 'SELECT count(*) FROM records')" = 0 ] || fail "records not empty"

before=$(sha256sum "$dir/kiosk.key" "$dir/kiosk.pub" "$dir/bilet.db")
rc=0
err=$("$bilet" init --data "$dir" 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "second init: exit $rc, expected 2"
grep -qF "kiosk.key exists already" <<<"$err" || fail "second init message: $err"
after=$(sha256sum "$dir/kiosk.key" "$dir/kiosk.pub" "$dir/bilet.db")
[ "$before" = "$after" ] || fail "second init changed files"

# An existing empty folder is used as it is (its mode left alone).
mkdir -m 0750 "$scratch/existing"
"$bilet" init --data "$scratch/existing" >/dev/null
[ -f "$scratch/existing/bilet.db" ] || fail "no bilet.db in an existing folder"
"$bilet" verify --data "$scratch/existing" | grep -qF "0 records" || fail "fresh folder does not verify"

# Usage errors exit 2; --help exits 0.
rc=0; "$bilet" init >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "init without --data: exit $rc"
"$bilet" init --help | grep -qF "usage: bilet init --data DIR" || fail "--help"
echo "ok: init"
