#!/usr/bin/env bash
# The staff console in a real browser (docs/console.md): Debian's chromium driven by
# playwright-core (tests/web/package.json, installed here with `npm ci`; never a browser
# download) against a real bilet-central on 127.0.0.1, seeded by two headless kiosks that
# sit the demo written exam and sync.
#
# Phase "live" (exam in progress): sign-in and sessions, CSRF/Origin/role refusals, the
# rooms page. Then both terminals close their sessions and sync again. Phase "grading":
# a grader grades every code and never sees a name; a registrar locks, unmasks and
# downloads the ведомость (checked with pdftotext). Screenshots of every page at 1366×768
# and 390×844 go to $BILET_BIN/tests/web-shots/.
#
# Exit 77 (skipped) without /usr/bin/chromium or node.
set -euo pipefail
bin=${BILET_BIN:?}
src=${BILET_SRC:?}
web=$src/tests/web
chromium=${BILET_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "skipped: needs $chromium, node and npm (script/deps installs them)"
  exit 77
fi

# playwright-core as package-lock.json pins it, installed once (the lock keeps two builds'
# test runs from installing at the same time).
want=$(node -p "require('$web/package-lock.json').packages['node_modules/playwright-core'].version")
(
  flock 9
  have=$(node -p "try { require('$web/node_modules/playwright-core/package.json').version } catch (e) { '' }")
  if [ "$have" != "$want" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
) 9<"$web/package-lock.json"

tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL (web console): $*" >&2
  exit 1
}

shots=$bin/tests/web-shots
rm -rf "$shots"
mkdir -p "$shots"

# The exam (a copy of config/demo with its own code.key) and two terminals.
cp -R "$src/config/demo" "$tmp/demo"
rm -f "$tmp/demo/code.key"
"$bin/bilet" check --exam "$tmp/demo" --policies "$src/config/policies" --new-secret >/dev/null
for k in a b; do
  "$bin/bilet" init --data "$tmp/k$k" >/dev/null
  sed -e "s|^data = .*|data = $tmp/k$k|" -e "s|^policies = .*|policies = $src/config/policies|" \
    -e "s|^name = .*|name = ауд. 214, место $([ $k = a ] && echo 1 || echo 2)|" \
    "$src/config/kiosk.ini" >"$tmp/k$k.ini"
done

# The central store: the exam added, both terminals enrolled, a registrar and a grader
# with passwords.
db=$tmp/central.db
central=("$bin/bilet-central" --db "$db" --key "$tmp/keys")
"${central[@]}" --add-exam "$tmp/demo" --policies "$src/config/policies" >/dev/null 2>&1 ||
  "${central[@]}" --add-exam "$tmp/demo" --policies "$src/config/policies"
"${central[@]}" --enrol "$tmp/ka/kiosk.pub" --name "ауд. 214, место 1" >/dev/null
"${central[@]}" --enrol "$tmp/kb/kiosk.pub" --name "ауд. 214, место 2" >/dev/null
printf 'registrar-pass-1\n' >"$tmp/registrar.pw"
printf 'grader-pass-22\n' >"$tmp/grader.pw"
registrar_token=$("${central[@]}" --add-staff "Иванова Ирина Петровна" --role registrar \
  --password-file "$tmp/registrar.pw" | tail -n 1)
"${central[@]}" --add-staff "Петров Павел Павлович" --role grader \
  --password-file "$tmp/grader.pw" >/dev/null
"${central[@]}" --listen 127.0.0.1:0 --threads 2 2>"$tmp/central.log" &
pids+=($!)
url=
for _ in $(seq 1 200); do
  url=$(sed -n 's|.*listening on \(http://[^ ]*\) .*|\1|p' "$tmp/central.log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$tmp/central.log" >&2; fail "bilet-central did not start"; }
  sleep 0.05
done
[ -n "$url" ] || fail "no address in the central's log"

kiosk=${BILET_KIOSK:-$bin/bilet-kiosk}
kiosk_run() { # kiosk_run a|b SCRIPT
  (cd "$tmp" && "$kiosk" --config "$tmp/k$1.ini" --exam "$tmp/demo" --data "$tmp/k$1" \
    --headless --script "$2") >"$tmp/kiosk-$1.out" 2>&1 || {
    cat "$tmp/kiosk-$1.out" >&2
    fail "bilet-kiosk ($1, $(basename "$2")) failed"
  }
}
sync_all() {
  local k
  for k in a b; do
    "$bin/bilet" sync --data "$tmp/k$k" --central "$url" --central-pub "$tmp/keys/central.pub" \
      >"$tmp/sync-$k.out" 2>&1 || { cat "$tmp/sync-$k.out" >&2; fail "bilet sync ($k)"; }
  done
}

kiosk_run a "$web/kiosk-a.script"
kiosk_run b "$web/kiosk-b.script"
sync_all

# Uploads for the console's exam form: the oral demo exam as a zip (its folder inside, as
# a zipped folder comes), an archive that reaches out of its folder, a sealed package.
python3 - "$src/config/demo-oral" "$tmp" <<'PY'
import os, sys, zipfile
src, tmp = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(os.path.join(tmp, "demo-oral.zip"), "w") as z:
    for name in sorted(os.listdir(src)):
        if name.endswith((".ini", ".csv")):
            z.write(os.path.join(src, name), "demo-oral/" + name)
with zipfile.ZipFile(os.path.join(tmp, "evil.zip"), "w") as z:
    z.writestr("../../outside.txt", "x")
    z.writestr("exam.ini", "[exam]\n")
open(os.path.join(tmp, "exam.bilet"), "wb").write(b"BILET-SEALED\0" + os.urandom(64))
PY
# A sealed package of another exam, packed with the central's key (docs/package.md).
cp -R "$src/config/demo-oral" "$tmp/sealed"
sed -i -e 's/^id = .*/id = 2026-12-EM-205/' -e 's/^discipline = .*/discipline = Электробезопасность/' \
  "$tmp/sealed/exam.ini"
"$bin/bilet" init --data "$tmp/staff" >/dev/null
printf 'пароль пакета 2026\n' >"$tmp/pass"
"$bin/bilet" pack --exam "$tmp/sealed" --key "$tmp/staff/kiosk.key" --passphrase-file "$tmp/pass" \
  --policies "$src/config/policies" --central-pub "$tmp/keys/central.pub" \
  --out "$tmp/sealed.bilet" >/dev/null

# The roster's names: none of them may reach a grader's page or JSON.
cut -d';' -f2 "$tmp/demo/roster.csv" | tail -n +2 >"$tmp/names.txt"
cut -d';' -f1 "$tmp/demo/roster.csv" | tail -n +2 >"$tmp/books.txt"

export BILET_WEB_URL=$url BILET_WEB_SHOTS=$shots BILET_WEB_TMP=$tmp BILET_WEB_CHROMIUM=$chromium
export BILET_WEB_REGISTRAR="Иванова Ирина Петровна" BILET_WEB_REGISTRAR_PW=registrar-pass-1
export BILET_WEB_GRADER="Петров Павел Павлович" BILET_WEB_GRADER_PW=grader-pass-22
export BILET_WEB_REGISTRAR_TOKEN=$registrar_token BILET_WEB_EXAM=2026-12-GD-101
BILET_WEB_PHASE=live node "$web/console.test.js" || fail "phase live"

# The exam ends: both invigilators close their sessions, the terminals sync.
sleep 1
kiosk_run a "$web/kiosk-close.script"
kiosk_run b "$web/kiosk-close.script"
sync_all
BILET_WEB_PHASE=grading node "$web/console.test.js" || fail "phase grading"

# The central chain of grades and the lock verifies like every kiosk's.
"${central[@]}" --verify >"$tmp/verify.out" 2>&1 || { cat "$tmp/verify.out" >&2; fail "--verify"; }
kill -TERM "${pids[0]}"
rc=0
wait "${pids[0]}" || rc=$?
[ "$rc" -eq 0 ] || { tail -n 60 "$tmp/central.log" >&2; fail "bilet-central exited $rc on SIGTERM"; }
pids=()
echo "web console: ok (screenshots in $shots)"
