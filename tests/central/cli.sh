#!/usr/bin/env bash
# bilet-central's command line: --help; bad usage exits 2 with one line; --add-exam
# without --key is bad usage (docs/grading.md; tests/central/grading.sh adds exams); a missing key folder is created 0700 with a new key
# (0600) and said so; a central.key others may read is refused; --enrol twice; --add-staff
# prints the token on the last line and refuses a taken name; --verify finds a record
# altered in the database; SIGINT and SIGTERM stop the server cleanly.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

central=$bin/bilet-central
db=$tmp/central.db

"$central" --help >"$tmp/help"
grep -q -- '--listen ADDR:PORT' "$tmp/help" || fail "--help"

usage_fails() {
  local rc=0
  "$central" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "\"$*\" should exit 2, got $rc"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "\"$*\": one line expected: $(cat "$tmp/err")"
}
usage_fails
usage_fails --db "$db"
usage_fails --db "$db" --listen 127.0.0.1:0
usage_fails --listen 127.0.0.1:0 --key "$tmp/keys"
usage_fails --db "$db" --verify --add-staff x
usage_fails --db "$db" --frobnicate
usage_fails --db "$db" --add-staff x --role dean
usage_fails --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0 --tls-cert x.pem
usage_fails --db "$db" --verify extra
usage_fails --db "$db" --key "$tmp/keys" --listen nowhere
usage_fails --db "$db" --add-exam "$src/config/demo"
grep -q 'key DIR is required with --add-exam' "$tmp/err" || fail "--add-exam without --key"

# The key folder: created on first start, 0700, key 0600, and said so.
"$central" --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0 2>"$tmp/start.log" &
pid=$!
server_pids+=("$pid")
for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/start.log" && break; sleep 0.05; done
grep -q 'created a new central key' "$tmp/start.log" || fail "the new key was not announced"
[ "$(stat -c %a "$tmp/keys")" = 700 ] || fail "key folder mode $(stat -c %a "$tmp/keys")"
[ "$(stat -c %a "$tmp/keys/central.key")" = 600 ] || fail "central.key mode"
[[ "$(cat "$tmp/keys/central.pub")" =~ ^[0-9a-f]{64}$ ]] || fail "central.pub is not 64 hex"
grep -q "central.pub $(cat "$tmp/keys/central.pub")" "$tmp/start.log" || fail "the log should show central.pub"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || fail "SIGINT: exit $rc"
grep -q 'stopping (SIGINT)' "$tmp/start.log" || fail "no clean stop on SIGINT"

# The second start uses the same key, silently.
start_central "$db"
grep -q 'created a new central key' "$central_log" && fail "a second key was made"
stop_central "$central_pid"

# A central.key that others may read is refused.
chmod 644 "$tmp/keys/central.key"
rc=0
"$central" --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a readable central.key: exit $rc"
grep -q 'chmod 600' "$tmp/err" || fail "should say how to fix it: $(cat "$tmp/err")"
chmod 600 "$tmp/keys/central.key"

# A port that is taken.
start_central "$db"
taken=${central_url##*:}
rc=0
"$central" --db "$db" --key "$tmp/keys" --listen "127.0.0.1:$taken" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a taken port: exit $rc"
stop_central "$central_pid"

# Kiosks and staff.
make_kiosk "$tmp/k" 12
"$central" --db "$db" --enrol "$tmp/k/kiosk.pub" --name "ауд. 214" >"$tmp/out"
grep -q "^enrolled kiosk $(cat "$tmp/k/kiosk.pub") (ауд. 214)" "$tmp/out" || fail "enrol: $(cat "$tmp/out")"
"$central" --db "$db" --enrol "$tmp/k/kiosk.pub" >"$tmp/out"
grep -q '^already enrolled' "$tmp/out" || fail "enrol twice: $(cat "$tmp/out")"
rc=0
"$central" --db "$db" --enrol "$tmp/nothing.pub" 2>"$tmp/err" || rc=$?
[ "$rc" -ne 0 ] || fail "enrolling a missing file"
"$central" --db "$db" --add-staff "Сидорова А.А." >"$tmp/out"
[[ "$(tail -n 1 "$tmp/out")" =~ ^[0-9a-f]{64}$ ]] || fail "the token is not the last line: $(cat "$tmp/out")"
[ "$(sqlite3 "$db" "SELECT role FROM staff WHERE name = 'Сидорова А.А.'")" = grader ] || fail "default role"
! sqlite3 "$db" "SELECT token_hash FROM staff" | grep -q "$(tail -n 1 "$tmp/out")" || fail "the token is stored in clear"
rc=0
"$central" --db "$db" --add-staff "Сидорова А.А." --role registrar >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a taken staff name: exit $rc"

# --verify: clean, then a record altered in place.
start_central "$db"
post "$tmp/k"
expect_counts "stored 12 duplicate 0 rejected 0 gaps 0"
stop_central "$central_pid"
"$central" --db "$db" --verify >"$tmp/out" || fail "--verify: $(cat "$tmp/out")"
sqlite3 "$db" "UPDATE records SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Сидорова', 'Сидоренко') AS BLOB) WHERE seq = 5"
rc=0
"$central" --db "$db" --verify >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--verify of an altered record: exit $rc"
grep -q 'record 5' "$tmp/err" || fail "--verify should name record 5: $(cat "$tmp/err")"

# A database that is not one.
echo "not a database" >"$tmp/junk.db"
rc=0
"$central" --db "$tmp/junk.db" --verify 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a junk database: exit $rc"
echo "cli: ok"
