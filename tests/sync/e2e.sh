#!/usr/bin/env bash
# tests/sync/e2e.sh CASE — the kiosk's sync against a real bilet-central on 127.0.0.1
# (SQLite, a scratch folder, any free port): a headless exam pushed with `bilet sync` and
# read back from the results endpoint; re-sync is idempotent; a receipt checked with the
# wrong central.pub acknowledges nothing; the central killed in the middle of a sync and
# restarted loses and doubles nothing; the kiosk's background syncer empties the outbox by
# itself; a USB bundle imported twice. CASE may come from $BILET_CASE.
set -euo pipefail
case_=${1:-${BILET_CASE:?usage: e2e.sh CASE}}
# shellcheck disable=SC2034 # lib.sh names the test with $flow in its messages
flow=sync-$case_
# shellcheck source=../kiosk/lib.sh
. "$(dirname "$0")/../kiosk/lib.sh"
central_bin=$bin/bilet-central
store_tool=$bin/tests/store_tool
sync_tool=$bin/tests/sync_tool
cdb=$scratch/central.db
ckey=$scratch/central-key
central_pid=
trap 'stop_central; rm -rf "$scratch"' EXIT

# start_central [PORT] — serves $cdb on 127.0.0.1 (PORT, default any free one); sets $url.
# A port just freed may still be held for a moment: a start that fails is tried again.
start_central() {
  local port=${1:-0} log=$scratch/central.log try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    : >"$log"
    "$central_bin" --db "$cdb" --key "$ckey" --listen "127.0.0.1:$port" --threads 2 2>"$log" &
    central_pid=$!
    for _ in $(seq 1 100); do
      if grep -q "listening on" "$log"; then
        url=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1|p' "$log" | head -n 1)
        return 0
      fi
      kill -0 "$central_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$central_pid" 2>/dev/null || true
    wait "$central_pid" 2>/dev/null || true
    central_pid=
    sleep 0.5
  done
  cat "$log" >&2
  fail "bilet-central did not start (try $try)"
}

stop_central() {
  if [ -n "$central_pid" ]; then
    kill -TERM "$central_pid" 2>/dev/null || true
    wait "$central_pid" 2>/dev/null || true
    central_pid=
  fi
}

enrol() {
  "$central_bin" --db "$cdb" --key "$ckey" --enrol "$data/kiosk.pub" --name "ауд. 214" >/dev/null ||
    fail "enrolling the kiosk failed"
}

registrar_token() {
  "$central_bin" --db "$cdb" --add-staff "Учебная часть $RANDOM" --role registrar | tail -n 1
}

# sync_run WANT [ARGS...] — `bilet sync` to the central with its key; output in $scratch/sync.out.
sync_run() {
  local want=$1 rc=0
  shift
  "$bilet" sync --data "$data" --central "$url" --central-pub "$ckey/central.pub" "$@" \
    >"$scratch/sync.out" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$scratch/sync.out" >&2; fail "bilet sync exited $rc, expected $want"; }
}

expect_sync() {
  grep -q -- "$1" "$scratch/sync.out" || { cat "$scratch/sync.out" >&2; fail "bilet sync printed no '$1'"; }
}

acked() {
  sqlite3 "$data/bilet.db" "SELECT coalesce(max(acked_seq), 0) FROM sync_state WHERE central = '$1'"
}

last_seq() {
  sqlite3 "$data/bilet.db" "SELECT coalesce(max(seq), 0) FROM records"
}

central_count() {
  sqlite3 "$cdb" "SELECT count(*) FROM records"
}

# JSON from a GET, queried with sqlite3's JSON functions (no other JSON tool is needed).
json_query() {
  local file=$1 sql=$2
  sqlite3 :memory: "WITH doc(j) AS (SELECT CAST(readfile('$file') AS TEXT)) $sql"
}

setup
"$bilet" init --data "$data" >/dev/null

case $case_ in
  exam_results)
    run_kiosk "$src/tests/kiosk/written.script"
    enrol
    start_central
    sync_run 0
    n=$(last_seq)
    expect_sync "^stored $n, duplicate 0, rejected 0$"
    [ "$(acked "$url")" = "$n" ] || fail "acked $(acked "$url") of $n records"
    token=$(registrar_token)
    "$sync_tool" get "$url/api/v1/exams/2026-12-GD-101/results" "$token" >"$scratch/results.json" ||
      fail "GET results failed: $(cat "$scratch/results.json")"
    got=$(json_query "$scratch/results.json" \
      "SELECT json_extract(value, '\$.record_book') || '|' || json_extract(value, '\$.outcome') || '|' ||
              json_extract(value, '\$.handin') FROM doc, json_each(doc.j)")
    [ "$got" = "21-0001|submitted|student" ] || fail "central results: '$got' ($(cat "$scratch/results.json"))"
    # The central's row is the kiosk's row: the same attempt id and answer length.
    "$bilet" results --data "$data" --format json >"$scratch/local.json"
    local_row=$(json_query "$scratch/local.json" \
      "SELECT json_extract(value, '\$.attempt_id') || '|' || json_extract(value, '\$.chars') FROM doc, json_each(doc.j)")
    central_row=$(json_query "$scratch/results.json" \
      "SELECT json_extract(value, '\$.attempt_id') || '|' || json_extract(value, '\$.chars') FROM doc, json_each(doc.j)")
    [ "$local_row" = "$central_row" ] || fail "kiosk row '$local_row', central row '$central_row'"
    ;;

  resync_idempotent)
    "$store_tool" fill "$data" 40 >/dev/null
    enrol
    start_central
    sync_run 0 --batch 15
    expect_sync "^stored 40, duplicate 0, rejected 0$"
    sync_run 0
    expect_sync "^stored 0, duplicate 0, rejected 0$"
    # The same central under another name: the kiosk sends everything again, the central
    # answers duplicate for each record and stores none twice.
    alias=${url/127.0.0.1/localhost}
    rc=0
    "$bilet" sync --data "$data" --central "$alias" --central-pub "$ckey/central.pub" \
      >"$scratch/sync.out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$scratch/sync.out" >&2; fail "re-sync exited $rc"; }
    expect_sync "^stored 0, duplicate 40, rejected 0$"
    [ "$(central_count)" = 40 ] || fail "the central holds $(central_count) records, not 40"
    [ "$(acked "$alias")" = 40 ] || fail "duplicates did not acknowledge the outbox"
    # New records after a re-sync continue the chain.
    "$store_tool" fill "$data" 5 >/dev/null
    sync_run 0
    expect_sync "^stored 5, duplicate 0, rejected 0$"
    [ "$(central_count)" = 45 ] || fail "the central holds $(central_count) records, not 45"
    ;;

  forged_receipt)
    "$store_tool" fill "$data" 12 >/dev/null
    enrol
    start_central
    # A key other than the central's: its receipts cannot be checked, nothing advances.
    rc=0
    "$bilet" sync --data "$data" --central "$url" --central-pub "$src/tests/data/sync/central.pub" \
      >"$scratch/sync.out" 2>&1 || rc=$?
    [ "$rc" = 1 ] || { cat "$scratch/sync.out" >&2; fail "a forged receipt exited $rc, expected 1"; }
    expect_sync "signature does not verify"
    expect_sync "^stored 0, duplicate 0, rejected 0$"
    [ "$(acked "$url")" = 0 ] || fail "a receipt that does not check acknowledged $(acked "$url") records"
    # With the right key the same records go through (the central had stored them already).
    sync_run 0
    expect_sync "^stored 0, duplicate 12, rejected 0$"
    [ "$(acked "$url")" = 12 ] || fail "acked $(acked "$url") of 12"
    ;;

  rejected_record)
    "$store_tool" fill "$data" 6 >/dev/null
    start_central # the kiosk is not enrolled: every record is refused
    sync_run 1
    expect_sync "^stored 0, duplicate 0, rejected 6$"
    expect_sync "^record 1: unknown kiosk"
    expect_sync "^record 6: "
    [ "$(acked "$url")" = 0 ] || fail "rejected records were acknowledged"
    enrol
    sync_run 0
    expect_sync "^stored 6, duplicate 0, rejected 0$"
    ;;

  central_killed)
    "$store_tool" fill "$data" 6000 >/dev/null
    enrol
    start_central
    port=${url##*:}
    "$bilet" sync --data "$data" --central "$url" --central-pub "$ckey/central.pub" --batch 500 \
      >"$scratch/first.out" 2>&1 &
    sync_pid=$!
    # Kill the central once part of the outbox is acknowledged, while batches still flow.
    for _ in $(seq 1 400); do
      a=$(acked "$url" 2>/dev/null || echo 0)
      [ "${a:-0}" -ge 1000 ] && break
      sleep 0.02
    done
    kill -KILL "$central_pid"
    wait "$central_pid" 2>/dev/null || true
    central_pid=
    rc=0
    wait "$sync_pid" || rc=$?
    a=$(acked "$url")
    echo "the central was killed with $a of 6000 records acknowledged (sync exit $rc)"
    if [ "$a" -lt 6000 ]; then
      [ "$rc" = 1 ] || { cat "$scratch/first.out" >&2; fail "a sync cut short exited $rc, expected 1"; }
    fi
    [ "$a" -le "$(central_count)" ] || fail "the kiosk acknowledged $a records but the central holds $(central_count)"
    # The same central comes back on the same address; the sync resumes where receipts end.
    start_central "$port"
    sync_run 0
    [ "$(acked "$url")" = 6000 ] || fail "acked $(acked "$url") of 6000 after the restart"
    [ "$(central_count)" = 6000 ] || fail "the central holds $(central_count) records, not 6000"
    [ "$(sqlite3 "$cdb" "SELECT count(DISTINCT seq) FROM records")" = 6000 ] || fail "records doubled"
    stop_central
    "$central_bin" --db "$cdb" --verify >"$scratch/verify.out" 2>&1 ||
      { cat "$scratch/verify.out" >&2; fail "the central's chain does not verify"; }
    ;;

  kiosk_background)
    enrol
    start_central
    sed -i -e "s|^central = .*|central = $url|" \
           -e "s|^central_pub = .*|central_pub = $ckey/central.pub|" "$scratch/kiosk.ini"
    run_kiosk "$src/tests/sync/background.script"
    n=$(last_seq)
    [ "$n" -ge 4 ] || fail "the exam left only $n records"
    [ "$(acked "$url")" = "$n" ] || fail "the kiosk acknowledged $(acked "$url") of $n records by itself"
    [ "$(central_count)" = "$n" ] || fail "the central holds $(central_count) of $n records"
    ;;

  kiosk_offline_counts_pending)
    # The central is down: the kiosk keeps working and shows what waits; later a manual
    # sync catches up.
    start_central
    stop_central
    sed -i -e "s|^central = .*|central = $url|" \
           -e "s|^central_pub = .*|central_pub = $ckey/central.pub|" "$scratch/kiosk.ini"
    run_kiosk "$src/tests/sync/offline.script"
    [ "$(acked "$url")" = 0 ] || fail "records were acknowledged with the central down"
    enrol
    start_central "${url##*:}"
    sync_run 0
    expect_sync "^stored $(last_seq), duplicate 0, rejected 0$"
    ;;

  kiosk_central_without_key)
    # A kiosk that could not check receipts would never acknowledge anything: it refuses
    # to start (exit 2), naming the setting; so does one whose key file is unreadable.
    printf 'expect screen locked\n' >"$scratch/locked.script"
    sed -i -e "s|^central = .*|central = http://127.0.0.1:9|" "$scratch/kiosk.ini"
    run_kiosk "$scratch/locked.script" 2
    grep -q "central_pub" "$scratch/kiosk.out" || fail "the refusal does not name central_pub: $(cat "$scratch/kiosk.out")"
    sed -i -e "s|^central_pub = .*|central_pub = $scratch/missing.pub|" "$scratch/kiosk.ini"
    run_kiosk "$scratch/locked.script" 2
    grep -q "missing.pub" "$scratch/kiosk.out" || fail "the refusal does not name the key file: $(cat "$scratch/kiosk.out")"
    ;;

  bundle_import_twice)
    run_kiosk "$src/tests/kiosk/written.script"
    "$store_tool" fill "$data" 10 >/dev/null
    n=$(last_seq)
    "$bilet" sync --data "$data" --export "$scratch/kiosk.bundle" >"$scratch/export.out" ||
      fail "export failed"
    grep -q "^$n records written" "$scratch/export.out" || fail "export said $(cat "$scratch/export.out")"
    enrol
    "$central_bin" --db "$cdb" --key "$ckey" --import "$scratch/kiosk.bundle" >"$scratch/import1.out" 2>&1 ||
      { cat "$scratch/import1.out" >&2; fail "the first import failed"; }
    grep -q "stored $n, duplicate 0" "$scratch/import1.out" || fail "first import: $(cat "$scratch/import1.out")"
    "$central_bin" --db "$cdb" --key "$ckey" --import "$scratch/kiosk.bundle" >"$scratch/import2.out" 2>&1 ||
      { cat "$scratch/import2.out" >&2; fail "the second import failed"; }
    grep -q "stored 0, duplicate $n" "$scratch/import2.out" || fail "second import: $(cat "$scratch/import2.out")"
    [ "$(central_count)" = "$n" ] || fail "the central holds $(central_count) of $n records"
    # A kiosk that synced by USB has nothing new for the network but its receipts: the
    # push after the import finds every record a duplicate.
    start_central
    sync_run 0
    expect_sync "^stored 0, duplicate $n, rejected 0$"
    ;;

  *)
    fail "unknown case"
    ;;
esac
echo "ok [sync $case_]"
