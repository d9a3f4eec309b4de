#!/usr/bin/env bash
# `bilet scan`, the whole paper pipeline: `bilet sheet` → PDF → pdftoppm at 150–600 dpi (grey
# and -mono) → ImageMagick turned 90/180/270, skewed 3°, noised, saved as PNG, JPEG, TIFF
# (several pages in one) and a multi-page image PDF → `bilet scan --trust kiosk.pub`: every
# page matched to its code with "ok". Then a tampered payload (re-encoded with qrencode) is
# BAD signature, another kiosk's key is unknown key, a page left out is missing, a page given
# twice is doubled (no error), a blank page is unreadable and then attached by hand.
# A representative subset of the dpi × rotation × noise grid runs by default; BILET_LONG=1
# runs the whole grid.
set -euo pipefail
# No `cmd | grep -q` or `| head` below: the reader may stop early, the writer then dies of
# SIGPIPE, and pipefail would count that as a failure.
bin=${BILET_BIN:?}/bilet
src=${BILET_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"

cp -r "$src/config/demo" exam
"$bin" check --exam exam --new-secret >/dev/null
"$bin" init --data data >/dev/null
"$bin" sheet --data data --exam exam --student 21-0001 --pages 2 --out a.pdf >/dev/null
"$bin" sheet --data data --exam exam --student 21-0002 --pages 3 --out b.pdf >/dev/null
pdftotext a.pdf a.txt
pdftotext b.pdf b.txt
code_a=$(grep -m1 -oE '^[0-9A-Z]{4}-[0-9A-Z]{4}$' a.txt)
code_b=$(grep -m1 -oE '^[0-9A-Z]{4}-[0-9A-Z]{4}$' b.txt)
[ -n "$code_a" ] && [ -n "$code_b" ] && [ "$code_a" != "$code_b" ] || fail "codes: '$code_a' '$code_b'"

# page FILE.pdf PAGE DPI MODE → page image PNG (MODE gray or mono), cached
page() {
  local out="p-$(basename "$1" .pdf)-$2-$3-$4"
  if [ ! -e "$out-$2.png" ] && [ ! -e "$out.png" ]; then
    pdftoppm -r "$3" "-$4" -png -f "$2" -l "$2" -singlefile "$1" "$out"
  fi
  echo "$out.png"
}
# variant IN OUT ROTATION NOISE: ROTATION 0|90|180|270|3 degrees, NOISE none|gauss|impulse
variant() {
  local args=()
  [ "$3" != 0 ] && args+=(-background white -rotate "$3")
  case "$4" in
    gauss) args+=(-attenuate 0.5 +noise Gaussian) ;;
    impulse) args+=(-attenuate 0.3 +noise Impulse) ;;
  esac
  convert "$1" "${args[@]}" "$2"
}

# Each line: pdf page dpi mode rotation noise format. The subset covers every dpi, both
# modes, every rotation, both noises and every format at least once.
grid=$(cat <<'G'
a 1 150 gray 90 none png
a 2 150 mono 0 impulse png
a 1 200 gray 180 gauss jpg
a 2 200 mono 270 none png
b 1 300 gray 3 gauss png
b 2 300 mono 180 none tif
b 3 600 mono 90 none tif
a 1 600 gray 270 none jpg
G
)
if [ "${BILET_LONG:-0}" = 1 ]; then
  grid=$(for dpi in 150 200 300 600; do for mode in gray mono; do for rot in 0 90 180 270 3; do
    for noise in none gauss impulse; do
      fmt=png; [ "$noise" = gauss ] && fmt=jpg; [ "$rot" = 90 ] && fmt=tif
      echo "a 1 $dpi $mode $rot $noise $fmt"
    done; done; done; done)
fi

expected=0
files=()
n=0
while read -r pdf pg dpi mode rot noise fmt; do
  [ -n "$pdf" ] || continue
  n=$((n + 1))
  out="v$n-$pdf$pg-$dpi-$mode-r$rot-$noise.$fmt"
  variant "$(page "$pdf.pdf" "$pg" "$dpi" "$mode")" "$out" "$rot" "$noise"
  files+=("$out")
  expected=$((expected + 1))
done <<< "$grid"

# Several pages in one TIFF, and a scanner's multi-page PDF of JPEG pages.
convert "$(page b.pdf 1 200 gray)" "$(page b.pdf 2 200 gray)" -compress lzw multi.tif
convert "$(page b.pdf 3 200 gray)" -quality 85 pdfpage3.jpg
convert "$(page a.pdf 2 300 gray)" -rotate 180 -quality 85 pdfpage2.jpg
python3 "$src/tests/paper/jpeg2pdf.py" scans.pdf pdfpage3.jpg pdfpage2.jpg
files+=(multi.tif scans.pdf a.pdf)
expected=$((expected + 2 + 2 + 2))

"$bin" scan --trust data/kiosk.pub "${files[@]}" > out.tsv 2> err || fail "scan exit $?: $(cat out.tsv err)"
pages=$(awk -F'\t' 'NF == 6 && $2 ~ /^[0-9]+$/' out.tsv | wc -l)
ok=$(awk -F'\t' 'NF == 6 && $6 == "ok"' out.tsv | wc -l)
[ "$pages" -eq "$expected" ] || fail "expected $expected page lines, got $pages: $(cat out.tsv)"
[ "$ok" -eq "$expected" ] || fail "not every page ok: $(grep -v 'ok$' out.tsv)"
# Each page line names the right code and page: the file name says which was scanned.
awk -F'\t' -v a="$code_a" -v b="$code_b" 'NF == 6 && $1 ~ /^v[0-9]+-/ {
  split($1, f, "-"); which = substr(f[2], 1, 1); pg = substr(f[2], 2)
  want = (which == "a" ? a : b); total = (which == "a" ? 2 : 3)
  if ($3 != want || $4 != pg "/" total || $5 != "2026-12-GD-101") { print "wrong: " $0; bad = 1 }
} END { exit bad }' out.tsv || fail "a page matched to the wrong code"
grep -q "^multi.tif	2	$code_b	2/3	2026-12-GD-101	ok$" out.tsv || fail "multi-page TIFF"
grep -q "^scans.pdf	2	$code_a	2/2	2026-12-GD-101	ok$" out.tsv || fail "image PDF"
grep -q "^a.pdf	1	$code_a	1/2	2026-12-GD-101	ok$" out.tsv || fail "sheet PDF"
grep -q "^$code_b	2026-12-GD-101	pages 3	present 1,2,3	missing -	" out.tsv || fail "set b: $(cat out.tsv)"
[ ! -s err ] || fail "stderr is not a terminal, yet: $(cat err)"

# A page left out is missing (exit 1); a page given twice is doubled (no error).
p1=$(page a.pdf 1 200 gray); p2=$(page a.pdf 2 200 gray)
set +e; "$bin" scan --trust data/kiosk.pub "$p1" > out.tsv; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "a missing page: exit $rc"
grep -q "^$code_a	2026-12-GD-101	pages 2	present 1	missing 2	doubled -$" out.tsv || fail "missing: $(cat out.tsv)"
"$bin" scan --trust data/kiosk.pub "$p1" "$p2" "$p1" > out.tsv || fail "a doubled page is no error"
grep -q "^$code_a	2026-12-GD-101	pages 2	present 1,2	missing -	doubled 1$" out.tsv || fail "doubled: $(cat out.tsv)"

# A tampered payload, re-encoded as a QR: BAD signature.
zbarimg --quiet --raw --nodbus "$p1" > qr.txt
good=$(head -n1 qr.txt)
case "$good" in BILET1:*) ;; *) fail "zbarimg read '$good'" ;; esac
tampered=${good/:1\/2:/:2\/2:}
[ "$tampered" != "$good" ] || fail "could not tamper"
qrencode -l Q -s 6 -m 4 -o tampered.png "$tampered"
set +e; "$bin" scan --trust data/kiosk.pub tampered.png > out.tsv; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "tampered: exit $rc"
grep -q "^tampered.png	1	$code_a	2/2	2026-12-GD-101	BAD signature$" out.tsv || fail "tampered: $(cat out.tsv)"

# Another kiosk's key only: unknown key.
"$bin" init --data other >/dev/null
set +e; "$bin" scan --trust other/kiosk.pub "$p1" > out.tsv; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "unknown key: exit $rc"
grep -q "	unknown key$" out.tsv || fail "unknown key: $(cat out.tsv)"

# A blank page is unreadable; attached by hand with --code/--page it is hand-entered.
convert -size 1654x2339 xc:white blank.png
set +e; "$bin" scan --trust data/kiosk.pub "$p1" blank.png > out.tsv; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "unreadable: exit $rc"
grep -q "^blank.png	1	-	-	-	unreadable$" out.tsv || fail "unreadable: $(cat out.tsv)"
"$bin" scan --trust data/kiosk.pub --code "$(echo "$code_a" | tr 'A-Z' 'a-z' | tr -d -)" --page 2 blank.png > out.tsv \
  || fail "hand entry: exit $?"
grep -q "^blank.png	1	$code_a	2/?	-	hand-entered$" out.tsv || fail "hand-entered: $(cat out.tsv)"
set +e; "$bin" scan --trust data/kiosk.pub --code "$code_b" --page 1 "$p1" 2> err; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "cannot contradict" err || fail "a hand entry against a readable QR: $rc $(cat err)"

# Usage and unreadable files: exit 2, one line.
expect_2() {
  local what=$1 pattern=$2; shift 2
  set +e; "$bin" scan "$@" > /dev/null 2> err; rc=$?; set -e
  [ "$rc" -eq 2 ] || fail "$what: exit $rc"
  [ "$(wc -l < err)" -eq 1 ] || fail "$what: not one line: $(cat err)"
  grep -q -- "$pattern" err || fail "$what: '$pattern' not in $(cat err)"
}
echo "not an image" > notes.txt
expect_2 "not an image" "notes.txt" --trust data/kiosk.pub notes.txt
expect_2 "missing file" "nowhere.png" --trust data/kiosk.pub nowhere.png
expect_2 "bad trust file" "notes.txt" --trust notes.txt "$p1"
BILET_TOKEN= expect_2 "central without a token" "no staff token" --central http://127.0.0.1:1 \
  --trust data/kiosk.pub "$p1"
expect_2 "code without page" "--page" --code "$code_a" blank.png
expect_2 "no input" "no IMAGE"
"$bin" scan --help > help.txt
grep -q -- "--trust FILE.pub" help.txt || fail "--help"
echo "paper scan: ok ($expected pages)"
