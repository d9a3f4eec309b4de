#!/usr/bin/env bash
# tests/sync/cli.sh CASE — `bilet sync` without a central store: its help, its refusals and
# exit statuses, a central that cannot be reached (nothing acknowledged), and the USB
# bundle of --export. CASE may also come from $BILET_CASE. Needs $BILET_BIN and $BILET_SRC.
# The tests against a real bilet-central are tests/sync/e2e.sh.
set -euo pipefail
case_=${1:-${BILET_CASE:?usage: cli.sh CASE}}
bin=${BILET_BIN:?}
bilet=$bin/bilet
store_tool=$bin/tests/store_tool
sync_tool=$bin/tests/sync_tool
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
data=$scratch/data

fail() { echo "FAIL [sync $case_]: $*" >&2; exit 1; }

# expect_exit WANT CMD... — runs CMD, keeps its output in $scratch/out, checks the status.
expect_exit() {
  local want=$1 rc=0
  shift
  "$@" >"$scratch/out" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$scratch/out" >&2; fail "'$*' exited $rc, expected $want"; }
}

expect_out() {
  grep -q -- "$1" "$scratch/out" || { cat "$scratch/out" >&2; fail "output lacks '$1'"; }
}

acked() {
  sqlite3 "$data/bilet.db" "SELECT coalesce(max(acked_seq), 0) FROM sync_state"
}

make_data() {
  "$bilet" init --data "$data" >/dev/null
  [ "${1:-0}" -eq 0 ] || "$store_tool" fill "$data" "$1" >/dev/null
}

case $case_ in
  help)
    expect_exit 0 "$bilet" sync --help
    expect_out "--central-pub FILE"
    expect_out "--export FILE"
    expect_exit 0 "$bilet" --help
    expect_out "sync "
    ;;
  usage)
    make_data 0
    echo 0000000000000000000000000000000000000000000000000000000000000000 >"$scratch/c.pub"
    expect_exit 2 "$bilet" sync
    expect_out "--data DIR is required"
    expect_exit 2 "$bilet" sync --data "$data"
    expect_out "--central URL"
    expect_exit 2 "$bilet" sync --data "$data" --central http://127.0.0.1:9
    expect_out "--central-pub FILE is required"
    expect_exit 2 "$bilet" sync --data "$data" --export "$scratch/b" --central http://127.0.0.1:9
    expect_exit 2 "$bilet" sync --data "$data" --central ftp://x --central-pub "$scratch/c.pub"
    expect_out "not an http"
    expect_exit 2 "$bilet" sync --data "$data" --central http://x --central-pub "$scratch/c.pub" --batch 0
    expect_exit 2 "$bilet" sync --data "$data" --central http://x --central-pub "$scratch/c.pub" --batch 1001
    expect_exit 2 "$bilet" sync --data "$data" --bogus
    expect_exit 2 "$bilet" sync --data "$data" stray
    ;;
  bad_central_pub)
    make_data 1
    expect_exit 2 "$bilet" sync --data "$data" --central http://127.0.0.1:9 --central-pub "$scratch/none.pub"
    expect_out "none.pub"
    echo "not hex" >"$scratch/bad.pub"
    expect_exit 2 "$bilet" sync --data "$data" --central http://127.0.0.1:9 --central-pub "$scratch/bad.pub"
    expect_out "bad.pub"
    ;;
  missing_data_folder)
    expect_exit 2 "$bilet" sync --data "$scratch/nowhere" --central http://127.0.0.1:9 \
      --central-pub "$BILET_SRC/tests/data/sync/central.pub"
    expect_out "bilet init"
    expect_exit 2 "$bilet" sync --data "$scratch/nowhere" --export "$scratch/b.json"
    [ ! -e "$scratch/b.json" ] || fail "a bundle was written for a missing data folder"
    ;;
  unreachable_central)
    make_data 5
    start=$(date +%s)
    expect_exit 1 "$bilet" sync --data "$data" --central http://127.0.0.1:9 \
      --central-pub "$BILET_SRC/tests/data/sync/central.pub"
    expect_out "127.0.0.1:9"
    expect_out "stored 0, duplicate 0, rejected 0"
    [ $(($(date +%s) - start)) -lt 10 ] || fail "an unreachable central took too long"
    [ "$(acked)" = 0 ] || fail "records were acknowledged without a central"
    ;;
  export)
    make_data 25
    expect_exit 0 "$bilet" sync --data "$data" --export "$scratch/kiosk.bundle"
    expect_out "^25 records written to $scratch/kiosk.bundle"
    "$sync_tool" bundle "$scratch/kiosk.bundle" >"$scratch/check" || fail "the bundle does not verify"
    [ "$(cat "$scratch/check")" = "$(tr -d '\n' <"$data/kiosk.pub") 25" ] ||
      fail "bundle check says '$(cat "$scratch/check")'"
    # The inner text holds the records verbatim, in order (sqlite3's JSON functions read it).
    sqlite3 "$data/bilet.db" "SELECT writefile('$scratch/r7', bytes) FROM records WHERE seq = 7" >/dev/null
    inner="json_extract(readfile('$scratch/kiosk.bundle'), '\$.bundle')"
    got=$(sqlite3 :memory: "SELECT json_extract($inner, '\$.records[6].bytes')")
    [ "$got" = "$(base64 -w0 "$scratch/r7")" ] || fail "record 7 in the bundle is not its bytes"
    n=$(sqlite3 :memory: "SELECT json_array_length(json_extract($inner, '\$.records'))")
    [ "$n" = 25 ] || fail "the bundle lists $n records"
    rm -f "$scratch/r7"
    if compgen -G "$scratch/*.tmp-*" >/dev/null; then fail "a temporary file was left: $(ls "$scratch")"; fi
    # Exporting never moves the outbox: a bundle is no receipt.
    [ "$(acked)" = 0 ] || fail "the export acknowledged records"
    # A second export replaces the file in place.
    "$store_tool" fill "$data" 2 >/dev/null
    expect_exit 0 "$bilet" sync --data "$data" --export "$scratch/kiosk.bundle"
    expect_out "^27 records written"
    ;;
  export_empty)
    make_data 0
    expect_exit 0 "$bilet" sync --data "$data" --export "$scratch/empty.bundle"
    expect_out "^0 records written"
    "$sync_tool" bundle "$scratch/empty.bundle" | grep -q " 0$" || fail "the empty bundle does not verify"
    ;;
  export_unwritable)
    make_data 3
    expect_exit 1 "$bilet" sync --data "$data" --export "$scratch/no/such/folder/k.bundle"
    expect_out "no/such/folder"
    ;;
  *)
    fail "unknown case"
    ;;
esac
echo "ok [sync $case_]"
