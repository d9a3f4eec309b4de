#!/usr/bin/env bash
# `bilet verify --data DIR`: a clean log passes (exit 0, the count); each kind of damage
# exits 1 with one line naming the first bad record; a missing folder exits 2.
# Runs the case named in $BILET_CASE, or every case.
set -euo pipefail
bilet=$BILET_BIN/bilet
tool=$BILET_BIN/tests/store_tool
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() { echo "FAIL [$case]: $*" >&2; exit 1; }

# A data folder with 12 records.
make_log() {
  "$bilet" init --data "$1" >/dev/null
  "$tool" fill "$1" 12
}

# Runs bilet verify, expecting exit $1 and the text $2 in its output.
expect() {
  local want_rc=$1 want_text=$2 rc=0 out
  out=$("$bilet" verify --data "$dir" 2>&1) || rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "exit $rc, expected $want_rc; output: $out"
  grep -qF -- "$want_text" <<<"$out" || fail "output lacks '$want_text': $out"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "expected one line, got: $out"
}

sql() { sqlite3 "$dir/bilet.db" "$1"; }

case_clean() {
  make_log "$dir"
  expect 0 "12 records, chain intact, signatures valid"
}

case_flipped_byte() {
  make_log "$dir"
  # One bit of one digit of record 5's time (…7 → …6): still a well-formed record, so
  # only the hash and the signature can tell.
  local at
  at=$(sql "SELECT instr(CAST(bytes AS TEXT), '\"time\":') FROM records WHERE seq = 5")
  [ "$at" -gt 0 ] || fail "no time in record 5"
  "$tool" flip "$dir" 5 $((at - 1 + 7 + 4))
  expect 1 "record 5: the stored hash does not match its bytes"
}

case_missing_record() {
  make_log "$dir"
  sql "DELETE FROM records WHERE seq = 7"
  expect 1 "record 7 is missing: record 6 is followed by record 8"
}

case_swapped_records() {
  make_log "$dir"
  sql "CREATE TEMP TABLE t AS SELECT seq, bytes, hash, sig FROM records WHERE seq IN (3, 4);
       UPDATE records SET (bytes, hash, sig) =
         (SELECT bytes, hash, sig FROM t WHERE t.seq = 7 - records.seq) WHERE seq IN (3, 4);"
  expect 1 "record 3: its bytes say seq 4"
}

case_foreign_signature() {
  make_log "$dir"
  "$tool" resign "$dir" 9
  expect 1 "record 9: the signature does not verify with kiosk.pub"
}

case_truncated_database() {
  "$bilet" init --data "$dir" >/dev/null
  "$tool" fill "$dir" 400
  sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  rm -f "$dir/bilet.db-wal" "$dir/bilet.db-shm"
  local size
  size=$(stat -c %s "$dir/bilet.db")
  [ "$size" -gt 8192 ] || fail "database too small to truncate: $size bytes"
  truncate -s $((size / 2)) "$dir/bilet.db"
  expect 1 "bilet.db: the database file is damaged or truncated"
}

case_missing_folder() {
  local rc=0 out
  out=$("$bilet" verify --data "$scratch/nowhere" 2>&1) || rc=$?
  [ "$rc" -eq 2 ] || fail "missing folder: exit $rc, expected 2 ($out)"
  grep -qF "bilet.db" <<<"$out" || fail "missing folder: output does not name bilet.db: $out"
  mkdir "$scratch/half"
  "$bilet" init --data "$scratch/half" >/dev/null
  rm "$scratch/half/kiosk.pub"
  rc=0
  out=$("$bilet" verify --data "$scratch/half" 2>&1) || rc=$?
  [ "$rc" -eq 2 ] || fail "missing kiosk.pub: exit $rc, expected 2 ($out)"
  grep -qF "kiosk.pub" <<<"$out" || fail "missing kiosk.pub not named: $out"
}

case_usage() {
  local rc=0
  "$bilet" verify --help | grep -q "usage: bilet verify --data DIR" || fail "--help"
  "$bilet" verify >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "no --data: exit $rc, expected 2"
}

cases=${BILET_CASE:-"clean flipped_byte missing_record swapped_records foreign_signature truncated_database missing_folder usage"}
for case in $cases; do
  dir=$scratch/$case
  "case_$case"
  echo "ok: verify $case"
done
