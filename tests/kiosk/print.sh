#!/usr/bin/env bash
# tests/kiosk/print.sh — the answer sheet made when a written answer is handed in
# (kiosk/app/printer.c, docs/kiosk.md "Answer sheets and the printer"). One case per run
# ($BILET_CASE):
#   saved    kiosk.ini names no printer: DATA/sheets/<attempt id>.pdf (0600) holds the typed
#            answer and the code, sheet_printed says status saved, the invigilator sees it
#   no_queue printer names a queue that does not exist (a private CUPS socket nobody
#            listens on): lp fails, the PDF is still saved, the screen and the record say so
#   cups     a real cupsd (private config, root only) with a file: queue: the job reaches
#            the file, a PDF whose text holds the answer and the code
set -euo pipefail
flow=print-${BILET_CASE:?}
. "$(dirname "$0")/lib.sh"
setup

answer="Вскрытие месторождения горными выработками"
# The written flow up to the handed-in answer, then the invigilator's screen.
write_script() {
  cat >"$scratch/print.script" <<SCRIPT
# exam: demo
key F12
type 1379
enter
expect screen invigilator
key F1
type 21-0001
enter
enter
enter
expect screen answer
type $answer
key ctrl+Return
enter
expect screen done
key F12
type 1379
enter
expect screen invigilator
hold 1500
$1
SCRIPT
}

set_printer() {
  sed -i -e "s|^printer = .*|printer = $1|" "$scratch/kiosk.ini"
}

# check_sheet STATUS PRINTER — the PDF and its record.
check_sheet() {
  local id code pdf rec
  id=$(results_sql "SELECT attempt_id FROM r WHERE record_book = '21-0001'")
  code=$(results_sql "SELECT code FROM r WHERE record_book = '21-0001'")
  pdf=$data/sheets/$id.pdf
  [ -f "$pdf" ] || fail "no $pdf: $(ls -la "$data" "$data/sheets" 2>&1)"
  [ "$(stat -c %a "$pdf")" = 600 ] || fail "$pdf is mode $(stat -c %a "$pdf"), not 600"
  ! ls -A "$data/sheets" | grep -q part || fail "a temporary file is left in $data/sheets"
  pdftotext "$pdf" "$scratch/sheet.txt"
  grep -q "$answer" "$scratch/sheet.txt" || fail "the typed answer is not on the sheet"
  grep -q "$code" "$scratch/sheet.txt" || fail "the code $code is not on the sheet"
  rec=$(sqlite3 "$data/bilet.db" "SELECT CAST(bytes AS TEXT) FROM records WHERE type = 'sheet_printed'")
  [ "$(grep -c . <<<"$rec")" = 1 ] || fail "expected one sheet_printed record: $rec"
  grep -q "\"code\":\"$code\",\"pages\":1,\"attempt\":1,\"printer\":\"$2\",\"status\":\"$1\"" \
    <<<"$rec" || fail "sheet_printed fields: $rec"
  # The record comes after the answer it prints.
  [ "$(sqlite3 "$data/bilet.db" "SELECT (SELECT seq FROM records WHERE type = 'sheet_printed') >
        (SELECT seq FROM records WHERE type = 'answer_submitted')")" = 1 ] ||
    fail "sheet_printed is not after answer_submitted"
  echo "$code"
}

case $BILET_CASE in
  saved)
    write_script "expect text сохранён"
    run_kiosk "$scratch/print.script"
    verify
    check_sheet saved "" >/dev/null
    ;;
  no_queue)
    set_printer bilet_no_such_queue
    export CUPS_SERVER=$scratch/no-cupsd.sock # nobody listens: lp fails at once
    write_script "expect text не напечатан"
    run_kiosk "$scratch/print.script"
    verify
    check_sheet failed bilet_no_such_queue >/dev/null
    ;;
  cups)
    command -v cupsd >/dev/null && command -v lpadmin >/dev/null ||
      fail "CUPS is not installed (script/deps installs cups cups-client cups-filters)"
    [ "$(id -u)" = 0 ] || { echo "SKIP [kiosk $flow]: cupsd needs root"; exit 77; }
    cups=$scratch/cups
    mkdir -p "$cups/conf" "$cups/cache" "$cups/state" "$cups/spool" "$cups/log" "$cups/out"
    chmod 755 "$scratch" "$cups"
    chmod 777 "$cups/out"
    cat >"$cups/conf/cupsd.conf" <<CONF
Listen $cups/cups.sock
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
    cat >"$cups/conf/cups-files.conf" <<CONF
FileDevice Yes
ServerRoot $cups/conf
CacheDir $cups/cache
StateDir $cups/state
RequestRoot $cups/spool
TempDir $cups/spool
ServerBin /usr/lib/cups
DataDir /usr/share/cups
ErrorLog $cups/log/error_log
AccessLog $cups/log/access_log
PageLog $cups/log/page_log
SystemGroup root
CONF
    cupsd -f -c "$cups/conf/cupsd.conf" -s "$cups/conf/cups-files.conf" >"$cups/log/cupsd.out" 2>&1 &
    cupsd_pid=$!
    trap 'kill "$cupsd_pid" 2>/dev/null; wait "$cupsd_pid" 2>/dev/null; rm -rf "$scratch"' EXIT
    export CUPS_SERVER=$cups/cups.sock
    for _ in $(seq 1 50); do [ -S "$CUPS_SERVER" ] && break; sleep 0.1; done
    [ -S "$CUPS_SERVER" ] || fail "cupsd did not start: $(cat "$cups/log/cupsd.out" "$cups/log/error_log" 2>&1)"
    lpadmin -p bilet_test -E -v "file://$cups/out/printed.pdf" \
      -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd 2>/dev/null ||
      fail "lpadmin: $(cat "$cups/log/error_log" 2>&1)"
    set_printer bilet_test
    write_script "expect text отправлен на принтер bilet_test"
    run_kiosk "$scratch/print.script"
    verify
    code=$(check_sheet sent bilet_test)
    for _ in $(seq 1 100); do
      [ -s "$cups/out/printed.pdf" ] && pdftotext "$cups/out/printed.pdf" - 2>/dev/null |
        grep -q "$code" && break
      sleep 0.1
    done
    [ -s "$cups/out/printed.pdf" ] || fail "the job never reached the queue's file: $(tail "$cups/log/error_log" 2>&1)"
    pdftotext "$cups/out/printed.pdf" "$scratch/printed.txt"
    grep -q "$answer" "$scratch/printed.txt" || fail "the printed PDF lacks the typed answer"
    grep -q "$code" "$scratch/printed.txt" || fail "the printed PDF lacks the code $code"
    ;;
  *)
    fail "unknown case"
    ;;
esac
echo "ok [kiosk $flow]"
