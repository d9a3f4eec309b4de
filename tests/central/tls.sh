#!/usr/bin/env bash
# HTTPS: bilet-central with --tls-cert/--tls-key serves the same API over TLS; a kiosk
# client that trusts the certificate syncs and checks its receipts, plain HTTP is not
# answered, and a missing or broken certificate is refused at start.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if ! command -v openssl >/dev/null; then
  echo "openssl (to make a test certificate) is not installed: skipped"
  exit 77
fi

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null
chmod 600 "$tmp/tls.key"

db=$tmp/central.db
start_central "$db" --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key"
case "$central_url" in
https://*) ;;
*) fail "the server should say https: $central_url" ;;
esac
[ "$(http_status GET "$central_url/api/v1/health" --cacert "$tmp/tls.crt")" = 200 ] ||
  fail "health over HTTPS"
code=$(http_status GET "http://${central_url#https://}/api/v1/health")
[ "$code" != 200 ] || fail "plain HTTP was answered on the HTTPS port"

make_kiosk "$tmp/k" 50
enrol "$db" "$tmp/k"
post "$tmp/k" --cacert "$tmp/tls.crt" || fail "sync over HTTPS: $(cat "$tmp/post.out")"
expect_counts "stored 50 duplicate 0 rejected 0 gaps 0"
stop_central "$central_pid"

rc=0
"$bin/bilet-central" --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0 \
  --tls-cert "$tmp/nothing.crt" --tls-key "$tmp/tls.key" 2>"$tmp/err" || rc=$?
[ "$rc" -ne 0 ] && grep -q 'nothing.crt' "$tmp/err" || fail "a missing certificate: exit $rc, $(cat "$tmp/err")"
echo "garbage" >"$tmp/bad.crt"
rc=0
"$bin/bilet-central" --db "$db" --key "$tmp/keys" --listen 127.0.0.1:0 \
  --tls-cert "$tmp/bad.crt" --tls-key "$tmp/tls.key" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a broken certificate: exit $rc, $(cat "$tmp/err")"
echo "tls: ok"
