#!/usr/bin/env bash
# Password guessing at the web console's sign-in (docs/console.md): two bilet-central
# processes on one database take turns answering; five wrong passwords for a name, wherever
# they were sent, lock that name on both — the sixth try, even with the right password, is
# 429 with Retry-After and {"error":...} — while another name and token sign-in still work,
# an unknown name is locked alike, and the database keeps the names as hashes only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
printf 'correct horse battery\n' >"$tmp/pw"
token=$(token_of "$db" "Петров П.П." grader)
"$bin/bilet-central" --db "$db" --add-staff "Иванова И.И." --role registrar \
  --password-file "$tmp/pw" >/dev/null
"$bin/bilet-central" --db "$db" --set-password "Петров П.П." --password-file "$tmp/pw" >/dev/null
start_central "$db"
url_a=$central_url
pid_a=$central_pid
start_central "$db"
url_b=$central_url
pid_b=$central_pid

# sign_in URL JSON: the status of POST /api/v1/session.
sign_in() {
  http_status POST "$1/api/v1/session" --header 'Content-Type: application/json' --data "$2"
}
expect() {
  local want=$1 got=$2
  [ "$got" = "$want" ] || fail "expected HTTP $want, got $got: $(cat "$tmp/http.body")"
}
# expect_locked: the last answer is the lock's: Retry-After within 15 min, its message.
expect_locked() {
  local after
  after=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/Ip' "$tmp/headers" | tr -d '\r')
  [ -n "$after" ] || fail "429 without Retry-After: $(cat "$tmp/headers")"
  [ "$after" -ge 1 ] && [ "$after" -le 900 ] || fail "Retry-After $after is not within 15 min"
  grep -q '"error":"too many wrong passwords for this name; try again in 1[45] min"' \
    "$tmp/http.body" || fail "not the lock's message: $(cat "$tmp/http.body")"
}

wrong='{"name":"Петров П.П.","password":"wrong horse battery"}'
right='{"name":"Петров П.П.","password":"correct horse battery"}'
for url in "$url_a" "$url_b" "$url_a" "$url_b" "$url_a"; do
  expect 401 "$(sign_in "$url" "$wrong")"
  ! grep -qi '^Retry-After' "$tmp/headers" || fail "a 401 with Retry-After"
done
expect 429 "$(sign_in "$url_b" "$wrong")"
expect_locked
expect 429 "$(sign_in "$url_a" "$right")"
expect_locked
grep -q 'POST /api/v1/session 429' "$central_log" || fail "the 429 is not in the log"

# Another name, and the locked member's token, are not affected.
expect 201 "$(sign_in "$url_a" '{"name":"Иванова И.И.","password":"correct horse battery"}')"
expect 201 "$(sign_in "$url_b" "{\"token\":\"$token\"}")"

# An unknown name is counted and locked the same way, with the same answer.
for url in "$url_b" "$url_a" "$url_b" "$url_a" "$url_b"; do
  expect 401 "$(sign_in "$url" '{"name":"Никто","password":"correct horse battery"}')"
done
expect 429 "$(sign_in "$url_a" '{"name":"Никто","password":"correct horse battery"}')"
expect_locked

# Two locked names, kept by hash: no name typed at the form is in the table.
[ "$(sql "$db" "SELECT count(*) FROM staff_signin_failures WHERE failures = 5")" = 2 ] ||
  fail "expected two locked rows: $(sql "$db" "SELECT * FROM staff_signin_failures")"
[ "$(sql "$db" "SELECT count(*) FROM staff_signin_failures WHERE length(name_hash) <> 64")" = 0 ] ||
  fail "a row not keyed by a hash"

stop_central "$pid_a"
stop_central "$pid_b"
echo "signin ($backend): ok"
