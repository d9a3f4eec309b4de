#!/usr/bin/env bash
# Revoking a kiosk key (docs/central.md, --revoke-kiosk): a kiosk pushes records, its key is
# revoked while the server runs, and every later record — and, since nothing of its is
# trusted any more, every one sent again — is rejected `revoked kiosk`; the stored records
# stay (count, results, --verify), GET /api/v1/kiosks says "revoked":true, a USB bundle of
# it is refused, and enrolling the key again is refused by the CLI and the API. A database
# of schema version 3 gains the column at open.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
registrar=$(token_of "$db" registrar registrar)
start_central "$db"

# A real session of the demo exam: its records are in the exam's results.
make_kiosk "$tmp/a"
n=$(records_of "$tmp/a")
enrol "$db" "$tmp/a" "ауд. 214, место 3"
make_kiosk "$tmp/b" 4
enrol "$db" "$tmp/b" b
post "$tmp/a"
expect_counts "stored $n duplicate 0 rejected 0 gaps 0"
exam=$(sql "$db" "SELECT exam FROM records LIMIT 1")
results() {
  [ "$(http_status GET "$central_url/api/v1/exams/$exam/results" \
    --header "Authorization: Bearer $registrar")" = 200 ] || fail "results: $(cat "$tmp/http.body")"
  cp "$tmp/http.body" "$1"
}
results "$tmp/results.before"
grep -q '"attempt' "$tmp/results.before" || fail "no attempts in the results: $(cat "$tmp/results.before")"

# Revoke by kiosk.pub while the server runs; again by hex: already revoked, exit 0.
key=$(tr -d '\n' <"$tmp/a/kiosk.pub")
out=$("$bin/bilet-central" --db "$db" --revoke-kiosk "$tmp/a/kiosk.pub") || fail "revoke exited $?"
[ "$out" = "revoked kiosk $key: its later records are rejected, the stored ones stay" ] ||
  fail "unexpected output: $out"
out=$("$bin/bilet-central" --db "$db" --revoke-kiosk "$(echo "$key" | tr a-f A-F)") ||
  fail "the second revocation exited $?"
[ "$out" = "already revoked: kiosk $key" ] || fail "unexpected output: $out"

# More records of the revoked kiosk: rejected; the earlier ones, sent again, too.
"$tools/store_tool" fill "$tmp/a" 3 >/dev/null
post "$tmp/a" --from $((n + 1))
expect_counts "stored 0 duplicate 0 rejected 3 gaps 0"
expect_line "rejected $((n + 1)): revoked kiosk"
expect_line "rejected $((n + 3)): revoked kiosk"
post "$tmp/a"
expect_counts "stored 0 duplicate 0 rejected $((n + 3)) gaps 0"
expect_line "rejected 1: revoked kiosk"
[ "$(count_records "$db")" -eq "$n" ] || fail "records of a revoked kiosk were stored or lost"
results "$tmp/results.after"
cmp -s "$tmp/results.before" "$tmp/results.after" ||
  fail "the results changed: $(diff "$tmp/results.before" "$tmp/results.after")"
# Another kiosk is not affected.
post "$tmp/b"
expect_counts "stored 4 duplicate 0 rejected 0 gaps 0"

# The kiosks list says which one is revoked.
[ "$(http_status GET "$central_url/api/v1/kiosks" --header "Authorization: Bearer $registrar")" = 200 ] ||
  fail "kiosks: $(cat "$tmp/http.body")"
grep -qE "\"public_key\": ?\"$key\"[^}]*\"records\": ?$n[^}]*\"revoked\": ?true" "$tmp/http.body" ||
  fail "the revoked kiosk is not shown revoked with its $n records: $(cat "$tmp/http.body")"
bkey=$(tr -d '\n' <"$tmp/b/kiosk.pub")
grep -qE "\"public_key\": ?\"$bkey\"[^}]*\"revoked\": ?false" "$tmp/http.body" ||
  fail "the other kiosk is not shown trusted: $(cat "$tmp/http.body")"

# A USB bundle of the revoked kiosk: refused, nothing stored.
"$tools/post_records" --data "$tmp/a" --bundle "$tmp/a.bundle" >/dev/null
rc=0
"$bin/bilet-central" --db "$db" --key "$tmp/keys" --import "$tmp/a.bundle" >/dev/null \
  2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "import of a revoked kiosk's bundle exited $rc"
grep -qF "nothing stored: revoked kiosk $key" "$tmp/err" || fail "import: $(cat "$tmp/err")"
[ "$(count_records "$db")" -eq $((n + 4)) ] || fail "the import changed the records"

# Enrolling the key again: refused by the CLI (exit 1) and by the API (403).
rc=0
"$bin/bilet-central" --db "$db" --enrol "$tmp/a/kiosk.pub" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "enrolling a revoked key exited $rc"
grep -qF "kiosk $key was revoked and is not trusted again" "$tmp/err" || fail "enrol: $(cat "$tmp/err")"
[ "$(http_status POST "$central_url/api/v1/kiosks" --header "Authorization: Bearer $registrar" \
  --data "{\"public_key\":\"$key\"}")" = 403 ] || fail "API enrol of a revoked key: $(cat "$tmp/http.body")"
grep -qF "was revoked" "$tmp/http.body" || fail "API enrol: $(cat "$tmp/http.body")"
post "$tmp/a" --from $((n + 1))
expect_counts "stored 0 duplicate 0 rejected 3 gaps 0"

# The store still verifies.
"$bin/bilet-central" --db "$db" --verify >"$tmp/out" || fail "--verify: $(cat "$tmp/out")"

# An unknown key: exit 1; a bad file: exit 1; no value: exit 2.
rc=0
"$bin/bilet-central" --db "$db" --revoke-kiosk "$(printf '7%.0s' $(seq 64))" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "revoking an unknown key exited $rc"
grep -qF "is not enrolled (nothing revoked)" "$tmp/err" || fail "unknown key: $(cat "$tmp/err")"
rc=0
"$bin/bilet-central" --db "$db" --revoke-kiosk "$tmp/none.pub" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "revoking a missing file exited $rc: $(cat "$tmp/err")"
rc=0
"$bin/bilet-central" --db "$db" --revoke-kiosk "$key" --name x >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "--revoke-kiosk with --name exited $rc"
stop_central "$central_pid"

# A database of schema version 3 (no revoked_at) gains the column, trusted, at open.
old=$(new_db old)
"$bin/bilet-central" --db "$old" --enrol "$tmp/b/kiosk.pub" >/dev/null
sql "$old" "ALTER TABLE kiosks DROP COLUMN revoked_at" >/dev/null
sql "$old" "DELETE FROM schema_version WHERE version = 4" >/dev/null
[ "$(sql "$old" "SELECT max(version) FROM schema_version")" = 3 ] || fail "not a version 3 store"
"$bin/bilet-central" --db "$old" --revoke-kiosk "$tmp/b/kiosk.pub" >/dev/null ||
  fail "revoking in an upgraded store"
[ "$(sql "$old" "SELECT max(version) FROM schema_version")" = 4 ] || fail "not upgraded to 4"
[ "$(sql "$old" "SELECT count(*) FROM kiosks WHERE revoked_at > 0")" = 1 ] || fail "not revoked"

echo "revoke_kiosk ($backend): ok"
