#!/usr/bin/env bash
# `bilet sheet`: blank sets (blind and record_book modes, --all), a typed answer from the
# record log, the sheet_printed records, and refusals that leave no PDF behind.
set -euo pipefail
# No `cmd | grep -q` below: grep -q stops reading early, the writer may die of SIGPIPE, and
# pipefail would count that as a failure.
bin=${BILET_BIN:?}/bilet
src=${BILET_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp -r "$src/config/demo" "$tmp/exam"
"$bin" check --exam "$tmp/exam" --new-secret >/dev/null
"$bin" init --data "$tmp/data" >/dev/null

# The blind code, computed here independently of bilet (docs/records.md, "Sheet codes").
blind_code() {
  python3 - "$tmp/exam/code.key" "$1" "$2" <<'PY'
import hashlib, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
d = hashlib.blake2b(sys.argv[2].encode() + b"\0" + sys.argv[3].encode(), key=key, digest_size=32).digest()
bits = int.from_bytes(d[:5], "big")
s = "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(bits >> (35 - 5 * i)) & 31] for i in range(8))
print(s[:4] + "-" + s[4:])
PY
}
code=$(blind_code 2026-12-GD-101 21-0001)

# Blind: the code, «стр. 1 из 2», the discipline; never the name or the record book.
"$bin" sheet --data "$tmp/data" --exam "$tmp/exam" --student 21-0001 --out "$tmp/one.pdf" > "$tmp/out"
grep -q "one.pdf: 1 set, 2 pages" "$tmp/out" || fail "summary line: $(cat "$tmp/out")"
pdftotext "$tmp/one.pdf" "$tmp/one.txt"
grep -q "$code" "$tmp/one.txt" || fail "blind code $code not on the sheet"
grep -q "стр. 1 из 2" "$tmp/one.txt" || fail "«стр. 1 из 2» missing"
grep -q "стр. 2 из 2" "$tmp/one.txt" || fail "«стр. 2 из 2» missing"
grep -q "Технология горных работ" "$tmp/one.txt" || fail "discipline missing"
grep -q "МОГАПОУ «Горный техникум»" "$tmp/one.txt" || fail "institution missing"
grep -q "ГД-21" "$tmp/one.txt" || fail "group missing"
grep -q "20.12.2026" "$tmp/one.txt" || fail "date missing"
if grep -q -e "21-0001" -e "Абрамов" "$tmp/one.txt"; then fail "blind sheet shows the student"; fi
[ "$(pdfinfo "$tmp/one.pdf" | awk '/^Pages:/ {print $2}')" = 2 ] || fail "two pages expected"
[ ! -e "$tmp/one.pdf.part" ] || fail "the temporary PDF was left behind"

# --pages N
"$bin" sheet --data "$tmp/data" --exam "$tmp/exam" --student 21-0002 --pages 3 --out "$tmp/three.pdf" >/dev/null
pdftotext "$tmp/three.pdf" "$tmp/three.txt"
grep -q "стр. 3 из 3" "$tmp/three.txt" || fail "--pages 3"

# --all: a set for every admitted student, nobody else.
admitted=$(python3 - "$tmp/exam/roster.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"), delimiter=";"))
print(sum(r["status"] in ("admitted", "допущен") for r in rows))
PY
)
"$bin" sheet --data "$tmp/data" --exam "$tmp/exam" --all --pages 1 --out "$tmp/all.pdf" > "$tmp/out"
grep -q "$admitted sets, $admitted pages" "$tmp/out" || fail "--all: $(cat "$tmp/out"), $admitted admitted"
not_admitted=$(blind_code 2026-12-GD-101 21-0467)
pdftotext "$tmp/all.pdf" "$tmp/all.txt"
if grep -q "$not_admitted" "$tmp/all.txt"; then fail "--all printed a not-admitted student"; fi

# Every set is a signed sheet_printed record; the chain stays valid.
printed=$(sqlite3 "$tmp/data/bilet.db" "select count(*) from records where type='sheet_printed'")
[ "$printed" -eq $((2 + admitted)) ] || fail "sheet_printed records: $printed"
sqlite3 "$tmp/data/bilet.db" "select bytes from records where seq=1" > "$tmp/rec"
grep -q "\"code\":\"$code\",\"pages\":2,\"attempt\":0" "$tmp/rec" || fail "sheet_printed fields"
"$bin" verify --data "$tmp/data" >/dev/null || fail "bilet verify after printing"

# Mode record_book: the record book is the code; the name still never appears.
cp -r "$tmp/exam" "$tmp/rb"
sed -i 's/^code = blind /code = record_book /' "$tmp/rb/exam.ini"
"$bin" sheet --data "$tmp/data" --exam "$tmp/rb" --student 21-0001 --out "$tmp/rb.pdf" >/dev/null
pdftotext "$tmp/rb.pdf" "$tmp/rb.txt"
grep -q "21-0001" "$tmp/rb.txt" || fail "record_book sheet lacks the record book"
grep -q "Зачётная книжка" "$tmp/rb.txt" || fail "record_book label"
if grep -q "Абрамов" "$tmp/rb.txt"; then fail "record_book sheet shows the name"; fi

# A typed answer from a kiosk's log, with the ticket's questions.
"$bin" init --data "$tmp/kiosk" >/dev/null
"$BILET_BIN/tests/session_tool" "$tmp/kiosk" "$src/config/demo"
id="$(cut -c1-8 "$tmp/kiosk/kiosk.pub")-1"
"$bin" sheet --data "$tmp/kiosk" --attempt "$id" --exam "$src/config/demo" --out "$tmp/typed.pdf" > "$tmp/out"
pdftotext "$tmp/typed.pdf" "$tmp/typed.txt"
grep -q "Крепость пород по шкале Протодьяконова" "$tmp/typed.txt" || fail "typed answer text"
grep -q "Билет №" "$tmp/typed.txt" || fail "ticket number"
grep -q "Ответ:" "$tmp/typed.txt" || fail "answer label"
grep -q "попытка $id" "$tmp/typed.txt" || fail "attempt id in the footer"
if grep -q "Абрамов" "$tmp/typed.txt"; then fail "typed sheet shows the name"; fi
sqlite3 "$tmp/kiosk/bilet.db" "select bytes from records where type='sheet_printed'" > "$tmp/rec"
grep -q '"attempt":1}' "$tmp/rec" || fail "typed sheet_printed record"
"$bin" scan --data "$tmp/kiosk" "$tmp/typed.pdf" > "$tmp/scan" || fail "typed sheet does not scan: $(cat "$tmp/scan")"
# Without --exam the questions are unknown, the ticket number is still printed.
"$bin" sheet --data "$tmp/kiosk" --attempt "$id" --out "$tmp/bare.pdf" >/dev/null
pdftotext "$tmp/bare.pdf" "$tmp/bare.txt"
grep -q "Билет №" "$tmp/bare.txt" || fail "ticket number without --exam"

# Refusals: one line, exit 2, no PDF left.
expect_2() {
  local what=$1 pattern=$2; shift 2
  set +e
  "$bin" sheet "$@" >/dev/null 2>"$tmp/err"; rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$what: not one line: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "$what: message lacks '$pattern': $(cat "$tmp/err")"
  [ ! -e "$tmp/x.pdf" ] && [ ! -e "$tmp/x.pdf.part" ] || fail "$what: a PDF was left"
}
expect_2 "no --out" "--out" --data "$tmp/data" --exam "$tmp/exam" --student 21-0001
expect_2 "two modes" "exactly one" --data "$tmp/data" --exam "$tmp/exam" --student 21-0001 --all --out "$tmp/x.pdf"
expect_2 "unknown student" "roster.csv" --data "$tmp/data" --exam "$tmp/exam" --student 99-9999 --out "$tmp/x.pdf"
expect_2 "not admitted" "21-0467" --data "$tmp/data" --exam "$tmp/exam" --student 21-0467 --out "$tmp/x.pdf"
expect_2 "pages 0" "--pages" --data "$tmp/data" --exam "$tmp/exam" --student 21-0001 --pages 0 --out "$tmp/x.pdf"
cp -r "$src/config/demo" "$tmp/nokey"
expect_2 "no code.key" "new-secret" --data "$tmp/data" --exam "$tmp/nokey" --student 21-0001 --out "$tmp/x.pdf"
expect_2 "refused attempt" "no typed answer" --data "$tmp/kiosk" --attempt "${id%-1}-2" --out "$tmp/x.pdf"
expect_2 "unknown attempt" "no attempt" --data "$tmp/kiosk" --attempt "${id%-1}-9" --out "$tmp/x.pdf"
expect_2 "other kiosk" "not recorded by this kiosk" --data "$tmp/data" --attempt "$id" --out "$tmp/x.pdf"
expect_2 "bad attempt id" "attempt id" --data "$tmp/kiosk" --attempt "7" --out "$tmp/x.pdf"
"$bin" sheet --help > "$tmp/help"
grep -q -- "--attempt ID" "$tmp/help" || fail "--help"
echo "paper sheet: ok"
