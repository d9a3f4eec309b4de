#!/usr/bin/env bash
# Two bilet-central processes on one database (PostgreSQL: the way a university scales
# out; SQLite: two processes on one file), with clients pushing to both at once — the
# same kiosk's batches to both, too, in different batch sizes: every chain is intact,
# nothing is stored twice, and each client's receipts add up to its whole log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=3000
db=$(new_db main)
start_central "$db"
url_a=$central_url
pid_a=$central_pid
start_central "$db"
url_b=$central_url
pid_b=$central_pid

clients=()
for k in 1 2 3; do
  make_kiosk "$tmp/k$k" "$n"
  enrol "$db" "$tmp/k$k" "kiosk $k"
done
for k in 1 2 3; do
  "$tools/post_records" --central "$url_a" --central-pub "$tmp/keys/central.pub" \
    --data "$tmp/k$k" --batch 100 >"$tmp/k$k.a" 2>&1 &
  clients+=($!)
  "$tools/post_records" --central "$url_b" --central-pub "$tmp/keys/central.pub" \
    --data "$tmp/k$k" --batch 70 >"$tmp/k$k.b" 2>&1 &
  clients+=($!)
done
for c in "${clients[@]}"; do
  wait "$c" || fail "a client failed: $(cat "$tmp"/k?.?)"
done

for k in 1 2 3; do
  read -r _ sa _ da _ ra _ ga < <(tail -n 1 "$tmp/k$k.a")
  read -r _ sb _ db_ _ rb _ gb < <(tail -n 1 "$tmp/k$k.b")
  [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] && [ "$ga" -eq 0 ] && [ "$gb" -eq 0 ] ||
    fail "kiosk $k: rejections: $(cat "$tmp/k$k.a" "$tmp/k$k.b")"
  [ $((sa + da)) -eq "$n" ] && [ $((sb + db_)) -eq "$n" ] || fail "kiosk $k: receipts do not cover the log"
  [ $((sa + sb)) -eq "$n" ] || fail "kiosk $k: stored $sa + $sb, not $n"
  echo "kiosk $k: instance a stored $sa, instance b stored $sb"
done
[ "$(count_records "$db")" -eq $((3 * n)) ] || fail "expected $((3 * n)) rows, got $(count_records "$db")"
[ "$(sql "$db" "SELECT count(*) FROM (SELECT kiosk, seq FROM records GROUP BY kiosk, seq) t")" -eq $((3 * n)) ] ||
  fail "a (kiosk, seq) twice"
"$bin/bilet-central" --db "$db" --verify >"$tmp/verify.out" || fail "--verify: $(cat "$tmp/verify.out")"
grep -q "3 kiosks with records, $((3 * n)) records, chains intact" "$tmp/verify.out" ||
  fail "--verify said: $(cat "$tmp/verify.out")"
stop_central "$pid_a"
stop_central "$pid_b"
echo "instances ($backend): ok"
