# Shared by the tests of bilet-central (tests/central/*.sh): a scratch folder, databases
# of the backend under test, starting and stopping real servers on 127.0.0.1, kiosk data
# folders, row counts straight from the database. Source it after `set -euo pipefail`.
#
# Environment: BILET_BIN, BILET_SRC (from ctest), BILET_CENTRAL_BACKEND (sqlite | pg),
# BILET_PG_DIR (the cluster of script/pg, for pg).

bin=${BILET_BIN:?}
src=${BILET_SRC:?}
backend=${BILET_CENTRAL_BACKEND:-sqlite}
tools=$bin/tests
tmp=$(mktemp -d)
server_pids=()
test_name=$(basename "$0" .sh)

cleanup() {
  local p
  for p in "${server_pids[@]}"; do
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL ($test_name, $backend): $*" >&2
  exit 1
}

# new_db NAME: prints a fresh --db spec of the backend under test.
new_db() {
  if [ "$backend" = pg ]; then
    bash "$src/script/pg" createdb "${BILET_PG_DIR:?}" "${test_name}_$1_$$_$RANDOM"
  else
    echo "$tmp/$1.db"
  fi
}

# sql DB QUERY: one value from the database.
sql() {
  if [ "$backend" = pg ]; then
    psql -X -q -A -t -d "$1" -c "$2"
  else
    sqlite3 "$1" "$2"
  fi
}

count_records() {
  sql "$1" "SELECT count(*) FROM records"
}

# start_central DB [ARGS...]: starts a server on a free port with the key folder
# $tmp/keys; sets central_url, central_pid and central_log.
start_central() {
  local db=$1
  shift
  central_log=$tmp/central.$RANDOM.log
  "$bin/bilet-central" --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0 "$@" 2>"$central_log" &
  central_pid=$!
  server_pids+=("$central_pid")
  for _ in $(seq 1 200); do
    grep -q 'listening on' "$central_log" && break
    if ! kill -0 "$central_pid" 2>/dev/null; then
      cat "$central_log" >&2
      fail "bilet-central did not start"
    fi
    sleep 0.05
  done
  central_url=$(sed -n 's|.*listening on \(https\{0,1\}://[^ ]*:[0-9][0-9]*\) .*|\1|p' "$central_log" | head -n 1)
  [ -n "$central_url" ] || fail "no address in the log: $(cat "$central_log")"
}

# stop_central PID: SIGTERM, and the server must exit 0.
stop_central() {
  local rc=0
  kill -TERM "$1"
  wait "$1" || rc=$?
  [ "$rc" -eq 0 ] || fail "bilet-central exited $rc on SIGTERM"
}

# make_kiosk DIR [N]: a kiosk data folder; a real session (session_tool, the demo exam),
# or N filler records (store_tool) when N is given.
make_kiosk() {
  "$bin/bilet" init --data "$1" >/dev/null
  if [ $# -ge 2 ]; then
    "$tools/store_tool" fill "$1" "$2" >/dev/null
  else
    "$tools/session_tool" "$1" "$src/config/demo"
  fi
}

records_of() {
  sqlite3 "$1/bilet.db" "SELECT count(*) FROM records"
}

enrol() {
  "$bin/bilet-central" --db "$1" --enrol "$2/kiosk.pub" --name "${3:-kiosk}" >/dev/null
}

# post DIR [ARGS...]: post_records against the running server; output in $tmp/post.out.
post() {
  local dir=$1
  shift
  "$tools/post_records" --central "$central_url" --central-pub "$tmp/keys/central.pub" \
    --data "$dir" "$@" >"$tmp/post.out"
}

# expect_counts "stored S duplicate D rejected R gaps G": the last line of the last post.
expect_counts() {
  local got
  got=$(tail -n 1 "$tmp/post.out")
  [ "$got" = "$1" ] || fail "expected \"$1\", got \"$got\" ($(cat "$tmp/post.out"))"
}

expect_line() {
  grep -qF -- "$1" "$tmp/post.out" || fail "expected a line with \"$1\" in: $(cat "$tmp/post.out")"
}

# http_status METHOD URL [http_probe OPTIONS...]: the status code; the body in
# $tmp/http.body, the header lines in $tmp/headers.
http_status() {
  local method=$1 url=$2
  shift 2
  "$tools/http_probe" "$method" "$url" --out "$tmp/http.body" --dump-headers "$tmp/headers" "$@"
}

token_of() {
  "$bin/bilet-central" --db "$1" --add-staff "$2" --role "$3" | tail -n 1
}
