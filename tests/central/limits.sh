#!/usr/bin/env bash
# The server's limits and errors: malformed JSON and bodies of the wrong shape are 400
# with {"error":...}; unknown paths 404; wrong methods 405 with Allow; a 17 MiB body 413
# (declared length: answered before the body is read; no declared length: the connection
# is dropped), while another client keeps syncing successfully and a client that stalls
# half-way through a request holds up no one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
start_central "$db"
make_kiosk "$tmp/k" 3000
enrol "$db" "$tmp/k"

expect_error() {
  local want=$1 got=$2
  [ "$got" = "$want" ] || fail "expected HTTP $want, got $got: $(cat "$tmp/http.body")"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d["error"], str) and d["error"], d' \
    "$tmp/http.body" || fail "no {\"error\": ...} body: $(cat "$tmp/http.body")"
}

expect_error 400 "$(http_status POST "$central_url/api/v1/records" --data '{"v":1,"records":[')"
grep -q 'not valid JSON' "$tmp/http.body" || fail "the 400 should say why: $(cat "$tmp/http.body")"
expect_error 400 "$(http_status POST "$central_url/api/v1/records" --data '{"v":1,"records":{}}')"
expect_error 400 "$(http_status POST "$central_url/api/v1/records" --data '{"v":1,"records":[{"bytes":"*","sig":"00"}]}')"
expect_error 400 "$(http_status POST "$central_url/api/v1/records" --data '')"
expect_error 404 "$(http_status GET "$central_url/api/v1/nothing")"
expect_error 404 "$(http_status GET "$central_url/api/")"
expect_error 404 "$(http_status GET "$central_url/api/v2/records")"
expect_error 405 "$(http_status GET "$central_url/api/v1/records")"
http_status DELETE "$central_url/api/v1/kiosks" >/dev/null
grep -qi '^Allow: GET, POST' "$tmp/headers" || fail "405 without Allow: $(cat "$tmp/headers")"
[ "$(http_status GET "$central_url/api/v1/health")" = 200 ] || fail "health"

# 17 MiB bodies, over and over, while a kiosk syncs 3000 records in batches of 100.
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$tmp/big.json"
(
  for i in 1 2 3 4 5 6; do
    http_status POST "$central_url/api/v1/records" --data-file "$tmp/big.json" >"$tmp/big.$i"
  done
) &
big_pid=$!
# A client that sends half a request and then nothing.
python3 - "${central_url##*:}" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"v\":1,")
time.sleep(8)
PY
stall_pid=$!
post "$tmp/k" --batch 100 || fail "the syncing client failed: $(cat "$tmp/post.out")"
expect_counts "stored 3000 duplicate 0 rejected 0 gaps 0"
wait "$big_pid"
for i in 1 2 3 4 5 6; do
  [ "$(cat "$tmp/big.$i")" = 413 ] || fail "a 17 MiB body got $(cat "$tmp/big.$i"), not 413"
done
# Without a declared length the body is cut off once it passes 16 MiB.
code=$(http_status POST "$central_url/api/v1/records" --chunked \
  --data-file "$tmp/big.json")
[ "$code" != 200 ] || fail "an oversized chunked body was accepted"
# Exactly at the cap is still read (and is then simply bad JSON).
head -c $((16 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$tmp/cap.json"
expect_error 400 "$(http_status POST "$central_url/api/v1/records" --data-file "$tmp/cap.json")"
kill "$stall_pid" 2>/dev/null || true
wait "$stall_pid" 2>/dev/null || true

[ "$(http_status GET "$central_url/api/v1/health")" = 200 ] || fail "health after the abuse"
[ "$(count_records "$db")" -eq 3000 ] || fail "expected 3000 rows, got $(count_records "$db")"
grep -q 'POST /api/v1/records 413' "$central_log" || fail "413s are not in the log"
stop_central "$central_pid"
echo "limits ($backend): ok"
