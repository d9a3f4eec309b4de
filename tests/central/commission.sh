#!/usr/bin/env bash
# A commission exam (attempt 3) graded at the central store: each member's vote, the
# dissent and the extra questions go in with POST /api/v1/grades, come back in the statement
# after the lock, and stand in the commission protocol that `bilet documents` prints
# (pdftotext) beside the student's name and the final grade.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bilet=$bin/bilet
policies=$src/config/policies
exam=2027-02-GD-101-R2
db=$(new_db commission)

cp -R "$src/config/demo" "$tmp/exam"
rm -f "$tmp/exam/code.key"
sed -i -e "s/^id = .*/id = $exam/" -e 's/^attempt = .*/attempt = 3/' "$tmp/exam/exam.ini"
"$bilet" check --exam "$tmp/exam" --policies "$policies" --new-secret >/dev/null
"$bin/bilet-central" --db "$db" --key "$tmp/keys" --policies "$policies" \
  --add-exam "$tmp/exam" 2>/dev/null | grep -q "^added exam $exam" || fail "add-exam"
registrar=$(token_of "$db" "Учебная часть" registrar)
start_central "$db"
code=$(sql "$db" "SELECT code FROM exam_students WHERE exam = '$exam' AND record_book = '21-0001'")
[ -n "$code" ] || fail "no sheet code for 21-0001"

auth="Authorization: Bearer $registrar"
json='Content-Type: application/json'
body=$(
  cat <<JSON
{"exam":"$exam","code":"$code","grade":"4","by":"Иванов И.И.",
 "votes":[{"member":"Иванов И.И.","grade":"4"},{"member":"Петров П.П.","grade":"4"},
          {"member":"Сидорова А.А.","grade":"3"}],
 "dissent":"Сидорова А.А.: второй вопрос раскрыт не полностью",
 "extra_questions":["Назовите способы проветривания карьеров."]}
JSON
)
status=$(http_status POST "$central_url/api/v1/grades" --header "$auth" --header "$json" --data "$body")
[ "$status" = 201 ] || fail "the commission's grade: $status $(cat "$tmp/http.body")"
status=$(http_status POST "$central_url/api/v1/exams/$exam/lock" --header "$auth")
[ "$status" = 200 ] || fail "lock: $status $(cat "$tmp/http.body")"

status=$(http_status GET "$central_url/api/v1/exams/$exam/statement" --header "$auth")
[ "$status" = 200 ] || fail "statement: $status"
python3 - "$tmp/http.body" <<'PY' || fail "the statement's row of 21-0001"
import json, sys
rows = {r["record_book"]: r for r in json.load(open(sys.argv[1]))["rows"]}
r = rows["21-0001"]
assert r["grade"] == "4", r
assert [v["member"] for v in r["votes"]] == ["Иванов И.И.", "Петров П.П.", "Сидорова А.А."], r
assert [v["grade"] for v in r["votes"]] == ["4", "4", "3"], r
assert "не полностью" in r["dissent"], r
assert r["extra_questions"] == ["Назовите способы проветривания карьеров."], r
PY

BILET_TOKEN=$registrar "$bilet" documents --central "$central_url" --exam "$exam" \
  --out "$tmp/docs" >/dev/null || fail "bilet documents"
[ -f "$tmp/docs/protocol-21-0001.pdf" ] || fail "no commission protocol for 21-0001"
text=$(pdftotext -layout "$tmp/docs/protocol-21-0001.pdf" - | tr -s ' ')
for want in "ПРОТОКОЛ ЗАСЕДАНИЯ КОМИССИИ" "Абрамов Алексей Игоревич" "21-0001" \
  "Назовите способы проветривания карьеров." "Сидорова А.А. — 3" "Петров П.П. — 4" \
  "второй вопрос раскрыт не полностью" "4 (хорошо)"; do
  grep -qF -- "$want" <<<"$text" || fail "the protocol lacks «$want»: $text"
done
"$bin/bilet-central" --db "$db" --verify | grep -q "chains intact" || fail "verify"
echo "commission: ok"
