#!/usr/bin/env bash
# tests/soak/storage.sh CASE — the kiosk's storage faults (docs/reliability.md):
#   disk_full   the kiosk runs under a file-size limit (RLIMIT_FSIZE, as a full disk) that
#               typing hits: the student sees the discreet «saving delayed» notice, the
#               invigilator screen names bilet.db and the problem, the text stays in memory;
#               the test lifts the limit from outside (prlimit --pid) and everything typed,
#               before and during the fault, reaches the database, and the log verifies;
#   read_only   bilet.db the kiosk's user may read but not write (setpriv to an unprivileged
#               user: root writes anyway): the kiosk refuses to start, and `bilet verify` and
#               `bilet results` say so, each in one line naming the file;
#   truncated   bilet.db cut to half its size: the kiosk, `bilet verify` and `bilet results`
#               refuse in one line naming the file as damaged or truncated.
# CASE may come from $BILET_CASE; without one, every case runs.
set -euo pipefail
export LC_ALL=C
# shellcheck disable=SC2034 # lib.sh names the test with $flow in its messages
flow=storage
# shellcheck source=../kiosk/lib.sh
. "$(dirname "$0")/../kiosk/lib.sh"
kiosk_pid=
trap '[ -z "$kiosk_pid" ] || kill -KILL "$kiosk_pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT

base=(--config "$scratch/kiosk.ini" --exam "$scratch/demo")

# A session opened and one student's attempt begun, then the kiosk quits; the WAL is
# folded into bilet.db so that the files have their resting sizes.
open_session() {
  printf '%s\n' "key F12" "type 1379" "enter" "key F1" "expect screen identify" \
    >"$scratch/open.script"
  run_kiosk "$scratch/open.script"
  [ "$(sqlite3 "$data/bilet.db" "PRAGMA wal_checkpoint(TRUNCATE)")" = "0|0|0" ] ||
    fail "[$case] the WAL could not be folded in"
}

# one_line WHAT OUTPUT: OUTPUT is one line that names bilet.db.
one_line() {
  [ "$(wc -l <<<"$2")" = 1 ] || fail "[$case] $1: more than one line: $2"
  grep -qF "$data/bilet.db" <<<"$2" || fail "[$case] $1 does not name $data/bilet.db: $2"
}

# A line of text to type: N (a number) and Cyrillic and Kazakh letters, about 3.5 KB.
text_line() {
  local i s="строка-$1 Қазақ әліпбиі ӘҒҚҢӨҰҮҺІ"
  for ((i = 0; i < 190; i++)); do s+=" слово$i-$1"; done
  printf '%s' "$s"
}

case_disk_full() {
  open_session
  local limit big
  big=$(stat -c %s "$data/bilet.db")
  [ "$big" -ge 32768 ] || big=32768 # bilet.db-shm, 32 KiB
  limit=$((big + 64 * 1024))
  # Part 1 types over 100 KB, far past the limit, and shows both screens; part 2 waits
  # while the test lifts the limit, types more, and hands in.
  local i expected=
  {
    printf '%s\n' "type 21-0001" "enter" "enter" "enter" "expect screen answer"
    for ((i = 1; i <= 30; i++)); do
      printf 'type %s\n' "$(text_line "$i")"
      expected+=$(text_line "$i")
    done
    printf '%s\n' "hold 1000" \
      "expect text Сохранение отложено" "expect text Ваш текст не потерян и будет сохранён" \
      "key F12" "type 1379" "enter" "expect screen invigilator" \
      "expect text Проблема хранилища" "expect text $data/bilet.db" \
      "expect text Экзамен продолжается: ответы и записи хранятся в памяти" \
      "key Escape" "expect screen answer" \
      "hold 1500"
    for ((i = 31; i <= 32; i++)); do
      printf 'type %s\n' "$(text_line "$i")"
      expected+=$(text_line "$i")
    done
    printf '%s\n' "hold 3000" "expect text Сохранено" "key ctrl+Return" "enter" \
      "expect screen done"
  } >"$scratch/full.script"
  local lift_after
  lift_after=$(grep -n '^hold 1500$' "$scratch/full.script" | cut -d: -f1)
  (cd "$scratch" && exec prlimit --fsize="$limit:unlimited" "$kiosk" "${base[@]}" --headless \
    --script "$scratch/full.script" --trace "$scratch/full.trace") >"$scratch/full.out" 2>&1 &
  kiosk_pid=$!
  # Wait until the kiosk has shown both screens and holds (the trace line before the
  # hold), check that nothing of the text reached the disk, then lift the limit.
  local ok=0
  for _ in $(seq 1 600); do
    if grep -q "^line=$((lift_after - 1)) " "$scratch/full.trace" 2>/dev/null; then
      ok=1
      break
    fi
    kill -0 "$kiosk_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ "$ok" != 1 ]; then
    wait "$kiosk_pid" || true
    kiosk_pid=
    cat "$scratch/full.out" >&2
    fail "[$case] the kiosk never showed the fault"
  fi
  local saved
  saved=$(sqlite3 "$data/bilet.db" "SELECT coalesce(max(length(text)), 0) FROM answers")
  [ "$saved" -lt "${#expected}" ] ||
    fail "[$case] the whole text was saved although the limit ($limit bytes) was hit"
  prlimit --pid "$kiosk_pid" --fsize=unlimited: # the soft limit; the hard one never fell
  local rc=0
  wait "$kiosk_pid" || rc=$?
  kiosk_pid=
  [ "$rc" = 0 ] || { cat "$scratch/full.out" >&2; fail "[$case] the kiosk exited $rc"; }
  grep -q "File too large\|disk is full" "$scratch/full.out" && fail "[$case] an error escaped: $(cat "$scratch/full.out")"
  # Everything typed is in the database: the autosaved text and the signed hand-in.
  local got
  got=$(sqlite3 "$data/bilet.db" "SELECT CAST(text AS TEXT) FROM answers WHERE attempt = 1")
  [ "$got" = "$expected" ] || fail "[$case] the saved answer is ${#got} bytes, ${#expected} were typed"
  [ "$(sqlite3 "$data/bilet.db" "PRAGMA integrity_check")" = ok ] || fail "[$case] integrity_check"
  verify
  expect_row 21-0001 "outcome=submitted|handin=student"
  local chars
  chars=$(results_sql "SELECT chars FROM r WHERE record_book = '21-0001'")
  [ "$chars" = "$(printf '%s' "$expected" | LC_ALL=C.UTF-8 wc -m)" ] ||
    fail "[$case] the submitted answer has $chars characters"
  echo "disk full: limit $limit bytes; ${#expected} bytes typed, $saved saved while full, all saved after"
}

# run_as_nobody PROGRAM ARGS...: output in $out, status in $rc.
run_as_nobody() {
  rc=0
  out=$(cd "$scratch" && setpriv --reuid=65534 --regid=65534 --clear-groups "$@" 2>&1) || rc=$?
}

case_read_only() {
  if [ "$(id -u)" != 0 ]; then
    echo "skipped: read_only needs root (to hand the files to another user)"
    exit 77
  fi
  open_session
  # The kiosk's user owns its key and may read everything, but write neither bilet.db nor
  # its folder.
  chmod 755 "$scratch" "$data"
  chmod -R a+rX "$scratch/demo"
  chmod 644 "$scratch/kiosk.ini" "$data/bilet.db"
  chown 65534:65534 "$data/kiosk.key"
  # Secrets stay 0600 (the kiosk refuses them otherwise): handed to the user instead.
  chmod 600 "$scratch/demo/code.key"
  chown 65534:65534 "$scratch/demo/code.key"
  # verify checked nothing: "not a readable data folder", exit 2 (cli_verify.c).
  run_as_nobody "$bilet" verify --data "$data"
  [ "$rc" = 2 ] || fail "[$case] bilet verify exited $rc: $out"
  one_line "bilet verify" "$out"
  grep -q "read-only" <<<"$out" || fail "[$case] bilet verify does not say read-only: $out"
  run_as_nobody "$bilet" results --data "$data"
  [ "$rc" = 1 ] || fail "[$case] bilet results exited $rc: $out"
  one_line "bilet results" "$out"
  grep -q "read-only" <<<"$out" || fail "[$case] bilet results does not say read-only: $out"
  run_as_nobody "$kiosk" "${base[@]}" --headless --script - </dev/null
  [ "$rc" = 1 ] || fail "[$case] bilet-kiosk exited $rc: $out"
  one_line "bilet-kiosk" "$out"
  grep -q "read-only" <<<"$out" || fail "[$case] bilet-kiosk does not say read-only: $out"
  echo "read-only: $out"
}

case_truncated() {
  open_session
  local size
  size=$(stat -c %s "$data/bilet.db")
  truncate -s $((size / 2)) "$data/bilet.db"
  local rc=0
  out=$("$bilet" verify --data "$data" 2>&1) || rc=$?
  [ "$rc" = 1 ] || fail "[$case] bilet verify exited $rc: $out"
  one_line "bilet verify" "$out"
  grep -q "damaged or truncated" <<<"$out" || fail "[$case] bilet verify: $out"
  rc=0
  out=$("$bilet" results --data "$data" 2>&1) || rc=$?
  [ "$rc" = 1 ] || fail "[$case] bilet results exited $rc: $out"
  one_line "bilet results" "$out"
  grep -q "damaged or truncated" <<<"$out" || fail "[$case] bilet results: $out"
  rc=0
  out=$(cd "$scratch" && "$kiosk" "${base[@]}" --headless --script - </dev/null 2>&1) || rc=$?
  [ "$rc" = 1 ] || fail "[$case] bilet-kiosk exited $rc: $out"
  one_line "bilet-kiosk" "$out"
  grep -q "damaged or truncated" <<<"$out" || fail "[$case] bilet-kiosk: $out"
  [ "$(stat -c %s "$data/bilet.db")" = $((size / 2)) ] || fail "[$case] the damaged file was changed"
  echo "truncated: $out"
}

cases=(disk_full read_only truncated)
run_case() {
  case=$1
  rm -rf "${scratch:?}"/*
  setup
  "case_$case"
}
if [ -n "${BILET_CASE:-}" ]; then
  run_case "$BILET_CASE"
else
  for c in "${cases[@]}"; do run_case "$c"; done
fi
echo "ok [soak storage ${BILET_CASE:-all}]"
