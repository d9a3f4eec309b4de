#!/usr/bin/env bash
# USB bundles (`bilet-central --import FILE`): a kiosk's whole log is stored all at once;
# importing it again stores nothing and says so; `bilet sync --export` writes bundles that
# import the same way; records that came over HTTP first are
# duplicates; a bundle with one bad record, a bundle of a kiosk nobody enrolled and a
# bundle whose signature does not verify store nothing and exit 1 naming why.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
import() {
  "$bin/bilet-central" --db "$db" --key "$tmp/keys" --import "$1" >"$tmp/import.out" 2>"$tmp/import.err"
}

make_kiosk "$tmp/k"
n=$(records_of "$tmp/k")
# The bundle as `bilet sync --export` writes it (docs/central.md), made by the test client.
"$tools/post_records" --data "$tmp/k" --bundle "$tmp/k.bundle" >/dev/null

# Not enrolled yet.
rc=0
import "$tmp/k.bundle" || rc=$?
[ "$rc" -eq 1 ] || fail "a bundle of an unknown kiosk: exit $rc"
grep -q 'not enrolled' "$tmp/import.err" || fail "no reason: $(cat "$tmp/import.err")"
[ "$(count_records "$db")" -eq 0 ] || fail "an unknown kiosk's records were stored"

enrol "$db" "$tmp/k"
import "$tmp/k.bundle" || fail "import: $(cat "$tmp/import.err")"
[ "$(cat "$tmp/import.out")" = "stored $n, duplicate 0" ] || fail "first import: $(cat "$tmp/import.out")"
import "$tmp/k.bundle" || fail "second import: $(cat "$tmp/import.err")"
[ "$(cat "$tmp/import.out")" = "stored 0, duplicate $n" ] || fail "second import: $(cat "$tmp/import.out")"
[ "$(count_records "$db")" -eq "$n" ] || fail "expected $n rows, got $(count_records "$db")"

# The bundle `bilet sync --export` writes is the same thing.
"$bin/bilet" sync --data "$tmp/k" --export "$tmp/k.export" >/dev/null
import "$tmp/k.export" || fail "import of bilet sync --export: $(cat "$tmp/import.err")"
[ "$(cat "$tmp/import.out")" = "stored 0, duplicate $n" ] || fail "export: $(cat "$tmp/import.out")"
db_saved=$db
db=$(new_db export)
enrol "$db" "$tmp/k"
import "$tmp/k.export" || fail "import of bilet sync --export: $(cat "$tmp/import.err")"
[ "$(cat "$tmp/import.out")" = "stored $n, duplicate 0" ] || fail "export: $(cat "$tmp/import.out")"
db=$db_saved

# Part over HTTP, the rest by bundle.
make_kiosk "$tmp/h" 40
enrol "$db" "$tmp/h"
start_central "$db"
post "$tmp/h" --to 15
expect_counts "stored 15 duplicate 0 rejected 0 gaps 0"
stop_central "$central_pid"
"$tools/post_records" --data "$tmp/h" --bundle "$tmp/h.bundle" >/dev/null
import "$tmp/h.bundle" || fail "import after HTTP: $(cat "$tmp/import.err")"
[ "$(cat "$tmp/import.out")" = "stored 25, duplicate 15" ] || fail "after HTTP: $(cat "$tmp/import.out")"

# A whole log longer than one HTTP batch may be.
make_kiosk "$tmp/big" 6000
enrol "$db" "$tmp/big"
"$bin/bilet" sync --data "$tmp/big" --export "$tmp/big.bundle" >/dev/null
import "$tmp/big.bundle" || fail "a 6000-record bundle: $(cat "$tmp/import.err")"
[ "$(cat "$tmp/import.out")" = "stored 6000, duplicate 0" ] || fail "big: $(cat "$tmp/import.out")"

# One bad signature inside: all or nothing.
make_kiosk "$tmp/b" 30
enrol "$db" "$tmp/b"
"$tools/post_records" --data "$tmp/b" --bundle "$tmp/b.bundle" --flip-sig 17 >/dev/null
rows=$(count_records "$db")
rc=0
import "$tmp/b.bundle" || rc=$?
[ "$rc" -eq 1 ] || fail "a bundle with a bad record: exit $rc"
grep -q 'record 17 .*bad signature' "$tmp/import.err" || fail "should name record 17: $(cat "$tmp/import.err")"
grep -q 'nothing stored' "$tmp/import.err" || fail "should say nothing was stored: $(cat "$tmp/import.err")"
[ "$(count_records "$db")" -eq "$rows" ] || fail "part of a bad bundle was stored"

# A bundle signed by another key than its kiosk's.
make_kiosk "$tmp/other" 1
"$tools/post_records" --data "$tmp/b" --bundle "$tmp/forged.bundle" --bundle-key "$tmp/other" >/dev/null
rc=0
import "$tmp/forged.bundle" || rc=$?
[ "$rc" -eq 1 ] || fail "a forged bundle: exit $rc"
grep -q 'signature does not verify' "$tmp/import.err" || fail "forged: $(cat "$tmp/import.err")"

# Not a bundle at all; a missing file.
echo '{"bundle":' >"$tmp/junk.bundle"
rc=0
import "$tmp/junk.bundle" || rc=$?
[ "$rc" -eq 1 ] || fail "junk: exit $rc"
rc=0
import "$tmp/none.bundle" || rc=$?
[ "$rc" -eq 1 ] || fail "a missing file: exit $rc"
[ "$(count_records "$db")" -eq "$rows" ] || fail "rows changed"

"$bin/bilet-central" --db "$db" --verify >/dev/null || fail "--verify after imports"
echo "bundle ($backend): ok"
