#!/usr/bin/env bash
# `bilet pack` and `bilet check --exam FILE.bilet [--trust KEY]...` (docs/package.md): a
# package is written 0644 and atomically, checks good against its staff key (exit 0),
# untrusted against another (1), altered (1: bad package signature); usage and input errors
# exit 2 and write nothing; no ticket text is in the package.
set -euo pipefail

bilet="$BILET_BIN/bilet"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cp -R "$BILET_SRC/config/demo" "$tmp/demo"
rm -f "$tmp/demo/code.key"
"$bilet" check --exam "$tmp/demo" --new-secret >/dev/null
"$bilet" init --data "$tmp/staff" >/dev/null
"$bilet" init --data "$tmp/other" >/dev/null
"$bilet" init --data "$tmp/central" >/dev/null
printf 'горные породы 2026\n' >"$tmp/pass"
pkg=$tmp/demo.bilet

# expect RC TEXT CMD... — runs CMD, expecting exit RC and TEXT on stdout or stderr.
expect() {
  local want_rc=$1 want_text=$2 rc=0
  shift 2
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "$*: exit $rc, expected $want_rc: $out"
  grep -qF -- "$want_text" <<<"$out" || fail "$*: output lacks '$want_text': $out"
}

expect 0 "--passphrase-file" "$bilet" pack --help
expect 0 "pack" "$bilet" --help

# Usage and input errors: exit 2, nothing written.
expect 2 "--exam, --key, --passphrase-file and --out are required" \
  "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" --out "$pkg"
expect 2 "unknown option --nope" "$bilet" pack --nope
printf 'короткий\n' >"$tmp/pass7"
sed -i 's/короткий/коротки/' "$tmp/pass7"
expect 2 "at least 8" "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" \
  --passphrase-file "$tmp/pass7" --out "$pkg"
: >"$tmp/empty"
expect 2 "the passphrase is empty" "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" \
  --passphrase-file "$tmp/empty" --out "$pkg"
expect 2 "expected 128" "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.pub" \
  --passphrase-file "$tmp/pass" --out "$pkg"
mv "$tmp/demo/code.key" "$tmp/code.key.saved"
expect 2 "нет code.key" "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" \
  --passphrase-file "$tmp/pass" --out "$pkg"
mv "$tmp/code.key.saved" "$tmp/demo/code.key"
sed -i 's/^answer_minutes = 90/answer_minutes = 900/' "$tmp/demo/exam.ini"
expect 2 "exam.ini" "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" \
  --passphrase-file "$tmp/pass" --out "$pkg"
sed -i 's/^answer_minutes = 900/answer_minutes = 90/' "$tmp/demo/exam.ini"
[ ! -e "$pkg" ] || fail "a refused pack wrote $pkg"
[ -z "$(ls "$tmp" | grep tmp)" ] || fail "a temporary file was left: $(ls "$tmp")"

# The package: 0644, the metadata printed.
expect 0 "билетов (tickets) 27" "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" \
  --passphrase-file "$tmp/pass" --central-pub "$tmp/central/kiosk.pub" --out "$pkg"
[ "$(stat -c %a "$pkg")" = 644 ] || fail "package mode $(stat -c %a "$pkg")"
[ -z "$(ls "$tmp" | grep tmp)" ] || fail "a temporary file was left: $(ls "$tmp")"

# No ticket text in it (the control: the same search finds them in tickets.csv).
found=0
while IFS= read -r q; do
  grep -qF -- "$q" "$tmp/demo/tickets.csv" || fail "control: '$q' not found in tickets.csv"
  if grep -qF -- "$q" "$pkg"; then found=$((found + 1)); fi
done < <(sed -n '2,$s/^[0-9]*;[a-z]*;"\{0,1\}\([^"]\{16,60\}\).*/\1/p' "$tmp/demo/tickets.csv")
[ "$found" = 0 ] || fail "$found ticket texts found in the package"

# check: trusted (0), untrusted (1), no --trust (0 with a warning), a directory with --trust.
expect 0 "билеты (tickets): 27, запечатаны" "$bilet" check --exam "$pkg" --trust "$tmp/staff/kiosk.pub"
expect 0 "ключ доверенный" "$bilet" check --exam "$pkg" --trust "$tmp/other/kiosk.pub" \
  --trust "$tmp/staff/kiosk.pub"
expect 0 "sealed to the central key too" "$bilet" check --exam "$pkg" --trust "$tmp/staff/kiosk.pub"
expect 1 "signed by an untrusted key" "$bilet" check --exam "$pkg" --trust "$tmp/other/kiosk.pub"
expect 0 "the signature was not checked against a trusted key" "$bilet" check --exam "$pkg"
expect 2 "--new-secret is for an exam directory" "$bilet" check --exam "$pkg" --new-secret
expect 2 "missing.pub: cannot open" "$bilet" check --exam "$pkg" --trust "$tmp/missing.pub"

# Altered: a byte of the signed manifest (the exam id), a byte of the signature.
sed 's/2026-12-GD-101/2026-12-GD-102/' "$pkg" >"$tmp/altered.bilet"
expect 1 "bad package signature" "$bilet" check --exam "$tmp/altered.bilet" \
  --trust "$tmp/staff/kiosk.pub"
expect 1 "bad package signature" "$bilet" check --exam "$tmp/altered.bilet"
c=$(grep -oE '"sig":"[0-9a-f]{11}' "$pkg" | tail -c 2)
d=$([ "$c" = 0 ] && echo 1 || echo 0)
sed -E "s/(\"sig\":\"[0-9a-f]{10})$c/\1$d/" "$pkg" >"$tmp/altered2.bilet"
cmp -s "$pkg" "$tmp/altered2.bilet" && fail "the signature was not altered"
expect 1 "bad package signature" "$bilet" check --exam "$tmp/altered2.bilet" \
  --trust "$tmp/staff/kiosk.pub"
printf 'not a package' >"$tmp/junk.bilet"
expect 2 "not an exam package" "$bilet" check --exam "$tmp/junk.bilet"
echo "ok [pack]"
