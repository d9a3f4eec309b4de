#!/usr/bin/env bash
# Security proofs through the real programs (docs/threat-model.md). One case a run,
# chosen by $BILET_CASE:
#   key_modes   every program that reads a secret key file refuses one that group or
#               others may read — bilet-kiosk, bilet sync --export/sheet/results (kiosk.key),
#               bilet pack (a staff key, code.key), bilet sheet (code.key), bilet-central
#               (central.key) — with one line naming the file and `chmod 600`, exit 2,
#               nothing written; and `bilet init` makes a 0600 key in a 0700 folder even
#               under umask 000.
#   tls_pinning bilet-central refuses a TLS private key others may read (exit 2); a sync to
#               an HTTPS central is refused, and nothing leaves the outbox, when
#               the receipt is signed by another key than the pinned central.pub, and when
#               the central's certificate is not trusted; with both right it goes through.
#   removed_last_record
#               a last record removed from bilet.db (or removed and written anew) after
#               the central acknowledged it is caught by `bilet sync` against the receipt,
#               though `bilet verify` finds the shorter chain intact; nothing more is sent.
#   check_sql   script/check-sql passes on the tree and names each way of building SQL at
#               run time in a fixture.
set -euo pipefail
. "$BILET_SRC/tests/central/lib.sh"

bilet=$bin/bilet
kiosk=$bin/bilet-kiosk
central=$bin/bilet-central

# refused WHAT FILE CMD...: CMD exits 2 with one line on stderr that names FILE and says
# `chmod 600`.
refused() {
  local what=$1 file=$2
  shift 2
  local rc=0
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2: $(cat "$tmp/err")"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: one line expected: $(cat "$tmp/err")"
  grep -qF "$file" "$tmp/err" || fail "$what: the message does not name $file: $(cat "$tmp/err")"
  grep -qF "chmod 600" "$tmp/err" || fail "$what: the message does not say chmod 600: $(cat "$tmp/err")"
}

case_key_modes() {
  # bilet init under the most permissive umask still makes 0600 in 0700.
  (umask 000 && "$bilet" init --data "$tmp/k" >/dev/null)
  [ "$(stat -c %a "$tmp/k")" = 700 ] || fail "umask 000: folder mode $(stat -c %a "$tmp/k")"
  [ "$(stat -c %a "$tmp/k/kiosk.key")" = 600 ] || fail "umask 000: kiosk.key mode $(stat -c %a "$tmp/k/kiosk.key")"
  [ "$(stat -c %a "$tmp/k/kiosk.pub")" = 644 ] || fail "umask 000: kiosk.pub mode"

  cp -R "$src/config/demo" "$tmp/demo"
  rm -f "$tmp/demo/code.key"
  "$bilet" check --exam "$tmp/demo" --policies "$src/config/policies" --new-secret >/dev/null
  [ "$(stat -c %a "$tmp/demo/code.key")" = 600 ] || fail "code.key mode $(stat -c %a "$tmp/demo/code.key")"
  sed -e "s|^data = .*|data = $tmp/k|" -e "s|^policies = .*|policies = $src/config/policies|" \
    -e "s|^central = .*|central =|" "$src/config/kiosk.ini" >"$tmp/kiosk.ini"
  printf 'expect screen locked\n' >"$tmp/locked.script"
  local rb
  rb=$(sed -n '2s/[,;].*//p' "$tmp/demo/roster.csv")

  # kiosk.key readable by the group (other-readable modes: test_secret_keys, and the staff
  # key below).
  chmod 640 "$tmp/k/kiosk.key"
  refused "bilet-kiosk, kiosk.key 640" "$tmp/k/kiosk.key" \
    "$kiosk" --config "$tmp/kiosk.ini" --exam "$tmp/demo" --headless --script "$tmp/locked.script"
  refused "bilet sync --export" "$tmp/k/kiosk.key" "$bilet" sync --data "$tmp/k" --export "$tmp/k.bundle"
  [ ! -e "$tmp/k.bundle" ] || fail "bilet sync --export wrote a bundle with a readable key"
  # (A push, `bilet sync --central`, sends records signed already and never reads kiosk.key.)
  refused "bilet sheet" "$tmp/k/kiosk.key" "$bilet" sheet --data "$tmp/k" --exam "$tmp/demo" \
    --student "$rb" --out "$tmp/sheet.pdf"
  [ ! -e "$tmp/sheet.pdf" ] || fail "bilet sheet wrote a PDF with a readable key"
  refused "bilet results" "$tmp/k/kiosk.key" "$bilet" results --data "$tmp/k"
  chmod 600 "$tmp/k/kiosk.key"
  "$kiosk" --config "$tmp/kiosk.ini" --exam "$tmp/demo" --headless --script "$tmp/locked.script" \
    >"$tmp/out" 2>&1 || fail "bilet-kiosk with a 0600 key: $(cat "$tmp/out")"
  "$bilet" results --data "$tmp/k" >/dev/null || fail "bilet results with a 0600 key"

  # code.key of a blind exam: bilet sheet and bilet pack refuse it readable.
  chmod 644 "$tmp/demo/code.key"
  refused "bilet sheet, code.key 644" "$tmp/demo/code.key" "$bilet" sheet --data "$tmp/k" \
    --exam "$tmp/demo" --student "$rb" --out "$tmp/sheet.pdf"
  [ ! -e "$tmp/sheet.pdf" ] || fail "bilet sheet wrote a PDF with a readable code.key"

  # A staff key (made by bilet init on the staff workstation) signs packages.
  "$bilet" init --data "$tmp/staff" >/dev/null
  printf 'четыре слова на бумаге\n' >"$tmp/pass"
  refused "bilet pack, code.key 644" "$tmp/demo/code.key" "$bilet" pack --exam "$tmp/demo" \
    --key "$tmp/staff/kiosk.key" --passphrase-file "$tmp/pass" --out "$tmp/demo.bilet"
  [ ! -e "$tmp/demo.bilet" ] || fail "bilet pack wrote a package with a readable code.key"
  chmod 600 "$tmp/demo/code.key"
  chmod 604 "$tmp/staff/kiosk.key"
  refused "bilet pack, staff key 604" "$tmp/staff/kiosk.key" "$bilet" pack --exam "$tmp/demo" \
    --key "$tmp/staff/kiosk.key" --passphrase-file "$tmp/pass" --out "$tmp/demo.bilet"
  [ ! -e "$tmp/demo.bilet" ] || fail "bilet pack wrote a package with a readable staff key"
  chmod 600 "$tmp/staff/kiosk.key"

  # central.key: every mode of bilet-central that loads it.
  local db=$tmp/central.db
  start_central "$db"
  stop_central "$central_pid"
  "$bilet" sync --data "$tmp/k" --export "$tmp/k.bundle" >/dev/null
  chmod 640 "$tmp/keys/central.key"
  refused "bilet-central --listen" "$tmp/keys/central.key" \
    "$central" --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0
  refused "bilet-central --import" "$tmp/keys/central.key" \
    "$central" --db "$db" --key "$tmp/keys" --import "$tmp/k.bundle"
  refused "bilet-central --add-exam" "$tmp/keys/central.key" \
    "$central" --db "$db" --key "$tmp/keys" --add-exam "$tmp/demo" --policies "$src/config/policies"
  [ "$(sql "$db" "SELECT count(*) FROM records")" = 0 ] || fail "records stored with a readable central.key"
  chmod 600 "$tmp/keys/central.key"
}

case_tls_pinning() {
  if ! command -v openssl >/dev/null; then
    echo "openssl (to make a test certificate) is not installed: skipped"
    exit 77
  fi
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null
  local db=$tmp/central.db
  make_kiosk "$tmp/k" 7
  "$bilet" init --data "$tmp/other" >/dev/null # a key that is not the central's
  start_central "$db" --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key"
  enrol "$db" "$tmp/k"
  case "$central_url" in https://*) ;; *) fail "not HTTPS: $central_url" ;; esac
  acked() {
    sqlite3 "$tmp/k/bilet.db" "SELECT coalesce(max(acked_seq), 0) FROM sync_state"
  }
  sync_to() {
    local rc=0
    "$bilet" sync --data "$tmp/k" --central "$central_url" "$@" >"$tmp/sync.out" 2>&1 || rc=$?
    echo "$rc"
  }

  # A receipt signed by the central's real key, checked against another pinned key.
  [ "$(sync_to --central-pub "$tmp/other/kiosk.pub" --cacert "$tmp/tls.crt")" = 1 ] ||
    fail "a receipt of another key: $(cat "$tmp/sync.out")"
  grep -q "signature does not verify" "$tmp/sync.out" || fail "no reason: $(cat "$tmp/sync.out")"
  [ "$(acked)" = 0 ] || fail "a receipt of another key acknowledged $(acked) records"

  # A certificate the client does not trust: no connection, nothing sent or acknowledged.
  local before
  before=$(count_records "$db")
  [ "$(sync_to --central-pub "$tmp/keys/central.pub")" = 1 ] ||
    fail "an untrusted certificate: $(cat "$tmp/sync.out")"
  grep -qi "certificate" "$tmp/sync.out" || fail "the certificate is not named: $(cat "$tmp/sync.out")"
  [ "$(acked)" = 0 ] || fail "an untrusted certificate acknowledged $(acked) records"
  [ "$(count_records "$db")" = "$before" ] || fail "records reached a central the client does not trust"
  # The same over a certificate for another name (CN and SAN 127.0.0.2).
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=127.0.0.2 -addext subjectAltName=IP:127.0.0.2 \
    -keyout "$tmp/tls2.key" -out "$tmp/tls2.crt" 2>/dev/null
  [ "$(sync_to --central-pub "$tmp/keys/central.pub" --cacert "$tmp/tls2.crt")" = 1 ] ||
    fail "another certificate: $(cat "$tmp/sync.out")"
  [ "$(acked)" = 0 ] || fail "another certificate acknowledged $(acked) records"

  # Both right: everything goes through and is acknowledged.
  [ "$(sync_to --central-pub "$tmp/keys/central.pub" --cacert "$tmp/tls.crt")" = 0 ] ||
    fail "the right key and certificate: $(cat "$tmp/sync.out")"
  [ "$(acked)" = 7 ] || fail "acked $(acked) of 7"
  stop_central "$central_pid"

  # The TLS private key is a secret like central.key: refused when others may read it.
  chmod 644 "$tmp/tls.key"
  refused "bilet-central --tls-key 644" "$tmp/tls.key" "$central" --db "$db" --key "$tmp/keys" \
    --listen 127.0.0.1:0 --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key"
}

case_removed_last_record() {
  local db=$tmp/central.db
  make_kiosk "$tmp/k" 5
  enrol "$db" "$tmp/k"
  start_central "$db"
  sync_k() {
    local rc=0
    "$bilet" sync --data "$tmp/k" --central "$central_url" --central-pub "$tmp/keys/central.pub" \
      >"$tmp/sync.out" 2>&1 || rc=$?
    echo "$rc"
  }
  [ "$(sync_k)" = 0 ] || fail "first sync: $(cat "$tmp/sync.out")"
  local original
  original=$(sqlite3 "$tmp/k/bilet.db" "SELECT lower(hex(hash)) FROM records WHERE seq = 5")
  # The last record removed: the chain that is left verifies, so only the receipt can tell.
  sqlite3 "$tmp/k/bilet.db" "DELETE FROM records WHERE seq = 5"
  "$bilet" verify --data "$tmp/k" >/dev/null || fail "a shortened chain should still verify"
  [ "$(sync_k)" = 1 ] || fail "a removed acknowledged record: $(cat "$tmp/sync.out")"
  grep -q "record 5 is not the one .* acknowledged" "$tmp/sync.out" ||
    fail "the removed record is not named: $(cat "$tmp/sync.out")"
  # ... and written anew in its place: refused the same, nothing of it is sent.
  "$tools/store_tool" fill "$tmp/k" 1 >/dev/null
  [ "$(sync_k)" = 1 ] || fail "a replaced acknowledged record: $(cat "$tmp/sync.out")"
  grep -q "record 5 is not the one .* acknowledged" "$tmp/sync.out" ||
    fail "the replaced record is not named: $(cat "$tmp/sync.out")"
  [ "$(count_records "$db")" = 5 ] || fail "the central holds $(count_records "$db") records, not 5"
  [ "$(sql "$db" "SELECT hash FROM records WHERE seq = 5")" = "$original" ] ||
    fail "the central lost the original record 5"
  stop_central "$central_pid"
}

case_check_sql() {
  bash "$src/script/check-sql" >"$tmp/out" 2>&1 || fail "check-sql on the tree: $(cat "$tmp/out")"
  cat >"$tmp/bad.c" <<'EOF'
static bilet_status exec(sqlite3 *db, const char *sql, bilet_err *err)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) ? BILET_EIO : BILET_OK;
}
static const char schema[] = "CREATE TABLE t(a)";
void f(sqlite3 *db, PGconn *c, const char *name)
{
    char buf[256];
    snprintf(buf, sizeof buf, "SELECT * FROM t WHERE name = '%s'", name);
    sqlite3_prepare_v2(db, buf, -1, &st, NULL);
    exec(db, buf, NULL);
    char *q = sqlite3_mprintf("DELETE FROM t WHERE a = %Q", name);
    PQexec(c, q);
    PQprepare(c, "n", q, 0, NULL);
    char *e = PQescapeLiteral(c, name, 3);
    const char *sql = name;
    exec(db, schema, NULL);
    exec(db, "SELECT 1", NULL);
    exec(db, name ? "SELECT \"a\"" : "SELECT 2", NULL);
    PQexecParams(c, "SELECT $1", 1, NULL, v, NULL, NULL, 0);
}
EOF
  local rc=0
  bash "$src/script/check-sql" "$tmp/bad.c" >"$tmp/out" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || fail "check-sql passed a file that builds SQL: $(cat "$tmp/out")"
  local want
  for want in ':9: snprintf formats SQL' ':10: sqlite3_prepare_v2 gets SQL that is not a literal: buf' \
    ':11: exec gets SQL that is not a literal: buf' ':12: sqlite3_mprintf builds SQL' \
    ':13: PQexec gets SQL' ':14: PQprepare gets SQL' ':15: PQescapeLiteral builds SQL' \
    ':16: sql initialised with more than literals'; do
    grep -qF "$want" "$tmp/out" || fail "check-sql did not report '$want': $(cat "$tmp/out")"
  done
  [ "$(grep -c 'bad.c:' "$tmp/out")" -eq 8 ] || fail "check-sql reported more than the 8 faults: $(cat "$tmp/out")"
}

case "${BILET_CASE:?}" in
key_modes) case_key_modes ;;
tls_pinning) case_tls_pinning ;;
removed_last_record) case_removed_last_record ;;
check_sql) case_check_sql ;;
*) fail "unknown case $BILET_CASE" ;;
esac
echo "security $BILET_CASE: ok"
