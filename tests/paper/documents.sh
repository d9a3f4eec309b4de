#!/usr/bin/env bash
# `bilet documents --statement`: the ведомость, commission and appeal protocols and statistics
# of the fixture statements (tests/data/statements, made by make_statements.py) as PDF and
# CSV. The PDFs are read back with pdftotext -layout: every student's row holds their name,
# record book and grade on one line, in roster order; totals, page counts, running headers.
# The CSVs parse back (python3 csv) to the statement's rows. A malformed statement is refused
# with one line and exit 2, and a failed write leaves no file behind.
set -euo pipefail
bin=${BILET_BIN:?}/bilet
src=${BILET_SRC:?}
data=$src/tests/data/statements
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export TZ=UTC

pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }

# The ведомость checks (rows, totals, CSV) run at the end, in one python3 for all statements.
vedomost_pairs=()
check_vedomost() { vedomost_pairs+=("$1" "$2"); }

# --- a written exam of 40 students over two pages -------------------------------------------
"$bin" documents --statement "$data/written.json" --out "$tmp/w" > "$tmp/out"
printf '%s\n' "$tmp/w/vedomost.pdf" "$tmp/w/vedomost.csv" "$tmp/w/statistics.pdf" \
  "$tmp/w/statistics.csv" | diff - "$tmp/out" || fail "files printed"
[ "$(ls "$tmp/w" | wc -l)" = 4 ] || fail "written: $(ls "$tmp/w")"
check_vedomost "$data/written.json" "$tmp/w"
[ "$(pages "$tmp/w/vedomost.pdf")" = 2 ] || fail "the ведомость of 40 has $(pages "$tmp/w/vedomost.pdf") pages"
pdftotext -layout "$tmp/w/vedomost.pdf" "$tmp/w.txt"
grep -q "ЭКЗАМЕНАЦИОННАЯ ВЕДОМОСТЬ" "$tmp/w.txt" || fail "title"
for want in "стр. 1 из 2" "стр. 2 из 2" "Дисциплина: Технология горных работ" "Группа: ГД-21" \
  "Дата: 20.12.2026" "Экзаменаторы: Петров П.П., Сидорова А.А." "Попытка: 1 — первичная сдача" \
  "исправлено (было: 3)" "* взят второй билет" "Деканат (учебная часть)" "(продолжение)"; do
  grep -qF "$want" "$tmp/w.txt" || fail "ведомость: «$want» missing"
done
[ "$(grep -c "ФИО студента" "$tmp/w.txt")" = 2 ] || fail "the table header is not repeated on page 2"
grep -q "9  *Иванов Игорь Николаевич  *21-0009  *6\*  *4 (хорошо)" "$tmp/w.txt" || fail "second ticket row"
# Statistics: counts, shares, mean, the weak students.
pdftotext -layout "$tmp/w/statistics.pdf" "$tmp/s.txt"
for want in "Средний балл: 3,94 (учтено оценок: 33)" "Качество знаний (оценки 4 и 5): 72,7 %" \
  "Успеваемость (оценки 3 и выше, «зачтено»): 90,9 %" "10 (30,3 %)"; do
  grep -qF "$want" "$tmp/s.txt" || fail "statistics: «$want» missing"
done
grep -q "Допущены  *37  *92,5 %" "$tmp/s.txt" || fail "statistics: admitted row"
grep -q "21-0008  *2 (неудовлетворительно)" "$tmp/s.txt" || fail "statistics: weak student 21-0008"
if grep -q "21-0009" "$tmp/s.txt"; then fail "statistics lists a student graded 4"; fi

# --- attempt 3 before a commission: a protocol for every admitted student ---------------------
"$bin" documents --statement "$data/commission.json" --out "$tmp/c" > "$tmp/out"
check_vedomost "$data/commission.json" "$tmp/c"
for rb in 21-0001 21-0006 21-0018 21-0002; do
  [ -s "$tmp/c/protocol-$rb.pdf" ] && [ -s "$tmp/c/protocol-$rb.csv" ] || fail "protocol of $rb"
  grep -qx "$tmp/c/protocol-$rb.pdf" "$tmp/out" || fail "protocol of $rb not printed"
done
[ ! -e "$tmp/c/protocol-21-0008.pdf" ] || fail "a protocol for a student not admitted"
pdftotext -layout "$tmp/c/vedomost.pdf" "$tmp/cv.txt"
grep -qF "Комиссия: председатель — Иванов И.И.; члены комиссии — Петров П.П., Сидорова А.А." "$tmp/cv.txt" ||
  fail "the commission in the ведомость header"
grep -qF "Председатель комиссии" "$tmp/cv.txt" || fail "the chair's signature line"
pdftotext "$tmp/c/protocol-21-0002.pdf" - | tr -s ' \n' ' ' > "$tmp/p2.txt"
grep -qF "Итоговая оценка: не явился" "$tmp/p2.txt" || fail "the absent student's protocol"
grep -qF "Дополнительные вопросы: не задавались" "$tmp/p2.txt" || fail "no extra questions"

# --- a зачёт ------------------------------------------------------------------------------
"$bin" documents --statement "$data/zachet.json" --out "$tmp/z" >/dev/null
check_vedomost "$data/zachet.json" "$tmp/z"
pdftotext -layout "$tmp/z/vedomost.pdf" "$tmp/z.txt"
grep -qF "ЗАЧЁТНАЯ ВЕДОМОСТЬ" "$tmp/z.txt" || fail "zachet title"
grep -qF "Форма контроля: зачёт" "$tmp/z.txt" || fail "zachet form"
[ "$(pages "$tmp/z/vedomost.pdf")" = 1 ] || fail "zachet pages"
grep -qF "стр. 1 из 1" "$tmp/z.txt" || fail "zachet page number"
if grep -q "Средний балл" <(pdftotext "$tmp/z/statistics.pdf" -); then fail "a mean grade for a зачёт"; fi

# --- appeals -------------------------------------------------------------------------------
"$bin" documents --statement "$data/appeal.json" --out "$tmp/a" > "$tmp/out"
check_vedomost "$data/appeal.json" "$tmp/a"
grep -qx "$tmp/a/appeal-23-0002.pdf" "$tmp/out" || fail "appeal-23-0002.pdf not printed"
[ "$(ls "$tmp/a"/appeal-* | wc -l)" = 2 ] || fail "appeal protocols: $(ls "$tmp/a")"
pdftotext "$tmp/a/appeal-23-0002.pdf" - | tr -s ' \n' ' ' > "$tmp/ap.txt"
for want in "ПРОТОКОЛ АПЕЛЛЯЦИОННОЙ КОМИССИИ" "Студент: Морозова Анна Игоревна; зачётная книжка № 23-0002" \
  "Обжалуемая оценка: 3 (удовлетворительно)" "Апелляционная комиссия: Орлов О.О., Медведева М.М., Соколов С.С." \
  "Решение: оценка изменена на 4 (хорошо)" "дифференцированный зачёт" "С решением ознакомлен(а)"; do
  grep -qF "$want" "$tmp/ap.txt" || fail "appeal: «$want» missing"
done
pdftotext "$tmp/a/appeal-23-0005.pdf" - | tr -s ' \n' ' ' | grep -qF "оценка оставлена без изменения: 2 (неудовлетворительно)" ||
  fail "a kept grade"
grep -qF "по апелляции (было: 3)" <(pdftotext -layout "$tmp/a/vedomost.pdf" -) || fail "the appeal note in the ведомость"

# --- languages -------------------------------------------------------------------------------
"$bin" documents --statement "$data/zachet.json" --out "$tmp/kk" --lang kk >/dev/null
grep -qF "СЫНАҚ ВЕДОМОСЫ" <(pdftotext "$tmp/kk/vedomost.pdf" -) || fail "--lang kk"
"$bin" documents --statement "$data/zachet.json" --out "$tmp/en" --lang en >/dev/null
grep -qF "PASS/FAIL TEST RECORD" <(pdftotext "$tmp/en/vedomost.pdf" -) || fail "--lang en"

# --- from a real bilet-central: refused before the lock, printed after it ---------------------
central=${BILET_BIN}/bilet-central
probe=${BILET_BIN}/tests/http_probe
cp -R "$src/config/demo" "$tmp/exam"
"$bin" check --exam "$tmp/exam" --policies "$src/config/policies" --new-secret >/dev/null
"$central" --db "$tmp/c.db" --key "$tmp/keys" --add-exam "$tmp/exam" --policies "$src/config/policies" >/dev/null 2>&1
registrar=$("$central" --db "$tmp/c.db" --add-staff "Иванова И.И." --role registrar | tail -n 1)
grader=$("$central" --db "$tmp/c.db" --add-staff "Петров П.П." | tail -n 1)
"$central" --db "$tmp/c.db" --key "$tmp/keys" --listen 127.0.0.1:0 2>"$tmp/central.log" &
central_pid=$!
trap 'kill "$central_pid" 2>/dev/null || true; wait "$central_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 200); do
  grep -q 'listening on' "$tmp/central.log" && break
  kill -0 "$central_pid" 2>/dev/null || fail "bilet-central did not start: $(cat "$tmp/central.log")"
  sleep 0.05
done
url=$(sed -n 's|.*listening on \(http://[^ ]*:[0-9][0-9]*\) .*|\1|p' "$tmp/central.log" | head -n 1)
[ -n "$url" ] || fail "no address in the central's log"
rc=0
BILET_TOKEN=$registrar "$bin" documents --central "$url" --exam 2026-12-GD-101 --out "$tmp/cd" 2>"$tmp/e" || rc=$?
[ "$rc" = 1 ] && [ "$(cat "$tmp/e")" = "bilet documents: grading of exam 2026-12-GD-101 is not locked yet" ] ||
  fail "before the lock: exit $rc: $(cat "$tmp/e")"
[ ! -e "$tmp/cd" ] || fail "files written before the lock"
"$probe" POST "$url/api/v1/exams/2026-12-GD-101/lock" --data '{"by":"Иванова И.И."}' \
  --header "Authorization: Bearer $registrar" --out "$tmp/lock.json" >/dev/null
rc=0
BILET_TOKEN=$grader "$bin" documents --central "$url" --exam 2026-12-GD-101 --out "$tmp/cd" 2>"$tmp/e" || rc=$?
[ "$rc" = 1 ] && grep -q "refused the staff token (HTTP 403" "$tmp/e" || fail "a grader's token: $rc $(cat "$tmp/e")"
rc=0
env -u BILET_TOKEN "$bin" documents --central "$url" --exam 2026-12-GD-101 --out "$tmp/cd" 2>"$tmp/e" || rc=$?
[ "$rc" = 2 ] && grep -q "no staff token" "$tmp/e" || fail "no token: $rc $(cat "$tmp/e")"
printf '%s\n' "$registrar" > "$tmp/token"
"$bin" documents --central "$url/" --exam 2026-12-GD-101 --token-file "$tmp/token" --out "$tmp/cd" \
  --save-statement "$tmp/central.json" > "$tmp/out" || fail "documents from the central"
grep -qx "$tmp/cd/vedomost.pdf" "$tmp/out" || fail "files from the central: $(cat "$tmp/out")"
check_vedomost "$tmp/central.json" "$tmp/cd"
grep -qF "Абрамов Алексей Игоревич" <(pdftotext "$tmp/cd/vedomost.pdf" -) || fail "the demo roster"
kill "$central_pid"
wait "$central_pid" 2>/dev/null || true
trap 'rm -rf "$tmp"' EXIT

# --- refusals: one line, exit 2, nothing written --------------------------------------------
refuse() { # expected-words file.json
  local want=$1 json=$2 rc=0
  "$bin" documents --statement "$json" --out "$tmp/bad" > "$tmp/o" 2> "$tmp/e" || rc=$?
  [ "$rc" = 2 ] || fail "$json: exit $rc, 2 expected ($(cat "$tmp/e"))"
  [ "$(wc -l < "$tmp/e")" = 1 ] || fail "$json: not one line: $(cat "$tmp/e")"
  grep -qF -- "$want" "$tmp/e" || fail "$json: «$want» not in: $(cat "$tmp/e")"
  [ ! -s "$tmp/o" ] || fail "$json: printed files"
  [ ! -e "$tmp/bad" ] || fail "$json: left $(ls -A "$tmp/bad")"
}
python3 - "$data/written.json" "$tmp" <<'PY'
import json, sys
for name, change in (("g6", 'st["rows"][3]["grade"] = "6"'), ("norows", 'del st["rows"]'),
                     ("form", 'st["exam"]["form"] = "exam_oral"'),
                     ("dup", 'st["rows"][5]["record_book"] = "21-0001"'),
                     ("na", 'st["rows"][6]["grade"] = "5"'), ("name", 'st["rows"][1]["full_name"] = 7')):
    st = json.load(open(sys.argv[1]))
    exec(change)
    open(f"{sys.argv[2]}/{name}.json", "w").write(json.dumps(st, ensure_ascii=False))
PY
refuse 'g6.json: rows[3].grade: "6" is not a grade' "$tmp/g6.json"
refuse "norows.json: rows: missing or not an array" "$tmp/norows.json"
refuse 'form.json: exam.form: "exam_oral" is not exam, zachet, diff_zachet or complex' "$tmp/form.json"
refuse "dup.json: rows[5].record_book: 21-0001 is also rows[0]" "$tmp/dup.json"
refuse "na.json: rows[6].grade: a student who is not admitted" "$tmp/na.json"
refuse "name.json: rows[1].full_name: not a string" "$tmp/name.json"
head -c 3000 "$data/written.json" > "$tmp/cut.json"
refuse "cut.json: line" "$tmp/cut.json"
rc=0; "$bin" documents --statement "$data/written.json" 2> "$tmp/e" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--out DIR is required" "$tmp/e" || fail "missing --out: $rc"
rc=0; "$bin" documents --statement "$data/written.json" --out "$tmp/bad" --lang de 2> "$tmp/e" || rc=$?
[ "$rc" = 2 ] && [ ! -e "$tmp/bad" ] || fail "--lang de: $rc"

# A write that fails half-way (file size limit) leaves neither parts nor finished files, and
# the files of an earlier run in the folder stay as they were.
mkdir "$tmp/full"
echo old > "$tmp/full/vedomost.csv"
rc=0
(trap '' XFSZ; ulimit -f 16; exec "$bin" documents --statement "$data/written.json" --out "$tmp/full") \
  > "$tmp/o" 2> "$tmp/e" || rc=$?
[ "$rc" = 1 ] || fail "a full disk: exit $rc ($(cat "$tmp/e"))"
[ "$(wc -l < "$tmp/e")" = 1 ] || fail "a full disk: $(cat "$tmp/e")"
[ "$(ls -A "$tmp/full")" = vedomost.csv ] && [ "$(cat "$tmp/full/vedomost.csv")" = old ] ||
  fail "a failed run left: $(ls -A "$tmp/full")"
# --- the structured checks, in one python3 (its start-up is the slowest part of this test) ----
python3 - "$data/commission.json" "$tmp/c/protocol-21-0001.pdf" "$tmp/c/protocol-21-0001.csv" \
  "$tmp/w/statistics.csv" "${vedomost_pairs[@]}" <<'PY'
import csv, json, re, subprocess, sys


def check_vedomost(statement, out):
    st = json.load(open(statement))
    words = {"5": "5 (отлично)", "4": "4 (хорошо)", "3": "3 (удовлетворительно)",
             "2": "2 (неудовлетворительно)", "pass": "зачтено", "fail": "не зачтено",
             "absent": "не явился", "not_admitted": "не допущен", None: ""}
    def fail(msg):
        print("FAIL: " + msg, file=sys.stderr); sys.exit(1)
    text = subprocess.run(["pdftotext", "-layout", out + "/vedomost.pdf", "-"], check=True,
                          capture_output=True, text=True).stdout
    lines = text.splitlines()
    last = -1
    for r in st["rows"]:
        hits = [i for i, l in enumerate(lines) if re.search(r"(^|\s)" + re.escape(r["record_book"]) + r"(\s|$)", l)]
        if len(hits) != 1:
            fail(f"record book {r['record_book']} on {len(hits)} lines")
        i = hits[0]
        line = lines[i]
        if not re.match(r"^\s*%d\s" % r["n"], line):
            fail(f"row {r['n']} does not start its line: {line!r}")
        head = r["full_name"][:12]
        if head not in line:
            fail(f"name {head!r} not on the line of {r['record_book']}: {line!r}")
        g = words[r["grade"]]
        if not re.search(re.escape(g) + r"(\s|$)", line[line.index(r["record_book"]):]):
            fail(f"grade {g!r} not on the line of {r['record_book']}: {line!r}")
        if r["grade"] in ("4", "3") and words["2"] in line:
            fail(f"a wrong grade on the line of {r['record_book']}: {line!r}")
        if i <= last:
            fail(f"{r['record_book']} is out of roster order")
        last = i
    # Totals under the table.
    rows = st["rows"]
    roster = len(rows)
    admitted = [r for r in rows if r["status"] == "admitted"]
    absent = sum(r["grade"] == "absent" for r in admitted)
    flat = " ".join(text.split())
    for want in (f"Число студентов по списку: {roster}", f"Явились: {len(admitted) - absent}",
                 f"Не явились: {absent}", f"Не допущены: {roster - len(admitted)}"):
        if want not in flat:
            fail(f"totals: {want!r} missing")
    for tok, word in (("5", "отлично"), ("4", "хорошо"), ("3", "удовлетворительно"),
                      ("2", "неудовлетворительно"), ("pass", "зачтено"), ("fail", "не зачтено")):
        n = sum(r["grade"] == tok for r in rows)
        if n and f"«{word}» — {n}" not in flat:
            fail(f"totals: «{word}» — {n} missing")
    # The CSV: BOM, ';', CRLF, every field quoted; the same rows back.
    raw = open(out + "/vedomost.csv", "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        fail("vedomost.csv has no BOM")
    for l in raw[3:].split(b"\r\n")[:-1]:
        if not (l.startswith(b'"') and l.endswith(b'"')) or b'";"' not in l:
            fail(f"vedomost.csv line not quoted and ';'-separated: {l[:60]!r}")
    if raw.count(b"\n") != raw.count(b"\r\n"):
        fail("vedomost.csv has a bare LF")
    back = list(csv.DictReader(open(out + "/vedomost.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
    if len(back) != roster:
        fail(f"vedomost.csv: {len(back)} rows, {roster} expected")
    for r, b in zip(rows, back):
        want = (str(r["n"]), r["full_name"], r["record_book"], r["grade"] or "", words[r["grade"]],
                str(r["ticket"] or ""))
        got = (b["n"], b["full_name"], b["record_book"], b["grade"], b["grade_text"], b["ticket"])
        if want != got:
            fail(f"vedomost.csv row {r['n']}: {got} != {want}")
    print("ok", statement.split("/")[-1], roster, "rows")


def check_statistics(path):
    rows = {r["metric"]: r for r in csv.DictReader(open(path, encoding="utf-8-sig", newline=""), delimiter=";") if r["metric"] != "weak_student"}
    want = {"roster": "40", "admitted": "37", "not_admitted": "3", "appeared": "33", "absent": "4",
            "grade_5": "10", "grade_4": "14", "grade_3": "6", "grade_2": "3"}
    for k, v in want.items():
        assert rows[k]["count"] == v, (k, rows[k])
    assert rows["mean_grade"]["value"] == "3,94", rows["mean_grade"]
    weak = [r for r in csv.DictReader(open(path, encoding="utf-8-sig", newline=""), delimiter=";") if r["metric"] == "weak_student"]
    assert len(weak) == 9 and weak[0]["record_book"] == "21-0008", weak


def check_protocol(statement, pdf, csv_path):
    st = json.load(open(statement))
    row = st["rows"][0]
    text = " ".join(subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    want = ["ПРОТОКОЛ ЗАСЕДАНИЯ КОМИССИИ", "1. Дата и время: 10.02.2027, 10:00",
            "2. Дисциплина и форма контроля: Технология горных работ; форма контроля: экзамен",
            "3. Присутствовали члены комиссии: председатель — Иванов И.И.; члены комиссии — Петров П.П., Сидорова А.А.",
            "4. Студент: Абрамов Артём Сергеевич; группа ГД-21; зачётная книжка № 21-0001",
            "Билет № 2", "6. Дополнительные вопросы:", "7. Итоговая оценка: 4 (хорошо)",
            "Иванов И.И. (председатель) — 4 (хорошо)", "Сидорова А.А. — 3 (удовлетворительно)",
            "Особое мнение: " + row["dissent"], "Письменный ответ прилагается."]
    want += [q["text"] for q in row["questions"]] + row["extra_questions"]
    for w in want:
        w = " ".join(w.split())
        if w not in text:
            sys.exit(f"FAIL: protocol: {w!r} missing")
    got = [tuple(r) for r in csv.reader(open(csv_path, encoding="utf-8-sig", newline=""), delimiter=";")]
    assert got[0] == ("field", "value"), got[0]
    d = {}
    for k, v in got[1:]:
        d.setdefault(k, []).append(v)
    assert d["full_name"] == [row["full_name"]] and d["record_book"] == ["21-0001"], d
    assert d["chair"] == ["Иванов И.И."] and d["member"] == ["Петров П.П.", "Сидорова А.А."], d
    assert d["question"] + d["task"] == [q["text"] for q in row["questions"]], d
    assert d["extra_question"] == row["extra_questions"] and d["grade"] == ["4"], d
    assert d["dissent"] == [row["dissent"]], d


check_protocol(sys.argv[1], sys.argv[2], sys.argv[3])
check_statistics(sys.argv[4])
pairs = sys.argv[5:]
for i in range(0, len(pairs), 2):
    check_vedomost(pairs[i], pairs[i + 1])
PY
echo "documents: all checks passed"
