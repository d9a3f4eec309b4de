#!/usr/bin/env bash
# `bilet-central --add-exam FILE.bilet` (docs/grading.md, docs/package.md): a sealed package
# packed with --central-pub is added as its directory would be — the same students and
# codes, and adding the directory afterwards is "already added" (one content); a package
# packed without the central's copy, one sealed to another central, and an altered one are
# refused with one line, exit 2, and nothing is added.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bilet=$bin/bilet
policies=$src/config/policies
db=$(new_db pkg)
add_exam() { "$bin/bilet-central" --db "$db" --key "$tmp/keys" --policies "$policies" --add-exam "$@"; }
# expect_refused TEXT FILE: add-exam exits 2 naming TEXT.
expect_refused() {
  local rc=0
  add_exam "$2" >"$tmp/add.out" 2>&1 || rc=$?
  [ "$rc" = 2 ] && grep -qF -- "$1" "$tmp/add.out" ||
    fail "add-exam $2: exit $rc, expected 2 and '$1': $(cat "$tmp/add.out")"
}

# The oral demo (sheet codes are record books) creates the central key on the way.
add_exam "$src/config/demo-oral" 2>/dev/null | grep -q "^added exam 2026-12-EM-204" ||
  fail "add-exam of the oral demo directory"

cp -R "$src/config/demo" "$tmp/demo"
rm -f "$tmp/demo/code.key"
"$bilet" check --exam "$tmp/demo" --policies "$policies" --new-secret >/dev/null
"$bilet" init --data "$tmp/staff" >/dev/null
"$bilet" init --data "$tmp/other-central" >/dev/null
printf 'горные породы 2026\n' >"$tmp/pass"
pack() {
  "$bilet" pack --exam "$tmp/demo" --key "$tmp/staff/kiosk.key" --passphrase-file "$tmp/pass" \
    --policies "$policies" "$@" >/dev/null
}
pack --central-pub "$tmp/keys/central.pub" --out "$tmp/demo.bilet"
pack --out "$tmp/no-central.bilet"
pack --central-pub "$tmp/other-central/kiosk.pub" --out "$tmp/other.bilet"
python3 - "$tmp/demo.bilet" "$tmp/altered.bilet" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
i = data.index(b'roster') + 40   # a byte inside the signed manifest
data[i] = ord('A') if data[i] != ord('A') else ord('B')
open(sys.argv[2], 'wb').write(bytes(data))
PY

expect_refused "--central-pub" "$tmp/no-central.bilet"
expect_refused "other.bilet" "$tmp/other.bilet"
expect_refused "altered.bilet" "$tmp/altered.bilet"
n=$(sql "$db" "SELECT count(*) FROM exams")
[ "$n" = 1 ] || fail "refused packages added something: $n exams"

add_exam "$tmp/demo.bilet" 2>/dev/null | grep -q "^added exam 2026-12-GD-101: 36 students" ||
  fail "add-exam of the package"
add_exam "$tmp/demo.bilet" | grep -q "^already added: exam 2026-12-GD-101" ||
  fail "add-exam of the package twice"
add_exam "$tmp/demo" | grep -q "^already added: exam 2026-12-GD-101" ||
  fail "the directory of the same exam should be the same content"

"$bin/bilet-central" --db "$db" --verify | grep -q "chains intact" || fail "verify"
echo "add_package: ok"
