#!/usr/bin/env bash
# po/check.sh SRC — the catalogs are complete and current: po/bilet.pot holds exactly the
# msgids that kiosk/core's, kiosk/ui's and sync/paper's sources mark, and po/ru.po, kk.po and en.po
# translate every one of them (none fuzzy, none untranslated) with valid formats and plural
# headers (msgfmt -c).
set -euo pipefail
src=${1:?usage: check.sh SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 \
  --output="$tmp/fresh.pot" "$src"/kiosk/core/*.c "$src"/kiosk/ui/*.c "$src"/sync/paper/*.c
# Both ways: nothing marked in the sources is missing from the template, nothing stale in it.
msgcmp --use-untranslated "$src/po/bilet.pot" "$tmp/fresh.pot"
msgcmp --use-untranslated "$tmp/fresh.pot" "$src/po/bilet.pot"
for lang in ru kk en; do
  po="$src/po/$lang.po"
  msgcmp "$po" "$tmp/fresh.pot"
  stats=$(LC_ALL=C msgfmt --check --statistics --output-file=/dev/null "$po" 2>&1)
  case $stats in
    *fuzzy* | *untranslated*)
      echo "$po: $stats" >&2
      exit 1
      ;;
  esac
done
echo "catalogs complete: $(LC_ALL=C msgfmt --statistics -o /dev/null "$src/po/ru.po" 2>&1)"
