#!/usr/bin/env bash
# GET /api/v1/exams/{id}/results: the rows `bilet results` gives on the kiosk, from the
# central store, for a registrar only (no token or an unknown one: 401; a grader: 403); as
# JSON and as CSV for Russian Excel (UTF-8 BOM, `;`, CRLF, Cyrillic intact); every read is
# itself recorded. Also the staff side of kiosks: POST /api/v1/kiosks enrols (registrar).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
exam=2026-12-GD-101
make_kiosk "$tmp/k1"
make_kiosk "$tmp/k2"
registrar=$(token_of "$db" "Иванова И.И." registrar)
grader=$(token_of "$db" "Петров П.П." grader)
[[ "$registrar" =~ ^[0-9a-f]{64}$ ]] || fail "the token line is not 64 hex digits: $registrar"
start_central "$db"
url=$central_url/api/v1/exams/$exam/results

# Kiosks enrolled by a registrar over HTTP; a grader may not.
body="{\"public_key\":\"$(cat "$tmp/k1/kiosk.pub")\",\"name\":\"ауд. 214, место 1\"}"
[ "$(http_status POST "$central_url/api/v1/kiosks" --header "Authorization: Bearer $grader" --data "$body")" = 403 ] ||
  fail "a grader enrolled a kiosk"
[ "$(http_status POST "$central_url/api/v1/kiosks" --header "Authorization: Bearer $registrar" --data "$body")" = 201 ] ||
  fail "enrol: $(cat "$tmp/http.body")"
[ "$(http_status POST "$central_url/api/v1/kiosks" --header "Authorization: Bearer $registrar" --data "$body")" = 200 ] ||
  fail "enrolling again should be 200: $(cat "$tmp/http.body")"
[ "$(http_status POST "$central_url/api/v1/kiosks" --header "Authorization: Bearer $registrar" --data '{"public_key":"xyz"}')" = 400 ] ||
  fail "a bad key should be 400"
[ "$(http_status POST "$central_url/api/v1/kiosks" --data "$body")" = 401 ] || fail "no token"
enrol "$db" "$tmp/k2"
post "$tmp/k1"
post "$tmp/k2"
expect_counts "stored $(records_of "$tmp/k2") duplicate 0 rejected 0 gaps 0"

# Who may read.
[ "$(http_status GET "$url")" = 401 ] || fail "no token should be 401"
http_status GET "$url" >/dev/null
grep -qi '^WWW-Authenticate: Bearer' "$tmp/headers" || fail "401 without WWW-Authenticate"
[ "$(http_status GET "$url" --header "Authorization: Bearer $(printf '0%.0s' $(seq 64))")" = 401 ] ||
  fail "an unknown token should be 401"
[ "$(http_status GET "$url" --header "Authorization: Bearer $grader")" = 403 ] || fail "a grader should get 403"
[ "$(http_status GET "$central_url/api/v1/kiosks" --header "Authorization: Bearer $grader")" = 200 ] ||
  fail "any staff member may list kiosks"

# JSON: the kiosks' own `bilet results`, side by side.
[ "$(http_status GET "$url" --header "Authorization: Bearer $registrar")" = 200 ] || fail "JSON: $(cat "$tmp/http.body")"
cp "$tmp/http.body" "$tmp/central.json"
"$bin/bilet" results --data "$tmp/k1" --format json >"$tmp/k1.json"
"$bin/bilet" results --data "$tmp/k2" --format json >"$tmp/k2.json"
python3 - "$tmp/central.json" "$tmp/k1.json" "$tmp/k2.json" <<'PY'
import json, sys
central = json.load(open(sys.argv[1]))
local = json.load(open(sys.argv[2])) + json.load(open(sys.argv[3]))
key = lambda r: r["attempt_id"]
assert len(central) == 4, central
assert sorted(central, key=key) == sorted(local, key=key), (central, local)
names = {r["full_name"] for r in central}
assert "Абрамов Алексей Игоревич" in names, names
PY

# CSV for Russian Excel.
[ "$(http_status GET "$url?format=csv" --header "Authorization: Bearer $registrar")" = 200 ] || fail "CSV"
http_status GET "$url?format=csv" --header "Authorization: Bearer $registrar" >/dev/null
grep -qi '^Content-Type: text/csv; charset=utf-8' "$tmp/headers" || fail "CSV type: $(cat "$tmp/headers")"
python3 - "$tmp/http.body" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
lines = raw[3:].split(b"\r\n")
assert lines[-1] == b"" and all(b"\n" not in l for l in lines), "rows end in CRLF"
text = raw[3:].decode("utf-8")
rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
assert rows[0][:4] == ["attempt_id", "exam", "record_book", "full_name"], rows[0]
assert len(rows) == 1 + 4, rows
assert any(r[3] == "Абрамов Алексей Игоревич" and r[10] == "" for r in rows[1:]), rows
assert any(r[10] == "не явился" for r in rows[1:]), rows
PY
[ "$(http_status GET "$url?format=xml" --header "Authorization: Bearer $registrar")" = 400 ] || fail "format=xml"

# An exam nobody sat: an empty table.
[ "$(http_status GET "$central_url/api/v1/exams/none/results" --header "Authorization: Bearer $registrar")" = 200 ] ||
  fail "empty exam"
[ "$(cat "$tmp/http.body")" = "[]" ] || fail "empty exam: $(cat "$tmp/http.body")"

# Every read of results is recorded, with who read what.
reads=$(sql "$db" "SELECT count(*) FROM staff_reads WHERE staff = 'Иванова И.И.' AND what = 'results $exam'")
[ "$reads" -ge 3 ] || fail "reads of results were not recorded ($reads)"
stop_central "$central_pid"
echo "results ($backend): ok"
