#!/usr/bin/env bash
# Durability: bilet-central is killed with SIGKILL while it stores a kiosk's batches,
# restarted on the same database, and the kiosk syncs again: every record is stored
# exactly once (the rows counted in the database), the chain is intact (--verify), and
# what a receipt said was stored before the kill is still there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=30000
db=$(new_db main)
start_central "$db"
make_kiosk "$tmp/k" "$n"
enrol "$db" "$tmp/k"

# Batches of 5000 (the largest a batch may be) so that the kill lands inside one.
"$tools/post_records" --central "$central_url" --central-pub "$tmp/keys/central.pub" \
  --data "$tmp/k" --batch 5000 >"$tmp/first.out" 2>&1 &
client=$!
for _ in $(seq 1 400); do
  grep -q 'POST /api/v1/records 200' "$central_log" && break
  sleep 0.01
done
sleep 0.$((RANDOM % 3))5
kill -KILL "$central_pid"
wait "$central_pid" 2>/dev/null || true
rc=0
wait "$client" || rc=$?
[ "$rc" -ne 0 ] || echo "note: the client finished before the kill"
before=$(count_records "$db")
acked=$(grep -c 'POST /api/v1/records 200' "$central_log" || true)
echo "killed after $acked acknowledged batches; $before rows in the database"
[ "$before" -ge $((acked * 5000)) ] || fail "acknowledged records were lost: $before rows, $acked batches acknowledged"
[ "$before" -le "$n" ] || fail "more rows than records: $before"
[ $((before % 5000)) -eq 0 ] || fail "a batch was stored in part: $before rows"

start_central "$db"
post "$tmp/k" --batch 5000 || fail "re-sync failed: $(cat "$tmp/post.out")"
expect_counts "stored $((n - before)) duplicate $before rejected 0 gaps 0"
[ "$(count_records "$db")" -eq "$n" ] || fail "expected $n rows, got $(count_records "$db")"
[ "$(sql "$db" "SELECT count(DISTINCT seq) FROM records")" -eq "$n" ] || fail "a seq twice"
"$bin/bilet-central" --db "$db" --verify >"$tmp/verify.out" || fail "--verify: $(cat "$tmp/verify.out")"
grep -q "1 kiosks with records, $n records, chains intact" "$tmp/verify.out" ||
  fail "--verify said: $(cat "$tmp/verify.out")"
stop_central "$central_pid"
echo "crash ($backend): ok"
