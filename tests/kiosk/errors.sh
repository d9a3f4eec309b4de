#!/usr/bin/env bash
# bilet-kiosk's refusals and exit statuses: bad usage, settings and exams exit 2 with one
# line naming the file, line or field; a malformed script line exits 2 naming it; a failed
# `expect` exits 3; a record store that refuses appends keeps the events and writes them
# once it can. Runs the case named in $BILET_CASE, or every case.
set -euo pipefail
flow=errors
. "$(dirname "$0")/lib.sh"

# kiosk_expect RC TEXT ARGS... — runs bilet-kiosk ARGS in the scratch folder, expecting exit
# RC and TEXT in its output (stdout and stderr).
kiosk_expect() {
  local want_rc=$1 want_text=$2 rc=0
  shift 2
  out=$(cd "$scratch" && "$kiosk" "$@" 2>&1) || rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "[$case] exit $rc, expected $want_rc; output: $out"
  grep -qF -- "$want_text" <<<"$out" || fail "[$case] output lacks '$want_text': $out"
}

# A script in the scratch folder from standard input.
script() { cat >"$scratch/$1"; }

base=(--config "$scratch/kiosk.ini" --exam "$scratch/demo")

case_help() {
  kiosk_expect 0 "usage: bilet-kiosk --config kiosk.ini --exam DIR" --help
}

case_usage() {
  kiosk_expect 2 "--config kiosk.ini is required" --exam "$scratch/demo"
  kiosk_expect 2 "--script runs only with --headless" "${base[@]}" --script x
  kiosk_expect 2 "--headless needs --script" "${base[@]}" --headless
  kiosk_expect 2 "--lang de: ru, kk or en" "${base[@]}" --lang de
}

case_unknown_ini_key() {
  printf 'screen = 2\n' >>"$scratch/kiosk.ini"
  local line
  line=$(wc -l <"$scratch/kiosk.ini")
  kiosk_expect 2 "kiosk.ini:$line: unknown field screen" "${base[@]}" --headless --script -
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "[$case] expected one line: $out"
  [ ! -e "$data" ] || fail "[$case] a data folder was created for a bad kiosk.ini"
}

case_missing_pin_hash() {
  sed -i '/^pin_hash/d' "$scratch/kiosk.ini"
  kiosk_expect 2 "field pin_hash is missing" "${base[@]}" --headless --script -
}

case_blind_exam_without_code_key() {
  rm "$scratch/demo/code.key"
  kiosk_expect 2 "нет code.key: bilet check --exam $scratch/demo --new-secret" \
    "${base[@]}" --headless --script - </dev/null
}

# A package needs trust = in kiosk.ini; one that is not a package is refused naming it
# (the package flows themselves: tests/kiosk/package.sh).
case_sealed_package_refused() {
  touch "$scratch/exam.bilet"
  kiosk_expect 2 "field trust is not set" \
    --config "$scratch/kiosk.ini" --exam "$scratch/exam.bilet" --headless --script - </dev/null
  "$bilet" init --data "$scratch/staff" >/dev/null
  sed -i "s|^trust = .*|trust = $scratch/staff/kiosk.pub|" "$scratch/kiosk.ini"
  kiosk_expect 2 "exam.bilet: not an exam package (.bilet)" \
    --config "$scratch/kiosk.ini" --exam "$scratch/exam.bilet" --headless --script - </dev/null
  [ ! -e "$data" ] || fail "[$case] a data folder was created for a refused package"
}

case_bad_exam() {
  sed -i 's/^answer_minutes = 90/answer_minutes = 900/' "$scratch/demo/exam.ini"
  kiosk_expect 2 "exam.ini" "${base[@]}" --headless --script - </dev/null
}

case_data_folder_created_once() {
  kiosk_expect 0 "a new data folder was created" "${base[@]}" --headless --script - </dev/null
  [ -f "$data/kiosk.key" ] && [ -f "$data/bilet.db" ] || fail "[$case] no data folder"
  kiosk_expect 0 "" "${base[@]}" --headless --script - </dev/null
  ! grep -q "created" <<<"$out" || fail "[$case] created again: $out"
  # --data overrides kiosk.ini's data.
  kiosk_expect 0 "$scratch/other: a new data folder was created" "${base[@]}" \
    --data "$scratch/other" --headless --script - </dev/null
}

case_roster_changed_after_opening() {
  script open.script <<'S'
key F12
type 1379
enter
key F1
expect screen identify
S
  kiosk_expect 0 "" "${base[@]}" --headless --script open.script
  sed -i 's/^21-0002;Борисова Вера Андреевна/21-0002;Борисова Вера Андреевна-Петрова/' \
    "$scratch/demo/roster.csv"
  kiosk_expect 2 "the roster differs from the one sealed when the session was opened" \
    "${base[@]}" --headless --script - </dev/null
}

case_malformed_script_line() {
  script bad.script <<'S'
expect screen locked
# a comment
wait soon
S
  kiosk_expect 2 "script line 3: wait needs a whole number" "${base[@]}" --headless \
    --script bad.script
}

case_unknown_key_name() {
  printf 'key F12\nkey Frobnicate\n' >"$scratch/in.script"
  kiosk_expect 2 "script line 2:" "${base[@]}" \
    --headless --script - <"$scratch/in.script"
}

case_unknown_screen_name() {
  printf 'expect screen lobby\n' >"$scratch/in.script"
  kiosk_expect 2 'script line 1: no screen is called "lobby"' "${base[@]}" \
    --headless --script - <"$scratch/in.script"
}

case_over_long_script_line() {
  { printf 'type '; head -c 5000 /dev/zero | tr '\0' 'a'; printf '\n'; } >"$scratch/long.script"
  kiosk_expect 2 "script line 1: longer than" "${base[@]}" --headless --script long.script
}

case_expect_screen_fails() {
  printf 'expect screen locked\nexpect screen answer\n' >"$scratch/in.script"
  kiosk_expect 3 "script line 2: expected screen answer, on locked" "${base[@]}" \
    --headless --script - <"$scratch/in.script"
}

case_expect_text_fails() {
  printf 'expect text Абрамов\n' >"$scratch/in.script"
  kiosk_expect 3 'script line 1: expected text "Абрамов"' "${base[@]}" \
    --headless --script - <"$scratch/in.script"
  grep -qF "the frame shows:" <<<"$out" || fail "[$case] the frame's text is not shown: $out"
}

case_shot_writes_a_png() {
  printf 'shot frame.png\n' >"$scratch/in.script"
  kiosk_expect 0 "" "${base[@]}" --headless --script in.script --size 640x480
  [ "$(head -c 8 "$scratch/frame.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "[$case] frame.png is not a PNG"
}

case_refused_appends_wait_in_memory() {
  # An INSERT trigger makes bilet.db refuse every record, as a full disk would.
  "$bilet" init --data "$data" >/dev/null
  sqlite3 "$data/bilet.db" "CREATE TRIGGER refuse BEFORE INSERT ON records
                            BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;"
  script refused.script <<'S'
key F12
type 1379
enter
key F1
type 21-0001
enter
enter
enter
expect screen answer
type Ответ при полном диске
key F12
type 1379
enter
expect text disk full (test)
shot refused.png
hold 3000
wait 1
key Escape
key ctrl+Return
enter
expect screen done
S
  (cd "$scratch" && exec "$kiosk" "${base[@]}" --headless --script refused.script) \
    >"$scratch/refused.out" 2>&1 &
  local pid=$! i
  for i in $(seq 1 600); do
    [ -f "$scratch/refused.png" ] && break
    sleep 0.05
  done
  [ -f "$scratch/refused.png" ] || { kill -KILL "$pid"; fail "[$case] the kiosk never held"; }
  [ "$(sqlite3 "$data/bilet.db" "SELECT count(*) FROM records")" = 0 ] ||
    fail "[$case] a record got past the trigger"
  sqlite3 "$data/bilet.db" "DROP TRIGGER refuse"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "[$case] exit $rc: $(cat "$scratch/refused.out")"
  verify
  expect_row 21-0001 "outcome=submitted|handin=student"
  [ "$(sqlite3 "$data/bilet.db" "SELECT group_concat(type, ' ') FROM records ORDER BY seq")" = \
    "session_opened student_identified ticket_drawn answer_submitted sheet_printed" ] ||
    fail "[$case] records out of order: $(sqlite3 "$data/bilet.db" "SELECT type FROM records")"
}

case_attempts_number_across_exams() {
  # Two exams in one data folder: attempt ids (kiosk key + number) stay unique.
  script first.script <<'S'
key F12
type 1379
enter
key F1
type 21-0001
enter
enter
enter
key ctrl+Return
enter
expect screen done
S
  script second.script <<'S'
key F12
type 1379
enter
key F1
type 22-0001
enter
enter
enter
expect screen prep
S
  kiosk_expect 0 "" "${base[@]}" --headless --script first.script
  kiosk_expect 0 "" --config "$scratch/kiosk.ini" --exam "$scratch/demo-oral" --headless \
    --script second.script
  verify
  [ "$(results_sql "SELECT count(DISTINCT attempt_id) || ' ' || count(*) FROM r")" = "2 2" ] ||
    fail "[$case] attempt ids collide: $(cat "$scratch/results.csv")"
}

case_records_refused_to_the_end_exit_1() {
  # A store that never takes the records: the kiosk keeps working, and says at the end that
  # records were lost instead of exiting as if all were well.
  "$bilet" init --data "$data" >/dev/null
  sqlite3 "$data/bilet.db" "CREATE TRIGGER refuse BEFORE INSERT ON records
                            BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;"
  script open.script <<'S'
key F12
type 1379
enter
key F1
expect screen identify
S
  kiosk_expect 1 "records are lost: 1 record(s) could not be written" "${base[@]}" \
    --headless --script open.script
  grep -qF "disk full (test)" <<<"$out" || fail "[$case] the store's reason is missing: $out"
}

cases=(help usage unknown_ini_key missing_pin_hash blind_exam_without_code_key
       sealed_package_refused bad_exam data_folder_created_once roster_changed_after_opening
       malformed_script_line unknown_key_name unknown_screen_name over_long_script_line
       expect_screen_fails expect_text_fails shot_writes_a_png refused_appends_wait_in_memory
       attempts_number_across_exams records_refused_to_the_end_exit_1)
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
echo "ok [kiosk errors ${BILET_CASE:-all}]"
