#!/usr/bin/env bash
# Blind grading at bilet-central, end to end on a real server (docs/grading.md): the demo
# written exam added with --add-exam; a headless kiosk session (two typed answers, the
# session closed) synced with `bilet sync`; a paper sheet printed with `bilet sheet`,
# rasterised with pdftoppm and uploaded with `bilet scan --central`; then, as a grader, the
# codes (never a name or record book), a sheet, every code graded with `bilet grade`, a
# change refused without a reason and stored as a correction with one; the lock refused to
# a grader (403), the statement refused before the lock (409), the lock; the statement's
# names and grades; `bilet-central --verify` over the central's own chain. Also: add-exam's
# refusals, 413 on a 33 MiB page, a forged QR payload refused, the schema step from 1 to 2.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bilet=$bin/bilet
exam=2026-12-GD-101
policies=$src/config/policies
db=$(new_db main)

# ---- --add-exam ----
cp -R "$src/config/demo" "$tmp/exam"
rm -f "$tmp/exam/code.key"
add_exam() { "$bin/bilet-central" --db "$db" --key "$tmp/keys" --add-exam "$@" --policies "$policies"; }
set +e
add_exam "$tmp/exam" >"$tmp/add.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] && grep -q 'code.key: missing.*bilet check --exam' "$tmp/add.out" ||
  fail "a blind exam without code.key: exit $rc: $(cat "$tmp/add.out")"
"$bilet" check --exam "$tmp/exam" --policies "$policies" --new-secret >/dev/null
add_exam "$tmp/exam" 2>/dev/null | grep -q "^added exam $exam: 36 students" || fail "add-exam"
add_exam "$tmp/exam" | grep -q "^already added: exam $exam" || fail "add-exam twice"
cp -R "$tmp/exam" "$tmp/exam2"
sed -i 's/Абрамов Алексей Игоревич/Абрамов Алексей Ильич/' "$tmp/exam2/roster.csv"
set +e
add_exam "$tmp/exam2" >"$tmp/add.out" 2>&1
rc=$?
touch "$tmp/exam.bilet"
add_exam "$tmp/exam.bilet" >"$tmp/add2.out" 2>&1
rc2=$?
set -e
[ "$rc" = 2 ] && grep -q 'added before with other content' "$tmp/add.out" ||
  fail "another roster under the same id: exit $rc: $(cat "$tmp/add.out")"
[ "$rc2" = 2 ] && grep -q 'exam.bilet: not an exam package' "$tmp/add2.out" ||
  fail "an empty .bilet: exit $rc2: $(cat "$tmp/add2.out")"
[ "$(sql "$db" "SELECT count(*) FROM exam_students WHERE full_name = 'Абрамов Алексей Ильич'")" = 0 ] ||
  fail "a refused add-exam changed the roster"

# ---- a kiosk session: two typed answers, the session closed ----
sed -e "s|^data = .*|data = $tmp/k1|" -e "s|^policies = .*|policies = $policies|" \
  "$src/config/kiosk.ini" >"$tmp/kiosk.ini"
cat >"$tmp/session.script" <<'EOF'
key F12
type 1379
enter
key F1
expect screen identify
type 21-0001
enter
enter
enter
expect screen answer
type Ответ первого студента: породы делятся по крепости.
key ctrl+Return
enter
expect screen done
wait 10
type 21-0002
enter
enter
enter
expect screen answer
type Ответ второго студента.
key ctrl+Return
enter
expect screen done
wait 10
key F12
type 1379
enter
key F8
expect screen closed
EOF
"$bin/bilet-kiosk" --config "$tmp/kiosk.ini" --exam "$tmp/exam" --headless \
  --script "$tmp/session.script" >"$tmp/kiosk.out" 2>&1 || fail "kiosk: $(cat "$tmp/kiosk.out")"
# A paper sheet for a third student, printed by the same kiosk key.
"$bilet" sheet --data "$tmp/k1" --exam "$tmp/exam" --student 21-0457 --pages 1 \
  --out "$tmp/paper.pdf" >/dev/null
pdftoppm -r 150 -gray -png -singlefile "$tmp/paper.pdf" "$tmp/page"
"$bilet" results --data "$tmp/k1" --format json >"$tmp/results.json"
code_of() {
  python3 -c 'import json,sys; print(next(r["code"] for r in json.load(open(sys.argv[1])) if r["record_book"] == sys.argv[2]))' \
    "$tmp/results.json" "$1"
}
code1=$(code_of 21-0001)
code2=$(code_of 21-0002)
pdftotext "$tmp/paper.pdf" "$tmp/paper.txt"
code3=$(grep -m1 -oE '^[0-9A-Z]{4}-[0-9A-Z]{4}$' "$tmp/paper.txt")
[[ "$code1" =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}$ && -n "$code2" && -n "$code3" ]] || fail "codes: $code1 $code2 $code3"

enrol "$db" "$tmp/k1" "ауд. 214"
registrar=$(token_of "$db" "Иванова И.И." registrar)
grader=$(token_of "$db" "Петров П.П." grader)
start_central "$db"
"$bilet" sync --data "$tmp/k1" --central "$central_url" --central-pub "$tmp/keys/central.pub" \
  >"$tmp/sync.out" 2>&1 || fail "sync: $(cat "$tmp/sync.out")"
as() { local who=$1; shift; http_status "$@" --header "Authorization: Bearer $who"; }

# ---- scans ----
BILET_TOKEN=$grader "$bilet" scan --central "$central_url" --trust "$tmp/k1/kiosk.pub" \
  "$tmp/page.png" >"$tmp/scan.out" 2>&1 || fail "scan --central: $(cat "$tmp/scan.out")"
grep -qP "^central\t.*page.png\t1\t$code3\tuploaded" "$tmp/scan.out" || fail "upload: $(cat "$tmp/scan.out")"
BILET_TOKEN=$grader "$bilet" scan --central "$central_url" "$tmp/page.png" >"$tmp/scan.out" 2>&1 ||
  fail "scan again: $(cat "$tmp/scan.out")"
grep -qP "\t$code3\tduplicate" "$tmp/scan.out" || fail "a page sent twice: $(cat "$tmp/scan.out")"
[ "$(sql "$db" "SELECT count(*) FROM scans")" = 1 ] || fail "a duplicate page was stored twice"
# A forged payload: the code changed, the signature kept.
payload=$(zbarimg --raw -q "$tmp/page.png")
forged=${payload/$code3/$code1}
enc() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
printf '\x89PNG\r\n\x1a\nforged' >"$tmp/forged.png"
[ "$(as "$grader" POST "$central_url/api/v1/scans?payload=$(enc "$forged")" \
  --header 'Content-Type: image/png' --data-file "$tmp/forged.png")" = 422 ] ||
  fail "a forged payload: $(cat "$tmp/http.body")"
grep -q 'BAD signature' "$tmp/http.body" || fail "forged: $(cat "$tmp/http.body")"
# 413 on a page over 32 MiB, before the body travels.
{ printf '\x89PNG\r\n\x1a\n'; head -c $((33 * 1024 * 1024)) /dev/zero; } >"$tmp/big.png"
[ "$(as "$grader" POST "$central_url/api/v1/scans?payload=$(enc "$payload")" \
  --header 'Content-Type: image/png' --data-file "$tmp/big.png")" = 413 ] || fail "33 MiB page"
rm -f "$tmp/big.png"

# ---- the grader's view: codes only ----
[ "$(as "$grader" GET "$central_url/api/v1/exams/$exam/codes")" = 200 ] || fail "codes: $(cat "$tmp/http.body")"
cp "$tmp/http.body" "$tmp/codes.json"
[ "$(as "$grader" GET "$central_url/api/v1/exams/$exam")" = 200 ] || fail "exam: $(cat "$tmp/http.body")"
cp "$tmp/http.body" "$tmp/exam.json"
[ "$(as "$grader" GET "$central_url/api/v1/sheets/$(echo "$code1" | tr 'A-Z' 'a-z')")" = 200 ] ||
  fail "sheet: $(cat "$tmp/http.body")"
cp "$tmp/http.body" "$tmp/sheet.json"
[ "$(as "$grader" GET "$central_url/api/v1/sheets/$code3/pages/1")" = 200 ] || fail "page image"
cmp -s "$tmp/http.body" "$tmp/page.png" || fail "the page image came back altered"
grep -qi '^Content-Type: image/png' "$tmp/headers" || fail "page type: $(cat "$tmp/headers")"
[ "$(as "$grader" GET "$central_url/api/v1/exams")" = 200 ] || fail "exams"
cp "$tmp/http.body" "$tmp/exams.json"
python3 - "$tmp" "$src/config/demo/roster.csv" "$code1" "$code2" "$code3" <<'PY'
import csv, json, sys
tmp, roster, c1, c2, c3 = sys.argv[1:]
people = list(csv.DictReader(open(roster, encoding="utf-8"), delimiter=";"))
def no_names(path):
    raw = open(path, encoding="utf-8").read()
    for key in ("full_name", "record_book", "roster"):
        assert '"%s"' % key not in raw, (path, key)
    for p in people:
        assert p["full_name"] not in raw and p["record_book"] not in raw, (path, p)
for f in ("codes.json", "exam.json", "sheet.json", "exams.json"):
    no_names(f"{tmp}/{f}")
codes = json.load(open(f"{tmp}/codes.json"))
admitted = sum(1 for p in people if p["status"] == "допущен")
assert len(codes) == admitted, (len(codes), admitted)
assert [c["code"] for c in codes] == sorted(c["code"] for c in codes), "codes in code order"
by = {c["code"]: c for c in codes}
assert by[c1]["typed"] and by[c2]["typed"] and not by[c3]["typed"], codes
assert by[c3]["pages"] == [1] and by[c3]["pages_total"] == 1, by[c3]
assert sum(1 for c in codes if c["needs_grade"]) == 3, codes
sheet = json.load(open(f"{tmp}/sheet.json"))
assert sheet["code"] == c1 and sheet["exam"] == "2026-12-GD-101", sheet
assert "Ответ первого студента" in sheet["typed"], sheet
assert sheet["ticket"] and len(sheet["questions"]) >= 2, sheet
exam = json.load(open(f"{tmp}/exam.json"))
assert exam["state"] == "closed" and exam["students"] == 36 and len(exam["tickets"]) > 0, exam
assert exam["deadline"] == "2026-12-23", exam  # the college: 3 days
exams = json.load(open(f"{tmp}/exams.json"))
assert [e["id"] for e in exams] == ["2026-12-GD-101"], exams
PY

# ---- grading with `bilet grade` ----
grade() { BILET_TOKEN=$grader "$bilet" grade --central "$central_url" --by "Петров П.П." "$@"; }
grade --code "$code1" --grade 5 >"$tmp/g.out" || fail "grade 1"
grep -qP "^$code1\t$exam\t5\tотлично\tgraded\t[0-9a-f]{64}$" "$tmp/g.out" || fail "grade line: $(cat "$tmp/g.out")"
grade --code "$code2" --grade удовлетворительно --exam "$exam" >/dev/null || fail "grade 2"
grade --code "$code3" --grade отлично >/dev/null || fail "grade 3"
set +e
grade --code "$code1" --grade 4 >"$tmp/g.out" 2>&1
rc=$?
grade --code "$code1" --grade 7 >"$tmp/g2.out" 2>&1
rc2=$?
set -e
[ "$rc" = 1 ] && grep -q 'a change needs a reason' "$tmp/g.out" || fail "a change without reason: $rc $(cat "$tmp/g.out")"
[ "$rc2" = 2 ] || fail "grade 7 should be bad usage (exit $rc2)"
grade --code "$code1" --grade хорошо --reason "пересмотр: неполный ответ на вопрос 2" >"$tmp/g.out" ||
  fail "a correction: $(cat "$tmp/g.out")"
grep -qP "\t4\tхорошо\tcorrected\t" "$tmp/g.out" || fail "correction line: $(cat "$tmp/g.out")"

# ---- lock and statement ----
url_lock=$central_url/api/v1/exams/$exam/lock
url_stmt=$central_url/api/v1/exams/$exam/statement
[ "$(as "$grader" POST "$url_lock")" = 403 ] || fail "a grader locked"
[ "$(as "$grader" GET "$url_stmt")" = 403 ] || fail "a grader read the statement"
[ "$(as "$registrar" GET "$url_stmt")" = 409 ] || fail "statement before the lock: $(cat "$tmp/http.body")"
grep -q 'grading is not locked' "$tmp/http.body" || fail "409 words: $(cat "$tmp/http.body")"
[ "$(as "$registrar" POST "$url_lock" --data '{"by":"Иванова И.И."}')" = 200 ] || fail "lock: $(cat "$tmp/http.body")"
lock1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["record"])' "$tmp/http.body")
[ "$(as "$registrar" POST "$url_lock")" = 200 ] || fail "lock twice"
grep -q "\"record\":\"$lock1\"" "$tmp/http.body" || fail "a second lock made another record"
set +e
grade --code "$code2" --grade 4 --reason "после блокировки" >"$tmp/g.out" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] && grep -q 'grading is locked' "$tmp/g.out" || fail "grading after the lock: $rc $(cat "$tmp/g.out")"
[ "$(as "$registrar" GET "$url_stmt")" = 200 ] || fail "statement: $(cat "$tmp/http.body")"
python3 - "$tmp/http.body" "$code1" "$code2" "$code3" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
c1, c2, c3 = sys.argv[2:]
assert st["exam"]["id"] == "2026-12-GD-101" and st["exam"]["discipline"], st["exam"]
assert st["locked"]["by"] == "Иванова И.И." and st["locked"]["time"] > 0, st["locked"]
rows = {r["record_book"]: r for r in st["rows"]}
assert [r["n"] for r in st["rows"]] == list(range(1, 37))
assert st["rows"][0]["full_name"] == "Абрамов Алексей Игоревич", st["rows"][0]
r = rows["21-0001"]
assert r["code"] == c1 and r["grade"] == "4" and r["graded_by"] == "Петров П.П.", r
assert r["ticket"] and r["questions"] and r["attempt_id"], r
assert [(c["grade"], c["was"]) for c in r["corrections"]] == [("4", "5")], r
assert "неполный" in r["corrections"][0]["reason"], r
assert rows["21-0002"]["grade"] == "3" and rows["21-0002"]["code"] == c2, rows["21-0002"]
assert rows["21-0457"]["grade"] == "5" and rows["21-0457"]["code"] == c3, rows["21-0457"]
assert rows["21-0457"]["attempt_id"] is None and rows["21-0457"]["pages"] == 1, rows["21-0457"]
assert rows["21-0476"]["grade"] == "not_admitted", rows["21-0476"]
assert rows["21-0464"]["grade"] == "absent", rows["21-0464"]
PY
[ "$(sql "$db" "SELECT count(*) FROM staff_reads WHERE what = 'statement $exam' AND staff = 'Иванова И.И.'")" = 1 ] ||
  fail "the read of the statement was not recorded"
[ "$(as "$grader" GET "$central_url/api/v1/exams")" = 200 ] || fail "exams"
grep -q '"state":"locked"' "$tmp/http.body" || fail "state: $(cat "$tmp/http.body")"
stop_central "$central_pid"

# The central's own chain: exam_added, a page, three grades, a correction, the lock.
central_hex=$(cat "$tmp/keys/central.pub")
types=$(sql "$db" "SELECT r.type FROM records r JOIN kiosks k ON k.id = r.kiosk WHERE k.public_key = '$central_hex' ORDER BY r.seq" | tr '\n' ' ')
[ "$types" = "exam_added page_scanned sheet_graded sheet_graded sheet_graded grade_corrected grading_locked " ] ||
  fail "the central's chain: $types"
"$bin/bilet-central" --db "$db" --verify >"$tmp/verify.out" || fail "verify: $(cat "$tmp/verify.out")"
grep -q '^2 kiosks with records' "$tmp/verify.out" || fail "verify: $(cat "$tmp/verify.out")"

# ---- the schema steps from version 1 (2: the grading tables, 3: kiosks.log_end,
# 4: kiosks.revoked_at) ----
db1=$(new_db v1)
"$bin/bilet-central" --db "$db1" --verify >/dev/null
sql "$db1" "DROP TABLE scans; DROP TABLE exam_students; DROP TABLE exams; ALTER TABLE kiosks DROP COLUMN log_end; ALTER TABLE kiosks DROP COLUMN revoked_at; DELETE FROM schema_version WHERE version >= 2" >/dev/null
"$bin/bilet-central" --db "$db1" --verify >/dev/null || fail "opening a version-1 database"
[ "$(sql "$db1" "SELECT max(version) FROM schema_version")" = 4 ] || fail "schema not at 4"
[ "$(sql "$db1" "SELECT count(*) FROM exams")" = 0 ] || fail "no exams table after the step"
[ "$(sql "$db1" "SELECT count(*) FROM kiosks WHERE log_end <> 0")" = 0 ] || fail "no kiosks.log_end after the step"
[ "$(sql "$db1" "SELECT count(*) FROM kiosks WHERE revoked_at <> 0")" = 0 ] || fail "no kiosks.revoked_at after the step"
# The steps to 3 and 4 again over columns already there (steps cut short): idempotent.
sql "$db1" "DELETE FROM schema_version WHERE version >= 3" >/dev/null
"$bin/bilet-central" --db "$db1" --verify >/dev/null || fail "the steps to 3 and 4 over existing columns"
[ "$(sql "$db1" "SELECT max(version) FROM schema_version")" = 4 ] || fail "schema not at 4 again"
echo "grading ($backend): ok"
