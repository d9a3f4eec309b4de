#!/usr/bin/env bash
# A sealed package on the kiosk (docs/package.md): refused when untrusted or altered; the
# right passphrase after wrong ones opens the session (counted, recorded, slowed); a
# restart mid-session goes through the passphrase and resumes the attempt; and no ticket
# text is on disk — in the package or in the data folder — before F1, mid-session or
# after F8 (the same search finds them in a plain copy, so the check can fail).
set -euo pipefail
flow=package
. "$(dirname "$0")/lib.sh"
setup

"$bilet" init --data "$scratch/staff" >/dev/null
"$bilet" init --data "$scratch/other" >/dev/null
printf 'горные породы 2026\n' >"$scratch/pass"
pkg=$scratch/exam/demo.bilet
mkdir -p "$scratch/exam"
"$bilet" pack --exam "$scratch/demo" --key "$scratch/staff/kiosk.key" \
  --passphrase-file "$scratch/pass" --out "$pkg" >/dev/null
rm -rf "$scratch/demo" # the kiosk has the package only
sed -i "s|^trust = .*|trust = $scratch/other/kiosk.pub, $scratch/staff/kiosk.pub|" "$scratch/kiosk.ini"

# The demo's ticket texts (the first line of each), to search for.
python3 - "$src/config/demo/tickets.csv" >"$scratch/questions" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f, delimiter=";"))
for r in rows[1:]:
    line = r[2].splitlines()[0].strip()
    if len(line) >= 12 and '"' not in line:  # "" in the file is " once read
        print(line)
PY
[ "$(wc -l <"$scratch/questions")" -gt 50 ] || fail "too few questions to search for"

# hits PATH... — how many of the questions grep finds under PATH (files and folders).
hits() {
  local n=0 q
  while IFS= read -r q; do
    if grep -rqaF -- "$q" "$@"; then n=$((n + 1)); fi
  done <"$scratch/questions"
  echo "$n"
}
mkdir -p "$scratch/control"
cp "$src/config/demo/tickets.csv" "$scratch/control/"
[ "$(hits "$scratch/control")" = "$(wc -l <"$scratch/questions")" ] ||
  fail "the search does not find the questions in a plain copy"
no_ticket_text() {
  local n
  n=$(hits "$pkg" "$data")
  [ "$n" = 0 ] || fail "$1: $n ticket texts found in the package or the data folder"
}

run() { # run SCRIPT-TEXT [RC]: the kiosk on the package, the script from stdin
  cat >"$scratch/run.script"
  local rc=0
  (cd "$scratch" && "$kiosk" --config "$scratch/kiosk.ini" --exam "$pkg" --headless \
      --script "$scratch/run.script") >"$scratch/kiosk.out" 2>&1 || rc=$?
  [ "$rc" -eq "${1:-0}" ] || { cat "$scratch/kiosk.out" >&2; fail "bilet-kiosk exited $rc"; }
}

# Refused at start: an untrusted key, an altered package (exit 2, one line).
sed -i "s|^trust = .*|trust = $scratch/other/kiosk.pub|" "$scratch/kiosk.ini"
run 2 </dev/null
grep -qF "signed by an untrusted key" "$scratch/kiosk.out" || fail "untrusted: $(cat "$scratch/kiosk.out")"
sed -i "s|^trust = .*|trust = $scratch/other/kiosk.pub, $scratch/staff/kiosk.pub|" "$scratch/kiosk.ini"
cp "$pkg" "$scratch/good.bilet"
sed -i 's/"tickets\\":27/"tickets\\":28/' "$pkg"
cmp -s "$pkg" "$scratch/good.bilet" && fail "the package was not altered"
run 2 </dev/null
grep -qF "bad package signature" "$scratch/kiosk.out" || fail "altered: $(cat "$scratch/kiosk.out")"
cp "$scratch/good.bilet" "$pkg"
[ ! -e "$data" ] || fail "a refused package created the data folder"

# Locked: the metadata shows, no ticket text anywhere yet.
run <<'S'
expect screen locked
expect text Технология горных работ
S
no_ticket_text "before F1"

# Wrong passphrases, counted and slowed; the right one opens the session.
run <<'S'
key F12
type 1379
enter
key F1
expect screen passphrase
key Escape
expect screen invigilator
key F1
expect screen passphrase
type неверный пароль
enter
expect screen passphrase
expect text 1 неверная попытка
type ещё один неверный
enter
type и третий неверный
enter
expect text 3 неверные попытки
expect text Повторите через 00:01
type горные породы 2026
enter
expect text 3 неверные попытки
wait 1
type горные породы 2026
enter
expect screen identify
type 21-0001
enter
enter
expect screen ticket
enter
expect screen answer
type Ответ на билет из пакета
hold 700
S
[ "$(sqlite3 "$data/bilet.db" "SELECT count(*) FROM records WHERE type = 'passphrase_failed'")" = 3 ] ||
  fail "not 3 passphrase_failed records"
sqlite3 "$data/bilet.db" "SELECT CAST(bytes AS TEXT) FROM records WHERE type = 'passphrase_failed'" |
  grep -qF '"count":3' || fail "passphrase_failed does not carry the count"
sqlite3 "$data/bilet.db" "SELECT type FROM records" | tail -n 3 | head -n 1 | grep -qx session_opened ||
  fail "session_opened does not follow the passphrase: $(sqlite3 "$data/bilet.db" "SELECT type FROM records")"
no_ticket_text "mid-session"

# A restart mid-session: passphrase first, then the same attempt with its text; close.
run <<'S'
expect screen passphrase
key Escape
expect screen passphrase
type горные породы 2026
enter
expect screen answer
expect text Ответ на билет из пакета
key F12
type 1379
enter
key F8
expect screen closed
S
"$bilet" verify --data "$data" >/dev/null || fail "bilet verify"
expect_row 21-0001 "outcome=submitted|handin=session_closed"
no_ticket_text "after F8"
echo "ok [kiosk package]"
