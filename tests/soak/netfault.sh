#!/usr/bin/env bash
# tests/soak/netfault.sh — records synced through a faulty network while the central
# restarts: N kiosk data folders, each with M signed records in its outbox, push with
# `bilet sync` (retried until it exits 0) through tests/tools/faultproxy, which drops
# connections, delays requests, cuts answers half-way and sends requests twice. The central
# is killed with SIGKILL once a third of the records are in and stopped with SIGTERM once
# two thirds are, and started again each time (on another port: the proxy reads its target
# from a file). At the end: every record stored exactly once (rows counted, distinct
# (kiosk, seq) counted), every chain intact (`bilet-central --verify`), every kiosk's
# outbox empty (acked_seq = M), and the proxy's counters printed.
#
# Sizes: 8 kiosks × 500 records; BILET_LONG=1: 64 × 10 000; or BILET_NETFAULT_KIOSKS and
# BILET_NETFAULT_RECORDS. Backend: BILET_CENTRAL_BACKEND (sqlite | pg), as tests/central.
set -euo pipefail
# shellcheck source=../central/lib.sh
. "$(dirname "$0")/../central/lib.sh"

if [ "${BILET_LONG:-0}" = 1 ]; then
  kiosks=${BILET_NETFAULT_KIOSKS:-64} records=${BILET_NETFAULT_RECORDS:-10000}
else
  kiosks=${BILET_NETFAULT_KIOSKS:-8} records=${BILET_NETFAULT_RECORDS:-500}
fi
seed=${BILET_SEED:-$$}
batch=$((records / 5))
[ "$batch" -le 1000 ] || batch=1000
[ "$batch" -ge 1 ] || batch=1
total=$((kiosks * records))
now_ms() { local t=${EPOCHREALTIME/[.,]/}; NOW=${t:0:${#t}-3}; }
now_ms
t0=$NOW

db=$(new_db netfault)
start_central "$db" --threads 4
target=$tmp/target
echo "$central_url" >"$target"

# The kiosks: keys, filler records, enrolled at the central.
for ((k = 1; k <= kiosks; k++)); do
  make_kiosk "$tmp/k$k" "$records"
  enrol "$db" "$tmp/k$k" "kiosk $k"
done
now_ms
t_made=$NOW

"$tools/faultproxy" --listen 127.0.0.1:0 --target-file "$target" --seed "$seed" \
  >"$tmp/proxy.out" 2>"$tmp/proxy.err" &
proxy_pid=$!
server_pids+=("$proxy_pid")
for _ in $(seq 1 100); do
  grep -q 'listening on' "$tmp/proxy.err" && break
  sleep 0.05
done
proxy_url=$(sed -n 's|.*listening on \(http://[^ ]*\)$|\1|p' "$tmp/proxy.err")
[ -n "$proxy_url" ] || fail "faultproxy did not start: $(cat "$tmp/proxy.err")"

# sync_until_done K: `bilet sync` of kiosk K through the proxy until it exits 0.
sync_until_done() {
  local dir=$tmp/k$1 tries=0
  until "$bin/bilet" sync --data "$dir" --central "$proxy_url" \
    --central-pub "$tmp/keys/central.pub" --batch "$batch" >"$dir.sync.out" 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 400 ]; then
      echo "kiosk $1: still failing after $tries tries: $(cat "$dir.sync.out")" >"$dir.failed"
      return 1
    fi
    sleep 0.0$((RANDOM % 5 + 1))
  done
  echo $((tries + 1)) >"$dir.tries"
}
pids=()
for ((k = 1; k <= kiosks; k++)); do
  sync_until_done "$k" &
  pids+=($!)
done

# restart_when FRACTION SIGNAL: once that share of the records is in, the central gets the
# signal and is started again on the same database.
restarts=0
restart_when() {
  local want=$(($1 * total / 3)) got=0 sig=$2
  for _ in $(seq 1 6000); do
    got=$(count_records "$db")
    [ "$got" -ge "$want" ] && break
    sleep 0.02
  done
  if [ "$got" -ge "$total" ]; then
    echo "note: all records were in before restart $1"
  fi
  kill "-$sig" "$central_pid"
  wait "$central_pid" 2>/dev/null || true
  echo "restart $1: SIG$sig with $got of $total records stored"
  start_central "$db" --threads 4
  echo "$central_url" >"$target"
  restarts=$((restarts + 1))
}
restart_when 1 KILL
restart_when 2 TERM

failed=0
for p in "${pids[@]}"; do
  wait "$p" || failed=$((failed + 1))
done
now_ms
t_done=$NOW
kill -TERM "$proxy_pid"
wait "$proxy_pid" || fail "faultproxy exited $?"
[ "$failed" = 0 ] || fail "$failed kiosks never finished: $(cat "$tmp"/k*.failed)"

# Nothing lost, nothing twice.
stored=$(count_records "$db")
distinct=$(sql "$db" "SELECT count(*) FROM (SELECT DISTINCT kiosk, seq FROM records) AS d")
[ "$stored" = "$total" ] || fail "$stored rows stored, $total records sent"
[ "$distinct" = "$total" ] || fail "$distinct distinct (kiosk, seq), $total records sent"
"$bin/bilet-central" --db "$db" --verify >"$tmp/verify.out" 2>&1 ||
  fail "--verify: $(cat "$tmp/verify.out")"
grep -q "^$kiosks kiosks with records, $total records, chains intact" "$tmp/verify.out" ||
  fail "--verify said: $(cat "$tmp/verify.out")"
for ((k = 1; k <= kiosks; k++)); do
  acked=$(sqlite3 "$tmp/k$k/bilet.db" "SELECT coalesce(max(acked_seq), 0) FROM sync_state")
  [ "$acked" = "$records" ] || fail "kiosk $k: acked_seq $acked, not $records"
done
rc=0
kill -TERM "$central_pid"
wait "$central_pid" || rc=$?
[ "$rc" = 0 ] || fail "bilet-central exited $rc on SIGTERM: $(tail -n 40 "$central_log")"

tries=$(cat "$tmp"/k*.tries | awk '{ s += $1; if ($1 > m) m = $1 } END { print s " (at most " m " for one kiosk)" }')
echo "netfault ($backend): $kiosks kiosks × $records records = $total, seed $seed, batches of $batch"
echo "  made in $(((t_made - t0) / 1000)) s; synced through faults in $(((t_done - t_made) / 1000)).$(printf %03d $(((t_done - t_made) % 1000))) s"
echo "  bilet sync runs: $tries; central restarts: $restarts"
echo "  $(cat "$tmp/proxy.out")"
echo "  stored $stored, distinct $distinct, lost 0, doubled 0; $(cat "$tmp/verify.out")"
echo "ok [soak netfault $backend]"
