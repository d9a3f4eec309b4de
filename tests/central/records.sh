#!/usr/bin/env bash
# POST /api/v1/records, record by record: a real kiosk log is stored, then sent again is
# duplicate; an unknown kiosk, a forged signature, a broken chain (validly signed, wrong
# prev), a conflicting record and a gap are rejected with their reasons, gaps are
# reported and never filled; the receipts are checked by post_records every time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
start_central "$db"

# A real session of the demo exam.
make_kiosk "$tmp/a"
n_a=$(records_of "$tmp/a")
[ "$n_a" -ge 5 ] || fail "session_tool wrote only $n_a records"

# Not enrolled yet: every record is refused, nothing is stored.
post "$tmp/a"
expect_counts "stored 0 duplicate 0 rejected $n_a gaps 0"
expect_line "rejected 1: unknown kiosk"
[ "$(count_records "$db")" -eq 0 ] || fail "records of an unknown kiosk were stored"

enrol "$db" "$tmp/a" "ауд. 214, место 3"
post "$tmp/a" --batch 3
expect_counts "stored $n_a duplicate 0 rejected 0 gaps 0"
post "$tmp/a"
expect_counts "stored 0 duplicate $n_a rejected 0 gaps 0"
[ "$(count_records "$db")" -eq "$n_a" ] || fail "a re-sent log was stored twice"

# A validly signed record with the next seq whose prev is not the last record's hash.
post "$tmp/a" --forge-prev
expect_counts "stored 0 duplicate 0 rejected 1 gaps 0"
expect_line "rejected $((n_a + 1)): broken chain: prev does not match record $n_a"

# Another record at a stored seq.
post "$tmp/a" --forge-seq 2
expect_counts "stored 0 duplicate 0 rejected 1 gaps 0"
expect_line "rejected 2: conflict: seq 2 already stored with another hash"

# A forged signature: one byte of record 1's signature flipped.
make_kiosk "$tmp/b" 10
enrol "$db" "$tmp/b"
post "$tmp/b" --flip-sig 1
expect_line "rejected 1: bad signature"
expect_line "rejected 2: gap: records 1..1 missing"
expect_counts "stored 0 duplicate 0 rejected 10 gaps 1"
post "$tmp/b" --flip-sig 7
expect_line "rejected 7: bad signature"
expect_counts "stored 6 duplicate 0 rejected 4 gaps 1"
post "$tmp/b"
expect_counts "stored 4 duplicate 6 rejected 0 gaps 0"

# A gap: records 5..20 before 1..4 arrive; reported, never filled, then closed.
make_kiosk "$tmp/c" 20
enrol "$db" "$tmp/c" c
post "$tmp/c" --from 5
expect_line "rejected 5: gap: records 1..4 missing"
expect_line "gap 1..4"
expect_counts "stored 0 duplicate 0 rejected 16 gaps 1"
[ "$(sql "$db" "SELECT count(*) FROM records r JOIN kiosks k ON k.id = r.kiosk WHERE k.name = 'c'")" -eq 0 ] ||
  fail "records after a gap were stored"
# With the first 4 records the kiosk says its log ends at 20 (Bilet-Log-End): 16 pending;
# a smaller end said later never lowers it, a malformed one is ignored (no error).
token=$(token_of "$db" anna registrar)
c_key=$(cat "$tmp/c/kiosk.pub")
kiosk_c() { # prints "log_end pending" of kiosk c from GET /api/v1/kiosks
  [ "$(http_status GET "$central_url/api/v1/kiosks" --header "Authorization: Bearer $token")" = 200 ] ||
    fail "GET /api/v1/kiosks: $(cat "$tmp/http.body")"
  python3 -c 'import json,sys; k=[k for k in json.load(open(sys.argv[1])) if k["public_key"]==sys.argv[2]][0]; print(k["log_end"], k["pending"])' \
    "$tmp/http.body" "$c_key"
}
post "$tmp/c" --to 4 --log-end 20
expect_counts "stored 4 duplicate 0 rejected 0 gaps 0"
[ "$(kiosk_c)" = "20 16" ] || fail "kiosk c after 4 of 20 records: log_end pending = $(kiosk_c)"
post "$tmp/c" --to 1 --log-end 3
expect_counts "stored 0 duplicate 1 rejected 0 gaps 0"
[ "$(kiosk_c)" = "20 16" ] || fail "a smaller Bilet-Log-End lowered it: $(kiosk_c)"
post "$tmp/c" --from 5 --log-end "+21"
expect_counts "stored 16 duplicate 0 rejected 0 gaps 0"
[ "$(kiosk_c)" = "20 0" ] || fail "kiosk c after the whole log: log_end pending = $(kiosk_c)"
post "$tmp/c" --to 1 --log-end 9007199254740993
expect_counts "stored 0 duplicate 1 rejected 0 gaps 0"
[ "$(kiosk_c)" = "20 0" ] || fail "a Bilet-Log-End over 2^53 was kept: $(kiosk_c)"

# A kiosk nobody enrolled.
make_kiosk "$tmp/d" 3
post "$tmp/d"
expect_counts "stored 0 duplicate 0 rejected 3 gaps 0"
expect_line "rejected 3: unknown kiosk"

total=$((n_a + 10 + 20))
[ "$(count_records "$db")" -eq "$total" ] || fail "expected $total rows, got $(count_records "$db")"
[ "$(sql "$db" "SELECT count(DISTINCT hash) FROM records")" -eq "$total" ] || fail "a hash twice"
a_key=$(cat "$tmp/a/kiosk.pub")
[ "$(sql "$db" "SELECT last_seq FROM kiosks WHERE public_key = '$a_key'")" -eq "$n_a" ] ||
  fail "kiosk a's chain end is not its last record"
# The stored bytes are the kiosk's bytes, verbatim.
[ "$(sql "$db" "SELECT r.hash FROM records r JOIN kiosks k ON k.id = r.kiosk WHERE k.public_key = '$a_key' AND r.seq = 1")" = \
  "$(sqlite3 "$tmp/a/bilet.db" "SELECT lower(hex(hash)) FROM records WHERE seq = 1")" ] ||
  fail "record 1 of kiosk a is not stored as the kiosk wrote it"

"$bin/bilet-central" --db "$db" --verify >"$tmp/verify.out" || fail "--verify: $(cat "$tmp/verify.out")"
grep -q "3 kiosks with records, $total records, chains intact" "$tmp/verify.out" ||
  fail "--verify said: $(cat "$tmp/verify.out")"

# The kiosks as staff see them.
[ "$(http_status GET "$central_url/api/v1/kiosks" --header "Authorization: Bearer $token")" = 200 ] ||
  fail "GET /api/v1/kiosks: $(cat "$tmp/http.body")"
python3 - "$tmp/http.body" "$a_key" "$n_a" <<'PY'
import json, sys
kiosks = json.load(open(sys.argv[1]))
a = [k for k in kiosks if k["public_key"] == sys.argv[2]]
assert len(kiosks) == 3, kiosks
assert a and a[0]["name"] == "ауд. 214, место 3" and a[0]["last_seq"] == int(sys.argv[3]), a
assert a[0]["records"] == int(sys.argv[3]) and a[0]["last_seen"] > 0, a
assert a[0]["log_end"] == 0 and a[0]["pending"] == 0, a  # pushed without Bilet-Log-End
assert all(set(k) == {"public_key", "name", "last_seen", "last_seq", "records", "log_end",
                      "pending", "revoked"} for k in kiosks)
assert all(k["revoked"] is False for k in kiosks), kiosks
PY

stop_central "$central_pid"
grep -q 'POST /api/v1/records 200' "$central_log" || fail "no request lines in the log"
echo "records ($backend): ok"
