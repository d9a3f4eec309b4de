#!/usr/bin/env bash
# `bilet results`: one row per attempt, in CSV and JSON, from a log written through the real
# session machine; `bilet verify` is clean on it; bad usage exits 2.
set -euo pipefail
bin=${BILET_BIN:?}
src=${BILET_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin/bilet" init --data "$tmp/data" >/dev/null
"$bin/tests/session_tool" "$tmp/data" "$src/config/demo"
"$bin/bilet" verify --data "$tmp/data"

"$bin/bilet" results --data "$tmp/data" > "$tmp/out.csv"
cat "$tmp/out.csv"
rows=$(($(wc -l < "$tmp/out.csv") - 1))
[ "$rows" -eq 2 ] || { echo "expected 2 attempts, got $rows"; exit 1; }
kiosk=$(cut -c1-8 "$tmp/data/kiosk.pub")
python3 - "$tmp/out.csv" "$kiosk" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
kiosk = sys.argv[2]
assert list(rows[0].keys())[:6] == ["attempt_id", "exam", "record_book", "full_name", "code", "ticket"]
a, b = rows
assert a["attempt_id"] == kiosk + "-1" and a["exam"] == "2026-12-GD-101", a
assert a["record_book"] == "21-0001" and a["full_name"] == "Абрамов Алексей Игоревич", a
assert a["outcome"] == "submitted" and a["handin"] == "student" and int(a["ticket"]) >= 1, a
assert int(a["chars"]) == 58 and a["grade"] == "", a
assert b["record_book"] == "21-0002" and b["outcome"] == "refused", b
assert b["grade"] == "absent" and b["grade_word"] == "не явился" and b["ticket"] == "0", b
assert all(r["record_book"] != "21-0467" for r in rows), "a refused entry is no attempt"
PY

"$bin/bilet" results --data "$tmp/data" --format json > "$tmp/out.json"
python3 - "$tmp/out.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 2, rows
assert rows[0]["record_book"] == "21-0001" and rows[0]["outcome"] == "submitted", rows[0]
assert rows[0]["ticket"] >= 1 and rows[0]["chars"] > 0, rows[0]
assert rows[1]["grade"] == "absent" and rows[1]["grade_word"] == "не явился", rows[1]
PY

set +e
"$bin/bilet" results --data "$tmp/data" --format xml 2>"$tmp/err"; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "bad --format should exit 2, got $rc"; exit 1; }
grep -q -- '--format' "$tmp/err" || { echo "message should name --format"; exit 1; }
set +e
"$bin/bilet" results --data "$tmp/nowhere" 2>"$tmp/err"; rc=$?
set -e
[ "$rc" -ne 0 ] || { echo "a missing data folder is an error"; exit 1; }
echo "results: ok"
