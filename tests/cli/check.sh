#!/usr/bin/env bash
# `bilet check`: the demo exams load and print their summary; every bad fixture exits 2 with
# one line on stderr naming the file and line; --new-secret creates a 0600 code.key once.
set -euo pipefail

bilet="$BILET_BIN/bilet"
data="$BILET_SRC/tests/data/examdir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# --help
"$bilet" check --help >"$tmp/help" || fail "--help exited non-zero"
grep -q -- "--exam DIR" "$tmp/help" || fail "--help does not show --exam"

# The demo exams load and print their summary.
rc=0
"$bilet" check --exam "$BILET_SRC/config/demo" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "demo: exit $rc: $(cat "$tmp/err")"
for want in "2026-12-GD-101" "Технология горных работ" "группа (group): ГД-21" \
            "2026-12-20" "admitted" "with extra time" "билеты (tickets):" \
            "подготовка 0, ответ 90" "профиль (policy): college" "второй билет (second ticket): да" \
            "попытка (attempt): 1"; do
  grep -qF -- "$want" "$tmp/out" || fail "demo summary lacks '$want'"
done
rc=0
"$bilet" check --exam "$BILET_SRC/config/demo-oral" --policies "$BILET_SRC/config/policies" \
  >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "demo-oral: exit $rc: $(cat "$tmp/err")"
grep -qF "устный" "$tmp/out" || fail "demo-oral summary lacks the oral mode"

# Each bad fixture: exit 2, one line on stderr naming the file and line.
# case: which file is swapped | the fixture | what stderr must hold (after the directory)
cases=(
  "roster.csv|roster/duplicate-record-book.csv|roster.csv:4: field record_book: \"21-0001\" appears twice (lines 2 and 4)"
  "roster.csv|roster/unknown-status.csv|roster.csv:3: field status: unknown value \"допушен\""
  "roster.csv|roster/unclosed-quote.csv|roster.csv:3: field full_name: a quote opens here and is never closed"
  "roster.csv|roster/missing-column.csv|roster.csv:1: column extra_minutes is missing"
  "tickets.csv|tickets/task-only.csv|tickets.csv:4: ticket 2 has no theory question"
  "tickets.csv|tickets/gap.csv|tickets.csv: ticket 3 is missing"
  "exam.ini|exam/long-line.ini|exam.ini:11: line is 433 bytes long; bilet reads lines of at most 198 bytes"
  "exam.ini|exam/unknown-key.ini|exam.ini:19: unknown key colour"
  "exam.ini|exam/bad-date.ini|exam.ini:8: field date: \"2026-02-30\""
  "exam.ini|exam/oral-short-prep.ini|exam.ini:12: prep_minutes = 20 is outside the university profile's oral preparation of 45–60 min"
)
n=0
for c in "${cases[@]}"; do
  IFS='|' read -r file fixture want <<<"$c"
  n=$((n + 1))
  dir="$tmp/bad$n"
  mkdir "$dir"
  cp "$data/good/exam.ini" "$data/good/roster.csv" "$data/good/tickets.csv" "$dir/"
  cp "$data/$fixture" "$dir/$file"
  rc=0
  "$bilet" check --exam "$dir" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "$fixture: exit $rc, expected 2"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$fixture: stderr is not one line: $(cat "$tmp/err")"
  grep -qF -- "bilet check: $dir/$want" "$tmp/err" ||
    fail "$fixture: stderr '$(cat "$tmp/err")' lacks 'bilet check: $dir/$want'"
  [ ! -s "$tmp/out" ] || fail "$fixture: printed a summary on failure"
done

# Usage errors exit 2.
rc=0
"$bilet" check >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "no --exam: exit $rc, expected 2"
rc=0
"$bilet" check --exam "$data/good" --policies "$tmp/no-such" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--policies to nowhere: exit $rc, expected 2"
grep -qF -- "--policies $tmp/no-such: no such folder" "$tmp/err" || fail "--policies message: $(cat "$tmp/err")"

# --trust on a plain directory only notes that it is unsigned.
"$bilet" check --exam "$data/good" --trust "$tmp/staff.pub" >"$tmp/out" 2>/dev/null ||
  fail "--trust on a directory failed"
grep -qF "unsigned" "$tmp/out" || fail "--trust does not say the directory is unsigned"

# code.key: warned about when missing, created 0600 by --new-secret, never overwritten.
exam="$tmp/blind"
mkdir "$exam"
cp "$BILET_SRC/config/demo/exam.ini" "$BILET_SRC/config/demo/roster.csv" \
  "$BILET_SRC/config/demo/tickets.csv" "$exam/"
"$bilet" check --exam "$exam" --policies "$BILET_SRC/config/policies" >/dev/null 2>"$tmp/err" ||
  fail "blind exam without code.key failed"
grep -qF "bilet check --exam $exam --new-secret" "$tmp/err" ||
  fail "no warning naming how to create code.key: $(cat "$tmp/err")"
"$bilet" check --exam "$exam" --policies "$BILET_SRC/config/policies" --new-secret >"$tmp/out" ||
  fail "--new-secret failed"
[ -f "$exam/code.key" ] || fail "--new-secret made no code.key"
[ "$(stat -c %a "$exam/code.key")" = 600 ] || fail "code.key mode is $(stat -c %a "$exam/code.key")"
grep -qxE '[0-9a-f]{64}' "$exam/code.key" || fail "code.key is not one line of 64 hex digits"
[ "$(wc -c <"$exam/code.key")" -eq 65 ] || fail "code.key is not 64 hex digits and a newline"
before=$(sha256sum "$exam/code.key")
rc=0
"$bilet" check --exam "$exam" --policies "$BILET_SRC/config/policies" --new-secret \
  >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a second --new-secret: exit $rc, expected 2"
grep -qF "code.key exists already" "$tmp/err" || fail "second --new-secret: $(cat "$tmp/err")"
[ "$(sha256sum "$exam/code.key")" = "$before" ] || fail "a second --new-secret changed code.key"
"$bilet" check --exam "$exam" --policies "$BILET_SRC/config/policies" >"$tmp/out" 2>"$tmp/err" ||
  fail "blind exam with code.key failed"
[ ! -s "$tmp/err" ] || fail "warning although code.key exists: $(cat "$tmp/err")"
grep -qF "есть (present)" "$tmp/out" || fail "summary does not show code.key present"

echo "cli check: ok"
