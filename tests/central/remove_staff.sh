#!/usr/bin/env bash
# Taking back a staff member's access (docs/central.md, --remove-staff): while a server runs,
# `bilet-central --remove-staff NAME` makes the member's bearer token, password and open
# console session stop working at once, while another member is not affected and what the
# removed member did (the staff_reads rows that name them) stays. An unknown name, or the
# same name removed twice, exits 1 with one message; a bad call exits 2.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

db=$(new_db main)
name="Петров П.П."
printf 'correct horse battery\n' >"$tmp/pw"
token=$("$bin/bilet-central" --db "$db" --add-staff "$name" --role registrar \
  --password-file "$tmp/pw" | tail -n 1)
other=$(token_of "$db" "Иванова И.И." grader)
start_central "$db"

expect() {
  local want=$1 got=$2 what=$3
  [ "$got" = "$want" ] || fail "$what: expected HTTP $want, got $got: $(cat "$tmp/http.body")"
}
bearer() { http_status GET "$central_url/api/v1/kiosks" --header "Authorization: Bearer $1"; }
cookie() { http_status GET "$central_url/api/v1/kiosks" --header "Cookie: bilet_session=$1"; }
sign_in() {
  http_status POST "$central_url/api/v1/session" --header 'Content-Type: application/json' \
    --data "{\"name\":\"$name\",\"password\":\"correct horse battery\"}"
}

# Before: the token works, a read of results is recorded, a password sign-in gives a cookie.
expect 200 "$(bearer "$token")" "the token before removal"
expect 200 "$(http_status GET "$central_url/api/v1/exams/none/results" \
  --header "Authorization: Bearer $token")" "results before removal"
expect 201 "$(sign_in)" "sign-in before removal"
session=$(sed -n 's/^Set-Cookie: *bilet_session=\([0-9a-f]\{64\}\).*/\1/Ip' "$tmp/headers" | head -n 1)
[ -n "$session" ] || fail "no session cookie in: $(cat "$tmp/headers")"
expect 200 "$(cookie "$session")" "the session cookie before removal"
reads=$(sql "$db" "SELECT count(*) FROM staff_reads WHERE staff = '$name'")
[ "$reads" -ge 1 ] || fail "the read of results was not recorded"

# Removal while the server runs: one line, exit 0.
out=$("$bin/bilet-central" --db "$db" --remove-staff "$name") ||
  fail "--remove-staff exited $?: $out"
[ "$out" = "removed staff member «$name»: token and password revoked, open sessions ended: 1" ] ||
  fail "unexpected output: $out"

# After: token, cookie and password are refused by the running server, at once.
expect 401 "$(bearer "$token")" "the token after removal"
grep -q '"error":"unknown staff token"' "$tmp/http.body" || fail "not the token's message"
expect 401 "$(cookie "$session")" "the session cookie after removal"
grep -q '"error":"the session has ended: sign in again"' "$tmp/http.body" ||
  fail "not the session's message: $(cat "$tmp/http.body")"
expect 401 "$(sign_in)" "sign-in after removal"
# Another member is not affected.
expect 200 "$(bearer "$other")" "another member's token"

# The store: no row of theirs left in staff, staff_passwords, staff_sessions; their past
# reads stay as they were.
[ "$(sql "$db" "SELECT count(*) FROM staff WHERE name = '$name'")" = 0 ] || fail "staff row left"
[ "$(sql "$db" "SELECT count(*) FROM staff_passwords WHERE staff = '$name'")" = 0 ] ||
  fail "password hash left"
[ "$(sql "$db" "SELECT count(*) FROM staff_sessions WHERE staff = '$name'")" = 0 ] ||
  fail "session left"
[ "$(sql "$db" "SELECT count(*) FROM staff_reads WHERE staff = '$name'")" = "$reads" ] ||
  fail "the record of their reads changed"
[ "$(sql "$db" "SELECT count(*) FROM staff")" = 1 ] || fail "another member was removed"

# An unknown name, and the same name again: exit 1, one message, nothing changed.
rc=0
"$bin/bilet-central" --db "$db" --remove-staff "Никто" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "an unknown name exited $rc"
[ "$(cat "$tmp/err")" = 'bilet-central: no staff member "Никто" (nothing removed)' ] ||
  fail "unknown name: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "output for an unknown name: $(cat "$tmp/out")"
rc=0
"$bin/bilet-central" --db "$db" --remove-staff "$name" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "the second removal exited $rc"
grep -qF "no staff member \"$name\"" "$tmp/err" || fail "second removal: $(cat "$tmp/err")"
[ "$(sql "$db" "SELECT count(*) FROM staff")" = 1 ] || fail "a failed removal changed staff"

# Bad calls: exit 2.
for args in "--remove-staff=" "--remove-staff x --role grader" "--remove-staff x --name y" \
  "--remove-staff x --add-staff y"; do
  rc=0
  # shellcheck disable=SC2086
  "$bin/bilet-central" --db "$db" $args >/dev/null 2>"$tmp/err" || rc=$?
  [ "$rc" = 2 ] || fail "\"$args\" exited $rc, not 2: $(cat "$tmp/err")"
  grep -q '(see --help)$' "$tmp/err" || fail "\"$args\": not a usage message: $(cat "$tmp/err")"
done
expect 200 "$(bearer "$other")" "another member's token at the end"

stop_central "$central_pid"
echo "remove_staff ($backend): ok"
