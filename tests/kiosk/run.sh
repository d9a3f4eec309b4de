#!/usr/bin/env bash
# tests/kiosk/run.sh FLOW — runs the headless kiosk script tests/kiosk/FLOW.script against a
# fresh data folder and checks the signed log afterwards (`bilet verify`, `bilet results`).
#
# Everything happens in a scratch folder: a copy of the demo exams (with a code.key made for
# the copy; nothing is written into the repository), a kiosk.ini copied from
# config/kiosk.ini with `data` and `policies` pointing into the scratch folder and the
# source tree. A script names its exam on a line `# exam: demo-oral` (default: demo).
# FLOW may also come from $BILET_FLOW. Needs $BILET_BIN (build dir) and $BILET_SRC.
set -euo pipefail
flow=${1:-${BILET_FLOW:?usage: run.sh FLOW}}
. "$(dirname "$0")/lib.sh"
setup

case $flow in
  sigkill)
    # Run 1 types an answer, holds until it is saved, then is killed while holding again.
    (cd "$scratch" && exec "$kiosk" --config "$scratch/kiosk.ini" --exam "$scratch/demo" \
        --headless --script "$src/tests/kiosk/sigkill-1.script") >"$scratch/run1.out" 2>&1 &
    pid=$!
    saved=0
    for _ in $(seq 1 200); do
      if [ -f "$data/bilet.db" ] &&
         [ "$(sqlite3 "$data/bilet.db" "SELECT count(*) FROM answers WHERE CAST(text AS TEXT) LIKE '%Қазақ%'" \
              2>/dev/null || echo 0)" = 1 ]; then
        saved=1
        break
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ "$saved" = 1 ] || { cat "$scratch/run1.out" >&2; fail "the typed answer never reached answers"; }
    grep -q "Ответ студента Қазақ әліпбиі" <(sqlite3 "$data/bilet.db" "SELECT CAST(text AS TEXT) FROM answers") ||
      fail "the saved text differs"
    sleep 2 # the terminal stays down a while: run 2 measures it from the last heartbeat
    run_kiosk "$src/tests/kiosk/sigkill-2.script"
    verify
    expect_row 21-0001 "outcome=submitted|handin=student"
    results_sql "SELECT chars FROM r WHERE record_book = '21-0001'" | grep -qx 28 ||
      fail "the submitted answer is not the restored one: $(cat "$scratch/results.csv")"
    ;;
  *)
    script=$src/tests/kiosk/$flow.script
    [ -f "$script" ] || fail "no script $script"
    mkdir -p "$scratch/out/demo-frames"
    run_kiosk "$script"
    verify
    ;;
esac

# Per-flow checks of the signed log.
case $flow in
  written)
    expect_row 21-0001 "outcome=submitted|handin=student|first_ticket=0"
    [ "$(results_sql "SELECT CAST(chars AS INTEGER) > 100 FROM r WHERE record_book = '21-0001'")" = 1 ] ||
      fail "the answer text is missing from answer_submitted"
    ;;
  oral)
    expect_row 22-0001 "outcome=graded|grade=5|code=22-0001"
    ;;
  refusal)
    expect_row 21-0001 "outcome=refused|grade=absent|ticket=0"
    expect_row 21-0002 "outcome=refused|grade=2"
    ;;
  removal)
    expect_row 21-0001 "outcome=removed|grade=2"
    ;;
  leave)
    expect_row 21-0001 "outcome=submitted|away_seconds=240"
    ;;
  pause)
    expect_row 21-0001 "outcome=submitted|handin=student"
    ;;
  extra_time)
    expect_row 21-0001 "outcome=submitted|extra_seconds=300"
    ;;
  second_ticket)
    expect_row 22-0001 "outcome=graded|grade=4"
    [ "$(results_sql "SELECT first_ticket <> '0' AND first_ticket <> ticket FROM r")" = 1 ] ||
      fail "no first ticket recorded: $(cat "$scratch/results.csv")"
    ;;
  refused_entry)
    [ "$(count_rows)" = 0 ] || fail "a refused entry made an attempt: $(cat "$scratch/results.csv")"
    sqlite3 "$data/bilet.db" "SELECT count(*) FROM records WHERE type = 'entry_refused'" |
      grep -qx 1 || fail "the «не допущен» student's visit is not recorded"
    ;;
  closed)
    expect_row 21-0001 "outcome=submitted|handin=session_closed"
    sqlite3 "$data/bilet.db" "SELECT count(*) FROM records WHERE type = 'session_closed'" |
      grep -qx 1 || fail "no session_closed record"
    ;;
  language)
    ;;
  demo)
    [ "$(ls "$scratch/out/demo-frames" | wc -l)" = 13 ] || fail "not 13 frames"
    expect_row 21-0001 "outcome=submitted|handin=student|away_seconds=180"
    expect_row 21-0002 "outcome=submitted|handin=session_closed"
    ;;
  demo-oral)
    [ "$(ls "$scratch/out/demo-frames" | wc -l)" = 4 ] || fail "not 4 frames"
    expect_row 22-0001 "outcome=graded|grade=5"
    ;;
esac
echo "ok [kiosk $flow]"
